"""`ak.nn.functional`: the stateless functions behind every layer and loss.

Each function is written with the core's differentiable ops, so its gradient comes from the
one engine in `autograd/graph.py`. Where PyTorch records a single graph node
(`ConvolutionBackward0`, `NllLossBackward0`, `MseLossBackward0`, ...), the function calls the
matching primitive from the "neural-network ops" section of `ops.py`, so printed graphs match
PyTorch's node for node.
"""

from __future__ import annotations

import math
import warnings

from .. import ops

__all__ = [
    "relu", "leaky_relu", "tanh", "sigmoid", "softmax", "log_softmax", "linear",
    "conv2d", "max_pool2d", "dropout", "batch_norm", "embedding", "one_hot", "mse_loss",
    "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce) -> str:
    """Translate the deprecated `size_average`/`reduce` flags into a `reduction` string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss, reduction: str):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _shape_repr(shape) -> str:
    return f"torch.Size([{', '.join(str(int(n)) for n in shape)}])"


def _pair(value) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]), int(value[0]))
        return (int(value[0]), int(value[1]))
    return (int(value), int(value))


# ---- activations --------------------------------------------------------------------------


def relu(input, inplace: bool = False):
    """max(0, x) elementwise (`ReluBackward0`); gradient 1 where x > 0, else 0."""
    return input.relu_() if inplace else input.relu()


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """x where x > 0, negative_slope * x elsewhere."""
    from .. import where

    return where(input > 0, input, input * negative_slope)


def tanh(input):
    """tanh(x) elementwise (`TanhBackward0`)."""
    return input.tanh()


def sigmoid(input):
    """1 / (1 + exp(-x)) elementwise (`SigmoidBackward0`)."""
    return input.sigmoid()


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """exp(x) / exp(x).sum(dim, keepdim=True), computed stably (`SoftmaxBackward0`)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(dim)


def log_softmax(input, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """x - logsumexp(x, dim) (`LogSoftmaxBackward0`); the input NLL loss expects."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(dim)


# ---- layers -------------------------------------------------------------------------------


def linear(input, weight, bias=None):
    """y = x @ weight.T + bias over the last dimension of x.

    For 2-D input with a bias this is one `AddmmBackward0` node fed by `TBackward0` (the
    transposed weight), exactly PyTorch's graph.
    """
    in_features = int(weight.shape[-1])
    if input.dim() == 0 or int(input.shape[-1]) != in_features:
        rows = 1 if input.dim() <= 1 else math.prod(int(n) for n in input.shape[:-1])
        columns = 1 if input.dim() == 0 else int(input.shape[-1])
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{columns} and "
            f"{in_features}x{int(weight.shape[0])})"
        )
    if input.dim() != 2:
        # PyTorch flattens the leading dimensions into rows and views the result back.
        rows = linear(input.reshape(-1, in_features), weight, bias)
        return rows.reshape(*tuple(input.shape[:-1]), int(weight.shape[0]))
    if bias is None:
        return input.mm(weight.t())
    return ops.Addmm.apply(bias, input, weight.t())


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """2-D cross-correlation of (N, C, H, W) input with (O, C, kh, kw) filters
    (`ConvolutionBackward0`).

    out[n, o, i, j] = bias[o] + sum_{c, p, q} input_padded[n, c, i*sh + p, j*sw + q]
                                              * weight[o, c, p, q]
    """
    if groups != 1 or _pair(dilation) != (1, 1):
        raise NotImplementedError("autograd-kit's conv2d supports groups=1 and dilation=1 only")
    if input.dim() not in (3, 4):
        raise RuntimeError(
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            f"[{', '.join(str(int(n)) for n in input.shape)}]"
        )
    unbatched = input.dim() == 3
    if unbatched:
        input = input.unsqueeze(0)
    stride, padding = _pair(stride), _pair(padding)
    channels = int(weight.shape[1])
    if int(input.shape[1]) != channels:
        raise RuntimeError(
            f"Given groups=1, weight of size [{', '.join(str(int(n)) for n in weight.shape)}], "
            f"expected input[{', '.join(str(int(n)) for n in input.shape)}] to have "
            f"{channels} channels, but got {int(input.shape[1])} channels instead"
        )
    padded_h = int(input.shape[2]) + 2 * padding[0]
    padded_w = int(input.shape[3]) + 2 * padding[1]
    kernel_h, kernel_w = int(weight.shape[2]), int(weight.shape[3])
    if padded_h < kernel_h or padded_w < kernel_w:
        raise RuntimeError(
            f"Calculated padded input size per channel: ({padded_h} x {padded_w}). "
            f"Kernel size: ({kernel_h} x {kernel_w}). Kernel size can't be greater than "
            "actual input size"
        )
    out = ops.Convolution.apply(input, weight, bias, stride=stride, padding=padding)
    return out.squeeze(0) if unbatched else out


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
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise RuntimeError(
            f"pad should be at most half of effective kernel size, but got "
            f"pad={padding[0] if padding[0] > kernel[0] // 2 else padding[1]}, "
            f"kernel_size={kernel[0] if padding[0] > kernel[0] // 2 else kernel[1]} and "
            "dilation=1"
        )
    if input.dim() not in (3, 4):
        raise RuntimeError(
            "non-empty 3D or 4D (batch mode) tensor expected for input"
        )
    channels, height, width = (int(n) for n in input.shape[-3:])
    out_h = (height + 2 * padding[0] - kernel[0]) // stride[0] + 1
    out_w = (width + 2 * padding[1] - kernel[1]) // stride[1] + 1
    if out_h < 1 or out_w < 1:
        raise RuntimeError(
            f"Given input size: ({channels}x{height}x{width}). Calculated output "
            f"size: ({channels}x{out_h}x{out_w}). Output size is too small"
        )
    return ops.MaxPool2DWithIndices.apply(input, kernel=kernel, stride=stride, padding=padding)


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """In training: zero each element with probability p and scale the rest by 1/(1-p)
    (one `MulBackward0` node with a random mask); otherwise the input itself."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    from .. import rand

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
    from .. import arange

    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1
    classes = arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


def _dtype_name(tensor) -> str:
    return {"float32": "CPUFloatType", "float64": "CPUDoubleType", "bool": "CPUBoolType",
            "int64": "CPULongType"}.get(str(tensor.dtype).rsplit(".", 1)[-1], str(tensor.dtype))


# ---- losses -------------------------------------------------------------------------------


def _check_same_size(input, target, name: str) -> None:
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({_shape_repr(target.shape)}) that is different to the input "
            f"size ({_shape_repr(input.shape)}). This will likely lead to incorrect results due "
            "to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
             weight=None):
    """mean((input - target)^2) (`MseLossBackward0`); d/d input = 2 (input - target) / n."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_same_size(input, target, "mse_loss")
    return ops.MseLoss.apply(input, target, reduction=reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
            weight=None):
    """mean(|input - target|): an `AbsBackward0` node, then `MeanBackward0` or `SumBackward0`."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_same_size(input, target, "l1_loss")
    return _reduce((input - target).abs(), reduction)


def _check_target(input, target) -> None:
    if "int" not in str(target.dtype) and "uint8" not in str(target.dtype):
        name = {"float32": "Float", "float64": "Double", "bool": "Bool"}.get(
            str(target.dtype).rsplit(".", 1)[-1], str(target.dtype))
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {name}")
    if input.dim() >= 2 and int(input.shape[0]) != int(target.shape[0] if target.dim() else 1):
        raise ValueError(
            f"Expected input batch_size ({int(input.shape[0])}) to match target batch_size "
            f"({int(target.shape[0]) if target.dim() else 1})."
        )


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean"):
    """-input[n, target[n]] for log-probabilities `input` (N, C) and classes `target` (N,)
    (`NllLossBackward0`).

    With class weights w and the mean reduction, the result is
    sum_n -w[t_n] input[n, t_n] / sum_n w[t_n], skipping targets equal to `ignore_index`.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_target(input, target)
    primitive = ops.NllLoss2D if input.dim() == 4 else ops.NllLoss
    return primitive.apply(input, target=target._array, weight=_array_or_none(weight),
                           reduction=reduction, ignore_index=ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0):
    """`nll_loss(log_softmax(input, 1), target)`: cross-entropy of raw scores (logits).

    PyTorch's graph is the same two nodes: `NllLossBackward0` fed by `LogSoftmaxBackward0`.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if "float" in str(target.dtype):
        raise NotImplementedError(
            "autograd-kit's cross_entropy takes class indices, not class probabilities"
        )
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
        )
    _check_target(input, target)
    class_dim = 0 if input.dim() == 1 else 1
    log_probs = log_softmax(input, class_dim)
    loss = nll_loss(log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    # Mix the hard target with the uniform distribution: (1-e) * nll + e * mean_c(-log p_c).
    classes = int(input.shape[class_dim])
    weighted = log_probs if weight is None else log_probs * weight.reshape(
        (classes,) + (1,) * (input.dim() - class_dim - 1))
    smooth = -weighted.sum(class_dim)
    keep = (target != ignore_index)
    smooth = smooth * keep.to(smooth.dtype)
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / keep.sum().to(smooth.dtype)
        else:
            from .. import where

            safe = where(keep, target, 0)
            smooth = smooth.sum() / (weight[safe] * keep.to(weight.dtype)).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return loss * (1.0 - label_smoothing) + smooth * (label_smoothing / classes)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean"):
    """-(t log p + (1 - t) log(1 - p)) with each log clamped at -100, as PyTorch does
    (`BinaryCrossEntropyBackward0`)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({_shape_repr(target.shape)}) that is different to the input "
            f"size ({_shape_repr(input.shape)}) is deprecated. Please ensure they have the "
            "same size."
        )
    return ops.BinaryCrossEntropy.apply(input, target, weight=_array_or_none(weight),
                                        reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction: str = "mean", pos_weight=None):
    """BCE of sigmoid(input), computed stably from the logits
    (`BinaryCrossEntropyWithLogitsBackward0`):
    loss = (1 - t) x + (1 + (pw - 1) t) * (log(1 + exp(-|x|)) + max(-x, 0))."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({_shape_repr(target.shape)}) must be the same as input size "
            f"({_shape_repr(input.shape)})"
        )
    return ops.BinaryCrossEntropyWithLogits.apply(
        input, target, weight=_array_or_none(weight), pos_weight=_array_or_none(pos_weight),
        reduction=reduction)


def _array_or_none(tensor):
    """Constant settings (class weights) go to a primitive as arrays: they get no gradient."""
    return None if tensor is None else tensor._array
