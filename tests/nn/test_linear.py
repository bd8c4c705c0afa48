"""Linear: values, gradients, graph nodes, initialisation and shape errors vs PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, assert_same_params, copy_weights, node_name, to_ak


@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_forward_backward_match_pytorch(shape, bias):
    torch.manual_seed(0)
    torch_layer = torch.nn.Linear(3, 2, bias=bias)
    ak_layer = ak.nn.Linear(3, 2, bias=bias)
    copy_weights(torch_layer, ak_layer)
    x = torch.randn(*shape, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    torch_out, ak_out = torch_layer(x), ak_layer(ax)
    assert_close(ak_out, torch_out)
    if len(shape) == 2:  # (PyTorch's other shapes go through internal view nodes)
        assert ak_out.grad_fn.name() == torch_out.grad_fn.name()
    upstream = torch.randn(torch_out.shape)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad)
    assert_same_params(ak_layer, torch_layer)


def test_graph_is_addmm_fed_by_transposed_weight():
    layer = ak.nn.Linear(3, 2)
    out = layer(ak.randn(4, 3, requires_grad=True))
    torch_layer = torch.nn.Linear(3, 2)
    torch_out = torch_layer(torch.randn(4, 3, requires_grad=True))

    def names(node):
        return [node_name(n) for n, _ in node.next_functions]

    assert names(out.grad_fn) == names(torch_out.grad_fn)
    ak_t = out.grad_fn.next_functions[2][0]
    torch_t = torch_out.grad_fn.next_functions[2][0]
    assert names(ak_t) == names(torch_t)
    assert ak_t.next_functions[0][0].variable is layer.weight


def test_default_init_is_uniform_with_bound_one_over_sqrt_fan_in():
    ak.manual_seed(0)
    layer = ak.nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    weight = layer.weight.detach().numpy()
    assert weight.min() >= -bound and weight.max() <= bound
    # U(-b, b) has standard deviation b / sqrt(3).
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert np.abs(layer.bias.detach().numpy()).max() <= bound
    ak.manual_seed(0)
    again = ak.nn.Linear(400, 300)
    np.testing.assert_array_equal(again.weight.detach().numpy(), weight)


def test_repr_and_parameters_require_grad():
    assert repr(ak.nn.Linear(3, 2, bias=False)) == repr(torch.nn.Linear(3, 2, bias=False))
    layer = ak.nn.Linear(3, 2)
    assert all(p.requires_grad and p.is_leaf for p in layer.parameters())
    assert layer.weight.shape == ak.Size([2, 3])


@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 4)])
def test_wrong_input_shape_message_matches_pytorch(shape):
    torch_layer, ak_layer = torch.nn.Linear(3, 2), ak.nn.Linear(3, 2)
    with pytest.raises(RuntimeError) as expected:
        torch_layer(torch.zeros(*shape))
    with pytest.raises(RuntimeError) as actual:
        ak_layer(ak.zeros(*shape))
    assert str(actual.value).splitlines()[0] == str(expected.value)
