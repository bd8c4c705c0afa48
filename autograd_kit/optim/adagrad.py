"""`Adagrad`: divide each weight's step by the root of the sum of all its squared gradients so
far (Duchi et al., 2011), the same arithmetic as `torch.optim.Adagrad`."""

from __future__ import annotations

from .. import full_like, tensor
from .optimizer import Optimizer, _no_grad_step

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """For each parameter p with gradient g (after weight decay `g + wd * p`), at step t:
        sum = sum + g^2                          (starts at initial_accumulator_value)
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
    Weights with large past gradients take ever smaller steps; rarely updated ones keep
    larger steps.

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([1.0, -1.0]))
        >>> opt = ak.optim.Adagrad([w], lr=0.1)
        >>> (w * ak.tensor([100.0, 0.01])).sum().backward()
        >>> opt.step()   # the first step moves every weight by lr, whatever its gradient
        >>> w.detach()
        tensor([ 0.9000, -1.1000])
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *,
                 maximize: bool = False, differentiable: bool = False, fused=None):
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value", initial_accumulator_value),
                            ("epsilon value", eps)):
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # Like PyTorch, the state exists from the start (so state_dict() has it before any step).
        for group in self.param_groups:
            for param in group["params"]:
                self._init_state(param, group)

    def _init_state(self, param, group: dict) -> dict:
        state = self.state[param]
        if not state:
            state["step"] = tensor(0.0)
            state["sum"] = full_like(param, group["initial_accumulator_value"])
        return state

    @_no_grad_step
    def step(self):
        """Apply one Adagrad update to every parameter that has a `.grad`."""
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = param.grad if not group["maximize"] else -param.grad
                state = self._init_state(param, group)  # (a group added after __init__)
                state["step"].add_(1)
                step = state["step"].item()
                if group["weight_decay"] != 0:
                    grad = grad + param * group["weight_decay"]
                clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
                state["sum"].addcmul_(grad, grad, value=1)
                param.sub_(grad / (state["sum"].sqrt() + group["eps"]) * clr)
