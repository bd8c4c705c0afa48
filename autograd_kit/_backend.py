"""The one seam between tensors and the array libraries that hold their numbers.

A device type ("cpu", "cuda", ...) is served by an array library: NumPy on the CPU, CuPy on
NVIDIA GPUs. Everything else in autograd_kit asks this module which library (``xp``) an array
belongs to, which device it lives on, and how to move it, so adding a device is a change here
and nowhere else. Extra device types can be registered (the test suite registers
array-api-strict's simulated devices as a stand-in second and third device on machines
without a GPU).
"""

from __future__ import annotations

import functools
import importlib
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import array_api_compat
import numpy as np

from ._errors import with_hint

# PyTorch computes 1/0 = inf and 0/0 = nan silently; NumPy warns ("divide by zero encountered").
# Silence those warnings where autograd_kit's own code does the arithmetic, so a learner sees
# what PyTorch shows. NumPy code outside the package keeps its warnings.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"autograd_kit(\.|$)")


class device:
    """Where a tensor's numbers live, printed exactly like ``torch.device``.

    Example:
        >>> ak.device("cuda:0")
        device(type='cuda', index=0)
        >>> str(ak.device("cpu"))
        'cpu'
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str | device, index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif ":" in type:
            if index is not None:
                raise RuntimeError(
                    "type (string) must not include an index because index was passed "
                    f"explicitly: {type}"
                )
            type, _, text = type.partition(":")
            if not text.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{text}'")
            index = int(text)
        if type not in _BACKENDS:
            known = ", ".join(_BACKENDS)
            raise RuntimeError(
                f"Expected one of {known} device type at start of device string: {type}"
            )
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        # Like torch.device, a device never equals a string: compare x.device.type == "cpu".
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


@dataclass(frozen=True)
class ArrayBackend:
    """How one device type stores arrays.

    ``load`` imports the array library lazily (so a machine without CuPy never imports it),
    ``native_device`` turns a device index into the library's own device object, and
    ``index_of`` reads the index back from an array. ``indexed`` says whether the device type
    numbers its devices ("cuda:0") or has a single one ("cpu").
    """

    load: Callable[[], Any]
    native_device: Callable[[Any, int], Any]
    index_of: Callable[[Any], int]
    indexed: bool


@functools.cache
def _cupy_or_reason() -> tuple[Any, str | None]:
    """CuPy if it imports and sees a GPU, else None and one sentence saying why not.

    Asked once per process: a machine does not grow a GPU while a notebook runs.
    """
    try:
        cupy = importlib.import_module("cupy")
    except Exception as error:  # ImportError, or a CUDA library problem raised at import
        return None, f"CuPy could not be imported ({type(error).__name__}: {error})."
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as error:  # no driver, or a driver too old for this CuPy
        return None, f"CuPy found no usable CUDA driver ({type(error).__name__}: {error})."
    if count == 0:
        return None, "CuPy is installed but sees no CUDA GPU."
    return cupy, None


def _cupy() -> Any:
    """CuPy, or PyTorch's error for a machine without CUDA (AssertionError, as a CPU-only
    PyTorch raises it) with the reason and a hint; never a traceback from inside CuPy."""
    cupy, reason = _cupy_or_reason()
    if cupy is None:
        raise with_hint(
            AssertionError("Torch not compiled with CUDA enabled"), "no_cuda", detail=reason
        )
    return cupy


def _cupy_device(xp: Any, index: int) -> Any:
    count = int(xp.cuda.runtime.getDeviceCount())
    if not 0 <= index < count:
        # PyTorch's words; CuPy's own error would come from deep inside a CUDA call.
        raise RuntimeError(
            "CUDA error: invalid device ordinal\n"
            f"This machine has {count} CUDA device(s): use cuda:0 to cuda:{count - 1}, or check "
            "torch.cuda.device_count()."
        )
    return xp.cuda.Device(index)


_BACKENDS: dict[str, ArrayBackend] = {
    "cpu": ArrayBackend(lambda: np, lambda xp, index: None, lambda array: 0, indexed=False),
    "cuda": ArrayBackend(_cupy, _cupy_device, lambda array: array.device.id, indexed=True),
}
# Array types we have already seen, mapped to their device type, so the lookup is one dict hit.
_TYPE_TO_DEVICE_TYPE: dict[type, str] = {np.ndarray: "cpu"}
CPU = device("cpu")


def register_backend(device_type: str, backend: ArrayBackend) -> None:
    """Serve ``device_type`` with another array library (used by tests for simulated devices)."""
    _BACKENDS[device_type] = backend
    array_type = type(backend.load().asarray(0.0, device=backend.native_device(backend.load(), 0)))
    _TYPE_TO_DEVICE_TYPE[array_type] = device_type


def xp_of(array: Any) -> Any:
    """The array module (``numpy``, ``cupy``, ...) that owns ``array``."""
    if type(array) is np.ndarray or isinstance(array, np.generic):
        return np
    return array_api_compat.array_namespace(array)


def _device_type_of(array: Any) -> str:
    array_type = type(array)
    found = _TYPE_TO_DEVICE_TYPE.get(array_type)
    if found is None:
        if array_api_compat.is_cupy_array(array):
            found = "cuda"
        elif isinstance(array, np.generic):
            found = "cpu"
        else:
            raise TypeError(f"autograd_kit cannot hold arrays of type {array_type.__name__}")
        _TYPE_TO_DEVICE_TYPE[array_type] = found
    return found


def device_of(array: Any) -> device:
    """The ``ak.device`` an array lives on."""
    if type(array) is np.ndarray:
        return CPU
    device_type = _device_type_of(array)
    backend = _BACKENDS[device_type]
    if not backend.indexed:
        return CPU if device_type == "cpu" else device(device_type)
    return device(device_type, backend.index_of(array))


def same_device(first: Any, second: Any) -> bool:
    """True when two arrays live on the same device (the fast path is two NumPy arrays)."""
    if type(first) is np.ndarray and type(second) is np.ndarray:
        return True
    return device_of(first) == device_of(second)


def resolve_device(where: str | device | int | None) -> device:
    """Turn what a user passes as ``device=`` into an ``ak.device`` ("cuda" means "cuda:0")."""
    if where is None:
        return CPU
    if isinstance(where, int):
        where = device("cuda", where)
    where = device(where)
    if _BACKENDS[where.type].indexed and where.index is None:
        where = device(where.type, 0)
    return where


def namespace_for(where: device) -> Any:
    """The array module that serves a device (imports CuPy only when a CUDA device is used)."""
    return _BACKENDS[where.type].load()


def to_device(array: Any, where: device) -> Any:
    """Return ``array`` on device ``where``, copying only when it is somewhere else."""
    if device_of(array) == where:
        return array
    host = asnumpy(array)
    if where.type == "cpu":
        return host
    backend = _BACKENDS[where.type]
    xp = backend.load()
    native = backend.native_device(xp, where.index or 0)
    if where.type == "cuda":
        with native:
            return xp.asarray(host)
    return xp.asarray(host, device=native)


def strides_of(array: Any) -> tuple[int, ...]:
    """How many elements apart neighbours along each dimension are (PyTorch's ``stride()``).

    NumPy and CuPy count strides in bytes; a library that does not expose its layout (the
    array-api-strict test device) is taken to be laid out row by row (C order).
    """
    byte_strides = getattr(array, "strides", None)
    if byte_strides is None:
        return contiguous_strides(array.shape)
    itemsize = array.dtype.itemsize
    return tuple(stride // itemsize for stride in byte_strides)


def cross(x: Any, y: Any, axis: int) -> Any:
    """The cross product along ``axis`` (NumPy and the array API put it in ``linalg``; the
    standard counts the axis from the end)."""
    xp = xp_of(x)
    linalg = getattr(xp, "linalg", None)
    if linalg is not None and hasattr(linalg, "cross"):
        return linalg.cross(x, y, axis=axis - x.ndim if axis >= 0 else axis)
    return xp.cross(x, y, axis=axis)


def data_pointer(array: Any) -> int:
    """The address of an array's first element (NumPy and CuPy publish it in their array
    interface; a library that does not, like the array-api-strict test device, has none)."""
    interface = getattr(array, "__array_interface__", None) or getattr(
        array, "__cuda_array_interface__", None
    )
    if interface is None:
        raise RuntimeError(f"data_ptr() is not available for tensors on {device_of(array)}")
    return interface["data"][0]


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The strides of a tensor of ``shape`` laid out row by row (C order)."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def alias(array: Any) -> Any:
    """A new array object over the same memory (a view of all of ``array``).

    Two tensors that share their numbers (``x`` and ``x.detach()``) each get their own array
    object: when both are inputs of one operation, the engine tells what forward saved for
    backward apart by the array's identity, so one array object must mean one tensor.
    """
    return array[...]


def asnumpy(array: Any) -> np.ndarray:
    """Copy an array from any device into a NumPy array on the host."""
    if isinstance(array, (np.ndarray, np.generic)):
        return np.asarray(array)
    if array_api_compat.is_cupy_array(array):
        return array.get()
    device_type = _device_type_of(array)
    backend = _BACKENDS[device_type]
    xp = backend.load()
    cpu_array = xp.asarray(array, device=backend.native_device(xp, 0), copy=True)
    return np.asarray(cpu_array)


def index_add(target: Any, key: Any, values: Any) -> None:
    """``target[key] += values`` where repeated indices add up (a scatter-add).

    Plain ``target[key] += values`` keeps only the last write for a repeated index; the
    gradient of indexing must add every contribution, so each library's scatter-add is used.
    """
    if type(target) is np.ndarray:
        np.add.at(target, key, values)
    elif array_api_compat.is_cupy_array(target):
        importlib.import_module("cupyx").scatter_add(target, key, values)
    else:
        _on_host(target, lambda host: np.add.at(host, _host_key(key), _host_value(values)))


def index_put(target: Any, key: Any, values: Any) -> None:
    """``target[key] = values`` for a key of integer arrays (a scatter: for a repeated index
    one of the writes wins, as in PyTorch).

    NumPy and CuPy assign through such a key directly; the array API standard only reads
    through one, so other libraries write on a host copy.
    """
    if type(target) is np.ndarray or array_api_compat.is_cupy_array(target):
        target[key] = values
    else:
        _on_host(target, lambda host: host.__setitem__(_host_key(key), _host_value(values)))


def _on_host(target: Any, change: Callable[[np.ndarray], None]) -> None:
    """Apply ``change`` to a NumPy copy of ``target`` and write the result back."""
    host = asnumpy(target)
    change(host)
    target[...] = to_device(host, device_of(target))


def _host_value(values: Any) -> Any:
    return values if isinstance(values, (int, float, bool)) else asnumpy(values)


def diagonal_of(array: Any, offset: int, dim1: int, dim2: int) -> Any:
    """The diagonal of ``array`` in the plane (dim1, dim2), as a new last dimension, seen
    without copying where the library can (PyTorch's ``diagonal``).

    ``offset`` > 0 starts above the main diagonal (at column ``offset``), < 0 below it.
    NumPy's own ``diagonal`` is read-only, so the same elements are seen through a writable
    strided view; libraries without strides (the array API standard) give a copy.
    """
    xp = xp_of(array)
    if xp is np or array_api_compat.is_cupy_array(array):
        read_only = xp.diagonal(array, offset, dim1, dim2)
        start = [slice(None)] * array.ndim
        start[dim2 if offset >= 0 else dim1] = slice(abs(offset), None)
        first = array[tuple(start)]  # a view that begins at the diagonal's first element
        return xp.lib.stride_tricks.as_strided(first, read_only.shape, read_only.strides)
    others = [d for d in range(array.ndim) if d not in (dim1, dim2)]
    return xp.linalg.diagonal(xp.permute_dims(array, (*others, dim1, dim2)), offset=offset)


def erf(array: Any) -> Any:
    """The error function elementwise, erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt, in the
    array's own dtype and on its own device.

    The array API has no erf and SciPy is not a dependency, so NumPy arrays go through
    Python's correctly rounded ``math.erf`` one element at a time (computed in float64, then
    rounded to the array's dtype, so float32 results are as accurate as float32 allows); CuPy
    has a GPU kernel; other libraries compute on the host and move the result back.
    """
    if type(array) is np.ndarray or isinstance(array, np.generic):
        return np.asarray(_numpy_erf(array), dtype=array.dtype)
    if array_api_compat.is_cupy_array(array):
        return importlib.import_module("cupyx.scipy.special").erf(array)
    host = asnumpy(array)
    return to_device(np.asarray(_numpy_erf(host), dtype=host.dtype), device_of(array))


_numpy_erf = np.frompyfunc(math.erf, 1, 1)


def _host_key(key: Any) -> Any:
    if isinstance(key, tuple):
        return tuple(_host_key(part) for part in key)
    if isinstance(key, (slice, int, type(None), type(Ellipsis))):
        return key
    return asnumpy(key)


# ---- scans, sorting and einsum, where libraries spell them differently ----


def cumulative(array: Any, axis: int, kind: str, dtype: Any = None) -> Any:
    """Running sums (``kind="sum"``) or products (``"prod"``) along ``axis``: the array API's
    ``cumulative_sum``/``cumulative_prod`` where the library has them, else ``cumsum``."""
    xp = xp_of(array)
    standard = getattr(xp, f"cumulative_{kind}", None)
    if standard is not None:
        return standard(array, axis=axis, dtype=dtype)
    return getattr(xp, f"cum{kind}")(array, axis=axis, dtype=dtype)


def argsort(array: Any, axis: int, descending: bool = False, stable: bool = True) -> Any:
    """The positions that sort ``array`` along ``axis`` (the array API's ``argsort``, which
    NumPy spells without ``descending``: its array-api-compat wrapper adds it)."""
    xp = array_api_compat.array_namespace(array)
    return xp.argsort(array, axis=axis, descending=descending, stable=stable)


def einsum(equation: str, *arrays: Any) -> Any:
    """``einsum`` of NumPy or CuPy; other libraries (the array API has none) compute it on the
    host and move the result back."""
    xp = xp_of(arrays[0])
    if hasattr(xp, "einsum"):
        return xp.einsum(equation, *arrays)
    out = np.einsum(equation, *(asnumpy(array) for array in arrays))
    return to_device(np.asarray(out), device_of(arrays[0]))


def cuda_is_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device; never raises."""
    return _cupy_or_reason()[0] is not None


def cuda_device_count() -> int:
    """How many CUDA devices CuPy sees (0 without CuPy or a GPU); never raises."""
    cupy = _cupy_or_reason()[0]
    return 0 if cupy is None else int(cupy.cuda.runtime.getDeviceCount())


def cuda_unavailable_reason() -> str | None:
    """Why CUDA cannot be used here, in one sentence (None when it can)."""
    return _cupy_or_reason()[1]


# ---- elementwise ----


def fmod(x: Any, y: Any) -> Any:
    """C's ``fmod``: the remainder of x / y with the sign of x (``%`` takes y's sign).

    NumPy and CuPy have it; the array API standard only has ``remainder``, so there it is
    |x| mod |y| given x's sign, which is the same number.
    """
    xp = xp_of(x)
    if hasattr(xp, "fmod"):
        return xp.fmod(x, y)
    magnitude = xp.remainder(xp.abs(x), xp.abs(y) if hasattr(y, "shape") else abs(y))
    if xp.isdtype(x.dtype, "real floating"):
        return xp.copysign(magnitude, x)
    return xp.where(x < 0, -magnitude, magnitude)


__all__ = [
    "ArrayBackend",
    "CPU",
    "argsort",
    "asnumpy",
    "cuda_device_count",
    "cuda_is_available",
    "cuda_unavailable_reason",
    "device",
    "cross",
    "cumulative",
    "data_pointer",
    "device_of",
    "diagonal_of",
    "einsum",
    "fmod",
    "erf",
    "index_add",
    "index_put",
    "namespace_for",
    "register_backend",
    "resolve_device",
    "same_device",
    "to_device",
    "xp_of",
]

