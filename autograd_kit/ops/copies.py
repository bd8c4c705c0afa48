"""Copies, conversions and fills: ``x.to(...)``, ``clone``, ``contiguous``, ``zero_``,
``fill_``, ``copy_``, the random in-place fills (``uniform_``, ``normal_``, ...) and
``new_zeros`` and friends.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import _backend, dtypes
from .._backend import to_device, xp_of
from .._errors import with_hint
from .._registry import tensor_methods
from ..autograd.grad_mode import grad_state, no_grad
from ..tensor import Tensor
from .arguments import _as_number
from .inplace import _check_not_inference, _inplace
from .primitive import Primitive, _contiguous, native_dtype

# ---- Primitives: copies and conversions ---------------------------------------------------------

class ToCopy(Primitive):
    """out = x converted to another dtype and/or device;  grad_x = grad converted back."""

    @staticmethod
    def forward(ctx, x, dtype, device):
        from .._backend import device_of

        ctx.source = (dtypes.of_array(x), device_of(x))
        moved = to_device(x, device)
        xp = xp_of(moved)
        return xp.astype(moved, native_dtype(xp, dtype), copy=moved is x)

    @staticmethod
    def backward(ctx, grad):
        dtype, device = ctx.source
        return grad.to(dtype=dtype, device=device)


class Clone(Primitive):
    """out = a copy of x;  grad_x = grad.

    The copy keeps x's memory layout, as PyTorch's ``clone()`` does; ``contiguous=True`` lays
    it out row by row instead (what ``x.contiguous()`` records).
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, contiguous=False):
        xp = xp_of(x)
        return _contiguous(xp, x) if contiguous else xp.asarray(x, copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad


# ---- Primitives: filling in place ---------------------------------------------------------------

class Zero(Primitive):
    """out = zeros like x (``x.zero_()``);  grad_x = 0."""

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        return xp_of(x).zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Fill(Primitive):
    """out = ``value`` everywhere (``x.fill_(value)``);  grad_x = 0."""

    backward_on_arrays = True

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return xp_of(x).full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Copy(Primitive):
    """out = src broadcast into x's shape and dtype (``x.copy_(src)``);
    grad_x = 0,  grad_src = grad summed to src's shape."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        xp = xp_of(x)
        return xp.astype(xp.broadcast_to(to_device(src, _device(x)), x.shape), x.dtype, copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, grad if ctx.needs_input_grad[1] else None


def _device(array: Any) -> Any:
    from .._backend import device_of

    return device_of(array)


# ---- Methods: copies and conversions ------------------------------------------------------------

def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Convert dtype and/or move to a device: ``x.to("cuda")``, ``x.to(ak.float64)``,
    ``x.to(other)``. Returns ``self`` when nothing changes; the result is recorded
    (``ToCopyBackward0``) so gradients flow back across the move."""
    target_dtype = kwargs.pop("dtype", None)
    target_device = kwargs.pop("device", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("copy", None)
    for arg in args:
        if isinstance(arg, Tensor):
            target_dtype, target_device = arg.dtype, arg.device
        elif isinstance(arg, dtypes.dtype) or arg in (builtins.float, int, builtins.bool):
            target_dtype = arg
        elif isinstance(arg, (str, _backend.device, int)):
            target_device = arg
    new_dtype = dtypes.to_dtype(target_dtype) if target_dtype is not None else self.dtype
    new_device = (
        _backend.resolve_device(target_device) if target_device is not None else self.device
    )
    if new_dtype is self.dtype and new_device == self.device:
        return self

    if not new_dtype.is_floating_point:  # integers have no gradient: nothing to record
        with no_grad():
            return ToCopy.apply(self, dtype=new_dtype, device=new_device)
    return ToCopy.apply(self, dtype=new_dtype, device=new_device)


def clone(self: Tensor) -> Tensor:
    """A copy with its own memory, recorded as ``CloneBackward0`` (the gradient passes through)."""
    return Clone.apply(self)


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """This tensor if it is contiguous, else a row-by-row copy (a ``CloneBackward0`` node)."""
    if self.is_contiguous():
        return self

    return Clone.apply(self, contiguous=True)


# ---- Methods: filling in place ------------------------------------------------------------------

def zero_(self: Tensor) -> Tensor:
    """Set every element to 0 in place (``ZeroBackward0`` when recorded)."""
    return _inplace(self, Zero)


def fill_(self: Tensor, value: Any) -> Tensor:
    return _inplace(self, Fill, value=_as_number(value))


def copy_(self: Tensor, src: Tensor) -> Tensor:
    """Copy ``src``'s values into ``self`` (broadcasting, converting dtype and device)."""
    return _inplace(self, Copy, src)


# ---- Methods: random fills ----------------------------------------------------------------------

def _fill_random(self: Tensor, sample: Any) -> Tensor:
    """Write random numbers from the global generator (``ak.manual_seed``) into ``self``."""
    if grad_state.enabled and self._requires_grad and self.grad_fn is None:
        raise with_hint(
            RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            ),
            "inplace_leaf",
        )
    _check_not_inference(self)
    values = np.asarray(sample(self.shape), dtype=self.dtype.numpy)
    self._array[...] = _backend.to_device(values, self.device)
    self._version_counter[0] += 1
    return self


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    from ..random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.uniform(a, b, shape))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    from ..random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.normal(mean, std, shape))


def exponential_(self: Tensor, lambd: float = 1.0) -> Tensor:
    from ..random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.exponential(1 / lambd, shape))


def random_(self: Tensor, from_: int = 0, to: int | None = None) -> Tensor:
    """Fill with random integers in [from_, to) (``x.random_(10)`` means [0, 10)); without
    bounds, in [0, 2**mantissa_bits] for floats, as PyTorch does."""
    from ..random import default_generator

    if to is None and from_ == 0:
        to = 2 ** (np.finfo(self.dtype.numpy).nmant + 1) + 1 if self.is_floating_point() else (
            np.iinfo(self.dtype.numpy).max if self.dtype is not dtypes.bool_ else 2
        )
    elif to is None:
        from_, to = 0, from_
    return _fill_random(self, lambda shape: default_generator.numpy.integers(from_, to, shape))


def bernoulli(self: Tensor, p: float | None = None) -> Tensor:
    from ..creation import bernoulli

    return bernoulli(self, p)


def bernoulli_(self: Tensor, p: float = 0.5) -> Tensor:
    from ..random import default_generator

    return _fill_random(self, lambda shape: default_generator.numpy.random(shape) < p)


# ---- Methods: new tensors like this one ---------------------------------------------------------

def _new_like_self(maker_name: str) -> Any:
    """``x.new_zeros(...)`` and friends: ``ak.zeros(...)`` with x's dtype and device as defaults."""

    def new(
        self: Tensor,
        *args: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        from .. import creation

        maker = getattr(creation, maker_name)
        return maker(
            *args,
            dtype=dtype or self.dtype,
            device=device or self.device,
            requires_grad=requires_grad,
        )

    new.__name__ = f"new_{maker_name}"
    return new


new_zeros, new_ones = _new_like_self("zeros"), _new_like_self("ones")
new_tensor, new_full = _new_like_self("tensor"), _new_like_self("full")


# ---- Attached to Tensor (ops/__init__.py attaches the registry once) -----------------------------

tensor_methods(
    globals(),
    {
        "zero_": zero_,
        "fill_": fill_,
        "copy_": copy_,
        "uniform_": uniform_,
        "normal_": normal_,
        "exponential_": exponential_,
        "random_": random_,
        "bernoulli": bernoulli,
        "bernoulli_": bernoulli_,
        "new_zeros": new_zeros,
        "new_ones": new_ones,
        "new_tensor": new_tensor,
        "new_full": new_full,
        "contiguous": contiguous,
        "to": to,
        "clone": clone,
    },
)
