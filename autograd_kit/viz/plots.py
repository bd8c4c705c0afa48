"""Plots for the optimisation chapters: a gradient-descent explorer and a live training plot.

The models are plain functions and small classes (``gradient_at``, ``descent_path``,
``TrainingHistory``), tested without Jupyter; gradients come from ``autograd_kit``'s own
``backward()``. The widgets only draw them with matplotlib: where ipympl works (installed in the
kernel and its extension in Jupyter) the explorer's figure is interactive and its start point can
be dragged; otherwise it is redrawn as an image under a one-line note.

Figures hold only the curves and numbered axes; titles, legends and labels are HTML beside them,
in the kit's language, so Chinese needs no Chinese font in matplotlib. Without a kernel (GitHub,
nbviewer, exported HTML) each view shows its last picture.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .messages import say

# ----------------------------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """A 2-D loss ``fn(x, y)`` written with operators only, so it runs on tensors and arrays."""

    name: str
    formula: str
    fn: Callable
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    start: tuple[float, float]


SURFACES = {
    s.name: s
    for s in (
        Surface(
            "bowl",
            "x² + 10·y²  (a narrow valley)",
            lambda x, y: x * x + 10 * y * y,
            (-2.0, 2.0),
            (-1.0, 1.0),
            (-1.8, 0.8),
        ),
        Surface(
            "rosenbrock",
            "(1 - x)² + 10·(y - x²)²",
            lambda x, y: (1 - x) ** 2 + 10 * (y - x * x) ** 2,
            (-2.0, 2.0),
            (-1.0, 3.0),
            (-1.5, 2.5),
        ),
        Surface(
            "saddle",
            "x² - y² + 0.1·y⁴  (a saddle at 0)",
            lambda x, y: x * x - y * y + 0.1 * y**4,
            (-2.5, 2.5),
            (-3.0, 3.0),
            (-2.0, 0.05),
        ),
    )
}


def gradient_at(surface: Surface, point) -> tuple[float, np.ndarray]:
    """The loss and its gradient at ``point``, computed by autograd_kit's backward()."""
    import autograd_kit as ak

    # from_numpy keeps every float64 digit, so the paths match torch.optim's to 1e-9.
    xy = ak.from_numpy(np.array([point[0], point[1]], dtype=np.float64)).requires_grad_()
    loss = surface.fn(xy[0], xy[1])
    loss.backward()
    return loss.item(), xy.grad.numpy().copy()


def descent_path(
    surface: Surface,
    start,
    optimizer: str = "sgd",
    lr: float = 0.01,
    steps: int = 50,
    momentum: float = 0.9,
    betas=(0.9, 0.999),
    eps: float = 1e-8,
) -> np.ndarray:
    """Points visited by ``optimizer`` ("sgd", "momentum" or "adam") from ``start``.

    The updates are torch.optim's: SGD ``p -= lr * g``; momentum ``buf = momentum * buf + g``,
    ``p -= lr * buf``; Adam with bias-corrected moments. Stops early if the point runs away.
    """
    point = np.array(start, dtype=np.float64)
    path = [point.copy()]
    buf = m = v = None
    for t in range(1, steps + 1):
        _, g = gradient_at(surface, point)
        if optimizer == "sgd":
            point = point - lr * g
        elif optimizer == "momentum":
            buf = g if buf is None else momentum * buf + g
            point = point - lr * buf
        elif optimizer == "adam":
            beta1, beta2 = betas
            m = (1 - beta1) * g if m is None else beta1 * m + (1 - beta1) * g
            v = (1 - beta2) * g * g if v is None else beta2 * v + (1 - beta2) * g * g
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
            point = point - lr * m_hat / (np.sqrt(v_hat) + eps)
        else:
            raise ValueError(f"unknown optimizer {optimizer!r}: use 'sgd', 'momentum' or 'adam'")
        path.append(point.copy())
        if not np.all(np.isfinite(point)) or np.abs(point).max() > 1e6:
            break  # diverged: the learning rate is too large for this surface
    return np.array(path)


@dataclass
class TrainingHistory:
    """Loss (and optional accuracy) per step, as a training loop reports them."""

    total: int
    steps: list[int] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)

    def log(self, step: int, **values: float) -> None:
        self.steps.append(int(step))
        for name, value in values.items():
            series = self.metrics.setdefault(name, [math.nan] * (len(self.steps) - 1))
            series.append(float(value))
        for series in self.metrics.values():  # a metric not given this step gets a gap
            if len(series) < len(self.steps):
                series.append(math.nan)

    @property
    def progress(self) -> float:
        return 0.0 if not self.steps else min(1.0, (self.steps[-1] + 1) / self.total)


# ----------------------------------------------------------------------------------------------
# Views
# ----------------------------------------------------------------------------------------------

COLOURS = {"sgd": "#d6336c", "momentum": "#1c7ed6", "adam": "#e67700"}  # readable on white


def ipympl_works() -> bool:
    """Whether an ipympl canvas would display here: the package in the kernel, and its
    JupyterLab/Notebook extension (``jupyter-matplotlib``) where this Jupyter looks for them."""
    try:
        import ipympl  # noqa: F401
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return False
    from pathlib import Path

    folders = [Path(p) for p in jupyter_path("labextensions")] + [
        Path(p) for p in jupyter_path("nbextensions")
    ]
    return any((folder / "jupyter-matplotlib").is_dir() for folder in folders)


def _figure_widget(fig):
    """An interactive ipympl canvas for ``fig``."""
    from ipympl.backend_nbagg import new_figure_manager_given_figure

    manager = new_figure_manager_given_figure(id(fig), fig)
    canvas = manager.canvas
    canvas.header_visible = False
    canvas.toolbar_visible = False
    return canvas


PNG_DPI = 90


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def _img_tag(png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}"/>'


def _static_bundle(widget, static_html: str, png: bytes) -> dict:
    """The widget's live view plus what a viewer without a kernel can show: HTML and a PNG."""
    data = widget._repr_mimebundle_()
    data["text/html"] = static_html
    data["image/png"] = base64.b64encode(png).decode("ascii")
    return data


def _swatch(colour: str) -> str:
    return (
        f'<span style="display:inline-block;width:14px;height:4px;background:{colour};'
        'vertical-align:middle;margin-right:4px"></span>'
    )


class GradientDescentExplorer:
    """A loss surface, the gradient arrow at a draggable point, and SGD/momentum/Adam paths.

    Drag the black point (or use the x/y sliders) to move the start; the arrow is the negative
    gradient there, the direction every optimiser first steps in. Sliders set the learning rate
    and the number of steps. ``interactive=None`` uses ipympl where it works (``ipympl_works``);
    otherwise the figure is an image and a one-line note says how to get dragging.

    Example:
        >>> explorer = ak.widgets.GradientDescentExplorer("bowl", lr=0.05)
        >>> explorer.paths["sgd"].shape
        (31, 2)
    """

    def __init__(
        self,
        surface: str = "bowl",
        lr: float = 0.05,
        steps: int = 30,
        optimizers=("sgd", "momentum", "adam"),
        interactive: bool | None = None,
    ):
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        s = SURFACES[surface]
        self.surface_menu = widgets.Dropdown(
            options=[(say(f"viz.explorer.surface.{name}"), name) for name in SURFACES],
            value=surface,
            description=say("viz.explorer.surface"),
            tooltip=say("viz.explorer.surface_tip"),
        )
        self.lr = widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=-3,
            max=0,
            step=0.05,
            description=say("viz.explorer.lr"),
            tooltip=say("viz.explorer.lr_tip"),
        )
        self.steps = widgets.IntSlider(
            value=steps,
            min=1,
            max=200,
            description=say("viz.explorer.steps"),
            tooltip=say("viz.explorer.steps_tip"),
        )
        self.x = widgets.FloatSlider(
            value=s.start[0],
            min=s.xlim[0],
            max=s.xlim[1],
            step=0.01,
            description=say("viz.explorer.x"),
            tooltip=say("viz.explorer.x_tip"),
        )
        self.x.add_class("ak-start-x")
        self.y = widgets.FloatSlider(
            value=s.start[1],
            min=s.ylim[0],
            max=s.ylim[1],
            step=0.01,
            description=say("viz.explorer.y"),
            tooltip=say("viz.explorer.y_tip"),
        )
        self.y.add_class("ak-start-y")
        self.optimizers = {
            name: widgets.Checkbox(
                value=name in optimizers,
                description=say(f"viz.explorer.optimizer.{name}"),
                indent=False,
            )
            for name in COLOURS
        }
        self.figure = Figure(figsize=(6.4, 4.2))
        self.axes = self.figure.add_subplot()
        self.interactive = ipympl_works() if interactive is None else interactive
        canvas = _figure_widget(self.figure) if self.interactive else None
        self.image = widgets.Image(format="png") if canvas is None else None
        self.view = canvas if canvas is not None else self.image
        self.title = widgets.HTML()
        self.title.add_class("ak-explorer-title")
        self.legend = widgets.HTML()
        self.legend.add_class("ak-explorer-legend")
        self.note = widgets.HTML(
            "" if canvas is not None else f"<i>{html.escape(say('viz.explorer.static_note'))}</i>"
        )
        self.note.add_class("ak-explorer-note")
        self._dragging = False
        if canvas is not None:
            canvas.mpl_connect("button_press_event", self.on_press)
            canvas.mpl_connect("motion_notify_event", self.on_motion)
            canvas.mpl_connect("button_release_event", self.on_release)
        self.surface_menu.observe(self._new_surface, names="value")
        for control in (self.lr, self.steps, self.x, self.y, *self.optimizers.values()):
            control.observe(lambda change: self.redraw(), names="value")
        checks = widgets.HBox(list(self.optimizers.values()))
        controls = widgets.VBox(
            [self.surface_menu, self.lr, self.steps, self.x, self.y, checks, self.legend]
        )
        picture = widgets.VBox([self.title, self.view])
        # The note (only without ipympl) spans the whole width above, on one line.
        self.widget = widgets.VBox([self.note, widgets.HBox([picture, controls])])
        self.widget.add_class("ak-explorer")
        self.paths: dict[str, np.ndarray] = {}
        self.redraw()

    @property
    def surface(self) -> Surface:
        return SURFACES[self.surface_menu.value]

    def _new_surface(self, change) -> None:
        s = self.surface
        with self.x.hold_trait_notifications(), self.y.hold_trait_notifications():
            self.x.min, self.x.max = -1e9, 1e9
            self.y.min, self.y.max = -1e9, 1e9
            self.x.value, self.y.value = s.start
            self.x.min, self.x.max = s.xlim
            self.y.min, self.y.max = s.ylim
        self.redraw()

    # Dragging the start point: press on it, move, release (needs an interactive canvas).
    def on_press(self, event) -> None:
        if event.inaxes is self.axes and event.xdata is not None:
            span = np.hypot(np.ptp(self.surface.xlim), np.ptp(self.surface.ylim))
            near = np.hypot(event.xdata - self.x.value, event.ydata - self.y.value) < 0.06 * span
            self._dragging = near
            if not near:  # a click elsewhere moves the point there
                self.move_to(event.xdata, event.ydata)

    def on_motion(self, event) -> None:
        if self._dragging and event.inaxes is self.axes and event.xdata is not None:
            self.move_to(event.xdata, event.ydata)

    def on_release(self, event) -> None:
        self._dragging = False

    def move_to(self, x: float, y: float) -> None:
        with self.x.hold_trait_notifications(), self.y.hold_trait_notifications():
            self.x.value, self.y.value = float(x), float(y)

    def redraw(self) -> None:
        s, ax = self.surface, self.axes
        ax.clear()
        xs = np.linspace(*s.xlim, 160)
        ys = np.linspace(*s.ylim, 160)
        grid_x, grid_y = np.meshgrid(xs, ys)
        z = s.fn(grid_x, grid_y)
        levels = np.quantile(z, np.linspace(0.0, 0.98, 25))
        ax.contourf(grid_x, grid_y, z, levels=np.unique(levels), cmap="Greys", alpha=0.55)
        ax.contour(grid_x, grid_y, z, levels=np.unique(levels), colors="#555", linewidths=0.4)
        start = (self.x.value, self.y.value)
        loss, grad = gradient_at(s, start)
        self.paths = {}
        for name, box in self.optimizers.items():
            if box.value:
                path = descent_path(s, start, name, lr=self.lr.value, steps=self.steps.value)
                self.paths[name] = path
                ax.plot(path[:, 0], path[:, 1], "-o", ms=2.5, lw=1.5, color=COLOURS[name])
        # The arrow is -grad, scaled to a fixed fraction of the plot so it stays visible.
        scale = 0.18 * np.ptp(s.xlim) / max(np.linalg.norm(grad), 1e-12)
        ax.annotate(
            "",
            xy=(start[0] - scale * grad[0], start[1] - scale * grad[1]),
            xytext=start,
            arrowprops={"arrowstyle": "->", "lw": 2.2, "color": "#2b8a3e"},
        )
        ax.plot(*start, "o", ms=9, color="black", zorder=5)
        ax.set_xlim(*s.xlim)
        ax.set_ylim(*s.ylim)
        formula = say(f"viz.explorer.formula.{s.name}")
        numbers = say(
            "viz.explorer.title",
            loss=f"{loss:.3g}",
            x=f"{start[0]:.2f}",
            y=f"{start[1]:.2f}",
            gx=f"{grad[0]:.3g}",
            gy=f"{grad[1]:.3g}",
        )
        self.title.value = f"<b>{html.escape(formula)}</b><br/>{html.escape(numbers)}"
        items = [
            _swatch(COLOURS[name])
            + html.escape(
                say(
                    "viz.explorer.legend_item",
                    name=say(f"viz.explorer.optimizer.{name}"),
                    loss=f"{s.fn(*path[-1]):.3g}",
                )
            )
            for name, path in self.paths.items()
        ]
        start_point = html.escape(say("viz.explorer.start_point"))
        items.append(f"<span style='font-size:14px'>●</span> {start_point}")
        self.legend.value = "<br/>".join(items)
        self.figure.tight_layout()
        if self.image is not None:
            self.image.value = _png(self.figure)
        else:
            self.view.draw_idle()

    def _static_html(self) -> str:
        return (
            f'<div class="ak-explorer-static"><p>{self.title.value}</p>'
            f"{_img_tag(_png(self.figure))}<p>{self.legend.value}</p></div>"
        )

    def _repr_mimebundle_(self, **kwargs):
        return _static_bundle(self.widget, self._static_html(), _png(self.figure))


class TrainingPlot:
    """Loss and accuracy of a training loop, updated in place, with a progress bar.

    Call ``plot.log(step, loss=..., accuracy=...)`` inside the loop; the figure is redrawn at
    most every ``redraw_every`` steps and at the last step.

    Example:
        >>> plot = ak.widgets.TrainingPlot(total=3)
        >>> for step in range(3):
        ...     plot.log(step, loss=1.0 / (step + 1), accuracy=0.3 * step)
        >>> plot.history.metrics["loss"]
        [1.0, 0.5, 0.3333333333333333]
    """

    METRICS = ("loss", "accuracy")  # left and right plot

    def __init__(self, total: int, redraw_every: int = 1, title: str = "training"):
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        self.history = TrainingHistory(total)
        self.redraw_every = max(1, redraw_every)
        self.progress = widgets.IntProgress(
            value=0,
            min=0,
            max=total,
            description=say("viz.plot.step"),
            tooltip=say("viz.plot.progress_tip"),
        )
        self.status = widgets.Label(value=f"0/{total}")
        self.status.add_class("ak-status")
        self.figure = Figure(figsize=(7.5, 3.0))
        self.loss_axes, self.accuracy_axes = self.figure.subplots(1, 2)
        self.title = title
        # The two plots' titles, above them in HTML (the figure itself holds no words).
        width = self.figure.get_figwidth() * PNG_DPI
        halves = "".join(
            f'<div style="flex:1;text-align:center">'
            f"{html.escape(say('viz.plot.axes_title', title=title, metric=_metric(name)))}</div>"
            for name in self.METRICS
        )
        self.titles = widgets.HTML(f'<div style="display:flex;width:{width:.0f}px">{halves}</div>')
        self.titles.add_class("ak-plot-titles")
        self.image = widgets.Image(format="png")
        self.widget = widgets.VBox(
            [widgets.HBox([self.progress, self.status]), self.titles, self.image]
        )
        self.widget.add_class("ak-training-plot")
        self.draw()

    def log(self, step: int, **values: float) -> None:
        self.history.log(step, **values)
        done = step + 1
        self.progress.value = min(done, self.history.total)
        shown = ", ".join(f"{_metric(k)} {v:.4g}" for k, v in values.items())
        self.status.value = f"{done}/{self.history.total}  {shown}"
        if done % self.redraw_every == 0 or done >= self.history.total:
            self.draw()

    def draw(self) -> None:
        h = self.history
        for axes, name in zip((self.loss_axes, self.accuracy_axes), self.METRICS, strict=True):
            axes.clear()
            axes.set_xlim(0, max(h.total - 1, 1))
            if name in h.metrics:
                axes.plot(
                    h.steps, h.metrics[name], color=COLOURS["momentum" if name == "loss" else "sgd"]
                )
            axes.grid(alpha=0.3)
        self.figure.tight_layout()
        self.image.value = _png(self.figure)

    def _static_html(self) -> str:
        return (
            f'<div class="ak-training-plot-static"><p>{html.escape(self.status.value)}</p>'
            f"{self.titles.value}{_img_tag(self.image.value)}</div>"
        )

    def _repr_mimebundle_(self, **kwargs):
        return _static_bundle(self.widget, self._static_html(), self.image.value)


def _metric(name: str) -> str:
    """A metric's name in the kit's language when the kit knows it (loss, accuracy)."""
    from .. import i18n

    key = f"viz.plot.metric.{name}"
    return i18n.text(key) if key in i18n.CATALOGUE else name
