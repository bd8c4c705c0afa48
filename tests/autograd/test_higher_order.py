"""Higher-order gradients and ``ak.autograd.functional``, with PyTorch as the oracle.

``create_graph=True`` records the backward pass itself, so its results can be differentiated
again: second and third derivatives, Hessian-vector products and gradient penalties. The
functional API is compared result for result with ``torch.autograd.functional``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_kit as ak

RNG = np.random.default_rng(11)


def as_numpy(value):
    if isinstance(value, (tuple, list)):
        return [as_numpy(v) for v in value]
    if isinstance(value, torch.Tensor):
        return value.detach().numpy()
    if isinstance(value, np.ndarray):
        return value
    return np.asarray(value.detach().tolist())


def assert_close(ours, theirs):
    ours, theirs = as_numpy(ours), as_numpy(theirs)
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert_close_arrays(a, b)
    else:
        assert_close_arrays(ours, theirs)


def assert_close_arrays(a, b):
    if isinstance(b, list):
        assert_close(a, b)
        return
    assert np.shape(a) == np.shape(b)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def both(*arrays, requires_grad=True):
    """The same float64 values as ak and torch leaves."""
    ours = [ak.tensor(a, dtype=ak.float64, requires_grad=requires_grad) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad) for a in arrays]
    return ours, theirs


def error_of(call):
    try:
        call()
    except Exception as error:
        return type(error).__name__, str(error).split("\nHint:")[0]
    return None


# ---- autograd.grad ------------------------------------------------------------------------------


def test_grad_returns_gradients_without_touching_dot_grad():
    (x,), (tx,) = both([1.0, 2.0, 3.0])
    (ours,) = ak.autograd.grad((x**2).sum(), x)
    (theirs,) = torch.autograd.grad((tx**2).sum(), tx)
    assert_close(ours, theirs)
    assert x.grad is None and ours.grad_fn is None and not ours.requires_grad


def test_grad_with_several_inputs_and_grad_outputs():
    (x, y), (tx, ty) = both([1.0, 2.0], [0.5, -1.0])
    v = [3.0, 4.0]
    ours = ak.autograd.grad(x * y, (x, y), ak.tensor(v, dtype=ak.float64))
    theirs = torch.autograd.grad(tx * ty, (tx, ty), torch.tensor(v, dtype=torch.float64))
    assert_close(list(ours), list(theirs))


@pytest.mark.parametrize(
    "scenario",
    ["unused-input", "non-scalar", "input-without-grad", "output-without-grad", "wrong-shape"],
)
def test_grad_errors_match_torch(scenario):
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        unused = lib.tensor([1.0], requires_grad=True)
        if scenario == "unused-input":
            return lib.autograd.grad((x * 2).sum(), (x, unused))
        if scenario == "non-scalar":
            return lib.autograd.grad(x * 2, x)
        if scenario == "input-without-grad":
            return lib.autograd.grad((x * 2).sum(), lib.tensor([1.0]))
        if scenario == "output-without-grad":
            return lib.autograd.grad(lib.tensor(1.0), x)
        return lib.autograd.grad(x * 2, x, lib.ones(3))

    ours, theirs = error_of(lambda: run(ak)), error_of(lambda: run(torch))
    assert theirs is not None and ours == theirs


def test_allow_unused_gives_none_and_materialize_grads_gives_zeros():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        unused = lib.tensor([1.0, 1.0], requires_grad=True)
        grads = lib.autograd.grad((x * 2).sum(), (x, unused), allow_unused=True, retain_graph=True)
        assert grads[1] is None and grads[0].tolist() == [2.0, 2.0]
        grads = lib.autograd.grad((x * 2).sum(), (x, unused), materialize_grads=True)
        assert grads[1].tolist() == [0.0, 0.0]


def test_grad_frees_the_graph_unless_retained():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        out = (x.exp()).sum()
        lib.autograd.grad(out, x, retain_graph=True)
        lib.autograd.grad(out, x)
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second"):
            lib.autograd.grad(out, x)


# ---- second and third derivatives ----------------------------------------------------------------

ELEMENTWISE = {
    "polynomial": lambda L, x: x**4 - 3 * x**2 + x,
    "exp": lambda L, x: (x * 0.5).exp(),
    "log": lambda L, x: (x * x + 1).log(),
    "sqrt": lambda L, x: (x * x + 1).sqrt(),
    "sin": lambda L, x: x.sin() * x.cos(),
    "tanh": lambda L, x: x.tanh(),
    "sigmoid": lambda L, x: x.sigmoid(),
    "div": lambda L, x: 1 / (x * x + 2),
    "softmax": lambda L, x: x.softmax(0) * L.arange(x.shape[0], dtype=x.dtype),
    "logsumexp": lambda L, x: x.logsumexp(0) * x,
    "prod": lambda L, x: x.prod() * x,
    "std": lambda L, x: x.std() * x,
    "pow_tensor": lambda L, x: (x * x + 1) ** x,
}


def derivatives(lib, function, x, order):
    """d^k/dx^k of sum(function(x)), k = 1..order, each as an elementwise-summed gradient."""
    results = []
    current = function(lib, x).sum()
    for _ in range(order):
        (grad,) = lib.autograd.grad(current, x, create_graph=True)
        results.append(grad)
        current = grad.sum()
    return results


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_third_derivatives_match_torch(name):
    values = RNG.uniform(-1.5, 1.5, 4)
    (x,), (tx,) = both(values)
    ours = derivatives(ak, ELEMENTWISE[name], x, 3)
    theirs = derivatives(torch, ELEMENTWISE[name], tx, 3)
    for order, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1):
        np.testing.assert_allclose(
            as_numpy(a), as_numpy(b), rtol=1e-8, atol=1e-10, err_msg=f"derivative of order {order}"
        )


def test_backward_with_create_graph_makes_grad_differentiable():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        (x**3).sum().backward(create_graph=True)
        first = x.grad
        assert first.requires_grad and first.grad_fn is not None
        x.grad = None
        first.sum().backward()
        assert x.grad.tolist() == [6.0, 12.0]


@settings(max_examples=15, deadline=None)
@given(
    rows=st.integers(1, 4),
    columns=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_hessian_vector_product_of_an_mlp_matches_torch(rows, columns, seed):
    generator = np.random.default_rng(seed)
    arrays = [
        generator.normal(size=(rows, columns)),
        generator.normal(size=(columns, 3)),
        generator.normal(size=3),
    ]
    vectors = [generator.normal(size=a.shape) for a in arrays[1:]]

    def hvp(lib, x, w, b):
        loss = ((x @ w + b).tanh() ** 2).mean()
        grads = lib.autograd.grad(loss, (w, b), create_graph=True)
        dot = sum(
            (g * lib.tensor(v, dtype=lib.float64)).sum()
            for g, v in zip(grads, vectors, strict=True)
        )
        return lib.autograd.grad(dot, (w, b))

    (x, w, b), (tx, tw, tb) = both(*arrays)
    assert_close(list(hvp(ak, x, w, b)), list(hvp(torch, tx, tw, tb)))


def test_gradient_penalty_matches_torch():
    """WGAN-GP style: penalise (|d critic / d input| - 1)^2 and train the critic through it."""
    arrays = [RNG.normal(size=(5, 3)), RNG.normal(size=(3, 4)), RNG.normal(size=(4, 1))]

    def penalty_grads(lib, x, w1, w2):
        x = x.detach().requires_grad_(True)
        critic = (x @ w1).sigmoid() @ w2
        (input_grad,) = lib.autograd.grad(critic.sum(), x, create_graph=True)
        penalty = ((input_grad.pow(2).sum(1).sqrt() - 1) ** 2).mean()
        penalty.backward()
        return w1.grad, w2.grad

    (x, w1, w2), (tx, tw1, tw2) = both(*arrays)
    assert_close(list(penalty_grads(ak, x, w1, w2)), list(penalty_grads(torch, tx, tw1, tw2)))


class ReturnsItsInput:
    """A custom Function that returns its input as-is (the output is a new alias of it)."""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad * 3  # not the identity's gradient, so the path it takes shows


ALIASES = {
    "detach": lambda lib, x: x.detach(),
    "data": lambda lib, x: x.data,
    "custom Function returning its input": lambda lib, x: type(
        "ReturnsItsInput", (lib.autograd.Function,), dict(vars(ReturnsItsInput))
    ).apply(x),
}


@pytest.mark.parametrize("name", sorted(ALIASES))
@pytest.mark.parametrize("alias_first", [False, True])
def test_second_derivative_tells_a_tensor_from_its_alias(name, alias_first):
    """``x`` and ``x.detach()`` share their numbers but not their place in the graph: in
    ``x * x.detach()`` only the first factor carries a gradient, at every order."""

    def derivatives(lib, x):
        other = ALIASES[name](lib, x)
        product = other * x if alias_first else x * other
        (first,) = lib.autograd.grad(product.pow(2).sum(), x, create_graph=True)
        first.sum().backward()
        return first, x.grad

    (x,), (tx,) = both([1.0, -2.0, 3.0])
    ours, theirs = derivatives(ak, x), derivatives(torch, tx)
    assert_close(list(ours), list(theirs))
    assert ours[0].requires_grad == theirs[0].requires_grad


def test_double_backward_through_a_freed_graph_raises():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (grad,) = lib.autograd.grad((x**3).sum(), x)  # no create_graph
        assert not grad.requires_grad
        with pytest.raises(RuntimeError, match="does not require grad"):
            grad.sum().backward()


# ---- ak.autograd.functional ---------------------------------------------------------------------


def two_in_two_out(lib):
    return lambda a, b: (a.sum() * b, (b * a[:3]).exp())


FUNCTIONAL_CASES = {
    "jacobian-single": lambda lib, F, x, y: F.jacobian(lambda a: a**2 * 3, x),
    "jacobian-tuple": lambda lib, F, x, y: F.jacobian(two_in_two_out(lib), (x, y)),
    "jacobian-tuple-in": lambda lib, F, x, y: F.jacobian(lambda a, b: (a * b[:1]).sin(), (x, y)),
    "jacobian-tuple-out": lambda lib, F, x, y: F.jacobian(lambda a: (a.exp(), a.sum()), x),
    "jacobian-unused": lambda lib, F, x, y: F.jacobian(lambda a, b: a * 2, (x, y)),
    "hessian-single": lambda lib, F, x, y: F.hessian(lambda a: (a**3).sum() + a.prod(), x),
    "hessian-tuple": lambda lib, F, x, y: F.hessian(
        lambda a, b: (a.sum() * b**2).sum() + (a**2).sum(), (x, y)
    ),
    "vjp": lambda lib, F, x, y: F.vjp(lambda a: a.tanh() * a, x, x.detach() * 0 + 1),
    "vjp-scalar": lambda lib, F, x, y: F.vjp(lambda a: (a**2).sum(), x),
    "vjp-tuple": lambda lib, F, x, y: F.vjp(
        lambda a, b: (a * b[:1], b.exp()), (x, y), (x.detach(), y.detach())
    ),
    "jvp": lambda lib, F, x, y: F.jvp(lambda a: a.sin() * a, x, x.detach() + 1),
    "jvp-tuple": lambda lib, F, x, y: F.jvp(
        lambda a, b: (a.sum() * b, a.exp()), (x, y), (x.detach(), y.detach())
    ),
    "hvp": lambda lib, F, x, y: F.hvp(lambda a: (a.sin() * a**2).sum(), x, x.detach()),
    "vhp": lambda lib, F, x, y: F.vhp(lambda a: (a.sin() * a**2).sum(), x, x.detach()),
    "hvp-tuple": lambda lib, F, x, y: F.hvp(
        lambda a, b: (a.sum() * b.exp()).sum(), (x, y), (x.detach(), y.detach())
    ),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL_CASES))
def test_functional_matches_torch(name):
    x_values, y_values = RNG.uniform(-1, 1, 4), RNG.uniform(-1, 1, 3)
    (x, y), (tx, ty) = both(x_values, y_values, requires_grad=False)
    ours = FUNCTIONAL_CASES[name](ak, ak.autograd.functional, x, y)
    theirs = FUNCTIONAL_CASES[name](torch, torch.autograd.functional, tx, ty)
    assert_same_structure(ours, theirs)
    assert_close(ours, theirs)


def assert_same_structure(ours, theirs):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert_same_structure(a, b)
    else:
        assert isinstance(ours, ak.Tensor) and tuple(ours.shape) == tuple(theirs.shape)
        assert ours.requires_grad == theirs.requires_grad


def test_functional_works_inside_no_grad_like_torch():
    results = []
    for lib in (ak, torch):
        x = lib.tensor([0.5, 1.5], dtype=lib.float64)
        with lib.no_grad():
            jac = lib.autograd.functional.jacobian(lambda a: a**3, x, vectorize=True)
            _, vjp = lib.autograd.functional.vjp(lambda a: (a**2).sum(), x)
        results.append((as_numpy(jac).tolist(), as_numpy(vjp).tolist()))
    assert results[0] == results[1]


def test_functional_create_graph_keeps_results_differentiable():
    for lib in (ak, torch):
        x = lib.tensor([0.5, 1.5], dtype=lib.float64, requires_grad=True)
        jac = lib.autograd.functional.jacobian(lambda a: a**3, x, create_graph=True)
        assert jac.requires_grad
        jac.sum().backward()
        np.testing.assert_allclose(as_numpy(x.grad), [3.0, 9.0])


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda lib, F: F.vjp(lambda a: a * 2, lib.ones(2)), id="vjp-needs-v"),
        pytest.param(lambda lib, F: F.jvp(lambda a: a * 2, lib.ones(2)), id="jvp-needs-v"),
        pytest.param(lambda lib, F: F.hessian(lambda a: a * 2, lib.ones(2)), id="hessian-scalar"),
        pytest.param(lambda lib, F: F.jacobian(lambda a: a, [1.0]), id="not-a-tensor"),
        pytest.param(
            lambda lib, F: F.vjp(lambda a: a * 2, lib.ones(2), (lib.ones(2), lib.ones(2))),
            id="v-wrong-length",
        ),
        pytest.param(
            lambda lib, F: F.jvp(lambda a: a * 2, lib.ones(2), lib.ones(3)), id="v-wrong-size"
        ),
        pytest.param(
            lambda lib, F: F.jacobian(lambda a: a * 2, lib.ones(2), strategy="sideways"),
            id="unknown-strategy",
        ),
        pytest.param(
            lambda lib, F: F.jacobian(lambda a: a * 2, lib.ones(2), strategy="forward-mode"),
            id="forward-mode-needs-vectorize",
        ),
        pytest.param(
            lambda lib, F: F.jacobian(lambda a: a * 2, lib.ones(2), strict=True, vectorize=True),
            id="strict-and-vectorize",
        ),
        pytest.param(
            lambda lib, F: F.hessian(lambda a: ((a**2).sum(),), lib.ones(2)),
            id="hessian-tuple-output",
        ),
        pytest.param(
            lambda lib, F: F.vjp(
                lambda a, b: a * 2, (lib.ones(2), lib.ones(2)), lib.ones(2), strict=True
            ),
            id="strict-unused",
        ),
    ],
)
def test_functional_errors_match_torch(call):
    ours = error_of(lambda: call(ak, ak.autograd.functional))
    theirs = error_of(lambda: call(torch, torch.autograd.functional))
    assert theirs is not None and ours == theirs
