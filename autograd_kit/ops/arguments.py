"""The argument checks every Tensor method shares, done the way PyTorch does them.

Type promotion (``int + float`` is float), numbers turned into tensors of the right dtype,
same-device checks, and ``_binary``, the one door every two-input operation goes through.
"""

from __future__ import annotations

import builtins
import weakref
from typing import Any

import numpy as np

from .. import _backend, dtypes
from .._broadcasting import _broadcast_pair
from .._errors import with_hint
from ..autograd.graph import accumulator_of, input_meta
from ..tensor import Tensor, _wrap
from .primitive import Primitive, native_dtype

# ---- Argument checks every operation shares -----------------------------------------------------

_SCALARS = (builtins.int, builtins.float, builtins.bool)




def _check_same_device(first: Tensor, second: Tensor) -> None:
    if not _backend.same_device(first._array, second._array):
        raise with_hint(
            RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{second.device} and {first.device}!"
            ),
            "device_mismatch",
        )


def _meet_on_one_device(a: Tensor, b: Tensor, keep_a: bool = False) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` on one device, or PyTorch's error.

    As in PyTorch, a 0-dim CPU tensor mixes with a tensor on any device, like a number: it is
    moved to the other device, still at its place in the graph, and its gradient comes back to
    the CPU. A CPU tensor with one element but a dimension (``tensor([2.])``) is refused.
    ``keep_a``: ``a`` is changed in place, so it cannot move.
    """
    if _backend.same_device(a._array, b._array):
        return a, b
    if b.ndim == 0 and b.device.type == "cpu":
        return a, _alias(b, _backend.to_device(b._array, a.device))
    if a.ndim == 0 and a.device.type == "cpu" and not keep_a:
        return _alias(a, _backend.to_device(a._array, b.device)), b
    _check_same_device(a, b)
    return a, b


def _promote(tensor: Tensor, dtype: dtypes.dtype) -> Tensor:
    """``tensor`` computed in ``dtype``, still at the same place in the graph.

    Like PyTorch, mixing dtypes records no conversion node: the operation computes in the
    promoted dtype and the engine converts the gradient back to the input's dtype.
    """
    if tensor.dtype is dtype:
        return tensor
    xp = _backend.xp_of(tensor._array)
    return _alias(tensor, xp.astype(tensor._array, native_dtype(xp, dtype)))


def _alias(tensor: Tensor, array: Any) -> Tensor:
    """``array`` (``tensor``'s values in another dtype or on another device) standing in for
    ``tensor`` at its place in the graph; its gradient goes back in ``tensor``'s dtype and to
    ``tensor``'s device."""
    alias = _wrap(array, tensor.grad_fn)
    alias._requires_grad = tensor._requires_grad
    alias._output_nr = tensor._output_nr
    alias._version_counter = tensor._version_counter
    alias._grad_meta = input_meta(tensor._array)  # its gradient goes back in tensor's dtype
    if tensor._requires_grad and tensor.grad_fn is None:
        # The leaf's own AccumulateGrad: its gradient must reach the leaf, not this alias. A
        # leaf holds that node weakly, so the alias holds it until the operation records it.
        alias._leaf_accumulator = accumulator_of(tensor)
        alias._accumulator = weakref.ref(alias._leaf_accumulator)
    return alias


def _as_number(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _alpha(value: Any, name: str) -> Any:
    """``alpha=`` as the number PyTorch converts it to: a 0-d tensor gives its value (on any
    device), a tensor with more elements is refused."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise TypeError(f"{name}(): argument 'alpha' must be Number, not Tensor")
        return value.item()
    return _as_number(value)


def _binary(
    primitive: type[Primitive],
    a: Tensor,
    b: Any,
    floating: bool = False,
    number_as: str | None = None,
    **settings: Any,
) -> Tensor:
    """Apply a two-input primitive to a tensor and a tensor-or-number, PyTorch style.

    ``number_as`` names the setting a plain number is passed as when PyTorch treats it as a
    setting of the operation rather than an input (``x ** 2``: PowBackward0 has one edge).
    """
    number_type = type(b)
    if (number_type is builtins.float or number_type is builtins.int) and getattr(
        a._array.dtype, "kind", "?"
    ) == "f":
        # The common case: a float tensor and a number.
        if number_as is not None:
            return primitive.apply(a, **{number_as: b}, **settings)
        return primitive.apply(a, b, **settings) if settings else primitive.apply(a, b)
    if isinstance(b, Tensor):
        array_a, array_b = a._array, b._array
        if type(array_a) is not np.ndarray or type(array_b) is not np.ndarray:
            a, b = _meet_on_one_device(a, b)
            array_a, array_b = a._array, b._array
        if array_a.dtype != array_b.dtype or (
            floating and getattr(array_a.dtype, "kind", "?") not in "fc"
        ):
            result = dtypes.result_type(a, b)
            if floating and not result.is_floating_point:
                result = dtypes.DEFAULT_FLOAT
            a, b = _promote(a, result), _promote(b, result)
        if array_a.shape != array_b.shape:
            try:
                return primitive.apply(a, b, **settings)
            except ValueError:  # the array library's words: raise PyTorch's instead
                _broadcast_pair(array_a.shape, array_b.shape)
                raise
        return primitive.apply(a, b, **settings)
    b = _as_number(b)
    if not isinstance(b, _SCALARS):
        return NotImplemented
    if (
        getattr(a._array.dtype, "kind", "?") != "f"
        or type(b) is not builtins.float
        and type(b) is not builtins.int
    ):
        result = dtypes.result_type(a, b)
        if floating and not result.is_floating_point:
            result = dtypes.DEFAULT_FLOAT
        a = _promote(a, result)
    if number_as is not None:
        return primitive.apply(a, **{number_as: b}, **settings)
    return primitive.apply(a, b, **settings)


def _scalar_tensor_like(value: Any, like: Tensor) -> Tensor:
    xp = _backend.xp_of(like._array)
    dtype = dtypes.result_type(like, value)
    kwargs = {} if xp is np else {"device": like._array.device}
    return _wrap(xp.asarray(value, dtype=native_dtype(xp, dtype), **kwargs))


def _require_tensor(name: str, argument: str, position: int, value: Any) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name}(): argument '{argument}' (position {position}) must be Tensor, "
            f"not {type(value).__name__}"
        )


def _not_implemented_for(kernel: str, dtype: dtypes.dtype) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for ``dtype`` (``frac`` of integers)."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_type_word_of(dtype)}'")


def _named(function: Any, name: str, doc: str) -> Any:
    function.__name__, function.__doc__ = name, doc
    return function


def _type_name(value: Any) -> str:
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


def _floating(self: Tensor) -> Tensor:
    """Integer inputs of exp, log, sin, ... compute in the default float dtype (PyTorch does)."""
    if getattr(self._array.dtype, "kind", None) == "f" or self.dtype.is_floating_point:
        return self  # (the first test is the quick one for NumPy and CuPy arrays)
    return _promote(self, dtypes.DEFAULT_FLOAT)


def _type_word_of(dtype: dtypes.dtype) -> str:
    return dtypes.LEGACY_NAMES[dtype.name].replace("Tensor", "")
