"""StepLR and CosineAnnealingLR give PyTorch's learning rate at every epoch."""

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
