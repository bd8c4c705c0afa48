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
import warnings
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _backend, _numpy_names, dtypes, ops
from ._errors import with_hint
from .autograd import views
from .autograd.grad_mode import grad_state
from .autograd.graph import accumulator_of, input_meta
from .ops import _UNRECORDED, native_dtype
from .tensor import (
    KthvalueResult,
    MaxResult,
    MedianResult,
    MinResult,
    Size,
    SortResult,
    Tensor,
    TopkResult,
    _normalize_dim,
    _wrap,
)

_SCALARS = (builtins.int, builtins.float, builtins.bool)


# ---- argument checks shared by every operation ------------------------------------------------


def _check_same_device(first: Tensor, second: Tensor) -> None:
    if not _backend.same_device(first._array, second._array):
        raise with_hint(
            RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{second.device} and {first.device}!"
            ),
            "device_mismatch",
        )


_INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone "
    "to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 "
    "for more details."
)


def _check_not_inference(tensor: Tensor) -> None:
    """Refuse, as PyTorch does, to change an inference tensor in place outside inference_mode().

    Inference tensors keep no version counter, so a graph that saved one could not notice the
    change. PyTorch raises only after writing; here nothing has been written yet.
    """
    if tensor._is_inference and not grad_state.inference:
        raise with_hint(RuntimeError(_INFERENCE_INPLACE), "inference_inplace")


def _meet_on_one_device(a: Tensor, b: Tensor, keep_a: bool = False) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` on one device, or PyTorch's error.

    As in PyTorch, a 0-dim CPU tensor mixes with a tensor on any device, like a number: it is
    moved to the other device, still at its place in the graph, and its gradient comes back to
    the CPU. A CPU tensor with one element but a dimension (``tensor([2.])``) is refused.
    ``keep_a``: ``a`` is changed in place, so it cannot move.
    """
    if _backend.same_device(a._array, b._array):
        return a, b
    if b.ndim == 0 and b.device.type == "cpu":
        return a, _alias(b, _backend.to_device(b._array, a.device))
    if a.ndim == 0 and a.device.type == "cpu" and not keep_a:
        return _alias(a, _backend.to_device(a._array, b.device)), b
    _check_same_device(a, b)
    return a, b


def broadcast_shapes(*shapes: tuple) -> Size:
    """The shape the given shapes broadcast to, or PyTorch's error naming the clashing dimension.

    Example:
        >>> ak.broadcast_shapes((2, 1), (3,))
        torch.Size([2, 3])
    """
    result: tuple = ()
    for index, shape in enumerate(shapes):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for position in range(1, builtins.min(len(shape), len(result)) + 1):
            size, expected = shape[-position], result[-position]
            if size != expected and size != 1 and expected != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {size} at -{position}! "
                    f"Mismatching argument at index {index} had {shape}; but expected shape "
                    f"should be broadcastable to {list(result)}"
                )
        result = _broadcast_pair(result, shape)
    return Size(result)


def _broadcast_pair(first: tuple, second: tuple) -> tuple:
    """The shape two operands broadcast to, or the error PyTorch gives for an operation on
    them (it names them tensor a and tensor b)."""
    ndim = builtins.max(len(first), len(second))
    padded_a = (1,) * (ndim - len(first)) + tuple(first)
    padded_b = (1,) * (ndim - len(second)) + tuple(second)
    shape = []
    # From the last dimension, as PyTorch compares them: it names the last mismatch.
    for dim in reversed(range(ndim)):
        size_a, size_b = padded_a[dim], padded_b[dim]
        if size_a != size_b and size_a != 1 and size_b != 1:
            raise with_hint(
                RuntimeError(
                    f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                    f"at non-singleton dimension {dim}"
                ),
                "broadcast",
            )
        shape.append(size_a if size_b == 1 else size_b)
    return tuple(reversed(shape))


def _promote(tensor: Tensor, dtype: dtypes.dtype) -> Tensor:
    """``tensor`` computed in ``dtype``, still at the same place in the graph.

    Like PyTorch, mixing dtypes records no conversion node: the operation computes in the
    promoted dtype and the engine converts the gradient back to the input's dtype.
    """
    if tensor.dtype is dtype:
        return tensor
    xp = _backend.xp_of(tensor._array)
    return _alias(tensor, xp.astype(tensor._array, native_dtype(xp, dtype)))


def _alias(tensor: Tensor, array: Any) -> Tensor:
    """``array`` (``tensor``'s values in another dtype or on another device) standing in for
    ``tensor`` at its place in the graph; its gradient goes back in ``tensor``'s dtype and to
    ``tensor``'s device."""
    alias = _wrap(array, tensor.grad_fn)
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


def _alpha(value: Any, name: str) -> Any:
    """``alpha=`` as the number PyTorch converts it to: a 0-d tensor gives its value (on any
    device), a tensor with more elements is refused."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise TypeError(f"{name}(): argument 'alpha' must be Number, not Tensor")
        return value.item()
    return _as_number(value)


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
            a, b = _meet_on_one_device(a, b)
            array_a, array_b = a._array, b._array
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
                _broadcast_pair(array_a.shape, array_b.shape)
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
    return _binary(ops.Add, self, other, alpha=_alpha(alpha, "add"))


def sub(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """self - alpha * other."""
    return _binary(ops.Sub, self, other, alpha=_alpha(alpha, "sub"))


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
            self, other = _meet_on_one_device(self, other)
            if self._array.shape != other._array.shape:
                _broadcast_pair(self._array.shape, other._array.shape)
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


def where(condition: Tensor, x: Any = None, y: Any = None) -> Tensor | tuple[Tensor, ...]:
    """Elements of ``x`` where ``condition`` is true, elsewhere of ``y`` (tensors or numbers).
    With the condition alone, the indices where it holds (see ``_where_nonzero``)."""
    if x is None and y is None:
        return _where_nonzero(condition)
    if x is None or y is None:
        given = x if y is None else y
        raise TypeError(_WHERE_SIGNATURES.format(_type_name(condition), _type_name(given)))
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
    condition, x = _meet_on_one_device(condition, x)
    condition, y = _meet_on_one_device(condition, y)
    x, y = _meet_on_one_device(x, y)
    shape = _broadcast_pair(
        condition._array.shape, _broadcast_pair(x._array.shape, y._array.shape)
    )
    del shape
    return ops.Where.apply(condition, x, y)


def maximum(self: Tensor, other: Tensor) -> Tensor:
    return _binary(ops.Maximum, self, other)


def minimum(self: Tensor, other: Tensor) -> Tensor:
    return _binary(ops.Minimum, self, other)


def masked_fill(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``value`` where ``mask`` is true, ``self`` elsewhere (`MaskedFillBackward0` for a
    number ``value``, as in PyTorch)."""
    if not isinstance(value, Tensor) and isinstance(mask, Tensor) and mask.dtype == dtypes.bool_:
        return ops.MaskedFill.apply(self, mask, _as_number(value))
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


def nansum(
    self: Tensor, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None
) -> Tensor:
    """Sum that skips NaNs (NansumBackward0): the gradient is 0 at the NaNs, 1 elsewhere."""
    if not self.dtype.is_floating_point:  # integers hold no NaN: an ordinary sum
        return sum(self, dim, keepdim, dtype=dtype)
    dims = None if dim is None else _dim_tuple(dim, self.ndim)
    chosen = dtypes.to_dtype(dtype) if dtype is not None else None
    return ops.Nansum.apply(self, dims=dims, keepdim=keepdim, dtype=chosen)


_cross_default_dim_warned = False


def cross(self: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (LinalgCrossBackward0). Without ``dim``,
    PyTorch's old default applies: the first dimension of size 3, with its warning (given once
    per process, as PyTorch's is)."""
    global _cross_default_dim_warned
    if dim is None and not _cross_default_dim_warned:
        _cross_default_dim_warned = True
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\n"
            "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
            "The default value of dim will change to agree with that of linalg.cross in a "
            "future release.",
            UserWarning,
            stacklevel=2,
        )
    if dim is None:
        sizes = _broadcast_pair(tuple(self.shape), tuple(other.shape))
        if 3 not in sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes.index(3)
    return linalg_cross(self, other, dim=dim)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """``ak.linalg.cross``: the cross product of 3-vectors along ``dim`` (the last by default),
    other dimensions broadcast."""
    _check_same_device(input, other)
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    position = _normalize_dim(dim, input.ndim)
    if input.shape[position] != 3 or other.shape[position] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input.shape[position]} and {other.shape[position]}"
        )
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_word_of(input.dtype)} but found "
            f"{_type_word_of(other.dtype)}"
        )
    _broadcast_pair(tuple(input.shape), tuple(other.shape))
    return ops.LinalgCross.apply(input, other, dim=position)


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


def softmax(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """exp(x) / exp(x).sum(dim) (SoftmaxBackward0); ``dtype`` converts the input first."""
    self, dim = _softmax_input(self, dim, dtype, "softmax")
    return ops.Softmax.apply(self, dim=dim)


def log_softmax(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """x - logsumexp(x, dim) (LogSoftmaxBackward0); ``dtype`` converts the input first."""
    self, dim = _softmax_input(self, dim, dtype, "log_softmax")
    return ops.LogSoftmax.apply(self, dim=dim)


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
    return ops.Logsumexp.apply(_floating(self), dim=_normalize_dim(dim, self.ndim), keepdim=keepdim)


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
        raise with_hint(
            RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {numel}"
            ),
            "view_shape",
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
        raise with_hint(
            RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ),
            "view_stride",
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
    return ops.Expand.apply(self, shape=_expanded_shape(self, sizes))


def _expanded_shape(self: Tensor, sizes: tuple) -> tuple[int, ...]:
    """The shape ``expand(*sizes)`` gives (-1 keeps a size), or PyTorch's error."""
    sizes = tuple(builtins.int(n) for n in _shape_args(sizes))
    lead = len(sizes) - self.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand({self.type()}{{{list(self.shape)}}}, "
            f"size={list(sizes)}): the number of "
            f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
            f"in the tensor ({self.ndim})"
        )
    shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes))
    for i, size in enumerate(self.shape):
        if size != 1 and size != shape[lead + i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[lead + i]}) must match the existing size "
                f"({size}) at non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(self.shape)}"
            )
    return shape


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
    key = tuple(_index_part(part, self) for part in parts)
    if ops._is_advanced(key):
        _check_integer_arrays_in_range(self, key)
    return key


def _check_integer_arrays_in_range(self: Tensor, key: tuple) -> None:
    """PyTorch's IndexError for an integer-array index outside its dimension.

    PyTorch numbers the dimension among the index arrays (a mask counts one per dimension it
    covers), not among the tensor's dimensions: in ``x[:, [0, 7]]`` the list is dimension 0.
    """
    specified = builtins.sum(
        getattr(part, "ndim", 1) if _is_mask(part) else 1
        for part in key
        if part is not None and part is not Ellipsis
    )
    dim = arrays_before = 0
    for part in key:
        if part is None:
            continue
        if part is Ellipsis:
            dim += self.ndim - specified
        elif _is_mask(part):
            dim += part.ndim
            arrays_before += part.ndim
        elif hasattr(part, "shape"):  # an array of integer positions
            size = self.shape[dim] if dim < self.ndim else 0
            first = _first_outside(_wrap(part), -size, size) if part.size else None
            if first is not None and size == 0:
                raise IndexError("index is out of bounds for dimension with size 0")
            if first is not None:
                raise IndexError(
                    f"index {first} is out of bounds for dimension {arrays_before} with size {size}"
                )
            dim += 1
            arrays_before += 1
        else:  # an int or a slice
            dim += 1


def _is_mask(part: Any) -> bool:
    return hasattr(part, "dtype") and dtypes.of_array_dtype(part.dtype) is dtypes.bool_


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
    """Matrix product with PyTorch's rules and PyTorch's graph.

    ``matmul`` is not one node in PyTorch but a composite (ATen's ``_matmul_impl``): it
    records ``DotBackward0`` (vector·vector), ``MvBackward0`` (matrix @ vector),
    ``MmBackward0`` (matrix @ matrix, and vector @ matrix as ``unsqueeze(0)``, ``mm``,
    ``squeeze_(0)``), and for more dimensions either folds the batch of the larger operand
    into the rows of one ``mm``/``mv`` or broadcasts both batches with ``expand`` and
    ``reshape`` into one ``bmm`` (``_matmul_batched``). Each step is an ak op, so the recorded
    graph is PyTorch's, node for node.

    Example:
        >>> x = ak.ones(5, 2, 3, requires_grad=True)
        >>> (x @ ak.ones(3, 4)).grad_fn
        <UnsafeViewBackward0 object at 0x...>
    """
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
    dims = (self.ndim, other.ndim)
    if 0 in dims:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {dims[0]}D and {dims[1]}D"
        )
    if dims == (1, 1):
        return dot(self, other)
    if dims == (2, 1):
        return mv(self, other)
    if dims == (1, 2):
        return squeeze_(mm(unsqueeze(self, 0), other), 0)
    if dims == (2, 2):
        return mm(self, other)
    if _should_fold(self, other):
        return _matmul_folded(self, other)
    return _matmul_batched(self, other)


def _should_fold(tensor1: Tensor, tensor2: Tensor) -> bool:
    """Whether matmul folds the batch of the larger operand into the rows of one mm/mv
    (ATen's ``should_fold``): the other operand must have at most 2 dimensions, and either it
    requires grad (its gradient then stays small: no expanded copy is saved) or the fold
    needs no copy (each batch dimension's stride spans the dimensions after it, size-1 ones
    included: PyTorch's test, stricter than view's)."""
    tensor1_larger = tensor1.ndim >= tensor2.ndim
    larger = tensor1 if tensor1_larger else _mT(tensor2)
    smaller = tensor2 if tensor1_larger else tensor1
    if not (larger.ndim >= 3 and smaller.ndim <= 2):
        return False
    if smaller.requires_grad:
        return True
    if tensor1.ndim == 2:  # mm on the transposed operand would need a copy after all
        return False
    if larger.numel() == 0:
        return True
    shape, strides = larger.shape, larger.stride()
    return builtins.all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(larger.ndim - 2))


def _matmul_folded(tensor1: Tensor, tensor2: Tensor) -> Tensor:
    """(b, n, m) @ (m, p) as one (b*n, m) @ (m, p) mm; when the right operand is the larger
    one, the product is computed transposed, (B^T @ A^T)^T, and copied back row by row."""
    transpose = tensor2.ndim > tensor1.ndim
    larger = _mT(tensor2) if transpose else tensor1
    smaller = (t(tensor1) if tensor1.ndim == 2 else tensor1) if transpose else tensor2
    output_shape = larger.shape[:-1]
    folded = reshape(larger, math.prod(output_shape), larger.shape[-1])
    if smaller.ndim == 1:
        return ops.UnsafeView.apply(mv(folded, smaller), shape=output_shape)
    output = ops.UnsafeView.apply(mm(folded, smaller), shape=(*output_shape, smaller.shape[1]))
    return _mT(output).contiguous() if transpose else output


def _matmul_batched(tensor1: Tensor, tensor2: Tensor) -> Tensor:
    """Both batches broadcast (``expand``), flattened into one batch (``reshape``) and
    multiplied by one ``bmm``; a vector on the right becomes a batch of columns."""
    n = tensor1.shape[-2] if tensor1.ndim > 1 else 1
    m1 = tensor1.shape[-1]
    m2 = tensor2.shape[-2] if tensor2.ndim > 1 else tensor2.shape[0]
    p = tensor2.shape[-1] if tensor2.ndim > 1 else 1
    batch1, batch2 = tensor1.shape[:-2], tensor2.shape[:-2]
    if tensor1.ndim == 3 and tensor2.ndim == 3 and batch1[0] != batch2[0]:
        # A batch of one that requires grad is dropped, so that matmul can fold instead.
        if batch1[0] == 1 and tensor1.requires_grad:
            return matmul(squeeze(tensor1, 0), tensor2)
        if batch2[0] == 1 and tensor2.requires_grad:
            return matmul(tensor1, squeeze(tensor2, 0))
    batch = _broadcast_pair(batch1, batch2)
    count = math.prod(batch)
    expanded1 = reshape(expand(tensor1, *batch, n, m1), count, n, m1)
    vector_rhs = tensor2.ndim == 1
    if vector_rhs:  # broadcasting alone would not make a vector a batch of columns
        expanded2 = unsqueeze(reshape(expand(tensor2, *batch, m2), count, m2), 2)
    else:
        expanded2 = reshape(expand(tensor2, *batch, m2, p), count, m2, p)
    out = bmm(expanded1, expanded2)
    if vector_rhs:
        out = squeeze(out, -1)
    output_shape = batch + ((n,) if tensor1.ndim > 1 else ()) + ((p,) if tensor2.ndim > 1 else ())
    return ops.UnsafeView.apply(out, shape=output_shape)


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _type_word(tensor: Tensor) -> str:
    return {"float32": "float", "float64": "double", "int64": "long", "int32": "int"}.get(
        tensor.dtype.name, tensor.dtype.name
    )


def mm(self: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two matrices (``MmBackward0``): (n, m) @ (m, p) -> (n, p)."""
    if self.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_same_device(self, mat2)
    if self.shape[1] != mat2.shape[0]:
        raise _shape_error(
            f"mat1 and mat2 shapes cannot be multiplied ({self.shape[0]}x{self.shape[1]} "
            f"and {mat2.shape[0]}x{mat2.shape[1]})"
        )
    if self.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_type_word(self)} != {_type_word(mat2)}"
        )
    return ops.Mm.apply(self, mat2)


def mv(self: Tensor, vec: Tensor) -> Tensor:
    """Matrix times vector (``MvBackward0``): (n, m) @ (m,) -> (n,)."""
    if self.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {self.ndim}, {vec.ndim}")
    _check_same_device(self, vec)
    if self.shape[1] != vec.shape[0]:
        raise _shape_error(
            f"size mismatch, got input ({self.shape[0]}), mat ({self.shape[0]}x{self.shape[1]}), "
            f"vec ({vec.shape[0]})"
        )
    if self.dtype is not vec.dtype:
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {_type_word_of(vec.dtype)}, "
            f"{_type_word_of(self.dtype)}, and {_type_word_of(vec.dtype)}"
        )
    return ops.Mv.apply(self, vec)


def dot(self: Tensor, tensor: Tensor) -> Tensor:
    """Inner product of two vectors (``DotBackward0``): sum(x * y), a 0-d tensor."""
    if self.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {tensor.ndim}D tensors")
    _check_same_device(self, tensor)
    if self.dtype is not tensor.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_type_word_of(self.dtype)} "
            f"and {_type_word_of(tensor.dtype)}"
        )
    if self.shape[0] != tensor.shape[0]:
        size, other_size = self.shape[0], tensor.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{size}] and src [{other_size}] to have "
            f"the same number of elements, but got {size} and {other_size} elements respectively"
        )
    return ops.Dot.apply(self, tensor)


def bmm(self: Tensor, mat2: Tensor) -> Tensor:
    """A batch of matrix products (``BmmBackward0``): (b, n, m) @ (b, m, p) -> (b, n, p),
    the same b on both sides (``matmul`` is the one that broadcasts batches)."""
    if self.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_same_device(self, mat2)
    if mat2.shape[:2] != (self.shape[0], self.shape[2]):
        raise _shape_error(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{self.shape[0]}, {self.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    if self.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_word_of(self.dtype)} but found {_type_word_of(mat2.dtype)}"
        )
    return ops.Bmm.apply(self, mat2)


def _shape_error(message: str) -> RuntimeError:
    """The error for operands whose sizes do not fit a matrix product, with its hint."""
    return with_hint(RuntimeError(message), "matmul_shape")


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
    if records and self.grad_fn is None and self._requires_grad:
        raise with_hint(
            RuntimeError("a leaf Variable that requires grad is being used in an in-place operation."),
            "inplace_leaf",
        )
    _check_not_inference(self)
    if records:
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
    _check_cast_dtype(dtypes.of_array(new_values), target)


def _check_cast_dtype(new_dtype: dtypes.dtype, target: Tensor) -> None:
    if new_dtype._category > target.dtype._category:
        raise with_hint(
            RuntimeError(
                f"result type {_type_word_of(new_dtype)} can't be cast to the desired output type "
                f"{_type_word_of(target.dtype)}"
            ),
            "dtype_cast",
        )


def _type_word_of(dtype: dtypes.dtype) -> str:
    return dtypes.LEGACY_NAMES[dtype.name].replace("Tensor", "")


def _inplace_binary(primitive: type[ops.Primitive]) -> Any:
    def method(self: Tensor, other: Any, **settings: Any) -> Tensor:
        if "alpha" in settings:
            settings["alpha"] = _alpha(settings["alpha"], f"{primitive.__name__.lower()}_")
        if isinstance(other, Tensor):
            other = _meet_on_one_device(self, other, keep_a=True)[1]
            if other._array.shape != self._array.shape:
                shape = _broadcast_pair(self._array.shape, other._array.shape)
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
                raise with_hint(
                    RuntimeError(
                        f"result type Float can't be cast to the desired output type {_type_word_of(self.dtype)}"
                    ),
                    "dtype_cast",
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
    return _addc(ops.Addcmul, self, tensor1, tensor2, value, in_place=True)


def addcdiv_(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self += value * tensor1 / tensor2 (used by optimizers)."""
    return _addc(ops.Addcdiv, self, tensor1, tensor2, value, in_place=True)


def _fill_random(self: Tensor, sample: Any) -> Tensor:
    """Write random numbers from the global generator (``ak.manual_seed``) into ``self``."""
    if grad_state.enabled and self._requires_grad and self.grad_fn is None:
        raise with_hint(
            RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            ),
            "inplace_leaf",
        )
    _check_not_inference(self)
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


def exponential_(self: Tensor, lambd: float = 1.0) -> Tensor:
    from .random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.exponential(1 / lambd, shape))


def random_(self: Tensor, from_: int = 0, to: int | None = None) -> Tensor:
    """Fill with random integers in [from_, to) (``x.random_(10)`` means [0, 10)); without
    bounds, in [0, 2**mantissa_bits] for floats, as PyTorch does."""
    from .random import default_generator

    if to is None and from_ == 0:
        to = 2 ** (np.finfo(self.dtype.numpy).nmant + 1) + 1 if self.is_floating_point() else (
            np.iinfo(self.dtype.numpy).max if self.dtype is not dtypes.bool_ else 2
        )
    elif to is None:
        from_, to = 0, from_
    return _fill_random(self, lambda shape: default_generator.numpy.integers(from_, to, shape))


def bernoulli(self: Tensor, p: float | None = None) -> Tensor:
    from .creation import bernoulli

    return bernoulli(self, p)


def bernoulli_(self: Tensor, p: float = 0.5) -> Tensor:
    from .random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.random(shape) < p)


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


# ---- shape-index: rearranging, gathering and scattering, diagonals ----------------------------


def _dims_once(dims: Any, ndim: int) -> tuple[int, ...]:
    """``dims`` (an int or a sequence) normalised, each allowed once, as flip requires."""
    dims = _dim_tuple(dims, ndim)
    for position, dim in enumerate(dims):
        if dim in dims[:position]:
            raise RuntimeError(f"dim {dim} appears multiple times in the list of dims")
    return dims


def flip(self: Tensor, *dims: Any) -> Tensor:
    """The elements in reverse order along ``dims`` (a copy, FlipBackward0)."""
    return ops.Flip.apply(self, dims=_dims_once(_shape_args(dims), self.ndim))


def roll(self: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift the elements by ``shifts`` along ``dims``; those pushed off one end come back at
    the other. Without ``dims`` the tensor is rolled as if flattened.

    Example:
        >>> ak.tensor([1, 2, 3, 4]).roll(1)
        tensor([4, 1, 2, 3])
    """
    shifts = (shifts,) if isinstance(shifts, builtins.int) else tuple(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return ops.Roll.apply(self, shifts=shifts[0], dims=None)
    dims = _dim_tuple(dims, self.ndim)
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    return ops.Roll.apply(self, shifts=shifts, dims=dims)


def repeat(self: Tensor, *repeats: Any) -> Tensor:
    """The tensor tiled ``repeats[d]`` times along each dim d (more repeats than dims add
    leading dims): ``x.repeat(2, 1)`` stacks two copies of a matrix's rows."""
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = tuple(builtins.int(n) for n in _shape_args(repeats))
    if len(repeats) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
            "tensor"
        )
    padded = (1,) * (len(repeats) - self.ndim) + tuple(self.shape)
    shape = [count * size for count, size in zip(repeats, padded)]
    for size in shape:
        if size < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {size}: {shape}")
    return ops.Repeat.apply(self, repeats=repeats)


def tile(self: Tensor, *dims: Any) -> Tensor:
    """``repeat`` that accepts fewer repeats than dims (the missing leading ones are 1)."""
    dims = tuple(_shape_args(dims))
    return repeat(self, (1,) * (self.ndim - len(dims)) + dims)


def movedim(self: Tensor, source: Any, destination: Any) -> Tensor:
    """Move the dims ``source`` to positions ``destination``; the others keep their order
    (a view, recorded as PermuteBackward0)."""
    source, destination = _dim_tuple(source, self.ndim), _dim_tuple(destination, self.ndim)
    if len(source) != len(destination):
        raise RuntimeError(
            "movedim: Invalid source or destination dims: source "
            f"({list(source)} dims) should contain the same number of dims as destination "
            f"({list(destination)} dims)"
        )
    for name, dims in (("source", source), ("destination", destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
    order: list = [None] * self.ndim
    for dim, position in zip(source, destination):
        order[position] = dim
    rest = iter(d for d in range(self.ndim) if d not in source)
    order = [next(rest) if dim is None else dim for dim in order]
    return ops.Permute.apply(self, dims=tuple(order))


def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1): a view, ViewBackward0."""
    dim = _normalize_dim(dim, self.ndim)
    sizes = tuple(builtins.int(n) for n in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    size = self.shape[dim]
    known = math.prod(n for n in sizes if n != -1)
    if -1 in sizes and known and size % known == 0:
        sizes = tuple(size // known if n == -1 else n for n in sizes)
    if math.prod(sizes) != size:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({size}) in the input tensor"
        )
    return ops.View.apply(self, shape=self.shape[:dim] + sizes + self.shape[dim + 1 :])


def broadcast_to(self: Tensor, size: Sequence[int]) -> Tensor:
    """``expand(size)``, always recorded (ExpandBackward0) as in PyTorch."""
    return ops.Expand.apply(self, shape=_expanded_shape(self, (size,)))


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common broadcast shape (those already of that shape are
    returned as they are)."""
    shape: tuple = ()
    for tensor in tensors:
        shape = _broadcast_pair(shape, tuple(tensor.shape))
    return tuple(
        tensor if tensor.shape == shape else ops.Expand.apply(tensor, shape=shape)
        for tensor in tensors
    )


def _non_empty(tensors: Sequence[Tensor], name: str) -> list:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join side by side: along dim 0 for vectors, dim 1 otherwise (numbers become vectors)."""
    tensors = [t if t.ndim else reshape(t, 1) for t in _non_empty(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as rows (along dim 0), a vector being one row."""
    tensors = [
        reshape(t, 1, 1) if t.ndim == 0 else unsqueeze(t, 0) if t.ndim == 1 else t
        for t in _non_empty(tensors, "vstack")
    ]
    return cat(tensors, 0)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as columns (along dim 1), a vector or number being one column."""
    tensors = [
        reshape(t, t.numel(), 1) if t.ndim <= 1 else t
        for t in _non_empty(tensors, "column_stack")
    ]
    return cat(tensors, 1)


def _check_index_dtype(index: Tensor, message: str) -> None:
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise with_hint(RuntimeError(message), "index_dtype")


def _first_outside(index: Tensor, low: int, high: int) -> int | None:
    """The first value of ``index`` outside [low, high), or None when there is none."""
    values = _backend.asnumpy(index._array).reshape(-1)
    outside = values[(values < low) | (values >= high)]
    return builtins.int(outside[0]) if outside.size else None


def _check_in_range(index: Tensor, size: int, dim: int) -> None:
    """PyTorch's error for the first index outside [0, size) along ``dim``."""
    first = _first_outside(index, 0, size)
    if first is not None:
        raise RuntimeError(f"index {first} is out of bounds for dimension {dim} with size {size}")


def _check_gather_shape(self: Tensor, dim: int, index: Tensor, src: Any, same: str) -> None:
    """index: as many dims as self, and no larger than self (and src) apart from ``dim``."""
    if index.ndim != self.ndim:
        raise with_hint(
            RuntimeError(
                f"Index tensor must have the same number of dimensions as {same} tensor"
            ),
            "gather_dims",
        )
    others = [d for d in range(self.ndim) if d != dim]
    too_big = builtins.any(index.shape[d] > self.shape[d] for d in others)
    if src is None and too_big:
        bad = next(d for d in others if index.shape[d] > self.shape[d])
        raise RuntimeError(
            f"Size does not match at dimension {bad} expected index {list(index.shape)} to be "
            f"no larger than self {list(self.shape)} apart from dimension {dim}"
        )
    if src is not None and (
        too_big or builtins.any(n > m for n, m in zip(index.shape, src.shape))
    ):
        raise RuntimeError(
            f"Expected index {list(index.shape)} to be no larger than self {list(self.shape)} "
            f"apart from dimension {dim} and to be no larger size than src {list(src.shape)}"
        )


def _gather_key(self: Tensor, dim: int, index: Tensor, src: Any, name: str) -> tuple:
    """Check gather/scatter arguments as PyTorch does; the key that indexes ``self``."""
    _check_same_device(self, index)
    _check_index_dtype(index, f"{name}(): Expected dtype int32/int64 for index")
    if src is not None and src.dtype is not self.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather_shape(self, dim, index, src, "input" if name == "gather" else "self")
    _check_in_range(index, self.shape[dim], dim)
    return ops.gather_key(index._array, dim)


def _leading(src: Tensor, index: Tensor) -> Tensor:
    """The part of ``src`` a scatter reads: its first index.shape[d] elements along each d."""
    if src.shape == index.shape:
        return src
    return __getitem__(src, tuple(slice(0, n) for n in index.shape))


def gather(self: Tensor, dim: int, index: Tensor, *, sparse_grad: builtins.bool = False) -> Tensor:
    """out[i][j][k] = self[i][index[i][j][k]][k] for dim 1 (and likewise for other dims): pick
    one element along ``dim`` for every position of ``index``.

    Example:
        >>> ak.tensor([[1, 2], [3, 4]]).gather(1, ak.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    dim = _normalize_dim(dim, self.ndim)
    return ops.Gather.apply(self, key=_gather_key(self, dim, index, None, "gather"))


def scatter(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    """A copy of self with out[i][index[i][j][k]][k] = src[i][j][k] for dim 1 (``src`` a
    tensor or a number): gather's opposite. Where an index repeats, one of the writes wins."""
    dim = _normalize_dim(dim, self.ndim)
    src = value if src is None else src
    if isinstance(src, Tensor):
        key = _gather_key(self, dim, index, src, "scatter")
        return ops.Scatter.apply(self, _leading(src, index), key=key)
    key = _gather_key(self, dim, index, None, "scatter")
    return ops.ScatterValue.apply(self, src=_as_number(src), key=key)


def scatter_add(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of self with out[i][index[i][j][k]][k] += src[i][j][k] for dim 1; where an index
    repeats, every value is added (the backward of ``gather``)."""
    dim = _normalize_dim(dim, self.ndim)
    key = _gather_key(self, dim, index, src, "scatter")
    return ops.ScatterAdd.apply(self, _leading(src, index), key=key)


def _slices_key(self: Tensor, dim: int, index: Tensor, name: str) -> tuple:
    """Check an index_select/index_add index as PyTorch does; the key ``(:, ..., index)``."""
    _check_same_device(self, index)
    if index.ndim > 1:
        detail = ""
        if name == "index_add_":
            word = _type_word_of(index.dtype)
            detail = f", but got dim: {index.ndim} with type: {word} and size: {list(index.shape)}"
        raise IndexError(f"{name}(): Index is supposed to be a vector{detail}")
    if name == "index_select":
        _check_index_dtype(index, "index_select(): Expected dtype int32 or int64 for index")
    else:
        _check_index_dtype(
            index,
            f"{name}(): Expected dtype int32/int64 for index but got: {_type_word_of(index.dtype)}",
        )
    size = self.shape[dim]
    if name == "index_select":
        first = _first_outside(index, 0, size)
        if first is not None:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={first} axis_dim={size}")
    else:
        _check_in_range(index, size, dim)
    return (slice(None),) * dim + (_backend.xp_of(index._array).reshape(index._array, (-1,)),)


def index_select(self: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of self at positions ``index`` (a vector) along ``dim``, in that order."""
    dim = _normalize_dim(dim, self.ndim)
    return ops.IndexSelect.apply(self, key=_slices_key(self, dim, index, "index_select"))


def index_add(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """A copy of self with alpha * source[..., i, ...] added to slice index[i] along ``dim``
    (repeated indices add up)."""
    dim = _normalize_dim(dim, self.ndim)
    key = _index_add_key(self, dim, index, source)
    return ops.IndexAdd.apply(self, source, key=key, alpha=_alpha(alpha, "index_add"))


def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """``index_add`` in place: alpha * source[..., i, ...] is added to slice index[i] of self.

    Example:
        >>> ak.zeros(3).index_add_(0, ak.tensor([0, 2, 0]), ak.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """
    dim = _normalize_dim(dim, self.ndim)
    key = _index_add_key(self, dim, index, source)
    return _inplace(self, ops.IndexAdd, source, key=key, alpha=_alpha(alpha, "index_add"))


def _index_add_key(self: Tensor, dim: int, index: Tensor, source: Tensor) -> tuple:
    """Check index_add's arguments as PyTorch does; the key ``(:, ..., index)``."""
    key = _slices_key(self, dim, index, "index_add_")
    if source.ndim <= dim:
        raise RuntimeError(
            f"index_add_(): Indexing dim {dim} is out of bounds of the source tensor with dim "
            f"{source.ndim}"
        )
    if source.shape[dim] != index.numel():
        raise RuntimeError(
            f"index_add_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim): ({source.shape[dim]}), for dim: {dim}"
        )
    if source.dtype is not self.dtype:
        raise RuntimeError(
            f"index_add_(): self ({_type_word_of(self.dtype)}) and source "
            f"({_type_word_of(source.dtype)}) must have the same scalar type"
        )
    return key


def masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` is true (self and mask broadcast together), as a vector."""
    _check_same_device(self, mask)
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    _broadcast_pair(tuple(mask.shape), tuple(self.shape))
    return ops.MaskedSelect.apply(self, mask=mask._array)


def take(self: Tensor, index: Tensor) -> Tensor:
    """self read as if flattened, at ``index`` (int64, any shape; negative counts from the end)."""
    _check_same_device(self, index)
    if index.dtype is not dtypes.int64:
        raise RuntimeError(
            f"take(): Expected a long tensor for index, but got {_type_word_of(index.dtype)}"
        )
    size = self.numel()
    first = _first_outside(index, -size, size)
    if first is not None:
        raise IndexError(
            f"out of range: tried to access index {first} on a tensor of {size} elements."
        )
    positions = index._array  # negative positions count from the end
    positions = _backend.xp_of(positions).where(positions < 0, positions + size, positions)
    return ops.Take.apply(self, index=positions)


def nonzero(self: Tensor, *, as_tuple: builtins.bool = False) -> Any:
    """Where the elements are not zero: an int64 (count, ndim) tensor of positions, or with
    ``as_tuple=True`` one int64 vector of positions per dim. Never recorded."""
    xp = _backend.xp_of(self._array)
    array = self._array if self.ndim else xp.reshape(self._array, (1,))
    positions = [_wrap(xp.astype(p, xp.int64)) for p in xp.nonzero(array)]
    if as_tuple:
        return tuple(positions)
    if not self.ndim:
        return _wrap(xp.reshape(positions[0]._array, (-1, 1))[:, :0])
    return _wrap(xp.stack([p._array for p in positions], axis=1))


def count_nonzero(self: Tensor, dim: Any = None) -> Tensor:
    """How many elements are not zero (along ``dim``): int64, never recorded."""
    xp = _backend.xp_of(self._array)
    dims = None if dim is None else _dim_tuple(dim, self.ndim)
    counted = xp.count_nonzero(self._array, axis=dims)
    return _wrap(xp.astype(xp.asarray(counted, **ops._same_device(xp, self._array)), xp.int64))


def bincount(self: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, 2, ... occurs in a 1-D tensor of non-negative integers (or
    the sum of ``weights`` at its positions); never recorded.

    Example:
        >>> ak.tensor([0, 1, 1, 3]).bincount()
        tensor([1, 2, 0, 1])
    """
    if self.ndim != 1 or self.dtype.is_floating_point or (
        self.numel() and builtins.bool((self < 0).any())
    ):
        if self.dtype.is_floating_point:
            raise NotImplementedError(
                f'"bincount_cpu" not implemented for \'{_type_word_of(self.dtype)}\''
            )
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != self.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    values = _backend.asnumpy(self._array)
    counted = np.bincount(
        values, None if weights is None else _backend.asnumpy(weights._array), minlength
    )
    if weights is None:
        result_dtype = dtypes.int64
    else:
        result_dtype = dtypes.float64 if weights.dtype is dtypes.float64 else dtypes.float32
    return _wrap(_backend.to_device(counted.astype(result_dtype.numpy), self.device))


def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the (dim1, dim2) planes, ``offset`` above the main one, as the last
    dim: a view (DiagonalBackward0)."""
    first, second = _normalize_dim(dim1, self.ndim), _normalize_dim(dim2, self.ndim)
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return ops.Diagonal.apply(self, offset=offset, dim1=first, dim2=second)


def diag(self: Tensor, diagonal: int = 0) -> Tensor:
    """A vector's square diagonal matrix (DiagEmbedBackward0), or a copy of a matrix's
    diagonal (DiagonalBackward0_copy); ``diagonal`` > 0 is above the main one."""
    if self.ndim == 1:
        return ops.DiagEmbed.apply(self, offset=diagonal)
    if self.ndim == 2:
        return ops.DiagonalCopy.apply(self, offset=diagonal, dim1=0, dim2=1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")


def _check_matrices(self: Tensor, name: str) -> None:
    if self.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def tril(self: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below diagonal ``diagonal``) of the last two dims; zeros above."""
    _check_matrices(self, "tril")
    return ops.Tril.apply(self, diagonal=diagonal)


def triu(self: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above diagonal ``diagonal``) of the last two dims; zeros below."""
    _check_matrices(self, "triu")
    return ops.Triu.apply(self, diagonal=diagonal)


def trace(self: Tensor) -> Tensor:
    """The sum of a matrix's main diagonal (integers sum to int64)."""
    if self.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
    return ops.Trace.apply(self)


def outer(self: Tensor, vec2: Tensor) -> Tensor:
    """out[i][j] = self[i] * vec2[j]: recorded as PyTorch does, a column view times vec2."""
    for name, vector in (("self", self), ("vec2", vec2)):
        if vector.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {vector.ndim}-D")
    return mul(reshape(self, -1, 1), vec2)


# ---- scans-linalg: running sums and products, sorting and picking by rank ---------------------


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
    return ops.Cumsum.apply(self, dim=dim, dtype=_scan_dtype(self, dtype))


def cumprod(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``: out[k] = x[0] * ... * x[k] (its gradient stays right
    when x holds zeros).

    Example:
        >>> ak.tensor([1.0, 2.0, 3.0]).cumprod(0)
        tensor([1., 2., 6.])
    """
    dim = _normalize_dim(dim, self.ndim)
    return ops.Cumprod.apply(self, dim=dim, dtype=_scan_dtype(self, dtype))


def _sorting_positions(
    self: Tensor, dim: int, descending: builtins.bool, stable: builtins.bool = True
) -> Any:
    """The int64 positions that sort ``self`` along ``dim`` (a 0-d tensor: position 0)."""
    array = self._array
    xp = _backend.xp_of(array)
    if array.ndim == 0:
        return xp.zeros((), dtype=native_dtype(xp, dtypes.int64), **ops._same_device(xp, array))
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
    primitive = ops.Sort if stable is None else ops.SortStable
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
    values = ops.Topk.apply(self, indices=positions, dim=dim)
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
    return KthvalueResult(*_rank_along(self, k - 1, dim, keepdim, ops.Kthvalue))


def median(self: Tensor, dim: int | None = None, keepdim: builtins.bool = False) -> Any:
    """The middle value (the lower of the two middle ones for an even count); with ``dim``,
    a (values, indices) pair along it.

    Example:
        >>> ak.tensor([4.0, 1.0, 3.0, 2.0]).median()
        tensor(2.)
    """
    if dim is None:
        return ops.MedianAll.apply(self)
    dim = _normalize_dim(dim, self.ndim)
    _check_something_to_choose(self, (dim,) if self.ndim else (), "median")
    size = self._array.shape[dim] if self.ndim else 1
    return MedianResult(*_rank_along(self, (size - 1) // 2, dim, keepdim, ops.MedianDim))


# ---- scans-linalg: einsum ----------------------------------------------------------------------


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products named by subscripts: ``einsum("ij,jk->ik", a, b)`` is ``a @ b``.

    Each operand gets one letter per dimension; a letter shared by operands pairs those
    dimensions up, a letter missing from the output (after ``->``) is summed over, a letter
    repeated in one operand takes its diagonal (``"ii->i"``), and ``...`` stands for the
    dimensions not named (broadcast between operands). Without ``->`` the output is every
    letter used once, in alphabetical order. Operands may also come as one list.

    One EinsumBackward0 node records it; PyTorch records the permutes and bmm it computes
    with instead, so the graphs differ while values and gradients agree.

    Example:
        >>> a = ak.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ak.einsum("ii", a), ak.einsum("ij->j", a)
        (tensor(5.), tensor([4., 6.]))
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    full_equation, operands = _einsum_written_out(equation, operands)
    return ops.Einsum.apply(*operands, equation=full_equation)


def _einsum_written_out(equation: str, operands: tuple) -> tuple[str, tuple]:
    """Check ``equation`` against the operands as PyTorch does, and write it out in full:
    letters for ``...``, an explicit output. Size-1 dimensions paired with bigger ones are
    expanded, so every letter has one size."""
    for position, character in enumerate(equation):
        if not (character in ops._LETTERS or character in " ,.->"):
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {position} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    subscripts = inputs.split(",")
    if len(subscripts) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(subscripts) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for operand in operands[1:]:
        if operand.dtype != operands[0].dtype:
            raise RuntimeError(
                f"expected scalar type {_type_word_of(operands[0].dtype)} but found "
                f"{_type_word_of(operand.dtype)}"
            )
    # "..." becomes the same fresh letters in every operand, lined up from the right.
    unused = [letter for letter in ops._LETTERS if letter not in equation]
    named = [subscript.replace("...", "") for subscript in subscripts]
    ellipsis_sizes = []
    for index, (subscript, letters, operand) in enumerate(zip(subscripts, named, operands)):
        if "..." not in subscript and len(letters) != operand.ndim:
            raise with_hint(
                RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({len(letters)}) does "
                    f"not match the number of dimensions ({operand.ndim}) for operand {index} "
                    "and no ellipsis was given"
                ),
                "einsum_subscripts",
            )
        ellipsis_sizes.append(operand.ndim - len(letters))
    broadcast_letters = "".join(unused[: builtins.max(ellipsis_sizes, default=0)])

    def written_out(subscript: str, count: int) -> str:
        return subscript.replace("...", broadcast_letters[len(broadcast_letters) - count :])

    subscripts = [written_out(s, n) for s, n in zip(subscripts, ellipsis_sizes)]
    if arrow:
        output = written_out(output, len(broadcast_letters))
        for letter in output:
            if output.count(letter) > 1:
                raise RuntimeError(
                    f"einsum(): output subscript {letter} appears more than once in the output"
                )
            if not builtins.any(letter in s for s in subscripts):
                raise RuntimeError(
                    f"einsum(): output subscript {letter} does not appear in the equation for "
                    "any input operand"
                )
    else:
        used = "".join(named)
        once = sorted(letter for letter in set(used) if used.count(letter) == 1)
        output = broadcast_letters + "".join(once)
    return ",".join(subscripts) + "->" + output, _einsum_sizes_agree(subscripts, operands)


def _einsum_sizes_agree(subscripts: list[str], operands: tuple) -> tuple:
    """Each letter's size, checked across operands (size 1 broadcasts, as in PyTorch)."""
    sizes: dict[str, int] = {}
    for index, (subscript, operand) in enumerate(zip(subscripts, operands)):
        own: dict[str, int] = {}
        for letter, size in zip(subscript, operand.shape):
            if own.setdefault(letter, size) != size:
                raise RuntimeError(
                    f"einsum(): subscript {letter} is repeated for operand {index} but the "
                    f"sizes don't match, {size} != {own[letter]}"
                )
            seen = sizes.setdefault(letter, size)
            if size != seen and 1 not in (size, seen):
                raise RuntimeError(
                    f"einsum(): subscript {letter} has size {size} for operand {index} which "
                    f"does not broadcast with previously seen size {seen}"
                )
            sizes[letter] = builtins.max(size, seen)
    return tuple(
        operand.expand(*(sizes[letter] for letter in subscript))
        if builtins.any(sizes[letter] != size for letter, size in zip(subscript, operand.shape))
        else operand
        for subscript, operand in zip(subscripts, operands)
    )


# ---- scans-linalg: norms and distances --------------------------------------------------------


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
    dims = ops._dims(None if dim in (None, ()) else dim, x.ndim)
    return ops.LinalgVectorNorm.apply(x, dims=dims, keepdim=keepdim, ord=ord)


def dist(self: Tensor, other: Tensor, p: Any = 2) -> Tensor:
    """The ``p``-norm of ``self - other`` (broadcast): how far apart two tensors are.

    Example:
        >>> ak.tensor([1.0, 1.0]).dist(ak.tensor([4.0, 5.0]))
        tensor(5.)
    """
    for tensor in (self, other):
        if not tensor.dtype.is_floating_point:
            raise RuntimeError(
                "norm(): input dtype should be either floating point or complex. "
                f"Got {_type_word_of(tensor.dtype)} instead."
            )
    return _binary(ops.Dist, self, other, p=p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """``torch.cdist``: the ``p``-norm distance between every row of ``x1`` (..., P, M) and
    every row of ``x2`` (..., R, M), a (..., P, R) tensor; batch dimensions broadcast.

    Always one CdistBackward0 node. (For p = 2 with more than 25 rows, PyTorch computes the
    distances with a matrix product instead and records that: values and gradients agree.)
    """
    for name, tensor in (("X1", x1), ("X2", x2)):
        if tensor.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {tensor.ndim}D")
        if not tensor.dtype.is_floating_point:
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: {_type_word_of(tensor.dtype)}"
            )
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            "X1 and X2 must have the same number of columns. "
            f"X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype != x2.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_word_of(x1.dtype)} but found {_type_word_of(x2.dtype)}"
        )
    _check_same_device(x1, x2)
    _broadcast_pair(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    return ops.Cdist.apply(x1, x2, p=p)


# ---- elementwise ----


def _not_implemented_for(kernel: str, dtype: dtypes.dtype) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for ``dtype`` (``frac`` of integers)."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_type_word_of(dtype)}'")


def _named(function: Any, name: str, doc: str) -> Any:
    function.__name__, function.__doc__ = name, doc
    return function


def _floating_unary(primitive: type[ops.Primitive], name: str, doc: str) -> Any:
    """A one-input function that computes in floating point (integer inputs promote)."""

    def function(self: Tensor) -> Tensor:
        return primitive.apply(_floating(self))

    return _named(function, name, doc)


log1p = _floating_unary(ops.Log1p, "log1p", "log(1 + x), accurate when x is tiny.")
expm1 = _floating_unary(ops.Expm1, "expm1", "exp(x) - 1, accurate when x is tiny.")
log2 = _floating_unary(ops.Log2, "log2", "The base-2 logarithm.")
log10 = _floating_unary(ops.Log10, "log10", "The base-10 logarithm.")
exp2 = _floating_unary(ops.Exp2, "exp2", "2 ** x.")
tan = _floating_unary(ops.Tan, "tan", "The tangent.")
asin = _floating_unary(ops.Asin, "asin", "The inverse sine (NaN outside [-1, 1]).")
acos = _floating_unary(ops.Acos, "acos", "The inverse cosine (NaN outside [-1, 1]).")
atan = _floating_unary(ops.Atan, "atan", "The inverse tangent.")
sinh = _floating_unary(ops.Sinh, "sinh", "The hyperbolic sine.")
cosh = _floating_unary(ops.Cosh, "cosh", "The hyperbolic cosine.")


def _rounding(primitive: type[ops.Primitive], name: str, doc: str) -> Any:
    """floor, ceil, trunc, round: integers are already whole, so they come back as a copy."""

    def function(self: Tensor) -> Tensor:
        if self.dtype.is_floating_point:
            return primitive.apply(self)
        if self.dtype is dtypes.bool_:
            raise _not_implemented_for(f"{name}_vml_cpu", self.dtype)
        return self.clone()

    return _named(function, name, doc)


floor = _rounding(ops.Floor, "floor", "The largest integer <= x (gradient 0).")
ceil = _rounding(ops.Ceil, "ceil", "The smallest integer >= x (gradient 0).")
trunc = _rounding(ops.Trunc, "trunc", "x rounded towards zero (gradient 0).")
_round_to_integer = _rounding(ops.Round, "round", "")


def round(self: Tensor, *, decimals: builtins.int | None = None) -> Tensor:
    """x rounded half to even (``round(2.5) == 2``), to ``decimals`` decimal places if given
    (gradient 0). As in PyTorch, passing ``decimals`` (even 0) records RoundBackward1.

    Example:
        >>> ak.tensor([0.5, 1.5, 1.26]).round(), ak.tensor([1.26]).round(decimals=1)
        (tensor([0., 2., 1.]), tensor([1.3000]))
    """
    if decimals is None:
        return _round_to_integer(self)
    if not self.dtype.is_floating_point:
        raise _not_implemented_for("round_vml_cpu" if decimals == 0 else "round_cpu", self.dtype)
    return ops.RoundDecimals.apply(self, decimals=decimals)


def frac(self: Tensor) -> Tensor:
    """x - trunc(x): the fractional part, with x's sign (gradient 1)."""
    if not self.dtype.is_floating_point:
        raise _not_implemented_for("frac_cpu", self.dtype)
    return ops.Frac.apply(self)


def _require_tensor(name: str, argument: str, position: int, value: Any) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name}(): argument '{argument}' (position {position}) must be Tensor, "
            f"not {type(value).__name__}"
        )


def _of_two_tensors(primitive: type[ops.Primitive], name: str, doc: str, kernel: str) -> tuple:
    """atan2, hypot, logaddexp: both operands must be tensors (numbers raise PyTorch's
    TypeError, which counts positions differently for ``x.f(y)`` and ``torch.f(x, y)``).
    Integers promote to float for atan2; the other two have no integer kernel (``kernel``)."""

    def method(self: Tensor, other: Tensor) -> Tensor:
        _require_tensor(name, "other", 1, other)
        return _apply_floating(self, other)

    def function(input: Tensor, other: Tensor) -> Tensor:
        _require_tensor(name, "input", 1, input)
        _require_tensor(name, "other", 2, other)
        return _apply_floating(input, other)

    def _apply_floating(first: Tensor, second: Tensor) -> Tensor:
        result = dtypes.result_type(first, second)
        if kernel and not result.is_floating_point:
            raise _not_implemented_for(kernel, result)
        return _binary(primitive, first, second, floating=True)

    return _named(method, name, doc), _named(function, name, doc)


atan2, _atan2_function = _of_two_tensors(
    ops.Atan2,
    "atan2",
    "The angle of the point (other, self): atan(self / other) in the right quadrant.",
    "",
)
hypot, _hypot_function = _of_two_tensors(
    ops.Hypot, "hypot", "sqrt(self**2 + other**2), without overflow.", "hypot_cpu"
)
logaddexp, _logaddexp_function = _of_two_tensors(
    ops.Logaddexp, "logaddexp", "log(exp(self) + exp(other)), without overflow.", "logaddexp_cpu"
)


def _check_divisor(dividend: Any, divisor: Any, kernel: str) -> None:
    """Integer division by zero has no answer: PyTorch raises where NumPy would warn. Booleans
    have no kernel at all."""
    result = dtypes.result_type(dividend, divisor)
    if result is dtypes.bool_:
        raise _not_implemented_for(kernel, result)
    if result.is_floating_point:
        return
    zero = (divisor == 0).any() if isinstance(divisor, Tensor) else divisor == 0
    if zero:
        raise with_hint(RuntimeError("ZeroDivisionError"), "integer_zero_division")


def _remainder_like(
    by_number: type[ops.Primitive], by_tensor: type[ops.Primitive], kernel: str
) -> Any:
    """fmod and %: a number divisor is a setting of the node (FmodBackward0), a tensor one an
    input that gets a gradient (FmodBackward1)."""

    def function(self: Tensor, other: Any) -> Tensor:
        _check_divisor(self, other, kernel)
        if isinstance(other, Tensor):
            return _binary(by_tensor, self, other)
        return _binary(by_number, self, other, number_as="number")

    return function


fmod = _named(
    _remainder_like(ops.Fmod, ops.FmodTensor, "fmod_cpu"),
    "fmod",
    "C's remainder of self / other: it has self's sign.",
)
_remainder_of_tensor = _remainder_like(ops.Remainder, ops.RemainderTensor, "remainder_cpu")


def remainder(self: Tensor, other: Any) -> Tensor:
    """Python's ``self % other``: the remainder of floor division, with other's sign.

    Example:
        >>> ak.tensor([5.0, -5.0]) % 3
        tensor([2., 1.])
    """
    if not isinstance(self, Tensor):  # ak.remainder(2.0, x) is 2.0 % x
        return _rmod(other, self)
    return _remainder_of_tensor(self, other)


def floor_divide(self: Tensor, other: Any) -> Tensor:
    """Python's ``self // other``: self / other rounded down. PyTorch has no derivative for
    it: a result that requires grad has a ``NotImplemented`` node, and backward through it
    raises."""
    _check_divisor(self, other, "div_floor_cpu")
    number_as = None if isinstance(other, Tensor) else "number"  # a number is no input: no edge
    return _binary(
        ops._NotImplemented,
        self,
        other,
        number_as=number_as,
        operation="floor_divide",
        aten_name="floor_divide",
    )


def _reflected(operation: str, aten_name: str, kernel: str) -> Any:
    """``number % x`` and ``number // x``: PyTorch records no derivative for either."""

    def function(self: Tensor, other: Any) -> Tensor:
        other = _as_number(other)
        if not isinstance(other, _SCALARS):
            return NotImplemented
        _check_divisor(other, self, kernel)
        self = _promote(self, dtypes.result_type(self, other))
        return ops._NotImplemented.apply(
            self, operation=operation, aten_name=aten_name, number=other, reflected=True
        )

    return function


_rmod = _reflected("remainder", "remainder", "remainder_cpu")
_rfloordiv = _reflected("floor_divide", "floor_divide", "div_floor_cpu")

# The names C++ gives dtypes in PyTorch's messages ("expected dtype float ... got double").
_CPP_NAMES = {
    "bool": "bool",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long int",
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
}


def _check_lerp_dtype(self: Tensor, name: str, value: Tensor) -> None:
    if value.dtype is not self.dtype:
        raise RuntimeError(
            f"expected dtype {_CPP_NAMES[self.dtype.name]} for `{name}` but got dtype "
            f"{_CPP_NAMES[value.dtype.name]}"
        )


def lerp(self: Tensor, end: Tensor, weight: Any) -> Tensor:
    """self + weight * (end - self): the point ``weight`` of the way from self to end.

    ``weight`` is a number (LerpBackward0) or a tensor (LerpBackward1, it gets a gradient).
    ``end`` (and a weight with dimensions) must have self's dtype, as in PyTorch.

    Example:
        >>> ak.tensor([0.0, 10.0]).lerp(ak.tensor([1.0, 20.0]), 0.25)
        tensor([ 0.2500, 12.5000])
    """
    _check_lerp_dtype(self, "end", end)
    if isinstance(weight, Tensor):
        if not self.dtype.is_floating_point:
            raise _not_implemented_for("lerp_kernel_tensor", self.dtype)
        if weight.ndim:
            _check_lerp_dtype(self, "weight", weight)
        operands = (self, end, _promote(weight, self.dtype))
        _check_devices_and_shapes(operands)
        return ops.LerpTensor.apply(*operands)
    if not self.dtype.is_floating_point:
        raise _not_implemented_for("lerp_kernel_scalar", self.dtype)
    _check_devices_and_shapes((self, end))
    return ops.Lerp.apply(self, end, weight=_as_number(weight))


def _check_devices_and_shapes(tensors: Sequence[Tensor]) -> None:
    """Same device and shapes that broadcast (PyTorch's errors), for ops of several tensors."""
    shape = tensors[0]._array.shape
    for other in tensors[1:]:
        _check_same_device(tensors[0], other)
        shape = _broadcast_pair(shape, other._array.shape)


_ADDCDIV_OF_INTEGERS = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
    "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
    "behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all "
    "dtypes."
)


def _addc(
    primitive: type[ops.Primitive],
    self: Tensor,
    tensor1: Tensor,
    tensor2: Tensor,
    value: Any,
    in_place: builtins.bool,
) -> Tensor:
    """addcmul/addcdiv and their in-place versions: one set of checks, one node
    (AddcmulBackward0/AddcdivBackward0)."""
    if primitive is ops.Addcdiv and not (
        tensor1.dtype.is_floating_point or tensor2.dtype.is_floating_point
    ):
        raise RuntimeError(_ADDCDIV_OF_INTEGERS)
    _check_devices_and_shapes((self, tensor1, tensor2))
    value = _as_number(value)
    if isinstance(value, builtins.float) and not tensor1.dtype.is_floating_point:
        value = builtins.int(value)  # PyTorch casts value to the integer tensors' type
    if in_place:
        shape = _broadcast_pair(tensor1._array.shape, tensor2._array.shape)
        shape = _broadcast_pair(self._array.shape, shape)
        if shape != self._array.shape:
            raise RuntimeError(
                f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}"
            )
        _check_cast_dtype(dtypes.result_type(tensor1, tensor2), self)
        factors = [_promote(t, self.dtype) for t in (tensor1, tensor2)]
        return _inplace(self, primitive, *factors, value=value)
    result = dtypes.result_type(self, tensor1, tensor2)
    operands = [_promote(t, result) for t in (self, tensor1, tensor2)]
    return primitive.apply(*operands, value=value)


def addcmul(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self + value * tensor1 * tensor2, as one AddcmulBackward0 node."""
    return _addc(ops.Addcmul, self, tensor1, tensor2, value, in_place=False)


def addcdiv(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self + value * tensor1 / tensor2, as one AddcdivBackward0 node."""
    return _addc(ops.Addcdiv, self, tensor1, tensor2, value, in_place=False)


def nan_to_num(
    self: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """NaN, +inf and -inf replaced by finite numbers (by default 0 and the dtype's largest and
    smallest values). The gradient flows only where self was finite.

    Example:
        >>> ak.tensor([1.0, float("nan"), float("inf")]).nan_to_num(posinf=9.0)
        tensor([1., 0., 9.])
    """
    if not self.dtype.is_floating_point:
        return self.clone()  # integers are always finite
    return ops.NanToNum.apply(self, nan=nan, posinf=posinf, neginf=neginf)


def _float_test(name: str, test: Any, on_integers: Any, doc: str) -> Any:
    """isinf, isposinf, isneginf, signbit: a bool tensor, never recorded. Integers and bools
    have no infinities (``on_integers`` answers for them)."""

    def function(self: Tensor) -> Tensor:
        xp = _backend.xp_of(self._array)
        if self.dtype.is_floating_point:
            return _wrap(test(xp, self._array))
        return _wrap(on_integers(xp, self._array))

    return _named(function, name, doc)


def _nowhere(xp: Any, array: Any) -> Any:
    return array != array  # all False for integers and bools (only NaN differs from itself)


isinf = _float_test("isinf", lambda xp, a: xp.isinf(a), _nowhere, "True where x is +-inf.")
isposinf = _float_test("isposinf", lambda xp, a: a == math.inf, _nowhere, "True where x is +inf.")
isneginf = _float_test("isneginf", lambda xp, a: a == -math.inf, _nowhere, "True where x is -inf.")
signbit = _float_test(
    "signbit",
    lambda xp, a: xp.signbit(a),
    lambda xp, a: a < 0 if a.dtype != xp.bool else _nowhere(xp, a),
    "True where x's sign bit is set: negative numbers and -0.0.",
)


def _where_nonzero(condition: Tensor) -> tuple[Tensor, ...]:
    """``ak.where(condition)``: the indices where condition is nonzero, one int64 tensor per
    dimension (``nonzero(as_tuple=True)``); a 0-d condition counts as one dimension."""
    xp = _backend.xp_of(condition._array)
    array = condition._array if condition.ndim else xp.reshape(condition._array, (1,))
    if condition.dtype is not dtypes.bool_:
        array = array != 0
    return tuple(_wrap(indices).long() for indices in xp.nonzero(array))


_WHERE_SIGNATURES = (
    "where() received an invalid combination of arguments - got ({}, {}), but expected one of:\n"
    " * (Tensor condition)\n"
    " * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n"
    " * (Tensor condition, Number self, Tensor other)\n"
    " * (Tensor condition, Tensor input, Number other)\n"
    " * (Tensor condition, Number self, Number other)\n"
)


def _type_name(value: Any) -> str:
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


def _where_method(self: Tensor, condition: Tensor, y: Any) -> Tensor:
    """``x.where(condition, y)`` is ``ak.where(condition, x, y)``."""
    return where(condition, self, y)


# ---- nn-more ----------------------------------------------------------------------------------


def erf(self: Tensor) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt elementwise (ErfBackward0);
    integer input computes in the default float dtype, as in PyTorch.

    Example:
        >>> ak.tensor([0.0, 0.5, -3.0]).erf()
        tensor([ 0.0000,  0.5205, -1.0000])
    """
    return ops.Erf.apply(_floating(self))


# ---- matmul-graph: in-place squeeze and unsqueeze --------------------------------------------


def squeeze_(self: Tensor, dim: int | None = None) -> Tensor:
    """Drop size-1 dimensions (only ``dim``, when given) of this tensor in place
    (``SqueezeBackward3``, or ``SqueezeBackward4`` with a dim)."""
    if dim is None:
        return _inplace_view(self, ops.SqueezeInplace)
    return _inplace_view(self, ops.SqueezeDimInplace, dim=_normalize_dim(dim, self.ndim))


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim`` of this tensor in place (``UnsqueezeBackward1``)."""
    return _inplace_view(self, ops.UnsqueezeInplace, dim=_normalize_dim(dim, self.ndim + 1))


def _inplace_view(self: Tensor, primitive: type[ops.Primitive], **settings: Any) -> Tensor:
    """Give ``self`` the shape the view op ``primitive`` gives it, keeping its memory.

    Only the shape changes, so no numbers are copied: ``self`` takes over the view's array
    and, when recorded, its node (PyTorch's in-place view ops rebase ``self`` the same way).
    """
    records = grad_state.enabled and self._requires_grad
    if records and self.grad_fn is None:
        raise with_hint(
            RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            ),
            "inplace_leaf",
        )
    _check_not_inference(self)
    result = primitive.apply(self, **settings)
    self._array = result._array
    if records:
        self.grad_fn = result.grad_fn
        self._output_nr = 0
    if self._base is not None:  # a view remembers how it was made from its base
        self._view_chain = result._view_chain
    self._version_counter[0] += 1
    return self


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
    # ---- scans-linalg ----
    "cumsum": cumsum,
    "cumprod": cumprod,
    "sort": sort,
    "argsort": argsort,
    "topk": topk,
    "kthvalue": kthvalue,
    "median": median,
    "dist": dist,
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
    "exponential_": exponential_,
    "random_": random_,
    "bernoulli": bernoulli,
    "bernoulli_": bernoulli_,
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
    # ---- shape-index ----
    "flip": flip,
    "roll": roll,
    "repeat": repeat,
    "tile": tile,
    "movedim": movedim,
    "moveaxis": movedim,
    "swapaxes": transpose,
    "swapdims": transpose,
    "unflatten": unflatten,
    "broadcast_to": broadcast_to,
    "gather": gather,
    "scatter": scatter,
    "scatter_add": scatter_add,
    "index_select": index_select,
    "index_add": index_add,
    "index_add_": index_add_,
    "masked_select": masked_select,
    "take": take,
    "nonzero": nonzero,
    "count_nonzero": count_nonzero,
    "nansum": nansum,
    "cross": cross,
    "bincount": bincount,
    "diagonal": diagonal,
    "diag": diag,
    "tril": tril,
    "triu": triu,
    "trace": trace,
    "outer": outer,
    # ---- elementwise ----
    "log1p": log1p,
    "expm1": expm1,
    "log2": log2,
    "log10": log10,
    "exp2": exp2,
    "tan": tan,
    "asin": asin,
    "acos": acos,
    "atan": atan,
    "sinh": sinh,
    "cosh": cosh,
    "floor": floor,
    "ceil": ceil,
    "round": round,
    "trunc": trunc,
    "frac": frac,
    "atan2": atan2,
    "hypot": hypot,
    "logaddexp": logaddexp,
    "fmod": fmod,
    "remainder": remainder,
    "floor_divide": floor_divide,
    "lerp": lerp,
    "addcmul": addcmul,
    "addcdiv": addcdiv,
    "nan_to_num": nan_to_num,
    "isinf": isinf,
    "isposinf": isposinf,
    "isneginf": isneginf,
    "signbit": signbit,
    "where": _where_method,
    "__mod__": remainder,
    "__rmod__": _rmod,
    "__floordiv__": floor_divide,
    "__rfloordiv__": _rfloordiv,
    # ---- nn-more ----
    "erf": erf,
    # ---- matmul-graph ----
    "squeeze_": squeeze_,
    "unsqueeze_": unsqueeze_,
}
_numpy_names.install(globals(), _METHODS)  # keepdims= and axis=, as PyTorch accepts
for _name, _function in _METHODS.items():
    setattr(Tensor, _name, _function)
Tensor.T = property(_T)  # type: ignore[attr-defined]
Tensor.mT = property(_mT)  # type: ignore[attr-defined]
Tensor.__hash__ = object.__hash__  # defining __eq__ must not make tensors unhashable
del _name, _function
