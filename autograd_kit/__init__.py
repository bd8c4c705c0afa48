"""autograd_kit: PyTorch's autograd, small enough to read, exact enough to learn from.

``import autograd_kit as ak`` gives the names PyTorch puts under ``torch``: tensors and their
creation functions, dtypes, devices, grad modes and ``ak.autograd``. A line written with
``ak`` runs unchanged with ``torch``.
"""

from .tensor import Size, Tensor  # noqa: I001  (first: the engine modules import it)
from . import _tensor_methods as _methods
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
abs = _methods.abs  # noqa: A001
add, sub, mul, div, pow = _methods.add, _methods.sub, _methods.mul, _methods.div, _methods.pow  # noqa: A001
exp, log, sqrt, rsqrt, sign = (
    _methods.exp,
    _methods.log,
    _methods.sqrt,
    _methods.rsqrt,
    _methods.sign,
)
sin, cos, tanh, sigmoid, relu = (
    _methods.sin,
    _methods.cos,
    _methods.tanh,
    _methods.sigmoid,
    _methods.relu,
)
neg, reciprocal, square = _methods.neg, _methods.reciprocal, _methods.square
clamp = clip = _methods.clamp
where, maximum, minimum, masked_fill = (
    _methods.where,
    _methods.maximum,
    _methods.minimum,
    _methods.masked_fill,
)
sum, mean, prod, var, std = _methods.sum, _methods.mean, _methods.prod, _methods.var, _methods.std  # noqa: A001
max, min, amax, amin, argmax, argmin = (
    _methods.max,
    _methods.min,
    _methods.amax,
    _methods.amin,
    _methods.argmax,
    _methods.argmin,
)  # noqa: A001
softmax, log_softmax, logsumexp, norm = (
    _methods.softmax,
    _methods.log_softmax,
    _methods.logsumexp,
    _methods.norm,
)
all, any, isnan, isfinite = _methods.all, _methods.any, _methods.isnan, _methods.isfinite  # noqa: A001
equal, allclose, isclose, logical_not = (
    _methods.eq_all,
    _methods.allclose,
    _methods.isclose,
    _methods.logical_not,
)
eq, ne, lt, le, gt, ge = (getattr(Tensor, name) for name in ("eq", "ne", "lt", "le", "gt", "ge"))
reshape, flatten, permute, transpose, t = (
    _methods.reshape,
    _methods.flatten,
    _methods.permute,
    _methods.transpose,
    _methods.t,
)
squeeze, unsqueeze, narrow, select, unbind = (
    _methods.squeeze,
    _methods.unsqueeze,
    _methods.narrow,
    _methods.select,
    _methods.unbind,
)
split, chunk, cat, stack = _methods.split, _methods.chunk, _methods.cat, _methods.stack
concat = concatenate = cat
matmul, mm, mv, dot, bmm = _methods.matmul, _methods.mm, _methods.mv, _methods.dot, _methods.bmm
broadcast_shapes = _methods.broadcast_shapes
# ---- shape-index ----
flip, roll, tile, unflatten, broadcast_to, broadcast_tensors = (
    _methods.flip,
    _methods.roll,
    _methods.tile,
    _methods.unflatten,
    _methods.broadcast_to,
    _methods.broadcast_tensors,
)
movedim = moveaxis = _methods.movedim
swapaxes = swapdims = _methods.transpose
hstack, vstack, column_stack = _methods.hstack, _methods.vstack, _methods.column_stack
gather, scatter, scatter_add, index_select, index_add, masked_select, take = (
    _methods.gather,
    _methods.scatter,
    _methods.scatter_add,
    _methods.index_select,
    _methods.index_add,
    _methods.masked_select,
    _methods.take,
)
nonzero, count_nonzero, bincount = _methods.nonzero, _methods.count_nonzero, _methods.bincount
nansum, cross = _methods.nansum, _methods.cross
diagonal, diag, tril, triu, trace, outer = (
    _methods.diagonal,
    _methods.diag,
    _methods.tril,
    _methods.triu,
    _methods.trace,
    _methods.outer,
)

# ---- scans-linalg ----
cumsum, cumprod = _methods.cumsum, _methods.cumprod
sort, argsort, topk, kthvalue, median = (
    _methods.sort,
    _methods.argsort,
    _methods.topk,
    _methods.kthvalue,
    _methods.median,
)
einsum, dist, cdist = _methods.einsum, _methods.dist, _methods.cdist

# ---- elementwise ----
log1p, expm1, log2, log10, exp2 = (
    _methods.log1p,
    _methods.expm1,
    _methods.log2,
    _methods.log10,
    _methods.exp2,
)
tan, asin, acos, atan, sinh, cosh = (
    _methods.tan,
    _methods.asin,
    _methods.acos,
    _methods.atan,
    _methods.sinh,
    _methods.cosh,
)
floor, ceil, round, trunc, frac = (  # noqa: A001
    _methods.floor,
    _methods.ceil,
    _methods.round,
    _methods.trunc,
    _methods.frac,
)
atan2, hypot, logaddexp = (
    _methods._atan2_function,
    _methods._hypot_function,
    _methods._logaddexp_function,
)
fmod, remainder, floor_divide, lerp = (
    _methods.fmod,
    _methods.remainder,
    _methods.floor_divide,
    _methods.lerp,
)
addcmul, addcdiv, nan_to_num = _methods.addcmul, _methods.addcdiv, _methods.nan_to_num
isinf, isposinf, isneginf, signbit = (
    _methods.isinf,
    _methods.isposinf,
    _methods.isneginf,
    _methods.signbit,
)
# ---- nn-more ----
erf, clamp_min = _methods.erf, _methods.clamp_min


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
