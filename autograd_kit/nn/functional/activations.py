"""Activations: ``F.relu``, ``F.gelu``, ``F.softmax`` and the rest, each a tensor
expression or the one-node primitive PyTorch records (``ops/activations.py``).
"""

from __future__ import annotations

import warnings

from ... import ops
from ._checks import _check_floating, _maybe_inplace

# ---- rectifiers, tanh, sigmoid and softmax -------------------------------------------------------

def relu(input, inplace: bool = False):
    """max(0, x) elementwise (`ReluBackward0`); gradient 1 where x > 0, else 0."""
    return input.relu_() if inplace else input.relu()


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """x where x > 0, negative_slope * x elsewhere."""
    from ... import where

    return where(input > 0, input, input * negative_slope)


def tanh(input):
    """tanh(x) elementwise (`TanhBackward0`)."""
    return input.tanh()


def sigmoid(input):
    """1 / (1 + exp(-x)) elementwise (`SigmoidBackward0`)."""
    return input.sigmoid()


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """exp(x) / exp(x).sum(dim, keepdim=True), computed stably (`SoftmaxBackward0`)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return input.softmax(dim, dtype=dtype)


def log_softmax(input, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """x - logsumexp(x, dim) (`LogSoftmaxBackward0`); the input NLL loss expects."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return input.log_softmax(dim, dtype=dtype)


# ---- smooth activations and clipping -------------------------------------------------------------

def gelu(input, approximate: str = "none"):
    """x * Phi(x), Phi the standard normal distribution function (`GeluBackward0`);
    approximate="tanh" uses x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    Example:
        >>> ak.nn.functional.gelu(ak.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_floating(input, "GeluKernelImpl")
    return ops.Gelu.apply(input, approximate=approximate)


def silu(input, inplace: bool = False):
    """x * sigmoid(x), also called swish (`SiluBackward0`)."""
    _check_floating(input, "silu_cpu")
    return _maybe_inplace(input, ops.Silu, inplace)


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """log(1 + exp(beta x)) / beta, a smooth ReLU (`SoftplusBackward0`); where beta x >
    threshold it is x itself."""
    _check_floating(input, "softplus_cpu")
    return ops.Softplus.apply(input, beta=beta, threshold=threshold)


def elu(input, alpha: float = 1.0, inplace: bool = False):
    """x where x > 0, alpha (exp(x) - 1) elsewhere (`EluBackward0`; in place `EluBackward1`)."""
    _check_floating(input, "elu_cpu")
    return _maybe_inplace(input, ops.EluInplace if inplace else ops.Elu, inplace, alpha=alpha)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """x clamped to [min_val, max_val] (`HardtanhBackward0`); the gradient is 1 strictly
    inside, 0 elsewhere."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, ops.Hardtanh, inplace, min_val=min_val, max_val=max_val)


def relu6(input, inplace: bool = False):
    """min(max(x, 0), 6): `hardtanh(x, 0, 6)`, recorded as `HardtanhBackward0` as in PyTorch."""
    return hardtanh(input, 0.0, 6.0, inplace)


# ---- shrinking, gating and self-normalizing activations ------------------------------------------

_SELU_ALPHA = 1.6732632423543772848170429916717


_SELU_SCALE = 1.0507009873554804934193349852946


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), computed stably (`LogSigmoidBackward0`)."""
    _check_floating(input, "log_sigmoid_cpu")
    return ops.LogSigmoid.apply(input)


def softsign(input):
    """x / (1 + |x|): PyTorch's graph is `AbsBackward0` -> `AddBackward0` -> `DivBackward0`."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x) (`SubBackward0` fed by `TanhBackward0`)."""
    return input - input.tanh()


def hardswish(input, inplace: bool = False):
    """x * relu6(x + 3) / 6, MobileNetV3's cheap swish (`HardswishBackward0`)."""
    _check_floating(input, "hardswish_cpu")
    return _maybe_inplace(input, ops.Hardswish, inplace)


def hardsigmoid(input, inplace: bool = False):
    """relu6(x + 3) / 6, a piecewise-linear sigmoid (`HardsigmoidBackward0`)."""
    _check_floating(input, "hardsigmoid_cpu")
    return _maybe_inplace(input, ops.Hardsigmoid, inplace)


def mish(input, inplace: bool = False):
    """x * tanh(softplus(x)) (`MishBackward0`).

    Example:
        >>> ak.nn.functional.mish(ak.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.3034,  0.0000,  0.8651])
    """
    _check_floating(input, "mish_cpu")
    return _maybe_inplace(input, ops.Mish, inplace)


def glu(input, dim: int = -1):
    """a * sigmoid(b), where a and b are the first and second halves of the input along
    `dim` (`GluBackward0`): the gated linear unit; `dim` must have an even size."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _wrapped_dim(dim, input.dim())
    if int(input.shape[dim]) % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {dim} is size {int(input.shape[dim])}"
        )
    _check_floating(input, "glu_cpu")
    return ops.Glu.apply(input, dim=dim)


def _wrapped_dim(dim: int, ndim: int) -> int:
    if not -ndim <= dim < ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got "
            f"{dim})"
        )
    return dim % ndim


def softmin(input, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """softmax(-x, dim): small scores get large probabilities (`SoftmaxBackward0` fed by
    `NegBackward0`)."""
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    last = input.dim() <= 1 or _wrapped_dim(dim, input.dim()) == input.dim() - 1
    _check_floating(input, "softmax_lastdim_kernel_impl" if last else "softmax_kernel_impl")
    return (-input).softmax(dim)


def prelu(input, weight):
    """x where x > 0, weight * x elsewhere, with one learnt slope per channel (dim 1) or one
    for all (`PreluKernelBackward0`; the weight is first viewed to broadcast over the input,
    `ViewBackward0`)."""
    channels = int(input.shape[1]) if input.dim() > 1 else 1
    if weight.numel() not in (1, channels):
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{weight.numel()} and channel size = {channels}."
        )
    _check_floating(input, "prelu_cpu")
    if input.dim() != weight.dim():
        shape = [1] * input.dim()
        if input.dim() > 1:
            shape[1] = weight.numel()
        weight = weight.reshape(shape)
    return ops.PreluKernel.apply(input, weight)


def threshold(input, threshold: float, value: float, inplace: bool = False):
    """x where x > threshold, else value (`ThresholdBackward0`; in place
    `ThresholdBackward1`)."""
    primitive = ops.ThresholdInplace if inplace else ops.Threshold
    return _maybe_inplace(input, primitive, inplace, threshold=threshold, value=value)


def celu(input, alpha: float = 1.0, inplace: bool = False):
    """x where x > 0, alpha (exp(x / alpha) - 1) elsewhere (`CeluBackward0`; in place
    `CeluBackward1`): an ELU whose slope at 0 is 1 for every alpha."""
    _check_floating(input, "elu_cpu")
    primitive = ops.CeluInplace if inplace else ops.Celu
    return _maybe_inplace(input, primitive, inplace, alpha=alpha, input_scale=1.0 / alpha)


def selu(input, inplace: bool = False):
    """scale * elu(x, alpha) with PyTorch's fixed alpha ~ 1.6733 and scale ~ 1.0507, chosen so
    activations keep mean 0 and variance 1; PyTorch records it as `EluBackward0`
    (in place `EluBackward1`)."""
    _check_floating(input, "elu_cpu")
    primitive = ops.EluInplace if inplace else ops.Elu
    return _maybe_inplace(input, primitive, inplace, alpha=_SELU_ALPHA, scale=_SELU_SCALE)


def hardshrink(input, lambd: float = 0.5):
    """x where |x| > lambd, else 0 (`HardshrinkBackward0`)."""
    _check_floating(input, "hardshrink_cpu")
    return ops.Hardshrink.apply(input, lambd=lambd)


def softshrink(input, lambd: float = 0.5):
    """x shrunk towards 0 by lambd, and 0 where |x| <= lambd (`SoftshrinkBackward0`)."""
    _check_floating(input, "softshrink_check")
    return ops.Softshrink.apply(input, lambd=lambd)
