"""Resetting gradients: the one loop behind `Module.zero_grad` and `Optimizer.zero_grad`."""

from __future__ import annotations

from collections.abc import Iterable

from ...tensor import Tensor


def zero_grads(parameters: Iterable[Tensor], set_to_none: bool = True) -> None:
    """Reset each parameter's `.grad`: to None (the default) or to zeros in place.

    Zeroing in place first cuts the gradient from any graph (a `.grad` made with
    `create_graph=True` has a grad_fn), as PyTorch does.
    """
    for param in parameters:
        grad = param.grad
        if grad is None:
            continue
        if set_to_none:
            param.grad = None
            continue
        if grad.grad_fn is not None:
            grad.detach_()
        else:
            grad.requires_grad_(False)
        grad.zero_()
