"""`ak.nn`: modules, layers, losses and initialisation, with PyTorch's names and behaviour.

Every layer is built from the core's differentiable operations, so `loss.backward()` on a
network runs the same engine (and draws the same graph) as on a hand-written expression.
"""

from . import functional, init, utils
from .activation import Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .batchnorm import BatchNorm1d
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv2d
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten, Unflatten
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter
from .pooling import MaxPool2d

__all__ = [
    "Module", "Parameter", "Linear", "Conv2d", "MaxPool2d", "Flatten", "Unflatten", "Dropout",
    "BatchNorm1d", "Embedding", "Sequential", "ModuleList", "ModuleDict", "ReLU", "LeakyReLU",
    "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Identity", "MSELoss", "L1Loss",
    "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "functional", "init",
    "utils",
]
