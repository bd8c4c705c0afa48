"""The examples in the docstrings of ak.nn, ak.optim, ak.utils.data and the digits example run
and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

import autograd_kit as ak

MODULES = [
    "nn.module", "nn.parameter", "nn.linear", "nn.conv", "nn.pooling", "nn.activation",
    "nn.dropout", "nn.batchnorm", "nn.embedding", "nn.container", "nn.loss", "nn.flatten",
    "nn.utils.clip_grad", "nn.utils.convert_parameters", "optim.optimizer", "optim.sgd",
    "optim.adam", "optim.lr_scheduler.schedules", "optim.lr_scheduler.cyclic",
    "optim.lr_scheduler.plateau", "optim.lr_scheduler.combined", "utils.data.dataset", "utils.data.dataloader",
    # ---- nn-more ----
    "nn.normalization", "nn.functional.activations", "nn.functional.layers",
    "nn.functional.losses", "optim.adagrad",
    # ---- recurrent ----
    "nn.rnn", "nn.attention",
    # ---- nn-tail ----
    "nn.distance", "nn.padding", "nn.init",
    # ---- optim-data ----
    "optim.nadam", "optim.radam", "optim.adamax", "optim.adadelta", "optim.lbfgs",
    "utils.data.sampler",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"autograd_kit.{name}")
    ak.manual_seed(0)
    result = doctest.testmod(module, extraglobs={"ak": ak},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_digits_docstring_example():
    pytest.importorskip("sklearn")
    module = importlib.import_module("autograd_kit.examples.digits")
    result = doctest.testmod(module, extraglobs={"ak": ak}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
