"""The learner's panels: pass, partial, fail and not attempted, and the notebook summary."""

from __future__ import annotations

import pytest

import autograd_kit as ak
from autograd_kit.grading import feedback
from autograd_kit.grading.feedback import check, hidden, summary
from autograd_kit.grading.probes import REFERENCE, Probe, expect, judge, observe, score


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch):
    monkeypatch.setattr(feedback, "_REGISTRY", {})


def _answered():
    x = ak.tensor([3.0], requires_grad=True)
    y = x ** 2
    y.backward()
    return {"x": x, "y": y, "ak": ak}


def test_pass_panel_speaks_the_kit_language_only():
    probes = [expect.close("x.grad", [6.0], what=("the gradient of x", "x 的梯度")),
              expect.leaf("y", is_leaf=False, requires_grad=True)]
    panel = check("q1", probes, points=2, namespace=_answered())
    assert panel.passed and panel.result.points == 2.0
    text = repr(panel)
    assert text.startswith("q1  PASS  2.0/2 points")
    assert "✔ the gradient of x: correct." in text and "正确" not in text
    assert text.count("correct.") == 2
    ak.set_language("zh")
    try:
        zh = repr(check("q1", probes, points=2, namespace=_answered()))
    finally:
        ak.set_language("en")
    assert zh.startswith("q1  通过  2.0/2 分") and "x 的梯度：正确。" in zh and "PASS" not in zh


def test_partial_and_fail_panels_teach():
    ns = _answered()
    panel = check("q2", [expect.close("x.grad", [6.0]), expect.close("x.grad * 2", [6.0],
                                                                      chapter=3)],
                  points=4, namespace=ns)
    assert panel.result.status == "partial" and panel.result.points == 2.0
    assert "expected [6.0], found [12.0]" in repr(panel)
    assert "Reread chapter 3" in repr(panel)
    failed = check("q3", [expect.graph("y", "MulBackward0(AccumulateGrad, None)")],
                   points=1, namespace=ns)
    assert failed.result.status == "fail"
    assert "PowBackward0" in repr(failed) and "expected the graph" in repr(failed)


def test_stub_is_not_attempted_not_a_crash():
    def f(v):
        raise NotImplementedError()

    panel = check("q4", [expect.close("f(2.0)", 4.0), expect.close("g(2.0)", 4.0)],
                  points=3, namespace={"f": f})
    assert panel.result.status == "not attempted" and panel.result.points == 0
    assert "NOT ATTEMPTED" in repr(panel)
    assert "not_attempted(...)" in repr(panel) and "NotImplementedError" in panel._repr_html_()


def test_a_top_level_stub_records_itself_without_raising(monkeypatch, capsys):
    from types import SimpleNamespace

    monkeypatch.setattr(feedback, "_STUBBED", {})
    feedback.not_attempted("q8")
    assert "q8: not attempted yet" in capsys.readouterr().out
    feedback._after_cell(SimpleNamespace(info=SimpleNamespace(cell_id="c8", raw_cell="."),
                                         error_in_exec=None))
    ns = {"q8_answer": 0}
    assert check("q8", [expect.equal("q8_answer", 1)], points=1, namespace=ns)\
        .result.status == "not attempted"
    feedback._after_cell(SimpleNamespace(info=SimpleNamespace(cell_id="c8", raw_cell="."),
                                         error_in_exec=None))
    assert check("q8", namespace=ns).result.status == "fail"


def test_secret_probes_say_which_entries_are_wrong_but_not_the_answer():
    probe = expect.equal("names", secret=True, what=("your prediction", "你的预测"))
    result = judge(probe, {"ok": True, "value": ["A", "B", "C"]},
                   {"ok": True, "value": ["A", "X", "Y"]})
    assert not result.passed
    assert result.message_en.startswith("your prediction: not right yet (wrong entries: 1, 2)")
    assert "X" not in result.text("en") and "Y" not in result.text("zh")
    assert "你的预测：还不对" in result.message_zh


def test_a_failed_key_probe_scores_the_question_zero():
    probes = [expect.equal("a", 1, weight=3), expect.equal("b", 2, key=True)]
    observations = [{"ok": True, "value": 1}, {"ok": True, "value": 5}]
    result = score("q1", 4, probes, observations)
    assert result.points == 0 and result.status == "fail"
    plain = [expect.equal("a", 1, weight=3), expect.equal("b", 2)]
    assert score("q1", 4, plain, observations).points == 3.0


def test_a_cell_whose_stub_raised_reads_not_attempted(monkeypatch):
    # Given code defined q7_x, then the stub raised: the probe finds None, not a NameError.
    from types import SimpleNamespace

    monkeypatch.setattr(feedback, "_STUBBED", {})
    ns = {"q7_x": ak.tensor([1.0], requires_grad=True)}
    stub_ran = SimpleNamespace(info=SimpleNamespace(cell_id="c7", raw_cell="..."),
                               error_in_exec=NotImplementedError("q7"))
    feedback._after_cell(stub_ran)
    assert check("q7", [expect.close("q7_x.grad", [2.0])], points=2, namespace=ns)\
        .result.status == "not attempted"
    answered = SimpleNamespace(info=stub_ran.info, error_in_exec=None)
    feedback._after_cell(answered)
    assert check("q7", namespace=ns).result.status == "fail"


def test_other_errors_are_failures_with_the_error():
    panel = check("q5", [expect.close("1 / 0", 1.0)], points=1, namespace={})
    assert panel.result.status == "fail"
    assert "ZeroDivisionError" in repr(panel)


def test_rechecking_by_id_and_summary():
    ns = _answered()
    check("q1", [expect.close("x.grad", [6.0])], points=2, namespace=ns)
    check("q2", [expect.close("x.grad", [7.0])], points=1, namespace=ns)
    hidden("q2", [expect.close("x.grad")])
    ns["x"].grad = ak.tensor([7.0])
    assert check("q2", namespace=ns).passed
    total = summary()
    # q1 was checked while x.grad was 6 (pass); q2 after the fix (pass).
    assert total.points == 3.0 and total.max_points == 3.0
    assert "total" in repr(total) and "3.0/3" in repr(total)
    assert "total" in total._repr_html_()
    with pytest.raises(KeyError, match="run its test cell first"):
        check("q99")


def test_check_reads_the_callers_globals():
    # In a notebook the caller's globals are the notebook's variables.
    global answer_for_test
    answer_for_test = 41 + 1
    assert check("q6", [expect.equal("answer_for_test", 42)], points=1).passed


def test_probes_round_trip_and_reject_typos():
    probe = expect.close("x.grad", [1.0], weight=2, hint=("en", "zh"), chapter=4)
    assert Probe.from_dict(probe.to_dict()) == probe
    with pytest.raises(SyntaxError):
        expect.close("x.grad)", 1.0)
    with pytest.raises(ValueError):
        Probe("nonsense", "x")
    with pytest.raises(RuntimeError, match="reference solution"):
        judge(expect.close("x"), observe(expect.close("x"), {"x": 1.0}))
    assert expect.close("x").expected == REFERENCE
