"""Module backward hooks: what `register_full_backward_hook` and
`register_full_backward_pre_hook` install around one call of a module.

As in PyTorch (`torch/utils/hooks.py`), the module's tensor inputs and outputs each pass
through an identity `Function` (its node is `BackwardHookFunctionBackward`). The node on the
outputs sees the gradients arriving at the module (grad_output) and runs the pre-hooks; the
node on the inputs sees the gradients leaving it (grad_input) and runs the hooks with both.
"""

from __future__ import annotations

import warnings

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor

__all__ = ["BackwardHook", "BackwardHookFunction"]


class BackwardHookFunction(Function):
    """The identity on any number of tensors, recorded as one node to hang hooks on."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[arg for arg in args if not arg.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _with_none(indices, values, size: int) -> tuple:
    """A tuple of `size` entries: values at `indices`, None elsewhere (non-tensor arguments)."""
    packed = [None] * size
    for index, value in zip(indices, values, strict=True):
        packed[index] = value
    return tuple(packed)


class BackwardHook:
    """The hooks of one module call: `setup_input_hook(args)` before forward and
    `setup_output_hook(result)` after it wrap the tensors; backward then calls
    `pre_hook(module, grad_output)` and `hook(module, grad_input, grad_output)`."""

    def __init__(self, module, user_hooks, user_pre_hooks) -> None:
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_tensors_index = self.output_tensors_index = None

    def _wrap_tensors(self, on_node, args: tuple):
        """`args` with its tensors passed through BackwardHookFunction (when any of them
        requires grad), and the positions of the tensors (None when nothing was wrapped)."""
        positions = [i for i, arg in enumerate(args) if isinstance(arg, Tensor)]
        tensors = [args[i] for i in positions]
        if not (any(t.requires_grad for t in tensors) and is_grad_enabled()):
            return args, None
        wrapped = BackwardHookFunction.apply(*tensors)
        if not isinstance(wrapped, tuple):
            wrapped = (wrapped,)
        on_node(next(t.grad_fn for t in wrapped if t.grad_fn is not None))
        result = list(args)
        for position, tensor in zip(positions, wrapped, strict=True):
            result[position] = tensor
        return tuple(result), positions

    def setup_input_hook(self, args: tuple) -> tuple:
        def on_node(node) -> None:
            node.register_hook(self._run_hooks)

        result, self.input_tensors_index = self._wrap_tensors(on_node, args)
        self.n_inputs = len(args)
        return result

    def _run_hooks(self, grad_inputs, _):
        if self.grad_outputs is None:  # the gradient reached the input without the output
            return None
        grads = _with_none(self.input_tensors_index, grad_inputs, self.n_inputs)
        for hook in self.user_hooks:
            replaced = hook(self.module, grads, self.grad_outputs)
            if replaced is None:
                continue
            if len(replaced) != len(grads):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, got "
                    f"{len(replaced)}, but expected {len(grads)}"
                )
            grads = replaced
        self.grad_outputs = None
        return tuple(grads[i] for i in self.input_tensors_index)

    def setup_output_hook(self, result):
        def on_node(node) -> None:
            node.register_hook(self._run_pre_hooks)

        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        wrapped, self.output_tensors_index = self._wrap_tensors(on_node, outputs)
        self.n_outputs = len(outputs)
        return wrapped[0] if single else wrapped

    def _run_pre_hooks(self, _, grad_outputs):
        self.grad_outputs = _with_none(self.output_tensors_index, grad_outputs, self.n_outputs)
        for pre_hook in self.user_pre_hooks:
            replaced = pre_hook(self.module, self.grad_outputs)
            if replaced is None:
                continue
            if len(replaced) != len(self.grad_outputs):
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, got "
                    f"{len(replaced)}, but expected {len(self.grad_outputs)}"
                )
            self.grad_outputs = replaced
        grad_outputs = self.grad_outputs
        if self.input_tensors_index is None:  # no input requires grad: call the hooks now
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to "
                "module outputs since no inputs require gradients. See "
                "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                "#torch.nn.Module.register_full_backward_hook for more details.",
                stacklevel=6,  # (the line that called backward, as in PyTorch)
            )
            no_grads = (None,) * self.n_inputs
            for hook in self.user_hooks:
                replaced = hook(self.module, no_grads, self.grad_outputs)
                if replaced is not None and not (
                    isinstance(replaced, tuple) and all(g is None for g in replaced)
                ):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients."
                    )
            self.grad_outputs = None
        return tuple(grad_outputs[i] for i in self.output_tensors_index)
