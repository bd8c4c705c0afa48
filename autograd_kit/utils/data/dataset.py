"""Datasets: anything with `__getitem__(i)` and `__len__()`. `TensorDataset` wraps tensors
that share their first dimension, so `dataset[i]` is the i-th row of each."""

from __future__ import annotations

import bisect

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split",
           # iterable and combined datasets
           "IterableDataset", "ConcatDataset", "ChainDataset"]


class Dataset:
    """Base class for map-style datasets: subclasses define `__getitem__` and `__len__`."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        """`a + b` is `ConcatDataset([a, b])`: the samples of a, then those of b."""
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Rows of several tensors that share their first dimension, e.g. inputs and labels.

    Example:
        >>> data = ak.utils.data.TensorDataset(ak.arange(6.0).reshape(3, 2), ak.tensor([0, 1, 0]))
        >>> len(data), data[1]
        (3, (tensor([2., 3.]), tensor(1)))
    """

    def __init__(self, *tensors):
        if any(tensors[0].shape[0] != tensor.shape[0] for tensor in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])


class Subset(Dataset):
    """The rows of `dataset` at positions `indices`."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = list(indices)

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping random subsets of the given lengths (integers, or
    fractions that sum to 1)."""
    import math

    from .sampler import _permutation

    total = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = [int(math.floor(total * fraction)) for fraction in lengths]
        for index in range(total - sum(counts)):
            counts[index % len(counts)] += 1
        lengths = counts
    if sum(lengths) != total:
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset!"
        )
    order = _permutation(total, generator)
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[start:start + length]))
        start += length
    return subsets


# ---- iterable and combined datasets -----------------------------------------------------------


class IterableDataset(Dataset):
    """Base class for datasets that are a stream: subclasses define `__iter__` (e.g. reading
    a file line by line), not `__getitem__`. A DataLoader batches the stream in order, so
    `shuffle`, `sampler` and `batch_sampler` are not allowed with it.

    Example:
        >>> class Squares(ak.utils.data.IterableDataset):
        ...     def __iter__(self):
        ...         return iter([ak.tensor(float(i * i)) for i in range(5)])
        >>> [batch.tolist() for batch in ak.utils.data.DataLoader(Squares(), batch_size=2)]
        [[0.0, 1.0], [4.0, 9.0], [16.0]]
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        """`a + b` is `ChainDataset([a, b])`: the stream of a, then that of b."""
        return ChainDataset([self, other])


class ConcatDataset(Dataset):
    """Several map-style datasets one after another: index i goes to the dataset whose range
    of `cumulative_sizes` holds it.

    Example:
        >>> data = ak.utils.data.ConcatDataset([[10, 11], [20, 21, 22]])
        >>> len(data), data[1], data[2], data[-1], data.cumulative_sizes
        (5, 11, 20, 22, [2, 5])
    """

    @staticmethod
    def cumsum(sequence) -> list[int]:
        """The running total of the lengths: [len(a), len(a) + len(b), ...]."""
        totals, total = [], 0
        for dataset in sequence:
            total += len(dataset)
            totals.append(total)
        return totals

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    """Several iterable datasets streamed one after another (the chaining happens lazily,
    while iterating).

    Example:
        >>> class Count(ak.utils.data.IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        ...     def __len__(self):
        ...         return self.n
        >>> chained = ak.utils.data.ChainDataset([Count(2), Count(3)])
        >>> list(chained), len(chained)
        ([0, 1, 0, 1, 2], 5)
    """

    def __init__(self, datasets) -> None:
        self.datasets = datasets

    def __iter__(self):
        for dataset in self.datasets:
            _check_iterable(dataset)
            yield from dataset

    def __len__(self) -> int:
        total = 0
        for dataset in self.datasets:
            _check_iterable(dataset)
            total += len(dataset)
        return total


def _check_iterable(dataset) -> None:
    if not isinstance(dataset, IterableDataset):
        raise AssertionError("ChainDataset only supports IterableDataset")
