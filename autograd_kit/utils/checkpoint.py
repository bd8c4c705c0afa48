"""Activation checkpointing: trade compute for memory (``torch.utils.checkpoint``).

A graph keeps the tensors its backward formulas need (``x * y`` keeps ``x`` and ``y``) from
forward until backward; in a deep network those saved activations are most of the memory.
``checkpoint(function, *args)`` runs ``function`` without keeping them and runs it a second
time during backward to get them back. The gradients are the same; the forward work of
``function`` is done twice.

Two variants, as in PyTorch:

- ``use_reentrant=False`` (recommended): the graph of ``function`` is recorded as usual, but
  every tensor it saves is packed into a mere number (``saved_tensors_hooks``); the first time
  backward unpacks one, ``function`` is run again and what it saves is handed out instead.
- ``use_reentrant=True`` (PyTorch's default, with a warning): ``function`` runs under
  ``no_grad`` inside one custom Function, ``CheckpointFunctionBackward``, whose backward runs
  it again with grad enabled and calls ``backward`` on that small graph.

The random number generator is put back to its state before the first run, so dropout drops
the same elements both times.

Example:
    >>> x = ak.ones(3, requires_grad=True)
    >>> y = ak.utils.checkpoint.checkpoint(lambda t: (t.exp() * t).sin(), x, use_reentrant=False)
    >>> y.sum().backward()  # runs the lambda again to recover exp's result
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .. import random
from ..autograd import Function, backward
from ..autograd.grad_mode import enable_grad
from ..autograd.saved_tensors import saved_tensors_hooks
from ..tensor import Tensor

_PASS_USE_REENTRANT = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
    "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants."
)


class CheckpointError(RuntimeError):
    """The recomputation saved fewer tensors than the first run (``function`` is not the
    same computation twice, e.g. it branches on a counter or on random numbers)."""


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool | None = None,
    preserve_rng_state: bool = True,
    **kwargs: Any,
) -> Any:
    """``function(*args, **kwargs)``, keeping none of its activations for backward: backward
    runs ``function`` again to get them (see the module's docstring for the two variants)."""
    if use_reentrant is None:
        warnings.warn(_PASS_USE_REENTRANT, UserWarning, stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _checkpoint_without_reentrant(function, preserve_rng_state, args, kwargs)


class _RandomState:
    """The generator's state before the first run, put back around the second one."""

    def __init__(self, preserve: bool) -> None:
        self.saved = random.get_rng_state() if preserve else None

    def __enter__(self) -> None:
        if self.saved is not None:
            self.outside = random.get_rng_state()
            random.set_rng_state(self.saved)

    def __exit__(self, *exc_info: object) -> None:
        if self.saved is not None:
            random.set_rng_state(self.outside)


def _checkpoint_without_reentrant(
    function: Callable[..., Any], preserve_rng_state: bool, args: tuple, kwargs: dict
) -> Any:
    randomness = _RandomState(preserve_rng_state)
    recomputed: list[Tensor] = []
    packed_count = 0

    def pack(tensor: Tensor) -> int:
        nonlocal packed_count
        packed_count += 1
        return packed_count - 1  # where to find it after the recomputation

    def unpack(position: int) -> Tensor:
        if not recomputed:  # the first tensor backward asks for: run function again
            with saved_tensors_hooks(lambda t: recomputed.append(t) or t, lambda t: t):
                with enable_grad(), randomness:
                    function(*args, **kwargs)
            if len(recomputed) < packed_count:  # (more is fine: the first ones are used)
                raise CheckpointError(
                    "torch.utils.checkpoint: A different number of tensors was saved during the "
                    f"original forward and recomputation.\nNumber of tensors saved during "
                    f"forward: {packed_count}\nNumber of tensors saved during recomputation: "
                    f"{len(recomputed)}."
                )
        return recomputed[position]

    with saved_tensors_hooks(pack, unpack):
        return function(*args, **kwargs)


class CheckpointFunction(Function):
    """The reentrant variant's node: forward under no_grad, backward recomputes and
    back-propagates through the recomputed graph."""

    @staticmethod
    def forward(ctx: Any, run_function: Callable[..., Any], preserve_rng_state: bool, *args: Any):
        ctx.run_function = run_function
        ctx.randomness = _RandomState(preserve_rng_state)
        ctx.arguments = args
        ctx.save_for_backward(*(arg for arg in args if isinstance(arg, Tensor)))
        return run_function(*args)

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> tuple:
        saved = iter(ctx.saved_tensors)
        inputs = [
            next(saved).detach().requires_grad_(arg.requires_grad)
            if isinstance(arg, Tensor)
            else arg
            for arg in ctx.arguments
        ]
        with enable_grad(), ctx.randomness:
            outputs = ctx.run_function(*inputs)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [
            (output, grad)
            for output, grad in zip(outputs, grad_outputs)
            if isinstance(output, Tensor) and output.requires_grad and grad is not None
        ]
        if not pairs:
            raise RuntimeError(
                "none of output has requires_grad=True, this checkpoint() is not necessary"
            )
        backward([output for output, _ in pairs], [grad for _, grad in pairs])
        return (None, None) + tuple(
            value.grad if isinstance(value, Tensor) else None for value in inputs
        )
