"""The functions behind the layers: linear, convolution, pooling, dropout, normalization,
embeddings, padding and attention.
"""

from __future__ import annotations

import math

from ... import dtypes, ops
from ..._errors import with_hint
from ._checks import _pair, _shape_repr

# ---- linear, convolution, pooling, dropout, batch norm, embeddings -------------------------------

def linear(input, weight, bias=None):
    """y = x @ weight.T + bias over the last dimension of x.

    For 2-D input with a bias this is one `AddmmBackward0` node fed by `TBackward0` (the
    transposed weight), exactly PyTorch's graph. Other contiguous input with a bias has its
    leading dimensions flattened into rows for that one node and viewed back; the rest is
    ``matmul`` (its graph) followed by an in-place ``add_`` of the bias, as in PyTorch.
    """
    in_features = int(weight.shape[-1])
    if input.dim() == 0 or int(input.shape[-1]) != in_features:
        rows = 1 if input.dim() <= 1 else math.prod(int(n) for n in input.shape[:-1])
        columns = 1 if input.dim() == 0 else int(input.shape[-1])
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{columns} and "
            f"{in_features}x{int(weight.shape[0])})"
        )
    if bias is not None and input.dim() == 2:
        return ops.Addmm.apply(bias, input, weight.t())
    if bias is not None and input.is_contiguous() and (input.dim() == 3 or bias.dim() == 1):
        # PyTorch flattens the leading dimensions into rows and views the result back.
        rows = linear(input.reshape(-1, in_features), weight, bias)
        return rows.reshape(*tuple(input.shape[:-1]), int(weight.shape[0]))
    out = input.matmul(weight.t())
    return out if bias is None else out.add_(bias)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """2-D cross-correlation of (N, C, H, W) input with (O, C, kh, kw) filters
    (`ConvolutionBackward0`).

    out[n, o, i, j] = bias[o] + sum_{c, p, q} input_padded[n, c, i*sh + p, j*sw + q]
                                              * weight[o, c, p, q]
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, dims=2)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """The max of every kernel_size window of (N, C, H, W) input
    (`MaxPool2DWithIndicesBackward0`); the gradient flows only to each window's maximum."""
    if _pair(dilation) != (1, 1) or ceil_mode or return_indices:
        raise NotImplementedError(
            "autograd-kit's max_pool2d supports dilation=1, ceil_mode=False and "
            "return_indices=False only"
        )
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding = _pair(padding)
    _check_pool_padding(kernel, padding)
    if input.dim() not in (3, 4):
        raise RuntimeError(
            "non-empty 3D or 4D (batch mode) tensor expected for input"
        )
    _check_pool_output_size(input, kernel, stride, padding)
    return ops.MaxPool2DWithIndices.apply(input, kernel=kernel, stride=stride, padding=padding)


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """In training: zero each element with probability p and scale the rest by 1/(1-p)
    (one `MulBackward0` node with a random mask); otherwise the input itself."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    from ... import rand

    # The mask is a constant (no grad): keep with probability 1 - p, scaled by 1 / (1 - p).
    keep = rand(tuple(input.shape), device=input.device) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = keep.to(input.dtype) * scale
    if inplace:
        return input.mul_(mask)
    return input * mask


def batch_norm(input, running_mean, running_var, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5):
    """Normalise each channel (dim 1) with batch statistics in training, running statistics
    otherwise, then scale by `weight` and shift by `bias` (`NativeBatchNormBackward0`).

    Training also updates, in place and outside the graph,
    running_mean = (1 - momentum) * running_mean + momentum * batch_mean and the same for
    running_var with the unbiased batch variance.
    """
    channels = int(input.shape[1])
    if running_mean is not None and int(running_mean.shape[0]) != channels:
        raise RuntimeError(
            f"running_mean should contain {channels} elements not {int(running_mean.shape[0])}"
        )
    if training:
        count = input.numel() // channels
        if count == 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"{_shape_repr(input.shape)}"
            )
    return ops.NativeBatchNorm.apply(input, weight, bias, running_mean=running_mean,
                                     running_var=running_var, training=training,
                                     momentum=momentum, eps=eps)


def embedding(input, weight, padding_idx: int | None = None, max_norm=None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False):
    """Rows of `weight` picked by the integer tensor `input` (`EmbeddingBackward0`):
    out[..., :] = weight[input[...], :]. The gradient adds into the rows that were used
    (except `padding_idx`, which gets none)."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "autograd-kit's embedding supports max_norm=None, scale_grad_by_freq=False and "
            "sparse=False only"
        )
    if "int" not in str(input.dtype):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {_dtype_name(input)} instead (while checking arguments "
            "for embedding)"
        )
    if input.numel() and (int(input.max().item()) >= int(weight.shape[0])
                          or int(input.min().item()) < 0):
        raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx = int(weight.shape[0]) + padding_idx
    return ops.Embedding.apply(weight, indices=input._array, padding_idx=padding_idx)


def one_hot(tensor, num_classes: int = -1):
    """(..., ) integer classes to (..., num_classes) int64 indicator vectors."""
    from ... import arange

    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1
    classes = arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


def _dtype_name(tensor) -> str:
    return {"float32": "CPUFloatType", "float64": "CPUDoubleType", "bool": "CPUBoolType",
            "int64": "CPULongType"}.get(str(tensor.dtype).rsplit(".", 1)[-1], str(tensor.dtype))


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):
    """x / max(||x||_p, eps) along `dim`: every slice scaled to unit p-norm.

    PyTorch's graph, node for node: `LinalgVectorNormBackward0` -> `ClampMinBackward0` ->
    `ExpandBackward0` -> `DivBackward0`.
    """
    if out is not None:
        raise NotImplementedError("autograd-kit's normalize does not take out=")
    denominator = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denominator


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode: str = "constant", value: float | None = None):
    """Widen `input` by `pad = (left, right, top, bottom, ...)` (the last dimension first),
    filling with `value` (`ConstantPadNdBackward0`); negative amounts crop. mode="reflect"
    mirrors the input at its edges and mode="replicate" repeats the edge values instead
    (for the last 1, 2 or 3 dimensions).

    Example:
        >>> ak.nn.functional.pad(ak.tensor([[1.0, 2.0]]), (1, 0), value=9.0)
        tensor([[9., 1., 2.]])
    """
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(int(width) for width in pad)
    if mode != "constant":
        return _pad_by_copying(input, pad, mode, value)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.dim()}"
        )
    for k in range(len(pad) // 2):
        size = int(input.shape[input.dim() - 1 - k])
        if size + pad[2 * k] + pad[2 * k + 1] < 0 or size + min(pad[2 * k], 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    return ops.ConstantPadNd.apply(input, pad=pad, value=0 if value is None else value)


_PAD_NODES = {
    ("reflect", 1): ops.ReflectionPad1D, ("reflect", 2): ops.ReflectionPad2D,
    ("reflect", 3): ops.ReflectionPad3D, ("replicate", 1): ops.ReplicationPad1D,
    ("replicate", 2): ops.ReplicationPad2D, ("replicate", 3): ops.ReplicationPad3D,
}


def _pad_by_copying(input, pad: tuple, mode: str, value):
    """Reflect or replicate padding of the last 1, 2 or 3 dimensions
    (`ReflectionPad2DBackward0`, `ReplicationPad1DBackward0`, ...): the border copies values
    from inside the input instead of holding a constant."""
    if value is not None:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if mode == "circular":
        raise NotImplementedError(
            "autograd-kit's pad supports the modes 'constant', 'reflect' and 'replicate'"
        )
    count = len(pad) // 2
    if len(pad) % 2 or count not in (1, 2, 3) or input.dim() not in (count + 1, count + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    if mode == "reflect":
        for k in range(count):  # the last dimension first
            dim = input.dim() - 1 - k
            before, after = pad[2 * k], pad[2 * k + 1]
            if before >= int(input.shape[dim]) or after >= int(input.shape[dim]):
                raise RuntimeError(
                    f"Argument #{4 + 2 * k}: Padding size should be less than the "
                    f"corresponding input dimension, but got: padding ({before}, {after}) at "
                    f"dimension {dim} of input {_size_list(input.shape)}"
                )
    return _PAD_NODES[mode, count].apply(input, pad=pad, mode=mode)


# ---- layer norm and average pooling --------------------------------------------------------------

def _size_list(shape) -> str:
    return f"[{', '.join(str(int(n)) for n in shape)}]"


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalise each sample over its last `len(normalized_shape)` dimensions to mean 0 and
    variance 1, then scale by `weight` and shift by `bias` (`NativeLayerNormBackward0`)."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(int(n) for n in normalized_shape)
    count = len(normalized_shape)
    if count == 0 or input.dim() < count or tuple(input.shape[input.dim() - count:]) != \
            normalized_shape:
        raise with_hint(
            RuntimeError(
                f"Given normalized_shape={_size_list(normalized_shape)}, expected input with shape "
                f"[*, {', '.join(str(n) for n in normalized_shape)}], but got input of size"
                f"{_size_list(input.shape)}"
            ),
            "layer_norm_shape",
        )
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and tuple(value.shape) != normalized_shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {_size_list(value.shape)} and normalized_shape = "
                f"{_size_list(normalized_shape)}"
            )
    return ops.NativeLayerNorm.apply(input, weight, bias, normalized_ndim=count, eps=eps)


def _check_pool_padding(kernel, padding) -> None:
    """Refuse, in PyTorch's words, a padding over half the kernel (max and average pooling)."""
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise RuntimeError(
            f"pad should be at most half of effective kernel size, but got "
            f"pad={padding[0] if padding[0] > kernel[0] // 2 else padding[1]}, "
            f"kernel_size={kernel[0] if padding[0] > kernel[0] // 2 else kernel[1]} and "
            "dilation=1"
        )


def _check_pool_output_size(input, kernel, stride, padding) -> None:
    """Refuse, in PyTorch's words, windows that leave no output (max and average pooling)."""
    channels, height, width = (int(n) for n in input.shape[-3:])
    out_h = (height + 2 * padding[0] - kernel[0]) // stride[0] + 1
    out_w = (width + 2 * padding[1] - kernel[1]) // stride[1] + 1
    if out_h < 1 or out_w < 1:
        raise RuntimeError(
            f"Given input size: ({channels}x{height}x{width}). Calculated output "
            f"size: ({channels}x{out_h}x{out_w}). Output size is too small"
        )


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None):
    """The mean of every kernel_size window of (N, C, H, W) or (C, H, W) input
    (`AvgPool2DBackward0`); each window's gradient is shared equally by its elements.

    Example:
        >>> ak.nn.functional.avg_pool2d(ak.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    if ceil_mode:
        raise NotImplementedError("autograd-kit's avg_pool2d supports ceil_mode=False only")
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding = _pair(padding)
    if input.dim() not in (3, 4):  # (PyTorch looks for dimension -3 and fails to find it)
        raise IndexError(
            f"Dimension out of range (expected to be in range of [-{input.dim()}, "
            f"{input.dim() - 1}], but got -3)"
        )
    _check_pool_padding(kernel, padding)
    _check_pool_output_size(input, kernel, stride, padding)
    return ops.AvgPool2D.apply(input, kernel=kernel, stride=stride, padding=padding,
                               count_include_pad=count_include_pad,
                               divisor_override=divisor_override)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a chosen output size (H_out, W_out) (`AdaptiveAvgPool2DBackward0`):
    window i covers rows floor(i H / H_out) to ceil((i+1) H / H_out). Output size 1 is the
    mean over H and W, which PyTorch records as `MeanBackward1`; None keeps that size."""
    if input.dim() not in (3, 4):
        raise RuntimeError(
            f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {_size_list(input.shape)}"
        )
    size = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    size = tuple(int(input.shape[-2 + i]) if n is None else int(n) for i, n in enumerate(size))
    if size == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    return ops.AdaptiveAvgPool2D.apply(input, output_size=size)


# ---- 1-d convolution and attention ---------------------------------------------------------------

def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """1-D cross-correlation of (N, C, L) input with (O, C, k) filters
    (`ConvolutionBackward0`, the same node as conv2d).

    out[n, o, i] = bias[o] + sum_{c, p} input_padded[n, c, i*s + p] * weight[o, c, p]

    Example:
        >>> F = ak.nn.functional
        >>> F.conv1d(ak.ones(1, 2, 5), ak.ones(3, 2, 3)).shape
        torch.Size([1, 3, 3])
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, dims=1)


def _single(value) -> tuple[int]:
    if isinstance(value, (tuple, list)):
        return (int(value[0]),)
    return (int(value),)


def _convolution(input, weight, bias, stride, padding, dilation, groups: int, dims: int):
    """conv1d and conv2d: check the shapes in PyTorch's words, then one `Convolution` node
    (a 1-D convolution runs as a 2-D one over an image of height 1, inside the primitive)."""
    if groups != 1 or _ntuple(dilation, dims) != (1,) * dims:
        raise NotImplementedError(
            f"autograd-kit's conv{dims}d supports groups=1 and dilation=1 only"
        )
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to conv{dims}d, "
            f"but got input of size: [{', '.join(str(int(n)) for n in input.shape)}]"
        )
    unbatched = input.dim() == dims + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride, padding = _ntuple(stride, dims), _ntuple(padding, dims)
    channels = int(weight.shape[1])
    if int(input.shape[1]) != channels:
        raise RuntimeError(
            f"Given groups=1, weight of size [{', '.join(str(int(n)) for n in weight.shape)}], "
            f"expected input[{', '.join(str(int(n)) for n in input.shape)}] to have "
            f"{channels} channels, but got {int(input.shape[1])} channels instead"
        )
    padded = [int(size) + 2 * pad for size, pad in zip(input.shape[2:], padding, strict=True)]
    kernel = [int(size) for size in weight.shape[2:]]
    if any(size < k for size, k in zip(padded, kernel, strict=True)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater "
            "than actual input size"
        )
    if dims == 1:  # the primitive's image of height 1: no stride or padding along it
        stride, padding = (1,) + stride, (0,) + padding
    out = ops.Convolution.apply(input, weight, bias, stride=stride, padding=padding)
    return out.squeeze(0) if unbatched else out


def _ntuple(value, dims: int) -> tuple:
    return _pair(value) if dims == 2 else _single(value)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False):
    """softmax(query @ key^T * scale + bias) @ value over the last two dimensions, with
    scale = 1/sqrt(E) unless given.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev). A boolean
    `attn_mask` keeps the positions where it is True (the others get bias -inf); a float one is
    added to the scores; `is_causal` lets position i attend to positions j <= i only.

    PyTorch runs one fused kernel (one node, e.g. `ScaledDotProductFlashAttentionForCpuBackward0`);
    here the steps are recorded one by one (matmul, softmax, matmul): the same values and
    gradients, a longer graph.

    Example:
        >>> q = ak.ones(2, 3, 4)
        >>> ak.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True).shape
        torch.Size([2, 3, 4])
    """
    if dropout_p != 0.0 or enable_gqa:
        raise NotImplementedError(
            "autograd-kit's scaled_dot_product_attention supports dropout_p=0 and "
            "enable_gqa=False only"
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    if is_causal:
        from ... import ones

        length, source_length = int(query.shape[-2]), int(key.shape[-2])
        attn_mask = ones(length, source_length, device=query.device).tril() > 0
    bias = None
    if attn_mask is not None:
        bias = _additive_mask(attn_mask, query, keep_where_true=True)
    scale = 1.0 / math.sqrt(int(query.shape[-1])) if scale is None else scale
    out, _ = _attention(query, key, value, bias, scale, masked_rows_to_zero=True)
    return out


def _additive_mask(mask, like, keep_where_true: bool):
    """A mask as a float bias to add to attention scores: a float mask as it is; a boolean one
    as 0 where attention is allowed and -inf where it is not (SDPA's True means allowed,
    MultiheadAttention's True means masked out)."""
    if mask.dtype != dtypes.bool_:
        return mask
    from ... import zeros

    blocked = mask.logical_not() if keep_where_true else mask
    return zeros(tuple(mask.shape), dtype=like.dtype, device=like.device).masked_fill(
        blocked, float("-inf")
    )


def _attention(query, key, value, bias, scale: float, masked_rows_to_zero: bool = False):
    """weights = softmax(query @ key^T * scale + bias, -1);  out = weights @ value.

    A query whose keys are all masked out (a row of -inf scores) has no softmax: it gives NaN,
    as in MultiheadAttention, or with `masked_rows_to_zero` weights of 0 and a zero gradient,
    as PyTorch's scaled_dot_product_attention does.
    """
    from ... import where

    scores = query.matmul(key.transpose(-2, -1)) * scale
    if bias is not None:
        scores = scores + bias
    if bias is None or not masked_rows_to_zero:
        weights = scores.softmax(-1)
        return weights.matmul(value), weights
    no_key = (scores == float("-inf")).all(-1, keepdim=True)
    # Softmax of zeros on those rows keeps every number finite (no NaN in the gradient).
    weights = where(no_key, 0.0, where(no_key, 0.0, scores).softmax(-1))
    return weights.matmul(value), weights
