"""DataLoader: batching, drop_last, seeded shuffling, collation and len, like PyTorch."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
import tests.nn.parity  # noqa: F401  (registers ak.utils.data)


def _loaders(**options):
    ak_data = ak.utils.data.TensorDataset(ak.arange(10.0).reshape(10, 1), ak.arange(10))
    torch_data = torch.utils.data.TensorDataset(torch.arange(10.0).reshape(10, 1),
                                                torch.arange(10))
    return (ak.utils.data.DataLoader(ak_data, **options),
            torch.utils.data.DataLoader(torch_data, **options))


@pytest.mark.parametrize("options", [dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                     dict(batch_size=5), dict(batch_size=20), dict()])
def test_unshuffled_batches_match_pytorch(options):
    ak_loader, torch_loader = _loaders(**options)
    assert len(ak_loader) == len(torch_loader)
    ak_batches = [(x.tolist(), y.tolist()) for x, y in ak_loader]
    torch_batches = [(x.tolist(), y.tolist()) for x, y in torch_loader]
    assert ak_batches == torch_batches


def test_shuffle_covers_every_sample_and_is_seeded():
    def epoch(loader):
        return [int(v) for _, y in loader for v in y.tolist()]

    loader, _ = _loaders(batch_size=4, shuffle=True,
                         generator=ak.Generator().manual_seed(0))
    first, second = epoch(loader), epoch(loader)
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert first != second  # a new order every epoch
    again, _ = _loaders(batch_size=4, shuffle=True, generator=ak.Generator().manual_seed(0))
    assert epoch(again) == first
    ak.manual_seed(3)
    global_seeded = epoch(_loaders(batch_size=4, shuffle=True)[0])
    ak.manual_seed(3)
    assert epoch(_loaders(batch_size=4, shuffle=True)[0]) == global_seeded


def test_batches_feed_a_model():
    data = ak.utils.data.TensorDataset(ak.randn(12, 3), ak.randint(0, 2, (12,)))
    model = ak.nn.Linear(3, 2)
    for inputs, labels in ak.utils.data.DataLoader(data, batch_size=5, shuffle=True):
        loss = ak.nn.functional.cross_entropy(model(inputs), labels)
        loss.backward()
    assert model.weight.grad is not None


class Squares(ak.utils.data.Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, index):
        return {"x": ak.tensor([float(index)]), "y": index * index}


def test_default_collate_of_custom_dataset_matches_pytorch():
    batches = list(ak.utils.data.DataLoader(Squares(), batch_size=2))
    assert [b["x"].tolist() for b in batches] == [[[0.0], [1.0]], [[2.0], [3.0]], [[4.0]]]
    assert [b["y"].tolist() for b in batches] == [[0, 1], [4, 9], [16]]
    assert batches[0]["y"].dtype == ak.int64


def test_bad_arguments_match_pytorch():
    data = ak.utils.data.TensorDataset(ak.zeros(3))
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        ak.utils.data.DataLoader(data, batch_size=0)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        ak.utils.data.DataLoader(data, sampler=[0, 1], shuffle=True)


def _collate_samples(L):
    import collections

    import numpy as np

    Pair = collections.namedtuple("Pair", "x y")
    return {
        "tuples_become_a_list": [(L.tensor([1.0]), 2), (L.tensor([3.0]), 4)],
        "lists_stay_lists": [[1, 2.5], [3, 4.5]],
        "floats_are_float64": [0.5, 1.5],
        "numpy_arrays_and_scalars": [np.ones(2, np.float32), np.zeros(2, np.float32)],
        "numpy_scalars_keep_their_dtype": [np.float64(1.5), np.float64(2.0)],
        "strings_stay_a_list": ["cat", "dog"],
        "named_tuples_stay_named": [Pair(1, 2.0), Pair(3, 4.0)],
        "nested_dicts": [{"a": (1, [2.0])}, {"a": (3, [4.0])}],
    }


@pytest.mark.parametrize("case", sorted(_collate_samples(torch)))
def test_default_collate_prints_what_pytorch_prints(case):
    ours = ak.utils.data.default_collate(_collate_samples(ak)[case])
    theirs = torch.utils.data.default_collate(_collate_samples(torch)[case])
    assert repr(ours) == repr(theirs)


def test_the_first_batch_of_a_tensor_dataset_is_a_list_like_pytorchs():
    ak_loader, torch_loader = _loaders(batch_size=2)
    assert repr(next(iter(ak_loader))) == repr(next(iter(torch_loader)))


def test_default_collate_errors_match_pytorch():
    from tests.nn.parity import assert_raises_like

    for batch in ([[1, 2], [3]], [object(), object()]):
        assert_raises_like(lambda b=batch: torch.utils.data.default_collate(b),
                           lambda b=batch: ak.utils.data.default_collate(b))
