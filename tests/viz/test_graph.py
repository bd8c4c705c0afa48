"""Tests for autograd_kit/viz/graph.py: the walk, the layout and the SVG, for ak and torch."""

import xml.etree.ElementTree as ET

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_kit as ak
from autograd_kit.viz.graph import build_graph, draw_graph, layout_graph
from autograd_kit.viz.steps import backward_steps

SVG = "{http://www.w3.org/2000/svg}"


def example(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, 4.0], requires_grad=True)
    c = lib.tensor(0.5, requires_grad=True)
    y = ((a * b + c).exp() * a).sum()
    return y, {"a": a, "b": b, "c": c}


def svg_nodes(svg: str):
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if "ak-node" in g.get("class", "").split()]


def test_nodes_follow_pytorch_names_and_kinds(lib):
    y, names = example(lib)
    graph = build_graph(y, params=names)
    torch_graph = build_graph(*[example(torch)[0]])
    kinds = sorted((n.kind, n.label) for n in graph.nodes if n.kind in ("function", "accumulate"))
    oracle = sorted(
        (n.kind, n.label) for n in torch_graph.nodes if n.kind in ("function", "accumulate")
    )
    assert kinds == oracle
    assert sorted(n.label for n in graph.leaves()) == ["a", "b", "c"]
    assert [n.label for n in graph.nodes if n.kind == "output"] == ["output"]
    leaf = next(n for n in graph.leaves() if n.label == "a")
    assert leaf.lines[0] == "(2,)" and "requires_grad=True is_leaf=True" in leaf.lines


def test_every_next_function_becomes_an_edge_with_its_slot(lib):
    x = lib.tensor(3.0, requires_grad=True)
    y = x * x  # both inputs of MulBackward0 are the same AccumulateGrad node
    graph = build_graph(y)
    mul = graph.id_of(y.grad_fn)
    flow = sorted((e.src, e.slot) for e in graph.edges if e.dst == mul and e.kind == "flow")
    accumulate = graph.id_of(y.grad_fn.next_functions[0][0])
    assert flow == [(accumulate, 0), (accumulate, 1)]
    assert graph.id_of(x) is not None and graph.node(graph.id_of(x)).kind == "leaf"


def test_inputs_that_need_no_grad_are_not_drawn(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    data = lib.tensor([5.0, 6.0])
    graph = build_graph((w * data).sum())
    assert [n.label for n in graph.leaves()] == ["leaf"]


def test_saved_tensors_are_drawn_and_marked_freed_after_backward(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    y = (a * a).exp().sum()
    saved = {n.label: n for n in build_graph(y).nodes if n.kind == "saved"}
    # Both name them after the formula's arguments (grad_fn._saved_self, ...).
    expected = {"self", "other", "result"}
    assert expected <= set(saved) and all(n.lines == ("(2,)",) for n in saved.values())
    y.backward()
    after = [n for n in build_graph(y).nodes if n.kind == "saved"]
    assert after and all(n.lines == ("(freed)",) for n in after)


def mlp_graph(lib):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh(), lib.nn.Linear(2, 1))
    loss = model(lib.randn(4, 3)).pow(2).mean()
    return build_graph(loss, params=model)


def test_module_parameters_are_labelled_with_their_names(lib):
    labels = sorted(n.label for n in mlp_graph(lib).leaves())
    assert labels == ["0.bias", "0.weight", "2.bias", "2.weight"]


def test_a_module_graph_has_pytorchs_nodes():
    names = {
        lib: sorted(n.label for n in mlp_graph(lib).nodes if n.kind == "function")
        for lib in (ak, torch)
    }
    ours, oracle = names.values()
    assert ours == oracle


def test_a_leaf_alone_is_one_node(lib):
    x = lib.tensor([1.0], requires_grad=True)
    graph = build_graph(x, params={"x": x})
    assert [(n.kind, n.label) for n in graph.nodes] == [("leaf", "x")]
    assert "<svg" in draw_graph(x)._repr_svg_()


def test_values_are_shown_when_asked(lib):
    y, names = example(lib)
    plain = draw_graph(y, params=names).to_svg()
    with_values = draw_graph(y, params=names, show_values=True).to_svg()
    assert "[1., 2.]" in with_values and "[1., 2.]" not in plain


def test_svg_is_well_formed_and_renders_inline(lib):
    y, names = example(lib)
    drawing = draw_graph(y, params=names)
    nodes = svg_nodes(drawing.to_svg())
    assert [g.get("data-node") for g in nodes] == [n.id for n in drawing.graph.nodes]
    assert drawing._repr_svg_().startswith("<svg")
    html = drawing._repr_html_()
    assert html.startswith("<div") and "<svg" in html


def test_states_and_edge_labels_are_drawn():
    y, names = example(torch)
    drawing = draw_graph(y, params=names)
    mul = drawing.graph.id_of(y.grad_fn.next_functions[0][0])
    edge = next(e for e in drawing.graph.edges if e.dst == mul and e.kind == "flow")
    svg = drawing.to_svg({mul: "active"}, {(edge.src, edge.dst, edge.slot): "grad 7"})
    active = [g for g in svg_nodes(svg) if "ak-active" in g.get("class")]
    assert [g.get("data-name") for g in active] == ["MulBackward0"]
    assert ">grad 7</text>" in svg


def check_layout(drawing):
    lay = drawing.layout
    boxes = list(lay.boxes.items())
    for i, (_, (x1, y1, w1, h1)) in enumerate(boxes):
        assert x1 - w1 / 2 >= 0 and x1 + w1 / 2 <= lay.width + 1e-6
        assert y1 >= 0 and y1 + h1 <= lay.height + 1e-6
        for _, (x2, y2, w2, h2) in boxes[i + 1 :]:
            overlap_x = abs(x1 - x2) < (w1 + w2) / 2
            overlap_y = y1 < y2 + h2 and y2 < y1 + h1
            assert not (overlap_x and overlap_y)
    for index, edge in enumerate(drawing.graph.edges):
        points = lay.routes[index]
        # Arrows run forward: from an input above to its consumer below.
        assert all(p[1] < q[1] for p, q in zip(points, points[1:], strict=False))
        assert lay.boxes[edge.src][1] < lay.boxes[edge.dst][1]


OPS = [
    lambda x, y: x * y,
    lambda x, y: x + y,
    lambda x, y: x - y,
    lambda x, y: x.exp() * y,
    lambda x, y: (x * x).tanh() + y,
]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 50), st.integers(0, 50)),
        min_size=1,
        max_size=12,
    )
)
def test_layout_never_overlaps_and_arrows_point_forward(program):
    values = [torch.tensor([1.0, -0.5], requires_grad=True) for _ in range(3)]
    for op, i, j in program:
        values.append(OPS[op](values[i % len(values)], values[j % len(values)]))
    check_layout(draw_graph(values[-1].sum()))


def label_rects(svg: str) -> list[tuple[float, float, float, float]]:
    """(left, top, width, height) of every gradient label drawn on an edge."""
    root = ET.fromstring(svg)
    return [
        tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))
        for group in root.iter("{http://www.w3.org/2000/svg}g")
        if group.get("class") == "ak-edge-label"
        for rect in group.iter("{http://www.w3.org/2000/svg}rect")
    ]


def apart(a, b) -> bool:
    return a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


def check_labels_readable(steps):
    boxes = [(cx - w / 2, top, w, h) for cx, top, w, h in steps.drawing.layout.boxes.values()]
    for index in range(len(steps)):
        labels = label_rects(steps.svg(index))
        for i, label in enumerate(labels):
            assert all(apart(label, other) for other in labels[i + 1 :]), (index, labels)
            assert all(apart(label, box) for box in boxes), (index, label)


def test_gradients_sent_at_once_get_labels_side_by_side():
    # x * x sends two gradients along parallel edges; a matmul one to each of two inputs.
    x = ak.tensor(2.0, requires_grad=True)
    check_labels_readable(backward_steps((x * x).exp(), names={"x": x}))
    ak.manual_seed(0)
    a, w = ak.randn(9, 5, requires_grad=True), ak.randn(5, 3, requires_grad=True)
    steps = backward_steps((a @ w).tanh().mean(), names={"a": a, "w": w})
    assert max(len(label_rects(steps.svg(i))) for i in range(len(steps))) >= 2
    check_labels_readable(steps)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 50), st.integers(0, 50)),
        min_size=1,
        max_size=8,
    )
)
def test_stepper_labels_never_cover_each_other_or_a_node(program):
    values = [ak.tensor([1.0, -0.5], requires_grad=True) for _ in range(3)]
    for op, i, j in program:
        values.append(OPS[op](values[i % len(values)], values[j % len(values)]))
    check_labels_readable(backward_steps(values[-1].sum()))


def test_long_chains_need_no_recursion(lib):
    x = lib.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(1500):
        y = y * 1.0
    graph = build_graph(y, show_saved=False)
    assert sum(n.kind == "function" for n in graph.nodes) == 1500
    assert layout_graph(graph).height > 1500 * 20


def test_two_libraries_give_the_same_drawing_shape():
    ak_graph = build_graph(example(ak)[0])
    torch_graph = build_graph(example(torch)[0])
    assert len(ak_graph.edges) == len(torch_graph.edges)
    assert np.array_equal(
        sorted(n.kind for n in ak_graph.nodes), sorted(n.kind for n in torch_graph.nodes)
    )


def square_function(lib):
    class MySquare(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    return MySquare


def test_custom_functions_are_drawn_with_their_saved_tensors(lib):
    x = lib.tensor([1.0, 3.0], requires_grad=True)
    y = square_function(lib).apply(x).sum()
    graph = build_graph(y, params={"x": x})
    custom = next(n for n in graph.nodes if n.label == "MySquareBackward")
    saved = [e.src for e in graph.edges if e.dst == custom.id and e.kind == "saved"]
    assert [graph.node(s).lines for s in saved] == [("(2,)",)]


def test_several_outputs_share_one_drawing(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    first, second = h.sum(), (h * 2).mean()
    graph = build_graph([first, second], params={"x": x})
    assert sorted(n.label for n in graph.nodes if n.kind == "output") == ["output0", "output1"]
    assert sum(n.label == "ExpBackward0" for n in graph.nodes) == 1  # shared, drawn once
    check_layout(draw_graph([first, second]))


def test_each_svg_references_its_own_arrow_marker():
    y, names = example(torch)
    drawing = draw_graph(y, params=names)
    markers = []
    for svg in (drawing.to_svg(), drawing.to_svg()):
        root = ET.fromstring(svg)
        (marker,) = [m.get("id") for m in root.iter(f"{SVG}marker")]
        ends = {p.get("marker-end") for p in root.iter(f"{SVG}path") if p.get("marker-end")}
        assert ends == {f"url(#{marker})"}
        markers.append(marker)
    assert markers[0] != markers[1]
