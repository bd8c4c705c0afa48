"""Sequential, ModuleList and ModuleDict: order, indexing, naming and repr vs PyTorch."""

from __future__ import annotations

from collections import OrderedDict

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, copy_weights, to_ak


def test_sequential_runs_in_order_and_matches_pytorch():
    torch.manual_seed(0)
    layers = lambda nn: nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))  # noqa: E731
    torch_net, ak_net = layers(torch.nn), layers(ak.nn)
    copy_weights(torch_net, ak_net)
    x = torch.randn(5, 3)
    assert_close(ak_net(to_ak(x)), torch_net(x))
    assert repr(ak_net) == repr(torch_net)
    assert len(ak_net) == 3 and isinstance(ak_net[1], ak.nn.Tanh)
    assert isinstance(ak_net[-1], ak.nn.Linear)
    assert repr(ak_net[1:]) == repr(torch_net[1:])
    with pytest.raises(IndexError, match="index 3 is out of range"):
        ak_net[3]


def test_sequential_from_ordered_dict_and_append():
    for lib in (ak, torch):
        net = lib.nn.Sequential(OrderedDict([("hidden", lib.nn.Linear(2, 2)),
                                             ("act", lib.nn.ReLU())]))
        net.append(lib.nn.Linear(2, 1))
        assert list(net.state_dict()) == ["hidden.weight", "hidden.bias", "2.weight", "2.bias"]
    assert repr(ak.nn.Sequential()) == repr(torch.nn.Sequential())


def test_module_list_registers_and_folds_repr():
    make = lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()])  # noqa: E731
    ak_list, torch_list = make(ak.nn), make(torch.nn)
    assert repr(ak_list) == repr(torch_list)
    assert len(list(ak_list.parameters())) == 6
    ak_list.append(ak.nn.Linear(2, 3))
    assert list(ak_list.state_dict())[-1] == "4.bias"
    ak_list += [ak.nn.Tanh()]
    assert len(ak_list) == 6 and isinstance(ak_list[-1], ak.nn.Tanh)
    del ak_list[0]
    assert [n for n, _ in ak_list.named_children()][:2] == ["0", "1"]
    assert len(ak_list[1:3]) == 2


def test_module_dict():
    heads = ak.nn.ModuleDict({"a": ak.nn.Linear(2, 2), "b": ak.nn.Linear(2, 1)})
    assert list(heads) == ["a", "b"] and "a" in heads
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight",
                                                       "b.bias"]


@pytest.mark.parametrize("kind", ["Sequential", "ModuleList"])
@pytest.mark.parametrize("index", [1, -1, slice(0, 2)])
def test_deleting_children_renumbers_them_like_torch(kind, index):
    names = []
    for lib in (ak, torch):
        children = [lib.nn.ReLU(), lib.nn.Tanh(), lib.nn.Sigmoid()]
        container = lib.nn.Sequential(*children) if kind == "Sequential" else lib.nn.ModuleList(children)
        del container[index]
        names.append([(name, type(child).__name__) for name, child in container.named_children()])
    assert names[0] == names[1]


# ---- nn-more: ParameterList and ParameterDict ------------------------------------------------


def _holder(lib):
    class Holder(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(3)])
            self.table = lib.nn.ParameterDict(
                {"shift": lib.zeros(3), "bias": lib.nn.Parameter(lib.ones(1, dtype=lib.float64))}
            )

        def forward(self, x):
            return (x * self.scales[0] + self.scales[1] + self.table["shift"]).sum()

    return Holder()


def test_parameter_containers_register_like_pytorch():
    ours, theirs = _holder(ak), _holder(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert repr(ours.scales) == repr(theirs.scales)
    assert repr(ours.table) == repr(theirs.table)
    assert all(isinstance(p, ak.nn.Parameter) for p in ours.scales)
    ours(ak.ones(2, 3)).backward()
    theirs(torch.ones(2, 3)).backward()
    for (name, mine), reference in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert (mine.grad is None) == (reference.grad is None), name
        if reference.grad is not None:
            assert mine.grad.tolist() == reference.grad.tolist()


def test_parameter_list_behaves_like_a_list():
    for lib in (ak, torch):
        params = lib.nn.ParameterList()
        params.append(lib.ones(1))
        params += [lib.zeros(2), lib.nn.Parameter(lib.ones(3))]
        params[-1] = lib.full((4,), 2.0)
        assert len(params) == 3 and [tuple(p.shape) for p in params] == [(1,), (2,), (4,)]
        assert isinstance(params[2], lib.nn.Parameter)
        assert len(params[1:]) == 2 and type(params[1:]) is lib.nn.ParameterList
        assert list(params.state_dict()) == ["0", "1", "2"]


def test_parameter_dict_behaves_like_a_dict():
    reprs = []
    for lib in (ak, torch):
        params = lib.nn.ParameterDict({"b": lib.ones(1), "a": lib.ones(2)})  # sorted: a, b
        params["c"] = lib.zeros(3)
        assert list(params) == list(params.keys()) == ["a", "b", "c"]
        assert "a" in params and "z" not in params and params.get("z") is None
        popped = params.pop("b")
        assert tuple(popped.shape) == (1,) and list(params) == ["a", "c"]
        params.update([("d", lib.ones(4))])
        assert [k for k, _ in params.items()] == ["a", "c", "d"] and len(params) == 3
        del params["a"]
        reprs.append(repr(params))
        assert [n for n, _ in params.named_parameters()] == ["c", "d"]
    assert reprs[0] == reprs[1]


def test_parameters_in_containers_are_optimised():
    holder = _holder(ak)
    optimizer = ak.optim.SGD(holder.parameters(), lr=0.5)
    holder(ak.ones(2, 3)).backward()
    optimizer.step()
    assert holder.scales[1].tolist() == [-1.0, -1.0, -1.0]
