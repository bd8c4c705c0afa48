"""Run the same code on autograd_kit and on PyTorch (the oracle) and compare the results.

A test writes an expression once as ``fn(lib, *inputs)``; ``run_both`` builds the inputs in
both libraries from the same NumPy arrays, runs the expression, back-propagates the same
random upstream gradient, and returns both sides for comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

import autograd_kit as ak


@dataclass
class Side:
    output: Any
    inputs: list
    grads: list


def to_numpy(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, ak.Tensor):
        return value.detach().numpy()
    return np.asarray(value)


def grad_fn_name(tensor: Any) -> str | None:
    return None if tensor.grad_fn is None else type(tensor.grad_fn).__name__


def run_both(
    fn: Callable[..., Any],
    arrays: list[np.ndarray],
    requires_grad: list[bool] | None = None,
    backward: bool = True,
    seed: int = 0,
) -> tuple[Side, Side]:
    """Evaluate ``fn`` on ak and torch inputs made from ``arrays`` and back-propagate."""
    requires_grad = requires_grad or [a.dtype.kind == "f" for a in arrays]
    sides = []
    for lib in (ak, torch):
        inputs = [
            lib.tensor(array.copy(), requires_grad=flag)
            for array, flag in zip(arrays, requires_grad)
        ]
        output = fn(lib, *inputs)
        grads: list = []
        if backward and getattr(output, "requires_grad", False):
            upstream = np.random.default_rng(seed).standard_normal(tuple(output.shape))
            output.backward(lib.tensor(upstream.astype(to_numpy(output).dtype)))
            grads = [t.grad for t in inputs]
        sides.append(Side(output, inputs, grads))
    return sides[0], sides[1]


def assert_same(
    ours: Side, theirs: Side, rtol: float = 1e-5, atol: float = 1e-6, check_name: bool = True
) -> None:
    """Same values, dtype, shape, grad_fn name and gradients."""
    assert tuple(ours.output.shape) == tuple(theirs.output.shape)
    assert str(ours.output.dtype) == str(theirs.output.dtype)
    if check_name:
        assert grad_fn_name(ours.output) == grad_fn_name(theirs.output)
    np.testing.assert_allclose(to_numpy(ours.output), to_numpy(theirs.output), rtol=rtol, atol=atol)
    for mine, reference in zip(ours.grads, theirs.grads):
        if reference is None:
            assert mine is None
        else:
            assert mine is not None
            np.testing.assert_allclose(to_numpy(mine), to_numpy(reference), rtol=rtol, atol=atol)
