"""ak.nn.init: gains, fan computation and the distributions each scheme draws from."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import autograd_kit as ak
import tests.nn.parity  # noqa: F401  (registers ak.nn)


@pytest.mark.parametrize("name,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                        ("tanh", None), ("relu", None), ("leaky_relu", None),
                                        ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain_matches_pytorch(name, param):
    assert ak.nn.init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


@pytest.mark.parametrize("shape", [(5, 3), (8, 4, 3, 3), (2, 6, 5)])
def test_fans_match_pytorch(shape):
    assert ak.nn.init._calculate_fan_in_and_fan_out(ak.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        ak.nn.init.kaiming_uniform_(ak.empty(3))


@pytest.mark.parametrize("scheme,options,expected_std", [
    ("kaiming_uniform_", dict(nonlinearity="relu"), math.sqrt(2 / 200)),
    ("kaiming_normal_", dict(nonlinearity="relu"), math.sqrt(2 / 200)),
    ("kaiming_normal_", dict(mode="fan_out", nonlinearity="relu"), math.sqrt(2 / 300)),
    ("xavier_uniform_", {}, math.sqrt(2 / 500)),
    ("xavier_normal_", dict(gain=2.0), 2 * math.sqrt(2 / 500)),
])
def test_schemes_have_the_documented_spread(scheme, options, expected_std):
    ak.manual_seed(0)
    weight = ak.empty(300, 200, requires_grad=True)
    out = getattr(ak.nn.init, scheme)(weight, **options)
    assert out is weight and weight.requires_grad and weight.grad_fn is None
    values = weight.detach().numpy()
    assert abs(values.std() - expected_std) < 0.02 * expected_std
    assert abs(values.mean()) < 0.02 * expected_std
    if "uniform" in scheme:
        assert np.abs(values).max() <= math.sqrt(3) * expected_std + 1e-7


def test_constant_ones_zeros_eye_uniform_normal():
    weight = ak.empty(3, 4, requires_grad=True)
    assert ak.nn.init.constant_(weight, 0.5).detach().numpy().tolist() == [[0.5] * 4] * 3
    assert ak.nn.init.ones_(weight).detach().numpy().sum() == 12
    assert ak.nn.init.zeros_(weight).detach().numpy().sum() == 0
    np.testing.assert_array_equal(ak.nn.init.eye_(weight).detach().numpy(), np.eye(3, 4))
    ak.manual_seed(1)
    values = ak.nn.init.uniform_(ak.empty(10000), -2.0, 3.0).numpy()
    assert values.min() >= -2.0 and values.max() <= 3.0 and abs(values.mean() - 0.5) < 0.05
    values = ak.nn.init.normal_(ak.empty(10000), 1.0, 0.5).numpy()
    assert abs(values.mean() - 1.0) < 0.02 and abs(values.std() - 0.5) < 0.02


def test_same_seed_same_initial_network():
    ak.manual_seed(7)
    first = ak.nn.Sequential(ak.nn.Linear(4, 4), ak.nn.Conv2d(1, 2, 3)).state_dict()
    ak.manual_seed(7)
    second = ak.nn.Sequential(ak.nn.Linear(4, 4), ak.nn.Conv2d(1, 2, 3)).state_dict()
    for name in first:
        np.testing.assert_array_equal(first[name].numpy(), second[name].numpy())


# ---- nn-tail: trunc_normal_ and orthogonal_ ------------------------------------------------------


@pytest.mark.parametrize("options", [{}, dict(mean=0.5, std=2.0, a=-1.0, b=3.0),
                                     dict(std=0.02, a=-0.04, b=0.04)])
def test_trunc_normal_draws_pytorch_s_distribution(options):
    """The same truncated normal as PyTorch's (the generators differ, so compare moments)."""
    ak.manual_seed(0)
    torch.manual_seed(0)
    ours = ak.nn.init.trunc_normal_(ak.empty(200_000), **options)
    theirs = torch.nn.init.trunc_normal_(torch.empty(200_000), **options)
    low, high = options.get("a", -2.0), options.get("b", 2.0)
    assert low <= float(ours.min()) and float(ours.max()) <= high
    scale = options.get("std", 1.0)
    assert abs(float(ours.mean()) - float(theirs.mean())) < 0.01 * scale
    assert abs(float(ours.std()) - float(theirs.std())) < 0.01 * scale
    assert str(ours.dtype) == str(theirs.dtype)


def test_trunc_normal_fills_in_place_outside_the_graph_and_follows_the_seed():
    weight = ak.nn.Parameter(ak.empty(3, 4))
    ak.manual_seed(1)
    assert ak.nn.init.trunc_normal_(weight) is weight
    assert weight.grad_fn is None and weight.requires_grad
    first = weight.tolist()
    ak.manual_seed(1)
    assert ak.nn.init.trunc_normal_(weight).tolist() == first


def test_trunc_normal_warns_like_pytorch():
    messages = []
    for lib in (torch, ak):
        with pytest.warns(UserWarning) as caught:
            lib.nn.init.trunc_normal_(lib.empty(3), mean=10.0)
        messages.append(str(caught[0].message))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (4, 2, 3)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_orthogonal_rows_or_columns_are_orthonormal_times_gain(shape, dtype):
    ak.manual_seed(0)
    weight = ak.nn.Parameter(ak.empty(*shape, dtype=getattr(ak, dtype)))
    assert ak.nn.init.orthogonal_(weight, gain=2.0) is weight
    assert weight.grad_fn is None and str(weight.dtype) == f"torch.{dtype}"
    matrix = np.asarray(weight.tolist(), dtype=np.float64).reshape(shape[0], -1)
    smaller = min(matrix.shape)
    gram = matrix @ matrix.T if matrix.shape[0] == smaller else matrix.T @ matrix
    np.testing.assert_allclose(gram, 4.0 * np.eye(smaller), atol=1e-5)
    # PyTorch's weights have the same property.
    theirs = torch.nn.init.orthogonal_(torch.empty(*shape), gain=2.0).reshape(shape[0], -1)
    torch_gram = theirs @ theirs.T if theirs.shape[0] == smaller else theirs.T @ theirs
    np.testing.assert_allclose(torch_gram.numpy(), 4.0 * np.eye(smaller), atol=1e-5)


def test_orthogonal_errors_and_empty_tensors_like_pytorch():
    for lib in (torch, ak):
        with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
            lib.nn.init.orthogonal_(lib.empty(3))
        assert tuple(lib.nn.init.orthogonal_(lib.empty(0, 3)).shape) == (0, 3)
