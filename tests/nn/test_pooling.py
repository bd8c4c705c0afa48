"""MaxPool2d: values, the gradient routed to each window's maximum, and errors vs PyTorch."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, assert_forward_backward_match, to_ak

CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=(1, 2)),
]


@pytest.mark.parametrize("options", CASES)
@pytest.mark.parametrize("batch", [(2,), ()])
def test_forward_backward_match_pytorch(options, batch):
    torch.manual_seed(0)
    x = torch.randn(*batch, 3, 7, 6)
    assert_forward_backward_match(torch.nn.MaxPool2d(**options), ak.nn.MaxPool2d(**options), x,
                                  atol=1e-6, params=False)


def test_overlapping_windows_add_gradients():
    x = ak.tensor([[[[1.0, 9.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]]], requires_grad=True)
    ak.nn.functional.max_pool2d(x, 2, stride=1).sum().backward()
    tx = torch.tensor(x.tolist(), requires_grad=True)
    torch.nn.functional.max_pool2d(tx, 2, stride=1).sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()


def test_repr_matches_pytorch():
    for options in CASES:
        assert repr(ak.nn.MaxPool2d(**options)) == repr(torch.nn.MaxPool2d(**options))


@pytest.mark.parametrize("options,shape", [
    (dict(kernel_size=2), (1, 1, 1, 1)),
    (dict(kernel_size=2, padding=2), (1, 1, 8, 8)),
])
def test_errors_match_pytorch(options, shape):
    with pytest.raises(RuntimeError) as expected:
        torch.nn.MaxPool2d(**options)(torch.zeros(*shape))
    with pytest.raises(RuntimeError) as actual:
        ak.nn.MaxPool2d(**options)(ak.zeros(*shape))
    assert str(actual.value).splitlines()[0] == str(expected.value)


# ---- nn-more: average pooling -------------------------------------------------------------------

AVG_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=(2, 3), stride=(1, 2), divisor_override=4),
]


@pytest.mark.parametrize("options", AVG_CASES)
@pytest.mark.parametrize("batch", [(2,), ()])
def test_avg_pool_matches_pytorch(options, batch):
    torch.manual_seed(0)
    torch_pool, ak_pool = torch.nn.AvgPool2d(**options), ak.nn.AvgPool2d(**options)
    assert repr(ak_pool) == repr(torch_pool)
    x = torch.randn(*batch, 3, 7, 6)
    assert_forward_backward_match(torch_pool, ak_pool, x, atol=1e-6, params=False)


@pytest.mark.parametrize("output_size", [1, (1, 1), 2, (3, 2), (None, 3), 4, (5, 7)])
@pytest.mark.parametrize("batch", [(2,), ()])
def test_adaptive_avg_pool_matches_pytorch(output_size, batch):
    torch.manual_seed(0)
    torch_pool = torch.nn.AdaptiveAvgPool2d(output_size)
    ak_pool = ak.nn.AdaptiveAvgPool2d(output_size)
    assert repr(ak_pool) == repr(torch_pool)
    x = torch.randn(*batch, 3, 4, 6)
    # (the grad_fn names compared include MeanBackward1 for output size 1, as in PyTorch)
    ak_out, torch_out = assert_forward_backward_match(torch_pool, ak_pool, x, atol=1e-6,
                                                      params=False)
    assert ak_out.is_contiguous() == torch_out.is_contiguous()


@pytest.mark.parametrize("pool", [
    lambda F, x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
    lambda F, x: F.adaptive_avg_pool2d(x, (2, 3)),
])
def test_average_pooling_second_derivatives_match_pytorch(pool):
    torch.manual_seed(0)
    x = torch.randn(1, 2, 5, 5, dtype=torch.float64, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    results = []
    for lib, leaf in ((torch, x), (ak, ax)):
        out = (pool(lib.nn.functional, leaf) ** 2).sum()
        (grad,) = lib.autograd.grad(out, leaf, create_graph=True)
        (second,) = lib.autograd.grad((grad**2).sum(), leaf)
        results.append(second)
    assert_close(results[1], results[0], rtol=1e-10, atol=1e-12)
