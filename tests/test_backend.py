"""The device seam (``_backend.py``): devices as PyTorch prints them, the array library behind
each device, transfers, scatter-add, and CUDA detection that never raises.

The simulated devices ``strict:0..2`` (array-api-strict, registered in conftest.py) stand in
for a second and third device on machines without a GPU.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import array_api_strict
import numpy as np
import pytest
import torch

import autograd_kit as ak
from autograd_kit import _backend

PACKAGE = Path(ak.__file__).parent


@pytest.mark.parametrize("text", ["cpu", "cuda", "cuda:0", "cuda:1"])
def test_device_prints_like_torch(text):
    ours, theirs = ak.device(text), torch.device(text)
    assert (repr(ours), str(ours), ours.type, ours.index) == (
        repr(theirs),
        str(theirs),
        theirs.type,
        theirs.index,
    )


def test_device_from_type_and_index_and_from_a_device():
    assert repr(ak.device("cuda", 1)) == repr(torch.device("cuda", 1))
    assert ak.device(ak.device("cuda:1")) == ak.device("cuda", 1)
    assert hash(ak.device("cuda:1")) == hash(ak.device("cuda", 1))


@pytest.mark.parametrize("text", ["cuda:x", "cuda:-1"])
def test_invalid_device_strings_raise_torchs_error(text):
    with pytest.raises(RuntimeError) as ours:
        ak.device(text)
    with pytest.raises(RuntimeError) as theirs:
        torch.device(text)
    assert str(ours.value) == str(theirs.value)


def test_unknown_device_type_is_refused():
    with pytest.raises(RuntimeError, match="device type at start of device string: tpu"):
        ak.device("tpu")


def test_resolve_device_defaults():
    assert _backend.resolve_device(None) == ak.device("cpu")
    assert _backend.resolve_device("cuda") == ak.device("cuda:0")  # "cuda" means the current GPU
    assert _backend.resolve_device(1) == ak.device("cuda:1")  # an int is a CUDA index
    assert _backend.resolve_device("strict") == ak.device("strict:0")


def test_array_library_and_device_of_an_array(strict_devices):
    host = np.ones(3)
    assert _backend.xp_of(host) is np and _backend.device_of(host) == ak.device("cpu")
    for device, name in zip(strict_devices, ["CPU_DEVICE", "device1", "device2"], strict=True):
        array = array_api_strict.ones(3, device=array_api_strict.Device(name))
        assert _backend.xp_of(array) is array_api_strict
        assert _backend.device_of(array) == device
        assert _backend.namespace_for(device) is array_api_strict


def test_to_device_copies_only_when_moving(strict_devices):
    host = np.arange(4.0)
    assert _backend.to_device(host, ak.device("cpu")) is host
    moved = _backend.to_device(host, strict_devices[1])
    assert _backend.device_of(moved) == strict_devices[1]
    assert _backend.to_device(moved, strict_devices[1]) is moved
    onward = _backend.to_device(moved, strict_devices[2])
    assert _backend.device_of(onward) == strict_devices[2]
    np.testing.assert_array_equal(_backend.asnumpy(onward), host)
    assert _backend.same_device(moved, moved) and not _backend.same_device(moved, onward)


def test_index_add_adds_repeated_indices(strict_devices):
    """The gradient of x[[0, 0, 2]] must add both contributions to element 0."""
    expected = np.array([3.0, 0.0, 4.0])
    host = np.zeros(3)
    _backend.index_add(host, (np.array([0, 0, 2]),), np.array([1.0, 2.0, 4.0]))
    np.testing.assert_array_equal(host, expected)
    device = strict_devices[1]
    target = _backend.to_device(np.zeros(3), device)
    key = (_backend.to_device(np.array([0, 0, 2]), device),)
    _backend.index_add(target, key, _backend.to_device(np.array([1.0, 2.0, 4.0]), device))
    assert _backend.device_of(target) == device
    np.testing.assert_array_equal(_backend.asnumpy(target), expected)


def test_cuda_queries_never_raise_and_agree():
    available = ak.cuda.is_available()
    assert isinstance(available, bool)
    assert (ak.cuda.device_count() > 0) == available
    reason = ak.cuda.unavailable_reason()
    assert (reason is None) == available


@pytest.mark.skipif(ak.cuda.is_available(), reason="needs a machine without a usable GPU")
def test_without_cuda_the_error_is_torchs_and_explains_why():
    with pytest.raises(AssertionError) as info:
        ak.ones(2, device="cuda")
    message = str(info.value)
    assert message == "Torch not compiled with CUDA enabled"
    reason, hint = info.value.__notes__
    assert reason == ak.cuda.unavailable_reason() and hint.startswith("Hint:")
    # No CuPy traceback chained to it: the learner sees one clear message.
    assert info.value.__cause__ is None and info.value.__suppress_context__ is False
    assert info.value.__context__ is None
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        ak.ones(2).cuda()


def test_broken_cupy_install_is_reported_not_raised(monkeypatch):
    """CuPy that fails at import (e.g. a CUDA library mismatch) still gives False, a reason,
    and PyTorch's error, never CuPy's traceback."""
    real_import = importlib.import_module

    def failing_import(name, *args, **kwargs):
        if name == "cupy":
            raise OSError("libcudart.so.12: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    _backend._cupy_or_reason.cache_clear()
    monkeypatch.setattr(importlib, "import_module", failing_import)
    try:
        assert ak.cuda.is_available() is False and ak.cuda.device_count() == 0
        assert "libcudart.so.12" in ak.cuda.unavailable_reason()
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            ak.zeros(1, device="cuda:0")
    finally:
        monkeypatch.undo()
        _backend._cupy_or_reason.cache_clear()


def test_only_the_seam_imports_cupy():
    """Adding a device is a change in one place: no other module names CuPy."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_backend.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Constant) and node.value in ("cupy", "cupyx"):
                names = [node.value]
            if any(name.split(".")[0] in ("cupy", "cupyx") for name in names):
                offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders, offenders


def test_register_backend_serves_a_new_device_type():
    """A device type is one registration: parsing, creation and transfers follow."""
    backend = _backend.ArrayBackend(
        load=lambda: array_api_strict,
        native_device=lambda xp, index: xp.Device(("CPU_DEVICE", "device1")[index]),
        index_of=lambda array: 0 if array.device == array_api_strict.Device("CPU_DEVICE") else 1,
        indexed=True,
    )
    previous = dict(_backend._BACKENDS), dict(_backend._TYPE_TO_DEVICE_TYPE)
    try:
        _backend.register_backend("sim", backend)
        x = ak.arange(3.0, device="sim:1")
        assert x.device == ak.device("sim", 1) and (x * 2).cpu().tolist() == [0.0, 2.0, 4.0]
    finally:
        _backend._BACKENDS.clear()
        _backend._BACKENDS.update(previous[0])
        _backend._TYPE_TO_DEVICE_TYPE.clear()
        _backend._TYPE_TO_DEVICE_TYPE.update(previous[1])


def test_a_cuda_index_beyond_the_gpus_raises_torchs_error(monkeypatch):
    """Checked before CuPy is asked for the device (a stand-in CuPy that reports one GPU)."""

    class Runtime:
        @staticmethod
        def getDeviceCount():
            return 1

    class FakeCupy:
        class cuda:
            runtime = Runtime

    monkeypatch.setattr(_backend, "_cupy_or_reason", lambda: (FakeCupy, None))
    assert ak.cuda.is_available() and ak.cuda.device_count() == 1
    with pytest.raises(RuntimeError, match="CUDA error: invalid device ordinal") as info:
        _backend.to_device(np.ones(2), ak.device("cuda:3"))
    assert "use cuda:0 to cuda:0" in str(info.value)



def test_infinities_and_nans_appear_silently_as_in_torch():
    """1/0 and 0/0 give inf and nan without NumPy's RuntimeWarning inside autograd_kit, while
    the learner's own NumPy code still warns.

    Run as a learner's script would (pytest imports the package inside its own warning
    filters, which would hide the one the package installs).
    """
    script = (
        "import numpy as np, autograd_kit as ak\n"
        "x = ak.tensor([0.0, 1.0, -1.0], requires_grad=True)\n"
        "y = (x / x).sum() + (1 / x).sum() + x.log().sum() + x.sqrt().sum()\n"
        "y.backward()\n"
        "print(y.item(), x.grad.tolist())\n"
        "np.array([0.0]) / 0.0\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    x = torch.tensor([0.0, 1.0, -1.0], requires_grad=True)
    y = (x / x).sum() + (1 / x).sum() + x.log().sum() + x.sqrt().sum()
    y.backward()
    assert run.stdout.strip() == f"{y.item()} {x.grad.tolist()}"  # nan [nan, 0.5, nan]
    warned = [line for line in run.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1 and warned[0].startswith("<string>:6:"), run.stderr
