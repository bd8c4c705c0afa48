"""The README's example prints what its comments say, with autograd_kit and with torch."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def example() -> str:
    return re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)


@pytest.mark.parametrize("library", ["autograd_kit", "torch"])
def test_readme_example_prints_what_it_promises(library):
    code = example().replace("import autograd_kit as ak", f"import {library} as ak")
    promised = [
        line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")
    ]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    assert printed.getvalue().splitlines() == promised
