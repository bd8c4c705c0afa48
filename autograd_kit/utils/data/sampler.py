"""Samplers: objects whose iteration yields dataset indices (or lists of them), which is how
a `DataLoader` decides the order of the samples and how they are grouped into batches."""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


def _permutation(n: int, generator=None) -> list[int]:
    """A random order of range(n), drawn from `generator` or else from the global generator
    that `ak.manual_seed` seeds (so a seeded run shuffles the same way every time)."""
    if isinstance(generator, (np.random.Generator, np.random.RandomState)):
        return [int(i) for i in generator.permutation(n)]
    from ... import randperm

    return randperm(n, generator=generator).tolist()


def _check_positive_int(name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


class Sampler:
    """Base class: subclasses define `__iter__` (the indices) and usually `__len__`."""

    def __init__(self, data_source=None) -> None:
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Indices 0, 1, ..., len(data_source) - 1, in order (the DataLoader's default).

    Example:
        >>> list(ak.utils.data.SequentialSampler(range(4)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Indices in a random order: a fresh permutation each epoch (what `shuffle=True` uses),
    or, with `replacement=True`, `num_samples` independent uniform draws. Without
    replacement, a `num_samples` larger than the dataset chains several permutations.
    Randomness comes from `generator`, or else from the seed set by `ak.manual_seed`.

    Example:
        >>> sampler = ak.utils.data.RandomSampler(range(5),
        ...                                       generator=ak.Generator().manual_seed(0))
        >>> sorted(sampler)
        [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        _check_positive_int("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        """How many indices one pass yields (the dataset's length unless given)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        if self.replacement:
            from ... import randint

            # Drawn 32 at a time, as PyTorch does, so a long pass needs no big buffer.
            for _ in range(self.num_samples // 32):
                yield from randint(0, n, (32,), generator=self.generator).tolist()
            yield from randint(0, n, (self.num_samples % 32,), generator=self.generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from _permutation(n, self.generator)
            yield from _permutation(n, self.generator)[:self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given `indices`, in a fresh random order each epoch (e.g. a validation split that
    shares the dataset with the training split).

    Example:
        >>> sorted(ak.utils.data.SubsetRandomSampler([7, 3, 9]))
        [3, 7, 9]
    """

    def __init__(self, indices, generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for position in _permutation(len(self.indices), self.generator):
            yield self.indices[position]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probability proportional to `weights` (with
    replacement by default), e.g. to oversample a rare class.

    Example:
        >>> sampler = ak.utils.data.WeightedRandomSampler([0.0, 1.0, 0.0], num_samples=3)
        >>> list(sampler)
        [1, 1, 1]
    """

    def __init__(self, weights, num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        from ... import as_tensor, float64

        _check_positive_int("num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        weights_tensor = as_tensor(weights, dtype=float64)
        if len(weights_tensor.shape) != 1:
            raise ValueError(
                "weights should be a 1d sequence but given weights have shape "
                f"{tuple(weights_tensor.shape)}"
            )
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        from ... import multinomial

        yield from multinomial(self.weights, self.num_samples, self.replacement,
                               generator=self.generator).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of `sampler` into lists of `batch_size`; with `drop_last=True` a
    final, shorter list is dropped. This is what a DataLoader builds from `batch_size`.

    Example:
        >>> list(ak.utils.data.BatchSampler(range(5), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        _check_positive_int("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        indices = iter(self.sampler)
        batch = list(itertools.islice(indices, self.batch_size))
        while batch and (len(batch) == self.batch_size or not self.drop_last):
            yield batch
            batch = list(itertools.islice(indices, self.batch_size))

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
