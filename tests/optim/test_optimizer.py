"""Optimizer base class: parameter groups, zero_grad, state_dict, repr and argument errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import copy_weights


def _same_error(error, torch_call, ak_call):
    with pytest.raises(error) as expected:
        torch_call()
    with pytest.raises(error) as actual:
        ak_call()
    assert str(actual.value).replace("ak.", "torch.") == str(expected.value)


@pytest.mark.parametrize("name,options", [
    ("SGD", dict(lr=-1)),
    ("SGD", dict(lr=0.1, momentum=-0.5)),
    ("SGD", dict(lr=0.1, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", dict(lr=0.1, betas=(1.0, 0.9))),
    ("Adam", dict(lr=0.1, betas=(0.9, -0.1))),
    ("Adam", dict(eps=-1.0)),
    ("AdamW", dict(weight_decay=-1.0)),
    ("RMSprop", dict(alpha=-1.0)),
])
def test_bad_hyperparameters_match_pytorch(name, options):
    _same_error(ValueError,
                lambda: getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **options),
                lambda: getattr(ak.optim, name)([ak.nn.Parameter(ak.ones(1))], **options))


def test_bad_params_match_pytorch():
    _same_error(ValueError, lambda: torch.optim.SGD([], lr=0.1), lambda: ak.optim.SGD([], lr=0.1))
    torch_p, ak_p = torch.nn.Parameter(torch.ones(1)), ak.nn.Parameter(ak.ones(1))
    _same_error(ValueError,
                lambda: torch.optim.SGD([{"params": [torch_p]}, {"params": [torch_p]}], lr=0.1),
                lambda: ak.optim.SGD([{"params": [ak_p]}, {"params": [ak_p]}], lr=0.1))
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        ak.optim.SGD(ak_p, lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        ak.optim.SGD([ak_p * 2], lr=0.1)


def test_repr_matches_pytorch():
    for name, options in [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", {}), ("AdamW", {}),
                          ("RMSprop", dict(centered=True))]:
        torch_opt = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **options)
        ak_opt = getattr(ak.optim, name)([ak.nn.Parameter(ak.ones(1))], **options)
        assert repr(ak_opt) == repr(torch_opt)


def test_zero_grad_set_to_none_or_zeros():
    param = ak.nn.Parameter(ak.ones(2))
    optimizer = ak.optim.SGD([param], lr=0.1)
    (param * 3).sum().backward()
    grad = param.grad
    optimizer.zero_grad(set_to_none=False)
    assert param.grad is grad and param.grad.tolist() == [0.0, 0.0]
    optimizer.zero_grad()
    assert param.grad is None


def test_parameters_without_grad_are_skipped():
    used, unused = ak.nn.Parameter(ak.ones(2)), ak.nn.Parameter(ak.ones(2))
    for optimizer in (ak.optim.SGD([used, unused], lr=0.1, momentum=0.9),
                      ak.optim.Adam([used, unused]), ak.optim.RMSprop([used, unused])):
        optimizer.zero_grad()
        (used * 2).sum().backward()
        optimizer.step()
        assert unused.tolist() == [1.0, 1.0] and unused not in optimizer.state


def test_add_param_group_uses_defaults():
    first, second = ak.nn.Parameter(ak.ones(1)), ak.nn.Parameter(ak.ones(1))
    optimizer = ak.optim.SGD([first], lr=0.1, momentum=0.5)
    optimizer.add_param_group({"params": second, "lr": 0.01})
    assert optimizer.param_groups[1]["lr"] == 0.01
    assert optimizer.param_groups[1]["momentum"] == 0.5
    assert optimizer.param_groups[1]["params"] == [second]


def _assert_same_state_dict(torch_opt, ak_opt) -> dict:
    """The same param_groups, and the same state entries with the same values; returns ak's."""
    torch_state, ak_state = torch_opt.state_dict(), ak_opt.state_dict()
    assert ak_state["param_groups"] == torch_state["param_groups"]
    assert list(ak_state["state"]) == list(torch_state["state"])
    for index, entry in torch_state["state"].items():
        assert list(ak_state["state"][index]) == list(entry)
        for key, value in entry.items():
            np.testing.assert_allclose(ak_state["state"][index][key].numpy(), value.numpy(),
                                       rtol=1e-5, atol=1e-7)
    return ak_state


def test_state_dict_matches_pytorch_and_round_trips():
    torch.manual_seed(0)
    torch_net = torch.nn.Linear(3, 2)
    ak_net = ak.nn.Linear(3, 2)
    copy_weights(torch_net, ak_net)
    torch_opt = torch.optim.Adam(torch_net.parameters(), lr=0.01)
    ak_opt = ak.optim.Adam(ak_net.parameters(), lr=0.01)
    for net, opt, lib in ((torch_net, torch_opt, torch), (ak_net, ak_opt, ak)):
        for _ in range(2):
            opt.zero_grad()
            net(lib.ones(4, 3)).pow(2).sum().backward()
            opt.step()
    ak_state = _assert_same_state_dict(torch_opt, ak_opt)
    fresh = ak.optim.Adam(ak_net.parameters(), lr=0.5)
    fresh.load_state_dict(ak_state)
    assert fresh.param_groups[0]["lr"] == 0.01
    assert fresh.state[ak_net.weight]["step"].item() == 2.0


def test_closure_is_called_with_grad_enabled():
    param = ak.nn.Parameter(ak.tensor([2.0]))
    optimizer = ak.optim.SGD([param], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (param ** 2).sum()
        loss.backward()
        return loss

    with ak.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == 4.0 and param.item() == 1.0


def test_itertools_chain_is_accepted():
    a, b = ak.nn.Linear(2, 2), ak.nn.Linear(2, 2)
    optimizer = ak.optim.SGD(itertools.chain(a.parameters(), b.parameters()), lr=0.1)
    assert len(optimizer.param_groups[0]["params"]) == 4


# ---- nn-more: Adagrad -------------------------------------------------------------------------


def _adagrad_states(steps):
    torch.manual_seed(0)
    torch_net = torch.nn.Linear(3, 2)
    ak_net = ak.nn.Linear(3, 2)
    copy_weights(torch_net, ak_net)
    options = dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2)
    torch_opt = torch.optim.Adagrad(torch_net.parameters(), **options)
    ak_opt = ak.optim.Adagrad(ak_net.parameters(), **options)
    for net, opt, lib in ((torch_net, torch_opt, torch), (ak_net, ak_opt, ak)):
        for _ in range(steps):
            opt.zero_grad()
            net(lib.ones(4, 3)).pow(2).sum().backward()
            opt.step()
    return torch_opt, ak_opt, ak_net


@pytest.mark.parametrize("steps", [0, 3])
def test_adagrad_state_dict_matches_pytorch(steps):
    torch_opt, ak_opt, ak_net = _adagrad_states(steps)
    ak_state = _assert_same_state_dict(torch_opt, ak_opt)  # the state is there from the start
    assert [list(entry) for entry in ak_state["state"].values()] == [["step", "sum"]] * 2
    fresh = ak.optim.Adagrad(ak_net.parameters(), lr=0.5)
    fresh.load_state_dict(ak_state)
    assert fresh.param_groups[0]["lr"] == 0.1
    assert fresh.state[ak_net.weight]["step"].item() == float(steps)
    assert repr(ak_opt) == repr(torch_opt)


@pytest.mark.parametrize("options", [dict(lr=-1.0), dict(lr_decay=-1.0),
                                     dict(weight_decay=-1.0),
                                     dict(initial_accumulator_value=-1.0), dict(eps=-1.0)])
def test_adagrad_argument_errors_match_pytorch(options):
    with pytest.raises(ValueError) as expected:
        torch.optim.Adagrad([torch.nn.Parameter(torch.ones(1))], **options)
    with pytest.raises(ValueError) as actual:
        ak.optim.Adagrad([ak.nn.Parameter(ak.ones(1))], **options)
    assert str(actual.value) == str(expected.value)
