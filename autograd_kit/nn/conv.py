"""`Conv1d` and `Conv2d`: slide a bank of learned filters over a batch of sequences or images.

The arithmetic lives in `functional.conv1d` / `functional.conv2d` (im2col: unfold every
receptive field into a column, then one matrix multiplication); these modules own the weights
and their shapes, and share all their code in `_ConvNd`.
"""

from __future__ import annotations

import math

from .. import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Conv1d", "Conv2d"]


def _single(value) -> tuple[int]:
    return (int(value[0]),) if isinstance(value, (tuple, list)) else (int(value),)


def _pair(value) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value)
    return (int(value), int(value))


class _ConvNd(Module):
    """What Conv1d and Conv2d share: weight (out_channels, in_channels, *kernel_size), optional
    bias, PyTorch's default initialisation, padding modes and repr; `_dims` picks the size."""

    _dims: int

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        ntuple = _pair if self._dims == 2 else _single
        if groups != 1:
            raise NotImplementedError(f"autograd-kit's {name} supports groups=1 only")
        if ntuple(dilation) != (1,) * self._dims:
            raise NotImplementedError(f"autograd-kit's {name} supports dilation=1 only")
        if padding_mode not in ("zeros", "reflect", "replicate"):
            raise NotImplementedError(
                f"autograd-kit's {name} supports padding_mode 'zeros', 'reflect' and "
                "'replicate' only"
            )
        if isinstance(padding, str):
            raise NotImplementedError(f"autograd-kit's {name} takes padding as integers")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = ntuple(kernel_size)
        self.stride = ntuple(stride)
        self.padding = ntuple(padding)
        self.dilation = (1,) * self._dims
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
        convolve = F.conv2d if self._dims == 2 else F.conv1d
        if self.padding_mode == "zeros":
            return convolve(input, self.weight, self.bias, self.stride, self.padding)
        # PyTorch pads first (F.pad takes the last dimension first), then convolves unpadded.
        widths = tuple(width for width in reversed(self.padding) for _ in range(2))
        padded = F.pad(input, widths, mode=self.padding_mode)
        return convolve(padded, self.weight, self.bias, self.stride, 0)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
                f", stride={self.stride}")
        if self.padding != (0,) * self._dims:
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv2d(_ConvNd):
    """2-D convolution (really cross-correlation, as in PyTorch) over (N, C, H, W) input.

    `weight` has shape (out_channels, in_channels, kh, kw); the output is
    (N, out_channels, (H + 2*ph - kh) // sh + 1, (W + 2*pw - kw) // sw + 1).

    Example:
        >>> conv = ak.nn.Conv2d(1, 4, kernel_size=3, padding=1)
        >>> conv(ak.zeros(2, 1, 8, 8)).shape
        torch.Size([2, 4, 8, 8])
    """

    _dims = 2


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation) over (N, C, L) input, or unbatched (C, L).

    `weight` has shape (out_channels, in_channels, k); the output is
    (N, out_channels, (L + 2*p - k) // s + 1). padding_mode may be 'zeros', 'reflect' or
    'replicate'.

    Example:
        >>> conv = ak.nn.Conv1d(2, 4, kernel_size=3, padding=1)
        >>> conv(ak.zeros(5, 2, 10)).shape
        torch.Size([5, 4, 10])
    """

    _dims = 1
