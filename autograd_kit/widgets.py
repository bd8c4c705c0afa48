"""``ak.widgets``: the interactive views of the kit (they need the ``course`` extra).

Re-exports from ``autograd_kit.viz``, imported on first use so that ``import autograd_kit``
works without ipywidgets or matplotlib installed.
"""

_NAMES = ("BackwardStepper", "ForwardBuilder", "GradientDescentExplorer", "TrainingPlot")

__all__ = list(_NAMES)


def __getattr__(name):
    if name in _NAMES:
        from . import viz

        return getattr(viz, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
