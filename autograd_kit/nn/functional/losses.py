"""Losses and distances: ``F.mse_loss``, ``F.cross_entropy``, ``F.kl_div`` ..., with
PyTorch's ``reduction`` argument and its legacy ``size_average``/``reduce`` flags.
"""

from __future__ import annotations

import math
import warnings

from ... import dtypes, ops
from ._checks import _shape_repr
from .activations import log_softmax

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce) -> str:
    """Translate the deprecated `size_average`/`reduce` flags into a `reduction` string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss, reduction: str):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


# ---- regression and classification losses --------------------------------------------------------

def _check_same_size(input, target, name: str) -> None:
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({_shape_repr(target.shape)}) that is different to the input "
            f"size ({_shape_repr(input.shape)}). This will likely lead to incorrect results due "
            "to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
             weight=None):
    """mean((input - target)^2) (`MseLossBackward0`); d/d input = 2 (input - target) / n."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_same_size(input, target, "mse_loss")
    return ops.MseLoss.apply(input, target, reduction=reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
            weight=None):
    """mean(|input - target|): an `AbsBackward0` node, then `MeanBackward0` or `SumBackward0`."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_same_size(input, target, "l1_loss")
    return _reduce((input - target).abs(), reduction)


def _check_target(input, target) -> None:
    if "int" not in str(target.dtype) and "uint8" not in str(target.dtype):
        name = {"float32": "Float", "float64": "Double", "bool": "Bool"}.get(
            str(target.dtype).rsplit(".", 1)[-1], str(target.dtype))
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {name}")
    if input.dim() >= 2 and int(input.shape[0]) != int(target.shape[0] if target.dim() else 1):
        raise ValueError(
            f"Expected input batch_size ({int(input.shape[0])}) to match target batch_size "
            f"({int(target.shape[0]) if target.dim() else 1})."
        )


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean"):
    """-input[n, target[n]] for log-probabilities `input` (N, C) and classes `target` (N,)
    (`NllLossBackward0`).

    With class weights w and the mean reduction, the result is
    sum_n -w[t_n] input[n, t_n] / sum_n w[t_n], skipping targets equal to `ignore_index`.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_target(input, target)
    primitive = ops.NllLoss2D if input.dim() == 4 else ops.NllLoss
    return primitive.apply(input, target=target._array, weight=_array_or_none(weight),
                           reduction=reduction, ignore_index=ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0):
    """Cross-entropy of raw scores (logits) `input` against class indices or, when `target`
    has the input's shape, class probabilities.

    Class indices: `nll_loss(log_softmax(input, 1), target)`, PyTorch's two nodes
    `NllLossBackward0` fed by `LogSoftmaxBackward0`. Probabilities: -sum_c target_c
    log_softmax(input)_c, averaged over the samples. `label_smoothing` e mixes the target with
    the uniform distribution: (1 - e) * target + e / C.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
        )
    class_dim = 0 if input.dim() == 1 else 1
    if tuple(target.shape) == tuple(input.shape):
        return _cross_entropy_of_probabilities(input, target, weight, ignore_index, reduction,
                                               label_smoothing, class_dim)
    _check_target(input, target)
    log_probs = log_softmax(input, class_dim)
    loss = nll_loss(log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    # PyTorch's graph, node for node: the hard-target loss and the mean of -log p_c over the
    # classes (0 for ignored targets), mixed as (1 - e) * nll + e / C * smooth.
    smooth = -_class_weighted(log_probs, weight, class_dim).sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            smooth = smooth.sum() / weight[target.masked_select(~ignored)].sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    classes = int(input.shape[class_dim])
    return ops.MulScalar.apply(loss, 1 - label_smoothing) + \
        ops.MulScalar.apply(smooth, label_smoothing / classes)


def _class_weighted(values, weight, class_dim: int):
    """values * weight, the class weights laid along `class_dim` (no change without weight)."""
    if weight is None:
        return values
    shape = [1] * values.dim()
    shape[class_dim] = int(weight.shape[0])
    return values * weight.view(shape)


def _cross_entropy_of_probabilities(input, target, weight, ignore_index: int, reduction: str,
                                    label_smoothing: float, class_dim: int):
    """-sum_c target_c log_softmax(input)_c (`NegBackward0` of a `SumBackward`), divided by
    the number of samples for "mean" (`DivBackward1`)."""
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if not target.dtype.is_floating_point:
        name = dtypes.LEGACY_NAMES[target.dtype.name].removesuffix("Tensor")
        raise RuntimeError(
            f"Expected floating point type for target with class probabilities, got {name}"
        )
    classes = int(input.shape[class_dim])
    log_probs = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    products = _class_weighted(log_probs * target, weight, class_dim)
    if reduction == "none":
        return -products.sum(class_dim)
    if reduction == "sum":
        return -products.sum()
    return ops.DivScalar.apply(-products.sum(), input.numel() / classes)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean"):
    """-(t log p + (1 - t) log(1 - p)) with each log clamped at -100, as PyTorch does
    (`BinaryCrossEntropyBackward0`)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({_shape_repr(target.shape)}) that is different to the input "
            f"size ({_shape_repr(input.shape)}) is deprecated. Please ensure they have the "
            "same size."
        )
    return ops.BinaryCrossEntropy.apply(input, target, weight=_array_or_none(weight),
                                        reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction: str = "mean", pos_weight=None):
    """BCE of sigmoid(input), computed stably from the logits
    (`BinaryCrossEntropyWithLogitsBackward0`):
    loss = (1 - t) x + (1 + (pw - 1) t) * (log(1 + exp(-|x|)) + max(-x, 0))."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({_shape_repr(target.shape)}) must be the same as input size "
            f"({_shape_repr(input.shape)})"
        )
    return ops.BinaryCrossEntropyWithLogits.apply(
        input, target, weight=_array_or_none(weight), pos_weight=_array_or_none(pos_weight),
        reduction=reduction)


def _array_or_none(tensor):
    """Constant settings (class weights) go to a primitive as arrays: they get no gradient."""
    return None if tensor is None else tensor._array


# ---- smooth L1 and Huber losses ------------------------------------------------------------------

def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0):
    """(input - target)^2 / (2 beta) where |input - target| < beta, else |input - target| -
    beta/2 (`SmoothL1LossBackward0`); beta = 0 is the L1 loss."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_same_size(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return ops.SmoothL1Loss.apply(input, target, reduction=reduction, beta=beta)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    """(input - target)^2 / 2 where |input - target| <= delta, else delta (|input - target| -
    delta/2) (`HuberLossBackward0`): quadratic near 0, linear (slope delta) far away."""
    _check_reduction(reduction)
    _check_same_size(input, target, "huber_loss")
    if weight is not None:
        raise NotImplementedError("autograd-kit's huber_loss does not take weight")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return ops.HuberLoss.apply(input, target, reduction=reduction, delta=delta)


# ---- divergences, distances and margin losses ----------------------------------------------------

def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False):
    """KL(target || exp(input)) for log-probabilities `input`: target (log target - input)
    elementwise, a `SubBackward0` of a `MulBackward0` as in PyTorch; "batchmean" is the sum
    divided by the batch size (the true KL divergence per sample), "mean" divides by the
    number of elements (and warns, as PyTorch does).

    Example:
        >>> p = ak.tensor([[0.5, 0.5]])
        >>> ak.nn.functional.kl_div(ak.tensor([[0.25, 0.75]]).log(), p, reduction="batchmean")
        tensor(0.1438)
    """
    from ... import where

    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=2,
        )
    if reduction != "batchmean":
        _check_reduction(reduction)
    if log_target:
        losses = target.exp() * (target - input)
    else:  # xlogy(t, t) - t * input, with 0 log 0 = 0
        losses = where(target > 0, target * target.log(), 0.0) - target * input
    if reduction == "batchmean":
        total = losses.sum()
        return total / int(input.shape[0]) if input.dim() != 0 else total
    return _reduce(losses, reduction)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """sum(x1 * x2) / (||x1|| ||x2||) along `dim`, each norm clamped to at least eps.

    As in PyTorch each input is divided by its own norm first (the result stays in [-1, 1]):
    `(x1 / ||x1||) * (x2 / ||x2||)` summed over `dim`; the clamp happens outside the graph.
    """
    from ... import broadcast_shapes, no_grad

    if tuple(x1.shape) != tuple(x2.shape):  # (PyTorch then expands both, ExpandBackward0)
        shape = broadcast_shapes(x1.shape, x2.shape)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    norms = []
    for x in (x1, x2):
        norm = x.norm(2, dim, keepdim=True).clone()
        with no_grad():
            norm.clamp_(min=eps)
        norms.append(norm)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    """||x1 - x2 + eps||_p over the last dimension (`NormBackward1` of `AddBackward1`, the
    eps keeping the gradient finite where x1 = x2)."""
    last = max(x1.dim(), x2.dim()) - 1
    shifted = ops.AddScalar.apply(x1 - x2, eps)
    return ops.Norm.apply(shifted, dims=(last,) if last >= 0 else (), keepdim=keepdim, ord=p)


def margin_ranking_loss(input1, input2, target, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean"):
    """max(0, -target (input1 - input2) + margin): target 1 asks input1 to rank higher by at
    least margin, -1 lower."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {_shape_repr(input1.shape)}, input2: {_shape_repr(input2.shape)}, "
            f"target: {_shape_repr(target.shape)} "
        )
    unclamped = ops.AddScalar.apply(-target * (input1 - input2), margin)
    return _reduce(unclamped.clamp_min(0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean"):
    """max(0, d(anchor, positive) + margin - d(anchor, negative)), d the pairwise p-distance;
    with swap, d(anchor, negative) is replaced by d(positive, negative) where that is smaller."""
    from ... import minimum

    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.dim() == positive.dim() == negative.dim():
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
            f"negative {negative.dim()}D inputs"
        )
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = minimum(to_negative, pairwise_distance(positive, negative, p, eps))
    losses = (ops.AddScalar.apply(to_positive, margin) - to_negative).clamp_min(0)
    return _reduce(losses, reduction)


def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None, reduction: str = "mean"):
    """Negative log-likelihood of a Poisson count `target` with rate exp(input) (or `input`
    itself with log_input=False): exp(input) - target * input, or input - target log(input +
    eps); `full` adds Stirling's term target log target - target + log(2 pi target) / 2 where
    target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if log_input:
        losses = input.exp() - target * input
    else:
        losses = input - target * ops.AddScalar.apply(input, eps).log()
    if full:
        stirling = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        losses = losses + stirling.masked_fill(target <= 1, 0)
    return _reduce(losses, reduction)


def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean"):
    """Negative log-likelihood of `target` under a normal distribution with mean `input` and
    variance `var` (clamped to at least eps): (log var + (input - target)^2 / var) / 2, plus
    log(2 pi) / 2 with `full`. `var` may have one dimension fewer (or one of size 1): one
    variance shared along it."""
    from ... import no_grad, ones_like

    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim() and sum(
                int(v) for i, v in zip(input.shape, var.shape) if int(i) != int(v)) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean"):
    """input where target is 1, max(0, margin - input) where target is -1 (distances of
    similar and dissimilar pairs)."""
    from ... import full_like, where, zeros_like

    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    zeros = zeros_like(input)
    # (PyTorch fills a tensor with margin and subtracts: SubBackward0, not RsubBackward1)
    below_margin = (full_like(input, margin) - input).clamp_min(0)
    losses = where(target != 1, below_margin, zeros) + where(target != -1, input, zeros)
    return _reduce(losses, reduction)
