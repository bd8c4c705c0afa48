"""The torch switch: every chapter runs with autograd_kit and with PyTorch, and prints the same.

Each chapter is executed twice in fresh kernels with nbclient, once as committed (``ak`` is
autograd_kit) and once with ``AK_BACKEND=torch`` (``ak`` is torch). The printed text of every
code cell (stdout, plain-text results, the type and first line of errors) must match after the
nbval sanitizers, so the gradients a learner reads are PyTorch's gradients.
"""

import nbformat
import pytest

from .conftest import COURSE, build, read, sanitize

# Outputs drawn as pictures or widgets are checked by the viz tests, not compared as text.
RICH = {"image/svg+xml", "text/html", "image/png", "application/vnd.jupyter.widget-view+json"}


def printed(cell) -> list[str]:
    """What a learner reads from a cell, as text; pictures and widgets are left out."""
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            # A busy kernel may flush one print() as two stream messages; join them.
            if texts and texts[-1].startswith(out.name + ":"):
                texts[-1] += out.text
            else:
                texts.append(out.name + ":" + out.text)
        elif out.output_type == "error":
            # The first line of the message is compared (a teaching hint rides along as an
            # exception note, which torch does not add).
            texts.append(f"error:{out.ename}: {out.evalue.splitlines()[0] if out.evalue else ''}")
        elif out.output_type in ("execute_result", "display_data"):
            if RICH & set(out.data):
                continue
            texts.append("result:" + out.data.get("text/plain", ""))
    return [sanitize(t) for t in texts]


def run(stem: str, backend: str | None) -> nbformat.NotebookNode:
    nb = read("en", stem)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return build.execute(nb, COURSE / "en", backend=backend)


def test_chapter_prints_the_same_with_torch(stem):
    pytest.importorskip("torch")
    ours, theirs = run(stem, None), run(stem, "torch")
    compared = 0
    for a, b in zip(ours.cells, theirs.cells, strict=True):
        if a.cell_type != "code" or "backend-specific" in a.metadata.get("tags", []):
            continue
        assert printed(a) == printed(b), f"{stem} cell {a.id}: autograd_kit vs torch"
        compared += bool(printed(a))
    assert compared >= 3, f"{stem}: too few printed cells to compare"


def test_switch_really_switches(tmp_path):
    """AK_BACKEND=torch must make `ak` torch in the kernel, and the default autograd_kit."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(build.localize(build.SWITCH_CELL, "en")),
                nbformat.v4.new_code_cell("print(ak.__name__)")]
    for backend, expected in ((None, "autograd_kit"), ("torch", "torch")):
        for cell in nb.cells:
            cell.outputs = []
        build.execute(nb, tmp_path, backend=backend)
        assert nb.cells[1].outputs[0].text.strip() == expected
