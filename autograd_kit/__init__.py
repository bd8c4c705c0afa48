"""autograd_kit: PyTorch's autograd, small enough to read, exact enough to learn from.

``import autograd_kit as ak`` gives the names PyTorch puts under ``torch``: tensors and their
creation functions, dtypes, devices, grad modes and ``ak.autograd``. A line written with
``ak`` runs unchanged with ``torch``.
"""

from .tensor import Size, Tensor  # noqa: I001  (first: the engine modules import it)
from . import autograd, cuda, dtypes, ops
from ._backend import device
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd.grad_mode import is_inference_mode_enabled
from .creation import (
    arange,
    as_tensor,
    asarray,
    bernoulli,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    dtype,
    finfo,
    float16,
    float32,
    float64,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from .i18n import get_language, set_language
from .random import Generator, initial_seed, manual_seed, seed
from .serialization import load, save

bool = dtypes.bool_  # noqa: A001  (PyTorch's name: ak.bool is a dtype)
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

# Module-level versions of tensor methods: ak.exp(x) is x.exp(), as torch.exp(x) is.
abs = ops.abs  # noqa: A001
add, sub, mul, div, pow = ops.add, ops.sub, ops.mul, ops.div, ops.pow  # noqa: A001
exp, log, sqrt, rsqrt, sign = (
    ops.exp,
    ops.log,
    ops.sqrt,
    ops.rsqrt,
    ops.sign,
)
sin, cos, tanh, sigmoid, relu = (
    ops.sin,
    ops.cos,
    ops.tanh,
    ops.sigmoid,
    ops.relu,
)
neg, reciprocal, square = ops.neg, ops.reciprocal, ops.square
clamp = clip = ops.clamp
where, maximum, minimum, masked_fill = (
    ops.where,
    ops.maximum,
    ops.minimum,
    ops.masked_fill,
)
sum, mean, prod, var, std = ops.sum, ops.mean, ops.prod, ops.var, ops.std  # noqa: A001
max, min, amax, amin, argmax, argmin = (
    ops.max,
    ops.min,
    ops.amax,
    ops.amin,
    ops.argmax,
    ops.argmin,
)  # noqa: A001
softmax, log_softmax, logsumexp, norm = (
    ops.softmax,
    ops.log_softmax,
    ops.logsumexp,
    ops.norm,
)
all, any, isnan, isfinite = ops.all, ops.any, ops.isnan, ops.isfinite  # noqa: A001
equal, allclose, isclose, logical_not = (
    ops.eq_all,
    ops.allclose,
    ops.isclose,
    ops.logical_not,
)
eq, ne, lt, le, gt, ge = (getattr(Tensor, name) for name in ("eq", "ne", "lt", "le", "gt", "ge"))
reshape, flatten, permute, transpose, t = (
    ops.reshape,
    ops.flatten,
    ops.permute,
    ops.transpose,
    ops.t,
)
squeeze, unsqueeze, narrow, select, unbind = (
    ops.squeeze,
    ops.unsqueeze,
    ops.narrow,
    ops.select,
    ops.unbind,
)
split, chunk, cat, stack = ops.split, ops.chunk, ops.cat, ops.stack
tensor_split, hsplit, vsplit, dsplit = ops.tensor_split, ops.hsplit, ops.vsplit, ops.dsplit
concat = concatenate = cat
matmul, mm, mv, dot, bmm = ops.matmul, ops.mm, ops.mv, ops.dot, ops.bmm
broadcast_shapes = ops.broadcast_shapes
# ---- rearranging, gathering and scattering, diagonals ----
flip, roll, tile, unflatten, broadcast_to, broadcast_tensors = (
    ops.flip,
    ops.roll,
    ops.tile,
    ops.unflatten,
    ops.broadcast_to,
    ops.broadcast_tensors,
)
movedim = moveaxis = ops.movedim
swapaxes = swapdims = ops.transpose
hstack, vstack, column_stack = ops.hstack, ops.vstack, ops.column_stack
gather, scatter, scatter_add, index_select, index_add, masked_select, take = (
    ops.gather,
    ops.scatter,
    ops.scatter_add,
    ops.index_select,
    ops.index_add,
    ops.masked_select,
    ops.take,
)
nonzero, count_nonzero, bincount = ops.nonzero, ops.count_nonzero, ops.bincount
nansum, cross = ops.nansum, ops.cross
diagonal, diag, tril, triu, trace, outer = (
    ops.diagonal,
    ops.diag,
    ops.tril,
    ops.triu,
    ops.trace,
    ops.outer,
)

# ---- scans, sorting, einsum and distances ----
cumsum, cumprod = ops.cumsum, ops.cumprod
sort, argsort, topk, kthvalue, median = (
    ops.sort,
    ops.argsort,
    ops.topk,
    ops.kthvalue,
    ops.median,
)
einsum, dist, cdist = ops.einsum, ops.dist, ops.cdist

# ---- logarithms, trigonometry, rounding, two-tensor functions and number tests ----
log1p, expm1, log2, log10, exp2 = (
    ops.log1p,
    ops.expm1,
    ops.log2,
    ops.log10,
    ops.exp2,
)
tan, asin, acos, atan, sinh, cosh = (
    ops.tan,
    ops.asin,
    ops.acos,
    ops.atan,
    ops.sinh,
    ops.cosh,
)
floor, ceil, round, trunc, frac = (  # noqa: A001
    ops.floor,
    ops.ceil,
    ops.round,
    ops.trunc,
    ops.frac,
)
atan2, hypot, logaddexp = (
    ops._atan2_function,
    ops._hypot_function,
    ops._logaddexp_function,
)
fmod, remainder, floor_divide, lerp = (
    ops.fmod,
    ops.remainder,
    ops.floor_divide,
    ops.lerp,
)
addcmul, addcdiv, nan_to_num = ops.addcmul, ops.addcdiv, ops.nan_to_num
isinf, isposinf, isneginf, signbit = (
    ops.isinf,
    ops.isposinf,
    ops.isneginf,
    ops.signbit,
)
# ---- erf and clamp_min ----
erf, clamp_min = ops.erf, ops.clamp_min


def is_tensor(obj: object) -> "builtins.bool":  # noqa: F821
    """True for ``ak.Tensor`` objects."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "builtins.int":  # noqa: F821
    return input.numel()


def clone(input: Tensor) -> Tensor:
    return input.clone()


def detach(input: Tensor) -> Tensor:
    return input.detach()


def get_default_dtype() -> dtype:
    """The dtype Python floats become in tensors (``float32`` unless ``set_default_dtype``)."""
    return dtypes.DEFAULT_FLOAT


# PyTorch's constants: plain Python floats, as ``torch.pi`` is.
from math import e, inf, nan, pi  # noqa: E402

# Submodules: nn/optim/utils are part of the core; viz, widgets and grading need the course
# extras (ipywidgets, matplotlib, nbclient), so they load on first use: ``ak.viz.draw_graph``.
from . import linalg, nn, optim, utils  # noqa: E402
from ._errors import install_short_tracebacks  # noqa: E402

# Tracebacks end at the learner's line, as PyTorch's do (the kit's own frames are left out).
install_short_tracebacks()

_OPTIONAL_SUBMODULES = {"viz", "widgets", "grading", "examples"}


def __getattr__(name: str) -> object:
    if name in _OPTIONAL_SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__version__ = "0.1.0"
