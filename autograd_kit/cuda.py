"""``ak.cuda``: is a GPU here? Answers without ever raising, even when CuPy is missing."""

from __future__ import annotations

from . import _backend
from .random import manual_seed as _manual_seed


def is_available() -> bool:
    """True when CuPy is installed and sees a CUDA GPU. Never raises: on a machine without a
    GPU it is simply False, and tensors stay on the CPU."""
    return _backend.cuda_is_available()


def device_count() -> int:
    """Number of CUDA GPUs CuPy sees (0 without one)."""
    return _backend.cuda_device_count()


def current_device() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Seed the generator used for CUDA tensors (the same one as the CPU: numbers are drawn
    on the CPU and copied, so a seed gives the same values on every device)."""
    _manual_seed(seed)


manual_seed_all = manual_seed


def synchronize() -> None:
    """Wait for the GPU to finish queued work (needed before timing GPU code)."""
    if is_available():
        _backend.namespace_for(_backend.device("cuda", 0)).cuda.Device().synchronize()
