"""RemovableHandle: what ``register_hook`` returns, so a hook can be taken off again."""

from __future__ import annotations

import itertools
from typing import Any

_next_id = itertools.count()


class RemovableHandle:
    """Remembers where a hook was stored; ``remove()`` takes it out (twice is harmless).

    Hooks live in a plain dict keyed by id; dicts keep insertion order, which is the order
    hooks run in.

    Example:
        >>> x = ak.tensor([1.0], requires_grad=True)
        >>> handle = x.register_hook(lambda grad: grad * 2)
        >>> handle.remove()
    """

    __slots__ = ("hooks_dict", "id")

    def __init__(self, hooks_dict: dict[int, Any]) -> None:
        self.hooks_dict = hooks_dict
        self.id = next(_next_id)

    def remove(self) -> None:
        self.hooks_dict.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()


def add_hook(hooks_dict: dict[int, Any], hook: Any) -> RemovableHandle:
    """Store ``hook`` in ``hooks_dict`` and return the handle that removes it."""
    handle = RemovableHandle(hooks_dict)
    hooks_dict[handle.id] = hook
    return handle
