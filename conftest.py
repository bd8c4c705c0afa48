"""Repository-wide pytest setup: a notebook whose Jupyter kernel dies while starting gets one
more start under nbval.

Now and then a kernel dies before it answers at all ("Kernel died before replying to
kernel_info"), for reasons of the machine rather than of the notebook, and nbval would then
fail every cell of that notebook. The grader gives its runs the same single retry
(``kernel_never_started``, which decides what counts as such a death for both). A kernel that
dies after it started, while running cells, is never retried: that is the notebook's doing.
"""

from __future__ import annotations

from typing import Any

from autograd_kit.grading.grader import kernel_never_started

try:
    import nbval.kernel
except ImportError:  # nbval comes with the test extra; without it there is nothing to patch
    nbval = None


def start_kernel_with_one_retry(start: Any) -> Any:
    """``start`` (nbval's ``start_new_kernel``), tried once more if the kernel never started."""

    def start_with_one_retry(*args: Any, **kwargs: Any) -> Any:
        try:
            return start(*args, **kwargs)
        except RuntimeError as error:
            if not kernel_never_started(str(error)):
                raise
            return start(*args, **kwargs)

    return start_with_one_retry


if nbval is not None:
    nbval.kernel.start_new_kernel = start_kernel_with_one_retry(nbval.kernel.start_new_kernel)
