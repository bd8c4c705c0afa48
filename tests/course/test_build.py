"""course/build.py and what it generated: one source, two languages, executed and in step.

These tests read the committed notebooks (fast: nothing is executed here). The backend test
(test_backends.py) executes every chapter, and `pytest --nbval course` checks the outputs.
"""

import ast
import re

import nbformat
import pytest

from .conftest import CHAPTER_STEMS, COURSE, ROOT, build, read

CJK = re.compile(r"[\u4e00-\u9fff]")
WIDGETS_AND_PICTURES = ("draw_graph(", "BackwardStepper(", "ForwardBuilder(",
                        "GradientDescentExplorer(", "TrainingPlot(")


# -- the source format -----------------------------------------------------------------------

def test_parse_source_reads_cells_ids_tags_and_languages():
    cells = build.parse_source(
        "%% md id=intro\nHello\n%% zh\n你好\n%% code id=run tags=a,b\nprint(1)\n", "01-x")
    assert [(c.kind, c.id, c.tags) for c in cells] == [
        ("markdown", "intro", []), ("code", "run", ["a", "b"])]
    assert cells[0].text == {"en": "Hello", "zh": "你好"}
    assert cells[1].text == {"": "print(1)"}


def test_code_speaks_the_notebooks_language():
    cells = build.parse_source('%% code\nprint("«done|完成»")  # «a comment|一条注释»\n', "01-x")
    assert build.localize(cells[0].text[""], "en") == 'print("done")  # a comment'
    assert build.localize(cells[0].text[""], "zh") == 'print("完成")  # 一条注释'


@pytest.mark.parametrize("source, problem", [
    ('%% code\nprint("«done")\n', "unbalanced"),
    ('%% code\nprint("«done|done»")\n', "Chinese on the right"),
    ("stray text\n%% md\nA\n%% zh\n甲\n", "before the first"),
    ("%% md\nOnly English\n", "needs both English"),
    ("%% code\nx = 1\n%% zh\n甲\n", "must follow an English"),
    ("%% md\nA\n%% zh\n甲\n%% zh\n乙\n", "must follow an English"),
    ("%% md id=a\nA\n%% zh\n甲\n%% code id=a\nx\n", "duplicate cell id"),
    ("%% code colour=red\nx\n", "cannot read header options"),
    ("%% code\n\n%% md\nA\n%% zh\n甲\n", "empty code cell"),
])
def test_malformed_sources_fail_loudly(source, problem):
    with pytest.raises(build.SourceError, match=problem):
        build.parse_source(source, "99-bad")


# -- the generated notebooks -------------------------------------------------------------------

def test_there_are_twelve_chapters_in_both_languages():
    assert len(CHAPTER_STEMS) == 12
    for lang in build.LANGS:
        assert sorted(p.stem for p in (COURSE / lang).glob("*.ipynb")) == CHAPTER_STEMS


def code_without_words(source: str) -> str:
    """The code with its comments and string contents removed: what runs, not what it says."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def test_code_cells_are_the_same_code_in_english_and_chinese(stem):
    en, zh = read("en", stem), read("zh", stem)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells]
    for a, b in zip(en.cells, zh.cells, strict=True):
        assert a.id == b.id
        if a.cell_type == "code":
            assert code_without_words(a.source) == code_without_words(b.source), \
                f"{stem} cell {a.id}: only comments and strings may differ"
            assert a.metadata.get("tags") == b.metadata.get("tags")


def test_chinese_code_cells_have_no_english_comments(stem):
    """A comment in a zh notebook is Chinese (code names inside it are fine)."""
    for cell in read("zh", stem).cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            comment = line.split("# ", 1)[1] if "# " in line else ""
            words = re.sub(r"`[^`]*`|[\w.]*[_.()=\[\]][\w.()=\[\]]*", "", comment)
            assert CJK.search(comment) or not re.search(r"[a-z]{3,} [a-z]{3,}", words), \
                f"zh/{stem} {cell.id}: English comment {line.strip()!r}"


def test_prose_is_translated(stem):
    en, zh = read("en", stem), read("zh", stem)
    for a, b in zip(en.cells, zh.cells, strict=True):
        if a.cell_type == "markdown":
            assert not CJK.search(a.source), f"{stem} {a.id}: Chinese in the English notebook"
            assert CJK.search(b.source), f"{stem} {b.id}: not translated"
            assert a.source != b.source


def test_notebooks_are_generated_from_the_current_source(stem):
    """Editing course/src without rebuilding (or editing a notebook by hand) fails here."""
    chapter = build.load_chapter(COURSE / "src" / f"{stem}.md")
    for lang in build.LANGS:
        expected = build.to_notebook(chapter.cells, lang)
        committed = read(lang, stem)
        assert [(c.id, c.source) for c in committed.cells] == \
            [(c.id, c.source) for c in expected.cells], f"{lang}/{stem}: run course/build.py"


def test_every_chapter_starts_with_the_backend_switch_in_its_language(stem):
    for lang in build.LANGS:
        code = [c for c in read(lang, stem).cells if c.cell_type == "code"]
        assert code[0].id == build.SWITCH_ID
        assert code[0].source == build.localize(build.SWITCH_CELL, lang)
        assert f'set_language("{lang}")' in code[0].source


def test_committed_with_outputs_and_no_unexpected_errors(stem):
    for lang in build.LANGS:
        for cell in read(lang, stem).cells:
            if cell.cell_type != "code":
                continue
            assert cell.execution_count is not None, f"{lang}/{stem} {cell.id} not executed"
            errors = [o for o in cell.outputs if o.output_type == "error"]
            tagged = "raises-exception" in cell.metadata.get("tags", [])
            assert bool(errors) == tagged, f"{lang}/{stem} {cell.id}: error iff tagged"


def test_each_chapter_teaches_with_a_picture_a_question_and_exercises(stem):
    nb = read("en", stem)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert any(name in code for name in WIDGETS_AND_PICTURES)
    assert "Predict, then run" in prose
    assert "先预测，再运行" in "\n".join(c.source for c in read("zh", stem).cells)
    number = stem.split("-")[0]
    for lang in ("en", "zh"):
        footer = read(lang, stem).cells[-1].source
        assert re.search(rf"\(\.\./\.\./exercises/{lang}/{number}_\w+\.ipynb\)", footer), \
            f"{stem}: the {lang} footer must link the chapter's own exercise notebook"


def test_widget_cells_are_not_compared_by_nbval_but_printed_checks_are(stem):
    for cell in read("en", stem).cells:
        data = [o.get("data", {}) for o in cell.get("outputs", [])]
        if any("application/vnd.jupyter.widget-view+json" in d for d in data):
            assert "nbval-ignore-output" in cell.metadata.get("tags", []), cell.id


def test_links_resolve():
    """Every relative link in the index and the chapters points at a file or folder."""
    link = re.compile(r"\]\(([^)#:]+)\)")
    notebooks = [COURSE / "index.ipynb"] + [COURSE / lang / f"{s}.ipynb"
                                            for lang in build.LANGS for s in CHAPTER_STEMS]
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                for target in link.findall(cell.source):
                    assert (path.parent / target).exists(), f"{path.name}: {target}"


def test_outputs_hold_no_timings_or_machine_paths():
    """Deterministic outputs: nothing from this machine leaks into a committed notebook."""
    for lang in build.LANGS:
        for stem in CHAPTER_STEMS:
            for cell in read(lang, stem).cells:
                if "nbval-ignore-output" in cell.metadata.get("tags", []):
                    continue
                for out in cell.get("outputs", []):
                    text = out.get("text", "") + out.get("data", {}).get("text/plain", "")
                    assert str(ROOT) not in text and "/tmp/" not in text, f"{stem} {cell.id}"


def test_sanitizers_cover_addresses_ids_and_timings_only():
    from .conftest import sanitize

    assert sanitize("<MulBackward0 object at 0x7f3a2b>") == "<MulBackward0 object at 0xADDRESS>"
    drawing = "GraphDrawing(graph=Graph(nodes=[...]), by_obj={140650120995024: 'n0'}, x=241.51646)"
    assert sanitize(drawing) == "GraphDrawing(...)"
    assert sanitize("cpu: 12.30 ms per step") == "cpu: N ms per step"
    kept = "tensor([0.4000, 18.4000]) 1536.0 step 20  loss 0.1412"
    assert sanitize(kept) == kept


def test_index_exercise_links_are_resolved_by_the_build():
    """``(exercise:NN)`` in src/index.md becomes a real link; none is left for the learner."""
    for lang in ("en", "zh"):
        assert build.resolve_exercise_links("[q](exercise:01)", lang) == \
            f"[q](../exercises/{lang}/01_requires_grad.ipynb)"
    index = nbformat.read(str(COURSE / "index.ipynb"), as_version=4)
    text = "\n".join(cell.source for cell in index.cells)
    assert "exercise:" not in text
    for stem in CHAPTER_STEMS:
        assert f"en/{stem}.ipynb" in text and f"zh/{stem}.ipynb" in text, stem
