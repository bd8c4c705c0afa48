"""TensorDataset, Subset and random_split."""

from __future__ import annotations

import pytest

import autograd_kit as ak
import tests.nn.parity  # noqa: F401  (registers ak.utils.data)


def test_tensor_dataset_rows():
    data = ak.utils.data.TensorDataset(ak.arange(6.0).reshape(3, 2), ak.tensor([0, 1, 0]))
    assert len(data) == 3
    x, y = data[1]
    assert x.tolist() == [2.0, 3.0] and y.item() == 1
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        ak.utils.data.TensorDataset(ak.zeros(3), ak.zeros(4))


def test_random_split_is_a_seeded_partition():
    data = ak.utils.data.TensorDataset(ak.arange(10))
    generator = ak.Generator().manual_seed(0)
    first, second = ak.utils.data.random_split(data, [7, 3], generator=generator)
    values = sorted(int(first[i][0].item()) for i in range(7)) + \
        sorted(int(second[i][0].item()) for i in range(3))
    assert sorted(values) == list(range(10)) and len(first) == 7 and len(second) == 3
    again = ak.utils.data.random_split(data, [0.7, 0.3], generator=ak.Generator().manual_seed(0))
    assert [len(s) for s in again] == [7, 3]
    assert again[0].indices == first.indices
    with pytest.raises(ValueError, match="Sum of input lengths"):
        ak.utils.data.random_split(data, [5, 6])
