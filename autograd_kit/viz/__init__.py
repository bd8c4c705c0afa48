"""See autograd work: graph drawings, the backward stepper, and plots for the course.

``draw_graph`` and the step models need only numpy. The widgets and plots need the ``course``
extra (ipywidgets, matplotlib), so they are imported the first time they are used.
"""

from .graph import GraphDrawing, build_graph, draw_graph
from .recorder import Frame, record_graph
from .steps import BackwardSteps, Step, backward_steps

_LAZY = {
    "BackwardStepper": "widgets",
    "ForwardBuilder": "widgets",
    "GradientDescentExplorer": "plots",
    "TrainingPlot": "plots",
}

__all__ = [
    "BackwardSteps",
    "Frame",
    "GraphDrawing",
    "Step",
    "backward_steps",
    "build_graph",
    "draw_graph",
    "record_graph",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
