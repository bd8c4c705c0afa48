"""Distance modules: `CosineSimilarity` and `PairwiseDistance`, thin wrappers that call
`ak.nn.functional` (as in PyTorch's `torch/nn/modules/distance.py`)."""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """`sum(x1 * x2) / (||x1|| ||x2||)` along `dim`: 1 for vectors pointing the same way,
    -1 for opposite ones.

    Example:
        >>> ak.nn.CosineSimilarity(dim=0)(ak.tensor([1.0, 0.0]), ak.tensor([1.0, 1.0]))
        tensor(0.7071)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """`||x1 - x2 + eps||_p` over the last dimension: one distance per pair of rows."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
