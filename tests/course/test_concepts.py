"""course/concepts.md: all 33 concepts mapped to chapters and to cells that really exist."""

import re

import nbformat

from .conftest import CHAPTER_STEMS, COURSE, ROOT, read

ROW = re.compile(r"^\| (\d+) \|(.*)\|$")


def rows():
    found = []
    for line in (COURSE / "concepts.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            cells = [c.strip() for c in match.group(2).split(" | ")]
            found.append((int(match.group(1)), cells))
    return found


def test_all_33_concepts_are_mapped_once():
    assert [number for number, _ in rows()] == list(range(1, 34))


def test_every_named_chapter_and_cell_exists():
    for number, (_concept, chapters, demos, pictures, _question) in rows():
        stems = [s.strip() for s in chapters.split(",")]
        assert stems and all(s in CHAPTER_STEMS for s in stems), (number, chapters)
        ids = set()
        for stem in stems:
            ids |= {cell.id for cell in read("en", stem).cells}
        named = re.findall(r"`([a-z0-9-]+)`", demos + " " + pictures)
        assert named, f"concept {number}: no cell named"
        for cell_id in named:
            assert cell_id in ids, f"concept {number}: no cell {cell_id!r} in {stems}"


def test_every_concept_has_a_picture_or_widget_cell_with_a_drawing():
    drawers = ("draw_graph(", "BackwardStepper(", "ForwardBuilder(", "GradientDescentExplorer(",
               "TrainingPlot(")
    for number, (_concept, chapters, _demos, pictures, _question) in rows():
        code = {cell.id: cell.source for s in chapters.split(",")
                for cell in read("en", s.strip()).cells if cell.cell_type == "code"}
        named = re.findall(r"`([a-z0-9-]+)`", pictures)
        assert any(any(d in code.get(i, "") for d in drawers) for i in named), number


def test_named_questions_exist_in_solutions():
    graded = set()
    for path in (ROOT / "solutions").glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                graded.add((path.stem, grade_id))
    for number, (*_, question) in rows():
        if question == "pending":
            continue
        notebook, grade_id = re.fullmatch(r"`([\w-]+)\.ipynb` `(\w+)`", question).groups()
        assert (notebook, grade_id) in graded, f"concept {number}: {question}"


BOX_ROW = re.compile(r"^\| (\"[^|]*|[^|\d][^|]*) \| ([0-9]{2}-[a-z-]+) \| `([a-z0-9-]+)` \| (.*) \|$")
BOX_MARKERS = {"misconception": ("**Misconception:**", "**常见误解：**"),
               "pitfall": ("**Pitfall:**", "**常见陷阱：**")}


def box_rows():
    return [BOX_ROW.match(line).groups()
            for line in (COURSE / "concepts.md").read_text(encoding="utf-8").splitlines()
            if BOX_ROW.match(line)]


def test_every_misconception_and_pitfall_box_exists_in_both_languages():
    rows = box_rows()
    assert len(rows) >= 13
    for topic, stem, box, cells in rows:
        for lang in ("en", "zh"):
            notebook = {cell.id: cell for cell in read(lang, stem).cells}
            assert box in notebook, f"{lang}/{stem}: no cell {box!r} ({topic})"
            for kind, markers in BOX_MARKERS.items():
                if box.startswith(kind):
                    marker = markers[lang == "zh"]
                    assert marker in notebook[box].source, f"{lang}/{stem} {box}: no {marker}"
            for cell_id in re.findall(r"`([a-z0-9-]+)`", cells):
                assert notebook[cell_id].cell_type == "code", (stem, cell_id)
                assert notebook[cell_id].outputs, f"{lang}/{stem} {cell_id}: no committed output"
