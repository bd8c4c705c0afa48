"""Shared test setup: the tests directory is importable (for ``parity``) and runs are seeded."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
