"""Learning-rate schedules: objects that rewrite each parameter group's `"lr"` once per
`scheduler.step()` (call it after `optimizer.step()`, usually once per epoch).

One module per kind: ``scheduler`` (the base), ``schedules`` (fixed in advance),
``cyclic``, ``plateau`` (metric-driven) and ``combined`` (schedules of schedules).
"""

from __future__ import annotations

from .combined import (
    ChainedScheduler,
    SequentialLR,
)
from .cyclic import (
    CyclicLR,
    OneCycleLR,
)
from .plateau import (
    ReduceLROnPlateau,
)
from .scheduler import (
    EPOCH_DEPRECATION_WARNING,
    LRScheduler,
)
from .schedules import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__all__ = [
    "LRScheduler",
    # fixed in advance
    "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR", "LinearLR",
    "ConstantLR", "PolynomialLR", "CosineAnnealingWarmRestarts",
    # cyclic, driven by a metric, and combined
    "OneCycleLR", "CyclicLR", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler",
]
