"""saved_tensors_hooks and save_on_cpu against PyTorch: which tensors are packed, when they are
unpacked, what backward computes from them, and the errors."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak


def hooked_program(L):
    """Log every pack and unpack while a small graph is recorded and run."""
    log = []

    def pack(tensor):
        grad_fn = type(tensor.grad_fn).__name__ if tensor.grad_fn is not None else None
        log.append(("pack", tuple(tensor.shape), tensor.requires_grad, grad_fn))
        return tensor.detach().clone()

    def unpack(packed):
        log.append(("unpack", tuple(packed.shape)))
        return packed

    x = L.tensor([1.0, 2.0], requires_grad=True)
    with L.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = x * x  # saves x twice
        z = y.exp()  # saves its result
        w = (x * 3).sum()  # saves the number 3 only: nothing packed
    log.append("forward done")
    (z.sum() + w).backward()
    return log, x.grad.tolist()


def test_pack_and_unpack_run_on_the_same_tensors_as_in_torch():
    ours, theirs = hooked_program(ak), hooked_program(torch)
    assert ours == theirs
    assert ours[0].count("forward done") == 1 and len(ours[0]) == 7


def test_what_unpack_returns_is_what_backward_uses():
    results = []
    for L in (ak, torch):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        with L.autograd.graph.saved_tensors_hooks(lambda t: t * 0, lambda t: t):
            (x * x).sum().backward()
        results.append(x.grad.tolist())
    assert results[0] == results[1] == [0.0, 0.0]


def test_identity_hooks_keep_second_derivatives_and_skip_the_version_check_like_torch():
    for L in (ak, torch):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        with L.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            (first,) = L.autograd.grad((x**3).sum(), x, create_graph=True)
            a = x * 1
            b = a * a
        first.sum().backward()
        assert x.grad.tolist() == [6.0, 12.0]
        a.add_(1)  # would fail the version check without hooks
        b.sum().backward()


def test_unpack_must_return_a_tensor_like_torch():
    messages = []
    for L in (ak, torch):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        with L.autograd.graph.saved_tensors_hooks(lambda t: 5, lambda packed: packed):
            y = x * x
        with pytest.raises(TypeError) as error:
            y.sum().backward()
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_the_innermost_hooks_pack_and_custom_functions_are_packed_too():
    class Square(ak.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    outer, inner = [], []
    x = ak.tensor([3.0], requires_grad=True)
    with ak.autograd.graph.saved_tensors_hooks(lambda t: outer.append(t) or t, lambda t: t):
        with ak.autograd.graph.saved_tensors_hooks(lambda t: inner.append(t) or t, lambda t: t):
            y = Square.apply(x)
        z = y.exp()
    (z.sum()).backward()
    assert [t is x for t in inner] == [True] and [t is z for t in outer] == [True]
    assert x.grad.tolist() == pytest.approx([6.0 * float(torch.tensor(9.0).exp())])


def test_save_on_cpu_keeps_saved_tensors_on_the_cpu_and_gradients_on_the_device():
    packed_on = []
    x = ak.tensor([1.0, 2.0], device="strict:1", requires_grad=True)
    hooks = ak.autograd.graph.save_on_cpu()
    pack = hooks.pack_hook
    hooks.pack_hook = lambda tensor: packed_on.append(pack(tensor)[1].device) or pack(tensor)
    with hooks:
        y = (x * x).exp().sum()
    y.backward()
    assert packed_on and all(device == ak.device("cpu") for device in packed_on)
    assert x.grad.device == ak.device("strict:1")
    expected = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.graph.save_on_cpu():
        (expected * expected).exp().sum().backward()
    assert x.grad.cpu().tolist() == pytest.approx(expected.grad.tolist())
