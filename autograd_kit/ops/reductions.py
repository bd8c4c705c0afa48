"""Reductions: ``sum``, ``mean``, ``max``/``min``, ``prod``, ``var``/``std``, norms, and
``softmax``/``log_softmax``/``logsumexp`` along a dimension.

A reduction's backward spreads the gradient back over the reduced dimensions (``_expand_back``).
``x.sum()`` records ``SumBackward0``, ``x.sum(0)`` ``SumBackward1``, as PyTorch's do.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import _backend, dtypes
from .._backend import xp_of
from .._broadcasting import sum_keepdim
from .._registry import tensor_methods
from ..tensor import MaxResult, MinResult, Tensor, _normalize_dim, _wrap
from .arguments import _floating, _not_implemented_for, _type_word_of
from .primitive import (
    Primitive,
    _row_by_row,
    _same_device,
    exp_of,
    expanded,
    masked,
    native_dtype,
    unsqueezed,
)
from .selection import choose, maximum, minimum

# ---- Primitives: sums and means -----------------------------------------------------------------

def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """Normalise ``dim`` (None, an int or a tuple, possibly negative) to sorted axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    from ..tensor import _normalize_dim

    return tuple(sorted(_normalize_dim(d, ndim) for d in dim))


def _sum_keepdim(xp: Any, x: Any, dim: Any) -> Any:
    """``xp.sum(x, axis=dim, keepdims=True)``. On NumPy the array's own ``sum`` method: the same
    reduction without ``np.sum``'s Python wrapper, which costs as much as summing a small batch
    (about 1 us). ``_max_keepdim`` likewise."""
    return x.sum(axis=dim, keepdims=True) if xp is np else xp.sum(x, axis=dim, keepdims=True)


def _max_keepdim(xp: Any, x: Any, dim: Any) -> Any:
    """``xp.max(x, axis=dim, keepdims=True)`` (see ``_sum_keepdim``)."""
    return x.max(axis=dim, keepdims=True) if xp is np else xp.max(x, axis=dim, keepdims=True)


def _expand_back(grad: Any, shape: tuple, dims: tuple, keepdim: bool) -> Any:
    """Broadcast the gradient of a reduction back over the dimensions that were reduced."""
    if not keepdim:
        for dim in dims:
            grad = unsqueezed(grad, dim)
    return expanded(grad, shape)


class Sum(Primitive):
    """out = sum of all elements;  grad_x = grad copied to every element."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dtype=None):
        ctx.shape = x.shape
        xp = xp_of(x)
        return xp.sum(x, dtype=native_dtype(xp, dtype) if dtype is not None else None)

    @staticmethod
    def backward(ctx, grad):
        return expanded(grad, ctx.shape)


class SumDim(Primitive):
    """out = sum over ``dim``;  grad_x = grad copied along the summed dimensions."""

    backward_on_arrays = True

    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim=False, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        xp = xp_of(x)
        out = xp.sum(
            x, axis=dim, keepdims=keepdim, dtype=native_dtype(xp, dtype) if dtype is not None else None
        )
        return _row_by_row(xp, out)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)


class Nansum(Primitive):
    """out = sum of the elements that are not NaN (over ``dims``, all when None);
    grad_x = grad copied to those elements, 0 at the NaNs."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False, dtype=None):
        xp = xp_of(x)
        numbers = ~xp.isnan(x)
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.save_for_backward(_wrap(numbers))
        out = xp.sum(
            xp.where(numbers, x, xp.zeros_like(x)),
            axis=dims,
            keepdims=keepdim,
            dtype=native_dtype(xp, dtype) if dtype is not None else None,
        )
        return _row_by_row(xp, out)

    @staticmethod
    def backward(ctx, grad):
        (numbers,) = ctx.saved_tensors
        spread = expanded(grad, ctx.shape) if ctx.dims is None else _expand_back(
            grad, ctx.shape, ctx.dims, ctx.keepdim
        )
        return masked(spread, numbers)


class Mean(Primitive):
    """out = mean of all elements;  grad_x = grad / numel for every element."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        ctx.count = builtins.max(x.size, 1)
        # The same sum / n that NumPy's mean computes, without its slower Python wrapper.
        if not x.size:
            return xp_of(x).mean(x)  # (NaN, as in PyTorch)
        return (x.sum() if type(x) is np.ndarray else xp_of(x).sum(x)) / x.size

    @staticmethod
    def backward(ctx, grad):
        return expanded(grad / ctx.count, ctx.shape)


class MeanDim(Primitive):
    """out = mean over ``dim``;  grad_x = grad / (number averaged) along those dimensions."""

    backward_on_arrays = True

    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        ctx.count = int(np.prod([x.shape[d] for d in dim])) if dim else 1
        xp = xp_of(x)
        return _row_by_row(xp, xp.mean(x, axis=dim, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad / ctx.count, ctx.shape, ctx.dims, ctx.keepdim)


# ---- Primitives: largest and smallest -----------------------------------------------------------

class _ExtremeAll(Primitive):
    """out = the largest (smallest) element;  grad shared equally by the elements equal to it."""

    _reduce = "max"

    @classmethod
    def forward(cls, ctx, x):
        out = getattr(xp_of(x), cls._reduce)(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        winners = (x == out).to(grad.dtype)
        return grad * winners / winners.sum()


class MaxAll(_ExtremeAll):
    node_name = "MaxBackward1"
    _reduce = "max"


class MinAll(_ExtremeAll):
    node_name = "MinBackward1"
    _reduce = "min"


class _ExtremeDim(Primitive):
    """out = the largest (smallest) values along ``dim``;  grad goes to the index that won."""

    _reduce = "max"

    @classmethod
    def forward(cls, ctx, x, dim, keepdim=False):
        xp = xp_of(x)
        indices = getattr(xp, "arg" + cls._reduce)(x, axis=dim, keepdims=True)
        values = xp.take_along_axis(x, indices, axis=dim)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        ctx.save_for_backward(indices)
        return values if keepdim else xp.squeeze(values, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        xp = xp_of(indices._array)
        positions = xp.reshape(
            xp.arange(ctx.shape[ctx.dim], **_same_device(xp, indices._array)),
            tuple(-1 if d == ctx.dim else 1 for d in range(len(ctx.shape))),
        )
        one_hot = _wrap(positions == indices._array)
        if not ctx.keepdim:
            grad = grad.unsqueeze(ctx.dim)
        return grad * one_hot


class MaxDim(_ExtremeDim):
    node_name = "MaxBackward0"
    _reduce = "max"


class MinDim(_ExtremeDim):
    node_name = "MinBackward0"
    _reduce = "min"


class _ExtremeOverDims(Primitive):
    """out = the largest (smallest) values over ``dims`` (``amax``/``amin``);  grad shared
    equally by the elements equal to their slice's extreme (``max(dim)`` picks one instead)."""

    _reduce = "max"

    @classmethod
    def forward(cls, ctx, x, dims, keepdim=False):
        out = getattr(xp_of(x), cls._reduce)(x, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        ctx.dims, ctx.keepdim = dims, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        extreme = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        winners = (x == extreme).to(grad.dtype)
        shared = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim) / winners.sum(
            ctx.dims, keepdim=True
        )
        return shared * winners


class Amax(_ExtremeOverDims):
    _reduce = "max"


class Amin(_ExtremeOverDims):
    _reduce = "min"


# ---- Primitives: products -----------------------------------------------------------------------

class Prod(Primitive):
    """out = product of all elements;  grad_x[i] = grad * (product of all the others)."""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).prod(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return grad * _product_of_others(x, out, None)


class ProdDim(Primitive):
    """out = product along ``dim``;  grad_x[i] = grad * (product of the others along dim)."""

    node_name = "ProdBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        xp = xp_of(x)
        out = _row_by_row(xp, xp.prod(x, axis=dim, keepdims=keepdim))
        ctx.save_for_backward(x, out)  # the returned array, so double backward sees it
        ctx.dim, ctx.keepdim = dim, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            grad, out = grad.unsqueeze(ctx.dim), out.unsqueeze(ctx.dim)
        return grad * _product_of_others(x, out, ctx.dim)


def _product_of_others(x: Tensor, out: Tensor, dim: int | None) -> Tensor:
    """prod(x) / x, computed without dividing by zero when some x are 0."""
    xp = xp_of(x._array)
    if not bool(xp.any(x._array == 0)):
        return out / x
    # With zeros, multiply the products of everything before and after each element.
    array = x._array.reshape(-1) if dim is None else x._array
    axis = 0 if dim is None else dim
    ones_shape = list(array.shape)
    ones_shape[axis] = 1
    ones = xp.ones(ones_shape, dtype=array.dtype)
    before = xp.cumprod(xp.concat([ones, array], axis=axis), axis=axis)
    length = array.shape[axis]
    before = xp.take(before, xp.arange(length), axis=axis)
    flipped = xp.flip(array, axis=axis)
    after = xp.flip(
        xp.take(
            xp.cumprod(xp.concat([ones, flipped], axis=axis), axis=axis),
            xp.arange(length),
            axis=axis,
        ),
        axis=axis,
    )
    return _wrap((before * after).reshape(x._array.shape))


# ---- Primitives: variance and standard deviation ------------------------------------------------

class Var(Primitive):
    """out = sum((x - mean)**2) / (n - correction);  grad_x = grad * 2 (x - mean) / (n - correction)."""

    @staticmethod
    def forward(ctx, x, dim=None, correction=1, keepdim=False):
        ctx.save_for_backward(x)
        ctx.dim, ctx.correction, ctx.keepdim = dim, correction, keepdim
        xp = xp_of(x)
        return _row_by_row(xp, xp.var(x, axis=dim, correction=correction, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        dims = _dims(ctx.dim, x.ndim)
        count = int(np.prod([x.shape[d] for d in dims]))
        centred = x - x.mean(dims, keepdim=True)
        grad = _expand_back(grad, x.shape, dims, ctx.keepdim) if dims else grad
        return grad * centred * (2.0 / builtins.max(count - ctx.correction, 0))


class Std(Primitive):
    """out = sqrt(var(x));  grad_x = grad * (x - mean) / ((n - correction) * out), and 0 where
    out is 0 (all values equal), as in PyTorch."""

    @staticmethod
    def forward(ctx, x, dim=None, correction=1, keepdim=False):
        xp = xp_of(x)
        out = _row_by_row(xp, xp.std(x, axis=dim, correction=correction, keepdims=keepdim))
        ctx.save_for_backward(x, out)
        ctx.dim, ctx.correction, ctx.keepdim = dim, correction, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        dims = _dims(ctx.dim, x.ndim)
        count = int(np.prod([x.shape[d] for d in dims]))
        centred = x - x.mean(dims, keepdim=True)
        scaled = _divided_where_nonzero(grad, out) / builtins.max(count - ctx.correction, 0)
        if dims:
            scaled = _expand_back(scaled, x.shape, dims, ctx.keepdim)
        return scaled * centred


# ---- Primitives: norms --------------------------------------------------------------------------

class LinalgVectorNorm(Primitive):
    """out = the ``ord``-norm over ``dims``: (sum |x|**ord) ** (1/ord); ord = inf is max |x|,
    -inf min |x|, 0 the count of nonzeros.
    grad_x = grad * x / out for ord 2 (0 where out is 0: x = 0 is a minimum), grad * sign(x)
    for ord 1, and in general grad * sign(x) |x|**(ord-1) / out**(ord-1) (PyTorch's formulas,
    ``_norm_gradient`` below); for ord = inf the elements with |x| = out share grad equally.
    """

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim=False, ord=2):
        xp = xp_of(x)
        out = _row_by_row(xp, _vector_norm_of(xp, x, ord, dims, keepdim))
        ctx.save_for_backward(x, out)
        ctx.dims, ctx.keepdim, ctx.ord = dims, keepdim, ord
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if ctx.ord == 0:  # piecewise constant: PyTorch gives no gradient at all
            return None
        grad = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim)
        out = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        return _norm_gradient(x, out, grad, ctx.ord, ctx.dims)


def _vector_norm_of(xp: Any, x: Any, ord: float, dims: Any, keepdim: bool) -> Any:
    """The ``ord``-norm of array ``x`` over ``dims`` (forward of the norm-like primitives)."""
    if ord == 2:
        return xp.sqrt(xp.sum(x * x, axis=dims, keepdims=keepdim))
    magnitude = xp.abs(x)
    if ord == float("inf"):
        return xp.max(magnitude, axis=dims, keepdims=keepdim)
    if ord == -float("inf"):
        return xp.min(magnitude, axis=dims, keepdims=keepdim)
    if ord == 0:
        return xp.sum(xp.astype(x != 0, x.dtype), axis=dims, keepdims=keepdim)
    if ord == 1:
        return xp.sum(magnitude, axis=dims, keepdims=keepdim)
    return xp.sum(magnitude**ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


def _norm_gradient(x: Tensor, out: Tensor, grad: Tensor, ord: float, dims: Any) -> Tensor:
    """grad * d(out)/dx for out = the ``ord``-norm of x over ``dims``, with ``out`` and ``grad``
    already expanded to x's shape. For ord = +-inf the elements that reach out share grad
    equally when ``dims`` is given (vector norms), and each gets all of it when ``dims`` is
    None (cdist, as in PyTorch)."""
    if ord == 0:
        return x * 0
    if ord == 1:
        return grad * x.sign()
    if ord == 2:
        return _divided_where_nonzero(grad, out) * x
    if ord in (float("inf"), -float("inf")):
        reached = (x.abs() == out).to(grad.dtype)
        if dims is not None:
            reached = reached / reached.sum(dims, keepdim=True)
        return grad * x.sign() * reached
    # sign(x) |x|**(ord-1), set to 0 where x = 0 without ever forming 0 ** negative.
    nonzero = x != 0
    powered = x.sign() * masked(choose(nonzero, x.abs(), 1.0) ** (ord - 1), nonzero)
    if ord < 1:
        return powered * grad * out ** (1 - ord)
    return powered * _divided_where_nonzero(grad, out ** (ord - 1))


class Norm(LinalgVectorNorm):
    """``at::norm(x, p, dim)``, what pairwise_distance calls: LinalgVectorNorm's formulas,
    recorded as PyTorch's NormBackward1."""

    node_name = "NormBackward1"


# ---- Primitives: softmax and log-sum-exp --------------------------------------------------------

def _divided_where_nonzero(grad: Any, out: Any) -> Any:
    """grad / out where out is not 0, and 0 where it is (no division by zero happens)."""
    nonzero = out != 0
    return masked(grad / choose(nonzero, out, out + 1), nonzero)


class Softmax(Primitive):
    """out = exp(x) / sum(exp(x)) along dim;  grad_x = out * (grad - sum(grad * out))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim):
        xp = xp_of(x)
        if 0 in x.shape:  # no elements: nothing to normalise
            out = xp.asarray(x, copy=True)
        else:  # minus the max first: the same result, and exp never overflows
            shifted = xp.exp(x - _max_keepdim(xp, x, dim))
            out = _row_by_row(xp, shifted / _sum_keepdim(xp, shifted, dim))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - sum_keepdim(grad * out, ctx.dim))


class LogSoftmax(Primitive):
    """out = x - log(sum(exp(x))) along dim;  grad_x = grad - exp(out) * sum(grad)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim):
        xp = xp_of(x)
        if 0 in x.shape:  # no elements: nothing to normalise
            out = xp.asarray(x, copy=True)
        else:
            shifted = x - _max_keepdim(xp, x, dim)
            out = shifted - xp.log(_sum_keepdim(xp, xp.exp(shifted), dim))
            out = _row_by_row(xp, out)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - exp_of(out) * sum_keepdim(grad, ctx.dim)


class Logsumexp(Primitive):
    """out = log(sum(exp(x))) along dim;  grad_x = grad * exp(x - out)."""

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        xp = xp_of(x)
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if all(x.shape[d] for d in dims):
            peak = xp.max(x, axis=dim, keepdims=True)
        else:  # a sum of no terms is 0, and log(0) = -inf; no max to subtract
            kept = tuple(1 if d in dims or d - x.ndim in dims else n for d, n in enumerate(x.shape))
            peak = xp.zeros(kept, dtype=x.dtype)
        out = xp.log(xp.sum(xp.exp(x - peak), axis=dim, keepdims=True)) + peak
        out = _row_by_row(xp, out if keepdim else xp.squeeze(out, axis=dim))
        ctx.save_for_backward(x, out)  # the returned array, so double backward sees it
        ctx.dim, ctx.keepdim = dim, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            grad = grad.unsqueeze(ctx.dim)
            out = out.unsqueeze(ctx.dim) if out.ndim < x.ndim else out
        return grad * (x - out).exp()


# ---- Methods: sums and means --------------------------------------------------------------------

def _dim_tuple(dim: Any, ndim: int) -> tuple[int, ...]:
    if isinstance(dim, builtins.int):
        dim = (dim,)
    return tuple(_normalize_dim(d, ndim) for d in dim)


def sum(
    self: Tensor, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None
) -> Tensor:
    """Sum of all elements, or along ``dim`` (an int or a tuple of ints)."""
    if dtype is not None:
        dtype = dtypes.to_dtype(dtype)
    elif not self.dtype.is_floating_point:
        dtype = dtypes.int64
    if dim is None:
        return Sum.apply(self, dtype=dtype)
    return SumDim.apply(self, dim=_dim_tuple(dim, self.ndim), keepdim=keepdim, dtype=dtype)


def nansum(
    self: Tensor, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None
) -> Tensor:
    """Sum that skips NaNs (NansumBackward0): the gradient is 0 at the NaNs, 1 elsewhere."""
    if not self.dtype.is_floating_point:  # integers hold no NaN: an ordinary sum
        return sum(self, dim, keepdim, dtype=dtype)
    dims = None if dim is None else _dim_tuple(dim, self.ndim)
    chosen = dtypes.to_dtype(dtype) if dtype is not None else None
    return Nansum.apply(self, dims=dims, keepdim=keepdim, dtype=chosen)


def mean(self: Tensor, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
    """Average of all elements, or along ``dim``."""
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {dtypes.LEGACY_NAMES[self.dtype.name].replace('Tensor', '')}"
        )
    if dim is None:
        return Mean.apply(self)
    return MeanDim.apply(self, dim=_dim_tuple(dim, self.ndim), keepdim=keepdim)


# ---- Methods: largest and smallest --------------------------------------------------------------

def _check_something_to_choose(self: Tensor, dims: tuple | None, name: str) -> None:
    """PyTorch's errors for a max/min over nothing: of an empty tensor without ``dim``, or
    along a dimension of size 0 (other empty dimensions just give an empty result)."""
    if dims is None and self.numel() == 0:
        message = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
        if name.startswith("arg"):  # PyTorch's argmax/argmin say it this way
            raise IndexError(message)
        raise RuntimeError(message + " Specify the reduction dim with the 'dim' argument.")
    for dim in dims or ():
        if self._array.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


def _extreme(self: Tensor, dim: Any, keepdim: builtins.bool, name: str) -> Any:
    if isinstance(dim, Tensor):
        return maximum(self, dim) if name == "max" else minimum(self, dim)
    if dim is None:
        _check_something_to_choose(self, None, name)
        return (MaxAll if name == "max" else MinAll).apply(self)
    dim = _normalize_dim(dim, self.ndim)
    _check_something_to_choose(self, (dim,), name)
    values = (MaxDim if name == "max" else MinDim).apply(self, dim=dim, keepdim=keepdim)
    xp = _backend.xp_of(self._array)
    indices = _wrap(getattr(xp, "arg" + name)(self._array, axis=dim, keepdims=keepdim))
    return (MaxResult if name == "max" else MinResult)(values, indices.long())


def max(self: Tensor, dim: Any = None, keepdim: builtins.bool = False) -> Any:
    """The largest element; with ``dim``, a (values, indices) pair along it."""
    return _extreme(self, dim, keepdim, "max")


def min(self: Tensor, dim: Any = None, keepdim: builtins.bool = False) -> Any:
    """The smallest element; with ``dim``, a (values, indices) pair along it."""
    return _extreme(self, dim, keepdim, "min")


def amax(self: Tensor, dim: Any = (), keepdim: builtins.bool = False) -> Tensor:
    """The largest values over ``dim`` (all dimensions by default); ties share the gradient."""
    everything = dim in ((), None)
    dims = _dims(None if everything else dim, self.ndim)
    _check_something_to_choose(self, None if everything else dims, "amax")
    return Amax.apply(self, dims=dims, keepdim=keepdim)


def amin(self: Tensor, dim: Any = (), keepdim: builtins.bool = False) -> Tensor:
    """The smallest values over ``dim`` (all dimensions by default); ties share the gradient."""
    everything = dim in ((), None)
    dims = _dims(None if everything else dim, self.ndim)
    _check_something_to_choose(self, None if everything else dims, "amin")
    return Amin.apply(self, dims=dims, keepdim=keepdim)


def _arg_extreme(self: Tensor, dim: int | None, keepdim: builtins.bool, name: str) -> Tensor:
    """argmax/argmin: where the extreme is (in the flattened tensor when ``dim`` is None)."""
    xp = _backend.xp_of(self._array)
    find = getattr(xp, name)
    if dim is None:
        _check_something_to_choose(self, None, name)
        out = find(xp.reshape(self._array, (-1,)))
        return _wrap(xp.reshape(out, (1,) * self.ndim) if keepdim else out).long()
    dim = _normalize_dim(dim, self.ndim)
    _check_something_to_choose(self, (dim,), name)
    return _wrap(find(self._array, axis=dim, keepdims=keepdim)).long()


def argmax(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
    """Index of the largest element (of the flattened tensor when ``dim`` is None)."""
    return _arg_extreme(self, dim, keepdim, "argmax")


def argmin(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
    """Index of the smallest element (of the flattened tensor when ``dim`` is None)."""
    return _arg_extreme(self, dim, keepdim, "argmin")


# ---- Methods: products, variance and standard deviation -----------------------------------------

def prod(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
    if dim is None:
        return Prod.apply(self)
    return ProdDim.apply(self, dim=_normalize_dim(dim, self.ndim), keepdim=keepdim)


def _spread(primitive: Any, self: Tensor, dim: Any, unbiased: Any, keepdim: Any, correction: Any):
    """``var`` or ``std``: PyTorch's two spellings of the correction (``unbiased=`` and
    ``correction=``) become one number, n - correction being the divisor."""
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = None if dim is None else _dim_tuple(dim, self.ndim)
    return primitive.apply(self, dim=dims, correction=correction, keepdim=keepdim)


def var(
    self: Tensor,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: builtins.bool = False,
    *,
    correction: Any = None,
) -> Tensor:
    """Variance (with Bessel's correction by default: divides by n - 1)."""
    return _spread(Var, self, dim, unbiased, keepdim, correction)


def std(
    self: Tensor,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: builtins.bool = False,
    *,
    correction: Any = None,
) -> Tensor:
    """Standard deviation, the square root of ``var``."""
    return _spread(Std, self, dim, unbiased, keepdim, correction)


# ---- Methods: norms -----------------------------------------------------------------------------

def norm(
    self: Tensor, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None
) -> Tensor:
    """The p-norm (sum |x|**p) ** (1/p) over ``dim`` (all elements by default); "fro" is the
    2-norm. One LinalgVectorNormBackward0 node for every p, as in PyTorch (see
    ``ak.linalg.vector_norm``)."""
    if isinstance(p, str):
        if p != "fro":  # "nuc", the sum of the singular values
            raise NotImplementedError(f"autograd_kit's norm takes p='fro' or a number, not {p!r}")
        p = 2
    return vector_norm(self, p, dim, keepdim, dtype=dtype)


def vector_norm(
    x: Tensor,
    ord: Any = 2,
    dim: Any = None,
    keepdim: builtins.bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """``torch.linalg.vector_norm``: (sum |x|**ord) ** (1/ord) over ``dim`` (every element when
    None), with ord = inf the largest |x|, -inf the smallest, 0 the count of nonzeros.

    Example:
        >>> ak.linalg.vector_norm(ak.tensor([3.0, -4.0])), ak.linalg.vector_norm(ak.tensor([3.0, -4.0]), 1)
        (tensor(5.), tensor(7.))
    """
    if isinstance(ord, str):
        raise TypeError(
            f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}"
        )
    if dtype is not None:
        x = x.to(dtypes.to_dtype(dtype))
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {_type_word_of(x.dtype)}"
        )
    dims = _dims(None if dim in (None, ()) else dim, x.ndim)
    return LinalgVectorNorm.apply(x, dims=dims, keepdim=keepdim, ord=ord)


# ---- Methods: softmax and log-sum-exp -----------------------------------------------------------

def softmax(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """exp(x) / exp(x).sum(dim) (SoftmaxBackward0); ``dtype`` converts the input first."""
    self, dim = _softmax_input(self, dim, dtype, "softmax")
    return Softmax.apply(self, dim=dim)


def log_softmax(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """x - logsumexp(x, dim) (LogSoftmaxBackward0); ``dtype`` converts the input first."""
    self, dim = _softmax_input(self, dim, dtype, "log_softmax")
    return LogSoftmax.apply(self, dim=dim)


def _softmax_input(self: Tensor, dim: int, dtype: Any, name: str) -> tuple[Tensor, int]:
    """The input in ``dtype`` (if given) and the normalised dim; integers are refused, as
    PyTorch's kernels have no integer version."""
    if dtype is not None:
        self = self.to(dtype)
    dim = _normalize_dim(dim, self.ndim)
    if not self.dtype.is_floating_point:
        kernel = "lastdim_kernel_impl" if dim == builtins.max(self.ndim - 1, 0) else "kernel_impl"
        raise _not_implemented_for(f"{name}_{kernel}", self.dtype)
    return self, dim


def logsumexp(self: Tensor, dim: int, keepdim: builtins.bool = False) -> Tensor:
    return Logsumexp.apply(_floating(self), dim=_normalize_dim(dim, self.ndim), keepdim=keepdim)


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "sum": sum,
        "mean": mean,
        "max": max,
        "min": min,
        "amax": amax,
        "amin": amin,
        "argmax": argmax,
        "argmin": argmin,
        "prod": prod,
        "var": var,
        "std": std,
        "softmax": softmax,
        "log_softmax": log_softmax,
        "logsumexp": logsumexp,
        "norm": norm,
        "nansum": nansum,
    },
)
