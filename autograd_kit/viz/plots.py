"""Plots for the optimisation chapters: a gradient-descent explorer and a live training plot.

The models are plain functions and small classes (``gradient_at``, ``descent_path``,
``TrainingHistory``), tested without Jupyter; gradients come from ``autograd_kit``'s own
``backward()``. The widgets only draw them with matplotlib: with ipympl installed the explorer's
figure is interactive and its start point can be dragged, otherwise it is redrawn as an image.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

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


def _figure_widget(fig):
    """An interactive ipympl canvas when ipympl is installed, else None (draw to an image)."""
    try:
        from ipympl.backend_nbagg import new_figure_manager_given_figure
    except ImportError:
        return None
    manager = new_figure_manager_given_figure(id(fig), fig)
    canvas = manager.canvas
    canvas.header_visible = False
    canvas.toolbar_visible = False
    return canvas


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


class GradientDescentExplorer:
    """A loss surface, the gradient arrow at a draggable point, and SGD/momentum/Adam paths.

    Drag the black point (or use the x/y sliders) to move the start; the arrow is the negative
    gradient there, the direction every optimiser first steps in. Sliders set the learning rate
    and the number of steps.

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
    ):
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        s = SURFACES[surface]
        self.surface_menu = widgets.Dropdown(
            options=list(SURFACES),
            value=surface,
            description="surface",
            tooltip="The loss to descend",
        )
        self.lr = widgets.FloatLogSlider(
            value=lr, base=10, min=-3, max=0, step=0.05, description="lr", tooltip="Learning rate"
        )
        self.steps = widgets.IntSlider(
            value=steps,
            min=1,
            max=200,
            description="steps",
            tooltip="How many optimiser steps to draw",
        )
        self.x = widgets.FloatSlider(
            value=s.start[0],
            min=s.xlim[0],
            max=s.xlim[1],
            step=0.01,
            description="start x",
            tooltip="Start point x (or drag it)",
        )
        self.y = widgets.FloatSlider(
            value=s.start[1],
            min=s.ylim[0],
            max=s.ylim[1],
            step=0.01,
            description="start y",
            tooltip="Start point y (or drag it)",
        )
        self.optimizers = {
            name: widgets.Checkbox(value=name in optimizers, description=name, indent=False)
            for name in COLOURS
        }
        self.figure = Figure(figsize=(6.4, 4.2))
        self.axes = self.figure.add_subplot()
        canvas = _figure_widget(self.figure)
        self.image = widgets.Image(format="png") if canvas is None else None
        self.view = canvas if canvas is not None else self.image
        self._dragging = False
        if canvas is not None:
            canvas.mpl_connect("button_press_event", self.on_press)
            canvas.mpl_connect("motion_notify_event", self.on_motion)
            canvas.mpl_connect("button_release_event", self.on_release)
        self.surface_menu.observe(self._new_surface, names="value")
        for control in (self.lr, self.steps, self.x, self.y, *self.optimizers.values()):
            control.observe(lambda change: self.redraw(), names="value")
        checks = widgets.HBox(list(self.optimizers.values()))
        controls = widgets.VBox([self.surface_menu, self.lr, self.steps, self.x, self.y, checks])
        self.widget = widgets.HBox([self.view, controls])
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
                ax.plot(
                    path[:, 0],
                    path[:, 1],
                    "-o",
                    ms=2.5,
                    lw=1.5,
                    color=COLOURS[name],
                    label=f"{name}: loss {s.fn(*path[-1]):.3g}",
                )
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
        ax.set_title(
            f"{s.formula}\nloss {loss:.3g} at ({start[0]:.2f}, {start[1]:.2f}), "
            f"grad ({grad[0]:.3g}, {grad[1]:.3g}); arrow = -grad",
            fontsize=9,
        )
        if self.paths:
            ax.legend(loc="lower right", fontsize=8)
        self.figure.tight_layout()
        if self.image is not None:
            self.image.value = _png(self.figure)
        else:
            self.view.draw_idle()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


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

    def __init__(self, total: int, redraw_every: int = 1, title: str = "training"):
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        self.history = TrainingHistory(total)
        self.redraw_every = max(1, redraw_every)
        self.progress = widgets.IntProgress(
            value=0, min=0, max=total, description="step", tooltip="Training progress"
        )
        self.status = widgets.Label(value=f"0/{total}")
        self.status.add_class("ak-status")
        self.figure = Figure(figsize=(7.5, 3.0))
        self.loss_axes, self.accuracy_axes = self.figure.subplots(1, 2)
        self.image = widgets.Image(format="png")
        self.widget = widgets.VBox([widgets.HBox([self.progress, self.status]), self.image])
        self.widget.add_class("ak-training-plot")
        self.title = title
        self.draw()

    def log(self, step: int, **values: float) -> None:
        self.history.log(step, **values)
        done = step + 1
        self.progress.value = min(done, self.history.total)
        shown = ", ".join(f"{k} {v:.4g}" for k, v in values.items())
        self.status.value = f"{done}/{self.history.total}  {shown}"
        if done % self.redraw_every == 0 or done >= self.history.total:
            self.draw()

    def draw(self) -> None:
        h = self.history
        for axes, name in ((self.loss_axes, "loss"), (self.accuracy_axes, "accuracy")):
            axes.clear()
            axes.set_title(f"{self.title}: {name}", fontsize=9)
            axes.set_xlabel("step", fontsize=8)
            axes.set_xlim(0, max(h.total - 1, 1))
            if name in h.metrics:
                axes.plot(
                    h.steps, h.metrics[name], color=COLOURS["momentum" if name == "loss" else "sgd"]
                )
            axes.grid(alpha=0.3)
        self.figure.tight_layout()
        self.image.value = _png(self.figure)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
