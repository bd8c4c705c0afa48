"""Matrix products and linear algebra: ``mm``, ``mv``, ``dot``, ``bmm``, ``addmm``, ``matmul``
(which folds batches into one ``mm`` as PyTorch does), diagonals and triangles, cross
products, distances (``dist``, ``cdist``) and ``einsum``.
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import numpy as np

from .. import _backend
from .._backend import diagonal_of, index_put, xp_of
from .._broadcasting import _broadcast_pair, _either
from .._errors import with_hint
from .._registry import tensor_methods
from ..tensor import Tensor, _normalize_dim, _wrap
from .arguments import _binary, _check_same_device, _type_word_of
from .arithmetic import mul
from .positions import _placed_at_positions
from .primitive import (
    Primitive,
    _if,
    _row_by_row,
    _same_device,
    _Unrecorded,
    matrix_t,
    swap_last,
    unsqueezed,
)
from .reductions import _norm_gradient, _vector_norm_of
from .shape import UnsafeView, _mT, _ViewPrimitive, expand, reshape, squeeze, squeeze_, t, unsqueeze

# ---- Primitives: matrix products ----------------------------------------------------------------

class Mm(Primitive):
    """out = x @ y for matrices;  grad_x = grad @ y.T,  grad_y = x.T @ grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(_if(ctx, 1, x), _if(ctx, 0, y))
        return x @ y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad @ matrix_t(y) if ctx.needs_input_grad[0] else None
        grad_y = matrix_t(x) @ grad if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Mv(Primitive):
    """out = matrix @ vector;  grad_matrix = outer(grad, vector),  grad_vector = matrix.T @ grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(_if(ctx, 1, x), _if(ctx, 0, y))
        return x @ y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = unsqueezed(grad, 1) * y if ctx.needs_input_grad[0] else None
        grad_y = matrix_t(x) @ grad if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Dot(Primitive):
    """out = sum(x * y) for vectors;  grad_x = grad * y,  grad_y = grad * x."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(_if(ctx, 1, x), _if(ctx, 0, y))
        return xp_of(x).vecdot(x, y) if not hasattr(x, "dot") else x.dot(y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad * y if ctx.needs_input_grad[0] else None
        grad_y = grad * x if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Bmm(Primitive):
    """out = x @ y for a batch of matrices, (b, n, m) @ (b, m, p) (``matmul`` broadcasts
    batches before it gets here);  grad_x = grad @ y^T,  grad_y = x^T @ grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(_if(ctx, 1, x), _if(ctx, 0, y))
        return x @ y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad @ swap_last(y) if ctx.needs_input_grad[0] else None
        grad_y = swap_last(x) @ grad if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Addmm(Primitive):
    """out = bias + x @ weight_t (``nn.Linear`` on a batch of rows);
    grad_bias = grad summed to bias's shape,  grad_x = grad @ weight_t.T,  grad_weight_t = x.T @ grad.
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, bias, x, weight_t):
        ctx.save_for_backward(x, weight_t)
        return bias + x @ weight_t

    @staticmethod
    def backward(ctx, grad):
        x, weight_t = ctx.saved_tensors
        grad_bias = grad if ctx.needs_input_grad[0] else None
        grad_x = grad @ matrix_t(weight_t) if ctx.needs_input_grad[1] else None
        grad_weight_t = matrix_t(x) @ grad if ctx.needs_input_grad[2] else None
        return grad_bias, grad_x, grad_weight_t


# ---- Primitives: diagonals and triangles --------------------------------------------------------

triangle = _either(  # side is "tril" or "triu"
    lambda t, side, k: getattr(t, side)(k),
    lambda xp, a, side, k: getattr(xp, side)(a, k=k),
)
matrix_diagonal = _either(
    lambda t, offset: Diagonal.apply(t, offset=offset, dim1=0, dim2=1),
    lambda xp, a, offset: xp.asarray(diagonal_of(a, offset, 0, 1), copy=True),
)


class Diagonal(_ViewPrimitive):
    """out = the diagonal of x in the plane (dim1, dim2), ``offset`` above the main one, as
    x's last dimension (a view);  grad_x = zeros with grad placed on that diagonal."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        if not isinstance(ctx, _Unrecorded):
            # Where each diagonal element lives in x, read off the same diagonal of positions.
            xp = xp_of(x)
            positions = xp.arange(math.prod(x.shape), **_same_device(xp, x))
            positions = diagonal_of(xp.reshape(positions, x.shape), offset, dim1, dim2)
            ctx.shape, ctx.flat_index = x.shape, (xp.reshape(positions, (-1,)),)
        return diagonal_of(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return _placed_at_positions(grad, ctx.shape, ctx.flat_index)


class DiagonalCopy(Diagonal):
    """Diagonal's formulas for ``torch.diag`` of a matrix, which copies: PyTorch names the
    node ``DiagonalBackward0_copy``."""

    node_name = "DiagonalBackward0_copy"
    creates_view = False

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        return xp_of(x).asarray(Diagonal.forward(ctx, x, offset, dim1, dim2), copy=True)


class DiagEmbed(Primitive):
    """out = a square matrix with the vector x on its diagonal ``offset`` (above the main one
    when > 0) and zeros elsewhere (``torch.diag`` of a vector);  grad_x = grad's diagonal."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, offset):
        ctx.offset = offset
        xp = xp_of(x)
        size = x.shape[0] + abs(offset)
        out = xp.zeros((size, size), dtype=x.dtype, **_same_device(xp, x))
        steps = xp.arange(x.shape[0], **_same_device(xp, x))
        index_put(out, (steps + max(-offset, 0), steps + max(offset, 0)), x)
        return out

    @staticmethod
    def backward(ctx, grad):
        return matrix_diagonal(grad, ctx.offset)


class _Triangle(Primitive):
    """out = x with the elements on one side of diagonal ``diagonal`` zeroed (in the last two
    dims);  grad_x = the same triangle of grad."""

    backward_on_arrays = True

    _side = "tril"

    @classmethod
    def forward(cls, ctx, x, diagonal):
        ctx.side, ctx.diagonal = cls._side, diagonal
        xp = xp_of(x)
        return _row_by_row(xp, getattr(xp, cls._side)(x, k=diagonal))

    @staticmethod
    def backward(ctx, grad):
        return triangle(grad, ctx.side, ctx.diagonal)


class Tril(_Triangle):
    """The lower triangle: zeros above diagonal ``diagonal``;  grad_x = tril(grad)."""

    _side = "tril"


class Triu(_Triangle):
    """The upper triangle: zeros below diagonal ``diagonal``;  grad_x = triu(grad)."""

    _side = "triu"


class Trace(Primitive):
    """out = the sum of a matrix's main diagonal;  grad_x = grad on the diagonal, 0 elsewhere."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        if ctx.needs_input_grad[0]:
            rows, columns = x.shape
            ctx.save_for_backward(xp.eye(rows, columns, dtype=x.dtype, **_same_device(xp, x)))
        return xp.sum(diagonal_of(x, 0, 0, 1))

    @staticmethod
    def backward(ctx, grad):
        (identity,) = ctx.saved_tensors
        return grad * identity


# ---- Primitives: cross products and distances ---------------------------------------------------

crossed = _either(
    lambda x, y, dim: LinalgCross.apply(x, y, dim=dim),
    lambda xp, x, y, dim: _backend.cross(x, y, dim),
)


class LinalgCross(Primitive):
    """out = x × y along ``dim`` (of size 3), batch dimensions broadcast;
    grad_x = y × grad,  grad_y = grad × x."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y, dim):
        ctx.save_for_backward(x, y)
        ctx.dim = dim
        return _backend.cross(x, y, dim)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = crossed(y, grad, ctx.dim) if ctx.needs_input_grad[0] else None
        grad_y = crossed(grad, x, ctx.dim) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


def _norm_of_differences(ctx: Any, x: Any, y: Any, differences: Any, p: float, dims: Any) -> Any:
    """Forward of dist and cdist: the p-norm of ``differences`` (of x and y) over ``dims``,
    keeping x, y and the result for backward."""
    out = _vector_norm_of(xp_of(differences), differences, p, dims, False)
    ctx.save_for_backward(x, y, out)
    ctx.p = p
    return out


class Dist(Primitive):
    """out = the ``p``-norm of x - y (broadcast), over all elements;
    grad_x = the norm's gradient at x - y,  grad_y = minus it."""

    @staticmethod
    def forward(ctx, x, y, p=2):
        return _norm_of_differences(ctx, x, y, x - y, p, None)

    @staticmethod
    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        difference = x - y
        shape, dims = difference.shape, tuple(range(difference.ndim))
        grad_difference = _norm_gradient(
            difference, out.expand(shape), grad.expand(shape), ctx.p, dims
        )
        grad_x = grad_difference if ctx.needs_input_grad[0] else None
        grad_y = -grad_difference if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Cdist(Primitive):
    """out[..., i, j] = the ``p``-norm of x1[..., i, :] - x2[..., j, :] (rows of two matrices);
    grad_x1[i] = sum over j of the norm's gradient at that difference, grad_x2[j] = minus the
    sum over i. (For p = inf every coordinate reaching the max gets all of grad, as in PyTorch's
    cdist, where vector_norm shares it.)"""

    @staticmethod
    def forward(ctx, x1, x2, p=2.0):
        xp = xp_of(x1)
        differences = xp.expand_dims(x1, axis=-2) - xp.expand_dims(x2, axis=-3)
        return _norm_of_differences(ctx, x1, x2, differences, p, -1)

    @staticmethod
    def backward(ctx, grad):
        x1, x2, out = ctx.saved_tensors
        differences = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        grad_differences = _norm_gradient(
            differences,
            out.unsqueeze(-1).expand(differences.shape),
            grad.unsqueeze(-1).expand(differences.shape),
            ctx.p,
            None,
        )
        grad_x1 = grad_differences.sum(-2) if ctx.needs_input_grad[0] else None
        grad_x2 = -grad_differences.sum(-3) if ctx.needs_input_grad[1] else None
        return grad_x1, grad_x2


# ---- Primitives: einsum -------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Einsum(Primitive):
    """out = einsum(equation, *operands), the equation written out in full ("ij,jk->ik", no
    "..." and an explicit output);
    grad of operand i = einsum(grad and the other operands -> operand i's subscripts).

    Every product in the sum that made ``out[o]`` is linear in operand i, so its gradient
    multiplies ``grad[o]`` by the other factors: the same einsum with operand i and the output
    trading places. Two details make the new equation valid:

    - a subscript only operand i has (summed away inside it, like j in "ij->i") appears in no
      other term, so a ones vector of its size joins the product (grad is copied along it);
    - a repeated subscript ("ii->i", a diagonal) cannot repeat in an output, so its repeats get
      fresh letters tied to it by identity matrices: the gradient lands on the diagonal only.

    PyTorch records einsum as the permutes, views and bmm it is computed with; this is one
    node (EinsumBackward0) with the same values and gradients.
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, *operands, equation):
        ctx.save_for_backward(*operands)
        ctx.equation = equation
        return _backend.einsum(equation, *operands)

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        inputs, output = ctx.equation.split("->")
        subscripts = inputs.split(",")
        grads = []
        for index, needed in enumerate(ctx.needs_input_grad):
            if not needed:
                grads.append(None)
                continue
            others = [operand for position, operand in enumerate(operands) if position != index]
            equation, constants = _einsum_gradient_equation(
                subscripts, output, index, tuple(operands[index].shape)
            )
            grads.append(einsum_of(grad, equation, others, constants))
        return tuple(grads)


def _einsum_gradient_equation(
    subscripts: list[str], output: str, index: int, shape: tuple
) -> tuple[str, list[tuple[str, int]]]:
    """The einsum that gives operand ``index``'s gradient from (grad, the other operands,
    constants), and the constants it needs: ("ones", size) or ("eye", size)."""
    own = subscripts[index]
    elsewhere = set(output).union(*(s for i, s in enumerate(subscripts) if i != index))
    fresh = iter(letter for letter in _LETTERS if letter not in set(output).union(*subscripts))
    terms = [output] + [s for i, s in enumerate(subscripts) if i != index]
    constants: list[tuple[str, int]] = []
    target, seen = "", set()
    for letter, size in zip(own, shape):
        if letter in seen:  # a repeat: a fresh letter, tied to the first by an identity matrix
            new_letter = next(fresh)
            terms.append(letter + new_letter)
            constants.append(("eye", size))
            target += new_letter
            continue
        seen.add(letter)
        target += letter
        if letter not in elsewhere:  # summed inside this operand only: copy grad along it
            terms.append(letter)
            constants.append(("ones", size))
    return ",".join(terms) + "->" + target, constants


def _einsum_constants(xp: Any, like: Any, constants: list) -> list:
    """The ones vectors and identity matrices a gradient einsum multiplies by, as arrays."""
    where = _same_device(xp, like)
    return [
        xp.ones(size, dtype=like.dtype, **where)
        if kind == "ones"
        else xp.eye(size, dtype=like.dtype, **where)
        for kind, size in constants
    ]


einsum_of = _either(
    lambda grad, equation, others, constants: Einsum.apply(
        grad,
        *others,
        *(_wrap(c) for c in _einsum_constants(xp_of(grad._array), grad._array, constants)),
        equation=equation,
    ),
    lambda xp, grad, equation, others, constants: _backend.einsum(
        equation, grad, *others, *_einsum_constants(xp, grad, constants)
    ),
)


# ---- Methods: matrix products -------------------------------------------------------------------

def matmul(self: Tensor, other: Tensor) -> Tensor:
    """Matrix product with PyTorch's rules and PyTorch's graph.

    ``matmul`` is not one node in PyTorch but a composite (ATen's ``_matmul_impl``): it
    records ``DotBackward0`` (vector·vector), ``MvBackward0`` (matrix @ vector),
    ``MmBackward0`` (matrix @ matrix, and vector @ matrix as ``unsqueeze(0)``, ``mm``,
    ``squeeze_(0)``), and for more dimensions either folds the batch of the larger operand
    into the rows of one ``mm``/``mv`` or broadcasts both batches with ``expand`` and
    ``reshape`` into one ``bmm`` (``_matmul_batched``). Each step is an ak op, so the recorded
    graph is PyTorch's, node for node.

    Example:
        >>> x = ak.ones(5, 2, 3, requires_grad=True)
        >>> (x @ ak.ones(3, 4)).grad_fn
        <UnsafeViewBackward0 object at 0x...>
    """
    if not isinstance(other, Tensor):
        return NotImplemented
    left, right = self._array, other._array
    if (  # the common case first: two NumPy matrices that fit
        type(left) is np.ndarray
        and type(right) is np.ndarray
        and left.ndim == 2
        and right.ndim == 2
        and left.dtype == right.dtype
        and left.shape[1] == right.shape[0]
    ):
        return Mm.apply(self, other)
    _check_same_device(self, other)
    dims = (self.ndim, other.ndim)
    if 0 in dims:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {dims[0]}D and {dims[1]}D"
        )
    if dims == (1, 1):
        return dot(self, other)
    if dims == (2, 1):
        return mv(self, other)
    if dims == (1, 2):
        return squeeze_(mm(unsqueeze(self, 0), other), 0)
    if dims == (2, 2):
        return mm(self, other)
    if _should_fold(self, other):
        return _matmul_folded(self, other)
    return _matmul_batched(self, other)


def _should_fold(tensor1: Tensor, tensor2: Tensor) -> bool:
    """Whether matmul folds the batch of the larger operand into the rows of one mm/mv
    (ATen's ``should_fold``): the other operand must have at most 2 dimensions, and either it
    requires grad (its gradient then stays small: no expanded copy is saved) or the fold
    needs no copy (each batch dimension's stride spans the dimensions after it, size-1 ones
    included: PyTorch's test, stricter than view's)."""
    tensor1_larger = tensor1.ndim >= tensor2.ndim
    larger = tensor1 if tensor1_larger else _mT(tensor2)
    smaller = tensor2 if tensor1_larger else tensor1
    if not (larger.ndim >= 3 and smaller.ndim <= 2):
        return False
    if smaller.requires_grad:
        return True
    if tensor1.ndim == 2:  # mm on the transposed operand would need a copy after all
        return False
    if larger.numel() == 0:
        return True
    shape, strides = larger.shape, larger.stride()
    return builtins.all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(larger.ndim - 2))


def _matmul_folded(tensor1: Tensor, tensor2: Tensor) -> Tensor:
    """(b, n, m) @ (m, p) as one (b*n, m) @ (m, p) mm; when the right operand is the larger
    one, the product is computed transposed, (B^T @ A^T)^T, and copied back row by row."""
    transpose = tensor2.ndim > tensor1.ndim
    larger = _mT(tensor2) if transpose else tensor1
    smaller = (t(tensor1) if tensor1.ndim == 2 else tensor1) if transpose else tensor2
    output_shape = larger.shape[:-1]
    folded = reshape(larger, math.prod(output_shape), larger.shape[-1])
    if smaller.ndim == 1:
        return UnsafeView.apply(mv(folded, smaller), shape=output_shape)
    output = UnsafeView.apply(mm(folded, smaller), shape=(*output_shape, smaller.shape[1]))
    return _mT(output).contiguous() if transpose else output


def _matmul_batched(tensor1: Tensor, tensor2: Tensor) -> Tensor:
    """Both batches broadcast (``expand``), flattened into one batch (``reshape``) and
    multiplied by one ``bmm``; a vector on the right becomes a batch of columns."""
    n = tensor1.shape[-2] if tensor1.ndim > 1 else 1
    m1 = tensor1.shape[-1]
    m2 = tensor2.shape[-2] if tensor2.ndim > 1 else tensor2.shape[0]
    p = tensor2.shape[-1] if tensor2.ndim > 1 else 1
    batch1, batch2 = tensor1.shape[:-2], tensor2.shape[:-2]
    if tensor1.ndim == 3 and tensor2.ndim == 3 and batch1[0] != batch2[0]:
        # A batch of one that requires grad is dropped, so that matmul can fold instead.
        if batch1[0] == 1 and tensor1.requires_grad:
            return matmul(squeeze(tensor1, 0), tensor2)
        if batch2[0] == 1 and tensor2.requires_grad:
            return matmul(tensor1, squeeze(tensor2, 0))
    batch = _broadcast_pair(batch1, batch2)
    count = math.prod(batch)
    expanded1 = reshape(expand(tensor1, *batch, n, m1), count, n, m1)
    vector_rhs = tensor2.ndim == 1
    if vector_rhs:  # broadcasting alone would not make a vector a batch of columns
        expanded2 = unsqueeze(reshape(expand(tensor2, *batch, m2), count, m2), 2)
    else:
        expanded2 = reshape(expand(tensor2, *batch, m2, p), count, m2, p)
    out = bmm(expanded1, expanded2)
    if vector_rhs:
        out = squeeze(out, -1)
    output_shape = batch + ((n,) if tensor1.ndim > 1 else ()) + ((p,) if tensor2.ndim > 1 else ())
    return UnsafeView.apply(out, shape=output_shape)


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _type_word(tensor: Tensor) -> str:
    return {"float32": "float", "float64": "double", "int64": "long", "int32": "int"}.get(
        tensor.dtype.name, tensor.dtype.name
    )


def mm(self: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two matrices (``MmBackward0``): (n, m) @ (m, p) -> (n, p)."""
    if self.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_same_device(self, mat2)
    if self.shape[1] != mat2.shape[0]:
        raise _shape_error(
            f"mat1 and mat2 shapes cannot be multiplied ({self.shape[0]}x{self.shape[1]} "
            f"and {mat2.shape[0]}x{mat2.shape[1]})"
        )
    if self.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_type_word(self)} != {_type_word(mat2)}"
        )
    return Mm.apply(self, mat2)


def mv(self: Tensor, vec: Tensor) -> Tensor:
    """Matrix times vector (``MvBackward0``): (n, m) @ (m,) -> (n,)."""
    if self.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {self.ndim}, {vec.ndim}")
    _check_same_device(self, vec)
    if self.shape[1] != vec.shape[0]:
        raise _shape_error(
            f"size mismatch, got input ({self.shape[0]}), mat ({self.shape[0]}x{self.shape[1]}), "
            f"vec ({vec.shape[0]})"
        )
    if self.dtype is not vec.dtype:
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {_type_word_of(vec.dtype)}, "
            f"{_type_word_of(self.dtype)}, and {_type_word_of(vec.dtype)}"
        )
    return Mv.apply(self, vec)


def dot(self: Tensor, tensor: Tensor) -> Tensor:
    """Inner product of two vectors (``DotBackward0``): sum(x * y), a 0-d tensor."""
    if self.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {tensor.ndim}D tensors")
    _check_same_device(self, tensor)
    if self.dtype is not tensor.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_type_word_of(self.dtype)} "
            f"and {_type_word_of(tensor.dtype)}"
        )
    if self.shape[0] != tensor.shape[0]:
        size, other_size = self.shape[0], tensor.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{size}] and src [{other_size}] to have "
            f"the same number of elements, but got {size} and {other_size} elements respectively"
        )
    return Dot.apply(self, tensor)


def bmm(self: Tensor, mat2: Tensor) -> Tensor:
    """A batch of matrix products (``BmmBackward0``): (b, n, m) @ (b, m, p) -> (b, n, p),
    the same b on both sides (``matmul`` is the one that broadcasts batches)."""
    if self.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_same_device(self, mat2)
    if mat2.shape[:2] != (self.shape[0], self.shape[2]):
        raise _shape_error(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{self.shape[0]}, {self.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    if self.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_word_of(self.dtype)} but found {_type_word_of(mat2.dtype)}"
        )
    return Bmm.apply(self, mat2)


def _shape_error(message: str) -> RuntimeError:
    """The error for operands whose sizes do not fit a matrix product, with its hint."""
    return with_hint(RuntimeError(message), "matmul_shape")


def outer(self: Tensor, vec2: Tensor) -> Tensor:
    """out[i][j] = self[i] * vec2[j]: recorded as PyTorch does, a column view times vec2."""
    for name, vector in (("self", self), ("vec2", vec2)):
        if vector.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {vector.ndim}-D")
    return mul(reshape(self, -1, 1), vec2)


# ---- Methods: diagonals and triangles -----------------------------------------------------------

def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the (dim1, dim2) planes, ``offset`` above the main one, as the last
    dim: a view (DiagonalBackward0)."""
    first, second = _normalize_dim(dim1, self.ndim), _normalize_dim(dim2, self.ndim)
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(self, offset=offset, dim1=first, dim2=second)


def diag(self: Tensor, diagonal: int = 0) -> Tensor:
    """A vector's square diagonal matrix (DiagEmbedBackward0), or a copy of a matrix's
    diagonal (DiagonalBackward0_copy); ``diagonal`` > 0 is above the main one."""
    if self.ndim == 1:
        return DiagEmbed.apply(self, offset=diagonal)
    if self.ndim == 2:
        return DiagonalCopy.apply(self, offset=diagonal, dim1=0, dim2=1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")


def _check_matrices(self: Tensor, name: str) -> None:
    if self.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def tril(self: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below diagonal ``diagonal``) of the last two dims; zeros above."""
    _check_matrices(self, "tril")
    return Tril.apply(self, diagonal=diagonal)


def triu(self: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above diagonal ``diagonal``) of the last two dims; zeros below."""
    _check_matrices(self, "triu")
    return Triu.apply(self, diagonal=diagonal)


def trace(self: Tensor) -> Tensor:
    """The sum of a matrix's main diagonal (integers sum to int64)."""
    if self.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
    return Trace.apply(self)


# ---- Methods: cross products and distances ------------------------------------------------------

_cross_default_dim_warned = False


def cross(self: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (LinalgCrossBackward0). Without ``dim``,
    PyTorch's old default applies: the first dimension of size 3, with its warning (given once
    per process, as PyTorch's is)."""
    global _cross_default_dim_warned
    if dim is None and not _cross_default_dim_warned:
        _cross_default_dim_warned = True
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\n"
            "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
            "The default value of dim will change to agree with that of linalg.cross in a "
            "future release.",
            UserWarning,
            stacklevel=2,
        )
    if dim is None:
        sizes = _broadcast_pair(tuple(self.shape), tuple(other.shape))
        if 3 not in sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes.index(3)
    return linalg_cross(self, other, dim=dim)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """``ak.linalg.cross``: the cross product of 3-vectors along ``dim`` (the last by default),
    other dimensions broadcast."""
    _check_same_device(input, other)
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    position = _normalize_dim(dim, input.ndim)
    if input.shape[position] != 3 or other.shape[position] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input.shape[position]} and {other.shape[position]}"
        )
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_word_of(input.dtype)} but found "
            f"{_type_word_of(other.dtype)}"
        )
    _broadcast_pair(tuple(input.shape), tuple(other.shape))
    return LinalgCross.apply(input, other, dim=position)


def dist(self: Tensor, other: Tensor, p: Any = 2) -> Tensor:
    """The ``p``-norm of ``self - other`` (broadcast): how far apart two tensors are.

    Example:
        >>> ak.tensor([1.0, 1.0]).dist(ak.tensor([4.0, 5.0]))
        tensor(5.)
    """
    for tensor in (self, other):
        if not tensor.dtype.is_floating_point:
            raise RuntimeError(
                "norm(): input dtype should be either floating point or complex. "
                f"Got {_type_word_of(tensor.dtype)} instead."
            )
    return _binary(Dist, self, other, p=p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """``torch.cdist``: the ``p``-norm distance between every row of ``x1`` (..., P, M) and
    every row of ``x2`` (..., R, M), a (..., P, R) tensor; batch dimensions broadcast.

    Always one CdistBackward0 node. (For p = 2 with more than 25 rows, PyTorch computes the
    distances with a matrix product instead and records that: values and gradients agree.)
    """
    for name, tensor in (("X1", x1), ("X2", x2)):
        if tensor.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {tensor.ndim}D")
        if not tensor.dtype.is_floating_point:
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: {_type_word_of(tensor.dtype)}"
            )
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            "X1 and X2 must have the same number of columns. "
            f"X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype != x2.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_word_of(x1.dtype)} but found {_type_word_of(x2.dtype)}"
        )
    _check_same_device(x1, x2)
    _broadcast_pair(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    return Cdist.apply(x1, x2, p=p)


# ---- Methods: einsum ----------------------------------------------------------------------------

def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products named by subscripts: ``einsum("ij,jk->ik", a, b)`` is ``a @ b``.

    Each operand gets one letter per dimension; a letter shared by operands pairs those
    dimensions up, a letter missing from the output (after ``->``) is summed over, a letter
    repeated in one operand takes its diagonal (``"ii->i"``), and ``...`` stands for the
    dimensions not named (broadcast between operands). Without ``->`` the output is every
    letter used once, in alphabetical order. Operands may also come as one list.

    One EinsumBackward0 node records it; PyTorch records the permutes and bmm it computes
    with instead, so the graphs differ while values and gradients agree.

    Example:
        >>> a = ak.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ak.einsum("ii", a), ak.einsum("ij->j", a)
        (tensor(5.), tensor([4., 6.]))
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    full_equation, operands = _einsum_written_out(equation, operands)
    return Einsum.apply(*operands, equation=full_equation)


def _einsum_written_out(equation: str, operands: tuple) -> tuple[str, tuple]:
    """Check ``equation`` against the operands as PyTorch does, and write it out in full:
    letters for ``...``, an explicit output. Size-1 dimensions paired with bigger ones are
    expanded, so every letter has one size."""
    for position, character in enumerate(equation):
        if not (character in _LETTERS or character in " ,.->"):
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {position} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    subscripts = inputs.split(",")
    if len(subscripts) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(subscripts) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for operand in operands[1:]:
        if operand.dtype != operands[0].dtype:
            raise RuntimeError(
                f"expected scalar type {_type_word_of(operands[0].dtype)} but found "
                f"{_type_word_of(operand.dtype)}"
            )
    # "..." becomes the same fresh letters in every operand, lined up from the right.
    unused = [letter for letter in _LETTERS if letter not in equation]
    named = [subscript.replace("...", "") for subscript in subscripts]
    ellipsis_sizes = []
    for index, (subscript, letters, operand) in enumerate(zip(subscripts, named, operands)):
        if "..." not in subscript and len(letters) != operand.ndim:
            raise with_hint(
                RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({len(letters)}) does "
                    f"not match the number of dimensions ({operand.ndim}) for operand {index} "
                    "and no ellipsis was given"
                ),
                "einsum_subscripts",
            )
        ellipsis_sizes.append(operand.ndim - len(letters))
    broadcast_letters = "".join(unused[: builtins.max(ellipsis_sizes, default=0)])

    def written_out(subscript: str, count: int) -> str:
        return subscript.replace("...", broadcast_letters[len(broadcast_letters) - count :])

    subscripts = [written_out(s, n) for s, n in zip(subscripts, ellipsis_sizes)]
    if arrow:
        output = written_out(output, len(broadcast_letters))
        for letter in output:
            if output.count(letter) > 1:
                raise RuntimeError(
                    f"einsum(): output subscript {letter} appears more than once in the output"
                )
            if not builtins.any(letter in s for s in subscripts):
                raise RuntimeError(
                    f"einsum(): output subscript {letter} does not appear in the equation for "
                    "any input operand"
                )
    else:
        used = "".join(named)
        once = sorted(letter for letter in set(used) if used.count(letter) == 1)
        output = broadcast_letters + "".join(once)
    return ",".join(subscripts) + "->" + output, _einsum_sizes_agree(subscripts, operands)


def _einsum_sizes_agree(subscripts: list[str], operands: tuple) -> tuple:
    """Each letter's size, checked across operands (size 1 broadcasts, as in PyTorch)."""
    sizes: dict[str, int] = {}
    for index, (subscript, operand) in enumerate(zip(subscripts, operands)):
        own: dict[str, int] = {}
        for letter, size in zip(subscript, operand.shape):
            if own.setdefault(letter, size) != size:
                raise RuntimeError(
                    f"einsum(): subscript {letter} is repeated for operand {index} but the "
                    f"sizes don't match, {size} != {own[letter]}"
                )
            seen = sizes.setdefault(letter, size)
            if size != seen and 1 not in (size, seen):
                raise RuntimeError(
                    f"einsum(): subscript {letter} has size {size} for operand {index} which "
                    f"does not broadcast with previously seen size {seen}"
                )
            sizes[letter] = builtins.max(size, seen)
    return tuple(
        operand.expand(*(sizes[letter] for letter in subscript))
        if builtins.any(sizes[letter] != size for letter, size in zip(subscript, operand.shape))
        else operand
        for subscript, operand in zip(subscripts, operands)
    )


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "matmul": matmul,
        "mm": mm,
        "mv": mv,
        "dot": dot,
        "bmm": bmm,
        "dist": dist,
        "__matmul__": matmul,
        "__rmatmul__": _rmatmul,
        "cross": cross,
        "diagonal": diagonal,
        "diag": diag,
        "tril": tril,
        "triu": triu,
        "trace": trace,
        "outer": outer,
    },
)
