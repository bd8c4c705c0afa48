"""Gradient clipping: shrink gradients in place between `backward()` and `optimizer.step()`
so one bad batch cannot throw the weights far away."""

from __future__ import annotations

import math

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters) -> list:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _vector_norm(tensor, norm_type: float):
    """||t||_p = (sum |t_i|^p)^(1/p); the max of |t_i| for p = inf."""
    if norm_type == math.inf:
        return tensor.abs().max()
    if norm_type == 2.0:
        return (tensor * tensor).sum().sqrt()
    return (tensor.abs() ** norm_type).sum() ** (1.0 / norm_type)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None):
    """Scale all gradients together so that their joint norm is at most `max_norm`.

    The joint norm treats every gradient as one long vector:
    `total = ||(||g_1||, ||g_2||, ...)||`. If `total > max_norm`, every gradient is multiplied
    by `max_norm / (total + 1e-6)`; otherwise nothing changes. Returns `total` (measured
    before clipping), a scalar tensor, as PyTorch does.

    Example:
        >>> w = ak.nn.Parameter(ak.zeros(2))
        >>> w.grad = ak.tensor([3.0, 4.0])
        >>> ak.nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    from ... import stack, tensor

    grads = _grads(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if len(grads) == 0:
        return tensor(0.0)
    with no_grad():
        norms = [_vector_norm(grad, norm_type) for grad in grads]
        total_norm = _vector_norm(stack(norms), norm_type)
        total = float(total_norm.item())
        if error_if_nonfinite and (math.isnan(total) or math.isinf(total)):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
            )
        # clamp(max=1) means "only ever shrink"; PyTorch multiplies even when it is 1.
        clip_coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for grad in grads:
            grad.mul_(clip_coef)
    return total_norm


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element into `[-clip_value, clip_value]`, in place."""
    clip_value = float(clip_value)
    with no_grad():
        for grad in _grads(parameters):
            grad.clamp_(min=-clip_value, max=clip_value)
