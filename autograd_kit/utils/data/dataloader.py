"""`DataLoader`: cut a dataset into mini-batches, optionally in a fresh random order each
epoch, and stack each batch's rows into tensors."""

from __future__ import annotations

import collections.abc
import itertools

import numpy as np

__all__ = ["DataLoader", "default_collate"]


def default_collate(batch):
    """Stack a list of samples into a batch, as PyTorch's ``default_collate`` does.

    Tensors and NumPy arrays are stacked along a new first dimension; Python floats become a
    float64 tensor, ints an int64 one, NumPy scalars keep their dtype; strings stay a list.
    A dict is collated key by key, a named tuple field by field, and any other sequence (a
    tuple or a list) element by element into a *list*: ``next(iter(loader))`` of a dataset of
    ``(x, y)`` pairs is ``[x_batch, y_batch]``.

    Example:
        >>> ak.utils.data.default_collate([(1, 2.0), (3, 4.0)])
        [tensor([1, 3]), tensor([2., 4.], dtype=torch.float64)]
    """
    from ... import float64, stack, tensor
    from ...tensor import Tensor

    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch))
    if isinstance(first, (np.ndarray, np.generic)) and first.dtype.kind in "biufc":
        return tensor(np.stack(batch))
    if isinstance(first, float):
        return tensor(list(batch), dtype=float64)
    if isinstance(first, int):
        return tensor(list(batch))
    if isinstance(first, (str, bytes)):
        return batch
    if isinstance(first, collections.abc.Mapping):
        return type(first)({key: default_collate([sample[key] for sample in batch]) for key in first})
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a named tuple
        return type(first)(*(default_collate(list(samples)) for samples in zip(*batch)))
    if isinstance(first, collections.abc.Sequence):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(samples)) for samples in zip(*batch)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(first)}"
    )


class _InfiniteConstantSampler:
    """The sampler of a DataLoader over an IterableDataset: the stream decides the order,
    so it only says "next" (None) forever."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over `dataset` in batches of `batch_size`.

    The order of the samples comes from `sampler` (default: `SequentialSampler`, or a
    `RandomSampler` drawing a new order every epoch with `shuffle=True`, from `generator` or
    the global seed set by `ak.manual_seed`); they are grouped by a `BatchSampler(sampler,
    batch_size, drop_last)`, or by your own `batch_sampler` (then batch_size, shuffle,
    sampler and drop_last must stay at their defaults). `drop_last=True` drops a final batch
    smaller than `batch_size`; `batch_size=None` yields single samples, uncollated.
    An `IterableDataset` is batched in stream order, without samplers.
    For a `TensorDataset` a batch is gathered with one indexing call per tensor, which is
    much faster than stacking rows one by one.

    Example:
        >>> data = ak.utils.data.TensorDataset(ak.arange(5.0), ak.arange(5))
        >>> [x.tolist() for x, _ in ak.utils.data.DataLoader(data, batch_size=2)]
        [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True):
        from .dataset import IterableDataset
        from .sampler import BatchSampler, RandomSampler, SequentialSampler

        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        self.dataset = dataset
        self.num_workers = num_workers  # batches are always made in this process
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive "
                "with drop_last"
            )
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self._default_collate = collate_fn is None

    def _iterate_stream(self):
        """An IterableDataset: cut its stream into batches of batch_size, in order."""
        stream = iter(self.dataset)
        if self.batch_size is None:
            yield from stream
            return
        while True:
            batch = list(itertools.islice(stream, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)

    def __iter__(self):
        from .dataset import TensorDataset

        if self._iterable:
            yield from self._iterate_stream()
            return
        if self.batch_sampler is None:  # batch_size=None: one sample at a time
            for index in self.sampler:
                yield self.dataset[index]
            return
        fast = self._default_collate and isinstance(self.dataset, TensorDataset)
        for indices in self.batch_sampler:
            if fast:
                # One gather per tensor: tensor[[i, j, k]] equals stacking rows i, j and k.
                key = np.asarray(indices, dtype=np.int64)
                yield [tensor[key] for tensor in self.dataset.tensors]
            else:
                yield self.collate_fn([self.dataset[index] for index in indices])

    def __len__(self) -> int:
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is None:
                return length
            if self.drop_last:
                return length // self.batch_size
            return -(-length // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)
