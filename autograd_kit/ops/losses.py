"""Losses PyTorch records as one node each: mean squared error, smooth L1 / Huber, negative
log likelihood and binary cross-entropy (with and without logits).

Each loss reduces with ``reduction`` ("mean", "sum" or "none"); its backward scales the
gradient the same way (``_reduce_loss_grad``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import xp_of
from ..tensor import Tensor, _wrap
from .primitive import Primitive, _same_device

# ---- Reductions every loss shares ---------------------------------------------------------------

def _reduce_loss(xp: Any, losses: Any, reduction: str) -> Any:
    if reduction == "mean":
        return xp.mean(losses)
    if reduction == "sum":
        return xp.sum(losses)
    return losses


def _reduce_loss_grad(grad: Tensor, count: int, reduction: str) -> Tensor:
    """The incoming gradient spread back over the unreduced losses."""
    return grad / count if reduction == "mean" else grad


def _difference_loss_grads(ctx: Any, grad: Tensor, slope: Tensor, count: int) -> tuple:
    """The gradients of a loss of d = x - y (MSE, smooth L1, Huber), given slope = the
    derivative of each unreduced loss with respect to d: grad_x = grad * slope (/ count for
    "mean"),  grad_y = -grad_x."""
    grad_diff = _reduce_loss_grad(grad, count, ctx.reduction) * slope
    grad_x = grad_diff if ctx.needs_input_grad[0] else None
    grad_y = -grad_diff if ctx.needs_input_grad[1] else None
    return grad_x, grad_y


# ---- Primitives: regression losses --------------------------------------------------------------

class MseLoss(Primitive):
    """out = reduce((x - y)^2);  grad_x = 2 (x - y) grad / n (n = numel for "mean"),  grad_y = -grad_x."""

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        xp = xp_of(x)
        diff = x - y
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        return xp.asarray(_reduce_loss(xp, diff * diff, reduction), dtype=diff.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        diff = x - y
        return _difference_loss_grads(ctx, grad, 2 * diff, diff.numel())


class SmoothL1Loss(Primitive):
    """out = reduce(l), d = x - y, l = d^2 / (2 beta) where |d| < beta, else |d| - beta/2;
    grad_x = clamp(d / beta, -1, 1) * grad (/ n for "mean"),  grad_y = -grad_x.

    (``scale`` multiplies loss and gradient: the Huber loss with delta is delta times the
    smooth L1 loss with beta = delta.)
    """

    @staticmethod
    def forward(ctx, x, y, reduction="mean", beta=1.0, scale=1.0):
        xp = xp_of(x)
        diff = x - y
        size = xp.abs(diff)
        losses = xp.where(size < beta, 0.5 * diff * diff / beta, size - 0.5 * beta)
        if scale != 1.0:
            losses = losses * scale
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.beta, ctx.scale = reduction, beta, scale
        return xp.asarray(_reduce_loss(xp, losses, reduction), dtype=diff.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        diff = x - y
        slope = (diff / ctx.beta).clamp(-1, 1)
        if ctx.scale != 1.0:
            slope = slope * ctx.scale
        return _difference_loss_grads(ctx, grad, slope, diff.numel())


class HuberLoss(SmoothL1Loss):
    """out = reduce(l), d = x - y, l = d^2 / 2 where |d| <= delta, else delta (|d| - delta/2);
    grad_x = clamp(d, -delta, delta) * grad (/ n for "mean"): delta times SmoothL1Loss with
    beta = delta."""

    @staticmethod
    def forward(ctx, x, y, reduction="mean", delta=1.0):
        return SmoothL1Loss.forward(ctx, x, y, reduction, beta=delta, scale=delta)


# ---- Primitives: classification losses ----------------------------------------------------------

class NllLoss(Primitive):
    """out_n = -weight[t_n] * x[n, t_n] (targets equal to ``ignore_index`` count 0); "mean" divides
    the sum by sum_n weight[t_n];  grad_x[n, c] = -weight[t_n] * grad (/ that total) where
    c = t_n, zero elsewhere.

    The class dimension is dim 1 (dim 0 for a single unbatched sample).
    """

    @staticmethod
    def forward(ctx, x, target, weight=None, reduction="mean", ignore_index=-100):
        xp = xp_of(x)
        class_dim = 0 if x.ndim == 1 else 1
        classes = x.shape[class_dim]
        low, high = (int(xp.min(target)), int(xp.max(target))) if target.size else (0, 0)
        if 0 <= low and high < classes and not low <= ignore_index <= high:
            safe, sample_weight = target, None  # the common case: every target counts once
        else:
            valid = target != ignore_index
            bad = valid & ((target < 0) | (target >= classes))
            if bool(xp.any(bad)):
                first = int(xp.reshape(target[bad], (-1,))[0])
                raise IndexError(f"Target {first} is out of bounds.")
            safe = xp.where(valid, target, xp.zeros_like(target))
            sample_weight = xp.astype(valid, x.dtype)
        if weight is not None:
            picked_weight = xp.astype(xp.take(weight, xp.reshape(safe, (-1,)), axis=0), x.dtype)
            picked_weight = xp.reshape(picked_weight, safe.shape)
            sample_weight = (
                picked_weight if sample_weight is None else sample_weight * picked_weight
            )
        if xp is np and x.ndim == 2:
            picked = x[np.arange(x.shape[0]), safe]  # (faster than take_along_axis)
        else:
            index = xp.expand_dims(safe, axis=class_dim)
            picked = xp.squeeze(xp.take_along_axis(x, index, axis=class_dim), axis=class_dim)
        losses = -picked if sample_weight is None else -picked * sample_weight
        total = safe.size if sample_weight is None else xp.sum(sample_weight)
        if reduction == "mean":
            out = xp.sum(losses) / total
        elif reduction == "sum":
            out = xp.sum(losses)
        else:
            out = losses
        ctx.shape, ctx.safe, ctx.class_dim = x.shape, safe, class_dim
        ctx.sample_weight, ctx.total, ctx.reduction = sample_weight, total, reduction
        return xp.asarray(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        xp = xp_of(ctx.safe)
        class_dim = ctx.class_dim
        classes = xp.arange(ctx.shape[class_dim], **_same_device(xp, ctx.safe))
        classes = xp.reshape(classes, (-1,) + (1,) * (len(ctx.shape) - class_dim - 1))
        # coefficient[n, c] = -w_n where c = t_n: the derivative of out_n with respect to x[n, c].
        one_hot = xp.astype(xp.expand_dims(ctx.safe, axis=class_dim) == classes, grad._array.dtype)
        # (0 - ..., not -...: an entry with no gradient is +0, as PyTorch prints it, not -0.)
        if ctx.sample_weight is None:
            coefficient = 0 - one_hot
        else:
            coefficient = 0 - one_hot * xp.expand_dims(ctx.sample_weight, axis=class_dim)
        if ctx.reduction == "mean":
            coefficient = coefficient / ctx.total
        if ctx.reduction == "none":
            grad = grad.unsqueeze(ctx.class_dim)
        return grad * _wrap(xp.astype(coefficient, grad._array.dtype))


class NllLoss2D(NllLoss):
    """NllLoss for (N, C, H, W) input: the same formula, recorded as its own node as in PyTorch."""


class BinaryCrossEntropy(Primitive):
    """out = -w (t log(p) + (1 - t) log(1 - p)), each log clamped at -100;
    grad_p = w (p - t) / max(p (1 - p), 1e-12) * grad,  grad_t = w (log(1 - p) - log(p)) * grad."""

    @staticmethod
    def forward(ctx, p, t, weight=None, reduction="mean"):
        xp = xp_of(p)
        log_p = xp.clip(xp.log(p), -100, None)  # log(0) = -inf is expected here: it is clamped
        log_not_p = xp.clip(xp.log(1 - p), -100, None)
        losses = -(t * log_p + (1 - t) * log_not_p)
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(p, t)
        ctx.weight, ctx.reduction = weight, reduction
        return xp.asarray(_reduce_loss(xp, losses, reduction), dtype=p.dtype)

    @staticmethod
    def backward(ctx, grad):
        p, t = ctx.saved_tensors
        grad = _reduce_loss_grad(grad, p.numel(), ctx.reduction)
        if ctx.weight is not None:
            grad = grad * _wrap(ctx.weight)
        grad_p = grad_t = None
        if ctx.needs_input_grad[0]:
            grad_p = grad * (p - t) / ((1 - p) * p).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            grad_t = grad * ((1 - p).log().clamp(min=-100) - p.log().clamp(min=-100))
        return grad_p, grad_t


class BinaryCrossEntropyWithLogits(Primitive):
    """out = w ((1 - t) x + (1 + (pw - 1) t) softplus(-x)), softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0);
    grad_x = w ((1 + (pw - 1) t) sigmoid(x) - pw t) * grad,  grad_t = w ((pw - 1) softplus(-x) - x) * grad."""

    @staticmethod
    def forward(ctx, x, t, weight=None, pos_weight=None, reduction="mean"):
        xp = xp_of(x)
        softplus_neg = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)
        if pos_weight is None:
            losses = (1 - t) * x + softplus_neg
        else:
            losses = (1 - t) * x + (1 + (pos_weight - 1) * t) * softplus_neg
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.pos_weight, ctx.reduction = weight, pos_weight, reduction
        return xp.asarray(_reduce_loss(xp, losses, reduction), dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        grad = _reduce_loss_grad(grad, x.numel(), ctx.reduction)
        if ctx.weight is not None:
            grad = grad * _wrap(ctx.weight)
        pos_weight = _wrap(ctx.pos_weight) if ctx.pos_weight is not None else None
        grad_x = grad_t = None
        if ctx.needs_input_grad[0]:
            if pos_weight is None:
                grad_x = grad * (x.sigmoid() - t)
            else:
                grad_x = grad * ((1 + (pos_weight - 1) * t) * x.sigmoid() - pos_weight * t)
        if ctx.needs_input_grad[1]:
            softplus_neg = (1 + (-x.abs()).exp()).log() + (-x).clamp(min=0)
            grad_t = grad * (-x if pos_weight is None else (pos_weight - 1) * softplus_neg - x)
        return grad_x, grad_t
