"""Recurrent layers: `RNN`, `LSTM`, `GRU` and their one-step `RNNCell`, `LSTMCell`, `GRUCell`.

Each step is written with the core's differentiable operations (linear, sigmoid, tanh, chunk,
stack, cat), in the order PyTorch's CPU kernel composes them, so back-propagation through time
is ordinary autograd and the gradients equal PyTorch's. Parameter names, shapes, gate order
(LSTM i, f, g, o; GRU r, z, n), initialisation and error messages are PyTorch's.
"""

from __future__ import annotations

import math
import numbers
import warnings

from .. import cat, empty, stack, zeros
from .._errors import with_hint
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ---- one time step -----------------------------------------------------------------------
# `input_gates` is the input's projection x W_ih^T + b_ih, computed before the step (for a
# whole sequence at once, as PyTorch does); `state` is h, or (h, c) for an LSTM.


def _simple_step(input_gates, state, weight_hh, bias_hh, activation):
    """h' = activation(h W_hh^T + b_hh + x W_ih^T + b_ih)."""
    return activation(F.linear(state, weight_hh, bias_hh) + input_gates)


def _lstm_step(input_gates, state, weight_hh, bias_hh):
    """i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of the four gate blocks;
    c' = f * c + i * g,  h' = o * tanh(c')."""
    hidden, cell = state
    gates = F.linear(hidden, weight_hh, bias_hh) + input_gates
    in_gate, forget_gate, cell_gate, out_gate = gates.chunk(4, 1)
    cell = forget_gate.sigmoid() * cell + in_gate.sigmoid() * cell_gate.tanh()
    return out_gate.sigmoid() * cell.tanh(), cell


def _gru_step(input_gates, state, weight_hh, bias_hh):
    """r = sigmoid(x_r + h_r),  z = sigmoid(x_z + h_z),  n = tanh(x_n + r * h_n),
    h' = (1 - z) * n + z * h, computed as (h - n) * z + n like PyTorch."""
    input_r, input_z, input_n = input_gates.chunk(3, 1)
    hidden_r, hidden_z, hidden_n = F.linear(state, weight_hh, bias_hh).chunk(3, 1)
    reset_gate = (hidden_r + input_r).sigmoid()
    update_gate = (hidden_z + input_z).sigmoid()
    new_gate = (input_n + hidden_n * reset_gate).tanh()
    return (state - new_gate) * update_gate + new_gate


def _step_for(mode: str):
    if mode == "LSTM":
        return _lstm_step
    if mode == "GRU":
        return _gru_step
    activation = F.tanh if mode == "RNN_TANH" else F.relu
    return lambda gates, state, weight, bias: _simple_step(gates, state, weight, bias,
                                                           activation)


def _sizes(shape) -> str:
    return f"[{', '.join(str(int(n)) for n in shape)}]"


# ---- whole sequences ---------------------------------------------------------------------


class RNNBase(Module):
    """What `RNN`, `LSTM` and `GRU` share: the stacked, optionally bidirectional parameters
    and the loop over layers, directions and time steps (`mode` picks the step).

    Layer l, direction d reads the previous layer's outputs (both directions concatenated),
    the reverse direction runs the sequence backwards, and dropout (training only) acts
    between layers. The graph ends in PyTorch's nodes (StackBackward0 for h_n, Stack/Cat for
    the output) except where PyTorch's kernel is fused or in place: its CPU LSTM records
    MkldnnRnnLayerBackward0, and batch_first RNN/GRU output a TransposeBackward1 (ours is
    TransposeBackward0). PackedSequence input and LSTM's proj_size are not supported.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__()
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                "dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}",
                stacklevel=2,
            )
        for name, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(value, int):
                raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size != 0:
            raise NotImplementedError("autograd-kit's LSTM supports proj_size=0 only")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            layer_input_size = input_size if layer == 0 else hidden_size * self._directions
            for suffix in ("", "_reverse")[: self._directions]:
                shapes = {f"weight_ih_l{layer}{suffix}": (gate_size, layer_input_size),
                          f"weight_hh_l{layer}{suffix}": (gate_size, hidden_size)}
                if bias:
                    shapes[f"bias_ih_l{layer}{suffix}"] = (gate_size,)
                    shapes[f"bias_hh_l{layer}{suffix}"] = (gate_size,)
                for name, shape in shapes.items():
                    self.register_parameter(
                        name, Parameter(empty(shape, device=device, dtype=dtype))
                    )
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction, as PyTorch's `all_weights`."""
        per_direction = 4 if self.bias else 2
        weights = self._flat_weights
        return [weights[start:start + per_direction]
                for start in range(0, len(weights), per_direction)]

    def flatten_parameters(self) -> None:
        """Nothing to do: PyTorch packs the weights into one buffer for cuDNN; here they are
        used where they are."""

    def reset_parameters(self) -> None:
        """Every weight and bias uniform in (-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _check_input(self, input) -> None:
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                f"Convert input: input.to({weight_dtype}), or convert model: "
                f"model.to({input.dtype})"
            )
        if self.input_size != input.size(-1):
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. "
                f"Expected {self.input_size}, got {input.size(-1)}"
            )

    def _check_hidden_size(self, hidden, batch: int,
                           message: str = "Expected hidden size {}, got {}") -> None:
        expected = (self.num_layers * self._directions, batch, self.hidden_size)
        if tuple(hidden.shape) != expected:
            raise with_hint(
                RuntimeError(
                    message.format(expected, list(hidden.size()))
                ),
                "rnn_hidden_shape",
            )

    def _prepare(self, input, hx, name: str):
        """Validate shapes; return (input as (T, B, C) or (B, T, C), hx batched, is_batched)."""
        if input.dim() not in (2, 3):
            noun = " tensor" if name == "RNN" else ""
            raise ValueError(
                f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{noun} instead"
            )
        is_batched = input.dim() == 3
        states = hx if isinstance(hx, tuple) else (hx,)
        if hx is not None:
            dims = [state.dim() for state in states]
            wanted = 3 if is_batched else 2
            if any(dim != wanted for dim in dims):
                kind = "batched 3-D" if is_batched else "unbatched 2-D"
                if isinstance(hx, tuple):
                    raise RuntimeError(f"For {kind} input, hx and cx should also be {wanted}-D "
                                       f"but got ({dims[0]}-D, {dims[1]}-D) tensors")
                raise RuntimeError(f"For {kind} input, hx should also be {wanted}-D but got "
                                   f"{dims[0]}-D tensor")
        if not is_batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
            if hx is not None:
                states = tuple(state.unsqueeze(1) for state in states)
        self._check_input(input)
        batch = int(input.shape[0 if self.batch_first else 1])
        if hx is None:
            count = 2 if self.mode == "LSTM" else 1
            states = tuple(
                zeros(self.num_layers * self._directions, batch, self.hidden_size,
                      dtype=input.dtype, device=input.device)
                for _ in range(count)
            )
        if self.mode == "LSTM":
            for index, state in enumerate(states):
                self._check_hidden_size(state, batch,
                                        f"Expected hidden[{index}] size {{}}, got {{}}")
        else:
            self._check_hidden_size(states[0], batch)
        return input, states, is_batched

    def _run(self, input, states):
        """Run every layer and direction over the (T, B, C) sequence.

        Returns the last layer's outputs (T, B, directions * hidden) and, per state kind
        (h, and c for an LSTM), the final states stacked as (layers * directions, B, hidden).
        """
        step = _step_for(self.mode)
        initial = [state.unbind(0) for state in states]
        finals: list[list] = [[] for _ in states]
        weights = self.all_weights
        layer_input = input
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._directions):
                index = layer * self._directions + direction
                weight_ih, weight_hh, *biases = weights[index]
                bias_ih, bias_hh = biases if biases else (None, None)
                # The input's projection for all time steps at once: one big matrix product.
                input_gates = F.linear(layer_input, weight_ih, bias_ih).unbind(0)
                state = tuple(kind[index] for kind in initial)
                state = state if self.mode == "LSTM" else state[0]
                steps = []
                for gates in (reversed(input_gates) if direction else input_gates):
                    state = step(gates, state, weight_hh, bias_hh)
                    steps.append(state[0] if self.mode == "LSTM" else state)
                if direction:
                    steps.reverse()
                outputs.append(stack(steps, 0))
                for kind, final in zip(finals, state if self.mode == "LSTM" else (state,),
                                       strict=True):
                    kind.append(final)
            layer_input = outputs[0] if len(outputs) == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, [stack(final, 0) for final in finals]

    def _forward(self, input, hx, name: str):
        input, states, is_batched = self._prepare(input, hx, name)
        if self.batch_first:
            input = input.transpose(0, 1)
        output, finals = self._run(input, states)
        if self.batch_first:
            output = output.transpose(0, 1)
        if not is_batched:
            output = output.squeeze(0 if self.batch_first else 1)
            finals = [final.squeeze(1) for final in finals]
        return output, finals

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    Input (T, B, input_size) ((B, T, ...) with batch_first, or unbatched (T, input_size));
    returns (output, h_n): every time step's last-layer hidden state and the final hidden
    state of every layer and direction, (num_layers * directions, B, hidden_size).

    Example:
        >>> rnn = ak.nn.RNN(3, 5, num_layers=2)
        >>> output, h_n = rnn(ak.zeros(7, 4, 3))
        >>> output.shape, h_n.shape
        (torch.Size([7, 4, 5]), torch.Size([2, 4, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, hx, "RNN")
        return output, h_n


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o (in that order in each weight's rows),
    c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t).

    Returns (output, (h_n, c_n)); the initial state is an optional (h_0, c_0) pair. PyTorch's
    CPU kernel records one fused `MkldnnRnnLayerBackward0` node per layer; here the steps are
    recorded one by one, with the same values and gradients.

    Example:
        >>> lstm = ak.nn.LSTM(3, 5, batch_first=True)
        >>> output, (h_n, c_n) = lstm(ak.zeros(4, 7, 3))
        >>> output.shape, h_n.shape, c_n.shape
        (torch.Size([4, 7, 5]), torch.Size([1, 4, 5]), torch.Size([1, 4, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        output, (h_n, c_n) = self._forward(input, hx, "LSTM")
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z, n (in that order in each weight's rows),
    n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}.

    Example:
        >>> gru = ak.nn.GRU(3, 5, bidirectional=True)
        >>> output, h_n = gru(ak.zeros(7, 4, 3))
        >>> output.shape, h_n.shape
        (torch.Size([7, 4, 10]), torch.Size([2, 4, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, hx, "GRU")
        return output, h_n


# ---- single steps ------------------------------------------------------------------------


class RNNCellBase(Module):
    """What the cells share: weight_ih (gates * hidden, input), weight_hh (gates * hidden,
    hidden), optional biases, PyTorch's initialisation and input checks."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        rows = num_chunks * hidden_size
        self.weight_ih = Parameter(empty((rows, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((rows, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(rows, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(rows, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    reset_parameters = RNNBase.reset_parameters

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _step(self, name: str, step, input, hx, states: int):
        """Check shapes, add the batch dimension to unbatched input, run `step`, remove it."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for index, state in enumerate(hx if states == 2 else (hx,)):
                if state.dim() not in (1, 2):
                    which = f"hx[{index}]" if states == 2 else "hidden"
                    raise ValueError(
                        f"{name}: Expected {which} to be 1D or 2D, got {state.dim()}D instead"
                    )
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            hidden = zeros(int(input.shape[0]), self.hidden_size, dtype=input.dtype,
                           device=input.device)
            state = (hidden,) * states
        else:
            state = tuple(hx) if states == 2 else (hx,)
            if not is_batched:
                state = tuple(value.unsqueeze(0) for value in state)
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                               f"expected {self.input_size}")
        for index, value in enumerate(state):
            if value.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match "
                                   f"hidden{index} batch size {value.size(0)}")
            if value.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{index} has inconsistent hidden_size: got "
                                   f"{value.size(1)}, expected {self.hidden_size}")
        input_gates = F.linear(input, self.weight_ih, self.bias_ih)
        out = step(input_gates, state if states == 2 else state[0], self.weight_hh,
                   self.bias_hh)
        if is_batched:
            return out
        if states == 2:
            return tuple(value.squeeze(0) for value in out)
        return out.squeeze(0)


class RNNCell(RNNCellBase):
    """One Elman step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

    Example:
        >>> cell = ak.nn.RNNCell(3, 5)
        >>> cell(ak.zeros(4, 3)).shape
        torch.Size([4, 5])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        return self._step("RNNCell", _step_for(mode), input, hx, states=1)


class LSTMCell(RNNCellBase):
    """One LSTM step on (h, c): returns (h', c') (see `LSTM` for the gate formulas).

    Example:
        >>> cell = ak.nn.LSTMCell(3, 5)
        >>> h, c = cell(ak.zeros(4, 3))
        >>> h.shape, c.shape
        (torch.Size([4, 5]), torch.Size([4, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        return self._step("LSTMCell", _lstm_step, input, hx, states=2)


class GRUCell(RNNCellBase):
    """One GRU step: returns h' (see `GRU` for the gate formulas).

    Example:
        >>> cell = ak.nn.GRUCell(3, 5)
        >>> cell(ak.zeros(3)).shape
        torch.Size([5])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        return self._step("GRUCell", _gru_step, input, hx, states=1)
