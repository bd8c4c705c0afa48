"""NumPy's spellings ``keepdims=`` and ``axis=``, which PyTorch accepts for ``keepdim=`` and
``dim=``: the same results as PyTorch wherever PyTorch takes them."""

import pytest
import torch

import autograd_kit as ak

CALLS = {
    "sum": lambda L, x: x.sum(0, keepdims=True),
    "torch.sum": lambda L, x: L.sum(x, axis=1, keepdims=True),
    "mean": lambda L, x: x.mean(axis=1, keepdims=True),
    "torch.mean": lambda L, x: L.mean(x, 0, keepdims=True),
    "nansum": lambda L, x: x.nansum(0, keepdims=True),
    "prod": lambda L, x: x.prod(axis=0, keepdims=True),
    "max_values": lambda L, x: x.max(dim=0, keepdims=True).values,
    "min_indices": lambda L, x: x.min(axis=1, keepdims=True).indices,
    "amax": lambda L, x: L.amax(x, 0, keepdims=True),
    "amin": lambda L, x: x.amin(axis=1, keepdims=True),
    "argmax": lambda L, x: x.argmax(axis=0, keepdims=True),
    "std": lambda L, x: x.std(0, keepdims=True),
    "var": lambda L, x: x.var(axis=1, keepdims=True),
    "logsumexp": lambda L, x: x.logsumexp(0, keepdims=True),
    "all": lambda L, x: (x > 0).all(axis=0, keepdims=True),
    "any": lambda L, x: (x > 3).any(0, keepdims=True),
    "median": lambda L, x: x.median(axis=0, keepdims=True).values,
    "vector_norm": lambda L, x: L.linalg.vector_norm(x, dim=0, keepdims=True),
    "cumsum_axis": lambda L, x: x.cumsum(axis=0),
    "squeeze_axis": lambda L, x: x[None].squeeze(axis=0),
    "cat_axis": lambda L, x: L.cat([x, x], axis=1),
    "stack_axis": lambda L, x: L.stack([x, x], axis=0),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_numpy_spellings_give_pytorchs_result(name):
    values = [[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]
    ours = CALLS[name](ak, ak.tensor(values, requires_grad=True))
    theirs = CALLS[name](torch, torch.tensor(values, requires_grad=True))
    assert repr(ours) == repr(theirs)


def test_both_spellings_at_once_are_refused():
    with pytest.raises(TypeError, match="multiple values for argument 'keepdim'"):
        ak.ones(2).sum(0, keepdim=True, keepdims=True)


def test_the_numpy_names_module_example_runs():
    import doctest

    from autograd_kit import _numpy_names

    result = doctest.testmod(_numpy_names, extraglobs={"ak": ak})
    assert result.attempted > 0 and result.failed == 0
