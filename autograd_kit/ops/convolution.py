"""Convolution, pooling and padding: ``Convolution`` (through im2col: windows become rows and
the convolution one matrix product), max, average and adaptive average pooling, and the
constant, reflection and replication paddings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import xp_of
from .._broadcasting import _either
from ..autograd.grad_mode import grad_state
from ..tensor import _wrap
from .positions import IndexPut
from .primitive import _UNRECORDED, Primitive, _contiguous, _same_device, _Unrecorded

# ---- Windows: im2col and col2im -----------------------------------------------------------------

def _conv_out_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _padded(x: Any, padding: tuple, fill: float) -> Any:
    """x (N, C, H, W) inside a border of ``fill`` that is ``padding`` wide."""
    pad_h, pad_w = padding
    if pad_h == 0 and pad_w == 0:
        return x
    xp = xp_of(x)
    n, c, h, w = x.shape
    out = xp.full((n, c, h + 2 * pad_h, w + 2 * pad_w), fill, dtype=x.dtype, **_same_device(xp, x))
    out[:, :, pad_h : pad_h + h, pad_w : pad_w + w] = x
    return out


def _windows(padded: Any, kernel: tuple, stride: tuple, out_size: tuple) -> list:
    """One strided view per kernel offset (i, j): view[n, c, r, s] = padded[n, c, r*sh + i, s*sw + j]."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out_size
    return [
        padded[:, :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw]
        for i in range(kh)
        for j in range(kw)
    ]


def _im2col(x: Any, kernel: tuple, stride: tuple, padding: tuple) -> Any:
    """rows[(n, r, s), (c, i, j)] = x_padded[n, c, r*sh + i, s*sw + j]: one row per output position."""
    n, c, h, w = x.shape
    (kh, kw), (ph, pw) = kernel, padding
    out_size = (_conv_out_size(h, kh, stride[0], ph), _conv_out_size(w, kw, stride[1], pw))
    xp = xp_of(x)
    # Channels last, so each window's channels are contiguous when gathered.
    nhwc = xp.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=x.dtype, **_same_device(xp, x))
    nhwc[:, ph : ph + h, pw : pw + w, :] = xp.permute_dims(x, (0, 2, 3, 1))
    views = _windows(xp.permute_dims(nhwc, (0, 3, 1, 2)), kernel, stride, out_size)
    rows = xp.stack([xp.permute_dims(view, (0, 2, 3, 1)) for view in views], axis=-1)
    return xp.reshape(rows, (n * out_size[0] * out_size[1], c * kh * kw))


def _col2im(rows: Any, shape: tuple, kernel: tuple, stride: tuple, padding: tuple) -> Any:
    n, c, h, w = shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    oh, ow = _conv_out_size(h, kh, sh, ph), _conv_out_size(w, kw, sw, pw)
    xp = xp_of(rows)
    out = xp.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=rows.dtype, **_same_device(xp, rows))
    blocks = xp.reshape(rows, (n, oh, ow, c, kh * kw))
    for position in range(kh * kw):
        i, j = divmod(position, kw)
        # A strided slice never repeats a position, so += adds each contribution exactly once.
        out[:, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :] += blocks[
            ..., position
        ]
    return _contiguous(xp, xp.permute_dims(out[:, ph : ph + h, pw : pw + w, :], (0, 3, 1, 2)))


class Im2Col(Primitive):
    """rows[(n, r, s), (c, i, j)] = x_padded[n, c, r*sh + i, s*sw + j] ("im2col"): every
    receptive field becomes one row of an (N*OH*OW, C*kh*kw) matrix;
    grad_x = Col2Im(grad), each row added back where it came from."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding):
        ctx.shape, ctx.kernel, ctx.stride, ctx.padding = x.shape, kernel, stride, padding
        return _im2col(x, kernel, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        return Col2Im.apply(
            grad, shape=ctx.shape, kernel=ctx.kernel, stride=ctx.stride, padding=ctx.padding
        )


class Col2Im(Primitive):
    """out = zeros(shape) with every row added back at its receptive field (the adjoint of
    Im2Col: where fields overlap, contributions add up);  grad_rows = Im2Col(grad)."""

    @staticmethod
    def forward(ctx, rows, shape, kernel, stride, padding):
        ctx.kernel, ctx.stride, ctx.padding = kernel, stride, padding
        return _col2im(rows, shape, kernel, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        return Im2Col.apply(grad, kernel=ctx.kernel, stride=ctx.stride, padding=ctx.padding)


# ---- Primitives: convolution --------------------------------------------------------------------

class Convolution(Primitive):
    """out[n, o, r, s] = bias[o] + sum_{c,i,j} weight[o, c, i, j] * x_padded[n, c, r*sh + i, s*sw + j].

    With rows = Im2Col(x) of shape (N*OH*OW, C*kh*kw) and W the weight as an (O, C*kh*kw)
    matrix, the convolution is one matrix product, out = rows @ W.T + bias, so with G the
    incoming gradient as an (N*OH*OW, O) matrix:
        grad_x = Col2Im(G @ W),  grad_weight = G.T @ rows,  grad_bias = G summed over rows.

    A 1-D convolution (x (N, C, L), weight (O, C, k)) is the same computation on a
    (N, C, 1, L) image with (O, C, 1, k) filters; stride and padding then come as 2-tuples
    (1, s) and (0, p), and the result and gradients keep the 1-D shapes.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding):
        xp = xp_of(x)
        ctx.save_for_backward(x, weight)
        one_d = x.ndim == 3
        if one_d:
            x = xp.reshape(x, x.shape[:2] + (1,) + x.shape[2:])
            weight = xp.reshape(weight, weight.shape[:2] + (1,) + weight.shape[2:])
        n, _, h, w = x.shape
        out_channels, _, kh, kw = weight.shape
        kernel = (kh, kw)
        out_size = (
            _conv_out_size(h, kh, stride[0], padding[0]),
            _conv_out_size(w, kw, stride[1], padding[1]),
        )
        rows = _im2col(x, kernel, stride, padding)
        out = rows @ xp.permute_dims(xp.reshape(weight, (out_channels, -1)), (1, 0))
        if bias is not None:
            out = out + bias
        ctx.rows, ctx.kernel, ctx.stride, ctx.padding = rows, kernel, stride, padding
        # Computed channels-last, then laid out (N, O, OH, OW) row by row as PyTorch's output
        # is, so strides, flatten and view behave the same on it.
        out = xp.reshape(out, (n,) + out_size + (out_channels,))
        out = _contiguous(xp, xp.permute_dims(out, (0, 3, 1, 2)))
        return xp.reshape(out, (n, out_channels, out_size[1])) if one_d else out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        one_d = x.dim() == 3
        if one_d:  # the 1-D case as an image of height 1 (see the docstring)
            grad = grad.unsqueeze(2)
            x = x.unsqueeze(2)
        out_channels = weight.shape[0]
        grad_rows = grad.permute(0, 2, 3, 1).reshape(-1, out_channels)
        if not grad_state.enabled:
            # The incoming gradient may be a broadcast view (e.g. from .sum()); BLAS needs a
            # real matrix, or NumPy falls back to a loop that is ~10x slower.
            grad_rows = _wrap(_contiguous(xp_of(grad_rows._array), grad_rows._array))
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            matrix = weight.reshape(out_channels, -1)
            grad_x = Col2Im.apply(
                grad_rows.mm(matrix),
                shape=tuple(x.shape),
                kernel=ctx.kernel,
                stride=ctx.stride,
                padding=ctx.padding,
            )
            grad_x = grad_x.squeeze(2) if one_d else grad_x
        if ctx.needs_input_grad[1]:
            # Recording (create_graph): rebuild rows from x so second derivatives reach x.
            rows = (
                Im2Col.apply(x, kernel=ctx.kernel, stride=ctx.stride, padding=ctx.padding)
                if grad_state.enabled
                else _wrap(ctx.rows)
            )
            grad_weight = grad_rows.t().mm(rows).reshape(weight.shape)
        if ctx.needs_input_grad[2]:
            grad_bias = grad_rows.sum(0)
        return grad_x, grad_weight, grad_bias


# ---- Primitives: pooling ------------------------------------------------------------------------

class MaxPool2DWithIndices(Primitive):
    """out[n, c, r, s] = max of x over the window at (r*sh, s*sw);  grad_x = grad added at each
    window's arg-max (windows that overlap add up), zero elsewhere."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding):
        xp = xp_of(x)
        unbatched_shape = x.shape if x.ndim == 3 else None
        if unbatched_shape is not None:  # (C, H, W): one image, pooled as a batch of one
            x = xp.reshape(x, (1,) + x.shape)
        n, c, h, w = x.shape
        out_size = (
            _conv_out_size(h, kernel[0], stride[0], padding[0]),
            _conv_out_size(w, kernel[1], stride[1], padding[1]),
        )
        views = _windows(_padded(x, padding, -xp.inf), kernel, stride, out_size)
        recording = not isinstance(ctx, _Unrecorded)
        device = _same_device(xp, x)
        # A running max over the kh*kw shifted views (elementwise, so fast); `best` remembers
        # which offset won. Strictly greater keeps the first maximum on ties, as PyTorch does.
        out = xp.asarray(views[0], copy=True)
        # (int8 offsets keep this bookkeeping array an eighth of the size of int64 ones)
        offset_dtype = xp.int8 if len(views) <= 127 else xp.int64
        best = xp.zeros(out.shape, dtype=offset_dtype, **device) if recording else None
        for position, view in enumerate(views[1:], start=1):
            if recording:
                better = view > out
                best = xp.where(better, xp.asarray(position, dtype=offset_dtype, **device), best)
            out = xp.maximum(out, view)
        if recording:
            # Flat position of every arg-max in x: row = r*sh + i - ph, col = s*sw + j - pw.
            rows = xp.reshape(xp.arange(out_size[0], **device) * stride[0], (-1, 1)) - padding[0]
            cols = xp.reshape(xp.arange(out_size[1], **device) * stride[1], (1, -1)) - padding[1]
            best = xp.astype(best, xp.int64)
            row = rows + best // kernel[1]
            col = cols + best % kernel[1]
            planes = xp.reshape(xp.arange(n * c, **device), (n, c, 1, 1)) * (h * w)
            ctx.flat = xp.reshape(planes + row * w + col, (-1,))
            ctx.shape = x.shape if unbatched_shape is None else unbatched_shape
        return out if unbatched_shape is None else out[0]

    @staticmethod
    def backward(ctx, grad):
        size = int(np.prod(ctx.shape))
        return IndexPut.apply(grad.reshape(-1), shape=(size,), key=ctx.flat).reshape(ctx.shape)


class AvgPool2D(Primitive):
    """out[n, c, r, s] = the sum of x over the window at (r*sh, s*sw) (zero padding) / divisor,
    divisor = kh*kw (or the number of non-padding values when count_include_pad=False, or
    divisor_override);  grad_x = Col2Im of grad / divisor copied to every position of its window
    (windows that overlap add up)."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, count_include_pad=True, divisor_override=None):
        xp = xp_of(x)
        unbatched_shape = x.shape if x.ndim == 3 else None
        if unbatched_shape is not None:  # (C, H, W): one image, pooled as a batch of one
            x = xp.reshape(x, (1,) + x.shape)
        h, w = x.shape[2:]
        out_size = (
            _conv_out_size(h, kernel[0], stride[0], padding[0]),
            _conv_out_size(w, kernel[1], stride[1], padding[1]),
        )
        views = _windows(_padded(x, padding, 0), kernel, stride, out_size)
        total = views[0]
        for view in views[1:]:
            total = total + view
        if divisor_override is not None:
            divisor = divisor_override
        elif count_include_pad:
            divisor = kernel[0] * kernel[1]
        else:  # how many real (not padding) values each window covers
            ones = xp.ones((1, 1, h, w), dtype=x.dtype, **_same_device(xp, x))
            counts = _windows(_padded(ones, padding, 0), kernel, stride, out_size)
            divisor = counts[0]
            for count in counts[1:]:
                divisor = divisor + count
        ctx.divisor, ctx.shape = divisor, x.shape
        ctx.kernel, ctx.stride, ctx.padding = kernel, stride, padding
        ctx.unbatched_shape = unbatched_shape
        out = total / divisor
        return out if unbatched_shape is None else out[0]

    @staticmethod
    def backward(ctx, grad):
        if ctx.unbatched_shape is not None:
            grad = grad.unsqueeze(0)
        divisor = ctx.divisor if isinstance(ctx.divisor, int) else _wrap(ctx.divisor)
        n, c, oh, ow = (int(size) for size in grad.shape)
        window = ctx.kernel[0] * ctx.kernel[1]
        # One row per output position, its C gradients each repeated over the window's kh*kw
        # positions: the layout Col2Im adds back into place.
        rows = (grad / divisor).permute(0, 2, 3, 1).reshape(n * oh * ow, c, 1)
        rows = rows.expand(n * oh * ow, c, window).reshape(n * oh * ow, c * window)
        grad_x = Col2Im.apply(
            rows, shape=tuple(ctx.shape), kernel=ctx.kernel, stride=ctx.stride,
            padding=ctx.padding,
        )
        return grad_x if ctx.unbatched_shape is None else grad_x.squeeze(0)


def _averaging_matrix(xp: Any, size: int, out_size: int, like: Any) -> Any:
    """A (out_size, size) matrix whose row i averages window i of an adaptive pooling:
    positions floor(i * size / out_size) up to ceil((i + 1) * size / out_size)."""
    matrix = np.zeros((out_size, size))
    for i in range(out_size):
        start, stop = (i * size) // out_size, -((-(i + 1) * size) // out_size)
        matrix[i, start:stop] = 1 / (stop - start)
    return xp.asarray(matrix, dtype=like.dtype, **_same_device(xp, like))


class AdaptiveAvgPool2D(Primitive):
    """out[n, c, i, j] = the mean of x over rows floor(i H / OH) .. ceil((i+1) H / OH) and the
    columns found the same way. A window's mean is a row average then a column average, so
    with A (OH, H) and B (OW, W) the averaging matrices: out = A @ x @ B.T;
    grad_x = A.T @ grad @ B."""

    @staticmethod
    def forward(ctx, x, output_size):
        xp = xp_of(x)
        rows = _averaging_matrix(xp, x.shape[-2], output_size[0], x)
        columns = _averaging_matrix(xp, x.shape[-1], output_size[1], x)
        ctx.rows, ctx.columns = rows, columns
        return _contiguous(xp, xp.matmul(xp.matmul(rows, x), xp.matrix_transpose(columns)))

    @staticmethod
    def backward(ctx, grad):
        return _wrap(ctx.rows).t() @ grad @ _wrap(ctx.columns)


# ---- Primitives: padding ------------------------------------------------------------------------

class ConstantPadNd(Primitive):
    """out = x inside a border of ``value``: ``pad = (before, after, before, after, ...)`` widens
    the last dimension, then the one before it, ...; a negative width crops instead;
    grad_x = grad with the same border taken off again (ConstantPadNd(grad, -pad))."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, pad, value=0.0):
        ctx.pad = pad
        xp = xp_of(x)
        lead = x.ndim - len(pad) // 2
        widths = [(0, 0)] * lead + [
            (pad[2 * k], pad[2 * k + 1]) for k in reversed(range(len(pad) // 2))
        ]
        # Negative widths crop first; the positive ones then make the border.
        x = x[tuple(slice(max(-before, 0), size - max(-after, 0))
                    for (before, after), size in zip(widths, x.shape))]
        shape = tuple(size + max(before, 0) + max(after, 0)
                      for (before, after), size in zip(widths, x.shape))
        out = xp.full(shape, value, dtype=x.dtype, **_same_device(xp, x))
        out[tuple(slice(max(before, 0), max(before, 0) + size)
                  for (before, _), size in zip(widths, x.shape))] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return constant_pad(grad, tuple(-width for width in ctx.pad))


constant_pad = _either(
    lambda t, pad: ConstantPadNd.apply(t, pad=pad),
    lambda xp, a, pad: ConstantPadNd.forward(_UNRECORDED, a, pad),
)


def _pad_source(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each position of a dimension padded by (before, after), the input position it
    copies: reflect mirrors about the edge (without repeating it), replicate repeats the edge."""
    source = np.arange(size + before + after) - before
    if mode == "reflect":
        source = np.abs(source)
        return np.where(source >= size, 2 * (size - 1) - source, source)
    return np.clip(source, 0, size - 1)


class _IndexPad(Primitive):
    """out = x gathered along each of its last k dimensions at the positions ``_pad_source``
    gives (reflect or replicate padding);  grad_x = grad added back at those positions, one
    dimension at a time (an input position copied several times gets every copy's gradient).
    PyTorch names the node after the mode and k: ReflectionPad2DBackward0, ..."""

    @staticmethod
    def forward(ctx, x, pad, mode):
        xp = xp_of(x)
        count = len(pad) // 2
        first = x.ndim - count
        indices = []
        out = x
        for axis in range(first, x.ndim):
            k = x.ndim - 1 - axis  # pad lists the last dimension first
            source = _pad_source(x.shape[axis], pad[2 * k], pad[2 * k + 1], mode)
            index = xp.asarray(source, **_same_device(xp, x))
            indices.append(index)
            out = xp.take(out, index, axis=axis)
        ctx.shape, ctx.indices = x.shape, indices
        return out

    @staticmethod
    def backward(ctx, grad):
        first = len(ctx.shape) - len(ctx.indices)
        for offset in reversed(range(len(ctx.indices))):
            axis = first + offset
            shape = tuple(grad.shape[:axis]) + (ctx.shape[axis],) + tuple(grad.shape[axis + 1 :])
            key = (slice(None),) * axis + (ctx.indices[offset],)
            grad = IndexPut.apply(grad, shape=shape, key=key)
        return grad


class ReflectionPad1D(_IndexPad):
    """Reflect padding of the last dimension: see _IndexPad."""


class ReflectionPad2D(_IndexPad):
    """Reflect padding of the last two dimensions: see _IndexPad."""


class ReflectionPad3D(_IndexPad):
    """Reflect padding of the last three dimensions: see _IndexPad."""


class ReplicationPad1D(_IndexPad):
    """Replicate padding of the last dimension: see _IndexPad."""


class ReplicationPad2D(_IndexPad):
    """Replicate padding of the last two dimensions: see _IndexPad."""


class ReplicationPad3D(_IndexPad):
    """Replicate padding of the last three dimensions: see _IndexPad."""
