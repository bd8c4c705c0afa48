"""Functions that make tensors: ``tensor``, ``zeros``, ``ones``, ``randn``, ``arange`` ...

They follow PyTorch's defaults: floating point data becomes float32, integers int64, and
``requires_grad`` is False unless you ask for it. ``device=`` puts the numbers on that device.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import _backend, dtypes
from ._broadcasting import _broadcast_pair
from ._errors import with_hint
from .autograd.grad_mode import grad_state
from .random import Generator, numpy_generator
from .tensor import Tensor, _as_shape, _tensor_array, _wrap


def _finish(array: np.ndarray, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    """Cast to ``dtype``, move to ``device`` and set ``requires_grad`` (with PyTorch's checks)."""
    if dtype is not None:
        array = array.astype(dtypes.to_dtype(dtype).numpy, copy=False)
    where = _backend.resolve_device(device)
    tensor = _wrap(_backend.to_device(array, where) if where.type != "cpu" else array)
    tensor._is_inference = grad_state.inference
    if requires_grad:
        if not tensor.dtype.is_floating_point:  # PyTorch words this one differently
            raise with_hint(
                RuntimeError(
                    "Only Tensors of floating point and complex dtype can require gradients"
                ),
                "int_requires_grad",
            )
        tensor.requires_grad = True
    return tensor


def tensor(
    data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Make a new tensor from Python numbers, nested lists, a NumPy array or another tensor.

    Example:
        >>> ak.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> ak.tensor([1.0, 2.0], requires_grad=True)
        tensor([1., 2.], requires_grad=True)
    """
    return _finish(_tensor_array(data, dtype, device), None, device, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    if isinstance(data, np.ndarray) and dtype is None and device is None:
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def asarray(
    obj: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    copy: bool | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``obj`` as a tensor, sharing memory when it already is one (or a NumPy array) of the
    asked dtype and device, unless ``copy=True``."""
    result = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        result = result.clone() if result is obj or isinstance(obj, np.ndarray) else result
    if requires_grad:
        result = result.detach().requires_grad_() if result is obj else result.requires_grad_()
    return result


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with a NumPy array (changing one changes the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return _wrap(array)


def _filled(
    fill: Any, size: tuple, dtype: Any, device: Any, requires_grad: bool, default: Any = None
) -> Tensor:
    shape = _as_shape(size)
    chosen = dtypes.to_dtype(dtype) if dtype is not None else (default or dtypes.DEFAULT_FLOAT)
    array = np.full(shape, fill, dtype=chosen.numpy)
    return _finish(array, None, device, requires_grad)


def _size_keyword(function: Any) -> Any:
    """Let ``zeros(size=(2, 3))`` mean ``zeros((2, 3))``, as PyTorch's factories do."""

    @functools.wraps(function)
    def factory(*size: Any, **settings: Any) -> Tensor:
        if "size" in settings:
            if size:
                raise TypeError(f"{function.__name__}() got multiple values for argument 'size'")
            size = (settings.pop("size"),)
        return function(*size, **settings)

    return factory


@_size_keyword
def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``ak.zeros(2, 3)`` or ``ak.zeros((2, 3))``."""
    return _filled(0, size, dtype, device, requires_grad)


@_size_keyword
def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ak.ones(9, 5, requires_grad=True)``."""
    return _filled(1, size, dtype, device, requires_grad)


@_size_keyword
def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor whose values are not set (here they are zeros, but do not rely on it)."""
    return _filled(0, size, dtype, device, requires_grad)


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    default = dtypes.result_type(fill_value)
    return _filled(
        fill_value,
        (size,) if isinstance(size, int) else tuple(size),
        dtype,
        device,
        requires_grad,
        default,
    )


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    chosen = dtypes.to_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    return _finish(np.eye(n, m, dtype=chosen.numpy), None, device, requires_grad)


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``ak.arange(5)`` is 0..4 (int64); with any float argument the result is float32."""
    if end is None:
        start, end = 0, start
    default = dtypes.result_type(start, end, step)
    chosen = dtypes.to_dtype(dtype) if dtype is not None else default
    return _finish(np.arange(start, end, step).astype(chosen.numpy), None, device, requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    chosen = dtypes.to_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    return _finish(np.linspace(start, end, steps).astype(chosen.numpy), None, device, requires_grad)


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` numbers from ``base ** start`` to ``base ** end``, evenly spaced in exponent."""
    chosen = dtypes.to_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    values = np.logspace(start, end, steps, base=base).astype(chosen.numpy)
    return _finish(values, None, device, requires_grad)


def _random(
    draw: Any,
    size: tuple,
    dtype: Any,
    device: Any,
    requires_grad: bool,
    generator: Generator | None,
) -> Tensor:
    chosen = dtypes.to_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    array = np.asarray(draw(numpy_generator(generator), _as_shape(size)), dtype=chosen.numpy)
    return _finish(array, None, device, requires_grad)


@_size_keyword
def rand(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform random numbers in [0, 1), from the generator seeded by ``ak.manual_seed``."""
    return _random(
        lambda rng, shape: rng.random(shape), size, dtype, device, requires_grad, generator
    )


@_size_keyword
def randn(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal random numbers (mean 0, standard deviation 1)."""
    return _random(
        lambda rng, shape: rng.standard_normal(shape), size, dtype, device, requires_grad, generator
    )


def randint(
    low: int,
    high: int | None = None,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Random integers in [low, high): ``ak.randint(0, 10, (3,))`` or ``ak.randint(10, (3,))``."""
    if size is None:
        low, high, size = 0, low, high
    chosen = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    array = numpy_generator(generator).integers(low, high, _as_shape((size,))).astype(chosen.numpy)
    return _finish(array, None, device, False)


def normal(
    mean: Any,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Normal random numbers: ``ak.normal(0.0, 1.0, size=(3,))``, or one draw per element with
    tensors of means and/or standard deviations (``ak.normal(means, 0.1)``).

    The draw is not recorded: unlike PyTorch's ``NormalBackward`` (whose gradient is zero) the
    result does not require grad, so an ``ak`` graph simply has no node for it.
    """
    rng = numpy_generator(generator)
    means, stds = (
        _backend.asnumpy(value._array) if isinstance(value, Tensor) else value
        for value in (mean, std)
    )
    tensors = [value for value in (mean, std) if isinstance(value, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError(
                "normal() received an invalid combination of arguments - got (float, float): "
                "pass size=, or a tensor of means or standard deviations"
            )
        return _random(lambda rng, shape: rng.normal(means, stds, shape), size, dtype, device,
                       requires_grad, generator)
    shape = tuple(tensors[0].shape)
    if len(tensors) == 2:  # means and standard deviations: one draw per broadcast element
        shape = _broadcast_pair(shape, tuple(tensors[1].shape))
    draws = rng.normal(means, stds, shape)
    return _finish(draws.astype(tensors[0].dtype.numpy), None, tensors[0].device, False)


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
    """0 or 1 for each element, 1 with probability ``input`` (or ``p``), in input's dtype.

    Not recorded: the result does not require grad (PyTorch records a node whose gradient is
    zero).
    """
    probabilities = _backend.asnumpy(input._array) if p is None else np.full(input.shape, p)
    if not ((probabilities >= 0) & (probabilities <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)"
        )
    draws = numpy_generator(generator).random(input.shape) < probabilities
    return _finish(draws.astype(input.dtype.numpy), None, input.device, False)


def multinomial(
    input: Tensor,
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Generator | None = None,
) -> Tensor:
    """Indices drawn with the (unnormalised) weights in each row of ``input`` (int64)."""
    weights = _backend.asnumpy(input._array).astype(np.float64)
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not replacement and num_samples > weights.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = weights.reshape(-1, weights.shape[-1])
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = numpy_generator(generator)
    drawn = np.stack(
        [rng.choice(len(row), num_samples, replace=replacement, p=row / row.sum()) for row in rows]
    )
    return _finish(drawn.reshape(*weights.shape[:-1], num_samples), None, input.device, False)


def randperm(
    n: int, *, generator: Generator | None = None, dtype: Any = None, device: Any = None
) -> Tensor:
    """A random ordering of 0..n-1."""
    chosen = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    return _finish(
        numpy_generator(generator).permutation(n).astype(chosen.numpy), None, device, False
    )


def _like(
    maker: Any, other: Tensor, dtype: Any, device: Any, requires_grad: bool, **kwargs: Any
) -> Tensor:
    return maker(
        *other.shape,
        **kwargs,
        dtype=dtype or other.dtype,
        device=device or other.device,
        requires_grad=requires_grad,
    )


def zeros_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(empty, input, dtype, device, requires_grad)


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Random integers in [low, high) shaped like ``input``, in input's dtype unless told
    (``ak.randint_like(x, 10)`` means high=10)."""
    if high is None:
        low, high = 0, low
    values = randint(low, high, tuple(input.shape))
    return _finish(values._array, dtype or input.dtype, device or input.device, requires_grad)


def rand_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(rand, input, dtype, device, requires_grad)


def randn_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(randn, input, dtype, device, requires_grad)


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    return full(
        input.shape,
        fill_value,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )
