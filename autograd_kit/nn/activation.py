"""Activation modules: thin wrappers that call `ak.nn.functional`.

They hold no parameters, so their outputs require grad exactly when their inputs do; they
exist so activations can sit inside a `Sequential`.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["ReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Identity", "LeakyReLU"]


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
