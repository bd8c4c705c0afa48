"""Activations PyTorch records as one node each: ``relu`` and thresholds, ``gelu``, ``silu``,
``softplus``, ``elu``/``celu``, ``hardtanh``, ``mish``, ``glu``, the shrink functions, ...

Forward works on arrays (through ``xp`` only, so any device works); backward is written with
tensor ops, so it can itself be differentiated. When backward does not record (no
create_graph), it reuses arrays forward already computed instead of recomputing them.
"""

from __future__ import annotations

import math
from typing import Any

from .._backend import xp_of
from .._broadcasting import _either
from .._registry import tensor_methods
from ..tensor import Tensor
from .inplace import _inplace
from .primitive import Primitive, _same_device, erf_of, exp_of, masked, sigmoid_of, tanh_of
from .selection import Clamp, choose
from .shape import Cat

# ---- Primitives: rectifiers and thresholds ------------------------------------------------------

def _max_with_zero(xp: Any, x: Any) -> Any:
    """max(0, x) elementwise, in x's dtype: NaN stays NaN and -0.0 stays -0.0, as in PyTorch
    (NumPy's ``maximum`` returns its first argument when the two compare equal, so the zeros
    go first).

    NumPy's vectorised (SIMD) loop for ``maximum`` runs on two arrays but not on an array and
    a number, so where rows are long, x is compared with one row of zeros broadcast down it:
    half the time of ``maximum(x, 0)`` on a 64x256 batch, the same values. (For short rows
    the broadcast's bookkeeping costs more than it saves.)
    """
    if x.ndim and x.shape[-1] >= 64 and x.size >= 4096:
        return xp.maximum(xp.zeros(x.shape[-1:], dtype=x.dtype, **_same_device(xp, x)), x)
    return xp.maximum(0, x)


class Relu(Primitive):
    """out = max(x, 0);  grad_x = grad where out > 0, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        if x.dtype == xp.bool:
            raise RuntimeError("Boolean inputs not supported for relu")
        out = _max_with_zero(xp, x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return relu_backward(grad, out)


def _passes(result: Any) -> Any:
    """Where ReLU lets the gradient through (an array or a tensor of bools): wherever its
    result is not <= 0. That is ``result > 0`` except at NaN, where PyTorch's
    ``threshold_backward`` passes the gradient on too."""
    return ~(result <= 0)


class ThresholdBackward(Primitive):
    """out = grad where result is not <= 0 (NaN too), else 0: ReLU's backward, as a node of
    its own when the backward pass is recorded;  grad_grad = the same mask on the incoming
    gradient, grad_result = 0. (So, as in PyTorch, a gradient through ReLU depends on ReLU's result:
    it requires grad, with a zero derivative, even when ``grad`` itself does not.)"""

    backward_on_arrays = True

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, result):
        ctx.save_for_backward(result)
        return masked(grad, _passes(result))

    @staticmethod
    def backward(ctx, grad):
        (result,) = ctx.saved_tensors
        grad_grad = masked(grad, _passes(result)) if ctx.needs_input_grad[0] else None
        return grad_grad, grad * 0 if ctx.needs_input_grad[1] else None


relu_backward = _either(
    lambda grad, out: ThresholdBackward.apply(grad, out),
    lambda xp, grad, out: masked(grad, _passes(out)),
)


class Threshold(Primitive):
    """out = x where x > threshold, else value;  grad_x = grad where x > threshold, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, threshold=0.0, value=0.0):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        return xp.where(x > threshold, x, xp.asarray(value, dtype=x.dtype, **_same_device(xp, x)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return masked(grad, x > ctx.threshold)


class ThresholdInplace(Threshold):
    """``threshold(x, inplace=True)``: Threshold's formulas, recorded as PyTorch's in-place node."""

    node_name = "ThresholdBackward1"


class Hardtanh(Clamp):
    """out = min(max(x, min_val), max_val);  grad_x = grad where min_val < x < max_val, else 0
    (strictly inside: at the corners the gradient is 0, as in PyTorch; ``relu6`` is
    hardtanh(x, 0, 6) and records this node too)."""

    @staticmethod
    def forward(ctx, x, min_val=-1.0, max_val=1.0):
        xp = xp_of(x)
        ctx.save_for_backward((x > min_val) & (x < max_val))
        # (bounds in x's own dtype: integer input stays integer, as in PyTorch)
        low = xp.asarray(min_val, dtype=x.dtype, **_same_device(xp, x))
        high = xp.asarray(max_val, dtype=x.dtype, **_same_device(xp, x))
        return xp.minimum(xp.maximum(x, low), high)


class Hardshrink(Primitive):
    """out = x where |x| > lambd, else 0;  grad_x = grad where |x| > lambd, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, lambd=0.5):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        return masked(x, (x > lambd) | (x < -lambd))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return masked(grad, (x > ctx.lambd) | (x < -ctx.lambd))


class Softshrink(Hardshrink):
    """out = x - lambd where x > lambd, x + lambd where x < -lambd, else 0;
    grad_x = grad where |x| > lambd, else 0 (Hardshrink's gradient)."""

    @staticmethod
    def forward(ctx, x, lambd=0.5):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        return x - xp_of(x).clip(x, -lambd, lambd)


class PreluKernel(Primitive):
    """out = x where x > 0, else weight * x (weight broadcast along the channels);
    grad_x = grad where x > 0, else grad * weight;  grad_weight = grad * x where x <= 0, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, weight):
        xp = xp_of(x)
        ctx.save_for_backward(x, weight)
        return xp.where(x > 0, x, weight * x)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        positive = x > 0
        grad_x = choose(positive, grad, grad * weight) if ctx.needs_input_grad[0] else None
        grad_weight = masked(grad * x, x <= 0) if ctx.needs_input_grad[1] else None
        return grad_x, grad_weight


# ---- Primitives: smooth activations -------------------------------------------------------------

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_TWO_PI = 1 / math.sqrt(2 * math.pi)
_GELU_TANH_SCALE = math.sqrt(2 / math.pi)  # GELU's tanh form: tanh(k (x + 0.044715 x^3))
_GELU_CUBIC = 0.044715


class Gelu(Primitive):
    """out = x * Phi(x), Phi(x) = (1 + erf(x / sqrt(2))) / 2 the normal distribution function;
    grad_x = grad * (Phi(x) + x * exp(-x^2 / 2) / sqrt(2 pi)).

    approximate="tanh": out = x/2 * (1 + t), t = tanh(k (x + c x^3)), k = sqrt(2/pi), c = 0.044715;
    grad_x = grad * ((1 + t)/2 + x/2 * (1 - t^2) * k (1 + 3 c x^2)).
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, approximate="none"):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1 + tanh_of(_GELU_TANH_SCALE * (x + _GELU_CUBIC * (x * x * x))))
        return 0.5 * x * (1 + erf_of(x * _SQRT_HALF))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = tanh_of(_GELU_TANH_SCALE * (x + _GELU_CUBIC * (x * x * x)))
            slope = _GELU_TANH_SCALE * (1 + 3 * _GELU_CUBIC * (x * x))
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * slope)
        return grad * (0.5 * (1 + erf_of(x * _SQRT_HALF)) + x * _INV_SQRT_TWO_PI * exp_of(-0.5 * (x * x)))


class Silu(Primitive):
    """out = x * sigmoid(x) ("swish");  grad_x = grad * s * (1 + x (1 - s)), s = sigmoid(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * sigmoid_of(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = sigmoid_of(x)
        return grad * s * (1 + x * (1 - s))


class Softplus(Primitive):
    """out = log(1 + exp(beta x)) / beta, or x where beta x > threshold (there the two agree to
    float precision);  grad_x = grad * sigmoid(beta x), or grad where beta x > threshold."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        scaled = x * beta
        # log(1 + exp(z)) = log(1 + exp(-|z|)) + max(z, 0): no overflow for large z.
        smooth = (xp.log1p(xp.exp(-xp.abs(scaled))) + xp.maximum(scaled, 0)) / beta
        return xp.where(scaled > threshold, x, smooth)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        scaled = x * ctx.beta
        return choose(scaled > ctx.threshold, grad, grad * sigmoid_of(scaled))


class Elu(Primitive):
    """out = x where x > 0, else alpha (exp(x) - 1);  grad_x = grad where x > 0, else
    grad * alpha exp(x).

    (PyTorch's general form, which SELU and CELU use: out = scale * x where x > 0, else
    scale * alpha (exp(input_scale * x) - 1), and grad_x follows.)
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, alpha=1.0, scale=1.0, input_scale=1.0):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        return scale * xp.where(x > 0, x, alpha * xp.expm1(x * input_scale))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        grad = grad * ctx.scale
        return choose(x > 0, grad, grad * (ctx.alpha * ctx.input_scale) * exp_of(x * ctx.input_scale))


class EluInplace(Elu):
    """``elu(x, inplace=True)``: Elu's formulas, recorded as PyTorch's in-place node."""

    node_name = "EluBackward1"


class Celu(Elu):
    """out = x where x > 0, else alpha (exp(x / alpha) - 1);  grad_x = grad where x > 0, else
    grad * exp(x / alpha): Elu's formulas with input_scale = 1 / alpha."""


class CeluInplace(Elu):
    """``celu(x, inplace=True)``: Celu's formulas, recorded as PyTorch's in-place node."""

    node_name = "CeluBackward1"


class LogSigmoid(Primitive):
    """out = log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|));  grad_x = grad * sigmoid(-x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sigmoid_of(-x)


class Hardswish(Primitive):
    """out = x * min(max(x + 3, 0), 6) / 6;  grad_x = 0 where x <= -3, grad * (x/3 + 1/2) where
    -3 < x < 3, grad where x >= 3 (PyTorch's choice at the two corners)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        return x * xp.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = choose(x < 3, grad * (x / 3 + 0.5), grad)
        return masked(inside, x > -3)


class Hardsigmoid(Primitive):
    """out = min(max(x + 3, 0), 6) / 6;  grad_x = grad / 6 where -3 < x < 3, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        return xp.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return masked(grad / 6, (x > -3) & (x < 3))


def _tanh_of_softplus(x: Any) -> Any:
    """tanh(log(1 + exp(x))) = (1 - q^2) / (1 + q^2) with q = sigmoid(-x) = 1 / (1 + exp(x)):
    no exp that could overflow."""
    q = sigmoid_of(-x)
    return (1 - q * q) / (1 + q * q)


class Mish(Primitive):
    """out = x * tanh(softplus(x));  grad_x = grad * (t + x * sigmoid(x) * (1 - t^2)),
    t = tanh(softplus(x))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _tanh_of_softplus(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = _tanh_of_softplus(x)
        return grad * (t + x * sigmoid_of(x) * (1 - t * t))


class Glu(Primitive):
    """out = a * sigmoid(b), with a and b the two halves of x along ``dim``;
    grad_a = grad * sigmoid(b),  grad_b = grad * a * sigmoid(b) * (1 - sigmoid(b)),
    grad_x = the two joined back along ``dim``."""

    @staticmethod
    def forward(ctx, x, dim=-1):
        half = x.shape[dim] // 2
        before = (slice(None),) * (dim % x.ndim)
        ctx.save_for_backward(x)
        ctx.dim, ctx.half = dim, half
        first = x[before + (slice(0, half), Ellipsis)]
        return first * sigmoid_of(x[before + (slice(half, None), Ellipsis)])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        first = x.narrow(ctx.dim, 0, ctx.half)
        gate = x.narrow(ctx.dim, ctx.half, ctx.half).sigmoid()
        grad_first = grad * gate
        grad_second = grad_first * first * (1 - gate)
        return Cat.apply(grad_first, grad_second, dim=ctx.dim)


# ---- Methods ------------------------------------------------------------------------------------

def relu(self: Tensor) -> Tensor:
    return Relu.apply(self)


def relu_(self: Tensor) -> Tensor:
    return _inplace(self, Relu)


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "relu": relu,
        "relu_": relu_,
    },
)
