"""Dropout: the mask's statistics, scaling, gradient, eval mode and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd_kit as ak


def test_training_zeroes_about_p_and_scales_the_rest():
    ak.manual_seed(0)
    x = ak.ones(200, 100, requires_grad=True)
    out = ak.nn.Dropout(p=0.3)(x)
    values = out.detach().numpy()
    kept = values != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    assert out.grad_fn.name() == "MulBackward0"
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)


def test_eval_mode_and_p_zero_are_identity():
    x = ak.randn(4, 4)
    drop = ak.nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(drop(x).numpy(), x.numpy())
    np.testing.assert_array_equal(ak.nn.Dropout(0.0)(x).numpy(), x.numpy())
    assert not ak.nn.Dropout(1.0)(x).numpy().any()


def test_seeded_mask_repeats():
    ak.manual_seed(3)
    first = ak.nn.Dropout()(ak.ones(10)).tolist()
    ak.manual_seed(3)
    assert ak.nn.Dropout()(ak.ones(10)).tolist() == first


def test_repr_and_bad_probability():
    assert repr(ak.nn.Dropout(0.3)) == repr(torch.nn.Dropout(0.3))
    with pytest.raises(ValueError) as expected:
        torch.nn.Dropout(1.5)
    with pytest.raises(ValueError) as actual:
        ak.nn.Dropout(1.5)
    assert str(actual.value) == str(expected.value)
