"""Reading and writing by position: ``Index`` (``x[key]`` with integer arrays or a mask), its
backward ``IndexPut`` (zeros with ``grad`` added back at ``key``), and ``AsStrided`` (the
elements at given flat positions).

Indexing (``indexing.py``) and the in-place changes through views (``views.py``) are both built
on these, so they sit below both: ``views.py`` must not import ``indexing.py``, which imports
the in-place machinery that imports ``views.py``.
"""

from __future__ import annotations

from typing import Any

from .. import _backend, dtypes
from .._backend import xp_of
from .._broadcasting import _either, reshaped
from .primitive import _UNRECORDED, Primitive, _same_device

# ---- Primitives: reading and writing by index ---------------------------------------------------

class AsStrided(Primitive):
    """out = the elements of x at the flat positions ``index`` (an integer array in the view's
    shape);  grad_x = grad added back at those positions.

    How a view is seen from its base again after an in-place change to either: the view's new
    grad_fn picks its region out of the base's gradient (``ops/views.py``).
    """

    backward_on_arrays = True

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, x, index):
        xp = xp_of(x)
        flat_index = xp_of(index).reshape(index, (-1,))
        ctx.shape, ctx.flat_index = x.shape, (flat_index,)
        return xp.reshape(xp.take(xp.reshape(x, (-1,)), flat_index), index.shape)

    @staticmethod
    def backward(ctx, grad):
        return _placed_at_positions(grad, ctx.shape, ctx.flat_index)


def _placed_at_positions(grad: Any, shape: tuple, flat_index: tuple) -> Any:
    """zeros(shape) with ``grad`` added at the flat positions ``flat_index`` (a 1-tuple)."""
    size = 1
    for length in shape:
        size *= length
    return reshaped(placed_back(reshaped(grad, (-1,)), (size,), flat_index), shape)


class Index(Primitive):
    """out = x[key] with integer-array or boolean-mask indexing;  grad_x = grad added back at
    the chosen positions (repeated positions add up)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        dim = _take_dim(key)
        if dim is not None:
            # x[[0, 2, 0]] (or x[:, [0, 2, 0]]) is take along one dim, the form every array
            # library (and the array API standard, which array-api-strict's test devices
            # enforce) supports.
            return xp_of(x).take(x, key[dim], axis=dim)
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return placed_back(grad, ctx.shape, ctx.key)


class IndexPut(Primitive):
    """out = zeros(shape) with grad added at ``key`` (the backward of indexing);
    grad_grad = grad[key]."""

    @staticmethod
    def forward(ctx, grad, shape, key):
        ctx.key = key
        xp = xp_of(grad)
        out = xp.zeros(shape, dtype=grad.dtype, **_same_device(xp, grad))
        if _is_advanced(key):
            _backend.index_add(out, key, grad)
        else:
            out[key] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, key=ctx.key)


placed_back = _either(
    lambda t, shape, key: IndexPut.apply(t, shape=shape, key=key),
    lambda xp, a, shape, key: IndexPut.forward(_UNRECORDED, a, shape, key),
)


def _take_dim(key: Any) -> int | None:
    """``dim`` when ``key`` is ``(:, ..., :, integers)`` with a 1-D integer array at ``dim``
    (what ``x[[0, 2]]`` and ``index_select`` index with), else None."""
    if not isinstance(key, tuple) or not key:
        return None
    *slices, rows = key
    for part in slices:  # (checked first: it rules out most keys at the first part)
        if type(part) is not slice or part != _EVERYTHING:
            return None
    if getattr(rows, "ndim", None) != 1 or dtypes.of_array(rows)._category != 1:
        return None
    return len(slices)


_EVERYTHING = slice(None)


def _is_advanced(key: Any) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return any(not isinstance(part, (int, slice, type(None), type(Ellipsis))) for part in parts)
