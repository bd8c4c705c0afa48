"""Draw the backward graph of a tensor as SVG, with no system program (no graphviz).

This module owns three things: walking ``grad_fn.next_functions`` from a tensor down to its
leaves (duck-typed, so it reads ``autograd_kit`` and ``torch`` graphs alike), a small layered
layout (output at the bottom, leaves at the top, as torchviz draws it), and the SVG text.
The stepper widget reuses the same drawing and only changes highlights and edge labels.

Example:
    >>> import autograd_kit as ak
    >>> a = ak.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (a * a).sum()
    >>> drawing = ak.viz.draw_graph(y, params={"a": a})
    >>> [node.label for node in drawing.graph.nodes]
    ['output', 'SumBackward0', 'MulBackward0', 'self', 'other', 'AccumulateGrad', 'a']
"""

from __future__ import annotations

import html
import itertools
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from .messages import say

# ----------------------------------------------------------------------------------------------
# Reading a graph (duck-typed: anything with grad_fn / next_functions / variable works)
# ----------------------------------------------------------------------------------------------


def to_numpy(tensor) -> np.ndarray:
    """A detached numpy copy of an ``ak`` or ``torch`` tensor (snapshots must not alias)."""
    if isinstance(tensor, np.ndarray):
        return tensor.copy()
    value = tensor.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    try:
        return np.array(value.numpy(), copy=True)
    except TypeError:  # a 0-d result some engines keep as a NumPy scalar; tolist() still works
        return np.array(value.tolist())


def format_value(value, max_chars: int = 60) -> str:
    """Short text for a tensor or array, each number written once.

    Small arrays are printed in full (``0.4``, ``[1., 2.]``); a larger one is summarised by its
    shape and values, in the kit's language: ``9×5, all 0.4`` or ``9×5, -1 to 3``. Cut at
    ``max_chars``.

    Example:
        >>> format_value(np.full((9, 5), 0.4))
        '9×5, all 0.4'
    """
    if value is None:
        return "None"
    array = value if isinstance(value, np.ndarray) else to_numpy(value)
    if array.ndim == 0:
        text = f"{array.item():.4g}"
    else:
        text = np.array2string(
            array,
            precision=4,
            separator=", ",
            suppress_small=True,
            threshold=12,
            edgeitems=2,
            max_line_width=10_000,
        )
        text = " ".join(text.split())
        if array.size > SUMMARY_ABOVE or len(text) > max_chars:
            text = _summary(array)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


SUMMARY_ABOVE = 6  # arrays with more elements are summarised, not listed


def _summary(array: np.ndarray) -> str:
    shape = "×".join(str(d) for d in array.shape)
    flat = array.reshape(-1).astype(np.float64)
    if flat.size == 0:
        return f"{shape} []"
    if np.all(flat == flat[0]):
        return say("viz.value.all", shape=shape, value=f"{flat[0]:.4g}")
    low, high = np.nanmin(flat), np.nanmax(flat)
    return say("viz.value.range", shape=shape, low=f"{low:.4g}", high=f"{high:.4g}")


def shape_text(tensor) -> str:
    dims = [str(int(d)) for d in tensor.shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def node_name(fn) -> str:
    """PyTorch's printed name of a grad_fn node, e.g. ``MulBackward0``."""
    name = getattr(fn, "name", None)
    text = str(name()) if callable(name) else type(fn).__name__
    return text.rsplit("::", 1)[-1]  # torch prints "torch::autograd::AccumulateGrad"


def saved_tensors_of(fn) -> tuple[list[tuple[str, object]], bool]:
    """The tensors a node saved for backward, as (name, tensor) pairs, and whether they were freed.

    PyTorch exposes them as ``_saved_self``/``_saved_other``/``_saved_result`` attributes and raises
    RuntimeError once backward freed them; a custom Function's ctx exposes ``saved_tensors``.
    """
    saved: list[tuple[str, object]] = []
    freed = False
    names = [n for n in dir(fn) if n.startswith("_saved_")]
    first = {"_saved_self": 0, "_saved_other": 1}  # read in the order the op's inputs come
    names.sort(key=lambda n: (first.get(n, 2), n))
    for attr in names:
        try:
            value = getattr(fn, attr)
        except RuntimeError:
            freed = True
            continue
        if _is_tensor(value):
            saved.append((attr[len("_saved_") :], value))
    if not names:
        try:
            values = fn.saved_tensors or ()
        except AttributeError:  # a node that saves nothing
            values = ()
        except RuntimeError:  # read after backward released them
            freed, values = True, ()
        for i, value in enumerate(values):
            if _is_tensor(value):
                saved.append((say("viz.graph.saved_n", n=i), value))
    return saved, freed


def _is_tensor(value) -> bool:
    return hasattr(value, "shape") and hasattr(value, "requires_grad") and hasattr(value, "detach")


@dataclass(frozen=True)
class GraphNode:
    """One box in the drawing. ``kind`` is output, function, accumulate, leaf or saved."""

    id: str
    kind: str
    label: str
    lines: tuple[str, ...]
    obj: object = field(repr=False, compare=False)


@dataclass(frozen=True)
class GraphEdge:
    """An arrow in forward direction (input -> consumer), as torchviz draws it.

    ``slot`` is the index in the consumer's ``next_functions`` (-1 for saved/output/variable edges),
    so the gradient a node sends to its i-th input labels the edge with slot i.
    """

    src: str
    dst: str
    slot: int
    kind: str  # "flow", "saved", "variable" or "output"


@dataclass
class Graph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    by_obj: dict[int, str]  # id(grad_fn node or leaf tensor) -> node id

    def node(self, node_id: str) -> GraphNode:
        return next(n for n in self.nodes if n.id == node_id)

    def id_of(self, obj) -> str | None:
        """The drawing's node id for a grad_fn node, AccumulateGrad node or leaf tensor."""
        return self.by_obj.get(id(obj))

    def leaves(self) -> list[GraphNode]:
        return [n for n in self.nodes if n.kind == "leaf"]


def _named_tensors(params) -> dict:
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        return dict(params.named_parameters())
    return dict(params)


def build_graph(outputs, params=None, show_saved: bool = True, show_values: bool = False) -> Graph:
    """Walk the backward graph from one tensor (or a list of tensors) down to the leaves.

    ``params`` names tensors: an ``nn.Module`` (its ``named_parameters()``) or a mapping
    name -> tensor. The walk is iterative, so long chains hit no recursion limit.
    """
    roots = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    named = _named_tensors(params)
    names = {id(t): name for name, t in named.items()}
    # A named non-leaf (``d = a * b``) labels the node that made it: "MulBackward0 -> d".
    made = {
        id(t.grad_fn): name
        for name, t in named.items()
        if t.grad_fn is not None and all(t is not r for r in roots)
    }
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    by_obj: dict[int, str] = {}
    keep_alive: list[object] = []  # ids are only unique while the objects live

    def tensor_lines(tensor, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
        lines = [shape_text(tensor), *extra]
        if show_values:
            lines.append(format_value(tensor, max_chars=36))
        return tuple(lines)

    def add(kind: str, label: str, lines: tuple[str, ...], obj) -> str:
        node_id = f"n{len(nodes)}"
        nodes.append(GraphNode(node_id, kind, label, lines, obj))
        keep_alive.append(obj)
        return node_id

    def add_function(fn) -> tuple[str, bool]:
        if id(fn) in by_obj:
            return by_obj[id(fn)], False
        variable = getattr(fn, "variable", None)
        if variable is not None:
            node_id = add("accumulate", node_name(fn), (), fn)
            by_obj[id(fn)] = node_id
            leaf_label = names.get(id(variable), say("viz.graph.leaf"))
            flags = f"requires_grad={bool(variable.requires_grad)} is_leaf={bool(variable.is_leaf)}"
            leaf_id = add("leaf", leaf_label, tensor_lines(variable, (flags,)), variable)
            by_obj[id(variable)] = leaf_id
            edges.append(GraphEdge(leaf_id, node_id, -1, "variable"))
            return node_id, True
        node_id = add(
            "function", node_name(fn), (f"-> {made[id(fn)]}",) if id(fn) in made else (), fn
        )
        by_obj[id(fn)] = node_id
        if show_saved:
            saved, freed = saved_tensors_of(fn)
            for saved_name, tensor in saved:
                saved_id = add("saved", saved_name, tensor_lines(tensor), tensor)
                edges.append(GraphEdge(saved_id, node_id, -1, "saved"))
            if freed and not saved:
                saved_id = add("saved", say("viz.graph.saved"), (say("viz.graph.freed"),), fn)
                edges.append(GraphEdge(saved_id, node_id, -1, "saved"))
        return node_id, True

    stack: list[object] = []
    for i, out in enumerate(roots):
        default = say("viz.graph.output") if len(roots) == 1 else say("viz.graph.output_n", n=i)
        label = names.get(id(out), default)
        fn = getattr(out, "grad_fn", None)
        if fn is None:
            flags = f"requires_grad={bool(out.requires_grad)} is_leaf={bool(out.is_leaf)}"
            leaf_id = add("leaf", label, tensor_lines(out, (flags,)), out)
            by_obj[id(out)] = leaf_id
            continue
        out_id = add("output", label, tensor_lines(out), out)
        by_obj[id(out)] = out_id
        fn_id, new = add_function(fn)
        edges.append(GraphEdge(fn_id, out_id, -1, "output"))
        if new:
            stack.append(fn)
    while stack:
        fn = stack.pop()
        fn_id = by_obj[id(fn)]
        pending = []
        for slot, (child, _output_nr) in enumerate(getattr(fn, "next_functions", ())):
            if child is None:
                continue
            child_id, new = add_function(child)
            edges.append(GraphEdge(child_id, fn_id, slot, "flow"))
            if new:
                pending.append(child)
        stack.extend(reversed(pending))  # visit the first input first: a stable, readable order
    graph = Graph(nodes, edges, by_obj)
    graph._keep_alive = keep_alive  # type: ignore[attr-defined]
    return graph


# ----------------------------------------------------------------------------------------------
# Layered layout: longest path to the output gives the row, barycenters give the order
# ----------------------------------------------------------------------------------------------

CHAR_WIDTH = 7.2  # px per character of the 12px monospace font
LINE_HEIGHT = 15
PAD_X, PAD_Y = 10, 7
GAP_X, GAP_Y = 28, 52
MARGIN = 16


@dataclass
class Layout:
    width: float
    height: float
    boxes: dict[str, tuple[float, float, float, float]]  # node id -> (center x, top y, w, h)
    routes: dict[int, list[tuple[float, float]]]  # edge index -> points from src to dst


def text_width(text: str) -> float:
    """Pixels ``text`` takes in the drawing's monospace font: a Chinese character takes two."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return (len(text) + wide) * CHAR_WIDTH


def _box_size(node: GraphNode) -> tuple[float, float]:
    lines = (node.label, *node.lines)
    width = max(text_width(line) for line in lines) + 2 * PAD_X
    return max(width, 60.0), len(lines) * LINE_HEIGHT + 2 * PAD_Y


def layout_graph(graph: Graph) -> Layout:
    ids = [n.id for n in graph.nodes]
    succ: dict[str, set[str]] = {i: set() for i in ids}
    pred: dict[str, set[str]] = {i: set() for i in ids}
    for e in graph.edges:
        succ[e.src].add(e.dst)
        pred[e.dst].add(e.src)
    # Row 0 is the output; a node sits one row above the farthest of its consumers.
    order = _topological(ids, succ, pred)
    level: dict[str, int] = {}
    for node_id in reversed(order):
        level[node_id] = max((level[d] + 1 for d in succ[node_id]), default=0)
    top = max(level.values(), default=0)
    # Long edges get one invisible point per row they cross, so rows can be ordered around them.
    rows: list[list[str]] = [[] for _ in range(top + 1)]  # rows[0] is the top row
    for node_id in ids:
        rows[top - level[node_id]].append(node_id)
    size = {n.id: _box_size(n) for n in graph.nodes}
    chains: dict[tuple[str, str], list[str]] = {}
    up: dict[str, list[str]] = {i: [] for i in ids}
    down: dict[str, list[str]] = {i: [] for i in ids}
    for src, dst in {(e.src, e.dst) for e in graph.edges}:
        chain = [src]
        for lvl in range(level[src] - 1, level[dst], -1):
            dummy = f"d{src}-{dst}-{lvl}"
            size[dummy] = (8.0, LINE_HEIGHT)
            up[dummy], down[dummy] = [], []
            rows[top - lvl].append(dummy)
            chain.append(dummy)
        chain.append(dst)
        chains[(src, dst)] = chain
        for a, b in zip(chain, chain[1:], strict=False):
            down[a].append(b)
            up[b].append(a)
    rows = _order_rows(rows, up, down)
    x = _place_x(rows, size, up, down)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    y = MARGIN
    for row in rows:
        row_height = max(size[n][1] for n in row)
        for n in row:
            w, h = size[n]
            boxes[n] = (x[n], y + (row_height - h) / 2, w, h)
        y += row_height + GAP_Y
    min_x = min(boxes[n][0] - boxes[n][2] / 2 for n in boxes)
    boxes = {n: (cx - min_x + MARGIN, ty, w, h) for n, (cx, ty, w, h) in boxes.items()}
    width = max(cx + w / 2 for cx, _, w, _ in boxes.values()) + MARGIN
    height = y - GAP_Y + MARGIN
    # Spread the ends of a node's edges along its top and bottom sides, ordered by where the
    # other end is, so arrows into one node stay apart instead of meeting in one point.
    ports: dict[tuple[str, str, str], float] = {}
    for node_id in ids:
        cx, _, w, _ = boxes[node_id]
        for side, ends in (("in", up[node_id]), ("out", down[node_id])):
            ends = sorted(ends, key=lambda m: boxes[m][0])
            for i, other in enumerate(ends):
                offset = (i - (len(ends) - 1) / 2) * min(16.0, 0.6 * w / max(len(ends), 1))
                ports[(side, node_id, other)] = cx + offset
    routes: dict[int, list[tuple[float, float]]] = {}
    for index, e in enumerate(graph.edges):
        chain = chains[(e.src, e.dst)]
        _, ty, _, h = boxes[chain[0]]
        points = [(ports[("out", chain[0], chain[1])], ty + h)]
        for dummy in chain[1:-1]:
            dx, dy, _, dh = boxes[dummy]
            points.append((dx, dy + dh / 2))
        _, ty, _, _ = boxes[chain[-1]]
        points.append((ports[("in", chain[-1], chain[-2])], ty))
        routes[index] = points
    real = {n: b for n, b in boxes.items() if n in succ}
    return Layout(width, height, real, routes)


def _topological(ids, succ, pred) -> list[str]:
    indegree = {i: len(pred[i]) for i in ids}
    ready = [i for i in ids if indegree[i] == 0]
    order = []
    while ready:
        node_id = ready.pop(0)
        order.append(node_id)
        for d in sorted(succ[node_id], key=ids.index):
            indegree[d] -= 1
            if indegree[d] == 0:
                ready.append(d)
    return order


def _crossings(rows, down) -> int:
    total = 0
    for upper, lower in zip(rows, rows[1:], strict=False):
        pos = {n: i for i, n in enumerate(lower)}
        pairs = [(i, pos[b]) for i, a in enumerate(upper) for b in down[a] if b in pos]
        total += sum(1 for (a1, b1) in pairs for (a2, b2) in pairs if a1 < a2 and b1 > b2)
    return total


def _order_rows(rows, up, down):
    """Barycenter heuristic: sort each row by the mean position of its neighbours, keep the best."""
    best, best_count = [list(r) for r in rows], _crossings(rows, down)
    current = [list(r) for r in rows]
    for sweep in range(6):
        indices = range(1, len(current)) if sweep % 2 == 0 else range(len(current) - 2, -1, -1)
        for r in indices:
            ref = current[r - 1] if sweep % 2 == 0 else current[r + 1]
            pos = {n: i for i, n in enumerate(ref)}
            neighbours = up if sweep % 2 == 0 else down

            def key(item, pos=pos, neighbours=neighbours):
                i, n = item
                ps = [pos[m] for m in neighbours[n] if m in pos]
                return (sum(ps) / len(ps)) if ps else i

            current[r] = [n for _, n in sorted(enumerate(current[r]), key=key)]
        count = _crossings(current, down)
        if count < best_count:
            best, best_count = [list(r) for r in current], count
    return best


def _place_x(rows, size, up, down) -> dict[str, float]:
    """Pull each node toward its neighbours' mean x, keeping order and a minimum gap."""
    x: dict[str, float] = {}
    for row in rows:
        cursor = 0.0
        for n in row:
            x[n] = cursor + size[n][0] / 2
            cursor += size[n][0] + GAP_X
    width = max((x[r[-1]] + size[r[-1]][0] / 2 for r in rows if r), default=0)
    for row in rows:  # centre every row under the widest one to start with
        if row:
            shift = (width - (x[row[-1]] + size[row[-1]][0] / 2)) / 2
            for n in row:
                x[n] += shift
    for _ in range(8):
        for row in rows:
            desired = []
            for n in row:
                ns = up[n] + down[n]
                desired.append(sum(x[m] for m in ns) / len(ns) if ns else x[n])
            left = list(desired)
            for i in range(1, len(row)):
                gap = (size[row[i - 1]][0] + size[row[i]][0]) / 2 + GAP_X
                left[i] = max(left[i], left[i - 1] + gap)
            right = list(desired)
            for i in range(len(row) - 2, -1, -1):
                gap = (size[row[i]][0] + size[row[i + 1]][0]) / 2 + GAP_X
                right[i] = min(right[i], right[i + 1] - gap)
            merged = [(a + b) / 2 for a, b in zip(left, right, strict=False)]
            for i in range(1, len(row)):
                gap = (size[row[i - 1]][0] + size[row[i]][0]) / 2 + GAP_X
                merged[i] = max(merged[i], merged[i - 1] + gap)
            for n, value in zip(row, merged, strict=False):
                x[n] = value
    return x


# ----------------------------------------------------------------------------------------------
# SVG
# ----------------------------------------------------------------------------------------------

# Fills are light in both JupyterLab themes and text on them is always near-black, so boxes read
# the same in light and dark themes; lines and free text follow the theme through --jp-* variables.
STYLE = """
.ak-graph text { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono',
  monospace; fill: #111; }
.ak-graph .ak-node rect { stroke: #444; stroke-width: 1; }
.ak-graph .ak-output rect { fill: #b7e4b0; }
.ak-graph .ak-function rect { fill: #e3e3e3; }
.ak-graph .ak-accumulate rect { fill: #c9c9c9; }
.ak-graph .ak-leaf rect { fill: #bcd7ff; }
.ak-graph .ak-saved rect { fill: #ffd59e; }
.ak-graph .ak-node text.ak-label { font-weight: bold; }
.ak-graph .ak-edge path { fill: none; stroke: var(--jp-ui-font-color2, #666); stroke-width: 1.3; }
.ak-graph .ak-edge.ak-saved-edge path { stroke-dasharray: 4 3; }
.ak-graph marker path { fill: var(--jp-ui-font-color2, #666); }
.ak-graph .ak-done rect { stroke: #2b8a3e; stroke-width: 2.5; }
.ak-graph .ak-freed { opacity: 0.45; }
.ak-graph .ak-freed rect { stroke-dasharray: 3 3; }
.ak-graph .ak-active rect { fill: #fff08a; stroke: #c2255c; stroke-width: 3.5; }
.ak-graph .ak-error rect { fill: #ffc9c9; stroke: #c92a2a; stroke-width: 3.5; }
.ak-graph .ak-edge.ak-active path { stroke: #c2255c; stroke-width: 3; }
.ak-graph .ak-edge-label rect { fill: var(--jp-layout-color0, #fff); stroke: #c2255c; }
.ak-graph .ak-edge-label text { fill: var(--jp-ui-font-color0, #111); }
"""


_marker_ids = itertools.count()


@dataclass
class GraphDrawing:
    """A drawn graph: ``graph`` (what), ``layout`` (where); renders inline in Jupyter.

    ``to_svg`` takes the stepper's decorations: a state per node id (``active``, ``done``,
    ``freed``, ``error``) and text labels for edges keyed by ``(src, dst, slot)``.
    """

    graph: Graph
    layout: Layout

    def __repr__(self) -> str:
        # Short on purpose: Jupyter shows the SVG, and a notebook's saved text stays small.
        return f"<GraphDrawing: {len(self.graph.nodes)} nodes, {len(self.graph.edges)} edges>"

    def to_svg(
        self,
        states: dict[str, str] | None = None,
        edge_labels: dict[tuple[str, str, int], str] | None = None,
        title: str | None = None,
        max_size: tuple[float, float] | None = None,
        fit_width: bool = False,
    ) -> str:
        """The drawing as SVG text; ``max_size=(width, height)`` scales it down to fit in them.

        With ``fit_width`` the SVG also shrinks to the width of the page it is shown in
        (``max-width:100%``), so a wide graph is made smaller, never cut off (the widgets).
        """
        states = states or {}
        title = say("viz.graph.title") if title is None else title
        edge_labels = edge_labels or {}
        lay = self.layout
        # One marker id per SVG: several drawings share a page, and a marker referenced from
        # another (possibly hidden) output would not render.
        marker = f"ak-arrow-{next(_marker_ids)}"
        scale = 1.0
        if max_size is not None:
            scale = min(1.0, max_size[0] / lay.width, max_size[1] / lay.height)
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="ak-graph" role="img" '
            f'width="{lay.width * scale:.0f}" height="{lay.height * scale:.0f}" '
            f'viewBox="0 0 {lay.width:.0f} {lay.height:.0f}"'
            + (' style="max-width:100%;height:auto">' if fit_width else ">"),
            f"<title>{html.escape(title)}</title>",
            f"<style>{STYLE}</style>",
            f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerUnits="userSpaceOnUse" markerWidth="9" '
            'markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
            "</defs>",
        ]
        labels_svg = []
        # What a label must not cover: the boxes, then the labels placed before it.
        taken = list(lay.boxes.values())  # (centre x, top, width, height)
        for index, e in enumerate(self.graph.edges):
            points = self._offset(index, lay.routes[index])
            key = (e.src, e.dst, e.slot)
            classes = ["ak-edge"] + (["ak-saved-edge"] if e.kind == "saved" else [])
            if key in edge_labels:
                classes.append("ak-active")
            out.append(
                f'<g class="{" ".join(classes)}" data-src="{e.src}" data-dst="{e.dst}" '
                f'data-slot="{e.slot}"><path d="{_curve(points)}" marker-end="url(#{marker})"/></g>'
            )
            if key in edge_labels:
                labels_svg.append(_edge_label(points, edge_labels[key], e, taken, lay.width))
        for node in self.graph.nodes:
            cx, ty, w, h = lay.boxes[node.id]
            state = states.get(node.id, "")
            classes = f"ak-node ak-{node.kind}" + (f" ak-{state}" if state else "")
            shown = f" [{say('viz.graph.state.' + state)}]" if state else ""
            tooltip = " ".join((node.label, *node.lines)) + shown
            out.append(
                f'<g class="{classes}" id="ak-{node.id}" data-node="{node.id}" '
                f'data-name="{html.escape(node.label)}">'
                f"<title>{html.escape(tooltip)}</title>"
                f'<rect x="{cx - w / 2:.1f}" y="{ty:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'rx="5"/>'
            )
            for i, line in enumerate((node.label, *node.lines)):
                cls = ' class="ak-label"' if i == 0 else ""
                ly = ty + PAD_Y + LINE_HEIGHT * (i + 0.78)
                out.append(
                    f'<text{cls} x="{cx:.1f}" y="{ly:.1f}" text-anchor="middle">'
                    f"{html.escape(line)}</text>"
                )
            out.append("</g>")
        out.extend(labels_svg)
        out.append("</svg>")
        return "\n".join(out)

    def _offset(self, index: int, points):
        """Spread parallel edges (``x * x`` feeds one node twice) so both stay visible."""
        e = self.graph.edges[index]
        twins = [i for i, f in enumerate(self.graph.edges) if (f.src, f.dst) == (e.src, e.dst)]
        if len(twins) == 1:
            return points
        shift = (twins.index(index) - (len(twins) - 1) / 2) * 14
        return (
            [points[0]] + [(px + shift, py) for px, py in points[1:-1]] + [points[-1]]
            if len(points) > 2
            else [(points[0][0] + shift, points[0][1]), (points[1][0] + shift, points[1][1])]
        )

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_html_(self) -> str:
        # Inline SVG (not <img>) so JupyterLab's theme variables reach the drawing.
        return f'<div class="ak-graph-output">{self.to_svg()}</div>'

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_svg())


def _curve(points) -> str:
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{x0:.1f},{y0:.1f}"]
    for x1, y1 in rest:
        dy = (y1 - y0) / 2
        parts.append(f"C{x0:.1f},{y0 + dy:.1f} {x1:.1f},{y1 - dy:.1f} {x1:.1f},{y1:.1f}")
        x0, y0 = x1, y1
    return " ".join(parts)


LABEL_HEIGHT = 19
# Where along an edge a label may sit, in order of preference: on its first stretch, nearer the
# input end (arrowheads crowd the other end), then further along, then on later stretches.
LABEL_SPOTS = (0.4, 0.6, 0.25, 0.75, 0.15, 0.85)


def _covers(box, others) -> bool:
    """Whether ``box`` (centre x, top, width, height) overlaps any of ``others``, 2 px apart."""
    cx, top, w, h = box
    return any(
        abs(cx - ox) < (w + ow) / 2 + 2 and top < otop + oh + 2 and otop < top + h + 2
        for ox, otop, ow, oh in others
    )


def _label_box(points, text: str, taken: list, width: float) -> tuple:
    """The first free place for a label along its edge; stacked below the first if none is free.

    Two gradients often travel at once (``x * y`` sends one to each input, ``x * x`` two along
    parallel edges), so every label is checked against the boxes and the labels placed before it.
    """
    w = text_width(text) + 10
    spots = [
        (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False)
        for t in LABEL_SPOTS
    ]
    boxes = [
        (min(max(mx, w / 2), max(width - w / 2, w / 2)), my - 10, w, LABEL_HEIGHT)
        for mx, my in spots
    ]
    box = next((b for b in boxes if not _covers(b, taken)), None)
    if box is None:
        cx, top, _, _ = boxes[0]
        for _ in range(len(taken) + 1):  # at most one step below each thing in the way
            top += LABEL_HEIGHT + 3
            if not _covers((cx, top, w, LABEL_HEIGHT), taken):
                break
        box = (cx, top, w, LABEL_HEIGHT)
    taken.append(box)
    return box


def _edge_label(points, text: str, edge: GraphEdge, taken: list, width: float) -> str:
    cx, top, w, h = _label_box(points, text, taken, width)
    return (
        f'<g class="ak-edge-label" data-src="{edge.src}" data-dst="{edge.dst}" '
        f'data-slot="{edge.slot}"><rect x="{cx - w / 2:.1f}" y="{top:.1f}" width="{w:.1f}" '
        f'height="{h}" rx="3"/><text x="{cx:.1f}" y="{top + 14:.1f}" text-anchor="middle">'
        f"{html.escape(text)}</text></g>"
    )


def draw_graph(outputs, params=None, show_saved: bool = True, show_values: bool = False):
    """Draw the backward graph of ``outputs`` (a tensor or list); it renders inline in Jupyter.

    Boxes follow torchviz: green = the output tensor, grey = grad_fn nodes by PyTorch's name,
    dark grey = AccumulateGrad, blue = leaf tensors with shape and ``requires_grad``/``is_leaf``,
    orange = tensors saved for backward (dashed edge). Arrows point the way forward ran; backward
    walks them in reverse. Pass ``params=model`` (or a name -> tensor mapping) to label leaves.
    Works on ``torch`` tensors too, so the two graphs can be compared side by side.

    Example:
        >>> x = ak.tensor(2.0, requires_grad=True)
        >>> drawing = ak.viz.draw_graph(x.exp(), params={"x": x})
        >>> drawing.to_svg().startswith("<svg")
        True
    """
    graph = build_graph(outputs, params=params, show_saved=show_saved, show_values=show_values)
    return GraphDrawing(graph, layout_graph(graph))
