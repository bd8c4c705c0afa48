"""Activation modules: values, gradients, graph nodes and repr vs PyTorch."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, to_ak

MODULES = [
    ("ReLU", {}), ("Tanh", {}), ("Sigmoid", {}), ("Softmax", dict(dim=1)),
    ("LogSoftmax", dict(dim=-1)), ("LeakyReLU", dict(negative_slope=0.2)), ("Identity", {}),
]


@pytest.mark.parametrize("name,options", MODULES)
def test_matches_pytorch(name, options):
    torch.manual_seed(0)
    x = torch.randn(4, 5, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    torch_module = getattr(torch.nn, name)(**options)
    ak_module = getattr(ak.nn, name)(**options)
    assert repr(ak_module) == repr(torch_module)
    torch_out, ak_out = torch_module(x), ak_module(ax)
    assert_close(ak_out, torch_out)
    if name in ("ReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax"):
        assert ak_out.grad_fn.name() == torch_out.grad_fn.name()
    upstream = torch.randn(4, 5)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad)


def test_no_parameters_and_requires_grad_follows_input():
    for name, options in MODULES:
        module = getattr(ak.nn, name)(**options)
        assert list(module.parameters()) == []
        assert not module(ak.randn(2, 3)).requires_grad
        assert module(ak.randn(2, 3, requires_grad=True)).requires_grad
