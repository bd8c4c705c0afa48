"""Thin ipywidgets views over the pure models in ``steps.py`` and ``recorder.py``.

The only state a view keeps is the current step (a slider's value, counted from 1 like the title
above the steps); everything shown is read from the recorded steps. Buttons carry text labels and
tooltips and are ordinary focusable buttons, so Tab then Enter/Space steps forward and back; the
slider takes the arrow keys. Every word comes from ``messages.py`` in the language set when the
widget is made (``ak.set_language("zh")``).

Without a kernel (GitHub, nbviewer, exported HTML) a widget cannot run, so each one also gives
Jupyter a static ``text/html`` view next to the live one: every step (or line) as a picture, in
order. A live Jupyter shows the widget; a static viewer shows the pictures.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .graph import format_value
from .messages import say
from .recorder import record_graph
from .steps import backward_steps

# The stepper's graph is scaled to fit beside its text in a 1400×900 window, so the node being
# run is always on screen with the buttons; the builder's graph shrinks to the output's width.
STEPPER_GRAPH_SIZE = (760.0, 560.0)


class StaticFallback:
    """Adds a static HTML view (``_static_html``) to a widget's Jupyter output.

    ipywidgets gives Jupyter only the live view and a one-line text; a viewer without a kernel
    then shows that text. Frontends that can run the widget prefer the live view.
    """

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = self._static_html()
        return data

    def _static_html(self) -> str:
        raise NotImplementedError


def _frames_html(note: str, frames) -> str:
    """A static sequence of (caption, svg) frames under a one-line note."""
    figures = "".join(
        f'<figure class="ak-static-frame" style="margin:6px 0">'
        f"<figcaption>{html.escape(caption)}</figcaption>{svg}</figure>"
        for caption, svg in frames
    )
    return f'<div class="ak-static"><p><i>{html.escape(note)}</i></p>{figures}</div>'


def _button(label: str, tooltip: str, name: str) -> widgets.Button:
    button = widgets.Button(description=label, tooltip=tooltip, layout=widgets.Layout(width="auto"))
    button.add_class(f"ak-{name}")
    return button


class BackwardStepper(StaticFallback, widgets.VBox):
    """Step through the real backward pass of ``output``, one engine event at a time.

    ``backward()`` runs once, for real, when the widget is made (``runs`` times, to show
    accumulation or the second-backward error); the widget then replays what the engine did.
    ``gradient=`` seeds a non-scalar output, ``retain_graph=`` is passed to the engine.
    ``index`` counts steps from 0 like ``model.steps``; the slider and the title count from 1.

    Example:
        >>> w = ak.tensor([1.0, 2.0], requires_grad=True)
        >>> stepper = ak.widgets.BackwardStepper((w * w).sum(), names={"w": w})
        >>> stepper.step_forward(); stepper.index, stepper.slider.value
        (1, 2)
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
        total = len(self.model.steps)
        self.slider = widgets.IntSlider(
            value=1,
            min=1,
            max=total,
            description=say("viz.stepper.slider"),
            tooltip=say("viz.stepper.slider_tip"),
            layout=widgets.Layout(width="340px"),
        )
        self.slider.add_class("ak-slider")
        self.reset_button = _button(say("viz.stepper.reset"), say("viz.stepper.reset_tip"), "reset")
        self.back_button = _button(say("viz.stepper.back"), say("viz.stepper.back_tip"), "back")
        self.forward_button = _button(
            say("viz.stepper.forward"), say("viz.stepper.forward_tip"), "forward"
        )
        # ipywidgets' Play drives the animation in the browser; its icon-only buttons are
        # replaced by one labelled toggle so play/pause has a name, a tooltip and a key.
        self.play = widgets.Play(
            value=1,
            min=1,
            max=total,
            interval=interval,
            show_repeat=False,
            layout=widgets.Layout(display="none"),
        )
        self.play_button = widgets.ToggleButton(
            description=say("viz.stepper.play"), icon="play", tooltip=say("viz.stepper.play_tip")
        )
        self.play_button.add_class("ak-play")
        widgets.jslink((self.play_button, "value"), (self.play, "playing"))
        self.play_button.observe(self._play_label, names="value")
        self.speed = widgets.IntSlider(
            value=interval,
            min=150,
            max=2500,
            step=50,
            description=say("viz.stepper.speed"),
            tooltip=say("viz.stepper.speed_tip"),
        )
        # Browser-side links: playing keeps working while the kernel is busy.
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        widgets.jslink((self.speed, "value"), (self.play, "interval"))
        self.reset_button.on_click(lambda _: self.go(0))
        self.back_button.on_click(lambda _: self.step_back())
        self.forward_button.on_click(lambda _: self.step_forward())
        self.graph_view = widgets.HTML(layout=widgets.Layout(flex="0 1 auto", min_width="0"))
        self.graph_view.add_class("ak-graph-view")
        self.details = widgets.HTML(layout=widgets.Layout(flex="0 0 auto"))
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
            ],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        # The graph and its explanation side by side, under the buttons: all of it fits in
        # 1400×900, so the highlighted node is on screen while the learner presses Step.
        body = widgets.HBox([self.graph_view, self.details])
        super().__init__([controls, self.slider, body])
        self.add_class("ak-stepper")
        self._render()

    @property
    def index(self) -> int:
        """The step shown, counted from 0 (``model.steps[index]``)."""
        return self.slider.value - 1

    def go(self, index: int) -> None:
        self.slider.value = max(0, min(index, len(self.model.steps) - 1)) + 1

    def step_forward(self) -> None:
        self.go(self.index + 1)

    def step_back(self) -> None:
        self.go(self.index - 1)

    def _play_label(self, change) -> None:
        self.play_button.description = say(
            "viz.stepper.pause" if change["new"] else "viz.stepper.play"
        )
        self.play_button.icon = "pause" if change["new"] else "play"

    def _render(self) -> None:
        i, model = self.index, self.model
        self.graph_view.value = model.svg(i, max_size=STEPPER_GRAPH_SIZE)
        self.back_button.disabled = i == 0
        self.forward_button.disabled = i == len(model.steps) - 1
        self.details.value = _details_html(model, i)

    def _static_html(self) -> str:
        model = self.model
        total = len(model.steps)
        return _frames_html(
            say("viz.stepper.static_note", total=total),
            (
                (_step_title(model, i), model.svg(i, max_size=STEPPER_GRAPH_SIZE))
                for i in range(total)
            ),
        )


def _step_title(model, i: int) -> str:
    step = model.steps[i]
    title = say(
        "viz.stepper.title",
        step=i + 1,
        total=len(model.steps),
        run=step.run + 1,
        kind=say(f"viz.kind.{step.kind}"),
    )
    return f"{title} {step.text}"


def _code(value, cls: str, extra: str = "") -> str:
    return f"<code class='{cls}'{extra}>{html.escape(format_value(value, 200))}</code>"


def _details_html(model, i: int) -> str:
    step, graph = model.steps[i], model.graph
    title = say(
        "viz.stepper.title",
        step=i + 1,
        total=len(model.steps),
        run=step.run + 1,
        kind=say(f"viz.kind.{step.kind}"),
    )
    rows = [
        f'<p class="ak-step-title"><b>{html.escape(title)}</b></p>',
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
            f"<p>{html.escape(say('viz.stepper.grad_in'))} "
            f"{_code(step.grad_outputs[0], 'ak-grad-in')}</p>"
        )
        node = graph.node(step.node_id).obj if step.node_id else None
        targets = getattr(node, "next_functions", ())
        pairs = zip(step.grad_inputs, targets, strict=False)
        for slot, (grad, (child, _)) in enumerate(pairs):
            child_id = graph.id_of(child) if child is not None else None
            where = graph.node(child_id).label if child_id else say("viz.stepper.needs_no_grad")
            variable = getattr(child, "variable", None)
            if variable is not None and graph.id_of(variable):
                leaf = graph.node(graph.id_of(variable)).label
                where = say("viz.stepper.of_leaf", node=where, leaf=leaf)
            label = say("viz.stepper.sends_to", slot=slot, where=where)
            code = _code(grad, "ak-grad-out", f" data-slot='{slot}'")
            rows.append(f"<p>{html.escape(label)} {code}</p>")
    if step.kind in ("hook", "accumulate"):
        what = "gradient" if step.kind == "hook" else "grad"
        for when, value in (("before", step.before), ("after", step.after)):
            label = say(f"viz.stepper.{what}_{when}")
            rows.append(f"<p>{html.escape(label)} {_code(value, f'ak-{when}')}</p>")
    leaves = "".join(
        f"<tr><td>{html.escape(graph.node(leaf_id).label)}</td><td><code class='ak-leaf-grad' "
        f"data-leaf='{html.escape(graph.node(leaf_id).label)}'>"
        f"{html.escape(format_value(grad, 200))}</code></td></tr>"
        for leaf_id, grad in step.leaf_grads.items()
    )
    header = html.escape(say("viz.stepper.leaf"))
    rows.append(f"<table><tr><th>{header}</th><th><code>.grad</code></th></tr>{leaves}</table>")
    return (
        '<div role="status" aria-live="polite" style="max-width:420px;min-width:260px">'
        f"{''.join(rows)}</div>"
    )


class ForwardBuilder(StaticFallback, widgets.VBox):
    """Replay a ``record_graph()`` recording: the code on the left, the graph as it grew.

    It opens on the first line; the slider counts lines from 1.

    Example:
        >>> with ak.viz.record_graph() as recording:
        ...     a = ak.tensor(2.0, requires_grad=True)
        ...     y = a * a
        >>> builder = ak.widgets.ForwardBuilder(recording)
        >>> builder.slider.value, builder.slider.max
        (1, 2)
    """

    def __init__(self, recording: record_graph):
        if not recording.frames:
            raise ValueError("the recording has no frames: no tensor was made in its block")
        self.recording = recording
        total = len(recording.frames)
        self.slider = widgets.IntSlider(
            value=1,
            min=1,
            max=total,
            description=say("viz.builder.slider"),
            tooltip=say("viz.builder.slider_tip"),
        )
        self.slider.add_class("ak-slider")
        self.back_button = _button(say("viz.builder.back"), say("viz.builder.back_tip"), "back")
        self.forward_button = _button(
            say("viz.builder.forward"), say("viz.builder.forward_tip"), "forward"
        )
        self.back_button.on_click(lambda _: self._go(self.frame_index - 1))
        self.forward_button.on_click(lambda _: self._go(self.frame_index + 1))
        # The code column is as wide as its longest line (lines never wrap); the graph takes
        # the rest of the width and shrinks to fit it.
        longest = max(len(frame.line or frame.name) for frame in recording.frames)
        self.code = widgets.HTML(layout=widgets.Layout(flex="0 0 auto"))
        self.code.add_class("ak-code")
        self._code_width = f"{longest + 4}ch"
        self.graph_view = widgets.HTML(layout=widgets.Layout(flex="1 1 auto", min_width="0"))
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

    @property
    def frame_index(self) -> int:
        """The frame shown, counted from 0 (``recording.frames[frame_index]``)."""
        return self.slider.value - 1

    def _go(self, index: int) -> None:
        self.slider.value = max(0, min(index, len(self.recording.frames) - 1)) + 1

    def _code_html(self, current: int) -> str:
        lines = []
        for i, frame in enumerate(self.recording.frames):
            style = (
                "font-weight:bold;outline:2px solid #c2255c"
                if i == current
                else ("opacity:0.5" if i > current else "")
            )
            lines.append(
                f'<div class="ak-line" data-index="{i}" style="{style}">'
                f"{html.escape(frame.line or frame.name)}</div>"
            )
        return (
            f'<div role="status" aria-live="polite" style="font-family:monospace;'
            f'white-space:pre;min-width:{self._code_width};padding:4px">{"".join(lines)}</div>'
        )

    def _svg(self, index: int) -> str:
        frame = self.recording.frames[index]
        title = say("viz.builder.graph_after", line=frame.line)
        return frame.drawing.to_svg(title=title, fit_width=True)

    def _render(self) -> None:
        current = self.frame_index
        self.code.value = self._code_html(current)
        self.graph_view.value = self._svg(current)
        self.back_button.disabled = current == 0
        self.forward_button.disabled = current == len(self.recording.frames) - 1

    def _static_html(self) -> str:
        frames = self.recording.frames
        total = len(frames)
        return _frames_html(
            say("viz.builder.static_note", total=total),
            (
                (
                    say("viz.builder.frame", step=i + 1, total=total) + f"  {frame.line}",
                    self._svg(i),
                )
                for i, frame in enumerate(frames)
            ),
        )
