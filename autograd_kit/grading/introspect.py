"""Helpers that hidden probes call to test *how* an answer works, not only what it returns.

A probe's expression sees this module as ``_probe``, e.g.
``expect.equal("_probe.ran_backward(q4_grad_at, _probe.cube, 2.0)", True, key=True)``.
Each helper runs the learner's function under the kit's own introspection (the engine's
event stream, version counters, optimizer contents, a second simulated device) and returns
plain facts that the grader judges outside the kernel.

Example:
    >>> import autograd_kit as ak
    >>> def by_autograd(v):
    ...     x = ak.tensor(v, requires_grad=True); (x * x).backward(); return x.grad.item()
    >>> ran_backward(by_autograd, 3.0)
    True
    >>> ran_backward(lambda v: 2 * v, 3.0)
    False
"""

from __future__ import annotations

import contextlib
import math
from unittest import mock

import autograd_kit as ak
from autograd_kit.autograd.graph import observe_backward


def ran_backward(fn, *args) -> bool:
    """True when calling ``fn(*args)`` ran the autograd engine (backward or autograd.grad)."""
    events = []
    with observe_backward(events.append):
        fn(*args)
    return any(event.kind == "node" for event in events)


def floats(value) -> list:
    """A float, a tuple of floats or a tensor as a flat list of Python floats."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(floats(item))
        return out
    return [float(value)]


def type_names(value) -> list:
    """The type names of a value's items (or of the value itself), e.g. ['float', 'float']."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return [type(item).__name__ for item in items]


# Scalar functions the learner never saw, for questions that take a function argument.
def cube_plus(x):
    return x**3 + 2 * x


def wave(x):
    return (x * 1.5).sin() * x


def bump(x):
    return (-(x * x)).exp() + x


def mixed(x, y):
    return x * y + y**2


def curvy(x, y):
    return (x * y).sin() + x.exp() * y


# ------------------------------------------------------------------ graphs


def shared_graph(seed: int = 0):
    """A loss whose graph has branches and shared nodes (a node with several consumers)."""
    ak.manual_seed(seed)
    x = ak.randn(3, requires_grad=True)
    w = ak.randn(3, requires_grad=True)
    h = (x * w).tanh()
    return (h * h + h.exp() * x).sum()


def diamond_graph():
    """a -> b, a -> c, (b, c) -> d: the smallest graph where DFS and BFS orders differ."""
    a = ak.tensor([0.5, -1.0], requires_grad=True)
    b = a.exp()
    c = a * 3
    return (b.sin() + c).sum()


def example_hooks():
    """The example of the hook-order question: a = x * 2, b = a.exp(), loss = b.sum()."""
    x = ak.tensor([0.5, 1.0], requires_grad=True)
    a = x * 2
    b = a.exp()
    return {"a": a, "b": b}, b.sum()


def hooked_tensors(kind: int = 0):
    """(named tensors, loss) for hook-order probes: a chain or a graph with a branch."""
    x = ak.tensor([0.5, 1.5], requires_grad=True)
    if kind == 0:
        p = x * 2
        q = p.exp()
        r = q * 3
        return {"p": p, "q": q, "r": r}, r.sum()
    p = x * 2
    q = p.sin()
    r = p * q
    return {"r": r, "p": p, "q": q}, r.sum()


# ------------------------------------------------------------------ tensors and versions


def detach_facts(fn, values) -> dict:
    """What ``fn(t)`` returned for a tensor ``t`` in a graph: cut from it, sharing storage
    and the version counter (so an in-place change is seen by autograd)?"""
    w = ak.tensor(values, requires_grad=True)
    t = w * 3
    before = t._version
    d = fn(t)
    facts = {"is_leaf": bool(d.is_leaf), "requires_grad": bool(d.requires_grad)}
    d.mul_(2.0)
    facts["shares_storage"] = bool(abs(t[0].item() - 6 * values[0]) < 1e-6)
    facts["version_seen"] = t._version != before
    return facts


def in_place_facts(fn, values) -> dict:
    """Did ``fn(t)`` detach ``t`` itself (same object, now a leaf that needs no grad)?"""
    w = ak.tensor(values, requires_grad=True)
    t = w * 2
    out = fn(t)
    return {"same_object": out is t, "is_leaf": bool(t.is_leaf),
            "requires_grad": bool(t.requires_grad)}


def leaves_untouched(fn, *args) -> list:
    """requires_grad of every tensor argument after ``fn(*args)``: a function must not
    switch off gradients of the caller's tensors."""
    fn(*args)
    return [bool(a.requires_grad) for a in args if hasattr(a, "requires_grad")]


def saved_is_output(apply, values) -> bool:
    """True when a custom Function's node saved its output (not its input) for backward."""
    x = ak.tensor(values, dtype=ak.float64, requires_grad=True)
    y = apply(x)
    saved = y.grad_fn.saved_tensors
    return len(saved) == 1 and ak.allclose(saved[0].detach(), y.detach()) \
        and not ak.allclose(saved[0].detach(), x.detach())


def vjp(fn, values, seed_values, *extra) -> list:
    """x.grad after ``fn(x, *extra).backward(v)``: a random grad_output, not ones."""
    x = ak.tensor(values, dtype=ak.float64, requires_grad=True)
    out = fn(x, *extra)
    out.backward(ak.tensor(seed_values, dtype=ak.float64).reshape(out.shape))
    return x.grad.tolist()


# ------------------------------------------------------------------ nn and optim


def linear(n_in: int, n_out: int, seed: int):
    """A freshly initialised nn.Linear, the same on every run (seeded)."""
    ak.manual_seed(seed)
    return ak.nn.Linear(n_in, n_out)


def mlp(seed: int):
    """Linear(3, 4) -> ReLU -> Linear(4, 1), seeded."""
    ak.manual_seed(seed)
    nn = ak.nn
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))


def step_facts(step, seed: int, x, y, max_norm: float) -> list:
    """What one clipped training step returned, then the parameters it left behind (flat)."""
    model = linear(2, 1, seed)
    norm = step(model, x, y, max_norm)
    return [float(norm), *floats([p.detach() for p in model.parameters()])]


def frozen_training_facts(train, seed: int, steps: int) -> dict:
    """Train the head of a seeded MLP with ``train(model, x, y, steps)``; which parameters
    did the returned optimizer hold, and which of them moved?"""
    model = mlp(seed)
    ak.manual_seed(seed + 1)
    x, y = ak.randn(6, 3), ak.randn(6, 1)
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = train(model, x, y, steps)
    params = list(model.parameters())
    held = [p for group in optimizer.param_groups for p in group["params"]]
    return {
        "held": [any(p is h for h in held) for p in params],
        "n_held": len(held),
        "moved": [not ak.equal(b, p.detach()) for b, p in zip(before, params, strict=True)],
        "requires_grad": [bool(p.requires_grad) for p in params],
    }


def held_by(optimizer, *modules) -> list:
    """For each parameter of ``modules``: is it held by ``optimizer`` (by identity)?"""
    held = [p for group in optimizer.param_groups for p in group["params"]]
    return [any(p is h for h in held) for m in modules for p in m.parameters()]


# ------------------------------------------------------------------ devices


@contextlib.contextmanager
def cuda_available(flag: bool):
    """Pretend that a GPU is (or is not) there, as a device question's probe needs."""
    with mock.patch.object(ak.cuda, "is_available", lambda: flag):
        yield


def device_picked(pick, flag: bool):
    """``pick()`` with ``ak.cuda.is_available()`` answering ``flag``: the device's type."""
    with cuda_available(flag):
        device = pick()
    return [type(device).__name__, getattr(device, "type", None)]


def second_device():
    """A second device on a machine without a GPU: array-api-strict's ``device1``.

    The same simulated device the test suite uses; it refuses to mix with the CPU exactly
    as a GPU does, so a forgotten ``.to()`` fails here too.
    """
    import array_api_strict

    from autograd_kit import _backend

    names = ("CPU_DEVICE", "device1", "device2")
    index = {array_api_strict.Device(name): i for i, name in enumerate(names)}
    if "strict" not in getattr(_backend, "_BACKENDS", {}):
        with contextlib.suppress(ValueError):
            _backend.register_backend("strict", _backend.ArrayBackend(
                load=lambda: array_api_strict,
                native_device=lambda xp, i: xp.Device(names[i]),
                index_of=lambda array: index[array.device],
                indexed=True,
            ))
    return ak.device("strict", 1)


def moved_facts(move, seed: int) -> dict:
    """Run ``move(model, x, device)`` on the second device; where did everything end up?"""
    device = second_device()
    model = linear(3, 2, seed)
    x = ak.ones(4, 3)
    model, x = move(model, x, device)
    return {
        "x": str(x.device),
        "params": sorted({str(p.device) for p in model.parameters()}),
        "grads": [None if p.grad is None else str(p.grad.device) for p in model.parameters()],
        "weight_grad": model.weight.grad.to("cpu").tolist(),
    }


def numpy_facts(convert, values) -> list:
    """``convert(t)`` for a tensor on the second device that requires grad."""
    t = ak.tensor(values, requires_grad=True).to(second_device()) * 2
    array = convert(t)
    return [type(array).__name__, [float(v) for v in array.reshape(-1)]]


def is_finite(value) -> bool:
    return all(math.isfinite(v) for v in floats(value))


# ------------------------------------------------------------------ a learner's own engine


def engine_grads(value_class, seed: int) -> dict:
    """Build one random expression graph twice, with the learner's ``Value`` and with ``ak``,
    backpropagate both and return both sets of leaf gradients.

    The graph mixes +, *, tanh and relu on Values and plain numbers, and every node may be
    used by several later nodes (shared nodes with several consumers), so an engine without a
    topological order, or one that overwrites instead of accumulating, disagrees.
    """
    import random

    rng = random.Random(seed)
    starts = [rng.uniform(-1.5, 1.5) for _ in range(3)]
    leaves = [value_class(v) for v in starts]
    tensors = [ak.tensor(v, dtype=ak.float64, requires_grad=True) for v in starts]
    nodes = list(zip(leaves, tensors, strict=True))
    for _ in range(9):
        op = rng.choice(["add", "mul", "tanh", "relu", "add_number", "mul_number"])
        a, ta = nodes[rng.randrange(len(nodes))]
        b, tb = nodes[rng.randrange(len(nodes))]
        c = rng.uniform(-2.0, 2.0)
        if op == "add":
            nodes.append((a + b, ta + tb))
        elif op == "mul":
            nodes.append((a * b, ta * tb))
        elif op == "tanh":
            nodes.append((a.tanh(), ta.tanh()))
        elif op == "relu":
            nodes.append((a.relu(), ta.relu()))
        elif op == "add_number":
            nodes.append((a + c, ta + c))
        else:
            nodes.append((a * c, ta * c))
    (out, tout), (prev, tprev), (first, tfirst) = nodes[-1], nodes[-2], nodes[3]
    out, tout = out * prev + first, tout * tprev + tfirst
    out.backward()
    tout.backward()
    return {"learner": [float(v.grad) for v in leaves],
            "autograd_kit": [0.0 if t.grad is None else t.grad.item() for t in tensors]}


def engine_agrees(value_class, seeds=(0, 1, 2, 3, 4)) -> bool:
    """True when the learner's engine gives autograd_kit's gradients on several random graphs."""
    for seed in seeds:
        grads = engine_grads(value_class, seed)
        if not all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
                   for a, b in zip(grads["learner"], grads["autograd_kit"], strict=True)):
            return False
    return True
