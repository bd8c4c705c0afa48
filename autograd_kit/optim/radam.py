"""`RAdam`: Adam whose adaptive step is switched on gradually, once the variance of the
running second moment is small enough (Liu et al., 2019); the same arithmetic as
`torch.optim.RAdam`."""

from __future__ import annotations

from .adam import _check_adam_args, apply_weight_decay, update_moments
from .optimizer import Optimizer, _no_grad_step

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Rectified Adam. With t the step count, for each parameter p and its gradient g (after
    weight decay, coupled or decoupled as in Adam/AdamW), m and v Adam's moments:
        rho_inf = 2 / (1 - beta2) - 1;   rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        m_hat = m / (1 - beta1^t)
        if rho_t > 5:   r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                        p = p - lr * m_hat * r * sqrt(1 - beta2^t) / (sqrt(v) + eps)
        else:           p = p - lr * m_hat          (plain momentum SGD for the first steps)

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([1.0]))
        >>> opt = ak.optim.RAdam([w], lr=0.1)
        >>> (w * 5).sum().backward()
        >>> opt.step()   # the first steps are momentum SGD: 1 - 0.1 * 5
        >>> w.detach()
        tensor([0.5000])
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False):
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one RAdam update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps = group["lr"], group["eps"]
            for param, grad, state, step in self._params_to_update(group, "exp_avg",
                                                                    "exp_avg_sq"):
                grad = apply_weight_decay(param, grad, lr, group["weight_decay"],
                                          group["decoupled_weight_decay"])
                exp_avg, exp_avg_sq = update_moments(state, grad, beta1, beta2)
                bias_correction2 = 1 - beta2**step
                corrected_exp_avg = exp_avg / (1 - beta1**step)
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive_lr = bias_correction2**0.5 / (exp_avg_sq.sqrt() + eps)
                    param.add_(corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
                else:
                    param.add_(corrected_exp_avg * lr, alpha=-1.0)
