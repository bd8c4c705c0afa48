"""The backward graph and the one loop that runs the chain rule over it.

Every recorded operation is a ``Node`` (printed as ``<MulBackward0 object at ...>``). Its
``next_functions`` point at the nodes that produced its inputs, down to ``AccumulateGrad``
nodes that own the leaves. ``run_backward`` walks that DAG from the outputs: it counts how
many edges enter each node, runs a node once all of them have delivered their gradient (the
most recently created ready node first, as PyTorch does), and adds gradients into leaves'
``.grad``. This is the only place the chain rule runs and ``.grad`` is written. The loop is
iterative, so a graph 100,000 operations deep needs no recursion.

A widget (or a curious learner) can watch the real engine through ``observe_backward``.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import sys
import weakref
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import tensor as tensor_module
from .._backend import CPU, device_of
from .._broadcasting import sum_to
from .._errors import with_hint
from . import anomaly_mode
from .grad_mode import grad_state
from .hooks import RemovableHandle, add_hook
from .saved_tensors import save_on_cpu, saved_tensors_hooks  # noqa: F401  (torch.autograd.graph's)

if TYPE_CHECKING:
    from ..tensor import Tensor

# The output numbers of a node whose inputs (up to 64) are all output 0 of their nodes, the
# usual case: every such node shares this, the class default (``zip`` stops at the last input).
ALL_OUTPUT_0 = (0,) * 64

# Creation order of nodes; among ready nodes the engine runs the newest first.
next_sequence_nr = itertools.count().__next__


class Node:
    """One recorded operation in the backward graph (PyTorch's ``grad_fn`` objects).

    ``next_functions`` is a tuple of ``(node, output_nr)`` pairs, one per input of the
    forward operation: the node that produced that input (``None`` when the input needs no
    gradient). Calling a node with the gradients of its outputs runs its backward formula and
    returns the gradients of its inputs.

    Example:
        >>> a = ak.tensor([2.0], requires_grad=True)
        >>> y = a * 3
        >>> y.grad_fn
        <MulBackward0 object at 0x...>
        >>> y.grad_fn.next_functions
        ((<AccumulateGrad object at 0x...>, 0), (None, 0))
    """

    # Class-level defaults keep the per-operation cost low: instances only get their own
    # attribute when something is registered on them.
    # The edges, stored compactly: the nodes the inputs came from, and (a shared record, see
    # ``SHARED_OUTPUT_NRS``) which output of each node. One (node, output_nr) pair per input would be
    # one more object per edge for Python's garbage collector to walk while the graph lives.
    _next_nodes: tuple[Node | None, ...] = ()
    _next_output_nrs: tuple[int, ...] = ALL_OUTPUT_0
    _pre_hooks: dict[int, Callable] | None = None
    _post_hooks: dict[int, Callable] | None = None
    _tensor_hooks: dict[int, dict[int, Callable]] | None = None  # output_nr -> hooks
    _retained: dict[int, weakref.ref] | None = None  # output_nr -> tensor that retains grad
    _input_meta: tuple = ()  # (shape, array dtype, device or None for the CPU) per input
    _num_outputs: int = 1
    _forward_cls_is_primitive = False  # True on the nodes of the primitives in ops/
    _backward_on_arrays = False  # True where backward can also compute on raw arrays
    _metadata: dict | None = None
    _holds_tensors = False  # True while saved tensors wait for backward
    _hooked = False  # True once a tensor hook, retain_grad or pre-hook is registered here

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        """One ``(node, output_nr)`` pair per input of the forward operation (built on each
        access, as PyTorch builds it)."""
        return tuple(zip(self._next_nodes, self._next_output_nrs))

    @next_functions.setter
    def next_functions(self, edges: Sequence[tuple[Node | None, int]]) -> None:
        self._next_nodes = tuple([edge[0] for edge in edges])
        self._next_output_nrs = shared_output_nrs(tuple([edge[1] for edge in edges]))

    def name(self) -> str:
        """The node's type name, e.g. ``'MulBackward0'``."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    @property
    def metadata(self) -> dict:
        """A dict for your own notes about this node (PyTorch has the same)."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_hook(self, hook: Callable) -> RemovableHandle:
        """Run ``hook(grad_inputs, grad_outputs)`` after this node's backward; it may return
        replacement ``grad_inputs``."""
        if self._post_hooks is None:
            self._post_hooks = {}
        return add_hook(self._post_hooks, hook)

    def register_prehook(self, hook: Callable) -> RemovableHandle:
        """Run ``hook(grad_outputs)`` before this node's backward; it may return replacement
        ``grad_outputs``."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._hooked = True
        return add_hook(self._pre_hooks, hook)

    def _add_tensor_hook(self, output_nr: int, hook: Callable) -> RemovableHandle:
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        self._hooked = True
        return add_hook(self._tensor_hooks.setdefault(output_nr, {}), hook)

    def _retain_grad_of(self, tensor: Tensor) -> None:
        if self._retained is None:
            self._retained = {}
        self._hooked = True
        self._retained[tensor._output_nr] = weakref.ref(tensor)

    def __call__(self, *grad_outputs: Any) -> Any:
        """Run this node's backward formula directly (as ``grad_fn(grad)`` does in PyTorch)."""
        grads = self._apply(grad_outputs)
        return grads[0] if len(grads) == 1 else grads

    def _apply(self, grad_outputs: tuple) -> tuple:  # overridden by the node kinds
        raise NotImplementedError

    def _release_saved(self) -> None:  # overridden by nodes that save tensors
        pass


class AccumulateGrad(Node):
    """The node that owns a leaf: backward ends here by adding the gradient into ``.grad``.

    ``variable`` is the leaf tensor. It is the same object every time you reach this leaf.
    """

    _sequence_nr = sys.maxsize  # PyTorch runs these as soon as they are ready

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self._input_meta = (input_meta(variable._array),)

    def _apply(self, grad_outputs: tuple) -> tuple:
        _accumulate_into(self.variable, grad_outputs[0], create_graph=grad_state.enabled)
        return ()


def gradient_edge(tensor: Tensor) -> tuple[Node | None, int]:
    """The edge a gradient for ``tensor`` travels along: its grad_fn, or its leaf accumulator."""
    if tensor.grad_fn is not None:
        return tensor.grad_fn, tensor._output_nr
    if tensor._requires_grad:
        return accumulator_of(tensor), 0
    return None, 0


def accumulator_of(leaf: Tensor) -> AccumulateGrad:
    """The leaf's one AccumulateGrad node (held weakly, as PyTorch does, so it never keeps the
    leaf alive on its own)."""
    node = leaf._accumulator() if leaf._accumulator is not None else None
    if node is None:
        node = AccumulateGrad(leaf)
        leaf._accumulator = weakref.ref(node)
    return node


# ---- watching the engine -------------------------------------------------------------------


@dataclass(frozen=True)
class BackwardEvent:
    """Something the engine just did, reported to observers in the engine's own order.

    kind: "node" (a node ran), "hook" (a tensor hook fired), "accumulate" (a leaf's .grad was
    written), "free" (a node's saved tensors were released) or "error" (backward raised).
    grad_outputs are the gradients flowing into ``node``; grad_inputs the ones it sends, one
    per ``node.next_functions`` entry. ``before``/``after`` hold the gradient around a hook,
    or a leaf's ``.grad`` around an accumulation.
    """

    kind: str
    node: Node | None = None
    grad_outputs: tuple = ()
    grad_inputs: tuple = ()
    tensor: Any = None
    before: Any = None
    after: Any = None
    message: str = ""


_observers: list[Callable[[BackwardEvent], None]] = []


@contextmanager
def observe_backward(callback: Callable[[BackwardEvent], None]) -> Iterator[None]:
    """Call ``callback(event)`` for everything the engine does inside the block.

    Example:
        >>> seen = []
        >>> with observe_backward(seen.append):
        ...     (ak.tensor([2.0], requires_grad=True) * 3).sum().backward()
        >>> [event.node.name() for event in seen if event.kind == "node"]
        ['SumBackward0', 'MulBackward0', 'AccumulateGrad']
    """
    _observers.append(callback)
    try:
        yield
    finally:
        _observers.remove(callback)


def _emit(kind: str, **fields: Any) -> None:
    event = BackwardEvent(kind, **fields)
    for callback in list(_observers):
        callback(event)


# ---- the backward loop ---------------------------------------------------------------------


def run_backward(
    outputs: Sequence[Tensor],
    grad_outputs: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
    accumulate: bool = True,
    allow_unused: bool = True,
) -> list[Tensor | None] | None:
    """Run the chain rule from ``outputs`` (seeded with ``grad_outputs``) through the graph.

    With ``accumulate`` (``tensor.backward``) gradients are added into leaves' ``.grad``,
    restricted to ``inputs`` when given. Without it (``autograd.grad``) nothing is written:
    the gradients reaching ``inputs`` are returned instead.
    """
    roots: list[tuple[Node, int, Tensor]] = []
    for index, (output, grad) in enumerate(zip(outputs, grad_outputs)):
        node, output_nr = gradient_edge(output)
        if node is None:
            raise with_hint(
                RuntimeError(
                    f"element {index} of tensors does not require grad and does not have a grad_fn"
                ),
                "no_grad_fn",
            )
        roots.append((node, output_nr, grad))

    targets: dict[tuple[Node, int], list[int]] = {}
    for position, tensor in enumerate(inputs or ()):
        edge = gradient_edge(tensor)
        if edge[0] is None:
            raise with_hint(
                RuntimeError(
                    "One of the differentiated Tensors does not require grad"
                ),
                "input_no_grad",
            )
        targets.setdefault(edge, []).append(position)
    target_nodes = {node for node, _ in targets}

    dependencies, reachable = _count_dependencies([node for node, _, _ in roots])
    needed = None
    if inputs is not None:
        # Run only nodes with a path to some input, as PyTorch does.
        needed = _nodes_reaching(target_nodes, reachable)
        dependencies, _ = _count_dependencies(
            [n for n, _, _ in roots if n in needed], within=needed
        )

    # Without create_graph nothing in the backward pass is recorded, so gradients travel as
    # raw arrays and each primitive's formula runs at NumPy speed ("raw" mode). They become
    # tensors only where someone looks at them: hooks, custom Functions, .grad, observers.
    # With create_graph they travel as tensors, so the formulas themselves are recorded.
    raw = not create_graph
    buffers: dict[Node, list] = {}
    # Gradients the engine itself created (raw mode): nobody else holds them, so another
    # path's gradient can be added into them in place and a leaf can keep one without a copy.
    owned: dict[int, Any] = {}
    for node, output_nr, grad in roots:
        _add_to_buffer(buffers, node, output_nr, grad._array if raw else grad, owned, raw)
    ready: list[tuple[int, int, Node]] = []
    tie_breaker = itertools.count()
    for node in {node for node, _, _ in roots}:
        if dependencies.get(node, 0) == 0 and (needed is None or node in needed):
            heapq.heappush(ready, (-node._sequence_nr, next(tie_breaker), node))

    captured: list[Any] = [None] * len(inputs or ())
    observed = bool(_observers)
    # Decided once, not per node: formulas run on arrays with no observer watching them, so a
    # primitive's node needs none of the conversions and reports that ``_run_node`` makes.
    unwatched_raw = raw and not observed
    release = not retain_graph
    anomaly = grad_state.anomaly
    check_nan = anomaly and grad_state.anomaly_check_nan
    previous_mode = grad_state.enabled
    grad_state.enabled = create_graph
    # The backward pass makes many short-lived objects and no reference cycles, so CPython's
    # cyclic collector would only re-traverse the (possibly huge) graph again and again.
    # Reference counting still frees everything at once; the collector resumes afterwards.
    collector_was_on = gc.isenabled()
    gc.disable()
    node = None
    # A node that the last one made ready while no other node was waiting runs next without a
    # trip through the heap (it would have been the heap's only entry), and its gradient comes
    # with it, not through ``buffers``. In a chain that is every node.
    handed_over = handed_over_grads = None
    try:
        while ready or handed_over is not None:
            if handed_over is not None:
                node, grads, handed_over = handed_over, handed_over_grads, None
            else:
                node = heapq.heappop(ready)[2]
                grads = buffers.pop(node, None) or [None] * node._num_outputs
            fresh = False
            if owned:  # this node now takes its gradients over: forget them as the engine's own
                fresh = grads[0] if owned.pop(id(grads[0]), None) is grads[0] else False
                for grad in grads[1:]:
                    owned.pop(id(grad), None)
            if node._hooked:
                grads = _run_node_hooks(node, grads, create_graph, observed, raw)
            if targets and node in target_nodes:
                for output_nr, grad in enumerate(grads):
                    for position in targets.get((node, output_nr), ()):
                        captured[position] = grad
            if type(node) is AccumulateGrad:  # (a leaf's node; ``type`` is cheaper than isinstance)
                if accumulate and (inputs is None or node in target_nodes):
                    _run_accumulate(node, grads[0], create_graph, observed, grads[0] is fresh)
                elif observed:
                    _emit("node", node=node, grad_outputs=_as_tensors(grads))
                continue
            if needed is not None and not any(n in needed for n in node._next_nodes):
                continue
            if unwatched_raw and node._backward_on_arrays and not node._post_hooks:
                # The common case, taken here without a call to _run_node: a primitive's
                # formula on raw arrays, whose results usually need no checking at all.
                grad_inputs = node._apply_arrays(grads)
                if not _arrays_fit(node, grad_inputs):
                    grad_inputs = _run_node(node, grads, observed, raw, grad_inputs)
            else:
                grad_inputs = _run_node(node, grads, observed, raw)
            if check_nan:
                anomaly_mode.check_nan(node, grad_inputs)
            if release and node._holds_tensors:
                node._release_saved()
                if observed:
                    _emit("free", node=node)
            for next_node, output_nr, grad in zip(
                node._next_nodes, node._next_output_nrs, grad_inputs
            ):
                if next_node is None or (needed is not None and next_node not in needed):
                    continue
                if (
                    raw
                    and grad is not None
                    and grad.size >= _FRESH_MIN_SIZE
                    and node._forward_cls_is_primitive
                ):
                    # Copies and allocations only matter for big arrays; skip the bookkeeping
                    # for small ones.
                    _mark_if_fresh(grad, grads, grad_inputs, owned)
                remaining = dependencies[next_node] - 1
                dependencies[next_node] = remaining
                if (
                    remaining == 0
                    and handed_over is None
                    and not ready
                    and next_node._num_outputs == 1
                    and next_node not in buffers
                ):
                    # Its one and only gradient: hand the node over (see ``handed_over``).
                    handed_over, handed_over_grads = next_node, [grad]
                    continue
                if handed_over is not None:  # a second node is ready: both go on the heap
                    buffers[handed_over] = handed_over_grads
                    heapq.heappush(
                        ready, (-handed_over._sequence_nr, next(tie_breaker), handed_over)
                    )
                    handed_over = handed_over_grads = None
                if grad is not None:
                    if next_node not in buffers and next_node._num_outputs == 1:
                        buffers[next_node] = [grad]  # the first gradient to arrive
                    else:
                        _add_to_buffer(buffers, next_node, output_nr, grad, owned, raw)
                if remaining == 0:
                    heapq.heappush(ready, (-next_node._sequence_nr, next(tie_breaker), next_node))
            # Let go of this node's gradients now, not when the next node rebinds the names:
            # a big array that was added into another one is freed before the next formula.
            grads = grad_inputs = grad = fresh = None
    except Exception as error:
        if observed:  # ``node`` is the one that was running when the error happened
            _emit("error", node=node, message=str(error))
        if anomaly:
            anomaly_mode.warn_failed_node(node)
        raise
    finally:
        grad_state.enabled = previous_mode
        if collector_was_on:
            gc.enable()

    captured = _as_tensors(captured)
    if not accumulate:
        for position, grad in enumerate(captured):
            if grad is None and not allow_unused:
                raise with_hint(
                    RuntimeError(
                        f"The differentiated Tensor at index {position} appears to not have been "
                        "used in the graph. Set allow_unused=True if this is the desired behavior."
                    ),
                    "unused_input",
                )
        return captured
    for edge, positions in targets.items():
        node = edge[0]
        if not isinstance(node, AccumulateGrad):  # backward(inputs=[non_leaf]) fills its .grad
            tensor = inputs[positions[0]]
            if captured[positions[0]] is not None:
                _accumulate_into(tensor, captured[positions[0]], create_graph)
    return None


def _count_dependencies(
    starts: list[Node], within: set[Node] | None = None
) -> tuple[dict[Node, int], Collection[Node]]:
    """How many edges enter each node reachable from ``starts``, and the reachable nodes
    (an iterative depth-first walk, so deep graphs need no recursion).

    Every reachable node has a count, ``starts`` included (0 if nothing leads into them), so
    the counts double as the set of nodes already seen.
    """
    dependencies: dict[Node, int] = dict.fromkeys(starts, 0)
    stack = list(dependencies)
    while stack:
        for next_node in stack.pop()._next_nodes:
            if next_node is None or (within is not None and next_node not in within):
                continue
            if next_node in dependencies:
                dependencies[next_node] += 1
            else:  # reached for the first time: walk on from it
                dependencies[next_node] = 1
                stack.append(next_node)
    return dependencies, dependencies.keys()


def _nodes_reaching(target_nodes: set[Node], reachable: Collection[Node]) -> set[Node]:
    """The nodes with a path to any target: walk reversed edges back from the targets."""
    parents: dict[Node, list[Node]] = {}
    for node in reachable:
        for next_node in node._next_nodes:
            if next_node is not None:
                parents.setdefault(next_node, []).append(node)
    needed = set(target_nodes)
    stack = list(target_nodes)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                stack.append(parent)
    return needed


def _add_to_buffer(
    buffers: dict[Node, list], node: Node, output_nr: int, grad: Any, owned: dict, raw: bool
) -> None:
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node._num_outputs
    previous = slots[output_nr]
    if previous is None:
        slots[output_nr] = grad
        return
    # Two paths into the same output: their gradients add up (the multivariable chain rule).
    if raw and owned:
        owned.pop(id(grad), None)  # added into another buffer: no longer worth keeping
    if raw and owned.get(id(previous)) is previous:
        previous += grad  # ours alone: add in place, no new buffer
        return
    total = previous + grad
    if raw and type(total) is np.ndarray:
        owned.pop(id(previous), None)
        owned[id(total)] = total
    slots[output_nr] = total


def _as_tensor(value: Any) -> Tensor | None:
    """A gradient as a tensor (raw mode carries arrays; tensors and None pass through)."""
    if value is None or isinstance(value, tensor_module.Tensor):
        return value
    return tensor_module._wrap(value)


def _as_tensors(values: Any) -> Any:
    return type(values)(_as_tensor(value) for value in values)


def _as_array(value: Tensor | None) -> Any:
    return value if value is None else value._array


def _run_node_hooks(node: Node, grads: list, create_graph: bool, observed: bool, raw: bool) -> list:
    """Hooks registered with ``tensor.register_hook`` on this node's outputs, then retain_grad,
    then the node's pre-hooks. They see tensors, whatever the engine carries."""
    grads = _as_tensors(grads)
    if node._tensor_hooks:
        for output_nr, hooks in node._tensor_hooks.items():
            for hook in list(hooks.values()):
                before = grads[output_nr]
                replaced = hook(before)
                if replaced is not None:
                    grads[output_nr] = replaced
                if observed:
                    _emit(
                        "hook",
                        node=node,
                        before=before,
                        after=grads[output_nr],
                        message=getattr(hook, "__name__", repr(hook)),
                    )
    if node._retained:
        for output_nr, reference in node._retained.items():
            tensor = reference()
            if tensor is not None and grads[output_nr] is not None:
                _accumulate_into(tensor, grads[output_nr], create_graph)
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            replaced = hook(tuple(grads))
            if replaced is not None:
                grads = list(replaced)
    return [_as_array(grad) for grad in grads] if raw else grads


_FRESH_MIN_SIZE = 4096
ndarray = np.ndarray  # (one global lookup in the per-node checks instead of two)


def _mark_if_fresh(grad: Any, grads_in: list, grads_out: tuple, owned: dict) -> None:
    """Remember the array ``grad`` as the engine's own when a primitive's backward just
    computed it.

    Then another path's gradient can be added into it in place, and a leaf can keep it as
    ``.grad`` without a copy. It is not fresh when the backward passed its incoming gradient
    straight through, returned a view of one (its array does not own its memory), or sent
    the same array to two inputs.
    """
    if type(grad) is not np.ndarray or grad.base is not None:
        return
    if any(grad is incoming for incoming in grads_in):
        return
    if sum(1 for other in grads_out if other is grad) > 1:
        return
    owned[id(grad)] = grad


def _run_accumulate(
    node: AccumulateGrad, grad: Any, create_graph: bool, observed: bool, fresh: bool
) -> None:
    """A leaf's gradient (an array in raw mode) goes through the leaf's hooks into ``.grad``."""
    leaf = node.variable
    if (
        type(grad) is ndarray
        and leaf._grad is None
        and not (leaf._backward_hooks or observed)
        and grad.dtype is leaf._array.dtype
    ):
        # The common first gradient of a step, a NumPy array nobody watches: the leaf keeps
        # the engine's own array (or a copy), with no tensor made for it on the way.
        leaf._grad = tensor_module._wrap(grad if fresh else grad.copy())
        if leaf._post_accumulate_grad_hooks:
            _run_post_accumulate_hooks(leaf)
        return
    grad = original = _as_tensor(grad)
    if leaf._backward_hooks:
        fresh = False  # a hook may keep a reference to the gradient it was shown
        for hook in list(leaf._backward_hooks.values()):
            before = grad
            replaced = hook(grad)
            if replaced is not None:
                grad = replaced
            if observed:
                _emit(
                    "hook",
                    node=node,
                    tensor=leaf,
                    before=before,
                    after=grad,
                    message=getattr(hook, "__name__", repr(hook)),
                )
    if observed:
        _emit("node", node=node, grad_outputs=(grad,))
    if grad is None:
        return
    before = leaf._grad.detach().clone() if observed and leaf._grad is not None else None
    _accumulate_into(leaf, grad, create_graph, owned=fresh and grad is original)
    if observed:
        _emit(
            "accumulate", node=node, tensor=leaf, before=before, after=leaf._grad.detach().clone()
        )
    if leaf._post_accumulate_grad_hooks:
        _run_post_accumulate_hooks(leaf)


def _run_post_accumulate_hooks(leaf: Tensor) -> None:
    """The leaf's ``register_post_accumulate_grad_hook`` hooks, once its ``.grad`` is written.
    A hook returns None (or, as PyTorch lets pass, the leaf itself: ``p.add_(...)``)."""
    for hook in list(leaf._post_accumulate_grad_hooks.values()):
        returned = hook(leaf)
        if returned is None or returned is leaf:
            continue
        if not isinstance(returned, tensor_module.Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(returned).__name__}'")
        raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def _accumulate_into(tensor: Tensor, grad: Tensor, create_graph: bool, owned: bool = False) -> None:
    """``tensor.grad += grad``, the one place ``.grad`` is written (besides the shortcut in
    ``_run_accumulate`` for a leaf's first gradient on arrays, which does what this would).

    Without create_graph the first gradient is copied (so no two leaves ever share one
    buffer; a sum the engine made itself is ``owned`` and needs no copy) and later ones are
    added in place. With create_graph the sum is an ordinary
    recorded operation, so the gradient itself can be differentiated.
    """
    old = tensor._grad
    if grad._array.dtype != tensor._array.dtype:  # e.g. a float32 leaf used in float64 math
        grad = grad.to(tensor.dtype)
    if create_graph:
        tensor._grad = grad if old is None else old + grad
    elif old is None:
        tensor._grad = grad.detach() if owned else tensor_module._wrap(_copy_array(grad._array))
    elif old.grad_fn is not None or old._requires_grad:
        tensor._grad = (old + grad).detach()
    else:
        old._array += grad._array
        old._version_counter[0] += 1


def _copy_array(array: Any) -> Any:
    copy = getattr(array, "copy", None)
    if copy is not None:
        return copy()
    from .._backend import xp_of

    return xp_of(array).asarray(array, copy=True)


def _run_node(
    node: Node, grads: list, observed: bool, raw: bool, unfit: tuple | None = None
) -> tuple:
    """Call the node's backward and check what it returns against its inputs.

    In raw mode a primitive computes on the arrays directly; anything else (a custom
    Function, a node with hooks, an observer watching) sees tensors. ``unfit`` is what a
    primitive's formula already returned on arrays when the quick check (``_arrays_fit``)
    found something to fix (the backward loop tries that first).
    """
    if raw and node._backward_on_arrays:
        grad_inputs = node._apply_arrays(grads) if unfit is None else unfit
        if not (node._post_hooks or observed):
            if unfit is None and _arrays_fit(node, grad_inputs):
                return grad_inputs  # the common case: nothing to check, convert or report
            reduced = _arrays_reduced(node, grad_inputs)
            if reduced is not None:
                return reduced  # broadcasting undone, still on arrays
        grad_inputs = _as_tensors(grad_inputs)
    else:
        grad_inputs = node._apply(_as_tensors(tuple(grads)))
        if not isinstance(grad_inputs, tuple):
            grad_inputs = (grad_inputs,)
    meta = node._input_meta
    if len(grad_inputs) != len(meta):
        raise with_hint(
            RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients "
                f"(expected {len(meta)}, got {len(grad_inputs)})"
            ),
            "function_grad_count",
        )
    grad_inputs = _validate_grads(node, grad_inputs, meta)
    if node._post_hooks:
        for hook in list(node._post_hooks.values()):
            replaced = hook(grad_inputs, _as_tensors(tuple(grads)))
            if replaced is not None:
                grad_inputs = tuple(replaced)
    if observed:
        _emit("node", node=node, grad_outputs=_as_tensors(tuple(grads)), grad_inputs=grad_inputs)
    return tuple([_as_array(grad) for grad in grad_inputs]) if raw else grad_inputs


def _arrays_fit(node: Node, grad_inputs: tuple) -> bool:
    """True when a primitive's array gradients need no checking: one per input, each a NumPy
    array of its input's shape and dtype, and None wherever the input needs no gradient.

    Runs once per node, so it is written for speed: ``is`` compares NumPy's built-in dtypes
    (one object each); anything unusual just takes the full check.
    """
    meta = node._input_meta
    if len(grad_inputs) != len(meta):
        return False
    for grad, input_meta, next_node in zip(grad_inputs, meta, node._next_nodes):
        if grad is not None and (
            next_node is None  # (also: an input that was a number)
            or type(grad) is not ndarray
            or grad.shape != input_meta[0]
            or grad.dtype is not input_meta[1]
        ):
            return False
    return True


def _arrays_reduced(node: Node, grad_inputs: tuple) -> tuple | None:
    """A primitive's array gradients with broadcasting undone, or None if anything else is off.

    A formula such as ``grad_x = grad * y`` gives a gradient of the output's shape. When ``x``
    was broadcast to make that output, the engine sums the gradient back down to ``x``'s shape
    (``sum_to``), as PyTorch's engine does, so no formula has to.
    """
    meta = node._input_meta
    if len(grad_inputs) != len(meta):
        return None
    reduced = []
    for grad, input_meta, next_node in zip(grad_inputs, meta, node._next_nodes):
        if grad is not None:
            if (
                next_node is None
                or type(grad) is not np.ndarray
                or input_meta[2] is not None  # an input off the CPU: the full check says why
                or grad.dtype is not input_meta[1]
                or not _expandable(input_meta[0], grad.shape)
            ):
                return None
            grad = sum_to(grad, input_meta[0])
        reduced.append(grad)
    return tuple(reduced)


def _validate_grads(node: Node, grad_inputs: tuple, meta: tuple) -> tuple:
    Tensor = tensor_module.Tensor
    checked = list(grad_inputs)
    for index, (grad, input_meta, next_node) in enumerate(
        zip(grad_inputs, meta, node._next_nodes)
    ):
        if grad is None:
            continue
        if input_meta is None:  # a non-tensor argument of forward
            raise with_hint(
                RuntimeError(
                    f"function {node.name()} returned a gradient different than None at position "
                    f"{index + 1}, but the corresponding forward input was not a Variable"
                ),
                "function_grad_count",
            )
        if not isinstance(grad, Tensor):
            raise TypeError(
                f"function {node.name()} returned a gradient that is not a Tensor at index {index} "
                f"(got {type(grad).__name__})"
            )
        if next_node is None:  # this input needs no gradient: drop it unchecked
            checked[index] = None
            continue
        array = grad._array
        if (
            type(array) is np.ndarray
            and input_meta[2] is None
            and array.shape == input_meta[0]
            and array.dtype == input_meta[1]
        ):
            continue  # the common case: a CPU gradient of the right shape and dtype
        shape, array_dtype, where = input_meta
        if (where is not None or type(grad._array) is not np.ndarray) and device_of(
            grad._array
        ) != (where or CPU):
            if shape != ():
                raise with_hint(
                    RuntimeError(
                        f"Function {node.name()} returned an invalid gradient at index {index} - "
                        f"expected device {where or CPU} but got {device_of(grad._array)}"
                    ),
                    "device_mismatch",
                )
            # A 0-dim input (a CPU scalar in an op on another device): as PyTorch does, its
            # gradient is summed down to it and moved back to its device.
            grad = sum_to(grad, shape).to(where or CPU)
        if grad._array.shape != shape:
            if not _expandable(shape, grad._array.shape):
                raise with_hint(
                    RuntimeError(
                        f"Function {node.name()} returned an invalid gradient at index {index} - "
                        f"got {list(grad._array.shape)} but expected shape compatible with "
                        f"{list(shape)}"
                    ),
                    "function_grad_shape",
                )
            grad = sum_to(grad, shape)
        if grad._array.dtype != array_dtype:
            from .. import dtypes

            grad = grad.to(dtypes.of_array_dtype(array_dtype))
        checked[index] = grad
    return tuple(checked)


def _expandable(shape: tuple, grad_shape: tuple) -> bool:
    """True when a tensor of ``shape`` broadcasts to ``grad_shape`` (so summing undoes it)."""
    if len(shape) > len(grad_shape):
        return False
    for size, grad_size in zip(reversed(shape), reversed(grad_shape)):
        if size != grad_size and size != 1:
            return False
    return True


def input_meta(array: Any) -> tuple:
    """What the engine remembers about an input to check its gradient: shape, dtype, device.

    The device is stored only off the CPU. A NumPy input's record is shared by every input of
    the same shape and dtype (see ``SHARED_META``), so recording an operation makes no new one.
    """
    if type(array) is np.ndarray:
        of_shape = SHARED_META[id(array.dtype)]
        meta = of_shape.get(array.shape)
        if meta is None:
            meta = remember(of_shape, array.shape, (array.shape, array.dtype, None))
        return meta
    return (array.shape, array.dtype, device_of(array))


# Small immutable records many nodes hold alike: input shapes and dtypes, output numbers,
# ``needs_input_grad`` flags. Each node could keep its own copy, but every object a node keeps
# is one more for Python's cyclic garbage collector to count and walk, again and again while
# the graph is alive (the collector, not the arithmetic, was most of the cost of recording a
# long chain). Equal records are shared instead: a tuple never changes, so sharing it is
# invisible. Each kind has its own table, with a key that is quick to hash:
#   SHARED_META         id(dtype) -> shape -> (shape, dtype, None), one input's record
#                       (hashing a NumPy dtype is slow, and a small int then a shape is
#                       quicker than a (shape, int) pair; the records keep their dtype
#                       alive, so the id stays that dtype's);
#   SHARED_OUTPUT_NRS   output numbers, e.g. (0, 0);
#   SHARED_FLAGS        needs_input_grad, e.g. (True, False) (apart: (True, False) == (1, 0)).
# A table only grows with the number of distinct shapes a program uses; it starts afresh
# past a few thousand entries.
SHARED_META: defaultdict[int, dict[tuple, tuple]] = defaultdict(dict)
SHARED_OUTPUT_NRS: dict[tuple, tuple] = {}
SHARED_FLAGS: dict[tuple, tuple] = {}
_SHARED_LIMIT = 4096


def remember(table: dict[tuple, tuple], key: tuple, record: tuple) -> tuple:
    """Store ``record`` in one of the tables above and return it (hot paths call
    ``table.get(key)`` themselves and this only on a miss)."""
    if len(table) >= _SHARED_LIMIT:
        table.clear()
    table[key] = record
    return record


def shared_output_nrs(output_nrs: tuple) -> tuple:
    """The shared copy of a node's output numbers (see ``SHARED_OUTPUT_NRS``)."""
    return SHARED_OUTPUT_NRS.get(output_nrs) or remember(SHARED_OUTPUT_NRS, output_nrs, output_nrs)

