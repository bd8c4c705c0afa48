"""`Adamax`: Adam with the infinity norm in place of the root mean square (Kingma & Ba,
2015, section 7), the same arithmetic as `torch.optim.Adamax`."""

from __future__ import annotations

from .. import maximum
from .adam import _check_adam_args, apply_weight_decay
from .optimizer import Optimizer, _no_grad_step

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """For each parameter p with gradient g (after weight decay `g + wd * p`), at step t:
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)          (a decaying running maximum of |g|)
        p = p - lr / (1 - beta1^t) * m / u

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([1.0, -1.0]))
        >>> opt = ak.optim.Adamax([w], lr=0.1)
        >>> (w * ak.tensor([100.0, 0.01])).sum().backward()
        >>> opt.step()   # the first step moves every weight by about lr
        >>> w.detach()
        tensor([ 0.9000, -1.1000])
    """

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False):
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one Adamax update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for param, grad, state, step in self._params_to_update(group, "exp_avg",
                                                                    "exp_inf"):
                grad = apply_weight_decay(param, grad, group["lr"], group["weight_decay"],
                                          decoupled=False)
                exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
                exp_avg.add_((grad - exp_avg) * (1 - beta1))
                exp_inf.copy_(maximum(exp_inf * beta2, grad.abs() + group["eps"]))
                clr = group["lr"] / (1 - beta1**step)
                param.addcdiv_(exp_avg, exp_inf, value=-clr)
