"""Tests for autograd_kit/viz/widgets.py without a browser: the views only follow their model."""

import html
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autograd_kit as ak
from autograd_kit.viz.recorder import record_graph
from autograd_kit.widgets import BackwardStepper, ForwardBuilder


def make(retain_graph=None, runs=1):
    a = ak.tensor([1.0, 2.0], requires_grad=True)
    b = ak.tensor([3.0, 4.0], requires_grad=True)
    y = (a * b + a).sum()
    return BackwardStepper(y, names={"a": a, "b": b}, retain_graph=retain_graph, runs=runs), a, b


def active_nodes(svg):
    root = ET.fromstring(svg)
    return [
        g.get("data-node")
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if "ak-active" in g.get("class", "").split() and "ak-node" in g.get("class", "")
    ]


def test_buttons_move_one_step_and_stop_at_the_ends():
    stepper, _, _ = make()
    last = len(stepper.model.steps) - 1
    assert stepper.index == 0 and stepper.back_button.disabled
    stepper.forward_button.click()
    assert stepper.index == 1 and not stepper.back_button.disabled
    stepper.back_button.click()
    assert stepper.index == 0
    for _ in range(last + 3):
        stepper.forward_button.click()
    assert stepper.index == last and stepper.forward_button.disabled
    stepper.reset_button.click()
    assert stepper.index == 0


def test_each_step_highlights_the_node_the_engine_ran():
    stepper, _, _ = make()
    for i, step in enumerate(stepper.model.steps):
        stepper.slider.value = i + 1  # the slider counts from 1, like the title
        assert stepper.index == i
        expected = [] if step.node_id is None else [step.node_id]
        assert active_nodes(stepper.graph_view.value) == expected
        assert f"Step {i + 1} of {len(stepper.model.steps)}" in stepper.details.value


def test_last_step_shows_the_grads_backward_gives():
    stepper, a, b = make()
    stepper.go(len(stepper.model.steps) - 1)
    shown = dict(re.findall(r"data-leaf='(\w+)'>([^<]*)<", stepper.details.value))
    a2 = ak.tensor([1.0, 2.0], requires_grad=True)
    b2 = ak.tensor([3.0, 4.0], requires_grad=True)
    (a2 * b2 + a2).sum().backward()
    for name, leaf in (("a", a2), ("b", b2)):
        numbers = [float(v) for v in re.findall(r"-?\d+\.?\d*", shown[name])]
        np.testing.assert_allclose(numbers, leaf.grad.numpy())
    np.testing.assert_array_equal(a.grad.numpy(), a2.grad.numpy())


def test_second_backward_error_is_shown():
    stepper, _, _ = make(runs=2)
    stepper.go(len(stepper.model.steps) - 1)
    assert "ak-error-text" in stepper.details.value
    assert "Trying to backward through the graph a second time" in stepper.details.value


def test_controls_are_labelled_for_keyboard_and_screen_readers():
    stepper, _, _ = make()
    for button in (stepper.reset_button, stepper.back_button, stepper.forward_button):
        assert button.description.strip() and button.tooltip.strip()
    assert stepper.play_button.description == "Play" and stepper.play_button.tooltip
    assert stepper.slider.description == "Step"
    assert 'aria-live="polite"' in stepper.details.value
    assert "<title>Step 1 of" in stepper.graph_view.value


def test_forward_builder_replays_the_recording():
    with record_graph() as recording:
        a = ak.tensor(2.0, requires_grad=True)
        b = ak.tensor(3.0, requires_grad=True)
        y = a * b
    assert y.item() == 6.0
    builder = ForwardBuilder(recording)
    # It opens on the first line, counted from 1, with only the leaf a drawn.
    assert builder.slider.value == 1 and builder.back_button.disabled
    assert 'data-name="a"' in builder.graph_view.value
    assert 'data-index="0" style="font-weight:bold' in builder.code.value
    builder.forward_button.click()
    builder.forward_button.click()
    assert builder.slider.value == 3 and builder.forward_button.disabled
    assert "MulBackward0" in builder.graph_view.value
    builder.back_button.click()
    assert builder.slider.value == 2 and "MulBackward0" not in builder.graph_view.value
    assert 'data-index="1" style="font-weight:bold' in builder.code.value
    with record_graph() as empty:
        pass
    with pytest.raises(ValueError, match="no frames"):
        ForwardBuilder(empty)


def test_hook_and_accumulate_steps_show_before_and_after():
    a = ak.tensor([1.0, 2.0], requires_grad=True)
    z = a * 3
    z.register_hook(lambda grad: grad * 2)
    stepper = BackwardStepper(z.sum(), names={"a": a})
    kinds = [s.kind for s in stepper.model.steps]
    stepper.go(kinds.index("hook"))
    assert "<code class='ak-before'>[1., 1.]</code>" in stepper.details.value
    assert "<code class='ak-after'>[2., 2.]</code>" in stepper.details.value
    stepper.go(kinds.index("accumulate"))
    assert "<code class='ak-before'>None</code>" in stepper.details.value
    assert "<code class='ak-after'>[6., 6.]</code>" in stepper.details.value
    mul = next(s for s in stepper.model.steps if s.name == "MulBackward0" and s.kind == "node")
    stepper.go(mul.index)  # MulBackward0 sends to a's AccumulateGrad
    assert "(AccumulateGrad of a)" in stepper.details.value


def test_a_torch_graph_steps_the_same_way():
    torch = pytest.importorskip("torch")
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    stepper = BackwardStepper((a * b + a).sum(), names={"a": a, "b": b})
    ours, _, _ = make()
    names = [s.name for s in stepper.model.steps if s.kind == "node"]
    assert names == [s.name for s in ours.model.steps if s.kind == "node"]
    stepper.go(len(stepper.model.steps) - 1)
    np.testing.assert_array_equal(
        stepper.model.steps[-1].leaf_grads[stepper.model.graph.id_of(a)], a.grad.numpy()
    )


def test_slider_and_title_count_the_same_way_from_one():
    stepper, _, _ = make()
    total = len(stepper.model.steps)
    assert (stepper.slider.min, stepper.slider.max) == (1, total)
    assert (stepper.play.min, stepper.play.max) == (1, total)
    for i in range(total):
        stepper.go(i)
        assert stepper.slider.value == i + 1
        assert f"Step {stepper.slider.value} of {total}" in stepper.details.value


def test_the_9x5_example_writes_each_number_once():
    x = ak.ones(9, 5, requires_grad=True)
    stepper = BackwardStepper((3 * (x + 2) * (x + 2)).mean(), names={"x": x})
    texts = [step.text for step in stepper.model.steps]
    assert "AccumulateGrad writes x.grad: None -> 9×5, all 0.4" in texts
    assert any("Run MeanBackward0: gradient in 1, sends 9×5, all 0.02222" in t for t in texts)
    assert not any("..." in t or "…" in t for t in texts)
    stepper.go(len(texts) - 1)
    assert "<code class='ak-leaf-grad' data-leaf='x'>9×5, all 0.4</code>" in stepper.details.value


def test_the_graph_is_scaled_to_fit_beside_the_text_in_a_1400x900_window():
    x = ak.ones(9, 5, requires_grad=True)
    y = x
    for _ in range(12):  # a tall chain: twelve AddBackward0 nodes
        y = y + 1
    stepper = BackwardStepper(y.sum(), names={"x": x})
    svg = ET.fromstring(stepper.graph_view.value)
    width, height = float(svg.get("width")), float(svg.get("height"))
    assert height <= 560 and width <= 760
    assert svg.get("viewBox").split()[3] != f"{height:.0f}"  # drawn smaller, not cut
    assert "max-width:100%" in svg.get("style")


def test_the_stepper_speaks_chinese(zh):
    stepper, _, _ = make(runs=2)
    total = len(stepper.model.steps)
    assert stepper.forward_button.description == "下一步 ▶"
    assert stepper.slider.description == "步骤" and stepper.play_button.description == "播放"
    assert f"第 1 步，共 {total} 步（第 1 次 backward 调用，开始）" in stepper.details.value
    assert "<th>叶子节点</th>" in stepper.details.value
    stepper.step_forward()
    assert "运行 SumBackward0：流入的梯度为 1" in stepper.details.value
    assert "流入的梯度：" in stepper.details.value
    stepper.go(total - 1)  # the second backward: PyTorch's own words, under a Chinese line
    assert "引擎报错" in stepper.details.value
    assert "Trying to backward through the graph a second time" in stepper.details.value
    stepper.play_button.value = True
    assert stepper.play_button.description == "暂停"


def test_graph_words_around_the_node_names_are_chinese(zh):
    x = ak.ones(9, 5, requires_grad=True)
    drawing = ak.viz.draw_graph((x * 2).sum())
    labels = [node.label for node in drawing.graph.nodes]
    assert labels[:2] == ["输出", "SumBackward0"] and "叶子节点" in labels
    assert "<title>反向计算图</title>" in drawing.to_svg()
    model = ak.viz.backward_steps((x * 2).sum())
    assert list(model.edge_labels(0).values()) == ["\u2191 梯度 1"]
    assert model.steps[-1].text == "AccumulateGrad 写入 叶子节点.grad：None -> 9×5，全为 2"


def test_without_a_kernel_every_step_is_a_picture():
    stepper, _, _ = make()
    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    static = bundle["text/html"]
    total = len(stepper.model.steps)
    assert static.count("<figure") == total and static.count("<svg") == total
    assert f"Static view of the {total} steps" in static
    for i, step in enumerate(stepper.model.steps):
        assert f"Step {i + 1} of {total}" in static
        assert html.escape(step.text) in static


def test_without_a_kernel_the_builder_shows_every_line(zh):
    with record_graph() as recording:
        p = ak.tensor(2.0, requires_grad=True)
        q = p * p
    assert q.item() == 4.0
    static = ForwardBuilder(recording)._repr_mimebundle_()["text/html"]
    assert static.count("<svg") == 2 and "第 2 行，共 2 行" in static and "q = p * p" in static


def test_the_builder_code_column_is_as_wide_as_its_longest_line():
    with record_graph() as recording:
        first = ak.tensor(2.0, requires_grad=True)
        a_rather_long_name = first * first + first * first * first
    assert a_rather_long_name.item() == 12.0
    builder = ForwardBuilder(recording)
    longest = len("a_rather_long_name = first * first + first * first * first")
    assert f"white-space:pre;min-width:{longest + 4}ch" in builder.code.value
    assert builder.graph_view.layout.min_width == "0"  # the graph shrinks instead


def test_an_exported_notebook_without_widget_state_shows_the_steps(tmp_path):
    """nbconvert's HTML (as nbviewer and GitHub) drops a widget view it cannot render and
    shows the static frames instead."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nbconvert = pytest.importorskip("nbconvert")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import autograd_kit as ak\nimport autograd_kit.widgets\n"
            "w = ak.tensor([1.0, 2.0], requires_grad=True)\n"
            "ak.widgets.BackwardStepper((w * w).sum(), names={'w': w})"
        )
    ]
    nbclient.NotebookClient(nb, kernel_name="python3", store_widget_state=False).execute(
        cwd=str(tmp_path)
    )
    page, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    assert "Static view of the 6 steps" in page
    assert page.count('class="ak-static-frame"') == 6
