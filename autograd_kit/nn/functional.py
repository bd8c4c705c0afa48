"""`ak.nn.functional`: the stateless functions behind every layer and loss.

Each function is written with the core's differentiable ops, so its gradient comes from the
one engine in `autograd/graph.py`. Where PyTorch records a single graph node
(`ConvolutionBackward0`, `NllLossBackward0`, `MseLossBackward0`, ...), the function calls the
matching primitive from the neural-network modules of `ops/` (`activations.py`, `losses.py`,
`convolution.py`, `normalization.py`), so printed graphs match PyTorch's node for node.
"""

from __future__ import annotations

import math
import warnings

from .. import dtypes, ops
from .._errors import with_hint

__all__ = [
    "relu", "leaky_relu", "tanh", "sigmoid", "softmax", "log_softmax", "linear",
    "conv2d", "max_pool2d", "dropout", "batch_norm", "embedding", "one_hot", "mse_loss",
    "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    # ---- nn-more ----
    "gelu", "silu", "softplus", "elu", "relu6", "hardtanh", "normalize", "pad", "layer_norm",
    "avg_pool2d", "adaptive_avg_pool2d", "smooth_l1_loss", "huber_loss",
    # ---- recurrent ----
    "conv1d", "scaled_dot_product_attention",
    # ---- nn-tail ----
    "logsigmoid", "softsign", "tanhshrink", "hardswish", "hardsigmoid", "mish", "glu",
    "softmin", "prelu", "threshold", "celu", "selu", "hardshrink", "softshrink", "kl_div",
    "cosine_similarity", "pairwise_distance", "margin_ranking_loss", "triplet_margin_loss",
    "poisson_nll_loss", "gaussian_nll_loss", "hinge_embedding_loss",
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
    return input.softmax(dim, dtype=dtype)


def log_softmax(input, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """x - logsumexp(x, dim) (`LogSoftmaxBackward0`); the input NLL loss expects."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return input.log_softmax(dim, dtype=dtype)


# ---- layers -------------------------------------------------------------------------------


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
    """Cross-entropy of raw scores (logits) `input` against class indices or, when `target`
    has the input's shape, class probabilities.

    Class indices: `nll_loss(log_softmax(input, 1), target)`, PyTorch's two nodes
    `NllLossBackward0` fed by `LogSoftmaxBackward0`. Probabilities: -sum_c target_c
    log_softmax(input)_c, averaged over the samples. `label_smoothing` e mixes the target with
    the uniform distribution: (1 - e) * target + e / C.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
        )
    class_dim = 0 if input.dim() == 1 else 1
    if tuple(target.shape) == tuple(input.shape):
        return _cross_entropy_of_probabilities(input, target, weight, ignore_index, reduction,
                                               label_smoothing, class_dim)
    _check_target(input, target)
    log_probs = log_softmax(input, class_dim)
    loss = nll_loss(log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    # PyTorch's graph, node for node: the hard-target loss and the mean of -log p_c over the
    # classes (0 for ignored targets), mixed as (1 - e) * nll + e / C * smooth.
    smooth = -_class_weighted(log_probs, weight, class_dim).sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            smooth = smooth.sum() / weight[target.masked_select(~ignored)].sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    classes = int(input.shape[class_dim])
    return ops.MulScalar.apply(loss, 1 - label_smoothing) + \
        ops.MulScalar.apply(smooth, label_smoothing / classes)


def _class_weighted(values, weight, class_dim: int):
    """values * weight, the class weights laid along `class_dim` (no change without weight)."""
    if weight is None:
        return values
    shape = [1] * values.dim()
    shape[class_dim] = int(weight.shape[0])
    return values * weight.view(shape)


def _cross_entropy_of_probabilities(input, target, weight, ignore_index: int, reduction: str,
                                    label_smoothing: float, class_dim: int):
    """-sum_c target_c log_softmax(input)_c (`NegBackward0` of a `SumBackward`), divided by
    the number of samples for "mean" (`DivBackward1`)."""
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if not target.dtype.is_floating_point:
        name = dtypes.LEGACY_NAMES[target.dtype.name].removesuffix("Tensor")
        raise RuntimeError(
            f"Expected floating point type for target with class probabilities, got {name}"
        )
    classes = int(input.shape[class_dim])
    log_probs = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    products = _class_weighted(log_probs * target, weight, class_dim)
    if reduction == "none":
        return -products.sum(class_dim)
    if reduction == "sum":
        return -products.sum()
    return ops.DivScalar.apply(-products.sum(), input.numel() / classes)


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


# ---- nn-more: activations ----------------------------------------------------------------------


def _check_floating(input, kernel: str) -> None:
    """PyTorch has no integer kernel for these activations: refuse as it does."""
    if not input.dtype.is_floating_point:
        name = dtypes.LEGACY_NAMES[input.dtype.name].removesuffix("Tensor")
        raise NotImplementedError(f'"{kernel}" not implemented for \'{name}\'')


def _maybe_inplace(input, primitive, inplace: bool, **settings):
    """``primitive`` applied to input, written into input's own memory when ``inplace``."""
    if inplace:
        from ..ops.inplace import _inplace

        return _inplace(input, primitive, **settings)
    return primitive.apply(input, **settings)


def gelu(input, approximate: str = "none"):
    """x * Phi(x), Phi the standard normal distribution function (`GeluBackward0`);
    approximate="tanh" uses x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    Example:
        >>> ak.nn.functional.gelu(ak.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_floating(input, "GeluKernelImpl")
    return ops.Gelu.apply(input, approximate=approximate)


def silu(input, inplace: bool = False):
    """x * sigmoid(x), also called swish (`SiluBackward0`)."""
    _check_floating(input, "silu_cpu")
    return _maybe_inplace(input, ops.Silu, inplace)


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """log(1 + exp(beta x)) / beta, a smooth ReLU (`SoftplusBackward0`); where beta x >
    threshold it is x itself."""
    _check_floating(input, "softplus_cpu")
    return ops.Softplus.apply(input, beta=beta, threshold=threshold)


def elu(input, alpha: float = 1.0, inplace: bool = False):
    """x where x > 0, alpha (exp(x) - 1) elsewhere (`EluBackward0`; in place `EluBackward1`)."""
    _check_floating(input, "elu_cpu")
    return _maybe_inplace(input, ops.EluInplace if inplace else ops.Elu, inplace, alpha=alpha)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """x clamped to [min_val, max_val] (`HardtanhBackward0`); the gradient is 1 strictly
    inside, 0 elsewhere."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, ops.Hardtanh, inplace, min_val=min_val, max_val=max_val)


def relu6(input, inplace: bool = False):
    """min(max(x, 0), 6): `hardtanh(x, 0, 6)`, recorded as `HardtanhBackward0` as in PyTorch."""
    return hardtanh(input, 0.0, 6.0, inplace)


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


# ---- nn-more: layers -------------------------------------------------------------------------


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


# ---- nn-more: losses -----------------------------------------------------------------------


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0):
    """(input - target)^2 / (2 beta) where |input - target| < beta, else |input - target| -
    beta/2 (`SmoothL1LossBackward0`); beta = 0 is the L1 loss."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    _check_same_size(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return ops.SmoothL1Loss.apply(input, target, reduction=reduction, beta=beta)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    """(input - target)^2 / 2 where |input - target| <= delta, else delta (|input - target| -
    delta/2) (`HuberLossBackward0`): quadratic near 0, linear (slope delta) far away."""
    _check_reduction(reduction)
    _check_same_size(input, target, "huber_loss")
    if weight is not None:
        raise NotImplementedError("autograd-kit's huber_loss does not take weight")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return ops.HuberLoss.apply(input, target, reduction=reduction, delta=delta)


# ---- recurrent: layers ---------------------------------------------------------------------


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
        from .. import ones

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
    from .. import zeros

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
    from .. import where

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


# ---- nn-tail: activations --------------------------------------------------------------------

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), computed stably (`LogSigmoidBackward0`)."""
    _check_floating(input, "log_sigmoid_cpu")
    return ops.LogSigmoid.apply(input)


def softsign(input):
    """x / (1 + |x|): PyTorch's graph is `AbsBackward0` -> `AddBackward0` -> `DivBackward0`."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x) (`SubBackward0` fed by `TanhBackward0`)."""
    return input - input.tanh()


def hardswish(input, inplace: bool = False):
    """x * relu6(x + 3) / 6, MobileNetV3's cheap swish (`HardswishBackward0`)."""
    _check_floating(input, "hardswish_cpu")
    return _maybe_inplace(input, ops.Hardswish, inplace)


def hardsigmoid(input, inplace: bool = False):
    """relu6(x + 3) / 6, a piecewise-linear sigmoid (`HardsigmoidBackward0`)."""
    _check_floating(input, "hardsigmoid_cpu")
    return _maybe_inplace(input, ops.Hardsigmoid, inplace)


def mish(input, inplace: bool = False):
    """x * tanh(softplus(x)) (`MishBackward0`).

    Example:
        >>> ak.nn.functional.mish(ak.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.3034,  0.0000,  0.8651])
    """
    _check_floating(input, "mish_cpu")
    return _maybe_inplace(input, ops.Mish, inplace)


def glu(input, dim: int = -1):
    """a * sigmoid(b), where a and b are the first and second halves of the input along
    `dim` (`GluBackward0`): the gated linear unit; `dim` must have an even size."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _wrapped_dim(dim, input.dim())
    if int(input.shape[dim]) % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {dim} is size {int(input.shape[dim])}"
        )
    _check_floating(input, "glu_cpu")
    return ops.Glu.apply(input, dim=dim)


def _wrapped_dim(dim: int, ndim: int) -> int:
    if not -ndim <= dim < ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got "
            f"{dim})"
        )
    return dim % ndim


def softmin(input, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """softmax(-x, dim): small scores get large probabilities (`SoftmaxBackward0` fed by
    `NegBackward0`)."""
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    last = input.dim() <= 1 or _wrapped_dim(dim, input.dim()) == input.dim() - 1
    _check_floating(input, "softmax_lastdim_kernel_impl" if last else "softmax_kernel_impl")
    return (-input).softmax(dim)


def prelu(input, weight):
    """x where x > 0, weight * x elsewhere, with one learnt slope per channel (dim 1) or one
    for all (`PreluKernelBackward0`; the weight is first viewed to broadcast over the input,
    `ViewBackward0`)."""
    channels = int(input.shape[1]) if input.dim() > 1 else 1
    if weight.numel() not in (1, channels):
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{weight.numel()} and channel size = {channels}."
        )
    _check_floating(input, "prelu_cpu")
    if input.dim() != weight.dim():
        shape = [1] * input.dim()
        if input.dim() > 1:
            shape[1] = weight.numel()
        weight = weight.reshape(shape)
    return ops.PreluKernel.apply(input, weight)


def threshold(input, threshold: float, value: float, inplace: bool = False):
    """x where x > threshold, else value (`ThresholdBackward0`; in place
    `ThresholdBackward1`)."""
    primitive = ops.ThresholdInplace if inplace else ops.Threshold
    return _maybe_inplace(input, primitive, inplace, threshold=threshold, value=value)


def celu(input, alpha: float = 1.0, inplace: bool = False):
    """x where x > 0, alpha (exp(x / alpha) - 1) elsewhere (`CeluBackward0`; in place
    `CeluBackward1`): an ELU whose slope at 0 is 1 for every alpha."""
    _check_floating(input, "elu_cpu")
    primitive = ops.CeluInplace if inplace else ops.Celu
    return _maybe_inplace(input, primitive, inplace, alpha=alpha, input_scale=1.0 / alpha)


def selu(input, inplace: bool = False):
    """scale * elu(x, alpha) with PyTorch's fixed alpha ~ 1.6733 and scale ~ 1.0507, chosen so
    activations keep mean 0 and variance 1; PyTorch records it as `EluBackward0`
    (in place `EluBackward1`)."""
    _check_floating(input, "elu_cpu")
    primitive = ops.EluInplace if inplace else ops.Elu
    return _maybe_inplace(input, primitive, inplace, alpha=_SELU_ALPHA, scale=_SELU_SCALE)


def hardshrink(input, lambd: float = 0.5):
    """x where |x| > lambd, else 0 (`HardshrinkBackward0`)."""
    _check_floating(input, "hardshrink_cpu")
    return ops.Hardshrink.apply(input, lambd=lambd)


def softshrink(input, lambd: float = 0.5):
    """x shrunk towards 0 by lambd, and 0 where |x| <= lambd (`SoftshrinkBackward0`)."""
    _check_floating(input, "softshrink_check")
    return ops.Softshrink.apply(input, lambd=lambd)


# ---- nn-tail: losses and distances -----------------------------------------------------------


def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False):
    """KL(target || exp(input)) for log-probabilities `input`: target (log target - input)
    elementwise, a `SubBackward0` of a `MulBackward0` as in PyTorch; "batchmean" is the sum
    divided by the batch size (the true KL divergence per sample), "mean" divides by the
    number of elements (and warns, as PyTorch does).

    Example:
        >>> p = ak.tensor([[0.5, 0.5]])
        >>> ak.nn.functional.kl_div(ak.tensor([[0.25, 0.75]]).log(), p, reduction="batchmean")
        tensor(0.1438)
    """
    from .. import where

    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=2,
        )
    if reduction != "batchmean":
        _check_reduction(reduction)
    if log_target:
        losses = target.exp() * (target - input)
    else:  # xlogy(t, t) - t * input, with 0 log 0 = 0
        losses = where(target > 0, target * target.log(), 0.0) - target * input
    if reduction == "batchmean":
        total = losses.sum()
        return total / int(input.shape[0]) if input.dim() != 0 else total
    return _reduce(losses, reduction)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """sum(x1 * x2) / (||x1|| ||x2||) along `dim`, each norm clamped to at least eps.

    As in PyTorch each input is divided by its own norm first (the result stays in [-1, 1]):
    `(x1 / ||x1||) * (x2 / ||x2||)` summed over `dim`; the clamp happens outside the graph.
    """
    from .. import broadcast_shapes, no_grad

    if tuple(x1.shape) != tuple(x2.shape):  # (PyTorch then expands both, ExpandBackward0)
        shape = broadcast_shapes(x1.shape, x2.shape)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    norms = []
    for x in (x1, x2):
        norm = x.norm(2, dim, keepdim=True).clone()
        with no_grad():
            norm.clamp_(min=eps)
        norms.append(norm)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    """||x1 - x2 + eps||_p over the last dimension (`NormBackward1` of `AddBackward1`, the
    eps keeping the gradient finite where x1 = x2)."""
    last = max(x1.dim(), x2.dim()) - 1
    shifted = ops.AddScalar.apply(x1 - x2, eps)
    return ops.Norm.apply(shifted, dims=(last,) if last >= 0 else (), keepdim=keepdim, ord=p)


def margin_ranking_loss(input1, input2, target, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean"):
    """max(0, -target (input1 - input2) + margin): target 1 asks input1 to rank higher by at
    least margin, -1 lower."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {_shape_repr(input1.shape)}, input2: {_shape_repr(input2.shape)}, "
            f"target: {_shape_repr(target.shape)} "
        )
    unclamped = ops.AddScalar.apply(-target * (input1 - input2), margin)
    return _reduce(unclamped.clamp_min(0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean"):
    """max(0, d(anchor, positive) + margin - d(anchor, negative)), d the pairwise p-distance;
    with swap, d(anchor, negative) is replaced by d(positive, negative) where that is smaller."""
    from .. import minimum

    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.dim() == positive.dim() == negative.dim():
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
            f"negative {negative.dim()}D inputs"
        )
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = minimum(to_negative, pairwise_distance(positive, negative, p, eps))
    losses = (ops.AddScalar.apply(to_positive, margin) - to_negative).clamp_min(0)
    return _reduce(losses, reduction)


def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None, reduction: str = "mean"):
    """Negative log-likelihood of a Poisson count `target` with rate exp(input) (or `input`
    itself with log_input=False): exp(input) - target * input, or input - target log(input +
    eps); `full` adds Stirling's term target log target - target + log(2 pi target) / 2 where
    target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    if log_input:
        losses = input.exp() - target * input
    else:
        losses = input - target * ops.AddScalar.apply(input, eps).log()
    if full:
        stirling = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        losses = losses + stirling.masked_fill(target <= 1, 0)
    return _reduce(losses, reduction)


def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean"):
    """Negative log-likelihood of `target` under a normal distribution with mean `input` and
    variance `var` (clamped to at least eps): (log var + (input - target)^2 / var) / 2, plus
    log(2 pi) / 2 with `full`. `var` may have one dimension fewer (or one of size 1): one
    variance shared along it."""
    from .. import no_grad, ones_like

    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim() and sum(
                int(v) for i, v in zip(input.shape, var.shape) if int(i) != int(v)) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean"):
    """input where target is 1, max(0, margin - input) where target is -1 (distances of
    similar and dissimilar pairs)."""
    from .. import full_like, where, zeros_like

    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    zeros = zeros_like(input)
    # (PyTorch fills a tensor with margin and subtracts: SubBackward0, not RsubBackward1)
    below_margin = (full_like(input, margin) - input).clamp_min(0)
    losses = where(target != 1, below_margin, zeros) + where(target != -1, input, zeros)
    return _reduce(losses, reduction)
