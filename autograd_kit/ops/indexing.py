"""Indexing: slices and parts (``narrow``, ``select``, ``split``, ``chunk``), ``x[key]`` and
``x[key] = value``, gathering and scattering (``gather``, ``scatter``, ``index_select``,
``index_add``, ``masked_select``, ``take``), embedding lookups and ``nonzero``/``bincount``.

Reading by index has a gradient that puts ``grad`` back at the positions read (``IndexPut``);
those two primitives, and ``AsStrided``, are in ``positions.py``.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from .. import _backend, dtypes
from .._backend import index_put, xp_of
from .._broadcasting import _broadcast_pair, _either
from .._errors import with_hint
from .._registry import tensor_methods
from ..autograd.function import Function
from ..autograd.grad_mode import grad_state
from ..tensor import Tensor, _normalize_dim, _wrap
from .arguments import _alpha, _as_number, _check_same_device, _type_word_of
from .inplace import _inplace
from .positions import AsStrided, Index, IndexPut, _is_advanced, placed_back
from .primitive import _UNRECORDED, Primitive, _same_device
from .reductions import _dim_tuple
from .shape import Unsqueeze, _ViewPrimitive, cat, stack

# ---- Primitives: slices and parts ---------------------------------------------------------------

class Slice(_ViewPrimitive):
    """out = x[..., start:stop:step, ...] along ``dim``;  grad_x = grad placed back, zeros elsewhere."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, key):
        key = _covering(key)
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return placed_back(grad, ctx.shape, ctx.key)


class Select(Slice):
    """out = x[..., index, ...] along ``dim`` (one dimension fewer);  grad_x = grad placed back.

    Slice's formulas (the key holds an integer instead of a slice), under its own node name,
    SelectBackward0, as PyTorch records it."""


class Alias(_ViewPrimitive):
    """out = x itself as a new tensor sharing x's memory (``x[...]``, ``x[()]``);  grad_x = grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return x[...]

    @staticmethod
    def backward(ctx, grad):
        return grad


# ---- Primitives: reading and writing by index ---------------------------------------------------

class SetItem(Primitive):
    """out = x with out[key] = value (``x[key] = value``);  grad_x = grad with zeros at key,
    grad_value = grad[key] summed to value's shape."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, x, value, key):
        key = _covering(key)
        out = xp_of(x).asarray(x, copy=True)
        out[key] = value
        ctx.key, ctx.shape = key, x.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = None
        if ctx.needs_input_grad[0]:
            xp = xp_of(grad._array)
            keep = xp.ones(ctx.shape, dtype=grad._array.dtype, **_same_device(xp, grad._array))
            keep[ctx.key] = 0
            grad_x = grad * _wrap(keep)
        grad_value = None
        if ctx.needs_input_grad[1]:
            grad_value = Index.apply(grad, key=ctx.key)
        return grad_x, grad_value


def _covering(key: Any) -> Any:
    """A basic index with a trailing ``...`` when it has none: NumPy and CuPy assume it, the
    array API standard (and array-api-strict's test devices) wants every axis covered."""
    if not isinstance(key, tuple) or _is_advanced(key) or any(part is Ellipsis for part in key):
        return key
    return key + (Ellipsis,)


# ---- Primitives: gathering ----------------------------------------------------------------------

picked = _either(  # grad[key]: what a gather, or a scatter's source, gets back
    lambda t, key: Index.apply(t, key=key),
    lambda xp, a, key: Index.forward(_UNRECORDED, a, key),
)
added_into_zeros = _either(  # zeros(shape) with grad added at key: what a gather gives back
    lambda t, shape, key, primitive: primitive.apply(t.new_zeros(shape), t, key=key),
    lambda xp, a, shape, key, primitive: IndexPut.forward(_UNRECORDED, a, shape, key),
)
zeroed_at = _either(  # grad with zeros at key: what a scatter gives back to its input
    lambda t, key: ScatterValue.apply(t, src=0.0, key=key),
    lambda xp, a, key: Scatter.forward(_UNRECORDED, a, 0.0, key),
)


def gather_key(index: Any, dim: int) -> tuple:
    """The integer-array key with ``x[key][i][j][k] = x[i][index[i][j][k]][k]`` (for dim 1):
    ``index`` along ``dim``, and along every other dim the element's own position."""
    xp = xp_of(index)
    key = []
    for d, size in enumerate(index.shape):
        if d == dim:
            key.append(index)
        else:
            line = xp.arange(size, dtype=index.dtype, **_same_device(xp, index))
            key.append(xp.reshape(line, tuple(-1 if e == d else 1 for e in range(index.ndim))))
    return tuple(key)


class Gather(Index):
    """out[i][j][k] = x[i][index[i][j][k]][k] (dim 1; the key is ``gather_key``'s);
    grad_x = zeros.scatter_add(dim, index, grad): grad added back at the gathered positions
    (a position gathered twice gets both)."""

    @staticmethod
    def backward(ctx, grad):
        return added_into_zeros(grad, ctx.shape, ctx.key, ScatterAdd)


class IndexSelect(Index):
    """out = the slices of x at ``index`` along ``dim`` (the key is ``(:, ..., index)``);
    grad_x = zeros.index_add(dim, index, grad): grad added back at those slices (a slice
    chosen twice gets both)."""

    @staticmethod
    def backward(ctx, grad):
        return added_into_zeros(grad, ctx.shape, ctx.key, IndexAdd)


class MaskedSelect(Index):
    """out = the elements of x where ``mask`` is true, x and mask broadcast together first, as
    a 1-D tensor;  grad_x = grad placed back at those positions, zeros elsewhere."""

    @staticmethod
    def forward(ctx, x, mask):
        xp = xp_of(x)
        shape = np.broadcast_shapes(x.shape, mask.shape)
        mask = xp.broadcast_to(mask, shape)
        return Index.forward(ctx, xp.broadcast_to(x, shape), (mask,))


class Take(AsStrided):
    """out = x flattened, read at ``index`` (an integer array of out's shape);
    grad_x = grad added back at those positions."""

    node_name = "TakeBackward0"


# ---- Primitives: scattering ---------------------------------------------------------------------

class ScatterAdd(Primitive):
    """out = x with alpha * src added at ``key`` (``scatter_add``: out[i][index[i][j][k]][k]
    += src[i][j][k] for dim 1; repeated positions add up);
    grad_x = grad,  grad_src = alpha * grad[key]."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, src, key, alpha=1):
        ctx.key, ctx.alpha = key, alpha
        out = xp_of(x).asarray(x, copy=True)
        _backend.index_add(out, key, src if alpha == 1 else src * alpha)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad if ctx.needs_input_grad[0] else None
        grad_src = None
        if ctx.needs_input_grad[1]:
            grad_src = picked(grad, ctx.key)
            if ctx.alpha != 1:
                grad_src = grad_src * ctx.alpha
        return grad_x, grad_src


class IndexAdd(ScatterAdd):
    """ScatterAdd with whole slices (``index_add``: the key is ``(:, ..., index)``, so slice i
    of source is added to slice index[i] of x along dim)."""


class Scatter(Primitive):
    """out = x with src written at ``key`` (out[i][index[i][j][k]][k] = src[i][j][k] for dim 1);
    grad_x = grad with zeros where src was written,  grad_src = grad[key]."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, src, key):
        ctx.key = key
        out = xp_of(x).asarray(x, copy=True)
        index_put(out, key, src)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = zeroed_at(grad, ctx.key) if ctx.needs_input_grad[0] else None
        grad_src = picked(grad, ctx.key) if ctx.needs_input_grad[1] else None
        return grad_x, grad_src


class ScatterValue(Scatter):
    """Scatter with a number ``src`` (``x.scatter(dim, index, 2.0)``), a setting rather than
    an input;  grad_x = grad.scatter(dim, index, 0): zeros where it was written."""

    node_name = "ScatterBackward1"

    @staticmethod
    def backward(ctx, grad):
        return zeroed_at(grad, ctx.key)


# ---- Primitives: embedding lookups --------------------------------------------------------------

class Embedding(Primitive):
    """out[...] = weight[indices[...]];  grad_weight = grad rows added at their indices (a row
    looked up twice gets both), except row ``padding_idx``, which gets none."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx=None):
        ctx.shape, ctx.indices, ctx.padding_idx = weight.shape, indices, padding_idx
        xp = xp_of(weight)
        rows = xp.take(weight, xp.reshape(indices, (-1,)), axis=0)
        return xp.reshape(rows, tuple(indices.shape) + tuple(weight.shape[1:]))

    @staticmethod
    def backward(ctx, grad):
        if ctx.padding_idx is not None:
            xp = xp_of(ctx.indices)
            keep = xp.astype(ctx.indices != ctx.padding_idx, grad._array.dtype)
            grad = grad * _wrap(xp.reshape(keep, keep.shape + (1,)))
        return IndexPut.apply(grad, shape=ctx.shape, key=(ctx.indices, Ellipsis))


# ---- Methods: slices and parts ------------------------------------------------------------------

def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    return _part(self, _normalize_dim(dim, self.ndim), start, start + length)


def select(self: Tensor, dim: int, index: int) -> Tensor:
    dim = _normalize_dim(dim, self.ndim)
    key = (slice(None),) * dim + (_check_index(index, self.shape[dim], dim),)
    return Select.apply(self, key=key)


# ---- Parts: one node, an output per part ---------------------------------------------------------
# ``unbind``, ``split`` and ``chunk`` cut a tensor into parts that are views of it. PyTorch
# records the cut as ONE node with an output per part (``UnbindBackward0``; each part knows its
# ``output_nr``); its backward puts the parts' gradients back together. These are written as
# ``autograd.Function``s, the shape chapter 7 teaches, because a Function may have several
# outputs.


class _Parts(Function):
    """parts_i = x[key_i] (views of x);  grad_x = the parts' gradients put back together."""

    @staticmethod
    def forward(ctx, x, dim, view, keys):
        ctx.dim = dim
        return tuple(view.apply(x, key=key) for key in keys)


class Unbind(_Parts):
    """parts_i = x.select(dim, i);  grad_x = stack(grad_i, dim)."""

    node_name = "UnbindBackward0"

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim), None, None, None


class Split(_Parts):
    """parts_i = x.narrow(dim, start_i, length_i), equal lengths;  grad_x = cat(grad_i, dim)."""

    node_name = "SplitBackward0"

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim), None, None, None


class SplitWithSizes(Split):
    """Split's formulas, under the name PyTorch records when the lengths are given as a list."""

    node_name = "SplitWithSizesBackward0"


def _cut(parts: type[_Parts], self: Tensor, dim: int, view: type, keys: list) -> tuple:
    """The parts of ``self``: views that, once recorded, refuse to be changed in place (one
    node has no single place where such a change could go)."""
    pieces = parts.apply(self, dim, view, keys) if keys else ()
    name = parts._backward_cls.__name__.removesuffix("Backward0")
    for piece in pieces:
        piece._view_made_without_grad = self._view_made_without_grad or not grad_state.enabled
        if piece.grad_fn is not None:
            piece._made_by_multi_output = name
    return pieces


def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    dim = _normalize_dim(dim, self.ndim)
    keys = [(slice(None),) * dim + (i,) for i in range(self.shape[dim])]
    return _cut(Unbind, self, dim, Select, keys)


def split(self: Tensor, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
    dim = _normalize_dim(dim, self.ndim)
    size = self.shape[dim]
    if isinstance(split_size, builtins.int):
        lengths = [builtins.min(split_size, size - start) for start in range(0, size, split_size)]
        kind = Split
    else:
        lengths, kind = list(split_size), SplitWithSizes
        if builtins.sum(lengths) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {dim}), but got split_sizes={lengths}"
            )
    keys, start = [], 0
    for length in lengths:
        keys.append((slice(None),) * dim + (slice(start, start + length),))
        start += length
    return _cut(kind, self, dim, Slice, keys)


def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    size = self.shape[_normalize_dim(dim, self.ndim)]
    return split(self, math.ceil(size / chunks), dim)


# ---- tensor_split and hsplit / vsplit / dsplit: one Slice view per part -------------------------
# Unlike split, PyTorch builds these from ``narrow``: every part is its own slice of the input
# with its own ``SliceBackward0`` node (output_nr 0), so a part may be changed in place.

_TENSOR_SPLIT_SIGNATURES = (
    " * (Tensor input, tuple of ints indices, int dim = 0)\n"
    " * (Tensor input, Tensor tensor_indices_or_sections, int dim = 0)\n"
    " * (Tensor input, int sections, int dim = 0)\n"
)


def tensor_split(
    self: Tensor,
    indices_or_sections: Any = None,
    dim: int = 0,
    *,
    sections: Any = None,
    indices: Any = None,
    tensor_indices_or_sections: Any = None,
) -> tuple[Tensor, ...]:
    """Cut ``self`` along ``dim``: into ``sections`` parts as equal as can be (the first
    ``size % sections`` parts one longer), or at each of ``indices``, as Python slices cut
    (``x[:i0], x[i0:i1], ..., x[ik:]``; a negative index counts from the end).

    Example:
        >>> [p.tolist() for p in ak.arange(7).tensor_split(3)]
        [[0, 1, 2], [3, 4], [5, 6]]
        >>> [p.tolist() for p in ak.arange(7).tensor_split([1, 5])]
        [[0], [1, 2, 3, 4], [5, 6]]
    """
    given = [
        value
        for value in (indices_or_sections, sections, indices, tensor_indices_or_sections)
        if value is not None
    ]
    if len(given) != 1:
        got = ", ".join(["Tensor", *(type(value).__name__ for value in given)])
        raise TypeError(
            f"tensor_split() received an invalid combination of arguments - got ({got}), but "
            "expected one of:\n" + _TENSOR_SPLIT_SIGNATURES
        )
    cuts = given[0]
    if self.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    dim = _normalize_dim(dim, self.ndim)
    if isinstance(cuts, Tensor):
        if cuts.dtype is not dtypes.int64:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                + _type_word_of(cuts.dtype)
            )
        if cuts.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {cuts.ndim} dims"
            )
        cuts = cuts.item() if cuts.ndim == 0 else cuts.tolist()
    if _is_count(cuts):
        return _split_into_sections(self, builtins.int(cuts), dim)
    if isinstance(cuts, (list, tuple)) and all(
        isinstance(index, (builtins.int, np.integer)) for index in cuts
    ):
        bounds = [None, *(builtins.int(index) for index in cuts), None]
        return tuple(_part(self, dim, start, stop) for start, stop in zip(bounds, bounds[1:]))
    raise TypeError(
        "tensor_split() received an invalid combination of arguments - got "
        f"(Tensor, {type(cuts).__name__}), but expected one of:\n" + _TENSOR_SPLIT_SIGNATURES
    )


def _is_count(value: Any) -> bool:
    """An integer (Python's or NumPy's), but not a bool: how many sections to cut into."""
    return isinstance(value, (builtins.int, np.integer)) and not isinstance(value, builtins.bool)


def _split_into_sections(self: Tensor, sections: int, dim: int) -> tuple[Tensor, ...]:
    if sections <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
    length, longer = divmod(self.shape[dim], sections)
    parts, start = [], 0
    for number in range(sections):
        stop = start + length + (number < longer)
        parts.append(_part(self, dim, start, stop))
        start = stop
    return tuple(parts)


def _part(self: Tensor, dim: int, start: int | None, stop: int | None) -> Tensor:
    """``self[..., start:stop]`` along ``dim``: a view recorded as SliceBackward0."""
    return Slice.apply(self, key=(slice(None),) * dim + (slice(start, stop),))


def _split_along(name: str, dim: int, least: int, self: Tensor, cuts: Any) -> tuple[Tensor, ...]:
    """``torch.hsplit``/``vsplit``/``dsplit``: ``tensor_split`` along a fixed dim, except that a
    number of sections must divide the dim's size exactly."""
    if self.ndim < least:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {least} dimension, but got a tensor with "
            f"{self.ndim} dimensions!"
        )
    if _is_count(cuts):
        size = self.shape[dim]
        if cuts == 0 or size % cuts:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {size} is not divisible by the split_size {cuts}!"
            )
    return tensor_split(self, cuts, dim)


def hsplit(self: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split along the columns: dim 1, or dim 0 of a 1-D tensor (NumPy's ``hsplit``)."""
    return _split_along("hsplit", 1 if self.ndim > 1 else 0, 1, self, indices_or_sections)


def vsplit(self: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split along the rows (dim 0) of a tensor with at least 2 dimensions."""
    return _split_along("vsplit", 0, 2, self, indices_or_sections)


def dsplit(self: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split along the depth (dim 2) of a tensor with at least 3 dimensions."""
    return _split_along("dsplit", 2, 3, self, indices_or_sections)


# ---- Methods: x[key] and x[key] = value ---------------------------------------------------------

def _check_index(index: int, size: int, dim: int) -> int:
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    return index


def _index_part(part: Any, self: Tensor) -> Any:
    """Turn one element of an index into something the array library accepts."""
    if part is True or part is False:  # a one-element mask, as in PyTorch: x[True] is x[None]
        return _backend.to_device(np.asarray(part), self.device)
    if isinstance(part, Tensor):
        array = part._array
        if array.ndim == 0 and not part.dtype.is_floating_point and part.dtype is not dtypes.bool_:
            return builtins.int(part.item())
        if type(array) is np.ndarray and type(self._array) is np.ndarray:
            return array  # (both on the CPU: nothing to move)
        return _backend.to_device(array, self.device)
    if isinstance(part, (list, np.ndarray)):
        return _backend.to_device(np.asarray(part), self.device)
    if isinstance(part, np.integer):
        return builtins.int(part)
    return part


def _normalize_key(self: Tensor, key: Any) -> tuple:
    """The key as the array library takes it, with PyTorch's IndexError for an integer array
    out of range."""
    key = _library_key(self, key)
    if _is_advanced(key):
        _check_index_arrays(self, key)
    else:
        _check_basic_key(self.shape, key)
    return key


def _check_basic_key(shape: tuple, key: tuple) -> int:
    """PyTorch's IndexError for a key of integers, slices, None and ``...`` that names more
    dimensions than ``shape`` has, or an integer outside its dimension (the error names the
    integer's position in the key). Returns how many dimensions the key names."""
    specified = builtins.sum(1 for part in key if part is not None and part is not Ellipsis)
    if specified > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    dim = 0
    for position, part in enumerate(key):
        if part is Ellipsis:
            dim += len(shape) - specified
        elif part is not None:
            if isinstance(part, builtins.int):
                _check_index(part, shape[dim], position)
            dim += 1
    return specified


def _library_key(self: Tensor, key: Any) -> tuple:
    """The key as a tuple of parts the array library takes (no range checks yet)."""
    if isinstance(key, tuple):
        return tuple([_index_part(part, self) for part in key])
    if self._array.ndim == 0:
        _refuse_lone_part_of_0_dim(key)
    return (_index_part(key, self),)


def _refuse_lone_part_of_0_dim(part: Any) -> None:
    """PyTorch's errors for ``t[0]``, ``t[1]`` or ``t[:]`` on a 0-dim tensor (as one part, not in
    a tuple: ``t[0,]`` is "too many indices"); a 0-dim tensor holds one number, no dimension."""
    if isinstance(part, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if isinstance(part, (builtins.int, np.integer)) and not isinstance(part, builtins.bool):
        if part == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        raise IndexError(f"index {part} is out of bounds for dimension 0 with size 0")


def _dims_indexed(key: tuple) -> int:
    """How many of the tensor's dimensions ``key`` reads: one per integer, slice or integer
    array, one per dimension of a mask; None and ``...`` read none of their own."""
    return builtins.sum(
        getattr(part, "ndim", 1) if _is_mask(part) else 1
        for part in key
        if part is not None and part is not Ellipsis
    )


def _check_index_arrays(self: Tensor, key: tuple) -> None:
    """PyTorch's IndexError for an integer array with an index outside its dimension, or a
    mask whose shape does not match the dimensions it covers.

    PyTorch numbers the dimension of an integer array among the index arrays (a mask counts
    one per dimension it covers), not among the tensor's dimensions: in ``x[:, [0, 7]]`` the
    list is dimension 0. A mask is compared with the tensor that the advanced parts index:
    ``x`` with its integers, slices and Nones applied (``x[0, mask]`` indexes ``x[0]``).
    """
    specified = _dims_indexed(key)
    indexed = _shape_for_advanced_parts(self.shape, key, specified)
    dim = arrays_before = position = 0  # position: the dimension of ``indexed`` reached
    for part in key:
        if part is None:
            position += 1
            continue
        if part is Ellipsis:
            dim += self.ndim - specified
            position += self.ndim - specified
        elif _is_mask(part):
            covered = indexed[position : position + part.ndim]
            for index, (mask_size, size) in enumerate(zip(part.shape, covered)):
                if mask_size != size:
                    raise IndexError(
                        f"The shape of the mask {list(part.shape)} at index {index} does not "
                        f"match the shape of the indexed tensor {indexed} at index "
                        f"{position + index}"
                    )
            dim += part.ndim
            position += part.ndim
            arrays_before += part.ndim
        elif hasattr(part, "shape"):  # an array of integer positions
            size = self.shape[dim] if dim < self.ndim else 0
            first = _first_outside(_wrap(part), -size, size) if part.size else None
            if first is not None and size == 0:
                raise IndexError("index is out of bounds for dimension with size 0")
            if first is not None:
                raise IndexError(
                    f"index {first} is out of bounds for dimension {arrays_before} with size {size}"
                )
            dim += 1
            position += 1
            arrays_before += 1
        else:  # an int (its dimension is gone from ``indexed``) or a slice
            dim += 1
            position += isinstance(part, slice)


def _shape_for_advanced_parts(shape: tuple, key: tuple, specified: int) -> list[int]:
    """The shape of the tensor ``key``'s advanced parts index: ``shape`` with the integers'
    dimensions gone, a 1 for each None and each slice's length."""
    indexed, dim = [], 0
    for part in key:
        if part is None:
            indexed.append(1)
        elif part is Ellipsis:
            covered = len(shape) - specified
            indexed.extend(shape[dim : dim + covered])
            dim += covered
        elif isinstance(part, slice):
            indexed.append(len(range(*part.indices(shape[dim]))))
            dim += 1
        elif _is_mask(part):
            indexed.extend(shape[dim : dim + part.ndim])
            dim += part.ndim
        else:
            if hasattr(part, "shape"):
                indexed.append(shape[dim])
            dim += 1
    return indexed + list(shape[dim:])


def _is_mask(part: Any) -> bool:
    return hasattr(part, "dtype") and dtypes.of_array_dtype(part.dtype) is dtypes.bool_


def __getitem__(self: Tensor, key: Any) -> Tensor:
    """Indexing as in PyTorch: ``x[1:, ::2]`` (SliceBackward0), ``x[0]`` (SelectBackward0),
    ``x[None]`` (UnsqueezeBackward0), ``x[mask]`` and ``x[[0, 2]]`` (IndexBackward0), ``x[...]``
    (AliasBackward0)."""
    lone = not isinstance(key, tuple)  # x[:] is a slice; x[:, :] is the whole tensor
    key = _library_key(self, key)
    if _is_advanced(key):
        if _dims_indexed(key) > self.ndim:
            raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
        if type(self._array) is not np.ndarray:  # (CuPy would wrap an index out of range around)
            _check_index_arrays(self, key)
            return Index.apply(self, key=key)
        try:
            return Index.apply(self, key=key)
        except IndexError:
            # NumPy checks every index as it reads and refuses one out of range, so checking
            # first would only repeat its work. Once it refuses, say which index in PyTorch's
            # words (outside this block, so the traceback does not show NumPy's error too).
            pass
        _check_index_arrays(self, key)
        return Index.apply(self, key=key)  # anything else NumPy refuses, in NumPy's words
    specified = _check_basic_key(self.shape, key)
    out, dim = self, 0
    for part in key:
        if part is None:
            out = Unsqueeze.apply(out, dim=dim)
            dim += 1
        elif part is Ellipsis:
            dim += self.ndim - specified
        elif isinstance(part, builtins.int):
            out = Select.apply(out, key=(slice(None),) * dim + (part,))
        else:
            # A slice is a SliceBackward0 node, except one that keeps a whole dimension among
            # other parts (x[:, 0] is one SelectBackward0), as PyTorch records them.
            size = out.shape[dim]
            if lone or part.indices(size) != (0, size, 1):
                out = Slice.apply(out, key=(slice(None),) * dim + (part,))
            dim += 1
    if out is self:  # x[...], x[()] or x[:, :]: still a new tensor, as in PyTorch
        return Alias.apply(self)
    return out


def __setitem__(self: Tensor, key: Any, value: Any) -> None:
    """``x[key] = value``: an in-place change, recorded as CopySlices when it needs grad."""
    key = _normalize_key(self, key)
    if isinstance(value, Tensor):
        _check_same_device(self, value)
    else:
        value = _as_number(value)
    _inplace(self, SetItem, value, key=key)


# ---- Methods: gathering and scattering ----------------------------------------------------------

def _check_index_dtype(index: Tensor, message: str) -> None:
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise with_hint(RuntimeError(message), "index_dtype")


def _first_outside(index: Tensor, low: int, high: int) -> int | None:
    """The first value of ``index`` outside [low, high), or None when there is none."""
    values = _backend.asnumpy(index._array).reshape(-1)
    outside = values[(values < low) | (values >= high)]
    return builtins.int(outside[0]) if outside.size else None


def _check_in_range(index: Tensor, size: int, dim: int) -> None:
    """PyTorch's error for the first index outside [0, size) along ``dim``."""
    first = _first_outside(index, 0, size)
    if first is not None:
        raise RuntimeError(f"index {first} is out of bounds for dimension {dim} with size {size}")


def _check_gather_shape(self: Tensor, dim: int, index: Tensor, src: Any, same: str) -> None:
    """index: as many dims as self, and no larger than self (and src) apart from ``dim``."""
    if index.ndim != self.ndim:
        raise with_hint(
            RuntimeError(
                f"Index tensor must have the same number of dimensions as {same} tensor"
            ),
            "gather_dims",
        )
    others = [d for d in range(self.ndim) if d != dim]
    too_big = builtins.any(index.shape[d] > self.shape[d] for d in others)
    if src is None and too_big:
        bad = next(d for d in others if index.shape[d] > self.shape[d])
        raise RuntimeError(
            f"Size does not match at dimension {bad} expected index {list(index.shape)} to be "
            f"no larger than self {list(self.shape)} apart from dimension {dim}"
        )
    if src is not None and (
        too_big or builtins.any(n > m for n, m in zip(index.shape, src.shape))
    ):
        raise RuntimeError(
            f"Expected index {list(index.shape)} to be no larger than self {list(self.shape)} "
            f"apart from dimension {dim} and to be no larger size than src {list(src.shape)}"
        )


def _gather_key(self: Tensor, dim: int, index: Tensor, src: Any, name: str) -> tuple:
    """Check gather/scatter arguments as PyTorch does; the key that indexes ``self``."""
    _check_same_device(self, index)
    _check_index_dtype(index, f"{name}(): Expected dtype int32/int64 for index")
    if src is not None and src.dtype is not self.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather_shape(self, dim, index, src, "input" if name == "gather" else "self")
    _check_in_range(index, self.shape[dim], dim)
    return gather_key(index._array, dim)


def _leading(src: Tensor, index: Tensor) -> Tensor:
    """The part of ``src`` a scatter reads: its first index.shape[d] elements along each d."""
    if src.shape == index.shape:
        return src
    return __getitem__(src, tuple(slice(0, n) for n in index.shape))


def gather(self: Tensor, dim: int, index: Tensor, *, sparse_grad: builtins.bool = False) -> Tensor:
    """out[i][j][k] = self[i][index[i][j][k]][k] for dim 1 (and likewise for other dims): pick
    one element along ``dim`` for every position of ``index``.

    Example:
        >>> ak.tensor([[1, 2], [3, 4]]).gather(1, ak.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    dim = _normalize_dim(dim, self.ndim)
    return Gather.apply(self, key=_gather_key(self, dim, index, None, "gather"))


def scatter(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    """A copy of self with out[i][index[i][j][k]][k] = src[i][j][k] for dim 1 (``src`` a
    tensor or a number): gather's opposite. Where an index repeats, one of the writes wins."""
    dim = _normalize_dim(dim, self.ndim)
    src = value if src is None else src
    if isinstance(src, Tensor):
        key = _gather_key(self, dim, index, src, "scatter")
        return Scatter.apply(self, _leading(src, index), key=key)
    key = _gather_key(self, dim, index, None, "scatter")
    return ScatterValue.apply(self, src=_as_number(src), key=key)


def scatter_add(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of self with out[i][index[i][j][k]][k] += src[i][j][k] for dim 1; where an index
    repeats, every value is added (the backward of ``gather``)."""
    dim = _normalize_dim(dim, self.ndim)
    key = _gather_key(self, dim, index, src, "scatter")
    return ScatterAdd.apply(self, _leading(src, index), key=key)


def _slices_key(self: Tensor, dim: int, index: Tensor, name: str) -> tuple:
    """Check an index_select/index_add index as PyTorch does; the key ``(:, ..., index)``."""
    _check_same_device(self, index)
    if index.ndim > 1:
        detail = ""
        if name == "index_add_":
            word = _type_word_of(index.dtype)
            detail = f", but got dim: {index.ndim} with type: {word} and size: {list(index.shape)}"
        raise IndexError(f"{name}(): Index is supposed to be a vector{detail}")
    if name == "index_select":
        _check_index_dtype(index, "index_select(): Expected dtype int32 or int64 for index")
    else:
        _check_index_dtype(
            index,
            f"{name}(): Expected dtype int32/int64 for index but got: {_type_word_of(index.dtype)}",
        )
    size = self.shape[dim]
    if name == "index_select":
        first = _first_outside(index, 0, size)
        if first is not None:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={first} axis_dim={size}")
    else:
        _check_in_range(index, size, dim)
    return (slice(None),) * dim + (_backend.xp_of(index._array).reshape(index._array, (-1,)),)


def index_select(self: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of self at positions ``index`` (a vector) along ``dim``, in that order."""
    dim = _normalize_dim(dim, self.ndim)
    return IndexSelect.apply(self, key=_slices_key(self, dim, index, "index_select"))


def index_add(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """A copy of self with alpha * source[..., i, ...] added to slice index[i] along ``dim``
    (repeated indices add up)."""
    dim = _normalize_dim(dim, self.ndim)
    key = _index_add_key(self, dim, index, source)
    return IndexAdd.apply(self, source, key=key, alpha=_alpha(alpha, "index_add"))


def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """``index_add`` in place: alpha * source[..., i, ...] is added to slice index[i] of self.

    Example:
        >>> ak.zeros(3).index_add_(0, ak.tensor([0, 2, 0]), ak.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """
    dim = _normalize_dim(dim, self.ndim)
    key = _index_add_key(self, dim, index, source)
    return _inplace(self, IndexAdd, source, key=key, alpha=_alpha(alpha, "index_add"))


def _index_add_key(self: Tensor, dim: int, index: Tensor, source: Tensor) -> tuple:
    """Check index_add's arguments as PyTorch does; the key ``(:, ..., index)``."""
    key = _slices_key(self, dim, index, "index_add_")
    if source.ndim <= dim:
        raise RuntimeError(
            f"index_add_(): Indexing dim {dim} is out of bounds of the source tensor with dim "
            f"{source.ndim}"
        )
    if source.shape[dim] != index.numel():
        raise RuntimeError(
            f"index_add_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim): ({source.shape[dim]}), for dim: {dim}"
        )
    if source.dtype is not self.dtype:
        raise RuntimeError(
            f"index_add_(): self ({_type_word_of(self.dtype)}) and source "
            f"({_type_word_of(source.dtype)}) must have the same scalar type"
        )
    return key


def masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` is true (self and mask broadcast together), as a vector."""
    _check_same_device(self, mask)
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    _broadcast_pair(tuple(mask.shape), tuple(self.shape))
    return MaskedSelect.apply(self, mask=mask._array)


def take(self: Tensor, index: Tensor) -> Tensor:
    """self read as if flattened, at ``index`` (int64, any shape; negative counts from the end)."""
    _check_same_device(self, index)
    if index.dtype is not dtypes.int64:
        raise RuntimeError(
            f"take(): Expected a long tensor for index, but got {_type_word_of(index.dtype)}"
        )
    size = self.numel()
    first = _first_outside(index, -size, size)
    if first is not None:
        raise IndexError(
            f"out of range: tried to access index {first} on a tensor of {size} elements."
        )
    positions = index._array  # negative positions count from the end
    positions = _backend.xp_of(positions).where(positions < 0, positions + size, positions)
    return Take.apply(self, index=positions)


# ---- Methods: finding and counting --------------------------------------------------------------

def nonzero(self: Tensor, *, as_tuple: builtins.bool = False) -> Any:
    """Where the elements are not zero: an int64 (count, ndim) tensor of positions, or with
    ``as_tuple=True`` one int64 vector of positions per dim. Never recorded."""
    xp = _backend.xp_of(self._array)
    array = self._array if self.ndim else xp.reshape(self._array, (1,))
    positions = [_wrap(xp.astype(p, xp.int64)) for p in xp.nonzero(array)]
    if as_tuple:
        return tuple(positions)
    if not self.ndim:
        return _wrap(xp.reshape(positions[0]._array, (-1, 1))[:, :0])
    return _wrap(xp.stack([p._array for p in positions], axis=1))


def count_nonzero(self: Tensor, dim: Any = None) -> Tensor:
    """How many elements are not zero (along ``dim``): int64, never recorded."""
    xp = _backend.xp_of(self._array)
    dims = None if dim is None else _dim_tuple(dim, self.ndim)
    counted = xp.count_nonzero(self._array, axis=dims)
    return _wrap(xp.astype(xp.asarray(counted, **_same_device(xp, self._array)), xp.int64))


def bincount(self: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, 2, ... occurs in a 1-D tensor of non-negative integers (or
    the sum of ``weights`` at its positions); never recorded.

    Example:
        >>> ak.tensor([0, 1, 1, 3]).bincount()
        tensor([1, 2, 0, 1])
    """
    if self.ndim != 1 or self.dtype.is_floating_point or (
        self.numel() and builtins.bool((self < 0).any())
    ):
        if self.dtype.is_floating_point:
            raise NotImplementedError(
                f'"bincount_cpu" not implemented for \'{_type_word_of(self.dtype)}\''
            )
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != self.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    values = _backend.asnumpy(self._array)
    counted = np.bincount(
        values, None if weights is None else _backend.asnumpy(weights._array), minlength
    )
    if weights is None:
        result_dtype = dtypes.int64
    else:
        result_dtype = dtypes.float64 if weights.dtype is dtypes.float64 else dtypes.float32
    return _wrap(_backend.to_device(counted.astype(result_dtype.numpy), self.device))


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "narrow": narrow,
        "select": select,
        "unbind": unbind,
        "split": split,
        "chunk": chunk,
        "tensor_split": tensor_split,
        "hsplit": hsplit,
        "vsplit": vsplit,
        "dsplit": dsplit,
        "__getitem__": __getitem__,
        "__setitem__": __setitem__,
        "gather": gather,
        "scatter": scatter,
        "scatter_add": scatter_add,
        "index_select": index_select,
        "index_add": index_add,
        "index_add_": index_add_,
        "masked_select": masked_select,
        "take": take,
        "nonzero": nonzero,
        "count_nonzero": count_nonzero,
        "bincount": bincount,
    },
)
