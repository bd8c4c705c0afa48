"""Views, and changing them in place: how the base's history learns about it.

``x[1:]``, ``x.t()``, ``x.view(...)``, ``x.expand(...)``, ``x.unsqueeze(0)`` ... return views:
new tensors over the same numbers as their base. ``_ViewPrimitive`` (in ``ops/shape.py``) makes
every view remember its base (``v._base``), how it was viewed, and share the base's version
counter, so an in-place change through either one is noticed by a backward that saved the other.

Changing a view in place, say ``b[1:].mul_(2)``, changes numbers of ``b`` too, so ``b``'s
history must change with them. As in PyTorch:

- the in-place operation is recorded on the view's old values as usual (node ``fn``);
- ``b.grad_fn`` becomes a ``CopySlices`` node: its backward sends the gradient of the viewed
  region through ``fn``'s backward, and the rest of the gradient straight to ``b``'s old
  history (those elements were not touched);
- every view of ``b`` (the one just changed included) is seen from ``b`` again: its grad_fn
  becomes an ``AsStridedBackward0`` node that picks its region out of ``b``'s gradient.

A region is described by flat positions: the view primitives, replayed on
``arange(b.numel())`` shaped like ``b``, give for each element of the view the position in
``b`` it lives at. The nodes are built from the primitives in ``positions.py`` (``AsStrided``,
``IndexPut``), which is why this file sits among the operations, beside its one caller,
``inplace.py``, and not in the engine.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .. import tensor as tensor_module
from .._backend import xp_of
from .._errors import with_hint
from ..autograd.anomaly_mode import remember_forward
from ..autograd.grad_mode import grad_state
from ..autograd.graph import Node, _validate_grads, gradient_edge, input_meta, next_sequence_nr
from .positions import AsStrided, IndexPut
from .primitive import _UNRECORDED, _same_device

if TYPE_CHECKING:
    from ..tensor import Tensor


def check_inplace(tensor: Tensor, records: bool) -> None:
    """Refuse, in PyTorch's words, the in-place changes PyTorch refuses, before anything changes:

    - writing into an expanded tensor, where one memory location is many elements;
    - changing, with grad mode on, a view made under no_grad of a base that needs grad
      (should the change be recorded or not? PyTorch will not guess);
    - changing a view of a leaf that requires grad, when it would be recorded (the leaf's
      values would change behind its AccumulateGrad's back).
    """
    byte_strides = getattr(tensor._array, "strides", ())  # (a quick look first: a hot path)
    if 0 in byte_strides and any(
        stride == 0 and size > 1 for size, stride in zip(tensor.shape, tensor.stride())
    ):
        raise with_hint(
            RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers "
                "to a single memory location. Please clone() the tensor before performing the "
                "operation."
            ),
            "inplace_overlap",
        )
    base = tensor._base
    if base is None:
        return
    if tensor._view_made_without_grad and grad_state.enabled and (records or base._requires_grad):
        raise with_hint(
            RuntimeError(
                "A view was created in no_grad mode and is being modified inplace with grad "
                "mode enabled. Given that this use case is ambiguous and error-prone, it is "
                "forbidden. You can clarify your code by moving both the view and the inplace "
                "either both inside the no_grad block (if you don't want the inplace to be "
                "tracked) or both outside (if you want the inplace to be tracked)."
            ),
            "view_no_grad",
        )
    if tensor._made_by_multi_output and grad_state.enabled and (records or base._requires_grad):
        raise with_hint(
            RuntimeError(
                f"Output {tensor._output_nr} of {tensor._made_by_multi_output} is a view and is "
                "being modified inplace. This view is the output of a function that returns "
                "multiple views. Such functions do not allow the output views to be modified "
                "inplace. You should replace the inplace operation by an out-of-place one."
            ),
            "multi_output_view",
        )
    if records and base.grad_fn is None and base._requires_grad:
        raise with_hint(
            RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation."
            ),
            "inplace_leaf",
        )


def positions_in_base(view: Tensor) -> Any:
    """For each element of ``view``, its flat position in ``view._base`` (an integer array of
    the view's shape)."""
    base = view._base._array
    xp = xp_of(base)
    positions = xp.reshape(xp.arange(math.prod(base.shape), **_same_device(xp, base)), base.shape)
    for primitive, settings in view._view_chain:
        positions = primitive.forward(_UNRECORDED, positions, **settings)
    return positions


class CopySlices(Node):
    """The base's node after one of its views was changed in place by ``fn``.

    next_functions: the base's old history, then ``fn``'s other inputs (e.g. ``w`` in
    ``b[1:].mul_(w)``).
    """

    def __init__(self, base: Tensor, fn: Node, positions: Any) -> None:
        self.fn = fn
        self.positions = positions
        self._base_shape = base._array.shape
        self.next_functions = (gradient_edge(base), *fn.next_functions[1:])
        self._input_meta = (input_meta(base._array), *fn._input_meta[1:])
        self._sequence_nr = next_sequence_nr()
        self._holds_tensors = fn._holds_tensors
        if grad_state.anomaly:
            remember_forward(self)

    def _apply(self, grad_outputs: tuple) -> tuple:
        (grad,) = grad_outputs
        if grad is None:
            return (None,) * len(self._input_meta)
        # The viewed region of the gradient goes through fn's backward ...
        region = AsStrided.apply(grad, index=self.positions)
        fn_grads = _validate_grads(self.fn, self.fn._apply((region,)), self.fn._input_meta)
        # ... and the rest to the base's old history as it is (fn overwrote the region).
        xp = xp_of(grad._array)
        size = math.prod(self._base_shape)
        flat_positions = (xp.reshape(self.positions, (-1,)),)
        ones = xp.reshape(xp.ones_like(region._array), (-1,))
        covered = IndexPut.forward(_UNRECORDED, ones, (size,), flat_positions)
        keep = xp.reshape(xp.astype(covered == 0, grad._array.dtype), self._base_shape)
        grad_base = grad * tensor_module._wrap(keep)
        if fn_grads[0] is not None:
            placed = IndexPut.apply(fn_grads[0].reshape(-1), shape=(size,), key=flat_positions)
            grad_base = grad_base + placed.reshape(self._base_shape)
        return (grad_base, *fn_grads[1:])

    def _release_saved(self) -> None:
        self.fn._release_saved()
        self._holds_tensors = False


def rebase(changed: Tensor) -> None:
    """After ``changed`` (a base or a view) was changed in place and recorded: give the base a
    CopySlices node if a view was changed, then see every live view from the base again."""
    base = changed._base if changed._base is not None else changed
    if base is not changed:
        base.grad_fn = CopySlices(base, changed.grad_fn, positions_in_base(changed))
        base._requires_grad = True
        base._output_nr = 0
    for view in list(base._views or ()):
        seen_again = AsStrided.apply(base, index=positions_in_base(view))
        view.grad_fn = seen_again.grad_fn
        view._requires_grad = True
        view._output_nr = 0
