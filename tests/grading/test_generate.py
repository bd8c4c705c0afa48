"""Exercise generation: markers become stubs, hidden tests vanish, bad markers fail loudly."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograd_kit.grading.generate import (
    MarkerError,
    generate,
    make_exercise,
    render,
    stale_exercises,
    strip_markers,
)

from .notebooks import basics_solution, grade_cell


def test_solution_region_becomes_an_indented_stub():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x * 2\n    ### END SOLUTION\ny = 1"
    out = strip_markers(source, cell_index=0, kind="code")
    assert out == ("def f(x):\n    # YOUR CODE HERE (在此处写你的代码)\n"
                   "    raise NotImplementedError()\ny = 1")
    namespace = {}
    exec(out, namespace)
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


def test_answer_cells_stub_names_their_question():
    # At the top level the stub only records itself (Run All goes on to the check cells);
    # inside a function it raises when the function is called.
    exercise = make_exercise(basics_solution(), assignment="basics")
    assert exercise.cells[2].source.endswith("\nnot_attempted('q1')")
    assert "    raise NotImplementedError('q2')" in exercise.cells[4].source


def test_each_language_keeps_its_own_text_cells_and_sets_the_language():
    solution = basics_solution()
    en, zh = nbformat.v4.new_markdown_cell("Square v."), nbformat.v4.new_markdown_cell("求 v 的平方。")
    en.metadata["autograd_kit"], zh.metadata["autograd_kit"] = {"lang": "en"}, {"lang": "zh"}
    solution.cells[1:1] = [nbformat.v4.new_code_cell('ak.set_language("en")'), en, zh]
    texts = {}
    for language in ("en", "zh"):
        exercise = make_exercise(solution, assignment="basics", language=language)
        texts[language] = "\n".join(c.source for c in exercise.cells)
        assert exercise.metadata["autograd_kit"] == {"assignment": "basics", "language": language}
        assert f'ak.set_language("{language}")' in texts[language]
    assert "Square v." in texts["en"] and "求 v 的平方" not in texts["en"]
    assert "求 v 的平方" in texts["zh"] and "Square v." not in texts["zh"]


def test_markdown_solution_becomes_a_prompt():
    out = strip_markers("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", cell_index=0,
                        kind="markdown")
    assert "Because" not in out and "YOUR ANSWER HERE" in out


def test_hidden_tests_are_removed_from_test_cells():
    source = 'check("q1", [])\n### BEGIN HIDDEN TESTS\nhidden("q1", [])\n### END HIDDEN TESTS\n'
    assert strip_markers(source, cell_index=3, kind="code", is_test=True) == 'check("q1", [])'


@pytest.mark.parametrize("source, is_test, line, words", [
    ("a\n### BEGIN SOLUTION\nb", False, 2, "never closed"),
    ("a\nb\n### END SOLUTION", False, 3, "does not close no region"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", False, 2, "inside the region"),
    ("### BEGIN SOLUTION\nx\n### END HIDDEN TESTS", False, 3, "does not close"),
    ("x = 1\n### BEGIN SOLUTON\n", False, 2, "unknown marker"),
    ("### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS", False, 1, "belong in a test cell"),
    ("### BEGIN SOLUTION\nx\n### END SOLUTION", True, 1, "cannot hold a solution"),
])
def test_malformed_markers_name_the_cell_and_line(source, is_test, line, words):
    with pytest.raises(MarkerError) as error:
        strip_markers(source, cell_index=7, kind="code", is_test=is_test, path="ch.ipynb")
    assert f"ch.ipynb: cell 7, line {line}" in str(error.value)
    assert words in str(error.value)


def test_exercise_is_cleared_and_tagged():
    solution = basics_solution()
    solution.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    solution.cells[2].execution_count = 4
    exercise = make_exercise(solution, assignment="basics")
    text = render(exercise)
    assert "np.arange(3) * 2.0" not in text and "return v * v" not in text
    assert "hidden(" not in text and "BEGIN" not in text
    assert all(c.get("outputs", []) == [] for c in exercise.cells)
    assert all(c.get("execution_count") is None for c in exercise.cells if c.cell_type == "code")
    assert exercise.metadata["autograd_kit"] == {"assignment": "basics", "language": "en"}
    # The solution itself is untouched.
    assert "return v * v" in solution.cells[4].source


def test_generation_is_deterministic_and_idempotent(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(basics_solution(), solutions / "basics.ipynb")
    generate(solutions, exercises)
    first = (exercises / "en" / "basics.ipynb").read_bytes()
    generate(solutions, exercises)
    assert (exercises / "en" / "basics.ipynb").read_bytes() == first
    assert (exercises / "zh" / "basics.ipynb").exists()
    # Generating from the exercise changes nothing more.
    again = make_exercise(nbformat.read(exercises / "en" / "basics.ipynb", as_version=4),
                          assignment="basics")
    assert render(again).encode() == first
    assert stale_exercises(solutions, exercises) == []


def test_stale_and_orphaned_exercises_are_reported_and_fixed(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(basics_solution(), solutions / "basics.ipynb")
    generate(solutions, exercises)
    nbformat.write(basics_solution(q2="    return v ** 2"), solutions / "basics.ipynb")
    (exercises / "en" / "orphan.ipynb").write_text("{}")
    assert stale_exercises(solutions, exercises) == ["en/basics.ipynb", "zh/basics.ipynb",
                                                     "en/orphan.ipynb"]
    generate(solutions, exercises)
    assert stale_exercises(solutions, exercises) == []
    assert not (exercises / "en" / "orphan.ipynb").exists()


def test_a_malformed_solution_notebook_fails_generation(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nb = new_notebook(cells=[new_markdown_cell("x"), new_code_cell("### BEGIN SOLUTION\nx = 1"),
                             grade_cell("q1", 1, 'check("q1", [])')])
    nbformat.write(nb, solutions / "broken.ipynb")
    with pytest.raises(MarkerError, match=r"broken.ipynb: cell 1, line 1: .* never closed"):
        generate(solutions, tmp_path / "exercises")
