"""`DataLoader`: cut a dataset into mini-batches, optionally in a fresh random order each
epoch, and stack each batch's rows into tensors."""

from __future__ import annotations

import numpy as np

__all__ = ["DataLoader", "default_collate"]


def _permutation(n: int, generator=None) -> list[int]:
    """A random order of range(n), drawn from `generator` or else from the global generator
    that `ak.manual_seed` seeds (so a seeded run shuffles the same way every time)."""
    if isinstance(generator, (np.random.Generator, np.random.RandomState)):
        return [int(i) for i in generator.permutation(n)]
    from ... import randperm

    return randperm(n, generator=generator).tolist()


def default_collate(batch):
    """Stack a list of samples into a batch: tensors are stacked along a new first dimension,
    numbers become a tensor, tuples are collated element by element."""
    from ... import stack, tensor
    from ...tensor import Tensor

    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch))
    if isinstance(first, (int, float, bool)):
        return tensor(list(batch))
    if isinstance(first, np.ndarray):
        return tensor(np.stack(batch))
    if isinstance(first, dict):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        transposed = list(zip(*batch, strict=False))
        collated = [default_collate(list(samples)) for samples in transposed]
        return tuple(collated) if isinstance(first, tuple) else collated
    return batch


class DataLoader:
    """Iterate over `dataset` in batches of `batch_size`.

    `shuffle=True` draws a new order every epoch (from `generator`, or the global seed set by
    `ak.manual_seed`); `drop_last=True` drops a final batch smaller than `batch_size`.
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
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                          or drop_last):
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                "sampler, and drop_last"
            )
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        self.dataset = dataset
        self.batch_size = batch_size if batch_sampler is None else None
        self.shuffle = bool(shuffle)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers  # batches are always made in this process
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self._default_collate = collate_fn is None
        self.drop_last = drop_last
        self.generator = generator

    def _order(self) -> list[int]:
        if self.sampler is not None:
            return list(self.sampler)
        if self.shuffle:
            return _permutation(len(self.dataset), self.generator)
        return list(range(len(self.dataset)))

    def _batches_of_indices(self):
        if self.batch_sampler is not None:
            yield from self.batch_sampler
            return
        order = self._order()
        if self.batch_size is None:
            yield from order
            return
        for start in range(0, len(order), self.batch_size):
            indices = order[start:start + self.batch_size]
            if self.drop_last and len(indices) < self.batch_size:
                return
            yield indices

    def __iter__(self):
        from .dataset import TensorDataset

        fast = self._default_collate and isinstance(self.dataset, TensorDataset)
        for indices in self._batches_of_indices():
            if self.batch_size is None and self.batch_sampler is None:
                yield self.dataset[indices]
            elif fast:
                # One gather per tensor: tensor[[i, j, k]] equals stacking rows i, j and k.
                key = np.asarray(indices, dtype=np.int64)
                yield tuple(tensor[key] for tensor in self.dataset.tensors)
            else:
                yield self.collate_fn([self.dataset[index] for index in indices])

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        count = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.batch_size is None:
            return count
        if self.drop_last:
            return count // self.batch_size
        return -(-count // self.batch_size)
