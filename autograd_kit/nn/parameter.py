"""`Parameter`: a tensor that a `Module` registers as one of its trainable weights.

A Parameter is an ordinary leaf tensor with `requires_grad=True` by default; the only thing
special about it is that assigning one to a module attribute adds it to `parameters()`.
"""

from __future__ import annotations

from .._backend import asnumpy, resolve_device, to_device
from ..tensor import Tensor, _init_from

__all__ = ["Parameter"]


class Parameter(Tensor):
    """Wrap `data` (sharing its numbers, not copying them) as a trainable leaf.

    Example:
        >>> w = ak.nn.Parameter(ak.ones(2))
        >>> w
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
        >>> w.is_leaf, w.requires_grad
        (True, True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from .. import empty

            data = empty(0)
        param = object.__new__(cls)
        _init_from(param, data._array)
        # Same numbers, same version counter: an in-place change through `data` is visible.
        param._version_counter = data._version_counter
        param.requires_grad = requires_grad
        return param

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything happened in __new__ (Tensor.__init__ would allocate a new array)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (
            _rebuild_parameter,
            (asnumpy(self._array), str(self.device), self.requires_grad),
        )


def _rebuild_parameter(array, where: str, requires_grad: bool) -> Parameter:
    from ..tensor import _wrap

    return Parameter(_wrap(to_device(array, resolve_device(where))), requires_grad)
