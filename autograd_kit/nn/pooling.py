"""`MaxPool2d`: keep the largest value of each window; the gradient goes to that one element."""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["MaxPool2d"]


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
