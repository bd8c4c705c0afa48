"""The table of primitives: every differentiable operation, its forward beside its backward.

Each primitive is a ``Function`` (the same shape a learner writes for a custom
``autograd.Function``) with two differences that make it fast:

- ``forward`` computes on raw arrays (``x * y`` on NumPy or CuPy arrays);
- ``backward`` is one formula that works on two kinds of values. When the backward pass is
  itself recorded (``create_graph=True``), ``grad`` and ``ctx.saved_tensors`` are tensors, so
  the formula is recorded and can be differentiated again. Otherwise, the usual case, the
  engine hands the very same formula raw arrays, and it runs at NumPy speed. Formulas use
  operators (``+ - * / ** @``, comparisons), which tensors and arrays share, and the few
  helpers below (``expand``, ``exp``, ``sum_keepdim``, ...) that take one step on either kind.
  A primitive says it can do this with ``backward_on_arrays = True``; the others always get
  tensors.

Formulas never undo broadcasting themselves: ``grad_x = grad * y`` has the output's shape,
and when ``x`` was broadcast to make that output the engine sums the gradient back down to
``x``'s shape (``sum_to`` below), exactly as PyTorch's engine does.

Whatever forward saves comes back to backward: an input as that very input, the output as
the output. The docstring of each primitive is its formula sheet entry; its node in the
graph is named after it (``Mul`` records ``MulBackward0``), matching PyTorch's names.
Sections follow the order the course teaches: elementwise, reductions, shape, matmul.
"""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np

from . import _backend, dtypes
from ._backend import diagonal_of, fmod, index_add, index_put, to_device, xp_of
from ._backend import erf as _erf_array
from ._errors import with_hint
from .autograd.anomaly_mode import remember_forward
from .autograd.function import Function, pack_saved
from .autograd.grad_mode import grad_state
from .autograd.graph import (
    SHARED_FLAGS,
    SHARED_META,
    gradient_edge,
    input_meta,
    next_sequence_nr,
    remember,
    shared_output_nrs,
)
from .tensor import Tensor, _wrap

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
                arrays, needs, next_nodes, meta = [], [], [], []
                other_outputs = False  # True once an input is not output 0 of its node
                for value in inputs:
                    if not isinstance(value, Tensor):  # a number or setting: no edge
                        arrays.append(value)
                        needs.append(False)
                        next_nodes.append(None)
                        meta.append(None)
                        continue
                    array = value._array
                    arrays.append(array)
                    needs.append(value._requires_grad)
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
                    if entry is None:
                        if type(array) is np.ndarray:  # graph.input_meta, inlined
                            key = (array.shape, id(array.dtype))
                            entry = SHARED_META.get(key) or input_meta(array)
                        else:
                            entry = input_meta(array)
                    meta.append(entry)
                needs = tuple(needs)
                node.needs_input_grad = SHARED_FLAGS.get(needs) or remember(
                    SHARED_FLAGS, needs, needs
                )
                output = _wrap(cls.forward(node, *arrays, **settings), node)
                node._sequence_nr = next_sequence_nr()
                node._next_nodes = tuple(next_nodes)
                if not other_outputs:
                    count = len(inputs)
                    node._next_output_nrs = _ZEROS[count] if count < 65 else (0,) * count
                else:
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


# The output numbers of a node whose inputs are all output 0 of their nodes (the usual case).
_ZEROS = [shared_output_nrs((0,) * count) for count in range(65)]


def _either(on_tensor: Any, on_array: Any) -> Any:
    """One step of a backward formula, on a tensor (recorded when create_graph is on) or on a
    raw array (``on_array(xp, array, ...)``, with ``xp`` the array's library)."""

    def step(value: Any, *args: Any) -> Any:
        if isinstance(value, Tensor):
            return on_tensor(value, *args)
        return on_array(xp_of(value), value, *args)

    return step


# The steps backward formulas take besides operators: the tensor form, then the array form.
exp = _either(lambda t: t.exp(), lambda xp, a: xp.exp(a))
sin = _either(lambda t: t.sin(), lambda xp, a: xp.sin(a))
cos = _either(lambda t: t.cos(), lambda xp, a: xp.cos(a))
sign = _either(lambda t: t.sign(), lambda xp, a: xp.sign(a))
matrix_t = _either(lambda t: t.t(), lambda xp, a: a.T)
swap_last = _either(lambda t: t.transpose(-1, -2), lambda xp, a: xp.matrix_transpose(a))
expand = _either(lambda t, shape: t.expand(shape), lambda xp, a, shape: xp.broadcast_to(a, shape))
reshape = _either(lambda t, shape: t.reshape(shape), lambda xp, a, shape: xp.reshape(a, shape))
unsqueeze = _either(lambda t, dim: t.unsqueeze(dim), lambda xp, a, dim: xp.expand_dims(a, axis=dim))
squeeze = _either(lambda t, dim: t.squeeze(dim), lambda xp, a, dim: xp.squeeze(a, axis=dim))
sum_keepdim = _either(
    lambda t, dims: t.sum(dims, keepdim=True),
    lambda xp, a, dims: xp.sum(a, axis=dims, keepdims=True),
)
masked = _either(  # grad where mask holds, else 0 (strict libraries won't multiply by bools)
    lambda t, mask: t * mask,
    lambda xp, a, mask: a * (mask if xp is np else xp.astype(mask, a.dtype)),
)
choose = _either(  # x where condition holds, else y
    lambda condition, x, y: where(condition, x, y),
    lambda xp, condition, x, y: xp.where(condition, x, y),
)
cross = _either(
    lambda x, y, dim: LinalgCross.apply(x, y, dim=dim),
    lambda xp, x, y, dim: _backend.cross(x, y, dim),
)
placed_back = _either(
    lambda t, shape, key: IndexPut.apply(t, shape=shape, key=key),
    lambda xp, a, shape, key: IndexPut.forward(_UNRECORDED, a, shape, key),
)

# ---- elementwise ----
sqrt = _either(lambda t: t.sqrt(), lambda xp, a: xp.sqrt(a))
sinh = _either(lambda t: t.sinh(), lambda xp, a: xp.sinh(a))
cosh = _either(lambda t: t.cosh(), lambda xp, a: xp.cosh(a))
zeros_like = _either(  # a constant zero gradient: recorded by nothing, as in PyTorch
    lambda t: t.new_zeros(t.shape), lambda xp, a: xp.zeros_like(a)
)
quotient = _either(  # x / y rounded ("floor" or "trunc"): a constant, its derivative is zero
    lambda x, y, mode: _wrap(_rounded_quotient(xp_of(x._array), x._array, y._array, mode)),
    lambda xp, x, y, mode: _rounded_quotient(xp, x, y, mode),
)


def _rounded_quotient(xp: Any, x: Any, y: Any, mode: str) -> Any:
    return xp.floor_divide(x, y) if mode == "floor" else xp.trunc(x / y)


def sum_to(grad: Any, shape: tuple) -> Any:
    """Undo broadcasting: sum ``grad`` (a tensor or an array) down to ``shape``.

    If ``x`` of shape (3, 1) was broadcast to (2, 3, 4) in the forward pass, each element of
    x was used 2 * 4 times, so its gradient is the sum over those copies: sum over the new
    leading dimension and over every dimension where x had size 1. The engine does this to
    every gradient a node returns in a bigger shape than its input's.
    """
    grad_shape = tuple(grad.shape)
    shape = tuple(shape)
    if grad_shape == shape:
        return grad
    lead = len(grad_shape) - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, size in enumerate(shape) if size == 1 and grad_shape[lead + i] != 1
    )
    if dims:
        grad = sum_keepdim(grad, dims)
    return reshape(grad, shape) if tuple(grad.shape) != shape else grad


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


# ============================================================================================
# Elementwise
# ============================================================================================


class Add(Primitive):
    """out = x + alpha * y;  grad_x = grad,  grad_y = alpha * grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y, alpha=1):
        ctx.alpha = alpha
        return x + y if alpha == 1 else x + alpha * y

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad if ctx.needs_input_grad[0] else None
        grad_y = None
        if ctx.needs_input_grad[1]:
            grad_y = grad if ctx.alpha == 1 else grad * ctx.alpha
        return grad_x, grad_y


class Sub(Primitive):
    """out = x - alpha * y;  grad_x = grad,  grad_y = -alpha * grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y, alpha=1):
        ctx.alpha = alpha
        return x - y if alpha == 1 else x - alpha * y

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad if ctx.needs_input_grad[0] else None
        grad_y = grad * -ctx.alpha if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Rsub(Primitive):
    """out = number - x (written ``2 - x``);  grad_x = -grad."""

    backward_on_arrays = True

    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, x, number):
        return number - x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Mul(Primitive):
    """out = x * y;  grad_x = grad * y,  grad_y = grad * x."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        # Keep only what backward reads: y for grad_x, x for grad_y (y first, the order in
        # which PyTorch saves them, so saved-tensor hooks run in the same order).
        needs = ctx.needs_input_grad
        ctx.save_for_backward(y if needs[0] else None, x if needs[1] else None)
        return x * y

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        grad_x = grad * y if ctx.needs_input_grad[0] else None
        grad_y = grad * x if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Div(Primitive):
    """out = x / y;  grad_x = grad / y,  grad_y = -grad * x / y**2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x / y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad / y if ctx.needs_input_grad[0] else None
        grad_y = -grad * x / (y * y) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Reciprocal(Primitive):
    """out = 1 / x;  grad_x = -grad * out**2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = 1 / x
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * out * out


class Neg(Primitive):
    """out = -x;  grad_x = -grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Primitive):
    """out = x ** exponent (a number);  grad_x = grad * exponent * x ** (exponent - 1)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return x**exponent

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.exponent == 0:
            return grad * 0
        return grad * ctx.exponent * x ** (ctx.exponent - 1)


class PowTensor(Primitive):
    """out = x ** y (both tensors);  grad_x = grad * y * x**(y-1),  grad_y = grad * out * log(x)."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, x, y):
        out = x**y
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        grad_x = grad * y * x ** (y - 1) if ctx.needs_input_grad[0] else None
        grad_y = None
        if ctx.needs_input_grad[1]:
            # Where x == 0 (and y >= 0) the limit of out * log(x) is 0, as PyTorch defines it.
            safe_log = where(x == 0, 0.0, x).log()
            grad_y = grad * out * safe_log
        return grad_x, grad_y


class PowScalarBase(Primitive):
    """out = base ** x (``2 ** x``);  grad_x = grad * out * log(base)."""

    backward_on_arrays = True

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, x, base):
        xp = xp_of(x)
        out = xp.asarray(base, dtype=x.dtype, **_same_device(xp, x)) ** x
        ctx.save_for_backward(out)
        ctx.log_base = float(np.log(base))
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * ctx.log_base


class Exp(Primitive):
    """out = exp(x);  grad_x = grad * out."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Primitive):
    """out = log(x);  grad_x = grad / x."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Primitive):
    """out = sqrt(x);  grad_x = grad / (2 * out)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Abs(Primitive):
    """out = |x|;  grad_x = grad * sign(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sign(x)


class Sign(Primitive):
    """out = sign(x);  grad_x = 0 (sign is flat wherever it is differentiable)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return xp_of(x).sign(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Sin(Primitive):
    """out = sin(x);  grad_x = grad * cos(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cos(x)


class Cos(Primitive):
    """out = cos(x);  grad_x = -grad * sin(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp_of(x).cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * sin(x)


class Tanh(Primitive):
    """out = tanh(x);  grad_x = grad * (1 - out**2)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Primitive):
    """out = 1 / (1 + exp(-x));  grad_x = grad * out * (1 - out)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        # The same function written with tanh, which never overflows for large |x|. Every
        # step after the first writes into the one buffer it allocated (NumPy's ``out=``;
        # other libraries allocate once more for tanh).
        out = 0.5 * x
        if type(out) is np.ndarray:
            np.tanh(out, out=out)
        else:
            out = xp_of(x).tanh(out)
        out += 1
        out *= 0.5
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        grad_x = 1 - out  # a fresh buffer, which the next two steps write into
        grad_x *= out
        grad_x *= grad
        return grad_x


class Relu(Primitive):
    """out = max(x, 0);  grad_x = grad where out > 0, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return relu_backward(grad, out)


class ThresholdBackward(Primitive):
    """out = grad where result > 0, else 0: ReLU's backward, as a node of its own when the
    backward pass is recorded;  grad_grad = the same mask on the incoming gradient,
    grad_result = 0. (So, as in PyTorch, a gradient through ReLU depends on ReLU's result:
    it requires grad, with a zero derivative, even when ``grad`` itself does not.)"""

    backward_on_arrays = True

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, result):
        ctx.save_for_backward(result)
        return masked(grad, result > 0)

    @staticmethod
    def backward(ctx, grad):
        (result,) = ctx.saved_tensors
        grad_grad = masked(grad, result > 0) if ctx.needs_input_grad[0] else None
        return grad_grad, grad * 0 if ctx.needs_input_grad[1] else None


relu_backward = _either(
    lambda grad, out: ThresholdBackward.apply(grad, out), lambda xp, grad, out: masked(grad, out > 0)
)


class Clamp(Primitive):
    """out = min(max(x, min), max);  grad_x = grad where min <= x <= max, else 0."""

    backward_on_arrays = True

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, min=None, max=None):
        xp = xp_of(x)
        inside = None
        out = x
        if min is not None:
            out = xp.maximum(out, xp.asarray(min, dtype=x.dtype, **_same_device(xp, x)))
            inside = x >= min
        if max is not None:
            out = xp.minimum(out, xp.asarray(max, dtype=x.dtype, **_same_device(xp, x)))
            inside = (x <= max) if inside is None else inside & (x <= max)
        ctx.save_for_backward(inside)
        return out

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return masked(grad, inside)


class Where(Primitive):
    """out = x where condition else y;  grad_x = grad where condition,  grad_y = grad elsewhere."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, condition, x, y):
        ctx.save_for_backward(condition)
        return xp_of(condition).where(condition, x, y)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        grad_x = choose(condition, grad, 0.0) if ctx.needs_input_grad[1] else None
        grad_y = choose(condition, 0.0, grad) if ctx.needs_input_grad[2] else None
        return None, grad_x, grad_y


class Maximum(Primitive):
    """out = max(x, y);  the larger input gets grad; on a tie each gets grad / 2."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return xp_of(x).maximum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        share = (x > y) + (x == y) * 0.5
        grad_x = grad * share if ctx.needs_input_grad[0] else None
        grad_y = grad * (1 - share) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Minimum(Primitive):
    """out = min(x, y);  the smaller input gets grad; on a tie each gets grad / 2."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return xp_of(x).minimum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        share = (x < y) + (x == y) * 0.5
        grad_x = grad * share if ctx.needs_input_grad[0] else None
        grad_y = grad * (1 - share) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class ToCopy(Primitive):
    """out = x converted to another dtype and/or device;  grad_x = grad converted back."""

    @staticmethod
    def forward(ctx, x, dtype, device):
        from ._backend import device_of

        ctx.source = (dtypes.of_array(x), device_of(x))
        moved = to_device(x, device)
        xp = xp_of(moved)
        return xp.astype(moved, native_dtype(xp, dtype), copy=moved is x)

    @staticmethod
    def backward(ctx, grad):
        dtype, device = ctx.source
        return grad.to(dtype=dtype, device=device)


class Clone(Primitive):
    """out = a copy of x;  grad_x = grad.

    The copy keeps x's memory layout, as PyTorch's ``clone()`` does; ``contiguous=True`` lays
    it out row by row instead (what ``x.contiguous()`` records).
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, contiguous=False):
        xp = xp_of(x)
        return _contiguous(xp, x) if contiguous else xp.asarray(x, copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad


# ---- nn-more: erf, and clamp_min as its own node ----------------------------------------------

# Steps for the formulas below (tensor form, array form), like those at the top of this file.
erf = _either(lambda t: t.erf(), lambda xp, a: _erf_array(a))
tanh = _either(lambda t: t.tanh(), lambda xp, a: xp.tanh(a))
sigmoid = _either(  # the same function written with tanh, which never overflows
    lambda t: t.sigmoid(), lambda xp, a: 0.5 * (1 + xp.tanh(0.5 * a))
)

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)  # (a Python float keeps float32 float32)


class Erf(Primitive):
    """out = erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt;  grad_x = grad * 2/sqrt(pi) * exp(-x^2)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_array(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _TWO_OVER_SQRT_PI * exp(-(x * x))


class ClampMin(Clamp):
    """out = max(x, min);  grad_x = grad where x >= min, else 0. ``x.clamp_min(m)`` records
    its own node in PyTorch (``x.clamp(min=m)`` records ClampBackward1): same formula."""

    node_name = "ClampMinBackward0"


# ---- elementwise: more unary, rounding and binary functions ---------------------------------
# Most one-input functions share a shape: forward calls the array library's function of the
# same name, saving its input (or its output) for backward. The classes below say only the
# math that differs: the function's name and the derivative.


class _OfInput(Primitive):
    """out = xp.<function>(x), saving x for backward (the derivative is written with x)."""

    backward_on_arrays = True
    function = ""

    @classmethod
    def forward(cls, ctx, x):
        ctx.save_for_backward(x)
        return getattr(xp_of(x), cls.function)(x)


class _OfOutput(Primitive):
    """out = xp.<function>(x), saving out for backward (the derivative is written with out)."""

    backward_on_arrays = True
    function = ""

    @classmethod
    def forward(cls, ctx, x):
        out = getattr(xp_of(x), cls.function)(x)
        ctx.save_for_backward(out)
        return out


class Log1p(_OfInput):
    """out = log(1 + x);  grad_x = grad / (1 + x)."""

    node_name = "Log1PBackward0"
    function = "log1p"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


class Expm1(_OfOutput):
    """out = exp(x) - 1;  grad_x = grad * (out + 1)."""

    function = "expm1"

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Log2(_OfInput):
    """out = log2(x);  grad_x = grad / (x * ln 2)."""

    function = "log2"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(_OfInput):
    """out = log10(x);  grad_x = grad / (x * ln 10)."""

    function = "log10"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN10)


_LN2, _LN10 = float(np.log(2.0)), float(np.log(10.0))


class Exp2(Primitive):
    """out = 2 ** x;  grad_x = grad * out * ln 2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        exp2 = getattr(xp_of(x), "exp2", None)  # not in the array API standard: 2.0 ** x there
        out = exp2(x) if exp2 is not None else 2.0**x
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * _LN2


class Tan(_OfOutput):
    """out = tan(x);  grad_x = grad * (1 + out**2)."""

    function = "tan"

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


class Asin(_OfInput):
    """out = asin(x);  grad_x = grad / sqrt(1 - x**2)."""

    function = "asin"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / sqrt(1 - x * x)


class Acos(_OfInput):
    """out = acos(x);  grad_x = -grad / sqrt(1 - x**2)."""

    function = "acos"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad / sqrt(1 - x * x)


class Atan(_OfInput):
    """out = atan(x);  grad_x = grad / (1 + x**2)."""

    function = "atan"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


class Sinh(_OfInput):
    """out = sinh(x);  grad_x = grad * cosh(x)."""

    function = "sinh"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cosh(x)


class Cosh(_OfInput):
    """out = cosh(x);  grad_x = grad * sinh(x)."""

    function = "cosh"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sinh(x)


class _Rounding(Primitive):
    """out = xp.<function>(x);  grad_x = 0: a step function is flat wherever it is
    differentiable. The zero gradient is a constant, not recorded, as in PyTorch."""

    backward_on_arrays = True
    function = ""

    @classmethod
    def forward(cls, ctx, x):
        return getattr(xp_of(x), cls.function)(x)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


class Floor(_Rounding):
    """out = floor(x) (the integer below);  grad_x = 0."""

    function = "floor"


class Ceil(_Rounding):
    """out = ceil(x) (the integer above);  grad_x = 0."""

    function = "ceil"


class Trunc(_Rounding):
    """out = trunc(x) (towards zero);  grad_x = 0."""

    function = "trunc"


class Round(_Rounding):
    """out = round(x) (halves to even: round(2.5) = 2);  grad_x = 0."""

    function = "round"


class RoundDecimals(Primitive):
    """out = round(x * 10**decimals) / 10**decimals;  grad_x = 0."""

    backward_on_arrays = True

    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, x, decimals):
        # PyTorch's kernel: scale by the power of ten, round half to even, scale back (for
        # negative decimals it divides first, so the power of ten stays an exact integer).
        xp = xp_of(x)
        scale = 10.0 ** abs(decimals)
        if decimals >= 0:
            return xp.round(x * scale) / scale
        return xp.round(x / scale) * scale

    backward = staticmethod(_Rounding.backward)


class Frac(Primitive):
    """out = x - trunc(x) (the fractional part, with x's sign);  grad_x = grad."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return x - xp_of(x).trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


class Atan2(Primitive):
    """out = atan2(y, x) (the angle of the point (x, y));
    grad_y = grad * x / (x**2 + y**2),  grad_x = -grad * y / (x**2 + y**2)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return xp_of(y).atan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        scaled = grad / (x * x + y * y)
        grad_y = scaled * x if ctx.needs_input_grad[0] else None
        grad_x = -scaled * y if ctx.needs_input_grad[1] else None
        return grad_y, grad_x


class Hypot(Primitive):
    """out = sqrt(x**2 + y**2);  grad_x = grad * x / out,  grad_y = grad * y / out."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        out = xp_of(x).hypot(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        scaled = grad / out
        grad_x = scaled * x if ctx.needs_input_grad[0] else None
        grad_y = scaled * y if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


class Logaddexp(Primitive):
    """out = log(exp(x) + exp(y));
    grad_x = grad / (1 + exp(y - x)),  grad_y = grad / (1 + exp(x - y))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return xp_of(x).logaddexp(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad / (1 + exp(y - x)) if ctx.needs_input_grad[0] else None
        grad_y = grad / (1 + exp(x - y)) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


# fmod and % are one remainder, x - q * y, with the quotient q = x / y rounded differently:
# towards zero for fmod (the result has x's sign), down for % (the result has y's sign).


def _remainder(x: Any, y: Any, rounding: str) -> Any:
    return fmod(x, y) if rounding == "trunc" else xp_of(x).remainder(x, y)


class _RemainderByNumber(Primitive):
    """out = x - q * number;  grad_x = grad (q is flat between its jumps)."""

    backward_on_arrays = True
    rounding = ""

    @classmethod
    def forward(cls, ctx, x, number):
        return _remainder(x, number, cls.rounding)

    @staticmethod
    def backward(ctx, grad):
        return grad


class _RemainderByTensor(Primitive):
    """out = x - q * y;  grad_x = grad,  grad_y = -grad * q."""

    backward_on_arrays = True
    rounding = ""

    @classmethod
    def forward(cls, ctx, x, y):
        ctx.save_for_backward(_if(ctx, 1, x), _if(ctx, 1, y))
        ctx.rounding = cls.rounding
        return _remainder(x, y, cls.rounding)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_y = -grad * quotient(x, y, ctx.rounding) if ctx.needs_input_grad[1] else None
        return grad, grad_y


class Fmod(_RemainderByNumber):
    """out = x - trunc(x / number) * number (C's fmod: the sign of x);  grad_x = grad."""

    node_name = "FmodBackward0"
    rounding = "trunc"


class FmodTensor(_RemainderByTensor):
    """out = x - trunc(x / y) * y;  grad_x = grad,  grad_y = -grad * trunc(x / y)."""

    node_name = "FmodBackward1"
    rounding = "trunc"


class Remainder(_RemainderByNumber):
    """out = x - floor(x / number) * number (Python's %: the sign of number);  grad_x = grad."""

    node_name = "RemainderBackward0"
    rounding = "floor"


class RemainderTensor(_RemainderByTensor):
    """out = x - floor(x / y) * y;  grad_x = grad,  grad_y = -grad * floor(x / y)."""

    node_name = "RemainderBackward1"
    rounding = "floor"


class _NotImplemented(Primitive):
    """An operation PyTorch has no derivative for (``x // y``, ``2 % x``): the node is
    recorded, named ``NotImplemented``, and going back through it raises PyTorch's error.

    ``operation`` names the array function; a number operand is a setting (no edge), and
    ``reflected`` puts it first (``number % x``)."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, x, y=None, operation="", aten_name="", number=None, reflected=False):
        ctx.aten_name = aten_name
        other = number if y is None else y
        first, second = (other, x) if reflected else (x, other)
        return getattr(xp_of(x), operation)(first, second)

    @staticmethod
    def backward(ctx, grad):
        raise with_hint(
            RuntimeError(
                f"derivative for aten::{ctx.aten_name} is not implemented"
            ),
            "no_derivative",
        )


def _lerp(x: Any, end: Any, weight: Any) -> Any:
    """x + weight * (end - x), computed from the nearer end as PyTorch does (so weight 1 gives
    exactly end, and float32 results agree to the last bit)."""
    difference = end - x
    if isinstance(weight, (int, float)):
        if abs(weight) < 0.5:
            return x + weight * difference
        return end - difference * (1 - weight)
    return xp_of(x).where(
        xp_of(x).abs(weight) < 0.5, x + weight * difference, end - difference * (1 - weight)
    )


class Lerp(Primitive):
    """out = x + weight * (end - x) (weight a number);
    grad_x = grad * (1 - weight),  grad_end = grad * weight."""

    backward_on_arrays = True

    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, x, end, weight):
        ctx.weight = weight
        return _lerp(x, end, weight)

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad * (1 - ctx.weight) if ctx.needs_input_grad[0] else None
        grad_end = grad * ctx.weight if ctx.needs_input_grad[1] else None
        return grad_x, grad_end


class LerpTensor(Primitive):
    """out = x + weight * (end - x);  grad_x = grad * (1 - weight),  grad_end = grad * weight,
    grad_weight = grad * (end - x)."""

    backward_on_arrays = True

    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, x, end, weight):
        ctx.save_for_backward(_if(ctx, 2, x), _if(ctx, 2, end), weight)
        return _lerp(x, end, weight)

    @staticmethod
    def backward(ctx, grad):
        x, end, weight = ctx.saved_tensors
        grad_x = grad * (1 - weight) if ctx.needs_input_grad[0] else None
        grad_end = grad * weight if ctx.needs_input_grad[1] else None
        grad_weight = grad * (end - x) if ctx.needs_input_grad[2] else None
        return grad_x, grad_end, grad_weight


class Addcmul(Primitive):
    """out = x + value * t1 * t2;  grad_x = grad,  grad_t1 = grad * value * t2,
    grad_t2 = grad * value * t1."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, tensor1, tensor2, value=1):
        ctx.save_for_backward(_if(ctx, 2, tensor1), _if(ctx, 1, tensor2))
        ctx.value = value
        return x + value * tensor1 * tensor2

    @staticmethod
    def backward(ctx, grad):
        tensor1, tensor2 = ctx.saved_tensors
        scaled = grad * ctx.value if ctx.value != 1 else grad
        grad_1 = scaled * tensor2 if ctx.needs_input_grad[1] else None
        grad_2 = scaled * tensor1 if ctx.needs_input_grad[2] else None
        return grad, grad_1, grad_2


class Addcdiv(Primitive):
    """out = x + value * t1 / t2;  grad_x = grad,  grad_t1 = grad * value / t2,
    grad_t2 = -grad * value * t1 / t2**2."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, tensor1, tensor2, value=1):
        ctx.save_for_backward(_if(ctx, 2, tensor1), tensor2)
        ctx.value = value
        return x + value * tensor1 / tensor2

    @staticmethod
    def backward(ctx, grad):
        tensor1, tensor2 = ctx.saved_tensors
        scaled = grad * ctx.value if ctx.value != 1 else grad
        grad_1 = scaled / tensor2 if ctx.needs_input_grad[1] else None
        grad_2 = -scaled * tensor1 / (tensor2 * tensor2) if ctx.needs_input_grad[2] else None
        return grad, grad_1, grad_2


class NanToNum(Primitive):
    """out = x with NaN -> nan, +inf -> posinf, -inf -> neginf (by default the dtype's largest
    and smallest finite values);  grad_x = grad where x is finite, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, nan=0.0, posinf=None, neginf=None):
        xp = xp_of(x)
        finite = xp.isfinite(x)
        ctx.save_for_backward(finite)
        limits = xp.finfo(x.dtype)

        def constant(value: float) -> Any:
            return xp.asarray(value, dtype=x.dtype, **_same_device(xp, x))

        posinf = limits.max if posinf is None else posinf
        neginf = limits.min if neginf is None else neginf
        replaced = xp.where(x > 0, constant(posinf), constant(neginf))
        replaced = xp.where(xp.isnan(x), constant(nan), replaced)
        return xp.where(finite, x, replaced)

    @staticmethod
    def backward(ctx, grad):
        (finite,) = ctx.saved_tensors
        return masked(grad, finite)


# ============================================================================================
# Reductions
# ============================================================================================


def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """Normalise ``dim`` (None, an int or a tuple, possibly negative) to sorted axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    from .tensor import _normalize_dim

    return tuple(sorted(_normalize_dim(d, ndim) for d in dim))


def _expand_back(grad: Any, shape: tuple, dims: tuple, keepdim: bool) -> Any:
    """Broadcast the gradient of a reduction back over the dimensions that were reduced."""
    if not keepdim:
        for dim in dims:
            grad = unsqueeze(grad, dim)
    return expand(grad, shape)


class Sum(Primitive):
    """out = sum of all elements;  grad_x = grad copied to every element."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dtype=None):
        ctx.shape = x.shape
        xp = xp_of(x)
        return xp.sum(x, dtype=native_dtype(xp, dtype) if dtype is not None else None)

    @staticmethod
    def backward(ctx, grad):
        return expand(grad, ctx.shape)


class SumDim(Primitive):
    """out = sum over ``dim``;  grad_x = grad copied along the summed dimensions."""

    backward_on_arrays = True

    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim=False, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        xp = xp_of(x)
        out = xp.sum(
            x, axis=dim, keepdims=keepdim, dtype=native_dtype(xp, dtype) if dtype is not None else None
        )
        return _row_by_row(xp, out)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)


class Nansum(Primitive):
    """out = sum of the elements that are not NaN (over ``dims``, all when None);
    grad_x = grad copied to those elements, 0 at the NaNs."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False, dtype=None):
        xp = xp_of(x)
        numbers = ~xp.isnan(x)
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.save_for_backward(_wrap(numbers))
        out = xp.sum(
            xp.where(numbers, x, xp.zeros_like(x)),
            axis=dims,
            keepdims=keepdim,
            dtype=native_dtype(xp, dtype) if dtype is not None else None,
        )
        return _row_by_row(xp, out)

    @staticmethod
    def backward(ctx, grad):
        (numbers,) = ctx.saved_tensors
        spread = expand(grad, ctx.shape) if ctx.dims is None else _expand_back(
            grad, ctx.shape, ctx.dims, ctx.keepdim
        )
        return masked(spread, numbers)


class Mean(Primitive):
    """out = mean of all elements;  grad_x = grad / numel for every element."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        ctx.count = max(x.size, 1)
        # The same sum / n that NumPy's mean computes, without its slower Python wrapper.
        return xp_of(x).sum(x) / x.size if x.size else xp_of(x).mean(x)

    @staticmethod
    def backward(ctx, grad):
        return expand(grad / ctx.count, ctx.shape)


class MeanDim(Primitive):
    """out = mean over ``dim``;  grad_x = grad / (number averaged) along those dimensions."""

    backward_on_arrays = True

    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        ctx.count = int(np.prod([x.shape[d] for d in dim])) if dim else 1
        xp = xp_of(x)
        return _row_by_row(xp, xp.mean(x, axis=dim, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad / ctx.count, ctx.shape, ctx.dims, ctx.keepdim)


class _ExtremeAll(Primitive):
    """out = the largest (smallest) element;  grad shared equally by the elements equal to it."""

    _reduce = "max"

    @classmethod
    def forward(cls, ctx, x):
        out = getattr(xp_of(x), cls._reduce)(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        winners = (x == out).to(grad.dtype)
        return grad * winners / winners.sum()


class MaxAll(_ExtremeAll):
    node_name = "MaxBackward1"
    _reduce = "max"


class MinAll(_ExtremeAll):
    node_name = "MinBackward1"
    _reduce = "min"


class _ExtremeDim(Primitive):
    """out = the largest (smallest) values along ``dim``;  grad goes to the index that won."""

    _reduce = "max"

    @classmethod
    def forward(cls, ctx, x, dim, keepdim=False):
        xp = xp_of(x)
        indices = getattr(xp, "arg" + cls._reduce)(x, axis=dim, keepdims=True)
        values = xp.take_along_axis(x, indices, axis=dim)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        ctx.save_for_backward(indices)
        return values if keepdim else xp.squeeze(values, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        xp = xp_of(indices._array)
        positions = xp.reshape(
            xp.arange(ctx.shape[ctx.dim], **_same_device(xp, indices._array)),
            tuple(-1 if d == ctx.dim else 1 for d in range(len(ctx.shape))),
        )
        one_hot = _wrap(positions == indices._array)
        if not ctx.keepdim:
            grad = grad.unsqueeze(ctx.dim)
        return grad * one_hot


class MaxDim(_ExtremeDim):
    node_name = "MaxBackward0"
    _reduce = "max"


class MinDim(_ExtremeDim):
    node_name = "MinBackward0"
    _reduce = "min"


class _ExtremeOverDims(Primitive):
    """out = the largest (smallest) values over ``dims`` (``amax``/``amin``);  grad shared
    equally by the elements equal to their slice's extreme (``max(dim)`` picks one instead)."""

    _reduce = "max"

    @classmethod
    def forward(cls, ctx, x, dims, keepdim=False):
        out = getattr(xp_of(x), cls._reduce)(x, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        ctx.dims, ctx.keepdim = dims, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        extreme = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        winners = (x == extreme).to(grad.dtype)
        shared = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim) / winners.sum(
            ctx.dims, keepdim=True
        )
        return shared * winners


class Amax(_ExtremeOverDims):
    _reduce = "max"


class Amin(_ExtremeOverDims):
    _reduce = "min"


class Prod(Primitive):
    """out = product of all elements;  grad_x[i] = grad * (product of all the others)."""

    @staticmethod
    def forward(ctx, x):
        out = xp_of(x).prod(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return grad * _product_of_others(x, out, None)


class ProdDim(Primitive):
    """out = product along ``dim``;  grad_x[i] = grad * (product of the others along dim)."""

    node_name = "ProdBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        xp = xp_of(x)
        out = _row_by_row(xp, xp.prod(x, axis=dim, keepdims=keepdim))
        ctx.save_for_backward(x, out)  # the returned array, so double backward sees it
        ctx.dim, ctx.keepdim = dim, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            grad, out = grad.unsqueeze(ctx.dim), out.unsqueeze(ctx.dim)
        return grad * _product_of_others(x, out, ctx.dim)


def _product_of_others(x: Tensor, out: Tensor, dim: int | None) -> Tensor:
    """prod(x) / x, computed without dividing by zero when some x are 0."""
    xp = xp_of(x._array)
    if not bool(xp.any(x._array == 0)):
        return out / x
    # With zeros, multiply the products of everything before and after each element.
    array = x._array.reshape(-1) if dim is None else x._array
    axis = 0 if dim is None else dim
    ones_shape = list(array.shape)
    ones_shape[axis] = 1
    ones = xp.ones(ones_shape, dtype=array.dtype)
    before = xp.cumprod(xp.concat([ones, array], axis=axis), axis=axis)
    length = array.shape[axis]
    before = xp.take(before, xp.arange(length), axis=axis)
    flipped = xp.flip(array, axis=axis)
    after = xp.flip(
        xp.take(
            xp.cumprod(xp.concat([ones, flipped], axis=axis), axis=axis),
            xp.arange(length),
            axis=axis,
        ),
        axis=axis,
    )
    return _wrap((before * after).reshape(x._array.shape))


class Var(Primitive):
    """out = sum((x - mean)**2) / (n - correction);  grad_x = grad * 2 (x - mean) / (n - correction)."""

    @staticmethod
    def forward(ctx, x, dim=None, correction=1, keepdim=False):
        ctx.save_for_backward(x)
        ctx.dim, ctx.correction, ctx.keepdim = dim, correction, keepdim
        xp = xp_of(x)
        return _row_by_row(xp, xp.var(x, axis=dim, correction=correction, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        dims = _dims(ctx.dim, x.ndim)
        count = int(np.prod([x.shape[d] for d in dims]))
        centred = x - x.mean(dims, keepdim=True)
        grad = _expand_back(grad, x.shape, dims, ctx.keepdim) if dims else grad
        return grad * centred * (2.0 / max(count - ctx.correction, 0))


class Std(Primitive):
    """out = sqrt(var(x));  grad_x = grad * (x - mean) / ((n - correction) * out), and 0 where
    out is 0 (all values equal), as in PyTorch."""

    @staticmethod
    def forward(ctx, x, dim=None, correction=1, keepdim=False):
        xp = xp_of(x)
        out = _row_by_row(xp, xp.std(x, axis=dim, correction=correction, keepdims=keepdim))
        ctx.save_for_backward(x, out)
        ctx.dim, ctx.correction, ctx.keepdim = dim, correction, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        dims = _dims(ctx.dim, x.ndim)
        count = int(np.prod([x.shape[d] for d in dims]))
        centred = x - x.mean(dims, keepdim=True)
        scaled = _divided_where_nonzero(grad, out) / max(count - ctx.correction, 0)
        if dims:
            scaled = _expand_back(scaled, x.shape, dims, ctx.keepdim)
        return scaled * centred


class LinalgVectorNorm(Primitive):
    """out = the ``ord``-norm over ``dims``: (sum |x|**ord) ** (1/ord); ord = inf is max |x|,
    -inf min |x|, 0 the count of nonzeros.
    grad_x = grad * x / out for ord 2 (0 where out is 0: x = 0 is a minimum), grad * sign(x)
    for ord 1, and in general grad * sign(x) |x|**(ord-1) / out**(ord-1) (PyTorch's formulas,
    ``_norm_gradient`` below); for ord = inf the elements with |x| = out share grad equally.
    """

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim=False, ord=2):
        xp = xp_of(x)
        out = _row_by_row(xp, _vector_norm_of(xp, x, ord, dims, keepdim))
        ctx.save_for_backward(x, out)
        ctx.dims, ctx.keepdim, ctx.ord = dims, keepdim, ord
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if ctx.ord == 0:  # piecewise constant: PyTorch gives no gradient at all
            return None
        grad = _expand_back(grad, x.shape, ctx.dims, ctx.keepdim)
        out = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        return _norm_gradient(x, out, grad, ctx.ord, ctx.dims)


def _vector_norm_of(xp: Any, x: Any, ord: float, dims: Any, keepdim: bool) -> Any:
    """The ``ord``-norm of array ``x`` over ``dims`` (forward of the norm-like primitives)."""
    if ord == 2:
        return xp.sqrt(xp.sum(x * x, axis=dims, keepdims=keepdim))
    magnitude = xp.abs(x)
    if ord == float("inf"):
        return xp.max(magnitude, axis=dims, keepdims=keepdim)
    if ord == -float("inf"):
        return xp.min(magnitude, axis=dims, keepdims=keepdim)
    if ord == 0:
        return xp.sum(xp.astype(x != 0, x.dtype), axis=dims, keepdims=keepdim)
    if ord == 1:
        return xp.sum(magnitude, axis=dims, keepdims=keepdim)
    return xp.sum(magnitude**ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


def _norm_gradient(x: Tensor, out: Tensor, grad: Tensor, ord: float, dims: Any) -> Tensor:
    """grad * d(out)/dx for out = the ``ord``-norm of x over ``dims``, with ``out`` and ``grad``
    already expanded to x's shape. For ord = +-inf the elements that reach out share grad
    equally when ``dims`` is given (vector norms), and each gets all of it when ``dims`` is
    None (cdist, as in PyTorch)."""
    if ord == 0:
        return x * 0
    if ord == 1:
        return grad * x.sign()
    if ord == 2:
        return _divided_where_nonzero(grad, out) * x
    if ord in (float("inf"), -float("inf")):
        reached = (x.abs() == out).to(grad.dtype)
        if dims is not None:
            reached = reached / reached.sum(dims, keepdim=True)
        return grad * x.sign() * reached
    # sign(x) |x|**(ord-1), set to 0 where x = 0 without ever forming 0 ** negative.
    nonzero = x != 0
    powered = x.sign() * masked(choose(nonzero, x.abs(), 1.0) ** (ord - 1), nonzero)
    if ord < 1:
        return powered * grad * out ** (1 - ord)
    return powered * _divided_where_nonzero(grad, out ** (ord - 1))


def _divided_where_nonzero(grad: Any, out: Any) -> Any:
    """grad / out where out is not 0, and 0 where it is (no division by zero happens)."""
    nonzero = out != 0
    return masked(grad / choose(nonzero, out, out + 1), nonzero)


class Softmax(Primitive):
    """out = exp(x) / sum(exp(x)) along dim;  grad_x = out * (grad - sum(grad * out))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim):
        xp = xp_of(x)
        if 0 in x.shape:  # no elements: nothing to normalise
            out = xp.asarray(x, copy=True)
        else:  # minus the max first: the same result, and exp never overflows
            shifted = xp.exp(x - xp.max(x, axis=dim, keepdims=True))
            out = _row_by_row(xp, shifted / xp.sum(shifted, axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - sum_keepdim(grad * out, ctx.dim))


class LogSoftmax(Primitive):
    """out = x - log(sum(exp(x))) along dim;  grad_x = grad - exp(out) * sum(grad)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim):
        xp = xp_of(x)
        if 0 in x.shape:  # no elements: nothing to normalise
            out = xp.asarray(x, copy=True)
        else:
            shifted = x - xp.max(x, axis=dim, keepdims=True)
            out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=dim, keepdims=True))
            out = _row_by_row(xp, out)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - exp(out) * sum_keepdim(grad, ctx.dim)


class Logsumexp(Primitive):
    """out = log(sum(exp(x))) along dim;  grad_x = grad * exp(x - out)."""

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        xp = xp_of(x)
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if all(x.shape[d] for d in dims):
            peak = xp.max(x, axis=dim, keepdims=True)
        else:  # a sum of no terms is 0, and log(0) = -inf; no max to subtract
            kept = tuple(1 if d in dims or d - x.ndim in dims else n for d, n in enumerate(x.shape))
            peak = xp.zeros(kept, dtype=x.dtype)
        out = xp.log(xp.sum(xp.exp(x - peak), axis=dim, keepdims=True)) + peak
        out = _row_by_row(xp, out if keepdim else xp.squeeze(out, axis=dim))
        ctx.save_for_backward(x, out)  # the returned array, so double backward sees it
        ctx.dim, ctx.keepdim = dim, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if not ctx.keepdim:
            grad = grad.unsqueeze(ctx.dim)
            out = out.unsqueeze(ctx.dim) if out.ndim < x.ndim else out
        return grad * (x - out).exp()


# ---- scans-linalg: running sums and products, sorting and picking by rank -------------------

cumulative_sum = _either(
    lambda t, dim: t.cumsum(dim), lambda xp, a, dim: _backend.cumulative(a, dim, "sum")
)


def _reverse_cumsum(grad: Any, dim: int) -> Any:
    """out[i] = sum of grad[k] for k >= i along ``dim`` (the sum from the right): the total
    minus the running sum up to i, plus grad[i] itself."""
    return sum_keepdim(grad, dim) - cumulative_sum(grad, dim) + grad


class Cumsum(Primitive):
    """out[k] = sum of x[j] for j <= k along ``dim``;  grad_x[i] = sum of grad[k] for k >= i
    (each x[i] appears in every running sum from position i on)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim, dtype=None):
        ctx.dim = dim
        xp = xp_of(x)
        dtype = native_dtype(xp, dtype) if dtype is not None else None
        if x.ndim == 0:  # a number is its own running sum
            return xp.asarray(x, dtype=dtype, copy=True)
        return _row_by_row(xp, _backend.cumulative(x, dim, "sum", dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad if grad.ndim == 0 else _reverse_cumsum(grad, ctx.dim)


class Cumprod(Primitive):
    """out[k] = product of x[j] for j <= k along ``dim``;
    grad_x[i] = sum over k >= i of grad[k] * (product of x[j] for j <= k, j != i).

    Without zeros that product is out[k] / x[i], so grad_x = reverse_cumsum(grad * out) / x.
    A zero in x makes that 0 / 0, so then the products that leave x[i] out are formed
    directly: for each i, the running product of x with x[i] replaced by 1.
    """

    @staticmethod
    def forward(ctx, x, dim, dtype=None):
        xp = xp_of(x)
        dtype = native_dtype(xp, dtype) if dtype is not None else None
        if x.ndim == 0:
            out = xp.asarray(x, dtype=dtype, copy=True)
        else:
            out = _row_by_row(xp, _backend.cumulative(x, dim, "prod", dtype))
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if x.ndim == 0:
            return grad
        xp = xp_of(x._array)
        if not bool(xp.any(x._array == 0)):
            return _reverse_cumsum(grad * out, ctx.dim) / x
        # Move dim last; rows[..., i, k] = x[k] with x[i] replaced by 1.
        along_last, grad_last = x.transpose(ctx.dim, -1), grad.transpose(ctx.dim, -1)
        size = x.shape[ctx.dim]
        positions = xp.arange(size, **_same_device(xp, x._array))
        i, k = xp.reshape(positions, (size, 1)), xp.reshape(positions, (1, size))
        rows = where(_wrap(i == k), 1.0, along_last.unsqueeze(-2))
        # products[..., i, k] = product of x[j] for j <= k, j != i; only k >= i contribute.
        products = rows.cumprod(-1)
        grad_x = (masked(grad_last.unsqueeze(-2) * products, _wrap(k >= i))).sum(-1)
        return grad_x.transpose(ctx.dim, -1)


class _PickAlong(Primitive):
    """out = x's values at ``indices`` along ``dim`` (sort, topk, kthvalue, median(dim));
    grad_x = grad placed back at those positions, zeros elsewhere.

    The method finds ``indices`` (one sort), returns them beside the values, and hands them
    here, so the values are gathered with the very positions the user sees.
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, indices, dim, keepdim=True):
        xp = xp_of(x)
        if x.ndim == 0:
            ctx.shape, ctx.key = (), ()
            return xp.asarray(x, copy=True)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        ctx.key = _positions_along(xp, indices, dim)
        values = xp.take_along_axis(x, indices, axis=dim)
        return values if keepdim else xp.squeeze(values, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.shape:
            return grad
        if not ctx.keepdim:
            grad = unsqueeze(grad, ctx.dim)
        return placed_back(grad, ctx.shape, ctx.key)


def _positions_along(xp: Any, indices: Any, dim: int) -> tuple:
    """The index key ``x[key]`` that reads x at ``indices`` along ``dim`` (take_along_axis as
    advanced indexing): ``indices`` for ``dim``, a broadcast ``arange`` for every other one."""
    ndim = indices.ndim
    key = []
    for axis in range(ndim):
        if axis == dim:
            key.append(indices)
            continue
        shape = tuple(-1 if d == axis else 1 for d in range(ndim))
        positions = xp.arange(indices.shape[axis], **_same_device(xp, indices))
        key.append(xp.reshape(positions, shape))
    return tuple(key)


class Sort(_PickAlong):
    """out = x sorted along ``dim``;  grad_x = grad placed back where each value came from."""


class SortStable(_PickAlong):
    """Sort, as recorded when ``stable=`` is passed (PyTorch's other overload of sort)."""

    node_name = "SortBackward1"


class Topk(_PickAlong):
    """out = the k largest (smallest) values along ``dim``;  grad_x = grad placed back."""


class Kthvalue(_PickAlong):
    """out = the k-th smallest value along ``dim``;  grad_x = grad placed back at its index."""


class MedianDim(_PickAlong):
    """out = the (lower) median along ``dim``;  grad_x = grad placed back at its index."""

    node_name = "MedianBackward1"


class MedianAll(_ExtremeAll):
    """out = the middle element (the lower of the two middle ones for an even count);
    grad shared equally by the elements equal to it, as for max()."""

    node_name = "MedianBackward0"

    @classmethod
    def forward(cls, ctx, x):
        xp = xp_of(x)
        flat = xp.reshape(x, (-1,))
        if flat.shape[0] == 0:  # PyTorch's median of nothing is nan
            out = xp.asarray(float("nan"), dtype=x.dtype, **_same_device(xp, x))
        else:
            out = xp.sort(flat)[(flat.shape[0] - 1) // 2]
        ctx.save_for_backward(x, out)
        return out


# ============================================================================================
# Shape
# ============================================================================================


class _ViewPrimitive(Primitive):
    """A primitive whose output is a view: it shares its input's memory (slicing, transposes,
    ``view``, ``expand``, ``squeeze`` ...). The output remembers its base and shares the base's
    version counter, as in PyTorch (see ``autograd/views.py`` for what that makes possible)."""

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
        return reshape(grad, ctx.shape)


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
        return reshape(grad, ctx.shape)


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
        return reshape(grad, ctx.shape)


class Unsqueeze(_ViewPrimitive):
    """out = x with a new size-1 dimension at ``dim``;  grad_x = grad.squeeze(dim)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return xp_of(x).expand_dims(x, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return squeeze(grad, ctx.dim)


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


class Select(_ViewPrimitive):
    """out = x[..., index, ...] along ``dim`` (one dimension fewer);  grad_x = grad placed back."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, key):
        key = _covering(key)
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return placed_back(grad, ctx.shape, ctx.key)


class AsStrided(Primitive):
    """out = the elements of x at the flat positions ``index`` (an integer array in the view's
    shape);  grad_x = grad added back at those positions.

    How a view is seen from its base again after an in-place change to either: the view's new
    grad_fn picks its region out of the base's gradient (``autograd/views.py``).
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
    return reshape(placed_back(reshape(grad, (-1,)), (size,), flat_index), shape)


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
            index_add(out, key, grad)
        else:
            out[key] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, key=ctx.key)


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


def _take_dim(key: Any) -> int | None:
    """``dim`` when ``key`` is ``(:, ..., :, integers)`` with a 1-D integer array at ``dim``
    (what ``x[[0, 2]]`` and ``index_select`` index with), else None."""
    if not isinstance(key, tuple) or not key:
        return None
    *slices, rows = key
    if getattr(rows, "ndim", None) != 1 or dtypes.of_array(rows)._category != 1:
        return None
    if any(not isinstance(part, slice) or part != slice(None) for part in slices):
        return None
    return len(slices)


def _covering(key: Any) -> Any:
    """A basic index with a trailing ``...`` when it has none: NumPy and CuPy assume it, the
    array API standard (and array-api-strict's test devices) wants every axis covered."""
    if not isinstance(key, tuple) or _is_advanced(key) or any(part is Ellipsis for part in key):
        return key
    return key + (Ellipsis,)


def _is_advanced(key: Any) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return any(not isinstance(part, (int, slice, type(None), type(Ellipsis))) for part in parts)


def _same_device(xp: Any, array: Any) -> dict:
    """``device=`` for creating an array beside ``array`` (NumPy needs none)."""
    return {} if xp is np else {"device": array.device}


# ---- in-place helpers: ops that only exist as x.op_() ------------------------------------------


class Zero(Primitive):
    """out = zeros like x (``x.zero_()``);  grad_x = 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return xp_of(x).zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Fill(Primitive):
    """out = ``value`` everywhere (``x.fill_(value)``);  grad_x = 0."""

    backward_on_arrays = True

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return xp_of(x).full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Copy(Primitive):
    """out = src broadcast into x's shape and dtype (``x.copy_(src)``);
    grad_x = 0,  grad_src = grad summed to src's shape."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        xp = xp_of(x)
        return xp.astype(xp.broadcast_to(to_device(src, _device(x)), x.shape), x.dtype, copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, grad if ctx.needs_input_grad[1] else None


def _device(array: Any) -> Any:
    from ._backend import device_of

    return device_of(array)


# ---- shape-index: flips, repeats, gathers and scatters, diagonals ----------------------------

flipped = _either(lambda t, dims: t.flip(dims), lambda xp, a, dims: xp.flip(a, axis=dims))
rolled = _either(
    lambda t, shifts, dims: t.roll(shifts, dims),
    lambda xp, a, shifts, dims: xp.roll(a, shifts, axis=dims),
)
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
summed_over = _either(lambda t, dims: t.sum(dims), lambda xp, a, dims: xp.sum(a, axis=dims))
triangle = _either(  # side is "tril" or "triu"
    lambda t, side, k: getattr(t, side)(k),
    lambda xp, a, side, k: getattr(xp, side)(a, k=k),
)
matrix_diagonal = _either(
    lambda t, offset: Diagonal.apply(t, offset=offset, dim1=0, dim2=1),
    lambda xp, a, offset: xp.asarray(diagonal_of(a, offset, 0, 1), copy=True),
)


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
        grad_x = summed_over(reshape(grad, split), tuple(range(0, len(split), 2)))
        return grad_x if tuple(grad_x.shape) == tuple(ctx.shape) else reshape(grad_x, ctx.shape)


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


class ScatterAdd(Primitive):
    """out = x with alpha * src added at ``key`` (``scatter_add``: out[i][index[i][j][k]][k]
    += src[i][j][k] for dim 1; repeated positions add up);
    grad_x = grad,  grad_src = alpha * grad[key]."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, src, key, alpha=1):
        ctx.key, ctx.alpha = key, alpha
        out = xp_of(x).asarray(x, copy=True)
        index_add(out, key, src if alpha == 1 else src * alpha)
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


# ---- matmul-graph: in-place squeeze and unsqueeze -------------------------------------------
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


# ============================================================================================
# Matmul
# ============================================================================================


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
        grad_x = unsqueeze(grad, 1) * y if ctx.needs_input_grad[0] else None
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


# ---- scans-linalg: distances ------------------------------------------------------------------


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
        grad_x = cross(y, grad, ctx.dim) if ctx.needs_input_grad[0] else None
        grad_y = cross(grad, x, ctx.dim) if ctx.needs_input_grad[1] else None
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


# ---- scans-linalg: einsum --------------------------------------------------------------------

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


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """``ak.where``: elements of ``x`` where ``condition`` holds, else of ``y`` (numbers allowed)."""
    from ._tensor_methods import where as _where

    return _where(condition, x, y)


__all__ = ["PRIMITIVES", "Primitive", "native_dtype", "sum_to"]


# ============================================================================================
# ---- neural-network ops ----
# The layers and losses of ak.nn that PyTorch records as one node each. Forward works on
# arrays (through ``xp`` only, so any device works); backward is written with tensor ops, so
# it can itself be differentiated. When backward does not record (no create_graph), it reuses
# arrays forward already computed instead of recomputing them.
# ============================================================================================


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


def _conv_out_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _padded(x: Any, padding: tuple, fill: float) -> Any:
    """x (N, C, H, W) inside a border of ``fill`` that is ``padding`` wide."""
    pad_h, pad_w = padding
    if pad_h == 0 and pad_w == 0:
        return x
    xp = xp_of(x)
    n, c, h, w = x.shape
    out = xp.full((n, c, h + 2 * pad_h, w + 2 * pad_w), fill, dtype=x.dtype, **_same_device(xp, x))
    out[:, :, pad_h : pad_h + h, pad_w : pad_w + w] = x
    return out


def _windows(padded: Any, kernel: tuple, stride: tuple, out_size: tuple) -> list:
    """One strided view per kernel offset (i, j): view[n, c, r, s] = padded[n, c, r*sh + i, s*sw + j]."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out_size
    return [
        padded[:, :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw]
        for i in range(kh)
        for j in range(kw)
    ]


def _im2col(x: Any, kernel: tuple, stride: tuple, padding: tuple) -> Any:
    """rows[(n, r, s), (c, i, j)] = x_padded[n, c, r*sh + i, s*sw + j]: one row per output position."""
    n, c, h, w = x.shape
    (kh, kw), (ph, pw) = kernel, padding
    out_size = (_conv_out_size(h, kh, stride[0], ph), _conv_out_size(w, kw, stride[1], pw))
    xp = xp_of(x)
    # Channels last, so each window's channels are contiguous when gathered.
    nhwc = xp.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=x.dtype, **_same_device(xp, x))
    nhwc[:, ph : ph + h, pw : pw + w, :] = xp.permute_dims(x, (0, 2, 3, 1))
    views = _windows(xp.permute_dims(nhwc, (0, 3, 1, 2)), kernel, stride, out_size)
    rows = xp.stack([xp.permute_dims(view, (0, 2, 3, 1)) for view in views], axis=-1)
    return xp.reshape(rows, (n * out_size[0] * out_size[1], c * kh * kw))


def _col2im(rows: Any, shape: tuple, kernel: tuple, stride: tuple, padding: tuple) -> Any:
    n, c, h, w = shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    oh, ow = _conv_out_size(h, kh, sh, ph), _conv_out_size(w, kw, sw, pw)
    xp = xp_of(rows)
    out = xp.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=rows.dtype, **_same_device(xp, rows))
    blocks = xp.reshape(rows, (n, oh, ow, c, kh * kw))
    for position in range(kh * kw):
        i, j = divmod(position, kw)
        # A strided slice never repeats a position, so += adds each contribution exactly once.
        out[:, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :] += blocks[
            ..., position
        ]
    return _contiguous(xp, xp.permute_dims(out[:, ph : ph + h, pw : pw + w, :], (0, 3, 1, 2)))


class Im2Col(Primitive):
    """rows[(n, r, s), (c, i, j)] = x_padded[n, c, r*sh + i, s*sw + j] ("im2col"): every
    receptive field becomes one row of an (N*OH*OW, C*kh*kw) matrix;
    grad_x = Col2Im(grad), each row added back where it came from."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding):
        ctx.shape, ctx.kernel, ctx.stride, ctx.padding = x.shape, kernel, stride, padding
        return _im2col(x, kernel, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        return Col2Im.apply(
            grad, shape=ctx.shape, kernel=ctx.kernel, stride=ctx.stride, padding=ctx.padding
        )


class Col2Im(Primitive):
    """out = zeros(shape) with every row added back at its receptive field (the adjoint of
    Im2Col: where fields overlap, contributions add up);  grad_rows = Im2Col(grad)."""

    @staticmethod
    def forward(ctx, rows, shape, kernel, stride, padding):
        ctx.kernel, ctx.stride, ctx.padding = kernel, stride, padding
        return _col2im(rows, shape, kernel, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        return Im2Col.apply(grad, kernel=ctx.kernel, stride=ctx.stride, padding=ctx.padding)


class Convolution(Primitive):
    """out[n, o, r, s] = bias[o] + sum_{c,i,j} weight[o, c, i, j] * x_padded[n, c, r*sh + i, s*sw + j].

    With rows = Im2Col(x) of shape (N*OH*OW, C*kh*kw) and W the weight as an (O, C*kh*kw)
    matrix, the convolution is one matrix product, out = rows @ W.T + bias, so with G the
    incoming gradient as an (N*OH*OW, O) matrix:
        grad_x = Col2Im(G @ W),  grad_weight = G.T @ rows,  grad_bias = G summed over rows.

    A 1-D convolution (x (N, C, L), weight (O, C, k)) is the same computation on a
    (N, C, 1, L) image with (O, C, 1, k) filters; stride and padding then come as 2-tuples
    (1, s) and (0, p), and the result and gradients keep the 1-D shapes.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding):
        xp = xp_of(x)
        ctx.save_for_backward(x, weight)
        one_d = x.ndim == 3
        if one_d:
            x = xp.reshape(x, x.shape[:2] + (1,) + x.shape[2:])
            weight = xp.reshape(weight, weight.shape[:2] + (1,) + weight.shape[2:])
        n, _, h, w = x.shape
        out_channels, _, kh, kw = weight.shape
        kernel = (kh, kw)
        out_size = (
            _conv_out_size(h, kh, stride[0], padding[0]),
            _conv_out_size(w, kw, stride[1], padding[1]),
        )
        rows = _im2col(x, kernel, stride, padding)
        out = rows @ xp.permute_dims(xp.reshape(weight, (out_channels, -1)), (1, 0))
        if bias is not None:
            out = out + bias
        ctx.rows, ctx.kernel, ctx.stride, ctx.padding = rows, kernel, stride, padding
        # Computed channels-last, then laid out (N, O, OH, OW) row by row as PyTorch's output
        # is, so strides, flatten and view behave the same on it.
        out = xp.reshape(out, (n,) + out_size + (out_channels,))
        out = _contiguous(xp, xp.permute_dims(out, (0, 3, 1, 2)))
        return xp.reshape(out, (n, out_channels, out_size[1])) if one_d else out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        one_d = x.dim() == 3
        if one_d:  # the 1-D case as an image of height 1 (see the docstring)
            grad = grad.unsqueeze(2)
            x = x.unsqueeze(2)
        out_channels = weight.shape[0]
        grad_rows = grad.permute(0, 2, 3, 1).reshape(-1, out_channels)
        if not grad_state.enabled:
            # The incoming gradient may be a broadcast view (e.g. from .sum()); BLAS needs a
            # real matrix, or NumPy falls back to a loop that is ~10x slower.
            grad_rows = _wrap(_contiguous(xp_of(grad_rows._array), grad_rows._array))
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            matrix = weight.reshape(out_channels, -1)
            grad_x = Col2Im.apply(
                grad_rows.mm(matrix),
                shape=tuple(x.shape),
                kernel=ctx.kernel,
                stride=ctx.stride,
                padding=ctx.padding,
            )
            grad_x = grad_x.squeeze(2) if one_d else grad_x
        if ctx.needs_input_grad[1]:
            # Recording (create_graph): rebuild rows from x so second derivatives reach x.
            rows = (
                Im2Col.apply(x, kernel=ctx.kernel, stride=ctx.stride, padding=ctx.padding)
                if grad_state.enabled
                else _wrap(ctx.rows)
            )
            grad_weight = grad_rows.t().mm(rows).reshape(weight.shape)
        if ctx.needs_input_grad[2]:
            grad_bias = grad_rows.sum(0)
        return grad_x, grad_weight, grad_bias


class MaxPool2DWithIndices(Primitive):
    """out[n, c, r, s] = max of x over the window at (r*sh, s*sw);  grad_x = grad added at each
    window's arg-max (windows that overlap add up), zero elsewhere."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding):
        xp = xp_of(x)
        unbatched_shape = x.shape if x.ndim == 3 else None
        if unbatched_shape is not None:  # (C, H, W): one image, pooled as a batch of one
            x = xp.reshape(x, (1,) + x.shape)
        n, c, h, w = x.shape
        out_size = (
            _conv_out_size(h, kernel[0], stride[0], padding[0]),
            _conv_out_size(w, kernel[1], stride[1], padding[1]),
        )
        views = _windows(_padded(x, padding, -xp.inf), kernel, stride, out_size)
        recording = not isinstance(ctx, _Unrecorded)
        device = _same_device(xp, x)
        # A running max over the kh*kw shifted views (elementwise, so fast); `best` remembers
        # which offset won. Strictly greater keeps the first maximum on ties, as PyTorch does.
        out = xp.asarray(views[0], copy=True)
        # (int8 offsets keep this bookkeeping array an eighth of the size of int64 ones)
        offset_dtype = xp.int8 if len(views) <= 127 else xp.int64
        best = xp.zeros(out.shape, dtype=offset_dtype, **device) if recording else None
        for position, view in enumerate(views[1:], start=1):
            if recording:
                better = view > out
                best = xp.where(better, xp.asarray(position, dtype=offset_dtype, **device), best)
            out = xp.maximum(out, view)
        if recording:
            # Flat position of every arg-max in x: row = r*sh + i - ph, col = s*sw + j - pw.
            rows = xp.reshape(xp.arange(out_size[0], **device) * stride[0], (-1, 1)) - padding[0]
            cols = xp.reshape(xp.arange(out_size[1], **device) * stride[1], (1, -1)) - padding[1]
            best = xp.astype(best, xp.int64)
            row = rows + best // kernel[1]
            col = cols + best % kernel[1]
            planes = xp.reshape(xp.arange(n * c, **device), (n, c, 1, 1)) * (h * w)
            ctx.flat = xp.reshape(planes + row * w + col, (-1,))
            ctx.shape = x.shape if unbatched_shape is None else unbatched_shape
        return out if unbatched_shape is None else out[0]

    @staticmethod
    def backward(ctx, grad):
        size = int(np.prod(ctx.shape))
        return IndexPut.apply(grad.reshape(-1), shape=(size,), key=ctx.flat).reshape(ctx.shape)


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


def _channel_view(ndim: int) -> tuple:
    """The shape (1, C, 1, ...) that lines a per-channel vector up with dim 1 of an ndim input."""
    return (1, -1) + (1,) * (ndim - 2)


class NativeBatchNorm(Primitive):
    """out = (x - mean) * invstd * weight + bias per channel (dim 1), invstd = 1/sqrt(var + eps).

    Training uses the batch's mean and biased variance and updates the running statistics in
    place; evaluation uses the running statistics. With xhat = (x - mean) * invstd, g = grad *
    weight and m the number of values per channel, in training:
        grad_x = invstd / m * (m * g - sum(g) - xhat * sum(g * xhat)),
        grad_weight = sum(grad * xhat),  grad_bias = sum(grad)
    (in evaluation mean and invstd are constants, so grad_x = g * invstd).
    """

    @staticmethod
    def forward(
        ctx,
        x,
        weight,
        bias,
        running_mean=None,
        running_var=None,
        training=True,
        momentum=0.1,
        eps=1e-5,
    ):
        xp = xp_of(x)
        dims = (0,) + tuple(range(2, x.ndim))
        view = _channel_view(x.ndim)
        if training:
            mean = xp.mean(x, axis=dims)
            var = xp.var(x, axis=dims)
            count = x.size // x.shape[1]
            if running_mean is not None:
                # The running variance uses the unbiased estimate, as PyTorch does.
                unbiased = var * (count / max(count - 1, 1))
                running_mean._array *= 1 - momentum
                running_mean._array += momentum * mean
                running_var._array *= 1 - momentum
                running_var._array += momentum * unbiased
                running_mean._version_counter[0] += 1
                running_var._version_counter[0] += 1
        else:
            mean, var = running_mean._array, running_var._array
        invstd = 1 / xp.sqrt(var + eps)
        out = (x - xp.reshape(mean, view)) * xp.reshape(invstd, view)
        if weight is not None:
            out = out * xp.reshape(weight, view)
        if bias is not None:
            out = out + xp.reshape(bias, view)
        ctx.save_for_backward(x, weight)
        ctx.mean, ctx.invstd, ctx.training, ctx.eps = mean, invstd, training, eps
        return xp.astype(out, x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        dims = (0,) + tuple(range(2, x.ndim))
        view = _channel_view(x.ndim)
        if ctx.training:
            xp = xp_of(ctx.mean)
            xhat, invstd = _normalized(
                x, dims, ctx.eps, xp.reshape(ctx.mean, view), xp.reshape(ctx.invstd, view)
            )
        else:  # the running statistics are constants
            invstd = _wrap(ctx.invstd).reshape(view)
            xhat = (x - _wrap(ctx.mean).reshape(view)) * invstd
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            scaled = grad * weight.reshape(view) if weight is not None else grad
            if ctx.training:
                grad_x = _normalized_input_grad(scaled, xhat, invstd, dims)
            else:
                grad_x = scaled * invstd
        if ctx.needs_input_grad[1]:
            grad_weight = (grad * xhat).sum(dims)
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum(dims)
        return grad_x, grad_weight, grad_bias


def _reduce_loss(xp: Any, losses: Any, reduction: str) -> Any:
    if reduction == "mean":
        return xp.mean(losses)
    if reduction == "sum":
        return xp.sum(losses)
    return losses


def _reduce_loss_grad(grad: Tensor, count: int, reduction: str) -> Tensor:
    """The incoming gradient spread back over the unreduced losses."""
    return grad / count if reduction == "mean" else grad


class MseLoss(Primitive):
    """out = reduce((x - y)^2);  grad_x = 2 (x - y) grad / n (n = numel for "mean"),  grad_y = -grad_x."""

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        xp = xp_of(x)
        diff = x - y
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        return xp.asarray(_reduce_loss(xp, diff * diff, reduction), dtype=diff.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        diff = x - y
        return _difference_loss_grads(ctx, grad, 2 * diff, diff.numel())


def _difference_loss_grads(ctx: Any, grad: Tensor, slope: Tensor, count: int) -> tuple:
    """The gradients of a loss of d = x - y (MSE, smooth L1, Huber), given slope = the
    derivative of each unreduced loss with respect to d: grad_x = grad * slope (/ count for
    "mean"),  grad_y = -grad_x."""
    grad_diff = _reduce_loss_grad(grad, count, ctx.reduction) * slope
    grad_x = grad_diff if ctx.needs_input_grad[0] else None
    grad_y = -grad_diff if ctx.needs_input_grad[1] else None
    return grad_x, grad_y


class NllLoss(Primitive):
    """out_n = -weight[t_n] * x[n, t_n] (targets equal to ``ignore_index`` count 0); "mean" divides
    the sum by sum_n weight[t_n];  grad_x[n, c] = -weight[t_n] * grad (/ that total) where
    c = t_n, zero elsewhere.

    The class dimension is dim 1 (dim 0 for a single unbatched sample).
    """

    @staticmethod
    def forward(ctx, x, target, weight=None, reduction="mean", ignore_index=-100):
        xp = xp_of(x)
        class_dim = 0 if x.ndim == 1 else 1
        classes = x.shape[class_dim]
        low, high = (int(xp.min(target)), int(xp.max(target))) if target.size else (0, 0)
        if 0 <= low and high < classes and not low <= ignore_index <= high:
            safe, sample_weight = target, None  # the common case: every target counts once
        else:
            valid = target != ignore_index
            bad = valid & ((target < 0) | (target >= classes))
            if bool(xp.any(bad)):
                first = int(xp.reshape(target[bad], (-1,))[0])
                raise IndexError(f"Target {first} is out of bounds.")
            safe = xp.where(valid, target, xp.zeros_like(target))
            sample_weight = xp.astype(valid, x.dtype)
        if weight is not None:
            picked_weight = xp.astype(xp.take(weight, xp.reshape(safe, (-1,)), axis=0), x.dtype)
            picked_weight = xp.reshape(picked_weight, safe.shape)
            sample_weight = (
                picked_weight if sample_weight is None else sample_weight * picked_weight
            )
        if xp is np and x.ndim == 2:
            picked = x[np.arange(x.shape[0]), safe]  # (faster than take_along_axis)
        else:
            index = xp.expand_dims(safe, axis=class_dim)
            picked = xp.squeeze(xp.take_along_axis(x, index, axis=class_dim), axis=class_dim)
        losses = -picked if sample_weight is None else -picked * sample_weight
        total = safe.size if sample_weight is None else xp.sum(sample_weight)
        if reduction == "mean":
            out = xp.sum(losses) / total
        elif reduction == "sum":
            out = xp.sum(losses)
        else:
            out = losses
        ctx.shape, ctx.safe, ctx.class_dim = x.shape, safe, class_dim
        ctx.sample_weight, ctx.total, ctx.reduction = sample_weight, total, reduction
        return xp.asarray(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        xp = xp_of(ctx.safe)
        class_dim = ctx.class_dim
        classes = xp.arange(ctx.shape[class_dim], **_same_device(xp, ctx.safe))
        classes = xp.reshape(classes, (-1,) + (1,) * (len(ctx.shape) - class_dim - 1))
        # coefficient[n, c] = -w_n where c = t_n: the derivative of out_n with respect to x[n, c].
        one_hot = xp.astype(xp.expand_dims(ctx.safe, axis=class_dim) == classes, grad._array.dtype)
        if ctx.sample_weight is None:
            coefficient = -one_hot
        else:
            coefficient = one_hot * -xp.expand_dims(ctx.sample_weight, axis=class_dim)
        if ctx.reduction == "mean":
            coefficient = coefficient / ctx.total
        if ctx.reduction == "none":
            grad = grad.unsqueeze(ctx.class_dim)
        return grad * _wrap(xp.astype(coefficient, grad._array.dtype))


class NllLoss2D(NllLoss):
    """NllLoss for (N, C, H, W) input: the same formula, recorded as its own node as in PyTorch."""


class BinaryCrossEntropy(Primitive):
    """out = -w (t log(p) + (1 - t) log(1 - p)), each log clamped at -100;
    grad_p = w (p - t) / max(p (1 - p), 1e-12) * grad,  grad_t = w (log(1 - p) - log(p)) * grad."""

    @staticmethod
    def forward(ctx, p, t, weight=None, reduction="mean"):
        xp = xp_of(p)
        log_p = xp.clip(xp.log(p), -100, None)  # log(0) = -inf is expected here: it is clamped
        log_not_p = xp.clip(xp.log(1 - p), -100, None)
        losses = -(t * log_p + (1 - t) * log_not_p)
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(p, t)
        ctx.weight, ctx.reduction = weight, reduction
        return xp.asarray(_reduce_loss(xp, losses, reduction), dtype=p.dtype)

    @staticmethod
    def backward(ctx, grad):
        p, t = ctx.saved_tensors
        grad = _reduce_loss_grad(grad, p.numel(), ctx.reduction)
        if ctx.weight is not None:
            grad = grad * _wrap(ctx.weight)
        grad_p = grad_t = None
        if ctx.needs_input_grad[0]:
            grad_p = grad * (p - t) / ((1 - p) * p).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            grad_t = grad * ((1 - p).log().clamp(min=-100) - p.log().clamp(min=-100))
        return grad_p, grad_t


class BinaryCrossEntropyWithLogits(Primitive):
    """out = w ((1 - t) x + (1 + (pw - 1) t) softplus(-x)), softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0);
    grad_x = w ((1 + (pw - 1) t) sigmoid(x) - pw t) * grad,  grad_t = w ((pw - 1) softplus(-x) - x) * grad."""

    @staticmethod
    def forward(ctx, x, t, weight=None, pos_weight=None, reduction="mean"):
        xp = xp_of(x)
        softplus_neg = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)
        if pos_weight is None:
            losses = (1 - t) * x + softplus_neg
        else:
            losses = (1 - t) * x + (1 + (pos_weight - 1) * t) * softplus_neg
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.pos_weight, ctx.reduction = weight, pos_weight, reduction
        return xp.asarray(_reduce_loss(xp, losses, reduction), dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        grad = _reduce_loss_grad(grad, x.numel(), ctx.reduction)
        if ctx.weight is not None:
            grad = grad * _wrap(ctx.weight)
        pos_weight = _wrap(ctx.pos_weight) if ctx.pos_weight is not None else None
        grad_x = grad_t = None
        if ctx.needs_input_grad[0]:
            if pos_weight is None:
                grad_x = grad * (x.sigmoid() - t)
            else:
                grad_x = grad * ((1 + (pos_weight - 1) * t) * x.sigmoid() - pos_weight * t)
        if ctx.needs_input_grad[1]:
            softplus_neg = (1 + (-x.abs()).exp()).log() + (-x).clamp(min=0)
            grad_t = grad * (-x if pos_weight is None else (pos_weight - 1) * softplus_neg - x)
        return grad_x, grad_t


# ---- nn-more: activations, padding, layer norm, average pooling, smooth L1 / Huber ------------

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_TWO_PI = 1 / math.sqrt(2 * math.pi)
_GELU_TANH_SCALE = math.sqrt(2 / math.pi)  # GELU's tanh form: tanh(k (x + 0.044715 x^3))
_GELU_CUBIC = 0.044715


class Gelu(Primitive):
    """out = x * Phi(x), Phi(x) = (1 + erf(x / sqrt(2))) / 2 the normal distribution function;
    grad_x = grad * (Phi(x) + x * exp(-x^2 / 2) / sqrt(2 pi)).

    approximate="tanh": out = x/2 * (1 + t), t = tanh(k (x + c x^3)), k = sqrt(2/pi), c = 0.044715;
    grad_x = grad * ((1 + t)/2 + x/2 * (1 - t^2) * k (1 + 3 c x^2)).
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, approximate="none"):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1 + tanh(_GELU_TANH_SCALE * (x + _GELU_CUBIC * (x * x * x))))
        return 0.5 * x * (1 + erf(x * _SQRT_HALF))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = tanh(_GELU_TANH_SCALE * (x + _GELU_CUBIC * (x * x * x)))
            slope = _GELU_TANH_SCALE * (1 + 3 * _GELU_CUBIC * (x * x))
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * slope)
        return grad * (0.5 * (1 + erf(x * _SQRT_HALF)) + x * _INV_SQRT_TWO_PI * exp(-0.5 * (x * x)))


class Silu(Primitive):
    """out = x * sigmoid(x) ("swish");  grad_x = grad * s * (1 + x (1 - s)), s = sigmoid(x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * sigmoid(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = sigmoid(x)
        return grad * s * (1 + x * (1 - s))


class Softplus(Primitive):
    """out = log(1 + exp(beta x)) / beta, or x where beta x > threshold (there the two agree to
    float precision);  grad_x = grad * sigmoid(beta x), or grad where beta x > threshold."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        scaled = x * beta
        # log(1 + exp(z)) = log(1 + exp(-|z|)) + max(z, 0): no overflow for large z.
        smooth = (xp.log1p(xp.exp(-xp.abs(scaled))) + xp.maximum(scaled, 0)) / beta
        return xp.where(scaled > threshold, x, smooth)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        scaled = x * ctx.beta
        return choose(scaled > ctx.threshold, grad, grad * sigmoid(scaled))


class Elu(Primitive):
    """out = x where x > 0, else alpha (exp(x) - 1);  grad_x = grad where x > 0, else
    grad * alpha exp(x).

    (PyTorch's general form, which SELU and CELU use: out = scale * x where x > 0, else
    scale * alpha (exp(input_scale * x) - 1), and grad_x follows.)
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, alpha=1.0, scale=1.0, input_scale=1.0):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        return scale * xp.where(x > 0, x, alpha * xp.expm1(x * input_scale))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        grad = grad * ctx.scale
        return choose(x > 0, grad, grad * (ctx.alpha * ctx.input_scale) * exp(x * ctx.input_scale))


class EluInplace(Elu):
    """``elu(x, inplace=True)``: Elu's formulas, recorded as PyTorch's in-place node."""

    node_name = "EluBackward1"


class Hardtanh(Clamp):
    """out = min(max(x, min_val), max_val);  grad_x = grad where min_val < x < max_val, else 0
    (strictly inside: at the corners the gradient is 0, as in PyTorch; ``relu6`` is
    hardtanh(x, 0, 6) and records this node too)."""

    @staticmethod
    def forward(ctx, x, min_val=-1.0, max_val=1.0):
        xp = xp_of(x)
        ctx.save_for_backward((x > min_val) & (x < max_val))
        # (bounds in x's own dtype: integer input stays integer, as in PyTorch)
        low = xp.asarray(min_val, dtype=x.dtype, **_same_device(xp, x))
        high = xp.asarray(max_val, dtype=x.dtype, **_same_device(xp, x))
        return xp.minimum(xp.maximum(x, low), high)


class ConstantPadNd(Primitive):
    """out = x inside a border of ``value``: ``pad = (before, after, before, after, ...)`` widens
    the last dimension, then the one before it, ...; a negative width crops instead;
    grad_x = grad with the same border taken off again (ConstantPadNd(grad, -pad))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, pad, value=0.0):
        ctx.pad = pad
        xp = xp_of(x)
        lead = x.ndim - len(pad) // 2
        widths = [(0, 0)] * lead + [
            (pad[2 * k], pad[2 * k + 1]) for k in reversed(range(len(pad) // 2))
        ]
        # Negative widths crop first; the positive ones then make the border.
        x = x[tuple(slice(max(-before, 0), size - max(-after, 0))
                    for (before, after), size in zip(widths, x.shape))]
        shape = tuple(size + max(before, 0) + max(after, 0)
                      for (before, after), size in zip(widths, x.shape))
        out = xp.full(shape, value, dtype=x.dtype, **_same_device(xp, x))
        out[tuple(slice(max(before, 0), max(before, 0) + size)
                  for (before, _), size in zip(widths, x.shape))] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return constant_pad(grad, tuple(-width for width in ctx.pad))


constant_pad = _either(
    lambda t, pad: ConstantPadNd.apply(t, pad=pad),
    lambda xp, a, pad: ConstantPadNd.forward(_UNRECORDED, a, pad),
)


def _pad_source(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each position of a dimension padded by (before, after), the input position it
    copies: reflect mirrors about the edge (without repeating it), replicate repeats the edge."""
    source = np.arange(size + before + after) - before
    if mode == "reflect":
        source = np.abs(source)
        return np.where(source >= size, 2 * (size - 1) - source, source)
    return np.clip(source, 0, size - 1)


class _IndexPad(Primitive):
    """out = x gathered along each of its last k dimensions at the positions ``_pad_source``
    gives (reflect or replicate padding);  grad_x = grad added back at those positions, one
    dimension at a time (an input position copied several times gets every copy's gradient).
    PyTorch names the node after the mode and k: ReflectionPad2DBackward0, ..."""

    @staticmethod
    def forward(ctx, x, pad, mode):
        xp = xp_of(x)
        count = len(pad) // 2
        first = x.ndim - count
        indices = []
        out = x
        for axis in range(first, x.ndim):
            k = x.ndim - 1 - axis  # pad lists the last dimension first
            source = _pad_source(x.shape[axis], pad[2 * k], pad[2 * k + 1], mode)
            index = xp.asarray(source, **_same_device(xp, x))
            indices.append(index)
            out = xp.take(out, index, axis=axis)
        ctx.shape, ctx.indices = x.shape, indices
        return out

    @staticmethod
    def backward(ctx, grad):
        first = len(ctx.shape) - len(ctx.indices)
        for offset in reversed(range(len(ctx.indices))):
            axis = first + offset
            shape = tuple(grad.shape[:axis]) + (ctx.shape[axis],) + tuple(grad.shape[axis + 1 :])
            key = (slice(None),) * axis + (ctx.indices[offset],)
            grad = IndexPut.apply(grad, shape=shape, key=key)
        return grad


class ReflectionPad1D(_IndexPad):
    """Reflect padding of the last dimension: see _IndexPad."""


class ReflectionPad2D(_IndexPad):
    """Reflect padding of the last two dimensions: see _IndexPad."""


class ReflectionPad3D(_IndexPad):
    """Reflect padding of the last three dimensions: see _IndexPad."""


class ReplicationPad1D(_IndexPad):
    """Replicate padding of the last dimension: see _IndexPad."""


class ReplicationPad2D(_IndexPad):
    """Replicate padding of the last two dimensions: see _IndexPad."""


class ReplicationPad3D(_IndexPad):
    """Replicate padding of the last three dimensions: see _IndexPad."""


def _normalized(x: Tensor, dims: tuple, eps: float, mean: Any, invstd: Any) -> tuple:
    """xhat = (x - mean) * invstd and invstd, for a normalisation over ``dims``. Recording
    (create_graph): mean and invstd depend on x, so they are rebuilt from x for second
    derivatives; otherwise the arrays forward computed are reused."""
    if grad_state.enabled:
        mean = x.mean(dims, keepdim=True)
        invstd = 1 / (x.var(dims, unbiased=False, keepdim=True) + eps).sqrt()
    else:
        mean, invstd = _wrap(mean), _wrap(invstd)
    return (x - mean) * invstd, invstd


def _normalized_input_grad(scaled: Tensor, xhat: Tensor, invstd: Tensor, dims: tuple) -> Tensor:
    """The gradient through xhat = (x - mean) * invstd with mean and invstd taken over ``dims``
    (m values each), given scaled = grad * weight:
    grad_x = invstd / m * (m scaled - sum(scaled) - xhat * sum(scaled * xhat))."""
    count = math.prod(int(scaled.shape[d]) for d in dims)
    return (invstd / count) * (
        scaled * count
        - scaled.sum(dims, keepdim=True)
        - xhat * (scaled * xhat).sum(dims, keepdim=True)
    )


class NativeLayerNorm(Primitive):
    """out = (x - mean) * invstd * weight + bias, mean and (biased) variance taken over the
    last ``normalized_ndim`` dimensions of each sample, invstd = 1/sqrt(var + eps).
    With xhat = (x - mean) * invstd, g = grad * weight and m the values per sample:
        grad_x = invstd / m * (m * g - sum(g) - xhat * sum(g * xhat)),
        grad_weight = sum over samples of grad * xhat,  grad_bias = sum over samples of grad.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, normalized_ndim=1, eps=1e-5):
        xp = xp_of(x)
        dims = tuple(range(x.ndim - normalized_ndim, x.ndim))
        mean = xp.mean(x, axis=dims, keepdims=True)
        invstd = 1 / xp.sqrt(xp.var(x, axis=dims, keepdims=True) + eps)
        out = (x - mean) * invstd
        if weight is not None:
            out = out * weight
        if bias is not None:
            out = out + bias
        ctx.save_for_backward(x, weight)
        ctx.mean, ctx.invstd, ctx.dims, ctx.eps = mean, invstd, dims, eps
        return xp.astype(out, x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        dims = ctx.dims
        xhat, invstd = _normalized(x, dims, ctx.eps, ctx.mean, ctx.invstd)
        samples = tuple(range(x.ndim - len(dims)))
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            scaled = grad * weight if weight is not None else grad
            grad_x = _normalized_input_grad(scaled, xhat, invstd, dims)
        if ctx.needs_input_grad[1]:
            grad_weight = (grad * xhat).sum(samples) if samples else grad * xhat
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum(samples) if samples else grad
        return grad_x, grad_weight, grad_bias


class AvgPool2D(Primitive):
    """out[n, c, r, s] = the sum of x over the window at (r*sh, s*sw) (zero padding) / divisor,
    divisor = kh*kw (or the number of non-padding values when count_include_pad=False, or
    divisor_override);  grad_x = Col2Im of grad / divisor copied to every position of its window
    (windows that overlap add up)."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, count_include_pad=True, divisor_override=None):
        xp = xp_of(x)
        unbatched_shape = x.shape if x.ndim == 3 else None
        if unbatched_shape is not None:  # (C, H, W): one image, pooled as a batch of one
            x = xp.reshape(x, (1,) + x.shape)
        h, w = x.shape[2:]
        out_size = (
            _conv_out_size(h, kernel[0], stride[0], padding[0]),
            _conv_out_size(w, kernel[1], stride[1], padding[1]),
        )
        views = _windows(_padded(x, padding, 0), kernel, stride, out_size)
        total = views[0]
        for view in views[1:]:
            total = total + view
        if divisor_override is not None:
            divisor = divisor_override
        elif count_include_pad:
            divisor = kernel[0] * kernel[1]
        else:  # how many real (not padding) values each window covers
            ones = xp.ones((1, 1, h, w), dtype=x.dtype, **_same_device(xp, x))
            counts = _windows(_padded(ones, padding, 0), kernel, stride, out_size)
            divisor = counts[0]
            for count in counts[1:]:
                divisor = divisor + count
        ctx.divisor, ctx.shape = divisor, x.shape
        ctx.kernel, ctx.stride, ctx.padding = kernel, stride, padding
        ctx.unbatched_shape = unbatched_shape
        out = total / divisor
        return out if unbatched_shape is None else out[0]

    @staticmethod
    def backward(ctx, grad):
        if ctx.unbatched_shape is not None:
            grad = grad.unsqueeze(0)
        divisor = ctx.divisor if isinstance(ctx.divisor, int) else _wrap(ctx.divisor)
        n, c, oh, ow = (int(size) for size in grad.shape)
        window = ctx.kernel[0] * ctx.kernel[1]
        # One row per output position, its C gradients each repeated over the window's kh*kw
        # positions: the layout Col2Im adds back into place.
        rows = (grad / divisor).permute(0, 2, 3, 1).reshape(n * oh * ow, c, 1)
        rows = rows.expand(n * oh * ow, c, window).reshape(n * oh * ow, c * window)
        grad_x = Col2Im.apply(
            rows, shape=tuple(ctx.shape), kernel=ctx.kernel, stride=ctx.stride,
            padding=ctx.padding,
        )
        return grad_x if ctx.unbatched_shape is None else grad_x.squeeze(0)


def _averaging_matrix(xp: Any, size: int, out_size: int, like: Any) -> Any:
    """A (out_size, size) matrix whose row i averages window i of an adaptive pooling:
    positions floor(i * size / out_size) up to ceil((i + 1) * size / out_size)."""
    matrix = np.zeros((out_size, size))
    for i in range(out_size):
        start, stop = (i * size) // out_size, -((-(i + 1) * size) // out_size)
        matrix[i, start:stop] = 1 / (stop - start)
    return xp.asarray(matrix, dtype=like.dtype, **_same_device(xp, like))


class AdaptiveAvgPool2D(Primitive):
    """out[n, c, i, j] = the mean of x over rows floor(i H / OH) .. ceil((i+1) H / OH) and the
    columns found the same way. A window's mean is a row average then a column average, so
    with A (OH, H) and B (OW, W) the averaging matrices: out = A @ x @ B.T;
    grad_x = A.T @ grad @ B."""

    @staticmethod
    def forward(ctx, x, output_size):
        xp = xp_of(x)
        rows = _averaging_matrix(xp, x.shape[-2], output_size[0], x)
        columns = _averaging_matrix(xp, x.shape[-1], output_size[1], x)
        ctx.rows, ctx.columns = rows, columns
        return _contiguous(xp, xp.matmul(xp.matmul(rows, x), xp.matrix_transpose(columns)))

    @staticmethod
    def backward(ctx, grad):
        return _wrap(ctx.rows).t() @ grad @ _wrap(ctx.columns)


class SmoothL1Loss(Primitive):
    """out = reduce(l), d = x - y, l = d^2 / (2 beta) where |d| < beta, else |d| - beta/2;
    grad_x = clamp(d / beta, -1, 1) * grad (/ n for "mean"),  grad_y = -grad_x.

    (``scale`` multiplies loss and gradient: the Huber loss with delta is delta times the
    smooth L1 loss with beta = delta.)
    """

    @staticmethod
    def forward(ctx, x, y, reduction="mean", beta=1.0, scale=1.0):
        xp = xp_of(x)
        diff = x - y
        size = xp.abs(diff)
        losses = xp.where(size < beta, 0.5 * diff * diff / beta, size - 0.5 * beta)
        if scale != 1.0:
            losses = losses * scale
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.beta, ctx.scale = reduction, beta, scale
        return xp.asarray(_reduce_loss(xp, losses, reduction), dtype=diff.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        diff = x - y
        slope = (diff / ctx.beta).clamp(-1, 1)
        if ctx.scale != 1.0:
            slope = slope * ctx.scale
        return _difference_loss_grads(ctx, grad, slope, diff.numel())


class HuberLoss(SmoothL1Loss):
    """out = reduce(l), d = x - y, l = d^2 / 2 where |d| <= delta, else delta (|d| - delta/2);
    grad_x = clamp(d, -delta, delta) * grad (/ n for "mean"): delta times SmoothL1Loss with
    beta = delta."""

    @staticmethod
    def forward(ctx, x, y, reduction="mean", delta=1.0):
        return SmoothL1Loss.forward(ctx, x, y, reduction, beta=delta, scale=delta)


# ---- nn-tail: activations PyTorch records as one node each -------------------------------------


class LogSigmoid(Primitive):
    """out = log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|));  grad_x = grad * sigmoid(-x)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sigmoid(-x)


class Hardswish(Primitive):
    """out = x * min(max(x + 3, 0), 6) / 6;  grad_x = 0 where x <= -3, grad * (x/3 + 1/2) where
    -3 < x < 3, grad where x >= 3 (PyTorch's choice at the two corners)."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        return x * xp.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = choose(x < 3, grad * (x / 3 + 0.5), grad)
        return masked(inside, x > -3)


class Hardsigmoid(Primitive):
    """out = min(max(x + 3, 0), 6) / 6;  grad_x = grad / 6 where -3 < x < 3, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        return xp.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return masked(grad / 6, (x > -3) & (x < 3))


def _tanh_of_softplus(x: Any) -> Any:
    """tanh(log(1 + exp(x))) = (1 - q^2) / (1 + q^2) with q = sigmoid(-x) = 1 / (1 + exp(x)):
    no exp that could overflow."""
    q = sigmoid(-x)
    return (1 - q * q) / (1 + q * q)


class Mish(Primitive):
    """out = x * tanh(softplus(x));  grad_x = grad * (t + x * sigmoid(x) * (1 - t^2)),
    t = tanh(softplus(x))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _tanh_of_softplus(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = _tanh_of_softplus(x)
        return grad * (t + x * sigmoid(x) * (1 - t * t))


class Glu(Primitive):
    """out = a * sigmoid(b), with a and b the two halves of x along ``dim``;
    grad_a = grad * sigmoid(b),  grad_b = grad * a * sigmoid(b) * (1 - sigmoid(b)),
    grad_x = the two joined back along ``dim``."""

    @staticmethod
    def forward(ctx, x, dim=-1):
        half = x.shape[dim] // 2
        before = (slice(None),) * (dim % x.ndim)
        ctx.save_for_backward(x)
        ctx.dim, ctx.half = dim, half
        first = x[before + (slice(0, half), Ellipsis)]
        return first * sigmoid(x[before + (slice(half, None), Ellipsis)])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        first = x.narrow(ctx.dim, 0, ctx.half)
        gate = x.narrow(ctx.dim, ctx.half, ctx.half).sigmoid()
        grad_first = grad * gate
        grad_second = grad_first * first * (1 - gate)
        return Cat.apply(grad_first, grad_second, dim=ctx.dim)


class PreluKernel(Primitive):
    """out = x where x > 0, else weight * x (weight broadcast along the channels);
    grad_x = grad where x > 0, else grad * weight;  grad_weight = grad * x where x <= 0, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, weight):
        xp = xp_of(x)
        ctx.save_for_backward(x, weight)
        return xp.where(x > 0, x, weight * x)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        positive = x > 0
        grad_x = choose(positive, grad, grad * weight) if ctx.needs_input_grad[0] else None
        grad_weight = masked(grad * x, x <= 0) if ctx.needs_input_grad[1] else None
        return grad_x, grad_weight


class Threshold(Primitive):
    """out = x where x > threshold, else value;  grad_x = grad where x > threshold, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, threshold=0.0, value=0.0):
        xp = xp_of(x)
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        return xp.where(x > threshold, x, xp.asarray(value, dtype=x.dtype, **_same_device(xp, x)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return masked(grad, x > ctx.threshold)


class ThresholdInplace(Threshold):
    """``threshold(x, inplace=True)``: Threshold's formulas, recorded as PyTorch's in-place node."""

    node_name = "ThresholdBackward1"


class Celu(Elu):
    """out = x where x > 0, else alpha (exp(x / alpha) - 1);  grad_x = grad where x > 0, else
    grad * exp(x / alpha): Elu's formulas with input_scale = 1 / alpha."""


class CeluInplace(Elu):
    """``celu(x, inplace=True)``: Celu's formulas, recorded as PyTorch's in-place node."""

    node_name = "CeluBackward1"


class Hardshrink(Primitive):
    """out = x where |x| > lambd, else 0;  grad_x = grad where |x| > lambd, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, lambd=0.5):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        return masked(x, (x > lambd) | (x < -lambd))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return masked(grad, (x > ctx.lambd) | (x < -ctx.lambd))


class Softshrink(Hardshrink):
    """out = x - lambd where x > lambd, x + lambd where x < -lambd, else 0;
    grad_x = grad where |x| > lambd, else 0 (Hardshrink's gradient)."""

    @staticmethod
    def forward(ctx, x, lambd=0.5):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        return x - xp_of(x).clip(x, -lambd, lambd)


# ---- nn-tail: the nodes PyTorch's C++ losses record ------------------------------------------
# Inside ATen, ``x + 1e-6`` calls add's Scalar overload and records AddBackward1 (from Python the
# number becomes a tensor and the node is AddBackward0); the losses written in C++ (pairwise
# distance, margin ranking, cross-entropy, ...) therefore show these nodes, and so do ours.


class AddScalar(Primitive):
    """out = x + other (a number);  grad_x = grad."""

    backward_on_arrays = True
    node_name = "AddBackward1"

    @staticmethod
    def forward(ctx, x, other):
        return x + other

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class MulScalar(Primitive):
    """out = x * other (a number);  grad_x = grad * other."""

    backward_on_arrays = True
    node_name = "MulBackward1"

    @staticmethod
    def forward(ctx, x, other):
        ctx.other = other
        return x * other

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.other, None


class DivScalar(Primitive):
    """out = x / other (a number);  grad_x = grad / other."""

    backward_on_arrays = True
    node_name = "DivBackward1"

    @staticmethod
    def forward(ctx, x, other):
        ctx.other = other
        return x / other

    @staticmethod
    def backward(ctx, grad):
        return grad / ctx.other, None


class Norm(LinalgVectorNorm):
    """``at::norm(x, p, dim)``, what pairwise_distance calls: LinalgVectorNorm's formulas,
    recorded as PyTorch's NormBackward1."""

    node_name = "NormBackward1"


class MaskedFill(Primitive):
    """out = value where mask holds, else x (``value`` a number);  grad_x = grad where mask
    does not hold, else 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, mask, value):
        xp = xp_of(x)
        ctx.keep = ~mask
        return xp.where(mask, xp.asarray(value, dtype=x.dtype, **_same_device(xp, x)), x)

    @staticmethod
    def backward(ctx, grad):
        keep = _wrap(ctx.keep) if isinstance(grad, Tensor) else ctx.keep
        return masked(grad, keep), None, None
