"""NAdam, RAdam, Adamax, Adadelta and LBFGS give PyTorch's parameters step for step, save and
load their state like PyTorch, and reject bad arguments in PyTorch's words."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd_kit as ak
from tests.optim.test_optimizer import _assert_same_state_dict, _same_error
from tests.optim.test_parity import train_both

# ---- optim-data ----

OPTIMIZERS = [
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.9), weight_decay=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, eps=1e-6, maximize=True)),
    ("Adadelta", dict(lr=1.0)),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.01)),
]


@pytest.mark.parametrize("name,options", OPTIMIZERS, ids=lambda v: str(v))
def test_mlp_matches_pytorch_step_for_step(name, options):
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(32, 6, generator=generator)
    labels = torch.randint(0, 3, (32,), generator=generator)
    from tests.optim.test_parity import mlp

    torch_opt, ak_opt = train_both(mlp, name, options, inputs, labels, groups=True)
    ak_state = _assert_same_state_dict(torch_opt, ak_opt)
    assert repr(ak_opt) == repr(torch_opt)
    # A fresh optimizer loaded from the state dict continues exactly like the original.
    params = [p for group in ak_opt.param_groups for p in group["params"]]
    clone = [ak.nn.Parameter(p.detach().clone()) for p in params]
    fresh = getattr(ak.optim, name)([{"params": clone[:2]}, {"params": clone[2:]}], lr=1.0)
    fresh.load_state_dict(ak_state)
    for original, copy in zip(params, clone, strict=True):
        original.grad = ak.ones_like(original)
        copy.grad = ak.ones_like(copy)
    ak_opt.step()
    fresh.step()
    for original, copy in zip(params, clone, strict=True):
        np.testing.assert_array_equal(copy.detach().numpy(), original.detach().numpy())


@pytest.mark.parametrize("name,options", [
    ("NAdam", dict(momentum_decay=-1.0)),
    ("NAdam", dict(betas=(1.0, 0.9))),
    ("RAdam", dict(eps=-1.0)),
    ("RAdam", dict(lr=-0.1)),
    ("Adamax", dict(betas=(0.9, 1.5))),
    ("Adamax", dict(weight_decay=-1.0)),
    ("Adadelta", dict(rho=1.5)),
    ("Adadelta", dict(eps=-1.0)),
    ("LBFGS", dict(lr=-1.0)),
])
def test_bad_hyperparameters_match_pytorch(name, options):
    _same_error(ValueError,
                lambda: getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **options),
                lambda: getattr(ak.optim, name)([ak.nn.Parameter(ak.ones(1))], **options))


# ---- LBFGS ----------------------------------------------------------------------------------


def _quadratic(lib):
    """0.5 x^T A x - b^T x with an ill-conditioned A: the minimum is A^-1 b."""
    A = lib.tensor([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 0.2]])
    b = lib.tensor([1.0, -2.0, 0.5])
    x = lib.nn.Parameter(lib.tensor([2.0, 1.0, -1.0]))
    return [x], lambda: 0.5 * (x @ (A @ x)) - (b * x).sum()


def _least_squares(lib):
    generator = np.random.default_rng(0)
    X = lib.tensor(generator.standard_normal((12, 3)).astype(np.float32))
    y = lib.tensor(generator.standard_normal(12).astype(np.float32))
    w = lib.nn.Parameter(lib.zeros(3))
    b = lib.nn.Parameter(lib.zeros(1))
    return [w, b], lambda: ((X @ w + b - y) ** 2).mean()


def _lbfgs_trajectory(lib, problem, options, steps=2):
    params, loss_fn = problem(lib)
    optimizer = lib.optim.LBFGS(params, **options)

    def closure():
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    trajectory, losses = [], []
    for _ in range(steps):
        losses.append(optimizer.step(closure).item())
        trajectory.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    state = optimizer.state[params[0]]
    return np.array(trajectory), losses, state["func_evals"], state["n_iter"]


@pytest.mark.parametrize("problem", [_quadratic, _least_squares])
@pytest.mark.parametrize("options", [
    dict(),
    dict(line_search_fn="strong_wolfe"),
    dict(lr=0.5, max_iter=3, history_size=2),
    dict(lr=0.8, max_iter=5, history_size=1, line_search_fn="strong_wolfe"),
    dict(max_iter=4, max_eval=6, tolerance_grad=1e-3),
], ids=str)
def test_lbfgs_trajectory_matches_pytorch(problem, options):
    expected = _lbfgs_trajectory(torch, problem, options)
    actual = _lbfgs_trajectory(ak, problem, options)
    np.testing.assert_allclose(actual[0], expected[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(actual[1], expected[1], rtol=1e-4, atol=1e-5)
    assert actual[2:] == expected[2:]  # the same number of evaluations and iterations


def test_lbfgs_finds_the_minimum_of_a_quadratic():
    trajectory, *_ = _lbfgs_trajectory(ak, _quadratic, dict(line_search_fn="strong_wolfe"))
    A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 0.2]])
    np.testing.assert_allclose(trajectory[-1], np.linalg.solve(A, [1.0, -2.0, 0.5]), atol=1e-4)


def test_lbfgs_errors_match_pytorch():
    messages = []
    for lib in (torch, ak):
        first, second = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
        with pytest.raises(ValueError) as error:
            lib.optim.LBFGS([{"params": [first]}, {"params": [second]}])
        messages.append(str(error.value))
        optimizer = lib.optim.LBFGS([first], line_search_fn="backtracking")

        def closure(first=first, optimizer=optimizer):
            optimizer.zero_grad()
            loss = (first ** 2).sum()
            loss.backward()
            return loss

        with pytest.raises(RuntimeError) as error:
            optimizer.step(closure)
        messages.append(str(error.value))
    assert messages[:2] == messages[2:]


@pytest.mark.parametrize("name,options", [
    ("NAdam", dict(lr=0.05, weight_decay=0.01)), ("RAdam", dict(lr=0.01)),
    ("Adamax", dict(lr=0.05, weight_decay=0.01)), ("Adadelta", dict(lr=1.0)),
    ("LBFGS", dict(history_size=3)), ("LBFGS", dict(line_search_fn="strong_wolfe")),
])
def test_optimizers_run_on_a_device_like_on_the_cpu(name, options):
    """On array-api-strict's simulated device (registered in conftest.py) every buffer and
    step stays there, and the parameters follow the CPU's trajectory."""
    trajectories = []
    for device in ("cpu", "strict:1"):
        w = ak.nn.Parameter(ak.tensor([3.0, -2.0, 0.5], device=device))
        optimizer = getattr(ak.optim, name)([w], **options)

        def closure(w=w, optimizer=optimizer):
            optimizer.zero_grad()
            loss = ((w - 1) ** 4).sum()
            loss.backward()
            return loss

        for _ in range(5):
            if name == "LBFGS":
                optimizer.step(closure)
            else:
                closure()
                optimizer.step()
        assert w.device == ak.device(device)
        trajectories.append(w.detach().cpu().numpy())
    np.testing.assert_allclose(trajectories[1], trajectories[0], rtol=1e-6, atol=1e-7)
