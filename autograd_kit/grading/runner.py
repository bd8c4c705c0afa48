"""Execute one prepared notebook in a sandboxed kernel and write what happened to JSON.

The grader starts this module as its own process (``python -m autograd_kit.grading.runner
job.json``) in a fresh temporary directory, so a submission that floods output, hangs or
kills its kernel only ever takes this process down. Learner cells run with a per-cell
timeout (the kernel is interrupted) until the notebook's time budget is spent; then the
grader's injected observation cells run, each with its own timeout. Only outputs of the
injected cells that carry this run's nonce count as observations.
"""

from __future__ import annotations

import sys

# nbformat -> jsonschema would import rfc3987_syntax, which builds a grammar for IRI checks
# that notebooks never use and costs ~2.5 s of CPU in every runner process. Skip it.
sys.modules.setdefault("rfc3987_syntax", None)

import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402
from jupyter_client import AsyncKernelManager  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: E402

from ._kernel import MIME  # noqa: E402

_TRUNCATED = "\n[output truncated by the grader / 输出过长，已被截断]\n"


class LimitedClient(NotebookClient):
    """A NotebookClient that keeps at most ``output_limit`` bytes of output per cell."""

    output_limit = 100_000

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if MIME in content.get("data", {}):
            return super().output(outs, msg, display_id, cell_index)
        sizes = self.__dict__.setdefault("_output_sizes", {})
        size = sizes.get(cell_index, 0) + len(json.dumps(content, default=str))
        sizes[cell_index] = size
        if size > self.output_limit:
            if size - len(json.dumps(content, default=str)) <= self.output_limit:
                outs.append(nbformat.v4.new_output("stream", name="stderr", text=_TRUNCATED))
            return None
        return super().output(outs, msg, display_id, cell_index)


def _kernel_specs(folder: Path, job: dict) -> KernelSpecManager:
    spec = {
        "argv": [
            sys.executable, "-m", "autograd_kit.grading.sandbox",
            "--memory-mb", str(job["memory_mb"]),
            "--cpu-seconds", str(int(job["notebook_timeout"] + 30 * job["cell_timeout"] + 30)),
            "-f", "{connection_file}",
        ],
        "display_name": "autograd-kit sandbox",
        "language": "python",
    }
    kernel_dir = folder / "kernels" / "ak-sandbox"
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(json.dumps(spec))
    return KernelSpecManager(kernel_dirs=[str(folder / "kernels")])


def run(job: dict) -> dict:
    """Execute ``job["notebook"]``; return per-cell status, kernel death and observations."""
    nb = nbformat.read(job["notebook"], as_version=4)
    workdir = Path(job["workdir"])
    with tempfile.TemporaryDirectory(prefix="ak-kernelspec-") as specs:
        km = AsyncKernelManager(kernel_name="ak-sandbox",
                           kernel_spec_manager=_kernel_specs(Path(specs), job))
        client = LimitedClient(
            nb, km=km, timeout=job["cell_timeout"], interrupt_on_timeout=True,
            error_on_timeout={"ename": "CellTimeoutError",
                              "evalue": f"cell ran past {job['cell_timeout']} s",
                              "traceback": []},
            allow_errors=True, record_timing=False, startup_timeout=60, shutdown_kernel="immediate",
            resources={"metadata": {"path": str(workdir)}},
        )
        client.output_limit = job["output_limit"]
        cells, died = [], None
        deadline = time.monotonic() + job["notebook_timeout"]
        with client.setup_kernel(env=job["env"], cwd=str(workdir)):
            for index, cell in enumerate(nb.cells):
                shown = cell.metadata.get("source_index", index)
                injected = cell.metadata.get("autograd_kit", {}).get("injected", False)
                if not injected and time.monotonic() > deadline:
                    cells.append({"index": shown, "status": "skipped",
                                  "error": "the notebook ran past its time budget"})
                    continue
                started = time.monotonic()
                try:
                    client.execute_cell(cell, index)
                except DeadKernelError:
                    died = f"the kernel died while running cell {shown}"
                    cells.append({"index": shown, "status": "died", "error": died})
                    break
                except CellTimeoutError as error:
                    cells.append({"index": shown, "status": "timeout", "error": str(error)[:200]})
                    continue
                errors = [o for o in cell.outputs if o.get("output_type") == "error"]
                status = "ok"
                error = None
                if errors:
                    # No one presses interrupt during grading: a KeyboardInterrupt is a timeout.
                    timed_out = errors[0].get("ename") in ("CellTimeoutError", "KeyboardInterrupt")
                    status = "timeout" if timed_out else "error"
                    error = f"{errors[0].get('ename')}: {str(errors[0].get('evalue'))[:300]}"
                if status == "ok" and time.monotonic() - started >= job["cell_timeout"]:
                    # The kernel ignored the interrupt: nbclient gave up waiting for it.
                    status, error = "timeout", f"cell ran past {job['cell_timeout']} s"
                cells.append({"index": shown, "status": status, "error": error})
    observations = {}
    for cell in nb.cells:
        if not cell.metadata.get("autograd_kit", {}).get("injected", False):
            continue
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(MIME)
            if payload is None:
                continue
            try:
                data = json.loads(payload)
            except (TypeError, ValueError):
                continue
            if data.get("nonce") == job["nonce"]:
                observations[data["question"]] = data["observations"]
    return {"cells": cells, "died": died, "observations": observations}


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(argv[0]).read_text())
    os.chdir(job["workdir"])
    result = run(job)
    Path(job["result"]).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
