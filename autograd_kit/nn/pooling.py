"""Pooling layers: `MaxPool2d` keeps the largest value of each window (the gradient goes to that
one element); `AvgPool2d` and `AdaptiveAvgPool2d` keep each window's mean (the gradient is
shared equally)."""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


class MaxPool2d(Module):
    """Max over `kernel_size` windows of (N, C, H, W) input, moving by `stride`
    (which defaults to `kernel_size`, so windows do not overlap).

    Example:
        >>> pool = ak.nn.MaxPool2d(2)
        >>> pool(ak.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False):
        super().__init__()
        if dilation != 1 or ceil_mode or return_indices:
            raise NotImplementedError(
                "autograd-kit's MaxPool2d supports dilation=1, ceil_mode=False and "
                "return_indices=False only"
            )
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
                f", dilation={self.dilation}, ceil_mode={self.ceil_mode}")


# ---- average pooling ------------------------------------------------------------------------


class AvgPool2d(Module):
    """Mean over `kernel_size` windows of (N, C, H, W) input, moving by `stride` (which
    defaults to `kernel_size`); zero padding counts towards the mean unless
    `count_include_pad=False`.

    Example:
        >>> pool = ak.nn.AvgPool2d(2)
        >>> pool
        AvgPool2d(kernel_size=2, stride=2, padding=0)
        >>> pool(ak.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (H_out, W_out), whatever the input's size: the
    windows are chosen to cover the input (None keeps that dimension's size). Output size 1
    is global average pooling, the usual head of a CNN classifier.

    Example:
        >>> ak.nn.AdaptiveAvgPool2d(1)(ak.arange(4.0).reshape(1, 1, 2, 2))
        tensor([[[[1.5000]]]])
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
