"""``ak.cuda``: is there a GPU here, and which one? Answers without ever raising.

CUDA tensors hold CuPy arrays. On a machine without CuPy or without a GPU everything here
still answers (``is_available()`` is False, ``device_count()`` is 0) and
``unavailable_reason()`` says why in one sentence, so a notebook can fall back to the CPU
and tell the learner; only actually putting a tensor on ``"cuda"`` raises PyTorch's error.

Example:
    >>> device = "cuda" if ak.cuda.is_available() else "cpu"
    >>> ak.ones(2, device=device).device.type in ("cuda", "cpu")
    True
"""

from __future__ import annotations

from typing import Any

from . import _backend
from .random import manual_seed as _manual_seed


def is_available() -> bool:
    """True when CuPy is installed and sees a CUDA GPU. Never raises: on a machine without a
    GPU it is simply False, and tensors stay on the CPU."""
    return _backend.cuda_is_available()


def device_count() -> int:
    """Number of CUDA GPUs CuPy sees (0 without one)."""
    return _backend.cuda_device_count()


def unavailable_reason() -> str | None:
    """Why CUDA cannot be used on this machine, in one sentence; None when it can.

    Not a PyTorch function: a teaching aid so a notebook can say why it runs on the CPU.
    """
    return _backend.cuda_unavailable_reason()


def _cupy() -> Any:
    return _backend.namespace_for(_backend.device("cuda", 0))


def current_device() -> int:
    """Index of the GPU that new CUDA tensors go to by default."""
    return int(_cupy().cuda.runtime.getDevice())


def get_device_name(device: Any = None) -> str:
    """The GPU's product name, e.g. ``'NVIDIA H100 80GB HBM3'``."""
    index = _device_index(device)
    name = _cupy().cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def _device_index(device: Any) -> int:
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    resolved = _backend.resolve_device(device)
    return resolved.index or 0


def manual_seed(seed: int) -> None:
    """Seed the generator used for CUDA tensors (the same one as the CPU: numbers are drawn
    on the CPU and copied, so a seed gives the same values on every device)."""
    _manual_seed(seed)


manual_seed_all = manual_seed


def synchronize(device: Any = None) -> None:
    """Wait for the GPU to finish queued work (needed before timing GPU code)."""
    if is_available():
        _cupy().cuda.Device(_device_index(device)).synchronize()
