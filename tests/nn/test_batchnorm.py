"""BatchNorm1d: training and eval outputs, gradients, running statistics and errors."""

from __future__ import annotations

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


@pytest.mark.parametrize("shape", [(6, 4), (5, 4, 3)])
@pytest.mark.parametrize("options", [{}, dict(affine=False), dict(momentum=None),
                                     dict(track_running_stats=False), dict(eps=1e-3)])
def test_train_then_eval_match_pytorch(shape, options):
    torch.manual_seed(0)
    torch_bn = torch.nn.BatchNorm1d(4, **options)
    ak_bn = ak.nn.BatchNorm1d(4, **options)
    if torch_bn.affine:
        with torch.no_grad():
            torch_bn.weight.uniform_(0.5, 1.5)
            torch_bn.bias.uniform_(-0.5, 0.5)
    copy_weights(torch_bn, ak_bn)
    _train_then_eval(torch_bn, ak_bn, shape)


def _train_then_eval(torch_bn, ak_bn, shape):
    """Three training steps on batches of `shape` (outputs, grads, parameters and running
    statistics compared after each), then one evaluation step."""
    for step in range(3):
        x = torch.randn(*shape) * (step + 1) + step
        assert_forward_backward_match(torch_bn, ak_bn, x)
    for name, value in torch_bn.state_dict().items():
        assert_close(ak_bn.state_dict()[name], value, atol=1e-6)
    torch_bn.eval()
    ak_bn.eval()
    x = torch.randn(*shape)
    assert_close(ak_bn(to_ak(x)), torch_bn(x), atol=1e-5)


def test_gradcheck_in_float64():
    ak.manual_seed(0)
    x = ak.randn(5, 3, dtype=ak.float64, requires_grad=True)
    weight = ak.randn(3, dtype=ak.float64, requires_grad=True)
    bias = ak.randn(3, dtype=ak.float64, requires_grad=True)
    assert gradcheck(
        lambda a, w, b: ak.nn.functional.batch_norm(a, None, None, w, b, training=True),
        (x, weight, bias),
    )


def test_repr_and_buffers():
    assert repr(ak.nn.BatchNorm1d(3)) == repr(torch.nn.BatchNorm1d(3))
    bn = ak.nn.BatchNorm1d(3)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert list(bn.state_dict()) == list(torch.nn.BatchNorm1d(3).state_dict())


@pytest.mark.parametrize("shape,error", [((1, 3), ValueError), ((4, 4), RuntimeError),
                                         ((2, 3, 4, 4), ValueError)])
def test_errors_match_pytorch(shape, error):
    with pytest.raises(error) as expected:
        torch.nn.BatchNorm1d(3)(torch.zeros(*shape))
    with pytest.raises(error) as actual:
        ak.nn.BatchNorm1d(3)(ak.zeros(*shape))
    assert str(actual.value).splitlines()[0] == str(expected.value)


# ---- nn-more: BatchNorm2d, the same machinery over (N, C, H, W) ---------------------------------


@pytest.mark.parametrize("options", [{}, dict(affine=False), dict(momentum=None),
                                     dict(track_running_stats=False), dict(bias=False)])
def test_batch_norm_2d_train_then_eval_match_pytorch(options):
    torch.manual_seed(0)
    torch_bn = torch.nn.BatchNorm2d(3, **options)
    ak_bn = ak.nn.BatchNorm2d(3, **options)
    assert repr(ak_bn) == repr(torch_bn)
    assert list(ak_bn.state_dict()) == list(torch_bn.state_dict())
    if torch_bn.weight is not None:
        with torch.no_grad():
            torch_bn.weight.uniform_(0.5, 1.5)
    copy_weights(torch_bn, ak_bn)
    _train_then_eval(torch_bn, ak_bn, (4, 3, 5, 5))


def test_batch_norm_1d_and_2d_are_one_class():
    assert type(ak.nn.BatchNorm1d(2)).forward is type(ak.nn.BatchNorm2d(2)).forward
