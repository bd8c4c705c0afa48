"""`Adadelta`: steps whose size is the ratio of the running RMS of past updates to the running
RMS of gradients, so no lr needs tuning in principle (Zeiler, 2012); the same arithmetic as
`torch.optim.Adadelta`."""

from __future__ import annotations

from .adam import apply_weight_decay
from .optimizer import Optimizer, _no_grad_step

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """For each parameter p with gradient g (after weight decay `g + wd * p`):
        v = rho * v + (1 - rho) * g^2                      (square_avg)
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta^2                  (acc_delta)
        p = p - lr * delta

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([1.0]))
        >>> opt = ak.optim.Adadelta([w])
        >>> (w * 5).sum().backward()
        >>> opt.step()   # tiny first steps: sqrt(eps) / sqrt(0.1 * 25 + eps) * 5
        >>> w.detach()
        tensor([0.9968])
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach=None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False):
        for name, value, valid in (("learning rate", lr, 0.0 <= lr),
                                   ("rho value", rho, 0.0 <= rho <= 1.0),
                                   ("epsilon value", eps, 0.0 <= eps),
                                   ("weight_decay value", weight_decay, 0.0 <= weight_decay)):
            if not valid:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one Adadelta update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            rho, eps = group["rho"], group["eps"]
            for param, grad, state, _ in self._params_to_update(group, "square_avg",
                                                                 "acc_delta"):
                grad = apply_weight_decay(param, grad, group["lr"], group["weight_decay"],
                                          decoupled=False)
                square_avg, acc_delta = state["square_avg"], state["acc_delta"]
                square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
                delta = (acc_delta + eps).sqrt() / (square_avg + eps).sqrt() * grad
                acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
                param.add_(delta, alpha=-group["lr"])
