"""Every operation against PyTorch: values, gradients, dtypes and grad_fn names.

The cases are written once as ``fn(lib, *inputs)`` and run on both libraries; Hypothesis
varies the shapes (with broadcasting) for the elementwise operations.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
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


def distinct(*shape):
    """A permutation of well separated values: sorting and ranking have no ties."""
    values = np.arange(int(np.prod(shape)), dtype=np.float64) * 0.37 - 1.0
    return RNG.permutation(values).reshape(shape)


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
    "relu_long_rows": (lambda L, a: a.relu(), [arr(64, 128)]),  # (compared with a row of zeros)
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
    "logsumexp_of_nothing": (lambda L, a: a[:, :0].logsumexp(-1), [arr(3, 4)]),
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
    "alias": (lambda L, a: a[...] * a[:, :], [arr(3, 4)]),
    "none_index": (lambda L, a: a[None], [arr(3)]),
    "mask": (lambda L, a: a[a > 0], [arr(3, 4)]),
    "int_array": (lambda L, a: a[[0, 2, 0]], [arr(3, 4)]),
    "int_array_dim1": (lambda L, a: a[:, L.tensor([0, 3])], [arr(3, 4)]),
    "gather_rows": (lambda L, a: a[L.arange(3), L.tensor([1, 0, 3])], [arr(3, 4)]),
    "gather_rows_negative_and_repeated": (  # repeated positions add up in the gradient
        lambda L, a: a[L.tensor([0, 2, -1, 0]), L.tensor([1, -4, 3, 1])] * L.arange(1.0, 5.0),
        [arr(3, 4)],
    ),
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
    # ---- shape-index ----
    "flip": (lambda L, a: a.flip(0, -1), [arr(2, 3, 4)]),
    "flip_fn": (lambda L, a: L.flip(a, (1,)), [arr(2, 3)]),
    "roll": (lambda L, a: a.roll(1), [arr(2, 3)]),
    "roll_dims": (lambda L, a: L.roll(a, (1, -2), (0, 2)), [arr(2, 3, 4)]),
    "repeat": (lambda L, a: a.repeat(2, 1, 3), [arr(3, 2)]),
    "repeat0": (lambda L, a: a.repeat(2, 0), [arr(3, 2)]),
    "tile": (lambda L, a: a.tile(2), [arr(3, 2)]),
    "tile_fn": (lambda L, a: L.tile(a, (2, 1, 1)), [arr(3, 2)]),
    "movedim": (lambda L, a: a.movedim(0, -1), [arr(2, 3, 4)]),
    "movedim2": (lambda L, a: L.movedim(a, (0, 1), (2, 0)), [arr(2, 3, 4)]),
    "moveaxis": (lambda L, a: L.moveaxis(a, 1, 0), [arr(2, 3, 4)]),
    "swapaxes": (lambda L, a: a.swapaxes(0, 2), [arr(2, 3, 4)]),
    "swapdims": (lambda L, a: L.swapdims(a, -1, 0), [arr(2, 3, 4)]),
    "unflatten": (lambda L, a: a.unflatten(1, (2, -1)), [arr(2, 6)]),
    "unflatten_t": (lambda L, a: L.unflatten(a.t(), 0, (3, 2)), [arr(4, 6)]),
    "broadcast_to": (lambda L, a: a.broadcast_to((2, 3, 4)), [arr(3, 1)]),
    "broadcast_to_same": (lambda L, a: L.broadcast_to(a, (3, 1)), [arr(3, 1)]),
    "broadcast_tensors": (
        lambda L, a, b: L.broadcast_tensors(a, b)[0] * L.broadcast_tensors(a, b)[1],
        [arr(3, 1), arr(4)],
    ),
    "broadcast_tensors_first": (lambda L, a, b: L.broadcast_tensors(a, b)[0], [arr(3, 1), arr(4)]),
    "hstack": (lambda L, a, b: L.hstack([a, b]), [arr(3), arr(2)]),
    "hstack_mixed_dtypes": (
        lambda L, a, b: L.hstack([a.detach().long(), b.float()]),
        [arr(3), arr(2)],
    ),
    "hstack2": (lambda L, a, b: L.hstack([a, b]), [arr(3, 1), arr(3, 2)]),
    "vstack": (lambda L, a, b: L.vstack([a, b]), [arr(3), arr(2, 3)]),
    "column_stack": (lambda L, a, b: L.column_stack([a, b]), [arr(3), arr(3, 2)]),
    "gather": (lambda L, a: a.gather(1, L.tensor([[0, 0], [3, 1], [2, 2]])), [arr(3, 4)]),
    "gather0": (lambda L, a: L.gather(a, 0, L.tensor([[0, 2, 1, 0]])), [arr(3, 4)]),
    "gather_neg": (lambda L, a: a.gather(-1, L.tensor([[[1], [0]]])), [arr(1, 2, 3)]),
    "scatter": (
        lambda L, a, b: a.scatter(1, L.tensor([[0, 3], [1, 2]]), b),
        [arr(3, 4), arr(2, 2)],
    ),
    "scatter_big_src": (
        lambda L, a, b: a.scatter(0, L.tensor([[2, 0, 1, 1]]), b),
        [arr(3, 4), arr(1, 4)],
    ),
    "scatter_value": (lambda L, a: a.scatter(1, L.tensor([[0, 3], [1, 2]]), 2.5), [arr(3, 4)]),
    "scatter_value_fn": (
        lambda L, a: L.scatter(a, 0, L.tensor([[0], [2]]), value=-1.0),
        [arr(3, 4)],
    ),
    "scatter_add": (
        lambda L, a, b: a.scatter_add(1, L.tensor([[0, 0], [1, 3]]), b),
        [arr(3, 4), arr(2, 2)],
    ),
    "scatter_add_fn": (
        lambda L, a, b: L.scatter_add(a, 0, L.tensor([[0, 0, 2, 2], [0, 1, 1, 1]]), b),
        [arr(3, 4), arr(2, 4)],
    ),
    "index_select": (lambda L, a: a.index_select(1, L.tensor([0, 3, 0])), [arr(3, 4)]),
    "index_select0": (lambda L, a: L.index_select(a, 0, L.tensor(2)), [arr(3, 4)]),
    "index_add": (lambda L, a, b: a.index_add(1, L.tensor([0, 3, 0]), b), [arr(3, 4), arr(3, 3)]),
    "index_add_alpha": (
        lambda L, a, b: L.index_add(a, 0, L.tensor([2, 2]), b, alpha=-2.0),
        [arr(3, 4), arr(2, 4)],
    ),
    "masked_select": (lambda L, a: a.masked_select(a > 0), [arr(3, 4)]),
    "masked_select_bc": (lambda L, a, m: L.masked_select(a, m > 0), [arr(4), arr(3, 1)]),
    "take": (lambda L, a: a.take(L.tensor([[0, 11], [-1, 5]])), [arr(3, 4)]),
    "take_fn": (lambda L, a: L.take(a.t(), L.tensor([1, 1, 2])), [arr(3, 4)]),
    "diagonal": (lambda L, a: a.diagonal(), [arr(3, 4)]),
    "diagonal_off": (lambda L, a: L.diagonal(a, 1, 2, 0), [arr(2, 3, 4)]),
    "diagonal_neg": (lambda L, a: a.diagonal(offset=-1, dim1=-1, dim2=-2), [arr(2, 3, 4)]),
    "diagonal_empty": (lambda L, a: a.diagonal(5), [arr(3, 4)]),
    "diag_vec": (lambda L, a: L.diag(a), [arr(3)]),
    "diag_vec_off": (lambda L, a: a.diag(-2), [arr(3)]),
    "diag_mat": (lambda L, a: L.diag(a, 1), [arr(3, 4)]),
    "tril": (lambda L, a: a.tril(), [arr(3, 4)]),
    "tril_fn": (lambda L, a: L.tril(a, -1), [arr(2, 3, 4)]),
    "triu": (lambda L, a: L.triu(a, 1), [arr(3, 4)]),
    "trace": (lambda L, a: a.trace(), [arr(3, 4)]),
    "trace_fn": (lambda L, a: L.trace(a), [arr(3, 3)]),
    "outer": (lambda L, a, b: L.outer(a, b), [arr(3), arr(2)]),
    "outer_m": (lambda L, a, b: a.outer(b), [arr(3), arr(2)]),
    # Their gradients, recorded (create_graph), are the nodes PyTorch records for them.
    "gather_gradient_recorded": (
        lambda L, a: _recorded_gradient(L, a, a.gather(0, L.tensor([[1, 0, 1]]))),
        [arr(2, 3)],
    ),
    "index_select_gradient_recorded": (
        lambda L, a: _recorded_gradient(L, a, a.index_select(1, L.tensor([2, 2]))),
        [arr(2, 3)],
    ),
    "scatter_gradient_recorded": (
        lambda L, a: _recorded_gradient(L, a, a.scatter(1, L.tensor([[0], [2]]), 1.0)),
        [arr(2, 3)],
    ),
    "repeat_gradient_recorded": (
        lambda L, a: _recorded_gradient(L, a, a.repeat(2, 3)),
        [arr(2, 3)],
    ),
    # ---- scans-linalg ----
    "cumsum": (lambda L, a: a.cumsum(1), [arr(3, 4)]),
    "cumsum_negative_dim": (lambda L, a: L.cumsum(a, dim=-3), [arr(2, 3, 4)]),
    "cumsum_of_a_number": (lambda L, a: a.cumsum(0), [np.array(2.5)]),
    "cumsum_to_float64": (lambda L, a: a.float().cumsum(0, dtype=L.float64), [arr(4)]),
    "cumprod": (lambda L, a: a.cumprod(1), [arr(3, 4)]),
    "cumprod_with_zeros": (
        lambda L, a: L.cumprod(a, 1),
        [np.array([[2.0, 0.0, 3.0, 0.0, 5.0], [1.0, 2.0, 3.0, 0.0, 2.0], [1.0, 2.0, 3.0, 4.0, 5.0]])],
    ),
    "cumprod_with_zeros_dim0": (lambda L, a: a.cumprod(0), [np.array([[2.0, 0.0], [0.0, 3.0], [4.0, 5.0]])]),
    # The second derivative through a zero (the graphs differ; the final * 1 names both alike).
    "cumprod_with_a_zero_gradient_recorded": (
        lambda L, a: L.autograd.grad(a.cumprod(0).sum(), a, create_graph=True)[0] * 1,
        [np.array([2.0, 0.0, 3.0, 0.5])],
    ),
    "sort": (lambda L, a: a.sort(1).values, [distinct(3, 4)]),
    "sort_descending_dim0": (lambda L, a: a.sort(0, descending=True)[0], [distinct(3, 4)]),
    "sort_stable": (lambda L, a: L.sort(a, stable=True).values, [distinct(3, 4)]),
    "topk": (lambda L, a: a.topk(2).values, [distinct(3, 4)]),
    "topk_smallest_dim0": (lambda L, a: L.topk(a, 3, dim=0, largest=False).values, [distinct(3, 4)]),
    "kthvalue": (lambda L, a: a.kthvalue(2).values, [distinct(3, 4)]),
    "kthvalue_keepdim": (lambda L, a: L.kthvalue(a, 3, 0, keepdim=True).values, [distinct(3, 4)]),
    "median": (lambda L, a: a.median(), [distinct(3, 4)]),
    "median_even_count": (lambda L, a: L.median(a), [distinct(2, 2)]),
    # The middle value appears twice: both copies share the gradient, as for max().
    "median_ties_share": (lambda L, a: L.cat([a, a]).median(), [distinct(3)]),
    "median_dim": (lambda L, a: a.median(1).values, [distinct(3, 4)]),
    "median_dim_keepdim": (lambda L, a: L.median(a, -2, keepdim=True)[0], [distinct(3, 4)]),
    # einsum's graph differs from PyTorch's (see EINSUM below); a final sum names both alike.
    "einsum_summed": (lambda L, a, b: L.einsum("ij,jk->ik", a, b).sum(1), [arr(2, 3), arr(3, 4)]),
    "vector_norm": (lambda L, a: L.linalg.vector_norm(a), [arr(3, 4)]),
    "vector_norm_ord_dims": (lambda L, a: L.linalg.vector_norm(a, 3, dim=(0, 2)), [arr(2, 3, 4)]),
    "vector_norm_ord_half": (lambda L, a: L.linalg.vector_norm(a, 0.5, -1, keepdim=True), [arr(3, 4)]),
    "vector_norm_ord_1": (lambda L, a: L.linalg.vector_norm(a, ord=1, dim=0), [arr(3, 4)]),
    "vector_norm_ord_0": (lambda L, a: L.linalg.vector_norm(a, 0), [arr(3, 4)]),  # no gradient
    "vector_norm_ord_negative": (lambda L, a: L.linalg.vector_norm(a, -1.5), [arr(3, 4)]),
    "vector_norm_inf": (lambda L, a: L.linalg.vector_norm(a, float("inf"), 1), [arr(3, 4)]),
    "vector_norm_minus_inf": (lambda L, a: L.linalg.vector_norm(a, -float("inf")), [arr(3, 4)]),
    # |x| reaches the max twice (x and -x): the two share the gradient.
    "vector_norm_inf_ties_share": (
        lambda L, a: L.linalg.vector_norm(L.cat([a, -a.detach()]), float("inf"), 0),
        [arr(2, 3)],
    ),
    # Zeros in x: the gradient there is 0 for every ord (no 0 ** negative is formed).
    "vector_norm_with_zeros": (
        lambda L, a: L.linalg.vector_norm(a * L.tensor([0.0, 1.0, 0.0]), 1.5),
        [arr(3)],
    ),
    "vector_norm_with_zeros_ord_half": (
        lambda L, a: L.linalg.vector_norm(a * L.tensor([0.0, 1.0, 0.0]), 0.5),
        [arr(3)],
    ),
    "vector_norm_of_zeros_ord_3": (lambda L, a: L.linalg.vector_norm(a * 0, 3), [arr(3)]),
    "vector_norm_to_float64": (lambda L, a: L.linalg.vector_norm(a.float(), dtype=L.float64), [arr(3)]),
    "vector_norm_of_a_number": (lambda L, a: L.linalg.vector_norm(a, 3), [np.array(-2.0)]),
    "norm_p_dim": (lambda L, a: a.norm(3, 1), [arr(3, 4)]),
    "norm_p_1": (lambda L, a: L.norm(a, 1), [arr(3, 4)]),
    "norm_p_inf": (lambda L, a: a.norm(float("inf"), dim=0, keepdim=True), [arr(3, 4)]),
    "norm_fro_dim": (lambda L, a: a.norm("fro", dim=1), [arr(3, 4)]),
    "norm_fro_dims": (lambda L, a: L.norm(a, dim=(0, 1)), [arr(3, 4)]),
    "matrix_norm": (lambda L, a: L.linalg.matrix_norm(a), [arr(3, 4)]),
    "matrix_norm_1": (lambda L, a: L.linalg.matrix_norm(a, 1), [arr(3, 4)]),
    "matrix_norm_minus_1_keepdim": (
        lambda L, a: L.linalg.matrix_norm(a, -1, keepdim=True),
        [arr(2, 3, 4)],
    ),
    "matrix_norm_inf_dims": (lambda L, a: L.linalg.matrix_norm(a, float("inf"), dim=(2, 0)), [arr(2, 3, 4)]),
    "matrix_norm_minus_inf_dims_keepdim": (
        lambda L, a: L.linalg.matrix_norm(a, -float("inf"), dim=(-1, 0), keepdim=True),
        [arr(2, 3, 4)],
    ),
    "linalg_norm": (lambda L, a: L.linalg.norm(a), [arr(3, 4, 2)]),
    "linalg_norm_vector_ord": (lambda L, a: L.linalg.norm(a, 3), [arr(3)]),
    "linalg_norm_matrix_ord": (lambda L, a: L.linalg.norm(a, float("inf")), [arr(3, 4)]),
    "linalg_norm_dim": (lambda L, a: L.linalg.norm(a, 0.5, -1), [arr(3, 4)]),
    "linalg_norm_two_dims": (lambda L, a: L.linalg.norm(a, 1, dim=(0, 1)), [arr(3, 4, 2)]),
    "linalg_norm_fro": (lambda L, a: L.linalg.norm(a, "fro"), [arr(3, 4)]),
    "dist": (lambda L, a, b: a.dist(b), [arr(3, 4), arr(4)]),
    "dist_p": (lambda L, a, b: L.dist(a, b, 3), [arr(3, 4), arr(3, 4)]),
    "dist_p_1": (lambda L, a, b: L.dist(a, b, p=1), [arr(3, 4), arr(3, 1)]),
    "dist_inf": (lambda L, a, b: a.dist(b, float("inf")), [arr(2, 3), arr(2, 3)]),
    "dist_to_itself": (lambda L, a: a.dist(a.detach()), [arr(3)]),
    "dist_float32_to_float64": (lambda L, a, b: a.float().dist(b), [arr(3), arr(3)]),
    "cdist": (lambda L, a, b: L.cdist(a, b), [arr(3, 4), arr(5, 4)]),
    "cdist_p": (lambda L, a, b: L.cdist(a, b, 3), [arr(3, 4), arr(5, 4)]),
    "cdist_p_half": (lambda L, a, b: L.cdist(a, b, 0.5), [arr(3, 4), arr(5, 4)]),
    "cdist_p_1": (lambda L, a, b: L.cdist(a, b, p=1), [arr(3, 4), arr(5, 4)]),
    "cdist_p_0": (lambda L, a, b: L.cdist(a, b, p=0), [arr(3, 4), arr(5, 4)]),
    "cdist_inf_batched": (lambda L, a, b: L.cdist(a, b, float("inf")), [arr(2, 3, 4), arr(1, 5, 4)]),
    "cdist_to_itself": (lambda L, a: L.cdist(a, a), [arr(3, 2)]),
    # x1[0] is 2 away from x2[0] in both coordinates: with p = inf each gets all of grad.
    "cdist_inf_ties": (
        lambda L, a, b: L.cdist(a, b, float("inf")),
        [np.array([[0.0, 0.0], [1.0, 1.0], [3.0, -1.0]]), np.array([[2.0, 2.0], [0.0, 0.5]])],
    ),
    # ---- elementwise ----
    "log1p": (lambda L, a: a.log1p(), [positive(3)]),
    "expm1": (lambda L, a: L.expm1(a), [arr(3)]),
    "log2": (lambda L, a: a.log2(), [positive(3)]),
    "log10": (lambda L, a: L.log10(a), [positive(3)]),
    "exp2": (lambda L, a: a.exp2(), [arr(2, 3)]),
    "tan": (lambda L, a: a.tan(), [arr(4, low=-1.2, high=1.2)]),
    "asin": (lambda L, a: a.asin(), [arr(4, low=-0.9, high=0.9)]),
    "acos": (lambda L, a: L.acos(a), [arr(4, low=-0.9, high=0.9)]),
    "atan": (lambda L, a: a.atan(), [arr(4)]),
    "sinh": (lambda L, a: a.sinh(), [arr(4)]),
    "cosh": (lambda L, a: L.cosh(a), [arr(4)]),
    "exp2_of_integers": (lambda L, a: a.exp2(), [np.array([1, -2, 3])]),
    "asin_of_integers": (lambda L, a: L.asin(a), [np.array([1, 0, -1])]),
    "log1p_float32": (lambda L, a: a.log1p(), [positive(3).astype(np.float32)]),
    "floor": (lambda L, a: a.floor(), [arr(5)]),
    "ceil": (lambda L, a: L.ceil(a), [arr(5)]),
    "trunc": (lambda L, a: a.trunc(), [arr(5)]),
    "round": (lambda L, a: a.round(), [np.array([0.5, 1.5, 2.5, -0.5, -1.7, 0.2])]),
    "round_decimals": (lambda L, a: L.round(a, decimals=1), [np.array([1.26, -2.35, 0.04])]),
    "round_decimals_zero": (lambda L, a: a.round(decimals=0), [np.array([1.26, -2.5, 3.5])]),
    "round_negative_decimals": (lambda L, a: a.round(decimals=-1), [np.array([125.0, -136.0])]),
    "frac": (lambda L, a: a.frac(), [arr(5)]),
    "floor_of_integers": (lambda L, a: a.floor(), [np.array([1, -2, 3])]),
    "round_of_integers": (lambda L, a: L.round(a), [np.array([1, -2, 3])]),
    "floor_gradient_recorded": (
        lambda L, a: L.autograd.grad(a.floor().sum(), a, create_graph=True)[0],
        [arr(3)],
    ),
    "atan2": (lambda L, a, b: L.atan2(a, b), [arr(2, 3), arr(3)]),
    "atan2_method": (lambda L, a, b: a.atan2(b), [arr(3, 1), arr(4)]),
    "atan2_of_integers": (lambda L, a, b: L.atan2(a, b), [np.array([1, -2]), np.array([3, 4])]),
    "atan2_int_and_float": (lambda L, a, b: a.atan2(b), [arr(3), np.array([1, -2, 3])]),
    "hypot": (lambda L, a, b: L.hypot(a, b), [arr(2, 3), arr(2, 1)]),
    "hypot_mixed_dtypes": (lambda L, a, b: a.hypot(b), [arr(3).astype(np.float32), arr(3)]),
    "logaddexp": (lambda L, a, b: L.logaddexp(a, b), [arr(3), arr(2, 3)]),
    "fmod": (lambda L, a, b: L.fmod(a, b), [arr(2, 3), np.array([0.7, -1.3, 1.1])]),
    "fmod_number": (lambda L, a: a.fmod(1.5), [arr(5)]),
    "fmod_of_integers": (lambda L, a: a.fmod(3), [np.array([5, -7, 3])]),
    "fmod_integers_by_float": (lambda L, a: L.fmod(a, 2.5), [np.array([5, -7, 3])]),
    "remainder": (lambda L, a, b: a.remainder(b), [arr(2, 3), np.array([0.7, -1.3, 1.1])]),
    "remainder_number": (lambda L, a: L.remainder(a, -1.5), [arr(5)]),
    "mod_operator": (lambda L, a, b: a % b, [arr(3), np.array([0.7, -1.3, 1.1])]),
    "mod_operator_number": (lambda L, a: a % 2, [arr(4)]),
    "mod_of_integers": (lambda L, a, b: a % b, [np.array([5, -7, 3]), np.array([2, 3, -2])]),
    "rmod_of_integers": (lambda L, a: 7 % a, [np.array([2, -3, 5])]),
    "rmod": (lambda L, a: (5.5 % a).detach(), [np.array([2.0, -0.7, 1.3])]),
    "floor_divide_of_integers": (lambda L, a, b: a // b, [np.array([5, -7, 3]), np.array([2, 3, -2])]),
    "floor_divide_integers_by_float": (lambda L, a: L.floor_divide(a, 2.0), [np.array([5, -7])]),
    "floor_divide_of_bools_by_number": (lambda L, a: (a > 0) // 2, [np.array([1, -7])]),
    "floor_divide": (lambda L, a, b: (a // b).detach(), [arr(2, 3), np.array([0.7, -1.3, 1.1])]),
    "rfloordiv": (lambda L, a: (5 // a).detach(), [np.array([2.0, -0.7, 1.3])]),
    "lerp": (lambda L, a, b: a.lerp(b, 0.3), [arr(2, 3), arr(3)]),
    "lerp_weight_tensor": (lambda L, a, b, w: L.lerp(a, b, w), [arr(3), arr(2, 3), arr(2, 1)]),
    "lerp_zero_dim_weight": (lambda L, a, b, w: a.lerp(b, w), [arr(3), arr(3), np.array(0.25)]),
    "addcmul": (lambda L, a, b, c: a.addcmul(b, c, value=0.5), [arr(2, 3), arr(3), arr(2, 1)]),
    "addcmul_function": (lambda L, a, b, c: L.addcmul(a, b, c), [arr(3), arr(3), arr(3)]),
    "addcmul_of_integers": (
        lambda L, a, b, c: L.addcmul(a, b, c, value=2),
        [np.array([1, 2]), np.array([3, 4]), np.array([5, 6])],
    ),
    "addcmul_of_integers_float_value": (
        lambda L, a, b, c: L.addcmul(a, b, c, value=1.7),
        [np.array([1, 2]), np.array([3, 4]), np.array([5, 6])],
    ),
    "addcdiv": (lambda L, a, b, c: a.addcdiv(b, c, value=-2), [arr(2, 3), arr(3), positive(2, 1)]),
    "addcmul_in_place": (lambda L, a, b, c: (a * 1).addcmul_(b, c, value=2), [arr(3), arr(3), arr(3)]),
    "addcdiv_in_place": (lambda L, a, b, c: (a * 1).addcdiv_(b, c), [arr(2, 3), arr(3), positive(3)]),
    "nan_to_num": (lambda L, a: with_specials(L, a).nan_to_num(), [arr(4)]),
    "nan_to_num_settings": (
        lambda L, a: L.nan_to_num(with_specials(L, a), nan=1.0, posinf=2.0, neginf=-3.0) * a,
        [arr(4)],
    ),
    "nan_to_num_float32": (lambda L, a: with_specials(L, a).nan_to_num(), [arr(4, dtype=np.float32)]),
    "nan_to_num_of_integers": (lambda L, a: a.nan_to_num(), [np.array([1, -2])]),
    "isinf": (lambda L, a: with_specials(L, a).isinf(), [arr(4)]),
    "isposinf": (lambda L, a: L.isposinf(with_specials(L, a)), [arr(4)]),
    "isneginf": (lambda L, a: with_specials(L, a).isneginf(), [arr(4)]),
    "isinf_of_integers": (lambda L, a: L.isinf(a), [np.array([1, -2])]),
    "isneginf_of_integers": (lambda L, a: a.isneginf(), [np.array([1, -2])]),
    "signbit": (lambda L, a: (a * 0).signbit(), [np.array([0.0, 1.5, -2.0])]),  # -0.0 too
    "signbit_of_integers": (lambda L, a: L.signbit(a), [np.array([0, 1, -2])]),
    "signbit_of_bools": (lambda L, a: (a > 0).signbit(), [np.array([0, 1, -2])]),
    "isnan": (lambda L, a: L.isnan(with_specials(L, a)), [arr(4)]),
    "isfinite": (lambda L, a: with_specials(L, a).isfinite(), [arr(4)]),
    "where_method": (lambda L, a, b: a.where(a > 0, b), [arr(2, 3), arr(3)]),
    "where_method_number": (lambda L, a: a.where(a < 0, 1.5), [arr(4)]),
    # ---- nn-more ----
    "erf": (lambda L, a: a.erf(), [arr(3, 4)]),
    "erf_function": (lambda L, a: L.erf(a * 3), [arr(5)]),
    "erf_float32": (lambda L, a: L.erf(a.float()), [arr(2, 3)]),
    "erf_of_integers": (lambda L, a: L.erf(L.tensor([-2, 0, 1, 3])) * a, [arr(4)]),
    "clamp_min_method": (lambda L, a: a.clamp_min(0.5), [arr(6)]),
    "clamp_min_function": (lambda L, a: L.clamp_min(a, -0.5), [arr(2, 3)]),
    "clamp_max_method": (lambda L, a: a.clamp_max(0.5), [arr(6)]),
    "rsqrt": (lambda L, a: a.rsqrt(), [positive(3)]),
    "unbind": (lambda L, a: a.unbind(1)[0] * 2 + a.unbind(1)[2], [arr(3, 4)]),
    "split_sizes": (lambda L, a: a.split([1, 2])[1].sin() + a.chunk(3)[0], [arr(3, 2)]),
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
    # ---- nn-tail ----
    "logsigmoid": (lambda L, a: L.nn.functional.logsigmoid(a * 10), [arr(3, 4)]),
    "logsigmoid_float32": (lambda L, a: L.nn.functional.logsigmoid(a.float()), [arr(5)]),
    "softsign": (lambda L, a: L.nn.functional.softsign(a * 3), [arr(3, 4)]),
    "softsign_of_integers": (
        lambda L, a: L.nn.functional.softsign(L.tensor([-3, 0, 2])) * a, [arr(3)]
    ),
    "tanhshrink": (lambda L, a: L.nn.functional.tanhshrink(a), [arr(3, 4)]),
    "hardswish": (lambda L, a: L.nn.functional.hardswish(a * 3), [arr(3, 4)]),
    "hardsigmoid": (lambda L, a: L.nn.functional.hardsigmoid(a * 3), [arr(3, 4)]),
    "mish": (lambda L, a: L.nn.functional.mish(a * 5), [arr(3, 4)]),
    "glu": (lambda L, a: L.nn.functional.glu(a), [arr(3, 4)]),
    "glu_dim0": (lambda L, a: L.nn.functional.glu(a, 0), [arr(2, 3, 5)]),
    "glu_negative_dim": (lambda L, a: L.nn.functional.glu(a, -2), [arr(2, 4, 3)]),
    "softmin": (lambda L, a: L.nn.functional.softmin(a, 1), [arr(3, 4)]),
    "softmin_last_dim": (lambda L, a: L.nn.functional.softmin(a, -1), [arr(2, 3, 4)]),
    "prelu_per_channel": (
        lambda L, a, w: L.nn.functional.prelu(a, w), [arr(2, 3, 4), positive(3)]
    ),
    "prelu_shared": (lambda L, a, w: L.nn.functional.prelu(a, w), [arr(3, 4), positive(1)]),
    "prelu_vector": (lambda L, a, w: L.nn.functional.prelu(a, w), [arr(5), positive(1)]),
    "threshold": (lambda L, a: L.nn.functional.threshold(a, 0.3, -2.0), [arr(3, 4)]),
    "threshold_of_integers": (
        lambda L, a: L.nn.functional.threshold(L.tensor([-3, 0, 2]), 1, 9) * a, [arr(3)]
    ),
    "celu": (lambda L, a: L.nn.functional.celu(a, 0.5), [arr(3, 4)]),
    "celu_inplace": (lambda L, a: L.nn.functional.celu(a * 1, 2.0, inplace=True), [arr(3, 4)]),
    "threshold_inplace": (
        lambda L, a: L.nn.functional.threshold(a * 1, 0.3, -2.0, inplace=True), [arr(3, 4)]
    ),
    "selu_inplace": (lambda L, a: L.nn.functional.selu(a * 1, inplace=True), [arr(3, 4)]),
    "hardswish_inplace": (
        lambda L, a: L.nn.functional.hardswish(a * 4, inplace=True), [arr(3, 4)]
    ),
    "selu": (lambda L, a: L.nn.functional.selu(a), [arr(3, 4)]),
    "hardshrink": (lambda L, a: L.nn.functional.hardshrink(a, 0.7), [arr(3, 4)]),
    "softshrink": (lambda L, a: L.nn.functional.softshrink(a), [arr(3, 4)]),
    "masked_fill": (lambda L, a: a.masked_fill(a < 0, 2.5), [arr(3, 4)]),
    "masked_fill_broadcast_mask": (
        lambda L, a: a.masked_fill(L.tensor([True, False, True, False]), 0.0), [arr(3, 4)]
    ),
    "kl_div": (
        lambda L, a, t: L.nn.functional.kl_div(a, t.detach(), reduction="sum"),
        [arr(3, 4), positive(3, 4)],
    ),
    "kl_div_batchmean": (
        lambda L, a, t: L.nn.functional.kl_div(a, t.detach(), reduction="batchmean"),
        [arr(3, 4), positive(3, 4)],
    ),
    "kl_div_log_target": (
        lambda L, a, t: L.nn.functional.kl_div(a, t, reduction="none", log_target=True),
        [arr(3, 4), arr(3, 4)],
    ),
    "cosine_similarity": (
        lambda L, a, b: L.nn.functional.cosine_similarity(a, b), [arr(3, 4), arr(3, 4)]
    ),
    "cosine_similarity_broadcast": (
        lambda L, a, b: L.nn.functional.cosine_similarity(a, b, -1), [arr(2, 3, 4), arr(4)]
    ),
    "pairwise_distance": (
        lambda L, a, b: L.nn.functional.pairwise_distance(a, b), [arr(3, 4), arr(3, 4)]
    ),
    "pairwise_distance_p1_keepdim": (
        lambda L, a, b: L.nn.functional.pairwise_distance(a, b, 1.0, keepdim=True),
        [arr(3, 4), arr(4)],
    ),
    "margin_ranking_loss": (
        lambda L, a, b: L.nn.functional.margin_ranking_loss(
            a, b, L.tensor([1.0, -1.0, 1.0, -1.0, 1.0], dtype=a.dtype), margin=0.3
        ),
        [arr(5), arr(5)],
    ),
    "triplet_margin_loss": (
        lambda L, a, p, n: L.nn.functional.triplet_margin_loss(a, p, n),
        [arr(3, 4), arr(3, 4), arr(3, 4)],
    ),
    "triplet_margin_loss_swap": (
        lambda L, a, p, n: L.nn.functional.triplet_margin_loss(
            a, p, n, margin=2.0, p=1, swap=True, reduction="sum"
        ),
        [arr(5, 4), arr(5, 4), arr(5, 4)],
    ),
    "poisson_nll_loss": (
        lambda L, a, t: L.nn.functional.poisson_nll_loss(a, t.detach()),
        [arr(3, 4), positive(3, 4)],
    ),
    "poisson_nll_loss_full_rate": (
        lambda L, a, t: L.nn.functional.poisson_nll_loss(
            a, t.detach() * 2, log_input=False, full=True, reduction="none"
        ),
        [positive(3, 4), positive(3, 4)],
    ),
    "gaussian_nll_loss": (
        lambda L, a, t, v: L.nn.functional.gaussian_nll_loss(a, t, v),
        [arr(3, 4), arr(3, 4), positive(3, 4)],
    ),
    "gaussian_nll_loss_shared_var": (
        lambda L, a, t, v: L.nn.functional.gaussian_nll_loss(a, t, v, full=True, reduction="sum"),
        [arr(3, 4), arr(3, 4), positive(3)],
    ),
    "hinge_embedding_loss": (
        lambda L, a: L.nn.functional.hinge_embedding_loss(
            a, L.tensor([[1.0, -1.0, 1.0, -1.0]] * 3, dtype=a.dtype), margin=0.5
        ),
        [arr(3, 4)],
    ),
    "cross_entropy_probabilities": (
        lambda L, a, t: L.nn.functional.cross_entropy(a, t.detach().softmax(1)),
        [arr(3, 4), arr(3, 4)],
    ),
    "cross_entropy_probabilities_weighted_smoothed": (
        lambda L, a, t, w: L.nn.functional.cross_entropy(
            a, t.detach().softmax(1), w.detach(), reduction="sum", label_smoothing=0.2
        ),
        [arr(3, 4), arr(3, 4), positive(4)],
    ),
    "cross_entropy_probabilities_4d": (
        lambda L, a, t: L.nn.functional.cross_entropy(
            a, t.detach().softmax(1), reduction="none"
        ),
        [arr(2, 3, 2, 2), arr(2, 3, 2, 2)],
    ),
    "cross_entropy_label_smoothing": (
        lambda L, a: L.nn.functional.cross_entropy(
            a, L.tensor([0, 2, -100]), label_smoothing=0.1
        ),
        [arr(3, 4)],
    ),
    "cross_entropy_label_smoothing_weighted": (
        lambda L, a, w: L.nn.functional.cross_entropy(
            a, L.tensor([0, 2, 1]), w.detach(), ignore_index=2, label_smoothing=0.3
        ),
        [arr(3, 4), positive(4)],
    ),
    "cross_entropy_label_smoothing_none": (
        lambda L, a: L.nn.functional.cross_entropy(
            a, L.tensor([0, 2, 1]), reduction="none", label_smoothing=0.1
        ),
        [arr(3, 4)],
    ),
    # ---- matmul-graph ----
    "matmul_batch_at_vector": (lambda L, a, b: a @ b, [arr(2, 2, 3), arr(3)]),
    "matmul_vector_at_batch": (lambda L, a, b: a @ b, [arr(3), arr(2, 3, 4)]),
    "matmul_matrix_at_batch": (lambda L, a, b: L.matmul(a, b), [arr(2, 3), arr(2, 3, 4)]),
    "matmul_batches": (lambda L, a, b: a.matmul(b), [arr(2, 2, 3), arr(2, 3, 4)]),
    "matmul_broadcast_batches": (lambda L, a, b: a @ b, [arr(3, 1, 2, 3), arr(2, 3, 4)]),
    "matmul_batch_of_one": (lambda L, a, b: a @ b, [arr(1, 2, 3), arr(4, 3, 2)]),
    "matmul_transposed_batch": (lambda L, a, b: a.transpose(0, 1) @ b, [arr(2, 3, 3), arr(3,)]),
    "mm_function": (lambda L, a, b: L.mm(a, b), [arr(2, 3), arr(3, 4)]),
    "mv_method": (lambda L, a, b: a.mv(b), [arr(2, 3), arr(3)]),
    "dot_function": (lambda L, a, b: L.dot(a, b), [arr(3), arr(3)]),
    "bmm_method": (lambda L, a, b: a.bmm(b), [arr(2, 2, 3), arr(2, 3, 4)]),
    "linear_3d": (lambda L, a, w, b: L.nn.functional.linear(a, w, b), [arr(2, 2, 3), arr(4, 3), arr(4)]),
    "linear_3d_no_bias": (lambda L, a, w: L.nn.functional.linear(a, w), [arr(2, 2, 3), arr(4, 3)]),
    "linear_transposed_input": (
        lambda L, a, w, b: L.nn.functional.linear(a.transpose(0, 1), w, b),
        [arr(2, 2, 3), arr(4, 3), arr(4)],
    ),
    "squeeze_": (lambda L, a: (a * 1).squeeze_(), [arr(1, 3, 1)]),
    "squeeze_dim_": (lambda L, a: (a * 1).squeeze_(-1), [arr(1, 3, 1)]),
    "unsqueeze_": (lambda L, a: (a * 1).unsqueeze_(0), [arr(3)]),
    # ---- recurrent ----
    "conv1d": (
        lambda L, a, w, b: L.nn.functional.conv1d(a, w, b, stride=2, padding=1),
        [arr(2, 3, 7), arr(4, 3, 3), arr(4)],
    ),
    "conv1d_unbatched": (
        lambda L, a, w: L.nn.functional.conv1d(a, w, padding=(2,)), [arr(3, 5), arr(2, 3, 2)]
    ),
    # (PyTorch's fused attention kernel ends in other nodes than our matmul: a final sum gives
    # both the same last node, and values and gradients are compared through it)
    "scaled_dot_product_attention": (
        lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(q, k, v).sum(-1),
        [arr(2, 3, 4), arr(2, 5, 4), arr(2, 5, 3)],
    ),
    "scaled_dot_product_attention_causal": (
        lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
            q, k, v, is_causal=True, scale=0.5
        ).sum(-1),
        [arr(4, 3), arr(4, 3), arr(4, 2)],
    ),
    # ---- nansum and cross ----
    "nansum": (lambda L, a: (a / (a > -1.5)).nansum(), [arr(3, 4)]),
    "nansum_dim_keepdim": (lambda L, a: L.nansum(a / (a > 0), 1, keepdim=True), [arr(3, 4)]),
    "nansum_dims": (lambda L, a: a.log().nansum((0, 2)), [arr(2, 3, 2)]),
    "cross": (lambda L, a, b: L.linalg.cross(a, b), [arr(4, 3), arr(4, 3)]),
    "cross_dim_broadcast": (lambda L, a, b: a.cross(b, dim=0), [arr(3, 2), arr(3, 1)]),
}


def _recorded_gradient(L, a, out):
    return L.autograd.grad((out**2).sum(), a, create_graph=True)[0]


def with_specials(L, a):
    """``a`` (4 elements) plus NaN, +inf, -inf and -0.0, one each: the values that
    nan_to_num, isinf and friends are about (the gradient still reaches ``a``)."""
    return a + L.tensor([float("nan"), float("inf"), -float("inf"), -0.0], dtype=a.dtype)


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
    assert_same(ours, theirs)


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
        if not primitive.__module__.startswith("autograd_kit.ops") or name in NN_SECTION
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
    # ---- elementwise ----
    "atan2": lambda L, a, b: L.atan2(a, b),
    "hypot": lambda L, a, b: L.hypot(a, b),
    "logaddexp": lambda L, a, b: L.logaddexp(a, b),
    "lerp": lambda L, a, b: a.lerp(b, 0.3),
    "lerp_by_tensor": lambda L, a, b: a.lerp(a * 0 + 1, b),
    "addcmul": lambda L, a, b: a.addcmul(b, b, value=0.5),
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
    # ---- elementwise ----
    "atan": lambda L, a: a.atan(),
    "sinh": lambda L, a: a.sinh(),
    "expm1": lambda L, a: a.expm1(),
    "log1p": lambda L, a: (a.abs() + 0.1).log1p(),
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
        # ---- elementwise ----
        lambda L: L.ones(3, dtype=L.int64) * L.ones(3),  # float32, not NumPy's float64
        lambda L: L.ones(3, dtype=L.int32) + L.ones(3, dtype=L.float16),
        lambda L: L.ones(3) % L.arange(1, 4),
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


@pytest.mark.parametrize("shape", [(6,), (64, 128), (2, 3, 4096)])  # short rows, long rows
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_relu_keeps_nan_and_signed_zeros_like_torch(shape, dtype):
    """relu(-0.0) is -0.0, relu(-1.5) is +0.0 and relu(nan) is nan, and the gradient goes
    through wherever the result is not <= 0: at NaN too (PyTorch's threshold_backward)."""
    data = RNG.standard_normal(shape) * 3
    specials = [np.nan, -1.5, -np.inf, np.inf, -0.0, 0.0]
    data.reshape(-1)[:6] = specials if dtype != "int32" else [0, -1, -7, 5, 0, 3]
    data = data.astype(dtype)
    sides = []
    for lib in (ak, torch):
        x = lib.tensor(data, requires_grad=dtype != "int32")
        y = x.relu()
        if x.requires_grad:
            y.backward(lib.ones(shape, dtype=y.dtype))
        grad = None if x.grad is None else x.grad.numpy()
        sides.append((y.detach().numpy(), grad))
    (ours, our_grad), (theirs, their_grad) = sides
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)  # (NaN counts as equal to NaN here)
    np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))  # -0.0 stays, -1.5 -> +0.0
    if their_grad is not None:
        np.testing.assert_array_equal(our_grad, their_grad)  # 1 at NaN, 0 at -0.0 and 0.0


def test_index_out_of_range_shows_only_torchs_error():
    """NumPy refuses the index first; the error raised is PyTorch's alone, not chained to it."""
    with pytest.raises(IndexError, match="index 4 is out of bounds for dimension 1 with size 4") as error:
        ak.ones(3, 4, requires_grad=True)[ak.arange(3), ak.tensor([1, 4, 0])]
    assert error.value.__context__ is None and error.value.__cause__ is None


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


# ---- shape-index ----

INTEGER_RESULTS = {  # results that are integers (or come from integers): never differentiable
    "nonzero": lambda L, a: a.nonzero(),
    "nonzero_fn": lambda L, a: L.nonzero(a > 0.5),
    "nonzero_as_tuple": lambda L, a: L.nonzero(a, as_tuple=True),
    "nonzero_of_a_number": lambda L, a: a[0, 0].nonzero(),
    "nonzero_of_zero_as_tuple": lambda L, a: (a[0, 0] * 0).nonzero(as_tuple=True),
    "count_nonzero": lambda L, a: a.count_nonzero(),
    "count_nonzero_dim": lambda L, a: L.count_nonzero(a, dim=-1),
    "count_nonzero_dims": lambda L, a: a.count_nonzero((0, 1)),
    "trace_of_integers": lambda L, a: L.trace((a.detach() * 4).int()),
    "flip_integers": lambda L, a: (a.detach() * 4).long().flip(1),
    "gather_integers": lambda L, a: (a.detach() * 4).long().gather(0, L.tensor([[1, 0, 1]])),
    "diag_integers": lambda L, a: L.diag((a[0].detach() * 4).long(), -1),
    "outer_mixed": lambda L, a: L.outer((a[0].detach() * 4).long(), a[1].detach()),
}


@pytest.mark.parametrize("name", sorted(INTEGER_RESULTS))
def test_integer_results_match_torch_and_need_no_grad(name):
    data = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.25]])
    ours, theirs = run_both(INTEGER_RESULTS[name], [data], backward=False)
    outputs = zip(*(o if isinstance(o, tuple) else (o,) for o in (ours.output, theirs.output)))
    for mine, reference in outputs:
        assert str(mine.dtype) == str(reference.dtype) and mine.shape == reference.shape
        assert mine.requires_grad == reference.requires_grad
        np.testing.assert_array_equal(mine.detach().numpy(), reference.detach().numpy())


# ---- scans-linalg ----


def test_integer_results_of_sorting_match_torch_and_carry_no_gradient():
    import torch

    data = np.array([[0.3, -1.2, 2.5, 0.9], [1.7, 0.1, -0.4, 3.3], [-2.0, 0.6, 1.1, -0.8]])
    cases = [
        lambda L, a: a.sort(1).indices,
        lambda L, a: L.sort(a, 0, descending=True).indices,
        lambda L, a: a.argsort(0, descending=True),
        lambda L, a: L.argsort(a),
        lambda L, a: a.topk(2, dim=0).indices,
        lambda L, a: a.kthvalue(2).indices,
        lambda L, a: a.median(0).indices,
        lambda L, a: L.median(a, 1, True).indices,
        lambda L, a: (a * 10).detach().long().cumsum(0),
        lambda L, a: (a > 0).cumsum(1),
        lambda L, a: L.cumprod((a * 10).detach().int(), 0),
        lambda L, a: (a * 10).detach().long().sort(1).values,
        lambda L, a: (a * 10).detach().long().median(),
        lambda L, a: (a * 10).detach().long().topk(2).values,
    ]
    for case in cases:
        ours = case(ak, ak.tensor(data, requires_grad=True))
        theirs = case(torch, torch.tensor(data, requires_grad=True))
        assert ours.tolist() == theirs.tolist()
        assert str(ours.dtype) == str(theirs.dtype)
        assert ours.requires_grad is theirs.requires_grad is False


def test_sorting_results_print_like_torch():
    import torch

    for case in (
        lambda L: L.tensor([3.0, 1.0, 2.0]).sort(),
        lambda L: L.tensor([3.0, 1.0, 2.0]).topk(2),
        lambda L: L.tensor([3.0, 1.0, 2.0]).kthvalue(1),
        lambda L: L.tensor([[3.0, 1.0, 2.0]]).median(1),
        lambda L: L.tensor(3.0).median(0),
        lambda L: L.ones(2, 0).sort(1),
    ):
        assert repr(case(ak)) == repr(case(torch))
    assert ak.ones(0).median().isnan().item() and torch.ones(0).median().isnan().item()


# equation -> operands. PyTorch records einsum as the permutes/views/bmm it computes with, ak
# as one EinsumBackward0 node: values and gradients (first and second order) are compared.
EINSUM = {
    "ij,jk->ik": [arr(2, 3), arr(3, 4)],
    "ij,jk": [arr(2, 3), arr(3, 4)],  # implicit output: letters used once, alphabetically
    "ba": [arr(2, 3)],
    "Ab,aB": [arr(2, 3), arr(4, 2)],
    "ii": [arr(3, 3)],  # trace: a repeated letter, summed
    "ii->i": [arr(3, 3)],  # diagonal
    "iij->ji": [arr(3, 3, 2)],
    "iii->": [arr(2, 2, 2)],
    "ij->i": [arr(2, 3)],  # j summed inside one operand
    "ij,ij->": [arr(2, 3), arr(2, 3)],  # full contraction
    "i,j->ij": [arr(2), arr(3)],
    "bij,bjk->bik": [arr(2, 2, 3), arr(2, 3, 4)],
    "...ij,...jk->...ik": [arr(2, 2, 3), arr(3, 4)],
    "...ij,...jk": [arr(1, 2, 3), arr(5, 3, 4)],  # ... broadcasts
    "i...->...": [arr(2, 3, 4)],
    "...ij->...ji": [arr(2, 3, 4)],
    "ij,jk,kl->il": [arr(2, 3), arr(3, 4), arr(4, 2)],
    "ij, jk -> ik": [arr(2, 1), arr(3, 4)],  # a size-1 dimension broadcasts too
    "iij,k->k": [arr(3, 3, 2), arr(4)],
    "i,i,i->i": [arr(3), arr(3), arr(3)],
}


@pytest.mark.parametrize("equation", sorted(EINSUM))
def test_einsum_matches_torch(equation):
    operands = EINSUM[equation]
    ours, theirs = run_both(lambda L, *xs: L.einsum(equation, *xs), operands)
    assert_same(ours, theirs, check_name=False)
    assert type(ours.output.grad_fn).__name__ == "EinsumBackward0"
    ours, theirs = run_both(lambda L, *xs: L.einsum(equation, list(xs)), operands)
    assert_same(ours, theirs, check_name=False)

    def gradient_recorded(L, *xs):
        (grad,) = L.autograd.grad((L.einsum(equation, *xs) ** 2).sum(), xs[:1], create_graph=True)
        return grad * 1

    ours, theirs = run_both(gradient_recorded, operands)
    assert_same(ours, theirs)


def test_einsum_of_integers_stays_integer_like_torch():
    import torch

    ours = ak.einsum("ij->", ak.ones(2, 3, dtype=ak.int64))
    theirs = torch.einsum("ij->", torch.ones(2, 3, dtype=torch.int64))
    assert ours.item() == theirs.item() and str(ours.dtype) == str(theirs.dtype)


def test_docstring_examples_of_scans_sorting_einsum_and_norms_run():
    import doctest
    import importlib

    for name in ("autograd_kit.linalg", "autograd_kit._broadcasting", "autograd_kit.ops.arithmetic",
                 "autograd_kit.ops.elementwise", "autograd_kit.ops.reductions",
                 "autograd_kit.ops.shape", "autograd_kit.ops.indexing", "autograd_kit.ops.linalg",
                 "autograd_kit.ops.scans"):
        module = importlib.import_module(name)
        result = doctest.testmod(module, extraglobs={"ak": ak}, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0


def test_norms_that_need_singular_values_say_they_are_missing():
    for ord in (2, -2, "nuc"):
        with pytest.raises(NotImplementedError, match="singular values"):
            ak.linalg.matrix_norm(ak.ones(2, 2), ord)
    with pytest.raises(NotImplementedError, match="'nuc'"):
        ak.ones(2, 2).norm("nuc")


def test_cdist_of_many_rows_matches_torch_values_and_gradients():
    """Past 25 rows PyTorch computes p = 2 distances with a matrix product (its graph ends in
    ViewBackward0); ak keeps one CdistBackward0 node. Values and gradients agree."""
    ours, theirs = run_both(lambda L, a, b: L.cdist(a, b), [arr(30, 3), arr(40, 3)])
    assert_same(ours, theirs, check_name=False, rtol=1e-4)
    assert type(ours.output.grad_fn).__name__ == "CdistBackward0"


# ---- elementwise ----
NO_DERIVATIVE = {
    "floor_divide": lambda L, a, b: a // b,
    "floor_divide_number": lambda L, a, b: L.floor_divide(a, 2),
    "rfloordiv": lambda L, a, b: 3 // b,
    "rmod": lambda L, a, b: 3.5 % b,
    "remainder_number_first": lambda L, a, b: L.remainder(3.5, b),
}


@pytest.mark.parametrize("name", sorted(NO_DERIVATIVE))
def test_ops_without_derivative_record_not_implemented_like_torch(name):
    """PyTorch has no derivative for x // y or number % x: the result requires grad, its node
    is ``NotImplemented`` (one edge per tensor input), and backward through it raises."""
    import torch

    seen = []
    for L in (ak, torch):
        a = L.tensor([1.5, -2.5, 3.0], requires_grad=True)
        b = L.tensor([2.0, 0.7, -1.3], requires_grad=True)
        out = NO_DERIVATIVE[name](L, a, b)
        with pytest.raises(RuntimeError) as error:
            out.sum().backward()
        seen.append(
            (
                out.detach().tolist(),
                str(out.dtype),
                type(out.grad_fn).__name__,
                len(out.grad_fn.next_functions),
                str(error.value).split("\nHint:")[0],
            )
        )
    assert seen[0] == seen[1]


BINCOUNTS = {
    "counts": lambda L: L.tensor([0, 1, 1, 3]).bincount(),
    "minlength": lambda L: L.bincount(L.tensor([0, 1, 1, 3]), minlength=6),
    "weights": lambda L: L.bincount(L.tensor([0, 1, 1, 3]), weights=L.tensor([0.5, 1.0, 1.0, 2.0])),
    "float64_weights": lambda L: L.bincount(L.tensor([2, 0]), L.tensor([1.5, 2.0], dtype=L.float64)),
    "nothing": lambda L: L.bincount(L.tensor([], dtype=L.int64)),
    "negative": lambda L: L.bincount(L.tensor([-1, 2])),
    "matrix": lambda L: L.bincount(L.tensor([[1, 2]])),
    "floats": lambda L: L.bincount(L.tensor([1.5])),
    "weights_too_short": lambda L: L.bincount(L.tensor([0, 1]), weights=L.ones(3)),
}


def printed_or_raised(make, L):
    """What ``make(L)`` prints, or the error it raises (type, and the words before ak's hint),
    with the warnings it gives: the same for ak and torch when ak gets it right."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            shown = str(make(L))
        except Exception as error:  # noqa: BLE001  (the error is what is compared)
            shown = (type(error).__name__, str(error).split("\nHint:")[0])
    return shown, [str(w.message).split(" (Triggered")[0] for w in caught]


@pytest.mark.parametrize("name", sorted(BINCOUNTS))
def test_bincount_matches_torch(name):
    assert printed_or_raised(BINCOUNTS[name], ak) == printed_or_raised(BINCOUNTS[name], torch)


SOFTMAX_INPUTS = {
    "long_last_dim": lambda L: L.tensor([1, 2]).softmax(0),
    "long_other_dim": lambda L: L.tensor([[1, 2]]).softmax(0),
    "log_softmax_long": lambda L: L.tensor([1, 2]).log_softmax(0),
    "bool": lambda L: L.tensor([True]).softmax(0),
    "functional_long": lambda L: L.nn.functional.softmax(L.tensor([1, 2]), 0),
    "long_with_dtype": lambda L: L.tensor([1, 2]).softmax(0, dtype=L.float32),
    "module_function_with_dtype": lambda L: L.softmax(L.tensor([1, 2]), 0, dtype=L.float64),
    "log_softmax_to_float64": lambda L: L.tensor([[1.0, 2.0]]).log_softmax(-1, dtype=L.float64),
}


@pytest.mark.parametrize("name", sorted(SOFTMAX_INPUTS))
def test_softmax_refuses_integers_and_takes_a_dtype_like_torch(name):
    make = SOFTMAX_INPUTS[name]
    assert printed_or_raised(make, ak) == printed_or_raised(make, torch)


CROSS_MISUSE = {
    "different_dimensions": lambda L: L.linalg.cross(L.ones(3), L.ones(2, 3)),
    "different_dtypes": lambda L: L.linalg.cross(L.ones(2, 3), L.ones(2, 3, dtype=L.float64)),
    "not_three": lambda L: L.linalg.cross(L.ones(2, 4), L.ones(2, 4)),
    "no_dimension_of_size_3": lambda L: L.cross(L.ones(2, 4), L.ones(2, 4)),
    "batch_clash": lambda L: L.linalg.cross(L.ones(2, 3), L.ones(3, 3)),
    "dim_out_of_range": lambda L: L.cross(L.ones(2, 3), L.ones(2, 3), dim=5),
    "default_dim_is_the_first_of_size_3": lambda L: L.cross(L.ones(3, 2), L.arange(6.0).reshape(3, 2)),
}


@pytest.mark.parametrize("name", sorted(CROSS_MISUSE))
def test_cross_misuse_and_its_default_dim_match_torch(name):
    make = CROSS_MISUSE[name]
    assert printed_or_raised(make, ak) == printed_or_raised(make, torch)
