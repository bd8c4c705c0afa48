"""Switches that turn graph recording off and on: no_grad, enable_grad, set_grad_enabled,
inference_mode.

The engine reads one flag, ``grad_state.enabled``, before recording each operation. These
classes flip it for a block (``with``) or a whole function (as a decorator) and always put
the previous value back, even when the block raises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState:
    """The process-wide recording switch (one attribute read per operation), and the anomaly
    detection switches (see ``anomaly_mode.py``)."""

    __slots__ = ("enabled", "inference", "anomaly", "anomaly_check_nan")

    def __init__(self) -> None:
        self.enabled = True
        self.inference = False
        self.anomaly = False
        self.anomaly_check_nan = True


grad_state = _GradState()


def is_grad_enabled() -> bool:
    """True when operations are being recorded into the graph."""
    return grad_state.enabled


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return grad_state.inference


class _GradModeSwitch:
    """Base for the switches: a context manager that also works as a decorator.

    The previous state goes on a stack, so one object can be entered again while it is
    active (a decorated function that calls itself).
    """

    _target: bool = True
    _inference: bool | None = None

    def __enter__(self) -> None:
        self.__dict__.setdefault("_saved", []).append((grad_state.enabled, grad_state.inference))
        grad_state.enabled = self._target
        if self._inference is not None:
            grad_state.inference = self._inference

    def __exit__(self, *exc_info: object) -> None:
        grad_state.enabled, grad_state.inference = self._saved.pop()

    def __call__(self, function: F) -> F:
        @functools.wraps(function)
        def switched(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return switched  # type: ignore[return-value]


class no_grad(_GradModeSwitch):
    """Stop recording the graph inside the block.

    Results computed inside have requires_grad=False and no grad_fn, even when their inputs
    require grad. Leaves keep their flag. Use it for inference (less memory, faster) and for
    updating weights by hand.

    Example:
        >>> w = ak.tensor([3.0], requires_grad=True)
        >>> with ak.no_grad():
        ...     half = w * 0.5
        >>> half.requires_grad, half.grad_fn
        (False, None)
    """

    _target = False


class enable_grad(_GradModeSwitch):
    """Record the graph again inside a ``no_grad`` block.

    Example:
        >>> x = ak.tensor([1.0], requires_grad=True)
        >>> with ak.no_grad():
        ...     with ak.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    _target = True


class set_grad_enabled(_GradModeSwitch):
    """Turn recording on or off by a flag, e.g. ``set_grad_enabled(is_training)``.

    Like PyTorch, calling it outside ``with`` also sets the mode immediately.

    Example:
        >>> x = ak.tensor([1.0], requires_grad=True)
        >>> with ak.set_grad_enabled(False):
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __init__(self, mode: bool) -> None:
        self._target = bool(mode)
        self._saved = [(grad_state.enabled, grad_state.inference)]
        grad_state.enabled = self._target

    def __enter__(self) -> None:
        # __init__ already switched and saved the previous state.
        if not self._saved:
            super().__enter__()

    def __call__(self, function: F) -> F:
        grad_state.enabled, grad_state.inference = self._saved.pop()
        return super().__call__(function)


class inference_mode(_GradModeSwitch):
    """Like ``no_grad``, for code that will never need gradients (PyTorch's faster successor
    of the old ``volatile=True`` flag).

    Example:
        >>> x = ak.tensor([1.0], requires_grad=True)
        >>> with ak.inference_mode():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __init__(self, mode: bool = True) -> None:
        self._target = not mode
        self._inference = bool(mode)
