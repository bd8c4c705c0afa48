"""Tests for autograd_kit/viz/recorder.py: one frame per line that makes or changes a tensor."""

import sys

import autograd_kit as ak
from autograd_kit.viz.recorder import record_graph


def kinds(frame):
    return sorted((n.kind, n.label) for n in frame.drawing.graph.nodes if n.kind != "accumulate")


def test_the_graph_grows_line_by_line(lib):
    with record_graph() as recording:
        a = lib.tensor(2.0, requires_grad=True)
        b = lib.tensor(3.0, requires_grad=True)
        not_a_tensor = 5
        c = lib.tensor(1.0, requires_grad=True)
        d = a * b
        y = d + c
    assert not_a_tensor == 5 and y.item() == 7.0
    frames = recording.frames
    assert [f.name for f in frames] == ["a", "b", "c", "d", "y"]
    assert [f.line for f in frames][-2:] == ["d = a * b", "y = d + c"]
    assert kinds(frames[0]) == [("leaf", "a")]
    assert kinds(frames[3]) == [
        ("function", "MulBackward0"),
        ("leaf", "a"),
        ("leaf", "b"),
        ("leaf", "c"),
        ("output", "d"),
    ]
    last = frames[-1].drawing.graph
    assert [n.label for n in last.nodes if n.kind == "output"] == ["y"]
    mul = next(n for n in last.nodes if n.label == "MulBackward0")
    assert mul.lines == ("-> d",)  # the intermediate keeps its variable's name


def test_reassigning_a_variable_records_a_new_frame():
    with record_graph() as recording:
        x = ak.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        h = h.tanh()
    assert [f.name for f in recording.frames] == ["x", "h", "h"]
    assert "TanhBackward0" in [n.label for n in recording.frames[-1].drawing.graph.nodes]


def test_tracing_is_restored_and_calls_are_not_traced():
    before = sys.gettrace()
    calls = []

    def helper(t):
        calls.append(1)
        inner = t * 3  # a tensor made inside a call is not a frame of the block
        return inner

    with record_graph() as recording:
        w = ak.tensor(1.0, requires_grad=True)
        out = helper(w)
    assert sys.gettrace() is before
    assert out.item() == 3.0 and calls == [1]
    assert [f.name for f in recording.frames] == ["w", "out"]
    assert recording._repr_html_().startswith("<div")


def test_an_empty_block_says_so():
    with record_graph() as recording:
        pass
    assert recording.frames == [] and "No tensor" in recording._repr_html_()


EARLIER = ak.tensor(1.0, requires_grad=True) * 2  # like a tensor from an earlier notebook cell


def test_only_tensors_assigned_in_the_block_are_drawn():
    namespace = {"ak": ak, "record_graph": record_graph, "earlier": EARLIER}
    exec(  # module level, as in a notebook cell: the block's locals are the globals
        "with record_graph() as recording:\n"
        "    p = ak.tensor(2.0, requires_grad=True)\n"
        "    q = p * earlier\n",
        namespace,
    )
    frames = namespace["recording"].frames
    assert [f.name for f in frames] == ["p", "q"]
    assert [n.label for n in frames[0].drawing.graph.nodes] == ["p"]
