"""`Adam`: per-parameter step sizes from running averages of the gradient and its square
(Kingma & Ba, 2015), the same arithmetic as `torch.optim.Adam`."""

from __future__ import annotations

import math

from .optimizer import Optimizer, _no_grad_step

__all__ = ["Adam"]


def _check_adam_args(lr, eps, betas, weight_decay) -> None:
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def apply_weight_decay(param, grad, lr: float, weight_decay: float, decoupled: bool):
    """The weight-decay step shared by the Adam family; returns the gradient to use.

    Coupled (Adam's L2 penalty): g = g + wd * p.  Decoupled (AdamW): p = p * (1 - lr * wd),
    and g is unchanged.
    """
    if weight_decay != 0:
        if decoupled:
            param.mul_(1 - lr * weight_decay)
        else:
            grad = grad + param * weight_decay
    return grad


def update_moments(state: dict, grad, beta1: float, beta2: float):
    """Update the running moments `state["exp_avg"]` (m) and `state["exp_avg_sq"]` (v) in
    place, as Adam, NAdam and RAdam all do, and return them:
        m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
    """
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    # m.lerp_(g, 1 - beta1) is m + (1 - beta1) * (g - m)
    exp_avg.add_((grad - exp_avg) * (1 - beta1))
    exp_avg_sq.mul_(beta2).add_(grad * grad * (1 - beta2))
    return exp_avg, exp_avg_sq


def adam_update(optimizer: Optimizer, group: dict, decoupled: bool) -> None:
    """One Adam step over `group`; `decoupled=True` is AdamW's weight decay.

    With t the step count, for each parameter p and its gradient g:
        g = g + wd * p                      (Adam's L2 penalty)   or
        p = p * (1 - lr * wd)               (AdamW: decay the weight itself)
        m = beta1 * m + (1 - beta1) * g     (first moment)
        v = beta2 * v + (1 - beta2) * g^2   (second moment)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """
    beta1, beta2 = group["betas"]
    lr = group["lr"]
    eps = group["eps"]
    weight_decay = group["weight_decay"]
    buffers = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())
    for param, grad, state, step in optimizer._params_to_update(group, *buffers):
        grad = apply_weight_decay(param, grad, lr, weight_decay, decoupled)
        exp_avg, exp_avg_sq = update_moments(state, grad, beta1, beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = math.sqrt(bias_correction2)
        if group["amsgrad"]:
            max_exp_avg_sq = state["max_exp_avg_sq"]
            from .. import maximum

            max_exp_avg_sq.copy_(maximum(max_exp_avg_sq, exp_avg_sq))
            denom = max_exp_avg_sq.sqrt() / bias_correction2_sqrt + eps
        else:
            denom = exp_avg_sq.sqrt() / bias_correction2_sqrt + eps
        param.sub_(exp_avg / denom * step_size)


class Adam(Optimizer):
    """Adam: momentum on the gradient, scaled by the root of a running mean of its square,
    so every weight gets a step of roughly `lr` regardless of its gradient's scale.

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([1.0, -1.0]))
        >>> opt = ak.optim.Adam([w], lr=0.1)
        >>> (w * ak.tensor([100.0, 0.01])).sum().backward()
        >>> opt.step()   # both weights move by about lr, whatever their gradient's size
        >>> w.detach()
        tensor([ 0.9000, -1.1000])
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused=None, decoupled_weight_decay: bool = False):
        _check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one Adam update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            adam_update(self, group, decoupled=group["decoupled_weight_decay"])
