"""`Dropout`: in training, zero each element with probability p and scale the rest by 1/(1-p).

The scaling keeps the expected value of every activation unchanged, so `eval()` can simply
pass the input through.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Randomly zero elements during training; the identity in `eval()` mode.

    The gradient flows only through the kept elements (scaled by 1/(1-p)), because the
    layer is a multiplication by a random mask: its graph node is `MulBackward0`.

    Example:
        >>> drop = ak.nn.Dropout(p=0.5).eval()
        >>> drop(ak.ones(3))
        tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
