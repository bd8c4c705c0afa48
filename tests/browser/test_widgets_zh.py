"""The widgets in Chinese, in a real JupyterLab page at 1400×900: run notebooks/widgets_zh.ipynb.

The stepper is clicked in Chinese on chapter 1's 9×5 example: its step text is the engine's own
steps (recorded here in Chinese), the slider and the title count the same way, and the active
node stays on screen with the buttons. The graph builder must fit its output area. Screenshots
go to test-artifacts/ (zh-*.png).
"""

import pytest

import autograd_kit as ak
from autograd_kit.viz.steps import backward_steps

STEPPER = ".ak-stepper"


@pytest.fixture(scope="module")
def page(open_notebook):
    page = open_notebook("widgets_zh.ipynb", ".ak-explorer img")
    page.set_viewport_size({"width": 1400, "height": 900})
    return page


@pytest.fixture(scope="module")
def model():
    ak.set_language("zh")
    try:
        x = ak.ones(9, 5, requires_grad=True)
        return backward_steps((3 * (x + 2) * (x + 2)).mean(), names={"x": x})
    finally:
        ak.set_language("en")


def readout(page, widget: str) -> str:
    return page.locator(f"{widget} .ak-slider .widget-readout").inner_text().strip()


def wait_for_step(page, shown: int, total: int) -> None:
    """Wait until the slider shows ``shown`` and the title says 第 shown 步, 共 total 步."""
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel)?.textContent.trim() === String(n)",
        arg=[f"{STEPPER} .ak-slider .widget-readout", shown],
        timeout=10_000,
    )
    page.wait_for_function(
        "([sel, t]) => document.querySelector(sel)?.textContent.startsWith(t)",
        arg=[f"{STEPPER} .ak-step-title", f"第 {shown} 步，共 {total} 步"],
        timeout=10_000,
    )


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def test_stepper_clicks_through_in_chinese(page, model, artifacts):
    total = len(model.steps)
    stepper = page.locator(STEPPER)
    assert stepper.locator(".ak-forward").inner_text().strip() == "下一步 ▶"
    assert stepper.locator(".ak-reset").inner_text().strip() == "重置"
    assert "步骤" in stepper.locator(".ak-slider").inner_text()
    stepper.locator(".ak-reset").click()
    wait_for_step(page, 1, total)
    stepper.scroll_into_view_if_needed()
    page.evaluate("sel => document.querySelector(sel).scrollIntoView()", STEPPER)
    for i in range(1, total):
        stepper.locator(".ak-forward").click()
        wait_for_step(page, i + 1, total)
        assert stepper.locator(".ak-step-text").inner_text() == model.steps[i].text
        if model.steps[i].node_id is not None:
            page.wait_for_function(
                "([sel, id]) => document.querySelector(sel)?.getAttribute('data-node') === id",
                arg=[f"{STEPPER} .ak-node.ak-active", model.steps[i].node_id],
            )
            # The node being run is on screen together with the button just pressed.
            assert in_viewport(page, stepper.locator(".ak-node.ak-active").first)
            assert in_viewport(page, stepper.locator(".ak-forward"))
        if i == 2:
            page.screenshot(path=str(artifacts / "zh-stepper-window.png"))
    assert readout(page, STEPPER) == str(total)
    leaf = stepper.locator(".ak-leaf-grad[data-leaf='x']").inner_text()
    assert leaf == "9×5，全为 0.4"
    stepper.screenshot(path=str(artifacts / "zh-stepper-last.png"))


def test_graph_builder_fits_its_output_area_and_opens_on_the_first_line(page, artifacts):
    builder = page.locator(".ak-forward-builder")
    page.evaluate("sel => document.querySelector(sel).scrollIntoView()", ".ak-forward-builder")
    assert readout(page, ".ak-forward-builder") == "1"
    assert builder.locator(".ak-graph-view .ak-node").count() == 1
    assert builder.locator(".ak-forward").inner_text().strip() == "下一行 ▶"
    for shown in range(2, 6):
        builder.locator(".ak-forward").click()
        page.wait_for_function(
            "([sel, n]) => document.querySelector(sel)?.textContent.trim() === String(n)",
            arg=[".ak-forward-builder .ak-slider .widget-readout", shown],
        )
    page.wait_for_function(
        "sel => document.querySelector(sel).innerHTML.includes('AddBackward0')",
        arg=".ak-forward-builder .ak-graph-view",
    )
    area = page.locator(".jp-OutputArea-output:has(.ak-forward-builder)").first.bounding_box()
    svg = builder.locator(".ak-graph-view svg").bounding_box()
    assert svg["x"] + svg["width"] <= area["x"] + area["width"] + 1  # scaled, never clipped
    heights = [line.bounding_box()["height"] for line in builder.locator(".ak-line").all()]
    assert len(heights) == 5 and max(heights) < 1.5 * min(heights)  # no code line wraps
    builder.screenshot(path=str(artifacts / "zh-forward-builder.png"))


def test_explorer_without_ipympl_shows_an_image_and_a_one_line_note(page, artifacts):
    explorer = page.locator(".ak-explorer")
    page.evaluate("sel => document.querySelector(sel).scrollIntoView()", ".ak-explorer")
    assert "pip install ipympl" in explorer.locator(".ak-explorer-note").inner_text()
    assert "负梯度" in explorer.locator(".ak-explorer-title").inner_text()
    assert "学习率" in explorer.inner_text()
    explorer.screenshot(path=str(artifacts / "zh-explorer.png"))
