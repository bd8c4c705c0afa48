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
