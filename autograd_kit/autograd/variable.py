"""``Variable``: the wrapper tensors needed before PyTorch 0.4, kept so that old code still runs.

Since 0.4 every tensor can require grad, and a Variable *is* a tensor: ``Variable(t)`` returns
a new tensor sharing ``t``'s storage, cut from its graph (``t.detach()``), with the
``requires_grad`` you ask for; ``isinstance(t, Variable)`` is true of every tensor. The old
``volatile=True`` (record nothing, for inference) has no effect any more and warns, naming its
replacement, ``with torch.no_grad():``, exactly as PyTorch does.
"""

from __future__ import annotations

import warnings


class _VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        from ..tensor import Tensor

        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False, volatile=False)``: ``data.detach()`` as a leaf."""

    def __new__(cls, data, requires_grad: bool = False, volatile: bool = False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                          "instead.", UserWarning, stacklevel=2)
        return data.detach().requires_grad_(requires_grad)
