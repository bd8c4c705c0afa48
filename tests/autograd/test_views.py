"""Views and in-place changes through them, with PyTorch as the oracle.

A view shares memory and a version counter with its base; changing it in place rewrites the
base's history (CopySlices) and every view's (AsStridedBackward0), so gradients stay right.
"""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak


def names(*tensors):
    return [type(t.grad_fn).__name__ for t in tensors]


def edges(node):
    return [type(next_node).__name__ for next_node, _ in node.next_functions]


def view_changed_in_place(L):
    a = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 1
    v = b[1:]
    w = v[0:1]  # a view of a view: its base is b too
    v.mul_(2)
    seen = (names(b, v, w), edges(b.grad_fn), b.tolist())
    (b * b).sum().backward(retain_graph=True)
    first = a.grad.tolist()
    a.grad = None
    (w * 5).sum().backward()
    return seen, first, a.grad.tolist()


def buffer_filled_from_a_leaf(L):
    buffer = L.zeros(3)
    x = L.tensor([5.0], requires_grad=True)
    buffer[1:2].copy_(x)  # the buffer needed no grad; now it does, through CopySlices
    (buffer * L.tensor([1.0, 2.0, 3.0])).sum().backward()
    return names(buffer), edges(buffer.grad_fn), buffer.requires_grad, x.grad.tolist()


def view_made_before_its_base_changed(L):
    a = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 1
    v = b[1:]
    b.mul_(3)  # v's numbers changed too, so its history must include the mul_
    v.sum().backward()
    return names(v), edges(v.grad_fn), a.grad.tolist()


def two_views_of_one_base(L):
    a = L.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = a * 1
    row, column = b[0], b[:, 1]
    row.mul_(10)
    column.add_(column.detach())
    (b * b).sum().backward()
    return names(row, column), a.grad.tolist()


def transposed_view_with_a_broadcast_factor(L):
    a = L.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = L.tensor([2.0, 3.0], requires_grad=True)
    b = a * 1
    b.t().mul_(w)
    (b * L.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    return a.grad.tolist(), w.grad.tolist()


def setitem_on_a_view_then_second_derivative(L):
    a = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * a
    b[1:][0] = a[0] * 7
    (grad,) = L.autograd.grad((b**2).sum(), a, create_graph=True)
    grad.sum().backward()
    return names(b), grad.tolist(), a.grad.tolist()


SCENARIOS = [
    view_changed_in_place,
    buffer_filled_from_a_leaf,
    view_made_before_its_base_changed,
    two_views_of_one_base,
    transposed_view_with_a_broadcast_factor,
    setitem_on_a_view_then_second_derivative,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_in_place_through_views_matches_torch(scenario):
    assert scenario(ak) == scenario(torch)


def test_a_view_knows_its_base_and_shares_its_version_counter():
    for lib in (ak, torch):
        b = lib.tensor([1.0, 2.0, 3.0]) * 1
        v = b[1:].unsqueeze(0).t()
        assert v._base is b and v._is_view() and not b._is_view()
        assert b.view(3)._base is b and b.reshape(3, 1)._base is b
        assert b.clone()._base is None and b.t().reshape(3)._base is b
        b.add_(1)
        assert v._version == b._version == 1
        v.mul_(2)
        assert b._version == 2 and b.tolist() == [2.0, 6.0, 8.0]


def test_changing_a_saved_tensor_through_a_view_is_caught():
    for lib in (ak, torch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 1
        y = b.sin()  # saves b
        b[1:].add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_a_view_of_a_leaf_cannot_change_in_place():
    phrase = "a view of a leaf Variable that requires grad is being used in an in-place operation"
    for lib in (ak, torch):
        leaf = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with pytest.raises(RuntimeError, match=phrase):
            leaf[1:].mul_(2)
        assert leaf.tolist() == [1.0, 2.0, 3.0] and leaf._version == 0
        with lib.no_grad():  # how initialisers write into parameters
            leaf[1:].fill_(0.0)
        assert leaf.tolist() == [1.0, 0.0, 0.0]


# ---- shape-index ----


def diagonal_changed_in_place(L):
    a = L.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = a * 1
    upper = b.diagonal(1)
    moved = b.movedim(0, 1)
    upper.mul_(L.tensor([2.0, 3.0]))  # writes b[0, 1] and b[1, 2]
    seen = (names(b, upper, moved), edges(b.grad_fn), b.tolist(), moved.tolist())
    (moved * L.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    return seen, a.grad.tolist()


def test_diagonal_changed_in_place_matches_torch():
    assert diagonal_changed_in_place(ak) == diagonal_changed_in_place(torch)


VIEWS = {  # the new ops that return views in PyTorch: they share memory and version
    "movedim": lambda b: b.movedim(0, -1),
    "moveaxis": lambda b: b.moveaxis(1, 0),
    "swapaxes": lambda b: b.swapaxes(0, 1),
    "swapdims": lambda b: b.swapdims(0, 1),
    "unflatten": lambda b: b.unflatten(1, (2, 3)),
    "broadcast_to": lambda b: b.broadcast_to((2, 2, 6)),
    "diagonal": lambda b: b.diagonal(1),
}
COPIES = {  # ... and those that copy
    "flip": lambda b: b.flip(0),
    "roll": lambda b: b.roll(1),
    "repeat": lambda b: b.repeat(1, 1),
    "tile": lambda b: b.tile((1,)),
    "gather": lambda b: b.gather(0, b.new_zeros((1, 6)).long()),
    "index_select": lambda b: b.index_select(0, b.new_zeros(1).long()),
    "masked_select": lambda b: b.masked_select(b > 0),
    "take": lambda b: b.take(b.new_zeros(2).long()),
    "diag": lambda b: b.diag(),
    "tril": lambda b: b.tril(),
    "triu": lambda b: b.triu(),
}


@pytest.mark.parametrize("name", sorted(VIEWS) + sorted(COPIES))
def test_new_ops_are_views_exactly_where_torch_s_are(name):
    make = VIEWS.get(name) or COPIES[name]
    for lib in (ak, torch):
        b = lib.arange(12.0).reshape(2, 6) + 1
        out = make(b)
        assert (out._base is b) == (name in VIEWS)
        b.add_(1)
        assert (out._version == b._version) == (name in VIEWS)
        assert (out.reshape(-1)[0].item() != make(b).reshape(-1)[0].item()) == (name not in VIEWS)
