"""`SGD`: stochastic gradient descent with optional momentum, dampening, Nesterov and weight
decay, step for step the same arithmetic as `torch.optim.SGD`."""

from __future__ import annotations

from .optimizer import Optimizer, _no_grad_step

__all__ = ["SGD"]


class SGD(Optimizer):
    """Update `p <- p - lr * d` where `d` is the gradient, optionally smoothed by momentum.

    With weight_decay `wd`, momentum `mu`, dampening `tau`, at every step:
        g = p.grad + wd * p
        b = g                             (first step)
        b = mu * b + (1 - tau) * g        (later steps)
        d = g + mu * b if nesterov else b (d = g when mu == 0)
        p = p - lr * d

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([2.0]))
        >>> opt = ak.optim.SGD([w], lr=0.5)
        >>> (w ** 2).sum().backward()   # grad = 2 * w = 4
        >>> opt.step()
        >>> w.detach()
        tensor([0.])
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self):
        """Apply one update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            lr = group["lr"]
            momentum = group["momentum"]
            dampening = group["dampening"]
            weight_decay = group["weight_decay"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = param.grad if not group["maximize"] else -param.grad
                if weight_decay != 0:
                    grad = grad.add(param, alpha=weight_decay)
                if momentum != 0:
                    state = self.state[param]
                    buffer = state.get("momentum_buffer")
                    if buffer is None:
                        buffer = grad.detach().clone()
                        state["momentum_buffer"] = buffer
                    else:
                        buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
                    grad = grad.add(buffer, alpha=momentum) if group["nesterov"] else buffer
                # add_ with alpha computes p + alpha * grad in one pass, as torch's update does.
                param.add_(grad, alpha=-lr)
