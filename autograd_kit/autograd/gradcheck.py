"""gradcheck and gradgradcheck: test a backward formula against finite differences.

``gradcheck`` nudges every input element by ``eps`` up and down, measures how each output
moves (the numerical Jacobian) and compares it with what backward computes (the analytical
Jacobian). ``gradgradcheck`` does the same for the backward pass itself, which is what makes
second derivatives (``create_graph=True``) trustworthy. Both work in float64, as PyTorch's do,
because float32 finite differences are too coarse to tell a right formula from a wrong one.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _backend, dtypes, i18n
from .. import tensor as tensor_module

# The teaching notes under gradcheck's errors (the error message itself stays PyTorch's).
MESSAGES = i18n.register({
    "gradcheck.note.not_multiplied": {
        "en": "Hint: gradcheck called backward with grad_output = 0 and got a nonzero gradient "
              "for input {index}: backward must multiply its local derivative by grad_output "
              "(the chain rule), even when the output is a scalar.",
        "zh": "提示：gradcheck 用 grad_output = 0 调用 backward，输入 {index} 的梯度却不为 0："
              "backward 必须把局部导数乘以 grad_output（链式法则），输出是标量时也一样。"},
    "gradcheck.note.type": {
        "en": "Hint: backward returned a {found} gradient for input {index}, which is {wanted}: "
              "a gradient has its input's dtype.",
        "zh": "提示：backward 为输入 {index} 返回了 {found} 的梯度，而该输入是 {wanted}："
              "梯度的数据类型应与输入相同。"},
    "gradcheck.note.size": {
        "en": "Hint: backward returned a gradient of shape {found} for input {index} of shape "
              "{wanted}: a gradient has its input's shape.",
        "zh": "提示：backward 为形状 {wanted} 的输入 {index} 返回了形状 {found} 的梯度："
              "梯度的形状应与输入相同。"},
    "gradcheck.note.reentrant": {
        "en": "Hint: two backward passes with the same grad_output gave different gradients: "
              "backward must not depend on state that changes between calls.",
        "zh": "提示：相同 grad_output 的两次反向传播给出了不同的梯度：backward 不能依赖"
              "每次调用之间会变化的状态。"},
    "gradcheck.note.mismatch": {
        "en": "The worst entry: d output {output}{out_element} / d input {input}{in_element} is "
              "{numerical} by finite differences (numerical) but {analytical} from backward "
              "(analytical).\nHint: rows of the Jacobians are input elements and columns are "
              "output elements; the analytical one is what your backward returns. Check its "
              "formula for input {input}.",
        "zh": "误差最大的一项：d 输出 {output}{out_element} / d 输入 {input}{in_element} "
              "的有限差分（数值）结果为 {numerical}，backward（解析）结果为 {analytical}。\n"
              "提示：雅可比矩阵的行对应输入元素，列对应输出元素；解析雅可比就是你的 backward "
              "返回的结果。请检查输入 {input} 的公式。"},
})


# PyTorch's advice after a nondeterminism failure, word for word.
_NONDET_ADVICE = """\n
NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `nondet_tol=<tol>` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_nondet_tol=<tol>`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_nondet_tol=<tol>`
"""


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck``/``gradgradcheck`` when the gradients disagree."""


def _as_tuple(value: Any) -> tuple:
    if isinstance(value, tensor_module.Tensor):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _is_differentiable(value: Any) -> bool:
    return isinstance(value, tensor_module.Tensor) and value.dtype.is_floating_point


def _host(tensor: Any) -> np.ndarray:
    return np.array(_backend.asnumpy(tensor._array))  # always a fresh, contiguous host copy


def _numerical_jacobians(
    func: Callable, inputs: tuple, positions: list[int], eps: float
) -> list[list[np.ndarray]]:
    """``result[k][i]`` is d(output k)/d(input positions[i]) by central differences,
    laid out as PyTorch lays it out: one row per input element, one column per output element.

    Each nudged evaluation gets a fresh copy of the nudged input, so the caller's tensors are
    never modified (and no saved tensor's version changes).
    """
    per_output: list[list[np.ndarray]] | None = None
    for column, position in enumerate(positions):
        original = inputs[position]
        host = _host(original)
        where = original.device
        rows = []
        for element in range(host.size):
            evaluations = []
            for step in (eps, -eps):
                nudged = host.copy()
                nudged.flat[element] += step
                arguments = list(inputs)
                # Grad mode stays on: gradgradcheck's function itself calls autograd.grad.
                arguments[position] = tensor_module._wrap(_backend.to_device(nudged, where))
                arguments[position].requires_grad_(original.requires_grad)
                outputs = _as_tuple(func(*arguments))
                evaluations.append([_host(o) for o in outputs if _is_differentiable(o)])
            plus, minus = evaluations
            rows.append([(p - m).reshape(-1) / (2 * eps) for p, m in zip(plus, minus, strict=True)])
        if per_output is None:
            per_output = [[None] * len(positions) for _ in range(len(rows[0]) if rows else 0)]
        for k in range(len(per_output)):
            if rows:
                per_output[k][column] = np.stack([row[k] for row in rows])
            else:  # an input with no elements: an empty Jacobian
                per_output[k][column] = np.zeros((0, 0))
    return per_output or []


def _analytical_jacobians(
    outputs: tuple, inputs: tuple, positions: list[int]
) -> tuple[list[list[np.ndarray]], list[tuple[int, str, str]]]:
    """``result[k][i]`` is d(output k)/d(input positions[i]) from backward: one backward per
    output element, seeded with a one-hot gradient (the Jacobian built column by column).

    Also returns each gradient whose dtype or shape differs from its input's, as
    ``(input index, "dtype" or "size", what was found)``, for PyTorch's attribute checks.
    """
    from .backward_and_grad import grad as autograd_grad

    differentiable_inputs = [inputs[p] for p in positions]
    result, wrong = [], []
    for output in outputs:
        size = output.numel()
        dtype = _host(output).dtype
        columns = [np.zeros((inputs[p].numel(), size), dtype=dtype) for p in positions]
        if output.requires_grad:
            for element in range(size):
                seed = np.zeros(size, dtype=dtype)
                seed[element] = 1
                seed = tensor_module._wrap(
                    _backend.to_device(seed.reshape(tuple(output.shape)), output.device)
                )
                grads = autograd_grad(
                    output, differentiable_inputs, seed, retain_graph=True, allow_unused=True
                )
                for column, grad in enumerate(grads):
                    if grad is None:
                        continue
                    wanted = differentiable_inputs[column]
                    if grad.dtype is not wanted.dtype:
                        wrong.append((column, "dtype", str(grad.dtype)))
                    if tuple(grad.shape) != tuple(wanted.shape):
                        wrong.append((column, "size", str(list(grad.shape))))
                        continue
                    columns[column][:, element] = _host(grad).reshape(-1)
        result.append(columns)
    return result, wrong


def _test_backward_mul_by_grad_output(outputs: tuple, inputs: tuple, positions: list[int],
                                      raise_exception: bool) -> bool:
    """PyTorch's last check: with grad_output = 0 every gradient must be exactly 0 (a
    backward that ignores grad_output passes the Jacobian test on a scalar output, where the
    one-hot seed is 1, but not this one), with its input's dtype, device and size."""
    from ..creation import zeros_like
    from .backward_and_grad import grad as autograd_grad

    differentiable_inputs = [inputs[p] for p in positions]
    grads = autograd_grad(list(outputs), differentiable_inputs,
                          [zeros_like(o) for o in outputs], allow_unused=True)
    for index, (grad, wanted) in enumerate(zip(grads, differentiable_inputs, strict=True)):
        if grad is None:
            continue
        if tuple(grad.shape) == tuple(wanted.shape) and np.any(_host(grad) != 0):
            note = i18n.text("gradcheck.note.not_multiplied", index=index)
            return _fail("backward not multiplied by grad_output", raise_exception, note)
        if grad.dtype is not wanted.dtype:
            note = i18n.text("gradcheck.note.type", index=index, found=grad.dtype,
                             wanted=wanted.dtype)
            return _fail("grad is incorrect type", raise_exception, note)
        if grad.device != wanted.device:
            return _fail("grad is incorrect device", raise_exception)
        if tuple(grad.shape) != tuple(wanted.shape):
            note = i18n.text("gradcheck.note.size", index=index, found=list(grad.shape),
                             wanted=list(wanted.shape))
            return _fail("grad is incorrect size", raise_exception, note)
    return True


def _describe_mismatch(
    numerical: np.ndarray,
    analytical: np.ndarray,
    input_shape: tuple,
    output_shape: tuple,
    output_index: int,
    input_index: int,
    atol: float,
    rtol: float,
) -> str:
    """Point at the one Jacobian entry that is furthest outside the tolerance."""
    excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    row, column = np.unravel_index(int(np.argmax(excess)), excess.shape)
    input_element = [int(i) for i in np.unravel_index(row, input_shape)] if input_shape else []
    output_element = (
        [int(i) for i in np.unravel_index(column, output_shape)] if output_shape else []
    )
    return i18n.text(
        "gradcheck.note.mismatch", output=output_index, out_element=output_element,
        input=input_index, in_element=input_element,
        numerical=f"{numerical[row, column]:.6g}", analytical=f"{analytical[row, column]:.6g}",
    )


def _as_printed_tensor(array: np.ndarray, like: Any) -> Any:
    return tensor_module._wrap(array.astype(_host(like).dtype))


def _fail(message: str, raise_exception: bool, note: str | None = None) -> bool:
    """Raise PyTorch's error (the teaching report rides along as a note) or return False."""
    if raise_exception:
        error = GradcheckError(message)
        if note:
            error.add_note(note)
        raise error
    return False


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check backward's gradients of ``func`` at ``inputs`` against finite differences.

    Every input with ``requires_grad=True`` is checked against every floating-point output:
    an entry passes when ``|analytical - numerical| <= atol + rtol * |numerical|``. Returns
    True, or raises ``GradcheckError`` (returns False with ``raise_exception=False``) naming
    the output, the input and the worst element. Use float64 inputs.

    Example:
        >>> x = ak.tensor([1.0, 2.0], dtype=ak.float64, requires_grad=True)
        >>> ak.autograd.gradcheck(lambda t: (t * t).sin(), (x,))
        True
    """
    inputs = _as_tuple(inputs)
    positions = [
        index
        for index, value in enumerate(inputs)
        if isinstance(value, tensor_module.Tensor) and value.requires_grad
    ]
    if not positions:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )
    for index in positions:
        if inputs[index].dtype is not dtypes.float64:
            warnings.warn(
                f"Input #{index} requires gradient and is not a double precision floating point "
                "or complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                UserWarning,
                stacklevel=2,
            )

    all_outputs = [o for o in _as_tuple(func(*inputs)) if _is_differentiable(o)]
    numerical = _numerical_jacobians(func, inputs, positions, eps)
    # When no output requires grad, PyTorch checks that none depends on the inputs at all
    # (a forgotten backward looks like that); otherwise such outputs are skipped.
    if not any(output.requires_grad for output in all_outputs):
        for jacobians in numerical:
            for jacobian in jacobians:
                if not np.allclose(jacobian, 0.0, rtol=rtol, atol=atol):
                    return _fail(
                        "Numerical gradient for function expected to be zero", raise_exception
                    )
    differentiable = [
        (o, n) for o, n in zip(all_outputs, numerical, strict=True) if o.requires_grad
    ]
    outputs = tuple(o for o, _ in differentiable)
    analytical, wrong = _analytical_jacobians(outputs, inputs, positions)
    # As PyTorch does: everything twice, to catch a backward that is not deterministic.
    again, _ = _analytical_jacobians(outputs, inputs, positions)

    for index, kind, found in wrong:
        wanted = inputs[positions[index]]
        if kind == "dtype":
            note = i18n.text("gradcheck.note.type", index=index, found=found, wanted=wanted.dtype)
            return _fail("Gradient has dtype mismatch", raise_exception, note)
        note = i18n.text("gradcheck.note.size", index=index, found=found,
                         wanted=list(wanted.shape))
        return _fail("Analytical gradient has incorrect size", raise_exception, note)
    reentrant = all(
        np.array_equal(a, b)
        for row_a, row_b in zip(analytical, again, strict=True)
        for a, b in zip(row_a, row_b, strict=True)
    )

    for output_index, (output, numerical_jacobians) in enumerate(differentiable):
        for input_index, position in enumerate(positions):
            expected = numerical_jacobians[input_index]
            got = analytical[output_index][input_index]
            if expected.shape != got.shape or not np.allclose(got, expected, rtol=rtol, atol=atol):
                message = (
                    f"Jacobian mismatch for output {output_index} with respect to input "
                    f"{input_index},\n"
                    f"numerical:{_as_printed_tensor(expected, output)!r}\n"
                    f"analytical:{_as_printed_tensor(got, output)!r}\n"
                )
                note = None
                if expected.shape == got.shape and expected.size:
                    note = _describe_mismatch(
                        expected,
                        got,
                        tuple(inputs[position].shape),
                        tuple(output.shape),
                        output_index,
                        input_index,
                        atol,
                        rtol,
                    )
                return _fail(message, raise_exception, note)
    if not reentrant:
        return _fail(
            "Backward is not reentrant, i.e., running backward with same input and grad_output "
            "multiple times gives different values, although analytical gradient matches "
            "numerical gradient.The tolerance for nondeterminism was 0.0." + _NONDET_ADVICE,
            raise_exception, i18n.text("gradcheck.note.reentrant"),
        )
    return _test_backward_mul_by_grad_output(outputs, inputs, positions, raise_exception)


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check the second derivatives of ``func``: gradcheck applied to its backward pass.

    The backward pass is the function (inputs, grad_outputs) -> grad_inputs, computed with
    ``create_graph=True``; ``grad_outputs`` default to random float64 values in [-1, 1).

    Example:
        >>> x = ak.tensor([0.5, 2.0], dtype=ak.float64, requires_grad=True)
        >>> ak.autograd.gradgradcheck(lambda t: t.tanh() * t, (x,))
        True
    """
    from ..creation import rand
    from .backward_and_grad import grad as autograd_grad

    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outputs = [o for o in _as_tuple(func(*inputs)) if _is_differentiable(o) and o.requires_grad]
        grad_outputs = tuple(
            (rand(*o.shape, dtype=o.dtype, device=o.device) * 2 - 1).requires_grad_()
            for o in outputs
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    count = len(grad_outputs)

    def backward_pass(*arguments: Any) -> tuple:
        split = len(arguments) - count
        forward_inputs, seeds = arguments[:split], arguments[split:]
        outputs = [
            o for o in _as_tuple(func(*forward_inputs)) if _is_differentiable(o) and o.requires_grad
        ]
        differentiable = [
            value
            for value in forward_inputs
            if isinstance(value, tensor_module.Tensor) and value.requires_grad
        ]
        grads = autograd_grad(outputs, differentiable, seeds, create_graph=True, allow_unused=True)
        return tuple(grad for grad in grads if grad is not None)

    return gradcheck(
        backward_pass,
        inputs + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )


__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]
