"""The package's files stay readable: none is over 1,000 lines, and every section header names a
concept (``# ---- Primitives: powers ----``), never the history of its writing (``nn-more``)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "autograd_kit"
SOURCES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 1000

# A section header: a comment line that opens with four dashes (``# ---- title ----``).
HEADER = re.compile(r"^\s*# -{4,}\s*(?P<title>.*?)\s*-*\s*$")
# Titles that tell history: "more", "tail", "misc", or the name of a batch of work, areas
# joined by a hyphen such as "nn-more", "scans-linalg", "optim-data" (a hyphenated concept
# such as "in-place" or "log-sum-exp" is fine).
HISTORY = re.compile(
    r"\b(more|tail|misc|miscellaneous|extras?)\b|\b(nn|optim|scans|shape|matmul)-[a-z]+\b"
)


def test_no_source_file_is_over_a_thousand_lines():
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in SOURCES
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these by concept: {long}"


def test_section_headers_name_concepts():
    history = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if (match := HEADER.match(line)) and HISTORY.search(match.group("title").lower())
    ]
    assert not history, "\n".join(history)


def test_the_history_pattern_catches_history():
    for title in ("nn-more", "nn-tail: losses", "scans-linalg: einsum", "optim-data", "misc"):
        assert HISTORY.search(title)
    for title in ("Primitives: powers", "backward hooks", "In-place operations", "log-sum-exp"):
        assert not HISTORY.search(title.lower())
