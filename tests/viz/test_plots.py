"""Tests for autograd_kit/viz/plots.py: gradients from ak's backward, paths equal torch.optim's."""

import math

import numpy as np
import pytest
import torch

from autograd_kit.viz.plots import (
    SURFACES,
    GradientDescentExplorer,
    TrainingHistory,
    TrainingPlot,
    descent_path,
    gradient_at,
)


@pytest.mark.parametrize("name", list(SURFACES))
def test_gradient_matches_torch(name):
    surface = SURFACES[name]
    for point in [(0.3, -0.7), (-1.2, 0.4), surface.start]:
        xy = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        loss = surface.fn(xy[0], xy[1])
        loss.backward()
        value, grad = gradient_at(surface, point)
        assert value == pytest.approx(loss.item(), rel=1e-12)
        np.testing.assert_allclose(grad, xy.grad.numpy(), rtol=1e-12)


def torch_path(surface, start, optimizer, lr, steps):
    xy = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = {
        "sgd": lambda: torch.optim.SGD([xy], lr=lr),
        "momentum": lambda: torch.optim.SGD([xy], lr=lr, momentum=0.9),
        "adam": lambda: torch.optim.Adam([xy], lr=lr),
    }[optimizer]()
    path = [xy.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        surface.fn(xy[0], xy[1]).backward()
        opt.step()
        path.append(xy.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("name", ["bowl", "rosenbrock"])
def test_paths_are_torch_optims_paths(name, optimizer):
    surface = SURFACES[name]
    ours = descent_path(surface, surface.start, optimizer, lr=0.01, steps=40)
    oracle = torch_path(surface, surface.start, optimizer, lr=0.01, steps=40)
    np.testing.assert_allclose(ours, oracle, rtol=1e-9, atol=1e-12)


def test_a_too_large_learning_rate_diverges_and_stops():
    bowl = SURFACES["bowl"]
    path = descent_path(bowl, bowl.start, "sgd", lr=0.5, steps=500)
    assert len(path) < 501 and np.abs(path[-1]).max() > 1e6
    with pytest.raises(ValueError, match="unknown optimizer"):
        descent_path(bowl, bowl.start, "rmsprop")


def test_history_keeps_gaps_for_missing_metrics():
    history = TrainingHistory(total=4)
    history.log(0, loss=2.0)
    history.log(1, loss=1.0, accuracy=0.5)
    history.log(2, accuracy=0.75)
    assert history.steps == [0, 1, 2]
    assert history.metrics["loss"][:2] == [2.0, 1.0] and math.isnan(history.metrics["loss"][2])
    accuracy = history.metrics["accuracy"]
    assert math.isnan(accuracy[0]) and accuracy[1:] == [0.5, 0.75]
    assert history.progress == pytest.approx(0.75)


def test_explorer_redraws_paths_from_its_controls():
    explorer = GradientDescentExplorer("bowl", lr=0.05, steps=10)
    assert set(explorer.paths) == {"sgd", "momentum", "adam"}
    bowl = SURFACES["bowl"]
    expected = descent_path(bowl, bowl.start, "sgd", 0.05, 10)
    np.testing.assert_allclose(explorer.paths["sgd"], expected)
    explorer.optimizers["adam"].value = False
    explorer.steps.value = 5
    assert set(explorer.paths) == {"sgd", "momentum"} and len(explorer.paths["sgd"]) == 6
    explorer.move_to(1.0, -0.5)
    np.testing.assert_array_equal(explorer.paths["momentum"][0], [1.0, -0.5])
    explorer.surface_menu.value = "saddle"
    np.testing.assert_array_equal(explorer.paths["sgd"][0], SURFACES["saddle"].start)
    title = explorer.axes.get_title()
    assert title.startswith("x² - y²") and "at (-2.00, 0.05)" in title


def test_explorer_point_can_be_dragged():
    from matplotlib.backend_bases import MouseEvent

    explorer = GradientDescentExplorer("bowl")
    canvas = explorer.figure.canvas
    explorer.figure.draw_without_rendering()

    def event(kind, x, y):
        px, py = explorer.axes.transData.transform((x, y))
        return MouseEvent(kind, canvas, px, py, button=1)

    start = (explorer.x.value, explorer.y.value)
    explorer.on_press(event("button_press_event", *start))
    explorer.on_motion(event("motion_notify_event", 0.5, 0.25))
    explorer.on_release(event("button_release_event", 0.5, 0.25))
    assert (explorer.x.value, explorer.y.value) == pytest.approx((0.5, 0.25), abs=1e-6)
    explorer.on_motion(event("motion_notify_event", -1.0, -0.5))  # released: no longer follows
    assert (explorer.x.value, explorer.y.value) == pytest.approx((0.5, 0.25), abs=1e-6)


def test_training_plot_updates_in_place():
    plot = TrainingPlot(total=5, redraw_every=2)
    first = plot.image.value
    for step in range(5):
        plot.log(step, loss=1.0 / (step + 1), accuracy=step / 5)
    assert plot.progress.value == 5 and plot.status.value.startswith("5/5")
    assert plot.image.value != first
    line = plot.loss_axes.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [1.0, 0.5, 1 / 3, 0.25, 0.2])
    assert plot.widget.children[1] is plot.image
