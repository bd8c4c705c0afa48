"""The language the kit speaks to the learner: one setting and one message catalogue.

Everything the kit says in words (widget labels, step explanations, teaching hints, grading
feedback) is looked up here by key, so a Chinese learner meets Chinese everywhere. Each area of
the kit keeps its own table beside its code and registers it; every entry holds every language,
side by side, and a test fails when one is missing. Error *messages* are not translated: they
stay PyTorch's exact words so they can be searched for; only the hint under them is.

The setting starts from the ``AK_LANG`` environment variable (default English); the Chinese
notebooks call ``ak.set_language("zh")`` in their first cell.

Example:
    >>> import autograd_kit as ak
    >>> ak.set_language("zh"); ak.get_language()
    'zh'
    >>> ak.set_language("en")
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "zh")

# key -> {"en": text, "zh": text}; texts may hold str.format fields such as {step}.
CATALOGUE: dict[str, dict[str, str]] = {}

_current = os.environ.get("AK_LANG", "en") if os.environ.get("AK_LANG") in LANGUAGES else "en"


def set_language(language: str) -> None:
    """Make the kit speak ``language`` ("en" or "zh") from now on, in this process."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    _current = language


def get_language() -> str:
    """The language the kit speaks now: "en" or "zh"."""
    return _current


def register(table: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Add one area's messages to the catalogue (a key may be registered only once)."""
    for key, texts in table.items():
        if key in CATALOGUE and CATALOGUE[key] is not texts:
            raise ValueError(f"message key {key!r} is registered twice")
        CATALOGUE[key] = texts
    return table


def text(key: str, language: str | None = None, **fields: object) -> str:
    """The message ``key`` in ``language`` (default: the current one), with ``fields`` filled in."""
    return CATALOGUE[key][language or _current].format(**fields)
