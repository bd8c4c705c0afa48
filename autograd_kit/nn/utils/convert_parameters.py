"""Flatten a model's parameters into one vector and back (for e.g. line searches or
measuring how far the weights moved)."""

from __future__ import annotations

from ...autograd.grad_mode import no_grad

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """Concatenate every parameter, flattened, into one 1-D tensor (in `parameters()` order).

    The result is part of the graph, so gradients flow back to the parameters.

    Example:
        >>> ak.nn.utils.parameters_to_vector(ak.nn.Linear(3, 2).parameters()).shape
        torch.Size([8])
    """
    from ... import cat

    return cat([param.reshape(-1) for param in parameters])


def vector_to_parameters(vec, parameters) -> None:
    """Copy consecutive slices of `vec` into the parameters, in place (the inverse of
    `parameters_to_vector`)."""
    from ...tensor import Tensor

    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    with no_grad():
        for param in parameters:
            count = param.numel()
            param.copy_(vec[pointer:pointer + count].reshape(param.shape))
            pointer += count
