"""``backward`` and ``grad``: the two ways into the engine, and ``Tensor.backward``.

``backward`` adds gradients into leaves' ``.grad``; ``grad`` returns them. Both check their
arguments here and hand the walk to the engine in ``graph.py``. ``Tensor.backward`` is
registered here, as the operations register theirs, because ``tensor.py`` sits below the
engine and imports nothing from it.
"""

from __future__ import annotations

import warnings
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


def _make_grads(outputs: tuple, grad_outputs: tuple, batched: bool = False) -> list:
    """The starting gradient of each output: given, or 1 for a single-number output (None
    for an output that does not require grad: the engine then says so). ``batched``: each
    given gradient holds one starting gradient per row of its first dimension."""
    grads = []
    for output, grad in zip(outputs, grad_outputs):
        if grad is None:
            if not output.requires_grad:
                grads.append(None)
                continue
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
        elif batched and grad[0].shape != output.shape:
            # (PyTorch reports the shape of grad[0] without its first dimension)
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each "
                "grad_output as the batch dimension. The sizes of the remaining dimensions are "
                "expected to match the shape of corresponding output, but a mismatch was "
                f"detected: grad_output[{len(grads)}] has a shape of {Size(grad[0].shape[1:])!r} "
                f"and output[{len(grads)}] has a shape of {Size(output.shape)!r}. If you only "
                "want some tensors in `grad_output` to be considered batched, consider using vmap."
            )
        elif not batched and grad.shape != output.shape:
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
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple | dict:
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    ``inputs`` may be a dict of named tensors; the gradients then come back under the same
    names. With ``is_grads_batched=True`` the first dimension of each of ``grad_outputs`` is
    a batch of starting gradients, and each gradient returned has that batch dimension in
    front: one vector-Jacobian product per row, the rows of a Jacobian when the batch is the
    identity matrix.

    Example:
        >>> x = ak.tensor(3.0, requires_grad=True)
        >>> (dy_dx,) = ak.autograd.grad(x ** 2, x, create_graph=True)
        >>> dy_dx
        tensor(6., grad_fn=<MulBackward0>)
    """
    if not only_inputs:
        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use "
            "torch.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    outputs_tuple = _as_tuple(outputs)
    inputs_tuple = tuple(inputs.values()) if type(inputs) is dict else _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs_tuple)
    grads = _make_grads(outputs_tuple, grads, batched=is_grads_batched)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads

    def vector_jacobian_products(starting: list, retain: bool) -> list:
        return graph.run_backward(
            outputs_tuple,
            starting,
            retain,
            create_graph,
            inputs=inputs_tuple,
            accumulate=False,
            allow_unused=allow_unused,
        )

    if is_grads_batched:
        result = _batched(vector_jacobian_products, grads, bool(retain_graph))
    else:
        result = vector_jacobian_products(grads, bool(retain_graph))
    if materialize_grads:
        result = [
            zeros_like(t, requires_grad=create_graph) if g is None else g
            for t, g in zip(inputs_tuple, result)
        ]
    if type(inputs) is dict:
        return dict(zip(inputs.keys(), result))
    return tuple(result)


def _batched(run: Any, grads: list, retain_graph: bool) -> list:
    """``run`` (one backward pass, from starting gradients to input gradients) once per row
    of the batched starting gradients, the graph kept for every row but the last; each
    input's gradients are stacked back into one tensor with the batch dimension in front.

    (PyTorch maps one batched pass over the rows with vmap; the values are the same.)
    """
    from .. import stack

    sizes = []
    for grad in grads:
        if grad is not None and grad.ndim == 0:
            raise ValueError(
                "vmap(vjp, in_dims=0, ...)(<inputs>): Got in_dim=0 for some input, but that "
                "input is a Tensor of dimensionality 0 so expected in_dim to satisfy "
                "0 <= in_dim < 0."
            )
        if grad is not None:
            sizes.append(grad.shape[0])
    if len(set(sizes)) > 1:
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {sizes} for the mapped dimension"
        )
    rows = sizes[0] if sizes else 1
    per_row = [
        run([None if grad is None else grad[row] for grad in grads], row < rows - 1 or retain_graph)
        for row in range(rows)
    ]
    return [
        None if parts[0] is None else stack(parts) for parts in zip(*per_row)
    ]


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
