"""parameters_to_vector / vector_to_parameters round-trip, in PyTorch's order."""

from __future__ import annotations

import numpy as np
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, copy_weights


def test_parameters_to_vector_matches_pytorch_and_is_differentiable():
    torch.manual_seed(0)
    torch_net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 1, bias=False))
    ak_net = ak.nn.Sequential(ak.nn.Linear(3, 2), ak.nn.Linear(2, 1, bias=False))
    copy_weights(torch_net, ak_net)
    vector = ak.nn.utils.parameters_to_vector(ak_net.parameters())
    assert_close(vector, torch.nn.utils.parameters_to_vector(torch_net.parameters()))
    assert vector.shape == ak.Size([10])
    (vector * ak.arange(10.0)).sum().backward()
    assert ak_net[0].weight.grad.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert ak_net[1].weight.grad.tolist() == [[8.0, 9.0]]


def test_vector_to_parameters_round_trip():
    net = ak.nn.Sequential(ak.nn.Linear(3, 2), ak.nn.Linear(2, 1))
    ak.nn.utils.vector_to_parameters(ak.arange(11.0), net.parameters())
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), [[0, 1, 2], [3, 4, 5]])
    assert net[1].bias.tolist() == [10.0]
    assert all(p.requires_grad and p.is_leaf for p in net.parameters())
    np.testing.assert_array_equal(
        ak.nn.utils.parameters_to_vector(net.parameters()).detach().numpy(), np.arange(11.0))
