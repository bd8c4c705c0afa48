"""``grad_fn._saved_*`` and ``_raw_saved_*``: the values each node saved for backward, under
PyTorch's names, with PyTorch's values, and PyTorch's error once backward freed them."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from autograd_kit.autograd.saved_names import SAVED_NAMES


def _inputs(L):
    L.manual_seed(0)
    x = L.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    w = L.tensor([[1.0, 2.0, 0.0, -1.0], [0.5, 0.5, 1.0, 2.0], [-1.0, 0.0, 3.0, 1.0]],
                 requires_grad=True)
    b = L.tensor([0.1, 0.2, 0.3, 0.4], requires_grad=True)
    return x, w, b


CASES = {
    "add_alpha": lambda L, x, w, b: x.add(x, alpha=2),
    "sub": lambda L, x, w, b: x - x,
    "mul": lambda L, x, w, b: x * (x + 1),
    "mul_by_a_number": lambda L, x, w, b: x * 2,
    "div": lambda L, x, w, b: x / (x + 3),
    "pow": lambda L, x, w, b: x ** 2,
    "pow_tensor": lambda L, x, w, b: (x + 2) ** x,
    "rpow": lambda L, x, w, b: 2 ** x,
    "exp": lambda L, x, w, b: x.exp(),
    "log": lambda L, x, w, b: (x + 2).log(),
    "tanh": lambda L, x, w, b: x.tanh(),
    "sigmoid": lambda L, x, w, b: x.sigmoid(),
    "relu": lambda L, x, w, b: x.relu(),
    "sqrt": lambda L, x, w, b: (x + 2).sqrt(),
    "sin": lambda L, x, w, b: x.sin(),
    "cos": lambda L, x, w, b: x.cos(),
    "abs": lambda L, x, w, b: x.abs(),
    "sum": lambda L, x, w, b: x.sum(),
    "sum_dim": lambda L, x, w, b: x.sum(1, keepdim=True),
    "mean": lambda L, x, w, b: x.mean(),
    "mean_dim": lambda L, x, w, b: x.mean(0),
    "max": lambda L, x, w, b: x.max(),
    "softmax": lambda L, x, w, b: x.softmax(1),
    "log_softmax": lambda L, x, w, b: x.log_softmax(dim=0),
    "view": lambda L, x, w, b: x.view(3, 2),
    "reshape": lambda L, x, w, b: x.reshape(6),
    "permute": lambda L, x, w, b: x.permute(1, 0),
    "transpose": lambda L, x, w, b: x.transpose(0, 1),
    "expand": lambda L, x, w, b: x[:, :1].expand(2, 5),
    "unsqueeze": lambda L, x, w, b: x.unsqueeze(0),
    "squeeze": lambda L, x, w, b: x.unsqueeze(0).squeeze(),
    "squeeze_dim": lambda L, x, w, b: x.unsqueeze(0).squeeze(0),
    "mm": lambda L, x, w, b: x.mm(w),
    "matmul": lambda L, x, w, b: x @ w,
    "linear": lambda L, x, w, b: L.nn.functional.linear(x, w.t(), b),
}

# What PyTorch saves that the kit's node does not keep (its backward does not need it): the
# strides of mm's operands, squeeze's dim, and 2 ** x's base and exponent.
NOT_KEPT = {
    "_saved_self_sym_strides", "_saved_mat2_sym_strides", "_saved_mat1_sym_strides",
    "SqueezeBackward1._saved_dim", "PowBackward2._saved_self", "PowBackward2._saved_exponent",
    "PowBackward2._raw_saved_exponent",
}


def _saved_attributes(node) -> list[str]:
    return sorted(name for name in dir(node) if name.startswith(("_saved_", "_raw_saved_")))


def _shown(value):
    if isinstance(value, (torch.Tensor, ak.Tensor)):
        return repr(value)
    if "SavedTensor" in type(value).__name__:
        return "SavedTensor"
    return value


@pytest.mark.parametrize("case", sorted(CASES))
def test_saved_values_have_pytorchs_names_and_values(case):
    ours = CASES[case](ak, *_inputs(ak)).grad_fn
    theirs = CASES[case](torch, *_inputs(torch)).grad_fn
    assert ours.name() == theirs.name()
    expected = [
        name for name in _saved_attributes(theirs)
        if name not in NOT_KEPT and f"{theirs.name()}.{name}" not in NOT_KEPT
    ]
    assert _saved_attributes(ours) == expected
    for name in expected:
        assert _shown(getattr(ours, name)) == _shown(getattr(theirs, name)), name


def test_every_row_of_the_table_is_checked_against_pytorch():
    checked = {CASES[case](ak, *_inputs(ak)).grad_fn.name() for case in CASES}
    untested = set(SAVED_NAMES) - checked
    assert untested <= {"MinBackward1"}  # MaxBackward1's twin, the same code path


def test_a_saved_input_is_the_input_itself():
    for L in (torch, ak):
        x = L.ones(2, requires_grad=True)
        y = x * x
        assert y.grad_fn._saved_self is x and y.grad_fn._saved_other is x


def test_after_backward_saved_tensors_raise_and_other_values_remain():
    outcomes = []
    for L in (torch, ak):
        x = L.ones(2, 3, requires_grad=True)
        y = (x * x).sum(1, keepdim=True)
        y.sum().backward()
        with pytest.raises(RuntimeError) as freed:
            _ = y.grad_fn.next_functions[0][0]._saved_self
        outcomes.append((str(freed.value), y.grad_fn._saved_dim, y.grad_fn._saved_keepdim))
    assert outcomes[0] == outcomes[1]


def test_unknown_names_raise_attribute_error_like_pytorch():
    messages = []
    for L in (torch, ak):
        node = L.ones(2, requires_grad=True).exp().grad_fn
        with pytest.raises(AttributeError) as missing:
            _ = node._saved_self
        messages.append(str(missing.value))
    assert messages[0] == messages[1]


def test_raw_saved_tensor_hooks_pack_now_and_unpack_on_every_read():
    traces = []
    for L in (torch, ak):
        seen = []
        a = L.ones(2, requires_grad=True)
        b = a.pow(2)
        b.grad_fn._raw_saved_self.register_hooks(
            lambda t, seen=seen: (seen.append("pack"), t.detach() * 10)[1],
            lambda t, seen=seen: (seen.append("unpack"), t)[1],
        )
        _ = b.grad_fn._saved_self
        b.sum().backward()
        with pytest.raises(RuntimeError) as freed:
            b.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)
        traces.append((seen, a.grad.tolist(), str(freed.value)))
    assert traces[0] == traces[1]


def test_hooks_can_be_set_once_per_saved_tensor():
    messages = []
    for L in (torch, ak):
        y = L.ones(2, requires_grad=True).pow(2)  # kept alive: torch's box points into its node
        raw = y.grad_fn._raw_saved_self
        raw.register_hooks(lambda t: t, lambda t: t)
        with pytest.raises(RuntimeError) as twice:
            raw.register_hooks(lambda t: t, lambda t: t)
        messages.append(str(twice.value))
    assert messages[0] == messages[1]


def test_a_custom_functions_node_gives_back_its_saved_tensors():
    shown = []
    for L in (torch, ak):
        class Cube(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return 3 * x ** 2 * grad

        x = L.tensor([1.0, 2.0], requires_grad=True)
        y = Cube.apply(x)
        (saved,) = y.grad_fn.saved_tensors
        shown.append((saved is x, _saved_attributes(y.grad_fn)))
    assert shown[0] == shown[1]


def test_the_module_example_runs():
    import doctest

    from autograd_kit.autograd import saved_names

    result = doctest.testmod(saved_names, extraglobs={"ak": ak})
    assert result.attempted > 0 and result.failed == 0
