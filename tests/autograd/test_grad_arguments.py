"""``autograd.grad``'s full signature against PyTorch: batched starting gradients
(``is_grads_batched``), named inputs (a dict), the deprecated ``only_inputs``, zeros that
``materialize_grads`` makes under ``create_graph``, and outputs that need no gradient.

Each case runs in both libraries: same values, shapes and ``requires_grad``, or the same
exception with the same message.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import autograd_kit as ak


def _leaves(lib: Any) -> tuple:
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = lib.tensor([[1.0, 2.0, 0.5], [3.0, 4.0, -1.0]], requires_grad=True)
    unused = lib.tensor([5.0, 6.0], requires_grad=True)
    return x, w, unused


CASES: dict[str, Callable[[Any], Any]] = {
    # One vector-Jacobian product per row of the batch: the identity gives the Jacobian.
    "jacobian_of_elementwise": lambda L: (
        lambda x, w, u: L.autograd.grad(x ** 3, x, L.eye(3), is_grads_batched=True)
    )(*_leaves(L)),
    "jacobian_of_matrix_vector": lambda L: (
        lambda x, w, u: L.autograd.grad(w @ x, [w, x], L.eye(2), is_grads_batched=True)
    )(*_leaves(L)),
    "batch_of_two_rows": lambda L: (
        lambda x, w, u: L.autograd.grad(
            (w * x).sum(0), w, L.tensor([[1.0, 0.0, 2.0], [0.5, 0.5, 0.5]]), is_grads_batched=True
        )
    )(*_leaves(L)),
    "two_outputs_batched": lambda L: (
        lambda x, w, u: L.autograd.grad(
            [x * x, x.sum(0, keepdim=True)], x, [L.eye(3), L.ones(3, 1)], is_grads_batched=True
        )
    )(*_leaves(L)),
    "batched_unused_input": lambda L: (
        lambda x, w, u: L.autograd.grad(
            x * 2, [x, u], L.eye(3), is_grads_batched=True, allow_unused=True
        )
    )(*_leaves(L)),
    "batched_materialized": lambda L: (
        lambda x, w, u: L.autograd.grad(
            x * 2, [x, u], L.eye(3), is_grads_batched=True, materialize_grads=True
        )
    )(*_leaves(L)),
    "batched_keeps_the_graph_when_asked": lambda L: (
        lambda x, w, u: (
            lambda y: (
                L.autograd.grad(y, x, L.eye(3), is_grads_batched=True, retain_graph=True),
                L.autograd.grad(y, x, L.ones(3)),
            )
        )(x * x)
    )(*_leaves(L)),
    "batched_frees_the_graph_by_default": lambda L: (
        lambda x, w, u: (
            lambda y: (
                L.autograd.grad(y, x, L.eye(3), is_grads_batched=True),
                L.autograd.grad(y, x, L.ones(3)),
            )
        )(x * x)
    )(*_leaves(L)),
    "batched_create_graph_differentiable": lambda L: (
        lambda x, w, u: (
            lambda g: L.autograd.grad(g.sum(), x)
        )(L.autograd.grad(x ** 3, x, L.eye(3), is_grads_batched=True, create_graph=True)[0])
    )(*_leaves(L)),
    # PyTorch's errors for batches that do not fit.
    "batched_wrong_row_shape": lambda L: (
        lambda x, w, u: L.autograd.grad(x * x, x, L.ones(2, 4), is_grads_batched=True)
    )(*_leaves(L)),
    "batched_sizes_differ": lambda L: (
        lambda x, w, u: L.autograd.grad(
            [x * x, x * 2], x, [L.eye(3), L.ones(2, 3)], is_grads_batched=True
        )
    )(*_leaves(L)),
    "batched_empty_batch": lambda L: (
        lambda x, w, u: L.autograd.grad(x * x, x, L.ones(0, 3), is_grads_batched=True)
    )(*_leaves(L)),
    "batched_without_grad_outputs": lambda L: (
        lambda x, w, u: L.autograd.grad((x * x).sum(), x, is_grads_batched=True)
    )(*_leaves(L)),
    "batched_0_dim_grad_output": lambda L: (
        lambda x, w, u: L.autograd.grad((x * x).sum(), x, L.tensor(1.0), is_grads_batched=True)
    )(*_leaves(L)),
    # Named inputs come back under their names.
    "dict_inputs": lambda L: (
        lambda x, w, u: L.autograd.grad((w @ x).sum(), {"weight": w, "x": x})
    )(*_leaves(L)),
    "dict_inputs_batched": lambda L: (
        lambda x, w, u: L.autograd.grad(x * x, {"x": x}, L.eye(3), is_grads_batched=True)
    )(*_leaves(L)),
    # materialize_grads' zeros can be differentiated further under create_graph.
    "materialized_zeros_require_grad_with_create_graph": lambda L: (
        lambda x, w, u: L.autograd.grad(
            (x * 2).sum(), [x, u], create_graph=True, materialize_grads=True
        )
    )(*_leaves(L)),
    # An output that needs no gradient: the engine's error, not "scalar outputs".
    "non_scalar_output_without_grad": lambda L: L.autograd.grad(L.ones(3), _leaves(L)[0]),
    "backward_of_a_constant_vector": lambda L: L.ones(3).backward(),
    "second_output_without_grad": lambda L: L.autograd.backward([_leaves(L)[0].sum(), L.ones(2)]),
}


def _described(value: Any) -> Any:
    """Values, shapes and requires_grad of whatever a case returns, in plain Python."""
    if isinstance(value, dict):
        return {name: _described(item) for name, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_described(item) for item in value]
    if value is None:
        return None
    return (np.round(np.asarray(value.detach().tolist()), 5).tolist(), tuple(value.shape),
            value.requires_grad)


def _outcome(lib: Any, case: Callable[[Any], Any]) -> Any:
    try:
        return _described(case(lib))
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return ("raised", type(error).__name__, str(error))


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_matches_torch(name):
    theirs = _outcome(torch, CASES[name])
    assert _outcome(ak, CASES[name]) == theirs


def test_only_inputs_false_warns_as_torch_does():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (grad,) = lib.autograd.grad((x * 2).sum(), x, only_inputs=False)
        assert grad.tolist() == [2.0, 2.0]
        assert [(w.category, str(w.message)) for w in caught] == [
            (
                FutureWarning,
                "only_inputs argument is deprecated and is ignored now (defaults to True). To "
                "accumulate gradient for other parts of the graph, please use "
                "torch.autograd.backward.",
            )
        ]


def test_grad_takes_torchs_arguments_in_torchs_order():
    """Positional calls written for torch land on the same parameters."""
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        unused = lib.tensor(1.0, requires_grad=True)
        # outputs, inputs, grad_outputs, retain_graph, create_graph, only_inputs, allow_unused
        grads = lib.autograd.grad(x * 3, [x, unused], lib.ones(2), None, False, True, True)
        assert grads[0].tolist() == [3.0, 3.0] and grads[1] is None
