"""The examples in the viz docstrings run and print what they say."""

import doctest
import importlib

import pytest

import autograd_kit as ak
import autograd_kit.viz
import autograd_kit.widgets  # noqa: F401  (ak.widgets in the examples)
from autograd_kit.viz.steps import backward_steps

MODULES = ["graph", "steps", "recorder", "plots", "widgets"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"autograd_kit.viz.{name}")
    result = doctest.testmod(
        module,
        extraglobs={"ak": ak, "backward_steps": backward_steps},
        optionflags=doctest.ELLIPSIS,
    )
    assert result.attempted > 0 and result.failed == 0
