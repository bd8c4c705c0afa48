"""clip_grad_norm_ and clip_grad_value_ change gradients exactly as PyTorch does."""

from __future__ import annotations

import math

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, copy_weights, to_ak


def _both_with_grads(scale=1.0):
    torch.manual_seed(0)
    torch_net = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    ak_net = ak.nn.Sequential(ak.nn.Linear(4, 5), ak.nn.Tanh(), ak.nn.Linear(5, 2))
    copy_weights(torch_net, ak_net)
    x = torch.randn(6, 4) * scale
    (torch_net(x) ** 2).sum().backward()
    (ak_net(to_ak(x)) ** 2).sum().backward()
    return torch_net, ak_net


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e6])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_matches_pytorch(max_norm, norm_type):
    torch_net, ak_net = _both_with_grads(scale=3.0)
    torch_total = torch.nn.utils.clip_grad_norm_(torch_net.parameters(), max_norm, norm_type)
    ak_total = ak.nn.utils.clip_grad_norm_(ak_net.parameters(), max_norm, norm_type)
    assert isinstance(ak_total, ak.Tensor) and ak_total.shape == ak.Size([])
    assert_close(ak_total, torch_total, rtol=1e-5)
    for ak_param, torch_param in zip(ak_net.parameters(), torch_net.parameters(), strict=True):
        assert_close(ak_param.grad, torch_param.grad, rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_single_tensor_and_no_grads():
    weight = ak.nn.Parameter(ak.zeros(2))
    weight.grad = ak.tensor([3.0, 4.0])
    assert ak.nn.utils.clip_grad_norm_(weight, 1.0).item() == pytest.approx(5.0)
    assert weight.grad.tolist() == pytest.approx([0.6, 0.8], rel=1e-5)
    assert ak.nn.utils.clip_grad_norm_([ak.nn.Parameter(ak.zeros(1))], 1.0).item() == 0.0


def test_non_finite_norm_error_matches_pytorch():
    weight = ak.nn.Parameter(ak.zeros(2))
    weight.grad = ak.tensor([float("inf"), 1.0])
    torch_weight = torch.nn.Parameter(torch.zeros(2))
    torch_weight.grad = torch.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError) as expected:
        torch.nn.utils.clip_grad_norm_(torch_weight, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as actual:
        ak.nn.utils.clip_grad_norm_(weight, 1.0, error_if_nonfinite=True)
    assert str(actual.value) == str(expected.value)


def test_clip_grad_value_matches_pytorch():
    torch_net, ak_net = _both_with_grads(scale=3.0)
    assert torch.nn.utils.clip_grad_value_(torch_net.parameters(), 0.5) is None
    assert ak.nn.utils.clip_grad_value_(ak_net.parameters(), 0.5) is None
    for ak_param, torch_param in zip(ak_net.parameters(), torch_net.parameters(), strict=True):
        assert_close(ak_param.grad, torch_param.grad)
        assert ak_param.grad.abs().max().item() <= 0.5


def test_clipping_between_backward_and_step_bounds_the_update():
    _, ak_net = _both_with_grads(scale=100.0)
    before = ak.nn.utils.parameters_to_vector(ak_net.parameters()).detach().clone()
    ak.nn.utils.clip_grad_norm_(ak_net.parameters(), max_norm=0.5)
    ak.optim.SGD(ak_net.parameters(), lr=1.0).step()
    after = ak.nn.utils.parameters_to_vector(ak_net.parameters()).detach()
    assert ((after - before) ** 2).sum().sqrt().item() <= 0.5 + 1e-5
