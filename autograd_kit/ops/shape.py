"""Shape and views: ``view``/``reshape``, ``permute``/``transpose``/``t``, ``squeeze``/
``unsqueeze``, ``expand``, joining (``cat``, ``stack``) and ``flip``/``roll``/``repeat``.

View primitives share the input's memory (``_ViewPrimitive``); their backward puts the
gradient back into the input's shape.
"""

from __future__ import annotations

import builtins
import math
import weakref
from collections.abc import Sequence
from typing import Any

from .. import dtypes
from .._backend import xp_of
from .._broadcasting import _broadcast_pair, _either, reshaped, sum_to
from .._errors import with_hint
from .._registry import tensor_methods
from ..autograd.grad_mode import grad_state
from ..tensor import Tensor, _normalize_dim
from .arguments import _check_same_device, _promote
from .inplace import _inplace_view
from .primitive import Primitive, _row_by_row, flipped, matrix_t, squeezed
from .reductions import _dim_tuple

# ---- Primitives: views that rearrange -----------------------------------------------------------

class _ViewPrimitive(Primitive):
    """A primitive whose output is a view: it shares its input's memory (slicing, transposes,
    ``view``, ``expand``, ``squeeze`` ...). The output remembers its base and shares the base's
    version counter, as in PyTorch (see ``ops/views.py`` for what that makes possible)."""

    creates_view = True

    @classmethod
    def apply(cls, x: Any, **settings: Any) -> Tensor:
        out = super().apply(x, **settings)
        if cls.creates_view:
            base = x._base if x._base is not None else x
            out._base = base
            out._view_chain = (*x._view_chain, (cls, settings))
            out._version_counter = x._version_counter
            out._view_made_without_grad = x._view_made_without_grad or not grad_state.enabled
            out._is_inference = x._is_inference  # a view is an inference tensor if its base is
            if base._views is None:
                base._views = weakref.WeakSet()
            base._views.add(out)
        return out


class View(_ViewPrimitive):
    """out = x with a new shape, sharing x's memory (view, reshape, flatten);
    grad_x = grad reshaped back."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return xp_of(x).reshape(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return reshaped(grad, ctx.shape)


class ReshapeAlias(View):
    """View's formulas, under the name PyTorch records when ``reshape`` views a tensor that
    is not contiguous (say a slice) but whose layout allows the new shape without a copy."""

    node_name = "ReshapeAliasBackward0"


class UnsafeView(View):
    """View's formulas, under the name PyTorch records when ``reshape`` had to copy first (a
    transposed tensor flattened): the copy is a ``CloneBackward0`` node, then this one."""

    node_name = "UnsafeViewBackward0"
    creates_view = False  # its input is reshape's own copy, which nothing else can see


class Permute(_ViewPrimitive):
    """out = x with dimensions reordered;  grad_x = grad with the inverse order."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return xp_of(x).permute_dims(x, dims)

    @staticmethod
    def backward(ctx, grad):
        inverse = [0] * len(ctx.dims)
        for position, dim in enumerate(ctx.dims):
            inverse[dim] = position
        return grad.permute(*inverse)


class T(_ViewPrimitive):
    """out = x.t() (a matrix transposed);  grad_x = grad.t()."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return x.T if x.ndim == 2 else x

    @staticmethod
    def backward(ctx, grad):
        return matrix_t(grad)


class Transpose(_ViewPrimitive):
    """out = x with dim0 and dim1 swapped;  grad_x = grad with them swapped back."""

    @staticmethod
    def forward(ctx, x, dim0, dim1):
        ctx.dim0, ctx.dim1 = dim0, dim1
        return (
            xp_of(x).swapaxes(x, dim0, dim1)
            if hasattr(xp_of(x), "swapaxes")
            else xp_of(x).permute_dims(x, _swapped(x.ndim, dim0, dim1))
        )

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(ctx.dim0, ctx.dim1)


def _swapped(ndim: int, dim0: int, dim1: int) -> tuple[int, ...]:
    order = list(range(ndim))
    order[dim0], order[dim1] = order[dim1], order[dim0]
    return tuple(order)


class Squeeze(_ViewPrimitive):
    """out = x without its size-1 dimensions;  grad_x = grad reshaped back."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return xp_of(x).reshape(x, tuple(n for n in x.shape if n != 1))

    @staticmethod
    def backward(ctx, grad):
        return reshaped(grad, ctx.shape)


class SqueezeDim(_ViewPrimitive):
    """out = x without dimension ``dim`` (if it has size 1);  grad_x = grad.unsqueeze(dim)."""

    backward_on_arrays = True

    node_name = "SqueezeBackward1"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.shape = x.shape
        return xp_of(x).squeeze(x, axis=dim) if x.shape[dim] == 1 else x

    @staticmethod
    def backward(ctx, grad):
        return reshaped(grad, ctx.shape)


class Unsqueeze(_ViewPrimitive):
    """out = x with a new size-1 dimension at ``dim``;  grad_x = grad.squeeze(dim)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return xp_of(x).expand_dims(x, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return squeezed(grad, ctx.dim)


class Expand(_ViewPrimitive):
    """out = x broadcast to ``shape`` without copying;  grad_x = grad summed back (sum_to)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return xp_of(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return sum_to(grad, ctx.shape)


# ---- Primitives: squeeze and unsqueeze in place -------------------------------------------------

# ``x.squeeze_(dim)`` changes x's shape, not its numbers: the same formulas as the out-of-place
# view ops, under the names PyTorch records for the in-place forms (matmul's vector @ matrix
# path ends with ``squeeze_(0)``).


class SqueezeInplace(Squeeze):
    """x.squeeze_(): Squeeze's formulas under PyTorch's in-place node name."""

    node_name = "SqueezeBackward3"


class SqueezeDimInplace(SqueezeDim):
    """x.squeeze_(dim): SqueezeDim's formulas under PyTorch's in-place node name."""

    node_name = "SqueezeBackward4"


class UnsqueezeInplace(Unsqueeze):
    """x.unsqueeze_(dim): Unsqueeze's formulas under PyTorch's in-place node name."""

    node_name = "UnsqueezeBackward1"


# ---- Primitives: joining ------------------------------------------------------------------------

class Cat(Primitive):
    """out = the inputs joined along ``dim``;  each input's grad is its slice of grad."""

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.sizes = [array.shape[dim] for array in arrays]
        ctx.dim = dim
        return xp_of(arrays[0]).concat(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        for size, needed in zip(ctx.sizes, ctx.needs_input_grad):
            grads.append(grad.narrow(ctx.dim, start, size) if needed else None)
            start += size
        return tuple(grads)


class Stack(Primitive):
    """out = the inputs stacked along a new dimension ``dim``;  grad_x[i] = grad.select(dim, i)."""

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        return xp_of(arrays[0]).stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return tuple(
            grad.select(ctx.dim, index) if needed else None
            for index, needed in enumerate(ctx.needs_input_grad)
        )


# ---- Primitives: flips, rolls and repeats -------------------------------------------------------

rolled = _either(
    lambda t, shifts, dims: t.roll(shifts, dims),
    lambda xp, a, shifts, dims: xp.roll(a, shifts, axis=dims),
)


summed_over = _either(lambda t, dims: t.sum(dims), lambda xp, a, dims: xp.sum(a, axis=dims))


class Flip(Primitive):
    """out = x reversed along ``dims`` (a copy);  grad_x = grad reversed along them again."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        xp = xp_of(x)
        return xp.asarray(xp.flip(x, axis=dims), copy=True)  # NumPy's flip is a view

    @staticmethod
    def backward(ctx, grad):
        return flipped(grad, ctx.dims)


class Roll(Primitive):
    """out = x shifted by ``shifts`` along ``dims``, the elements that fall off one end coming
    back at the other (the flattened tensor when dims is None);  grad_x = grad rolled back."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        xp = xp_of(x)
        return _row_by_row(xp, xp.roll(x, shifts, axis=dims))

    @staticmethod
    def backward(ctx, grad):
        back = -ctx.shifts if isinstance(ctx.shifts, int) else tuple(-n for n in ctx.shifts)
        return rolled(grad, back, ctx.dims)


class Repeat(Primitive):
    """out = x tiled ``repeats[d]`` times along each dim d (x gets leading size-1 dims when
    repeats is longer);  grad_x = the sum of grad over all the copies.

    Seen as shape (r0, s0, r1, s1, ...), the output holds copy (i0, i1, ...) of x at
    [i0, :, i1, :, ...], so summing over the r axes adds up every copy's gradient.
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, repeats):
        ctx.shape, ctx.repeats = x.shape, repeats
        return xp_of(x).tile(x, repeats)

    @staticmethod
    def backward(ctx, grad):
        padded = (1,) * (len(ctx.repeats) - len(ctx.shape)) + tuple(ctx.shape)
        split = tuple(size for pair in zip(ctx.repeats, padded) for size in pair)
        grad_x = summed_over(reshaped(grad, split), tuple(range(0, len(split), 2)))
        return grad_x if tuple(grad_x.shape) == tuple(ctx.shape) else reshaped(grad_x, ctx.shape)


# ---- Methods: views that rearrange --------------------------------------------------------------

def _infer_shape(shape: Sequence[int], numel: int) -> tuple[int, ...]:
    shape = tuple(builtins.int(n) for n in shape)
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(n for n in shape if n != -1)
    if unknown and known and numel % known == 0:
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1 :]
    if math.prod(shape) != numel or builtins.any(n < 0 for n in shape):
        raise with_hint(
            RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {numel}"
            ),
            "view_shape",
        )
    return shape


def _shape_args(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape


def _viewable(shape: tuple, strides: tuple, new_shape: tuple) -> bool:
    """True when elements laid out with ``strides`` can be seen in ``new_shape`` without
    moving any of them (PyTorch's rule for ``view``).

    Neighbouring dimensions whose elements follow each other in memory (the stride of one is
    the next one's stride times its size; size-1 dimensions never break this) form a block. A
    new shape may split or merge dimensions inside a block, but no new dimension may span two.
    """
    if not shape or math.prod(shape) == 0:
        return True
    blocks = []  # elements per block, from the last dimension
    elements, step = 1, strides[-1]
    for d in range(len(shape) - 1, -1, -1):
        elements *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != elements * step):
            blocks.append(elements)
            if d > 0:
                elements, step = 1, strides[d - 1]
    new_sizes = list(reversed(new_shape))
    used = 0
    for block in blocks:  # the new dimensions, from the last, must fill each block exactly
        filled = 1
        while used < len(new_sizes) and (filled < block or new_sizes[used] == 1):
            filled *= new_sizes[used]
            used += 1
        if filled != block:
            return False
    return used == len(new_sizes)


def view(self: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape, sharing this tensor's memory (``-1`` lets one size be
    inferred). It never copies, so after ``transpose``/``permute``/slicing it may refuse, as
    PyTorch's does: ``reshape`` copies when it must."""
    new_shape = _infer_shape(_shape_args(shape), self.numel())
    if not _viewable(self._array.shape, self.stride(), new_shape):
        raise with_hint(
            RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ),
            "view_stride",
        )
    return View.apply(self, shape=new_shape)


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (``-1`` lets one size be inferred): a view of this
    tensor when its layout allows one, else a contiguous copy, recorded as PyTorch records
    each (``ViewBackward0``, ``ReshapeAliasBackward0``, or ``CloneBackward0`` then
    ``UnsafeViewBackward0``)."""
    new_shape = _infer_shape(_shape_args(shape), self.numel())
    if self.is_contiguous():
        return View.apply(self, shape=new_shape)
    if _viewable(self._array.shape, self.stride(), new_shape):
        return ReshapeAlias.apply(self, shape=new_shape)
    return UnsafeView.apply(self.contiguous(), shape=new_shape)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, other.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other.shape)


def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if self.ndim == 0:
        return reshape(self, 1)
    start, end = _normalize_dim(start_dim, self.ndim), _normalize_dim(end_dim, self.ndim)
    if start == end:
        return self
    shape = self.shape
    return reshape(self, shape[:start] + (math.prod(shape[start : end + 1]),) + shape[end + 1 :])


def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1): a view, ViewBackward0."""
    dim = _normalize_dim(dim, self.ndim)
    sizes = tuple(builtins.int(n) for n in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    size = self.shape[dim]
    known = math.prod(n for n in sizes if n != -1)
    if -1 in sizes and known and size % known == 0:
        sizes = tuple(size // known if n == -1 else n for n in sizes)
    if math.prod(sizes) != size:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({size}) in the input tensor"
        )
    return View.apply(self, shape=self.shape[:dim] + sizes + self.shape[dim + 1 :])


def permute(self: Tensor, *dims: Any) -> Tensor:
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = tuple(_normalize_dim(d, self.ndim) for d in _shape_args(dims))
    if sorted(dims) != list(range(self.ndim)):
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = "
            f"{self.ndim} is not equal to len(dims) = {len(dims)}"
        )
    return Permute.apply(self, dims=dims)


def movedim(self: Tensor, source: Any, destination: Any) -> Tensor:
    """Move the dims ``source`` to positions ``destination``; the others keep their order
    (a view, recorded as PermuteBackward0)."""
    source, destination = _dim_tuple(source, self.ndim), _dim_tuple(destination, self.ndim)
    if len(source) != len(destination):
        raise RuntimeError(
            "movedim: Invalid source or destination dims: source "
            f"({list(source)} dims) should contain the same number of dims as destination "
            f"({list(destination)} dims)"
        )
    for name, dims in (("source", source), ("destination", destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
    order: list = [None] * self.ndim
    for dim, position in zip(source, destination):
        order[position] = dim
    rest = iter(d for d in range(self.ndim) if d not in source)
    order = [next(rest) if dim is None else dim for dim in order]
    return Permute.apply(self, dims=tuple(order))


def transpose(self: Tensor, dim0: int, dim1: int) -> Tensor:
    dim0, dim1 = _normalize_dim(dim0, self.ndim), _normalize_dim(dim1, self.ndim)
    return Transpose.apply(self, dim0=dim0, dim1=dim1)


def t(self: Tensor) -> Tensor:
    if self.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return T.apply(self)


def _T(self: Tensor) -> Tensor:
    if self.ndim < 2:
        return self
    return Permute.apply(self, dims=tuple(reversed(range(self.ndim))))


def _mT(self: Tensor) -> Tensor:
    return transpose(self, -2, -1)


def squeeze(self: Tensor, dim: int | None = None) -> Tensor:
    if dim is None:
        return Squeeze.apply(self)
    return SqueezeDim.apply(self, dim=_normalize_dim(dim, self.ndim))


def unsqueeze(self: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(self, dim=_normalize_dim(dim, self.ndim + 1))


def squeeze_(self: Tensor, dim: int | None = None) -> Tensor:
    """Drop size-1 dimensions (only ``dim``, when given) of this tensor in place
    (``SqueezeBackward3``, or ``SqueezeBackward4`` with a dim)."""
    if dim is None:
        return _inplace_view(self, SqueezeInplace)
    return _inplace_view(self, SqueezeDimInplace, dim=_normalize_dim(dim, self.ndim))


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim`` of this tensor in place (``UnsqueezeBackward1``)."""
    return _inplace_view(self, UnsqueezeInplace, dim=_normalize_dim(dim, self.ndim + 1))


def expand(self: Tensor, *sizes: Any) -> Tensor:
    return Expand.apply(self, shape=_expanded_shape(self, sizes))


def _expanded_shape(self: Tensor, sizes: tuple) -> tuple[int, ...]:
    """The shape ``expand(*sizes)`` gives (-1 keeps a size), or PyTorch's error."""
    sizes = tuple(builtins.int(n) for n in _shape_args(sizes))
    lead = len(sizes) - self.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand({self.type()}{{{list(self.shape)}}}, "
            f"size={list(sizes)}): the number of "
            f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
            f"in the tensor ({self.ndim})"
        )
    shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes))
    for i, size in enumerate(self.shape):
        if size != 1 and size != shape[lead + i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[lead + i]}) must match the existing size "
                f"({size}) at non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(self.shape)}"
            )
    return shape


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other.shape)


def broadcast_to(self: Tensor, size: Sequence[int]) -> Tensor:
    """``expand(size)``, always recorded (ExpandBackward0) as in PyTorch."""
    return Expand.apply(self, shape=_expanded_shape(self, (size,)))


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common broadcast shape (those already of that shape are
    returned as they are)."""
    shape: tuple = ()
    for tensor in tensors:
        shape = _broadcast_pair(shape, tuple(tensor.shape))
    return tuple(
        tensor if tensor.shape == shape else Expand.apply(tensor, shape=shape)
        for tensor in tensors
    )


# ---- Methods: joining ---------------------------------------------------------------------------

def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    first = tensors[0]
    for other in tensors[1:]:
        _check_same_device(first, other)
    result = dtypes.result_type(*tensors)
    tensors = [_promote(t, result) for t in tensors]
    dim = _normalize_dim(dim, first.ndim)
    for index, other in enumerate(tensors[1:], start=1):
        for d, (size_a, size_b) in enumerate(zip(first.shape, other.shape)):
            if d != dim and size_a != size_b:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {size_a} "
                    f"but got size {size_b} for tensor number {index} in the list."
                )
    return Cat.apply(*tensors, dim=dim)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for index, other in enumerate(tensors[1:], start=1):
        _check_same_device(tensors[0], other)
        if other.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                f"entry 0 and {list(other.shape)} at entry {index}"
            )
    result = dtypes.result_type(*tensors)
    tensors = [_promote(t, result) for t in tensors]
    return Stack.apply(*tensors, dim=_normalize_dim(dim, tensors[0].ndim + 1))


def _non_empty(tensors: Sequence[Tensor], name: str) -> list:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join side by side: along dim 0 for vectors, dim 1 otherwise (numbers become vectors)."""
    tensors = [t if t.ndim else reshape(t, 1) for t in _non_empty(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as rows (along dim 0), a vector being one row."""
    tensors = [
        reshape(t, 1, 1) if t.ndim == 0 else unsqueeze(t, 0) if t.ndim == 1 else t
        for t in _non_empty(tensors, "vstack")
    ]
    return cat(tensors, 0)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as columns (along dim 1), a vector or number being one column."""
    tensors = [
        reshape(t, t.numel(), 1) if t.ndim <= 1 else t
        for t in _non_empty(tensors, "column_stack")
    ]
    return cat(tensors, 1)


# ---- Methods: flips, rolls and repeats ----------------------------------------------------------

def _dims_once(dims: Any, ndim: int) -> tuple[int, ...]:
    """``dims`` (an int or a sequence) normalised, each allowed once, as flip requires."""
    dims = _dim_tuple(dims, ndim)
    for position, dim in enumerate(dims):
        if dim in dims[:position]:
            raise RuntimeError(f"dim {dim} appears multiple times in the list of dims")
    return dims


def flip(self: Tensor, *dims: Any) -> Tensor:
    """The elements in reverse order along ``dims`` (a copy, FlipBackward0)."""
    return Flip.apply(self, dims=_dims_once(_shape_args(dims), self.ndim))


def roll(self: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift the elements by ``shifts`` along ``dims``; those pushed off one end come back at
    the other. Without ``dims`` the tensor is rolled as if flattened.

    Example:
        >>> ak.tensor([1, 2, 3, 4]).roll(1)
        tensor([4, 1, 2, 3])
    """
    shifts = (shifts,) if isinstance(shifts, builtins.int) else tuple(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(self, shifts=shifts[0], dims=None)
    dims = _dim_tuple(dims, self.ndim)
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    return Roll.apply(self, shifts=shifts, dims=dims)


def repeat(self: Tensor, *repeats: Any) -> Tensor:
    """The tensor tiled ``repeats[d]`` times along each dim d (more repeats than dims add
    leading dims): ``x.repeat(2, 1)`` stacks two copies of a matrix's rows."""
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = tuple(builtins.int(n) for n in _shape_args(repeats))
    if len(repeats) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
            "tensor"
        )
    padded = (1,) * (len(repeats) - self.ndim) + tuple(self.shape)
    shape = [count * size for count, size in zip(repeats, padded)]
    for size in shape:
        if size < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {size}: {shape}")
    return Repeat.apply(self, repeats=repeats)


def tile(self: Tensor, *dims: Any) -> Tensor:
    """``repeat`` that accepts fewer repeats than dims (the missing leading ones are 1)."""
    dims = tuple(_shape_args(dims))
    return repeat(self, (1,) * (self.ndim - len(dims)) + dims)


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "reshape": reshape,
        "view": view,
        "view_as": view_as,
        "reshape_as": reshape_as,
        "flatten": flatten,
        "permute": permute,
        "transpose": transpose,
        "t": t,
        "squeeze": squeeze,
        "unsqueeze": unsqueeze,
        "expand": expand,
        "expand_as": expand_as,
        "flip": flip,
        "roll": roll,
        "repeat": repeat,
        "tile": tile,
        "movedim": movedim,
        "moveaxis": movedim,
        "swapaxes": transpose,
        "swapdims": transpose,
        "unflatten": unflatten,
        "broadcast_to": broadcast_to,
        "squeeze_": squeeze_,
        "unsqueeze_": unsqueeze_,
        "T": property(_T),
        "mT": property(_mT),
    },
)
