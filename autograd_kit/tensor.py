"""The Tensor: an array of numbers plus what autograd needs to know about it.

A tensor holds its numbers in ``_array`` (a NumPy array on the CPU, a CuPy array on a GPU)
and, for autograd, ``requires_grad``, ``grad``, ``grad_fn`` (the node that produced it) and a
version counter that in-place operations bump. Printing lives in ``_printing.py``.

This file imports nothing above it: the math methods (``x * y``, ``x.sum()``, ``x[0]``,
``x.to()``) are registered by the family modules in ``ops/``, and ``backward`` by the engine
(``autograd/backward_and_grad.py``), in ``_registry.py``; ``ops/__init__.py`` attaches them in
one step. Only two small engine modules that import nothing back are reached when called:
``autograd/hooks.py`` (``register_hook``) and ``autograd/grad_mode.py`` (is inference mode on?).
The layers are checked by ``tests/test_import_layers.py``.
"""

from __future__ import annotations

import builtins
import math
import numbers
import warnings
from collections import namedtuple
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _backend, dtypes
from ._errors import with_hint

if TYPE_CHECKING:
    from .autograd.hooks import RemovableHandle


class Size(tuple):
    """A tensor's shape: a tuple, printed as PyTorch prints it (``torch.Size([2, 3])``).

    Example:
        >>> ak.zeros(2, 3).shape
        torch.Size([2, 3])
    """

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)


_new = object.__new__


def _wrap(array: Any, grad_fn: Any = None) -> Tensor:
    """Make a Tensor around an array without copying (the fast constructor every op uses)."""
    if type(array) is not np.ndarray and isinstance(array, np.generic):
        array = np.asarray(array)  # NumPy turns 0-d results into scalars; keep them arrays
    tensor = _new(Tensor)
    tensor._array = array
    tensor._requires_grad = grad_fn is not None
    tensor.grad_fn = grad_fn
    tensor._version_counter = [0]
    tensor._output_nr = 0
    tensor._grad_meta = None
    return tensor


def _as_shape(size: tuple) -> tuple[int, ...]:
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(torch.Size([2, 3]))``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(n) for n in size)


class Tensor:
    """A multi-dimensional array that can record how it was computed.

    Create tensors with ``ak.tensor``, ``ak.zeros``, ``ak.randn`` and friends. Operations on
    tensors that require grad are recorded into a graph (see ``grad_fn``) so that
    ``backward()`` can compute gradients.

    Example:
        >>> x = ak.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    # Every tensor sets the four slots; the rarely used fields below start as class-level
    # defaults and only get a per-tensor value when something sets them (so making the
    # thousands of small tensors a backward pass creates stays cheap).
    __slots__ = (
        "_array",
        "_requires_grad",
        "grad_fn",
        "_version_counter",
        "_output_nr",
        "_grad_meta",
        "__weakref__",
        "__dict__",
    )
    _grad: Tensor | None = None
    _backward_hooks: dict | None = None
    _post_accumulate_grad_hooks: dict | None = None
    _retains_grad = False
    _accumulator: Any = None
    _is_inference = False
    # Views (see ops/views.py): the tensor whose memory a view shares, how it was viewed
    # (the view primitives applied to the base, in order), and a base's live views.
    _base: Tensor | None = None
    _view_chain: tuple = ()
    _views: Any = None
    _view_made_without_grad = False
    _made_by_multi_output: str | None = None  # "Unbind": a part of a cut (ops/indexing.py)
    __array_priority__ = 1000  # numpy_array * tensor calls Tensor.__rmul__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) == 1 and not isinstance(args[0], numbers.Number):
            array = _tensor_array(args[0], dtypes.float32, None)
        else:
            array = np.empty(_as_shape(args), dtype=np.float32)
        _init_from(self, array)

    # ---- autograd state --------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded so gradients can flow back to it."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            message = "you can only change requires_grad flags of leaf variables."
            if not value:
                message += (
                    " If you want to use a computed variable in a subgraph that doesn't require "
                    "differentiation use var_no_grad = var.detach()."
                )
            raise with_hint(RuntimeError(message), "nonleaf_requires_grad")
        if value and not self.dtype.is_floating_point:
            raise with_hint(
                RuntimeError(
                    "only Tensors of floating point dtype can require gradients"
                ),
                "int_requires_grad",
            )
        if value and self._is_inference and not _inference_mode_on():
            raise with_hint(
                RuntimeError(
                    "Setting requires_grad=True on inference tensor outside InferenceMode is not "
                    "allowed."
                ),
                "inference_requires_grad",
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors you created (and any tensor that does not require grad); False for
        results of recorded operations. Only leaves get ``.grad`` filled in by backward."""
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward()`` (leaves, or tensors that ``retain_grad()``)."""
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warn_non_leaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        """True when this non-leaf keeps its ``.grad`` (after ``retain_grad()``)."""
        return self._retains_grad

    def retain_grad(self) -> None:
        """Ask backward to fill ``.grad`` of this non-leaf tensor too."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        self.grad_fn._retain_grad_of(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when the gradient for this tensor is computed.

        The hook may return a tensor to use instead of ``grad``. Hooks run in the order they
        were registered; on a leaf they run before the gradient is added into ``.grad``.

        Example:
            >>> x = ak.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = x.register_hook(lambda grad: grad * 10)
            >>> (x * 3).sum().backward()
            >>> x.grad
            tensor([30., 30.])
        """
        self._refuse_hook_without_grad()
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._output_nr, hook)
        return self._add_own_hook("_backward_hooks", hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        """Call ``hook(leaf)`` each time backward has added a gradient into this leaf's ``.grad``
        (after the hooks of ``register_hook``, which see the gradient before it is added).

        The hook returns None; it can use ``.grad`` at once, say to update the leaf and free
        the gradient, an optimizer step inside backward.

        Example:
            >>> w = ak.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = w.register_post_accumulate_grad_hook(lambda p: p.sub_(0.5 * p.grad))
            >>> (w * 2).sum().backward()
            >>> w
            tensor([0., 1.], requires_grad=True)
        """
        self._refuse_hook_without_grad()
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        return self._add_own_hook("_post_accumulate_grad_hooks", hook)

    def _refuse_hook_without_grad(self) -> None:
        """PyTorch's error for a hook on a tensor no gradient will ever reach."""
        if not self._requires_grad:
            raise with_hint(
                RuntimeError(
                    "cannot register a hook on a tensor that doesn't require gradient"
                ),
                "hook_no_grad",
            )

    def _add_own_hook(self, attribute: str, hook: Callable) -> RemovableHandle:
        """Add ``hook`` to the leaf's own hooks kept under ``attribute`` (made on first use)."""
        from .autograd.hooks import add_hook

        hooks = getattr(self, attribute)
        if hooks is None:
            hooks = {}
            setattr(self, attribute, hooks)
        return add_hook(hooks, hook)

    def detach(self) -> Tensor:
        """A new leaf that shares this tensor's numbers (and version counter) but has no graph.

        Example:
            >>> x = ak.tensor([1.0], requires_grad=True)
            >>> d = (x * 2).detach()
            >>> d.requires_grad, d.is_leaf
            (False, True)
        """
        detached = _wrap(_backend.alias(self._array))
        detached._version_counter = self._version_counter
        return detached

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place: it becomes a leaf without requires_grad."""
        self.grad_fn = None
        self._requires_grad = False
        self._output_nr = 0
        return self

    @property
    def data(self) -> Tensor:
        """The numbers without the graph. Unlike ``detach()`` its in-place changes are not
        tracked (prefer ``detach()``)."""
        return _wrap(_backend.alias(self._array))

    @data.setter
    def data(self, value: Tensor) -> None:
        self._array = value._array

    def _is_view(self) -> bool:
        """True for a view: a tensor sharing memory with ``_base`` (``x[1:]``, ``x.t()``, ...)."""
        return self._base is not None

    def is_inference(self) -> bool:
        """True for tensors made inside ``inference_mode()``: they can never join a graph
        that saves them for backward (use ``no_grad()`` if you might need that)."""
        return self._is_inference

    @property
    def output_nr(self) -> int:
        """Which output of its grad_fn this tensor is (0 for single-output operations)."""
        return self._output_nr

    @property
    def _version(self) -> int:
        """How many times this tensor's memory was changed in place (PyTorch's ``_version``).
        Tensors made under ``inference_mode`` keep no count, and say so, as in PyTorch."""
        if self._is_inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._version_counter[0]

    # ---- shape and type --------------------------------------------------------------------

    @property
    def shape(self) -> Size:
        return Size(self._array.shape)

    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._array.shape)
        return self._array.shape[_normalize_dim(dim, self._array.ndim)]

    @property
    def ndim(self) -> int:
        return self._array.ndim

    def dim(self) -> int:
        return self._array.ndim

    ndimension = dim

    def numel(self) -> int:
        return math.prod(self._array.shape)

    nelement = numel

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.of_array(self._array)

    @property
    def device(self) -> _backend.device:
        return _backend.device_of(self._array)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        """Bytes per element (4 for float32)."""
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes the elements take: ``numel() * itemsize``."""
        return self.numel() * self.dtype.itemsize

    def data_ptr(self) -> int:
        """The address of the first element in memory: a view starts inside its base's memory.

        Example:
            >>> x = ak.zeros(3)
            >>> x[1:].data_ptr() - x.data_ptr()  # one float32 further
            4
        """
        return _backend.data_pointer(self._array)

    def storage_offset(self) -> int:
        """How many elements into its base's memory a view starts (0 for a tensor that owns
        its memory)."""
        if self._base is None or self.numel() == 0:
            return 0
        start = _backend.data_pointer(self._array) - _backend.data_pointer(self._base._array)
        return start // self.dtype.itemsize

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def stride(self, dim: int | None = None) -> tuple[int, ...] | int:
        """How many elements apart neighbours along each dimension lie in memory.

        Example:
            >>> x = ak.zeros(2, 3)
            >>> x.stride(), x.t().stride()
            ((3, 1), (1, 3))
        """
        strides = _backend.strides_of(self._array)
        return strides if dim is None else strides[_normalize_dim(dim, self._array.ndim)]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True when the elements lie in memory row by row, in the order they print
        (``transpose``, ``permute``, ``expand`` and step slices give views that do not)."""
        shape = self._array.shape
        if 0 in shape:
            return True  # no elements: nothing is out of place
        expected = 1
        for size, stride in zip(reversed(shape), reversed(self.stride())):
            if size != 1 and stride != expected:
                return False
            expected *= size
        return True

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    # ---- conversions -----------------------------------------------------------------------

    def item(self) -> builtins.float | int | builtins.bool:
        """The single number this tensor holds, as a Python number."""
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar"
            )
        return _backend.asnumpy(self._array).reshape(()).item()

    def tolist(self) -> Any:
        return _backend.asnumpy(self._array).tolist()

    def numpy(self, *, force: builtins.bool = False) -> np.ndarray:
        """The numbers as a NumPy array that shares memory with this CPU tensor."""
        if self._requires_grad and not force:
            raise with_hint(
                RuntimeError(
                    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
                ),
                "numpy_requires_grad",
            )
        if type(self._array) is not np.ndarray:
            if force:
                return _backend.asnumpy(self._array)
            raise with_hint(
                TypeError(
                    f"can't convert {self.device.type}:{self.device.index or 0} device type tensor "
                    "to numpy. Use Tensor.cpu() to copy the tensor to host memory first."
                ),
                "numpy_cuda",
            )
        return self._array

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device: int | str | None = None) -> Tensor:
        return self.to(_backend.resolve_device(device if device is not None else "cuda"))

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool_)

    def short(self) -> Tensor:
        return self.to(dtypes.int16)

    def char(self) -> Tensor:
        return self.to(dtypes.int8)

    def byte(self) -> Tensor:
        return self.to(dtypes.uint8)

    def type(self, dtype: Any = None) -> str | Tensor:
        """Without an argument, PyTorch's legacy type name (``'torch.FloatTensor'``, on a GPU
        ``'torch.cuda.FloatTensor'``); with a dtype or such a name, the tensor converted to it.

        Example:
            >>> ak.ones(2).type(), ak.ones(2).type(ak.float64).dtype
            ('torch.FloatTensor', torch.float64)
        """
        if dtype is None:
            place = "cuda." if self.is_cuda else ""
            return f"torch.{place}{dtypes.LEGACY_NAMES[self.dtype.name]}"
        if isinstance(dtype, str):
            legacy = {f"torch.{name}": dtypes.BY_NAME[key] for key, name in dtypes.LEGACY_NAMES.items()}
            device = self.device
            if dtype.startswith("torch.cuda."):
                dtype, device = "torch." + dtype[len("torch.cuda.") :], "cuda"
            if dtype not in legacy:
                raise ValueError(f"invalid type: '{dtype}'")
            return self.to(device=device, dtype=legacy[dtype])
        if not isinstance(dtype, (dtypes.dtype, builtins.type)):
            raise TypeError("dtype must be a type, str, or dtype object")
        return self.to(dtypes.to_dtype(dtype))

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def __bool__(self) -> builtins.bool:
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return builtins.bool(self.item())

    def __float__(self) -> builtins.float:
        return builtins.float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec: str) -> str:
        if self._array.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __repr__(self) -> str:
        from ._printing import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__
    __hash__ = object.__hash__

    def __iter__(self) -> Iterator[Tensor]:
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[index] for index in range(self._array.shape[0]))

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild, (_backend.asnumpy(self._array), str(self.device), self._requires_grad))


def _rebuild(array: np.ndarray, where: str, requires_grad: bool) -> Tensor:
    tensor = _wrap(_backend.to_device(array, _backend.resolve_device(where)))
    tensor._requires_grad = requires_grad
    return tensor


def _init_from(tensor: Tensor, array: Any) -> None:
    tensor._array = array
    tensor._requires_grad = False
    tensor.grad_fn = None
    tensor._version_counter = [0]
    tensor._output_nr = 0
    tensor._grad_meta = None


# ---- Python data to an array (``ak.tensor(data)`` and the legacy ``Tensor(data)``) --------------

def _infer_dtype(data: Any) -> dtypes.dtype:
    """PyTorch's rule for Python data: any float -> float32, else any int -> int64, else bool."""
    flat = (
        np.asarray(data, dtype=object).ravel() if not isinstance(data, numbers.Number) else [data]
    )
    kinds = {type(value) for value in flat}
    if any(issubclass(kind, (float, np.floating)) for kind in kinds):
        return dtypes.DEFAULT_FLOAT
    if any(issubclass(kind, (bool, np.bool_)) for kind in kinds) and all(
        issubclass(kind, (bool, np.bool_)) for kind in kinds
    ):
        return dtypes.bool_
    return dtypes.int64 if flat is not None and len(flat) else dtypes.DEFAULT_FLOAT


def _tensor_array(data: Any, dtype: Any, device: Any) -> Any:
    if isinstance(data, Tensor):
        array = _backend.asnumpy(data._array).copy()
    elif isinstance(data, np.ndarray):
        array = data.copy()
    elif isinstance(data, (list, tuple)) and any(isinstance(item, Tensor) for item in _flat(data)):
        array = np.array(
            [_backend.asnumpy(item._array) if isinstance(item, Tensor) else item for item in data]
        )
    else:
        # Straight to the requested dtype: going through float32 first would round 0.3.
        wanted = dtypes.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
        array = np.array(data, dtype=wanted.numpy)
    if dtype is not None:
        array = array.astype(dtypes.to_dtype(dtype).numpy, copy=False)
    elif array.dtype.name not in dtypes.BY_NAME:
        array = array.astype(np.float32)
    return array


def _flat(data: Sequence) -> list:
    return list(data)


# ---- The non-leaf ``.grad`` warning -------------------------------------------------------------

def warn_non_leaf_grad() -> None:
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
        "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
        "instead. See github.com/pytorch/pytorch/pull/30531 for more informations.",
        UserWarning,
        stacklevel=3,
    )


def _normalize_dim(dim: int, ndim: int) -> int:
    """Turn a possibly negative ``dim`` into an index, with PyTorch's error when out of range."""
    bound = max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but got {dim})"
        )
    return dim % bound


MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])


def _return_type_repr(self: tuple) -> str:
    name = type(self).__name__
    return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"


MaxResult.__repr__ = _return_type_repr  # type: ignore[method-assign]
MinResult.__repr__ = _return_type_repr  # type: ignore[method-assign]

# ---- what sort, topk, kthvalue and median(dim) return (torch.return_types) ----
SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])
MedianResult = namedtuple("median", ["values", "indices"])
for _result in (SortResult, TopkResult, KthvalueResult, MedianResult):
    _result.__repr__ = _return_type_repr  # type: ignore[method-assign]
del _result

__all__ = ["Size", "Tensor"]


def _inference_mode_on() -> bool:
    from .autograd.grad_mode import grad_state

    return grad_state.inference
