"""autograd_kit/viz/__init__.py: drawing needs only numpy; widgets load on first use."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_drawing_does_not_import_the_course_extras():
    code = (
        "import sys, autograd_kit as ak\n"
        "y = (ak.tensor([1.0], requires_grad=True) * 2).sum()\n"
        "ak.viz.draw_graph(y).to_svg(); ak.viz.backward_steps(y)\n"
        "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))\n"
        "ak.widgets.BackwardStepper\n"
        "print('ipywidgets' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "True"]
