"""Misconceptions score 0 and correct alternatives full marks, through the real grader.

Questions do not depend on each other, so one submission per notebook can carry a wrong
answer for every question at once: the k-th submission of a notebook answers each question
with its k-th variant (the solution where a question has fewer). 12 notebooks x 3 variants
(4 for chapter 12) are graded in one batch, so the whole suite costs one kernel per submission.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograd_kit.grading import cli
from autograd_kit.grading.generate import BEGIN_SOLUTION, END_SOLUTION, answer_question
from autograd_kit.grading.grader import GradeConfig

from .misconceptions import ANSWERS

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def variants(name: str) -> list[str]:
    """"wrong 1" ... "wrong N" (N: the most wrong answers of any question) and "right"."""
    most = max(len(q["wrong"]) for q in ANSWERS[name].values())
    return [f"wrong {i}" for i in range(1, most + 1)] + ["right"]

CONFIG = GradeConfig(cell_timeout=30.0, notebook_timeout=90.0)


def _variant(answers: dict, kind: str) -> str | None:
    if kind == "right":
        return answers["right"][0]
    index = int(kind.split()[1]) - 1
    wrong = answers["wrong"]
    return wrong[index] if index < len(wrong) else None


def substitute(source: str, code) -> str:
    """The answer cell with the code between its solution markers replaced by ``code`` (a
    list of codes, one per region, where the cell has several regions)."""
    codes = [code] if isinstance(code, str) else list(code)
    lines = source.split("\n")
    for replacement in codes:
        begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION)
        end = next(i for i, line in enumerate(lines) if line.strip() == END_SOLUTION)
        lines = lines[:begin] + replacement.split("\n") + lines[end + 1:]
    return "\n".join(lines)


def submission(name: str, kind: str) -> bytes:
    nb = nbformat.read(SOLUTIONS / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        question = answer_question(cell)
        if question in ANSWERS[name]:
            code = _variant(ANSWERS[name][question], kind)
            if code is not None:
                cell.source = substitute(cell.source, code)
    return nbformat.writes(nb).encode()


CASES = [(name, q, kind) for name, questions in ANSWERS.items() for q in questions
         for kind in variants(name) if _variant(questions[q], kind) is not None]


@pytest.fixture(scope="module")
def graded():
    names = sorted(ANSWERS)
    jobs = [(f"{name}:{kind}", name, submission(name, kind)) for name in names
            for kind in variants(name)]
    assignments = cli.load_assignments(SOLUTIONS, names, CONFIG, n_jobs=2)
    results = cli.grade_all(jobs, assignments, CONFIG, n_jobs=2, quiet=True)
    return {r.student: r for r in results}


def test_every_question_of_every_notebook_has_two_misconceptions_and_an_alternative():
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        questions = [answer_question(c) for c in nb.cells if answer_question(c)]
        assert set(questions) == set(ANSWERS[path.stem]), path.stem
        for q in questions:
            assert len(ANSWERS[path.stem][q]["wrong"]) >= 2, (path.stem, q)
            assert ANSWERS[path.stem][q]["right"], (path.stem, q)


@pytest.mark.parametrize("name, question, kind", CASES)
def test_misconception_scores_zero_and_alternative_full(graded, name, question, kind):
    result = graded[f"{name}:{kind}"]
    score = next(s for s in result.scores if s.question == question)
    detail = (result.reason, score.status, score.messages("en"))
    if kind == "right":
        assert score.points == score.max_points, detail
    else:
        assert score.points == 0, detail
        assert score.status == "fail", detail
        assert score.messages("en") and score.messages("zh"), detail
