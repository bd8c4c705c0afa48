"""Containers: `Sequential` (call children in order), `ModuleList` and `ModuleDict`, and for
bare parameters `ParameterList` and `ParameterDict`.

They hold sub-modules (or parameters) so that `parameters()`, `state_dict()` and `.to()` find
them; a plain Python list of layers would hide its layers' parameters from the optimizer.
"""

from __future__ import annotations

import operator
from collections import OrderedDict, abc

from .. import dtypes
from ..tensor import Tensor
from .module import Module, _add_indent
from .parameter import Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


def _check_index(index: int, length: int, kind: str) -> int:
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range")
    return index % length if length else index



def _delete_and_renumber(container: Module, index, kind: str) -> None:
    """`del container[index]` (an int or a slice), then renumber the children so their names
    stay 0..n-1, as PyTorch does for Sequential and ModuleList."""
    keys = list(container._modules)
    targets = keys[index] if isinstance(index, slice) else [
        keys[_check_index(index, len(container), kind)]
    ]
    for key in targets:
        delattr(container, key)
    modules = list(container._modules.values())
    container._modules.clear()
    for position, module in enumerate(modules):
        container._modules[str(position)] = module

class Sequential(Module):
    """Call the given modules one after another: `Sequential(a, b)(x)` is `b(a(x))`.

    Children are named "0", "1", ... (or by the keys of an `OrderedDict`), which is where
    state_dict keys such as `"0.weight"` come from.

    Example:
        >>> net = ak.nn.Sequential(ak.nn.Linear(2, 3), ak.nn.ReLU())
        >>> net
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
        )
        >>> net(ak.ones(5, 2)).shape
        torch.Size([5, 3])
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        index = _check_index(index, len(self), "Sequential")
        return list(self._modules.values())[index]

    def __setitem__(self, index, module: Module) -> None:
        index = _check_index(index, len(self), "Sequential")
        setattr(self, list(self._modules)[index], module)

    def __delitem__(self, index) -> None:
        _delete_and_renumber(self, index, "Sequential")

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> Sequential:
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        for position, item in enumerate(modules):
            self.add_module(str(position), item)
        return self


class ModuleList(Module):
    """A list of sub-modules that the parent module can see (parameters, state_dict, .to()).

    It has no `forward`: you decide how to call the layers, e.g. in a loop.

    Example:
        >>> layers = ak.nn.ModuleList([ak.nn.Linear(4, 4) for _ in range(3)])
        >>> len(list(layers.parameters()))
        6
        >>> layers
        ModuleList(
          (0-2): 3 x Linear(in_features=4, out_features=4, bias=True)
        )
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])
        index = _check_index(index, len(self), "ModuleList")
        return self._modules[str(index)]

    def __setitem__(self, index, module: Module) -> None:
        index = _check_index(index, len(self), "ModuleList")
        setattr(self, str(index), module)

    def __delitem__(self, index) -> None:
        _delete_and_renumber(self, index, "ModuleList")

    def __iadd__(self, modules) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other) -> ModuleList:
        return type(self)(list(self) + list(other))

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> ModuleList:
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList, Sequential)):
            raise TypeError(
                "ModuleList.extend should be called with an iterable, but got "
                + type(modules).__name__
            )
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        for position, item in enumerate(modules):
            self.add_module(str(position), item)

    def __repr__(self) -> str:
        # PyTorch folds runs of identical children into one line: "(0-2): 3 x Linear(...)".
        child_reprs = [repr(module) for module in self]
        if not child_reprs:
            return self._get_name() + "()"
        lines = []
        start = 0
        for end in range(1, len(child_reprs) + 1):
            if end < len(child_reprs) and child_reprs[end] == child_reprs[start]:
                continue
            count = end - start
            text = _add_indent(child_reprs[start], 2)
            if count == 1:
                lines.append(f"({start}): {text}")
            else:
                lines.append(f"({start}-{end - 1}): {count} x {text}")
            start = end
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of sub-modules, keyed by name, visible to the parent module."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules) -> None:
        items = modules.items() if hasattr(modules, "items") else modules
        for key, module in items:
            self[key] = module


# ---- containers of parameters ---------------------------------------------------------


def _as_parameter(value):
    """Tensors stored in a ParameterList/ParameterDict become Parameters (other values are kept)."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _parameter_lines(items, type_text) -> str:
    """PyTorch's one line per entry: `  (key): Parameter containing: [torch.float32 of size 2x3]`."""
    lines = []
    for key, value in items:
        if isinstance(value, Tensor):
            size = "x".join(str(int(n)) for n in value.shape)
            device = f" ({value.device})" if value.device.type == "cuda" else ""
            kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
            lines.append(f"  ({key}): {kind} containing: [{type_text(value)} of size {size}{device}]")
        else:
            lines.append(f"  ({key}): Object of type: {type(value).__name__}")
    return "\n".join(lines)


class ParameterList(Module):
    """A list of parameters that the parent module can see: entry i is registered under the
    name "i", so `parameters()` and `state_dict()` (keys "0", "1", ...) find them. Tensors put
    in become Parameters.

    Example:
        >>> params = ak.nn.ParameterList([ak.nn.Parameter(ak.ones(2, 3)), ak.zeros(3)])
        >>> params
        ParameterList(
            (0): Parameter containing: [torch.float32 of size 2x3]
            (1): Parameter containing: [torch.float32 of size 3]
        )
        >>> list(params.state_dict())
        ['0', '1']
    """

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)([self[i] for i in range(*index.indices(len(self)))])
        return getattr(self, str(_check_index(index, len(self), "ParameterList")))

    def __setitem__(self, index, value) -> None:
        setattr(self, str(_check_index(index, len(self), "ParameterList")), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self):
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, values) -> ParameterList:
        return self.extend(values)

    def append(self, value) -> ParameterList:
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values) -> ParameterList:
        if not isinstance(values, abc.Iterable) or isinstance(values, Tensor):
            raise TypeError(
                "ParameterList.extend should be called with an iterable, but got "
                + type(values).__name__
            )
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return _parameter_lines(enumerate(self), lambda tensor: str(tensor.dtype))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


def _legacy_type_name(tensor: Tensor) -> str:
    """PyTorch's `torch.typename`: `torch.FloatTensor`, `torch.cuda.DoubleTensor`, ..."""
    where = "cuda." if tensor.device.type == "cuda" else ""
    return f"torch.{where}{dtypes.LEGACY_NAMES[tensor.dtype.name]}"


class ParameterDict(Module):
    """A dict of parameters that the parent module can see, registered under their keys (in
    insertion order; a plain dict given to the constructor is taken in sorted key order, as
    PyTorch does). Tensors put in become Parameters.

    Example:
        >>> params = ak.nn.ParameterDict({"scale": ak.ones(3), "shift": ak.zeros(3)})
        >>> params
        ParameterDict(
            (scale): Parameter containing: [torch.FloatTensor of size 3]
            (shift): Parameter containing: [torch.FloatTensor of size 3]
        )
        >>> [name for name, _ in params.named_parameters()]
        ['scale', 'shift']
    """

    def __init__(self, parameters=None):
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def _key_to_attr(self, key) -> str:
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is not a string "
                f"(type is '{type(key).__name__}'). Open an issue on github if you need "
                "non-string keys."
            )
        return key

    def __getitem__(self, key: str):
        return getattr(self, self._key_to_attr(key))

    def __setitem__(self, key: str, value) -> None:
        self._keys[key] = None
        setattr(self, self._key_to_attr(key), _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._key_to_attr(key))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def keys(self):
        return self._keys.keys()

    def items(self):
        return ((key, self[key]) for key in self._keys)

    def values(self):
        return (self[key] for key in self._keys)

    def get(self, key: str, default=None):
        return self[key] if key in self else default

    def pop(self, key: str):
        value = self[key]
        del self[key]
        return value

    def update(self, parameters) -> None:
        if not isinstance(parameters, abc.Iterable):
            raise TypeError(
                "ParametersDict.update should be called with an iterable of key/value pairs, "
                "but got " + type(parameters).__name__
            )
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = list(parameters.items())
        elif isinstance(parameters, abc.Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = list(parameters)
        for key, value in pairs:
            self[key] = value

    def extra_repr(self) -> str:
        return _parameter_lines(self.items(), _legacy_type_name)

    def __call__(self, input):
        raise RuntimeError("ParameterDict should not be called.")
