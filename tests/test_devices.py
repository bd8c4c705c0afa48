"""Tensors on other devices: creation, transfers, whole training steps, gradients that stay on
their device, and PyTorch's errors for mixing devices.

CI has no GPU, so everything device-related runs for real on array-api-strict's simulated
devices ``strict:1`` and ``strict:2`` (registered in conftest.py), which refuse to mix arrays
exactly as two GPUs do. The tests marked ``cuda`` repeat the essentials on a real GPU with
CuPy and are skipped cleanly where ``ak.cuda.is_available()`` is false.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import autograd_kit as ak
import autograd_kit.nn as nn

DEVICE = "strict:1"
OTHER = "strict:2"


def _load_gradcheck_cases():
    """The per-primitive table of tests/autograd/test_gradcheck.py (one row per primitive)."""
    path = Path(__file__).parent / "autograd" / "test_gradcheck.py"
    spec = importlib.util.spec_from_file_location("_gradcheck_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GRADCHECK = _load_gradcheck_cases()


# ---- creation and transfers ---------------------------------------------------------------------

CREATION = {
    "tensor": lambda d: ak.tensor([1.0, 2.0], device=d),
    "zeros": lambda d: ak.zeros(2, 3, device=d),
    "ones": lambda d: ak.ones(2, device=d),
    "full": lambda d: ak.full((2,), 7.0, device=d),
    "empty": lambda d: ak.empty(2, device=d),
    "eye": lambda d: ak.eye(3, device=d),
    "arange": lambda d: ak.arange(4, device=d),
    "linspace": lambda d: ak.linspace(0, 1, 5, device=d),
    "rand": lambda d: ak.rand(2, device=d),
    "randn": lambda d: ak.randn(2, device=d),
    "randint": lambda d: ak.randint(0, 5, (3,), device=d),
    "zeros_like": lambda d: ak.zeros_like(ak.ones(2, device=d)),
    "ones_like": lambda d: ak.ones_like(ak.ones(2, device=d)),
    "randn_like": lambda d: ak.randn_like(ak.ones(2, device=d)),
    "full_like": lambda d: ak.full_like(ak.ones(2, device=d), 3.0),
}


@pytest.mark.parametrize("name", sorted(CREATION))
def test_creation_functions_take_device(name):
    tensor = CREATION[name](DEVICE)
    assert tensor.device == ak.device(DEVICE)
    assert tensor.device.type == "strict" and tensor.device.index == 1
    on_cpu = CREATION[name]("cpu")
    assert tensor.dtype == on_cpu.dtype and tensor.shape == on_cpu.shape


def test_same_seed_gives_the_same_numbers_on_every_device():
    ak.manual_seed(3)
    here = ak.randn(5)
    ak.manual_seed(3)
    there = ak.randn(5, device=DEVICE)
    assert there.cpu().tolist() == here.tolist()
    ak.cuda.manual_seed(3)  # the CUDA seed is the same generator, even without a GPU
    assert ak.randn(5).tolist() == here.tolist()


def test_to_moves_and_converts_like_torch():
    x = ak.tensor([1.0, 2.0])
    assert x.to("cpu") is x and x.to(ak.float32) is x and x.cpu() is x  # nothing to do
    moved = x.to(DEVICE)
    assert moved.device == ak.device(DEVICE) and moved.dtype == ak.float32
    both = x.to(DEVICE, ak.float64)
    assert both.device == ak.device(DEVICE) and both.dtype == ak.float64
    like = ak.zeros(1, dtype=ak.float64, device=OTHER)
    assert x.to(like).device == ak.device(OTHER) and x.to(like).dtype == ak.float64
    assert x.to(device=DEVICE, dtype=ak.float64).dtype == ak.float64
    assert moved.to(OTHER).device == ak.device(OTHER)  # device to device
    assert moved.cpu().tolist() == [1.0, 2.0] and moved.tolist() == [1.0, 2.0]
    assert ak.tensor(2.5, device=DEVICE).item() == 2.5


def test_repr_names_the_device():
    assert repr(ak.tensor([1.0, 2.0], device=DEVICE)) == "tensor([1., 2.], device='strict:1')"


def test_numpy_on_another_device_raises_torchs_error():
    with pytest.raises(TypeError) as info:
        ak.ones(2, device=DEVICE).numpy()
    assert str(info.value).startswith(
        "can't convert strict:1 device type tensor to numpy. Use Tensor.cpu() to copy the "
        "tensor to host memory first."
    )
    np.testing.assert_array_equal(ak.ones(2, device=DEVICE).cpu().numpy(), np.ones(2))


# ---- gradients stay on their device --------------------------------------------------------------


def test_gradient_of_a_transfer_goes_back_to_the_source_device():
    x = ak.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(DEVICE) * ak.tensor([3.0, 4.0], device=DEVICE)
    assert y.grad_fn.next_functions[0][0].name() == "ToCopyBackward0"
    y.sum().backward()
    assert x.grad.device == ak.device("cpu") and x.grad.tolist() == [3.0, 4.0]


@pytest.mark.parametrize("name", sorted(GRADCHECK.CASES))
def test_every_primitive_runs_forward_and_backward_on_another_device(name):
    """Values and gradients on strict:1 equal those on the CPU; every gradient is on strict:1."""
    results = {}
    for device in ("cpu", DEVICE):
        fn, inputs = GRADCHECK.make_inputs(name, device=device)
        out = fn(*inputs)
        assert out.device == ak.device(device)
        out.backward(ak.ones_like(out))
        grads = [t.grad for t in inputs if t.requires_grad]
        assert all(grad is not None and grad.device == ak.device(device) for grad in grads)
        results[device] = (out.detach().cpu().tolist(), [g.cpu().tolist() for g in grads])
    np.testing.assert_allclose(results[DEVICE][0], results["cpu"][0], rtol=1e-12, atol=1e-12)
    for ours, expected in zip(results[DEVICE][1], results["cpu"][1], strict=True):
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


def test_second_derivatives_on_another_device():
    x = ak.tensor([0.5, -1.0, 2.0], dtype=ak.float64, device=DEVICE, requires_grad=True)
    (grad,) = ak.autograd.grad((x.tanh() * x).sum(), x, create_graph=True)
    (second,) = ak.autograd.grad(grad.sum(), x)
    assert grad.device == second.device == ak.device(DEVICE)
    value = np.array([0.5, -1.0, 2.0])
    sech2 = 1 / np.cosh(value) ** 2
    np.testing.assert_allclose(
        second.cpu().tolist(), 2 * sech2 - 2 * value * sech2 * np.tanh(value)
    )


def make_model(device):
    ak.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).to(device)


def training_steps(device, steps=3):
    model = make_model(device)
    optimizer = ak.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    ak.manual_seed(1)
    inputs = ak.randn(16, 4).to(device)
    targets = ak.randint(0, 3, (16,)).to(device)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses


def test_module_to_moves_parameters_in_place_and_trains_there():
    model = make_model("cpu")
    parameters = list(model.parameters())
    assert model.to(DEVICE) is model
    assert [p is q for p, q in zip(parameters, model.parameters(), strict=True)] == [True] * 4
    assert all(p.device == ak.device(DEVICE) for p in model.parameters())

    model_there, losses_there = training_steps(DEVICE)
    _, losses_here = training_steps("cpu")
    np.testing.assert_allclose(losses_there, losses_here, rtol=1e-6)
    assert losses_there[-1] < losses_there[0]
    for parameter in model_there.parameters():
        assert parameter.device == ak.device(DEVICE) and parameter.grad.device == ak.device(DEVICE)


def test_custom_function_gradients_stay_on_the_device():
    class Cube(ak.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * grad

    x = ak.tensor([1.0, 2.0], device=DEVICE, requires_grad=True)
    Cube.apply(x).sum().backward()
    assert x.grad.device == ak.device(DEVICE) and x.grad.tolist() == [3.0, 12.0]


def test_hooks_and_retain_grad_see_device_gradients():
    x = ak.tensor([1.0, 2.0], device=DEVICE, requires_grad=True)
    y = x * 2
    y.retain_grad()
    seen = []
    y.register_hook(lambda grad: seen.append(grad.device))
    (y * y).sum().backward()
    assert seen == [ak.device(DEVICE)] and y.grad.device == ak.device(DEVICE)


# ---- mixing devices ------------------------------------------------------------------------------

MIXED = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "matmul": lambda a, b: a @ b,
    "cat": lambda a, b: ak.cat([a, b]),
    "stack": lambda a, b: ak.stack([a, b]),
    "where": lambda a, b: ak.where(a > 0, a, b),
    "maximum": lambda a, b: ak.maximum(a, b),
    "inplace": lambda a, b: a.add_(b),
    "setitem": lambda a, b: a.__setitem__(slice(None), b),
    "linear": lambda a, b: nn.functional.linear(a.reshape(1, 2), b.reshape(1, 2)),
    # ---- elementwise ----
    "atan2": lambda a, b: ak.atan2(a, b),
    "fmod": lambda a, b: a.fmod(b),
    "mod": lambda a, b: a % b,
    "floor_divide": lambda a, b: a // b,
    "lerp": lambda a, b: a.lerp(b, 0.5),
    "lerp_weight": lambda a, b: a.lerp(a, b),
    "addcmul": lambda a, b: a.addcmul(a, b),
    "addcdiv_in_place": lambda a, b: a.addcdiv_(b, a),
    "where_method": lambda a, b: a.where(a > 0, b),
}


@pytest.mark.parametrize("name", sorted(MIXED))
@pytest.mark.parametrize("pair", [("cpu", DEVICE), (DEVICE, OTHER)])
def test_mixing_devices_raises_torchs_error(name, pair):
    a = ak.tensor([1.0, 2.0], device=pair[0])
    b = ak.tensor([3.0, 4.0], device=pair[1])
    with pytest.raises(RuntimeError) as info:
        MIXED[name](a, b)
    message = str(info.value)
    assert message.startswith(
        "Expected all tensors to be on the same device, but found at least two devices, "
    )
    assert set(message.split("\n")[0].split("devices, ")[1].rstrip("!").split(" and ")) == set(pair)
    assert info.value.__notes__[-1].startswith("Hint:")


@pytest.mark.filterwarnings("error")  # and without comparing dtypes across array libraries
def test_backward_with_a_gradient_on_another_device_raises():
    x = ak.tensor([1.0, 2.0], device=DEVICE, requires_grad=True)
    with pytest.raises(RuntimeError, match="device"):
        (x * 2).backward(ak.ones(2))


# ---- a real GPU ------------------------------------------------------------------------------------

cuda = pytest.mark.cuda
needs_gpu = pytest.mark.skipif(
    not ak.cuda.is_available(), reason=f"no CUDA GPU: {ak.cuda.unavailable_reason()}"
)


@cuda
@needs_gpu
def test_cuda_tensors_hold_cupy_arrays_and_gradients_stay_there():
    import cupy

    x = ak.randn(1000, device="cuda", requires_grad=True)
    assert x.is_cuda and x.device == ak.device("cuda:0")
    assert isinstance(x._array, cupy.ndarray)
    (x.tanh() * x).sum().backward()
    assert x.grad.is_cuda and isinstance(x.grad._array, cupy.ndarray)
    expected = (
        np.tanh(x.detach().cpu().numpy())
        + x.detach().cpu().numpy() / np.cosh(x.detach().cpu().numpy()) ** 2
    )
    np.testing.assert_allclose(x.grad.cpu().numpy(), expected, rtol=1e-5, atol=1e-6)


@cuda
@needs_gpu
def test_cuda_training_step_matches_the_cpu():
    _, losses_gpu = training_steps("cuda")
    _, losses_cpu = training_steps("cpu")
    np.testing.assert_allclose(losses_gpu, losses_cpu, rtol=1e-4)


@cuda
@needs_gpu
def test_cuda_errors_match_torch():
    x = ak.ones(2, device="cuda")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        x.numpy()
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        x + ak.ones(2)
    assert ak.cuda.device_count() >= 1 and isinstance(ak.cuda.get_device_name(), str)


@cuda
@needs_gpu
def test_every_primitive_on_cuda():
    for name in sorted(GRADCHECK.CASES):
        if name == "ToCopy":  # its case moves through strict:1
            continue
        fn, inputs = GRADCHECK.make_inputs(name, device="cuda")
        out = fn(*inputs)
        out.backward(ak.ones_like(out))
        assert all(t.grad.is_cuda for t in inputs if t.requires_grad), name


# ---- elementwise ----
# The elementwise ops whose results record nothing (tests, integer inputs, NaN clean-up,
# where(condition)) on strict:1: the same values and dtypes as on the CPU.
ELEMENTWISE_UNRECORDED = {
    "isinf": lambda x, i: x.isinf(),
    "isposinf": lambda x, i: ak.isposinf(x),
    "isneginf": lambda x, i: x.isneginf(),
    "isinf_of_integers": lambda x, i: i.isinf(),
    "signbit": lambda x, i: x.signbit(),
    "signbit_of_integers": lambda x, i: ak.signbit(i),
    "signbit_of_bools": lambda x, i: (i > 0).signbit(),
    "nan_to_num": lambda x, i: x.nan_to_num(posinf=5.0),
    "where_condition": lambda x, i: ak.where(i > 0)[0],
    "floor_of_integers": lambda x, i: i.floor(),
    "round_decimals": lambda x, i: x.round(decimals=1),
    "exp2_of_integers": lambda x, i: i.exp2(),
    "fmod_of_integers": lambda x, i: i.fmod(3),
    "fmod_of_floats": lambda x, i: x.nan_to_num().fmod(-1.5),
    "mod_of_integers": lambda x, i: i % (i.abs() + 1),
    "number_mod_integers": lambda x, i: 7 % (i.abs() + 1),
    "floor_divide_of_integers": lambda x, i: i // -2,
    "floor_divide_float_by_integers": lambda x, i: x.nan_to_num() // (i.abs() + 1),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE_UNRECORDED))
def test_unrecorded_elementwise_ops_on_another_device(name):
    results = []
    for device in ("cpu", DEVICE):
        x = ak.tensor([1.5, -0.0, float("inf"), -float("inf"), float("nan"), -2.25], device=device)
        i = ak.tensor([3, -7, 0, 5, -2, 8], device=device)
        out = ELEMENTWISE_UNRECORDED[name](x, i)
        assert out.device == ak.device(device)
        results.append((str(out.dtype), out.cpu().numpy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[1][1], results[0][1])


# ---- a 0-dim CPU tensor meets another device ----
# PyTorch treats a 0-dim CPU tensor like a number (cuda_x + torch.tensor(2.) works, on the GPU);
# tensor([2.]) on the CPU is refused. Its gradient comes back to the CPU (the engine sums it to
# the scalar's shape and moves it, as PyTorch's engine does).

CPU_SCALAR = {
    "add": lambda a, s: a + s,
    "radd": lambda a, s: s + a,
    "sub": lambda a, s: s - a,
    "mul": lambda a, s: a * s,
    "div": lambda a, s: s / a,
    "pow": lambda a, s: a**s,
    "maximum": lambda a, s: ak.maximum(a, s),
    "where_other": lambda a, s: ak.where(a > 1.5, a, s),
    "where_self": lambda a, s: ak.where(a > 1.5, s, a),
}


@pytest.mark.parametrize("name", sorted(CPU_SCALAR))
def test_a_cpu_scalar_tensor_joins_an_op_on_another_device(name):
    results = {}
    for device in ("cpu", DEVICE):
        a = ak.tensor([1.0, 2.0], device=device, requires_grad=True)
        s = ak.tensor(3.0, requires_grad=True)  # always on the CPU
        out = CPU_SCALAR[name](a, s)
        assert out.device == ak.device(device)
        out.sum().backward()
        assert a.grad.device == ak.device(device) and s.grad.device == ak.device("cpu")
        assert s.grad.shape == ()
        results[device] = [*out.detach().cpu().tolist(), *a.grad.cpu().tolist(), s.grad.item()]
    assert results[DEVICE] == pytest.approx(results["cpu"])


COMPARISONS = {
    "lt": lambda a, s: a < s,
    "gt_reflected": lambda a, s: s > a,
    "eq": lambda a, s: a == s,
}


@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_a_cpu_scalar_tensor_compares_with_another_device(name):
    a = ak.tensor([1.0, 3.0], device=DEVICE)
    out = COMPARISONS[name](a, ak.tensor(3.0))
    assert out.device == ak.device(DEVICE)
    assert out.cpu().tolist() == COMPARISONS[name](ak.tensor([1.0, 3.0]), ak.tensor(3.0)).tolist()


def test_a_cpu_scalar_tensor_updates_another_device_in_place():
    a = ak.tensor([1.0, 2.0], device=DEVICE)
    a.mul_(ak.tensor(2.0)).add_(ak.tensor(1))
    assert a.device == ak.device(DEVICE) and a.cpu().tolist() == [3.0, 5.0]
    # The tensor changed in place keeps its device: a CPU scalar cannot take another device's
    # values in place.
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        ak.tensor(2.0).add_(ak.ones((), device=DEVICE))


ONE_ELEMENT = {
    "add": lambda a, s: a + s,
    "radd": lambda a, s: s + a,
    "lt": lambda a, s: a < s,
    "add_": lambda a, s: a.add_(s),
    "where": lambda a, s: ak.where(a > 0, a, s),
}


@pytest.mark.parametrize("name", sorted(ONE_ELEMENT))
def test_a_one_element_cpu_tensor_with_a_dimension_is_refused(name):
    a = ak.tensor([1.0, 2.0], device=DEVICE)
    with pytest.raises(RuntimeError) as info:
        ONE_ELEMENT[name](a, ak.tensor([3.0]))
    first_line = str(info.value).split("\n")[0]
    assert first_line.startswith(
        "Expected all tensors to be on the same device, but found at least two devices, "
    )
    assert set(first_line.split("devices, ")[1].rstrip("!").split(" and ")) == {"cpu", DEVICE}


def test_a_scalar_on_another_device_does_not_join_a_third():
    a = ak.tensor([1.0, 2.0], device=DEVICE)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        a + ak.tensor(3.0, device=OTHER)
