"""Activation modules: thin wrappers that call `ak.nn.functional`.

They hold no parameters, so their outputs require grad exactly when their inputs do; they
exist so activations can sit inside a `Sequential`.
"""

from __future__ import annotations

import warnings

from .. import empty
from . import functional as F
from .init import constant_
from .module import Module
from .parameter import Parameter

__all__ = [
    "ReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Identity", "LeakyReLU",
    # smooth activations and clipping
    "GELU", "SiLU", "Softplus", "ELU", "Hardtanh", "ReLU6",
    # shrinking, gating and self-normalizing activations
    "LogSigmoid", "Softsign", "Tanhshrink", "Hardswish", "Hardsigmoid", "Mish", "GLU", "Softmin",
    "PReLU", "Threshold", "CELU", "SELU", "Hardshrink", "Softshrink",
]


class ReLU(Module):
    """`max(0, x)` elementwise; the gradient is 1 where x > 0 and 0 elsewhere.

    Example:
        >>> ak.nn.ReLU()(ak.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """`x` where x > 0, `negative_slope * x` elsewhere."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Tanh(Module):
    """`tanh(x)` elementwise; its gradient is `1 - tanh(x)**2`."""

    def forward(self, input):
        return F.tanh(input)


class Sigmoid(Module):
    """`1 / (1 + exp(-x))` elementwise; its gradient is `s * (1 - s)`."""

    def forward(self, input):
        return F.sigmoid(input)


class Identity(Module):
    """Return the input unchanged (a placeholder layer)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Softmax(Module):
    """`exp(x) / exp(x).sum(dim)`: turns scores along `dim` into probabilities."""

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """`x - log(exp(x).sum(dim))`, computed stably; pair it with `NLLLoss`."""

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


# ---- smooth activations and clipping --------------------------------------------------------


def _inplace_repr(inplace: bool) -> str:
    return ", inplace=True" if inplace else ""


class GELU(Module):
    """`x * Phi(x)`, Phi the standard normal distribution function (the transformer's
    activation); `approximate="tanh"` uses the tanh formula instead of erf.

    Example:
        >>> ak.nn.GELU()
        GELU(approximate='none')
        >>> ak.nn.GELU()(ak.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])
    """

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """`x * sigmoid(x)` ("swish"): smooth, and slightly negative for negative x."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Softplus(Module):
    """`log(1 + exp(beta * x)) / beta`, a smooth ReLU; `x` itself where beta * x > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class ELU(Module):
    """`x` where x > 0, `alpha * (exp(x) - 1)` elsewhere: like ReLU, but smooth and with
    negative outputs down to -alpha."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_repr(self.inplace)}"


class Hardtanh(Module):
    """`x` clamped to [min_val, max_val]; the gradient is 1 strictly inside, 0 outside."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None):
        super().__init__()
        for old, new, value in (("min_value", "min_val", min_value),
                                ("max_value", "max_val", max_value)):
            if value is not None:
                warnings.warn(f"keyword argument `{old}` is deprecated and renamed to `{new}`",
                              FutureWarning, stacklevel=2)
        min_val = min_val if min_value is None else min_value
        max_val = max_val if max_value is None else max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(
                f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})"
            )

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_repr(self.inplace)}"


class ReLU6(Hardtanh):
    """`min(max(x, 0), 6)`: `Hardtanh(0, 6)`, as in PyTorch (its node is HardtanhBackward0).

    Example:
        >>> ak.nn.ReLU6()(ak.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


# ---- shrinking, gating and self-normalizing activations -------------------------------------


class LogSigmoid(Module):
    """`log(sigmoid(x))`, computed without overflow; always negative."""

    def forward(self, input):
        return F.logsigmoid(input)


class Softsign(Module):
    """`x / (1 + |x|)`: like tanh, but its tails approach +-1 slowly."""

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """`x - tanh(x)`."""

    def forward(self, input):
        return F.tanhshrink(input)


class Hardswish(Module):
    """`x * relu6(x + 3) / 6` (its repr never shows `inplace`, as in PyTorch)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardswish(input, self.inplace)


class Hardsigmoid(Module):
    """`relu6(x + 3) / 6` (its repr never shows `inplace`, as in PyTorch)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)


class Mish(Module):
    """`x * tanh(softplus(x))`."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.mish(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class GLU(Module):
    """`a * sigmoid(b)` for the halves a, b of the input along `dim`: the output is half as
    wide there.

    Example:
        >>> ak.nn.GLU()(ak.tensor([[1.0, 2.0, 0.0, 0.0]]))
        tensor([[0.5000, 1.0000]])
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """`softmax(-x, dim)`: the smallest score gets the largest probability."""

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class PReLU(Module):
    """`x` where x > 0, `weight * x` elsewhere, with the slope `weight` learnt: one per
    channel (dim 1 of the input) or, by default, one shared by all; it starts at `init`.

    Example:
        >>> layer = ak.nn.PReLU()
        >>> layer
        PReLU(num_parameters=1)
        >>> layer(ak.tensor([-2.0, 3.0]))
        tensor([-0.5000,  3.0000], grad_fn=<PreluKernelBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Threshold(Module):
    """`x` where x > threshold, `value` elsewhere."""

    def __init__(self, threshold: float, value: float, inplace: bool = False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace_repr(self.inplace)}"


class CELU(Module):
    """`x` where x > 0, `alpha * (exp(x / alpha) - 1)` elsewhere."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_repr(self.inplace)}"


class SELU(Module):
    """`scale * elu(x, alpha)` with PyTorch's constants (self-normalising networks)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.selu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Hardshrink(Module):
    """`x` where |x| > lambd, 0 elsewhere."""

    def __init__(self, lambd: float = 0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """`x - lambd` where x > lambd, `x + lambd` where x < -lambd, 0 elsewhere."""

    def forward(self, input):
        return F.softshrink(input, self.lambd)
