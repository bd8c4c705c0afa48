"""Build the course notebooks from one bilingual source per chapter.

Each chapter lives in ``course/src/NN-topic.md``: code cells are written once, prose is written
in English and Simplified Chinese side by side. This script writes ``course/en/*.ipynb`` and
``course/zh/*.ipynb`` (identical code cells, different prose) and ``course/index.ipynb``, and
executes every notebook with nbclient so they are committed with their outputs.

Source format (a line starting with ``%%`` opens a cell)::

    %% md id=intro
    English prose (Markdown).
    %% zh
    中文说明（Markdown）。
    %% code id=first-grad tags=nbval-ignore-output
    print(x.grad)

``id=`` names a cell (course/concepts.md points at these names; they become the notebook
cell ids). ``tags=`` is a comma-separated list of cell tags. The first code cell of every
chapter, the backend switch, is added here so that all chapters start the same way.

Code is written once, but what a learner *reads* in it (comments, printed strings) speaks the
notebook's language: ``«English|中文»`` inside a code cell becomes ``English`` in the English
notebook and ``中文`` in the Chinese one::

    print("«before:|更新前：»", w)  # «the update happens below|下面进行更新»

Usage::

    .venv/bin/python course/build.py              # build and execute everything
    .venv/bin/python course/build.py 03 04        # only chapters 03 and 04 (and the index)
    .venv/bin/python course/build.py --no-execute # write notebooks without outputs
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

COURSE = Path(__file__).resolve().parent
ROOT = COURSE.parent
SRC = COURSE / "src"
LANGS = ("en", "zh")

# The one switch: AK_BACKEND=torch makes `ak` PyTorch, and every later cell runs unchanged.
# The viz helpers come from autograd_kit in both cases: they read torch graphs too.
# set_language comes from autograd_kit in both cases: widgets and hints speak the notebook's
# language (torch has no such switch; its error messages stay PyTorch's own).
SWITCH_CELL = """\
# «The backend switch: run `AK_BACKEND=torch scripts/course` and every cell below uses PyTorch.\
|后端开关：用 `AK_BACKEND=torch scripts/course` 启动后，下面的每个单元格都使用 PyTorch。»
import os

from autograd_kit import set_language
from autograd_kit.viz import draw_graph

if os.environ.get("AK_BACKEND") == "torch":
    import torch as ak
else:
    import autograd_kit as ak
set_language("«en|zh»")  # «widgets and hints speak English|控件和提示信息使用中文»"""

SWITCH_ID = "backend-switch"

SWITCH_PROSE = {
    "en": "Run the cells from top to bottom (Shift+Enter). The first cell picks the library: "
          "`autograd_kit` by default, PyTorch when the environment variable `AK_BACKEND=torch` "
          "is set. Nothing else in the notebook changes, because `ak` has PyTorch's names.",
    "zh": "请从上到下依次运行各单元格（Shift+Enter）。第一个代码单元格选择所用的库：默认是 "
          "`autograd_kit`，设置环境变量 `AK_BACKEND=torch` 后则是 PyTorch。笔记本的其余部分"
          "完全不变，因为 `ak` 的接口名称与 PyTorch 一致。",
}

HEADER = re.compile(r"^%%\s*(md|zh|code)\b(.*)$")
BILINGUAL = re.compile(r"«([^«»|]*)\|([^«»]*)»")
OPTION = re.compile(r"(\w+)=(\S+)")
CJK = re.compile(r"[\u4e00-\u9fff]")


class SourceError(ValueError):
    """A chapter source is malformed (the message names the file and line)."""


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    id: str
    text: dict[str, str] = field(default_factory=dict)  # markdown: per language; code: {"": src}
    tags: list[str] = field(default_factory=list)


@dataclass
class Chapter:
    stem: str  # "03-backward"
    cells: list[Cell]

    @property
    def number(self) -> str:
        return self.stem.split("-", 1)[0]


def parse_source(text: str, name: str = "<source>") -> list[Cell]:
    """Split a chapter source into cells. Malformed sources raise SourceError, never pass."""
    cells: list[Cell] = []
    current: Cell | None = None
    lang = ""
    lines: list[str] = []
    ids: set[str] = set()

    def close(lineno: int) -> None:
        if current is None:
            if "".join(lines).strip():
                raise SourceError(f"{name}:{lineno}: text before the first %% header")
            return
        body = "\n".join(lines).strip("\n")
        if not body.strip():
            raise SourceError(f"{name}:{lineno}: empty {current.kind} cell {current.id!r}")
        current.text[lang] = body

    for lineno, line in enumerate(text.splitlines(), 1):
        match = HEADER.match(line)
        if not match:
            lines.append(line)
            continue
        close(lineno)
        lines = []
        kind, rest = match.group(1), match.group(2)
        options = dict(OPTION.findall(rest))
        unknown = set(options) - {"id", "tags"}
        if unknown or OPTION.sub("", rest).strip():
            raise SourceError(f"{name}:{lineno}: cannot read header options {rest.strip()!r}")
        if kind == "zh":
            if current is None or current.kind != "markdown" or "zh" in current.text:
                raise SourceError(f"{name}:{lineno}: %% zh must follow an English %% md cell")
            if options:
                raise SourceError(f"{name}:{lineno}: %% zh takes no options")
            lang = "zh"
            continue
        cell_id = options.get("id") or f"{name.split('-')[0]}-{len(cells) + 1:02d}"
        if cell_id in ids:
            raise SourceError(f"{name}:{lineno}: duplicate cell id {cell_id!r}")
        ids.add(cell_id)
        tags = [t for t in options.get("tags", "").split(",") if t]
        current = Cell("markdown" if kind == "md" else "code", cell_id, tags=tags)
        lang = "en" if kind == "md" else ""
        cells.append(current)
    close(len(text.splitlines()) + 1)
    for cell in cells:
        if cell.kind == "markdown" and set(cell.text) != {"en", "zh"}:
            raise SourceError(f"{name}: markdown cell {cell.id!r} needs both English and %% zh")
        if cell.kind == "code":
            check_bilingual(cell.text[""], f"{name}: code cell {cell.id!r}")
    return cells


def localize(code: str, lang: str) -> str:
    """The code as the ``lang`` notebook shows it: each ``«English|中文»`` picks one side."""
    return BILINGUAL.sub(lambda m: m.group(1 if lang == "en" else 2), code)


def check_bilingual(code: str, where: str) -> None:
    """Every « is closed by » with an English and a Chinese side; nothing else is left over."""
    rest = BILINGUAL.sub("", code)
    if "«" in rest or "»" in rest:
        raise SourceError(f"{where}: unbalanced «English|中文» in a code cell")
    for match in BILINGUAL.finditer(code):
        if not match.group(1).strip() or not CJK.search(match.group(2)):
            raise SourceError(f"{where}: «{match.group(1)}|{match.group(2)}» needs English "
                              "on the left and Chinese on the right")


def exercise_link(number: str, lang: str) -> str:
    """Relative link (from course/en or course/zh) to the chapter's graded exercise notebook in
    the learner's language.

    Exercises are generated from solutions/ by the grading tools as ``exercises/<lang>/NN_topic.ipynb``;
    before they exist the link points at the exercises folder.
    """
    found = sorted((ROOT / "exercises" / lang).glob(f"{number}[_-]*.ipynb"))
    return f"../../exercises/{lang}/{found[0].name}" if found else "../../exercises/"


def footer(number: str, stems: list[str]) -> Cell:
    """The last cell of a chapter: its graded exercises and the next chapter."""
    link = {lang: exercise_link(number, lang) for lang in LANGS}
    label = {lang: link[lang].removeprefix("../../") for lang in LANGS}
    text = {
        "en": f"## Exercises\n\nPractise this chapter with the graded exercises in "
              f"[`{label['en']}`]({link['en']}): replace each `not_attempted(...)` stub with your "
              "answer, then run the check cells for feedback.",
        "zh": f"## 练习\n\n用 [`{label['zh']}`]({link['zh']}) 中的自动评分练习巩固本章内容："
              "把每个 `not_attempted(...)` 占位替换成你的答案，然后运行检查单元格获取反馈。",
    }
    later = [s for s in stems if s.split("-", 1)[0] > number]
    if later:
        title = parse_source((SRC / f"{later[0]}.md").read_text(encoding="utf-8"), later[0])[0]
        heading = {lang: title.text[lang].splitlines()[0].lstrip("# ") for lang in LANGS}
        text["en"] += (f"\n\nNext: [{heading['en']}]({later[0]}.ipynb) · "
                       "[course index](../index.ipynb)")
        text["zh"] += (f"\n\n下一章：[{heading['zh']}]({later[0]}.ipynb) · "
                       "[课程目录](../index.ipynb)")
    else:
        text["en"] += "\n\nBack to the [course index](../index.ipynb)."
        text["zh"] += "\n\n返回[课程目录](../index.ipynb)。"
    return Cell("markdown", "exercises-link", text)


def load_chapter(path: Path) -> Chapter:
    cells = parse_source(path.read_text(encoding="utf-8"), path.stem)
    if not cells or cells[0].kind != "markdown":
        raise SourceError(f"{path.name}: a chapter starts with its title cell")
    # Insert the switch after the title cell: explanation, then the cell itself.
    switch_md = Cell("markdown", "backend-switch-note", dict(SWITCH_PROSE))
    switch = Cell("code", SWITCH_ID, {"": SWITCH_CELL})
    stems = [p.stem for p in sorted(SRC.glob("[0-9][0-9]-*.md"))]
    end = footer(path.stem.split("-", 1)[0], stems)
    return Chapter(path.stem, [cells[0], switch_md, switch, *cells[1:], end])


def chapters(selected: list[str] | None = None) -> list[Chapter]:
    paths = sorted(p for p in SRC.glob("[0-9][0-9]-*.md"))
    if selected:
        paths = [p for p in paths if p.stem.split("-")[0] in selected]
    return [load_chapter(p) for p in paths]


def to_notebook(cells: list[Cell], lang: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for cell in cells:
        if cell.kind == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.text[lang])
        else:
            new = nbformat.v4.new_code_cell(localize(cell.text[""], lang))
        new.id = cell.id
        if cell.tags:
            new.metadata["tags"] = list(cell.tags)
        nb.cells.append(new)
    return nb


@contextmanager
def backend_env(backend: str | None):
    """Set AK_BACKEND for kernels started inside the block (None: autograd_kit)."""
    old = os.environ.get("AK_BACKEND")
    if backend is None:
        os.environ.pop("AK_BACKEND", None)
    else:
        os.environ["AK_BACKEND"] = backend
    # Hash seeds and thread counts fixed so printed outputs are the same run to run.
    saved = {k: os.environ.get(k) for k in ("PYTHONHASHSEED", "OMP_NUM_THREADS")}
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        yield
    finally:
        for key, value in {"AK_BACKEND": old, **saved}.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(nb: nbformat.NotebookNode, cwd: Path, backend: str | None = None,
            timeout: int = 300) -> nbformat.NotebookNode:
    """Run every cell of ``nb`` in a fresh kernel (cells tagged raises-exception may raise)."""
    from nbclient import NotebookClient

    cwd.mkdir(parents=True, exist_ok=True)
    with backend_env(backend):
        # record_timing=False: no timestamps in the committed notebooks (clean diffs)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(cwd)}})
        client.execute()
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    nbformat.write(nb, str(path))


EXERCISE_LINK = re.compile(r"\(exercise:(\d\d)\)")


def resolve_exercise_links(markdown: str, lang: str) -> str:
    """``(exercise:NN)`` in the index becomes the link to chapter NN's exercise notebook."""
    return EXERCISE_LINK.sub(
        lambda m: "(" + exercise_link(m.group(1), lang).removeprefix("../") + ")", markdown
    )


def build_index(execute_it: bool) -> Path:
    cells = parse_source((SRC / "index.md").read_text(encoding="utf-8"), "index")
    # The index is one notebook with both languages, so the README's command opens one file.
    nb = nbformat.v4.new_notebook()
    nb.metadata = to_notebook([], "en").metadata
    for cell in cells:
        if cell.kind == "markdown":
            new = nbformat.v4.new_markdown_cell(
                resolve_exercise_links(cell.text["en"], "en")
                + "\n\n---\n\n"
                + resolve_exercise_links(cell.text["zh"], "zh"))
        else:
            new = nbformat.v4.new_code_cell(cell.text[""])
        new.id = cell.id
        if cell.tags:
            new.metadata["tags"] = list(cell.tags)
        nb.cells.append(new)
    if execute_it:
        execute(nb, COURSE)
    path = COURSE / "index.ipynb"
    write(nb, path)
    return path


def build(selected: list[str] | None = None, execute_it: bool = True) -> list[Path]:
    written = []
    for chapter in chapters(selected):
        for lang in LANGS:
            nb = to_notebook(chapter.cells, lang)
            start = time.perf_counter()
            if execute_it:
                execute(nb, COURSE / lang)
            path = COURSE / lang / f"{chapter.stem}.ipynb"
            write(nb, path)
            written.append(path)
            print(f"wrote {path.relative_to(ROOT)} ({time.perf_counter() - start:.1f} s)",
                  flush=True)
    if (SRC / "index.md").exists():
        written.append(build_index(execute_it))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapter numbers, e.g. 01 07 (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="write notebooks unexecuted")
    args = parser.parse_args(argv)
    build(args.chapters or None, execute_it=not args.no_execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
