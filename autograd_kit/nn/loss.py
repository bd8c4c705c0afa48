"""Loss modules: each stores its options (`reduction`, `weight`, ...) and calls
`ak.nn.functional`. A loss holds no parameters: its output requires grad because its input
does."""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = [
    "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    # robust regression losses
    "SmoothL1Loss", "HuberLoss",
    # divergences and margin losses
    "KLDivLoss", "MarginRankingLoss", "TripletMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss",
    "HingeEmbeddingLoss",
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


# ---- robust regression losses: smooth L1 and Huber ------------------------------------------


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


# ---- divergences, likelihoods and margin losses ---------------------------------------------


class KLDivLoss(_Loss):
    """KL divergence of the target distribution from `exp(input)` (input: log-probabilities);
    use `reduction="batchmean"` for the true KL divergence per sample.

    Example:
        >>> loss = ak.nn.KLDivLoss(reduction="batchmean")
        >>> loss(ak.tensor([[0.25, 0.75]]).log(), ak.tensor([[0.5, 0.5]]))
        tensor(0.1438)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    """`max(0, -target * (input1 - input2) + margin)`: target 1 (or -1) asks input1 to score
    higher (or lower) than input2 by at least `margin`."""

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """`max(0, d(anchor, positive) - d(anchor, negative) + margin)`, d the p-distance: pulls
    the positive closer to the anchor than the negative, by `margin`."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead"
            )
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Negative log-likelihood of Poisson counts `target` with rate `exp(input)` (or `input`
    with `log_input=False`)."""

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None,
                 eps: float = 1e-8, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Negative log-likelihood of `target` under normal distributions with means `input` and
    variances `var`: `(log(var) + (input - target)**2 / var) / 2`."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean"):
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """`input` where target is 1 and `max(0, margin - input)` where target is -1: small
    distances for similar pairs, at least `margin` for dissimilar ones."""

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin,
                                      reduction=self.reduction)
