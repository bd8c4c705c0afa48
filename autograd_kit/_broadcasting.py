"""Broadcasting, both ways: the shape two shapes broadcast to, and a gradient summed back.

``broadcast_shapes`` is PyTorch's rule for the shape of ``x + y``; ``sum_to`` undoes it on a
gradient, which the engine (``autograd/graph.py``) applies to every gradient a node returns in a
bigger shape than its input's. ``_either`` makes one step of a backward formula that works on a
tensor (recorded when create_graph is on) or on a raw array; the formulas in ``ops/`` are
written with such steps.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ._backend import xp_of
from ._errors import with_hint
from .tensor import Size, Tensor

# ---- One step on a tensor or an array -----------------------------------------------------------

def _either(on_tensor: Any, on_array: Any) -> Any:
    """One step of a backward formula, on a tensor (recorded when create_graph is on) or on a
    raw array (``on_array(xp, array, ...)``, with ``xp`` the array's library)."""

    def step(value: Any, *args: Any) -> Any:
        if isinstance(value, Tensor):
            return on_tensor(value, *args)
        return on_array(xp_of(value), value, *args)

    return step


sum_keepdim = _either(  # (on NumPy, np.add.reduce: np.sum is a Python wrapper around it)
    lambda t, dims: t.sum(dims, keepdim=True),
    lambda xp, a, dims: (np.add.reduce if xp is np else xp.sum)(a, axis=dims, keepdims=True),
)


reshaped = _either(
    lambda t, shape: t.reshape(shape),
    lambda xp, a, shape: a.reshape(shape) if xp is np else xp.reshape(a, shape),
)


# ---- Broadcasting forwards: the shape two shapes make -------------------------------------------

def broadcast_shapes(*shapes: tuple) -> Size:
    """The shape the given shapes broadcast to, or PyTorch's error naming the clashing dimension.

    Example:
        >>> ak.broadcast_shapes((2, 1), (3,))
        torch.Size([2, 3])
    """
    result: tuple = ()
    for index, shape in enumerate(shapes):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for position in range(1, builtins.min(len(shape), len(result)) + 1):
            size, expected = shape[-position], result[-position]
            if size != expected and size != 1 and expected != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {size} at -{position}! "
                    f"Mismatching argument at index {index} had {shape}; but expected shape "
                    f"should be broadcastable to {list(result)}"
                )
        result = _broadcast_pair(result, shape)
    return Size(result)


def _broadcast_pair(first: tuple, second: tuple) -> tuple:
    """The shape two operands broadcast to, or the error PyTorch gives for an operation on
    them (it names them tensor a and tensor b)."""
    ndim = builtins.max(len(first), len(second))
    padded_a = (1,) * (ndim - len(first)) + tuple(first)
    padded_b = (1,) * (ndim - len(second)) + tuple(second)
    shape = []
    # From the last dimension, as PyTorch compares them: it names the last mismatch.
    for dim in reversed(range(ndim)):
        size_a, size_b = padded_a[dim], padded_b[dim]
        if size_a != size_b and size_a != 1 and size_b != 1:
            raise with_hint(
                RuntimeError(
                    f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                    f"at non-singleton dimension {dim}"
                ),
                "broadcast",
            )
        shape.append(size_a if size_b == 1 else size_b)
    return tuple(reversed(shape))


# ---- Broadcasting undone: a gradient summed back to its input's shape ---------------------------

def sum_to(grad: Any, shape: tuple) -> Any:
    """Undo broadcasting: sum ``grad`` (a tensor or an array) down to ``shape``.

    If ``x`` of shape (3, 1) was broadcast to (2, 3, 4) in the forward pass, each element of
    x was used 2 * 4 times, so its gradient is the sum over those copies: sum over the new
    leading dimension and over every dimension where x had size 1. The engine does this to
    every gradient a node returns in a bigger shape than its input's.
    """
    grad_shape = tuple(grad.shape)
    shape = tuple(shape)
    if grad_shape == shape:
        return grad
    lead = len(grad_shape) - len(shape)
    dims = tuple(range(lead))
    if 1 in shape:
        dims += tuple(
            lead + i for i, size in enumerate(shape) if size == 1 and grad_shape[lead + i] != 1
        )
    if type(grad) is np.ndarray:  # the engine's raw gradients: one call into NumPy's C code
        return np.add.reduce(grad, axis=dims, keepdims=True).reshape(shape)
    if dims:
        grad = sum_keepdim(grad, dims)
    return reshaped(grad, shape) if tuple(grad.shape) != shape else grad
