"""Autograd-aware checks: pure functions that compare what a learner built with what was asked.

Every check takes the thing to check (a number, a tensor, a grad_fn graph, a list of hook
names) or its plain-data snapshot (from :func:`to_plain`, :func:`describe_graph`,
:func:`gradcheck_facts`), and returns a :class:`CheckResult` whose message teaches: what was
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

from .. import i18n
from . import messages  # noqa: F401 - registers the grading texts

# The chapters of the course, exactly as their "# " headings in course/src/*.md read.
CHAPTERS = {
    1: ("Tensors that remember: `requires_grad` and `grad_fn`",
        "会“记账”的张量：`requires_grad` 与 `grad_fn`"),
    2: ("The computational graph: leaves, nodes and `next_functions`",
        "计算图：叶子、节点与 `next_functions`"),
    3: ("`backward()` and the `gradient` argument", "`backward()` 与 `gradient` 参数"),
    4: ("`retain_graph` and gradient accumulation", "`retain_graph` 与梯度累加"),
    5: ("Leaf nodes, `retain_grad` and hooks", "叶子节点、`retain_grad` 与钩子"),
    6: ("Stopping gradients: `detach`, `no_grad` and freezing",
        "阻断梯度：`detach`、`no_grad` 与冻结参数"),
    7: ("Custom `autograd.Function`", "自定义 `autograd.Function`"),
    8: ("Higher-order gradients: `create_graph` and `autograd.grad`",
        "高阶梯度：`create_graph` 与 `autograd.grad`"),
    9: ("Training a network: `nn.Module`, loss, optimizer",
        "训练网络：`nn.Module`、损失函数与优化器"),
    10: ("Devices: running on a GPU", "设备：在 GPU 上运行"),
    11: ("Inside the engine: there is no magic", "深入引擎：这里没有魔法"),
    12: ("Build a tiny autograd engine", "动手实现一个迷你自动微分引擎"),
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
                parts.append(i18n.text("grading.hint", lang, hint=hint))
            if self.chapter in CHAPTERS:
                title = CHAPTERS[self.chapter][1 if zh else 0]
                parts.append(i18n.text("grading.reread", lang, number=self.chapter, title=title))
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


def gradcheck_facts(fn, inputs) -> dict:
    """Run ``ak.autograd.gradcheck(fn, inputs)`` (PyTorch's checks: Jacobians against finite
    differences, a zero grad_output, reentrancy, the gradients' dtype and shape) and keep
    the verdict with the error message and its teaching notes."""
    import sys

    # Duck-typed like every check: the gradcheck of the library the inputs belong to.
    library = sys.modules[type(inputs[0]).__module__.split(".")[0]]
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    try:
        library.autograd.gradcheck(fn, tuple(leaves))
    except NotImplementedError:
        raise  # a stub still in place: "not attempted", not a failed gradcheck
    except RuntimeError as error:
        notes = [n for n in getattr(error, "__notes__", ()) if isinstance(n, str)]
        return {"passed": False, "error": f"{type(error).__name__}: {error}"[:600],
                "notes": notes}
    return {"passed": True, "error": "", "notes": []}


def check_gradcheck(found, *, what="backward", hint=None, chapter=7):
    """Pass when ``ak.autograd.gradcheck`` passes on the ``(fn, inputs)`` pair.

    ``found`` is a ``(fn, inputs)`` pair or the dict :func:`gradcheck_facts` returns.
    """
    facts = found if isinstance(found, dict) else gradcheck_facts(*found)
    if facts.get("passed"):
        return _result(True, what, "gradcheck passes", "gradcheck passes",
                       i18n.text("grading.gradcheck_passed", "en", what=what),
                       i18n.text("grading.gradcheck_passed", "zh", what=what))
    error = facts.get("error", "")
    return _result(
        False, what, "gradcheck passes", error,
        i18n.text("grading.gradcheck_failed", "en", what=what, error=error),
        i18n.text("grading.gradcheck_failed", "zh", what=what, error=error),
        hint or (i18n.text("grading.gradcheck_hint", "en"),
                 i18n.text("grading.gradcheck_hint", "zh")),
        chapter,
    )


def conceal(result: CheckResult, found, expected) -> CheckResult:
    """The same verdict, with a message that names what is wrong but never the answer.

    For predict-then-run questions: a list says which positions are wrong, nothing more.
    """
    found_v, expected_v = _values(to_plain(found)), _values(to_plain(expected))
    where, entries = "", ""
    if isinstance(found_v, list) and isinstance(expected_v, list) and \
            len(found_v) == len(expected_v):
        wrong = [str(i) for i, (f, e) in enumerate(zip(found_v, expected_v, strict=True))
                 if f != e]
        if wrong:
            where = "{entries}"
            entries = ", ".join(wrong)
    en = i18n.text("grading.wrong_secret", "en", what=result.what,
                   where=i18n.text("grading.wrong_entries", "en", entries=entries)
                   if where else "")
    zh = i18n.text("grading.wrong_secret", "zh", what=result.what,
                   where=i18n.text("grading.wrong_entries", "zh", entries=entries)
                   if where else "")
    return CheckResult(False, result.what, "(hidden)", _show(found), en, zh,
                       result.hint_en, result.hint_zh, result.chapter)


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
