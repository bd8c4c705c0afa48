"""Activation checkpointing against torch.utils.checkpoint: the same gradients and graph, the
function run again during backward, activations not kept, and the same errors."""

from __future__ import annotations

import gc
import importlib
import warnings
import weakref

import numpy as np
import pytest
import torch

import autograd_kit as ak


def checkpoint_of(L):
    return importlib.import_module(f"{L.__name__}.utils.checkpoint").checkpoint


def scenario(L, use_reentrant):
    """Checkpoint a small block; what a learner sees before and after backward."""
    x = L.tensor([0.5, -1.0, 2.0], dtype=L.float64, requires_grad=True)
    w = L.tensor([1.5, 0.5, -0.5], dtype=L.float64, requires_grad=True)  # used inside
    calls = []

    def block(t, scale):
        calls.append(1)
        return ((t.exp() * w).tanh() * scale).sin()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        options = {} if use_reentrant is None else {"use_reentrant": use_reentrant}
        y = checkpoint_of(L)(block, x, 2.0, **options)
    seen = [type(y.grad_fn).__name__.replace("torch::autograd::", ""), len(calls)]
    y.sum().backward()
    return seen + [len(calls), x.grad.tolist(), w.grad.tolist()]


@pytest.mark.parametrize("use_reentrant", [False, True, None])
def test_gradients_graph_and_recomputation_match_torch(use_reentrant):
    ours, theirs = scenario(ak, use_reentrant), scenario(torch, use_reentrant)
    assert ours[:3] == theirs[:3]  # node, calls after forward (1) and after backward (2)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-12)
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-12)


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_dropout_drops_the_same_elements_when_recomputed(use_reentrant):
    def grads(checkpointed):
        ak.manual_seed(0)
        x = ak.arange(1.0, 9.0, requires_grad=True)
        block = lambda t: ak.nn.functional.dropout(t.exp(), 0.5) * t  # noqa: E731
        y = checkpoint_of(ak)(block, x, use_reentrant=use_reentrant) if checkpointed else block(x)
        ak.randn(5)  # the generator moves on between forward and backward
        y.sum().backward()
        return x.grad.tolist()

    assert grads(True) == grads(False)
    assert 0.0 in grads(True)  # some elements really were dropped


def test_activations_are_not_kept_between_forward_and_backward():
    kept = []

    def block(t):
        inner = t.exp()
        kept.append(weakref.ref(inner._array))
        return inner.sin()

    x = ak.ones(1000, requires_grad=True)
    plain = block(x)
    checkpointed = checkpoint_of(ak)(block, x, use_reentrant=False)
    gc.collect()
    assert kept[0]() is not None  # the plain graph keeps exp's result for sin's backward
    assert kept[1]() is None  # the checkpointed graph keeps a number instead
    (plain.sum() + checkpointed.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(np.e) * np.e, rtol=1e-6)


def test_without_use_reentrant_it_warns_as_torch_does():
    messages = []
    for L in (ak, torch):
        x = L.ones(2, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            checkpoint_of(L)(lambda t: t * 2, x)
        messages.append([str(w.message) for w in caught if "use_reentrant" in str(w.message)])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_errors_match_torch():
    def fewer_saved_when_recomputed(L):
        calls = []

        def block(t):
            calls.append(1)
            return t.exp().exp() if len(calls) == 1 else t.exp()

        checkpoint_of(L)(block, L.ones(2, requires_grad=True), use_reentrant=False).sum().backward()

    def keyword_arguments_when_reentrant(L):
        checkpoint_of(L)(lambda t, scale: t * scale, L.ones(2), scale=2.0, use_reentrant=True)

    def nothing_requires_grad(L):
        x = L.ones(2, requires_grad=True)
        checkpoint_of(L)(lambda t: t.detach() * 2, x, use_reentrant=True).sum().backward()

    for make_error in (
        fewer_saved_when_recomputed,
        keyword_arguments_when_reentrant,
        nothing_requires_grad,
    ):
        errors = []
        for L in (ak, torch):
            with pytest.raises(Exception) as raised:
                make_error(L)
            errors.append((type(raised.value).__name__, str(raised.value).split("\n\nTip:")[0]))
        assert errors[0] == errors[1], make_error.__name__
