"""Padding modules: values, gradients, graph nodes, reprs and errors vs PyTorch."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_forward_backward_match

MODULES = [
    ("ZeroPad1d", (2,), (2, 3, 4)), ("ZeroPad1d", ((1, 3),), (3, 4)),
    ("ZeroPad1d", ((-1, 2),), (2, 3, 4)), ("ZeroPad2d", (1,), (2, 3, 4, 5)),
    ("ZeroPad2d", ((1, 2, 0, 3),), (3, 4, 5)), ("ConstantPad1d", (2, 3.5), (2, 3, 4)),
    ("ConstantPad1d", ((0, 1), -1), (4, 5)), ("ConstantPad2d", ((1, 0, 2, 1), -1.5), (1, 2, 3, 4)),
    ("ConstantPad2d", (2, 0.5), (3, 4, 5)), ("ReflectionPad1d", (2,), (2, 3, 4)),
    ("ReflectionPad1d", ((3, 1),), (3, 5)), ("ReflectionPad2d", (1,), (2, 3, 4, 5)),
    ("ReflectionPad2d", ((1, 2, 3, 0),), (3, 4, 5)), ("ReplicationPad1d", ((3, 1),), (2, 3, 4)),
    ("ReplicationPad1d", (2,), (3, 4)), ("ReplicationPad2d", (2,), (1, 2, 3, 4)),
    ("ReplicationPad2d", ((0, 1, 3, 2),), (3, 4, 5)),
]


@pytest.mark.parametrize("name,args,shape", MODULES)
def test_padding_modules_match_pytorch(name, args, shape):
    torch.manual_seed(0)
    torch_module, ak_module = getattr(torch.nn, name)(*args), getattr(ak.nn, name)(*args)
    assert repr(ak_module) == repr(torch_module)
    assert ak_module.padding == torch_module.padding
    assert list(ak_module.state_dict()) == []
    # (values, the grad_fn name, e.g. ReflectionPad2DBackward0, and the input's gradient)
    assert_forward_backward_match(torch_module, ak_module, torch.randn(*shape))


@pytest.mark.parametrize("make", [
    lambda L: L.nn.ReflectionPad1d(2)(L.ones(2, 3, 1)),
    lambda L: L.nn.ReflectionPad2d(5)(L.ones(1, 3, 4)),
    lambda L: L.nn.ReflectionPad1d(2)(L.ones(1, 2, 3, 4)),
    lambda L: L.nn.ZeroPad2d(1)(L.ones(3)),
    lambda L: L.nn.ConstantPad1d(-3, 0.0)(L.ones(2, 4)),
])
def test_padding_errors_match_pytorch(make):
    with pytest.raises(Exception) as theirs:
        make(torch)
    with pytest.raises(type(theirs.value)) as ours:
        make(ak)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("pad,shape", [
    ((0, 0, 5, 5), (1, 3, 4)), ((5, 5, 0, 0), (1, 3, 4)), ((5, 5, 5, 5), (1, 3, 4)),
    ((0, 0, 0, 0, 3, 3), (1, 2, 3, 4)), ((0, 0, 3, 3, 0, 0), (1, 2, 3, 4)),
])
def test_reflect_padding_error_names_the_argument_of_the_dimension_like_pytorch(pad, shape):
    """PyTorch numbers the argument by the dimension that is too small (#4 for the last)."""
    test_padding_errors_match_pytorch(lambda L: L.nn.functional.pad(L.ones(shape), pad, "reflect"))
