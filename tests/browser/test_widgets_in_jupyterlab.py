"""The widgets in a real JupyterLab page: run notebooks/widgets.ipynb in Chromium and click.

Expected values come from running the notebook's expressions in this process with the same
engine, so the page is checked against ``backward()`` itself. Screenshots of every widget go
to test-artifacts/ (light and dark theme).
"""

import re
from pathlib import Path

import numpy as np
import pytest

import autograd_kit as ak
from autograd_kit.viz.graph import build_graph
from autograd_kit.viz.steps import backward_steps

STEPPER = ".ak-stepper"


def expression():
    a = ak.tensor([1.0, 2.0], requires_grad=True)
    b = ak.tensor([3.0, 4.0], requires_grad=True)
    return (a * b + a).sum(), {"a": a, "b": b}


@pytest.fixture(scope="module")
def page(open_notebook):
    return open_notebook("widgets.ipynb", ".ak-training-plot img")


def active(page) -> str | None:
    nodes = page.locator(f"{STEPPER} .ak-node.ak-active")
    return nodes.first.get_attribute("data-node") if nodes.count() else None


def index(page) -> int:
    """The step shown, from 0; the slider and the title count from 1."""
    return int(page.locator(f"{STEPPER} .ak-slider .widget-readout").inner_text()) - 1


def wait_for_index(page, expected: int) -> None:
    """Wait until the slider AND the details (rendered last by the kernel) show step expected
    (counted from 0 like model.steps; both show it counted from 1)."""
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel)?.textContent.trim() === String(n)",
        arg=[f"{STEPPER} .ak-slider .widget-readout", expected + 1],
        timeout=10_000,
    )
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel)?.textContent.startsWith(`Step ${n} of`)",
        arg=[f"{STEPPER} .ak-step-title", expected + 1],
        timeout=10_000,
    )


def number(text: str) -> float:
    return float(text.replace("\u2212", "-"))  # the slider readout prints a real minus sign


def test_graph_svg_is_drawn_inline(page, artifacts):
    y, names = expression()
    expected = build_graph(y, params=names)
    drawing = page.locator(".ak-graph-output svg.ak-graph").first
    assert drawing.locator(".ak-node").count() == len(expected.nodes)
    shown = sorted(
        drawing.locator(".ak-node").evaluate_all("gs => gs.map(g => g.getAttribute('data-name'))")
    )
    assert shown == sorted(n.label for n in expected.nodes)
    drawing.screenshot(path=str(artifacts / "graph.png"))


def test_stepper_buttons_move_the_highlight_in_engine_order(page, artifacts):
    y, names = expression()
    model = backward_steps(y, names=names)
    assert page.locator(f"{STEPPER} svg.ak-graph").count() == 1
    page.locator(f"{STEPPER} .ak-reset").click()
    wait_for_index(page, 0)
    assert active(page) == model.steps[0].node_id
    for i in range(1, 5):
        page.locator(f"{STEPPER} .ak-forward").click()
        wait_for_index(page, i)
        page.wait_for_function(
            "([sel, id]) => document.querySelector(sel)?.getAttribute('data-node') === id",
            arg=[f"{STEPPER} .ak-node.ak-active", model.steps[i].node_id],
        )
        text = page.locator(f"{STEPPER} .ak-step-text").inner_text()
        assert text == model.steps[i].text
    page.locator(STEPPER).screenshot(path=str(artifacts / "stepper-light.png"))


def test_stepper_keyboard_steps_forward_and_back(page):
    page.locator(f"{STEPPER} .ak-reset").click()
    wait_for_index(page, 0)
    page.locator(f"{STEPPER} .ak-forward").focus()
    page.keyboard.press("Enter")
    wait_for_index(page, 1)
    page.keyboard.press("Space")
    wait_for_index(page, 2)
    page.locator(f"{STEPPER} .ak-back").focus()
    page.keyboard.press("Enter")
    wait_for_index(page, 1)
    page.locator(f"{STEPPER} .ak-slider .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    wait_for_index(page, 2)


def test_last_step_shows_the_engines_gradients(page):
    y, names = expression()
    y.backward()
    model = backward_steps(expression()[0])
    page.locator(f"{STEPPER} .ak-reset").click()
    wait_for_index(page, 0)
    forward = page.locator(f"{STEPPER} .ak-forward")
    for i in range(1, len(model.steps)):
        forward.click()
        wait_for_index(page, i)
    assert forward.is_disabled()
    for name, leaf in names.items():
        text = page.locator(f"{STEPPER} .ak-leaf-grad[data-leaf='{name}']").inner_text()
        shown = [float(v) for v in re.findall(r"-?\d+\.?\d*", text)]
        np.testing.assert_allclose(shown, leaf.grad.numpy())


def test_play_runs_the_steps_and_pause_stops(page):
    page.locator(f"{STEPPER} .ak-reset").click()
    wait_for_index(page, 0)
    play = page.locator(f"{STEPPER} .ak-play")
    assert play.get_attribute("title") and "Play" in play.inner_text()
    play.click()
    page.wait_for_function(
        "sel => Number(document.querySelector(sel)?.textContent) >= 3",
        arg=f"{STEPPER} .ak-slider .widget-readout",
        timeout=10_000,
    )
    assert "mod-active" in play.get_attribute("class")  # pressed while playing
    play.click()
    page.wait_for_function(
        "sel => !document.querySelector(sel).classList.contains('mod-active')",
        arg=f"{STEPPER} .ak-play",
    )
    stopped = index(page)
    page.wait_for_timeout(1500)  # two intervals of 700 ms: a running Play would have moved
    assert index(page) == stopped


def test_forward_builder_grows_the_graph(page, artifacts):
    builder = page.locator(".ak-forward-builder")
    builder.scroll_into_view_if_needed()
    # It opens on the first line: only p is drawn. Step to the last of the three lines.
    assert builder.locator(".ak-graph-view .ak-node").count() == 1
    for shown in (2, 3):
        builder.locator(".ak-forward").click()
        page.wait_for_function(
            "([sel, n]) => document.querySelector(sel)?.textContent.trim() === String(n)",
            arg=[".ak-forward-builder .ak-slider .widget-readout", shown],
        )
    page.wait_for_function(
        "sel => document.querySelector(sel).innerHTML.includes('MulBackward0')",
        arg=".ak-forward-builder .ak-graph-view",
    )
    names = builder.locator(".ak-graph-view .ak-node").evaluate_all(
        "gs => gs.map(g => g.getAttribute('data-name'))"
    )
    assert {"MulBackward0", "AddBackward0", "p", "q", "r"} <= set(names)
    builder.screenshot(path=str(artifacts / "forward-builder.png"))
    builder.locator(".ak-back").click()
    page.wait_for_function(
        "sel => !document.querySelector(sel).innerHTML.includes('MulBackward0')",
        arg=".ak-forward-builder .ak-graph-view",
    )
    assert builder.locator(".ak-graph-view .ak-node").count() == 2  # the leaves p and q


def explorer_canvas(page):
    """The explorer's ipympl canvas, scrolled into view (mouse coordinates are the viewport's)
    once it has its size: ipympl sizes a new canvas when the kernel's first image arrives."""
    explorer = page.locator(".ak-explorer")
    explorer.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const c = [...document.querySelectorAll('.ak-explorer canvas')].pop();"
        " return c && c.getBoundingClientRect().width > 0; }"
    )
    canvas = explorer.locator("canvas").last
    return explorer, canvas.bounding_box()


def test_explorer_moves_its_point_on_click(page, artifacts):
    explorer, box = explorer_canvas(page)
    readout = explorer.locator(".widget-slider:has-text('start x') .widget-readout")
    before = number(readout.inner_text())
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    for _ in range(50):  # the click goes to the kernel and the new value comes back
        if number(readout.inner_text()) != before:
            break
        page.wait_for_timeout(200)
    after = number(readout.inner_text())
    assert after != before and abs(after) < 1.0
    page.wait_for_timeout(1500)  # the redrawn figure follows the slider values from the kernel
    explorer.screenshot(path=str(artifacts / "explorer.png"))


def test_explorer_point_can_be_dragged(page):
    from autograd_kit.viz.plots import GradientDescentExplorer

    # The same explorer in this process gives the pixel positions: same figure size and layout.
    twin = GradientDescentExplorer("bowl", lr=0.05, steps=30)
    height = twin.figure.bbox.height

    def pixel(x, y):
        px, py = twin.axes.transData.transform((x, y))
        return px, height - py  # matplotlib counts y from the bottom, the page from the top

    explorer, box = explorer_canvas(page)
    assert (box["width"], box["height"]) == (twin.figure.bbox.width, height)
    readouts = {
        name: explorer.locator(f".widget-slider:has-text('start {name}') .widget-readout")
        for name in "xy"
    }
    start = (number(readouts["x"].inner_text()), number(readouts["y"].inner_text()))
    x0, y0 = pixel(*start)
    x1, y1 = pixel(-1.0, 0.5)
    page.mouse.move(box["x"] + x0, box["y"] + y0)
    page.mouse.down()
    for k in range(1, 6):  # several moves, as a hand would
        page.mouse.move(box["x"] + x0 + (x1 - x0) * k / 5, box["y"] + y0 + (y1 - y0) * k / 5)
        page.wait_for_timeout(150)
    page.mouse.up()
    for _ in range(50):
        if abs(number(readouts["x"].inner_text()) + 1.0) < 0.05:
            break
        page.wait_for_timeout(200)
    assert number(readouts["x"].inner_text()) == pytest.approx(-1.0, abs=0.05)
    assert number(readouts["y"].inner_text()) == pytest.approx(0.5, abs=0.05)


def test_training_plot_finished(page, artifacts):
    plot = page.locator(".ak-training-plot")
    assert plot.locator(".ak-status").inner_text().startswith("20/20")
    assert plot.locator("progress, .progress-bar, .widget-progress").count() >= 1
    plot.screenshot(path=str(artifacts / "training-plot.png"))


CONTRASTS = (Path(__file__).parent / "contrast.js").read_text()


def set_theme(page, name: str) -> None:
    page.click(".lm-MenuBar-itemLabel:text-is('Settings')")
    page.hover(".lm-Menu-itemLabel:text-is('Theme')")
    page.click(f".lm-Menu-itemLabel:text-is('{name}')")
    light = "true" if "Light" in name else "false"
    page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached")
    page.wait_for_timeout(500)  # the theme's stylesheet applies after the attribute changes


def test_colours_are_readable_in_light_and_dark_themes(page, artifacts):
    page.locator(f"{STEPPER} .ak-reset").click()
    wait_for_index(page, 0)
    for i in (1, 2):  # AddBackward0 runs: two gradient labels on its edges
        page.locator(f"{STEPPER} .ak-forward").click()
        wait_for_index(page, i)
    try:
        for theme, shot in (
            ("JupyterLab Light", "stepper-light-node.png"),
            ("JupyterLab Dark", "stepper-dark.png"),
        ):
            set_theme(page, theme)
            found = page.evaluate(CONTRASTS, [STEPPER])
            assert found["dark"] == ("Dark" in theme)
            assert len(found["label_text"]) == 2 and found["border_on_page"]
            assert min(found["text_on_boxes"]) >= 4.5, found
            assert min(found["label_text"]) >= 4.5, found
            assert min(found["details"]) >= 4.5, found
            assert min(found["lines_on_page"]) >= 3.0, found  # graphics need 3:1 (WCAG 1.4.11)
            assert min(found["border_on_page"]) >= 3.0, found
            page.locator(STEPPER).screenshot(path=str(artifacts / shot))
    finally:
        set_theme(page, "JupyterLab Light")
