"""The hostile and broken submissions the grader must survive, written out for each test.

Each entry is (file name, bytes, expectation). Expectations: "full" (all points), "zero"
(no points, with a reason or teaching message), "partial" (some but not all). The
submissions answer the fixture assignment in notebooks.py.
"""

from __future__ import annotations

import json

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from .notebooks import SETUP, basics_solution

WRONG_Q1 = "answer = [1.0]"
# Right for a Python float (the public test), wrong for arrays (the hidden test).
PARTIAL_Q2 = "    return v * v if isinstance(v, float) else v + v"


def _nb_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


def _with_prelude(prelude: str, q1=WRONG_Q1, q2="    return v + v"):
    nb = basics_solution(q1=q1, q2=q2)
    nb.cells.insert(2, new_code_cell(prelude))
    return nb


def _tampered():
    """Wrong answers dressed up: test cells edited, ids and points changed, checks patched."""
    nb = basics_solution(q1=WRONG_Q1, q2="    return v + v")
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100
            meta["grade_id"] = "q1" if meta["grade_id"] == "q2" else "q2"
            cell.source = 'print("q1  PASS  2.0/2 points")\nprint("All tests passed!")'
    nb.cells.append(new_code_cell(
        "import builtins, numpy.testing, autograd_kit.grading.checks as c\n"
        "import autograd_kit.grading.probes as p\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "c.check_close = lambda *a, **k: c.CheckResult(True, 'x', '', '', 'ok', 'ok')\n"
        "p.judge = lambda *a, **k: c.CheckResult(True, 'x', '', '', 'ok', 'ok')\n"
        "builtins.isinstance = lambda *a: True\n"
        "from IPython.display import publish_display_data\n"
        "fake = {'nonce': '0' * 32, 'question': 'q1', 'observations': "
        "[{'ok': True, 'value': [0.0, 2.0, 4.0]}] * 3}\n"
        "publish_display_data({'application/vnd.autograd-kit.observations+json': "
        "__import__('json').dumps(fake)})\n"
        "print('q1 PASS 2/2, q2 PASS 3/3')"
    ))
    del nb.cells[3]  # and a test cell deleted outright
    return nb


def _old_v3() -> bytes:
    return json.dumps({
        "metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0,
        "worksheets": [{"cells": [
            {"cell_type": "code", "language": "python", "input": SETUP, "outputs": [],
             "metadata": {}},
            {"cell_type": "code", "language": "python", "outputs": [], "metadata": {},
             "input": "answer = np.arange(3) * 2.0\ndef square(v):\n    return v * v"},
        ], "metadata": {}}],
    }).encode()


def corpus() -> list[tuple[str, bytes, str]]:
    correct = _nb_bytes(basics_solution())
    return [
        ("alice_correct.ipynb", correct, "full"),
        ("bob_partial.ipynb", _nb_bytes(basics_solution(q2=PARTIAL_Q2)), "partial"),
        ("carol_wrong_q1.ipynb", _nb_bytes(basics_solution(q1="answer = np.arange(3) * 3.0")),
         "partial"),
        ("invalid_json.ipynb", b'{"cells": [', "zero"),
        ("not_a_notebook.ipynb", b'{"hello": "world"}', "zero"),
        ("binary.ipynb", bytes(range(256)) * 40, "zero"),
        ("empty.ipynb", _nb_bytes(new_notebook()), "zero"),
        ("old_v3_correct.ipynb", _old_v3(), "full"),
        ("sys_exit.ipynb", _nb_bytes(_with_prelude("import sys\nsys.exit(3)")), "zero"),
        ("os_exit.ipynb", _nb_bytes(_with_prelude("import os\nos._exit(1)",
                                                  q1="answer = np.arange(3) * 2.0")), "zero"),
        ("infinite_loop_then_correct.ipynb",
         _nb_bytes(_with_prelude("while True:\n    pass", q1="answer = np.arange(3) * 2.0",
                                 q2="    return v * v")), "full"),
        ("stubborn_loop.ipynb", _nb_bytes(_with_prelude(
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
            q1="answer = np.arange(3) * 2.0")), "zero"),
        # Right answers after the bomb and the flood: the rest of the notebook still counts.
        ("memory_bomb.ipynb", _nb_bytes(_with_prelude("hog = bytearray(3 * 2**30)",
                                                      q1="answer = np.arange(3) * 2.0",
                                                      q2="    return v * v")), "full"),
        ("huge_output.ipynb", _nb_bytes(_with_prelude("print('spam ' * 4_000_000)",
                                                      q1="answer = np.arange(3) * 2.0",
                                                      q2="    return v * v")), "full"),
        ("tampered.ipynb", _nb_bytes(_tampered()), "zero"),
        ("weird name ü; rm -rf $(x).ipynb", correct, "full"),
        ("-starts-with-dash.ipynb", correct, "full"),
    ]
