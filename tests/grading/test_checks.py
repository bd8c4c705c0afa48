"""The pure checks, with PyTorch as the oracle for graph structure, leaf facts and gradcheck."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from autograd_kit.grading import checks

# The same expressions written for both libraries: lib is ak or torch.
EXPRESSIONS = {
    "mul_scalar_sum": lambda lib, x, y: (x * 2).sum(),
    "add_mul_mean": lambda lib, x, y: ((x + y) * y).mean(),
    "exp_sub": lambda lib, x, y: (lib.exp(x) - y).sum(),
    "matmul_relu": lambda lib, x, y: lib.relu(x.reshape(1, 3) @ y.reshape(3, 1)).sum(),
    "pow_div": lambda lib, x, y: (x ** 2 / (y + 3)).sum(),
    "reused_leaf": lambda lib, x, y: (x * x).sum(),
}


def _pair(lib):
    x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
    y = lib.tensor([0.5, 1.5, 2.0])
    return x, y


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_describe_graph_matches_torch(name):
    fn = EXPRESSIONS[name]
    got = checks.describe_graph(fn(ak, *_pair(ak)))
    want = checks.describe_graph(fn(torch, *_pair(torch)))
    assert got == want
    assert checks.check_graph(fn(ak, *_pair(ak)), want).passed


def test_describe_graph_long_chain_has_no_recursion_limit():
    x = ak.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    text = checks.describe_graph(y, max_nodes=5000)
    assert text.count("MulBackward0") == 3000 and text.endswith("None)")


@pytest.mark.parametrize("lib", [ak, torch], ids=["ak", "torch"])
def test_leaf_facts_agree_between_libraries(lib):
    x, y = _pair(lib)
    z = x * y
    assert checks.leaf_facts(x) == {"is_leaf": True, "requires_grad": True, "grad_fn": None}
    assert checks.leaf_facts(y) == {"is_leaf": True, "requires_grad": False, "grad_fn": None}
    assert checks.leaf_facts(z) == {"is_leaf": False, "requires_grad": True,
                                    "grad_fn": "MulBackward0"}
    result = checks.check_leaf(z, {"is_leaf": True}, what="z", chapter=2)
    assert not result.passed
    assert "is_leaf should be True but is False" in result.message_en
    assert "is_leaf 应为 True，实际为 False" in result.message_zh
    assert "Reread chapter 2" in result.text("en") and "请重读第 2 章" in result.text("zh")


def test_check_close_reports_expected_found_hint_and_chapter():
    r = checks.check_close([6.0], [12.0], what="x.grad", hint=("Use the chain rule.",
                                                              "使用链式法则。"), chapter=3)
    assert not r.passed
    assert r.message_en == "x.grad: expected [12.0], found [6.0]."
    assert r.message_zh == "x.grad：期望 [12.0]，实际为 [6.0]。"
    assert r.text("en").endswith("Hint: Use the chain rule. Reread chapter 3: "
                                 "`backward()` and the `gradient` argument.")
    assert r.text("zh").endswith("请重读第 3 章「`backward()` 与 `gradient` 参数」。")
    assert "提示：使用链式法则。" in r.text("zh")


def test_check_close_on_tensors_shapes_and_none():
    grad = ak.tensor([[1.0, 2.0]])
    assert checks.check_close(grad, [[1.0, 2.0 + 1e-7]]).passed
    assert checks.check_close(torch.tensor([[1.0, 2.0]]), grad).passed
    shape = checks.check_close(grad, [1.0, 2.0, 3.0])
    assert not shape.passed and "expected shape [3], found shape [1, 2]" in shape.message_en
    none = checks.check_close(None, [1.0], what="w.grad")
    assert not none.passed and "found None" in none.message_en and "None" in none.message_zh
    assert not checks.check_close("six", 6.0).passed
    assert not checks.check_close(float("nan"), 6.0).passed


@pytest.mark.parametrize("lib", [ak, torch], ids=["ak", "torch"])
def test_check_no_graph(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    with lib.no_grad():
        inside = w * 3
    outside = w * 3
    assert checks.check_no_graph(inside).passed
    assert checks.check_no_graph((inside, w.detach())).passed
    failed = checks.check_no_graph([inside, outside], what="predictions")
    assert not failed.passed and "grad_fn=MulBackward0" in failed.message_en
    assert "no_grad" in failed.text("en")


class TorchCube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


class TorchWrongCube(TorchCube):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x


class AkCube(ak.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


@pytest.mark.parametrize("fn, ok", [(TorchCube.apply, True), (TorchWrongCube.apply, False)])
def test_gradcheck_agrees_with_torch_gradcheck(fn, ok):
    x = torch.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=torch.float64)
    assert torch.autograd.gradcheck(fn, (x.clone().requires_grad_(),), raise_exception=False) == ok
    result = checks.check_gradcheck((fn, [x]), what="Cube")
    assert result.passed == ok
    if not ok:
        assert "gradcheck failed: GradcheckError: Jacobian mismatch" in result.message_en
        assert "gradcheck 未通过" in result.message_zh


class IgnoresGradOutput(ak.autograd.Function):
    """A squared-distance loss whose backward forgets to multiply by grad_output."""

    @staticmethod
    def forward(ctx, pred, target):
        diff = pred - target
        ctx.save_for_backward(diff)
        return (diff**2).sum()

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        return 2 * diff, -2 * diff


def test_gradcheck_probe_fails_a_backward_that_ignores_grad_output():
    # On a scalar output the one-hot Jacobian seed is 1, so only PyTorch's zero grad_output
    # check catches it; the probe reports torch's words and the teaching note.
    inputs = [ak.tensor([1.0, 2.0], dtype=ak.float64), ak.tensor([0.5, -1.0], dtype=ak.float64)]
    facts = checks.gradcheck_facts(IgnoresGradOutput.apply, inputs)
    assert not facts["passed"]
    assert facts["error"] == "GradcheckError: backward not multiplied by grad_output"
    assert "grad_output = 0" in facts["notes"][0]
    result = checks.check_gradcheck(facts, what="SumSquares")
    assert not result.passed and "backward not multiplied by grad_output" in result.message_en
    assert checks.check_gradcheck((AkCube.apply, [ak.tensor([0.5, -1.0], dtype=ak.float64)]))\
        .passed


def test_check_order_and_less_and_equal():
    assert checks.check_order(["h2", "h1"], ["h2", "h1"]).passed
    wrong = checks.check_order(["h1", "h2"], ["h2", "h1"])
    assert not wrong.passed and "Reread chapter 5" in wrong.text("en")
    assert checks.check_less(ak.tensor(0.01), 0.05, what="loss").passed
    assert not checks.check_less(float("nan"), 0.05).passed
    assert not checks.check_less([0.1, 0.2], 0.05).passed
    assert checks.check_equal("MulBackward0", "MulBackward0").passed
    assert not checks.check_equal(True, False, what="is_leaf").passed


def test_to_plain_is_json_ready_for_both_libraries():
    import json

    x = ak.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    plain = checks.to_plain({"x": x, "t": torch.tensor([3.0]), "n": None, "k": (1, 2.5)})
    json.dumps(plain)
    assert plain["x"]["grad"] == [2.0, 4.0] and plain["x"]["dtype"] == "float32"
    assert plain["t"]["dtype"] == "float32" and plain["k"] == [1, 2.5]


def test_snapshots_of_other_objects_hold_no_memory_addresses():
    def learner_function():
        return None

    plain = checks.to_plain(learner_function)
    assert plain == {"repr": "<function test_snapshots_of_other_objects_hold_no_memory_addresses."
                             "<locals>.learner_function>", "type": "function"}
    assert "0x" not in checks.check_close(learner_function, 1.0).message_en
