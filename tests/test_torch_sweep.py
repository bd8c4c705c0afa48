"""Code written for torch runs unchanged: each snippet of ``tests/torch_sweep_snippets.py``
(from PyTorch's autograd and nn tutorials and docs, d2l and micrograd) prints the same with
``torch`` as with ``autograd_kit`` imported under the name ``torch``."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys

import pytest
import torch

import autograd_kit
from tests.torch_sweep_snippets import SNIPPETS

# The modules a snippet imports by torch's name, and the kit's module that answers for each.
_SUBMODULES = [
    "nn", "nn.functional", "nn.init", "optim", "autograd", "autograd.function",
    "autograd.functional", "autograd.graph", "utils", "utils.data", "linalg",
]


@contextlib.contextmanager
def _as_torch(library):
    """Make ``import torch`` (and its submodules) give ``library`` while the block runs."""
    names = ["torch"] + [f"torch.{name}" for name in _SUBMODULES]
    saved = {name: sys.modules.get(name) for name in names}
    if library is not torch:
        sys.modules["torch"] = library
        for name in _SUBMODULES:
            sys.modules[f"torch.{name}"] = importlib.import_module(f"{library.__name__}.{name}")
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def printed_by(source: str, library) -> str:
    """What ``source`` prints when ``import torch`` gives ``library`` (an uncaught error
    printed last, marked UNCAUGHT); object addresses are blanked."""
    out = io.StringIO()
    library.manual_seed(0)
    with _as_torch(library), contextlib.redirect_stdout(out):
        try:
            exec(compile(source, "<snippet>", "exec"), {"__name__": "__snippet__"})
        except Exception as error:  # noqa: BLE001 - the error is part of what is compared
            print(f"UNCAUGHT {type(error).__name__}: {error}")
        finally:
            library.set_grad_enabled(True)
    return re.sub(r"0x[0-9a-f]+", "0x?", out.getvalue())


def test_the_alias_really_swaps_the_library():
    probe = "import torch\nimport torch.nn as nn\nprint(torch.__name__, nn.__name__)"
    assert printed_by(probe, autograd_kit) == "autograd_kit autograd_kit.nn\n"
    assert printed_by(probe, torch) == "torch torch.nn\n"


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_prints_what_torch_prints(name):
    theirs = printed_by(SNIPPETS[name], torch)
    ours = printed_by(SNIPPETS[name], autograd_kit)
    assert "UNCAUGHT" not in theirs, "a snippet runs through with torch"
    assert ours == theirs
