"""NumPy's argument names, which PyTorch accepts beside its own: ``keepdims=`` for
``keepdim=`` and ``axis=`` for ``dim=``.

PyTorch's argument parser maps them for every operation written in C++, so lecture code such
as ``x.sum(axis=0, keepdims=True)`` runs with torch; here one wrapper does the same for every
function of the tensor methods that takes ``dim`` or ``keepdim``.

Example:
    >>> ak.ones(2, 3).sum(axis=0, keepdims=True)
    tensor([[2., 2., 2.]])
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

# NumPy's name -> PyTorch's name.
ALIASES = {"keepdims": "keepdim", "axis": "dim"}


def accept_numpy_names(function: Callable) -> Callable:
    """``function`` that also takes ``keepdims=`` and ``axis=`` for the ``keepdim``/``dim``
    parameters it has."""
    parameters = inspect.signature(function).parameters
    renames = {numpy: torch for numpy, torch in ALIASES.items() if torch in parameters}

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            for numpy, torch in renames.items():
                if numpy in kwargs:
                    if torch in kwargs:
                        raise TypeError(
                            f"{function.__name__}() got multiple values for argument '{torch}'"
                        )
                    kwargs[torch] = kwargs.pop(numpy)
        return function(*args, **kwargs)

    return wrapper


def install(namespace: dict, methods: dict) -> None:
    """Replace, in a module's ``namespace`` and its ``methods`` table, each public function
    (or method) that takes ``dim`` or ``keepdim`` by its :func:`accept_numpy_names` twin."""
    wrapped: dict[int, Callable] = {}

    def twin(function: Any) -> Any:
        if not inspect.isfunction(function):
            return function
        if id(function) not in wrapped:
            parameters = inspect.signature(function).parameters
            takes = any(torch in parameters for torch in ALIASES.values())
            wrapped[id(function)] = accept_numpy_names(function) if takes else function
        return wrapped[id(function)]

    for name, function in methods.items():
        methods[name] = twin(function)
    for name, value in list(namespace.items()):
        if not name.startswith("_") and inspect.isfunction(value) and (
            value.__module__ == namespace["__name__"]
        ):
            namespace[name] = twin(value)
