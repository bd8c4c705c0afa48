"""Containers: `Sequential` (call children in order), `ModuleList` and `ModuleDict`.

They hold sub-modules so that `parameters()`, `state_dict()` and `.to()` find them; a plain
Python list of layers would hide its layers' parameters from the optimizer.
"""

from __future__ import annotations

import operator
from collections import OrderedDict

from .module import Module, _add_indent

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


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
