"""Elementwise math: exponentials and logarithms, trigonometric and hyperbolic functions,
``sigmoid`` and ``erf``, rounding, functions of two tensors (``atan2``, ``hypot``,
``logaddexp``) and number tests (``isinf``, ``nan_to_num``).

Each primitive's docstring is its formula (``Exp``: ``grad_x = grad * out``); the methods and
free functions (``x.exp()``, ``ak.exp(x)``) follow them.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from .. import _backend, dtypes
from .._backend import erf as _erf_array
from .._backend import xp_of
from .._broadcasting import _either
from .._registry import tensor_methods
from ..tensor import Tensor, _wrap
from .arguments import _binary, _floating, _named, _not_implemented_for, _require_tensor
from .primitive import (
    Primitive,
    _same_device,
    cos_of,
    cosh_of,
    exp_of,
    masked,
    sign_of,
    sin_of,
    sinh_of,
    sqrt_of,
)

# ---- Primitives: exponentials and logarithms ----------------------------------------------------

class Exp(Primitive):
    """out = exp(x);  grad_x = grad * out."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Primitive):
    """out = log(x);  grad_x = grad / x."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Primitive):
    """out = sqrt(x);  grad_x = grad / (2 * out)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Rsqrt(Primitive):
    """out = 1 / sqrt(x);  grad_x = -grad * out**3 / 2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = 1 / xp_of(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -0.5 * grad * out * out * out


# Most one-input functions share a shape: forward calls the array library's function of the
# same name, saving its input (or its output) for backward. The classes below say only the
# math that differs: the function's name and the derivative.


class _OfInput(Primitive):
    """out = xp.<function>(x), saving x for backward (the derivative is written with x)."""

    backward_on_arrays = True
    function = ""

    @classmethod
    def forward(cls, ctx, x):
        ctx.save_for_backward(x)
        return getattr(xp_of(x), cls.function)(x)


class _OfOutput(Primitive):
    """out = xp.<function>(x), saving out for backward (the derivative is written with out)."""

    backward_on_arrays = True
    function = ""

    @classmethod
    def forward(cls, ctx, x):
        out = getattr(xp_of(x), cls.function)(x)
        ctx.save_for_backward(out)
        return out


class Log1p(_OfInput):
    """out = log(1 + x);  grad_x = grad / (1 + x)."""

    node_name = "Log1PBackward0"
    function = "log1p"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


class Expm1(_OfOutput):
    """out = exp(x) - 1;  grad_x = grad * (out + 1)."""

    function = "expm1"

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Log2(_OfInput):
    """out = log2(x);  grad_x = grad / (x * ln 2)."""

    function = "log2"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(_OfInput):
    """out = log10(x);  grad_x = grad / (x * ln 10)."""

    function = "log10"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN10)


_LN2, _LN10 = float(np.log(2.0)), float(np.log(10.0))


class Exp2(Primitive):
    """out = 2 ** x;  grad_x = grad * out * ln 2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        exp2 = getattr(xp_of(x), "exp2", None)  # not in the array API standard: 2.0 ** x there
        out = exp2(x) if exp2 is not None else 2.0**x
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * _LN2


# ---- Primitives: sign and magnitude -------------------------------------------------------------

class Abs(Primitive):
    """out = |x|;  grad_x = grad * sign(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sign_of(x)


class Sign(Primitive):
    """out = sign(x);  grad_x = 0 (sign is flat wherever it is differentiable)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return xp_of(x).sign(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


# ---- Primitives: trigonometric and hyperbolic functions, sigmoid and erf ------------------------

class Sin(Primitive):
    """out = sin(x);  grad_x = grad * cos(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cos_of(x)


class Cos(Primitive):
    """out = cos(x);  grad_x = -grad * sin(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * sin_of(x)


class Tan(_OfOutput):
    """out = tan(x);  grad_x = grad * (1 + out**2)."""

    function = "tan"

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


class Asin(_OfInput):
    """out = asin(x);  grad_x = grad / sqrt(1 - x**2)."""

    function = "asin"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / sqrt_of(1 - x * x)


class Acos(_OfInput):
    """out = acos(x);  grad_x = -grad / sqrt(1 - x**2)."""

    function = "acos"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad / sqrt_of(1 - x * x)


class Atan(_OfInput):
    """out = atan(x);  grad_x = grad / (1 + x**2)."""

    function = "atan"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


class Sinh(_OfInput):
    """out = sinh(x);  grad_x = grad * cosh(x)."""

    function = "sinh"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cosh_of(x)


class Cosh(_OfInput):
    """out = cosh(x);  grad_x = grad * sinh(x)."""

    function = "cosh"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sinh_of(x)


class Tanh(Primitive):
    """out = tanh(x);  grad_x = grad * (1 - out**2)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Primitive):
    """out = 1 / (1 + exp(-x));  grad_x = grad * out * (1 - out)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        # The same function written with tanh, which never overflows for large |x|. Every
        # step after the first writes into the one buffer it allocated (NumPy's ``out=``;
        # other libraries allocate once more for tanh).
        out = 0.5 * x
        if type(out) is np.ndarray:
            np.tanh(out, out=out)
        else:
            out = xp_of(x).tanh(out)
        out += 1
        out *= 0.5
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        grad_x = 1 - out  # a fresh buffer, which the next two steps write into
        grad_x *= out
        grad_x *= grad
        return grad_x


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)  # (a Python float keeps float32 float32)


class Erf(Primitive):
    """out = erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt;  grad_x = grad * 2/sqrt(pi) * exp(-x^2)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_array(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _TWO_OVER_SQRT_PI * exp_of(-(x * x))


# ---- Primitives: rounding (gradient zero) -------------------------------------------------------

zeros_like = _either(  # a constant zero gradient: recorded by nothing, as in PyTorch
    lambda t: t.new_zeros(t.shape), lambda xp, a: xp.zeros_like(a)
)


class _Rounding(Primitive):
    """out = xp.<function>(x);  grad_x = 0: a step function is flat wherever it is
    differentiable. The zero gradient is a constant, not recorded, as in PyTorch."""

    backward_on_arrays = True
    function = ""

    @classmethod
    def forward(cls, ctx, x):
        return getattr(xp_of(x), cls.function)(x)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


class Floor(_Rounding):
    """out = floor(x) (the integer below);  grad_x = 0."""

    function = "floor"


class Ceil(_Rounding):
    """out = ceil(x) (the integer above);  grad_x = 0."""

    function = "ceil"


class Trunc(_Rounding):
    """out = trunc(x) (towards zero);  grad_x = 0."""

    function = "trunc"


class Round(_Rounding):
    """out = round(x) (halves to even: round(2.5) = 2);  grad_x = 0."""

    function = "round"


class RoundDecimals(Primitive):
    """out = round(x * 10**decimals) / 10**decimals;  grad_x = 0."""

    backward_on_arrays = True

    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, x, decimals):
        # PyTorch's kernel: scale by the power of ten, round half to even, scale back (for
        # negative decimals it divides first, so the power of ten stays an exact integer).
        xp = xp_of(x)
        scale = 10.0 ** builtins.abs(decimals)
        if decimals >= 0:
            return xp.round(x * scale) / scale
        return xp.round(x / scale) * scale

    backward = staticmethod(_Rounding.backward)


class Frac(Primitive):
    """out = x - trunc(x) (the fractional part, with x's sign);  grad_x = grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return x - xp_of(x).trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


# ---- Primitives: functions of two tensors -------------------------------------------------------

class Atan2(Primitive):
    """out = atan2(y, x) (the angle of the point (x, y));
    grad_y = grad * x / (x**2 + y**2),  grad_x = -grad * y / (x**2 + y**2)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return xp_of(y).atan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        scaled = grad / (x * x + y * y)
        grad_y = scaled * x if ctx.needs_input_grad[0] else None
        grad_x = -scaled * y if ctx.needs_input_grad[1] else None
        return grad_y, grad_x


class Hypot(Primitive):
    """out = sqrt(x**2 + y**2);  grad_x = grad * x / out,  grad_y = grad * y / out."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        out = xp_of(x).hypot(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        scaled = grad / out
        grad_x = scaled * x if ctx.needs_input_grad[0] else None
        grad_y = scaled * y if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Logaddexp(Primitive):
    """out = log(exp(x) + exp(y));
    grad_x = grad / (1 + exp(y - x)),  grad_y = grad / (1 + exp(x - y))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return xp_of(x).logaddexp(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad / (1 + exp_of(y - x)) if ctx.needs_input_grad[0] else None
        grad_y = grad / (1 + exp_of(x - y)) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


# ---- Primitives: cleaning numbers ---------------------------------------------------------------

class NanToNum(Primitive):
    """out = x with NaN -> nan, +inf -> posinf, -inf -> neginf (by default the dtype's largest
    and smallest finite values);  grad_x = grad where x is finite, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, nan=0.0, posinf=None, neginf=None):
        xp = xp_of(x)
        finite = xp.isfinite(x)
        ctx.save_for_backward(finite)
        limits = xp.finfo(x.dtype)

        def constant(value: float) -> Any:
            return xp.asarray(value, dtype=x.dtype, **_same_device(xp, x))

        posinf = limits.max if posinf is None else posinf
        neginf = limits.min if neginf is None else neginf
        replaced = xp.where(x > 0, constant(posinf), constant(neginf))
        replaced = xp.where(xp.isnan(x), constant(nan), replaced)
        return xp.where(finite, x, replaced)

    @staticmethod
    def backward(ctx, grad):
        (finite,) = ctx.saved_tensors
        return masked(grad, finite)


# ---- Methods: one-input functions ---------------------------------------------------------------

def exp(self: Tensor) -> Tensor:
    return Exp.apply(_floating(self))


def log(self: Tensor) -> Tensor:
    return Log.apply(_floating(self))


def sqrt(self: Tensor) -> Tensor:
    return Sqrt.apply(_floating(self))


def rsqrt(self: Tensor) -> Tensor:
    return Rsqrt.apply(self)


def abs(self: Tensor) -> Tensor:
    return Abs.apply(self)


def sign(self: Tensor) -> Tensor:
    return Sign.apply(self)


def sin(self: Tensor) -> Tensor:
    return Sin.apply(_floating(self))


def cos(self: Tensor) -> Tensor:
    return Cos.apply(_floating(self))


def tanh(self: Tensor) -> Tensor:
    return Tanh.apply(_floating(self))


def sigmoid(self: Tensor) -> Tensor:
    return Sigmoid.apply(_floating(self))


def erf(self: Tensor) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt elementwise (ErfBackward0);
    integer input computes in the default float dtype, as in PyTorch.

    Example:
        >>> ak.tensor([0.0, 0.5, -3.0]).erf()
        tensor([ 0.0000,  0.5205, -1.0000])
    """
    return Erf.apply(_floating(self))


def _floating_unary(primitive: type[Primitive], name: str, doc: str) -> Any:
    """A one-input function that computes in floating point (integer inputs promote)."""

    def function(self: Tensor) -> Tensor:
        return primitive.apply(_floating(self))

    return _named(function, name, doc)


log1p = _floating_unary(Log1p, "log1p", "log(1 + x), accurate when x is tiny.")
expm1 = _floating_unary(Expm1, "expm1", "exp(x) - 1, accurate when x is tiny.")
log2 = _floating_unary(Log2, "log2", "The base-2 logarithm.")
log10 = _floating_unary(Log10, "log10", "The base-10 logarithm.")
exp2 = _floating_unary(Exp2, "exp2", "2 ** x.")
tan = _floating_unary(Tan, "tan", "The tangent.")
asin = _floating_unary(Asin, "asin", "The inverse sine (NaN outside [-1, 1]).")
acos = _floating_unary(Acos, "acos", "The inverse cosine (NaN outside [-1, 1]).")
atan = _floating_unary(Atan, "atan", "The inverse tangent.")
sinh = _floating_unary(Sinh, "sinh", "The hyperbolic sine.")
cosh = _floating_unary(Cosh, "cosh", "The hyperbolic cosine.")


# ---- Methods: rounding --------------------------------------------------------------------------

def _rounding(primitive: type[Primitive], name: str, doc: str) -> Any:
    """floor, ceil, trunc, round: integers are already whole, so they come back as a copy."""

    def function(self: Tensor) -> Tensor:
        if self.dtype.is_floating_point:
            return primitive.apply(self)
        if self.dtype is dtypes.bool_:
            raise _not_implemented_for(f"{name}_vml_cpu", self.dtype)
        return self.clone()

    return _named(function, name, doc)


floor = _rounding(Floor, "floor", "The largest integer <= x (gradient 0).")
ceil = _rounding(Ceil, "ceil", "The smallest integer >= x (gradient 0).")
trunc = _rounding(Trunc, "trunc", "x rounded towards zero (gradient 0).")
_round_to_integer = _rounding(Round, "round", "")


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
    return RoundDecimals.apply(self, decimals=decimals)


def frac(self: Tensor) -> Tensor:
    """x - trunc(x): the fractional part, with x's sign (gradient 1)."""
    if not self.dtype.is_floating_point:
        raise _not_implemented_for("frac_cpu", self.dtype)
    return Frac.apply(self)


# ---- Methods: functions of two tensors ----------------------------------------------------------

def _of_two_tensors(primitive: type[Primitive], name: str, doc: str, kernel: str) -> tuple:
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
    Atan2,
    "atan2",
    "The angle of the point (other, self): atan(self / other) in the right quadrant.",
    "",
)
hypot, _hypot_function = _of_two_tensors(
    Hypot, "hypot", "sqrt(self**2 + other**2), without overflow.", "hypot_cpu"
)
logaddexp, _logaddexp_function = _of_two_tensors(
    Logaddexp, "logaddexp", "log(exp(self) + exp(other)), without overflow.", "logaddexp_cpu"
)


# ---- Methods: cleaning and testing numbers ------------------------------------------------------

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
    return NanToNum.apply(self, nan=nan, posinf=posinf, neginf=neginf)


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


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
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
        "__abs__": abs,
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
        "nan_to_num": nan_to_num,
        "isinf": isinf,
        "isposinf": isposinf,
        "isneginf": isneginf,
        "signbit": signbit,
        "erf": erf,
    },
)
