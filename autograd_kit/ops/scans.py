"""Scans and sorting: running sums and products (``cumsum``, ``cumprod``), and sorting and
picking by rank (``sort``, ``topk``, ``kthvalue``, ``median``), whose gradient goes back to the
positions picked.
"""

from __future__ import annotations

import builtins
from typing import Any

from .. import _backend, dtypes
from .._backend import xp_of
from .._broadcasting import _either, sum_keepdim
from .._errors import with_hint
from .._registry import tensor_methods
from ..tensor import (
    KthvalueResult,
    MedianResult,
    SortResult,
    Tensor,
    TopkResult,
    _normalize_dim,
    _wrap,
)
from .indexing import placed_back
from .primitive import Primitive, _row_by_row, _same_device, masked, native_dtype, unsqueezed
from .reductions import _check_something_to_choose, _ExtremeAll
from .selection import where

# ---- Primitives: running sums and products ------------------------------------------------------

cumulative_sum = _either(
    lambda t, dim: t.cumsum(dim), lambda xp, a, dim: _backend.cumulative(a, dim, "sum")
)


def _reverse_cumsum(grad: Any, dim: int) -> Any:
    """out[i] = sum of grad[k] for k >= i along ``dim`` (the sum from the right): the total
    minus the running sum up to i, plus grad[i] itself."""
    return sum_keepdim(grad, dim) - cumulative_sum(grad, dim) + grad


class Cumsum(Primitive):
    """out[k] = sum of x[j] for j <= k along ``dim``;  grad_x[i] = sum of grad[k] for k >= i
    (each x[i] appears in every running sum from position i on)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim, dtype=None):
        ctx.dim = dim
        xp = xp_of(x)
        dtype = native_dtype(xp, dtype) if dtype is not None else None
        if x.ndim == 0:  # a number is its own running sum
            return xp.asarray(x, dtype=dtype, copy=True)
        return _row_by_row(xp, _backend.cumulative(x, dim, "sum", dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad if grad.ndim == 0 else _reverse_cumsum(grad, ctx.dim)


class Cumprod(Primitive):
    """out[k] = product of x[j] for j <= k along ``dim``;
    grad_x[i] = sum over k >= i of grad[k] * (product of x[j] for j <= k, j != i).

    Without zeros that product is out[k] / x[i], so grad_x = reverse_cumsum(grad * out) / x.
    A zero in x makes that 0 / 0, so then the products that leave x[i] out are formed
    directly: for each i, the running product of x with x[i] replaced by 1.
    """

    @staticmethod
    def forward(ctx, x, dim, dtype=None):
        xp = xp_of(x)
        dtype = native_dtype(xp, dtype) if dtype is not None else None
        if x.ndim == 0:
            out = xp.asarray(x, dtype=dtype, copy=True)
        else:
            out = _row_by_row(xp, _backend.cumulative(x, dim, "prod", dtype))
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if x.ndim == 0:
            return grad
        xp = xp_of(x._array)
        if not bool(xp.any(x._array == 0)):
            return _reverse_cumsum(grad * out, ctx.dim) / x
        # Move dim last; rows[..., i, k] = x[k] with x[i] replaced by 1.
        along_last, grad_last = x.transpose(ctx.dim, -1), grad.transpose(ctx.dim, -1)
        size = x.shape[ctx.dim]
        positions = xp.arange(size, **_same_device(xp, x._array))
        i, k = xp.reshape(positions, (size, 1)), xp.reshape(positions, (1, size))
        rows = where(_wrap(i == k), 1.0, along_last.unsqueeze(-2))
        # products[..., i, k] = product of x[j] for j <= k, j != i; only k >= i contribute.
        products = rows.cumprod(-1)
        grad_x = (masked(grad_last.unsqueeze(-2) * products, _wrap(k >= i))).sum(-1)
        return grad_x.transpose(ctx.dim, -1)


# ---- Primitives: sorting and picking by rank ----------------------------------------------------

class _PickAlong(Primitive):
    """out = x's values at ``indices`` along ``dim`` (sort, topk, kthvalue, median(dim));
    grad_x = grad placed back at those positions, zeros elsewhere.

    The method finds ``indices`` (one sort), returns them beside the values, and hands them
    here, so the values are gathered with the very positions the user sees.
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, indices, dim, keepdim=True):
        xp = xp_of(x)
        if x.ndim == 0:
            ctx.shape, ctx.key = (), ()
            return xp.asarray(x, copy=True)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        ctx.key = _positions_along(xp, indices, dim)
        values = xp.take_along_axis(x, indices, axis=dim)
        return values if keepdim else xp.squeeze(values, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.shape:
            return grad
        if not ctx.keepdim:
            grad = unsqueezed(grad, ctx.dim)
        return placed_back(grad, ctx.shape, ctx.key)


def _positions_along(xp: Any, indices: Any, dim: int) -> tuple:
    """The index key ``x[key]`` that reads x at ``indices`` along ``dim`` (take_along_axis as
    advanced indexing): ``indices`` for ``dim``, a broadcast ``arange`` for every other one."""
    ndim = indices.ndim
    key = []
    for axis in range(ndim):
        if axis == dim:
            key.append(indices)
            continue
        shape = tuple(-1 if d == axis else 1 for d in range(ndim))
        positions = xp.arange(indices.shape[axis], **_same_device(xp, indices))
        key.append(xp.reshape(positions, shape))
    return tuple(key)


class Sort(_PickAlong):
    """out = x sorted along ``dim``;  grad_x = grad placed back where each value came from."""


class SortStable(_PickAlong):
    """Sort, as recorded when ``stable=`` is passed (PyTorch's other overload of sort)."""

    node_name = "SortBackward1"


class Topk(_PickAlong):
    """out = the k largest (smallest) values along ``dim``;  grad_x = grad placed back."""


class Kthvalue(_PickAlong):
    """out = the k-th smallest value along ``dim``;  grad_x = grad placed back at its index."""


class MedianDim(_PickAlong):
    """out = the (lower) median along ``dim``;  grad_x = grad placed back at its index."""

    node_name = "MedianBackward1"


class MedianAll(_ExtremeAll):
    """out = the middle element (the lower of the two middle ones for an even count);
    grad shared equally by the elements equal to it, as for max()."""

    node_name = "MedianBackward0"

    @classmethod
    def forward(cls, ctx, x):
        xp = xp_of(x)
        flat = xp.reshape(x, (-1,))
        if flat.shape[0] == 0:  # PyTorch's median of nothing is nan
            out = xp.asarray(float("nan"), dtype=x.dtype, **_same_device(xp, x))
        else:
            out = xp.sort(flat)[(flat.shape[0] - 1) // 2]
        ctx.save_for_backward(x, out)
        return out


# ---- Methods: running sums and products ---------------------------------------------------------

def _scan_dtype(self: Tensor, dtype: Any) -> Any:
    """cumsum/cumprod's result dtype: ``dtype`` when given, int64 for integer and bool input."""
    if dtype is not None:
        return dtypes.to_dtype(dtype)
    return None if self.dtype.is_floating_point else dtypes.int64


def cumsum(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``: out[k] = x[0] + ... + x[k].

    Example:
        >>> ak.tensor([1.0, 2.0, 3.0]).cumsum(0)
        tensor([1., 3., 6.])
    """
    dim = _normalize_dim(dim, self.ndim)
    return Cumsum.apply(self, dim=dim, dtype=_scan_dtype(self, dtype))


def cumprod(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``: out[k] = x[0] * ... * x[k] (its gradient stays right
    when x holds zeros).

    Example:
        >>> ak.tensor([1.0, 2.0, 3.0]).cumprod(0)
        tensor([1., 2., 6.])
    """
    dim = _normalize_dim(dim, self.ndim)
    return Cumprod.apply(self, dim=dim, dtype=_scan_dtype(self, dtype))


# ---- Methods: sorting and picking by rank -------------------------------------------------------

def _sorting_positions(
    self: Tensor, dim: int, descending: builtins.bool, stable: builtins.bool = True
) -> Any:
    """The int64 positions that sort ``self`` along ``dim`` (a 0-d tensor: position 0)."""
    array = self._array
    xp = _backend.xp_of(array)
    if array.ndim == 0:
        return xp.zeros((), dtype=native_dtype(xp, dtypes.int64), **_same_device(xp, array))
    positions = _backend.argsort(array, dim, descending=descending, stable=stable)
    return xp.astype(positions, native_dtype(xp, dtypes.int64), copy=False)


def _first_along(positions: Any, dim: int, count: int) -> Any:
    """The first ``count`` positions along ``dim`` (all of a 0-d array)."""
    if positions.ndim == 0:
        return positions
    key = (slice(None),) * dim + (slice(0, count), ...)
    return positions[key]


def sort(
    self: Tensor,
    dim: int = -1,
    descending: builtins.bool = False,
    *,
    stable: builtins.bool | None = None,
) -> Any:
    """The values sorted along ``dim`` and where each came from: a (values, indices) pair.
    Equal values keep their order (a stable sort, which ``stable=True`` asks for; passing
    ``stable`` at all records SortBackward1, PyTorch's other overload, instead of SortBackward0).

    Example:
        >>> ak.tensor([3.0, 1.0, 2.0]).sort().indices
        tensor([1, 2, 0])
    """
    dim = _normalize_dim(dim, self.ndim)
    positions = _sorting_positions(self, dim, descending)
    primitive = Sort if stable is None else SortStable
    values = primitive.apply(self, indices=positions, dim=dim)
    return SortResult(values, _wrap(positions))


def argsort(
    self: Tensor, dim: int = -1, descending: builtins.bool = False, stable: builtins.bool = False
) -> Tensor:
    """The positions that sort ``self`` along ``dim`` (``sort(...).indices``); no gradient."""
    return _wrap(_sorting_positions(self, _normalize_dim(dim, self.ndim), descending))


def topk(
    self: Tensor,
    k: int,
    dim: int = -1,
    largest: builtins.bool = True,
    sorted: builtins.bool = True,
) -> Any:
    """The ``k`` largest (``largest=False``: smallest) values along ``dim``, in order, and
    their indices: a (values, indices) pair."""
    dim = _normalize_dim(dim, self.ndim)
    size = self._array.shape[dim] if self.ndim else 1
    if not 0 <= k <= size:
        raise with_hint(RuntimeError("selected index k out of range"), "topk_k")
    positions = _first_along(_sorting_positions(self, dim, descending=largest), dim, k)
    values = Topk.apply(self, indices=positions, dim=dim)
    return TopkResult(values, _wrap(positions))


def _rank_along(
    self: Tensor, rank: int, dim: int, keepdim: builtins.bool, primitive: Any
) -> tuple[Tensor, Tensor]:
    """The value of the given ``rank`` (0 = smallest) along ``dim``, and its index."""
    positions = _sorting_positions(self, dim, descending=False)
    if positions.ndim:
        key = (slice(None),) * dim + (slice(rank, rank + 1), ...)
        positions = positions[key]
    values = primitive.apply(self, indices=positions, dim=dim, keepdim=keepdim)
    if positions.ndim and not keepdim:
        positions = _backend.xp_of(positions).squeeze(positions, axis=dim)
    return values, _wrap(positions)


def kthvalue(self: Tensor, k: int, dim: int = -1, keepdim: builtins.bool = False) -> Any:
    """The ``k``-th smallest value along ``dim`` (k = 1 is the smallest) and its index."""
    dim = _normalize_dim(dim, self.ndim)
    _check_something_to_choose(self, (dim,) if self.ndim else (), "kthvalue")
    size = self._array.shape[dim] if self.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    return KthvalueResult(*_rank_along(self, k - 1, dim, keepdim, Kthvalue))


def median(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Any:
    """The middle value (the lower of the two middle ones for an even count); with ``dim``,
    a (values, indices) pair along it.

    Example:
        >>> ak.tensor([4.0, 1.0, 3.0, 2.0]).median()
        tensor(2.)
    """
    if dim is None:
        return MedianAll.apply(self)
    dim = _normalize_dim(dim, self.ndim)
    _check_something_to_choose(self, (dim,) if self.ndim else (), "median")
    size = self._array.shape[dim] if self.ndim else 1
    return MedianResult(*_rank_along(self, (size - 1) // 2, dim, keepdim, MedianDim))


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "cumsum": cumsum,
        "cumprod": cumprod,
        "sort": sort,
        "argsort": argsort,
        "topk": topk,
        "kthvalue": kthvalue,
        "median": median,
    },
)
