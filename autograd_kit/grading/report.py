"""Grading results on disk: the CSV, one feedback page per student, and the class summary.

Rows are sorted by student, assignment and question order, and hold no times or paths,
so grading the same submissions twice writes byte-identical files.
"""

from __future__ import annotations

import csv
import html
import re
import statistics
from pathlib import Path

from .. import i18n
from .feedback import _STATUS, status_label

COLUMNS = ["student", "assignment", "question", "points", "max", "status", "message",
           "message_zh"]


def rows(results) -> list[dict]:
    """One row per (student, assignment, question); the reason fills in when nothing ran."""
    out = []
    for result in sorted(results, key=lambda r: (r.student, r.assignment)):
        for question in result.scores:
            en = " | ".join(question.messages("en"))
            zh = " | ".join(question.messages("zh"))
            if result.reason:
                en = f"{result.reason}. {en}".strip()
                zh = f"{result.reason}. {zh}".strip()
            elif not en and question.status != "pass":
                en, zh = question.status, _STATUS[question.status][1]
            out.append({
                "student": result.student, "assignment": result.assignment,
                "question": question.question, "points": f"{question.points:g}",
                "max": f"{question.max_points:g}", "status": question.status,
                "message": en, "message_zh": zh,
            })
    return out


def write_csv(results, path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(results))


def safe_name(student: str) -> str:
    """A file name for a student id that may hold slashes, spaces or odd characters."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"
    return cleaned[:100]


def feedback_html(result) -> str:
    """A self-contained page, in the exercise's language, telling one student what each
    question earned, and why."""
    lang = getattr(result, "language", "en")

    def t(key: str) -> str:
        return i18n.text(key, lang)

    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(result.student)}: {html.escape(result.assignment)}</title></head>",
        "<body style='font-family:sans-serif;max-width:50em'>",
        f"<h1>{html.escape(result.assignment)}</h1>",
        f"<p>{html.escape(result.student)}: <b>{result.points:g} / {result.max_points:g}</b> "
        f"{t('grading.page.points')}</p>",
    ]
    if result.reason:
        parts.append(f"<p><b>{t('grading.page.note')}:</b> {html.escape(result.reason)}</p>")
    for question in result.scores:
        colour, mark = _STATUS[question.status][2:]
        parts.append(
            f"<h2 style='color:{colour}'>{mark} {html.escape(question.question)}: "
            f"{status_label(question.status, lang)} &mdash; "
            f"{question.points:g}/{question.max_points:g}</h2><ul>"
        )
        for text in dict.fromkeys(("✔ " if c.passed else "✘ ") + c.text(lang)
                                  for c in question.results):
            parts.append(f"<li>{html.escape(text)}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_feedback(results, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for result in sorted(results, key=lambda r: (r.student, r.assignment)):
        stem = safe_name(f"{result.student}--{result.assignment}")
        name, n = stem, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name)
        path = folder / f"{name}.html"
        path.write_text(feedback_html(result), encoding="utf-8")
        written.append(path)
    return written


def totals(results) -> dict:
    """Each student's total percentage over all their graded assignments."""
    earned, possible = {}, {}
    for r in results:
        earned[r.student] = earned.get(r.student, 0.0) + r.points
        possible[r.student] = possible.get(r.student, 0.0) + r.max_points
    return {s: (100.0 * earned[s] / possible[s] if possible[s] else 0.0) for s in earned}


def summary_text(results, bins: int = 10) -> str:
    """The score distribution: count, mean, median, range and a text histogram."""
    scores = sorted(totals(results).values())
    if not scores:
        return "no submissions graded"
    counts = [0] * bins
    for s in scores:
        counts[min(int(s // (100 / bins)), bins - 1)] += 1
    lines = [
        f"students: {len(scores)}  mean: {statistics.mean(scores):.1f}%  "
        f"median: {statistics.median(scores):.1f}%  min: {scores[0]:.1f}%  max: {scores[-1]:.1f}%"
    ]
    width = max(counts) or 1
    for i, c in enumerate(counts):
        low, high = i * 100 // bins, (i + 1) * 100 // bins
        lines.append(f"{low:>3}-{high:<3}% | {'#' * round(30 * c / width):<30} {c}")
    return "\n".join(lines)


def write_histogram(results, path: str | Path) -> None:
    """The score distribution as a PNG histogram."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = list(totals(results).values())
    figure, axes = plt.subplots(figsize=(6, 3.5))
    axes.hist(scores, bins=10, range=(0, 100), color="#4c72b0", edgecolor="white")
    axes.set_xlabel("score (%)")
    axes.set_ylabel("students")
    axes.set_title(f"{len(scores)} students")
    figure.tight_layout()
    figure.savefig(path, metadata={"Software": None})
    plt.close(figure)
