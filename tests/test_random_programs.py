"""Random programs, run on autograd_kit and on PyTorch: the same values, graphs and gradients.

Each program starts from a few leaves of broadcast-compatible shapes and applies random
operations to random earlier results (so subgraphs are shared), including in-place changes
through views, dtype promotion, masks and reductions. Then it back-propagates in one of
several ways: plain, with a ``gradient``, twice with ``retain_graph``, through hooks,
``autograd.grad``, ``inputs=``, or to second order with ``create_graph``. Every case that
found a bug while this test was written is a kind of step below; the vocabulary grows with the
operations (the second block of steps came with cumsum, gather, layer_norm and friends).
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

import autograd_kit as ak


def _through_view(L, a):
    b = a * 1
    if b.dim():
        b[..., :1].mul_(2)
    return b


def _base_then_view(L, a):
    b = a * 1
    view = b[..., ::2] if b.dim() else b.view(1)
    b.mul_(2)
    return view * 1


def _view_of_view(L, a):
    b = a.exp()
    if b.dim() and b.shape[0] > 1:
        inner = b[1:].unsqueeze(0)
        inner.mul_(inner.detach() + 1)
    return b


def _setitem_on_transpose(L, a):
    b = a * a
    if b.dim() >= 2:
        b.t()[0] = a.sum()
    return b


def _diagonal_mul_(L, a):
    b = a * 1
    if b.dim() >= 2:
        b.diagonal().mul_(2)  # a view that is not a slice: CopySlices and AsStrided again
    return b


UNARY = {
    "tanh": lambda L, a: a.tanh(),
    "sigmoid": lambda L, a: a.sigmoid(),
    "exp": lambda L, a: a.clamp(-3, 3).exp(),
    "relu": lambda L, a: a.relu(),
    "abs": lambda L, a: a.abs(),
    "sqrt": lambda L, a: (a.abs() + 0.5).sqrt(),
    "log": lambda L, a: (a.abs() + 0.5).log(),
    "pow3": lambda L, a: a.pow(3),
    "clamp": lambda L, a: a.clamp(min=-0.5, max=0.7),
    "rsub": lambda L, a: 1.0 - a,
    "softmax": lambda L, a: a.softmax(-1) if a.dim() else a,
    "log_softmax": lambda L, a: a.log_softmax(0) if a.dim() else a,
    "sum_dim": lambda L, a: a.sum(-1, keepdim=True) if a.dim() else a,
    "mean_dim": lambda L, a: a.mean(0) if a.dim() else a,
    "max_dim": lambda L, a: a.max(-1)[0] if a.dim() else a,
    "amax": lambda L, a: a.amax(-1) if a.dim() else a.amax(),
    "std": lambda L, a: a.std() if a.numel() > 1 else a,
    "prod": lambda L, a: a.prod(-1) if a.dim() else a,
    "norm": lambda L, a: a.norm(),
    "transpose_flatten": lambda L, a: a.transpose(0, -1).flatten() if a.dim() >= 2 else a,
    "permute_reshape": lambda L, a: (
        a.permute(*reversed(range(a.dim()))).reshape(-1, 1) if a.dim() else a
    ),
    "expand": lambda L, a: a.unsqueeze(0).expand(2, *a.shape),
    "step_slice": lambda L, a: a[..., ::2] if a.dim() else a,
    "mask": lambda L, a: a[a > 0] if a.dim() else a,
    "rows": lambda L, a: a[L.tensor([0, 0])] if a.dim() else a,
    "matmul": lambda L, a: a @ a.t() if a.dim() == 2 else a,
    "double": lambda L, a: a.double() * 2,
    "detach_mix": lambda L, a: a * a.detach(),
    "clamp_": lambda L, a: (a * 1).clamp_(min=0),
    "through_view": _through_view,
    "base_then_view": _base_then_view,
    "view_of_view": _view_of_view,
    "setitem_on_transpose": _setitem_on_transpose,
    # more elementwise math, scans, rearranging and gathering, nn functions
    "log1p": lambda L, a: a.abs().log1p(),
    "expm1": lambda L, a: a.clamp(-3, 3).expm1(),
    "asin": lambda L, a: (a.tanh() * 0.9).asin(),
    "cosh": lambda L, a: L.cosh(a.clamp(-3, 3)),
    "frac": lambda L, a: a.frac(),
    "erf": lambda L, a: a.erf(),
    "remainder": lambda L, a: a.remainder(0.7),
    "cumsum": lambda L, a: a.cumsum(-1) if a.dim() else a,
    "cumprod": lambda L, a: a.cumprod(0) if a.dim() else a,
    "logsumexp": lambda L, a: a.logsumexp(-1) if a.dim() else a,
    "flip": lambda L, a: a.flip(-1) if a.dim() else a,
    "roll": lambda L, a: a.roll(1, -1) if a.dim() else a,
    "repeat": lambda L, a: a.repeat(2, *([1] * (a.dim() - 1))) if a.dim() else a.repeat(2),
    "movedim": lambda L, a: a.movedim(0, -1) if a.dim() else a,
    "gather": lambda L, a: (
        a.gather(-1, L.zeros(*a.shape[:-1], 1, dtype=L.int64)) if a.dim() and a.shape[-1] else a
    ),
    "take": lambda L, a: a.take(L.tensor([0, -1])) if a.numel() else a,
    "masked_select": lambda L, a: a.masked_select(a > 0),
    "tril": lambda L, a: a.tril() if a.dim() >= 2 else a,
    "diagonal_mul_": _diagonal_mul_,
    "norm1": lambda L, a: a.norm(1),
    "gelu": lambda L, a: L.nn.functional.gelu(a),
    "softplus": lambda L, a: L.nn.functional.softplus(a, beta=2.0),
    "layer_norm": lambda L, a: (
        L.nn.functional.layer_norm(a, a.shape[-1:]) if a.dim() and a.shape[-1] > 1 else a
    ),
    "pad": lambda L, a: L.nn.functional.pad(a, (1, 2)) if a.dim() else a,
}

BINARY = {
    "add": lambda L, a, b: a + b,
    "mul": lambda L, a, b: a * b,
    "div": lambda L, a, b: a / (b.abs() + 0.5),
    "maximum": lambda L, a, b: L.maximum(a, b),
    "where": lambda L, a, b: L.where(a > b, a, b),
    "pow": lambda L, a, b: (a.abs() + 0.5) ** b.clamp(-1, 1),
    "logaddexp": lambda L, a, b: L.logaddexp(a, b),
    "atan2": lambda L, a, b: L.atan2(a, b.abs() + 0.5),
    "hypot": lambda L, a, b: L.hypot(a.abs() + 0.1, b),
    "fmod": lambda L, a, b: L.fmod(a, b.abs() + 0.5),
}

ENDINGS = ["plain", "gradient", "retain_graph", "hook", "autograd_grad", "inputs", "second"]


def run(L, leaves_shapes, steps, dtype, ending, seed):
    """Run a program with library ``L``; return what a learner would look at: the output's
    values, every result's grad_fn name, and the gradients the ending produced."""
    rng = np.random.default_rng(seed)
    real = "float64" if ending == "second" else dtype  # float32 third-order noise is not a bug
    leaves = [
        L.tensor(rng.standard_normal(shape), dtype=getattr(L, real), requires_grad=True)
        for shape in leaves_shapes
    ]
    values = list(leaves)
    for name, picks in steps:
        operands = [values[int(pick * len(values))] for pick in picks]
        if name in BINARY:
            try:
                np.broadcast_shapes(tuple(operands[0].shape), tuple(operands[1].shape))
            except ValueError:
                continue
            values.append(BINARY[name](L, *operands))
        else:
            values.append(UNARY[name](L, operands[0]))
    out = values[-1]
    seen = {
        "value": out.detach().numpy().tolist(),
        "nodes": [type(v.grad_fn).__name__ for v in values[len(leaves) :]],
    }
    if out.numel() == 0:
        return seen
    if ending == "gradient":
        out.backward(
            L.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape))).to(out.dtype)
        )
    elif ending == "retain_graph":
        loss = (out * out).sum()
        loss.backward(retain_graph=True)
        loss.backward()
    elif ending == "hook":
        out.register_hook(lambda grad: grad * 2)
        out.sum().backward()
    elif ending == "autograd_grad":
        grads = L.autograd.grad(out.sum(), leaves, allow_unused=True)
        seen["autograd.grad"] = [None if g is None else g.numpy().tolist() for g in grads]
    elif ending == "inputs":
        out.sum().backward(inputs=[leaves[0]])
    elif ending == "second":
        grads = L.autograd.grad((out**2).sum(), leaves, create_graph=True, allow_unused=True)
        seen["second requires grad"] = [g is not None and g.requires_grad for g in grads]
        terms = [(g * g).sum() for g in grads if g is not None and g.requires_grad]
        if terms:
            sum(terms).backward()
    else:
        out.sum().backward()
    seen["grads"] = [None if leaf.grad is None else leaf.grad.numpy().tolist() for leaf in leaves]
    return seen


def assert_same(ours, theirs, dtype):
    assert ours.keys() == theirs.keys()
    for key in ours:
        if key in ("nodes", "second requires grad"):
            assert ours[key] == theirs[key], key
            continue
        pairs = (
            zip(ours[key], theirs[key])
            if isinstance(ours[key], list) and key != "value"
            else [(ours[key], theirs[key])]
        )
        for mine, reference in pairs:
            assert (mine is None) == (reference is None), key
            if mine is not None:
                tolerance = (
                    dict(rtol=2e-3, atol=2e-4)
                    if dtype == "float32"
                    else dict(rtol=1e-7, atol=1e-12)
                )
                np.testing.assert_allclose(mine, reference, err_msg=key, **tolerance)


def make_program(seed: int) -> dict:
    """A random program, the same for a given seed: leaves, steps, dtype and ending."""
    rng = random.Random(seed)
    base = tuple(rng.randint(1, 4) for _ in range(rng.randint(0, 3)))
    shapes = []
    for _ in range(rng.randint(1, 3)):  # broadcast-compatible: some sizes 1, some dims dropped
        shape = tuple(size if rng.random() < 0.7 else 1 for size in base)
        shapes.append(shape[1:] if shape and rng.random() < 0.3 else shape)
    steps = []
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.35:
            steps.append((rng.choice(sorted(BINARY)), (rng.random(), rng.random())))
        else:
            steps.append((rng.choice(sorted(UNARY)), (rng.random(),)))
    return {
        "shapes": shapes,
        "steps": steps,
        "dtype": rng.choice(["float32", "float64"]),
        "ending": rng.choice(ENDINGS),
    }


@pytest.mark.parametrize("seed", range(600))
def test_random_program_matches_torch(seed):
    program = make_program(seed)
    outcomes = []
    for L in (ak, torch):
        try:
            outcomes.append(
                run(
                    L,
                    program["shapes"],
                    program["steps"],
                    program["dtype"],
                    program["ending"],
                    seed,
                )
            )
        except (RuntimeError, IndexError) as error:  # both must refuse, in the same words
            outcomes.append(str(error).split("\n")[0])
    if isinstance(outcomes[0], str) or isinstance(outcomes[1], str):
        assert outcomes[0] == outcomes[1], program
        return
    assert_same(*outcomes, program["dtype"])
