"""`ak.nn.init`: fill a parameter in place with PyTorch's initialisation schemes.

Every function runs under `no_grad` (initialising is not part of the graph), draws from the
generator seeded by `ak.manual_seed`, and returns the tensor it filled.
"""

from __future__ import annotations

import math
import statistics
import warnings

import numpy as np

from ..autograd.grad_mode import no_grad

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    # truncated normal, orthogonal
    "trunc_normal_", "orthogonal_",
]


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The factor that keeps activations' variance stable through `nonlinearity`:
    1 for linear/sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2/(1+a^2)) for leaky_relu."""
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor) -> tuple[int, int]:
    """fan_in = inputs feeding one output unit; for a conv weight (out, in, kh, kw) it is
    in * kh * kw, for a linear weight (out, in) it is in."""
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive_field = 1
    for size in tuple(tensor.shape)[2:]:
        receptive_field *= int(size)
    fan_in = int(tensor.shape[1]) * receptive_field
    fan_out = int(tensor.shape[0]) * receptive_field
    return fan_in, fan_out


def _calculate_correct_fan(tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ["fan_in", "fan_out"]:
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None):
    """Fill with values drawn from U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b)


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    """Fill with values drawn from N(mean, std**2)."""
    with no_grad():
        return tensor.normal_(mean, std)


def constant_(tensor, val: float):
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    from .. import eye

    with no_grad():
        return tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype))


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std)


def kaiming_uniform_(tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None):
    """U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al., 2015).

    `Linear` and `Conv2d` call this with a = sqrt(5), which makes bound = 1 / sqrt(fan_in).
    """
    if 0 in tuple(tensor.shape):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None):
    """N(0, std**2) with std = gain / sqrt(fan)."""
    if 0 in tuple(tensor.shape):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    return normal_(tensor, 0.0, gain / math.sqrt(fan))


# ---- truncated normal and orthogonal initialization ---------------------------------------------

# The inverse of the standard normal distribution function, elementwise on a NumPy array
# (NumPy has none and SciPy is not a dependency; Python's is accurate to float64).
_normal_quantile = np.frompyfunc(statistics.NormalDist().inv_cdf, 1, 1)


def _fill_on_host(tensor, sample):
    """Fill `tensor` (outside the graph) with `sample(numpy_generator, shape)`, an array
    computed with NumPy on the host from the generator `ak.manual_seed` seeds."""
    from ..ops.copies import _fill_random
    from ..random import numpy_generator

    with no_grad():
        return _fill_random(tensor, lambda shape: sample(numpy_generator(None), tuple(shape)))


def trunc_normal_(tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator=None):
    """Fill with values from N(mean, std**2) truncated to [a, b].

    Inverse transform sampling, as PyTorch does it: draw p uniformly between Phi(alpha) and
    Phi(beta), where alpha = (a - mean) / std and beta = (b - mean) / std, and return
    mean + std * Phi^-1(p) (Phi the standard normal distribution function).

    Example:
        >>> w = ak.nn.init.trunc_normal_(ak.empty(1000), std=0.02, a=-0.04, b=0.04)
        >>> bool((w.abs() <= 0.04).all())
        True
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of "
            "values may be incorrect.",
            stacklevel=2,
        )
    low = _normal_cdf((a - mean) / std)
    high = _normal_cdf((b - mean) / std)

    def sample(rng, shape):
        p = np.clip(rng.uniform(low, high, shape), np.nextafter(0.0, 1.0), np.nextafter(1.0, 0.0))
        values = mean + std * _normal_quantile(p).astype(np.float64)
        return np.clip(values, a, b)

    return _fill_on_host(tensor, sample)


def _normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def orthogonal_(tensor, gain: float = 1, generator=None):
    """Fill with a (semi-)orthogonal matrix times `gain` (Saxe et al., 2013): the rows (or
    columns, whichever are fewer) are orthonormal. Dimensions after the first are flattened.

    As in PyTorch: Q from the QR decomposition of a matrix of N(0, 1) draws, with each column
    multiplied by the sign of R's diagonal so that Q is uniformly distributed (NumPy's QR, on
    the host: `ak.linalg` has none).

    Example:
        >>> w = ak.nn.init.orthogonal_(ak.empty(3, 5))
        >>> bool(((w @ w.T) - ak.eye(3)).abs().max() < 1e-5)
        True
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = int(tensor.shape[0])
    columns = tensor.numel() // rows

    def sample(rng, shape):
        draws = rng.standard_normal((rows, columns))
        if rows < columns:  # QR of the tall transpose: orthonormal rows instead of columns
            draws = draws.T
        q, r = np.linalg.qr(draws)
        q = q * np.sign(np.diag(r))
        if rows < columns:
            q = q.T
        return (q * gain).reshape(shape)

    return _fill_on_host(tensor, sample)
