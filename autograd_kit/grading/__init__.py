"""Graded exercises: learner feedback, autograd-aware checks, and the instructor's grader.

Learners write ``from autograd_kit.grading import check, summary`` and call ``check("q3")``
after answering; instructors run ``autograd-kit grade SUBMISSIONS --out grades.csv``.
``checks`` holds the pure checks, ``feedback`` the panels, ``generate`` turns solutions
into exercises, ``grader``/``runner``/``sandbox`` run submissions safely, ``cli`` is the
command line.
"""

from .checks import CheckResult, describe_graph
from .feedback import check, hidden, not_attempted, summary
from .probes import REFERENCE, Probe, expect

__all__ = ["check", "hidden", "summary", "not_attempted", "expect", "Probe", "REFERENCE", "CheckResult",
           "describe_graph"]
