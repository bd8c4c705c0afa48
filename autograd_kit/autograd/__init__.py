"""``ak.autograd``: reverse-mode automatic differentiation.

``backward`` and ``grad`` are the two ways in: one adds gradients into leaves' ``.grad``,
the other returns them (both in ``backward_and_grad.py``, which hands the walk to the engine in
``graph.py``). The submodules import from each other, never from this file, so it only
gathers the public names.
"""

from __future__ import annotations

from . import anomaly_mode, functional, graph  # noqa: F401  (ak.autograd.functional)
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .backward_and_grad import backward, grad
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401  (public API)
from .graph import BackwardEvent, Node, observe_backward
from .variable import Variable

__all__ = [
    "BackwardEvent",
    "Function",
    "FunctionCtx",
    "Node",
    "backward",
    "enable_grad",
    "grad",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "observe_backward",
    "once_differentiable",
    "set_grad_enabled",
    "Variable",
]
