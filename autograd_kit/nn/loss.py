"""Loss modules: each stores its options (`reduction`, `weight`, ...) and calls
`ak.nn.functional`. A loss holds no parameters: its output requires grad because its input
does."""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = [
    "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    # ---- nn-more ----
    "SmoothL1Loss", "HuberLoss",
]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = F._legacy_reduction(size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: `((input - target) ** 2).mean()` with `reduction="mean"`.

    Example:
        >>> ak.nn.MSELoss()(ak.tensor([1.0, 2.0]), ak.tensor([1.0, 4.0]))
        tensor(2.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: `(input - target).abs().mean()` with `reduction="mean"`."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of the target class, given log-probabilities of shape (N, C):
    `-input[n, target[n]]`, averaged (weighted by `weight[target[n]]` if given)."""

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """`log_softmax` then `nll_loss`: takes raw scores (logits) of shape (N, C) and class
    indices of shape (N,).

    Example:
        >>> loss = ak.nn.CrossEntropyLoss()
        >>> loss(ak.tensor([[0.0, 0.0]]), ak.tensor([1]))
        tensor(0.6931)
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean", label_smoothing: float = 0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1]:
    `-(target * log(p) + (1 - target) * log(1 - p))`, each log clamped at -100 like PyTorch."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """`Sigmoid` and `BCELoss` in one numerically stable step; takes raw scores."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


# ---- nn-more --------------------------------------------------------------------------------


class SmoothL1Loss(_Loss):
    """Squared error below `beta`, absolute error above it:
    `0.5 * d**2 / beta` where |d| < beta, else `|d| - 0.5 * beta` (d = input - target).

    Example:
        >>> ak.nn.SmoothL1Loss()(ak.tensor([0.0, 0.0]), ak.tensor([0.5, 3.0]))
        tensor(1.3125)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 beta: float = 1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """`0.5 * d**2` where |d| <= delta, else `delta * (|d| - 0.5 * delta)` (d = input - target):
    `delta` times `SmoothL1Loss(beta=delta)`."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)
