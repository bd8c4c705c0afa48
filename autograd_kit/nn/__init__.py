"""`ak.nn`: modules, layers, losses and initialisation, with PyTorch's names and behaviour.

Every layer is built from the core's differentiable operations, so `loss.backward()` on a
network runs the same engine (and draws the same graph) as on a hand-written expression.
"""

from . import functional, init, utils
from .activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    Identity,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .attention import MultiheadAttention
from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten, Unflatten
from .linear import Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    TripletMarginLoss,
)
from .module import Module
from .normalization import LayerNorm
from .padding import (
    ConstantPad1d,
    ConstantPad2d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReplicationPad1d,
    ReplicationPad2d,
    ZeroPad1d,
    ZeroPad2d,
)
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase

__all__ = [
    "Module", "Parameter", "Linear", "Conv2d", "MaxPool2d", "Flatten", "Unflatten", "Dropout",
    "BatchNorm1d", "Embedding", "Sequential", "ModuleList", "ModuleDict", "ReLU", "LeakyReLU",
    "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Identity", "MSELoss", "L1Loss",
    "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "functional", "init",
    "utils",
    # smooth activations, normalization, average pooling, parameter containers, robust losses
    "GELU", "SiLU", "Softplus", "ELU", "Hardtanh", "ReLU6", "LayerNorm", "BatchNorm2d",
    "AvgPool2d", "AdaptiveAvgPool2d", "ParameterList", "ParameterDict", "SmoothL1Loss",
    "HuberLoss",
    # recurrent layers, 1-d convolution, attention
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "Conv1d",
    "MultiheadAttention",
    # shrinking and gating activations, divergences, distances, margin losses, padding
    "LogSigmoid", "Softsign", "Tanhshrink", "Hardswish", "Hardsigmoid", "Mish", "GLU", "Softmin",
    "PReLU", "Threshold", "CELU", "SELU", "Hardshrink", "Softshrink", "KLDivLoss",
    "CosineSimilarity", "PairwiseDistance", "MarginRankingLoss", "TripletMarginLoss",
    "PoissonNLLLoss", "GaussianNLLLoss", "HingeEmbeddingLoss", "ZeroPad1d", "ZeroPad2d",
    "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d",
    "ReplicationPad2d",
]
