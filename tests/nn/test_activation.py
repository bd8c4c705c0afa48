"""Activation modules: values, gradients, graph nodes and repr vs PyTorch."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, assert_forward_backward_match, node_name, to_ak

MODULES = [
    ("ReLU", {}), ("Tanh", {}), ("Sigmoid", {}), ("Softmax", dict(dim=1)),
    ("LogSoftmax", dict(dim=-1)), ("LeakyReLU", dict(negative_slope=0.2)), ("Identity", {}),
]


@pytest.mark.parametrize("name,options", MODULES)
def test_matches_pytorch(name, options):
    torch.manual_seed(0)
    x = torch.randn(4, 5, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    torch_module = getattr(torch.nn, name)(**options)
    ak_module = getattr(ak.nn, name)(**options)
    assert repr(ak_module) == repr(torch_module)
    torch_out, ak_out = torch_module(x), ak_module(ax)
    assert_close(ak_out, torch_out)
    if name in ("ReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax"):
        assert ak_out.grad_fn.name() == torch_out.grad_fn.name()
    upstream = torch.randn(4, 5)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad)


def test_no_parameters_and_requires_grad_follows_input():
    for name, options in MODULES:
        module = getattr(ak.nn, name)(**options)
        assert list(module.parameters()) == []
        assert not module(ak.randn(2, 3)).requires_grad
        assert module(ak.randn(2, 3, requires_grad=True)).requires_grad


# ---- nn-more ----------------------------------------------------------------------------------

NEW_MODULES = [
    ("GELU", {}), ("GELU", dict(approximate="tanh")), ("SiLU", {}), ("Softplus", {}),
    ("Softplus", dict(beta=2.0, threshold=3.0)), ("ELU", {}), ("ELU", dict(alpha=0.5)),
    ("ReLU6", {}), ("Hardtanh", {}), ("Hardtanh", dict(min_val=-2.0, max_val=3.0)),
]


@pytest.mark.parametrize("name,options", NEW_MODULES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_new_activations_match_pytorch(name, options, dtype):
    torch.manual_seed(0)
    x = (torch.randn(4, 6, dtype=dtype) * 4).requires_grad_()
    ax = to_ak(x, requires_grad=True)
    torch_module = getattr(torch.nn, name)(**options)
    ak_module = getattr(ak.nn, name)(**options)
    assert repr(ak_module) == repr(torch_module)
    torch_out, ak_out = torch_module(x), ak_module(ax)
    assert str(ak_out.dtype) == str(torch_out.dtype)
    assert_close(ak_out, torch_out)
    assert ak_out.grad_fn.name() == torch_out.grad_fn.name()
    upstream = torch.randn(torch_out.shape, dtype=dtype)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad)
    assert list(ak_module.parameters()) == []


@pytest.mark.parametrize("args", [
    "GELU(approximate='none')", "SiLU(inplace=True)", "Softplus(beta=1, threshold=20)",
    "ELU(alpha=0.5, inplace=True)", "ReLU6(inplace=True)", "Hardtanh(-2, 3)",
    "Hardtanh(0.0, 6.0, True)",
])
def test_new_activation_reprs_match_pytorch(args):
    assert repr(eval(f"ak.nn.{args}")) == repr(eval(f"torch.nn.{args}"))


@pytest.mark.parametrize("name,kwargs", [
    ("silu", {}), ("elu", dict(alpha=0.7)), ("hardtanh", dict(min_val=-0.5, max_val=0.5)),
    ("relu6", {}),
])
def test_inplace_activations_change_their_input_like_pytorch(name, kwargs):
    torch.manual_seed(0)
    leaf = (torch.randn(3, 4) * 4).requires_grad_()
    ak_leaf = to_ak(leaf, requires_grad=True)
    outs, names = [], []
    for lib, x in ((torch, leaf), (ak, ak_leaf)):
        hidden = x * 1
        out = getattr(lib.nn.functional, name)(hidden, inplace=True, **kwargs)
        assert out is hidden
        names.append(out.grad_fn.name())  # EluBackward1 for elu: PyTorch's in-place node
        (out * out).sum().backward()
        outs.append(out)
    assert names[0] == names[1]
    assert_close(outs[1], outs[0])
    assert_close(ak_leaf.grad, leaf.grad)


def test_softplus_switches_to_the_identity_beyond_the_threshold():
    x = torch.tensor([-30.0, -1.0, 0.0, 9.9, 10.1, 50.0], dtype=torch.float64, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    torch.nn.functional.softplus(x, beta=2.0, threshold=20.0).sum().backward()
    ak.nn.functional.softplus(ax, beta=2.0, threshold=20.0).sum().backward()
    assert_close(ax.grad, x.grad, rtol=1e-12, atol=1e-15)


def test_hardtanh_gradient_is_zero_at_the_corners_like_pytorch():
    values = [-2.0, 0.0, 3.0, 6.0, 7.0]
    grads = []
    for lib in (torch, ak):
        x = lib.tensor(values, requires_grad=True)
        lib.nn.functional.relu6(x).sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1] == [0.0, 0.0, 1.0, 0.0, 0.0]


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_second_derivative_matches_pytorch(approximate):
    torch.manual_seed(0)
    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    ax = to_ak(x, requires_grad=True)
    results = []
    for lib, leaf in ((torch, x), (ak, ax)):
        out = lib.nn.functional.gelu(leaf, approximate=approximate).sum()
        (grad,) = lib.autograd.grad(out, leaf, create_graph=True)
        (second,) = lib.autograd.grad(grad.sum(), leaf)
        results.append(second)
    assert_close(results[1], results[0], rtol=1e-10, atol=1e-12)


# ---- nn-tail ----------------------------------------------------------------------------------

TAIL_MODULES = [
    ("LogSigmoid", {}), ("Softsign", {}), ("Tanhshrink", {}), ("Hardswish", {}),
    ("Hardsigmoid", {}), ("Mish", {}), ("GLU", {}), ("GLU", dict(dim=0)), ("Softmin", dict(dim=1)),
    ("Threshold", dict(threshold=0.5, value=-3.0)), ("CELU", {}), ("CELU", dict(alpha=2.5)),
    ("SELU", {}), ("Hardshrink", {}), ("Hardshrink", dict(lambd=1.5)), ("Softshrink", {}),
    ("Softshrink", dict(lambd=2.0)),
]


@pytest.mark.parametrize("name,options", TAIL_MODULES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_tail_activations_match_pytorch(name, options, dtype):
    test_new_activations_match_pytorch(name, options, dtype)


@pytest.mark.parametrize("args", [
    "LogSigmoid()", "Softsign()", "Tanhshrink()", "Hardswish(inplace=True)",
    "Hardsigmoid(True)", "Mish()", "Mish(inplace=True)", "GLU()", "GLU(dim=0)", "Softmin()",
    "Softmin(dim=-1)", "PReLU()", "PReLU(num_parameters=3, init=0.1)", "Threshold(0.1, 20)",
    "Threshold(0.1, 20.0, inplace=True)", "CELU()", "CELU(2.0, True)", "SELU()", "SELU(True)",
    "Hardshrink()", "Hardshrink(1)", "Softshrink(lambd=0.25)",
])
def test_tail_activation_reprs_match_pytorch(args):
    assert repr(eval(f"ak.nn.{args}")) == repr(eval(f"torch.nn.{args}"))


@pytest.mark.parametrize("num_parameters,shape", [(1, (4, 3, 5)), (3, (4, 3, 5)), (3, (2, 3)),
                                                  (1, (6,))])
def test_prelu_learns_its_slopes_like_pytorch(num_parameters, shape):
    torch.manual_seed(0)
    torch_module = torch.nn.PReLU(num_parameters, init=0.1)
    ak_module = ak.nn.PReLU(num_parameters, init=0.1)
    assert list(ak_module.state_dict()) == list(torch_module.state_dict()) == ["weight"]
    assert_close(ak_module.weight, torch_module.weight)
    x = torch.randn(*shape)
    ak_out, torch_out = assert_forward_backward_match(torch_module, ak_module, x)
    assert [node_name(n) for n, _ in ak_out.grad_fn.next_functions] == \
        [node_name(n) for n, _ in torch_out.grad_fn.next_functions]


@pytest.mark.parametrize("name,kwargs", [
    ("threshold", dict(threshold=0.2, value=-1.0)), ("celu", dict(alpha=0.7)), ("selu", {}),
    ("hardswish", {}), ("hardsigmoid", {}), ("mish", {}),
])
def test_tail_inplace_activations_change_their_input_like_pytorch(name, kwargs):
    # (in place, PyTorch records ThresholdBackward1, CeluBackward1 and, for selu, EluBackward1)
    test_inplace_activations_change_their_input_like_pytorch(name, kwargs)


def test_hardswish_and_hardsigmoid_corners_match_pytorch():
    values = [-4.0, -3.0, -1.0, 0.0, 2.0, 3.0, 5.0]
    for name in ("hardswish", "hardsigmoid"):
        grads = []
        for lib in (torch, ak):
            x = lib.tensor(values, requires_grad=True)
            getattr(lib.nn.functional, name)(x).sum().backward()
            grads.append([v + 0.0 for v in x.grad.tolist()])  # (+ 0.0: -0.0 == 0.0)
        assert_close(ak.tensor(grads[1]), torch.tensor(grads[0]))


def test_threshold_keeps_integers_and_their_dtype():
    outs = [lib.nn.functional.threshold(lib.tensor([[-3, 0, 2], [5, 1, 7]]), 1, 9)
            for lib in (torch, ak)]
    assert str(outs[1].dtype) == str(outs[0].dtype)
    assert outs[1].tolist() == outs[0].tolist()
    assert not outs[1].requires_grad


def test_softmin_without_dim_warns_like_pytorch():
    x = torch.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin") as theirs:
        expected = torch.nn.functional.softmin(x)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin") as ours:
        actual = ak.nn.functional.softmin(to_ak(x))
    assert str(ours[0].message) == str(theirs[0].message)
    assert_close(actual, expected)


@pytest.mark.parametrize("name", ["logsigmoid", "mish", "celu", "selu", "hardswish"])
def test_tail_second_derivatives_match_pytorch(name):
    torch.manual_seed(0)
    x = (torch.randn(8, dtype=torch.float64) * 2).requires_grad_()
    ax = to_ak(x, requires_grad=True)
    results = []
    for lib, leaf in ((torch, x), (ak, ax)):
        out = getattr(lib.nn.functional, name)(leaf).sum()
        (grad,) = lib.autograd.grad(out, leaf, create_graph=True)
        (second,) = lib.autograd.grad(grad.sum(), leaf)
        results.append(second)
    assert_close(results[1], results[0], rtol=1e-10, atol=1e-12)
