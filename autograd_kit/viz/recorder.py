"""Watch the forward pass build the graph: one drawing per line of a block of code.

``record_graph()`` is a context manager. While its block runs, every time a line finishes it
looks at the block's local variables and, if a tensor was created or reassigned, draws the graph
of all the tensors defined so far, named by their variables. The forward pass itself is not
touched: this only reads ``grad_fn`` after each line (with Python's line tracing).

Example:
    >>> with ak.viz.record_graph() as recording:
    ...     a = ak.tensor(2.0, requires_grad=True)
    ...     b = ak.tensor(3.0, requires_grad=True)
    ...     y = a * b
    >>> [frame.name for frame in recording.frames]
    ['a', 'b', 'y']
"""

from __future__ import annotations

import linecache
import sys
from dataclasses import dataclass

from .graph import GraphDrawing, build_graph, layout_graph
from .messages import say


def _is_tensor(value) -> bool:
    return hasattr(value, "grad_fn") and hasattr(value, "requires_grad") and hasattr(value, "shape")


@dataclass(frozen=True)
class Frame:
    """The graph right after one line ran: ``line`` is its source, ``name`` the new variable."""

    lineno: int
    line: str
    name: str
    drawing: GraphDrawing


class record_graph:  # noqa: N801  (used like a function: ``with record_graph() as rec``)
    """Record the graph as it grows, one ``Frame`` per line that makes or changes a tensor."""

    def __init__(self, show_saved: bool = False, show_values: bool = False):
        self.show_saved, self.show_values = show_saved, show_values
        self.frames: list[Frame] = []
        self._seen: dict[str, int] = {}
        self._assigned: set[str] = set()

    def __enter__(self) -> record_graph:
        self._frame = sys._getframe(1)
        self._lineno = self._frame.f_lineno
        self._seen = {k: id(v) for k, v in self._frame.f_locals.items() if _is_tensor(v)}
        self._previous = sys.gettrace()
        self._frame_trace = self._frame.f_trace
        self._frame.f_trace = self._trace
        sys.settrace(self._ignore_calls)
        return self

    def __exit__(self, *exc) -> None:
        sys.settrace(self._previous)
        self._frame.f_trace = self._frame_trace
        self._snapshot(self._lineno)
        del self._frame
        return None

    @staticmethod
    def _ignore_calls(frame, event, arg):
        return None  # trace lines of the recorded block only, not of the functions it calls

    def _trace(self, frame, event, arg):
        if event == "line" and frame is self._frame:
            self._snapshot(self._lineno)  # the previous line has just finished
            self._lineno = frame.f_lineno
        return self._trace

    def _snapshot(self, lineno: int) -> None:
        # Only variables the block itself assigned: in a notebook the block's "locals" are the
        # globals, which hold every tensor of earlier cells.
        everything = {
            k: v for k, v in self._frame.f_locals.items() if _is_tensor(v) and not k.startswith("_")
        }
        changed = [k for k, v in everything.items() if self._seen.get(k) != id(v)]
        self._seen = {k: id(v) for k, v in everything.items()}
        if not changed:
            return
        self._assigned.update(changed)
        tensors = {k: v for k, v in everything.items() if k in self._assigned}
        graph = build_graph(
            self._roots(tensors),
            params=tensors,
            show_saved=self.show_saved,
            show_values=self.show_values,
        )
        line = linecache.getline(self._frame.f_code.co_filename, lineno).strip()
        self.frames.append(
            Frame(lineno, line, changed[-1], GraphDrawing(graph, layout_graph(graph)))
        )

    def _roots(self, tensors: dict) -> list:
        """Tensors not already drawn inside another's graph (leaves alone included)."""
        inside: set[int] = set()
        for tensor in tensors.values():
            stack = [tensor.grad_fn] if tensor.grad_fn is not None else []
            while stack:
                fn = stack.pop()
                for child, _ in getattr(fn, "next_functions", ()):
                    if child is not None and id(child) not in inside:
                        inside.add(id(child))
                        stack.append(child)
                        variable = getattr(child, "variable", None)
                        if variable is not None:
                            inside.add(id(variable))
        roots = []
        for tensor in tensors.values():
            key = id(tensor.grad_fn) if tensor.grad_fn is not None else id(tensor)
            if key not in inside and all(r is not tensor for r in roots):
                roots.append(tensor)
        return roots

    def _repr_html_(self) -> str:
        if not self.frames:
            return f"<p>{say('viz.recorder.empty')}</p>"
        return self.frames[-1].drawing._repr_html_()
