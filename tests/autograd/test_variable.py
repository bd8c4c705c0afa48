"""The legacy ``Variable`` behaves as PyTorch's: a detached leaf, and volatile only warns."""

import warnings

import pytest

import autograd_kit as ak

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("lib", [ak, torch], ids=["ak", "torch"])
def test_variable_is_a_detached_leaf_and_volatile_warns_with_its_replacement(lib):
    base = lib.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet = lib.autograd.Variable(base * 2)
        old = lib.autograd.Variable(base * 2, volatile=True)
        tracked = lib.autograd.Variable(base * 2, requires_grad=True)
    assert [str(w.message) for w in caught] == [
        "volatile was removed and now has no effect. Use `with torch.no_grad():` instead."]
    assert caught[0].category is UserWarning and caught[0].filename == __file__
    assert (quiet.requires_grad, quiet.is_leaf, old.requires_grad) == (False, True, False)
    assert (tracked.requires_grad, tracked.is_leaf, tracked.grad_fn) == (True, True, None)
    assert isinstance(base, lib.autograd.Variable) and tracked is not base
    shared = lib.tensor([1.0, 2.0])
    lib.autograd.Variable(shared)[0] = 5.0
    assert shared[0].item() == 5.0
