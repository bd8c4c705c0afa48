"""Function and its ctx: how one operation records itself and later runs its backward.

A ``Function`` pairs a ``forward`` with a ``backward``. ``apply`` runs forward, and when
gradients are needed it records a node in the graph. That node *is* the ``ctx`` that forward
saw: what forward saves on it (``ctx.save_for_backward``, ``ctx.anything = ...``) is what
backward reads. Every built-in operation in ``ops/`` is a Function of exactly this shape, so
the mechanism a learner uses for a custom Function is the one the whole library runs on.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes
from .. import tensor as tensor_module
from .._backend import alias
from .._errors import with_hint
from .anomaly_mode import remember_forward
from .grad_mode import grad_state, no_grad
from .graph import Node, gradient_edge, input_meta, next_sequence_nr
from .saved_names import saved_names, tensor_position, value_of
from .saved_tensors import active_hooks

if TYPE_CHECKING:
    from ..tensor import Tensor

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)

_INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a clone "
    "to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)

# How a saved value is kept until backward unpacks it:
#   (_INPUT, tensor, version)          an input (or any other tensor): given back as itself
#   (_OUTPUT, array, counter, version, output_nr)
#                                      this node's output: rebuilt with grad_fn = this node,
#                                      so the output does not keep itself alive through a cycle
#   (_CONSTANT, value)                 anything else: an intermediate array (e.g. a mask),
#                                      wrapped once as a tensor, or some other object
#   (_PACKED, packed, unpack_hook)     a tensor saved inside saved_tensors_hooks: what the
#                                      pack hook returned, and the hook that unpacks it
#   the value itself                   a Python number or None: nothing can change it
_INPUT, _OUTPUT, _CONSTANT, _PACKED = 0, 1, 2, 3


class _RunningOnArrays:
    """Which node's backward formula is running on raw arrays right now (None: none is).

    ``ctx.saved_tensors`` gives arrays to that one node only, so a hook or a custom Function
    that reads saved tensors while the engine runs still gets tensors. One shared slot costs
    less to set per node than an attribute added to and deleted from every node.
    """

    __slots__ = ("node",)

    def __init__(self) -> None:
        self.node: FunctionCtx | None = None


_running_on_arrays = _RunningOnArrays()


class FunctionCtx:
    """The ``ctx`` argument of ``forward``/``backward``: a scratchpad shared between them.

    Example:
        >>> class Square(ak.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * grad
    """

    # What forward passed to save_for_backward; then, once recorded, the entries it was packed
    # into (see pack_saved); None once backward freed them.
    _saved: tuple | None = ()
    _holds_tensors = False
    _non_differentiable: tuple = ()
    _dirty: tuple = ()
    materialize_grads = True
    needs_input_grad: tuple[bool, ...] = ()
    # True when pack_saved kept every saved value as itself (numbers and None): then
    # saved_tensors is just ``_saved``, on tensors and on arrays alike.
    _nothing_to_unpack = False

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors for backward. Backward gets them back from ``ctx.saved_tensors`` and
        raises if one of them was changed in place in between."""
        self._saved = tensors

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``, in the same order (a tuple).

        (Inside a primitive's backward run on raw arrays, see ``_apply_arrays``, they come
        back as arrays.)
        """
        if self._saved is None:
            raise with_hint(RuntimeError(_FREED), "second_backward")
        if self._nothing_to_unpack:
            return self._saved
        if self is not _running_on_arrays.node:
            return tuple([_unpack(self, entry) for entry in self._saved])
        arrays = []
        for entry in self._saved:  # the raw-array twin of _unpack, written out: a hot path
            if type(entry) is not tuple:
                arrays.append(entry)
                continue
            kind = entry[0]
            if kind == _CONSTANT:
                value = entry[1]
                arrays.append(value._array if isinstance(value, tensor_module.Tensor) else value)
            elif kind == _INPUT and entry[1]._version_counter[0] == entry[2]:
                arrays.append(entry[1]._array)
            elif kind == _OUTPUT and entry[2][0] == entry[3]:
                arrays.append(entry[1])
            else:
                arrays.append(_unpack(self, entry)._array)  # raises PyTorch's in-place error
        return tuple(arrays)

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Declare outputs that have no gradient (e.g. the indices returned by a sort)."""
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Declare inputs that forward modified in place."""
        self._dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With True (the default) backward receives zeros instead of None for outputs that
        got no gradient."""
        self.materialize_grads = value


class BackwardFunction(FunctionCtx, Node):
    """A node that runs ``backward`` of the Function that recorded it (``_forward_cls``)."""

    _forward_cls: type[Function]
    # For a custom Function: the positions of forward's tensor arguments. Only those get an
    # edge in ``next_functions`` (as in PyTorch), though backward returns one value per argument.
    _tensor_positions: tuple[int, ...] | None = None
    _num_inputs = 0

    def _apply(self, grad_outputs: tuple) -> tuple:
        if len(grad_outputs) != 1 or grad_outputs[0] is None:
            missing = [grad is None for grad in grad_outputs]
            if all(missing) and (not self.materialize_grads or self._forward_cls._is_primitive):
                return (None,) * len(self._input_meta)
            if self.materialize_grads and any(missing):
                grad_outputs = self._zeros_for_missing(grad_outputs)
        grads = self._forward_cls.backward(self, *grad_outputs)
        grads = grads if type(grads) is tuple else (grads,)
        if self._tensor_positions is None:
            return grads
        return self._grads_of_tensor_inputs(grads)

    def _apply_arrays(self, grad_outputs: list) -> tuple:
        """Run a primitive's backward on raw arrays (the engine's raw mode, when nothing is
        recorded): ``grad`` is an array and ``ctx.saved_tensors`` gives arrays, so the same
        formula that records itself on tensors runs at NumPy speed here."""
        if grad_outputs[0] is None:
            return (None,) * len(self._input_meta)
        _running_on_arrays.node = self
        try:
            if len(grad_outputs) == 1:  # a direct call: cheaper than unpacking *grad_outputs
                grads = self._forward_cls.backward(self, grad_outputs[0])
            else:
                grads = self._forward_cls.backward(self, *grad_outputs)
        finally:
            _running_on_arrays.node = None
        return grads if type(grads) is tuple else (grads,)

    def _grads_of_tensor_inputs(self, grads: tuple) -> tuple:
        """Check a custom backward's result against forward's arguments (one value per
        argument, None for the non-tensors) and keep the gradients of the tensor arguments.
        Extra trailing Nones are allowed and dropped, as in PyTorch."""
        if len(grads) > self._num_inputs and all(grad is None for grad in grads[self._num_inputs:]):
            grads = grads[: self._num_inputs]
        if len(grads) != self._num_inputs:
            raise with_hint(
                RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {self._num_inputs}, got {len(grads)})"
                ),
                "function_grad_count",
            )
        for position, grad in enumerate(grads):
            if grad is None:
                continue
            if not isinstance(grad, tensor_module.Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(grad).__name__})")
            if position not in self._tensor_positions:
                raise with_hint(
                    RuntimeError(
                        f"function {self.name()} returned a gradient different than None at "
                        f"position {position + 1}, but the corresponding forward input was not a "
                        "Variable"
                    ),
                    "function_grad_count",
                )
        return tuple([grads[position] for position in self._tensor_positions])

    def _zeros_for_missing(self, grad_outputs: tuple) -> tuple:
        from .. import creation

        return tuple(
            creation.zeros(shape, dtype=dtypes.of_array_dtype(array_dtype), device=where)
            if grad is None and array_dtype is not None  # a non-tensor output keeps None
            else grad
            for grad, (shape, array_dtype, where) in zip(
                grad_outputs, self._output_meta, strict=True
            )
        )

    def __repr__(self) -> str:
        if self._forward_cls._is_primitive:
            return Node.__repr__(self)
        # PyTorch prints a custom Function's node as a Python object of its autograd module.
        return f"<torch.autograd.function.{type(self).__name__} object at {id(self):#x}>"

    def _release_saved(self) -> None:
        """Drop what forward saved (backward without retain_graph); reading it later raises."""
        self._holds_tensors = False
        self._saved = None

    def __dir__(self) -> list[str]:
        names = [] if self._forward_cls._is_primitive else ["_raw_saved_tensors"]
        for key, source in saved_names(type(self).__name__).items():
            names.append(f"_saved_{key}")
            if tensor_position(source) is not None:
                names.append(f"_raw_saved_{key}")
        # The kit's own ``_saved`` store is left out, so that listing the names that start
        # with "_saved" shows exactly PyTorch's.
        return sorted({*super().__dir__(), *names} - {"_saved"})

    def _unpack_saved(self, position: int) -> Any:
        """The ``position``-th saved value as a tensor (None where nothing was saved)."""
        if self._saved is None:
            raise with_hint(RuntimeError(_FREED), "second_backward")
        value = _unpack(self, self._saved[position])
        if value is None or isinstance(value, tensor_module.Tensor):
            return value
        from .. import creation

        return creation.tensor(value)  # a number forward saved: PyTorch keeps it as a tensor


class SavedTensor:
    """One tensor a node saved for backward (PyTorch's ``grad_fn._raw_saved_self``): a box
    whose ``register_hooks(pack_hook, unpack_hook)`` changes how this one tensor is kept, as
    ``saved_tensors_hooks`` does for every tensor saved inside it."""

    def __init__(self, node: BackwardFunction, position: int) -> None:
        self._node, self._position = node, position

    def register_hooks(self, pack_hook: Any, unpack_hook: Any) -> None:
        """Call ``pack_hook(tensor)`` now and keep what it returns; backward (and
        ``_saved_*``) then read ``unpack_hook(packed)`` instead of the tensor."""
        if not (callable(pack_hook) and callable(unpack_hook)):
            raise TypeError("register_hooks(): incompatible function arguments.")
        saved = self._node._saved
        if saved is None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor after it has been freed. Saved "
                "intermediate values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved variables after calling "
                "backward."
            )
        entry = saved[self._position]
        if type(entry) is tuple and entry[0] == _PACKED:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor whose hooks have already been set. "
                "Hint: only one pair of hooks is allowed at a time."
            )
        # The hook gets the saved data without its autograd history, as PyTorch's does.
        tensor = self._node._unpack_saved(self._position).detach()
        packed = (_PACKED, pack_hook(tensor), unpack_hook)
        self._node._saved = saved[: self._position] + (packed,) + saved[self._position + 1 :]
        self._node._nothing_to_unpack = False

    def __repr__(self) -> str:
        return f"<torch._C._autograd.SavedTensor object at {id(self):#x}>"


def _unpack(node: BackwardFunction, entry: Any) -> Any:
    if type(entry) is not tuple:
        return entry
    kind = entry[0]
    if kind == _CONSTANT:
        return entry[1]
    if kind == _PACKED:
        tensor = entry[2](entry[1])
        if not isinstance(tensor, tensor_module.Tensor):
            raise TypeError(
                "Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                f"type {type(tensor).__name__}"
            )
        return tensor
    if kind == _INPUT:
        tensor, version = entry[1], entry[2]
        if tensor._version_counter[0] != version:
            _raise_modified(tensor, tensor._version_counter[0], version, tensor.grad_fn)
        return tensor
    array, counter, version, output_nr = entry[1], entry[2], entry[3], entry[4]
    output = tensor_module._wrap(array, grad_fn=node)
    output._output_nr = output_nr
    if counter[0] != version:
        _raise_modified(output, counter[0], version, node)
    output._version_counter = counter
    return output


def _raise_modified(tensor: Tensor, now: int, expected: int, producer: Node | None) -> None:
    shape = ", ".join(str(size) for size in tensor._array.shape)
    description = f"[{tensor.type()} [{shape}]]"
    origin = ""
    if producer is not None:
        # PyTorch names the forward operation here: MulBackward0 -> "Mul", PowBackward1 ->
        # "Pow1", MyReLUBackward -> "MyReLU".
        name = producer.name()
        if name.endswith("Backward0"):
            name = name[: -len("Backward0")]
        else:
            name = name.replace("Backward", "", 1)
        origin = f", which is output {tensor._output_nr} of {name},"
    raise with_hint(
        RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {description}{origin} is at version {now}; expected version "
            f"{expected} instead. Hint: enable anomaly detection to find the operation that "
            "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
            "check_nan=False)."
        ),
        "inplace_saved",
    )


def pack_saved(node: FunctionCtx, inputs: tuple, input_arrays: Any, outputs: tuple) -> None:
    """Turn what forward passed to ``save_for_backward`` into entries backward can unpack.

    A saved value is matched by identity: if it is one of the inputs (a tensor, or for
    primitives the input's array) backward gets that input tensor back, so a second
    derivative can flow through it; if it is an output it is rebuilt on demand.
    """
    saved = node._saved
    if len(saved) == 1 and not active_hooks:
        # Most operations save one value: the loop below, unrolled for it. The flags are set
        # on the node itself either way, which backward then reads faster than the defaults.
        value = saved[0]
        value_type = type(value)
        node._holds_tensors = value is not None  # (even a number: PyTorch saves it as a tensor)
        if value is None or value_type is float or value_type is int:
            node._nothing_to_unpack = True
        else:
            node._nothing_to_unpack = False
            node._saved = (_entry_for(value, inputs, input_arrays, outputs),)
        return
    entries = None  # made only once some value needs an entry: often none does
    position = 0
    for value in saved:
        if value is not None:
            # Anything saved, even a number (PyTorch saves it as a tensor), is freed by backward.
            node._holds_tensors = True
            value_type = type(value)
            if value_type is not float and value_type is not int:  # numbers stay as they are
                if entries is None:
                    entries = list(saved)
                entries[position] = _entry_for(value, inputs, input_arrays, outputs)
        position += 1
    if active_hooks:  # inside saved_tensors_hooks: keep what pack_hook makes of each tensor
        entries = [_packed(entry, outputs, *active_hooks[-1]) for entry in entries or saved]
    if entries is None:
        node._nothing_to_unpack = True
    else:
        node._saved = tuple(entries)


def _entry_for(value: Any, inputs: tuple, input_arrays: Any, outputs: tuple) -> tuple:
    """The saved entry for one value: an input, an output, or a constant (see ``_INPUT``)."""
    Tensor = tensor_module.Tensor
    position = 0  # (a counter, not enumerate(): this runs for most recorded operations)
    for array in input_arrays:
        if value is array or value is inputs[position]:
            tensor = inputs[position]
            if not isinstance(tensor, Tensor):  # a number forward was given
                return _constant(value)
            if tensor._is_inference:
                raise with_hint(RuntimeError(_INFERENCE_SAVED), "inference_saved")
            return (_INPUT, tensor, tensor._version_counter[0])
        position += 1
    for output in outputs:
        if value is output or value is output._array or _same_scalar(value, output):
            version = output._version_counter
            return (_OUTPUT, output._array, version, version[0], output._output_nr)
    if isinstance(value, Tensor):
        if value._is_inference:
            raise with_hint(RuntimeError(_INFERENCE_SAVED), "inference_saved")
        return (_INPUT, value, value._version_counter[0])
    return _constant(value)


def _packed(entry: Any, outputs: tuple, pack_hook: Any, unpack_hook: Any) -> Any:
    """The entry for a saved tensor under ``saved_tensors_hooks``: ``(_PACKED, what
    pack_hook returned, unpack_hook)``. Numbers and non-tensor constants stay as they are."""
    if type(entry) is not tuple:
        return entry
    kind, saved = entry[0], entry[1]
    if kind == _OUTPUT:
        saved = next(output for output in outputs if output._array is saved)
    elif kind == _CONSTANT and not isinstance(saved, tensor_module.Tensor):
        return entry
    return (_PACKED, pack_hook(saved), unpack_hook)


def _constant(value: Any) -> tuple:
    if hasattr(value, "shape") and hasattr(value, "dtype"):  # an intermediate array, e.g. a mask
        return (_CONSTANT, tensor_module._wrap(value))
    return (_CONSTANT, value)


def _same_scalar(value: Any, output: Tensor) -> bool:
    """NumPy returns a full reduction as a scalar, which the output tensor then holds as a new
    0-d array; a saved scalar equal to that output is taken to be the output itself."""
    array = output._array
    return (
        isinstance(value, np.generic)
        and getattr(array, "ndim", None) == 0
        and value.dtype == array.dtype
        and bool(value == array)
    )


def _saved_name_properties(node_name: str, is_primitive: bool) -> dict[str, property]:
    """PyTorch's ``_saved_<name>`` and ``_raw_saved_<name>`` (see ``saved_names``) for one
    node class, as properties.

    (Properties made once per class rather than one ``__getattr__``: a class that defines
    ``__getattr__`` makes every attribute read on its instances slower, even of attributes it
    has, and the engine reads node attributes all the time.)
    """

    def value(source: Any) -> property:
        return property(lambda node: value_of(node, source))

    def unpacked(position: int) -> property:
        return property(lambda node: node._unpack_saved(position))

    def box(position: int) -> property:
        return property(lambda node: SavedTensor(node, position))

    properties = {}
    if not is_primitive:  # a custom Function's node: one box per saved tensor
        properties["_raw_saved_tensors"] = property(
            lambda node: tuple(SavedTensor(node, i) for i in range(len(node._saved or ())))
        )
    for key, source in saved_names(node_name).items():
        position = tensor_position(source)
        if position is None:
            properties[f"_saved_{key}"] = value(source)
        else:
            properties[f"_saved_{key}"] = unpacked(position)
            properties[f"_raw_saved_{key}"] = box(position)
    return properties


class _FunctionMeta(type):
    """Gives every Function subclass its own node class, named after it (``MyReLUBackward``).

    Primitives may set ``node_name`` to PyTorch's exact name (``MulBackward0``); this is the
    one place node names are made.
    """

    _is_primitive = False

    def __init__(cls, name: str, bases: tuple, namespace: dict) -> None:
        super().__init__(name, bases, namespace)
        suffix = "Backward0" if namespace.get("_is_primitive", cls._is_primitive) else "Backward"
        node_name = namespace.get("node_name") or f"{name}{suffix}"
        cls._backward_cls = type(
            node_name,
            (BackwardFunction,),
            {
                "_forward_cls": cls,
                "_forward_cls_is_primitive": cls._is_primitive,
                "_backward_on_arrays": namespace.get(
                    "backward_on_arrays", getattr(cls, "backward_on_arrays", False)
                ),
                **_saved_name_properties(node_name, cls._is_primitive),
            },
        )


class Function(metaclass=_FunctionMeta):
    """Write an operation with your own backward.

    Subclass it with two static methods and call it with ``apply``:
    ``forward(ctx, *inputs)`` computes the result (it is not recorded: it runs under
    ``no_grad``), and ``backward(ctx, *grad_outputs)`` returns one gradient per input of
    forward (``None`` for inputs that need none). PyTorch 2's style, a ``forward(*inputs)``
    without ctx plus ``setup_context(ctx, inputs, output)``, works too.

    Example:
        >>> class MyReLU(ak.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x.clamp(min=0)
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * (x > 0)
        >>> y = MyReLU.apply(ak.tensor([-1.0, 2.0], requires_grad=True))
        >>> y
        tensor([0., 2.], grad_fn=<MyReLUBackward>)
    """

    _is_primitive = False
    _backward_cls: type[BackwardFunction]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise with_hint(
            RuntimeError(
                "Legacy autograd function with non-static forward method is deprecated. Please "
                "use new-style autograd function with static forward method. (Example: "
                "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
            ),
            "function_style",
        )

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> None:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward on ``args`` and, if any tensor input requires grad, record the node."""
        Tensor = tensor_module.Tensor
        node = cls._backward_cls.__new__(cls._backward_cls)
        tensor_positions = tuple(
            position for position, arg in enumerate(args) if isinstance(arg, Tensor)
        )
        records = grad_state.enabled and any(args[i]._requires_grad for i in tensor_positions)
        node.needs_input_grad = tuple(
            isinstance(arg, Tensor) and arg._requires_grad and records for arg in args
        )
        uses_setup_context = cls.setup_context is not Function.setup_context
        with no_grad():
            if uses_setup_context:
                result = cls.forward(*args, **kwargs)
                cls.setup_context(node, args, result)
            else:
                result = cls.forward(node, *args, **kwargs)
        is_tuple = isinstance(result, tuple)
        outputs = list(result) if is_tuple else [result]
        _check_dirty(node._dirty, outputs, records)
        if not records:
            return result
        _check_saved(node._saved)

        node._sequence_nr = next_sequence_nr()
        if grad_state.anomaly:
            remember_forward(node)
        node._tensor_positions = tensor_positions
        node._num_inputs = len(args)
        node.next_functions = tuple([gradient_edge(args[i]) for i in tensor_positions])
        node._input_meta = tuple([input_meta(args[i]._array) for i in tensor_positions])
        non_differentiable = {id(t) for t in node._non_differentiable}
        dirty = {id(t) for t in node._dirty}
        wrapped = []
        for output_nr, output in enumerate(outputs):
            if not isinstance(output, Tensor):
                wrapped.append(output)
                continue
            if id(output) in non_differentiable:
                output._requires_grad = False
                wrapped.append(output)
                continue
            if id(output) in dirty:
                # The input itself becomes this node's output: PyTorch "rebases its history".
                output._version_counter[0] += 1
            elif (
                any(output is arg for arg in args)
                or output.grad_fn is not None
                or output._requires_grad
            ):
                output = tensor_module._wrap(alias(output._array))  # an input returned as-is
            output.grad_fn = node
            output._requires_grad = True
            output._output_nr = output_nr
            wrapped.append(output)
        node._num_outputs = len(outputs)
        node._output_meta = tuple(
            input_meta(output._array) if isinstance(output, Tensor) else ((), None, None)
            for output in wrapped
        )
        tensor_outputs = tuple(output for output in wrapped if isinstance(output, Tensor))
        pack_saved(node, args, (), tensor_outputs)
        return tuple(wrapped) if is_tuple else wrapped[0]


def _check_saved(values: tuple) -> None:
    for position, value in enumerate(values):
        if value is not None and not isinstance(value, tensor_module.Tensor):
            raise TypeError(
                "save_for_backward can only save variables, but argument "
                f"{position} is of type {type(value).__name__}"
            )


def _check_dirty(dirty: tuple, outputs: list, records: bool) -> None:
    """An input modified in place must be returned, and must not be a leaf that requires grad."""
    returned = {id(output) for output in outputs}
    for tensor in dirty:
        if id(tensor) not in returned:
            raise RuntimeError(
                "Some elements marked as dirty during the forward method were not returned as "
                "output. The inputs that are modified inplace must all be outputs of the Function."
            )
        if records and tensor.grad_fn is None and tensor._requires_grad:
            raise with_hint(
                RuntimeError(
                    "a leaf Variable that requires grad has been used in an in-place operation."
                ),
                "inplace_leaf",
            )


class _DelayedError(Function):
    """Stands in the graph for a gradient computed by a ``once_differentiable`` backward, so
    that differentiating it once more raises instead of silently giving a wrong answer."""

    node_name = "DelayedError"

    @staticmethod
    def forward(ctx, grad):
        return tensor_module._wrap(alias(grad._array))

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )


def once_differentiable(backward: Any) -> Any:
    """Decorate a custom ``backward`` that is not itself differentiable.

    It then runs under ``no_grad``; with ``create_graph=True`` its results are marked so that a
    second derivative through it raises PyTorch's error instead of being silently zero.
    """

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grad_outputs: Any) -> Any:
        with no_grad():
            grads = backward(ctx, *grad_outputs)
        requires_grad = grad_state.enabled and any(
            isinstance(grad, tensor_module.Tensor) and grad._requires_grad for grad in grad_outputs
        )
        if not requires_grad:
            return grads
        if not isinstance(grads, tuple):
            return _delayed_error(grads)
        return tuple(_delayed_error(grad) for grad in grads)

    return wrapper


def _delayed_error(grad: Any) -> Any:
    if not isinstance(grad, tensor_module.Tensor):
        return grad
    # The gradient was computed under no_grad, so it has no history; a fresh leaf gives the
    # DelayedError node an input, and the node raises before anything reaches that leaf.
    return _DelayedError.apply(grad.detach().requires_grad_(True))
