"""`LayerNorm`: normalise each sample over its last dimensions, then scale and shift.

Unlike batch norm it uses no batch statistics and keeps no running averages, so training and
evaluation compute the same thing; it is the normalisation of transformers.
"""

from __future__ import annotations

from numbers import Integral

from .. import ones, zeros
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """`y = (x - mean) / sqrt(var + eps) * weight + bias`, mean and (biased) variance taken
    over the last `len(normalized_shape)` dimensions of each sample; `weight` and `bias` have
    shape `normalized_shape` (with `elementwise_affine=True`).

    Example:
        >>> norm = ak.nn.LayerNorm(2)
        >>> norm
        LayerNorm((2,), eps=1e-05, elementwise_affine=True, bias=True)
        >>> norm(ak.tensor([[1.0, 3.0], [10.0, 30.0]]))
        tensor([[-1.0000,  1.0000],
                [-1.0000,  1.0000]], grad_fn=<NativeLayerNormBackward0>)
    """

    def __init__(
        self,
        normalized_shape,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device=None,
        dtype=None,
    ):
        super().__init__()
        if isinstance(normalized_shape, Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(self.normalized_shape, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )
