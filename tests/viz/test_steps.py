"""Tests for autograd_kit/viz/steps.py: the steps ARE the engine's backward, replayed."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_kit as ak
from autograd_kit.viz.graph import format_value
from autograd_kit.viz.steps import backward_steps


def build(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, -1.0], requires_grad=True)
    c = lib.tensor(0.5, requires_grad=True)
    y = ((a * b + c).tanh() * a).sum()
    return y, {"a": a, "b": b, "c": c}


def final_grads(model):
    last = model.steps[-1]
    return {model.graph.node(i).label: g for i, g in last.leaf_grads.items()}


def test_after_the_last_step_every_leaf_grad_equals_backward(lib):
    y, names = build(lib)
    model = backward_steps(y, names=names)
    y2, names2 = build(lib)
    y2.backward()
    stepped = final_grads(model)
    for name, leaf in names2.items():
        np.testing.assert_array_equal(stepped[name], leaf.grad.numpy())
        np.testing.assert_array_equal(names[name].grad.numpy(), leaf.grad.numpy())


def test_node_order_is_pytorchs_order():
    ours = [s.name for s in backward_steps(build(ak)[0]).steps if s.kind == "node"]
    oracle = [s.name for s in backward_steps(build(torch)[0]).steps if s.kind == "node"]
    assert ours == oracle
    assert ours[0] == "SumBackward0" and ours.count("AccumulateGrad") == 3


def test_steps_carry_the_gradients_in_and_out(lib):
    y, names = build(lib)
    model = backward_steps(y, names=names)
    start = model.steps[0]
    assert start.kind == "start" and model.node_states(0) == {model.graph.id_of(y): "active"}
    assert list(model.edge_labels(0).values()) == ["\u2191 grad 1"]
    np.testing.assert_array_equal(start.grad_outputs[0], np.ones(()))
    mul = next(s for s in model.steps if s.name == "MulBackward0")
    a, b = names["a"].detach().numpy(), names["b"].detach().numpy()
    inner = np.tanh(a * b + 0.5)
    np.testing.assert_allclose(mul.grad_outputs[0], np.ones(2), rtol=1e-6)
    # out = tanh(...) * a:  grad to the tanh input is grad * a, grad to a is grad * tanh(...)
    np.testing.assert_allclose(mul.grad_inputs[0], a, rtol=1e-6)
    np.testing.assert_allclose(mul.grad_inputs[1], inner, rtol=1e-6)
    labels = model.edge_labels(mul.index)
    node = model.graph.node(mul.node_id).obj
    for slot, (child, _) in enumerate(node.next_functions):
        key = (model.graph.id_of(child), mul.node_id, slot)
        assert labels[key] == "\u2191 " + format_value(mul.grad_inputs[slot], 28)
    assert model.node_states(mul.index)[mul.node_id] == "active"


def test_accumulate_steps_show_grad_before_and_after(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    y = (a * 3).sum()
    model = backward_steps(y, retain_graph=True, runs=2, names={"a": a})
    accumulated = [s for s in model.steps if s.kind == "accumulate"]
    assert len(accumulated) == 2
    assert accumulated[0].before is None
    np.testing.assert_array_equal(accumulated[0].after, [3.0, 3.0])
    np.testing.assert_array_equal(accumulated[1].before, [3.0, 3.0])
    np.testing.assert_array_equal(accumulated[1].after, [6.0, 6.0])
    np.testing.assert_array_equal(a.grad.numpy(), [6.0, 6.0])
    assert [s.run for s in model.steps if s.kind == "start"] == [0, 1]


def test_gradient_argument_seeds_a_non_scalar_output(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    seed = lib.tensor([1.0, 0.1, 0.01])
    model = backward_steps(y, gradient=seed, names={"x": x})
    np.testing.assert_array_equal(model.steps[0].grad_outputs[0], seed.numpy())
    np.testing.assert_allclose(final_grads(model)["x"], [2.0, 0.4, 0.06], rtol=1e-6)


def test_second_backward_error_is_the_engines_error(lib):
    y, names = build(lib)
    model = backward_steps(y, names=names, runs=2)
    last = model.steps[-1]
    assert last.kind == "error" and isinstance(model.error, RuntimeError)
    assert last.message.startswith(
        "RuntimeError: Trying to backward through the graph a second time"
    )
    # The failed call left .grad as the first call wrote it.
    y2, names2 = build(torch)
    y2.backward()
    np.testing.assert_allclose(final_grads(model)["a"], names2["a"].grad.numpy(), rtol=1e-6)


def test_hooks_fire_as_steps_and_replace_the_gradient():
    def double(grad):
        return grad * 2

    results = {}
    for lib in (ak, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        z = a * a
        z.register_hook(double)
        y = z.sum()
        if lib is ak:
            model = backward_steps(y, names={"a": a})
        else:
            y.backward()
        results[lib.__name__] = a.grad.numpy()
    hooks = [s for s in model.steps if s.kind == "hook"]
    assert len(hooks) == 1 and hooks[0].message == "double"
    np.testing.assert_array_equal(hooks[0].after, hooks[0].before * 2)
    assert "replaces the gradient" in hooks[0].text
    np.testing.assert_array_equal(results["autograd_kit"], results["torch"])
    np.testing.assert_array_equal(final_grads(model)["a"], results["torch"])


@pytest.mark.parametrize("retain_graph", [False, True])
def test_saved_tensors_are_freed_only_without_retain_graph(retain_graph):
    y, names = build(ak)
    model = backward_steps(y, names=names, retain_graph=retain_graph)
    frees = [s for s in model.steps if s.kind == "free"]
    saved = {n.id for n in model.graph.nodes if n.kind == "saved"}
    assert saved
    if retain_graph:
        assert not frees and not model.steps[-1].freed
    else:
        assert {s.name for s in frees} >= {"MulBackward0", "TanhBackward0"}
        assert model.steps[-1].freed == saved
        states = model.node_states(len(model) - 1)
        assert all(states[n] == "freed" for n in saved)


OPS = [
    lambda x, y: x * y,
    lambda x, y: x + y,
    lambda x, y: x - y,
    lambda x, y: x.exp() * y,
    lambda x, y: (x * x).tanh() + y,
    lambda x, y: x / (y * y + 1),
]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 40), st.integers(0, 40)),
        min_size=1,
        max_size=10,
    ),
    st.lists(st.floats(-2, 2), min_size=6, max_size=6),
)
def test_property_stepped_grads_equal_torch(program, data):
    grads = {}
    for lib in (ak, torch):
        # float64, so the comparison with torch tests the graph, not float32 rounding.
        leaves = [
            lib.from_numpy(np.array(data[2 * i : 2 * i + 2])).requires_grad_() for i in range(3)
        ]
        values = list(leaves)
        for op, i, j in program:
            values.append(OPS[op](values[i % len(values)], values[j % len(values)]))
        out = values[-1].sum()
        if lib is ak:
            model = backward_steps(out, names={f"x{i}": t for i, t in enumerate(leaves)})
            stepped = final_grads(model)
        else:
            out.backward()
        grads[lib.__name__] = [None if t.grad is None else t.grad.numpy() for t in leaves]
    for i, (ours, oracle) in enumerate(zip(grads["autograd_kit"], grads["torch"], strict=True)):
        if oracle is None:
            assert ours is None and f"x{i}" not in stepped
        else:
            np.testing.assert_allclose(ours, oracle, rtol=1e-9, atol=1e-12)
            np.testing.assert_array_equal(stepped[f"x{i}"], ours)


def test_inputs_limits_which_leaves_get_grad(lib):
    y, names = build(lib)
    model = backward_steps(y, inputs=[names["b"]], names=names)
    grads = final_grads(model)
    assert grads["a"] is None and grads["c"] is None
    y2, names2 = build(torch)
    y2.backward(inputs=[names2["b"]])
    np.testing.assert_allclose(grads["b"], names2["b"].grad.numpy(), rtol=1e-5)
    assert names["a"].grad is None


def test_second_backward_error_highlights_the_failing_node():
    x = ak.tensor([1.0], requires_grad=True)
    stepper = backward_steps((x * x).sum(), runs=2)
    error_index = next(i for i, step in enumerate(stepper.steps) if step.kind == "error")
    error = stepper.steps[error_index]
    assert error.name == "MulBackward0"
    assert stepper.node_states(error_index)[error.node_id] == "error"
