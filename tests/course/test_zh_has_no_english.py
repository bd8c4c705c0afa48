"""The Chinese course shows no English: every zh chapter is run and what it shows is read.

Each ``course/zh`` notebook is executed in a fresh kernel with ``AK_LANG=zh`` (the language the
notebooks also set in their first cell), keeping the widgets' state as nbclient records it. Then
the words a learner reads are collected: the text of every widget (labels, tooltips, the HTML of
the stepper and graph builder, the explorer's title and legend), the words of every drawing and
static picture, and the printed output of the cells. A Latin-script word there is English unless
it is a code identifier: a name in the chapter's own code cells, a PyTorch name (``grad_fn``,
``MulBackward0``, ``requires_grad=True``), or text in code font (``<code>``, ``<pre>``, where
PyTorch's exact error messages stay as they are).

The widgets, drawings, teaching hints (exception notes) and printed strings are the kit's and the
chapters' own, so all of them must be Chinese. An error's message stays PyTorch's exact text, as
does a warning or error printed in Python's ``Name: message`` form; printed Python source (chapter
11 prints the kit's) is code, and only its comments and strings are read.
"""

from __future__ import annotations

import ast
import functools
import html.parser
import io
import os
import re
import textwrap
import tokenize

import nbformat
import pytest

from .conftest import CHAPTER_STEMS, COURSE, build

pytest.importorskip("nbclient")
pytest.importorskip("ipywidgets")

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_'’]*")  # is_leaf is one word, an identifier
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Names a Chinese learner reads as code, not English: PyTorch's and Python's own words.
ALLOWED = {
    # the saved tensors' names PyTorch gives them (grad_fn._saved_self, _saved_other, _saved_result)
    "self",
    "other",
    "result",
    "ak",
    "autograd",
    "autograd_kit",
    "torch",
    "PyTorch",
    "NumPy",
    "numpy",
    "Python",
    "Jupyter",
    "tensor",
    "Tensor",
    "grad",
    "grad_fn",
    "requires_grad",
    "is_leaf",
    "retain_graph",
    "create_graph",
    "backward",
    "dtype",
    "device",
    "cpu",
    "cuda",
    "float",
    "float32",
    "float64",
    "int64",
    "True",
    "False",
    "None",
    "nan",
    "inf",
    "lambda",
    "nn",
    "optim",
    "Parameter",
    "AccumulateGrad",
    "SGD",
    "Adam",
    "Rosenbrock",
    "lr",
    "ms",
    "ipympl",
    "pip",
    "install",
}
PYTORCH_NAME = re.compile(r"[A-Za-z]+Backward\d*|[A-Z][A-Za-z]*Grad")
WIDGET_TEXT_FIELDS = ("description", "tooltip", "placeholder")
TEXT_MODELS = {"HTMLModel", "HTMLMathModel", "LabelModel"}


class _Text(html.parser.HTMLParser):
    """The words an HTML or SVG fragment shows, without style, script and code-font text."""

    SKIP = {"style", "script", "code", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1
        for name, value in attrs:  # tooltips are read too
            if name in ("title", "alt", "aria-label") and value and not self.depth:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def shown_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    return " ".join(parser.parts)


@functools.cache
def executed(stem: str) -> nbformat.NotebookNode:
    """The zh chapter run in a fresh kernel that speaks Chinese, widget state kept."""
    from nbclient import NotebookClient

    nb = nbformat.read(str(COURSE / "zh" / f"{stem}.ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    old = os.environ.get("AK_LANG")
    os.environ["AK_LANG"] = "zh"
    try:
        with build.backend_env(None):
            NotebookClient(
                nb,
                timeout=300,
                kernel_name="python3",
                record_timing=False,
                store_widget_state=True,
                resources={"metadata": {"path": str(COURSE / "zh")}},
            ).execute()
    finally:
        if old is None:
            os.environ.pop("AK_LANG", None)
        else:
            os.environ["AK_LANG"] = old
    return nb


def identifiers(nb) -> set[str]:
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            names |= set(IDENTIFIER.findall(cell.source))
            names |= {part for name in IDENTIFIER.findall(cell.source) for part in name.split("_")}
    return names


# Python's and PyTorch's own printed forms: ``<MulBackward0 object at 0x7f...>``, torch.Size.
PRINTED_FORMS = re.compile(
    r"<[\w.]+ object at 0x[0-9a-f]+>|\bobject at 0x[0-9a-f]+|torch\.Size|<class '[\w.]+'>"
)


# Code written in plain text: a name called or reached through a dot (``.mean()``, ``optimizer.step()``).
CODE_NAMES = re.compile(r"[A-Za-z_][\w.]*\.[A-Za-z_]\w*|[A-Za-z_]\w*(?=\()|(?<=\.)[A-Za-z_]\w*")


def english(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"\b\d[\d.]*e[+-]?\d+\b", " ", text)  # 1e-05 is a number
    text = PRINTED_FORMS.sub(" ", text)
    text = CODE_NAMES.sub(" ", text)
    return [
        word
        for word in (w.strip("'’") for w in WORD.findall(text))
        if len(word) > 1
        and word not in allowed
        and "_" not in word
        and not PYTORCH_NAME.fullmatch(word)
        and not re.fullmatch(r"[A-Za-z]+\d+", word)
    ]


def widget_texts(nb) -> list[str]:
    """The words in every widget's state: labels, tooltips, options and HTML values."""
    states = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    texts = []
    for model in states.get("state", {}).values():
        state = model.get("state", {})
        texts += [state[f] for f in WIDGET_TEXT_FIELDS if isinstance(state.get(f), str)]
        texts += [label for label in state.get("_options_labels", ()) if isinstance(label, str)]
        if model.get("model_name") in TEXT_MODELS and isinstance(state.get("value"), str):
            texts.append(shown_text(state["value"]))
    return texts


def rich_texts(nb) -> list[str]:
    """The words of every drawing, widget's static view and picture the cells display."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/html", "image/svg+xml"):
                if mime in data:
                    texts.append(shown_text(data[mime]))
    return texts


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_notes(out) -> list[str]:
    """What a traceback shows under the message: the exception's notes (PEP 678)."""
    entries = [ANSI.sub("", entry) for entry in out.get("traceback", [])]
    heads = [i for i, entry in enumerate(entries) if entry.startswith(f"{out.ename}:")]
    return entries[heads[-1] + 1 :] if heads else []


def program_prose(text: str) -> str | None:
    """The comments and strings of printed Python source (its names are code), or None.

    Printed text counts as source when it parses as a program with at least one statement
    that is not a bare expression (``def``, ``class``, ``while``, an assignment ...), so a
    printed word or tensor is never taken for code.
    """
    source = textwrap.dedent(text)
    try:
        tree = ast.parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError, IndentationError):
        return None
    if not any(isinstance(n, ast.stmt) and not isinstance(n, ast.Expr) for n in ast.walk(tree)):
        return None
    return "\n".join(t.string for t in tokens if t.type in (tokenize.COMMENT, tokenize.STRING))


def printed_texts(nb) -> list[tuple[str, str]]:
    """(cell id, text) of what the cells print: streams, plain results and errors."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                # A warning (``UserWarning: ...``) is PyTorch's exact text, like an error message.
                # A warning or error printed in Python's ``Name: message`` form is PyTorch's
                # exact text, as in a traceback; printed source is read for its comments only.
                text = re.sub(r"\b\w*(Warning|Error): .*", " ", out.text)
                prose = program_prose(text)
                found.append((cell.id, text if prose is None else prose))
            elif out.output_type == "error":
                # The message (``str(e)``) is PyTorch's exact text; the notes under it are read.
                found.append((cell.id, "\n".join(error_notes(out))))
            elif out.output_type in ("execute_result", "display_data"):
                data = out.get("data", {})
                if not {"text/html", "image/svg+xml", "image/png"} & set(data):
                    found.append((cell.id, data.get("text/plain", "")))
    return found


@pytest.mark.parametrize("stem", CHAPTER_STEMS)
def test_zh_widgets_and_drawings_have_no_english(stem):
    nb = executed(stem)
    allowed = ALLOWED | identifiers(nb)
    widgets, pictures = widget_texts(nb), rich_texts(nb)
    found = sorted({w for text in widgets + pictures for w in english(text, allowed)})
    assert not found, f"{stem}: English words in widgets or pictures: {found}"
    if any("widgets" in cell.source for cell in nb.cells if cell.cell_type == "code"):
        assert widgets, f"{stem}: its widgets left no state to read"
        assert any(re.search(r"[\u4e00-\u9fff]", text) for text in widgets), stem


@pytest.mark.parametrize("stem", CHAPTER_STEMS)
def test_zh_printed_output_has_no_english(stem):
    nb = executed(stem)
    allowed = ALLOWED | identifiers(nb)
    found = {
        (cell_id, word) for cell_id, text in printed_texts(nb) for word in english(text, allowed)
    }
    assert not found, f"{stem}: English in printed output: {sorted(found)}"


def comments_and_docstrings(code: str) -> list[str]:
    """The comments and docstrings of a code cell (IPython's %magic and !shell lines left out)."""
    source = "\n".join(
        line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    return [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
        or (token.type == tokenize.STRING and token.string.startswith(('"""', "'''")))
    ]


@pytest.mark.parametrize("stem", CHAPTER_STEMS)
def test_zh_code_comments_are_chinese(stem):
    nb = nbformat.read(str(COURSE / "zh" / f"{stem}.ipynb"), as_version=4)
    allowed = ALLOWED | identifiers(nb)
    found = {
        (cell.id, word)
        for cell in nb.cells
        if cell.cell_type == "code"
        for text in comments_and_docstrings(cell.source)
        for word in english(text, allowed)
    }
    assert not found, f"{stem}: English in the code's comments or docstrings: {sorted(found)}"


def test_comment_scan_reads_comments_and_docstrings():
    code = 'def f(x):\n    """Return twice x."""\n    return 2 * x  # doubled\n%time f(1)\n'
    assert comments_and_docstrings(code) == ['"""Return twice x."""', "# doubled"]
    assert english(" ".join(comments_and_docstrings(code)), ALLOWED) == [
        "Return",
        "twice",
        "doubled",
    ]


def test_code_in_plain_text_is_not_english():
    assert english("先用 .mean() 或 optimizer.step() 归约", ALLOWED) == []
    assert english("the mean step", ALLOWED) == ["the", "mean", "step"]
