"""The grader against hostile and broken submissions, tampering, limits and re-grading."""

from __future__ import annotations

import nbformat
import pytest

from autograd_kit.grading import cli, report
from autograd_kit.grading.grader import (
    Assignment,
    Question,
    TemplateError,
    build_run_notebook,
    grade_submission,
    load_assignment,
    prepare_references,
)
from autograd_kit.grading.probes import expect

from .corpus import corpus
from .notebooks import FAST, basics_solution, grade_cell


@pytest.fixture(scope="module")
def basics(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solutions")
    nbformat.write(basics_solution(), folder / "basics.ipynb")
    assignment = load_assignment(folder / "basics.ipynb")
    solution = prepare_references(assignment, FAST)
    assert solution.points == solution.max_points == 5.0
    return assignment


@pytest.fixture(scope="module")
def graded(basics):
    jobs = [(name, "basics", data) for name, data, _ in corpus()]
    # Three at a time: much of a hostile submission's time is spent waiting on timeouts.
    results = cli.grade_all(jobs, {"basics": basics}, FAST, n_jobs=3, quiet=True)
    return {r.student: r for r in results}


@pytest.mark.parametrize("name, expectation", [(n, e) for n, _, e in corpus()])
def test_corpus_is_scored_without_crashing(graded, name, expectation):
    result = graded[name]
    assert len(result.scores) == 2
    if expectation == "full":
        assert result.points == 5.0, report.rows([result])
    elif expectation == "zero":
        assert result.points == 0.0, report.rows([result])
        assert result.reason or any(s.results for s in result.scores)
    else:
        assert 0 < result.points < 5.0


@pytest.mark.parametrize("name, words", [
    ("invalid_json.ipynb", "not valid JSON"),
    ("not_a_notebook.ipynb", "not a notebook"),
    ("binary.ipynb", "binary data"),
    ("empty.ipynb", "no code"),
    ("os_exit.ipynb", "kernel died while running cell 2"),
    ("stubborn_loop.ipynb", "timed out or were skipped"),
    ("memory_bomb.ipynb", "MemoryError"),
    ("sys_exit.ipynb", "SystemExit"),
    ("infinite_loop_then_correct.ipynb", "timed out"),
])
def test_broken_submissions_say_why(graded, name, words):
    assert words in graded[name].reason


def test_partial_credit_comes_with_the_right_messages(graded):
    bob = {s.question: s for s in graded["bob_partial.ipynb"].scores}
    assert bob["q1"].status == "pass" and bob["q1"].points == 2.0
    # Public test passes (weight 1), hidden array test fails (weight 2): 3 * 1/3.
    assert bob["q2"].status == "partial" and bob["q2"].points == 1.0
    (message,) = bob["q2"].messages("en")
    assert "square(np.array([1.5, -2.0])): expected [2.25, 4.0], found [3.0, -4.0]" in message
    assert "期望 [2.25, 4.0]" in bob["q2"].messages("zh")[0]


def test_tampering_earns_nothing(graded):
    tampered = graded["tampered.ipynb"]
    assert [s.question for s in tampered.scores] == ["q1", "q2"]
    assert [s.max_points for s in tampered.scores] == [2.0, 3.0]
    assert tampered.points == 0.0


def test_tampering_with_right_answers_keeps_earned_points(basics):
    nb = basics_solution()
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import numpy.testing, autograd_kit.grading.checks as c\n"
        "numpy.testing.assert_allclose = None\nc.check_close = None\nprint('All passed')"))
    nb.cells[4].metadata["nbgrader"]["points"] = 50
    result = grade_submission(nbformat.writes(nb).encode(), "honest", basics, FAST)
    assert result.points == 5.0 and result.max_points == 5.0


def test_hidden_tests_and_expected_values_never_reach_the_kernel(basics):
    run = build_run_notebook(basics_solution(), basics, "n" * 32)
    learner = [c.source for c in run.cells if "autograd_kit" not in c.metadata]
    injected = [c.source for c in run.cells if "autograd_kit" in c.metadata]
    assert not any("hidden(" in s or "check(" in s for s in learner)
    assert len(injected) == 2 and all("_ak_emit" in s for s in injected)
    # Only expressions travel; expected values stay in the grader.
    assert "[0.0, 2.0, 4.0]" not in injected[0] and "9.0" not in injected[1]
    assert run.cells.index(next(c for c in run.cells if "autograd_kit" in c.metadata)) \
        == len(learner)


def test_kernel_runs_with_limits_in_its_own_folder(basics):
    probe_env = Assignment("env", [Question("q1", 1.0, (
        expect.close("__import__('resource').getrlimit(__import__('resource').RLIMIT_AS)[0]",
                     FAST.memory_mb * 2**20),
        expect.equal("__import__('os').getcwd() == __import__('os').environ['HOME']", True),
        expect.equal("__import__('os').listdir('.')", []),
        # The package is a private copy: no solutions/ beside it.
        expect.equal("'solutions' in __import__('os').listdir(__import__('os').path.dirname("
                     "__import__('os').path.dirname(__import__('autograd_kit').__file__)))", False),
    ), ())], "")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    result = grade_submission(nbformat.writes(nb).encode(), "env", probe_env, FAST)
    assert result.points == 1.0, report.rows([result])


def test_a_submission_that_rewrites_the_package_spoils_only_itself(basics):
    vandal = basics_solution(q1="answer = [1.0]", q2="    return v + v")
    vandal.cells.insert(2, nbformat.v4.new_code_cell(
        "import autograd_kit.grading._kernel as k\n"
        "open(k.__file__, 'w').write('raise SystemExit')"))
    first = grade_submission(nbformat.writes(vandal).encode(), "vandal", basics, FAST)
    after = grade_submission(nbformat.writes(basics_solution()).encode(), "next", basics, FAST)
    assert first.points == 0.0
    assert after.points == 5.0


def test_regrading_writes_identical_csv(basics, graded, tmp_path):
    chosen = {"alice_correct.ipynb", "bob_partial.ipynb", "invalid_json.ipynb",
              "sys_exit.ipynb"}
    jobs = [(n, "basics", d) for n, d, _ in corpus() if n in chosen]
    again = cli.grade_all(jobs, {"basics": basics}, FAST, n_jobs=2, quiet=True)
    report.write_csv(again, tmp_path / "again.csv")
    report.write_csv([graded[n] for n in sorted(chosen)], tmp_path / "first.csv")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "first.csv").read_bytes()


def _template(tmp_path, source, points=1, grade_id="q1"):
    nb = nbformat.v4.new_notebook(cells=[grade_cell(grade_id, points, source)])
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("source, points, grade_id, words", [
    ('check("q2", [expect.equal("1", 1)], points=1)', 1, "q1", "grade_id 'q1' but tests"),
    ('check("q1", [expect.equal("1", 1)], points=2)', 1, "q1", "metadata points 1"),
    ('check("q1", [expect.equal("1")], points=1)', 1, "q1", "needs an expected value"),
    ('check("q1", [], points=1)', 1, "q1", "no public tests"),
    ('check("q1", [expect.equal("1", 1)], points=1)\nundefined_name', 1, "q1", "cannot be read"),
])
def test_inconsistent_templates_fail_loudly(tmp_path, source, points, grade_id, words):
    with pytest.raises(TemplateError, match=words):
        load_assignment(_template(tmp_path, source, points, grade_id))


class _KernelThatNeverStarts:
    """Stands in for a runner process whose kernel died at startup (a machine hiccup)."""

    returncode = 1
    pid = -1

    def __init__(self, message):
        self.message = message

    def communicate(self, timeout=None):
        return b"", f"Traceback ...\n{self.message}\n".encode()


@pytest.mark.parametrize("message, launches, points", [
    ("RuntimeError: Kernel died before replying to kernel_info", 2, 1.0),
    ("MemoryError: the runner itself broke", 1, 0.0),
])
def test_a_kernel_that_dies_at_startup_gets_one_more_try(
    basics, monkeypatch, message, launches, points
):
    from autograd_kit.grading import grader

    real_popen, calls = grader.subprocess.Popen, []

    def popen(*args, **kwargs):
        calls.append(args)
        return _KernelThatNeverStarts(message) if len(calls) == 1 else real_popen(*args, **kwargs)

    monkeypatch.setattr(grader.subprocess, "Popen", popen)
    probe = Assignment("one", [Question("q1", 1.0, (expect.equal("x", 1),), ())], "")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    result = grade_submission(nbformat.writes(nb).encode(), "one", probe, FAST)
    assert len(calls) == launches
    assert result.points == points, report.rows([result])
