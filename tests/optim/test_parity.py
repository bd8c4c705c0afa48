"""Train the same network in autograd-kit and PyTorch for 20 steps with each optimizer and
compare the loss and every weight after every step (float32 tolerance)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, assert_same_params, copy_weights, to_ak

STEPS = 20

OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.001)),
    ("SGD", dict(lr=0.05, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01, alpha=0.9)),
    # ---- nn-more ----
    ("Adagrad", dict(lr=0.05)),
    ("Adagrad", dict(lr=0.05, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1,
                     eps=1e-6)),
    ("Adagrad", dict(lr=0.05, maximize=True)),
]


def mlp(nn):
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(),
                         nn.Linear(16, 3))


def cnn(nn):
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, padding=1), nn.Flatten(), nn.BatchNorm1d(24),
        nn.Linear(24, 3),
    )


def train_both(make, optimizer_name, options, inputs, labels, groups=False, tolerance=1e-5):
    torch.manual_seed(0)
    torch_net, ak_net = make(torch.nn), make(ak.nn)
    copy_weights(torch_net, ak_net)

    def parameters(net):
        if not groups:
            return net.parameters()
        params = list(net.parameters())
        return [{"params": params[:2], "lr": options["lr"] * 3}, {"params": params[2:]}]

    torch_opt = getattr(torch.optim, optimizer_name)(parameters(torch_net), **options)
    ak_opt = getattr(ak.optim, optimizer_name)(parameters(ak_net), **options)
    ak_inputs, ak_labels = to_ak(inputs), to_ak(labels)
    for _ in range(STEPS):
        torch_opt.zero_grad()
        ak_opt.zero_grad()
        torch_loss = torch.nn.functional.cross_entropy(torch_net(inputs), labels)
        ak_loss = ak.nn.functional.cross_entropy(ak_net(ak_inputs), ak_labels)
        assert_close(ak_loss, torch_loss, rtol=tolerance, atol=tolerance)
        torch_loss.backward()
        ak_loss.backward()
        assert_same_params(ak_net, torch_net, rtol=tolerance, atol=tolerance)
        torch_opt.step()
        ak_opt.step()
        assert_same_params(ak_net, torch_net, rtol=tolerance, atol=tolerance, grads=False)
    return torch_opt, ak_opt


@pytest.fixture
def data():
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(32, 6, generator=generator)
    labels = torch.randint(0, 3, (32,), generator=generator)
    return inputs, labels


@pytest.mark.parametrize("name,options", OPTIMIZERS, ids=lambda v: str(v))
def test_mlp_matches_pytorch_step_for_step(name, options, data):
    train_both(mlp, name, options, *data)


@pytest.mark.parametrize("name,options", [OPTIMIZERS[1], OPTIMIZERS[5], OPTIMIZERS[9]],
                         ids=lambda v: str(v))
def test_parameter_groups_with_their_own_lr(name, options, data):
    torch_opt, ak_opt = train_both(mlp, name, options, *data, groups=True)
    assert [g["lr"] for g in ak_opt.param_groups] == [g["lr"] for g in torch_opt.param_groups]


@pytest.mark.parametrize("name,options", [OPTIMIZERS[2], OPTIMIZERS[6]], ids=lambda v: str(v))
def test_cnn_matches_pytorch_step_for_step(name, options):
    generator = torch.Generator().manual_seed(1)
    images = torch.randn(8, 1, 8, 8, generator=generator)
    labels = torch.randint(0, 3, (8,), generator=generator)
    train_both(cnn, name, options, images, labels, tolerance=1e-4)


def test_frozen_parameters_keep_no_grad_and_do_not_move(data):
    inputs, labels = data
    net = mlp(ak.nn)
    net[0].requires_grad_(False)
    frozen = [p.detach().clone() for p in net[0].parameters()]
    optimizer = ak.optim.SGD(net.parameters(), lr=0.5, momentum=0.9)
    for _ in range(3):
        optimizer.zero_grad()
        ak.nn.functional.cross_entropy(net(to_ak(inputs)), to_ak(labels)).backward()
        optimizer.step()
    for param, before in zip(net[0].parameters(), frozen, strict=True):
        assert param.grad is None
        np.testing.assert_array_equal(param.detach().numpy(), before.numpy())
    assert all(p.grad is not None for p in net[2].parameters())


def test_two_chained_networks_one_optimizer_both_get_gradients(data):
    inputs, labels = data
    torch.manual_seed(0)
    torch_a, torch_b = torch.nn.Linear(6, 5), torch.nn.Linear(5, 3)
    ak_a, ak_b = ak.nn.Linear(6, 5), ak.nn.Linear(5, 3)
    copy_weights(torch_a, ak_a)
    copy_weights(torch_b, ak_b)
    torch_opt = torch.optim.Adam(itertools.chain(torch_a.parameters(), torch_b.parameters()),
                                 lr=0.01)
    ak_opt = ak.optim.Adam(itertools.chain(ak_a.parameters(), ak_b.parameters()), lr=0.01)
    for _ in range(5):
        torch_opt.zero_grad()
        ak_opt.zero_grad()
        torch.nn.functional.cross_entropy(torch_b(torch_a(inputs)), labels).backward()
        ak.nn.functional.cross_entropy(ak_b(ak_a(to_ak(inputs))), to_ak(labels)).backward()
        assert all(p.grad is not None for p in itertools.chain(ak_a.parameters(),
                                                               ak_b.parameters()))
        torch_opt.step()
        ak_opt.step()
        assert_same_params(ak_a, torch_a)
        assert_same_params(ak_b, torch_b)


def test_two_losses_one_update_with_retain_graph(data):
    inputs, labels = data
    torch.manual_seed(0)
    torch_net, ak_net = mlp(torch.nn), mlp(ak.nn)
    copy_weights(torch_net, ak_net)
    for lib, net in ((torch, torch_net), (ak, ak_net)):
        x = inputs if lib is torch else to_ak(inputs)
        y = labels if lib is torch else to_ak(labels)
        out = net(x)
        lib.nn.functional.cross_entropy(out, y).backward(retain_graph=True)
        (out ** 2).mean().backward()
        lib.optim.SGD(net.parameters(), lr=0.1).step()
    assert_same_params(ak_net, torch_net)
