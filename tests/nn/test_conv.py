"""Conv2d: values, gradients (input, weight, bias), graph node and errors vs PyTorch."""

from __future__ import annotations

import math

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import (
    assert_close,
    assert_forward_backward_match,
    copy_weights,
    gradcheck,
    to_ak,
)

CASES = [
    dict(in_channels=1, out_channels=2, kernel_size=3),
    dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1),
    dict(in_channels=2, out_channels=3, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)),
    dict(in_channels=2, out_channels=2, kernel_size=1, bias=False),
    dict(in_channels=3, out_channels=5, kernel_size=5, padding=2),
]


@pytest.mark.parametrize("options", CASES)
@pytest.mark.parametrize("batch", [(2,), ()])
def test_forward_backward_match_pytorch(options, batch):
    torch.manual_seed(0)
    torch_conv = torch.nn.Conv2d(**options)
    ak_conv = ak.nn.Conv2d(**options)
    copy_weights(torch_conv, ak_conv)
    x = torch.randn(*batch, options["in_channels"], 7, 6)
    assert_forward_backward_match(torch_conv, ak_conv, x)


def test_gradcheck_in_float64():
    ak.manual_seed(0)
    x = ak.randn(2, 2, 5, 5, dtype=ak.float64, requires_grad=True)
    weight = ak.randn(3, 2, 3, 3, dtype=ak.float64, requires_grad=True)
    bias = ak.randn(3, dtype=ak.float64, requires_grad=True)
    assert gradcheck(
        lambda a, w, b: ak.nn.functional.conv2d(a, w, b, stride=2, padding=1), (x, weight, bias)
    )


def test_second_derivative_matches_pytorch():
    torch.manual_seed(0)
    x = torch.randn(1, 2, 5, 5, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    ax, aw = to_ak(x, True).double(), to_ak(w, True).double()
    ax, aw = ax.detach().requires_grad_(), aw.detach().requires_grad_()
    (gx,) = torch.autograd.grad(torch.nn.functional.conv2d(x, w, padding=1).pow(2).sum(), x,
                                create_graph=True)
    (agx,) = ak.autograd.grad(ak.nn.functional.conv2d(ax, aw, padding=1).pow(2).sum(), ax,
                              create_graph=True)
    gx.sum().backward()
    agx.sum().backward()
    assert_close(aw.grad, w.grad, rtol=1e-10, atol=1e-10)


def test_repr_and_init_match_pytorch():
    for options in CASES:
        assert repr(ak.nn.Conv2d(**options)) == repr(torch.nn.Conv2d(**options))
    ak.manual_seed(0)
    conv = ak.nn.Conv2d(16, 8, 3)
    bound = 1 / math.sqrt(16 * 9)
    assert conv.weight.abs().max().item() <= bound
    assert conv.weight.shape == ak.Size([8, 16, 3, 3])


@pytest.mark.parametrize("shape", [(2, 2, 8, 8), (2, 8, 8), (8, 8), (2, 3, 2, 2), (1, 2, 3, 4, 4)])
def test_bad_input_messages_match_pytorch(shape, name="Conv2d"):
    torch_conv, ak_conv = getattr(torch.nn, name)(3, 4, 3), getattr(ak.nn, name)(3, 4, 3)
    with pytest.raises(RuntimeError) as expected:
        torch_conv(torch.zeros(*shape))
    with pytest.raises(RuntimeError) as actual:
        ak_conv(ak.zeros(*shape))
    assert str(actual.value).splitlines()[0] == str(expected.value)


# ---- recurrent: Conv1d ----

CASES_1D = [
    dict(in_channels=1, out_channels=2, kernel_size=3),
    dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1),
    dict(in_channels=2, out_channels=3, kernel_size=(2,), stride=(3,), padding=(2,)),
    dict(in_channels=2, out_channels=2, kernel_size=1, bias=False),
    dict(in_channels=2, out_channels=3, kernel_size=3, padding=2, padding_mode="reflect"),
    dict(in_channels=2, out_channels=3, kernel_size=3, padding=1, padding_mode="replicate"),
]


@pytest.mark.parametrize("options", CASES_1D)
@pytest.mark.parametrize("batch", [(2,), ()])
def test_conv1d_forward_backward_match_pytorch(options, batch):
    _compare_conv("Conv1d", options, (*batch, options["in_channels"], 9))


def _compare_conv(name: str, options: dict, input_shape: tuple) -> None:
    """Same weights in both; same repr, parameters, output and every gradient."""
    torch.manual_seed(0)
    torch_conv = getattr(torch.nn, name)(**options)
    ak_conv = getattr(ak.nn, name)(**options)
    copy_weights(torch_conv, ak_conv)
    assert repr(ak_conv) == repr(torch_conv)
    assert [(n, tuple(p.shape)) for n, p in ak_conv.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in torch_conv.named_parameters()]
    assert_forward_backward_match(torch_conv, ak_conv, torch.randn(*input_shape))


@pytest.mark.parametrize("options", [dict(padding_mode="reflect", padding=1),
                                     dict(padding_mode="replicate", padding=(1, 2))])
def test_conv2d_padding_modes_match_pytorch(options):
    _compare_conv("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=3, **options),
                  (2, 2, 6, 5))


def test_conv1d_gradcheck_and_second_derivative_match_pytorch():
    ak.manual_seed(0)
    x = ak.randn(2, 2, 7, dtype=ak.float64, requires_grad=True)
    weight = ak.randn(3, 2, 3, dtype=ak.float64, requires_grad=True)
    bias = ak.randn(3, dtype=ak.float64, requires_grad=True)
    assert ak.autograd.gradgradcheck(
        lambda a, w, b: ak.nn.functional.conv1d(a, w, b, stride=2, padding=1), (x, weight, bias)
    )
    tx, tw = (torch.tensor(t.tolist(), dtype=torch.float64, requires_grad=True)
              for t in (x, weight))
    (gx,) = torch.autograd.grad(torch.nn.functional.conv1d(tx, tw, padding=1).pow(2).sum(), tx,
                                create_graph=True)
    (agx,) = ak.autograd.grad(ak.nn.functional.conv1d(x, weight, padding=1).pow(2).sum(), x,
                              create_graph=True)
    assert_close(agx, gx, rtol=1e-10, atol=1e-10)
    gx.sum().backward()
    agx.sum().backward()
    assert_close(weight.grad, tw.grad, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shape", [(2, 2, 8, 8), (8,), (2, 2, 8), (2, 8), (2, 3, 1)])
def test_conv1d_bad_input_messages_match_pytorch(shape):
    test_bad_input_messages_match_pytorch(shape, name="Conv1d")
