"""Choosing between values: ``clamp``, ``where``, ``maximum``, ``minimum``, ``masked_fill``.

The gradient flows to whichever input was chosen, element by element (``choose`` is the
backward step, on a tensor or an array).
"""

from __future__ import annotations

from typing import Any

from .. import _backend, dtypes
from .._backend import xp_of
from .._broadcasting import _broadcast_pair, _either
from .._registry import tensor_methods
from ..tensor import Tensor, _wrap
from .arguments import (
    _as_number,
    _binary,
    _meet_on_one_device,
    _promote,
    _scalar_tensor_like,
    _type_name,
)
from .inplace import _inplace
from .primitive import Primitive, _same_device, masked

# ---- Primitives: clamping -----------------------------------------------------------------------

class Clamp(Primitive):
    """out = min(max(x, min), max);  grad_x = grad where min <= x <= max, else 0."""

    backward_on_arrays = True

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, min=None, max=None):
        xp = xp_of(x)
        inside = None
        out = x
        if min is not None:
            out = xp.maximum(out, xp.asarray(min, dtype=x.dtype, **_same_device(xp, x)))
            inside = x >= min
        if max is not None:
            out = xp.minimum(out, xp.asarray(max, dtype=x.dtype, **_same_device(xp, x)))
            inside = (x <= max) if inside is None else inside & (x <= max)
        ctx.save_for_backward(inside)
        return out

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return masked(grad, inside)


class ClampMin(Clamp):
    """out = max(x, min);  grad_x = grad where x >= min, else 0. ``x.clamp_min(m)`` records
    its own node in PyTorch (``x.clamp(min=m)`` records ClampBackward1): same formula."""

    node_name = "ClampMinBackward0"


class ClampMax(Clamp):
    """out = min(x, max);  grad_x = grad where x <= max, else 0: ``x.clamp_max(m)``'s own node."""

    node_name = "ClampMaxBackward0"


# ---- Primitives: choosing between two values ----------------------------------------------------

class Where(Primitive):
    """out = x where condition else y;  grad_x = grad where condition,  grad_y = grad elsewhere."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, condition, x, y):
        ctx.save_for_backward(condition)
        return xp_of(condition).where(condition, x, y)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        grad_x = choose(condition, grad, 0.0) if ctx.needs_input_grad[1] else None
        grad_y = choose(condition, 0.0, grad) if ctx.needs_input_grad[2] else None
        return None, grad_x, grad_y


choose = _either(  # x where condition holds, else y
    lambda condition, x, y: where(condition, x, y),
    lambda xp, condition, x, y: xp.where(condition, x, y),
)


class Maximum(Primitive):
    """out = max(x, y);  the larger input gets grad; on a tie each gets grad / 2."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return xp_of(x).maximum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        share = (x > y) + (x == y) * 0.5
        grad_x = grad * share if ctx.needs_input_grad[0] else None
        grad_y = grad * (1 - share) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Minimum(Primitive):
    """out = min(x, y);  the smaller input gets grad; on a tie each gets grad / 2."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return xp_of(x).minimum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        share = (x < y) + (x == y) * 0.5
        grad_x = grad * share if ctx.needs_input_grad[0] else None
        grad_y = grad * (1 - share) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class MaskedFill(Primitive):
    """out = value where mask holds, else x (``value`` a number);  grad_x = grad where mask
    does not hold, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, mask, value):
        xp = xp_of(x)
        ctx.keep = ~mask
        return xp.where(mask, xp.asarray(value, dtype=x.dtype, **_same_device(xp, x)), x)

    @staticmethod
    def backward(ctx, grad):
        keep = _wrap(ctx.keep) if isinstance(grad, Tensor) else ctx.keep
        return masked(grad, keep), None, None


# ---- Methods: clamping --------------------------------------------------------------------------

def clamp(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit every element to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return Clamp.apply(self, min=_as_number(min), max=_as_number(max))


def clamp_min(self: Tensor, min: Any) -> Tensor:
    """max(x, min) elementwise; PyTorch records it as its own node, ClampMinBackward0."""
    return ClampMin.apply(self, min=_as_number(min))


def clamp_max(self: Tensor, max: Any) -> Tensor:
    """min(x, max) elementwise; PyTorch records it as its own node, ClampMaxBackward0."""
    return ClampMax.apply(self, max=_as_number(max))


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return _inplace(self, Clamp, min=_as_number(min), max=_as_number(max))


# ---- Methods: choosing between two values -------------------------------------------------------

def where(condition: Tensor, x: Any = None, y: Any = None) -> Tensor | tuple[Tensor, ...]:
    """Elements of ``x`` where ``condition`` is true, elsewhere of ``y`` (tensors or numbers).
    With the condition alone, the indices where it holds (see ``_where_nonzero``)."""
    if x is None and y is None:
        return _where_nonzero(condition)
    if x is None or y is None:
        given = x if y is None else y
        raise TypeError(_WHERE_SIGNATURES.format(_type_name(condition), _type_name(given)))
    tensors = [value for value in (x, y) if isinstance(value, Tensor)]
    if not tensors:
        raise TypeError("where() expected at least one of x and y to be a Tensor")
    result = dtypes.result_type(*(x, y))
    x = (
        _promote(x, result)
        if isinstance(x, Tensor)
        else _scalar_tensor_like(x, tensors[0]).to(result)
    )
    y = (
        _promote(y, result)
        if isinstance(y, Tensor)
        else _scalar_tensor_like(y, tensors[0]).to(result)
    )
    condition, x = _meet_on_one_device(condition, x)
    condition, y = _meet_on_one_device(condition, y)
    x, y = _meet_on_one_device(x, y)
    shape = _broadcast_pair(
        condition._array.shape, _broadcast_pair(x._array.shape, y._array.shape)
    )
    del shape
    return Where.apply(condition, x, y)


def _where_nonzero(condition: Tensor) -> tuple[Tensor, ...]:
    """``ak.where(condition)``: the indices where condition is nonzero, one int64 tensor per
    dimension (``nonzero(as_tuple=True)``); a 0-d condition counts as one dimension."""
    xp = _backend.xp_of(condition._array)
    array = condition._array if condition.ndim else xp.reshape(condition._array, (1,))
    if condition.dtype is not dtypes.bool_:
        array = array != 0
    return tuple(_wrap(indices).long() for indices in xp.nonzero(array))


_WHERE_SIGNATURES = (
    "where() received an invalid combination of arguments - got ({}, {}), but expected one of:\n"
    " * (Tensor condition)\n"
    " * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n"
    " * (Tensor condition, Number self, Tensor other)\n"
    " * (Tensor condition, Tensor input, Number other)\n"
    " * (Tensor condition, Number self, Number other)\n"
)


def _where_method(self: Tensor, condition: Tensor, y: Any) -> Tensor:
    """``x.where(condition, y)`` is ``ak.where(condition, x, y)``."""
    return where(condition, self, y)


def maximum(self: Tensor, other: Tensor) -> Tensor:
    return _binary(Maximum, self, other)


def minimum(self: Tensor, other: Tensor) -> Tensor:
    return _binary(Minimum, self, other)


def masked_fill(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``value`` where ``mask`` is true, ``self`` elsewhere (`MaskedFillBackward0` for a
    number ``value``, as in PyTorch)."""
    if not isinstance(value, Tensor) and isinstance(mask, Tensor) and mask.dtype == dtypes.bool_:
        return MaskedFill.apply(self, mask, _as_number(value))
    return where(mask, _as_number(value) if not isinstance(value, Tensor) else value, self)


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "clamp": clamp,
        "clip": clamp,
        "clamp_min": clamp_min,
        "clamp_max": clamp_max,
        "maximum": maximum,
        "minimum": minimum,
        "masked_fill": masked_fill,
        "clamp_": clamp_,
        "where": _where_method,
    },
)
