"""Autograd-aware checks: pure functions that compare what a learner built with what was asked.

Every check takes the thing to check (a number, a tensor, a grad_fn graph, a list of hook
names) or its plain-data snapshot (from :func:`to_plain`, :func:`describe_graph`,
:func:`jacobians`), and returns a :class:`CheckResult` whose message teaches: what was
expected, what was found, a hint and the chapter to reread, in English and Simplified
Chinese. Checks never raise on a wrong answer and never print; display lives in
``feedback.py``. They are duck-typed, so the same check works on ``ak`` and ``torch``.

Example:
    >>> r = check_close(6.0, 12.0, what="x.grad")
    >>> r.passed
    False
    >>> print(r.message_en)
    x.grad: expected 12.0, found 6.0.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

import numpy as np

# The chapters of the course, as a learner sees them in the table of contents.
CHAPTERS = {
    1: ("requires_grad and grad_fn", "requires_grad 与 grad_fn"),
    2: ("The graph: leaves and nodes", "计算图：叶子与节点"),
    3: ("backward() and gradient=", "backward() 与 gradient= 参数"),
    4: ("retain_graph and gradient accumulation", "retain_graph 与梯度累加"),
    5: ("Leaves, retain_grad and hooks", "叶子、retain_grad 与钩子"),
    6: ("detach, no_grad and freezing", "detach、no_grad 与冻结参数"),
    7: ("Custom autograd.Function", "自定义 autograd.Function"),
    8: ("Higher-order gradients", "高阶梯度"),
    9: ("Training: nn and optim", "训练：nn 与 optim"),
    10: ("Devices", "设备"),
    11: ("Engine internals", "引擎内部机制"),
}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check. ``message_*`` say what was expected and what was found."""

    passed: bool
    what: str
    expected: str
    found: str
    message_en: str
    message_zh: str
    hint_en: str = ""
    hint_zh: str = ""
    chapter: int | None = None

    def text(self, lang: str = "en") -> str:
        """The whole teaching message in one language: finding, hint, chapter to reread."""
        zh = lang == "zh"
        parts = [self.message_zh if zh else self.message_en]
        if not self.passed:
            hint = self.hint_zh if zh else self.hint_en
            if hint:
                parts.append(("提示：" if zh else "Hint: ") + hint)
            if self.chapter in CHAPTERS:
                title = CHAPTERS[self.chapter][1 if zh else 0]
                parts.append(
                    f"请重读第 {self.chapter} 章「{title}」。"
                    if zh
                    else f"Reread chapter {self.chapter}: {title}."
                )
        return " ".join(parts)

    def to_dict(self) -> dict:
        return asdict(self)


def _result(passed, what, expected, found, en, zh, hint=None, chapter=None) -> CheckResult:
    hint_en, hint_zh = hint if hint else ("", "")
    return CheckResult(bool(passed), what, expected, found, en, zh, hint_en, hint_zh, chapter)


# ---------------------------------------------------------------- snapshots of live objects


def is_tensor_like(value) -> bool:
    """True for ak and torch tensors (anything with requires_grad, grad_fn and detach)."""
    return all(hasattr(value, a) for a in ("requires_grad", "grad_fn", "detach", "tolist"))


def node_name(node) -> str | None:
    """PyTorch's printed name of a grad_fn node, e.g. 'MulBackward0' or 'AccumulateGrad'."""
    if node is None:
        return None
    name = type(node).__name__
    if re.fullmatch(r".*Backward\d*|AccumulateGrad", name):
        return name
    if callable(getattr(node, "name", None)):
        return str(node.name()).split("::")[-1]
    return name


def dtype_name(dtype) -> str:
    """'float32' for torch.float32, ak.float32 and numpy's float32 alike."""
    return str(dtype).split(".")[-1]


def to_plain(value, _depth: int = 0):
    """A JSON-ready snapshot of a value: tensors keep data, shape, dtype and graph flags."""
    if _depth > 20:
        return {"repr": "<nested too deep>"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        return value.item() if hasattr(value, "item") else value
    if is_tensor_like(value):
        grad = getattr(value, "grad", None) if getattr(value, "is_leaf", False) else None
        return {
            "tensor": value.detach().tolist(),
            "shape": list(value.shape),
            "dtype": dtype_name(value.dtype),
            "requires_grad": bool(value.requires_grad),
            "is_leaf": bool(value.is_leaf),
            "grad_fn": node_name(value.grad_fn),
            "grad": None if grad is None else grad.detach().tolist(),
        }
    if isinstance(value, np.ndarray):
        return {"tensor": value.tolist(), "shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v, _depth + 1) for v in value[:10_000]]
    if isinstance(value, dict):
        return {str(k): to_plain(v, _depth + 1) for k, v in list(value.items())[:1000]}
    # Without memory addresses, so grading the same submission twice reads the same.
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))
    return {"repr": text[:200], "type": type(value).__name__}


def describe_graph(root, max_nodes: int = 200) -> str:
    """The graph behind a tensor (or from a node) as nested node names.

    Edges are ``next_functions`` in order; inputs that need no grad appear as ``None``.

    Example (torch or ak):
        x = ak.tensor([1.0], requires_grad=True); y = (x * 2).sum()
        describe_graph(y) == "SumBackward0(MulBackward0(AccumulateGrad, None))"
    """
    node = root.grad_fn if is_tensor_like(root) else root
    if node is None:
        return "None"
    budget = [max_nodes]

    # Iterative post-order walk so long chains hit no recursion limit.
    def render(start) -> str:
        stack = [(start, False)]
        rendered: list[str] = []
        while stack:
            current, expanded = stack.pop()
            if current is None:
                rendered.append("None")
                continue
            children = [edge[0] for edge in getattr(current, "next_functions", ()) or ()]
            if not expanded:
                budget[0] -= 1
                if budget[0] < 0:
                    rendered.append("...")
                    continue
                stack.append((current, True))
                stack.extend((child, False) for child in reversed(children))
                continue
            args = [rendered.pop() for _ in children][::-1]
            name = node_name(current)
            rendered.append(f"{name}({', '.join(args)})" if args else name)
        return rendered[0]

    return render(node)


def _values(plain):
    """A snapshot with every tensor replaced by its nested list of values."""
    if isinstance(plain, dict) and "tensor" in plain:
        return plain["tensor"]
    if isinstance(plain, list):
        return [_values(item) for item in plain]
    return plain


def _numbers(plain):
    """Numbers inside a snapshot (tensor data, list, scalar), as a float64 array, or None."""
    plain = _values(plain)
    try:
        array = np.asarray(plain, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _show(value, limit: int = 120) -> str:
    value = _values(value)
    if isinstance(value, dict) and "repr" in value:
        return value["repr"]
    if isinstance(value, float):
        text = repr(round(value, 6))
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- the checks


def check_close(found, expected, *, what="value", rtol=1e-5, atol=1e-8, hint=None, chapter=None):
    """Pass when ``found`` has ``expected``'s shape and values within ``rtol``/``atol``."""
    found, expected = to_plain(found), to_plain(expected)
    got, want = _numbers(found), _numbers(expected)
    exp_s, got_s = _show(expected), _show(found)
    if found is None:
        return _result(
            False, what, exp_s, "None",
            f"{what}: expected {exp_s}, found None.",
            f"{what}：期望 {exp_s}，实际为 None。",
            hint or ("A .grad that is None means backward never reached this tensor.",
                     ".grad 为 None 说明 backward 没有传到这个张量。"),
            chapter,
        )
    if got is None or want is None:
        return _result(
            False, what, exp_s, got_s,
            f"{what}: expected numbers like {exp_s}, found {got_s}.",
            f"{what}：期望数值 {exp_s}，实际为 {got_s}。", hint, chapter,
        )
    if got.shape != want.shape and got.size != want.size:
        return _result(
            False, what, exp_s, got_s,
            f"{what}: expected shape {list(want.shape)}, found shape {list(got.shape)}.",
            f"{what}：期望形状 {list(want.shape)}，实际形状 {list(got.shape)}。", hint, chapter,
        )
    ok = got.shape == want.shape or got.size == want.size == 1
    ok = ok and np.allclose(got.reshape(want.shape), want, rtol=rtol, atol=atol, equal_nan=False)
    if ok:
        return _result(True, what, exp_s, got_s, f"{what}: correct.", f"{what}：正确。")
    return _result(
        False, what, exp_s, got_s,
        f"{what}: expected {exp_s}, found {got_s}.",
        f"{what}：期望 {exp_s}，实际为 {got_s}。", hint, chapter,
    )


def check_equal(found, expected, *, what="value", hint=None, chapter=None):
    """Pass when ``found`` equals ``expected`` exactly (names, flags, counts, strings)."""
    found, expected = to_plain(found), to_plain(expected)
    exp_s, got_s = _show(expected), _show(found)
    if found == expected:
        return _result(True, what, exp_s, got_s, f"{what}: correct.", f"{what}：正确。")
    return _result(
        False, what, exp_s, got_s,
        f"{what}: expected {exp_s}, found {got_s}.",
        f"{what}：期望 {exp_s}，实际为 {got_s}。", hint, chapter,
    )


def leaf_facts(value) -> dict:
    """``is_leaf``, ``requires_grad`` and the grad_fn name of a tensor (or of its snapshot)."""
    if isinstance(value, dict):
        return {k: value.get(k) for k in ("is_leaf", "requires_grad", "grad_fn")}
    if not is_tensor_like(value):
        return {"is_leaf": None, "requires_grad": None, "grad_fn": None, "not_a_tensor": True}
    return {
        "is_leaf": bool(value.is_leaf),
        "requires_grad": bool(value.requires_grad),
        "grad_fn": node_name(value.grad_fn),
    }


def check_leaf(found, expected: dict, *, what="tensor", hint=None, chapter=None):
    """Pass when the tensor's ``is_leaf``/``requires_grad``/grad_fn name match ``expected``.

    ``expected`` names only the facts to check, e.g. ``{"is_leaf": False}``.
    """
    facts = leaf_facts(found)
    if facts.get("not_a_tensor"):
        return _result(
            False, what, repr(expected), _show(to_plain(found)),
            f"{what}: expected a tensor, found {_show(to_plain(found))}.",
            f"{what}：期望一个张量，实际为 {_show(to_plain(found))}。", hint, chapter,
        )
    wrong = {k: (v, facts.get(k)) for k, v in expected.items() if facts.get(k) != v}
    if not wrong:
        return _result(True, what, repr(expected), repr(facts), f"{what}: correct.",
                       f"{what}：正确。")
    en = "; ".join(f"{k} should be {v!r} but is {f!r}" for k, (v, f) in wrong.items())
    zh = "；".join(f"{k} 应为 {v!r}，实际为 {f!r}" for k, (v, f) in wrong.items())
    return _result(False, what, repr(expected), repr(facts), f"{what}: {en}.", f"{what}：{zh}。",
                   hint, chapter)


def check_graph(found, expected: str, *, what="graph", hint=None, chapter=None):
    """Pass when the grad_fn graph behind ``found`` has exactly the ``expected`` shape.

    ``expected`` uses :func:`describe_graph`'s notation, e.g.
    ``"MeanBackward0(MulBackward0(AccumulateGrad, None))"``.
    """
    got = found if isinstance(found, str) else describe_graph(found)
    want = re.sub(r"\s+", " ", expected.strip())
    if got == want:
        return _result(True, what, want, got, f"{what}: correct.", f"{what}：正确。")
    return _result(
        False, what, want, got,
        f"{what}: expected the graph {want}, found {got}.",
        f"{what}：期望计算图 {want}，实际为 {got}。",
        hint or ("Walk grad_fn.next_functions from the output; each op adds one node.",
                 "从输出的 grad_fn.next_functions 往回走；每个运算添加一个节点。"),
        chapter,
    )


def no_graph_facts(value) -> list:
    """For each tensor in ``value`` (a tensor or a sequence): requires_grad and grad_fn name."""
    items = value if isinstance(value, (list, tuple)) else [value]
    facts = []
    for item in items:
        if isinstance(item, dict) and "requires_grad" in item:
            facts.append({"requires_grad": item["requires_grad"], "grad_fn": item.get("grad_fn")})
        elif is_tensor_like(item):
            facts.append({"requires_grad": bool(item.requires_grad),
                          "grad_fn": node_name(item.grad_fn)})
        else:
            facts.append({"requires_grad": None, "grad_fn": None, "not_a_tensor": True})
    return facts


def check_no_graph(found, *, what="result", hint=None, chapter=None):
    """Pass when every tensor in ``found`` was computed without recording a graph."""
    facts = found if isinstance(found, list) and all(isinstance(f, dict) for f in found) \
        else no_graph_facts(found)
    if not facts or any(f.get("not_a_tensor") for f in facts):
        return _result(False, what, "tensors", repr(facts),
                       f"{what}: expected tensors, found {facts!r}.",
                       f"{what}：期望张量，实际为 {facts!r}。", hint, chapter)
    recorded = [f for f in facts if f["requires_grad"] or f["grad_fn"] is not None]
    if not recorded:
        return _result(True, what, "no graph", "no graph", f"{what}: no graph was recorded.",
                       f"{what}：没有记录计算图。")
    first = recorded[0]
    return _result(
        False, what, "requires_grad=False, grad_fn=None",
        f"requires_grad={first['requires_grad']}, grad_fn={first['grad_fn']}",
        f"{what}: expected no graph, but a result has requires_grad={first['requires_grad']} "
        f"and grad_fn={first['grad_fn']}.",
        f"{what}：期望不记录计算图，但有结果的 requires_grad={first['requires_grad']}，"
        f"grad_fn={first['grad_fn']}。",
        hint or ("Compute it inside `with ak.no_grad():` (or detach the inputs).",
                 "请在 `with ak.no_grad():` 中计算（或先 detach 输入）。"),
        chapter,
    )


def jacobians(fn, inputs, eps: float = 1e-6) -> dict:
    """Analytic (via backward) and numeric (central differences) Jacobians of ``fn``.

    ``inputs`` are float64 tensors (ak or torch); ``fn(*inputs)`` returns one tensor.
    Returns ``{"analytic": [...], "numeric": [...]}``, one nested list per input, each
    of shape ``(out.numel(), input.numel())``.
    """
    base = [x.detach().clone() for x in inputs]
    out0 = fn(*[b.clone() for b in base])
    n_out = int(np.asarray(out0.detach().tolist()).size)
    numeric = []
    for i, x in enumerate(base):
        cols = []
        for j in np.ndindex(*tuple(x.shape)):
            columns = []
            for step in (eps, -eps):
                moved = [b.clone() for b in base]
                moved[i][j] = float(moved[i][j].item()) + step
                columns.append(np.asarray(fn(*moved).detach().tolist(), dtype=np.float64))
            cols.append(((columns[0] - columns[1]) / (2 * eps)).reshape(-1))
        numeric.append(np.stack(cols, axis=1).tolist() if cols else [[] for _ in range(n_out)])
    analytic = [np.zeros((n_out, int(np.prod(tuple(x.shape), dtype=int)))) for x in base]
    for k in range(n_out):
        leaves = [b.clone().requires_grad_(True) for b in base]
        out = fn(*leaves)
        seed = out.detach().clone()
        seed.zero_()
        flat_index = np.unravel_index(k, tuple(out.shape)) if out.dim() else ()
        seed[flat_index] = 1.0
        out.backward(seed)
        for i, leaf in enumerate(leaves):
            if leaf.grad is not None:
                analytic[i][k] = np.asarray(leaf.grad.detach().tolist()).reshape(-1)
    return {"analytic": [a.tolist() for a in analytic], "numeric": numeric}


def check_gradcheck(found, *, what="backward", rtol=1e-3, atol=1e-5, hint=None, chapter=7):
    """Pass when backward's Jacobian matches finite differences (like autograd.gradcheck).

    ``found`` is a ``(fn, inputs)`` pair or the dict :func:`jacobians` returns.
    """
    facts = found if isinstance(found, dict) else jacobians(*found)
    for i, (ana, num) in enumerate(zip(facts["analytic"], facts["numeric"], strict=True)):
        a, n = np.asarray(ana, dtype=np.float64), np.asarray(num, dtype=np.float64)
        if a.shape != n.shape or not np.allclose(a, n, rtol=rtol, atol=atol):
            return _result(
                False, what, _show(n.tolist()), _show(a.tolist()),
                f"{what}: the gradient for input {i} from backward is {_show(a.tolist())}, "
                f"but finite differences give {_show(n.tolist())}.",
                f"{what}：输入 {i} 的 backward 梯度为 {_show(a.tolist())}，"
                f"而有限差分给出 {_show(n.tolist())}。",
                hint or ("backward must return grad_output times the local derivative, "
                         "one result per forward input.",
                         "backward 应返回 grad_output 乘以局部导数，"
                         "每个 forward 输入对应一个结果。"),
                chapter,
            )
    return _result(True, what, "Jacobians agree", "Jacobians agree",
                   f"{what}: gradcheck passed.", f"{what}：gradcheck 通过。")


def check_order(found, expected, *, what="hook order", hint=None, chapter=5):
    """Pass when hooks fired (or events happened) in exactly the ``expected`` order."""
    got = [str(x) for x in (to_plain(found) or [])] if isinstance(found, (list, tuple)) \
        else None
    want = [str(x) for x in expected]
    if got == want:
        return _result(True, what, repr(want), repr(got), f"{what}: correct.", f"{what}：正确。")
    return _result(
        False, what, repr(want), repr(got),
        f"{what}: expected {want}, found {got}.",
        f"{what}：期望顺序 {want}，实际为 {got}。",
        hint or ("Backward runs from the output towards the leaves: hooks nearer the loss "
                 "fire first.", "反向传播从输出走向叶子：离损失更近的钩子先触发。"),
        chapter,
    )


def check_finite(found, *, what="value", hint=None, chapter=None):
    """Pass when every number in ``found`` is finite (no nan, no inf)."""
    numbers = _numbers(to_plain(found))
    ok = numbers is not None and numbers.size > 0 and bool(np.all(np.isfinite(numbers)))
    shown = _show(to_plain(found))
    return _result(ok, what, "finite numbers", shown,
                   f"{what}: correct." if ok
                   else f"{what}: expected finite numbers, found {shown}.",
                   f"{what}：正确。" if ok else f"{what}：期望有限数值，实际为 {shown}。",
                   hint, chapter)


def check_less(found, bound: float, *, what="value", hint=None, chapter=None):
    """Pass when the number ``found`` is strictly below ``bound`` (e.g. a target loss)."""
    numbers = _numbers(to_plain(found))
    value = float(numbers.reshape(-1)[0]) if numbers is not None and numbers.size == 1 else None
    ok = value is not None and not math.isnan(value) and value < bound
    shown = _show(to_plain(found))
    return _result(ok, what, f"< {bound}", shown,
                   f"{what}: {shown} < {bound}." if ok
                   else f"{what}: expected a number below {bound}, found {shown}.",
                   f"{what}：{shown} < {bound}。" if ok
                   else f"{what}：期望小于 {bound} 的数，实际为 {shown}。",
                   hint, chapter)
