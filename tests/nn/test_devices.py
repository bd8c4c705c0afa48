"""ak.nn on another device: the simulated array-api-strict devices of tests/conftest.py stand in
for a GPU, so every layer's forward and backward must run through `xp` only."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_kit as ak
import tests.nn.parity  # noqa: F401  (registers ak.nn)


def _network():
    nn = ak.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=2, padding=1), nn.Flatten(), nn.BatchNorm1d(16),
        nn.Dropout(0.0), nn.Linear(16, 3),
    )


@pytest.mark.parametrize("loss_name", ["cross_entropy", "mse", "bce_logits"])
def test_training_on_a_second_device_matches_the_cpu(strict_devices, loss_name):
    device = strict_devices[1]
    ak.manual_seed(0)
    cpu_net = _network()
    ak.manual_seed(0)
    moved_net = _network()
    weight = moved_net[0].weight
    assert moved_net.to(device) is moved_net
    assert moved_net[0].weight is weight and weight.device == device
    assert moved_net[5].running_mean.device == device
    rng = np.random.default_rng(0)
    images = rng.standard_normal((6, 1, 8, 8)).astype(np.float32)
    labels = rng.integers(0, 3, 6)
    targets = rng.random((6, 3)).astype(np.float32)

    def loss_of(net, where):
        out = net(ak.tensor(images, device=where))
        if loss_name == "cross_entropy":
            return ak.nn.functional.cross_entropy(out, ak.tensor(labels, device=where))
        target = ak.tensor(targets, device=where)
        if loss_name == "mse":
            return ak.nn.functional.mse_loss(out, target)
        return ak.nn.functional.binary_cross_entropy_with_logits(out, target)

    optimizers = [ak.optim.Adam(net.parameters(), lr=0.01) for net in (cpu_net, moved_net)]
    _train_both_and_compare(cpu_net, moved_net, optimizers, device, loss_of)
    moved_net.cpu()
    assert moved_net[0].weight.device == ak.device("cpu")


def _train_both_and_compare(cpu_net, moved_net, optimizers, device, loss_of, steps=3):
    """Train both networks, each on its own device, then compare every parameter."""
    for _ in range(steps):
        for net, optimizer, where in zip((cpu_net, moved_net), optimizers, ("cpu", device),
                                         strict=True):
            optimizer.zero_grad()
            loss = loss_of(net, where)
            assert loss.device == ak.device(where)
            loss.backward()
            optimizer.step()
    for (name, cpu_param), moved_param in zip(cpu_net.named_parameters(),
                                              moved_net.parameters(), strict=True):
        assert moved_param.device == device and moved_param.grad.device == device, name
        np.testing.assert_allclose(moved_param.detach().cpu().numpy(),
                                   cpu_param.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_embedding_on_a_second_device(strict_devices):
    device = strict_devices[2]
    ak.manual_seed(0)
    embedding = ak.nn.Embedding(5, 2, padding_idx=0).to(device)
    out = embedding(ak.tensor([[1, 0, 1]], device=device))
    out.sum().backward()
    assert embedding.weight.grad.cpu().tolist() == [[0.0, 0.0], [2.0, 2.0], [0.0, 0.0],
                                                    [0.0, 0.0], [0.0, 0.0]]


# ---- nn-more ----------------------------------------------------------------------------------


def _modern_network():
    nn = ak.nn
    # (no bias before batch norm: its gradient is 0 up to rounding, which Adagrad's first step,
    # g / sqrt(g^2), would blow up to +-lr differently on each device)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.GELU(), nn.AvgPool2d(2),
        nn.Conv2d(4, 4, 3, padding=1), nn.SiLU(), nn.AdaptiveAvgPool2d((2, 3)), nn.Flatten(),
        nn.LayerNorm(24), nn.Linear(24, 8), nn.ELU(), nn.Softplus(), nn.Hardtanh(-2.0, 2.0),
        nn.Linear(8, 3),
    )


def test_new_layers_train_on_a_second_device_like_the_cpu(strict_devices):
    device = strict_devices[1]
    ak.manual_seed(0)
    cpu_net = _modern_network()
    ak.manual_seed(0)
    moved_net = _modern_network().to(device)
    rng = np.random.default_rng(0)
    images = rng.standard_normal((6, 1, 8, 8)).astype(np.float32)
    targets = rng.standard_normal((6, 3)).astype(np.float32)
    optimizers = [ak.optim.Adagrad(net.parameters(), lr=0.05) for net in (cpu_net, moved_net)]

    def loss_of(net, where):
        padded = ak.nn.functional.pad(ak.tensor(images, device=where), (1, 1, 1, 1),
                                      mode="reflect")
        out = ak.nn.functional.normalize(net(padded[..., 1:-1, 1:-1]))
        target = ak.tensor(targets, device=where)
        huber = ak.nn.functional.huber_loss(out, target)
        return huber + ak.nn.functional.smooth_l1_loss(out.erf(), target)

    _train_both_and_compare(cpu_net, moved_net, optimizers, device, loss_of)


# ---- recurrent ----------------------------------------------------------------------------------


class _SequenceNet(ak.nn.Module):
    """Conv1d over time, a bidirectional 2-layer LSTM, masked multi-head and causal attention,
    a GRU cell: all on one device."""

    def __init__(self):
        super().__init__()
        self.conv = ak.nn.Conv1d(2, 3, 3, padding=1, padding_mode="reflect")
        self.lstm = ak.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        self.attention = ak.nn.MultiheadAttention(8, 2, batch_first=True)
        self.cell = ak.nn.GRUCell(8, 3)

    def forward(self, x):
        features = self.conv(x).transpose(1, 2)
        output, (h_n, _) = self.lstm(features)
        padding = ak.arange(6, device=x.device) > 3  # the last two time steps are padding
        attended, _ = self.attention(output, output, output, key_padding_mask=padding.expand(4, 6))
        causal = ak.nn.functional.scaled_dot_product_attention(attended, output, output,
                                                               is_causal=True)
        return self.cell(causal[:, -1], h_n[-1, :, :3])


def test_sequence_layers_train_on_a_second_device_like_the_cpu(strict_devices):
    device = strict_devices[1]
    ak.manual_seed(0)
    cpu_net = _SequenceNet()
    ak.manual_seed(0)
    moved_net = _SequenceNet().to(device)
    rng = np.random.default_rng(0)
    sequences = rng.standard_normal((4, 2, 6)).astype(np.float32)
    targets = rng.standard_normal((4, 3)).astype(np.float32)
    optimizers = [ak.optim.SGD(net.parameters(), lr=0.1) for net in (cpu_net, moved_net)]

    def loss_of(net, where):
        out = net(ak.tensor(sequences, device=where))
        return ak.nn.functional.mse_loss(out, ak.tensor(targets, device=where))

    _train_both_and_compare(cpu_net, moved_net, optimizers, device, loss_of)
