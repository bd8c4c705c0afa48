"""Turn solution notebooks into exercise notebooks.

The solutions under ``solutions/`` are the single source. Each code region between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a stub that raises
``NotImplementedError``; each region between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS`` is removed; outputs and execution counts are cleared. The
markers are nbgrader's, so the notebooks also work with nbgrader. Generation is a pure
function of the solution notebook, so running it twice gives identical bytes.

Example:
    >>> src = "x = 1\\n### BEGIN SOLUTION\\ny = x + 1\\n### END SOLUTION\\n"
    >>> print(strip_markers(src, cell_index=0, kind="code"))
    x = 1
    # YOUR CODE HERE (在此处写你的代码)
    raise NotImplementedError()
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)

CODE_STUB = ("# YOUR CODE HERE (在此处写你的代码)", "raise NotImplementedError()")
MARKDOWN_STUB = ("YOUR ANSWER HERE (在此处写你的答案)",)

# Anything that looks like a marker (three hashes, BEGIN or END) but is not exactly one.
_MARKER_LIKE = re.compile(r"^\s*#+\s*(BEGIN|END)\b", re.IGNORECASE)


class MarkerError(ValueError):
    """A solution notebook whose markers cannot be turned into an exercise."""


def _where(path: str | None, cell_index: int, line_number: int) -> str:
    prefix = f"{path}: " if path else ""
    return f"{prefix}cell {cell_index}, line {line_number}"


def strip_markers(
    source: str, *, cell_index: int, kind: str, is_test: bool = False, path: str | None = None,
    question: str | None = None,
) -> str:
    """Return ``source`` with solution regions stubbed and hidden-test regions removed.

    ``kind`` is the cell type ("code" or "markdown"). With a ``question`` id the stub
    raises ``NotImplementedError("q3")``, so feedback can tell an untouched stub ("not
    attempted") from a wrong answer. Raises MarkerError, naming the
    cell and the 1-based line, for an unclosed, unopened, nested or misspelt marker,
    or for hidden tests outside a test cell.
    """
    out: list[str] = []
    open_marker: str | None = None
    open_line = 0
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        if stripped in MARKERS:
            where = _where(path, cell_index, number)
            if stripped in (BEGIN_SOLUTION, BEGIN_HIDDEN):
                if open_marker is not None:
                    raise MarkerError(
                        f"{where}: '{stripped}' inside the region opened by "
                        f"'{open_marker}' on line {open_line}"
                    )
                if stripped == BEGIN_HIDDEN and not is_test:
                    raise MarkerError(
                        f"{where}: hidden tests belong in a test cell "
                        "(metadata nbgrader.grade = true)"
                    )
                if stripped == BEGIN_SOLUTION and is_test:
                    raise MarkerError(f"{where}: a test cell cannot hold a solution region")
                open_marker, open_line = stripped, number
                if stripped == BEGIN_SOLUTION:
                    indent = line[: len(line) - len(line.lstrip())]
                    stub = CODE_STUB if kind == "code" else MARKDOWN_STUB
                    if kind == "code" and question:
                        # At the top level of a cell the stub only records itself, so Run All
                        # goes on to the check cells; inside a function it raises when called.
                        last = (f"not_attempted({question!r})" if not indent
                                else f"raise NotImplementedError({question!r})")
                        stub = (CODE_STUB[0], last)
                    out.extend(indent + s for s in stub)
            else:
                expected = END_SOLUTION if open_marker == BEGIN_SOLUTION else END_HIDDEN
                if open_marker is None or stripped != expected:
                    opened = f"'{open_marker}'" if open_marker else "no region"
                    raise MarkerError(f"{where}: '{stripped}' does not close {opened}")
                open_marker = None
            continue
        if _MARKER_LIKE.match(line) and stripped.startswith("###"):
            raise MarkerError(
                f"{_where(path, cell_index, number)}: unknown marker {stripped!r}; "
                f"expected one of {', '.join(MARKERS)}"
            )
        if open_marker is None:
            out.append(line)
    if open_marker is not None:
        raise MarkerError(
            f"{_where(path, cell_index, open_line)}: '{open_marker}' is never closed"
        )
    # Trailing blank lines (often left where hidden tests were) are dropped.
    return "\n".join(out).rstrip()


def is_test_cell(cell) -> bool:
    """A test cell is marked the nbgrader way: ``metadata.nbgrader.grade`` is true."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade", False))


def answer_question(cell) -> str | None:
    """The question an answer cell belongs to: its nbgrader grade_id without ``_answer``."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
    if is_test_cell(cell) or not grade_id.endswith("_answer"):
        return None
    return grade_id.removesuffix("_answer")


LANGUAGES = ("en", "zh")
LANGUAGE_LINE = 'ak.set_language("en")'


def cell_language(cell) -> str | None:
    """The language a text cell is written in (``metadata.autograd_kit.lang``), if only one."""
    return cell.get("metadata", {}).get("autograd_kit", {}).get("lang")


def make_exercise(nb, *, assignment: str, path: str | None = None, language: str = "en"):
    """Return a new exercise notebook (nbformat node) generated from solution ``nb``.

    The solution holds every text cell in both languages (``metadata.autograd_kit.lang``);
    the exercise keeps those of ``language`` and switches the kit to it in the line
    ``ak.set_language("en")`` of the setup cell. Grade ids are the same in every language.
    """
    exercise = nbformat.from_dict(_plain(nb))
    exercise.cells = [c for c in exercise.cells if cell_language(c) in (None, language)]
    for index, cell in enumerate(exercise.cells):
        cell.source = strip_markers(
            cell.source,
            cell_index=index,
            kind=cell.cell_type,
            is_test=is_test_cell(cell),
            question=answer_question(cell),
            path=path,
        )
        if cell.cell_type == "code":
            cell.source = cell.source.replace(LANGUAGE_LINE, f'ak.set_language("{language}")')
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    exercise.metadata.pop("widgets", None)
    exercise.metadata["autograd_kit"] = {"assignment": assignment, "language": language}
    return exercise


def _plain(node):
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def render(nb) -> str:
    """Serialise a notebook exactly as it is written to disk (stable key order)."""
    return nbformat.writes(nb) + "\n"


def generate(solutions_dir: str | Path, exercises_dir: str | Path) -> list[Path]:
    """Write one exercise per ``solutions_dir/*.ipynb`` and language into
    ``exercises_dir/en/`` and ``exercises_dir/zh/``.

    Returns the paths written. Exercises whose solution is gone are removed, so the
    folders always correspond one to one.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    written = []
    expected = expected_exercises(solutions_dir)
    for name, text in expected.items():
        target = exercises_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    for stale in _present(exercises_dir):
        if stale not in expected:
            (exercises_dir / stale).unlink()
    return written


def _present(exercises_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(exercises_dir)) for p in exercises_dir.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def expected_exercises(solutions_dir: str | Path) -> dict[str, str]:
    """Map each exercise's path under exercises/ ("en/01_x.ipynb") to the exact text
    generation would write."""
    result = {}
    for path in sorted(Path(solutions_dir).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for language in LANGUAGES:
            exercise = make_exercise(nb, assignment=path.stem, path=str(path), language=language)
            result[f"{language}/{path.name}"] = render(exercise)
    return result


def stale_exercises(solutions_dir: str | Path, exercises_dir: str | Path) -> list[str]:
    """Exercises that are missing, different or orphaned; empty when up to date."""
    expected = expected_exercises(solutions_dir)
    exercises_dir = Path(exercises_dir)
    stale = []
    for name, text in expected.items():
        target = exercises_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(name)
    stale += [name for name in _present(exercises_dir) if name not in expected]
    return stale
