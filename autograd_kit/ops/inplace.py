"""In-place operations (``x.add_(y)``, ``x += y``, ``x[0] = 1``): one mechanism, ``_inplace``.

An in-place operation runs its primitive, puts the result into ``self``'s memory, bumps the
version counter (so a saved tensor changed later is caught in backward) and, when recorded,
makes ``self``'s ``grad_fn`` the new node; a view's base learns of the change through
``views.py``. ``_inplace_view`` is the form for ``squeeze_``/``unsqueeze_``, which
change only the shape.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import _backend, dtypes
from .._broadcasting import _broadcast_pair
from .._errors import with_hint
from ..autograd.function import _OUTPUT
from ..autograd.grad_mode import grad_state, no_grad
from ..tensor import Tensor, _wrap
from . import views
from .arguments import _alpha, _as_number, _meet_on_one_device, _promote, _type_word_of
from .primitive import _UNRECORDED, Primitive

_INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone "
    "to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 "
    "for more details."
)


def _check_not_inference(tensor: Tensor) -> None:
    """Refuse, as PyTorch does, to change an inference tensor in place outside inference_mode().

    Inference tensors keep no version counter, so a graph that saved one could not notice the
    change. PyTorch raises only after writing; here nothing has been written yet.
    """
    if tensor._is_inference and not grad_state.inference:
        raise with_hint(RuntimeError(_INFERENCE_INPLACE), "inference_inplace")


# ---- In-place operations: one mechanism ---------------------------------------------------------

def _inplace(self: Tensor, primitive: Any, *others: Any, **settings: Any) -> Tensor:
    """Run ``primitive`` and write its result into ``self``'s own memory.

    ``primitive`` is a ``Primitive`` class or an out-of-place Tensor method (``x.exp_()``
    runs ``Tensor.exp``, see ``inplace_versions``).

    When the graph is recorded, the operation is applied to a snapshot of ``self``'s old
    value and ``self`` takes over the new node as its grad_fn (PyTorch "rebases" it). The
    version counter goes up either way, so a backward that saved the old value can tell it
    was overwritten.
    """
    records = grad_state.enabled and (
        self._requires_grad
        or builtins.any(isinstance(o, Tensor) and o._requires_grad for o in others)
    )
    views.check_inplace(self, records)
    if records and self.grad_fn is None and self._requires_grad:
        raise with_hint(
            RuntimeError("a leaf Variable that requires grad is being used in an in-place operation."),
            "inplace_leaf",
        )
    if self._is_inference:
        _check_not_inference(self)
    if records:
        before = _wrap(
            self._array.copy()
            if hasattr(self._array, "copy")
            else _backend.xp_of(self._array).asarray(self._array, copy=True),
            self.grad_fn,
        )
        before._requires_grad = self._requires_grad
        before._output_nr = self._output_nr
        is_primitive = isinstance(primitive, type)
        result = (primitive.apply if is_primitive else primitive)(before, *others, **settings)
        _check_cast(result._array, self)
        self._array[...] = result._array
        _saved_output_is_self(result, self)
        self.grad_fn = result.grad_fn
        self._requires_grad = True
        self._output_nr = 0
        if self._base is not None or self._views:
            views.rebase(self)  # the base's history, and every view's, learns of the change
    elif not isinstance(primitive, type):  # a method: its result, recorded by nothing
        with no_grad():
            new_values = primitive(self, *others, **settings)._array
        _check_cast(new_values, self)
        self._array[...] = new_values
    else:
        arrays = [o._array if isinstance(o, Tensor) else o for o in others]
        ufunc = _NUMPY_UFUNCS.get(primitive)
        array = self._array
        if (
            ufunc is not None
            and type(array) is np.ndarray
            and array.dtype.kind == "f"
            and (not settings or settings.get("alpha", 1) == 1)
            and (type(arrays[0]) is np.ndarray or type(arrays[0]) in (builtins.float, builtins.int))
        ):
            # ``p -= lr * grad`` on a float NumPy tensor: compute straight into its memory (the
            # other operand already has its dtype or is a number, so nothing can be cast).
            ufunc(array, arrays[0], out=array)
        else:
            new_values = primitive.forward(_UNRECORDED, self._array, *arrays, **settings)
            _check_cast(new_values, self)
            self._array[...] = new_values
    self._version_counter[0] += 1
    return self


def _saved_output_is_self(result: Tensor, self: Tensor) -> None:
    """The node saved its output (``sqrt_``, ``exp_``, ``relu_`` do): that output is ``self``
    from now on, so the node keeps ``self``'s memory and version instead, and a later in-place
    change of ``self`` is caught in backward, as PyTorch catches it."""
    node = result.grad_fn
    saved = getattr(node, "_saved", None)
    if not saved:
        return
    version = self._version_counter[0] + 1  # the version this change gives self
    node._saved = tuple(
        (_OUTPUT, self._array, self._version_counter, version, 0)
        if type(entry) is tuple and entry[0] == _OUTPUT and entry[1] is result._array
        else entry
        for entry in saved
    )


# The NumPy ufunc each in-place arithmetic primitive runs on its array (filled by
# arithmetic.py, which defines the primitives).
_NUMPY_UFUNCS: dict[type, Any] = {}


def _check_cast(new_values: Any, target: Tensor) -> None:
    _check_cast_dtype(dtypes.of_array(new_values), target)


def _check_cast_dtype(new_dtype: dtypes.dtype, target: Tensor) -> None:
    if new_dtype._category > target.dtype._category:
        raise with_hint(
            RuntimeError(
                f"result type {_type_word_of(new_dtype)} can't be cast to the desired output type "
                f"{_type_word_of(target.dtype)}"
            ),
            "dtype_cast",
        )


def _inplace_binary(primitive: type[Primitive]) -> Any:
    def method(self: Tensor, other: Any, **settings: Any) -> Tensor:
        if "alpha" in settings:
            settings["alpha"] = _alpha(settings["alpha"], f"{primitive.__name__.lower()}_")
        if isinstance(other, Tensor):
            if type(other._array) is not np.ndarray or type(self._array) is not np.ndarray:
                other = _meet_on_one_device(self, other, keep_a=True)[1]  # (two NumPy arrays meet)
            if other._array.shape != self._array.shape:
                shape = _broadcast_pair(self._array.shape, other._array.shape)
                if shape != self._array.shape:
                    raise RuntimeError(
                        f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}"
                    )
            if other._array.dtype != self._array.dtype:  # (cheaper than two .dtype reads)
                if other.dtype._category > self.dtype._category:
                    _check_cast(other._array, self)
                other = _promote(other, self.dtype)
        else:
            other = _as_number(other)
            if isinstance(other, builtins.float) and not self.dtype.is_floating_point:
                raise with_hint(
                    RuntimeError(
                        f"result type Float can't be cast to the desired output type {_type_word_of(self.dtype)}"
                    ),
                    "dtype_cast",
                )
        return _inplace(self, primitive, other, **settings)

    return method


# The methods whose in-place form (``name_``) is the out-of-place method's result written back:
# ``x.exp_()`` is ``x.exp()`` put into x's memory, recorded as ``ExpBackward0``, as in PyTorch.
# (Comparisons, whose in-place forms write 0/1 into x, and the view ops are left out.)
INPLACE_FROM_METHOD = (
    "abs", "acos", "asin", "atan", "atan2", "ceil", "clamp_max", "clamp_min", "clip", "cos",
    "cosh", "cumprod", "cumsum", "divide", "erf", "exp", "exp2", "expm1", "floor", "fmod", "frac", "hypot", "lerp", "log", "log10", "log1p", "log2",
    "masked_fill", "multiply", "nan_to_num", "neg", "negative", "reciprocal", "remainder",
    "round", "rsqrt", "scatter", "scatter_add", "sigmoid", "sign", "sin", "sinh", "sqrt",
    "square", "subtract", "tan", "tanh", "tril", "triu", "true_divide", "trunc",
)  # fmt: skip


def inplace_versions(methods: dict[str, Any]) -> dict[str, Any]:
    """``{"exp_": ...}`` for each name of ``INPLACE_FROM_METHOD`` in ``methods`` (by name)."""
    return {f"{name}_": _inplace_from(methods[name]) for name in INPLACE_FROM_METHOD}


def _inplace_from(method: Any) -> Any:
    def inplace_method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace(self, method, *args, **kwargs)

    inplace_method.__name__ = f"{method.__name__}_"
    inplace_method.__doc__ = f"In-place ``{method.__name__}``: the result is written into self."
    return inplace_method


def _iop(method: Any) -> Any:
    def inplace_operator(self: Tensor, other: Any) -> Tensor:
        return method(self, other)

    return inplace_operator


def _inplace_view(self: Tensor, primitive: type[Primitive], **settings: Any) -> Tensor:
    """Give ``self`` the shape the view op ``primitive`` gives it, keeping its memory.

    Only the shape changes, so no numbers are copied: ``self`` takes over the view's array
    and, when recorded, its node (PyTorch's in-place view ops rebase ``self`` the same way).
    """
    records = grad_state.enabled and self._requires_grad
    if records and self.grad_fn is None:
        raise with_hint(
            RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            ),
            "inplace_leaf",
        )
    _check_not_inference(self)
    result = primitive.apply(self, **settings)
    self._array = result._array
    if records:
        self.grad_fn = result.grad_fn
        self._output_nr = 0
    if self._base is not None:  # a view remembers how it was made from its base
        self._view_chain = result._view_chain
    self._version_counter[0] += 1
    return self
