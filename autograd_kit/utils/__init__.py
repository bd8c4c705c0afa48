"""`ak.utils`: helpers around training (`ak.utils.data` for datasets and loaders,
`ak.utils.checkpoint` to trade compute for activation memory)."""

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
