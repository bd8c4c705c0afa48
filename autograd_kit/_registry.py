"""The registry of Tensor methods: each family module in ``ops/`` fills it, the engine adds
the one method that runs it (``backward``), and ``ops/__init__.py`` attaches them all to
``Tensor`` in one step.

``tensor.py`` holds a tensor's state and imports nothing above it; ``x * y`` works because
``arithmetic.py`` registers ``"__mul__": mul`` here and ``attach(Tensor)`` sets it on the
class. A name registered twice is a mistake, so it raises instead of silently winning. This
file sits beside ``tensor.py``, below the engine and the operations, so both can fill it.
"""

from __future__ import annotations

from typing import Any

from . import _numpy_names

TENSOR_METHODS: dict[str, Any] = {}


def tensor_methods(namespace: dict, methods: dict[str, Any]) -> None:
    """Add ``{name: function}`` to the methods ``attach`` will set on ``Tensor``.

    ``namespace`` is the calling module's ``globals()``: its public functions that take ``dim``
    or ``keepdim``, and the methods, also accept NumPy's ``axis=`` and ``keepdims=``
    (``_numpy_names``), as PyTorch's do.
    """
    _numpy_names.install(namespace, methods)
    for name, method in methods.items():
        if name in TENSOR_METHODS:
            raise RuntimeError(f"Tensor.{name} is registered twice")
        TENSOR_METHODS[name] = method


def attach(tensor_class: type) -> None:
    """Set every registered method (and property, such as ``T``) on ``tensor_class``."""
    for name, method in TENSOR_METHODS.items():
        setattr(tensor_class, name, method)
