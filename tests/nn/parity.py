"""Helpers for comparing autograd-kit with PyTorch: move tensors across, copy weights, and
assert that values match to float32 tolerance."""

from __future__ import annotations

import numpy as np
import torch

import autograd_kit as ak
import autograd_kit.nn  # noqa: F401  (registers ak.nn, ak.optim, ak.utils.data)
import autograd_kit.optim  # noqa: F401
import autograd_kit.utils.data  # noqa: F401


def to_torch(tensor, requires_grad: bool = False) -> torch.Tensor:
    out = torch.from_numpy(np.array(tensor.detach().numpy(), copy=True))
    return out.requires_grad_(requires_grad)


def to_ak(tensor, requires_grad: bool = False):
    return ak.tensor(tensor.detach().cpu().numpy().copy(), requires_grad=requires_grad)


def copy_weights(torch_module: torch.nn.Module, ak_module) -> None:
    """Load the torch module's parameters and buffers into the ak module (same names)."""
    state = {name: to_ak(value) for name, value in torch_module.state_dict().items()}
    ak_module.load_state_dict(state)


def assert_close(ak_value, torch_value, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    actual = np.asarray(ak_value.detach().tolist() if hasattr(ak_value, "detach") else ak_value)
    expected = torch_value.detach().numpy() if isinstance(torch_value, torch.Tensor) \
        else np.asarray(torch_value)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def assert_same_params(ak_module, torch_module, rtol: float = 1e-5, atol: float = 1e-6,
                       grads: bool = True) -> None:
    """Every parameter (and its .grad, if any) equal in both modules, matched by name."""
    ak_params = dict(ak_module.named_parameters())
    torch_params = dict(torch_module.named_parameters())
    assert list(ak_params) == list(torch_params)
    for name, torch_param in torch_params.items():
        assert_close(ak_params[name], torch_param, rtol, atol)
        if grads:
            if torch_param.grad is None:
                assert ak_params[name].grad is None, name
            else:
                assert_close(ak_params[name].grad, torch_param.grad, rtol, atol)


def assert_forward_backward_match(torch_module, ak_module, x, rtol: float = 1e-5,
                                  atol: float = 1e-5, params: bool = True):
    """Run both modules (or functions) on the torch tensor `x` and its copy, compare outputs
    and grad_fn names, back-propagate the same random upstream gradient, and compare the
    input's gradient and (with `params`) every parameter and its gradient."""
    x = x.detach().requires_grad_()
    ax = to_ak(x, requires_grad=True)
    torch_out, ak_out = torch_module(x), ak_module(ax)
    assert_close(ak_out, torch_out, rtol, atol)
    assert ak_out.grad_fn.name() == torch_out.grad_fn.name()
    upstream = torch.randn(torch_out.shape, dtype=torch_out.dtype)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad, rtol, atol)
    if params:
        assert_same_params(ak_module, torch_module, rtol, atol)
    return ak_out, torch_out


def gradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare autograd's gradient of sum(fn(*inputs) * v) (v random) with central
    differences, for float64 inputs; raise AssertionError on a mismatch."""
    rng = np.random.default_rng(0)
    out = fn(*inputs)
    upstream = ak.tensor(rng.standard_normal(tuple(out.shape)), dtype=ak.float64)
    analytic = ak.autograd.grad((out * upstream).sum(), inputs, allow_unused=True)
    for tensor, grad in zip(inputs, analytic, strict=True):
        values = tensor.detach().numpy()  # shares memory with the tensor
        numeric = np.zeros_like(values)
        for index in np.ndindex(values.shape):
            original = values[index]
            values[index] = original + eps
            plus = (fn(*inputs) * upstream).sum().item()
            values[index] = original - eps
            minus = (fn(*inputs) * upstream).sum().item()
            values[index] = original
            numeric[index] = (plus - minus) / (2 * eps)
        actual = np.zeros_like(values) if grad is None else np.asarray(grad.tolist())
        np.testing.assert_allclose(actual, numeric, rtol=rtol, atol=atol)
    return True


def node_name(node) -> str | None:
    """A grad_fn's name without PyTorch's C++ namespace (torch::autograd::AccumulateGrad)."""
    return None if node is None else node.name().rsplit("::", 1)[-1]


def assert_raises_like(torch_call, ak_call) -> None:
    """Both calls raise the same exception type with exactly PyTorch's message (ak's teaching
    hint rides along as an exception note, outside ``str(error)``)."""
    import pytest

    with pytest.raises(Exception) as expected:
        torch_call()
    with pytest.raises(Exception) as actual:
        ak_call()
    assert type(actual.value) is type(expected.value)
    assert str(actual.value) == str(expected.value)
