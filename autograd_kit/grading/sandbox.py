"""Start an IPython kernel under resource limits: the kernel a submission runs in.

Used as a kernel command (``python -m autograd_kit.grading.sandbox --memory-mb 2048 -f
{connection_file}``). Before the kernel starts it caps its address space (a memory bomb
gets MemoryError or dies alone), CPU seconds (a spinning kernel that ignores interrupts
is killed), file size and core dumps, and it exits when the process that started it is
gone, so no kernel outlives its grader.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time


def _limit(kind: int, value: int) -> None:
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))


def apply_limits(memory_mb: int, cpu_seconds: int, file_mb: int) -> None:
    """Cap address space, CPU time, written file size and core dumps of this process."""
    _limit(resource.RLIMIT_AS, memory_mb * 2**20)
    _limit(resource.RLIMIT_CPU, cpu_seconds)
    _limit(resource.RLIMIT_FSIZE, file_mb * 2**20)
    _limit(resource.RLIMIT_CORE, 0)


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--cpu-seconds", type=int, default=600)
    parser.add_argument("--file-mb", type=int, default=64)
    options, rest = parser.parse_known_args(argv)
    apply_limits(options.memory_mb, options.cpu_seconds, options.file_mb)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    from ipykernel.kernelapp import launch_new_instance

    sys.argv = [sys.argv[0], *rest]
    launch_new_instance()


if __name__ == "__main__":
    main()
