"""Saving and loading: ``ak.save(model.state_dict(), "model.pt")`` and ``ak.load("model.pt")``.

Anything Python can pickle can be saved (tensors, parameters, state dicts, an optimizer's
state, numbers, lists, dicts). Loading is safe by default, as in PyTorch 2.6 and later:
with ``weights_only=True`` the loader rebuilds only tensors, containers and plain values, and
refuses any other class or function named in the file (unpickling such a name could run
arbitrary code). ``weights_only=False`` loads anything; use it only for files you trust.

The file is a pickle, not PyTorch's zip archive: files saved by ``ak`` load with ``ak``, and
files saved by ``torch`` load with ``torch``.

Example:
    >>> import io
    >>> buffer = io.BytesIO()
    >>> ak.save({"w": ak.ones(2), "step": 3}, buffer)
    >>> _ = buffer.seek(0)
    >>> ak.load(buffer)
    {'w': tensor([1., 1.]), 'step': 3}
"""

from __future__ import annotations

import builtins
import os
import pickle
from typing import IO, Any

from . import _backend, dtypes

FileLike = str | os.PathLike | IO[bytes]

# The names a weights-only load may rebuild: tensors, parameters, dtypes, the NumPy arrays
# inside them, and the containers a state dict is made of.
_SAFE_GLOBALS = {
    ("autograd_kit.tensor", "_rebuild"),
    ("autograd_kit.nn.parameter", "_rebuild_parameter"),
    ("collections", "OrderedDict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "complex"),
    ("builtins", "slice"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
} | {("autograd_kit.dtypes", name) for name in ("bool_", *dtypes.BY_NAME)}
# NumPy's dtype classes (numpy.dtypes.Float32DType ...) come with arrays pickled by NumPy 2.
_SAFE_MODULE_PREFIXES = ("numpy.dtypes",)


def save(obj: Any, f: FileLike, pickle_protocol: int = pickle.HIGHEST_PROTOCOL) -> None:
    """Write ``obj`` to the file ``f`` (a path or a binary file object)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            pickle.dump(obj, file, protocol=pickle_protocol)
    else:
        pickle.dump(obj, f, protocol=pickle_protocol)


def load(f: FileLike, map_location: Any = None, weights_only: bool = True) -> Any:
    """Read back what ``save`` wrote. ``map_location="cpu"`` (or a device) puts every tensor
    there; with ``weights_only=True`` (the default) only tensors and plain data are rebuilt."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _Unpickler(file, map_location, weights_only).load()
    return _Unpickler(f, map_location, weights_only).load()


class _Unpickler(pickle.Unpickler):
    """A pickle reader that can move tensors to ``map_location`` and refuse unsafe names."""

    def __init__(self, file: IO[bytes], map_location: Any, weights_only: bool) -> None:
        super().__init__(file)
        self.map_location = map_location
        self.weights_only = weights_only

    def find_class(self, module: str, name: str) -> Any:
        if self.weights_only and not (
            (module, name) in _SAFE_GLOBALS or module.startswith(_SAFE_MODULE_PREFIXES)
        ):
            raise pickle.UnpicklingError(
                "Weights only load failed. Re-running `torch.load` with `weights_only` set to "
                "`False` will likely succeed, but it can result in arbitrary code execution. "
                "Do it only if you got the file from a trusted source.\n"
                f"Unsupported global: GLOBAL {module}.{name} was not an allowed global by "
                "default."
            )
        found = super().find_class(module, name)
        if self.map_location is not None and name in ("_rebuild", "_rebuild_parameter"):
            return self._moved(found)
        return found

    def _moved(self, rebuild: Any) -> Any:
        """``rebuild`` with the saved device replaced by ``map_location``."""
        target = self.map_location

        def rebuild_on_target(array: Any, saved_device: str, requires_grad: builtins.bool) -> Any:
            if callable(target):  # a function of (storage, location); the storage itself: CPU
                where = target(array, saved_device)
                where = "cpu" if where is array else where
            elif isinstance(target, dict):
                where = target.get(saved_device, saved_device)
            else:
                where = target
            return rebuild(array, str(_backend.resolve_device(where)), requires_grad)

        return rebuild_on_target

