"""`AdamW`: Adam with decoupled weight decay (Loshchilov & Hutter, 2019): the weights shrink by
`lr * weight_decay` each step instead of the decay being added to the gradient."""

from __future__ import annotations

from .adam import _check_adam_args, adam_update
from .optimizer import Optimizer, _no_grad_step

__all__ = ["AdamW"]


class AdamW(Optimizer):
    """Adam whose weight decay acts on the weights directly: `p = p * (1 - lr * wd)` before the
    Adam step. The default `weight_decay` is 0.01, as in PyTorch."""

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach=None, capturable: bool = False, differentiable: bool = False,
                 fused=None):
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=True)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one AdamW update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            adam_update(self, group, decoupled=True)
