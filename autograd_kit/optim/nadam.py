"""`NAdam`: Adam with Nesterov momentum (Dozat, 2016), the same arithmetic as
`torch.optim.NAdam`."""

from __future__ import annotations

from .adam import _check_adam_args, apply_weight_decay, update_moments
from .optimizer import Optimizer, _no_grad_step

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Adam that looks one momentum step ahead. With t the step count, for each parameter p
    and its gradient g (after weight decay, coupled or decoupled as in Adam/AdamW):
        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))   (the momentum schedule)
        m, v = Adam's moments of g;   mu_product = mu_1 * ... * mu_t
        denom = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
              - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([1.0]))
        >>> opt = ak.optim.NAdam([w], lr=0.1)
        >>> (w * 5).sum().backward()
        >>> opt.step()
        >>> w.detach()
        tensor([0.8944])
    """

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False):
        _check_adam_args(lr, eps, betas, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one NAdam update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps = group["lr"], group["eps"]
            for param, grad, state, step in self._params_to_update(
                    group, "exp_avg", "exp_avg_sq", mu_product=1.0):
                grad = apply_weight_decay(param, grad, lr, group["weight_decay"],
                                          group["decoupled_weight_decay"])
                momentum_decay = group["momentum_decay"]
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
                state["mu_product"].mul_(mu)
                mu_product = state["mu_product"].item()
                exp_avg, exp_avg_sq = update_moments(state, grad, beta1, beta2)
                denom = (exp_avg_sq / (1 - beta2**step)).sqrt() + eps
                param.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product))
                param.addcdiv_(exp_avg, denom,
                               value=-lr * mu_next / (1.0 - mu_product * mu_next))
