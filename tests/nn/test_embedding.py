"""Embedding: row lookup, gradients that add up for repeated indices, padding_idx, errors."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, assert_same_params, copy_weights, to_ak


@pytest.mark.parametrize("padding_idx", [None, 0, -1])
def test_forward_backward_match_pytorch(padding_idx):
    torch.manual_seed(0)
    torch_emb = torch.nn.Embedding(6, 3, padding_idx=padding_idx)
    ak_emb = ak.nn.Embedding(6, 3, padding_idx=padding_idx)
    copy_weights(torch_emb, ak_emb)
    indices = torch.tensor([[1, 2, 1], [5, 0, 1]])
    torch_out, ak_out = torch_emb(indices), ak_emb(to_ak(indices))
    assert_close(ak_out, torch_out)
    assert ak_out.grad_fn.name() == torch_out.grad_fn.name()
    upstream = torch.randn(torch_out.shape)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_same_params(ak_emb, torch_emb)


def test_padding_row_starts_at_zero_and_repr():
    emb = ak.nn.Embedding(4, 2, padding_idx=1)
    assert emb.weight[1].tolist() == [0.0, 0.0]
    assert repr(emb) == repr(torch.nn.Embedding(4, 2, padding_idx=1))
    assert repr(ak.nn.Embedding(4, 2)) == repr(torch.nn.Embedding(4, 2))


def test_out_of_range_index_matches_pytorch():
    with pytest.raises(IndexError) as expected:
        torch.nn.Embedding(5, 3)(torch.tensor([5]))
    with pytest.raises(IndexError) as actual:
        ak.nn.Embedding(5, 3)(ak.tensor([5]))
    assert str(actual.value).splitlines()[0] == str(expected.value)
