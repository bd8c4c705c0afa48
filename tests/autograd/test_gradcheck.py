"""gradcheck and gradgradcheck: agreement with PyTorch's, and every primitive checked with both
(first, second and, through its create_graph gradient, third derivatives).

The table ``CASES`` has one row per primitive in ``ops.PRIMITIVES`` (a new primitive without
a row fails ``test_every_primitive_has_a_case``). Each row is a small float64 expression that
really records that primitive, evaluated away from kinks (no ties for max, no zeros for abs)
so finite differences are meaningful.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import autograd_kit as ak
import autograd_kit.nn.functional as F
from autograd_kit import ops
from autograd_kit.autograd.gradcheck import GradcheckError

RNG = np.random.default_rng(4)


def arr(*shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, shape)


def positive(*shape):
    return arr(*shape, low=0.5, high=2.0)


def away_from_zero(*shape):
    """Values in +-[0.3, 2]: abs, relu and sign are smooth there."""
    return RNG.uniform(0.3, 2.0, shape) * RNG.choice([-1.0, 1.0], shape)


def distinct(*shape):
    """A permutation of well separated values: max/min and pooling have no ties."""
    values = np.arange(int(np.prod(shape)), dtype=np.float64) * 0.37 - 1.0
    return RNG.permutation(values).reshape(shape)


def beside(tensor, values):
    """Integer constants (indices, class targets) on the same device as ``tensor``."""
    return ak.tensor(values, device=tensor.device)


def on_clone(method, *args):
    """Apply an in-place method to a clone (a leaf that requires grad cannot be modified)."""

    def run(a, *tensors):
        out = a.clone()
        getattr(out, method)(*args, *tensors)
        return out

    return run


def through_a_view(a, w):
    """Change a view in place: the base records CopySlices, the view AsStridedBackward0."""
    out = a.clone()
    view = out.t()[1:]
    view.mul_(w)
    return view * out.sum()


def set_rows(a, b):
    out = a.clone()
    out[1:] = b
    return out


IM2COL = {"kernel": (2, 2), "stride": (1, 1), "padding": (1, 0)}

# primitive -> (function of ak tensors, input arrays, indices of inputs that require grad)
CASES = {
    # elementwise
    "Add": (lambda a, b: a + b, [arr(2, 3), arr(3)], None),
    "Sub": (lambda a, b: a.sub(b, alpha=2), [arr(2, 3), arr(2, 1)], None),
    "Rsub": (lambda a: 2 - a, [arr(3)], None),
    "Mul": (lambda a, b: a * b, [arr(2, 1, 3), arr(4, 1)], None),
    "Div": (lambda a, b: a / b, [arr(3, 2), positive(2)], None),
    "Reciprocal": (lambda a: a.reciprocal(), [positive(4)], None),
    "Neg": (lambda a: -a, [arr(3)], None),
    "Pow": (lambda a: a**3, [arr(4)], None),
    "PowTensor": (lambda a, b: a**b, [positive(3), arr(3)], None),
    "PowScalarBase": (lambda a: 2**a, [arr(3)], None),
    "Exp": (lambda a: a.exp(), [arr(2, 3)], None),
    "Log": (lambda a: a.log(), [positive(4)], None),
    "Sqrt": (lambda a: a.sqrt(), [positive(4)], None),
    "Rsqrt": (lambda a: a.rsqrt(), [positive(4)], None),
    "Abs": (lambda a: a.abs(), [away_from_zero(5)], None),
    "Sign": (lambda a: a.sign() * a, [away_from_zero(5)], None),
    "Sin": (lambda a: a.sin(), [arr(4)], None),
    "Cos": (lambda a: a.cos(), [arr(4)], None),
    "Tanh": (lambda a: a.tanh(), [arr(4)], None),
    "Sigmoid": (lambda a: a.sigmoid(), [arr(4)], None),
    "Relu": (lambda a: a.relu(), [away_from_zero(6)], None),
    "Clamp": (lambda a: a.clamp(-1, 1), [np.array([-1.7, -0.4, 0.2, 0.9, 1.5])], None),
    "Where": (lambda c, a, b: ak.where(c > 0, a, b), [arr(2, 3), arr(2, 3), arr(3)], [1, 2]),
    "Maximum": (lambda a, b: ak.maximum(a, b), [distinct(4), distinct(4) + 0.1], None),
    "Minimum": (lambda a, b: ak.minimum(a, b), [distinct(4), distinct(4) + 0.1], None),
    # ToCopy crosses devices and back (strict:2 is array-api-strict's device2, see conftest.py)
    "ToCopy": (lambda a: (a.to("strict:2") * 2).to(a.device), [arr(3)], None),
    "Clone": (lambda a: a.clone(), [arr(3)], None),
    # reductions
    "Sum": (lambda a: a.sum(), [arr(3, 2)], None),
    "SumDim": (lambda a: a.sum(0, keepdim=True), [arr(3, 2)], None),
    "Mean": (lambda a: a.mean(), [arr(3, 2)], None),
    "MeanDim": (lambda a: a.mean(-1), [arr(3, 2)], None),
    "MaxAll": (lambda a: a.max(), [distinct(3, 2)], None),
    "MinAll": (lambda a: a.min(), [distinct(3, 2)], None),
    "MaxDim": (lambda a: a.max(1).values, [distinct(3, 2)], None),
    "MinDim": (lambda a: a.min(0, keepdim=True)[0], [distinct(3, 2)], None),
    "Prod": (lambda a: a.prod(), [away_from_zero(4)], None),
    "ProdDim": (lambda a: a.prod(1), [away_from_zero(2, 3)], None),
    "Var": (lambda a: a.var(0), [arr(3, 2)], None),
    "Std": (lambda a: a.std(), [arr(3, 2)], None),
    "Softmax": (lambda a: a.softmax(1), [arr(2, 3)], None),
    "LogSoftmax": (lambda a: a.log_softmax(-1), [arr(2, 3)], None),
    "Logsumexp": (lambda a: a.logsumexp(1), [arr(2, 3)], None),
    # shape
    "View": (lambda a: a.view(6), [arr(2, 3)], None),
    "ReshapeAlias": (lambda a: a[:, 1:].reshape(2, -1), [arr(2, 3, 4)], None),
    "UnsafeView": (lambda a: a.t().reshape(-1), [arr(2, 3)], None),
    "Permute": (lambda a: a.permute(2, 0, 1), [arr(2, 1, 3)], None),
    "T": (lambda a: a.t(), [arr(2, 3)], None),
    "Transpose": (lambda a: a.transpose(0, 2), [arr(2, 1, 3)], None),
    "Squeeze": (lambda a: a.squeeze(), [arr(1, 3, 1)], None),
    "SqueezeDim": (lambda a: a.squeeze(0), [arr(1, 3)], None),
    "Unsqueeze": (lambda a: a.unsqueeze(1), [arr(3)], None),
    "Expand": (lambda a, w: a.expand(2, 3) * w, [arr(3), arr(2, 1)], [0]),
    "Cat": (lambda a, b: ak.cat([a, b], dim=1), [arr(2, 2), arr(2, 1)], None),
    "Stack": (lambda a, b: ak.stack([a, b], dim=1), [arr(2, 2), arr(2, 2)], None),
    "Slice": (lambda a: a[1:, ::2], [arr(3, 3)], None),
    "Select": (lambda a: a[..., 1], [arr(2, 3)], None),
    "Alias": (lambda a: a[...] * a[()], [arr(2, 3)], None),
    "Index": (lambda a: a[[0, 2, 0]], [arr(3, 2)], None),
    "IndexPut": (
        lambda a: ops.IndexPut.apply(a, shape=(3, 2), key=(beside(a, [0, 2, 0])._array,)),
        [arr(3, 2)],
        None,
    ),
    "SetItem": (set_rows, [arr(3, 2), arr(2)], None),
    "Zero": (on_clone("zero_"), [arr(3)], None),
    "Fill": (on_clone("fill_", 2.5), [arr(3)], None),
    "Copy": (on_clone("copy_"), [arr(2, 3), arr(3)], None),
    "ThresholdBackward": (
        lambda a: ak.autograd.grad((a.relu() ** 3).sum(), a, create_graph=True)[0],
        [away_from_zero(2, 3)],
        None,
    ),
    "LinalgVectorNorm": (lambda a: a.norm(dim=1), [arr(2, 3)], None),
    "Amax": (lambda a: a.amax(1), [distinct(2, 3)], None),
    "Amin": (lambda a: a.amin((0, 1)), [distinct(2, 3)], None),
    "AsStrided": (through_a_view, [arr(2, 3), arr(2)], None),
    # matmul
    "Mm": (lambda a, b: a @ b, [arr(2, 3), arr(3, 2)], None),
    "Mv": (lambda a, b: a @ b, [arr(2, 3), arr(3)], None),
    "Dot": (lambda a, b: a @ b, [arr(3), arr(3)], None),
    "Bmm": (lambda a, b: ak.bmm(a, b), [arr(2, 2, 3), arr(2, 3, 2)], None),
    # neural-network section
    "Addmm": (lambda x, w, b: F.linear(x, w, b), [arr(2, 3), arr(2, 3), arr(2)], None),
    "Im2Col": (lambda x: ops.Im2Col.apply(x, **IM2COL), [arr(1, 2, 3, 3)], None),
    "Col2Im": (
        lambda rows: ops.Col2Im.apply(rows, shape=(1, 2, 3, 3), **IM2COL),
        [arr(8, 8)],
        None,
    ),
    "Convolution": (
        lambda x, w, b: F.conv2d(x, w, b, padding=1),
        [arr(1, 2, 3, 3), arr(2, 2, 2, 2), arr(2)],
        None,
    ),
    "MaxPool2DWithIndices": (lambda x: F.max_pool2d(x, 2), [distinct(1, 1, 4, 4)], None),
    "Embedding": (
        lambda w: F.embedding(beside(w, [[0, 2], [2, 1]]), w),
        [arr(3, 2)],
        None,
    ),
    "NativeBatchNorm": (
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        [arr(4, 2), positive(2), arr(2)],
        None,
    ),
    "MseLoss": (lambda a, b: F.mse_loss(a, b), [arr(2, 3), arr(2, 3)], None),
    "NllLoss": (lambda a: F.nll_loss(a, beside(a, [0, 2, 1])), [arr(3, 3)], None),
    "NllLoss2D": (
        lambda a: F.nll_loss(a, beside(a, [[[0, 1], [1, 0]]])),
        [arr(1, 2, 2, 2)],
        None,
    ),
    "BinaryCrossEntropy": (
        lambda p, t: F.binary_cross_entropy(p, t),
        [RNG.uniform(0.1, 0.9, (2, 2)), RNG.uniform(0.0, 1.0, (2, 2))],
        [0],
    ),
    "BinaryCrossEntropyWithLogits": (
        lambda x, t: F.binary_cross_entropy_with_logits(x, t),
        [arr(2, 2), RNG.uniform(0.0, 1.0, (2, 2))],
        [0],
    ),
    # ---- nn-more ----
    "Erf": (lambda a: a.erf(), [arr(2, 3)], None),
    "ClampMin": (lambda a: a.clamp_min(0.1), [np.array([-1.3, -0.2, 0.4, 1.7])], None),
    "ClampMax": (lambda a: a.clamp_max(0.1), [np.array([-1.3, -0.2, 0.4, 1.7])], None),
    # unbind and split: one node with an output per part (autograd.Functions, not primitives)
    "Unbind": (lambda a: a.unbind(1)[0] * 2 + a.unbind(1)[2], [arr(3, 4)], None),
    "Split": (lambda a: a.split(2, dim=1)[1] * 3, [arr(3, 4)], None),
    "SplitWithSizes": (lambda a: a.split([1, 3])[1].sin(), [arr(4, 2)], None),
    "Gelu": (lambda x: F.gelu(x), [arr(2, 3)], None),
    "Silu": (lambda x: F.silu(x), [arr(2, 3)], None),
    # (beta x beyond the threshold takes the other branch: one element of each kind)
    "Softplus": (lambda x: F.softplus(x, beta=2.0, threshold=1.5), [arr(2, 3)], None),
    "Elu": (lambda x: F.elu(x, alpha=0.7), [away_from_zero(2, 3)], None),
    "EluInplace": (lambda x: F.elu(x * 1, alpha=0.7, inplace=True), [away_from_zero(2, 3)], None),
    "Hardtanh": (
        lambda x: F.hardtanh(x, -1.0, 0.5), [np.array([-1.6, -0.7, 0.1, 0.3, 1.2])], None
    ),
    "ConstantPadNd": (lambda x: F.pad(x, (1, -1, 2, 0), value=0.5), [arr(2, 3, 3)], None),
    "NativeLayerNorm": (
        lambda x, w, b: F.layer_norm(x, (3,), w, b),
        [arr(2, 3), positive(3), arr(3)],
        None,
    ),
    "AvgPool2D": (
        lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
        [arr(1, 2, 4, 4)],
        None,
    ),
    "AdaptiveAvgPool2D": (lambda x: F.adaptive_avg_pool2d(x, (2, 3)), [arr(1, 1, 3, 4)], None),
    "SmoothL1Loss": (lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), [arr(2, 3), arr(2, 3)], None),
    "HuberLoss": (lambda a, b: F.huber_loss(a, b, delta=0.8), [arr(2, 3), arr(2, 3)], None),
    "ReflectionPad1D": (lambda x: F.pad(x, (2, 1), mode="reflect"), [arr(2, 4)], None),
    "ReflectionPad2D": (lambda x: F.pad(x, (1, -1, 2, 0), mode="reflect"), [arr(1, 3, 3)], None),
    "ReflectionPad3D": (
        lambda x: F.pad(x, (1, 0, 0, 1, 1, 1), mode="reflect"), [arr(1, 2, 2, 2)], None
    ),
    "ReplicationPad1D": (lambda x: F.pad(x, (3, 1), mode="replicate"), [arr(1, 2, 3)], None),
    "ReplicationPad2D": (lambda x: F.pad(x, (2, 0, 1, 3), mode="replicate"), [arr(2, 2, 3)], None),
    "ReplicationPad3D": (
        lambda x: F.pad(x, (0, 1, 2, 0, 1, 0), mode="replicate"), [arr(1, 1, 2, 2, 2)], None
    ),
    # ---- shape-index ----
    "Flip": (lambda a: a.flip(0, 2), [arr(2, 3, 2)], None),
    "Roll": (lambda a: a.roll((1, -1), (0, 1)), [arr(2, 3)], None),
    "Repeat": (lambda a: a.repeat(2, 1, 3), [arr(2, 2)], None),
    "Gather": (lambda a: a.gather(1, beside(a, [[0, 0], [2, 1]])), [arr(2, 3)], None),
    "IndexSelect": (lambda a: a.index_select(1, beside(a, [2, 0, 2])), [arr(2, 3)], None),
    "MaskedSelect": (
        lambda a, m: a.masked_select(m > 0),
        [arr(3), np.array([[1.0], [-1.0]])],  # (a mask that selects something)
        [0],
    ),
    "Take": (lambda a: a.take(beside(a, [[5, 0], [5, 2]])), [arr(2, 3)], None),
    "ScatterAdd": (
        lambda a, b: a.scatter_add(1, beside(a, [[0, 0], [2, 1]]), b),
        [arr(2, 3), arr(2, 2)],
        None,
    ),
    "IndexAdd": (
        lambda a, b: a.index_add(0, beside(a, [1, 1, 0]), b, alpha=0.5),
        [arr(2, 3), arr(3, 3)],
        None,
    ),
    "Scatter": (
        lambda a, b: a.scatter(1, beside(a, [[0, 2], [2, 1]]), b),
        [arr(2, 3), arr(2, 2)],
        None,
    ),
    "ScatterValue": (lambda a: a.scatter(0, beside(a, [[1, 0, 1]]), 2.5), [arr(2, 3)], None),
    "Diagonal": (lambda a: a.diagonal(1, 2, 0), [arr(3, 2, 4)], None),
    "DiagonalCopy": (lambda a: ak.diag(a, -1), [arr(3, 3)], None),
    "DiagEmbed": (lambda a: ak.diag(a, 1), [arr(3)], None),
    "Tril": (lambda a: a.tril(), [arr(2, 3, 3)], None),
    "Triu": (lambda a: a.triu(-1), [arr(3, 4)], None),
    "Trace": (lambda a: a.trace(), [arr(3, 4)], None),
    # ---- scans-linalg ----
    "Cumsum": (lambda a: a.cumsum(1), [arr(2, 3)], None),
    "Cumprod": (lambda a: a.cumprod(-1), [away_from_zero(2, 4)], None),
    "Sort": (lambda a: a.sort(0, descending=True).values, [distinct(3, 2)], None),
    "SortStable": (lambda a: ak.sort(a, stable=True).values, [distinct(2, 3)], None),
    "Topk": (lambda a: a.topk(2).values, [distinct(2, 3)], None),
    "Kthvalue": (lambda a: a.kthvalue(2, 0, keepdim=True).values, [distinct(3, 2)], None),
    "MedianAll": (lambda a: a.median(), [distinct(3, 2)], None),
    "MedianDim": (lambda a: a.median(1).values, [distinct(2, 3)], None),
    # A diagonal (ii), a contraction (j) and a letter summed inside one operand (l).
    "Einsum": (lambda a, b: ak.einsum("iij,jkl->ki", a, b), [arr(2, 2, 3), arr(3, 2, 2)], None),
    "Dist": (lambda a, b: a.dist(b, 3), [arr(2, 3), arr(3)], None),
    "Cdist": (lambda a, b: ak.cdist(a, b), [arr(2, 3, 2), arr(1, 4, 2)], None),
    # ---- elementwise ----
    "Log1p": (lambda a: a.log1p(), [positive(4)], None),
    "Expm1": (lambda a: a.expm1(), [arr(4)], None),
    "Log2": (lambda a: a.log2(), [positive(4)], None),
    "Log10": (lambda a: a.log10(), [positive(4)], None),
    "Exp2": (lambda a: a.exp2(), [arr(4)], None),
    "Tan": (lambda a: a.tan(), [arr(4, low=-1.2, high=1.2)], None),
    "Asin": (lambda a: a.asin(), [arr(4, low=-0.8, high=0.8)], None),
    "Acos": (lambda a: a.acos(), [arr(4, low=-0.8, high=0.8)], None),
    "Atan": (lambda a: a.atan(), [arr(4)], None),
    "Sinh": (lambda a: a.sinh(), [arr(4)], None),
    "Cosh": (lambda a: a.cosh(), [arr(4)], None),
    # Rounding: values well inside their steps, where the derivative really is 0 (or 1).
    "Floor": (lambda a: a.floor() * a, [np.array([0.3, -1.4, 2.6])], None),
    "Ceil": (lambda a: a.ceil() * a, [np.array([0.3, -1.4, 2.6])], None),
    "Trunc": (lambda a: a.trunc() * a, [np.array([0.3, -1.4, 2.6])], None),
    "Round": (lambda a: a.round() * a, [np.array([0.3, -1.4, 2.6])], None),
    "RoundDecimals": (lambda a: a.round(decimals=1) * a, [np.array([0.33, -1.47, 2.61])], None),
    "Frac": (lambda a: a.frac() * a, [np.array([0.3, -1.4, 2.6])], None),
    "Atan2": (lambda a, b: ak.atan2(a, b), [arr(2, 3), away_from_zero(3)], None),
    "Hypot": (lambda a, b: ak.hypot(a, b), [away_from_zero(2, 3), away_from_zero(3)], None),
    "Logaddexp": (lambda a, b: ak.logaddexp(a, b), [arr(2, 3), arr(3)], None),
    # fmod and %: x / y kept away from whole numbers, where they jump.
    "Fmod": (lambda a: a.fmod(1.5) * a, [np.array([0.4, -2.0, 3.7])], None),
    "FmodTensor": (
        lambda a, b: ak.fmod(a, b),
        [np.array([[0.4, -2.0, 3.7], [1.1, 2.5, -0.3]]), np.array([0.7, -1.3, 1.6])],
        None,
    ),
    "Remainder": (lambda a: (a % -1.5) * a, [np.array([0.4, -2.0, 3.7])], None),
    "RemainderTensor": (
        lambda a, b: a % b,
        [np.array([[0.4, -2.0, 3.7], [1.1, 2.5, -0.3]]), np.array([0.7, -1.3, 1.6])],
        None,
    ),
    "Lerp": (lambda a, b: a.lerp(b, 0.3), [arr(2, 3), arr(3)], None),
    "LerpTensor": (lambda a, b, w: ak.lerp(a, b, w), [arr(3), arr(2, 3), arr(2, 1)], None),
    "Addcmul": (
        lambda a, b, c: a.addcmul(b, c, value=0.5), [arr(2, 3), arr(3), arr(2, 1)], None
    ),
    "Addcdiv": (
        lambda a, b, c: ak.addcdiv(a, b, c, value=-2), [arr(2, 3), arr(3), positive(2, 1)], None
    ),
    "NanToNum": (lambda a: a.nan_to_num() * a, [arr(4)], None),
    # ---- matmul-graph ----
    "SqueezeInplace": (lambda a: (a * 1).squeeze_(), [arr(1, 3, 1)], None),
    "SqueezeDimInplace": (lambda a, b: a @ b, [arr(3), arr(3, 2)], None),
    "UnsqueezeInplace": (lambda a: (a * 1).unsqueeze_(-1), [arr(3)], None),
    # ---- nn-tail ----
    "LogSigmoid": (lambda x: F.logsigmoid(x * 3), [arr(2, 3)], None),
    # (one value on each piece, away from the corners at -3 and 3)
    "Hardswish": (lambda x: F.hardswish(x), [np.array([-4.1, -1.3, 0.4, 2.2, 3.7])], None),
    "Hardsigmoid": (lambda x: F.hardsigmoid(x), [np.array([-4.1, -1.3, 0.4, 2.2, 3.7])], None),
    "Mish": (lambda x: F.mish(x * 2), [arr(2, 3)], None),
    "Glu": (lambda x: F.glu(x, 0), [arr(4, 3)], None),
    "PreluKernel": (lambda x, w: F.prelu(x, w), [away_from_zero(2, 3, 2), arr(3)], None),
    "Threshold": (
        lambda x: F.threshold(x, 0.2, -1.5), [np.array([-1.2, 0.1, 0.5, 1.7])], None
    ),
    "ThresholdInplace": (
        lambda x: F.threshold(x * 1, 0.2, -1.5, inplace=True), [np.array([-1.2, 0.5])], None
    ),
    "Celu": (lambda x: F.celu(x, alpha=0.7), [away_from_zero(2, 3)], None),
    "CeluInplace": (lambda x: F.celu(x * 1, 1.5, inplace=True), [away_from_zero(2, 3)], None),
    "Hardshrink": (
        lambda x: F.hardshrink(x, 0.5), [np.array([-1.4, -0.2, 0.3, 0.9])], None
    ),
    "Softshrink": (
        lambda x: F.softshrink(x, 0.5), [np.array([-1.4, -0.2, 0.3, 0.9])], None
    ),
    "AddScalar": (lambda x: ops.AddScalar.apply(x, 0.5), [arr(2, 3)], None),
    "MulScalar": (lambda x: ops.MulScalar.apply(x, -1.5), [arr(2, 3)], None),
    "DivScalar": (lambda x: ops.DivScalar.apply(x, 4.0), [arr(2, 3)], None),
    "Norm": (lambda a, b: F.pairwise_distance(a, b, 3.0), [arr(2, 3), arr(3)], None),
    "MaskedFill": (lambda x: x.masked_fill(x > 0.5, -1.0), [away_from_zero(2, 3)], None),
    # ---- nansum and cross ----
    "Nansum": (lambda a: a.nansum(1), [arr(2, 3)], None),  # (NaNs: test_ops.py)
    "LinalgCross": (lambda a, b: ak.linalg.cross(a, b), [arr(2, 3), arr(1, 3)], None),
}


def make_inputs(name, device="cpu"):
    fn, arrays, grad_indices = CASES[name]
    inputs = []
    for index, array in enumerate(arrays):
        requires = grad_indices is None or index in grad_indices
        inputs.append(ak.tensor(array, dtype=ak.float64, device=device, requires_grad=requires))
    return fn, tuple(inputs)


def primitives_recorded(output):
    """Names of the primitives in the graph behind ``output``."""
    seen, names, stack = set(), set(), [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        forward_cls = getattr(node, "_forward_cls", None)
        if forward_cls is not None:
            names.add(forward_cls.__name__)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return names


def test_every_primitive_has_a_case():
    missing = sorted(set(ops.PRIMITIVES) - set(CASES))
    assert not missing, f"primitives without a gradcheck case: {missing}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_records_its_primitive(name):
    fn, inputs = make_inputs(name)
    assert name in primitives_recorded(fn(*inputs))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_primitive_passes_gradcheck(name):
    fn, inputs = make_inputs(name)
    assert ak.autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_primitive_passes_gradgradcheck(name):
    fn, inputs = make_inputs(name)
    ak.manual_seed(0)
    assert ak.autograd.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_raw_and_recorded_backward_give_the_same_gradient(name):
    """One formula, two kinds of values: the array run (no create_graph) and the tensor run
    (create_graph) of every primitive's backward agree to the last bit or nearly."""
    fn, inputs = make_inputs(name)
    output = fn(*inputs)
    outputs = output if isinstance(output, tuple) else (output,)
    total = sum((out * (index + 1.5)).sum() for index, out in enumerate(outputs) if out.requires_grad)
    wanted = [x for x in inputs if isinstance(x, ak.Tensor) and x.requires_grad]
    raw = ak.autograd.grad(total, wanted, retain_graph=True, allow_unused=True)
    recorded = ak.autograd.grad(total, wanted, create_graph=True, allow_unused=True)
    for a, b in zip(raw, recorded, strict=True):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)


# ---- gradcheck itself, against torch.autograd.gradcheck ----------------------------------------


def wrong_square(lib):
    """x ** 2 with a backward that says 3x instead of 2x."""

    class WrongSquare(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 3 * x * grad

    return WrongSquare


def wrong_second_derivative(lib):
    """sin(x) whose backward is right but is built from detached pieces plus a wrong term,
    so first derivatives agree and second derivatives do not."""

    class Sin(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            # d/dx of this is -x.sin() * grad + grad * 2 * (x - c) evaluated at c = x: the extra
            # term is zero in value but not in derivative.
            c = x.detach()
            return grad * (x.cos() + (x - c) ** 2 + (x - c))

    return Sin


@pytest.mark.parametrize("lib", [ak, torch], ids=["ak", "torch"])
def test_a_wrong_backward_is_reported_like_torch(lib):
    x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    c = lib.tensor([1.0, 2.0], dtype=lib.float64)
    Wrong = wrong_square(lib)
    with pytest.raises(RuntimeError) as info:
        lib.autograd.gradcheck(lambda a, b: (a * 2, Wrong.apply(b)), (c, x))
    torch_x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch_c = torch.tensor([1.0, 2.0], dtype=torch.float64)
    TorchWrong = wrong_square(torch)
    with pytest.raises(RuntimeError) as expected:
        torch.autograd.gradcheck(lambda a, b: (a * 2, TorchWrong.apply(b)), (torch_c, torch_x))
    assert str(info.value).startswith(str(expected.value))
    assert type(info.value).__name__ == "GradcheckError"


def test_failure_report_names_the_worst_element():
    x = ak.tensor([[1.0, 2.0], [3.0, 0.5]], dtype=ak.float64, requires_grad=True)
    Wrong = wrong_square(ak)
    with pytest.raises(GradcheckError) as info:
        ak.autograd.gradcheck(Wrong.apply, (x,))
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 0,\n")
    # The teaching report rides along as a note, so the message stays PyTorch's.
    (note,) = info.value.__notes__
    assert "worst entry" not in message
    # The largest error is at x = 3 (numerically 6, analytically 9), element [1, 0].
    assert "d output 0[1, 0] / d input 0[1, 0] is 6 by finite differences (numerical)" in note
    assert "but 9 from backward (analytical)" in note


def ignores_grad_output(lib):
    """A squared-distance loss whose backward forgets to multiply by grad_output."""

    class SumSquares(lib.autograd.Function):
        @staticmethod
        def forward(ctx, pred, target):
            diff = pred - target
            ctx.save_for_backward(diff)
            return (diff**2).sum()

        @staticmethod
        def backward(ctx, grad):
            (diff,) = ctx.saved_tensors
            return 2 * diff, -2 * diff

    return SumSquares


@pytest.mark.parametrize("lib", [ak, torch], ids=["ak", "torch"])
def test_a_backward_that_ignores_grad_output_fails_on_a_scalar_output(lib):
    # The one-hot seed of a scalar output is 1, so the Jacobians agree; PyTorch's check with
    # grad_output = 0 is what catches it, and ak raises the same words.
    pred = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    target = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        lib.autograd.gradcheck(ignores_grad_output(lib).apply, (pred, target))
    assert str(info.value) == "backward not multiplied by grad_output"
    assert type(info.value).__name__ == "GradcheckError"
    if lib is ak:
        assert "grad_output = 0" in info.value.__notes__[0]
        assert not ak.autograd.gradcheck(ignores_grad_output(ak).apply, (pred, target),
                                         raise_exception=False)


def test_a_backward_that_is_not_deterministic_is_not_reentrant():
    calls = []

    class Drifting(ak.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            calls.append(1)
            return grad * 2 + (1e-3 if len(calls) > 2 else 0.0)

    x = ak.tensor([1.0, 2.0], dtype=ak.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match="^Backward is not reentrant"):
        ak.autograd.gradcheck(Drifting.apply, (x,), atol=1e-2)


def test_raise_exception_false_returns_false_like_torch():
    x = ak.tensor([1.0, 2.0], dtype=ak.float64, requires_grad=True)
    torch_x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    ours = ak.autograd.gradcheck(wrong_square(ak).apply, (x,), raise_exception=False)
    theirs = torch.autograd.gradcheck(wrong_square(torch).apply, (torch_x,), raise_exception=False)
    assert ours is theirs is False


def test_tolerances_decide_like_torch():
    # An error of 50% passes with rtol=0.6 and fails with the default rtol in both libraries.
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        Wrong = wrong_square(lib)
        assert lib.autograd.gradcheck(Wrong.apply, (x,), rtol=0.6)
        assert not lib.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)
        assert lib.autograd.gradcheck(Wrong.apply, (x,), atol=4.5)


def test_eps_changes_the_numerical_estimate():
    # x ** 3 by central differences is 3x^2 + eps^2: a large eps makes it disagree.
    x = ak.tensor([1.0], dtype=ak.float64, requires_grad=True)
    assert ak.autograd.gradcheck(lambda a: a**3, (x,), eps=1e-6)
    assert not ak.autograd.gradcheck(lambda a: a**3, (x,), eps=0.5, raise_exception=False)
    torch_x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    assert not torch.autograd.gradcheck(lambda a: a**3, (torch_x,), eps=0.5, raise_exception=False)


def test_no_input_requiring_grad_raises_torchs_error():
    messages = []
    for lib in (ak, torch):
        with pytest.raises(ValueError) as info:
            lib.autograd.gradcheck(lambda a: a * 2, (lib.ones(2, dtype=lib.float64),))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_float32_input_warns_like_torch():
    messages = []
    for lib in (ak, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.autograd.gradcheck(
                lambda a: a * 2, (lib.ones(2, requires_grad=True),), raise_exception=False
            )
        messages.append([str(w.message) for w in caught if "double precision" in str(w.message)])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_output_that_ignores_backward_is_caught():
    # (a * 2).detach() + a: numerically 3, analytically 1.
    x = ak.tensor([1.0, 2.0], dtype=ak.float64, requires_grad=True)
    expected = "Jacobian mismatch for output 0 with respect to input 0"
    with pytest.raises(GradcheckError, match=expected):
        ak.autograd.gradcheck(lambda a: (a * 2).detach() + a, (x,))


def test_outputs_without_grad_are_treated_like_torch():
    # Alone, an output cut from the graph that still depends on the input is an error (its
    # numerical gradient should be zero); next to a differentiable output it is skipped.
    functions = [lambda a: (a * 2).detach(), lambda a: (a * 1, (a * 2).detach())]
    results = []
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        outcome = []
        for function in functions:
            try:
                outcome.append(lib.autograd.gradcheck(function, (x,)))
            except RuntimeError as error:
                outcome.append(str(error))
        results.append(outcome)
    assert results[0] == results[1] == ["Numerical gradient for function expected to be zero", True]


def test_gradcheck_leaves_the_inputs_untouched():
    x = ak.tensor([1.0, 2.0], dtype=ak.float64, requires_grad=True)
    version = x._version
    assert ak.autograd.gradcheck(lambda a: a.exp(), (x,))
    assert x.tolist() == [1.0, 2.0] and x._version == version and x.grad is None


def test_gradgradcheck_catches_a_wrong_second_derivative():
    for lib in (ak, torch):
        x = lib.tensor([0.3, 1.2], dtype=lib.float64, requires_grad=True)
        Sin = wrong_second_derivative(lib)
        assert lib.autograd.gradcheck(Sin.apply, (x,))
        # The analytical second derivative has the extra +1 from (x - c); numerically the
        # backward pass is still cos(x) * grad, so the two disagree.
        assert not lib.autograd.gradgradcheck(Sin.apply, (x,), raise_exception=False)


def test_gradgradcheck_with_given_grad_outputs():
    x = ak.tensor([0.3, 1.2], dtype=ak.float64, requires_grad=True)
    v = ak.tensor([1.0, -2.0], dtype=ak.float64, requires_grad=True)
    assert ak.autograd.gradgradcheck(lambda a: a.tanh() * a, (x,), (v,))


def test_gradcheck_on_a_second_device(strict_devices):
    device = strict_devices[1]
    x = ak.tensor([0.3, 1.2, -0.7], dtype=ak.float64, device=device, requires_grad=True)
    w = ak.tensor(
        [[1.0, 2.0], [0.5, -1.0], [0.1, 0.2]], dtype=ak.float64, device=device, requires_grad=True
    )
    assert ak.autograd.gradcheck(lambda a, b: (a @ b).tanh(), (x, w))
    assert ak.autograd.gradgradcheck(lambda a, b: (a @ b).tanh(), (x, w))


def first_derivative(fn):
    """x -> d(sum of fn(x))/dx for the inputs that require grad, recorded (create_graph)."""

    def gradient(*inputs):
        out = fn(*inputs)
        differentiable = [t for t in inputs if t.requires_grad]
        grads = ak.autograd.grad(
            out, differentiable, ak.ones_like(out), create_graph=True, allow_unused=True
        )
        return tuple(grad for grad in grads if grad is not None)

    return gradient


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_primitive_has_correct_third_derivatives(name):
    """gradgradcheck of the first derivative checks the second and third derivatives."""
    fn, inputs = make_inputs(name)
    ak.manual_seed(1)
    assert ak.autograd.gradgradcheck(first_derivative(fn), inputs)


# ---- scans-linalg ----


@pytest.mark.parametrize("dim", [0, -1])
def test_cumprod_through_zeros_passes_gradcheck_and_gradgradcheck(dim):
    """With zeros in x, cumprod's gradient comes from the products that leave each element
    out (no division by x). (Third derivatives are not checked here: finite differences step
    off the zero, where the cheaper formula divides by a number of size eps.)"""
    values = np.array([[1.5, 0.0, -0.7, 1.2], [0.0, -1.1, 0.0, 1.3], [0.8, 0.6, 1.1, -0.9]])
    x = ak.tensor(values, dtype=ak.float64, requires_grad=True)
    assert ak.autograd.gradcheck(lambda a: a.cumprod(dim), (x,))
    assert ak.autograd.gradgradcheck(lambda a: a.cumprod(dim), (x,))


@pytest.mark.parametrize("ord", [0.5, 1, 1.5, 3, -2, float("inf"), -float("inf")])
def test_every_vector_norm_ord_passes_gradcheck_and_gradgradcheck(ord):
    """Every ord of LinalgVectorNorm (its table row checks ord 2), dist and cdist, away from
    zeros and ties."""
    a = ak.tensor(away_from_zero(2, 3), dtype=ak.float64, requires_grad=True)
    b = ak.tensor(distinct(3) + 5.0, dtype=ak.float64, requires_grad=True)
    functions = [
        (lambda a: ak.linalg.vector_norm(a, ord, dim=1), (a,)),
        (lambda a, b: a.dist(b, ord), (a, b)),
    ]
    if ord >= 0:  # cdist takes no negative p
        functions.append((lambda a, b: ak.cdist(a, b.reshape(3, 1).expand(3, 3) * 0.4, ord), (a, b)))
    for function, inputs in functions:
        assert ak.autograd.gradcheck(function, inputs)
        assert ak.autograd.gradgradcheck(function, inputs)
