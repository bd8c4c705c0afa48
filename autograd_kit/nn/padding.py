"""Padding modules: `ZeroPad`, `ConstantPad`, `ReflectionPad` and `ReplicationPad` in 1-D and
2-D. Each stores its `padding` as PyTorch does (a number becomes the same width on every side)
and calls `ak.nn.functional.pad`, which records PyTorch's node for its mode
(`ConstantPadNdBackward0`, `ReflectionPad2DBackward0`, ...)."""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = [
    "ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d",
    "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d",
]


def _widths(padding, count: int) -> tuple:
    """(left, right, top, bottom, ...): a number repeated on all `count` sides, or the
    sequence itself."""
    if isinstance(padding, (tuple, list)):
        return tuple(padding)
    return (padding,) * count


class _ConstantPadNd(Module):
    _sides = 2

    def __init__(self, padding, value: float):
        super().__init__()
        self.padding = _widths(padding, self._sides)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with `value`: `padding` is (left, right) or one width for both.

    Example:
        >>> ak.nn.ConstantPad1d((1, 2), 9.0)(ak.tensor([[1.0, 2.0]]))
        tensor([[9., 1., 2., 9., 9.]])
    """


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions with `value`: `padding` is (left, right, top, bottom) or
    one width for all four."""

    _sides = 4


class ZeroPad1d(ConstantPad1d):
    """Pad the last dimension with zeros: `ConstantPad1d(padding, 0.0)`."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dimensions with zeros: `ConstantPad2d(padding, 0.0)`.

    Example:
        >>> ak.nn.ZeroPad2d((1, 0, 0, 1))(ak.ones(1, 1, 1))
        tensor([[[0., 1.],
                 [0., 0.]]])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _CopyingPadNd(Module):
    """Padding that copies values of the input (mode "reflect" or "replicate")."""

    _sides = 2
    _mode = "reflect"

    def __init__(self, padding):
        super().__init__()
        self.padding = _widths(padding, self._sides)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_CopyingPadNd):
    """Pad the last dimension with its mirror image, the edge itself not repeated:
    [1, 2, 3] padded by (2, 1) is [3, 2, 1, 2, 3, 2]."""


class ReflectionPad2d(_CopyingPadNd):
    """Pad the last two dimensions with their mirror images (the edges not repeated)."""

    _sides = 4


class ReplicationPad1d(_CopyingPadNd):
    """Pad the last dimension by repeating its edge values: [1, 2, 3] padded by (2, 1) is
    [1, 1, 1, 2, 3, 3]."""

    _mode = "replicate"


class ReplicationPad2d(_CopyingPadNd):
    """Pad the last two dimensions by repeating their edge values."""

    _sides = 4
    _mode = "replicate"
