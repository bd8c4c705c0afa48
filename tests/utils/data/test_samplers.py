"""Samplers, IterableDataset, ConcatDataset, ChainDataset and the DataLoader's sampler=,
batch_sampler=, drop_last and collate_fn options: the same batches, lengths and errors as
PyTorch; random samplers are seeded, cover what they should and draw the right
distribution."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch

import autograd_kit as ak
import tests.nn.parity  # noqa: F401  (registers ak.utils.data)

# ---- optim-data ----


def _options_id(options: dict) -> str:
    return ",".join(f"{key}={'fn' if callable(value) else value}"
                    for key, value in options.items()) or "defaults"


def _both(make):
    """Run `make(lib)` with torch and ak; return both results."""
    return make(torch), make(ak)


def _as_lists(batches):
    return [batch.tolist() if hasattr(batch, "tolist") else batch for batch in batches]


@pytest.mark.parametrize("make", [
    lambda lib: list(lib.utils.data.SequentialSampler(range(5))),
    lambda lib: len(lib.utils.data.SequentialSampler(range(5))),
    lambda lib: list(lib.utils.data.BatchSampler(range(7), 3, False)),
    lambda lib: list(lib.utils.data.BatchSampler(range(7), 3, True)),
    lambda lib: list(lib.utils.data.BatchSampler(range(6), 3, True)),
    lambda lib: (len(lib.utils.data.BatchSampler(range(7), 3, False)),
                 len(lib.utils.data.BatchSampler(range(7), 3, True))),
    lambda lib: list(lib.utils.data.BatchSampler(lib.utils.data.SequentialSampler([9] * 5), 2,
                                                 False)),
    lambda lib: len(lib.utils.data.RandomSampler(range(5), num_samples=12)),
    lambda lib: len(lib.utils.data.SubsetRandomSampler([4, 8])),
    lambda lib: len(lib.utils.data.WeightedRandomSampler([1.0, 2.0], 7)),
    lambda lib: list(lib.utils.data.WeightedRandomSampler([0.0, 0.0, 3.0], 4)),
], ids=lambda make: "sampler")
def test_deterministic_samplers_match_pytorch(make):
    expected, actual = _both(make)
    assert actual == expected


def _dataset(lib):
    return lib.utils.data.TensorDataset(lib.arange(10.0).reshape(10, 1), lib.arange(10))


@pytest.mark.parametrize("options", [
    dict(sampler=[9, 0, 4, 4, 2], batch_size=2),
    dict(sampler=[9, 0, 4, 4, 2], batch_size=2, drop_last=True),
    dict(batch_sampler=[[3, 1], [0], [7, 8, 9]]),
    dict(sampler=[5, 6, 1], batch_size=None),
    dict(batch_size=None),
    dict(batch_size=4, collate_fn=lambda batch: [len(batch), batch[0][1].item()]),
    dict(batch_size=4, drop_last=True, collate_fn=lambda batch: len(batch)),
], ids=_options_id)
def test_loader_options_match_pytorch(options):
    def batches(lib):
        made = dict(options)
        if isinstance(made.get("batch_sampler"), list):
            made["batch_sampler"] = lib.utils.data.BatchSampler(
                lib.utils.data.SequentialSampler(range(10)), 3, False)
        loader = lib.utils.data.DataLoader(_dataset(lib), **made)
        out = []
        for batch in loader:
            if isinstance(batch, (tuple, list)):
                out.append([item.tolist() if hasattr(item, "tolist") else item
                            for item in batch])
            else:
                out.append(batch)
        return len(loader), out, type(loader.sampler).__name__, loader.batch_size

    expected, actual = _both(batches)
    assert actual == expected


def _stream_class(lib, sized=True):
    base = lib.utils.data.IterableDataset

    class Stream(base):
        def __init__(self, n, start=0):
            self.n, self.start = n, start

        def __iter__(self):
            return iter([lib.tensor(float(self.start + i)) for i in range(self.n)])

    if sized:
        Stream.__len__ = lambda self: self.n
    return Stream


@pytest.mark.parametrize("options", [dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                     dict(batch_size=None), dict(),
                                     dict(batch_size=2, collate_fn=lambda batch: len(batch))],
                         ids=_options_id)
def test_loader_over_an_iterable_dataset_matches_pytorch(options):
    def batches(lib):
        stream = _stream_class(lib)(7)
        loader = lib.utils.data.DataLoader(stream, **options)
        return len(loader), _as_lists(loader)

    expected, actual = _both(batches)
    assert actual == expected


def test_chain_and_concat_datasets_match_pytorch():
    def make(lib):
        data = lib.utils.data
        Stream = _stream_class(lib)
        chained = data.ChainDataset([Stream(2), Stream(3, start=10)])
        added = Stream(2) + Stream(1, start=5)
        concat = data.ConcatDataset([[1, 2], (3,), [4, 5, 6]])
        tensors = _dataset(lib) + _dataset(lib)
        loader = data.DataLoader(chained, batch_size=2)
        return (_as_lists(chained), len(chained), type(added).__name__, _as_lists(added),
                len(concat), [concat[i] for i in range(-6, 6)], concat.cumulative_sizes,
                type(tensors).__name__, len(tensors), tensors[13][1].item(),
                _as_lists(loader), len(loader))

    expected, actual = _both(make)
    assert actual == expected


@pytest.mark.parametrize("make", [
    lambda lib: lib.utils.data.ConcatDataset([]),
    lambda lib: lib.utils.data.ConcatDataset([[1], _stream_class(lib)(2)]),
    lambda lib: lib.utils.data.ConcatDataset([[1, 2]])[-3],
    lambda lib: list(lib.utils.data.ChainDataset([_stream_class(lib)(2), [1, 2]])),
    lambda lib: len(lib.utils.data.ChainDataset([[1, 2]])),
    lambda lib: len(lib.utils.data.DataLoader(_stream_class(lib, sized=False)(3))),
    lambda lib: lib.utils.data.DataLoader(_stream_class(lib)(3), shuffle=True),
    lambda lib: lib.utils.data.DataLoader(_stream_class(lib)(3), sampler=[0, 1]),
    lambda lib: lib.utils.data.DataLoader(_stream_class(lib)(3), batch_sampler=[[0, 1]]),
    lambda lib: lib.utils.data.DataLoader(_dataset(lib), sampler=[0, 1], shuffle=True),
    lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_sampler=[[0]], batch_size=2),
    lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_sampler=[[0]], drop_last=True),
    lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_sampler=[[0]], sampler=[0]),
    lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_size=None, drop_last=True),
    lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_size=0),
    lambda lib: lib.utils.data.BatchSampler(range(3), 2, drop_last=1),
    lambda lib: lib.utils.data.BatchSampler(range(3), True, False),
    lambda lib: lib.utils.data.RandomSampler(range(3), replacement=1),
    lambda lib: lib.utils.data.RandomSampler(range(3), num_samples=0),
    lambda lib: lib.utils.data.RandomSampler([]),
    lambda lib: lib.utils.data.WeightedRandomSampler([1.0, 2.0], num_samples=0),
    lambda lib: lib.utils.data.WeightedRandomSampler([1.0, 2.0], 2, replacement=None),
    lambda lib: lib.utils.data.WeightedRandomSampler([[1.0, 2.0]], num_samples=2),
], ids=lambda make: "error")
def test_errors_match_pytorch(make):
    errors = []
    for lib in (torch, ak):
        with pytest.raises((ValueError, TypeError, AssertionError)) as error:
            make(lib)
        errors.append((type(error.value), str(error.value)))
    assert errors[1] == errors[0]


# ---- random samplers: seeded, complete, with the right distribution --------------------------


def _draw(sampler_class, *args, seed=0, **options):
    return list(sampler_class(*args, generator=ak.Generator().manual_seed(seed), **options))


def test_random_sampler_is_a_seeded_permutation():
    first = _draw(ak.utils.data.RandomSampler, range(20))
    assert sorted(first) == list(range(20)) and first != list(range(20))
    assert _draw(ak.utils.data.RandomSampler, range(20)) == first
    assert _draw(ak.utils.data.RandomSampler, range(20), seed=1) != first
    ak.manual_seed(3)
    global_seeded = list(ak.utils.data.RandomSampler(range(20)))
    ak.manual_seed(3)
    assert list(ak.utils.data.RandomSampler(range(20))) == global_seeded


def test_random_sampler_without_replacement_chains_permutations():
    drawn = _draw(ak.utils.data.RandomSampler, range(6), num_samples=15)
    assert len(drawn) == 15
    assert sorted(drawn[:6]) == sorted(drawn[6:12]) == list(range(6))
    assert len(set(drawn[12:])) == 3


def test_random_sampler_with_replacement_is_uniform():
    drawn = _draw(ak.utils.data.RandomSampler, range(4), replacement=True, num_samples=8000)
    assert len(drawn) == 8000 and set(drawn) == {0, 1, 2, 3}
    counts = Counter(drawn)
    np.testing.assert_allclose([counts[i] / 8000 for i in range(4)], 0.25, atol=0.02)
    assert len(_draw(ak.utils.data.RandomSampler, range(4), replacement=True)) == 4


def test_subset_random_sampler_permutes_its_indices():
    indices = [11, 3, 7, 20, 5]
    drawn = _draw(ak.utils.data.SubsetRandomSampler, indices)
    assert sorted(drawn) == sorted(indices)
    assert _draw(ak.utils.data.SubsetRandomSampler, indices) == drawn


def test_weighted_random_sampler_follows_its_weights():
    weights = [1.0, 3.0, 0.0, 4.0]
    drawn = _draw(ak.utils.data.WeightedRandomSampler, weights, 16000)
    counts = Counter(drawn)
    assert counts[2] == 0
    np.testing.assert_allclose([counts[i] / 16000 for i in (0, 1, 3)], [0.125, 0.375, 0.5],
                               atol=0.02)
    assert (_draw(ak.utils.data.WeightedRandomSampler, weights, 50)
            == _draw(ak.utils.data.WeightedRandomSampler, weights, 50))
    unique = _draw(ak.utils.data.WeightedRandomSampler, weights, 3, replacement=False)
    assert sorted(unique) == [0, 1, 3]


def test_shuffled_loader_uses_a_random_sampler_with_its_generator():
    loader = ak.utils.data.DataLoader(_dataset(ak), batch_size=4, shuffle=True,
                                      generator=ak.Generator().manual_seed(0))
    assert type(loader.sampler).__name__ == "RandomSampler"
    assert type(loader.batch_sampler).__name__ == "BatchSampler"
    labels = [y.tolist() for _, y in loader]
    assert sorted(sum(labels, [])) == list(range(10)) and [len(b) for b in labels] == [4, 4, 2]


def test_loader_with_a_weighted_sampler_batches_its_draws():
    sampler = ak.utils.data.WeightedRandomSampler([0.0] * 9 + [1.0], num_samples=6)
    loader = ak.utils.data.DataLoader(_dataset(ak), batch_size=4, sampler=sampler)
    assert [y.tolist() for _, y in loader] == [[9, 9, 9, 9], [9, 9]] and len(loader) == 2
