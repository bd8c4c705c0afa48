"""Tests for autograd_kit/viz/widgets.py without a browser: the views only follow their model."""

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
        stepper.slider.value = i
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
    assert builder.slider.value == 2 and builder.forward_button.disabled
    assert "MulBackward0" in builder.graph_view.value
    builder.back_button.click()
    assert builder.slider.value == 1 and "MulBackward0" not in builder.graph_view.value
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
