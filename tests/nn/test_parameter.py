"""Parameter: a leaf that requires grad, printed as PyTorch prints it."""

from __future__ import annotations

import torch

import autograd_kit as ak


def test_repr_matches_pytorch():
    assert repr(ak.nn.Parameter(ak.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))
    frozen = ak.nn.Parameter(ak.tensor([[1.5, -2.0]]), requires_grad=False)
    assert repr(frozen) == repr(torch.nn.Parameter(torch.tensor([[1.5, -2.0]]),
                                                   requires_grad=False))


def test_is_a_leaf_sharing_the_data():
    data = ak.zeros(3)
    param = ak.nn.Parameter(data)
    assert param.is_leaf and param.requires_grad and isinstance(param, ak.Tensor)
    with ak.no_grad():
        data.fill_(2.0)
    assert param.tolist() == [2.0, 2.0, 2.0]
    assert ak.nn.Parameter().shape == torch.nn.Parameter().shape


def test_operations_return_plain_tensors_with_graph():
    param = ak.nn.Parameter(ak.ones(2))
    out = param * 2
    assert type(out) is ak.Tensor
    assert out.grad_fn.name() == "MulBackward0"
    out.sum().backward()
    assert param.grad.tolist() == [2.0, 2.0]
