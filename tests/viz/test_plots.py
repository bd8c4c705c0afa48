"""Tests for autograd_kit/viz/plots.py: gradients from ak's backward, paths equal torch.optim's."""

import base64
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
    ipympl_works,
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
    title = explorer.title.value
    assert title.startswith("<b>x² - y²") and "at (-2.00, 0.05)" in title
    assert explorer.axes.get_title() == ""  # the figure holds no words: they are HTML


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
    assert plot.widget.children[2] is plot.image


def test_explorer_without_ipympl_draws_images_under_a_one_line_note(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ipympl", None)  # ``import ipympl`` now fails
    assert not ipympl_works()
    explorer = GradientDescentExplorer("bowl", lr=0.05, steps=10)
    assert explorer.image is not None and explorer.view is explorer.image
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert "pip install ipympl" in explorer.note.value
    assert explorer.note.value.count("<br") == 0 and "\n" not in explorer.note.value
    before = explorer.image.value
    explorer.x.value = 1.0  # the sliders still move the point: a new picture
    assert explorer.image.value != before and "(1.00, 0.80)" in explorer.title.value


def test_ipympl_works_needs_the_jupyter_extension_too(monkeypatch, tmp_path):
    pytest.importorskip("ipympl")
    import jupyter_core.paths

    monkeypatch.setattr(jupyter_core.paths, "jupyter_path", lambda *parts: [str(tmp_path)])
    assert not ipympl_works()
    (tmp_path / "jupyter-matplotlib").mkdir()
    assert ipympl_works()


def test_explorer_and_plot_speak_chinese_and_show_a_picture_without_a_kernel(zh):
    explorer = GradientDescentExplorer("bowl", lr=0.05, steps=10, interactive=False)
    assert explorer.surface_menu.description == "损失曲面"
    assert ("碗形", "bowl") in explorer.surface_menu.options
    assert explorer.lr.description == "学习率" and "损失" in explorer.legend.value
    assert "负梯度" in explorer.title.value and "狭长的山谷" in explorer.title.value
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert "data:image/png;base64," in bundle["text/html"] and "负梯度" in bundle["text/html"]
    plot = TrainingPlot(total=2, title="digits")
    plot.log(0, loss=0.5, accuracy=0.25)
    plot.log(1, loss=0.25, accuracy=0.5)
    assert plot.progress.description == "步数" and plot.status.value == "2/2  损失 0.25, 准确率 0.5"
    assert "digits：损失" in plot.titles.value and "digits：准确率" in plot.titles.value
    bundle = plot._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == bytes(plot.image.value)
    assert "2/2" in bundle["text/html"] and "application/vnd.jupyter.widget-view+json" in bundle
