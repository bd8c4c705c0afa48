"""`Linear`: the affine layer y = x W^T + b, PyTorch's shapes and default initialisation."""

from __future__ import annotations

import math

from .. import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Linear"]


class Linear(Module):
    """Apply `y = x @ weight.T + bias` to the last dimension of the input.

    `weight` has shape (out_features, in_features) and `bias` (out_features,); both start
    uniform in (-1/sqrt(in_features), 1/sqrt(in_features)), as in PyTorch.

    Example:
        >>> layer = ak.nn.Linear(3, 2)
        >>> layer.weight.shape, layer.bias.shape
        (torch.Size([2, 3]), torch.Size([2]))
        >>> layer(ak.ones(4, 3)).shape
        torch.Size([4, 2])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # kaiming_uniform_ with a=sqrt(5) gives bound = 1/sqrt(fan_in): PyTorch's default.
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
