"""`Conv2d`: slide a bank of learned filters over an image batch.

The arithmetic lives in `functional.conv2d` (im2col: unfold every receptive field into a
column, then one matrix multiplication); this module owns the weights and their shapes.
"""

from __future__ import annotations

import math

from .. import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Conv2d"]


def _pair(value) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value)
    return (int(value), int(value))


class Conv2d(Module):
    """2-D convolution (really cross-correlation, as in PyTorch) over (N, C, H, W) input.

    `weight` has shape (out_channels, in_channels, kh, kw); the output is
    (N, out_channels, (H + 2*ph - kh) // sh + 1, (W + 2*pw - kw) // sw + 1).

    Example:
        >>> conv = ak.nn.Conv2d(1, 4, kernel_size=3, padding=1)
        >>> conv(ak.zeros(2, 1, 8, 8)).shape
        torch.Size([2, 4, 8, 8])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None):
        super().__init__()
        if groups != 1:
            raise NotImplementedError("autograd-kit's Conv2d supports groups=1 only")
        if _pair(dilation) != (1, 1):
            raise NotImplementedError("autograd-kit's Conv2d supports dilation=1 only")
        if padding_mode != "zeros":
            raise NotImplementedError("autograd-kit's Conv2d supports padding_mode='zeros' only")
        if isinstance(padding, str):
            raise NotImplementedError("autograd-kit's Conv2d takes padding as integers")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = (1, 1)
        self.groups = groups
        self.padding_mode = padding_mode
        self.weight = Parameter(
            empty((out_channels, in_channels) + self.kernel_size, device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
                f", stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        return text
