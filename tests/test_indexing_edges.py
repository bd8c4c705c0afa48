"""Indexing at its edges against PyTorch: 0-dim tensors, ``...`` and ``()``, whole-dimension
slices, Python bools, masks of the wrong shape and integers out of range, read and written.

Each case runs in both libraries and must give the same thing: the same values, shape,
node (``grad_fn``) and gradient, or the same exception with the same message, word for word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import autograd_kit as ak

# Inputs by name, each made fresh in the library under test, requiring grad.
SHAPES = {"scalar": (), "vector": (3,), "matrix": (2, 3), "cube": (2, 3, 4)}

# (input, key) for ``x[key]``; ``mask`` makes a bool tensor in the library under test.
READS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    # A 0-dim tensor holds one number and has no dimension to index.
    "scalar_zero": ("scalar", lambda L: 0),
    "scalar_one": ("scalar", lambda L: 1),
    "scalar_minus_one": ("scalar", lambda L: -1),
    "scalar_zero_in_a_tuple": ("scalar", lambda L: (0,)),
    "scalar_slice": ("scalar", lambda L: slice(None)),
    "scalar_slice_with_bounds": ("scalar", lambda L: slice(0, 1)),
    "scalar_slice_in_a_tuple": ("scalar", lambda L: (slice(None),)),
    "scalar_ellipsis": ("scalar", lambda L: Ellipsis),
    "scalar_empty_tuple": ("scalar", lambda L: ()),
    "scalar_two_ellipses": ("scalar", lambda L: (Ellipsis, Ellipsis)),
    "scalar_none": ("scalar", lambda L: None),
    "scalar_ellipsis_none": ("scalar", lambda L: (Ellipsis, None)),
    "scalar_list": ("scalar", lambda L: [0]),
    "scalar_int_tensor": ("scalar", lambda L: L.tensor(0)),
    "scalar_true": ("scalar", lambda L: True),
    "scalar_false": ("scalar", lambda L: False),
    "scalar_true_tensor": ("scalar", lambda L: L.tensor(True)),
    # The whole tensor: a lone slice is a SliceBackward0 node, anything else an alias.
    "vector_ellipsis": ("vector", lambda L: Ellipsis),
    "vector_empty_tuple": ("vector", lambda L: ()),
    "vector_lone_slice": ("vector", lambda L: slice(None)),
    "vector_lone_slice_covering": ("vector", lambda L: slice(0, 5)),
    "matrix_two_slices": ("matrix", lambda L: (slice(None), slice(None))),
    "matrix_slice_in_a_tuple": ("matrix", lambda L: (slice(None),)),
    "matrix_covering_slices": ("matrix", lambda L: (slice(0, 2), slice(0, 3))),
    "matrix_slice_then_ellipsis": ("matrix", lambda L: (slice(None), Ellipsis)),
    "matrix_covering_slice_then_int": ("matrix", lambda L: (slice(0, 2), 1)),
    "matrix_part_slice_then_int": ("matrix", lambda L: (slice(1, 2), 1)),
    # Python bools are one-element masks: a new dimension of 1 (True) or 0 (False).
    "vector_true": ("vector", lambda L: True),
    "vector_false": ("vector", lambda L: False),
    "matrix_true_then_int": ("matrix", lambda L: (True, 0)),
    "matrix_int_then_true": ("matrix", lambda L: (0, True)),
    "matrix_ellipsis_true": ("matrix", lambda L: (Ellipsis, True)),
    "matrix_false_slice_int": ("matrix", lambda L: (False, slice(None), 1)),
    # Too many indices, and integers out of range: named by their position in the key.
    "cube_four_ints": ("cube", lambda L: (0, 0, 0, 0)),
    "vector_two_lists": ("vector", lambda L: ([0], [0])),
    "matrix_three_lists": ("matrix", lambda L: ([0], [0], [0])),
    "cube_int_out_of_range": ("cube", lambda L: 5),
    "cube_second_int_out_of_range": ("cube", lambda L: (0, 7)),
    "cube_after_none": ("cube", lambda L: (None, 0, 7)),
    "cube_between_none": ("cube", lambda L: (0, None, 7)),
    "cube_after_slice": ("cube", lambda L: (slice(None), 0, 9)),
    "cube_after_ellipsis": ("cube", lambda L: (Ellipsis, 9)),
    "cube_third_int": ("cube", lambda L: (1, 2, 9)),
    "cube_negative_out_of_range": ("cube", lambda L: (0, -4)),
    # Masks: the shape must match the dimensions they cover, of the tensor they index.
    "cube_mask_fits": ("cube", lambda L: L.tensor([True, False])),
    "cube_mask_too_long": ("cube", lambda L: L.tensor([True, False, True])),
    "cube_mask_on_dim_1": ("cube", lambda L: (slice(None), L.tensor([True, False]))),
    "cube_mask_after_int": ("cube", lambda L: (0, L.tensor([[True, False, True, True]]))),
    "cube_mask_after_none": ("cube", lambda L: (None, L.tensor([True, False, True]))),
    "cube_mask_after_short_slice": ("cube", lambda L: (slice(1, 2), L.tensor([True, True]))),
    "matrix_mask_2d_wrong": ("matrix", lambda L: L.tensor([[True, False], [False, True]])),
}


def _leaf(lib: Any, shape: tuple) -> Any:
    data = np.arange(1.0, 1.0 + int(np.prod(shape)), dtype=np.float32).reshape(shape)
    return lib.tensor(data, requires_grad=True)


def _outcome(lib: Any, shape_name: str, action: Callable[[Any, Any], Any]) -> tuple:
    """What ``action(lib, x)`` gives: (values, shape, node name, gradient of x) for a tensor
    result, or the exception's type and message."""
    x = _leaf(lib, SHAPES[shape_name])
    try:
        out = action(lib, x)
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return ("raised", type(error).__name__, str(error))
    node = out.grad_fn.name() if out.grad_fn is not None else None
    values = np.asarray(out.detach().tolist())
    (out * 1.5).sum().backward()
    gradient = None if x.grad is None else np.asarray(x.grad.tolist())
    return ("tensor", values, tuple(out.shape), node, gradient)


def assert_same_outcome(shape_name: str, action: Callable[[Any, Any], Any]) -> None:
    ours, theirs = _outcome(ak, shape_name, action), _outcome(torch, shape_name, action)
    assert ours[0] == theirs[0], f"ak: {ours}, torch: {theirs}"
    if ours[0] == "raised":
        assert ours[1:] == theirs[1:]
        return
    np.testing.assert_array_equal(ours[1], theirs[1])
    assert ours[2:4] == theirs[2:4]
    np.testing.assert_array_equal(ours[4], theirs[4])


@pytest.mark.parametrize("name", sorted(READS))
def test_reading_an_index_matches_torch(name):
    shape_name, key = READS[name]
    assert_same_outcome(shape_name, lambda L, x: x[key(L)])


# The same keys written to: ``x[key] = 5`` on a tensor that needs no grad.
WRITES = [
    "scalar_zero", "scalar_one", "scalar_slice", "scalar_ellipsis", "scalar_true",
    "vector_false", "matrix_two_slices", "matrix_true_then_int", "cube_four_ints",
    "cube_int_out_of_range", "cube_second_int_out_of_range", "cube_after_ellipsis",
    "cube_mask_too_long", "cube_mask_on_dim_1", "cube_mask_fits",
]


def _written(lib: Any, shape_name: str, key: Callable[[Any], Any]) -> tuple:
    x = _leaf(lib, SHAPES[shape_name]).detach()
    try:
        x[key(lib)] = 5.0
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return ("raised", type(error).__name__, str(error))
    return ("written", x.tolist())


@pytest.mark.parametrize("name", WRITES)
def test_writing_an_index_matches_torch(name):
    shape_name, key = READS[name]
    assert _written(ak, shape_name, key) == _written(torch, shape_name, key)


def test_an_alias_is_a_view_that_shares_the_version_counter():
    """``x[...]`` is a new tensor over the same memory: a change through it is seen in x and
    bumps the version both share, so a gradient saved from x knows it is stale."""
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        alias = y[...]
        assert alias._base is y
        before = y._version
        alias.mul_(3)
        assert y.tolist() == [3.0, 6.0]
        assert y._version == alias._version == before + 1
