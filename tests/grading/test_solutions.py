"""The course's own notebooks: exercises up to date, solutions full marks, exercises zero."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograd_kit.grading import cli
from autograd_kit.grading.generate import MARKERS, stale_exercises
from autograd_kit.grading.grader import GradeConfig, grade_submission, load_assignment

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
CONFIG = GradeConfig(cell_timeout=30.0, notebook_timeout=90.0)


def test_exercises_are_up_to_date_with_solutions():
    assert stale_exercises(SOLUTIONS, EXERCISES) == [], "run `autograd-kit generate`"


def test_one_notebook_per_chapter_and_enough_questions():
    assignments = [load_assignment(p) for p in sorted(SOLUTIONS.glob("*.ipynb"))]
    chapters = sorted(int(a.name.split("_")[0]) for a in assignments)
    assert chapters == list(range(1, 13))
    assert sum(len(a.questions) for a in assignments) >= 36
    kinds = {p.kind for a in assignments for q in a.questions for p in q.probes}
    # Values, graph structure, leaf facts, no-graph blocks, gradcheck, hook order, target loss.
    assert {"close", "graph", "leaf", "no_graph", "gradcheck", "order", "less"} <= kinds
    assert all(q.hidden for a in assignments for q in a.questions)
    # Every question has a key probe among its hidden ones: the concept itself is tested.
    assert all(any(p.key for p in q.hidden) for a in assignments for q in a.questions)


def test_no_predict_answer_is_visible_in_an_exercise():
    # Secret probes hold the answers of predict-then-run questions: only hidden ones exist,
    # and the exercise keeps no hidden test.
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        assignment = load_assignment(path)
        for question in assignment.questions:
            assert not any(p.secret for p in question.public), (path.stem, question.id)
        for language in ("en", "zh"):
            text = (EXERCISES / language / path.name).read_text(encoding="utf-8")
            assert "hidden(" not in text and "secret=True" not in text


def _question_texts(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    texts = {}
    for cell in nb.cells:
        found = re.match(r"### .*?(q\d+)", cell.source) if cell.cell_type == "markdown" else None
        if found:
            texts[found.group(1)] = cell.source
    return texts


def test_each_language_has_its_own_full_question_text():
    # The same questions in both exercises, and the Chinese text names every name, call and
    # number the English one does: a Chinese learner never needs the English line.
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        en = _question_texts(EXERCISES / "en" / path.name)
        zh = _question_texts(EXERCISES / "zh" / path.name)
        assert en and sorted(en) == sorted(zh), path.stem
        for question, text in en.items():
            assert "题目" in zh[question] and "Question" not in zh[question]
            for code in re.findall(r"`([^`]+)`", text):
                assert f"`{code}`" in zh[question], (path.stem, question, code)


@pytest.fixture(scope="module")
def assignments():
    names = {p.stem for p in SOLUTIONS.glob("*.ipynb")}
    return cli.load_assignments(SOLUTIONS, names, CONFIG, n_jobs=2)


def test_solutions_score_full_marks_and_exercises_zero(assignments):
    # load_assignments ran every solution for its reference snapshots; grading the
    # solutions again as submissions must give full marks, and every exercise zero.
    jobs = [(f"solution/{n}", n, (SOLUTIONS / f"{n}.ipynb").read_bytes()) for n in assignments]
    jobs += [(f"exercise/{lang}/{n}", n, (EXERCISES / lang / f"{n}.ipynb").read_bytes())
             for n in assignments for lang in ("en", "zh")]
    results = cli.grade_all(jobs, assignments, CONFIG, n_jobs=2, quiet=True)
    for result in results:
        if result.student.startswith("solution/"):
            assert result.points == result.max_points, result
        else:
            assert result.points == 0, result
            assert {s.status for s in result.scores} == {"not attempted"}, result


def test_genuinely_partial_work_keeps_partial_credit_with_messages_in_its_language(assignments):
    # Chapter 1, question 4: the function is right, the derivative by hand is not. The key
    # probes pass, so the by-hand part alone is lost; the page speaks the exercise's language.
    nb = nbformat.read(EXERCISES / "zh" / "01_requires_grad.ipynb", as_version=4)
    solution = nbformat.read(SOLUTIONS / "01_requires_grad.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = "\n".join(line for line in answers[grade_id].split("\n")
                                    if line.strip() not in MARKERS)
            if grade_id == "q4_answer":
                cell.source = cell.source.replace("3 * 2.0**2 + 2", "3 * 2.0**2")
    result = grade_submission(nbformat.writes(nb).encode(), "dana",
                              assignments["01_requires_grad"], CONFIG)
    scores = {s.question: s for s in result.scores}
    assert [scores[q].status for q in ("q1", "q2", "q3")] == ["pass"] * 3, result
    assert scores["q4"].status == "partial" and 0 < scores["q4"].points < 3
    assert result.language == "zh"
    (message,) = scores["q4"].messages("zh")
    assert "你手算的 f'(2)：还不对" in message and "14" not in message
