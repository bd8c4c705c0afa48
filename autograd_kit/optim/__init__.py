"""`ak.optim`: optimizers that update parameters from their `.grad`, and lr schedules."""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

# ---- optimizers with adapted steps and quasi-Newton: NAdam, RAdam, Adamax, Adadelta, L-BFGS ----
# isort: split
from .adadelta import Adadelta
from .adamax import Adamax
from .lbfgs import LBFGS
from .nadam import NAdam
from .radam import RAdam

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler", "Adagrad",
           # optimizers with adapted steps, quasi-Newton
           "NAdam", "RAdam", "Adamax", "Adadelta", "LBFGS"]
