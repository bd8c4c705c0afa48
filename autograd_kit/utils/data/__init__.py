"""`ak.utils.data`: datasets and the `DataLoader` that batches them."""

from .dataloader import DataLoader, default_collate
from .dataset import Dataset, Subset, TensorDataset, random_split

# ---- iterable and combined datasets, samplers ----
# isort: split
from .dataset import ChainDataset, ConcatDataset, IterableDataset
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader", "default_collate",
           # iterable and combined datasets, samplers
           "IterableDataset", "ConcatDataset", "ChainDataset", "Sampler", "SequentialSampler",
           "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler"]
