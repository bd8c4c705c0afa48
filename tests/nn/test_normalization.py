"""LayerNorm: outputs, gradients, parameters, repr and state_dict vs PyTorch."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import (
    assert_close,
    assert_forward_backward_match,
    copy_weights,
    gradcheck,
    node_name,
    to_ak,
)


@pytest.mark.parametrize(
    "shape,normalized_shape",
    [
        ((4, 6), 6),
        ((2, 3, 5), (5,)),
        ((2, 3, 4, 4), (3, 4, 4)),
        ((2, 3, 4), [3, 4]),
        ((5,), 5),
    ],
)
@pytest.mark.parametrize(
    "options", [{}, dict(elementwise_affine=False), dict(bias=False), dict(eps=1e-2)]
)
def test_matches_pytorch(shape, normalized_shape, options):
    torch.manual_seed(0)
    torch_norm = torch.nn.LayerNorm(normalized_shape, **options)
    ak_norm = ak.nn.LayerNorm(normalized_shape, **options)
    assert repr(ak_norm) == repr(torch_norm)
    assert list(ak_norm.state_dict()) == list(torch_norm.state_dict())
    with torch.no_grad():
        for param in torch_norm.parameters():
            param.uniform_(-1.0, 1.0)
    copy_weights(torch_norm, ak_norm)
    x = torch.randn(*shape) * 3 + 1
    ak_out, torch_out = assert_forward_backward_match(torch_norm, ak_norm, x)
    assert [node_name(n) for n, _ in ak_out.grad_fn.next_functions] == [
        node_name(n) for n, _ in torch_out.grad_fn.next_functions
    ]


def test_functional_without_weights_matches_pytorch():
    torch.manual_seed(0)
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    torch_out = torch.nn.functional.layer_norm(x, (4,), eps=1e-3)
    ak_out = ak.nn.functional.layer_norm(ax, (4,), eps=1e-3)
    assert str(ak_out.dtype) == str(torch_out.dtype)
    assert_close(ak_out, torch_out, rtol=1e-12, atol=1e-12)


def test_gradcheck_in_float64():
    ak.manual_seed(0)
    x = ak.randn(3, 2, 4, dtype=ak.float64, requires_grad=True)
    weight = ak.randn(2, 4, dtype=ak.float64, requires_grad=True)
    bias = ak.randn(2, 4, dtype=ak.float64, requires_grad=True)
    assert gradcheck(
        lambda a, w, b: ak.nn.functional.layer_norm(a, (2, 4), w, b), (x, weight, bias)
    )


def test_second_derivative_matches_pytorch():
    torch.manual_seed(0)
    x = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    results = []
    for lib, leaf in ((torch, x), (ak, ax)):
        out = (lib.nn.functional.layer_norm(leaf, (5,)) ** 3).sum()
        (grad,) = lib.autograd.grad(out, leaf, create_graph=True)
        (second,) = lib.autograd.grad((grad * grad).sum(), leaf)
        results.append(second)
    assert_close(results[1], results[0], rtol=1e-9, atol=1e-10)


def test_same_result_in_train_and_eval():
    norm = ak.nn.LayerNorm(3)
    x = ak.randn(4, 3)
    train_out = norm(x)
    norm.eval()
    assert norm(x).tolist() == train_out.tolist()
