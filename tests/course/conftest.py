"""Shared helpers for the course tests: load course/build.py and the committed notebooks."""

import configparser
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"

_spec = importlib.util.spec_from_file_location("course_build", COURSE / "build.py")
build = importlib.util.module_from_spec(_spec)
sys.modules["course_build"] = build  # dataclasses look their module up there
_spec.loader.exec_module(build)

CHAPTER_STEMS = [p.stem for p in sorted((COURSE / "src").glob("[0-9][0-9]-*.md"))]

# The nbval sanitizers, read from the same file nbval uses, so both compare the same way.
_config = configparser.ConfigParser()
_config.read(COURSE / "nbval_sanitize.cfg")
SANITIZERS = [(re.compile(_config[name]["regex"]), _config[name]["replace"])
              for name in _config.sections()]


def sanitize(text: str) -> str:
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def read(lang: str, stem: str) -> nbformat.NotebookNode:
    return nbformat.read(str(COURSE / lang / f"{stem}.ipynb"), as_version=4)


@pytest.fixture(params=CHAPTER_STEMS)
def stem(request):
    return request.param
