"""Every operation against PyTorch: values, gradients, dtypes and grad_fn names.

The cases are written once as ``fn(lib, *inputs)`` and run on both libraries; Hypothesis
varies the shapes (with broadcasting) for the elementwise operations.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from parity import assert_same, run_both

import autograd_kit as ak
from autograd_kit import ops

RNG = np.random.default_rng(0)


def arr(*shape, low=-2.0, high=2.0, dtype=np.float64):
    return RNG.uniform(low, high, shape).astype(dtype)


def positive(*shape):
    return arr(*shape, low=0.5, high=2.0)


# name -> (fn, input arrays, which inputs require grad or None for "all floats")
CASES = {
    "add": (lambda L, a, b: a + b, [arr(3, 4), arr(3, 4)]),
    "add_scalar": (lambda L, a: a + 2, [arr(3)]),
    "radd": (lambda L, a: 2 + a, [arr(3)]),
    "add_alpha": (lambda L, a, b: a.add(b, alpha=3), [arr(3), arr(3)]),
    "sub": (lambda L, a, b: a - b, [arr(2, 3), arr(3)]),
    "rsub": (lambda L, a: 2 - a, [arr(3)]),
    "mul": (lambda L, a, b: a * b, [arr(2, 1, 3), arr(4, 1)]),
    "mul_scalar": (lambda L, a: a * 3, [arr(3)]),
    "div": (lambda L, a, b: a / b, [arr(3, 2), positive(2)]),
    "rdiv": (lambda L, a: 2 / a, [positive(3)]),
    "neg": (lambda L, a: -a, [arr(3)]),
    "pow_scalar": (lambda L, a: a**3, [arr(3)]),
    "pow_tensor": (lambda L, a, b: a**b, [positive(3), arr(3)]),
    "rpow": (lambda L, a: 2**a, [arr(3)]),
    "square": (lambda L, a: a.square(), [arr(3)]),
    "exp": (lambda L, a: a.exp(), [arr(3, 2)]),
    "log": (lambda L, a: a.log(), [positive(3)]),
    "sqrt": (lambda L, a: a.sqrt(), [positive(3)]),
    "abs": (lambda L, a: a.abs(), [arr(4)]),
    "sin": (lambda L, a: a.sin(), [arr(4)]),
    "cos": (lambda L, a: a.cos(), [arr(4)]),
    "tanh": (lambda L, a: a.tanh(), [arr(4)]),
    "sigmoid": (lambda L, a: a.sigmoid(), [arr(4)]),
    "relu": (lambda L, a: a.relu(), [arr(5)]),
    "clamp": (lambda L, a: a.clamp(-1, 1), [arr(6)]),
    "clamp_min": (lambda L, a: a.clamp(min=0), [arr(6)]),
    "where": (lambda L, a, b: L.where(a > 0, a, b), [arr(2, 3), arr(3)]),
    "where_scalar": (lambda L, a: L.where(a > 0, a, 0.0), [arr(5)]),
    "maximum": (lambda L, a, b: L.maximum(a, b), [arr(3), arr(3)]),
    "minimum": (lambda L, a, b: L.minimum(a, b), [arr(3), arr(3)]),
    "sum": (lambda L, a: a.sum(), [arr(3, 4)]),
    "sum_dim": (lambda L, a: a.sum(0), [arr(3, 4)]),
    "sum_dims_keepdim": (lambda L, a: a.sum((0, 2), keepdim=True), [arr(2, 3, 4)]),
    "mean": (lambda L, a: a.mean(), [arr(3, 4)]),
    "mean_dim": (lambda L, a: a.mean(-1), [arr(3, 4)]),
    "max": (lambda L, a: a.max(), [arr(3, 4)]),
    "max_dim": (lambda L, a: a.max(1).values, [arr(3, 4)]),
    "min": (lambda L, a: a.min(), [arr(3, 4)]),
    "min_dim_keepdim": (lambda L, a: a.min(0, keepdim=True)[0], [arr(3, 4)]),
    "prod": (lambda L, a: a.prod(), [arr(4)]),
    "prod_dim": (lambda L, a: a.prod(1), [arr(2, 3)]),
    "var": (lambda L, a: a.var(), [arr(3, 4)]),
    "var_dim": (lambda L, a: a.var(0), [arr(3, 4)]),
    "std": (lambda L, a: a.std(), [arr(3, 4)]),
    "std_dim": (lambda L, a: a.std(1, keepdim=True), [arr(3, 4)]),
    "softmax": (lambda L, a: a.softmax(1), [arr(3, 4)]),
    "log_softmax": (lambda L, a: a.log_softmax(-1), [arr(3, 4)]),
    "softmax_of_nothing": (lambda L, a: a[a > 9].softmax(0), [arr(3, 4)]),
    "log_softmax_of_nothing": (lambda L, a: a[:, :0].log_softmax(1), [arr(3, 4)]),
    "logsumexp": (lambda L, a: a.logsumexp(1), [arr(3, 4)]),
    "reshape": (lambda L, a: a.reshape(4, -1), [arr(3, 4)]),
    "view": (lambda L, a: a.view(12), [arr(3, 4)]),
    "view_of_transposed": (lambda L, a: a.transpose(0, 1).view(3, 2, 4), [arr(2, 3, 4)]),
    "reshape_of_slice": (lambda L, a: a[:, 1:].reshape(2, -1), [arr(2, 3, 4)]),
    "reshape_of_transposed": (lambda L, a: a.t().reshape(-1), [arr(3, 4)]),
    "contiguous": (lambda L, a: a.t().contiguous(), [arr(3, 4)]),
    "flatten": (lambda L, a: a.flatten(), [arr(2, 3, 2)]),
    "T": (lambda L, a: a.T, [arr(3, 4)]),
    "t": (lambda L, a: a.t(), [arr(3, 4)]),
    "transpose": (lambda L, a: a.transpose(0, 2), [arr(2, 3, 4)]),
    "permute": (lambda L, a: a.permute(2, 0, 1), [arr(2, 3, 4)]),
    "squeeze": (lambda L, a: a.squeeze(), [arr(1, 3, 1)]),
    "squeeze_dim": (lambda L, a: a.squeeze(0), [arr(1, 3)]),
    "unsqueeze": (lambda L, a: a.unsqueeze(1), [arr(3)]),
    "expand": (lambda L, a: a.expand(3, 4), [arr(4)]),
    "cat": (lambda L, a, b: L.cat([a, b], dim=1), [arr(2, 3), arr(2, 2)]),
    "stack": (lambda L, a, b: L.stack([a, b], dim=1), [arr(2, 3), arr(2, 3)]),
    "slice": (lambda L, a: a[1:, ::2], [arr(3, 4)]),
    "select": (lambda L, a: a[0], [arr(3, 4)]),
    "select_last_dim": (lambda L, a: a[..., 1], [arr(3, 4)]),
    "none_index": (lambda L, a: a[None], [arr(3)]),
    "mask": (lambda L, a: a[a > 0], [arr(3, 4)]),
    "int_array": (lambda L, a: a[[0, 2, 0]], [arr(3, 4)]),
    "int_array_dim1": (lambda L, a: a[:, L.tensor([0, 3])], [arr(3, 4)]),
    "gather_rows": (lambda L, a: a[L.arange(3), L.tensor([1, 0, 3])], [arr(3, 4)]),
    "mm": (lambda L, a, b: a @ b, [arr(2, 3), arr(3, 4)]),
    "mv": (lambda L, a, b: a @ b, [arr(2, 3), arr(3)]),
    "dot": (lambda L, a, b: a @ b, [arr(3), arr(3)]),
    "vec_mat": (lambda L, a, b: a @ b, [arr(3), arr(3, 4)]),
    "batched": (lambda L, a, b: a @ b, [arr(2, 2, 3), arr(3, 4)]),
    "clone": (lambda L, a: a.clone(), [arr(3)]),
    "relu_gradient_recorded": (
        lambda L, a: L.autograd.grad(a.relu().pow(2).sum(), a, create_graph=True)[0],
        [arr(2, 3)],
    ),
    "in_place_through_a_view": (lambda L, a, w: _through_a_view(a, w), [arr(2, 3), arr(2)]),
    "to_float32": (lambda L, a: a.float(), [arr(3)]),
    "norm": (lambda L, a: a.norm(), [arr(3)]),
    "amax_dim": (lambda L, a: a.amax(-1), [arr(3, 4)]),
    "amin_all": (lambda L, a: L.amin(a), [arr(3, 4)]),
    # Each column's largest value appears twice: amax gives each copy half the gradient.
    "amax_ties_share": (lambda L, a: L.cat([a, a.detach()]).amax(0, keepdim=True), [arr(2, 3)]),
    "norm_dim": (lambda L, a: a.norm(dim=1, keepdim=True), [arr(3, 4)]),
    "norm_at_zero": (lambda L, a: (a * 0).norm(dim=0), [arr(2, 3)]),
    # Equal values (exactly representable, so every algorithm gets std 0): gradient 0, not NaN.
    "std_of_equal_values": (lambda L, a: (a[:1] * 0 + 1.5).expand(3, 4).std(0), [arr(2, 4)]),
    "chain": (lambda L, a, b: ((a * b).tanh() + a.exp() / 3).mean(), [arr(3, 3), arr(3)]),
    # ---- nn-more ----
    "erf": (lambda L, a: a.erf(), [arr(3, 4)]),
    "erf_function": (lambda L, a: L.erf(a * 3), [arr(5)]),
    "erf_float32": (lambda L, a: L.erf(a.float()), [arr(2, 3)]),
    "erf_of_integers": (lambda L, a: L.erf(L.tensor([-2, 0, 1, 3])) * a, [arr(4)]),
    "clamp_min_method": (lambda L, a: a.clamp_min(0.5), [arr(6)]),
    "clamp_min_function": (lambda L, a: L.clamp_min(a, -0.5), [arr(2, 3)]),
    "gelu": (lambda L, a: L.nn.functional.gelu(a), [arr(3, 4)]),
    "gelu_tanh": (lambda L, a: L.nn.functional.gelu(a, approximate="tanh"), [arr(3, 4)]),
    "silu": (lambda L, a: L.nn.functional.silu(a), [arr(3, 4)]),
    "softplus": (lambda L, a: L.nn.functional.softplus(a * 10), [arr(3, 4)]),
    "softplus_beta": (lambda L, a: L.nn.functional.softplus(a, 3.0, 2.0), [arr(3, 4)]),
    "elu": (lambda L, a: L.nn.functional.elu(a, alpha=0.3), [arr(3, 4)]),
    "relu6": (lambda L, a: L.nn.functional.relu6(a * 4), [arr(3, 4)]),
    "hardtanh": (lambda L, a: L.nn.functional.hardtanh(a, -0.5, 1.5), [arr(3, 4)]),
    "relu6_of_integers": (
        lambda L, a: L.nn.functional.relu6(L.tensor([-3, 0, 4, 9])) * a, [arr(4)]
    ),
    "normalize": (lambda L, a: L.nn.functional.normalize(a), [arr(3, 4)]),
    "normalize_last_dim": (lambda L, a: L.nn.functional.normalize(a, dim=-1), [arr(2, 3, 4)]),
    "pad": (lambda L, a: L.nn.functional.pad(a, (1, 2, -1, 1), value=0.5), [arr(2, 3, 4)]),
    "pad_reflect": (lambda L, a: L.nn.functional.pad(a, (1, 2, 3, 0), "reflect"), [arr(2, 4, 5)]),
    "pad_replicate": (lambda L, a: L.nn.functional.pad(a, (2, 1), "replicate"), [arr(2, 3, 4)]),
    "layer_norm": (
        lambda L, a, w, b: L.nn.functional.layer_norm(a, (4,), w, b), [arr(3, 4), arr(4), arr(4)]
    ),
    "avg_pool2d": (lambda L, a: L.nn.functional.avg_pool2d(a, 2, 1, 1), [arr(1, 2, 4, 4)]),
    "adaptive_avg_pool2d": (
        lambda L, a: L.nn.functional.adaptive_avg_pool2d(a, (2, 3)), [arr(2, 5, 7)]
    ),
    "adaptive_avg_pool2d_global": (
        lambda L, a: L.nn.functional.adaptive_avg_pool2d(a, 1), [arr(2, 3, 4, 4)]
    ),
    "smooth_l1_loss": (
        lambda L, a, b: L.nn.functional.smooth_l1_loss(a, b, beta=0.5), [arr(3, 4), arr(3, 4)]
    ),
    "huber_loss": (
        lambda L, a, b: L.nn.functional.huber_loss(a, b, "sum", 0.5), [arr(3, 4), arr(3, 4)]
    ),
}


def _through_a_view(a, w):
    out = a * 1
    view = out.t()[1:]
    view.mul_(w)  # out's grad_fn becomes CopySlices; view's AsStridedBackward0
    return view * out.sum()


NN_SECTION = {
    "Addmm",
    "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits",
    "Col2Im",
    "Convolution",
    "Embedding",
    "Im2Col",
    "MaxPool2DWithIndices",
    "MseLoss",
    "NativeBatchNorm",
    "NllLoss",
    "NllLoss2D",
    # ---- nn-more ----
    "AdaptiveAvgPool2D",
    "AvgPool2D",
    "ConstantPadNd",
    "Elu",
    "EluInplace",
    "Gelu",
    "Hardtanh",
    "HuberLoss",
    "NativeLayerNorm",
    "Silu",
    "SmoothL1Loss",
    "Softplus",
    "ReflectionPad1D",
    "ReflectionPad2D",
    "ReflectionPad3D",
    "ReplicationPad1D",
    "ReplicationPad2D",
    "ReplicationPad3D",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    ours, theirs = run_both(fn, arrays)
    # Composed from simpler nodes here, one fused node in PyTorch: compare values and grads.
    names_that_differ = {"batched", "vec_mat"}
    assert_same(ours, theirs, check_name=name not in names_that_differ)


def test_every_primitive_has_a_parity_case():
    """A new row in the primitives table must get a case above (via its node name)."""
    covered = set()
    for fn, arrays in CASES.values():
        ours, _ = run_both(fn, arrays)
        stack = [ours.output.grad_fn]
        while stack:
            node = stack.pop()
            if node is None or not hasattr(node, "_forward_cls"):
                continue
            covered.add(node._forward_cls.__name__)
            stack.extend(n for n, _ in node.next_functions)
    backward_only = {"IndexPut", "Zero", "Fill", "Copy", "SetItem", "Sign", "Reciprocal"}
    # The neural-network section of the table is compared with torch.nn in tests/nn.
    neural_network_ops = {
        name
        for name, primitive in ops.PRIMITIVES.items()
        if primitive.__module__ != "autograd_kit.ops" or name in NN_SECTION
    }
    missing = set(ops.PRIMITIVES) - covered - backward_only - neural_network_ops
    assert not missing, f"primitives without a parity case: {sorted(missing)}"


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
BINARY = {
    "add": lambda L, a, b: a + b,
    "sub": lambda L, a, b: a - b,
    "mul": lambda L, a, b: a * b,
    "div": lambda L, a, b: a / (b.abs() + 0.5),
    "maximum": lambda L, a, b: L.maximum(a, b),
    "where": lambda L, a, b: L.where(a > b, a, b),
}


@settings(max_examples=25, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4),
    op=st.sampled_from(sorted(BINARY)),
    seed=st.integers(0, 2**16),
)
def test_broadcasting_gradients_match_torch(shapes, op, seed):
    rng = np.random.default_rng(seed)
    a, b = (rng.standard_normal(shape) for shape in shapes.input_shapes)
    ours, theirs = run_both(BINARY[op], [np.asarray(a), np.asarray(b)], seed=seed)
    assert_same(ours, theirs)


UNARY = {
    "tanh": lambda L, a: a.tanh(),
    "sigmoid": lambda L, a: a.sigmoid(),
    "exp": lambda L, a: a.exp(),
    "sum_last": lambda L, a: a.sum(-1),
    "mean": lambda L, a: a.mean(),
    "softmax": lambda L, a: a.softmax(-1),
    "square": lambda L, a: a**2,
}


@settings(max_examples=25, deadline=None)
@given(shape=shapes, op=st.sampled_from(sorted(UNARY)), seed=st.integers(0, 2**16))
def test_unary_gradients_match_torch_over_shapes(shape, op, seed):
    if not shape and op in {"sum_last", "softmax"}:
        shape = (1,)
    a = np.random.default_rng(seed).standard_normal(shape)
    ours, theirs = run_both(UNARY[op], [np.asarray(a)], seed=seed)
    assert_same(ours, theirs)


def test_dtype_promotion_matches_torch():
    import torch

    cases = [
        lambda L: L.ones(3, dtype=L.int64) * 2.5,
        lambda L: L.ones(3, dtype=L.int64) / L.ones(3, dtype=L.int64),
        lambda L: L.ones(3) + L.ones(3, dtype=L.float64),
        lambda L: L.ones(3) + L.tensor(2.0, dtype=L.float64),
        lambda L: L.ones(3, dtype=L.int64) + L.tensor(2.5, dtype=L.float64),
        lambda L: L.ones(3, dtype=L.int32) + L.ones(3, dtype=L.int64),
        lambda L: (L.ones(3) > 0) + 1,
        lambda L: L.ones(3, dtype=L.bool) * 1.5,
        lambda L: L.arange(4).sum(),
        lambda L: L.arange(4.0),
        L_exp := (lambda L: L.arange(3).exp()),
    ]
    del L_exp
    for case in cases:
        assert str(case(ak).dtype) == str(case(torch).dtype)
        np.testing.assert_allclose(case(ak).numpy(), case(torch).numpy())


def test_inplace_ops_record_like_torch():
    import torch

    for lib in (ak, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        w = lib.tensor([0.5, 0.5, 2.0], requires_grad=True)
        y = x * 1
        y.mul_(w)
        y.add_(1)
        y.clamp_(min=0)
        y[0] = 7.0
        y.sum().backward()
        if lib is ak:
            ours = (x.grad.numpy().copy(), w.grad.numpy().copy(), type(y.grad_fn).__name__)
        else:
            theirs = (x.grad.numpy(), w.grad.numpy(), type(y.grad_fn).__name__)
    np.testing.assert_allclose(ours[0], theirs[0])
    np.testing.assert_allclose(ours[1], theirs[1])
    assert ours[2] == theirs[2] == "CopySlices"


def test_index_with_repeats_accumulates_gradient():
    x = ak.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 1.0]


def test_max_with_dim_returns_values_and_indices():
    import torch

    data = arr(3, 4)
    ours, theirs = ak.tensor(data).max(1), torch.tensor(data).max(1)
    np.testing.assert_allclose(ours.values.numpy(), theirs.values.numpy())
    assert ours.indices.tolist() == theirs.indices.tolist()
    assert str(ours.indices.dtype) == "torch.int64"


def test_gradients_flow_back_through_dtype_promotion_like_torch():
    """A float32 leaf mixed with float64 gets its gradient, in float32, at every order."""
    import torch

    results = []
    for L in (ak, torch):
        narrow = L.tensor([[0.5], [1.5]], requires_grad=True)
        wide = L.tensor([[1.0, 2.0, 3.0]], dtype=L.float64, requires_grad=True)
        product = narrow @ narrow.t()  # a float32 node, whose gradient arrives from float64 math
        loss = ((wide + narrow) ** 2).sum() + (product * wide[:, :2]).sum()
        first = L.autograd.grad(loss, [narrow, wide], create_graph=True)
        sum(g.sum() for g in first).backward()
        results.append(
            [(str(t.dtype), t.tolist()) for t in (*first, narrow.grad, wide.grad)]
        )
    assert results[0] == results[1]


def test_max_and_min_over_nothing_fail_or_succeed_like_torch():
    import torch

    cases = [
        lambda L: L.ones(0, 3).max(0),
        lambda L: L.ones(0, 3).max(1).values,
        lambda L: L.ones(0, 3).min(0),
        lambda L: L.ones(0).max(),
        lambda L: L.ones(0, 3).amax(0),
        lambda L: L.ones(0, 3).amax(1),
        lambda L: L.ones(0, 3).amin((0, 1)),
        lambda L: L.ones(0, 3).amax(),
        lambda L: L.ones(0).argmax(),
        lambda L: L.ones(0, 3).argmax(0),
        lambda L: L.ones(0, 3).argmin(1),
        lambda L: L.ones(2, 3).argmin(keepdim=True),
    ]
    for case in cases:
        outcomes = []
        for L in (ak, torch):
            try:
                outcomes.append(tuple(case(L).shape))
            except (RuntimeError, IndexError) as error:
                outcomes.append((type(error).__name__, str(error)))
        assert outcomes[0] == outcomes[1]
