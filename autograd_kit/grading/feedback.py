"""What a learner sees: ``check("q3")`` panels and the ``summary()`` of a notebook.

The test cell of each question calls ``check(question, probes, points=...)``: the probes
are registered for this session, run against the notebook's variables, and the result is
returned as a panel that Jupyter shows (HTML) and a terminal prints (text). Later,
``check("q3")`` re-runs the registered public tests and ``summary()`` shows every checked
question. The judging itself is the pure code in ``probes.py`` and ``checks.py``.

Example:
    >>> x = 3.0
    >>> check("q0", [expect.close("x * 2", 6.0)], points=1, namespace={"x": x})
    q0  PASS  1.0/1 points
      ✔ x * 2: correct.
"""

from __future__ import annotations

import html
import sys
from dataclasses import replace

from .. import i18n
from ..i18n import get_language
from . import messages  # noqa: F401 - registers the grading texts
from .probes import Probe, QuestionScore, expect, observe, score

__all__ = ["check", "hidden", "summary", "not_attempted", "expect", "QuestionPanel",
           "SummaryPanel"]

# Questions registered in this session: id -> {"points", "public", "hidden", "last"}.
_REGISTRY: dict[str, dict] = {}

_STATUS = {
    "pass": ("PASS", "通过", "#1a7f37", "✔"),
    "partial": ("PARTIAL", "部分正确", "#9a6700", "◐"),
    "fail": ("FAIL", "未通过", "#cf222e", "✘"),
    "not attempted": ("NOT ATTEMPTED", "尚未作答", "#57606a", "…"),
}


def status_label(status: str, lang: str | None = None) -> str:
    """"PASS", "通过", ...: a question's status in ``lang`` (default: the current language)."""
    return i18n.text(f"grading.status.{status}", lang)


# Answer cells whose stub was still in place when last run: cell key -> questions.
_STUBBED: dict[str, set] = {}
_PENDING: set = set()  # stubs met in the cell that is running now


def not_attempted(question: str) -> None:
    """The stub of an unanswered top-level answer: says so, and lets Run All go on.

    Generated exercises put ``not_attempted("q3")`` where the answer goes; the check cell
    then shows "not attempted" instead of the notebook stopping at an exception.
    """
    _PENDING.add(question)
    print(i18n.text("grading.stub_note", question=question))


def _after_cell(result) -> None:
    """IPython post_run_cell hook: remember which answer cells are still stubs."""
    info = getattr(result, "info", None)
    key = getattr(info, "cell_id", None) or getattr(info, "raw_cell", None) or ""
    error = getattr(result, "error_in_exec", None)
    stubs = set(_PENDING)
    _PENDING.clear()
    if isinstance(error, NotImplementedError) and error.args and isinstance(error.args[0], str):
        stubs.add(error.args[0])
    if stubs:
        _STUBBED[key] = stubs
    else:
        _STUBBED.pop(key, None)


def _watch_stubs() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and _after_cell not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _after_cell)


def still_a_stub(question: str) -> bool:
    """True when the answer cell of ``question`` still held its stub when last run."""
    return question in _PENDING or any(question in s for s in _STUBBED.values())


def _caller_namespace() -> dict:
    # The test cell's globals are the notebook's namespace (IPython's user_ns).
    return sys._getframe(2).f_globals


def check(question: str, probes=None, *, points=None, namespace=None) -> QuestionPanel:
    """Run ``question``'s public tests against the notebook's variables and show the result.

    The first call (in the question's test cell) passes the probes and points; later calls
    may pass only the id. A stub that still raises NotImplementedError shows as
    "not attempted", never as a crash.
    """
    entry = _REGISTRY.setdefault(question, {"points": 1, "public": [], "hidden": [],
                                            "last": None})
    if probes is not None:
        entry["public"] = [p if isinstance(p, Probe) else Probe(**p) for p in probes]
    if points is not None:
        entry["points"] = points
    if not entry["public"]:
        raise KeyError(
            f"no tests are registered for {question!r}: run its test cell first "
            f"(没有为 {question!r} 注册测试：请先运行它的测试单元格)"
        )
    ns = namespace if namespace is not None else _caller_namespace()
    observations = [observe(p, ns) for p in entry["public"]]
    result = score(question, entry["points"], entry["public"], observations)
    if result.points == 0 and still_a_stub(question):
        result = replace(result, status="not attempted")
    entry["last"] = result
    return QuestionPanel(result)


def hidden(question: str, probes) -> None:
    """Register ``question``'s hidden tests. They only run when an instructor grades."""
    entry = _REGISTRY.setdefault(question, {"points": 1, "public": [], "hidden": [],
                                            "last": None})
    entry["hidden"] = list(probes)


def summary() -> SummaryPanel:
    """Every question whose test cell ran, with status and points, and the total."""
    return SummaryPanel([e["last"] for e in _REGISTRY.values() if e["last"] is not None])


class QuestionPanel:
    """A question's result as a panel, in the kit's language: status, points, and one
    teaching message per test."""

    def __init__(self, result: QuestionScore, lang: str | None = None):
        self.result = result
        self.lang = lang or get_language()

    @property
    def passed(self) -> bool:
        return self.result.status == "pass"

    def _lines(self) -> list[str]:
        r = self.result
        if r.status == "not attempted":
            return [i18n.text("grading.not_attempted_help", self.lang)]
        return [("✔ " if c.passed else "✘ ") + c.text(self.lang) for c in r.results]

    def _head(self) -> str:
        r = self.result
        points = i18n.text("grading.points", self.lang, points=r.points,
                           max_points=f"{r.max_points:g}")
        return f"{r.question}  {status_label(r.status, self.lang)}  {points}"

    def __repr__(self) -> str:
        return "\n".join([self._head(), *(f"  {line}" for line in self._lines())])

    def _repr_html_(self) -> str:
        colour, mark = _STATUS[self.result.status][2:]
        rows = "".join(f"<li>{html.escape(line)}</li>" for line in self._lines())
        return (
            f"<div lang='{self.lang}' style='border-left:4px solid {colour};padding:4px 10px;"
            f"margin:4px 0'><b style='color:{colour}'>{mark} {html.escape(self._head())}</b>"
            f"<ul style='margin:4px 0'>{rows}</ul></div>"
        )


class SummaryPanel:
    """The whole notebook's progress: one row per question and the total."""

    def __init__(self, results, lang: str | None = None):
        self.results = list(results)
        self.lang = lang or get_language()

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.results), 2)

    @property
    def max_points(self) -> float:
        return sum(r.max_points for r in self.results)

    def _t(self, key: str) -> str:
        return i18n.text(f"grading.summary.{key}", self.lang)

    def __repr__(self) -> str:
        lines = [f"{self._t('question'):<10}{self._t('status'):<15}{self._t('points')}"]
        for r in self.results:
            lines.append(f"{r.question:<10}{status_label(r.status, self.lang):<15}"
                         f"{r.points}/{r.max_points:g}")
        lines.append(f"{self._t('total'):<25}{self.points}/{self.max_points:g}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(r.question)}</td>"
            f"<td style='color:{_STATUS[r.status][2]}'>{status_label(r.status, self.lang)}"
            f"</td><td>{r.points}/{r.max_points:g}</td></tr>"
            for r in self.results
        )
        return (f"<table lang='{self.lang}'><tr><th>{self._t('question')}</th>"
                f"<th>{self._t('status')}</th><th>{self._t('points')}</th></tr>{rows}"
                f"<tr><td><b>{self._t('total')}</b></td><td></td>"
                f"<td><b>{self.points}/{self.max_points:g}</b></td></tr></table>")


_watch_stubs()

expect = expect  # re-exported for test cells: ``from autograd_kit.grading import expect``
