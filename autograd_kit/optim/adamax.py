"""`Adamax`: Adam with the infinity norm in place of the root mean square (Kingma & Ba,
2015, section 7), the same arithmetic as `torch.optim.Adamax`."""

from __future__ import annotations

from .. import maximum, tensor, zeros_like
from .adam import _check_adam_args
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
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = param.grad if not group["maximize"] else -param.grad
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = tensor(0.0)
                    state["exp_avg"] = zeros_like(param)
                    state["exp_inf"] = zeros_like(param)
                state["step"].add_(1)
                if group["weight_decay"] != 0:
                    grad = grad + param * group["weight_decay"]
                exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
                exp_avg.add_((grad - exp_avg) * (1 - beta1))
                exp_inf.copy_(maximum(exp_inf * beta2, grad.abs() + group["eps"]))
                clr = group["lr"] / (1 - beta1 ** state["step"].item())
                param.addcdiv_(exp_avg, exp_inf, value=-clr)
