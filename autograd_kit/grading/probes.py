"""Probes: what a question's tests look at, split into observing and judging.

A :class:`Probe` names an expression to evaluate in the learner's namespace and the check
that judges it. :func:`observe` runs in the learner's kernel and turns the expression's
value into plain data (numbers, names, flags); :func:`judge` is pure and runs anywhere,
so the grader can judge the snapshot in its own process, out of reach of the learner's
code. Hidden probes usually expect :data:`REFERENCE`: whatever the reference solution
observed for the same expression.

Example:
    >>> p = expect.close("x * 2", 6.0)
    >>> judge(p, observe(p, {"x": 3.0})).passed
    True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from ..i18n import get_language
from . import checks, introspect

REFERENCE = "<the reference solution's value>"

_KINDS = {"close", "equal", "leaf", "graph", "no_graph", "gradcheck", "order", "less", "finite"}


@dataclass(frozen=True)
class Probe:
    """One test of a question: evaluate ``expr`` in the learner's namespace, then check it."""

    kind: str
    expr: str
    expected: object = REFERENCE
    weight: float = 1.0
    what: str | tuple = ""  # a name, or an (English, Chinese) pair of names
    rtol: float = 1e-5
    atol: float = 1e-8
    hint: tuple = field(default=())
    chapter: int | None = None
    key: bool = False  # a failed key probe scores the whole question 0
    secret: bool = False  # a wrong answer's feedback never shows the expected value

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"unknown probe kind {self.kind!r}; expected one of {sorted(_KINDS)}")
        compile(self.expr, "<probe>", "eval")  # a typo in a test fails when it is written
        if self.weight <= 0:
            raise ValueError("a probe's weight must be positive")

    @property
    def label(self) -> str:
        """The probe's name in the current language: ``what`` (a string or an (en, zh) pair)."""
        return self.labels[1 if get_language() == "zh" else 0]

    @property
    def labels(self) -> tuple[str, str]:
        """(English, Chinese) names of what the probe looks at; the expression if unnamed."""
        if isinstance(self.what, (tuple, list)):
            return str(self.what[0]), str(self.what[1])
        return (self.what or self.expr,) * 2

    def to_dict(self) -> dict:
        data = asdict(self)
        data["hint"] = list(self.hint)
        if isinstance(self.what, tuple):
            data["what"] = list(self.what)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Probe:
        data = dict(data)
        data["hint"] = tuple(data.get("hint") or ())
        if isinstance(data.get("what"), list):
            data["what"] = tuple(data["what"])
        return cls(**data)


class expect:  # noqa: N801 - read as a verb in test cells: expect.close("x.grad", [2.0])
    """Probe constructors used in test cells. Omit ``expected`` to compare with the reference."""

    @staticmethod
    def close(expr, expected=REFERENCE, **kw) -> Probe:
        """Numbers (or a tensor's values) equal to ``expected`` within rtol/atol."""
        return Probe("close", expr, expected, **kw)

    @staticmethod
    def equal(expr, expected=REFERENCE, **kw) -> Probe:
        """Exactly ``expected``: a name, a flag, a list of names."""
        return Probe("equal", expr, expected, **kw)

    @staticmethod
    def leaf(expr, *, is_leaf=None, requires_grad=None, grad_fn=..., **kw) -> Probe:
        """A tensor with the given ``is_leaf``, ``requires_grad`` and grad_fn name."""
        wanted = {"is_leaf": is_leaf, "requires_grad": requires_grad}
        wanted = {k: v for k, v in wanted.items() if v is not None}
        if grad_fn is not ...:
            wanted["grad_fn"] = grad_fn
        return Probe("leaf", expr, wanted, **kw)

    @staticmethod
    def graph(expr, expected=REFERENCE, **kw) -> Probe:
        """The grad_fn graph behind a tensor, e.g. "SumBackward0(AccumulateGrad)"."""
        return Probe("graph", expr, expected, **kw)

    @staticmethod
    def no_graph(expr, **kw) -> Probe:
        """A tensor (or tuple of tensors) computed without recording a graph."""
        return Probe("no_graph", expr, None, **kw)

    @staticmethod
    def gradcheck(expr, **kw) -> Probe:
        """``expr`` gives ``(fn, inputs)``; backward must agree with finite differences."""
        return Probe("gradcheck", expr, None, **kw)

    @staticmethod
    def order(expr, expected=REFERENCE, **kw) -> Probe:
        """A list of hook (or event) names in exactly this order."""
        return Probe("order", expr, expected, **kw)

    @staticmethod
    def less(expr, bound, **kw) -> Probe:
        """A number strictly below ``bound``, e.g. a final training loss."""
        return Probe("less", expr, bound, **kw)

    @staticmethod
    def finite(expr, **kw) -> Probe:
        """Only finite numbers (no nan or inf)."""
        return Probe("finite", expr, None, **kw)


# ------------------------------------------------------------------ observing (in the kernel)


def observe(probe: Probe, namespace: dict) -> dict:
    """Evaluate ``probe.expr`` in ``namespace`` and return a JSON-ready snapshot.

    ``{"ok": True, "value": ...}`` or ``{"ok": False, "error": "...", "not_attempted": bool}``.
    A NotImplementedError (a stub still in place) or a NameError (the stub cell raised
    before defining the answer) counts as not attempted.
    """
    # The probe helpers ride along under one name that the probes' expressions use.
    scope = dict(namespace)
    scope["_probe"] = introspect
    try:
        value = eval(probe.expr, scope)  # noqa: S307 - the learner's own namespace
        if probe.kind == "leaf":
            snapshot = checks.leaf_facts(value)
        elif probe.kind == "graph":
            snapshot = checks.describe_graph(value)
        elif probe.kind == "no_graph":
            snapshot = checks.no_graph_facts(value)
        elif probe.kind == "gradcheck":
            fn, inputs = value
            snapshot = checks.gradcheck_facts(fn, inputs)
        else:
            snapshot = checks.to_plain(value)
    except BaseException as error:  # noqa: BLE001 - a learner's bug must not stop the others
        if isinstance(error, KeyboardInterrupt):
            raise
        return {
            "ok": False,
            "error": f"{type(error).__name__}: {str(error)[:300]}",
            "not_attempted": isinstance(error, (NotImplementedError, NameError)),
        }
    return {"ok": True, "value": snapshot}


# ------------------------------------------------------------------ judging (anywhere)


_LABEL = "\x00what\x00"  # stands for the probe's name until the message has a language


def judge(probe: Probe, observation: dict | None, reference: dict | None = None):
    """A CheckResult for one probe from its observation (and the reference's, if needed)."""
    result = _judge(probe, observation, reference)
    if probe.secret and not result.passed and observation and observation.get("ok"):
        result = checks.conceal(result, observation["value"],
                                _expected(probe, reference, required=False))
    en, zh = probe.labels
    return replace(result, what=en, message_en=result.message_en.replace(_LABEL, en),
                   message_zh=result.message_zh.replace(_LABEL, zh))


def _expected(probe: Probe, reference: dict | None, required: bool = True):
    expected = probe.expected
    if isinstance(expected, str) and expected == REFERENCE:
        if not reference or not reference.get("ok"):
            if not required:
                return None
            raise RuntimeError(
                f"the reference solution has no value for probe {probe.expr!r}: "
                f"{(reference or {}).get('error', 'missing')}"
            )
        expected = reference["value"]
    return expected


def _judge(probe: Probe, observation: dict | None, reference: dict | None):
    what, hint, chapter = _LABEL, tuple(probe.hint) or None, probe.chapter
    if not observation or not observation.get("ok"):
        error = (observation or {}).get("error", "no result: the notebook stopped before this")
        if (observation or {}).get("not_attempted"):
            return checks.CheckResult(
                False, what, "an answer", "not attempted",
                f"{what}: not attempted yet.", f"{what}：尚未作答。", chapter=chapter,
            )
        return checks.CheckResult(
            False, what, "no error", error,
            f"{what}: your code raised {error}.",
            f"{what}：你的代码出错：{error}。",
            *(hint or ("Run your answer cell on its own and read the traceback.",
                       "单独运行你的答案单元格并阅读报错信息。")),
            chapter,
        )
    found = observation["value"]
    expected = _expected(probe, reference)
    options = {"what": what, "hint": hint, "chapter": chapter}
    if probe.kind == "close":
        return checks.check_close(found, expected, rtol=probe.rtol, atol=probe.atol, **options)
    if probe.kind == "equal":
        return checks.check_equal(found, expected, **options)
    if probe.kind == "leaf":
        return checks.check_leaf(found, expected, **options)
    if probe.kind == "graph":
        return checks.check_graph(found, expected, **options)
    if probe.kind == "no_graph":
        return checks.check_no_graph(found, **options)
    if probe.kind == "gradcheck":
        return checks.check_gradcheck(found, what=what, hint=hint, chapter=chapter or 7)
    if probe.kind == "order":
        return checks.check_order(found, expected, what=what, hint=hint, chapter=chapter or 5)
    if probe.kind == "less":
        return checks.check_less(found, expected, **options)
    return checks.check_finite(found, **options)


@dataclass(frozen=True)
class QuestionScore:
    """A question's outcome: status is "pass", "partial", "fail" or "not attempted"."""

    question: str
    points: float
    max_points: float
    status: str
    results: tuple

    def messages(self, lang: str = "en") -> list[str]:
        """The teaching message of every failed probe, each once, in ``lang``."""
        return list(dict.fromkeys(r.text(lang) for r in self.results if not r.passed))


def score(question: str, points: float, probes, observations, references=None) -> QuestionScore:
    """Partial credit: ``points`` times the weight of passing probes over the total weight."""
    references = references or [None] * len(probes)
    results = tuple(
        judge(p, o, r) for p, o, r in zip(probes, observations, references, strict=True)
    )
    total = sum(p.weight for p in probes) or 1.0
    earned = sum(p.weight for p, r in zip(probes, results, strict=True) if r.passed)
    if any(p.key and not r.passed for p, r in zip(probes, results, strict=True)):
        earned = 0.0  # a key probe tests the concept itself: without it nothing counts
    not_attempted = observations and all(
        o and not o.get("ok") and o.get("not_attempted") for o in observations
    )
    if not_attempted:
        status, earned = "not attempted", 0.0
    elif earned == total:
        status = "pass"
    elif earned > 0:
        status = "partial"
    else:
        status = "fail"
    return QuestionScore(question, round(points * earned / total, 2), float(points), status,
                         results)
