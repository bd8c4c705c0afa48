"""The ``autograd-kit`` command end to end: grade (threads and Dask), generate, validate."""

from __future__ import annotations

import csv

import nbformat
import pytest

from autograd_kit.grading import cli
from autograd_kit.grading.generate import generate

from .corpus import corpus
from .notebooks import FAST, basics_solution

LIMITS = ["--cell-timeout", str(FAST.cell_timeout), "--timeout", str(FAST.notebook_timeout),
          "--memory-mb", str(FAST.memory_mb), "--quiet"]
CHOSEN = ("alice_correct.ipynb", "bob_partial.ipynb", "binary.ipynb")


@pytest.fixture
def course(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(basics_solution(), solutions / "basics.ipynb")
    submissions = tmp_path / "submissions"
    for name, data, _ in corpus():
        if name in CHOSEN:
            folder = submissions / name.split("_")[0].removesuffix(".ipynb")
            folder.mkdir(parents=True)
            (folder / "basics.ipynb").write_bytes(data)
    # A stray notebook whose exercise cannot be told is reported, not fatal.
    (submissions / "stray.ipynb").write_bytes(nbformat.writes(nbformat.v4.new_notebook())
                                              .encode())
    return tmp_path


def _grade(course, out, *extra):
    code = cli.main(["grade", str(course / "submissions"), "--out", str(out),
                     "--solutions", str(course / "solutions"), *LIMITS, *extra])
    assert code == 0
    with open(out, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_grade_writes_csv_feedback_histogram_and_summary(course, capsys):
    out = course / "grades.csv"
    rows = _grade(course, out, "--jobs", "2")
    by_student = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    assert sorted(by_student) == ["alice", "binary", "bob", "stray"]
    assert [float(r["points"]) for r in by_student["alice"]] == [2.0, 3.0]
    assert [r["status"] for r in by_student["bob"]] == ["pass", "partial"]
    assert "binary data" in by_student["binary"][0]["message"]
    assert "cannot tell which exercise" in by_student["stray"][0]["message"]
    pages = sorted(p.name for p in (course / "grades_feedback").iterdir())
    assert pages == ["alice--basics.html", "binary--basics.html", "bob--basics.html",
                     "stray--.html"]
    page = (course / "grades_feedback" / "bob--basics.html").read_text(encoding="utf-8")
    # A notebook without a language is an English one: its page speaks English only.
    assert "<b>3 / 5</b>" in page and "expected [2.25, 4.0]" in page and "期望" not in page
    assert (course / "grades.png").read_bytes()[:4] == b"\x89PNG"
    printed = capsys.readouterr().out
    assert "students: 4" in printed and "median" in printed
    assert f"wrote the grades to {out}" in printed
    assert f"wrote the feedback pages to {course / 'grades_feedback'}/" in printed


def test_grade_help_explains_every_argument_with_its_default(capsys):
    with pytest.raises(SystemExit):
        cli.main(["grade", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option, default in (("--jobs", "1"), ("--cell-timeout", "30.0"), ("--timeout", "120.0"),
                            ("--memory-mb", "2048"), ("--out", "grades.csv")):
        assert option in text and f"(default: {default})" in text, option
    assert "folder with the submitted notebooks" in text


def test_dask_fan_out_gives_the_same_csv(course):
    distributed = pytest.importorskip("distributed")
    local = course / "local.csv"
    _grade(course, local, "--jobs", "2")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        _grade(course, course / "dask.csv", "--scheduler", cluster.scheduler_address)
    assert (course / "dask.csv").read_bytes() == local.read_bytes()


def test_generate_check_and_validate(course, capsys):
    solutions, exercises = course / "solutions", course / "exercises"
    assert cli.main(["generate", "--solutions", str(solutions), "--exercises",
                     str(exercises), "--check"]) == 1
    assert cli.main(["generate", "--solutions", str(solutions), "--exercises",
                     str(exercises)]) == 0
    assert cli.main(["generate", "--solutions", str(solutions), "--exercises",
                     str(exercises), "--check"]) == 0
    assert cli.main(["validate", "--solutions", str(solutions), "--exercises", str(exercises),
                     "--course", str(course / "course"), "--no-nbval", *LIMITS]) == 0
    assert "every solution scores full marks" in capsys.readouterr().out
    # A solution that no longer earns its own marks fails validation.
    broken = basics_solution(q2="    return v + v")
    nbformat.write(broken, solutions / "basics.ipynb")
    generate(solutions, exercises)
    assert cli.main(["validate", "--solutions", str(solutions), "--exercises", str(exercises),
                     "--course", str(course / "course"), "--no-nbval", *LIMITS]) == 1
    assert "solution basics scores 4/5" in capsys.readouterr().out
