"""tensor_split, hsplit, vsplit and dsplit against PyTorch: the parts, their nodes and
gradients, and the errors, word for word."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import autograd_kit as ak

# Each call gets (library, input) and returns the parts; inputs are made from SHAPES.
CALLS: dict[str, tuple[tuple[int, ...], Callable[[Any, Any], Any]]] = {
    "sections_uneven": ((7,), lambda L, x: L.tensor_split(x, 3)),
    "sections_more_than_size": ((3,), lambda L, x: x.tensor_split(5)),
    "sections_keyword": ((6, 2), lambda L, x: L.tensor_split(x, sections=4)),
    "sections_dim": ((2, 5), lambda L, x: x.tensor_split(2, 1)),
    "sections_negative_dim": ((2, 3, 5), lambda L, x: x.tensor_split(3, dim=-1)),
    "sections_as_0d_tensor": ((7,), lambda L, x: x.tensor_split(L.tensor(2))),
    "indices_list": ((7,), lambda L, x: L.tensor_split(x, [1, 5])),
    "indices_tuple_keyword": ((4, 3), lambda L, x: L.tensor_split(x, indices=(1,))),
    "indices_out_of_order": ((7,), lambda L, x: x.tensor_split([5, 2])),
    "indices_negative": ((7,), lambda L, x: x.tensor_split([-2, 3])),
    "indices_past_the_end": ((7,), lambda L, x: x.tensor_split([-9, 2, 9])),
    "indices_empty": ((4,), lambda L, x: x.tensor_split([])),
    "indices_as_tensor": ((3, 6), lambda L, x: x.tensor_split(L.tensor([1, 4]), 1)),
    "hsplit_matrix": ((2, 6), lambda L, x: L.hsplit(x, 3)),
    "hsplit_vector": ((6,), lambda L, x: x.hsplit(2)),
    "hsplit_indices": ((2, 3, 4), lambda L, x: L.hsplit(x, [1, 2])),
    "vsplit": ((4, 3), lambda L, x: L.vsplit(x, 2)),
    "vsplit_indices": ((5, 2), lambda L, x: x.vsplit((1, 3))),
    "dsplit": ((2, 3, 4), lambda L, x: L.dsplit(x, 2)),
    "dsplit_indices": ((2, 3, 4), lambda L, x: x.dsplit([3])),
}


def _parts_of(lib: Any, shape: tuple, call: Callable) -> tuple[Any, tuple]:
    data = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    x = lib.tensor(data, requires_grad=True)
    return x, call(lib, x * 1)  # a non-leaf input, so every part can be changed in place too


@pytest.mark.parametrize("name", CALLS)
def test_parts_nodes_and_gradients_match_torch(name: str) -> None:
    shape, call = CALLS[name]
    x_ak, ours = _parts_of(ak, shape, call)
    x_torch, theirs = _parts_of(torch, shape, call)
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    loss_ak, loss_torch = 0, 0
    for weight, (mine, reference) in enumerate(zip(ours, theirs), start=1):
        assert tuple(mine.shape) == tuple(reference.shape)
        np.testing.assert_array_equal(mine.detach().numpy(), reference.detach().numpy())
        assert type(mine.grad_fn).__name__ == type(reference.grad_fn).__name__  # SliceBackward0
        assert mine.output_nr == reference.output_nr == 0
        assert mine._base is not None and reference._base is not None  # views of the input
        loss_ak = loss_ak + (mine * weight).sum()
        loss_torch = loss_torch + (reference * weight).sum()
    loss_ak.backward()
    loss_torch.backward()
    np.testing.assert_array_equal(x_ak.grad.numpy(), x_torch.grad.numpy())


def test_a_part_shares_memory_and_may_change_in_place() -> None:
    """Unlike split's parts, a tensor_split part is an ordinary view: in place is allowed."""
    results = []
    for lib in (ak, torch):
        x = lib.arange(6.0, requires_grad=True)
        y = x * 1
        first, second = y.tensor_split(2)
        second.mul_(10)  # writes through into y
        (y * lib.arange(6.0)).sum().backward()
        results.append((y.detach().numpy().copy(), x.grad.numpy().copy(), second.grad_fn.name()))
    (y_ak, grad_ak, name_ak), (y_torch, grad_torch, name_torch) = results
    np.testing.assert_array_equal(y_ak, y_torch)
    np.testing.assert_array_equal(grad_ak, grad_torch)
    assert name_ak == name_torch


ERRORS: dict[str, Callable[[Any], Any]] = {
    "no_sections": lambda L: L.tensor_split(L.ones(4), 0),
    "negative_sections": lambda L: L.ones(4).tensor_split(-1),
    "zero_dims": lambda L: L.tensor_split(L.tensor(1.0), 1),
    "float_sections": lambda L: L.tensor_split(L.ones(4), 2.0),
    "float_indices": lambda L: L.tensor_split(L.ones(4), [1.0]),
    "nothing_given": lambda L: L.tensor_split(L.ones(4)),
    "float_index_tensor": lambda L: L.tensor_split(L.ones(4), L.tensor([1.5])),
    "matrix_index_tensor": lambda L: L.tensor_split(L.ones(4), L.tensor([[1]])),
    "dim_out_of_range": lambda L: L.tensor_split(L.ones(4), 2, dim=1),
    "hsplit_not_divisible": lambda L: L.hsplit(L.ones(2, 3, 4), 2),
    "hsplit_vector_not_divisible": lambda L: L.hsplit(L.ones(4), 3),
    "hsplit_zero": lambda L: L.hsplit(L.ones(4, 4), 0),
    "hsplit_scalar": lambda L: L.hsplit(L.tensor(1.0), 1),
    "vsplit_vector": lambda L: L.vsplit(L.ones(3), 1),
    "dsplit_matrix": lambda L: L.dsplit(L.ones(2, 2), 2),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_are_torch_s(name: str) -> None:
    with pytest.raises(Exception) as theirs:
        ERRORS[name](torch)
    with pytest.raises(type(theirs.value)) as ours:
        ERRORS[name](ak)
    assert str(ours.value) == str(theirs.value)
