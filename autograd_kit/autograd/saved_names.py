"""What each node saved for backward, under PyTorch's names: ``grad_fn._saved_self``.

PyTorch's nodes expose what their backward formula will read as ``_saved_<name>`` (the value:
a tensor, a number, a tuple of sizes) and, for tensors, ``_raw_saved_<name>`` (the
``SavedTensor`` box, where ``register_hooks(pack, unpack)`` installs saved-tensor hooks). The
names are the argument names of PyTorch's formula table (``derivatives.yaml``): ``self`` and
``other`` for the inputs, ``result`` for the output, ``dim``, ``keepdim``, ``exponent``, and
``self_sym_sizes`` for the input's shape.

The kit's nodes already hold these values; the table below says, for each node, where. A
source is one of

* ``"saved[i]"``  the i-th tensor given to ``ctx.save_for_backward``,
* ``"ctx.name"``  an attribute forward set on ctx,
* ``"sizes[i]"``  the shape of the i-th tensor input (a tuple), ``"numel[i]"`` its size,
* a number       a constant PyTorch records (``alpha=1`` of an ``addmm``).

Example:
    >>> x = ak.tensor([1.0, 2.0], requires_grad=True)
    >>> y = x.exp()
    >>> y.grad_fn._saved_result
    tensor([2.7183, 7.3891], grad_fn=<ExpBackward0>)
    >>> (x ** 2).grad_fn._saved_exponent
    2
"""

from __future__ import annotations

import math
from typing import Any

_RESULT = {"result": "saved[0]"}
_SELF = {"self": "saved[0]"}
_BOTH = {"self": "saved[0]", "other": "saved[1]"}
_SIZES = {"self_sym_sizes": "sizes[0]"}
_REDUCED = {"dim": "ctx.dims", "keepdim": "ctx.keepdim"}

SAVED_NAMES: dict[str, dict[str, Any]] = {
    # ---- elementwise ----
    "AddBackward0": {"alpha": "ctx.alpha"},
    "SubBackward0": {"alpha": "ctx.alpha"},
    "MulBackward0": {"self": "saved[1]", "other": "saved[0]"},
    "DivBackward0": _BOTH,
    "PowBackward0": {"self": "saved[0]", "exponent": "ctx.exponent"},
    "PowBackward1": {"self": "saved[0]", "exponent": "saved[1]", "result": "saved[2]"},
    "PowBackward2": {"result": "saved[0]"},
    "ExpBackward0": _RESULT,
    "TanhBackward0": _RESULT,
    "SigmoidBackward0": _RESULT,
    "ReluBackward0": _RESULT,
    "SqrtBackward0": _RESULT,
    "LogBackward0": _SELF,
    "SinBackward0": _SELF,
    "CosBackward0": _SELF,
    "AbsBackward0": _SELF,
    # ---- reductions ----
    "SumBackward0": _SIZES,
    "SumBackward1": {**_REDUCED, **_SIZES},
    "MeanBackward0": {**_SIZES, "self_sym_numel": "numel[0]"},
    "MeanBackward1": {**_REDUCED, **_SIZES, "self_sym_numel": "numel[0]"},
    "MaxBackward1": {"self": "saved[0]", "result": "saved[1]"},
    "MinBackward1": {"self": "saved[0]", "result": "saved[1]"},
    "SoftmaxBackward0": {"result": "saved[0]", "dim": "ctx.dim"},
    "LogSoftmaxBackward0": {"result": "saved[0]", "dim": "ctx.dim"},
    # ---- shape ----
    "ViewBackward0": _SIZES,
    "ExpandBackward0": _SIZES,
    "SqueezeBackward0": _SIZES,
    "SqueezeBackward1": _SIZES,
    "PermuteBackward0": {"dims": "ctx.dims"},
    "TransposeBackward0": {"dim0": "ctx.dim0", "dim1": "ctx.dim1"},
    "UnsqueezeBackward0": {"dim": "ctx.dim"},
    # ---- matmul ----
    "MmBackward0": {
        "self": "saved[0]",
        "mat2": "saved[1]",
        "self_sym_sizes": "sizes[0]",
        "mat2_sym_sizes": "sizes[1]",
    },
    "AddmmBackward0": {
        "mat1": "saved[0]",
        "mat2": "saved[1]",
        "mat1_sym_sizes": "sizes[1]",
        "mat2_sym_sizes": "sizes[2]",
        "alpha": 1,
        "beta": 1,
    },
}


def saved_names(node_name: str) -> dict[str, Any]:
    """PyTorch's ``_saved_*`` names of the node ``node_name`` and where each value is."""
    return SAVED_NAMES.get(node_name, {})


def tensor_position(source: Any) -> int | None:
    """The position in ``saved_tensors`` a source names, or None for a non-tensor value."""
    if isinstance(source, str) and source.startswith("saved["):
        return int(source[6:-1])
    return None


def value_of(node: Any, source: Any) -> Any:
    """The non-tensor value a source names, as PyTorch shows it (sizes and dims as tuples)."""
    if not isinstance(source, str):
        return source
    if source.startswith("ctx."):
        value = getattr(node, source[4:])
        return tuple(value) if isinstance(value, list) else value
    position = int(source[source.index("[") + 1 : -1])
    shape = tuple(node._input_meta[position][0])
    return shape if source.startswith("sizes[") else math.prod(shape)
