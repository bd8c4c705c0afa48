"""How a tensor prints: byte for byte what PyTorch prints, so notebook outputs match.

The rules (PyTorch's defaults): 4 digits after the point; whole-valued floats print as
``3.``; scientific notation when the values span more than 1000x or go below 1e-4 or above
1e8; columns right-aligned to the widest element; lines wrapped at 80 characters; tensors
with more than 1000 elements summarised with "..." after 3 edge items. Then the suffixes:
device, dtype (when not the default), and ``grad_fn=<...>`` or ``requires_grad=True``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _backend, dtypes

if TYPE_CHECKING:
    from .tensor import Tensor

PRECISION = 4
THRESHOLD = 1000
EDGE_ITEMS = 3
LINE_WIDTH = 80


class _Formatter:
    """Decides one number format for the whole tensor, from its nonzero finite values."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(str(value)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        magnitudes = np.abs(finite)
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if self.int_mode:
            if largest / smallest > 1000.0 or largest > 1.0e8:
                self.sci_mode = True
                texts = [f"{value:.{PRECISION}e}" for value in finite.tolist()]
            else:
                texts = [f"{value:.0f}." for value in finite.tolist()]
        elif largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4:
            self.sci_mode = True
            texts = [f"{value:.{PRECISION}e}" for value in finite.tolist()]
        else:
            texts = [f"{value:.{PRECISION}f}" for value in finite.tolist()]
        self.max_width = max(len(text) for text in texts)

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRECISION}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRECISION}f}"
        else:
            text = str(value)
        return (self.max_width - len(text)) * " " + text


def _vector(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    element_width = formatter.max_width + 2
    per_line = max(1, int(math.floor((LINE_WIDTH - indent) / element_width)))
    items = values.tolist()
    if summarize and len(items) > 2 * EDGE_ITEMS:
        texts = [formatter.format(v) for v in items[:EDGE_ITEMS]] + [" ..."]
        texts += [formatter.format(v) for v in items[-EDGE_ITEMS:]]
    else:
        texts = [formatter.format(v) for v in items]
    lines = [", ".join(texts[i : i + per_line]) for i in range(0, len(texts), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, formatter)
    if summarize and values.shape[0] > 2 * EDGE_ITEMS:
        rows = [_nested(values[i], indent + 1, summarize, formatter) for i in range(EDGE_ITEMS)]
        rows += ["..."]
        rows += [
            _nested(values[i], indent + 1, summarize, formatter)
            for i in range(len(values) - EDGE_ITEMS, len(values))
        ]
    else:
        rows = [
            _nested(values[i], indent + 1, summarize, formatter) for i in range(values.shape[0])
        ]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _summarized(values: np.ndarray) -> np.ndarray:
    """Only the edge items along every dimension (what a summarised print shows)."""
    if values.ndim == 0:
        return values
    if values.shape[0] > 2 * EDGE_ITEMS:
        values = np.concatenate([values[:EDGE_ITEMS], values[-EDGE_ITEMS:]])
    if values.ndim == 1:
        return values
    return np.stack([_summarized(row) for row in values])


def format_values(values: np.ndarray, indent: int) -> str:
    """The bracketed numbers of a tensor, without ``tensor(`` and the suffixes."""
    if values.size == 0:
        return "[]"
    if values.dtype == np.float16:
        values = values.astype(np.float32)
    summarize = values.size > THRESHOLD
    formatter = _Formatter(_summarized(values) if summarize else values)
    return _nested(values, indent, summarize, formatter)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > LINE_WIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(tensor: Tensor, prefix: str = "tensor(") -> str:
    """``tensor([1., 2.], requires_grad=True)`` and friends, exactly as PyTorch prints them."""
    indent = len(prefix)
    suffixes = []
    where = tensor.device
    if where.type != "cpu":
        suffixes.append(f"device='{where}'")
    values = _backend.asnumpy(tensor._array)
    dtype = tensor.dtype
    default_dtype = dtype in (dtypes.DEFAULT_FLOAT, dtypes.int64, dtypes.bool_)
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if dtype is not dtypes.DEFAULT_FLOAT:
            suffixes.append(f"dtype={dtype!r}")
        body = "[]"
    else:
        if not default_dtype:
            suffixes.append(f"dtype={dtype!r}")
        body = format_values(values, indent)
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(tensor.grad_fn).__name__}>")
    elif tensor._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
