"""Tensor element types and PyTorch's rules for mixing them.

``ak.float32`` and friends name an element type once for every device; ``result_type``
applies PyTorch's type promotion (which differs from NumPy's): a Python number or a 0-d
tensor never widens a tensor of the same kind, so ``float32_tensor * 2.5`` stays float32 and
``int_tensor / int_tensor`` is float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class dtype:
    """An element type, printed as PyTorch prints it (``torch.float32``) so outputs match."""

    __slots__ = ("name", "numpy", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name: str, category: int) -> None:
        self.name = name
        self.numpy = np.dtype(name)
        self.is_floating_point = category == 2
        self.is_signed = name not in ("bool", "uint8")
        self.itemsize = self.numpy.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating point

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name


bool_ = dtype("bool", 0)
uint8 = dtype("uint8", 1)
int8 = dtype("int8", 1)
int16 = dtype("int16", 1)
int32 = dtype("int32", 1)
int64 = dtype("int64", 1)
float16 = dtype("float16", 2)
float32 = dtype("float32", 2)
float64 = dtype("float64", 2)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
BY_NAME = {d.name: d for d in ALL}
_BY_NUMPY = {d.numpy: d for d in ALL}
DEFAULT_FLOAT = float32
# PyTorch's legacy type names, used in the in-place error message ("[torch.FloatTensor [3]]").
LEGACY_NAMES = {
    "bool": "BoolTensor",
    "uint8": "ByteTensor",
    "int8": "CharTensor",
    "int16": "ShortTensor",
    "int32": "IntTensor",
    "int64": "LongTensor",
    "float16": "HalfTensor",
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
}


def of_array(array: Any) -> dtype:
    """The ``ak`` dtype of an array from any array library."""
    return of_array_dtype(array.dtype)


def of_array_dtype(array_dtype: Any) -> dtype:
    """The ``ak`` dtype for an array library's dtype object."""
    if isinstance(array_dtype, np.dtype):  # NumPy and CuPy
        return _BY_NUMPY[array_dtype]
    # Other array libraries (e.g. array-api-strict) have their own dtype objects: go by name.
    return BY_NAME[getattr(array_dtype, "name", None) or str(array_dtype).rsplit(".", 1)[-1]]


def to_dtype(value: Any) -> dtype:
    """Accept ``ak.float64``, ``"float64"``, ``numpy.float64`` or Python's ``float``/``int``/``bool``."""
    if isinstance(value, dtype):
        return value
    if value is float:
        return float64
    if value is int:
        return int64
    if value is bool:
        return bool_
    if hasattr(value, "name") and value.name in BY_NAME:  # another library's dtype object
        return BY_NAME[value.name]
    return _BY_NUMPY[np.dtype(value)]


def _promote_pair(first: dtype, second: dtype) -> dtype:
    if first is second:
        return first
    if first._category != second._category:
        # A higher kind wins outright in PyTorch: int64 with float32 is float32 (NumPy would
        # widen to float64 to hold every int64 exactly).
        return first if first._category > second._category else second
    return _BY_NUMPY[np.promote_types(first.numpy, second.numpy)]


def _category_of_scalar(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)):
        return 0
    if isinstance(value, (int, np.integer)):
        return 1
    return 2


def result_type(*operands: Any) -> dtype:
    """PyTorch's type promotion over tensors (``ak.Tensor``) and Python numbers.

    Three tiers, each only able to raise the *kind* (bool < integer < float) of the result:
    tensors with dimensions decide first, then 0-d tensors, then Python numbers (which bring
    the default dtype of their kind).

    Example:
        >>> result_type(ak.ones(3, dtype=ak.int64), 2.5)
        torch.float32
    """
    dimensioned: dtype | None = None
    zero_dim: dtype | None = None
    scalar_category = -1
    for operand in operands:
        operand_dtype = getattr(operand, "dtype", None)
        if isinstance(operand_dtype, dtype):
            if operand.ndim:
                dimensioned = (
                    operand_dtype
                    if dimensioned is None
                    else _promote_pair(dimensioned, operand_dtype)
                )
            else:
                zero_dim = (
                    operand_dtype if zero_dim is None else _promote_pair(zero_dim, operand_dtype)
                )
        else:
            scalar_category = max(scalar_category, _category_of_scalar(operand))
    result = dimensioned
    if zero_dim is not None:
        if result is None:
            result = zero_dim
        elif zero_dim._category > result._category:
            result = zero_dim
    if scalar_category >= 0 and (result is None or scalar_category > result._category):
        result = (bool_, int64, DEFAULT_FLOAT)[scalar_category]
    return result
