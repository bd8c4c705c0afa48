"""`Optimizer`: the base class that holds parameter groups and per-parameter state.

An optimizer never computes gradients; it reads the `.grad` that `backward()` left on each
parameter and changes the parameter in place under `no_grad`. That separation (compute grads,
then update) is the point the course makes about training steps.
"""

from __future__ import annotations

import copy
from collections import defaultdict

from ..autograd.grad_mode import no_grad
from ..nn.utils.zero_grad import zero_grads
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a hyper-parameter (such as SGD's `lr` in old PyTorch) that has no default."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(value) -> str:
    if isinstance(value, Tensor):
        typename = getattr(value, "type", None)
        if callable(typename):
            try:
                return str(typename())
            except Exception:
                pass
        return "torch.Tensor"
    module = type(value).__module__
    name = type(value).__qualname__
    return name if module in ("builtins", None) else f"{module}.{name}"


class Optimizer:
    """Base class: `param_groups` is a list of dicts, each with `"params"` and its own
    hyper-parameters (e.g. a different `lr` per group); `state[p]` holds buffers such as
    momentum for parameter `p`.

    Subclasses implement `step()`. Parameters whose `.grad` is None (frozen, or unused by the
    loss) are skipped, so they stay exactly as they were.

    Example:
        >>> w = ak.nn.Parameter(ak.tensor([1.0]))
        >>> opt = ak.optim.SGD([w], lr=0.1)
        >>> (w * 3).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([0.7000], requires_grad=True)
    """

    def __init__(self, params, defaults: dict):
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {_typename(params)}"
            )
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own hyper-parameters (missing ones come from the
        optimizer's defaults), e.g. to train a newly unfrozen layer with a smaller lr."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list "
                "instead."
            )
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(param)
                )
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group.setdefault(name, default)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in seen for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the `.grad` of every parameter this optimizer holds: to None (the default)
        or to zeros in place. Call it before each `backward()`, or gradients accumulate."""
        zero_grads((param for group in self.param_groups for param in group["params"]), set_to_none)

    def step(self, closure=None):
        raise NotImplementedError

    def _params_to_update(self, group: dict, *buffers: str, **scalars: float):
        """Yield `(param, grad, state, step)` for every parameter of `group` that has a
        `.grad`: `grad` is negated under `maximize`, `state` is created on the first step
        (`step` = 0, then each of `scalars` as a 0-d tensor, then each of `buffers` as zeros
        shaped like the parameter), and `step` counts this update (1, 2, ...).

        The bookkeeping every Adam-like optimizer repeats, written once.
        """
        from .. import tensor, zeros_like

        for param in group["params"]:
            if param.grad is None:
                continue
            grad = param.grad if not group["maximize"] else -param.grad
            state = self.state[param]
            if len(state) == 0:
                state["step"] = tensor(0.0)
                for name, value in scalars.items():
                    state[name] = tensor(value)
                for name in buffers:
                    state[name] = zeros_like(param)
            state["step"].add_(1)
            yield param, grad, state, state["step"].item()

    def _run_closure(self, closure):
        if closure is None:
            return None
        from ..autograd.grad_mode import enable_grad

        with enable_grad():
            return closure()

    # ---- saving and loading -----------------------------------------------------------------

    def state_dict(self) -> dict:
        """`{"state": {index: {...}}, "param_groups": [...]}` where parameters are replaced by
        their position across all groups, so it can be loaded into a fresh optimizer."""
        index_of: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            indices = []
            for param in group["params"]:
                index_of.setdefault(id(param), len(index_of))
                indices.append(index_of[id(param)])
            packed["params"] = indices
            groups.append(packed)
        state = {
            index_of[id(param)]: value
            for param, value in self.state.items()
            if id(param) in index_of
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyper-parameters and buffers saved by `state_dict()` (tensors are copied)."""
        state_dict = copy.deepcopy(state_dict) if _deepcopy_ok(state_dict) else state_dict
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    "of optimizer's group"
                )
        id_map = {
            saved_index: param
            for group, saved in zip(self.param_groups, saved_groups, strict=True)
            for saved_index, param in zip(saved["params"], group["params"], strict=True)
        }
        self.state = defaultdict(dict)
        for index, value in state_dict["state"].items():
            if index in id_map:
                param = id_map[index]
                self.state[param] = {
                    key: (item.to(param.device) if isinstance(item, Tensor) and key != "step"
                          else item)
                    for key, item in value.items()
                }
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            for key, value in saved.items():
                if key != "params":
                    group[key] = value

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += "\n"
            text += f"Parameter Group {index}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _deepcopy_ok(state_dict) -> bool:
    try:
        copy.deepcopy(state_dict["param_groups"])
        return True
    except Exception:
        return False


def _no_grad_step(step):
    """Decorator: run an optimizer's `step` under `no_grad`, like PyTorch's optimizers."""

    def wrapper(self, closure=None):
        loss = self._run_closure(closure)
        with no_grad():
            step(self)
        return loss

    wrapper.__name__ = step.__name__
    wrapper.__doc__ = step.__doc__
    return wrapper
