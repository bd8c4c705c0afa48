"""Fixtures for the grading tests: a small numpy-only assignment and notebook builders.

The assignment needs no autograd engine, so the grader's own tests do not depend on the
core; the real chapters are graded in test_solutions.py.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograd_kit.grading.grader import GradeConfig

# Short limits keep the hostile corpus quick; real grading uses the CLI defaults.
FAST = GradeConfig(cell_timeout=3.0, notebook_timeout=9.0, memory_mb=1024)


def grade_cell(question: str, points: float, source: str):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": question, "points": points,
                                 "locked": True, "solution": False, "schema_version": 3}
    return cell


def answer_cell(question: str, source: str):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": f"{question}_answer",
                                 "locked": False, "solution": True, "schema_version": 3}
    return cell


Q1_TESTS = (
    'check("q1", [expect.close("answer", [0.0, 2.0, 4.0]), expect.equal("len(answer)", 3)],'
    " points=2)\n"
    "### BEGIN HIDDEN TESTS\n"
    'hidden("q1", [expect.close("answer.sum()")])\n'
    "### END HIDDEN TESTS"
)
Q2_TESTS = (
    'check("q2", [expect.close("square(3.0)", 9.0, hint=("Multiply v by itself.",'
    ' "把 v 乘以它自己。"), chapter=3)], points=3)\n'
    "### BEGIN HIDDEN TESTS\n"
    'hidden("q2", [expect.close("square(np.array([1.5, -2.0]))", weight=2)])\n'
    "### END HIDDEN TESTS"
)
SETUP = ("import numpy as np\n"
         "from autograd_kit.grading import check, expect, hidden, not_attempted, summary")


def basics_solution(q1="answer = np.arange(3) * 2.0", q2="    return v * v"):
    """The fixture solution; pass other answer code to build a learner's submission."""
    return new_notebook(cells=[
        new_markdown_cell("# Basics\nTwo questions that need only numpy."),
        new_code_cell(SETUP),
        answer_cell("q1", f"### BEGIN SOLUTION\n{q1}\n### END SOLUTION"),
        grade_cell("q1", 2, Q1_TESTS),
        answer_cell("q2", f"def square(v):\n    ### BEGIN SOLUTION\n{q2}\n    ### END SOLUTION"),
        grade_cell("q2", 3, Q2_TESTS),
        new_code_cell("summary()"),
    ])


@pytest.fixture
def solutions_dir(tmp_path):
    folder = tmp_path / "solutions"
    folder.mkdir()
    nbformat.write(basics_solution(), folder / "basics.ipynb")
    return folder
