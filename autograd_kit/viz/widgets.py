"""Thin ipywidgets views over the pure models in ``steps.py`` and ``recorder.py``.

The only state a view keeps is the current step (a slider's value); everything shown is read
from the recorded steps. Buttons carry text labels and tooltips and are ordinary focusable
buttons, so Tab then Enter/Space steps forward and back; the slider takes the arrow keys.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .graph import format_value
from .recorder import record_graph
from .steps import backward_steps


def _button(label: str, tooltip: str, name: str) -> widgets.Button:
    button = widgets.Button(description=label, tooltip=tooltip, layout=widgets.Layout(width="auto"))
    button.add_class(f"ak-{name}")
    return button


class BackwardStepper(widgets.VBox):
    """Step through the real backward pass of ``output``, one engine event at a time.

    ``backward()`` runs once, for real, when the widget is made (``runs`` times, to show
    accumulation or the second-backward error); the widget then replays what the engine did.
    ``gradient=`` seeds a non-scalar output, ``retain_graph=`` is passed to the engine.

    Example:
        >>> w = ak.tensor([1.0, 2.0], requires_grad=True)
        >>> stepper = ak.widgets.BackwardStepper((w * w).sum(), names={"w": w})
        >>> stepper.step_forward(); stepper.index
        1
    """

    def __init__(
        self,
        output,
        gradient=None,
        retain_graph=None,
        inputs=None,
        runs: int = 1,
        names=None,
        show_values: bool = False,
        interval: int = 900,
    ):
        self.model = backward_steps(
            output,
            gradient=gradient,
            retain_graph=retain_graph,
            inputs=inputs,
            runs=runs,
            names=names,
            show_values=show_values,
        )
        last = len(self.model.steps) - 1
        self.slider = widgets.IntSlider(
            value=0,
            min=0,
            max=last,
            description="Step",
            tooltip="Choose a step (arrow keys move one step)",
            layout=widgets.Layout(width="340px"),
        )
        self.slider.add_class("ak-slider")
        self.reset_button = _button("Reset", "Back to the first step", "reset")
        self.back_button = _button("◀ Back", "Previous step (Enter or Space)", "back")
        self.forward_button = _button(
            "Step ▶", "Next step: run what the engine ran next (Enter or Space)", "forward"
        )
        # ipywidgets' Play drives the animation in the browser; its icon-only buttons are
        # replaced by one labelled toggle so play/pause has a name, a tooltip and a key.
        self.play = widgets.Play(
            value=0,
            min=0,
            max=last,
            interval=interval,
            show_repeat=False,
            layout=widgets.Layout(display="none"),
        )
        self.play_button = widgets.ToggleButton(
            description="Play", icon="play", tooltip="Play or pause the backward pass"
        )
        self.play_button.add_class("ak-play")
        widgets.jslink((self.play_button, "value"), (self.play, "playing"))
        self.play_button.observe(self._play_label, names="value")
        self.speed = widgets.IntSlider(
            value=interval,
            min=150,
            max=2500,
            step=50,
            description="ms/step",
            tooltip="Milliseconds per step while playing",
        )
        # Browser-side links: playing keeps working while the kernel is busy.
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        widgets.jslink((self.speed, "value"), (self.play, "interval"))
        self.reset_button.on_click(lambda _: self.go(0))
        self.back_button.on_click(lambda _: self.step_back())
        self.forward_button.on_click(lambda _: self.step_forward())
        self.graph_view = widgets.HTML()
        self.graph_view.add_class("ak-graph-view")
        self.details = widgets.HTML()
        self.details.add_class("ak-details")
        self.slider.observe(lambda change: self._render(), names="value")
        controls = widgets.HBox(
            [
                self.reset_button,
                self.back_button,
                self.forward_button,
                self.play_button,
                self.speed,
                self.play,
            ]
        )
        body = widgets.HBox([self.graph_view, self.details])
        super().__init__([controls, self.slider, body])
        self.add_class("ak-stepper")
        self._render()

    @property
    def index(self) -> int:
        return self.slider.value

    def go(self, index: int) -> None:
        self.slider.value = max(0, min(index, len(self.model.steps) - 1))

    def step_forward(self) -> None:
        self.go(self.index + 1)

    def step_back(self) -> None:
        self.go(self.index - 1)

    def _play_label(self, change) -> None:
        self.play_button.description = "Pause" if change["new"] else "Play"
        self.play_button.icon = "pause" if change["new"] else "play"

    def _render(self) -> None:
        i, model = self.index, self.model
        self.graph_view.value = model.svg(i)
        self.back_button.disabled = i == 0
        self.forward_button.disabled = i == len(model.steps) - 1
        self.details.value = _details_html(model, i)


def _details_html(model, i: int) -> str:
    step, graph = model.steps[i], model.graph
    rows = [
        f'<p class="ak-step-title"><b>Step {i + 1} of {len(model.steps)}</b> '
        f"(backward call {step.run + 1}, <code>{html.escape(step.kind)}</code>)</p>",
        f'<p class="ak-step-text">{html.escape(step.text)}</p>',
    ]
    if step.kind == "error":
        # Dark red on light red reads the same in light and dark themes (contrast above 7:1).
        rows.append(
            '<pre class="ak-error-text" style="white-space:pre-wrap;color:#8a1c1c;'
            f'background:#ffe3e3;padding:6px;border-left:4px solid #c92a2a">'
            f"{html.escape(step.message)}</pre>"
        )
    if step.kind == "node" and step.grad_outputs:
        rows.append(
            "<p>gradient in: <code class='ak-grad-in'>"
            f"{html.escape(format_value(step.grad_outputs[0], 200))}</code></p>"
        )
        node = graph.node(step.node_id).obj if step.node_id else None
        targets = getattr(node, "next_functions", ())
        pairs = zip(step.grad_inputs, targets, strict=False)
        for slot, (grad, (child, _)) in enumerate(pairs):
            child_id = graph.id_of(child) if child is not None else None
            where = graph.node(child_id).label if child_id else "(needs no grad)"
            variable = getattr(child, "variable", None)
            if variable is not None and graph.id_of(variable):
                where += f" of {graph.node(graph.id_of(variable)).label}"
            rows.append(
                f"<p>sends to input {slot} ({html.escape(where)}): <code "
                f"class='ak-grad-out' data-slot='{slot}'>"
                f"{html.escape(format_value(grad, 200))}</code></p>"
            )
    if step.kind in ("hook", "accumulate"):
        what = "gradient" if step.kind == "hook" else ".grad"
        for label, value in (("before", step.before), ("after", step.after)):
            rows.append(
                f"<p>{what} {label}: <code class='ak-{label}'>"
                f"{html.escape(format_value(value, 200))}</code></p>"
            )
    leaves = "".join(
        f"<tr><td>{html.escape(graph.node(leaf_id).label)}</td><td><code class='ak-leaf-grad' "
        f"data-leaf='{html.escape(graph.node(leaf_id).label)}'>"
        f"{html.escape(format_value(grad, 200))}</code></td></tr>"
        for leaf_id, grad in step.leaf_grads.items()
    )
    rows.append(f"<table><tr><th>leaf</th><th>.grad</th></tr>{leaves}</table>")
    return f'<div role="status" aria-live="polite" style="max-width:420px">{"".join(rows)}</div>'


class ForwardBuilder(widgets.VBox):
    """Replay a ``record_graph()`` recording: the code on the left, the graph as it grew.

    Example:
        >>> with ak.viz.record_graph() as recording:
        ...     a = ak.tensor(2.0, requires_grad=True)
        ...     y = a * a
        >>> builder = ak.widgets.ForwardBuilder(recording)
        >>> builder.slider.max
        1
    """

    def __init__(self, recording: record_graph):
        if not recording.frames:
            raise ValueError("the recording has no frames: no tensor was made in its block")
        self.recording = recording
        last = len(recording.frames) - 1
        self.slider = widgets.IntSlider(
            value=last,
            min=0,
            max=last,
            description="Line",
            tooltip="Which line of the block to show the graph after",
        )
        self.slider.add_class("ak-slider")
        self.back_button = _button("◀ Back", "Graph before this line", "back")
        self.forward_button = _button("Next ▶", "Graph after the next line", "forward")
        self.back_button.on_click(lambda _: self._go(self.slider.value - 1))
        self.forward_button.on_click(lambda _: self._go(self.slider.value + 1))
        self.code = widgets.HTML()
        self.code.add_class("ak-code")
        self.graph_view = widgets.HTML()
        self.graph_view.add_class("ak-graph-view")
        self.slider.observe(lambda change: self._render(), names="value")
        super().__init__(
            [
                widgets.HBox([self.back_button, self.forward_button, self.slider]),
                widgets.HBox([self.code, self.graph_view]),
            ]
        )
        self.add_class("ak-forward-builder")
        self._render()

    def _go(self, index: int) -> None:
        self.slider.value = max(0, min(index, self.slider.max))

    def _render(self) -> None:
        frames, current = self.recording.frames, self.slider.value
        lines = []
        for i, frame in enumerate(frames):
            style = (
                "font-weight:bold;outline:2px solid #c2255c"
                if i == current
                else ("opacity:0.5" if i > current else "")
            )
            lines.append(
                f'<div class="ak-line" data-index="{i}" style="{style}">'
                f"{html.escape(frame.line or frame.name)}</div>"
            )
        self.code.value = (
            f'<div role="status" aria-live="polite" style="font-family:monospace;'
            f'min-width:240px;padding:4px">{"".join(lines)}</div>'
        )
        frame = frames[current]
        self.graph_view.value = frame.drawing.to_svg(title=f"Graph after: {frame.line}")
        self.back_button.disabled = current == 0
        self.forward_button.disabled = current == self.slider.max
