"""`ak.utils`: helpers around training (`ak.utils.data` for datasets and loaders)."""

from . import data

__all__ = ["data"]
