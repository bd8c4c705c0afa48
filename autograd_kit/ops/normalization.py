"""Normalization: batch norm (``NativeBatchNorm``, with running statistics) and layer norm
(``NativeLayerNorm``), each one node whose backward is the normalization's closed-form
gradient.
"""

from __future__ import annotations

import math
from typing import Any

from .._backend import xp_of
from ..autograd.grad_mode import grad_state
from ..tensor import Tensor, _wrap
from .primitive import Primitive

# ---- Primitives: batch normalization ------------------------------------------------------------

def _channel_view(ndim: int) -> tuple:
    """The shape (1, C, 1, ...) that lines a per-channel vector up with dim 1 of an ndim input."""
    return (1, -1) + (1,) * (ndim - 2)


class NativeBatchNorm(Primitive):
    """out = (x - mean) * invstd * weight + bias per channel (dim 1), invstd = 1/sqrt(var + eps).

    Training uses the batch's mean and biased variance and updates the running statistics in
    place; evaluation uses the running statistics. With xhat = (x - mean) * invstd, g = grad *
    weight and m the number of values per channel, in training:
        grad_x = invstd / m * (m * g - sum(g) - xhat * sum(g * xhat)),
        grad_weight = sum(grad * xhat),  grad_bias = sum(grad)
    (in evaluation mean and invstd are constants, so grad_x = g * invstd).
    """

    @staticmethod
    def forward(
        ctx,
        x,
        weight,
        bias,
        running_mean=None,
        running_var=None,
        training=True,
        momentum=0.1,
        eps=1e-5,
    ):
        xp = xp_of(x)
        dims = (0,) + tuple(range(2, x.ndim))
        view = _channel_view(x.ndim)
        if training:
            mean = xp.mean(x, axis=dims)
            var = xp.var(x, axis=dims)
            count = x.size // x.shape[1]
            if running_mean is not None:
                # The running variance uses the unbiased estimate, as PyTorch does.
                unbiased = var * (count / max(count - 1, 1))
                running_mean._array *= 1 - momentum
                running_mean._array += momentum * mean
                running_var._array *= 1 - momentum
                running_var._array += momentum * unbiased
                running_mean._version_counter[0] += 1
                running_var._version_counter[0] += 1
        else:
            mean, var = running_mean._array, running_var._array
        invstd = 1 / xp.sqrt(var + eps)
        out = (x - xp.reshape(mean, view)) * xp.reshape(invstd, view)
        if weight is not None:
            out = out * xp.reshape(weight, view)
        if bias is not None:
            out = out + xp.reshape(bias, view)
        ctx.save_for_backward(x, weight)
        ctx.mean, ctx.invstd, ctx.training, ctx.eps = mean, invstd, training, eps
        return xp.astype(out, x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        dims = (0,) + tuple(range(2, x.ndim))
        view = _channel_view(x.ndim)
        if ctx.training:
            xp = xp_of(ctx.mean)
            xhat, invstd = _normalized(
                x, dims, ctx.eps, xp.reshape(ctx.mean, view), xp.reshape(ctx.invstd, view)
            )
        else:  # the running statistics are constants
            invstd = _wrap(ctx.invstd).reshape(view)
            xhat = (x - _wrap(ctx.mean).reshape(view)) * invstd
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            scaled = grad * weight.reshape(view) if weight is not None else grad
            if ctx.training:
                grad_x = _normalized_input_grad(scaled, xhat, invstd, dims)
            else:
                grad_x = scaled * invstd
        if ctx.needs_input_grad[1]:
            grad_weight = (grad * xhat).sum(dims)
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum(dims)
        return grad_x, grad_weight, grad_bias


# ---- Primitives: layer normalization ------------------------------------------------------------

def _normalized(x: Tensor, dims: tuple, eps: float, mean: Any, invstd: Any) -> tuple:
    """xhat = (x - mean) * invstd and invstd, for a normalisation over ``dims``. Recording
    (create_graph): mean and invstd depend on x, so they are rebuilt from x for second
    derivatives; otherwise the arrays forward computed are reused."""
    if grad_state.enabled:
        mean = x.mean(dims, keepdim=True)
        invstd = 1 / (x.var(dims, unbiased=False, keepdim=True) + eps).sqrt()
    else:
        mean, invstd = _wrap(mean), _wrap(invstd)
    return (x - mean) * invstd, invstd


def _normalized_input_grad(scaled: Tensor, xhat: Tensor, invstd: Tensor, dims: tuple) -> Tensor:
    """The gradient through xhat = (x - mean) * invstd with mean and invstd taken over ``dims``
    (m values each), given scaled = grad * weight:
    grad_x = invstd / m * (m scaled - sum(scaled) - xhat * sum(scaled * xhat))."""
    count = math.prod(int(scaled.shape[d]) for d in dims)
    return (invstd / count) * (
        scaled * count
        - scaled.sum(dims, keepdim=True)
        - xhat * (scaled * xhat).sum(dims, keepdim=True)
    )


class NativeLayerNorm(Primitive):
    """out = (x - mean) * invstd * weight + bias, mean and (biased) variance taken over the
    last ``normalized_ndim`` dimensions of each sample, invstd = 1/sqrt(var + eps).
    With xhat = (x - mean) * invstd, g = grad * weight and m the values per sample:
        grad_x = invstd / m * (m * g - sum(g) - xhat * sum(g * xhat)),
        grad_weight = sum over samples of grad * xhat,  grad_bias = sum over samples of grad.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, normalized_ndim=1, eps=1e-5):
        xp = xp_of(x)
        dims = tuple(range(x.ndim - normalized_ndim, x.ndim))
        mean = xp.mean(x, axis=dims, keepdims=True)
        invstd = 1 / xp.sqrt(xp.var(x, axis=dims, keepdims=True) + eps)
        out = (x - mean) * invstd
        if weight is not None:
            out = out * weight
        if bias is not None:
            out = out + bias
        ctx.save_for_backward(x, weight)
        ctx.mean, ctx.invstd, ctx.dims, ctx.eps = mean, invstd, dims, eps
        return xp.astype(out, x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        dims = ctx.dims
        xhat, invstd = _normalized(x, dims, ctx.eps, ctx.mean, ctx.invstd)
        samples = tuple(range(x.ndim - len(dims)))
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            scaled = grad * weight if weight is not None else grad
            grad_x = _normalized_input_grad(scaled, xhat, invstd, dims)
        if ctx.needs_input_grad[1]:
            grad_weight = (grad * xhat).sum(samples) if samples else grad * xhat
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum(samples) if samples else grad
        return grad_x, grad_weight, grad_bias
