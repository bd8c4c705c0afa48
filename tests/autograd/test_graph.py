"""The backward engine: the semantics a learner relies on, checked against PyTorch."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
import torch

import autograd_kit as ak
from autograd_kit.autograd.graph import AccumulateGrad, observe_backward


@pytest.fixture(params=["ak", "torch"])
def lib(request):
    return ak if request.param == "ak" else torch


def test_course_example_mean_gives_point_four_then_accumulates_to_18_4(lib):
    x = lib.ones(9, 5, requires_grad=True)
    y = x + 2
    z = 3 * y * y
    out = z.mean()
    out.backward(retain_graph=True)
    assert np.allclose(x.grad.numpy(), 0.4)
    z.backward(lib.ones(9, 5))
    assert np.allclose(x.grad.numpy(), 18.4)


def test_grad_fn_names_and_next_functions_structure():
    for lib in (ak, torch):
        a = lib.tensor([2.0], requires_grad=True)
        b = lib.tensor([3.0])
        y = a * b + a
        add = y.grad_fn
        mul = add.next_functions[0][0]
        names = (type(add).__name__, type(mul).__name__)
        assert names == ("AddBackward0", "MulBackward0")
        assert type(mul.next_functions[0][0]).__name__ == "AccumulateGrad"
        assert mul.next_functions[0][0].variable is a
        assert mul.next_functions[1] == (None, 0)
        # The same leaf is reached through one accumulator object.
        assert add.next_functions[1][0] is mul.next_functions[0][0]


def test_leaves_and_requires_grad_propagation(lib):
    x = lib.tensor([1.0, 2.0])
    assert not x.requires_grad and x.is_leaf and x.grad_fn is None
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * w
    assert y.requires_grad and not y.is_leaf
    assert (x * 2).requires_grad is False


def test_only_leaves_keep_grad_and_reading_nonleaf_grad_warns(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        assert y.grad is None
    assert x.grad is not None


def test_retain_grad_fills_nonleaf_grad():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        (y * y).sum().backward()
        assert y.grad.tolist() == [6.0, 12.0]
        assert y.retains_grad


@pytest.mark.parametrize("lib", [ak, torch], ids=["ak", "torch"])
def test_hooks_run_in_order_replace_grad_and_can_be_removed(lib):
    calls = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: calls.append(("first", g.tolist())))
    y.register_hook(lambda g: g * 10)
    handle = x.register_hook(lambda g: calls.append(("leaf", g.tolist())))
    y.sum().backward()
    assert calls == [("first", [1.0, 1.0]), ("leaf", [20.0, 20.0])]
    assert x.grad.tolist() == [20.0, 20.0]
    handle.remove()
    calls.clear()
    x.grad = None
    (x * 1).sum().backward()
    assert calls == []


def test_leaf_hook_runs_before_accumulation_and_its_result_is_accumulated(lib):
    x = lib.tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: g * 0 + 5)
    (x * 3).sum().backward()
    assert x.grad.tolist() == [5.0]


def test_shared_subgraph_gradients_add_up(lib):
    x = lib.tensor([2.0], requires_grad=True)
    y = x * x
    z = y + y * y  # y used twice: dz/dx = (1 + 2y) * 2x = 9 * 4
    z.sum().backward()
    assert x.grad.tolist() == [36.0]


def test_second_backward_without_retain_graph_raises():
    for lib in (ak, torch):
        x = lib.tensor([1.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()


def test_graph_of_nodes_that_save_nothing_can_run_twice(lib):
    x = lib.tensor([1.0], requires_grad=True)
    y = (-(x + 1) - 2).mean()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [-2.0]


@pytest.mark.parametrize("expression", ["mul", "div", "relu"])
def test_graph_of_nodes_that_save_a_number_cannot_run_twice(lib, expression):
    x = lib.tensor([1.0], requires_grad=True)
    y = {"mul": lambda: x * 2, "div": lambda: x / 2, "relu": lambda: x.relu()}[expression]().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="a second time"):
        y.backward()


def test_grad_can_be_set_to_none_and_zeroed(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0]
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_gradients_of_two_leaves_never_share_memory():
    a = ak.tensor([1.0, 2.0], requires_grad=True)
    b = ak.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.add_(100)
    assert b.grad.tolist() == [1.0, 1.0]


def test_backward_inputs_restricts_accumulation(lib):
    a = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert a.grad.tolist() == [2.0]
    assert b.grad is None


def test_autograd_grad_returns_without_touching_dot_grad():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (g,) = lib.autograd.grad((x**3).sum(), x)
        assert g.tolist() == [3.0, 12.0]
        assert x.grad is None


def test_autograd_grad_unused_input():
    for lib in (ak, torch):
        x = lib.tensor([1.0], requires_grad=True)
        unused = lib.tensor([1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
            lib.autograd.grad((x * 2).sum(), [x, unused])
        grads = lib.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
        assert grads[1] is None


def test_second_derivative_with_create_graph():
    for lib in (ak, torch):
        x = lib.tensor(3.0, requires_grad=True)
        (dy,) = lib.autograd.grad(x**3, x, create_graph=True)
        (d2y,) = lib.autograd.grad(dy, x)
        assert (dy.item(), d2y.item()) == (27.0, 18.0)


def test_execution_order_matches_torch():
    def order(lib, make_events):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0], requires_grad=True)
        c = a * b
        d = (c.exp() + c.sin() * a).sum() + b.sum()
        return make_events(d)

    def torch_order(output):
        seen = []
        stack = [output.grad_fn]
        hooks = []
        visited = set()
        while stack:
            node = stack.pop()
            if node is None or node in visited:
                continue
            visited.add(node)
            hooks.append(node.register_prehook(lambda g, n=node: seen.append(n.name())))
            stack.extend(n for n, _ in node.next_functions)
        output.backward()
        return [name for name in seen if name != "torch::autograd::AccumulateGrad"]

    def ak_order(output):
        events = []
        with observe_backward(events.append):
            output.backward()
        return [
            e.node.name()
            for e in events
            if e.kind == "node" and not isinstance(e.node, AccumulateGrad)
        ]

    assert order(ak, ak_order) == order(torch, torch_order)


def test_observer_reports_every_node_hook_and_accumulation():
    x = ak.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 2)
    events = []
    with observe_backward(events.append):
        y.sum().backward()
    kinds = [(e.kind, e.node.name()) for e in events]
    assert kinds == [
        ("node", "SumBackward0"),
        ("hook", "MulBackward0"),
        ("node", "MulBackward0"),
        ("free", "MulBackward0"),
        ("node", "AccumulateGrad"),
        ("accumulate", "AccumulateGrad"),
    ]
    accumulate = events[-1]
    assert accumulate.tensor is x and accumulate.before is None
    assert accumulate.after.tolist() == x.grad.tolist() == [6.0, 6.0]


def test_long_chain_has_no_recursion_limit_and_frees_memory():
    x = ak.tensor([0.5], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]
    probe = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert probe() is None


def test_saved_tensors_are_freed_after_backward():
    x = ak.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    y.sum().backward()
    with pytest.raises(RuntimeError, match="already been freed"):
        _ = node.saved_tensors


def test_no_grad_enable_grad_set_grad_enabled_and_inference_mode(lib):
    w = lib.tensor([3.0], requires_grad=True)
    with lib.no_grad():
        half = w * 0.5
        with lib.enable_grad():
            doubled = w * 2
    assert not half.requires_grad and half.grad_fn is None
    assert doubled.requires_grad
    with lib.set_grad_enabled(False):
        assert not (w * 2).requires_grad
    assert lib.is_grad_enabled()
    with lib.inference_mode():
        assert not (w * 2).requires_grad

    @lib.no_grad()
    def decorated():
        return w * 2

    assert not decorated().requires_grad
    assert (w * 2).requires_grad


def test_detach_shares_storage_and_detach_in_place(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad
    d[0] = 100.0
    assert y[0].item() == 100.0
    y.detach_()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_freezing_with_requires_grad_false(lib):
    w1 = lib.tensor([1.0], requires_grad=True)
    w2 = lib.tensor([2.0], requires_grad=True)
    w1.requires_grad = False
    (w1 * w2).sum().backward()
    assert w1.grad is None and w2.grad.tolist() == [1.0]


def test_nonscalar_backward_with_gradient_is_a_vector_jacobian_product(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.backward(gradient=lib.tensor([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(x.grad.numpy(), [0.2, 0.4, 0.6], rtol=1e-6)


def test_observer_error_event_names_the_failing_node():
    x = ak.tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    events = []
    with pytest.raises(RuntimeError), observe_backward(events.append):
        y.backward()
    assert events[-1].kind == "error" and events[-1].node.name() == "MulBackward0"
    assert "a second time" in events[-1].message


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x.clone(),
        lambda x: x.reshape(2, 2),
        lambda x: x * 1,
        lambda x: x.to(ak.float64),
        lambda x: ak.cat([x, x * 2]),
        lambda x: x + 0,
    ],
)
def test_dot_grad_never_shares_memory_with_the_gradient_passed_in(make):
    x = ak.arange(4.0, requires_grad=True)
    y = make(x)
    upstream = ak.ones(*y.shape, dtype=y.dtype)
    y.backward(upstream)
    assert not np.shares_memory(x.grad.numpy(), upstream.numpy())
    first = x.grad.numpy().copy()
    y2 = make(x)
    y2.backward(upstream)  # accumulates in place into x.grad
    np.testing.assert_allclose(upstream.numpy(), np.ones(upstream.shape))
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)


def test_a_gradient_kept_by_a_hook_is_not_changed_by_later_accumulation():
    kept = []
    x = ak.ones(3, requires_grad=True)
    x.register_hook(lambda grad: kept.append(grad))
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    assert kept[0].tolist() == [2.0, 2.0, 2.0]
    assert x.grad.tolist() == [4.0, 4.0, 4.0]


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x**2,
        lambda x: 2 - x,
        lambda x: 2**x,
        lambda x: x * 2,
        lambda x: x + 2,
        lambda x: x / 2,
        lambda x: x.clamp(min=0),
        lambda x: x.square(),
    ],
)
def test_edges_for_numbers_match_torch(make):
    """A number is an input edge (None, 0) where PyTorch wraps it, and no edge where it is a
    setting of the operation (x ** 2, 2 - x, clamp)."""
    edges = []
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        node = make(x).grad_fn
        edges.append(
            [(type(n).__name__ if n is not None else None, nr) for n, nr in node.next_functions]
        )
    assert edges[0] == edges[1]


@pytest.mark.parametrize("collector_on", [True, False])
def test_backward_leaves_the_cyclic_collector_as_it_found_it(collector_on):
    was = gc.isenabled()
    try:
        gc.enable() if collector_on else gc.disable()
        x = ak.tensor([1.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        assert gc.isenabled() is collector_on
        with pytest.raises(RuntimeError):
            y.backward()  # the error path restores it too
        assert gc.isenabled() is collector_on
    finally:
        gc.enable() if was else gc.disable()


@pytest.mark.parametrize("create_graph", [False, True])
def test_primitive_backward_runs_on_arrays_unless_the_backward_is_recorded(
    monkeypatch, create_graph
):
    """Without create_graph the engine hands a primitive's formula raw arrays (fast); with it,
    tensors (so the formula is recorded). The gradient is the same either way."""
    from autograd_kit import ops

    seen = []
    formula = ops.Tanh.backward

    def spy(ctx, grad):
        seen.append((type(grad), type(ctx.saved_tensors[0])))
        return formula(ctx, grad)

    monkeypatch.setattr(ops.Tanh, "backward", staticmethod(spy))
    x = ak.tensor([0.5, -1.0], requires_grad=True)
    (grad,) = ak.autograd.grad(x.tanh().sum(), x, create_graph=create_graph)
    kind = ak.Tensor if create_graph else np.ndarray
    assert seen == [(kind, kind)]
    assert grad.requires_grad is create_graph
    expected = 1 - np.tanh(np.array([0.5, -1.0], dtype=np.float32)) ** 2
    np.testing.assert_allclose(grad.detach().numpy(), expected, rtol=1e-6)


def test_a_hook_in_raw_mode_sees_tensors_and_can_replace_the_gradient():
    x = ak.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    kinds = []

    def double(grad):
        kinds.append(type(grad))
        return grad * 2

    y.register_hook(double)
    y.grad_fn.register_prehook(lambda grads: kinds.append(type(grads[0])))
    y.sum().backward()
    assert kinds == [ak.Tensor, ak.Tensor]
    assert x.grad.tolist() == [6.0, 6.0]


def test_backward_frees_a_gradient_once_it_is_added_into_another():
    """x gets three gradients; each is added into the first and then freed at once. At most
    four new buffers are alive together (the sum for x, the one for tanh's output, and tanh's
    two temporaries); keeping an added gradient alive would make it five."""
    import tracemalloc

    data = np.linspace(-2, 2, 100_000, dtype=np.float32)
    x = ak.tensor(data, requires_grad=True)
    loss = (x.tanh() * x + x.sigmoid()).sum()
    gc.collect()
    tracemalloc.start()
    try:
        loss.backward()
        peak = tracemalloc.get_traced_memory()[1]  # allocated since start only
    finally:
        tracemalloc.stop()
    buffer = data.nbytes
    assert peak < 4.5 * buffer
    expected = (1 - np.tanh(data) ** 2) * data + np.tanh(data)
    sigmoid = 1 / (1 + np.exp(-data))
    np.testing.assert_allclose(x.grad.numpy(), expected + sigmoid * (1 - sigmoid), atol=1e-5)


def test_calling_a_node_gives_unreduced_gradients_as_in_torch():
    """A formula returns its gradients in the output's shape (grad_fn(grad) shows this, as in
    PyTorch); undoing broadcasting is the engine's job."""
    for lib in (ak, torch):
        a = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(3, requires_grad=True)
        for y in (a * b, a + b, a - b, a / b):
            assert [tuple(g.shape) for g in y.grad_fn(lib.ones(2, 3))] == [(2, 3), (2, 3)]


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("observed", [False, True])
def test_the_engine_sums_broadcast_gradients_back_to_each_input(create_graph, observed):
    """On arrays (raw mode), on arrays under an observer (the tensor check) and on tensors
    (create_graph), a broadcast input gets its gradient summed back to its own shape."""
    results = []
    for lib in (ak, torch):
        x = lib.tensor([[1.0], [2.0]], requires_grad=True)  # (2, 1)
        w = lib.tensor([1.0, -1.0, 0.5], requires_grad=True)  # (3,)
        loss = (x * w + w.exp() - x / (w + 3)).pow(2).sum()
        if lib is ak and observed:
            with observe_backward(lambda event: None):
                grads = lib.autograd.grad(loss, (x, w), create_graph=create_graph)
        else:
            grads = lib.autograd.grad(loss, (x, w), create_graph=create_graph)
        assert [tuple(g.shape) for g in grads] == [(2, 1), (3,)]
        if create_graph:  # the reduction itself is recorded, so it can be differentiated
            grads[1].sum().backward()
            results.append([g.detach().numpy() for g in grads] + [x.grad.numpy()])
        else:
            results.append([g.numpy() for g in grads])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_a_formula_giving_a_gradient_for_a_number_input_gets_the_clear_error(monkeypatch):
    """The raw-mode fast check hands anything odd to the full check, which explains it."""
    from autograd_kit import ops

    monkeypatch.setattr(ops.Mul, "backward", staticmethod(lambda ctx, grad: (grad * 2, grad * 3)))
    x = ak.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="the corresponding forward input was not a Variable"):
        (x * 2.0).sum().backward()
