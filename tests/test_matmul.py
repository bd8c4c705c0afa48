"""matmul records PyTorch's graph for every combination of operand dimensions.

PyTorch's ``matmul`` is a composite: depending on the dimensions, on which operand requires
grad, on size-1 batches and on the operands' memory layout, it records a dot, an mv, an mm
(perhaps folding a batch into rows, perhaps transposed) or a broadcast bmm, with the views
around them. Hypothesis draws operands of 1 to 4 dimensions with broadcastable batches, in
several layouts, and the node chain, values, strides and gradients must equal PyTorch's.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_kit as ak


def chain(tensor):
    """The node names of tensor's graph, depth first (the order PyTorch's names list in)."""
    names, stack, seen = [], [tensor.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__ if not hasattr(node, "name") else node.name())
        stack.extend(child for child, _ in reversed(node.next_functions))
    return [name.replace("torch::autograd::", "") for name in names]


# How an operand is laid out: as made, transposed (its last two dimensions), its batch
# dimensions reversed, or every other row of a taller tensor.
LAYOUTS = ("contiguous", "transposed", "permuted", "sliced")


def operand(lib, values, layout, requires_grad):
    """(leaf, operand): the operand has ``values`` in ``layout``, made from the leaf.

    Leaves are made from fresh row-by-row copies: torch.tensor keeps a NumPy array's strides
    for size-1 dimensions, ak.tensor does not, and matmul's choice of path reads strides.
    """
    if layout == "transposed" and values.ndim >= 2:
        leaf = lib.tensor(np.swapaxes(values, -1, -2).copy(), requires_grad=requires_grad)
        return leaf, leaf.transpose(-1, -2)
    if layout == "permuted" and values.ndim >= 4:
        order = (1, 0, *range(2, values.ndim))
        leaf = lib.tensor(np.transpose(values, order).copy(), requires_grad=requires_grad)
        return leaf, leaf.permute(*order)
    if layout == "sliced":
        taller = np.repeat(values, 2, axis=0)
        leaf = lib.tensor(taller, requires_grad=requires_grad)
        return leaf, leaf[::2]
    leaf = lib.tensor(values.copy(), requires_grad=requires_grad)
    return leaf, leaf


def compare(left_values, right_values, layouts, requires, seed=0):
    """Run left @ right on ak and torch; assert same graph, values, strides and grads."""
    sides = []
    for lib in (ak, torch):
        (leaf_a, a), (leaf_b, b) = (
            operand(lib, values, layout, flag)
            for values, layout, flag in zip((left_values, right_values), layouts, requires)
        )
        out = a @ b
        grads = []
        if out.requires_grad:
            upstream = np.random.default_rng(seed).standard_normal(tuple(out.shape))
            out.backward(lib.tensor(upstream))
            grads = [leaf_a.grad, leaf_b.grad]
        sides.append((out, chain(out), grads))
    (ours, our_chain, our_grads), (theirs, their_chain, their_grads) = sides
    assert our_chain == their_chain
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.stride() == theirs.stride()
    np.testing.assert_allclose(
        ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12
    )
    for mine, reference in zip(our_grads, their_grads):
        if reference is None:
            assert mine is None
        else:
            np.testing.assert_allclose(mine.numpy(), reference.numpy(), rtol=1e-10, atol=1e-12)


@st.composite
def matmul_operands(draw):
    """Two float64 arrays that matmul accepts: 1-4 dimensions each, broadcastable batches
    (sizes 1 and 2 mixed, so size-1 batches broadcast against larger ones)."""
    left_ndim, right_ndim = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    n, m, p = (draw(st.integers(1, 4)) for _ in range(3))
    batch = [draw(st.sampled_from([1, 2, 3])) for _ in range(2)]

    def batch_of(ndim):
        sizes = batch[len(batch) - max(ndim - 2, 0) :]
        return [size if draw(st.booleans()) else 1 for size in sizes]

    left_shape = [m] if left_ndim == 1 else [*batch_of(left_ndim), n, m]
    right_shape = [m] if right_ndim == 1 else [*batch_of(right_ndim), m, p]
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    return rng.standard_normal(left_shape), rng.standard_normal(right_shape)


@settings(max_examples=400, deadline=None)
@given(
    operands=matmul_operands(),
    layouts=st.tuples(st.sampled_from(LAYOUTS), st.sampled_from(LAYOUTS)),
    requires=st.tuples(st.booleans(), st.booleans()),
)
def test_matmul_records_torchs_graph(operands, layouts, requires):
    compare(*operands, layouts, requires)


@pytest.mark.parametrize(
    "left, right",
    [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 4)),
        ((2, 3), (3, 4)),
        ((5, 2, 3), (3,)),
        ((5, 2, 3), (3, 4)),
        ((3,), (5, 3, 4)),
        ((2, 3), (5, 3, 4)),
        ((5, 2, 3), (5, 3, 4)),
        ((1, 2, 3), (5, 3, 4)),
        ((5, 2, 3), (1, 3, 4)),
        ((6, 1, 2, 3), (5, 3, 4)),
        ((4, 5, 2, 3), (5, 3, 2)),
        ((3,), (4, 5, 3, 2)),
    ],
)
@pytest.mark.parametrize("requires", [(True, False), (False, True), (True, True)])
def test_each_matmul_path_records_torchs_graph(left, right, requires):
    rng = np.random.default_rng(0)
    compare(rng.standard_normal(left), rng.standard_normal(right), ("contiguous",) * 2, requires)


def test_vector_at_matrix_ends_with_an_inplace_squeeze():
    x = ak.ones(3, requires_grad=True)
    out = x @ ak.ones(3, 4)
    assert chain(out) == ["SqueezeBackward4", "MmBackward0", "UnsqueezeBackward0", "AccumulateGrad"]


@pytest.mark.parametrize(
    "method, args, name, shape",
    [
        ("squeeze_", (), "SqueezeBackward3", (3,)),
        ("squeeze_", (0,), "SqueezeBackward4", (3, 1)),
        ("squeeze_", (-2,), "SqueezeBackward4", (1, 3, 1)),
        ("unsqueeze_", (1,), "UnsqueezeBackward1", (1, 1, 3, 1)),
        ("unsqueeze_", (-1,), "UnsqueezeBackward1", (1, 3, 1, 1)),
    ],
)
def test_inplace_squeeze_and_unsqueeze_match_torch(method, args, name, shape):
    values = np.arange(3.0).reshape(1, 3, 1)
    results = []
    for lib in (ak, torch):
        leaf = lib.tensor(values, requires_grad=True)
        out = leaf * 2
        version = out._version
        returned = getattr(out, method)(*args)
        assert returned is out
        assert out._version == version + 1
        (out * out).sum().backward()
        results.append(
            (type(out.grad_fn).__name__, tuple(out.shape), out.stride(), leaf.grad.numpy())
        )
    assert results[0][:3] == results[1][:3] == (name, shape, results[1][2])
    np.testing.assert_allclose(results[0][3], results[1][3])


@pytest.mark.parametrize("method, args", [("squeeze_", (0,)), ("unsqueeze_", (0,))])
def test_inplace_squeeze_on_a_leaf_that_requires_grad_is_refused(method, args):
    for lib in (ak, torch):
        leaf = lib.ones(1, 3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            getattr(leaf, method)(*args)
        with lib.no_grad():
            getattr(leaf, method)(*args)
        assert leaf.grad_fn is None


@pytest.mark.parametrize(
    "left, right",
    [((3,), (2, 3, 4)), ((2, 3), (2, 3, 4)), ((2, 2, 3), (3,)), ((1, 2, 3), (2, 3, 2))],
)
def test_composite_paths_pass_gradcheck_and_gradgradcheck(left, right):
    rng = np.random.default_rng(1)
    inputs = tuple(
        ak.tensor(rng.standard_normal(shape), requires_grad=True) for shape in (left, right)
    )
    assert ak.autograd.gradcheck(lambda a, b: a @ b, inputs)
    assert ak.autograd.gradgradcheck(lambda a, b: a @ b, inputs)
