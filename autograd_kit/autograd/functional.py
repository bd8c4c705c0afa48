"""``ak.autograd.functional``: derivatives of a whole function, as PyTorch's module has them.

``vjp`` and ``jacobian`` run backward; ``jvp``, ``hvp``, ``vhp`` and ``hessian`` are built
from backward too, by differentiating a backward pass (``create_graph=True``) once more: the
"double-backward trick". Each function takes ``func`` and ``inputs`` (a tensor or a tuple of
tensors) and gives results with the same tuple structure as PyTorch's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .. import creation
from .. import tensor as tensor_module
from .grad_mode import enable_grad

_OUTPUTS = "outputs of the user-provided function"


def _recording(function: Callable) -> Callable:
    """Run ``function`` with grad mode on, as PyTorch's functional API does: the derivatives
    are computed by backward passes, so they work inside ``no_grad`` blocks too."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with enable_grad():
            return function(*args, **kwargs)

    return wrapper


def _as_tuple(value: Any, argument: str, function: str) -> tuple[bool, tuple]:
    """(was it a tuple, the values as a tuple), checking every value is a Tensor."""
    is_tuple = isinstance(value, tuple)
    values = tuple(value) if is_tuple else (value,)
    for index, item in enumerate(values):
        if not isinstance(item, tensor_module.Tensor):
            if is_tuple:
                raise TypeError(
                    f"The {argument} given to {function} must be either a Tensor or a tuple of "
                    f"Tensors but the value at index {index} has type {type(item)}."
                )
            raise TypeError(
                f"The {argument} given to {function} must be either a Tensor or a tuple of "
                f"Tensors but the given {argument} has type {type(item)}."
            )
    return is_tuple, values


def _prepare(inputs: tuple, create_graph: bool) -> tuple:
    """Fresh leaves to differentiate with respect to (kept connected to the caller's graph
    only when ``create_graph`` asks for a differentiable result)."""
    prepared = []
    for tensor in inputs:
        if create_graph and tensor.requires_grad:
            prepared.append(tensor.view_as(tensor))
        else:
            prepared.append(tensor.detach().requires_grad_(True))
    return tuple(prepared)


def _finish(values: Any, create_graph: bool) -> Any:
    """Detach results unless the caller wants to differentiate them again."""
    if isinstance(values, tuple):
        return tuple(_finish(value, create_graph) for value in values)
    if values is None or create_graph:
        return values
    return values.detach()


def _grad(outputs: tuple, inputs: tuple, grad_outputs: tuple, create_graph: bool) -> tuple:
    """autograd.grad over the outputs that require grad; None for every unreachable input."""
    from .backward_and_grad import grad

    pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=True) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad(
        [o for o, _ in pairs],
        inputs,
        [g for _, g in pairs],
        retain_graph=True,
        create_graph=create_graph,
        allow_unused=True,
    )


def _zeros_for_none(grads: tuple, like: tuple) -> tuple:
    return tuple(
        creation.zeros_like(t) if g is None else g for g, t in zip(grads, like, strict=True)
    )


def _check_v(v: tuple, like: tuple, like_is_tuple: bool) -> None:
    """``v`` must match ``like`` (the outputs for vjp, the inputs otherwise) one to one."""
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for index, (vector, tensor) in enumerate(zip(v, like, strict=True)):
        if vector.shape != tensor.shape:
            where = f"Entry {index} in " if like_is_tuple else ""
            raise RuntimeError(
                f"{where}v has invalid size: should be {tensor.shape} but got {vector.shape}."
            )


def _single_element_v(values: tuple, message: str) -> tuple:
    if len(values) != 1 or values[0].numel() != 1:
        raise RuntimeError(message)
    return (creation.ones_like(values[0]),)


@_recording
def vjp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """Vector-Jacobian product ``v^T J`` of ``func`` at ``inputs``: one backward pass.

    Returns ``(func_output, vjp)``. ``v`` has the output's shape and may be left out when the
    output has a single element.

    Example:
        >>> out, vjp = ak.autograd.functional.vjp(lambda x: x ** 2, ak.tensor([1.0, 3.0]),
        ...                                      ak.tensor([1.0, 1.0]))
        >>> vjp
        tensor([2., 6.])
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    inputs = _prepare(inputs, create_graph)
    outputs_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "vjp")
    if v is None:
        v = _single_element_v(
            outputs,
            "The vector v can only be None if the user-provided function returns a single "
            "Tensor with a single element.",
        )
    else:
        _, v = _as_tuple(v, "v", "vjp")
        _check_v(v, outputs, outputs_tuple)
    grads = _grad(outputs, inputs, v, create_graph)
    _raise_if_strict(strict, grads, "vjp")
    result = _zeros_for_none(grads, inputs)
    return (
        _finish(outputs if outputs_tuple else outputs[0], create_graph),
        _finish(result if inputs_tuple else result[0], create_graph),
    )


@_recording
def jvp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """Jacobian-vector product ``J v`` of ``func`` at ``inputs``.

    Reverse mode gives ``u^T J`` for any ``u``; that is linear in ``u``, so differentiating it
    with respect to ``u`` (a second backward, seeded with ``v``) gives ``J v``.

    Example:
        >>> out, jvp = ak.autograd.functional.jvp(lambda x: x ** 2, ak.tensor([1.0, 3.0]),
        ...                                      ak.tensor([1.0, 0.0]))
        >>> jvp
        tensor([2., 0.])
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    inputs = _prepare(inputs, create_graph)
    if v is None:
        v = _single_element_v(
            inputs,
            "The vector v can only be None if the input to the user-provided function is a "
            "single Tensor with a single element.",
        )
    else:
        _, v = _as_tuple(v, "v", "jvp")
        _check_v(v, inputs, inputs_tuple)
    outputs_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "jvp")
    result = _jvp_through_double_backward(outputs, inputs, v, create_graph)
    _raise_if_strict(strict, result, "jvp")
    result = _zeros_for_none(result, outputs)
    return (
        _finish(outputs if outputs_tuple else outputs[0], create_graph),
        _finish(result if outputs_tuple else result[0], create_graph),
    )


def _jvp_through_double_backward(
    outputs: tuple, inputs: tuple, v: tuple, create_graph: bool
) -> tuple:
    # u is a dummy grad_output; grad(outputs, inputs, u) = u^T J is linear in u.
    dummies = tuple(creation.zeros_like(o).requires_grad_(True) for o in outputs)
    grads = _grad(outputs, inputs, dummies, create_graph=True)
    pairs = [
        (g, vector) for g, vector in zip(grads, v, strict=True) if g is not None and g.requires_grad
    ]
    if not pairs:
        return (None,) * len(outputs)
    from .backward_and_grad import grad

    return grad(
        [g for g, _ in pairs],
        dummies,
        [vector for _, vector in pairs],
        retain_graph=True,
        create_graph=create_graph,
        allow_unused=True,
    )


def _raise_if_strict(strict: bool, grads: tuple, function: str) -> None:
    if not strict:
        return
    for index, grad in enumerate(grads):
        if grad is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {index}. "
                "This is not allowed in strict mode."
            )


@_recording
def jacobian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: one backward pass per output element.

    Entry ``[i][j]`` has shape ``outputs[i].shape + inputs[j].shape``; with one input and one
    output it is a single tensor. ``vectorize`` and ``strategy="forward-mode"`` are PyTorch's
    speed options; they are checked like PyTorch checks them, and the Jacobian is always built
    row by row with backward (the numbers are the same).

    Example:
        >>> ak.autograd.functional.jacobian(lambda x: x ** 2, ak.tensor([1.0, 3.0]))
        tensor([[2., 0.],
                [0., 6.]])
    """
    from .. import stack

    _check_strategy(strategy, create_graph, strict, vectorize)
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = _prepare(inputs, create_graph)
    outputs_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "jacobian")
    result = []
    for output in outputs:
        # Row k of d(output)/d(input) is backward seeded with the one-hot vector e_k.
        rows: list[list] = [[] for _ in inputs]
        for element in range(output.numel()):
            seed = creation.zeros(output.numel(), dtype=output.dtype, device=output.device)
            seed[element] = 1
            grads = _grad((output,), inputs, (seed.reshape(output.shape),), create_graph)
            _raise_if_strict(strict, grads, "jacobian")
            for column, (grad, tensor) in enumerate(zip(grads, inputs, strict=True)):
                rows[column].append(creation.zeros_like(tensor) if grad is None else grad)
        blocks = []
        for column, tensor in enumerate(inputs):
            shape = tuple(output.shape) + tuple(tensor.shape)
            if rows[column]:
                blocks.append(stack(rows[column]).reshape(shape))
            else:
                blocks.append(creation.zeros(shape, dtype=tensor.dtype, device=tensor.device))
        result.append(tuple(blocks))
    result = _finish(tuple(result), create_graph)
    if not outputs_tuple and not inputs_tuple:
        return result[0][0]
    if not outputs_tuple:
        return result[0]
    if not inputs_tuple:
        return tuple(row[0] for row in result)
    return result


def _check_strategy(strategy: str, create_graph: bool, strict: bool, vectorize: bool) -> None:
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".'
        )
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError(
            "torch.autograd.functional.jacobian: `create_graph=True` "
            'and `strategy="forward-mode"` are not supported together (yet). '
            "Please either set `create_graph=False` or "
            '`strategy="reverse-mode"`.'
        )
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
            "only implemented for `vectorize=True`."
        )
    if vectorize and strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` "
            "and `vectorized=True` are not supported together. "
            "Please either set `strict=False` or "
            "`vectorize=False`."
        )


@_recording
def hessian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar function: the Jacobian of its gradient.

    Example:
        >>> ak.autograd.functional.hessian(lambda x: (x ** 3).sum(), ak.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def single_number(*values: Any) -> Any:
        output = func(*values)
        _check_scalar(output, "hessian")
        return output.reshape(())

    def gradient(*values: Any) -> tuple:
        return jacobian(single_number, values, create_graph=True, strict=strict)

    result = jacobian(
        gradient,
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    if not inputs_tuple:
        return result[0][0]
    return result


def _check_scalar(output: Any, function: str) -> None:
    if not isinstance(output, tensor_module.Tensor):
        raise RuntimeError(f"The function given to {function} should return a single Tensor")
    if output.numel() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {function} should contain a single "
            "element"
        )


@_recording
def vhp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``v^T H`` for a scalar ``func``: backward through the gradient, seeded with ``v``.

    Example:
        >>> out, vhp = ak.autograd.functional.vhp(lambda x: (x ** 3).sum(), ak.tensor([1.0, 2.0]),
        ...                                      ak.tensor([1.0, 1.0]))
        >>> vhp
        tensor([ 6., 12.])
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


@_recording
def hvp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``H v`` for a scalar ``func`` (equal to ``v^T H`` when H is symmetric), computed like
    PyTorch with one more backward pass: the double-backward trick of ``jvp`` applied to the
    gradient.

    Example:
        >>> out, hvp = ak.autograd.functional.hvp(lambda x: (x ** 3).sum(), ak.tensor([1.0, 2.0]),
        ...                                      ak.tensor([1.0, 1.0]))
        >>> hvp
        tensor([ 6., 12.])
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(
    func: Callable, inputs: Any, v: Any, create_graph: bool, strict: bool, function: str
) -> tuple:
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", function)
    inputs = _prepare(inputs, create_graph)
    if v is None:
        v = _single_element_v(
            inputs,
            "The vector v can only be None if the input to the user-provided function is a "
            "single Tensor with a single element.",
        )
    else:
        _, v = _as_tuple(v, "v", function)
        _check_v(v, inputs, inputs_tuple)
    output = func(*inputs)
    _check_scalar(output, function)
    gradients = _grad((output,), inputs, (creation.ones_like(output),), create_graph=True)
    _raise_if_strict(strict, gradients, function)
    gradients = _zeros_for_none(gradients, inputs)
    if function == "vhp":
        result = _grad(gradients, inputs, v, create_graph)
    else:
        result = _jvp_through_double_backward(gradients, inputs, v, create_graph)
    result = _zeros_for_none(result, inputs)
    return (
        _finish(output, create_graph),
        _finish(result if inputs_tuple else result[0], create_graph),
    )


__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]
