"""The base every built-in operation shares: ``Primitive``, the table ``PRIMITIVES``, and the
steps backward formulas are written with.

Each primitive is a ``Function`` (the same shape a learner writes for a custom
``autograd.Function``) with two differences that make it fast:

- ``forward`` computes on raw arrays (``x * y`` on NumPy or CuPy arrays);
- ``backward`` is one formula that works on two kinds of values. When the backward pass is
  itself recorded (``create_graph=True``), ``grad`` and ``ctx.saved_tensors`` are tensors, so
  the formula is recorded and can be differentiated again. Otherwise, the usual case, the
  engine hands the very same formula raw arrays, and it runs at NumPy speed. Formulas use
  operators (``+ - * / ** @``, comparisons), which tensors and arrays share, and the few
  steps below (``expanded``, ``exp_of``, ``sum_keepdim``, ...) that work on either kind.
  A primitive says it can do this with ``backward_on_arrays = True``; the others always get
  tensors.

Formulas never undo broadcasting themselves: ``grad_x = grad * y`` has the output's shape,
and when ``x`` was broadcast to make that output the engine sums the gradient back down to
``x``'s shape (``sum_to`` in ``_broadcasting.py``), exactly as PyTorch's engine does.

Whatever forward saves comes back to backward: an input as that very input, the output as
the output. The docstring of each primitive is its formula sheet entry; its node in the
graph is named after it (``Mul`` records ``MulBackward0``), matching PyTorch's names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from .._backend import erf as _erf_array
from .._broadcasting import _either
from ..autograd.anomaly_mode import remember_forward
from ..autograd.function import Function, pack_saved
from ..autograd.grad_mode import grad_state
from ..autograd.graph import (
    SHARED_FLAGS,
    SHARED_META,
    gradient_edge,
    input_meta,
    next_sequence_nr,
    remember,
    shared_output_nrs,
)
from ..tensor import Tensor, _wrap

# ---- The base class and the table ---------------------------------------------------------------

PRIMITIVES: dict[str, type[Primitive]] = {}


class _Unrecorded:
    """The ctx forward gets when nothing is recorded: it forgets whatever it is told."""

    __slots__ = ()
    needs_input_grad = (False,) * 64

    def save_for_backward(self, *values: Any) -> None:
        pass

    def __setattr__(self, name: str, value: Any) -> None:
        pass


_UNRECORDED = _Unrecorded()
_new = object.__new__


class Primitive(Function):
    """A built-in operation: ``forward(ctx, *arrays, **settings)`` and ``backward(ctx, grad)``.

    Subclassing registers the operation in ``PRIMITIVES`` (which drives the gradient tests).
    """

    _is_primitive = True
    node_name: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):  # _ExtremeAll etc. are shared bases, not ops
            PRIMITIVES[cls.__name__] = cls

    @classmethod
    def apply(cls, *inputs: Any, **settings: Any) -> Tensor:
        """Run ``forward`` on the inputs' arrays; record a node if any input requires grad.

        This runs for every operation, so it is written for speed: one pass over the inputs
        when nothing is recorded, and when something is, records shared between nodes (see
        ``graph.SHARED_META``) instead of new ones, so the garbage collector has less to do.
        """
        if grad_state.enabled:
            for value in inputs:
                if isinstance(value, Tensor) and value._requires_grad:
                    break
            else:
                value = None
            if value is not None:  # record: the node is the ctx forward sees
                node = _new(cls._backward_cls)
                arrays, next_nodes, meta = [], [], []
                needs = 0  # needs_input_grad as bits, first input highest (see _NEEDS)
                other_outputs = False  # True once an input is not output 0 of its node
                for value in inputs:
                    if not isinstance(value, Tensor):  # a number or setting: no edge
                        arrays.append(value)
                        needs += needs
                        next_nodes.append(None)
                        meta.append(None)
                        continue
                    array = value._array
                    arrays.append(array)
                    needs += needs + value._requires_grad
                    # The edge to where this input came from: its grad_fn or leaf accumulator.
                    producer = value.grad_fn
                    if producer is None:
                        producer = gradient_edge(value)[0]  # (a leaf's is output 0)
                    elif value._output_nr:
                        other_outputs = True
                    next_nodes.append(producer)
                    # What the engine checks the returned gradient against: shape, dtype,
                    # device (a dtype-promoted input's gradient goes back in the dtype the
                    # input really has).
                    entry = value._grad_meta
                    if entry is None and type(array) is np.ndarray:  # input_meta, inlined
                        entry = SHARED_META[id(array.dtype)].get(array.shape)
                    if entry is None:
                        entry = input_meta(array)
                    meta.append(entry)
                count = len(inputs)
                node.needs_input_grad = (
                    _NEEDS[count][needs] if count < 7 else needs_input_grad(count, needs)
                )
                output = _wrap(cls.forward(node, *arrays, **settings), node)
                node._sequence_nr = next_sequence_nr()
                node._next_nodes = tuple(next_nodes)
                if other_outputs or count > 64:  # else Node's default, ALL_OUTPUT_0
                    node._next_output_nrs = shared_output_nrs(
                        tuple(
                            [
                                value._output_nr
                                if isinstance(value, Tensor) and value.grad_fn is not None
                                else 0
                                for value in inputs
                            ]
                        )
                    )
                node._input_meta = tuple(meta)
                if grad_state.anomaly:
                    remember_forward(node)
                if node._saved:
                    pack_saved(node, inputs, arrays, (output,))
                return output
        arrays = [value._array if isinstance(value, Tensor) else value for value in inputs]
        output = _wrap(cls.forward(_UNRECORDED, *arrays, **settings))
        if grad_state.inference:
            output._is_inference = True
        return output


def needs_input_grad(count: int, bits: int) -> tuple[bool, ...]:
    """The shared ``needs_input_grad`` tuple of ``count`` inputs whose bits are ``bits`` (the
    first input is the highest bit): ``needs_input_grad(2, 0b10)`` is ``(True, False)``."""
    flags = tuple([bool(bits >> (count - 1 - position) & 1) for position in range(count)])
    return SHARED_FLAGS.get(flags) or remember(SHARED_FLAGS, flags, flags)


# The tuples for up to six inputs, by number of inputs and then bits (the usual case).
_NEEDS = [[needs_input_grad(count, bits) for bits in range(2**count)] for count in range(7)]


# ---- Steps backward formulas take besides operators ---------------------------------------------

# The steps backward formulas take besides operators: the tensor form, then the array form.
exp_of = _either(lambda t: t.exp(), lambda xp, a: xp.exp(a))
sin_of = _either(lambda t: t.sin(), lambda xp, a: xp.sin(a))
cos_of = _either(lambda t: t.cos(), lambda xp, a: xp.cos(a))
sign_of = _either(lambda t: t.sign(), lambda xp, a: xp.sign(a))


sqrt_of = _either(lambda t: t.sqrt(), lambda xp, a: xp.sqrt(a))
sinh_of = _either(lambda t: t.sinh(), lambda xp, a: xp.sinh(a))
cosh_of = _either(lambda t: t.cosh(), lambda xp, a: xp.cosh(a))


tanh_of = _either(lambda t: t.tanh(), lambda xp, a: xp.tanh(a))
sigmoid_of = _either(  # the same function written with tanh, which never overflows
    lambda t: t.sigmoid(), lambda xp, a: 0.5 * (1 + xp.tanh(0.5 * a))
)


# Steps for the formulas below (tensor form, array form), like those at the top of this file.
erf_of = _either(lambda t: t.erf(), lambda xp, a: _erf_array(a))


matrix_t = _either(lambda t: t.t(), lambda xp, a: a.T)
swap_last = _either(lambda t: t.transpose(-1, -2), lambda xp, a: xp.matrix_transpose(a))
expanded = _either(lambda t, shape: t.expand(shape), lambda xp, a, shape: xp.broadcast_to(a, shape))


unsqueezed = _either(lambda t, dim: t.unsqueeze(dim), lambda xp, a, dim: xp.expand_dims(a, axis=dim))
squeezed = _either(lambda t, dim: t.squeeze(dim), lambda xp, a, dim: xp.squeeze(a, axis=dim))


masked = _either(  # grad where mask holds, else 0 (strict libraries won't multiply by bools)
    lambda t, mask: t * mask,
    lambda xp, a, mask: a * (mask if xp is np else xp.astype(mask, a.dtype)),
)


flipped = _either(lambda t, dims: t.flip(dims), lambda xp, a, dims: xp.flip(a, axis=dims))


# ---- Small helpers forward functions share ------------------------------------------------------

def _if(ctx: Any, index: int, value: Any) -> Any:
    """``value`` if input ``index`` needs a gradient, else None: what to save for backward."""
    return value if ctx.needs_input_grad[index] else None


def native_dtype(xp: Any, dtype: dtypes.dtype) -> Any:
    """The array library's object for an ``ak`` dtype."""
    return dtype.numpy if xp is np else getattr(xp, dtype.name)


def _contiguous(xp: Any, array: Any) -> Any:
    """A C-ordered copy when the library has one (NumPy, CuPy); views stay as they are otherwise."""
    make = getattr(xp, "ascontiguousarray", None)
    return make(array) if make is not None else array


def _row_by_row(xp: Any, out: Any) -> Any:
    """A new result laid out row by row, as PyTorch allocates reductions, softmax and scans
    (NumPy follows the input's layout, so ``x.t().sum(0)`` could not be ``view``-ed later)."""
    return _contiguous(xp, out) if getattr(out, "ndim", 0) > 1 else out


def _same_device(xp: Any, array: Any) -> dict:
    """``device=`` for creating an array beside ``array`` (NumPy needs none)."""
    return {} if xp is np else {"device": array.device}
