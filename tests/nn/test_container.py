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
