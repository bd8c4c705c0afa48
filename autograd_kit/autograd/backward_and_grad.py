"""``backward`` and ``grad``: the two ways into the engine, and ``Tensor.backward``.

``backward`` adds gradients into leaves' ``.grad``; ``grad`` returns them. Both check their
arguments here and hand the walk to the engine in ``graph.py``. ``Tensor.backward`` is
registered here, as the operations register theirs, because ``tensor.py`` sits below the
engine and imports nothing from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._errors import with_hint
from .._registry import tensor_methods
from ..creation import ones_like, zeros_like
from ..tensor import Size, Tensor
from . import graph


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, Tensor):
        return (value,)
    return tuple(value)


def _make_grads(outputs: tuple, grad_outputs: tuple) -> list:
    """The starting gradient of each output: given, or 1 for a single-number output."""
    grads = []
    for output, grad in zip(outputs, grad_outputs):
        if grad is None:
            if output.numel() != 1:
                raise with_hint(
                    RuntimeError(
                        "grad can be implicitly created only for scalar outputs"
                    ),
                    "non_scalar",
                )
            if not output.dtype.is_floating_point:
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {output.dtype!r}"
                )
            grad = ones_like(output)
        elif not isinstance(grad, Tensor):
            raise TypeError(
                f"gradient must be a Tensor or None, but got {type(grad).__name__} "
                "(wrap numbers in torch.tensor(...))"
            )
        elif grad.shape != output.shape:
            raise with_hint(
                RuntimeError(
                    f"Mismatch in shape: grad_output[{len(grads)}] has a shape of {Size(grad.shape)!r} "
                    f"and output[{len(grads)}] has a shape of {Size(output.shape)!r}."
                ),
                "grad_shape",
            )
        grads.append(grad)
    return grads


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Add d(tensors)/d(leaf) into every leaf's ``.grad`` (``tensor.backward`` calls this)."""
    outputs = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    inputs_tuple = _as_tuple(inputs) if inputs is not None else None
    if inputs_tuple is not None and not inputs_tuple:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    graph.run_backward(
        outputs, _make_grads(outputs, grads), bool(retain_graph), create_graph, inputs=inputs_tuple
    )


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple:
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    Example:
        >>> x = ak.tensor(3.0, requires_grad=True)
        >>> (dy_dx,) = ak.autograd.grad(x ** 2, x, create_graph=True)
        >>> dy_dx
        tensor(6., grad_fn=<MulBackward0>)
    """
    outputs_tuple = _as_tuple(outputs)
    inputs_tuple = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs_tuple)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    result = graph.run_backward(
        outputs_tuple,
        _make_grads(outputs_tuple, grads),
        bool(retain_graph),
        create_graph,
        inputs=inputs_tuple,
        accumulate=False,
        allow_unused=allow_unused,
    )
    if materialize_grads:
        result = [zeros_like(t) if g is None else g for t, g in zip(inputs_tuple, result)]
    return tuple(result)


def tensor_backward(
    self: Tensor,
    gradient: Tensor | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | Tensor | None = None,
) -> None:
    """Compute d(self)/d(leaf) for every leaf that requires grad and add it into ``.grad``.

    ``gradient`` is the starting gradient d(something)/d(self); it may be left out only
    when ``self`` holds a single number (then it is 1). The graph's saved values are freed
    afterwards unless ``retain_graph=True``; ``create_graph=True`` records the backward
    pass itself so it can be differentiated again.
    """
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


tensor_methods(globals(), {"backward": tensor_backward})  # attached by ops/__init__.py
