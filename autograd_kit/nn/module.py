"""`Module`, the base class of every layer, loss and network.

A module owns three ordered tables filled by plain attribute assignment: `_parameters`
(`Parameter`s, the leaves an optimizer updates), `_buffers` (state that is saved but not trained,
such as BatchNorm's running mean) and `_modules` (sub-modules). Everything else here - walking the
tree, `state_dict`, `train()`/`eval()`, hooks and the printed tree - is derived from those tables,
exactly as in `torch.nn.Module`.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, namedtuple

from ..autograd.grad_mode import no_grad
from ..autograd.hooks import RemovableHandle
from ..tensor import Tensor
from .backward_hook import BackwardHook
from .parameter import Parameter
from .utils.zero_grad import zero_grads

__all__ = ["Module"]


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns: the keys it could not match, in PyTorch's shape."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _shape_repr(shape) -> str:
    """Print a shape the way PyTorch prints `torch.Size`, so error messages match word for word."""
    return f"torch.Size([{', '.join(str(int(n)) for n in shape)}])"


def _type_repr(value) -> str:
    """The name PyTorch uses for a value in assignment errors (`torch.FloatTensor`, `int`)."""
    if isinstance(value, Tensor):
        typename = getattr(value, "type", None)
        if callable(typename):
            try:
                return str(typename())
            except Exception:  # a core without Tensor.type(): fall back to the class name
                pass
    return type(value).__name__


def _add_indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    return "\n".join([first] + [" " * spaces + line for line in lines])


class Module:
    """Base class for all neural-network modules; subclasses define `forward`.

    Assigning a `Parameter` or a `Module` to an attribute registers it, so `parameters()`
    finds every weight of a network without any bookkeeping in your code. Call the module
    (`model(x)`), not `model.forward(x)`: the call also runs the forward hooks.

    Example:
        >>> class TwoLayer(ak.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = ak.nn.Linear(4, 8)
        ...         self.out = ak.nn.Linear(8, 1)
        ...     def forward(self, x):
        ...         return self.out(self.hidden(x).relu())
        >>> net = TwoLayer()
        >>> [name for name, _ in net.named_parameters()]
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
        >>> net
        TwoLayer(
          (hidden): Linear(in_features=4, out_features=8, bias=True)
          (out): Linear(in_features=8, out_features=1, bias=True)
        )
    """

    training: bool
    _version = 1

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                f"'{next(iter(kwargs))}'"
                if kwargs
                else f"{type(self).__name__}.__init__() takes 1 positional argument but "
                f"{len(args) + 1} were given"
            )
        # object.__setattr__ skips our own __setattr__, which needs these tables to exist.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_pre_hooks", OrderedDict())

    # ---- the forward pass -------------------------------------------------------------------

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args, **kwargs):
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        backward_hook = None
        if getattr(self, "_backward_hooks", None) or getattr(self, "_backward_pre_hooks", None):
            backward_hook = BackwardHook(self, list(self._backward_hooks.values()),
                                         list(self._backward_pre_hooks.values()))
            args = backward_hook.setup_input_hook(args)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        if backward_hook is not None:
            out = backward_hook.setup_output_hook(out)
        return out

    def register_forward_hook(self, hook) -> RemovableHandle:
        """Call `hook(module, args, output)` after every forward; a non-None return replaces
        the output. Returns a handle whose `.remove()` unregisters the hook."""
        return _add_module_hook(self._forward_hooks, hook, prepend=False)

    def register_forward_pre_hook(self, hook) -> RemovableHandle:
        """Call `hook(module, args)` before every forward; a non-None return replaces the
        positional arguments."""
        return _add_module_hook(self._forward_pre_hooks, hook, prepend=False)

    # ---- backward hooks ---------------------------------------------------------------------

    def register_full_backward_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_input, grad_output)` when the gradients with respect to
        the module's inputs are computed: tuples with one entry per positional input (None
        for an input that is not a tensor or needs no gradient) and per output. A non-None
        return replaces grad_input. Returns a handle whose `.remove()` unregisters the hook.

        Example:
            >>> layer = ak.nn.Linear(2, 1)
            >>> _ = layer.register_full_backward_hook(
            ...     lambda module, grad_input, grad_output: print(grad_output[0].shape))
            >>> layer(ak.ones(3, 2, requires_grad=True)).sum().backward()
            torch.Size([3, 1])
        """
        return _add_module_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_output)` when the gradients with respect to the module's
        outputs arrive, before the module's own backward; a non-None return replaces
        grad_output."""
        return _add_module_hook(self._backward_pre_hooks, hook, prepend)

    # ---- registration by attribute ----------------------------------------------------------

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter under `name` (what `self.name = Parameter(...)` does for you)."""
        self._check_new_name(name, "parameter", param is None or isinstance(param, Parameter))
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_type_repr(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that belongs to the module's state but is not trained
        (it is in `state_dict()` and moves with `.to()`, but not in `parameters()`)."""
        self._check_new_name(name, "buffer", True)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_type_repr(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a sub-module under `name` (what `self.name = SomeModule()` does for you)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_repr(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def _check_new_name(self, name, kind: str, ok_type: bool) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        table = self._parameters if kind == "parameter" else self._buffers
        if hasattr(self, name) and name not in table:
            raise KeyError(f"attribute '{name}' already exists")

    def __setattr__(self, name: str, value) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name)
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_repr(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            params[name] = None
            return
        modules = self.__dict__.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name)
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_repr(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            modules[name] = None
            return
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_type_repr(value)}' as buffer '{name}' "
                    "(torch.Tensor or None expected)"
                )
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        """Drop `name` from every table and the instance dict before re-registering it."""
        self.__dict__.pop(name, None)
        for table in ("_parameters", "_buffers", "_modules"):
            self.__dict__[table].pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str):
        # Only called when normal lookup fails: look in the three tables.
        for table in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for table in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__[table]:
                del self.__dict__[table][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = list(super().__dir__())
        keys += list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(set(keys))

    # ---- walking the tree -------------------------------------------------------------------

    def _named_members(self, get_members, prefix: str = "", recurse: bool = True,
                       remove_duplicate: bool = True):
        seen = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for name, value in get_members(module):
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield (module_prefix + ("." if module_prefix else "") + name), value

    def parameters(self, recurse: bool = True):
        """Yield every `Parameter`, sub-modules' included, each once (an optimizer's input)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True):
        """Yield `(dotted_name, parameter)` pairs, e.g. `('0.weight', Parameter ...)`."""
        yield from self._named_members(
            lambda module: module._parameters.items(), prefix, recurse, remove_duplicate
        )

    def buffers(self, recurse: bool = True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True):
        yield from self._named_members(
            lambda module: module._buffers.items(), prefix, recurse, remove_duplicate
        )

    def children(self):
        """Yield the direct sub-modules (one level down)."""
        for _, module in self.named_children():
            yield module

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def modules(self):
        """Yield this module and every module below it, depth first (the root comes first)."""
        for _, module in self.named_modules():
            yield module

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True):
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub_prefix = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub_prefix, remove_duplicate)

    def get_submodule(self, target: str) -> Module:
        if target == "":
            return self
        module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def apply(self, fn):
        """Call `fn(module)` on every sub-module, then on self (e.g. a custom init)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ---- training state ---------------------------------------------------------------------

    def train(self, mode: bool = True):
        """Switch to training behaviour (Dropout drops, BatchNorm uses batch statistics)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        """Switch to evaluation behaviour; the same as `train(False)`. Gradients are still
        recorded: use `ak.no_grad()` for that."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True):
        """Set `requires_grad` on every parameter, e.g. `encoder.requires_grad_(False)` freezes
        a sub-network: its parameters then get no `.grad` and an optimizer leaves them alone."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's `.grad`: to None (the default) or to zeros in place."""
        zero_grads(self.parameters(), set_to_none)

    # ---- saving and loading -----------------------------------------------------------------

    def _save_to_state_dict(self, destination, prefix: str, keep_vars: bool) -> None:
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()

    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False):
        """An ordered dict from dotted names to tensors: every parameter and persistent buffer.

        The tensors are detached but share storage with the module, so copy them
        (`{k: v.clone() ...}`) to keep a snapshot while training goes on.
        """
        if args:  # PyTorch still accepts the old positional (destination, prefix, keep_vars)
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        return destination

    def _load_from_state_dict(self, state_dict, prefix, strict, missing_keys,
                              unexpected_keys, error_msgs, assign=False) -> None:
        persistent_buffers = {
            name: buffer for name, buffer in self._buffers.items()
            if name not in self._non_persistent_buffers_set
        }
        local_state = {
            name: value
            for name, value in itertools.chain(self._parameters.items(), persistent_buffers.items())
            if value is not None
        }
        for name, current in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            incoming = state_dict[key]
            if not isinstance(incoming, Tensor):
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(incoming)}"
                )
                continue
            if tuple(incoming.shape) != tuple(current.shape):
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape "
                    f"{_shape_repr(incoming.shape)} from checkpoint, the shape in current "
                    f"model is {_shape_repr(current.shape)}."
                )
                continue
            if assign:
                value = incoming
                if isinstance(current, Parameter) and not isinstance(incoming, Parameter):
                    value = Parameter(incoming, requires_grad=current.requires_grad)
                setattr(self, name, value)
                continue
            try:
                with no_grad():
                    current.copy_(incoming)
            except Exception as error:
                error_msgs.append(
                    f'While copying the parameter named "{key}", whose dimensions in the model '
                    f"are {_shape_repr(current.shape)} and whose dimensions in the checkpoint "
                    f"are {_shape_repr(incoming.shape)}, an exception occurred : {error.args}."
                )
        if strict:
            for key in state_dict:
                if not key.startswith(prefix):
                    continue
                rest = key[len(prefix):]
                first = rest.split(".", 1)[0]
                if first not in self._modules and rest not in local_state:
                    unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy tensors from `state_dict` into this module's parameters and buffers, in place.

        With `strict=True` (the default) every key must match: missing keys, unexpected keys
        and shape mismatches are all collected and raised in one `RuntimeError`, worded as
        PyTorch words it. Returns `(missing_keys, unexpected_keys)`.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict)}."
            )
        missing_keys: list[str] = []
        unexpected_keys: list[str] = []
        error_msgs: list[str] = []

        def load(module: Module, prefix: str = "") -> None:
            module._load_from_state_dict(state_dict, prefix, True, missing_keys,
                                         unexpected_keys, error_msgs, assign)
            for name, child in module._modules.items():
                if child is not None:
                    load(child, prefix + name + ".")

        load(self)
        if strict:
            if unexpected_keys:
                error_msgs.insert(
                    0,
                    "Unexpected key(s) in state_dict: "
                    + ", ".join(f'"{key}"' for key in unexpected_keys) + ". ",
                )
            if missing_keys:
                error_msgs.insert(
                    0,
                    "Missing key(s) in state_dict: "
                    + ", ".join(f'"{key}"' for key in missing_keys) + ". ",
                )
        if error_msgs:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(error_msgs)
            )
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # ---- moving between devices and dtypes --------------------------------------------------

    def _apply(self, fn):
        """Replace every parameter's and buffer's data with `fn(tensor)`, keeping the same
        `Parameter` objects so an optimizer built earlier still holds them."""
        for module in self.children():
            module._apply(fn)
        for param in self._parameters.values():
            if param is None:
                continue
            with no_grad():
                moved = fn(param)
            if moved is not param:
                param.data = moved
            if param.grad is not None:
                with no_grad():
                    moved_grad = fn(param.grad)
                if moved_grad is not param.grad:
                    param.grad = moved_grad
        for name, buffer in self._buffers.items():
            if buffer is not None:
                with no_grad():
                    self._buffers[name] = fn(buffer)
        return self

    def to(self, *args, **kwargs):
        """Move (or cast) parameters and buffers, in place: `net.to("cuda")`,
        `net.to(ak.float64)`. Integer buffers keep their dtype, as in PyTorch."""
        def convert(tensor):
            dtype_args = [a for a in args if not isinstance(a, str) and _is_dtype(a)]
            other = [a for a in args if a not in dtype_args]
            dtype = kwargs.get("dtype", dtype_args[0] if dtype_args else None)
            if dtype is not None and not _is_floating(tensor):
                # PyTorch casts only floating point tensors; integer buffers stay integers.
                rest = {k: v for k, v in kwargs.items() if k != "dtype"}
                return tensor.to(*other, **rest) if (other or rest) else tensor
            return tensor.to(*args, **kwargs)

        return self._apply(convert)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self):
        return self._apply(lambda t: t.float() if _is_floating(t) else t)

    def double(self):
        return self._apply(lambda t: t.double() if _is_floating(t) else t)

    # ---- casting to other dtypes ----

    def half(self):
        """Cast floating point parameters and buffers to float16 (integer buffers stay)."""
        return self._apply(lambda t: t.half() if _is_floating(t) else t)

    def type(self, dst_type):
        """Cast every parameter and buffer to `dst_type`, integer buffers included (unlike
        `to`, `float`, `double` and `half`), as PyTorch does."""
        return self._apply(lambda t: t.type(dst_type))

    # ---- printing ---------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text between the parentheses, e.g. `in_features=4, out_features=8, bias=True`."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            lines.append("(" + name + "): " + _add_indent(repr(module), 2))
        main = self._get_name() + "("
        if extra_lines:
            if len(extra_lines) == 1 and not lines:
                main += extra_lines[0]
            else:
                lines = extra_lines + lines
        if lines:
            main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


def _add_module_hook(hooks: OrderedDict, hook, prepend: bool) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _is_dtype(value) -> bool:
    from .. import float32

    return type(value) is type(float32)


def _is_floating(tensor: Tensor) -> bool:
    is_floating_point = getattr(tensor, "is_floating_point", None)
    if callable(is_floating_point):
        return bool(is_floating_point())
    return "float" in str(tensor.dtype)
