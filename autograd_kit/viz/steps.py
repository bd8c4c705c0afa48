"""The stepper's pure model: run the REAL backward pass, record what the engine did, step by step.

``backward_steps(loss)`` calls ``loss.backward()`` under the engine's observer
(``autograd_kit.autograd.graph.observe_backward``) and turns every event into a ``Step``: the node
being run, the gradient flowing in, the gradients it sends, hooks, ``.grad`` accumulating on
leaves, saved tensors freed, and the error of a second backward. Nothing here computes a
gradient, so the stepper can never disagree with ``backward()``. No Jupyter needed.

Example:
    >>> a = ak.tensor([1.0, 2.0], requires_grad=True)
    >>> model = backward_steps((a * a).sum(), names={"a": a})
    >>> [step.kind for step in model.steps]
    ['start', 'node', 'node', 'free', 'node', 'accumulate']
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np

from .graph import Graph, GraphDrawing, build_graph, format_value, layout_graph, node_name, to_numpy
from .messages import say


@dataclass(frozen=True)
class Event:
    """Same fields as the engine's ``BackwardEvent``; used for engines without the observer."""

    kind: str
    node: object = None
    grad_outputs: tuple = ()
    grad_inputs: tuple = ()
    tensor: object = None
    before: object = None
    after: object = None
    message: str = ""


@dataclass(frozen=True)
class Step:
    """One thing the engine did, with the state of the graph right after it.

    ``grad_outputs`` are the gradients flowing INTO the node (w.r.t. its outputs), ``grad_inputs``
    the ones it SENDS, one per ``next_functions`` entry. Arrays are numpy copies taken when the
    event happened. ``leaf_grads`` maps a leaf's node id to its ``.grad`` after this step.
    """

    index: int
    run: int
    kind: str  # "start", "node", "hook", "accumulate", "free", "error"
    node_id: str | None
    name: str
    text: str
    grad_outputs: tuple = ()
    grad_inputs: tuple = ()
    before: np.ndarray | None = None
    after: np.ndarray | None = None
    message: str = ""
    leaf_grads: dict = field(default_factory=dict)
    done: frozenset = frozenset()
    freed: frozenset = frozenset()


# Leaves are drawn on top and the output at the bottom, so gradients always travel up.
UP = "\u2191 "


def _snap(value):
    return None if value is None else to_numpy(value)


def _snap_all(values) -> tuple:
    return tuple(_snap(v) for v in (values or ()))


@dataclass
class BackwardSteps:
    """The recorded steps of one or more ``backward()`` calls over one drawn graph."""

    drawing: GraphDrawing
    steps: list[Step]
    error: BaseException | None = None

    @property
    def graph(self) -> Graph:
        return self.drawing.graph

    def __len__(self) -> int:
        return len(self.steps)

    def node_states(self, index: int) -> dict[str, str]:
        """Per node id: ``active`` (this step), ``error``, ``done`` (already run), ``freed``."""
        step = self.steps[index]
        states = {node_id: "done" for node_id in step.done}
        for node_id in step.freed:
            states[node_id] = "freed"
        if step.node_id is not None and step.kind != "free":
            states[step.node_id] = "error" if step.kind == "error" else "active"
        elif step.kind == "free" and step.node_id is not None:
            states[step.node_id] = "active"
        return states

    def edge_labels(self, index: int) -> dict[tuple[str, str, int], str]:
        """Gradient values on the edges they travel along at this step, keyed like GraphEdge."""
        step = self.steps[index]
        labels: dict[tuple[str, str, int], str] = {}
        edges = self.graph.edges
        if step.kind == "start":
            for e in edges:
                if e.kind == "output" and step.grad_outputs:
                    seed = format_value(step.grad_outputs[0], 28)
                    labels[(e.src, e.dst, e.slot)] = UP + say("viz.graph.edge_seed", value=seed)
        elif step.kind == "node":
            for e in edges:
                if e.dst == step.node_id and e.kind == "flow" and e.slot < len(step.grad_inputs):
                    labels[(e.src, e.dst, e.slot)] = UP + format_value(step.grad_inputs[e.slot], 28)
                if e.dst == step.node_id and e.kind == "variable" and step.grad_outputs:
                    labels[(e.src, e.dst, e.slot)] = UP + format_value(step.grad_outputs[0], 28)
        elif step.kind == "accumulate":
            for e in edges:
                if e.src == step.node_id and e.kind == "variable":
                    labels[(e.src, e.dst, e.slot)] = ".grad = " + format_value(step.after, 24)
        elif step.kind == "hook":
            for e in edges:
                if e.src == step.node_id and e.kind in ("flow", "output", "variable"):
                    value = format_value(step.after, 24)
                    labels[(e.src, e.dst, e.slot)] = say("viz.graph.edge_hook", value=value)
        return labels

    def svg(self, index: int, max_size: tuple[float, float] | None = None) -> str:
        """The graph at step ``index``: its node highlighted, its gradients on the edges."""
        step = self.steps[index]
        return self.drawing.to_svg(
            self.node_states(index),
            self.edge_labels(index),
            title=say(
                "viz.stepper.svg_title", step=index + 1, total=len(self.steps), text=step.text
            ),
            max_size=max_size,
            fit_width=max_size is not None,
        )


@contextlib.contextmanager
def _observe(tensor, callback):
    """The engine's observer for ``ak`` tensors; node hooks as a stand-in for ``torch`` ones."""
    if type(tensor).__module__.startswith("torch"):
        with _observe_torch(tensor, callback):
            yield
        return
    from ..autograd.graph import observe_backward

    with observe_backward(callback):
        yield


@contextlib.contextmanager
def _observe_torch(tensor, callback):
    # torch has no observer seam: its node pre/post hooks give the node and accumulate events in
    # the engine's own order (tensor hooks and frees are not visible this way).
    graph = build_graph(tensor, show_saved=False)
    handles = []
    for node in graph.nodes:
        if node.kind not in ("function", "accumulate"):
            continue
        fn, before = node.obj, {}

        def pre(grad_outputs, fn=fn, before=before):
            variable = getattr(fn, "variable", None)
            if variable is not None:
                before["grad"] = _snap(variable.grad)

        def post(grad_inputs, grad_outputs, fn=fn, before=before):
            callback(Event("node", fn, tuple(grad_outputs), tuple(grad_inputs)))
            variable = getattr(fn, "variable", None)
            if variable is not None:
                callback(
                    Event(
                        "accumulate",
                        fn,
                        tuple(grad_outputs),
                        (),
                        variable,
                        before.get("grad"),
                        variable.grad,
                    )
                )

        handles += [fn.register_prehook(pre), fn.register_hook(post)]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def backward_steps(
    output,
    gradient=None,
    retain_graph=None,
    inputs=None,
    runs: int = 1,
    names=None,
    show_values: bool = False,
) -> BackwardSteps:
    """Run ``output.backward(...)`` ``runs`` times for real and record each engine event as a Step.

    Leaves end with exactly the ``.grad`` that the same ``backward()`` calls give, because these
    ARE those calls. With ``retain_graph=False`` a second run records the engine's error
    (``RuntimeError: Trying to backward through the graph a second time ...``) as the last step.
    """
    drawing = GraphDrawing(
        graph := build_graph(output, params=names, show_values=show_values), layout_graph(graph)
    )
    leaves = {n.id: n.obj for n in graph.leaves()}
    steps: list[Step] = []
    state = {
        "grads": {i: _snap(t.grad) for i, t in leaves.items()},
        "done": frozenset(),
        "freed": frozenset(),
        "run": 0,
    }

    def add(kind, node_id, name, text, **fields):
        steps.append(
            Step(
                len(steps),
                state["run"],
                kind,
                node_id,
                name,
                text,
                leaf_grads=dict(state["grads"]),
                done=state["done"],
                freed=state["freed"],
                **fields,
            )
        )

    def on_event(event) -> None:
        node = event.node
        node_id = graph.id_of(node) if node is not None else None
        name = node_name(node) if node is not None else ""
        if event.kind == "node":
            state["done"] = state["done"] | ({node_id} if node_id else set())
            gin, gout = _snap_all(event.grad_inputs), _snap_all(event.grad_outputs)
            targets = [
                node_name(c) if c is not None else say("viz.step.no_grad")
                for c, _ in getattr(node, "next_functions", ())
            ]
            sent = say("viz.step.separator").join(
                say("viz.step.sent_to", grad=format_value(g, 30), target=t)
                for g, t in zip(gin, targets, strict=False)
            )
            text = say("viz.step.node", name=name, grad=format_value(gout[0] if gout else None, 30))
            add(
                "node",
                node_id,
                name,
                text + (say("viz.step.sends", sent=sent) if sent else ""),
                grad_outputs=gout,
                grad_inputs=gin,
            )
        elif event.kind == "accumulate":
            leaf_id = graph.id_of(event.tensor)
            before, after = _snap(event.before), _snap(event.after)
            state["grads"] = {**state["grads"], leaf_id: after}
            label = graph.node(leaf_id).label if leaf_id else say("viz.graph.leaf")
            add(
                "accumulate",
                leaf_id,
                name,
                say(
                    "viz.step.accumulate",
                    label=label,
                    before=format_value(before, 30),
                    after=format_value(after, 30),
                ),
                before=before,
                after=after,
            )
        elif event.kind == "hook":
            hooked = node_id or graph.id_of(event.tensor)
            before, after = _snap(event.before), _snap(event.after)
            changed = before is None or after is None or not np.array_equal(before, after)
            add(
                "hook",
                hooked,
                name,
                say(
                    "viz.step.hook_replaces" if changed else "viz.step.hook_sees",
                    hook=event.message or "",
                    before=format_value(before, 30),
                    after=format_value(after, 30),
                ),
                before=before,
                after=after,
                message=event.message or "",
            )
        elif event.kind == "free":
            saved = {e.src for e in graph.edges if e.kind == "saved" and e.dst == node_id}
            state["freed"] = state["freed"] | saved
            add("free", node_id, name, say("viz.step.free", name=name))
        elif event.kind == "error":
            add("error", node_id, name, say("viz.step.error"), message=event.message)

    error = None
    for run in range(runs):
        state["run"] = run
        state["done"] = frozenset()  # each backward() call runs the graph afresh
        seed = gradient if gradient is not None else None
        seed_text = format_value(seed, 30) if seed is not None else say("viz.step.implicit_seed")
        add(
            "start",
            graph.id_of(output),
            "backward",
            say("viz.step.start", run=run + 1, seed=seed_text),
            grad_outputs=(_snap(seed) if seed is not None else np.ones(tuple(output.shape)),),
        )
        try:
            with _observe(output, on_event):
                output.backward(gradient=gradient, retain_graph=retain_graph, inputs=inputs)
        except Exception as exc:  # the engine's own error, shown as a step, then stop
            error = exc
            message = f"{type(exc).__name__}: {exc}"
            if not steps or steps[-1].kind != "error":
                add("error", None, type(exc).__name__, say("viz.step.error"), message=message)
            else:
                steps[-1] = Step(**{**steps[-1].__dict__, "message": message})
            break
    return BackwardSteps(drawing, steps, error)
