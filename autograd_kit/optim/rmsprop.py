"""`RMSprop`: divide the gradient by the root of a running mean of its square (Hinton's
lecture notes), the same arithmetic as `torch.optim.RMSprop`."""

from __future__ import annotations

from .optimizer import Optimizer, _no_grad_step

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """For each parameter p with gradient g (after weight decay `g + wd * p`):
        v = alpha * v + (1 - alpha) * g^2
        a = sqrt(v - mean_g^2) if centered else sqrt(v)     (mean_g: running mean of g)
        b = momentum * b + g / (a + eps);  p = p - lr * b   (with momentum)
        p = p - lr * g / (a + eps)                          (without)
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one RMSprop update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            alpha = group["alpha"]
            eps = group["eps"]
            lr = group["lr"]
            momentum = group["momentum"]
            weight_decay = group["weight_decay"]
            buffers = ("square_avg",) + (("momentum_buffer",) if momentum > 0 else ()) + (
                ("grad_avg",) if group["centered"] else ())
            for param, grad, state, _ in self._params_to_update(group, *buffers):
                if weight_decay != 0:
                    grad = grad + param * weight_decay
                square_avg = state["square_avg"]
                square_avg.mul_(alpha).add_(grad * grad * (1 - alpha))
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    grad_avg.add_((grad - grad_avg) * (1 - alpha))
                    avg = (square_avg - grad_avg * grad_avg).sqrt() + eps
                else:
                    avg = square_avg.sqrt() + eps
                if momentum > 0:
                    buffer = state["momentum_buffer"]
                    buffer.mul_(momentum).add_(grad / avg)
                    param.sub_(buffer * lr)
                else:
                    param.sub_(grad / avg * lr)
