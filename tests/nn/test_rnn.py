"""RNN, LSTM, GRU and their cells: outputs, final states, every gradient (input, initial state,
parameters), reprs, parameter names and shapes, node names, errors and training vs PyTorch."""

from __future__ import annotations

import math

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import (
    assert_close,
    assert_raises_like,
    assert_same_params,
    copy_weights,
    to_ak,
)

LAYERS = ["RNN", "LSTM", "GRU"]
OPTIONS = [
    {},
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(batch_first=True),
    dict(num_layers=2, bidirectional=True, batch_first=True),
    dict(bias=False),
]


def _pair(name: str, *args, **options):
    torch.manual_seed(0)
    torch_module = getattr(torch.nn, name)(*args, **options)
    ak_module = getattr(ak.nn, name)(*args, **options)
    copy_weights(torch_module, ak_module)
    return torch_module, ak_module


def _as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def _initial_state(name: str, shape, ak_side: bool = False, torch_side=None):
    """A random (h0) or (h0, c0) requiring grad; with ak_side, the ak copy of torch_side."""
    if ak_side:
        copies = tuple(to_ak(value, requires_grad=True) for value in _as_tuple(torch_side))
        return copies if name == "LSTM" else copies[0]
    states = tuple(torch.randn(*shape, requires_grad=True)
                   for _ in range(2 if name == "LSTM" else 1))
    return states if name == "LSTM" else states[0]


def _compare_run(name: str, options: dict, batched: bool, with_state: bool) -> None:
    torch_module, ak_module = _pair(name, 3, 4, **options)
    directions = 2 if options.get("bidirectional") else 1
    layers = options.get("num_layers", 1)
    if batched:
        shape = (2, 5, 3) if options.get("batch_first") else (5, 2, 3)
        state_shape = (layers * directions, 2, 4)
    else:
        shape, state_shape = (5, 3), (layers * directions, 4)
    x = torch.randn(*shape, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    args, ak_args = (), ()
    if with_state:
        state = _initial_state(name, state_shape)
        args, ak_args = (state,), (_initial_state(name, None, True, state),)
    output, final = torch_module(x, *args)
    ak_output, ak_final = ak_module(ax, *ak_args)
    assert_close(ak_output, output)
    for ak_value, value in zip(_as_tuple(ak_final), _as_tuple(final), strict=True):
        assert_close(ak_value, value)
        assert ak_value.grad_fn.name() == value.grad_fn.name()
    if name != "LSTM" and not options.get("batch_first"):
        # PyTorch's CPU LSTM records a fused MkldnnRnnLayerBackward0, and batch_first its
        # in-place transpose_ (TransposeBackward1): the graphs differ there, not elsewhere.
        assert ak_output.grad_fn.name() == output.grad_fn.name()
    upstream = [torch.randn_like(output)] + [torch.randn_like(v) for v in _as_tuple(final)]
    loss = sum((value * grad).sum() for value, grad in
               zip((output, *_as_tuple(final)), upstream, strict=True))
    ak_loss = sum((value * to_ak(grad)).sum() for value, grad in
                  zip((ak_output, *_as_tuple(ak_final)), upstream, strict=True))
    loss.backward()
    ak_loss.backward()
    assert_close(ax.grad, x.grad, atol=1e-5)
    assert_same_params(ak_module, torch_module, atol=1e-5)
    if with_state:
        for ak_value, value in zip(_as_tuple(ak_args[0]), _as_tuple(args[0]), strict=True):
            assert_close(ak_value.grad, value.grad, atol=1e-5)


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("with_state", [False, True])
def test_sequence_layers_match_pytorch(name, options, with_state):
    _compare_run(name, options, batched=True, with_state=with_state)


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("options", [{}, dict(bidirectional=True, num_layers=2),
                                     dict(batch_first=True)])
@pytest.mark.parametrize("with_state", [False, True])
def test_unbatched_sequences_match_pytorch(name, options, with_state):
    _compare_run(name, options, batched=False, with_state=with_state)


def test_relu_rnn_matches_pytorch():
    _compare_run("RNN", dict(nonlinearity="relu", num_layers=2), batched=True, with_state=True)


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("options", OPTIONS + [dict(dropout=0.5, num_layers=3)])
def test_repr_parameters_and_state_dict_match_pytorch(name, options):
    torch_module, ak_module = _pair(name, 3, 4, **options)
    assert repr(ak_module) == repr(torch_module)
    assert [(n, tuple(p.shape)) for n, p in ak_module.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in torch_module.named_parameters()]
    assert [(n, tuple(v.shape)) for n, v in ak_module.state_dict().items()] == \
        [(n, tuple(v.shape)) for n, v in torch_module.state_dict().items()]
    assert [[tuple(p.shape) for p in group] for group in ak_module.all_weights] == \
        [[tuple(p.shape) for p in group] for group in torch_module.all_weights]


@pytest.mark.parametrize("name", LAYERS + ["RNNCell", "LSTMCell", "GRUCell"])
def test_default_initialisation_is_uniform_in_one_over_sqrt_hidden(name):
    ak.manual_seed(0)
    module = getattr(ak.nn, name)(30, 16)
    bound = 1 / math.sqrt(16)
    values = ak.cat([p.detach().reshape(-1) for p in module.parameters()])
    assert values.abs().max().item() <= bound
    assert values.abs().max().item() > 0.95 * bound
    assert abs(values.mean().item()) < 0.02


def test_dropout_acts_between_layers_in_training_only():
    ak.manual_seed(0)
    rnn = ak.nn.GRU(3, 50, num_layers=2, dropout=0.9)
    x = ak.randn(4, 2, 3)
    first, _ = rnn(x)
    second, _ = rnn(x)
    assert not ak.allclose(first, second)
    rnn.eval()
    first, _ = rnn(x)
    second, _ = rnn(x)
    assert ak.equal(first, second)


def test_dropout_with_one_layer_warns_like_pytorch():
    with pytest.warns(UserWarning) as expected:
        torch.nn.LSTM(3, 4, dropout=0.5)
    with pytest.warns(UserWarning) as actual:
        ak.nn.LSTM(3, 4, dropout=0.5)
    assert str(actual[0].message) == str(expected[0].message)


CELLS = [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")), ("RNNCell", dict(bias=False)),
         ("LSTMCell", {}), ("LSTMCell", dict(bias=False)), ("GRUCell", {}),
         ("GRUCell", dict(bias=False))]


@pytest.mark.parametrize(("name", "options"), CELLS)
@pytest.mark.parametrize("batch", [(2,), ()])
@pytest.mark.parametrize("with_state", [False, True])
def test_cells_match_pytorch(name, options, batch, with_state):
    torch_cell, ak_cell = _pair(name, 3, 4, **options)
    assert repr(ak_cell) == repr(torch_cell)
    x = torch.randn(*batch, 3, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    args, ak_args = (), ()
    if with_state:
        kind = "LSTM" if name == "LSTMCell" else name
        state = _initial_state(kind, (*batch, 4))
        args, ak_args = (state,), (_initial_state(kind, None, True, state),)
    out, ak_out = _as_tuple(torch_cell(x, *args)), _as_tuple(ak_cell(ax, *ak_args))
    upstream = [torch.randn_like(value) for value in out]
    for ak_value, value in zip(ak_out, out, strict=True):
        assert_close(ak_value, value)
        assert ak_value.grad_fn.name() == value.grad_fn.name()
    sum((v * g).sum() for v, g in zip(out, upstream, strict=True)).backward()
    sum((v * to_ak(g)).sum() for v, g in zip(ak_out, upstream, strict=True)).backward()
    assert_close(ax.grad, x.grad, atol=1e-5)
    assert_same_params(ak_cell, torch_cell, atol=1e-5)
    if with_state:
        for ak_value, value in zip(_as_tuple(ak_args[0]), _as_tuple(args[0]), strict=True):
            assert_close(ak_value.grad, value.grad, atol=1e-5)


def test_gradcheck_lstm_in_float64():
    ak.manual_seed(0)
    lstm = ak.nn.LSTM(2, 3, bidirectional=True).double()
    x = ak.randn(3, 2, 2, dtype=ak.float64, requires_grad=True)
    h0 = ak.randn(2, 2, 3, dtype=ak.float64, requires_grad=True)
    c0 = ak.randn(2, 2, 3, dtype=ak.float64, requires_grad=True)

    def run(x, h0, c0):
        output, (h_n, c_n) = lstm(x, (h0, c0))
        return output.sum() + h_n.sum() + (c_n * c_n).sum()

    assert ak.autograd.gradcheck(run, (x, h0, c0))
    assert ak.autograd.gradgradcheck(run, (x, h0, c0))


def test_training_a_tiny_lstm_matches_pytorch_losses():
    torch.manual_seed(0)
    torch_lstm, ak_lstm = _pair("LSTM", 2, 5, batch_first=True)
    torch_head, ak_head = torch.nn.Linear(5, 1), ak.nn.Linear(5, 1)
    copy_weights(torch_head, ak_head)
    x, target = torch.randn(4, 6, 2), torch.randn(4, 1)
    ax, atarget = to_ak(x), to_ak(target)
    torch_opt = torch.optim.SGD([*torch_lstm.parameters(), *torch_head.parameters()], lr=0.1)
    ak_opt = ak.optim.SGD([*ak_lstm.parameters(), *ak_head.parameters()], lr=0.1)
    losses, ak_losses = [], []
    for _ in range(5):
        for lstm, head, opt, inputs, goal, record in (
            (torch_lstm, torch_head, torch_opt, x, target, losses),
            (ak_lstm, ak_head, ak_opt, ax, atarget, ak_losses),
        ):
            opt.zero_grad()
            _, (h_n, _) = lstm(inputs)
            loss = ((head(h_n[-1]) - goal) ** 2).mean()
            loss.backward()
            opt.step()
            record.append(loss.item())
    assert losses[-1] < losses[0]
    assert ak_losses == pytest.approx(losses, rel=1e-5)


BAD_SEQUENCE_CALLS = [
    ("RNN", lambda m: m.zeros(5, 2, 4)),
    ("LSTM", lambda m: m.zeros(5, 2, 4)),
    ("GRU", lambda m: m.zeros(5, 4)),
    ("RNN", lambda m: m.zeros(2, 3, 5, 3)),
    ("LSTM", lambda m: m.zeros(3)),
    ("GRU", lambda m: m.zeros(2, 3, 5, 3)),
    ("RNN", lambda m: m.zeros(5, 2, 3, dtype=m.float64)),
]


@pytest.mark.parametrize(("name", "make_input"), BAD_SEQUENCE_CALLS)
def test_bad_input_errors_match_pytorch(name, make_input):
    torch_module, ak_module = _pair(name, 3, 4)
    assert_raises_like(lambda: torch_module(make_input(torch)), lambda: ak_module(make_input(ak)))


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize(("input_shape", "state_shape"), [
    ((5, 2, 3), (1, 3, 4)), ((5, 2, 3), (2, 2, 4)), ((5, 2, 3), (1, 2, 5)),
    ((5, 2, 3), (2, 4)), ((5, 3), (1, 2, 4)),
])
def test_bad_initial_state_errors_match_pytorch(name, input_shape, state_shape):
    torch_module, ak_module = _pair(name, 3, 4)

    def call(lib, module):
        state = lib.zeros(*state_shape)
        return module(lib.zeros(*input_shape), (state, state) if name == "LSTM" else state)

    assert_raises_like(lambda: call(torch, torch_module), lambda: call(ak, ak_module))


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize(("input_shape", "state_shape"), [
    ((2, 5), None), ((2, 3), (3, 4)), ((2, 3), (2, 5)), ((1, 2, 3), None), ((2, 3), (1, 2, 4)),
])
def test_bad_cell_input_errors_match_pytorch(name, input_shape, state_shape):
    torch_cell, ak_cell = _pair(name, 3, 4)

    def call(lib, cell):
        if state_shape is None:
            return cell(lib.zeros(*input_shape))
        state = lib.zeros(*state_shape)
        return cell(lib.zeros(*input_shape), (state, state) if name == "LSTMCell" else state)

    assert_raises_like(lambda: call(torch, torch_cell), lambda: call(ak, ak_cell))


@pytest.mark.parametrize("options", [dict(nonlinearity="sigmoid"), dict(dropout=1.5),
                                     dict(bias=1), dict(num_layers=0)])
def test_bad_constructor_arguments_match_pytorch(options):
    assert_raises_like(lambda: torch.nn.RNN(3, 4, **options), lambda: ak.nn.RNN(3, 4, **options))
