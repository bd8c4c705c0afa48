"""The course's own notebooks: exercises up to date, solutions full marks, exercises zero."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograd_kit.grading import cli
from autograd_kit.grading.generate import stale_exercises
from autograd_kit.grading.grader import GradeConfig, grade_submission, load_assignment

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
CONFIG = GradeConfig(cell_timeout=30.0, notebook_timeout=90.0)


def test_exercises_are_up_to_date_with_solutions():
    assert stale_exercises(SOLUTIONS, EXERCISES) == [], "run `autograd-kit generate`"


def test_one_notebook_per_chapter_and_enough_questions():
    assignments = [load_assignment(p) for p in sorted(SOLUTIONS.glob("*.ipynb"))]
    chapters = sorted(int(a.name.split("_")[0]) for a in assignments)
    assert chapters[:11] == list(range(1, 12))
    assert sum(len(a.questions) for a in assignments) >= 35
    kinds = {p.kind for a in assignments for q in a.questions for p in q.probes}
    # Values, graph structure, leaf facts, no-graph blocks, gradcheck, hook order, target loss.
    assert {"close", "graph", "leaf", "no_graph", "gradcheck", "order", "less"} <= kinds
    assert all(q.hidden for a in assignments for q in a.questions)


@pytest.fixture(scope="module")
def assignments():
    names = {p.stem for p in SOLUTIONS.glob("*.ipynb")}
    return cli.load_assignments(SOLUTIONS, names, CONFIG, n_jobs=2)


def test_solutions_score_full_marks_and_exercises_zero(assignments):
    # load_assignments ran every solution for its reference snapshots; grading the
    # solutions again as submissions must give full marks, and every exercise zero.
    jobs = [(f"solution/{n}", n, (SOLUTIONS / f"{n}.ipynb").read_bytes()) for n in assignments]
    jobs += [(f"exercise/{n}", n, (EXERCISES / f"{n}.ipynb").read_bytes()) for n in assignments]
    results = cli.grade_all(jobs, assignments, CONFIG, n_jobs=2, quiet=True)
    for result in results:
        if result.student.startswith("solution/"):
            assert result.points == result.max_points, result
        else:
            assert result.points == 0, result
            assert {s.status for s in result.scores} == {"not attempted"}, result


def test_a_plausible_wrong_answer_gets_partial_credit_and_teaching_messages(assignments):
    # Forgetting to zero the gradient in chapter 4, question 3.
    nb = nbformat.read(SOLUTIONS / "04_retain_graph_and_accumulation.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q3_answer":
            cell.source = ("def q3_last_grads(values, steps):\n"
                           "    w = ak.tensor(values, requires_grad=True)\n"
                           "    for _ in range(steps):\n"
                           "        (w**2).sum().backward()\n"
                           "    return w.grad")
    result = grade_submission(nbformat.writes(nb).encode(), "dana",
                              assignments["04_retain_graph_and_accumulation"], CONFIG)
    scores = {s.question: s for s in result.scores}
    assert scores["q1"].status == scores["q2"].status == scores["q4"].status == "pass"
    # One step of three probes still passes (one step needs no zeroing): 1 of 3 points.
    assert scores["q3"].status == "partial" and scores["q3"].points == 1.0
    assert result.points == result.max_points - 2
    message = scores["q3"].messages("en")[0]
    assert "expected [2.0, -4.0], found [6.0, -12.0]" in message
    assert "Without zeroing" in message and "Reread chapter 4" in message
    assert "请重读第 4 章" in scores["q3"].messages("zh")[0]
