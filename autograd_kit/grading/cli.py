"""The ``autograd-kit`` command: generate exercises, grade a class, validate the course.

    autograd-kit generate [--check]
    autograd-kit grade SUBMISSIONS --out grades.csv [--jobs N] [--scheduler ADDRESS]
    autograd-kit validate

``grade`` finds every ``*.ipynb`` under SUBMISSIONS. A notebook's assignment is
``--assignment`` if given, else its file name when it sits in a student's folder
(``SUBMISSIONS/alice/03_backward.ipynb``), else the ``autograd_kit.assignment`` metadata
that generated exercises carry. It writes the CSV, one feedback page per student and a
histogram, and prints the score distribution.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from .. import i18n
from . import generate as gen
from . import report
from .grader import (
    GradeConfig,
    SubmissionResult,
    TemplateError,
    grade_submission,
    load_assignment,
    prepare_references,
)
from .probes import QuestionScore


def find_submissions(folder: Path) -> list[Path]:
    """Every file named *.ipynb under ``folder`` (checkpoints skipped), in a stable order."""
    found = [p for p in folder.rglob("*.ipynb")
             if ".ipynb_checkpoints" not in p.parts and not p.is_dir()]
    return sorted(found, key=lambda p: str(p.relative_to(folder)))


def _metadata_assignment(data: bytes) -> str | None:
    try:
        meta = json.loads(data.decode("utf-8")).get("metadata", {})
        value = meta.get("autograd_kit", {}).get("assignment")
    except Exception:  # noqa: BLE001 - a broken file simply has no assignment
        return None
    return value if isinstance(value, str) else None


def plan(folder: Path, known: set, assignment: str | None):
    """(student, assignment name or None, bytes) for each submission under ``folder``."""
    jobs = []
    for path in find_submissions(folder):
        relative = path.relative_to(folder)
        try:
            data = path.read_bytes()
        except OSError as error:
            data = f"unreadable: {error}".encode()
        # In a student's folder the folder names the student; a loose file names itself.
        student = str(relative.parent) if len(relative.parts) > 1 else relative.stem
        if assignment:
            jobs.append((str(relative.with_suffix("")), assignment, data))
        elif path.stem in known:
            jobs.append((student, path.stem, data))
        else:
            jobs.append((student, _metadata_assignment(data), data))
    return jobs


def _unknown(student: str, name) -> SubmissionResult:
    reason = (f"no solution notebook named {name!r}" if name
              else "cannot tell which exercise this is (no autograd_kit.assignment metadata)")
    return SubmissionResult(student, name or "?", [QuestionScore("-", 0.0, 0.0, "fail", ())],
                            reason)


def _progress(total: int, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="grading", unit="notebook", file=sys.stderr, disable=quiet)


def grade_all(jobs, assignments: dict, config: GradeConfig, n_jobs: int = 1,
              scheduler: str | None = None, quiet: bool = False) -> list:
    """Grade (student, assignment, bytes) jobs locally in ``n_jobs`` threads or on Dask."""
    results, work = [], []
    for student, name, data in jobs:
        if name in assignments:
            work.append((data, student, assignments[name]))
        else:
            results.append(_unknown(student, name))
    bar = _progress(len(jobs), quiet)
    bar.update(len(results))
    if scheduler:
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler) as client:
            futures = [client.submit(grade_submission, data, student, a, config, pure=False)
                       for data, student, a in work]
            for future in dask_completed(futures):
                results.append(future.result())
                bar.update(1)
    else:
        with ThreadPoolExecutor(max_workers=max(1, n_jobs)) as pool:
            futures = [pool.submit(grade_submission, data, student, a, config)
                       for data, student, a in work]
            for future in as_completed(futures):
                results.append(future.result())
                bar.update(1)
    bar.close()
    return sorted(results, key=lambda r: (r.student, r.assignment))


def load_assignments(solutions: Path, names, config: GradeConfig, n_jobs: int) -> dict:
    """Read and run (for reference snapshots) each solution notebook that is needed."""
    assignments = {}
    for name in sorted(names):
        path = solutions / f"{name}.ipynb"
        if path.exists():
            assignments[name] = load_assignment(path)
    with ThreadPoolExecutor(max_workers=max(1, n_jobs)) as pool:
        list(pool.map(lambda a: prepare_references(a, config), assignments.values()))
    return assignments


def _config(options) -> GradeConfig:
    return GradeConfig(cell_timeout=options.cell_timeout, notebook_timeout=options.timeout,
                       memory_mb=options.memory_mb)


def cmd_grade(options) -> int:
    folder = Path(options.submissions)
    if not folder.is_dir():
        print(f"error: {folder} is not a folder", file=sys.stderr)
        return 2
    solutions = Path(options.solutions)
    known = {p.stem for p in solutions.glob("*.ipynb")}
    jobs = plan(folder, known, options.assignment)
    config = _config(options)
    assignments = load_assignments(solutions, {a for _, a, _ in jobs if a in known}, config,
                                   options.jobs)
    results = grade_all(jobs, assignments, config, options.jobs, options.scheduler,
                        options.quiet)
    out = Path(options.out)
    report.write_csv(results, out)
    feedback = Path(options.feedback) if options.feedback else out.with_name(out.stem +
                                                                              "_feedback")
    report.write_feedback(results, feedback)
    histogram = Path(options.histogram) if options.histogram else out.with_suffix(".png")
    if results:
        report.write_histogram(results, histogram)
    print(report.summary_text(results))
    print(i18n.text("grading.cli.wrote", csv=out, feedback=feedback, histogram=histogram))
    return 0


def cmd_validate(options) -> int:
    solutions, exercises = Path(options.solutions), Path(options.exercises)
    failures = []
    stale = gen.stale_exercises(solutions, exercises)
    if stale:
        failures.append(f"exercises out of date (run `autograd-kit generate`): {stale}")
    if not options.no_nbval:
        for folder in (solutions, Path(options.course)):
            if not any(folder.rglob("*.ipynb")):
                continue
            command = ["--nbval", "-q", "-p", "no:cacheprovider", str(folder)]
            # A folder may say how its outputs are sanitised (the course does).
            sanitize = folder / "nbval_sanitize.cfg"
            if sanitize.exists():
                command += ["--nbval-sanitize-with", str(sanitize)]
            code = subprocess.call([sys.executable, "-m", "pytest", *command])
            if code:
                failures.append(f"pytest {' '.join(command)} failed (exit {code})")
    config = _config(options)
    # Running a solution for its reference snapshots also scores it: the public tests hold
    # literal expected values, so a solution that drifted from them loses marks here.
    assignments = {}
    for path in sorted(solutions.glob("*.ipynb")):
        assignment = load_assignment(path)
        result = prepare_references(assignment, config)
        assignments[assignment.name] = assignment
        if result.points != result.max_points:
            failures.append(f"solution {result.assignment} scores {result.points:g}/"
                            f"{result.max_points:g}: {report.rows([result])}")
    jobs = [(str(p), p.stem, p.read_bytes()) for p in sorted(exercises.rglob("*.ipynb"))
            if p.stem in assignments and ".ipynb_checkpoints" not in p.parts]
    for result in grade_all(jobs, assignments, config, options.jobs, None, options.quiet):
        if result.points != 0:
            failures.append(f"exercise {result.assignment} scores {result.points:g} (not 0)")
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print("validate: exercises up to date, notebooks pass nbval, every solution scores "
              "full marks and every exercise zero")
    return 1 if failures else 0


def cmd_generate(options) -> int:
    solutions, exercises = Path(options.solutions), Path(options.exercises)
    try:
        if options.check:
            stale = gen.stale_exercises(solutions, exercises)
            for name in stale:
                print(f"out of date: {exercises / name}")
            return 1 if stale else 0
        for path in gen.generate(solutions, exercises):
            print(f"wrote {path}")
    except gen.MarkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograd-kit", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    shown = argparse.ArgumentDefaultsHelpFormatter

    def limits(p):
        p.add_argument("--solutions", default="solutions",
                       help="folder of the solution notebooks (the questions and hidden tests)")
        p.add_argument("--jobs", type=int, default=1,
                       help="submissions graded in parallel, one kernel each")
        p.add_argument("--cell-timeout", type=float, default=30.0,
                       help="seconds one cell may run before it is interrupted")
        p.add_argument("--timeout", type=float, default=120.0,
                       help="seconds the learner's cells of one notebook may run in all")
        p.add_argument("--memory-mb", type=int, default=2048,
                       help="memory limit of each kernel, in MiB")
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    grade = sub.add_parser("grade", help="grade every notebook under a folder",
                           formatter_class=shown)
    grade.add_argument("submissions", help="folder with the submitted notebooks, searched "
                                           "recursively (one sub-folder per student, or loose "
                                           "files)")
    grade.add_argument("--out", default="grades.csv", help="the CSV of grades to write")
    grade.add_argument("--assignment", default=None,
                       help="grade every notebook against this solution (its file stem); "
                            "by default the file name or the notebook's metadata says")
    grade.add_argument("--scheduler", default=None,
                       help="address of a Dask scheduler to fan out to (tcp://HOST:8786)")
    grade.add_argument("--feedback", default=None,
                       help="folder for the per-student pages (default: OUT_feedback/)")
    grade.add_argument("--histogram", default=None,
                       help="score histogram PNG (default: OUT with .png)")
    limits(grade)
    grade.set_defaults(run=cmd_grade)

    validate = sub.add_parser("validate", help="nbval, full marks for solutions, 0 for exercises",
                              formatter_class=shown)
    validate.add_argument("--exercises", default="exercises", help="generated exercises folder")
    validate.add_argument("--course", default="course", help="course notebooks folder")
    validate.add_argument("--no-nbval", action="store_true", help="skip pytest --nbval")
    limits(validate)
    validate.set_defaults(run=cmd_validate)

    generate = sub.add_parser("generate", help="write exercises/ from solutions/",
                              formatter_class=shown)
    generate.add_argument("--solutions", default="solutions", help="solution notebooks folder")
    generate.add_argument("--exercises", default="exercises",
                          help="where the exercises go (en/ and zh/ inside)")
    generate.add_argument("--check", action="store_true", help="only report stale exercises")
    generate.set_defaults(run=cmd_generate)
    return parser


def main(argv=None) -> int:
    options = build_parser().parse_args(argv)
    try:
        return options.run(options)
    except TemplateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
