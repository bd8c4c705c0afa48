"""A whole network records the same backward graph as in PyTorch, and the engine's observer
sees every nn node run with one gradient per input."""

from __future__ import annotations

from collections import Counter

import torch

import autograd_kit as ak
from autograd_kit.autograd.graph import observe_backward
from tests.nn.parity import copy_weights, node_name, to_ak


def network(nn):
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=2, padding=1, bias=False), nn.Tanh(), nn.Flatten(),
        nn.BatchNorm1d(16), nn.Dropout(0.5), nn.Linear(16, 8), nn.Sigmoid(), nn.Linear(8, 3),
    )


def graph_edges(loss):
    """Every (node, input node) edge reachable from loss.grad_fn, by name, with multiplicity."""
    edges, seen, stack = Counter(), set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for next_node, _ in node.next_functions:
            edges[(node_name(node), node_name(next_node))] += 1
            if next_node is not None:
                stack.append(next_node)
    return edges


def test_network_graph_matches_pytorch_node_for_node():
    torch.manual_seed(0)
    torch_net, ak_net = network(torch.nn), network(ak.nn)
    copy_weights(torch_net, ak_net)
    images = torch.randn(5, 1, 8, 8)
    labels = torch.tensor([0, 2, 1, 1, 0])
    torch_loss = torch.nn.functional.cross_entropy(torch_net(images), labels)
    ak_loss = ak.nn.functional.cross_entropy(ak_net(to_ak(images)), to_ak(labels))
    assert graph_edges(ak_loss) == graph_edges(torch_loss)


def test_observer_sees_every_node_with_one_gradient_per_input():
    net = network(ak.nn)
    loss = ak.nn.functional.cross_entropy(net(ak.randn(5, 1, 8, 8)), ak.tensor([0, 2, 1, 1, 0]))
    events = []
    with observe_backward(events.append):
        loss.backward()
    ran = [event for event in events if event.kind == "node"]
    names = [event.node.name() for event in ran]
    for expected in ["NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0",
                     "NativeBatchNormBackward0", "ConvolutionBackward0",
                     "MaxPool2DWithIndicesBackward0"]:
        assert expected in names
    for event in ran:
        if event.node.name() != "AccumulateGrad":
            assert len(event.grad_inputs) == len(event.node.next_functions)
    accumulated = {id(event.tensor) for event in events if event.kind == "accumulate"}
    assert accumulated == {id(param) for param in net.parameters()}
