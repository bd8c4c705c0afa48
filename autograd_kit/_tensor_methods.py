"""Tensor methods and operators: the doors from ``x * y`` to the primitives in ``ops.py``.

Each method checks its arguments the way PyTorch does (type promotion, broadcasting, same
device, valid dims), picks the primitive PyTorch would record (``x.sum()`` is SumBackward0,
``x.sum(0)`` SumBackward1) and applies it. In-place methods (ending in ``_``) share one
mechanism, ``_inplace``. The functions are attached to ``Tensor`` at the bottom of the file
and the module-level ones (``ak.exp``, ``ak.where``, ...) are re-exported by the package.
"""

from __future__ import annotations

import builtins
import math
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _backend, dtypes, ops
from ._errors import explain
from .autograd import views
from .autograd.grad_mode import grad_state
from .autograd.graph import accumulator_of, input_meta
from .ops import _UNRECORDED, native_dtype
from .tensor import MaxResult, MinResult, Tensor, _normalize_dim, _wrap

_SCALARS = (builtins.int, builtins.float, builtins.bool)


# ---- argument checks shared by every operation ------------------------------------------------


def _check_same_device(first: Tensor, second: Tensor) -> None:
    if not _backend.same_device(first._array, second._array):
        raise RuntimeError(
            explain(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{second.device} and {first.device}!",
                "device_mismatch",
            )
        )


def broadcast_shapes(first: tuple, second: tuple) -> tuple:
    """The shape two shapes broadcast to, or PyTorch's error naming the clashing dimension."""
    ndim = builtins.max(len(first), len(second))
    padded_a = (1,) * (ndim - len(first)) + tuple(first)
    padded_b = (1,) * (ndim - len(second)) + tuple(second)
    shape = []
    for dim, (size_a, size_b) in enumerate(zip(padded_a, padded_b)):
        if size_a != size_b and size_a != 1 and size_b != 1:
            raise RuntimeError(
                explain(
                    f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                    f"at non-singleton dimension {dim}",
                    "broadcast",
                )
            )
        shape.append(size_a if size_b == 1 else size_b)
    return tuple(shape)


def _promote(tensor: Tensor, dtype: dtypes.dtype) -> Tensor:
    """``tensor`` computed in ``dtype``, still at the same place in the graph.

    Like PyTorch, mixing dtypes records no conversion node: the operation computes in the
    promoted dtype and the engine converts the gradient back to the input's dtype.
    """
    if tensor.dtype is dtype:
        return tensor
    xp = _backend.xp_of(tensor._array)
    alias = _wrap(xp.astype(tensor._array, native_dtype(xp, dtype)), tensor.grad_fn)
    alias._requires_grad = tensor._requires_grad
    alias._output_nr = tensor._output_nr
    alias._version_counter = tensor._version_counter
    alias._grad_meta = input_meta(tensor._array)  # its gradient goes back in tensor's dtype
    if tensor._requires_grad and tensor.grad_fn is None:
        # The leaf's own AccumulateGrad: its gradient must reach the leaf, not this alias. A
        # leaf holds that node weakly, so the alias holds it until the operation records it.
        alias._leaf_accumulator = accumulator_of(tensor)
        alias._accumulator = weakref.ref(alias._leaf_accumulator)
    return alias


def _as_number(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _binary(
    primitive: type[ops.Primitive],
    a: Tensor,
    b: Any,
    floating: bool = False,
    number_as: str | None = None,
    **settings: Any,
) -> Tensor:
    """Apply a two-input primitive to a tensor and a tensor-or-number, PyTorch style.

    ``number_as`` names the setting a plain number is passed as when PyTorch treats it as a
    setting of the operation rather than an input (``x ** 2``: PowBackward0 has one edge).
    """
    number_type = type(b)
    if (number_type is builtins.float or number_type is builtins.int) and getattr(
        a._array.dtype, "kind", "?"
    ) == "f":
        # The common case: a float tensor and a number.
        if number_as is not None:
            return primitive.apply(a, **{number_as: b}, **settings)
        return primitive.apply(a, b, **settings)
    if isinstance(b, Tensor):
        array_a, array_b = a._array, b._array
        if type(array_a) is not np.ndarray or type(array_b) is not np.ndarray:
            _check_same_device(a, b)
        if array_a.dtype != array_b.dtype or (
            floating and getattr(array_a.dtype, "kind", "?") not in "fc"
        ):
            result = dtypes.result_type(a, b)
            if floating and not result.is_floating_point:
                result = dtypes.DEFAULT_FLOAT
            a, b = _promote(a, result), _promote(b, result)
        if array_a.shape != array_b.shape:
            try:
                return primitive.apply(a, b, **settings)
            except ValueError:  # the array library's words: raise PyTorch's instead
                broadcast_shapes(array_a.shape, array_b.shape)
                raise
        return primitive.apply(a, b, **settings)
    b = _as_number(b)
    if not isinstance(b, _SCALARS):
        return NotImplemented
    if (
        getattr(a._array.dtype, "kind", "?") != "f"
        or type(b) is not builtins.float
        and type(b) is not builtins.int
    ):
        result = dtypes.result_type(a, b)
        if floating and not result.is_floating_point:
            result = dtypes.DEFAULT_FLOAT
        a = _promote(a, result)
    if number_as is not None:
        return primitive.apply(a, **{number_as: b}, **settings)
    return primitive.apply(a, b, **settings)


def _scalar_tensor_like(value: Any, like: Tensor) -> Tensor:
    xp = _backend.xp_of(like._array)
    dtype = dtypes.result_type(like, value)
    kwargs = {} if xp is np else {"device": like._array.device}
    return _wrap(xp.asarray(value, dtype=native_dtype(xp, dtype), **kwargs))


# ---- arithmetic operators ---------------------------------------------------------------------


def add(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """self + alpha * other."""
    return _binary(ops.Add, self, other, alpha=alpha)


def sub(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """self - alpha * other."""
    return _binary(ops.Sub, self, other, alpha=alpha)


def mul(self: Tensor, other: Any) -> Tensor:
    return _binary(ops.Mul, self, other)


def div(self: Tensor, other: Any) -> Tensor:
    """True division: integer inputs give a floating point result, as in PyTorch."""
    return _binary(ops.Div, self, other, floating=True)


def pow(self: Tensor, exponent: Any) -> Tensor:
    if isinstance(exponent, Tensor):
        return _binary(ops.PowTensor, self, exponent)
    return _binary(ops.Pow, self, exponent, number_as="exponent")


def _radd(self: Tensor, other: Any) -> Tensor:
    return _binary(ops.Add, self, other)


def _rsub(self: Tensor, other: Any) -> Tensor:
    return _binary(ops.Rsub, self, other, number_as="number")


def _rmul(self: Tensor, other: Any) -> Tensor:
    return _binary(ops.Mul, self, other)


def _rtruediv(self: Tensor, other: Any) -> Tensor:
    # PyTorch computes number / x as reciprocal(x) * number, so the graph shows MulBackward0.
    if not self.dtype.is_floating_point:
        self = _promote(self, dtypes.DEFAULT_FLOAT)
    return _binary(ops.Mul, ops.Reciprocal.apply(self), other)


def _rpow(self: Tensor, other: Any) -> Tensor:
    other = _as_number(other)
    if not isinstance(other, _SCALARS):
        return NotImplemented
    if not self.dtype.is_floating_point and isinstance(other, builtins.float):
        self = _promote(self, dtypes.DEFAULT_FLOAT)
    return ops.PowScalarBase.apply(self, base=other)


def neg(self: Tensor) -> Tensor:
    return ops.Neg.apply(self)


def _pos(self: Tensor) -> Tensor:
    return self


# ---- comparisons and logic (never differentiable) ---------------------------------------------


def _compare(name: str) -> Any:
    def compare(self: Tensor, other: Any) -> Tensor:
        if isinstance(other, Tensor):
            _check_same_device(self, other)
            if self._array.shape != other._array.shape:
                broadcast_shapes(self._array.shape, other._array.shape)
            other = other._array
        elif not isinstance(_as_number(other), _SCALARS):
            return NotImplemented
        return _wrap(getattr(self._array, name)(_as_number(other)))

    compare.__name__ = name.strip("_")
    compare.__doc__ = f"Elementwise ``{name.strip('_')}`` comparison: a bool tensor, not recorded."
    return compare


def _logical(name: str) -> Any:
    def logical(self: Tensor, other: Any) -> Tensor:
        other_array = other._array if isinstance(other, Tensor) else other
        return _wrap(getattr(self._array, name)(other_array))

    return logical


def _invert(self: Tensor) -> Tensor:
    xp = _backend.xp_of(self._array)
    if self.dtype is dtypes.bool_:
        return _wrap(xp.logical_not(self._array))
    return _wrap(~self._array)


def logical_not(self: Tensor) -> Tensor:
    return _wrap(_backend.xp_of(self._array).logical_not(self._array))


def eq_all(self: Tensor, other: Tensor) -> builtins.bool:
    """``torch.equal``: same shape and the same values everywhere."""
    return self.shape == other.shape and builtins.bool((self == other).all())


def allclose(
    self: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: builtins.bool = False,
) -> builtins.bool:
    """True when ``|self - other| <= atol + rtol * |other|`` everywhere."""
    return builtins.bool(isclose(self, other, rtol, atol, equal_nan).all())


def isclose(
    self: Tensor,
    other: Any,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: builtins.bool = False,
) -> Tensor:
    other_array = other._array if isinstance(other, Tensor) else other
    first = _backend.asnumpy(self._array)
    second = _backend.asnumpy(other_array) if isinstance(other, Tensor) else other_array
    close = np.isclose(first, second, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return _wrap(_backend.to_device(close, self.device))


def all(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
    xp = _backend.xp_of(self._array)
    return _wrap(xp.all(self._array, axis=dim, keepdims=keepdim))


def any(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
    xp = _backend.xp_of(self._array)
    return _wrap(xp.any(self._array, axis=dim, keepdims=keepdim))


def isnan(self: Tensor) -> Tensor:
    return _wrap(_backend.xp_of(self._array).isnan(self._array))


def isfinite(self: Tensor) -> Tensor:
    return _wrap(_backend.xp_of(self._array).isfinite(self._array))


# ---- elementwise functions --------------------------------------------------------------------


def _floating(self: Tensor) -> Tensor:
    """Integer inputs of exp, log, sin, ... compute in the default float dtype (PyTorch does)."""
    if getattr(self._array.dtype, "kind", None) == "f" or self.dtype.is_floating_point:
        return self  # (the first test is the quick one for NumPy and CuPy arrays)
    return _promote(self, dtypes.DEFAULT_FLOAT)


def exp(self: Tensor) -> Tensor:
    return ops.Exp.apply(_floating(self))


def log(self: Tensor) -> Tensor:
    return ops.Log.apply(_floating(self))


def sqrt(self: Tensor) -> Tensor:
    return ops.Sqrt.apply(_floating(self))


def rsqrt(self: Tensor) -> Tensor:
    return ops.Reciprocal.apply(sqrt(self))


def abs(self: Tensor) -> Tensor:
    return ops.Abs.apply(self)


def sign(self: Tensor) -> Tensor:
    return ops.Sign.apply(self)


def sin(self: Tensor) -> Tensor:
    return ops.Sin.apply(_floating(self))


def cos(self: Tensor) -> Tensor:
    return ops.Cos.apply(_floating(self))


def tanh(self: Tensor) -> Tensor:
    return ops.Tanh.apply(_floating(self))


def sigmoid(self: Tensor) -> Tensor:
    return ops.Sigmoid.apply(_floating(self))


def relu(self: Tensor) -> Tensor:
    return ops.Relu.apply(self)


def reciprocal(self: Tensor) -> Tensor:
    return ops.Reciprocal.apply(_floating(self))


def square(self: Tensor) -> Tensor:
    return ops.Pow.apply(self, exponent=2)


def clamp(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit every element to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return ops.Clamp.apply(self, min=_as_number(min), max=_as_number(max))


def clamp_min(self: Tensor, min: Any) -> Tensor:
    """max(x, min) elementwise; PyTorch records it as its own node, ClampMinBackward0."""
    return ops.ClampMin.apply(self, min=_as_number(min))


def clamp_max(self: Tensor, max: Any) -> Tensor:
    return clamp(self, max=max)


def where(condition: Tensor, x: Any, y: Any) -> Tensor:
    """Elements of ``x`` where ``condition`` is true, elsewhere of ``y`` (tensors or numbers)."""
    tensors = [value for value in (x, y) if isinstance(value, Tensor)]
    if not tensors:
        raise TypeError("where() expected at least one of x and y to be a Tensor")
    result = dtypes.result_type(*(x, y))
    x = (
        _promote(x, result)
        if isinstance(x, Tensor)
        else _scalar_tensor_like(x, tensors[0]).to(result)
    )
    y = (
        _promote(y, result)
        if isinstance(y, Tensor)
        else _scalar_tensor_like(y, tensors[0]).to(result)
    )
    for value in (x, y):
        _check_same_device(condition, value)
    shape = broadcast_shapes(
        condition._array.shape, broadcast_shapes(x._array.shape, y._array.shape)
    )
    del shape
    return ops.Where.apply(condition, x, y)


def maximum(self: Tensor, other: Tensor) -> Tensor:
    return _binary(ops.Maximum, self, other)


def minimum(self: Tensor, other: Tensor) -> Tensor:
    return _binary(ops.Minimum, self, other)


def masked_fill(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``value`` where ``mask`` is true, ``self`` elsewhere."""
    return where(mask, _as_number(value) if not isinstance(value, Tensor) else value, self)


# ---- reductions -------------------------------------------------------------------------------


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
        return ops.Sum.apply(self, dtype=dtype)
    return ops.SumDim.apply(self, dim=_dim_tuple(dim, self.ndim), keepdim=keepdim, dtype=dtype)


def mean(self: Tensor, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
    """Average of all elements, or along ``dim``."""
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {dtypes.LEGACY_NAMES[self.dtype.name].replace('Tensor', '')}"
        )
    if dim is None:
        return ops.Mean.apply(self)
    return ops.MeanDim.apply(self, dim=_dim_tuple(dim, self.ndim), keepdim=keepdim)


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
        return (ops.MaxAll if name == "max" else ops.MinAll).apply(self)
    dim = _normalize_dim(dim, self.ndim)
    _check_something_to_choose(self, (dim,), name)
    values = (ops.MaxDim if name == "max" else ops.MinDim).apply(self, dim=dim, keepdim=keepdim)
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
    dims = ops._dims(None if everything else dim, self.ndim)
    _check_something_to_choose(self, None if everything else dims, "amax")
    return ops.Amax.apply(self, dims=dims, keepdim=keepdim)


def amin(self: Tensor, dim: Any = (), keepdim: builtins.bool = False) -> Tensor:
    """The smallest values over ``dim`` (all dimensions by default); ties share the gradient."""
    everything = dim in ((), None)
    dims = ops._dims(None if everything else dim, self.ndim)
    _check_something_to_choose(self, None if everything else dims, "amin")
    return ops.Amin.apply(self, dims=dims, keepdim=keepdim)


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


def prod(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
    if dim is None:
        return ops.Prod.apply(self)
    return ops.ProdDim.apply(self, dim=_normalize_dim(dim, self.ndim), keepdim=keepdim)


def _correction(unbiased: Any, correction: Any) -> Any:
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(
    self: Tensor,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: builtins.bool = False,
    *,
    correction: Any = None,
) -> Tensor:
    """Variance (with Bessel's correction by default: divides by n - 1)."""
    dims = None if dim is None else _dim_tuple(dim, self.ndim)
    return ops.Var.apply(
        self, dim=dims, correction=_correction(unbiased, correction), keepdim=keepdim
    )


def std(
    self: Tensor,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: builtins.bool = False,
    *,
    correction: Any = None,
) -> Tensor:
    """Standard deviation, the square root of ``var``."""
    dims = None if dim is None else _dim_tuple(dim, self.ndim)
    return ops.Std.apply(
        self, dim=dims, correction=_correction(unbiased, correction), keepdim=keepdim
    )


def softmax(self: Tensor, dim: int) -> Tensor:
    return ops.Softmax.apply(_floating(self), dim=_normalize_dim(dim, self.ndim))


def log_softmax(self: Tensor, dim: int) -> Tensor:
    return ops.LogSoftmax.apply(_floating(self), dim=_normalize_dim(dim, self.ndim))


def logsumexp(self: Tensor, dim: int, keepdim: builtins.bool = False) -> Tensor:
    return ops.Logsumexp.apply(_floating(self), dim=_normalize_dim(dim, self.ndim), keepdim=keepdim)


def norm(self: Tensor, p: Any = 2, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
    """The p-norm (sum |x|**p) ** (1/p): one LinalgVectorNormBackward0 node for p = 2, as in
    PyTorch; other p are built from recorded primitives."""
    if p == 2:
        dims = ops._dims(dim, self.ndim)
        return ops.LinalgVectorNorm.apply(_floating(self), dims=dims, keepdim=keepdim)
    if p == 1:
        return sum(abs(self), dim, keepdim)
    if p in (math.inf, "inf"):
        return amax(abs(self), dim if dim is not None else (), keepdim)
    return sum(abs(self) ** p, dim, keepdim) ** (1.0 / p)


# ---- shape ------------------------------------------------------------------------------------


def _infer_shape(shape: Sequence[int], numel: int) -> tuple[int, ...]:
    shape = tuple(builtins.int(n) for n in shape)
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(n for n in shape if n != -1)
    if unknown and known and numel % known == 0:
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1 :]
    if math.prod(shape) != numel or builtins.any(n < 0 for n in shape):
        raise RuntimeError(
            explain(f"shape '{list(shape)}' is invalid for input of size {numel}", "view_shape")
        )
    return shape


def _shape_args(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape


def _viewable(shape: tuple, strides: tuple, new_shape: tuple) -> bool:
    """True when elements laid out with ``strides`` can be seen in ``new_shape`` without
    moving any of them (PyTorch's rule for ``view``).

    Neighbouring dimensions whose elements follow each other in memory (the stride of one is
    the next one's stride times its size; size-1 dimensions never break this) form a block. A
    new shape may split or merge dimensions inside a block, but no new dimension may span two.
    """
    if not shape or math.prod(shape) == 0:
        return True
    blocks = []  # elements per block, from the last dimension
    elements, step = 1, strides[-1]
    for d in range(len(shape) - 1, -1, -1):
        elements *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != elements * step):
            blocks.append(elements)
            if d > 0:
                elements, step = 1, strides[d - 1]
    new_sizes = list(reversed(new_shape))
    used = 0
    for block in blocks:  # the new dimensions, from the last, must fill each block exactly
        filled = 1
        while used < len(new_sizes) and (filled < block or new_sizes[used] == 1):
            filled *= new_sizes[used]
            used += 1
        if filled != block:
            return False
    return used == len(new_sizes)


def view(self: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape, sharing this tensor's memory (``-1`` lets one size be
    inferred). It never copies, so after ``transpose``/``permute``/slicing it may refuse, as
    PyTorch's does: ``reshape`` copies when it must."""
    new_shape = _infer_shape(_shape_args(shape), self.numel())
    if not _viewable(self._array.shape, self.stride(), new_shape):
        raise RuntimeError(
            explain(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
                "view_stride",
            )
        )
    return ops.View.apply(self, shape=new_shape)


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (``-1`` lets one size be inferred): a view of this
    tensor when its layout allows one, else a contiguous copy, recorded as PyTorch records
    each (``ViewBackward0``, ``ReshapeAliasBackward0``, or ``CloneBackward0`` then
    ``UnsafeViewBackward0``)."""
    new_shape = _infer_shape(_shape_args(shape), self.numel())
    if self.is_contiguous():
        return ops.View.apply(self, shape=new_shape)
    if _viewable(self._array.shape, self.stride(), new_shape):
        return ops.ReshapeAlias.apply(self, shape=new_shape)
    return ops.UnsafeView.apply(self.contiguous(), shape=new_shape)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, other.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other.shape)


def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if self.ndim == 0:
        return reshape(self, 1)
    start, end = _normalize_dim(start_dim, self.ndim), _normalize_dim(end_dim, self.ndim)
    if start == end:
        return self
    shape = self.shape
    return reshape(self, shape[:start] + (math.prod(shape[start : end + 1]),) + shape[end + 1 :])


def permute(self: Tensor, *dims: Any) -> Tensor:
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = tuple(_normalize_dim(d, self.ndim) for d in _shape_args(dims))
    if sorted(dims) != list(range(self.ndim)):
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = "
            f"{self.ndim} is not equal to len(dims) = {len(dims)}"
        )
    return ops.Permute.apply(self, dims=dims)


def transpose(self: Tensor, dim0: int, dim1: int) -> Tensor:
    dim0, dim1 = _normalize_dim(dim0, self.ndim), _normalize_dim(dim1, self.ndim)
    return ops.Transpose.apply(self, dim0=dim0, dim1=dim1)


def t(self: Tensor) -> Tensor:
    if self.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return ops.T.apply(self)


def _T(self: Tensor) -> Tensor:
    if self.ndim < 2:
        return self
    return ops.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))


def _mT(self: Tensor) -> Tensor:
    return transpose(self, -2, -1)


def squeeze(self: Tensor, dim: int | None = None) -> Tensor:
    if dim is None:
        return ops.Squeeze.apply(self)
    return ops.SqueezeDim.apply(self, dim=_normalize_dim(dim, self.ndim))


def unsqueeze(self: Tensor, dim: int) -> Tensor:
    return ops.Unsqueeze.apply(self, dim=_normalize_dim(dim, self.ndim + 1))


def expand(self: Tensor, *sizes: Any) -> Tensor:
    sizes = tuple(builtins.int(n) for n in _shape_args(sizes))
    lead = len(sizes) - self.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(self.shape)}}}, size={list(sizes)}): the number of "
            "sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({self.ndim})"
        )
    shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes))
    for i, size in enumerate(self.shape):
        if size != 1 and size != shape[lead + i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[lead + i]}) must match the existing size "
                f"({size}) at non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(self.shape)}"
            )
    if shape == tuple(self.shape):
        return self
    return ops.Expand.apply(self, shape=shape)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other.shape)


def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    dim = _normalize_dim(dim, self.ndim)
    key = (slice(None),) * dim + (slice(start, start + length),)
    return ops.Slice.apply(self, key=key)


def select(self: Tensor, dim: int, index: int) -> Tensor:
    dim = _normalize_dim(dim, self.ndim)
    key = (slice(None),) * dim + (_check_index(index, self.shape[dim], dim),)
    return ops.Select.apply(self, key=key)


def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    return tuple(select(self, dim, i) for i in range(self.shape[dim]))


def split(self: Tensor, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
    dim = _normalize_dim(dim, self.ndim)
    size = self.shape[dim]
    if isinstance(split_size, builtins.int):
        lengths = [builtins.min(split_size, size - start) for start in range(0, size, split_size)]
    else:
        lengths = list(split_size)
    pieces, start = [], 0
    for length in lengths:
        pieces.append(narrow(self, dim, start, length))
        start += length
    return tuple(pieces)


def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    size = self.shape[_normalize_dim(dim, self.ndim)]
    return split(self, math.ceil(size / chunks), dim)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    first = tensors[0]
    for other in tensors[1:]:
        _check_same_device(first, other)
    result = dtypes.result_type(*tensors)
    tensors = [_promote(t, result) for t in tensors]
    dim = _normalize_dim(dim, first.ndim)
    for index, other in enumerate(tensors[1:], start=1):
        for d, (size_a, size_b) in enumerate(zip(first.shape, other.shape)):
            if d != dim and size_a != size_b:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {size_a} "
                    f"but got size {size_b} for tensor number {index} in the list."
                )
    return ops.Cat.apply(*tensors, dim=dim)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for index, other in enumerate(tensors[1:], start=1):
        _check_same_device(tensors[0], other)
        if other.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                f"entry 0 and {list(other.shape)} at entry {index}"
            )
    result = dtypes.result_type(*tensors)
    tensors = [_promote(t, result) for t in tensors]
    return ops.Stack.apply(*tensors, dim=_normalize_dim(dim, tensors[0].ndim + 1))


# ---- indexing ---------------------------------------------------------------------------------


def _check_index(index: int, size: int, dim: int) -> int:
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    return index


def _index_part(part: Any, self: Tensor) -> Any:
    """Turn one element of an index into something the array library accepts."""
    if isinstance(part, Tensor):
        if part.ndim == 0 and not part.dtype.is_floating_point and part.dtype is not dtypes.bool_:
            return builtins.int(part.item())
        return _backend.to_device(part._array, self.device)
    if isinstance(part, (list, np.ndarray)):
        return _backend.to_device(np.asarray(part), self.device)
    if isinstance(part, np.integer):
        return builtins.int(part)
    return part


def _normalize_key(self: Tensor, key: Any) -> tuple:
    parts = key if isinstance(key, tuple) else (key,)
    return tuple(_index_part(part, self) for part in parts)


def __getitem__(self: Tensor, key: Any) -> Tensor:
    """Indexing as in PyTorch: ``x[1:, ::2]`` (SliceBackward0), ``x[0]`` (SelectBackward0),
    ``x[None]`` (UnsqueezeBackward0), ``x[mask]`` and ``x[[0, 2]]`` (IndexBackward0)."""
    key = _normalize_key(self, key)
    if ops._is_advanced(key):
        return ops.Index.apply(self, key=key)
    specified = builtins.sum(1 for part in key if part is not None and part is not Ellipsis)
    if specified > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    expanded: list = []
    for part in key:
        if part is Ellipsis:
            expanded.extend([slice(None)] * (self.ndim - specified))
        else:
            expanded.append(part)
    out, dim = self, 0
    for part in expanded:
        if part is None:
            out = ops.Unsqueeze.apply(out, dim=dim)
            dim += 1
        elif isinstance(part, builtins.int):
            _check_index(part, out.shape[dim], dim)
            out = ops.Select.apply(out, key=(slice(None),) * dim + (part,))
        else:
            if part != slice(None):
                out = ops.Slice.apply(out, key=(slice(None),) * dim + (part,))
            dim += 1
    if out is self:  # x[:] or x[...]: still a new tensor, as in PyTorch
        out = ops.Slice.apply(self, key=(slice(None),))
    return out


def __setitem__(self: Tensor, key: Any, value: Any) -> None:
    """``x[key] = value``: an in-place change, recorded as CopySlices when it needs grad."""
    key = _normalize_key(self, key)
    if isinstance(value, Tensor):
        _check_same_device(self, value)
    else:
        value = _as_number(value)
    _inplace(self, ops.SetItem, value, key=key)


# ---- matmul -----------------------------------------------------------------------------------


def matmul(self: Tensor, other: Tensor) -> Tensor:
    """Matrix product with PyTorch's rules: vector·vector (DotBackward0), matrix@vector
    (MvBackward0), matrix@matrix (MmBackward0), batched with broadcasting."""
    if not isinstance(other, Tensor):
        return NotImplemented
    left, right = self._array, other._array
    if (  # the common case first: two NumPy matrices that fit
        type(left) is np.ndarray
        and type(right) is np.ndarray
        and left.ndim == 2
        and right.ndim == 2
        and left.dtype == right.dtype
        and left.shape[1] == right.shape[0]
    ):
        return ops.Mm.apply(self, other)
    _check_same_device(self, other)
    if self.dtype is not other.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_type_word(self)} != {_type_word(other)}"
        )
    a, b = self.shape, other.shape
    if self.ndim == 0 or other.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {self.ndim}D and {other.ndim}D"
        )
    if self.ndim == 1 and other.ndim == 1:
        if a[0] != b[0]:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] to have the same "
                f"number of elements, but got {a[0]} and {b[0]} elements respectively"
            )
        return ops.Dot.apply(self, other)
    if self.ndim == 2 and other.ndim == 1:
        if a[1] != b[0]:
            raise RuntimeError(
                explain(
                    f"size mismatch, got input ({a[0]}), mat ({a[0]}x{a[1]}), vec ({b[0]})",
                    "matmul_shape",
                )
            )
        return ops.Mv.apply(self, other)
    if self.ndim <= 2 and other.ndim == 2:
        matrix = self if self.ndim == 2 else unsqueeze(self, 0)
        if matrix.shape[1] != b[0]:
            raise RuntimeError(
                explain(
                    f"mat1 and mat2 shapes cannot be multiplied ({matrix.shape[0]}x{matrix.shape[1]} "
                    f"and {b[0]}x{b[1]})",
                    "matmul_shape",
                )
            )
        out = ops.Mm.apply(matrix, other)
        return out if self.ndim == 2 else squeeze(out, 0)
    left = self if self.ndim > 1 else unsqueeze(self, 0)
    right = other if other.ndim > 1 else unsqueeze(other, -1)
    if left.shape[-1] != right.shape[-2]:
        raise RuntimeError(
            explain(
                f"Expected size for first two dimensions of batch2 tensor to be: "
                f"[{left.shape[0] if left.ndim > 2 else 1}, {left.shape[-1]}] but got: "
                f"[{right.shape[0] if right.ndim > 2 else 1}, {right.shape[-2]}].",
                "matmul_shape",
            )
        )
    broadcast_shapes(left.shape[:-2], right.shape[:-2])
    out = ops.Bmm.apply(left, right)
    if self.ndim == 1:
        out = squeeze(out, -2)
    if other.ndim == 1:
        out = squeeze(out, -1)
    return out


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _type_word(tensor: Tensor) -> str:
    return {"float32": "float", "float64": "double", "int64": "long", "int32": "int"}.get(
        tensor.dtype.name, tensor.dtype.name
    )


def mm(self: Tensor, other: Tensor) -> Tensor:
    if self.ndim != 2 or other.ndim != 2:
        raise RuntimeError("self must be a matrix")
    return matmul(self, other)


def mv(self: Tensor, other: Tensor) -> Tensor:
    return matmul(self, other)


def dot(self: Tensor, other: Tensor) -> Tensor:
    if self.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
    return matmul(self, other)


def bmm(self: Tensor, other: Tensor) -> Tensor:
    return matmul(self, other)


# ---- in-place operations ----------------------------------------------------------------------


def _inplace(self: Tensor, primitive: type[ops.Primitive], *others: Any, **settings: Any) -> Tensor:
    """Run ``primitive`` and write its result into ``self``'s own memory.

    When the graph is recorded, the operation is applied to a snapshot of ``self``'s old
    value and ``self`` takes over the new node as its grad_fn (PyTorch "rebases" it). The
    version counter goes up either way, so a backward that saved the old value can tell it
    was overwritten.
    """
    records = grad_state.enabled and (
        self._requires_grad
        or builtins.any(isinstance(o, Tensor) and o._requires_grad for o in others)
    )
    views.check_inplace(self, records)
    if records:
        if self.grad_fn is None and self._requires_grad:
            raise RuntimeError(
                explain(
                    "a leaf Variable that requires grad is being used in an in-place operation.",
                    "inplace_leaf",
                )
            )
        before = _wrap(
            self._array.copy()
            if hasattr(self._array, "copy")
            else _backend.xp_of(self._array).asarray(self._array, copy=True),
            self.grad_fn,
        )
        before._requires_grad = self._requires_grad
        before._output_nr = self._output_nr
        result = primitive.apply(before, *others, **settings)
        _check_cast(result._array, self)
        self._array[...] = result._array
        self.grad_fn = result.grad_fn
        self._requires_grad = True
        self._output_nr = 0
        if self._base is not None or self._views:
            views.rebase(self)  # the base's history, and every view's, learns of the change
    else:
        arrays = tuple(o._array if isinstance(o, Tensor) else o for o in others)
        ufunc = _NUMPY_UFUNCS.get(primitive)
        if (
            ufunc is not None
            and type(self._array) is np.ndarray
            and self._array.dtype.kind == "f"
            and settings.get("alpha", 1) == 1
            and (type(arrays[0]) is np.ndarray or type(arrays[0]) in (builtins.float, builtins.int))
        ):
            # ``p -= lr * grad`` on a float NumPy tensor: compute straight into its memory (the
            # other operand already has its dtype or is a number, so nothing can be cast).
            ufunc(self._array, arrays[0], out=self._array)
        else:
            new_values = primitive.forward(_UNRECORDED, self._array, *arrays, **settings)
            _check_cast(new_values, self)
            self._array[...] = new_values
    self._version_counter[0] += 1
    return self


_NUMPY_UFUNCS = {ops.Add: np.add, ops.Sub: np.subtract, ops.Mul: np.multiply, ops.Div: np.divide}


def _check_cast(new_values: Any, target: Tensor) -> None:
    new_dtype = dtypes.of_array(new_values)
    if new_dtype._category > target.dtype._category:
        raise RuntimeError(
            explain(
                f"result type {_type_word_of(new_dtype)} can't be cast to the desired output type "
                f"{_type_word_of(target.dtype)}",
                "dtype_cast",
            )
        )


def _type_word_of(dtype: dtypes.dtype) -> str:
    return dtypes.LEGACY_NAMES[dtype.name].replace("Tensor", "")


def _inplace_binary(primitive: type[ops.Primitive]) -> Any:
    def method(self: Tensor, other: Any, **settings: Any) -> Tensor:
        if isinstance(other, Tensor):
            _check_same_device(self, other)
            if other._array.shape != self._array.shape:
                shape = broadcast_shapes(self._array.shape, other._array.shape)
                if shape != self._array.shape:
                    raise RuntimeError(
                        f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}"
                    )
            if other.dtype is not self.dtype:
                if other.dtype._category > self.dtype._category:
                    _check_cast(other._array, self)
                other = _promote(other, self.dtype)
        else:
            other = _as_number(other)
            if isinstance(other, builtins.float) and not self.dtype.is_floating_point:
                raise RuntimeError(
                    explain(
                        f"result type Float can't be cast to the desired output type {_type_word_of(self.dtype)}",
                        "dtype_cast",
                    )
                )
        return _inplace(self, primitive, other, **settings)

    return method


add_ = _inplace_binary(ops.Add)
sub_ = _inplace_binary(ops.Sub)
mul_ = _inplace_binary(ops.Mul)
div_ = _inplace_binary(ops.Div)


def pow_(self: Tensor, exponent: Any) -> Tensor:
    return _inplace(self, ops.Pow, exponent=_as_number(exponent))


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0 in place (``ZeroBackward0`` when recorded)."""
    return _inplace(self, ops.Zero)


def fill_(self: Tensor, value: Any) -> Tensor:
    return _inplace(self, ops.Fill, value=_as_number(value))


def copy_(self: Tensor, src: Tensor) -> Tensor:
    """Copy ``src``'s values into ``self`` (broadcasting, converting dtype and device)."""
    return _inplace(self, ops.Copy, src)


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return _inplace(self, ops.Clamp, min=_as_number(min), max=_as_number(max))


def relu_(self: Tensor) -> Tensor:
    return _inplace(self, ops.Relu)


def addcmul_(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self += value * tensor1 * tensor2 (used by optimizers)."""
    return add_(self, tensor1 * tensor2 * value)


def addcdiv_(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self += value * tensor1 / tensor2 (used by optimizers)."""
    return add_(self, tensor1 / tensor2 * value)


def _fill_random(self: Tensor, sample: Any) -> Tensor:
    """Write random numbers from the global generator (``ak.manual_seed``) into ``self``."""
    if grad_state.enabled and self._requires_grad and self.grad_fn is None:
        raise RuntimeError(
            explain(
                "a leaf Variable that requires grad is being used in an in-place operation.",
                "inplace_leaf",
            )
        )
    values = np.asarray(sample(self.shape), dtype=self.dtype.numpy)
    self._array[...] = _backend.to_device(values, self.device)
    self._version_counter[0] += 1
    return self


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    from .random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.uniform(a, b, shape))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    from .random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.normal(mean, std, shape))


def _iop(method: Any) -> Any:
    def inplace_operator(self: Tensor, other: Any) -> Tensor:
        return method(self, other)

    return inplace_operator


def _new_like_self(maker_name: str) -> Any:
    """``x.new_zeros(...)`` and friends: ``ak.zeros(...)`` with x's dtype and device as defaults."""

    def new(
        self: Tensor,
        *args: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        from . import creation

        maker = getattr(creation, maker_name)
        return maker(
            *args,
            dtype=dtype or self.dtype,
            device=device or self.device,
            requires_grad=requires_grad,
        )

    new.__name__ = f"new_{maker_name}"
    return new


new_zeros, new_ones = _new_like_self("zeros"), _new_like_self("ones")
new_tensor, new_full = _new_like_self("tensor"), _new_like_self("full")


# ---- nn-more ----------------------------------------------------------------------------------


def erf(self: Tensor) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt elementwise (ErfBackward0);
    integer input computes in the default float dtype, as in PyTorch.

    Example:
        >>> ak.tensor([0.0, 0.5, -3.0]).erf()
        tensor([ 0.0000,  0.5205, -1.0000])
    """
    return ops.Erf.apply(_floating(self))


# ---- attach everything to Tensor --------------------------------------------------------------

_METHODS = {
    "add": add,
    "sub": sub,
    "subtract": sub,
    "mul": mul,
    "multiply": mul,
    "div": div,
    "divide": div,
    "true_divide": div,
    "pow": pow,
    "neg": neg,
    "negative": neg,
    "exp": exp,
    "log": log,
    "sqrt": sqrt,
    "rsqrt": rsqrt,
    "abs": abs,
    "sign": sign,
    "sin": sin,
    "cos": cos,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "relu": relu,
    "reciprocal": reciprocal,
    "square": square,
    "clamp": clamp,
    "clip": clamp,
    "clamp_min": clamp_min,
    "clamp_max": clamp_max,
    "maximum": maximum,
    "minimum": minimum,
    "masked_fill": masked_fill,
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
    "all": all,
    "any": any,
    "isnan": isnan,
    "isfinite": isfinite,
    "logical_not": logical_not,
    "equal": eq_all,
    "allclose": allclose,
    "isclose": isclose,
    "reshape": reshape,
    "view": view,
    "view_as": view_as,
    "reshape_as": reshape_as,
    "flatten": flatten,
    "permute": permute,
    "transpose": transpose,
    "t": t,
    "squeeze": squeeze,
    "unsqueeze": unsqueeze,
    "expand": expand,
    "expand_as": expand_as,
    "narrow": narrow,
    "select": select,
    "unbind": unbind,
    "split": split,
    "chunk": chunk,
    "matmul": matmul,
    "mm": mm,
    "mv": mv,
    "dot": dot,
    "bmm": bmm,
    "add_": add_,
    "sub_": sub_,
    "mul_": mul_,
    "div_": div_,
    "pow_": pow_,
    "zero_": zero_,
    "fill_": fill_,
    "copy_": copy_,
    "clamp_": clamp_,
    "relu_": relu_,
    "addcmul_": addcmul_,
    "addcdiv_": addcdiv_,
    "uniform_": uniform_,
    "normal_": normal_,
    "new_zeros": new_zeros,
    "new_ones": new_ones,
    "new_tensor": new_tensor,
    "new_full": new_full,
    "eq": _compare("__eq__"),
    "ne": _compare("__ne__"),
    "lt": _compare("__lt__"),
    "le": _compare("__le__"),
    "gt": _compare("__gt__"),
    "ge": _compare("__ge__"),
    "__add__": add,
    "__radd__": _radd,
    "__sub__": sub,
    "__rsub__": _rsub,
    "__mul__": mul,
    "__rmul__": _rmul,
    "__truediv__": div,
    "__rtruediv__": _rtruediv,
    "__pow__": pow,
    "__rpow__": _rpow,
    "__matmul__": matmul,
    "__rmatmul__": _rmatmul,
    "__neg__": neg,
    "__pos__": _pos,
    "__abs__": abs,
    "__iadd__": _iop(add_),
    "__isub__": _iop(sub_),
    "__imul__": _iop(mul_),
    "__itruediv__": _iop(div_),
    "__eq__": _compare("__eq__"),
    "__ne__": _compare("__ne__"),
    "__lt__": _compare("__lt__"),
    "__le__": _compare("__le__"),
    "__gt__": _compare("__gt__"),
    "__ge__": _compare("__ge__"),
    "__and__": _logical("__and__"),
    "__or__": _logical("__or__"),
    "__xor__": _logical("__xor__"),
    "__invert__": _invert,
    "__getitem__": __getitem__,
    "__setitem__": __setitem__,
    # ---- nn-more ----
    "erf": erf,
}
for _name, _function in _METHODS.items():
    setattr(Tensor, _name, _function)
Tensor.T = property(_T)  # type: ignore[attr-defined]
Tensor.mT = property(_mT)  # type: ignore[attr-defined]
Tensor.__hash__ = object.__hash__  # defining __eq__ must not make tensors unhashable
del _name, _function
