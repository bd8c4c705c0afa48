"""The examples in the docstrings of the tensor and the engine run and print what they say
(learners read and copy them)."""

from __future__ import annotations

import doctest
import importlib

import pytest

import autograd_kit as ak

MODULES = [
    "autograd_kit.tensor",
    "autograd_kit.autograd.backward_and_grad",
    "autograd_kit.autograd.function",
    "autograd_kit.autograd.graph",
    "autograd_kit.autograd.hooks",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"ak": ak}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
