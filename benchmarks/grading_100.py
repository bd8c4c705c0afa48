"""Benchmark: grade 100 submissions of one chapter with --jobs 2; report seconds per submission.

    .venv/bin/python benchmarks/grading_100.py [--jobs 2] [--count 100] [--chapter NAME]

The class is a realistic mix made from the chapter's solution and exercise: a third correct,
a third untouched exercises, a third with one answer broken. Prints the median (and spread)
of each submission's own grading time, and the wall time for the whole class.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from autograd_kit.grading.grader import (
    GradeConfig,
    grade_submission,
    load_assignment,
    prepare_references,
)

ROOT = Path(__file__).resolve().parents[1]


def make_class(chapter: str, count: int) -> list[bytes]:
    solution = (ROOT / "solutions" / f"{chapter}.ipynb").read_bytes()
    exercise = (ROOT / "exercises" / f"{chapter}.ipynb").read_bytes()
    broken = nbformat.reads(solution.decode(), as_version=4)
    for cell in broken.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = cell.source.replace("retain_graph=True", "retain_graph=False")
            cell.source = cell.source.replace("w.grad.zero_()", "pass")
    broken = nbformat.writes(broken).encode()
    return [(solution, exercise, broken)[i % 3] for i in range(count)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--chapter", default="04_retain_graph_and_accumulation")
    options = parser.parse_args(argv)
    config = GradeConfig()
    assignment = load_assignment(ROOT / "solutions" / f"{options.chapter}.ipynb")
    prepare_references(assignment, config)
    submissions = make_class(options.chapter, options.count)

    def timed(item):
        index, data = item
        start = time.perf_counter()
        result = grade_submission(data, f"student{index:03d}", assignment, config)
        return time.perf_counter() - start, result.points

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        outcomes = list(pool.map(timed, enumerate(submissions)))
    wall = time.perf_counter() - start
    seconds = sorted(t for t, _ in outcomes)
    points = [p for _, p in outcomes]
    print(f"graded {len(seconds)} submissions of {options.chapter} with --jobs {options.jobs}")
    print(f"per submission: median {statistics.median(seconds):.2f} s, "
          f"p10 {seconds[len(seconds) // 10]:.2f} s, p90 {seconds[9 * len(seconds) // 10]:.2f} s")
    print(f"whole class: {wall:.1f} s wall = {wall / len(seconds):.2f} s per submission")
    print(f"scores: {sorted(set(points))} of {assignment.max_points:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
