"""What a learner sees: ``check("q3")`` panels and the ``summary()`` of a notebook.

The test cell of each question calls ``check(question, probes, points=...)``: the probes
are registered for this session, run against the notebook's variables, and the result is
returned as a panel that Jupyter shows (HTML) and a terminal prints (text). Later,
``check("q3")`` re-runs the registered public tests and ``summary()`` shows every checked
question. The judging itself is the pure code in ``probes.py`` and ``checks.py``.

Example:
    >>> x = 3.0
    >>> check("q0", [expect.close("x * 2", 6.0)], points=1, namespace={"x": x})
    q0  PASS  1.0/1 points  (通过)
      ✔ x * 2: correct. / x * 2：正确。
"""

from __future__ import annotations

import html
import sys
from dataclasses import replace

from .probes import Probe, QuestionScore, expect, observe, score

__all__ = ["check", "hidden", "summary", "expect", "QuestionPanel", "SummaryPanel"]

# Questions registered in this session: id -> {"points", "public", "hidden", "last"}.
_REGISTRY: dict[str, dict] = {}

_STATUS = {
    "pass": ("PASS", "通过", "#1a7f37", "✔"),
    "partial": ("PARTIAL", "部分正确", "#9a6700", "◐"),
    "fail": ("FAIL", "未通过", "#cf222e", "✘"),
    "not attempted": ("NOT ATTEMPTED", "尚未作答", "#57606a", "…"),
}


# Cells whose stub still raised NotImplementedError("q3") when last run: cell key -> question.
_STUBBED: dict[str, str] = {}


def _after_cell(result) -> None:
    """IPython post_run_cell hook: remember which answer cells are still stubs."""
    info = getattr(result, "info", None)
    key = getattr(info, "cell_id", None) or getattr(info, "raw_cell", None) or ""
    error = getattr(result, "error_in_exec", None)
    if isinstance(error, NotImplementedError) and error.args and isinstance(error.args[0], str):
        _STUBBED[key] = error.args[0]
    else:
        _STUBBED.pop(key, None)


def _watch_stubs() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and _after_cell not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _after_cell)


def still_a_stub(question: str) -> bool:
    """True when the answer cell of ``question`` last raised its NotImplementedError stub."""
    return question in _STUBBED.values()


def _caller_namespace() -> dict:
    # The test cell's globals are the notebook's namespace (IPython's user_ns).
    return sys._getframe(2).f_globals


def check(question: str, probes=None, *, points=None, namespace=None) -> QuestionPanel:
    """Run ``question``'s public tests against the notebook's variables and show the result.

    The first call (in the question's test cell) passes the probes and points; later calls
    may pass only the id. A stub that still raises NotImplementedError shows as
    "not attempted", never as a crash.
    """
    entry = _REGISTRY.setdefault(question, {"points": 1, "public": [], "hidden": [],
                                            "last": None})
    if probes is not None:
        entry["public"] = [p if isinstance(p, Probe) else Probe(**p) for p in probes]
    if points is not None:
        entry["points"] = points
    if not entry["public"]:
        raise KeyError(
            f"no tests are registered for {question!r}: run its test cell first "
            f"(没有为 {question!r} 注册测试：请先运行它的测试单元格)"
        )
    ns = namespace if namespace is not None else _caller_namespace()
    observations = [observe(p, ns) for p in entry["public"]]
    result = score(question, entry["points"], entry["public"], observations)
    if result.points == 0 and still_a_stub(question):
        result = replace(result, status="not attempted")
    entry["last"] = result
    return QuestionPanel(result)


def hidden(question: str, probes) -> None:
    """Register ``question``'s hidden tests. They only run when an instructor grades."""
    entry = _REGISTRY.setdefault(question, {"points": 1, "public": [], "hidden": [],
                                            "last": None})
    entry["hidden"] = list(probes)


def summary() -> SummaryPanel:
    """Every question checked in this session, with status and points, and the total."""
    return SummaryPanel([e["last"] for e in _REGISTRY.values() if e["last"] is not None])


class QuestionPanel:
    """A question's result as a panel: status, points, and a teaching message per test."""

    def __init__(self, result: QuestionScore):
        self.result = result

    @property
    def passed(self) -> bool:
        return self.result.status == "pass"

    def __repr__(self) -> str:
        r = self.result
        label, label_zh, _, _ = _STATUS[r.status]
        lines = [f"{r.question}  {label}  {r.points}/{r.max_points:g} points  ({label_zh})"]
        if r.status == "not attempted":
            lines.append("  Replace `raise NotImplementedError()` with your answer, then re-run.")
            lines.append("  请把 `raise NotImplementedError()` 换成你的答案，然后重新运行。")
            return "\n".join(lines)
        for check_result in r.results:
            mark = "✔" if check_result.passed else "✘"
            lines.append(f"  {mark} {check_result.text('en')} / {check_result.text('zh')}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        r = self.result
        label, label_zh, colour, mark = _STATUS[r.status]
        rows = []
        if r.status == "not attempted":
            rows.append("<li>Replace <code>raise NotImplementedError()</code> with your answer, "
                        "then re-run.<br>请把 <code>raise NotImplementedError()</code> "
                        "换成你的答案，然后重新运行。</li>")
        else:
            for c in r.results:
                sign = "✔" if c.passed else "✘"
                rows.append(f"<li>{sign} {html.escape(c.text('en'))}<br>"
                            f"<span lang='zh'>{html.escape(c.text('zh'))}</span></li>")
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>"
            f"<b style='color:{colour}'>{mark} {html.escape(r.question)}: {label} "
            f"({label_zh})</b> &mdash; {r.points}/{r.max_points:g} points"
            f"<ul style='margin:4px 0'>{''.join(rows)}</ul></div>"
        )


class SummaryPanel:
    """The whole notebook's progress: one row per checked question and the total."""

    def __init__(self, results):
        self.results = list(results)

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.results), 2)

    @property
    def max_points(self) -> float:
        return sum(r.max_points for r in self.results)

    def __repr__(self) -> str:
        lines = [f"{'question':<10}{'status':<15}points"]
        for r in self.results:
            lines.append(f"{r.question:<10}{_STATUS[r.status][0]:<15}{r.points}/{r.max_points:g}")
        lines.append(f"{'total':<25}{self.points}/{self.max_points:g}  (总分)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(r.question)}</td>"
            f"<td style='color:{_STATUS[r.status][2]}'>{_STATUS[r.status][0]} "
            f"({_STATUS[r.status][1]})</td><td>{r.points}/{r.max_points:g}</td></tr>"
            for r in self.results
        )
        return (f"<table><tr><th>question 题目</th><th>status 状态</th><th>points 得分</th></tr>"
                f"{rows}<tr><td><b>total 总分</b></td><td></td>"
                f"<td><b>{self.points}/{self.max_points:g}</b></td></tr></table>")


_watch_stubs()

expect = expect  # re-exported for test cells: ``from autograd_kit.grading import expect``
