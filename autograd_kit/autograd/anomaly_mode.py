"""Anomaly detection: find the forward line behind a failing or NaN-producing backward.

When a gradient turns into NaN deep inside ``backward()``, the error names a backward node
(``DivBackward0``) but not the line of *your* code that created it. Inside
``detect_anomaly()`` every recorded node remembers the stack of the forward call that made
it (``node.metadata["traceback_"]``), and the engine then

- checks each node's returned gradients for NaN and raises
  ``Function 'DivBackward0' returned nan values in its 1th output.``, and
- when a node fails, first warns ``Error detected in DivBackward0. Traceback of forward call
  that caused the error:`` followed by that stack.

It makes every operation slower (it captures a stack each time), so it is for debugging only.

Example:
    >>> x = ak.tensor([0.0, 1.0], requires_grad=True)
    >>> with ak.autograd.detect_anomaly():  # doctest: +SKIP
    ...     (x / x).sum().backward()
    RuntimeError: Function 'DivBackward0' returned nan values in its 1th output.
"""

from __future__ import annotations

import os
import traceback
import warnings
from typing import Any

from .. import dtypes
from .._backend import xp_of
from .grad_mode import grad_state

_ENABLED_WARNING = (
    "Anomaly Detection has been enabled. This mode will increase the runtime and should only "
    "be enabled for debugging."
)
# The stack a node remembers ends where the user's code called into the library: frames in
# the dispatch machinery (these files) are dropped, as PyTorch's C++ dispatch never shows.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_DISPATCH_FILES = {
    os.path.join(_PACKAGE, name)
    for name in ("tensor.py", "_broadcasting.py", "autograd/function.py",
                 "autograd/anomaly_mode.py")
} | {  # every operation family module in ops/
    os.path.join(_PACKAGE, "ops", name)
    for name in os.listdir(os.path.join(_PACKAGE, "ops"))
    if name.endswith(".py")
}


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` (or after ``set_detect_anomaly(True)``)."""
    return grad_state.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    """True when anomaly mode also checks every gradient a node returns for NaN."""
    return grad_state.anomaly and grad_state.anomaly_check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off: as a call (it takes effect at once), a ``with``
    block or a decorator. ``check_nan=False`` keeps the forward stacks but skips NaN checks."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = (grad_state.anomaly, grad_state.anomaly_check_nan)
        grad_state.anomaly, grad_state.anomaly_check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc_info: object) -> None:
        grad_state.anomaly, grad_state.anomaly_check_nan = self._previous

    def __call__(self, function: Any) -> Any:
        mode = (grad_state.anomaly, grad_state.anomaly_check_nan)
        grad_state.anomaly, grad_state.anomaly_check_nan = self._previous

        def detecting(*args: Any, **kwargs: Any) -> Any:
            with set_detect_anomaly(*mode):
                return function(*args, **kwargs)

        return detecting


class detect_anomaly:
    """A block (or decorated function) that runs with anomaly detection on; warns once on
    entry that it slows everything down, as PyTorch does."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        warnings.warn(_ENABLED_WARNING, UserWarning, stacklevel=2)
        self._switch = set_detect_anomaly(True, self.check_nan)

    def __exit__(self, *exc_info: object) -> None:
        self._switch.__exit__(*exc_info)

    def __call__(self, function: Any) -> Any:
        def detecting(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return detecting


def remember_forward(node: Any) -> None:
    """Store the user's stack at the moment ``node`` is recorded (called only in anomaly mode)."""
    frames = traceback.extract_stack()
    while frames and os.path.abspath(frames[-1].filename) in _DISPATCH_FILES:
        frames.pop()
    node.metadata["traceback_"] = traceback.format_list(frames)


def warn_failed_node(node: Any) -> None:
    """Before a node's error propagates: say which forward line made the node."""
    trace = node.metadata.get("traceback_") if node is not None else None
    if trace:
        warnings.warn(
            f"Error detected in {node.name()}. Traceback of forward call that caused the "
            f"error:\n{''.join(trace)}",
            UserWarning,
            stacklevel=3,
        )


def check_nan(node: Any, grad_inputs: Any) -> None:
    """PyTorch's NaN check on the gradients one node returned."""
    for position, grad in enumerate(grad_inputs):
        if grad is None:
            continue
        array = getattr(grad, "_array", grad)
        if dtypes.of_array(array).is_floating_point and _has_nan(array):
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {position}th output."
            )


def _has_nan(array: Any) -> bool:
    xp = xp_of(array)
    return bool(xp.any(xp.isnan(array)))
