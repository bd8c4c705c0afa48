"""ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts, OneCycleLR, CyclicLR,
ReduceLROnPlateau, SequentialLR and ChainedScheduler give PyTorch's learning rates (and
momentums, where they cycle them), state dicts, warnings and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import autograd_kit as ak
import tests.nn.parity  # noqa: F401  (registers ak.nn and ak.optim)

# ---- optim-data ----

STEPS = 35


def _optimizer(lib, kind="SGD"):
    first, second = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
    groups = [{"params": [first], "lr": 0.5}, {"params": [second]}]
    if kind == "Adam":
        return lib.optim.Adam(groups, lr=0.1)
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9)


def _momentums(optimizer):
    return [group["betas"][0] if "betas" in group else group["momentum"]
            for group in optimizer.param_groups]


def _run(lib, name, options, kind="SGD", epochs=None, steps=STEPS):
    optimizer = _optimizer(lib, kind)
    scheduler = getattr(lib.optim.lr_scheduler, name)(optimizer, **options)
    lrs, momentums = [], []
    for index in range(steps):
        lrs.append(list(scheduler.get_last_lr()))
        assert lrs[-1] == [group["lr"] for group in optimizer.param_groups]
        momentums.append(_momentums(optimizer))
        optimizer.step()
        if epochs is None:
            scheduler.step()
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scheduler.step(epochs[index])
    return lrs, momentums, scheduler.state_dict()


def _assert_same_state(ak_state, torch_state):
    assert list(ak_state) == list(torch_state)
    for key, value in torch_state.items():
        if isinstance(value, float):
            np.testing.assert_allclose(ak_state[key], value, rtol=1e-12)
        else:
            assert ak_state[key] == value, key


SCHEDULERS = [
    ("ConstantLR", {}, "SGD"),
    ("ConstantLR", dict(factor=0.5, total_iters=7), "SGD"),
    ("PolynomialLR", {}, "SGD"),
    ("PolynomialLR", dict(total_iters=20, power=2.0), "SGD"),
    ("CosineAnnealingWarmRestarts", dict(T_0=5), "SGD"),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.01), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=STEPS), "SGD"),
    ("OneCycleLR", dict(max_lr=[1.0, 2.0], epochs=5, steps_per_epoch=7,
                        anneal_strategy="linear"), "SGD"),
    ("OneCycleLR", dict(max_lr=0.4, total_steps=40, three_phase=True, pct_start=0.25), "Adam"),
    ("OneCycleLR", dict(max_lr=0.4, total_steps=STEPS, cycle_momentum=False, div_factor=10.0,
                        final_div_factor=100.0), "Adam"),
    ("OneCycleLR", dict(max_lr=0.4, total_steps=STEPS, base_momentum=[0.8, 0.7],
                        max_momentum=0.99), "Adam"),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4), "SGD"),
    ("CyclicLR", dict(base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5,
                      mode="triangular2"), "SGD"),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range",
                      gamma=0.95), "Adam"),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, cycle_momentum=False), "Adam"),
]


@pytest.mark.parametrize("name,options,kind", SCHEDULERS, ids=str)
def test_lr_and_momentum_match_pytorch(name, options, kind):
    expected_lrs, expected_momentums, torch_state = _run(torch, name, options, kind)
    lrs, momentums, ak_state = _run(ak, name, options, kind)
    np.testing.assert_allclose(np.array(lrs), np.array(expected_lrs), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.array(momentums), np.array(expected_momentums), rtol=1e-12)
    _assert_same_state(ak_state, torch_state)


@pytest.mark.parametrize("options", [dict(T_0=4), dict(T_0=2, T_mult=3, eta_min=0.001)],
                         ids=str)
def test_warm_restarts_with_fractional_epochs_match_pytorch(options):
    epochs = [epoch + batch / 4 for epoch in range(9) for batch in range(4)]
    expected, _, torch_state = _run(torch, "CosineAnnealingWarmRestarts", options,
                                    epochs=epochs, steps=len(epochs))
    actual, _, ak_state = _run(ak, "CosineAnnealingWarmRestarts", options, epochs=epochs,
                               steps=len(epochs))
    np.testing.assert_allclose(np.array(actual), np.array(expected), rtol=1e-12, atol=1e-15)
    _assert_same_state(ak_state, torch_state)


def _metrics():
    # Improves, then stalls, improves a little, stalls long enough for several reductions.
    values = [1.0, 0.8, 0.7, 0.7, 0.69999, 0.71, 0.72, 0.65, 0.66, 0.66, 0.66, 0.66, 0.66]
    return values + [0.66 - 0.001 * (i % 3) for i in range(30)]


@pytest.mark.parametrize("options", [
    dict(),
    dict(patience=2, factor=0.5),
    dict(mode="max", patience=1, factor=0.5, threshold=0.01),
    dict(patience=1, threshold_mode="abs", threshold=0.005, cooldown=2),
    dict(mode="max", patience=0, threshold_mode="abs", min_lr=[0.01, 0.02]),
    dict(patience=0, factor=0.5, min_lr=0.02, eps=0.03),
], ids=str)
def test_reduce_on_plateau_matches_pytorch(options):
    seen = []
    for lib in (torch, ak):
        optimizer = _optimizer(lib)
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **options)
        lrs = []
        for metric in _metrics():
            optimizer.step()
            scheduler.step(metric)
            lrs.append(list(scheduler.get_last_lr()))
        seen.append((lrs, scheduler.state_dict()))
    np.testing.assert_allclose(np.array(seen[1][0]), np.array(seen[0][0]), rtol=1e-12)
    _assert_same_state(seen[1][1], seen[0][1])


def test_reduce_on_plateau_takes_a_tensor_metric_and_resumes():
    optimizer = _optimizer(ak)
    scheduler = ak.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)
    scheduler.step(ak.tensor(1.0))
    scheduler.step(ak.tensor(2.0))
    assert scheduler.get_last_lr() == pytest.approx([0.05, 0.01])
    other = ak.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(ak), mode="max")
    other.load_state_dict(scheduler.state_dict())
    assert other.mode == "min" and other.best == 1.0 and other.mode_worse == float("inf")


def _combined(lib, kind):
    optimizer = _optimizer(lib)
    schedulers = lib.optim.lr_scheduler
    if kind == "sequential":
        warmup = schedulers.LinearLR(optimizer, start_factor=0.1, total_iters=5)
        decay = schedulers.CosineAnnealingLR(optimizer, T_max=10)
        steps = schedulers.StepLR(optimizer, step_size=4, gamma=0.5)
        return optimizer, schedulers.SequentialLR(optimizer, [warmup, decay, steps],
                                                  milestones=[5, 15])
    if kind == "sequential-exponential":
        constant = schedulers.ConstantLR(optimizer, factor=0.5, total_iters=3)
        decay = schedulers.ExponentialLR(optimizer, gamma=0.9)
        return optimizer, schedulers.SequentialLR(optimizer, [constant, decay], milestones=[4])
    constant = schedulers.ConstantLR(optimizer, factor=0.5, total_iters=4)
    decay = schedulers.ExponentialLR(optimizer, gamma=0.9)
    poly = schedulers.PolynomialLR(optimizer, total_iters=30, power=0.5)
    return optimizer, schedulers.ChainedScheduler([constant, decay, poly])


@pytest.mark.parametrize("kind", ["sequential", "sequential-exponential", "chained"])
def test_combined_schedulers_match_pytorch(kind):
    seen = []
    for lib in (torch, ak):
        optimizer, scheduler = _combined(lib, kind)
        lrs = []
        for _ in range(STEPS):
            lrs.append(list(scheduler.get_last_lr()))
            optimizer.step()
            scheduler.step()
        seen.append((lrs, scheduler.state_dict()))
    np.testing.assert_allclose(np.array(seen[1][0]), np.array(seen[0][0]), rtol=1e-12,
                               atol=1e-15)
    ak_state, torch_state = seen[1][1], seen[0][1]
    assert list(ak_state) == list(torch_state)
    for ak_inner, torch_inner in zip(ak_state["_schedulers"], torch_state["_schedulers"],
                                     strict=True):
        _assert_same_state(ak_inner, torch_inner)


def test_combined_schedulers_resume_from_their_state_dict():
    optimizer, scheduler = _combined(ak, "sequential")
    for _ in range(8):
        optimizer.step()
        scheduler.step()
    state = scheduler.state_dict()
    other_optimizer, other = _combined(ak, "sequential")
    other.load_state_dict(state)
    for group, lr in zip(other_optimizer.param_groups, state["_last_lr"], strict=True):
        group["lr"] = lr
    for _ in range(10):
        optimizer.step()
        scheduler.step()
        other_optimizer.step()
        other.step()
        assert other.get_last_lr() == scheduler.get_last_lr()


def _warnings_of(lib, action):
    optimizer = _optimizer(lib)
    scheduler = lib.optim.lr_scheduler.ConstantLR(optimizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action(optimizer, scheduler)
    return [(type(w.message), str(w.message)) for w in caught]


@pytest.mark.parametrize("action", [
    lambda optimizer, scheduler: scheduler.step(),                      # before optimizer.step
    lambda optimizer, scheduler: (optimizer.step(), scheduler.step()),  # the right order
    lambda optimizer, scheduler: (optimizer.step(), scheduler.step(3)),  # deprecated epoch
], ids=["scheduler-first", "optimizer-first", "epoch-argument"])
def test_warnings_match_pytorch(action):
    assert _warnings_of(ak, action) == _warnings_of(torch, action)


def test_epoch_argument_uses_the_closed_form_like_pytorch():
    seen = []
    for lib in (torch, ak):
        optimizer = _optimizer(lib)
        scheduler = lib.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=10, power=2.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (3, 7, 2, 12):
                optimizer.step()
                scheduler.step(epoch)
                seen.append(scheduler.get_last_lr())
    np.testing.assert_allclose(np.array(seen[4:]), np.array(seen[:4]), rtol=1e-12)


def _step_times(scheduler, times):
    for _ in range(times):
        scheduler.step()


def _error(lib, make):
    with pytest.raises((ValueError, TypeError, RuntimeError)) as error:
        make(lib, _optimizer(lib), lib.optim.lr_scheduler)
    return type(error.value), str(error.value)


@pytest.mark.parametrize("make", [
    lambda lib, opt, s: s.ConstantLR(opt, factor=1.5),
    lambda lib, opt, s: s.CosineAnnealingWarmRestarts(opt, T_0=0),
    lambda lib, opt, s: s.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=1.5),
    lambda lib, opt, s: s.CosineAnnealingWarmRestarts(opt, T_0=2).step(-1),
    lambda lib, opt, s: s.OneCycleLR(opt, max_lr=1.0),
    lambda lib, opt, s: s.OneCycleLR(opt, max_lr=1.0, total_steps=0),
    lambda lib, opt, s: s.OneCycleLR(opt, max_lr=1.0, epochs=2, steps_per_epoch=0),
    lambda lib, opt, s: s.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=1),
    lambda lib, opt, s: s.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="exp"),
    lambda lib, opt, s: s.OneCycleLR(opt, max_lr=[1.0, 2.0, 3.0], total_steps=10),
    lambda lib, opt, s: s.OneCycleLR(
        lib.optim.Adagrad([lib.nn.Parameter(lib.ones(1))]), max_lr=1.0, total_steps=10),
    lambda lib, opt, s: _step_times(s.OneCycleLR(opt, max_lr=1.0, total_steps=2), 3),
    lambda lib, opt, s: s.CyclicLR(opt, base_lr=0.1, max_lr=1.0, mode="square"),
    lambda lib, opt, s: s.ReduceLROnPlateau(opt, factor=1.0),
    lambda lib, opt, s: s.ReduceLROnPlateau(opt, mode="best"),
    lambda lib, opt, s: s.ReduceLROnPlateau(opt, threshold_mode="percent"),
    lambda lib, opt, s: s.ReduceLROnPlateau(opt, min_lr=[0.1]),
    lambda lib, opt, s: s.SequentialLR(opt, [], milestones=[]),
    lambda lib, opt, s: s.SequentialLR(opt, [s.ConstantLR(opt), s.ConstantLR(opt)],
                                       milestones=[]),
    lambda lib, opt, s: s.SequentialLR(opt, [s.ReduceLROnPlateau(opt)], milestones=[]),
    lambda lib, opt, s: s.SequentialLR(opt, [object()], milestones=[]),
    lambda lib, opt, s: s.ChainedScheduler([]),
    lambda lib, opt, s: s.ChainedScheduler([s.ConstantLR(opt), s.ReduceLROnPlateau(opt)]),
], ids=lambda make: "error")
@pytest.mark.filterwarnings(r"ignore:Detected call of `lr_scheduler.step\(\)`")
def test_errors_match_pytorch(make):
    assert _error(ak, make) == _error(torch, make)
