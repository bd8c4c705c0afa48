"""ak.save / ak.load against torch.save / torch.load: what comes back, safe loading by default,
moving tensors with map_location, and resuming training from a checkpoint."""

from __future__ import annotations

import io
import pickle

import pytest
import torch

import autograd_kit as ak


class Custom:
    """A class a weights-only load must refuse to rebuild."""

    def __init__(self):
        self.value = 7


def round_trip(L, obj, **load_options):
    buffer = io.BytesIO()
    L.save(obj, buffer)
    buffer.seek(0)
    return L.load(buffer, **load_options)


def checkpoint(L):
    L.manual_seed(0)
    model = L.nn.Sequential(L.nn.Linear(3, 4), L.nn.ReLU(), L.nn.Linear(4, 1))
    optimizer = L.optim.Adam(model.parameters(), lr=0.1)
    model(L.ones(2, 3)).sum().backward()
    optimizer.step()
    return {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "epoch": 3,
        "losses": [0.5, 0.25],
        "leaf": L.tensor([1.0, 2.0], requires_grad=True),
        "parameter": L.nn.Parameter(L.tensor([[1.5]])),
        "transposed": L.arange(6.0).reshape(2, 3).t(),
        "integers": L.tensor([1, 2, 3]),
        "dtype": L.float64,
    }


def test_what_comes_back_prints_like_torchs():
    ours, theirs = (round_trip(L, checkpoint(L)) for L in (ak, torch))
    for key in ("leaf", "parameter", "transposed", "integers", "dtype", "epoch", "losses"):
        assert str(ours[key]) == str(theirs[key]), key
    assert ours["leaf"].requires_grad and ours["leaf"].is_leaf and ours["leaf"].grad is None
    assert type(ours["parameter"]) is ak.nn.Parameter
    assert list(ours["model"]) == list(theirs["model"])
    assert ours["optimizer"]["param_groups"] == theirs["optimizer"]["param_groups"]


def test_a_path_works_as_well_as_a_file_object(tmp_path):
    path = tmp_path / "weights.pt"
    ak.save({"w": ak.ones(2)}, path)
    assert str(ak.load(path)) == str(ak.load(str(path))) == "{'w': tensor([1., 1.])}"


def test_loading_refuses_other_classes_unless_told_the_file_is_trusted():
    for L in (ak, torch):
        with pytest.raises(pickle.UnpicklingError) as refused:
            round_trip(L, {"thing": Custom()})
        message = str(refused.value)
        assert "Weights only load failed" in message
        assert "with `weights_only` set to `False` will likely succeed" in message
        assert (
            f"Unsupported global: GLOBAL {Custom.__module__}.Custom was not an allowed global"
            in message
        )
        assert round_trip(L, {"thing": Custom()}, weights_only=False)["thing"].value == 7


def test_map_location_moves_every_tensor():
    on_device = {
        "w": ak.ones(2, device="strict:1"),
        "p": ak.nn.Parameter(ak.ones(1, device="strict:1")),
    }
    kept = round_trip(ak, on_device)
    assert kept["w"].device == ak.device("strict:1")
    for location in ("cpu", ak.device("cpu"), {"strict:1": "cpu"}, lambda storage, where: storage):
        moved = round_trip(ak, on_device, map_location=location)
        assert moved["w"].device == moved["p"].device == ak.device("cpu")
        assert type(moved["p"]) is ak.nn.Parameter and moved["p"].requires_grad


def test_training_resumed_from_a_checkpoint_continues_exactly():
    def train(L, steps, model=None, optimizer=None):
        L.manual_seed(1)
        if model is None:
            model = L.nn.Linear(3, 1)
            optimizer = L.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        data = L.arange(6.0).reshape(2, 3) / 6
        for _ in range(steps):
            optimizer.zero_grad()
            ((model(data) - 1) ** 2).mean().backward()
            optimizer.step()
        return model, optimizer

    straight, _ = train(ak, 6)
    model, optimizer = train(ak, 3)
    saved = round_trip(ak, {"model": model.state_dict(), "optimizer": optimizer.state_dict()})
    ak.manual_seed(5)
    fresh = ak.nn.Linear(3, 1)
    fresh_optimizer = ak.optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9)
    fresh.load_state_dict(saved["model"])
    fresh_optimizer.load_state_dict(saved["optimizer"])
    resumed, _ = train(ak, 3, fresh, fresh_optimizer)
    assert resumed.weight.tolist() == straight.weight.tolist()
    assert resumed.bias.tolist() == straight.bias.tolist()
