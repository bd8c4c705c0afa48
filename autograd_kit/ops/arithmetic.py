"""Arithmetic: ``+ - * / **`` and their relatives, forward beside backward, then the Tensor
operators that call them.

The primitives come first (``Mul``: ``grad_x = grad * y``), then the methods (``Tensor.__mul__``
is ``mul``), the comparisons and logic operators (never differentiable), remainders and
rounded division, ``lerp``/``addcmul``/``addcdiv`` and the in-place forms (``x += y``).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _backend, dtypes
from .._backend import xp_of
from .._broadcasting import _broadcast_pair, _either
from .._errors import with_hint
from .._registry import tensor_methods
from ..tensor import Tensor, _wrap
from .arguments import (
    _SCALARS,
    _alpha,
    _as_number,
    _binary,
    _check_same_device,
    _floating,
    _meet_on_one_device,
    _named,
    _not_implemented_for,
    _promote,
)
from .inplace import _NUMPY_UFUNCS, _check_cast_dtype, _inplace, _inplace_binary, _iop
from .primitive import Primitive, _if, _same_device
from .selection import where

# ---- Primitives: sums and differences -----------------------------------------------------------

class Add(Primitive):
    """out = x + alpha * y;  grad_x = grad,  grad_y = alpha * grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y, alpha=1):
        ctx.alpha = alpha
        return x + y if alpha == 1 else x + alpha * y

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad if ctx.needs_input_grad[0] else None
        grad_y = None
        if ctx.needs_input_grad[1]:
            grad_y = grad if ctx.alpha == 1 else grad * ctx.alpha
        return grad_x, grad_y


class Sub(Primitive):
    """out = x - alpha * y;  grad_x = grad,  grad_y = -alpha * grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y, alpha=1):
        ctx.alpha = alpha
        return x - y if alpha == 1 else x - alpha * y

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad if ctx.needs_input_grad[0] else None
        grad_y = grad * -ctx.alpha if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Rsub(Primitive):
    """out = number - x (written ``2 - x``);  grad_x = -grad."""

    backward_on_arrays = True

    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, x, number):
        return number - x

    @staticmethod
    def backward(ctx, grad):
        return -grad


# Inside ATen, ``x + 1e-6`` calls add's Scalar overload and records AddBackward1 (from Python the
# number becomes a tensor and the node is AddBackward0); the losses written in C++ (pairwise
# distance, margin ranking, cross-entropy, ...) therefore show these nodes, and so do ours.


class AddScalar(Primitive):
    """out = x + other (a number);  grad_x = grad."""

    backward_on_arrays = True
    node_name = "AddBackward1"

    @staticmethod
    def forward(ctx, x, other):
        return x + other

    @staticmethod
    def backward(ctx, grad):
        return grad, None


# ---- Primitives: products and quotients ---------------------------------------------------------

class Mul(Primitive):
    """out = x * y;  grad_x = grad * y,  grad_y = grad * x."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        # Keep only what backward reads: y for grad_x, x for grad_y (y first, the order in
        # which PyTorch saves them, so saved-tensor hooks run in the same order).
        needs = ctx.needs_input_grad
        ctx.save_for_backward(y if needs[0] else None, x if needs[1] else None)
        return x * y

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        grad_x = grad * y if ctx.needs_input_grad[0] else None
        grad_y = grad * x if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Div(Primitive):
    """out = x / y;  grad_x = grad / y,  grad_y = -grad * x / y**2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x / y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad / y if ctx.needs_input_grad[0] else None
        grad_y = -grad * x / (y * y) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Reciprocal(Primitive):
    """out = 1 / x;  grad_x = -grad * out**2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = 1 / x
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * out * out


class Neg(Primitive):
    """out = -x;  grad_x = -grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class MulScalar(Primitive):
    """out = x * other (a number);  grad_x = grad * other."""

    backward_on_arrays = True
    node_name = "MulBackward1"

    @staticmethod
    def forward(ctx, x, other):
        ctx.other = other
        return x * other

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.other, None


class DivScalar(Primitive):
    """out = x / other (a number);  grad_x = grad / other."""

    backward_on_arrays = True
    node_name = "DivBackward1"

    @staticmethod
    def forward(ctx, x, other):
        ctx.other = other
        return x / other

    @staticmethod
    def backward(ctx, grad):
        return grad / ctx.other, None


# ---- Primitives: powers -------------------------------------------------------------------------

class Pow(Primitive):
    """out = x ** exponent (a number);  grad_x = grad * exponent * x ** (exponent - 1)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return x**exponent

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.exponent == 0:
            return grad * 0
        return grad * ctx.exponent * x ** (ctx.exponent - 1)


class PowTensor(Primitive):
    """out = x ** y (both tensors);  grad_x = grad * y * x**(y-1),  grad_y = grad * out * log(x)."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, x, y):
        out = x**y
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        grad_x = grad * y * x ** (y - 1) if ctx.needs_input_grad[0] else None
        grad_y = None
        if ctx.needs_input_grad[1]:
            # Where x == 0 (and y >= 0) the limit of out * log(x) is 0, as PyTorch defines it.
            safe_log = where(x == 0, 0.0, x).log()
            grad_y = grad * out * safe_log
        return grad_x, grad_y


class PowScalarBase(Primitive):
    """out = base ** x (``2 ** x``);  grad_x = grad * out * log(base)."""

    backward_on_arrays = True

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, x, base):
        xp = xp_of(x)
        out = xp.asarray(base, dtype=x.dtype, **_same_device(xp, x)) ** x
        ctx.save_for_backward(out)
        ctx.log_base = float(np.log(base))
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * ctx.log_base


# ---- Primitives: remainders and rounded division ------------------------------------------------

quotient = _either(  # x / y rounded ("floor" or "trunc"): a constant, its derivative is zero
    lambda x, y, mode: _wrap(_rounded_quotient(xp_of(x._array), x._array, y._array, mode)),
    lambda xp, x, y, mode: _rounded_quotient(xp, x, y, mode),
)


def _rounded_quotient(xp: Any, x: Any, y: Any, mode: str) -> Any:
    return xp.floor_divide(x, y) if mode == "floor" else xp.trunc(x / y)


# fmod and % are one remainder, x - q * y, with the quotient q = x / y rounded differently:
# towards zero for fmod (the result has x's sign), down for % (the result has y's sign).


def _remainder(x: Any, y: Any, rounding: str) -> Any:
    return _backend.fmod(x, y) if rounding == "trunc" else xp_of(x).remainder(x, y)


class _RemainderByNumber(Primitive):
    """out = x - q * number;  grad_x = grad (q is flat between its jumps)."""

    backward_on_arrays = True
    rounding = ""

    @classmethod
    def forward(cls, ctx, x, number):
        return _remainder(x, number, cls.rounding)

    @staticmethod
    def backward(ctx, grad):
        return grad


class _RemainderByTensor(Primitive):
    """out = x - q * y;  grad_x = grad,  grad_y = -grad * q."""

    backward_on_arrays = True
    rounding = ""

    @classmethod
    def forward(cls, ctx, x, y):
        ctx.save_for_backward(_if(ctx, 1, x), _if(ctx, 1, y))
        ctx.rounding = cls.rounding
        return _remainder(x, y, cls.rounding)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_y = -grad * quotient(x, y, ctx.rounding) if ctx.needs_input_grad[1] else None
        return grad, grad_y


class Fmod(_RemainderByNumber):
    """out = x - trunc(x / number) * number (C's fmod: the sign of x);  grad_x = grad."""

    node_name = "FmodBackward0"
    rounding = "trunc"


class FmodTensor(_RemainderByTensor):
    """out = x - trunc(x / y) * y;  grad_x = grad,  grad_y = -grad * trunc(x / y)."""

    node_name = "FmodBackward1"
    rounding = "trunc"


class Remainder(_RemainderByNumber):
    """out = x - floor(x / number) * number (Python's %: the sign of number);  grad_x = grad."""

    node_name = "RemainderBackward0"
    rounding = "floor"


class RemainderTensor(_RemainderByTensor):
    """out = x - floor(x / y) * y;  grad_x = grad,  grad_y = -grad * floor(x / y)."""

    node_name = "RemainderBackward1"
    rounding = "floor"


class _NotImplemented(Primitive):
    """An operation PyTorch has no derivative for (``x // y``, ``2 % x``): the node is
    recorded, named ``NotImplemented``, and going back through it raises PyTorch's error.

    ``operation`` names the array function; a number operand is a setting (no edge), and
    ``reflected`` puts it first (``number % x``)."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, x, y=None, operation="", aten_name="", number=None, reflected=False):
        ctx.aten_name = aten_name
        other = number if y is None else y
        first, second = (other, x) if reflected else (x, other)
        return getattr(xp_of(x), operation)(first, second)

    @staticmethod
    def backward(ctx, grad):
        raise with_hint(
            RuntimeError(
                f"derivative for aten::{ctx.aten_name} is not implemented"
            ),
            "no_derivative",
        )


# ---- Primitives: lerp, addcmul, addcdiv ---------------------------------------------------------

def _lerp(x: Any, end: Any, weight: Any) -> Any:
    """x + weight * (end - x), computed from the nearer end as PyTorch does (so weight 1 gives
    exactly end, and float32 results agree to the last bit)."""
    difference = end - x
    if isinstance(weight, (int, float)):
        if abs(weight) < 0.5:
            return x + weight * difference
        return end - difference * (1 - weight)
    return xp_of(x).where(
        xp_of(x).abs(weight) < 0.5, x + weight * difference, end - difference * (1 - weight)
    )


class Lerp(Primitive):
    """out = x + weight * (end - x) (weight a number);
    grad_x = grad * (1 - weight),  grad_end = grad * weight."""

    backward_on_arrays = True

    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, x, end, weight):
        ctx.weight = weight
        return _lerp(x, end, weight)

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad * (1 - ctx.weight) if ctx.needs_input_grad[0] else None
        grad_end = grad * ctx.weight if ctx.needs_input_grad[1] else None
        return grad_x, grad_end


class LerpTensor(Primitive):
    """out = x + weight * (end - x);  grad_x = grad * (1 - weight),  grad_end = grad * weight,
    grad_weight = grad * (end - x)."""

    backward_on_arrays = True

    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, x, end, weight):
        ctx.save_for_backward(_if(ctx, 2, x), _if(ctx, 2, end), weight)
        return _lerp(x, end, weight)

    @staticmethod
    def backward(ctx, grad):
        x, end, weight = ctx.saved_tensors
        grad_x = grad * (1 - weight) if ctx.needs_input_grad[0] else None
        grad_end = grad * weight if ctx.needs_input_grad[1] else None
        grad_weight = grad * (end - x) if ctx.needs_input_grad[2] else None
        return grad_x, grad_end, grad_weight


class Addcmul(Primitive):
    """out = x + value * t1 * t2;  grad_x = grad,  grad_t1 = grad * value * t2,
    grad_t2 = grad * value * t1."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, tensor1, tensor2, value=1):
        ctx.save_for_backward(_if(ctx, 2, tensor1), _if(ctx, 1, tensor2))
        ctx.value = value
        return x + value * tensor1 * tensor2

    @staticmethod
    def backward(ctx, grad):
        tensor1, tensor2 = ctx.saved_tensors
        scaled = grad * ctx.value if ctx.value != 1 else grad
        grad_1 = scaled * tensor2 if ctx.needs_input_grad[1] else None
        grad_2 = scaled * tensor1 if ctx.needs_input_grad[2] else None
        return grad, grad_1, grad_2


class Addcdiv(Primitive):
    """out = x + value * t1 / t2;  grad_x = grad,  grad_t1 = grad * value / t2,
    grad_t2 = -grad * value * t1 / t2**2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, tensor1, tensor2, value=1):
        ctx.save_for_backward(_if(ctx, 2, tensor1), tensor2)
        ctx.value = value
        return x + value * tensor1 / tensor2

    @staticmethod
    def backward(ctx, grad):
        tensor1, tensor2 = ctx.saved_tensors
        scaled = grad * ctx.value if ctx.value != 1 else grad
        grad_1 = scaled / tensor2 if ctx.needs_input_grad[1] else None
        grad_2 = -scaled * tensor1 / (tensor2 * tensor2) if ctx.needs_input_grad[2] else None
        return grad, grad_1, grad_2


# ---- Methods: arithmetic operators --------------------------------------------------------------

def add(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """self + alpha * other."""
    if type(alpha) is int and alpha == 1:  # the default, which is Add's own (as for a + b)
        return _binary(Add, self, other)
    return _binary(Add, self, other, alpha=_alpha(alpha, "add"))


def sub(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """self - alpha * other."""
    if type(alpha) is int and alpha == 1:
        return _binary(Sub, self, other)
    return _binary(Sub, self, other, alpha=_alpha(alpha, "sub"))


def mul(self: Tensor, other: Any) -> Tensor:
    return _binary(Mul, self, other)


def div(self: Tensor, other: Any) -> Tensor:
    """True division: integer inputs give a floating point result, as in PyTorch."""
    return _binary(Div, self, other, floating=True)


def pow(self: Tensor, exponent: Any) -> Tensor:
    if isinstance(exponent, Tensor):
        return _binary(PowTensor, self, exponent)
    return _binary(Pow, self, exponent, number_as="exponent")


def _radd(self: Tensor, other: Any) -> Tensor:
    return _binary(Add, self, other)


def _rsub(self: Tensor, other: Any) -> Tensor:
    return _binary(Rsub, self, other, number_as="number")


def _rmul(self: Tensor, other: Any) -> Tensor:
    return _binary(Mul, self, other)


def _rtruediv(self: Tensor, other: Any) -> Tensor:
    # PyTorch computes number / x as reciprocal(x) * number, so the graph shows MulBackward0.
    if not self.dtype.is_floating_point:
        self = _promote(self, dtypes.DEFAULT_FLOAT)
    return _binary(Mul, Reciprocal.apply(self), other)


def _rpow(self: Tensor, other: Any) -> Tensor:
    other = _as_number(other)
    if not isinstance(other, _SCALARS):
        return NotImplemented
    if not self.dtype.is_floating_point and isinstance(other, builtins.float):
        self = _promote(self, dtypes.DEFAULT_FLOAT)
    return PowScalarBase.apply(self, base=other)


def neg(self: Tensor) -> Tensor:
    return Neg.apply(self)


def _pos(self: Tensor) -> Tensor:
    return self


def reciprocal(self: Tensor) -> Tensor:
    return Reciprocal.apply(_floating(self))


def square(self: Tensor) -> Tensor:
    return Pow.apply(self, exponent=2)


# ---- Methods: comparisons and logic (never differentiable) --------------------------------------

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


# ---- Methods: remainders and rounded division ---------------------------------------------------

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
    by_number: type[Primitive], by_tensor: type[Primitive], kernel: str
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
    _remainder_like(Fmod, FmodTensor, "fmod_cpu"),
    "fmod",
    "C's remainder of self / other: it has self's sign.",
)
_remainder_of_tensor = _remainder_like(Remainder, RemainderTensor, "remainder_cpu")


def remainder(self: Tensor, other: Any) -> Tensor:
    """Python's ``self % other``: the remainder of floor division, with other's sign.

    Example:
        >>> ak.tensor([5.0, -5.0]) % 3
        tensor([2., 1.])
    """
    if not isinstance(self, Tensor):  # ak.remainder(2.0, x) is 2.0 % x
        return _rmod(other, self)
    return _remainder_of_tensor(self, other)


def floor_divide(self: Tensor, other: Any, aten_name: str = "floor_divide") -> Tensor:
    """Python's ``self // other``: self / other rounded down. PyTorch has no derivative for
    it: a result that requires grad has a ``NotImplemented`` node, and backward through it
    raises (naming ``aten::floor_divide``, or ``floor_divide_`` for the in-place form)."""
    _check_divisor(self, other, "div_floor_cpu")
    number_as = None if isinstance(other, Tensor) else "number"  # a number is no input: no edge
    return _binary(
        _NotImplemented,
        self,
        other,
        number_as=number_as,
        operation="floor_divide",
        aten_name=aten_name,
    )


def floor_divide_(self: Tensor, other: Any) -> Tensor:
    return _inplace(self, floor_divide, other, aten_name="floor_divide_")


def _reflected(operation: str, aten_name: str, kernel: str) -> Any:
    """``number % x`` and ``number // x``: PyTorch records no derivative for either."""

    def function(self: Tensor, other: Any) -> Tensor:
        other = _as_number(other)
        if not isinstance(other, _SCALARS):
            return NotImplemented
        _check_divisor(other, self, kernel)
        self = _promote(self, dtypes.result_type(self, other))
        return _NotImplemented.apply(
            self, operation=operation, aten_name=aten_name, number=other, reflected=True
        )

    return function


_rmod = _reflected("remainder", "remainder", "remainder_cpu")
_rfloordiv = _reflected("floor_divide", "floor_divide", "div_floor_cpu")


# ---- Methods: lerp, addcmul, addcdiv ------------------------------------------------------------

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
        return LerpTensor.apply(*operands)
    if not self.dtype.is_floating_point:
        raise _not_implemented_for("lerp_kernel_scalar", self.dtype)
    _check_devices_and_shapes((self, end))
    return Lerp.apply(self, end, weight=_as_number(weight))


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
    primitive: type[Primitive],
    self: Tensor,
    tensor1: Tensor,
    tensor2: Tensor,
    value: Any,
    in_place: builtins.bool,
) -> Tensor:
    """addcmul/addcdiv and their in-place versions: one set of checks, one node
    (AddcmulBackward0/AddcdivBackward0)."""
    if primitive is Addcdiv and not (
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
    return _addc(Addcmul, self, tensor1, tensor2, value, in_place=False)


def addcdiv(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self + value * tensor1 / tensor2, as one AddcdivBackward0 node."""
    return _addc(Addcdiv, self, tensor1, tensor2, value, in_place=False)


# ---- Methods: in place (x += y) -----------------------------------------------------------------

add_ = _inplace_binary(Add)
sub_ = _inplace_binary(Sub)
mul_ = _inplace_binary(Mul)
div_ = _inplace_binary(Div)


def pow_(self: Tensor, exponent: Any) -> Tensor:
    return _inplace(self, Pow, exponent=_as_number(exponent))


def addcmul_(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self += value * tensor1 * tensor2 (used by optimizers)."""
    return _addc(Addcmul, self, tensor1, tensor2, value, in_place=True)


def addcdiv_(self: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """self += value * tensor1 / tensor2 (used by optimizers)."""
    return _addc(Addcdiv, self, tensor1, tensor2, value, in_place=True)


_NUMPY_UFUNCS.update({Add: np.add, Sub: np.subtract, Mul: np.multiply, Div: np.divide})


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
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
        "reciprocal": reciprocal,
        "square": square,
        "all": all,
        "any": any,
        "isnan": isnan,
        "isfinite": isfinite,
        "logical_not": logical_not,
        "equal": eq_all,
        "allclose": allclose,
        "isclose": isclose,
        "add_": add_,
        "sub_": sub_,
        "mul_": mul_,
        "div_": div_,
        "pow_": pow_,
        "addcmul_": addcmul_,
        "addcdiv_": addcdiv_,
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
        "__neg__": neg,
        "__pos__": _pos,
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
        "fmod": fmod,
        "remainder": remainder,
        "floor_divide": floor_divide,
        "floor_divide_": floor_divide_,
        "lerp": lerp,
        "addcmul": addcmul,
        "addcdiv": addcdiv,
        "__mod__": remainder,
        "__rmod__": _rmod,
        "__floordiv__": floor_divide,
        "__rfloordiv__": _rfloordiv,
        "__hash__": object.__hash__,
    },
)
