"""`ak.nn`: modules, layers, losses and initialisation, with PyTorch's names and behaviour.

Every layer is built from the core's differentiable operations, so `loss.backward()` on a
network runs the same engine (and draws the same graph) as on a hand-written expression.
"""

from . import functional, init, utils
from .activation import (
    ELU,
    GELU,
    Hardtanh,
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from .attention import MultiheadAttention
from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten, Unflatten
from .linear import Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module
from .normalization import LayerNorm
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase

__all__ = [
    "Module", "Parameter", "Linear", "Conv2d", "MaxPool2d", "Flatten", "Unflatten", "Dropout",
    "BatchNorm1d", "Embedding", "Sequential", "ModuleList", "ModuleDict", "ReLU", "LeakyReLU",
    "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Identity", "MSELoss", "L1Loss",
    "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "functional", "init",
    "utils",
    # ---- nn-more ----
    "GELU", "SiLU", "Softplus", "ELU", "Hardtanh", "ReLU6", "LayerNorm", "BatchNorm2d",
    "AvgPool2d", "AdaptiveAvgPool2d", "ParameterList", "ParameterDict", "SmoothL1Loss",
    "HuberLoss",
    # ---- recurrent ----
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "Conv1d",
    "MultiheadAttention",
]
