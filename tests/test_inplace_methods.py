"""In-place methods a PyTorch tutorial uses: index_add_ and the alpha= of add/sub/add_/sub_,
checked against PyTorch (values, grad_fn, gradients, errors) and on a simulated device."""

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_raises_like


def index_add_in_place(L):
    x = L.zeros(3, 2, requires_grad=True)
    source = L.ones(2, 2, requires_grad=True)
    y = x * 1
    y.index_add_(0, L.tensor([0, 2]), source, alpha=2)
    (y * L.arange(6.0).reshape(3, 2)).sum().backward()
    return [repr(y), repr(x.grad), repr(source.grad), y._version]


def index_add_repeated_indices(L):
    out = L.index_add(L.zeros(4), 0, L.tensor([1, 1, 3]), L.tensor([1.0, 2.0, 3.0]))
    return [repr(out), repr(L.zeros(2, 3).index_add_(1, L.tensor([2]), L.ones(2, 1)))]


def alpha_as_a_0d_tensor(L):
    x = L.ones(3, requires_grad=True)
    y = x.add(x * 1, alpha=L.tensor(2.0)).sub(x, alpha=L.tensor(0.5))
    z = L.ones(3).add_(L.ones(3), alpha=L.tensor(3))
    return [repr(y), repr(z), repr(L.zeros(2).index_add(0, L.tensor([0]), L.ones(1),
                                                       alpha=L.tensor(4.0)))]


@pytest.mark.parametrize("scenario", [index_add_in_place, index_add_repeated_indices,
                                      alpha_as_a_0d_tensor])
def test_prints_what_pytorch_prints(scenario):
    assert scenario(ak) == scenario(torch)


@pytest.mark.parametrize("make_error", [
    lambda L: L.ones(2).add_(L.ones(2), alpha=L.ones(2)),
    lambda L: L.ones(2).sub(L.ones(2), alpha=L.ones(2)),
    lambda L: L.ones(2).index_add(0, L.tensor([0]), L.ones(1), alpha=L.ones(2)),
    lambda L: L.ones(3).index_add_(0, L.tensor([0, 1]), L.ones(3)),
    lambda L: L.ones(3, requires_grad=True).index_add_(0, L.tensor([0]), L.ones(1)),
])
def test_mistakes_raise_pytorchs_error(make_error):
    assert_raises_like(lambda: make_error(torch), lambda: make_error(ak))


def test_a_0d_tensor_alpha_on_the_array_api_strict_device(strict_devices):
    device = strict_devices[1]
    x = ak.ones(3, device=device)
    x.add_(ak.ones(3, device=device), alpha=ak.tensor(2.0, device=device))
    x.sub_(ak.ones(3, device=device), alpha=ak.tensor(1.0))
    y = ak.zeros(3, device=device).index_add_(
        0, ak.tensor([0, 0], device=device), ak.ones(2, device=device), alpha=ak.tensor(2.0)
    )
    assert x.tolist() == [2.0, 2.0, 2.0] and y.tolist() == [4.0, 0.0, 0.0]
    assert x.device == device
