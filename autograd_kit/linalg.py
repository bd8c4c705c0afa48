"""``ak.linalg``: norms of vectors and matrices, as ``torch.linalg`` names them.

A vector norm is one primitive (LinalgVectorNormBackward0, for every ``ord``); the matrix
norms are built from it the way PyTorch builds them, so the recorded graphs match node for
node. The norms that need a singular value decomposition (ord 2, -2 and "nuc") are not here.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

from .ops.linalg import linalg_cross as cross
from .ops.reductions import vector_norm
from .tensor import Tensor, _normalize_dim

__all__ = ["cross", "matrix_norm", "norm", "vector_norm"]


def matrix_norm(
    A: Tensor,
    ord: Any = "fro",
    dim: tuple[int, int] = (-2, -1),
    keepdim: bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """The norm of the matrices in the last two dimensions of ``A`` (or in ``dim``).

    "fro" is sqrt(sum of squares) (a vector 2-norm over both dimensions); ord = 1 is the
    largest column sum of |A| and inf the largest row sum (-1 and -inf: the smallest).

    Example:
        >>> A = ak.tensor([[1.0, -2.0], [3.0, 4.0]])
        >>> ak.linalg.matrix_norm(A), ak.linalg.matrix_norm(A, 1), ak.linalg.matrix_norm(A, float("inf"))
        (tensor(5.4772), tensor(6.), tensor(7.))
    """
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    rows, columns = (_normalize_dim(d, A.ndim) for d in dim)
    if rows == columns:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (rows, columns), keepdim, dtype=dtype)
    if ord in (2, -2, "nuc"):
        raise NotImplementedError(
            f"autograd_kit's matrix_norm has no ord={ord!r}: it needs the singular values "
            "(torch.linalg.svdvals), which autograd_kit does not compute"
        )
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    # PyTorch's recipe: |A| summed down one dimension (a vector 1-norm), then the extreme of
    # those sums along the other: columns for ord 1, rows for ord inf.
    summed, across = (rows, columns) if abs(ord) == 1 else (columns, rows)
    if not keepdim and summed < across:
        across -= 1
    sums = vector_norm(A, 1, summed, keepdim, dtype=dtype)
    return sums.amax(across, keepdim) if ord > 0 else sums.amin(across, keepdim)


def norm(
    A: Tensor,
    ord: Any = None,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """A vector norm or a matrix norm, chosen as ``torch.linalg.norm`` does: with ``dim`` of
    one dimension (or a 1-D input) a vector norm, with two dimensions (or a 2-D input and an
    ``ord``) a matrix norm, and without ``ord`` or ``dim`` the 2-norm of all elements.

    Example:
        >>> ak.linalg.norm(ak.tensor([[3.0, 0.0], [0.0, 4.0]]))
        tensor(5.)
    """
    if dim is not None:
        dims = (dim,) if isinstance(dim, builtins.int) else tuple(dim)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim != 1:
        raise RuntimeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {A.ndim}D."
        )
    if isinstance(ord, str):
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    return vector_norm(A, ord, None, keepdim, dtype=dtype)
