"""Grade submissions against a solution notebook, safely and reproducibly.

The solution notebook is the trusted template: its test cells (nbgrader ``grade: true``)
give each question's id, points, public and hidden probes. A submission contributes only
its own non-test code cells; whatever it did to test cells, ids or points is ignored. Each
submission runs in a temporary folder, in its own runner process and sandboxed kernel;
the probes are injected only after the learner's cells have finished, and the snapshots
they publish are judged here, in the grader's process, against the template's expected
values or the reference solution's own snapshots.

What this does not do: the kernel runs as the grading user, so a determined submission can
still read files that user can read. Grade under a separate account or in a container when
the solutions must stay secret from code you run.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat

import autograd_kit

from .generate import is_test_cell
from .probes import REFERENCE, QuestionScore, expect, score

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class TemplateError(ValueError):
    """A solution notebook whose test cells do not declare questions consistently."""


@dataclass(frozen=True)
class Question:
    id: str
    points: float
    public: tuple
    hidden: tuple

    @property
    def probes(self) -> tuple:
        return self.public + self.hidden


@dataclass
class Assignment:
    """One chapter's questions, read from its solution notebook."""

    name: str
    questions: list
    solution_source: str  # the solution notebook's JSON text, for the reference run
    references: dict = field(default_factory=dict)  # question id -> list of observations

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)


def load_assignment(path: str | Path) -> Assignment:
    """Read the questions of a solution notebook; raise TemplateError if they are inconsistent."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    questions, seen = [], set()
    for index, cell in enumerate(nb.cells):
        if not is_test_cell(cell):
            continue
        meta = cell.metadata["nbgrader"]
        qid, points = meta.get("grade_id"), meta.get("points")
        declared = {}

        def _check(question, probes=None, *, points=None, namespace=None, _d=declared):
            _d.setdefault(question, {})["public"] = tuple(probes or ())
            _d[question]["points"] = points

        def _hidden(question, probes, _d=declared):
            _d.setdefault(question, {})["hidden"] = tuple(probes)

        scope = {"check": _check, "hidden": _hidden, "expect": expect, "REFERENCE": REFERENCE,
                 "summary": lambda: None}
        try:
            exec(compile(cell.source, f"{path}:cell {index}", "exec"), scope)  # noqa: S102
        except Exception as error:
            raise TemplateError(f"{path}: test cell {index} cannot be read: {error}") from error
        where = f"{path}: test cell {index}"
        if set(declared) != {qid}:
            raise TemplateError(f"{where}: metadata grade_id {qid!r} but tests for "
                                f"{sorted(declared)}")
        entry = declared[qid]
        if entry.get("points") != points:
            raise TemplateError(f"{where}: metadata points {points} but check(points="
                                f"{entry.get('points')})")
        if qid in seen:
            raise TemplateError(f"{where}: question id {qid!r} used twice")
        seen.add(qid)
        public = entry.get("public", ())
        if not public:
            raise TemplateError(f"{where}: question {qid!r} has no public tests")
        for probe in public:
            if isinstance(probe.expected, str) and probe.expected == REFERENCE:
                raise TemplateError(f"{where}: public probe {probe.expr!r} needs an expected "
                                    "value (learners have no reference solution)")
        questions.append(Question(qid, float(points), public, entry.get("hidden", ())))
    if not questions:
        raise TemplateError(f"{path}: no test cells (metadata nbgrader.grade = true)")
    return Assignment(path.stem, questions, text)


@dataclass
class GradeConfig:
    cell_timeout: float = 30.0
    notebook_timeout: float = 120.0
    memory_mb: int = 2048
    output_limit: int = 100_000
    max_file_bytes: int = 20 * 2**20


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    scores: list  # QuestionScore per question, in template order
    reason: str = ""  # why the notebook could not run normally, if it could not
    language: str = "en"  # the exercise's language: its feedback page speaks it

    @property
    def points(self) -> float:
        return round(sum(s.points for s in self.scores), 2)

    @property
    def max_points(self) -> float:
        return sum(s.max_points for s in self.scores)


def _injected_cell(nonce: str, question: Question) -> nbformat.NotebookNode:
    # Only what observing needs: expected values never enter the learner's kernel, where a
    # learner's function called by a probe could read them off the stack.
    probes = repr([{"kind": p.kind, "expr": p.expr} for p in question.probes])
    # Fresh copies of the grading modules: whatever the learner patched in the old ones is
    # left behind. The snapshots are judged outside this kernel anyway.
    source = (
        "import sys as _ak_sys\n"
        "for _ak_name in [n for n in _ak_sys.modules if n.startswith('autograd_kit.grading')]:\n"
        "    del _ak_sys.modules[_ak_name]\n"
        "from autograd_kit.grading._kernel import emit as _ak_emit\n"
        f"_ak_emit({nonce!r}, {question.id!r}, {probes})"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["autograd_kit"] = {"injected": True}
    return cell


def build_run_notebook(submission, assignment: Assignment, nonce: str):
    """The notebook a submission is run as: its own code cells, then the injected probes."""
    run = nbformat.v4.new_notebook()
    for index, cell in enumerate(submission.cells):
        if cell.get("cell_type") != "code" or is_test_cell(cell):
            continue
        source = cell.get("source", "")
        code = nbformat.v4.new_code_cell(source if isinstance(source, str) else "".join(source))
        code.metadata["source_index"] = index  # so reasons name the learner's own cell number
        run.cells.append(code)
    for question in assignment.questions:
        run.cells.append(_injected_cell(nonce, question))
    return run


def _private_package(folder: Path) -> Path:
    """A copy of autograd_kit for one submission's kernel; returns the folder to import from.

    The kernel never sees the instructor's checkout (where solutions/ lives beside the
    package), and a submission that rewrites the package's files spoils only its own copy.
    """
    site = folder / "site"
    shutil.copytree(Path(autograd_kit.__file__).parent, site / "autograd_kit")
    return site


def _kernel_env(workdir: Path, site: Path) -> dict:
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update({
        "HOME": str(workdir),
        # IPython's profile folder goes beside the working folder, not into it.
        "IPYTHONDIR": str(workdir.parent / "ipython"),
        "PYTHONPATH": str(site),
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
    })
    return env


def _failed(student, assignment, reason, status="fail") -> SubmissionResult:
    scores = [QuestionScore(q.id, 0.0, q.points, status, ()) for q in assignment.questions]
    return SubmissionResult(student, assignment.name, scores, reason)


def parse_submission(data: bytes, config: GradeConfig):
    """The submission as a v4 notebook, or a reason why it cannot be one."""
    if len(data) > config.max_file_bytes:
        return None, f"file is larger than {config.max_file_bytes // 2**20} MiB"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not a text file (binary data named .ipynb)"
    try:
        raw = json.loads(text)
    except ValueError as error:
        return None, f"not valid JSON ({str(error)[:80]})"
    if not isinstance(raw, dict) or ("cells" not in raw and "worksheets" not in raw):
        return None, "valid JSON but not a notebook (no cells)"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds
        return None, f"not a readable notebook ({type(error).__name__}: {str(error)[:80]})"
    if not isinstance(nb.get("cells"), list):
        return None, "not a readable notebook (cells is not a list)"
    return nb, ""


def kernel_never_started(message: str) -> bool:
    """True when the runner failed before the kernel answered at all. Now and then a kernel
    dies at startup for reasons of the machine, not of the submission (two kernels starting
    at once can pick the same free port); such a run is worth one more try."""
    return "before replying to kernel_info" in message or "didn't respond in" in message


def execute(run_nb, config: GradeConfig, nonce: str) -> dict:
    """Run a prepared notebook in its own runner process and temporary folder."""
    with tempfile.TemporaryDirectory(prefix="ak-grade-") as folder:
        folder = Path(folder)
        workdir = folder / "work"
        workdir.mkdir()
        notebook_path = folder / "run.ipynb"
        nbformat.write(run_nb, notebook_path)
        job = {
            "notebook": str(notebook_path), "result": str(folder / "result.json"),
            "workdir": str(workdir), "nonce": nonce,
            "env": _kernel_env(workdir, _private_package(folder)),
            "cell_timeout": config.cell_timeout, "notebook_timeout": config.notebook_timeout,
            "memory_mb": config.memory_mb, "output_limit": config.output_limit,
        }
        job_path = folder / "job.json"
        job_path.write_text(json.dumps(job))
        n_injected = sum(1 for c in run_nb.cells if c.metadata.get("autograd_kit"))
        hard_limit = config.notebook_timeout + (n_injected + 2) * config.cell_timeout + 30
        env = dict(os.environ, PYTHONPATH=str(PACKAGE_ROOT))
        result_path = folder / "result.json"
        for attempt in range(2):
            process = subprocess.Popen(
                [sys.executable, "-m", "autograd_kit.grading.runner", str(job_path)],
                cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, start_new_session=True,
            )
            try:
                _, stderr = process.communicate(timeout=hard_limit)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                return {"cells": [], "died": "grading ran past its hard time limit",
                        "observations": {}}
            if process.returncode == 0 and result_path.exists():
                break
            tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            if attempt == 0 and kernel_never_started(tail[0]):
                continue  # no cell ran, so nothing of the submission's is lost: once more
            return {"cells": [], "died": f"the runner failed ({tail[0][:200]})",
                    "observations": {}}
        result = json.loads(result_path.read_text())
        text = json.dumps(result).replace(str(workdir), ".").replace(str(folder), ".")
        return json.loads(text)


_STUB_LINE = re.compile(r"^not_attempted\(\s*['\"](\w+)['\"]\s*\)\s*$", re.MULTILINE)


def stubbed_answers(nb) -> set:
    """Questions whose answer cell still holds a top-level ``not_attempted("q3")`` stub.

    Such a question can only read "not attempted" instead of "fail": a stub never earns a
    point, so a learner gains nothing by leaving the line in place.
    """
    found = set()
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and not is_test_cell(cell):
            source = cell.get("source", "")
            found.update(_STUB_LINE.findall(source if isinstance(source, str) else "".join(source)))
    return found


def grade_notebook(nb, student: str, assignment: Assignment, config: GradeConfig,
                   reference_run: bool = False) -> SubmissionResult:
    """Score an already-parsed notebook; ``reference_run`` fills ``assignment.references``."""
    nonce = secrets.token_hex(16)
    run_nb = build_run_notebook(nb, assignment, nonce)
    result = execute(run_nb, config, nonce)
    observations = result["observations"]
    reasons = []
    if result["died"]:
        reasons.append(result["died"])
    learner_cells = len(run_nb.cells) - len(assignment.questions)
    troubles = [c for c in result["cells"][:learner_cells] if c["status"] in ("timeout",
                                                                              "skipped")]
    if troubles:
        reasons.append(f"{len(troubles)} cell(s) timed out or were skipped")
    errors = [c for c in result["cells"][:learner_cells] if c["status"] == "error"]
    if errors:
        reasons.append(f"{len(errors)} cell(s) raised an error (first: cell {errors[0]['index']}: "
                       f"{errors[0]['error'][:100]})")
    if reference_run:
        assignment.references = {q.id: observations.get(q.id) for q in assignment.questions}
    # Answer cells whose generated stub still raised NotImplementedError("q3").
    stubbed = {c["error"].split(": ", 1)[1].strip("'\"") for c in errors
               if c["error"].startswith("NotImplementedError: ")}
    stubbed |= stubbed_answers(nb)
    scores = []
    for question in assignment.questions:
        found = observations.get(question.id)
        if found is None or len(found) != len(question.probes):
            missing = result["died"] or "the notebook stopped before the tests ran"
            found = [{"ok": False, "error": missing}] * len(question.probes)
        references = assignment.references.get(question.id) or [None] * len(question.probes)
        result_q = score(question.id, question.points, question.probes, found, references)
        if result_q.points == 0 and question.id in stubbed:
            result_q = replace(result_q, status="not attempted")
        scores.append(result_q)
    meta = nb.get("metadata", {}).get("autograd_kit", {})
    language = meta.get("language") if isinstance(meta, dict) else None
    return SubmissionResult(student, assignment.name, scores, "; ".join(reasons),
                            language if language in ("en", "zh") else "en")


def prepare_references(assignment: Assignment, config: GradeConfig) -> SubmissionResult:
    """Run the solution once; its snapshots are what hidden REFERENCE probes expect."""
    nb = nbformat.reads(assignment.solution_source, as_version=4)
    result = grade_notebook(nb, "<solution>", assignment, config, reference_run=True)
    for question in assignment.questions:
        refs = assignment.references.get(question.id) or [None] * len(question.probes)
        for probe, ref in zip(question.probes, refs, strict=True):
            needs = isinstance(probe.expected, str) and probe.expected == REFERENCE
            if needs and not (ref and ref.get("ok")):
                raise TemplateError(f"{assignment.name}: the solution gives no value for "
                                    f"{question.id} probe {probe.expr!r}: "
                                    f"{(ref or {}).get('error', result.reason)}")
    return result


def grade_submission(data: bytes, student: str, assignment: Assignment,
                     config: GradeConfig | None = None) -> SubmissionResult:
    """Grade one submission given as raw bytes; never raises on a broken submission."""
    config = config or GradeConfig()
    nb, reason = parse_submission(data, config)
    if nb is None:
        return _failed(student, assignment, reason)
    if not any(c.get("cell_type") == "code" and str(c.get("source", "")).strip()
               for c in nb.cells):
        return _failed(student, assignment, "the notebook has no code", "not attempted")
    try:
        return grade_notebook(nb, student, assignment, config)
    except Exception as error:  # noqa: BLE001 - one broken submission must not stop a class
        return _failed(student, assignment, f"could not be graded ({type(error).__name__}: "
                                             f"{str(error)[:120]})")
