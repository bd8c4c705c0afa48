"""The learning-rate schedulers give PyTorch's learning rate at every epoch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd_kit as ak
import tests.nn.parity  # noqa: F401  (registers ak.nn and ak.optim)


def _schedule(lib, name, options, epochs=25, groups=False):
    first, second = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
    params = [{"params": [first], "lr": 0.5}, {"params": [second]}] if groups else [first]
    optimizer = lib.optim.SGD(params, lr=0.1)
    scheduler = getattr(lib.optim.lr_scheduler, name)(optimizer, **options)
    seen = []
    for _ in range(epochs):
        seen.append(list(scheduler.get_last_lr()))
        assert seen[-1] == [group["lr"] for group in optimizer.param_groups]
        optimizer.step()
        scheduler.step()
    return seen


@pytest.mark.parametrize("name,options", [
    ("StepLR", dict(step_size=3)),
    ("StepLR", dict(step_size=1, gamma=0.5)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
])
@pytest.mark.parametrize("groups", [False, True])
def test_learning_rates_match_pytorch(name, options, groups):
    expected = _schedule(torch, name, options, groups=groups)
    actual = _schedule(ak, name, options, groups=groups)
    np.testing.assert_allclose(np.array(actual), np.array(expected), rtol=1e-12, atol=1e-15)


def test_state_dict_round_trip():
    optimizer = ak.optim.SGD([ak.nn.Parameter(ak.ones(1))], lr=1.0)
    scheduler = ak.optim.lr_scheduler.StepLR(optimizer, step_size=2)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    state = scheduler.state_dict()
    assert state["last_epoch"] == 3 and "optimizer" not in state
    other = ak.optim.lr_scheduler.StepLR(optimizer, step_size=5)
    other.load_state_dict(state)
    assert other.step_size == 2 and other.last_epoch == 3


def test_needs_an_optimizer():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        ak.optim.lr_scheduler.StepLR([], step_size=1)


# ---- nn-more: ExponentialLR, MultiStepLR, LambdaLR, LinearLR ------------------------------------


class _Warmup:
    """A callable object: unlike a function, LambdaLR's state_dict keeps its attributes."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


NEW_SCHEDULERS = [
    ("ExponentialLR", dict(gamma=0.9)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 11], gamma=0.5)),
    ("MultiStepLR", dict(milestones=(0, 3))),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95**epoch)),
    ("LambdaLR", dict(lr_lambda=_Warmup(4))),
    ("LinearLR", {}),
    ("LinearLR", dict(start_factor=0.1, end_factor=0.8, total_iters=7)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=10)),
]


def _with_state(lib, name, options, epochs=20):
    first, second = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
    optimizer = lib.optim.SGD([{"params": [first], "lr": 0.5}, {"params": [second]}], lr=0.1)
    scheduler = getattr(lib.optim.lr_scheduler, name)(optimizer, **options)
    seen = []
    for _ in range(epochs):
        seen.append(list(scheduler.get_last_lr()))
        optimizer.step()
        scheduler.step()
    return seen, scheduler.state_dict()


@pytest.mark.parametrize("name,options", NEW_SCHEDULERS)
def test_new_schedulers_match_pytorch_over_20_steps(name, options):
    expected, torch_state = _with_state(torch, name, options)
    actual, ak_state = _with_state(ak, name, options)
    np.testing.assert_allclose(np.array(actual), np.array(expected), rtol=1e-12, atol=1e-15)
    assert list(ak_state) == list(torch_state)
    for key, value in torch_state.items():
        assert ak_state[key] == value, key


@pytest.mark.parametrize("name,options", NEW_SCHEDULERS)
def test_new_schedulers_resume_from_their_state_dict(name, options):
    straight, _ = _with_state(ak, name, options, epochs=12)
    first_half, state = _with_state(ak, name, options, epochs=6)
    parameter = ak.nn.Parameter(ak.ones(1))
    optimizer = ak.optim.SGD([{"params": [parameter], "lr": 0.5},
                              {"params": [ak.nn.Parameter(ak.ones(1))]}], lr=0.1)
    scheduler = getattr(ak.optim.lr_scheduler, name)(optimizer, **options)
    scheduler.load_state_dict(state)
    for group, lr in zip(optimizer.param_groups, state["_last_lr"], strict=True):
        group["lr"] = lr
    resumed = []
    for _ in range(6):
        resumed.append(list(scheduler.get_last_lr()))
        optimizer.step()
        scheduler.step()
    np.testing.assert_allclose(np.array(first_half + resumed), np.array(straight), rtol=1e-12)


@pytest.mark.parametrize("name,options", [
    ("LinearLR", dict(start_factor=0.0)),
    ("LinearLR", dict(end_factor=1.5)),
    ("LambdaLR", dict(lr_lambda=[lambda epoch: 1.0, lambda epoch: 2.0])),
])
def test_new_scheduler_argument_errors_match_pytorch(name, options):
    messages = []
    for lib in (torch, ak):
        optimizer = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0)
        with pytest.raises(ValueError) as error:
            getattr(lib.optim.lr_scheduler, name)(optimizer, **options)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
