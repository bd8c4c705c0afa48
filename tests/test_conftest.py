"""The repository's conftest.py: nbval gets one more kernel start when a kernel dies before it
answers, and only then."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import nbval.kernel
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("repository_conftest", ROOT / "conftest.py")
repository_conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(repository_conftest)


def failing(messages):
    """A stand-in for nbval's kernel start that fails with each message in turn, then works."""
    calls = []

    def start(*args, **kwargs):
        calls.append(args)
        if len(calls) <= len(messages):
            raise RuntimeError(messages[len(calls) - 1])
        return "manager", "client"

    return start, calls


def test_a_kernel_that_died_while_starting_gets_one_more_start():
    start, calls = failing(["Kernel died before replying to kernel_info"])
    assert repository_conftest.start_kernel_with_one_retry(start)("python3") == ("manager", "client")
    assert len(calls) == 2


def test_only_one_more_start_and_no_retry_for_other_errors():
    start, calls = failing(["Kernel died before replying to kernel_info"] * 2)
    with pytest.raises(RuntimeError, match="before replying"):
        repository_conftest.start_kernel_with_one_retry(start)("python3")
    assert len(calls) == 2
    start, calls = failing(["No such kernel named python9"])
    with pytest.raises(RuntimeError, match="No such kernel"):
        repository_conftest.start_kernel_with_one_retry(start)("python3")
    assert len(calls) == 1


def test_nbval_really_starts_a_second_kernel_after_one_dies(tmp_path, monkeypatch):
    """A kernel spec whose first kernel exits at once, as a crashing kernel would."""
    marker = tmp_path / "died-once"
    script = tmp_path / "flaky_kernel.py"
    script.write_text(
        "import pathlib, runpy, sys\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "if not marker.exists():\n"
        "    marker.touch()\n"
        "    sys.exit(1)\n"
        "sys.argv = ['ipykernel_launcher', *sys.argv[1:]]\n"
        "runpy.run_module('ipykernel_launcher', run_name='__main__')\n"
    )
    kernel_dir = tmp_path / "kernels" / "flaky"
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, str(script), "-f", "{connection_file}"],
                "display_name": "flaky",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert nbval.kernel.start_new_kernel.__name__ == "start_with_one_retry"  # conftest.py ran
    kernel = nbval.kernel.RunningKernel("flaky", startup_timeout=60)
    try:
        assert marker.exists() and kernel.is_alive()
    finally:
        kernel.stop()
