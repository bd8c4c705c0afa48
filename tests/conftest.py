"""Shared test setup: the tests directory is importable (for ``parity``) and runs are seeded."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


# ---- a second and third device without a GPU ------------------------------------------------
# array-api-strict simulates three devices ("CPU_DEVICE", "device1", "device2") and refuses to
# mix them, exactly as CUDA devices refuse. Registered as device type "strict", they let CI run
# whole forward/backward passes off the default device, transfers and device-mismatch errors
# for real. Registration happens at import so "strict:1" parses during collection too.

import array_api_strict  # noqa: E402
import pytest  # noqa: E402

from autograd_kit import _backend  # noqa: E402

STRICT_DEVICE_NAMES = ("CPU_DEVICE", "device1", "device2")
_STRICT_INDEX = {array_api_strict.Device(name): i for i, name in enumerate(STRICT_DEVICE_NAMES)}

_backend.register_backend(
    "strict",
    _backend.ArrayBackend(
        load=lambda: array_api_strict,
        native_device=lambda xp, index: xp.Device(STRICT_DEVICE_NAMES[index]),
        index_of=lambda array: _STRICT_INDEX[array.device],
        indexed=True,
    ),
)


@pytest.fixture
def strict_devices():
    """The three simulated devices, as ``ak.device`` objects: strict:0, strict:1, strict:2."""
    import autograd_kit as ak

    return [ak.device("strict", index) for index in range(len(STRICT_DEVICE_NAMES))]
