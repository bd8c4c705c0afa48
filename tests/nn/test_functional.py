"""ak.nn.functional against torch.nn.functional over many shapes (Hypothesis), plus the
functions that have no module of their own."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_kit as ak
from tests.nn.parity import assert_close, to_ak

F = ak.nn.functional


@st.composite
def conv_settings(draw):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    height = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 9))
    width = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 9))
    return dict(batch=draw(st.integers(1, 3)), channels=draw(st.integers(1, 3)),
                out_channels=draw(st.integers(1, 4)), size=(height, width), kernel=kernel,
                stride=stride, padding=padding, bias=draw(st.booleans()),
                seed=draw(st.integers(0, 2**16)))


@settings(max_examples=40, deadline=None)
@given(conv_settings())
def test_conv2d_matches_pytorch_for_any_shape(case):
    generator = torch.Generator().manual_seed(case["seed"])
    x = torch.randn(case["batch"], case["channels"], *case["size"], generator=generator,
                    requires_grad=True)
    weight = torch.randn(case["out_channels"], case["channels"], *case["kernel"],
                         generator=generator, requires_grad=True)
    bias = torch.randn(case["out_channels"], generator=generator, requires_grad=True) \
        if case["bias"] else None
    ax, aw = to_ak(x, True), to_ak(weight, True)
    ab = to_ak(bias, True) if bias is not None else None
    options = dict(stride=case["stride"], padding=case["padding"])
    out = torch.nn.functional.conv2d(x, weight, bias, **options)
    ak_out = F.conv2d(ax, aw, ab, **options)
    assert_close(ak_out, out, atol=1e-5)
    upstream = torch.randn(out.shape, generator=generator)
    out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad, atol=1e-5)
    assert_close(aw.grad, weight.grad, atol=1e-4)
    if bias is not None:
        assert_close(ab.grad, bias.grad, atol=1e-4)


@st.composite
def pool_settings(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    size = (draw(st.integers(kernel[0], 8)), draw(st.integers(kernel[1], 8)))
    return dict(kernel=kernel, stride=stride, padding=padding, size=size,
                seed=draw(st.integers(0, 2**16)))


@settings(max_examples=40, deadline=None)
@given(pool_settings())
def test_max_pool2d_matches_pytorch_for_any_shape(case):
    generator = torch.Generator().manual_seed(case["seed"])
    x = torch.randn(2, 2, *case["size"], generator=generator, requires_grad=True)
    ax = to_ak(x, True)
    options = dict(kernel_size=case["kernel"], stride=case["stride"], padding=case["padding"])
    out = torch.nn.functional.max_pool2d(x, **options)
    ak_out = F.max_pool2d(ax, **options)
    assert_close(ak_out, out)
    upstream = torch.randn(out.shape, generator=generator)
    out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad)


def test_one_hot_matches_pytorch():
    labels = torch.tensor([[0, 3], [2, 1]])
    assert F.one_hot(to_ak(labels)).tolist() == torch.nn.functional.one_hot(labels).tolist()
    assert F.one_hot(to_ak(labels), 5).tolist() == \
        torch.nn.functional.one_hot(labels, 5).tolist()


def test_softmax_without_dim_warns_like_pytorch():
    x = torch.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        ak_out = F.softmax(to_ak(x))
    with pytest.warns(UserWarning):
        torch_out = torch.nn.functional.softmax(x)
    assert_close(ak_out, torch_out)


def test_leaky_relu_and_dropout_functional():
    x = torch.randn(3, 4)
    assert_close(F.leaky_relu(to_ak(x), 0.1), torch.nn.functional.leaky_relu(x, 0.1))
    np.testing.assert_array_equal(F.dropout(to_ak(x), 0.5, training=False).numpy(), x.numpy())
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        F.dropout(to_ak(x), -0.1)


# ---- nn-more: normalize and pad ---------------------------------------------------------------


def _graph_names(tensor):
    """Node names from the output back to the leaves, depth first (AccumulateGrad left out)."""
    names, stack = [], [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        name = node.name().rsplit("::", 1)[-1]
        if name != "AccumulateGrad":
            names.append(name)
        stack.extend(n for n, _ in node.next_functions)
    return names


def NORMALIZE_P1(F, x):  # noqa: N802  (a constant of the table below)
    return F.normalize(x, p=1, dim=1)


@pytest.mark.parametrize("call", [
    lambda F, x: F.normalize(x),
    lambda F, x: F.normalize(x, dim=-1),
    lambda F, x: F.normalize(x, dim=0, eps=2.0),  # the eps floor is hit: ClampMin cuts grads
    lambda F, x: F.normalize(x * 0, dim=1),  # all-zero rows: divided by eps, no NaN
    NORMALIZE_P1,
    lambda F, x: F.pad(x, (1, 2)),
    lambda F, x: F.pad(x, (1, 2, 0, 3), value=-1.5),
    lambda F, x: F.pad(x, (-1, 2, 1, -2)),
    lambda F, x: F.pad(x, (1, 1, 1, 1, 1, 1)),
    lambda F, x: F.pad(x, [0, 0, 2, 0], "constant", 7.0),
    lambda F, x: F.pad(x, (3, 2), mode="reflect"),
    lambda F, x: F.pad(x, (3, -1, 2, 1), mode="reflect"),
    lambda F, x: F.pad(x, (5, 1), mode="replicate"),
    lambda F, x: F.pad(x, (1, 2, 0, 3), mode="replicate"),
    lambda F, x: F.pad(x.unsqueeze(0), (1, 1, 1, 0, 0, 1), mode="replicate"),
    lambda F, x: F.pad(x.unsqueeze(0), (1, 1, 1, 0, 0, 1), mode="reflect"),
])
def test_normalize_and_pad_match_pytorch(call):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    torch_out = call(torch.nn.functional, x)
    ak_out = call(ak.nn.functional, ax)
    assert_close(ak_out, torch_out)
    if call is not NORMALIZE_P1:  # (p != 2: ak builds the norm from abs and sum, torch fuses it)
        assert _graph_names(ak_out) == _graph_names(torch_out)
    upstream = torch.randn(torch_out.shape)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad)


def test_normalize_records_the_nodes_pytorch_records():
    x = torch.randn(2, 3, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    assert _graph_names(ak.nn.functional.normalize(ax)) == \
        _graph_names(torch.nn.functional.normalize(x)) == \
        ["DivBackward0", "ExpandBackward0", "ClampMinBackward0", "LinalgVectorNormBackward0"]


def test_pad_records_one_node_and_keeps_the_dtype():
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    torch_out = torch.nn.functional.pad(x, (1, 1))
    ak_out = ak.nn.functional.pad(to_ak(x, requires_grad=True), (1, 1))
    assert ak_out.grad_fn.name() == torch_out.grad_fn.name() == "ConstantPadNdBackward0"
    assert str(ak_out.dtype) == str(torch_out.dtype)
    integers = ak.nn.functional.pad(ak.tensor([1, 2]), (1, 0), value=3)
    assert integers.tolist() == torch.nn.functional.pad(torch.tensor([1, 2]), (1, 0), value=3).tolist()
    assert str(integers.dtype) == "torch.int64" and not integers.requires_grad
