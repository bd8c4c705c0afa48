"""Losses: values, gradients, graph nodes, reductions and error messages vs PyTorch."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_close, gradcheck, node_name, to_ak

REDUCTIONS = ["mean", "sum", "none"]


def _run(name, options, make_inputs):
    torch.manual_seed(0)
    inputs, target = make_inputs()
    ak_inputs = to_ak(inputs, requires_grad=True)
    ak_target = to_ak(target)
    ak_options = {k: (to_ak(v) if isinstance(v, torch.Tensor) else v) for k, v in options.items()}
    torch_out = getattr(torch.nn, name)(**options)(inputs, target)
    ak_out = getattr(ak.nn, name)(**ak_options)(ak_inputs, ak_target)
    assert_close(ak_out, torch_out, atol=1e-6)
    assert ak_out.grad_fn.name() == torch_out.grad_fn.name()
    assert [node_name(n) for n, _ in ak_out.grad_fn.next_functions] == \
        [node_name(n) for n, _ in torch_out.grad_fn.next_functions]
    upstream = torch.randn(torch_out.shape)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ak_inputs.grad, inputs.grad, atol=1e-6)


def regression():
    return torch.randn(4, 3, requires_grad=True), torch.randn(4, 3)


def classes(shape=(5, 4)):
    def make():
        logits = torch.randn(*shape, requires_grad=True)
        target = torch.randint(0, shape[1], (shape[0],) + tuple(shape[2:]))
        target[1] = 2
        return logits, target
    return make


def log_probs():
    logits, target = classes()()
    return torch.log_softmax(logits.detach(), 1).requires_grad_(), target


def probabilities():
    return torch.rand(4, 3).clamp(0.01, 0.99).requires_grad_(), torch.rand(4, 3)


def logits():
    return (torch.randn(4, 3) * 3).requires_grad_(), torch.randint(0, 2, (4, 3)).float()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["MSELoss", "L1Loss"])
def test_regression_losses(name, reduction):
    _run(name, dict(reduction=reduction), regression)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, dict(weight=torch.tensor([1.0, 2.0, 0.5, 3.0])),
                                     dict(ignore_index=2), dict(label_smoothing=0.1),
                                     dict(weight=torch.tensor([1.0, 2.0, 0.5, 3.0]),
                                          label_smoothing=0.2, ignore_index=0)])
def test_cross_entropy(reduction, options):
    _run("CrossEntropyLoss", dict(reduction=reduction, **options), classes())


def test_cross_entropy_spatial_and_unbatched():
    _run("CrossEntropyLoss", {}, classes((3, 4, 2, 2)))
    _run("CrossEntropyLoss", {}, lambda: (torch.randn(4, requires_grad=True), torch.tensor(2)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, dict(weight=torch.tensor([1.0, 2.0, 0.5, 3.0])),
                                     dict(ignore_index=2)])
def test_nll_loss(reduction, options):
    _run("NLLLoss", dict(reduction=reduction, **options), log_probs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, dict(weight=torch.tensor([1.0, 2.0, 0.5]))])
def test_bce(reduction, options):
    _run("BCELoss", dict(reduction=reduction, **options), probabilities)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, dict(weight=torch.tensor([1.0, 2.0, 0.5])),
                                     dict(pos_weight=torch.tensor([3.0, 1.0, 0.2]))])
def test_bce_with_logits(reduction, options):
    _run("BCEWithLogitsLoss", dict(reduction=reduction, **options), logits)


def test_bce_clamps_log_at_minus_100():
    p = ak.tensor([0.0, 1.0], requires_grad=True)
    loss = ak.nn.functional.binary_cross_entropy(p, ak.tensor([1.0, 0.0]))
    tp = torch.tensor([0.0, 1.0], requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy(tp, torch.tensor([1.0, 0.0]))
    assert loss.item() == expected.item() == 100.0


def test_gradcheck_cross_entropy_in_float64():
    ak.manual_seed(0)
    x = ak.randn(4, 3, dtype=ak.float64, requires_grad=True)
    target = ak.tensor([0, 2, 1, 2])
    weight = ak.tensor([1.0, 2.0, 0.5], dtype=ak.float64)
    assert gradcheck(
        lambda a: ak.nn.functional.cross_entropy(a, target, weight=weight), (x,))
    p = ak.rand(4, 3, dtype=ak.float64) * 0.8 + 0.1
    t = ak.rand(4, 3, dtype=ak.float64, requires_grad=True)
    assert gradcheck(ak.nn.functional.binary_cross_entropy, (p.requires_grad_(), t))
    logits = ak.randn(4, 3, dtype=ak.float64, requires_grad=True)
    pos_weight = ak.tensor([0.5, 1.0, 3.0], dtype=ak.float64)
    assert gradcheck(
        lambda a, b: ak.nn.functional.binary_cross_entropy_with_logits(
            a, b, weight=pos_weight, pos_weight=pos_weight), (logits, t))
    assert gradcheck(lambda a, b: ak.nn.functional.mse_loss(a, b, reduction="sum"),
                     (logits, t))


def _same_error(error, torch_call, ak_call):
    with pytest.raises(error) as expected:
        torch_call()
    with pytest.raises(error) as actual:
        ak_call()
    assert str(actual.value).splitlines()[0] == str(expected.value)


@pytest.mark.parametrize("bad", [3, -2, 7])
def test_class_index_out_of_range_matches_pytorch(bad):
    x = torch.randn(4, 3)
    target = [0, 1, bad, 0]
    _same_error(IndexError,
                lambda: torch.nn.functional.cross_entropy(x, torch.tensor(target)),
                lambda: ak.nn.functional.cross_entropy(to_ak(x), ak.tensor(target)))
    _same_error(IndexError,
                lambda: torch.nn.functional.nll_loss(x, torch.tensor(target)),
                lambda: ak.nn.functional.nll_loss(to_ak(x), ak.tensor(target)))


def test_other_errors_match_pytorch():
    x = torch.randn(4, 3)
    _same_error(ValueError,
                lambda: torch.nn.functional.cross_entropy(x, torch.tensor([0, 1, 2])),
                lambda: ak.nn.functional.cross_entropy(to_ak(x), ak.tensor([0, 1, 2])))
    _same_error(RuntimeError,
                lambda: torch.nn.functional.nll_loss(x, torch.tensor([0.0, 1, 2, 1])),
                lambda: ak.nn.functional.nll_loss(to_ak(x), ak.tensor([0.0, 1, 2, 1])))
    _same_error(ValueError, lambda: torch.nn.MSELoss(reduction="foo")(x, x),
                lambda: ak.nn.MSELoss(reduction="foo")(to_ak(x), to_ak(x)))
    _same_error(ValueError,
                lambda: torch.nn.functional.binary_cross_entropy(torch.rand(3), torch.rand(4)),
                lambda: ak.nn.functional.binary_cross_entropy(ak.rand(3), ak.rand(4)))


def test_reprs_match_pytorch():
    for name in ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
                 "BCEWithLogitsLoss"]:
        assert repr(getattr(ak.nn, name)()) == repr(getattr(torch.nn, name)())


# ---- nn-more: SmoothL1Loss and HuberLoss ------------------------------------------------------


def spread():
    return (torch.randn(4, 3) * 2).requires_grad_(), torch.randn(4, 3)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,options", [
    ("SmoothL1Loss", {}), ("SmoothL1Loss", dict(beta=0.5)), ("SmoothL1Loss", dict(beta=3.0)),
    ("HuberLoss", {}), ("HuberLoss", dict(delta=0.5)), ("HuberLoss", dict(delta=3.0)),
])
def test_smooth_l1_and_huber_match_pytorch(name, options, reduction):
    _run(name, dict(options, reduction=reduction), spread)
    assert repr(getattr(ak.nn, name)(**options)) == repr(getattr(torch.nn, name)(**options))


def test_smooth_l1_with_beta_zero_is_the_l1_loss_like_pytorch():
    _run("SmoothL1Loss", dict(beta=0.0), spread)


def test_smooth_l1_legacy_flags_match_pytorch():
    _run("SmoothL1Loss", dict(size_average=False), spread)


@pytest.mark.parametrize("name", ["smooth_l1_loss", "huber_loss"])
def test_size_mismatch_warns_and_broadcasts_like_pytorch(name):
    torch.manual_seed(0)
    x, target = torch.randn(3, 1, requires_grad=True), torch.randn(3)
    ax = to_ak(x, requires_grad=True)
    with pytest.warns(UserWarning) as theirs:
        torch_out = getattr(torch.nn.functional, name)(x, target)
    with pytest.warns(UserWarning) as ours:
        ak_out = getattr(ak.nn.functional, name)(ax, to_ak(target))
    assert str(ours[0].message) == str(theirs[0].message)
    assert_close(ak_out, torch_out)
    torch_out.backward()
    ak_out.backward()
    assert_close(ax.grad, x.grad)


@pytest.mark.parametrize("name,kwargs", [("smooth_l1_loss", dict(beta=0.7)),
                                         ("huber_loss", dict(delta=0.7))])
def test_gradcheck_in_float64(name, kwargs):
    ak.manual_seed(0)
    x = ak.randn(3, 4, dtype=ak.float64, requires_grad=True)
    target = ak.randn(3, 4, dtype=ak.float64, requires_grad=True)
    assert gradcheck(lambda a, b: getattr(ak.nn.functional, name)(a, b, reduction="sum", **kwargs),
                     (x, target))


# ---- nn-tail ----------------------------------------------------------------------------------


def graph_names(output) -> list:
    """Every node of output's graph with its depth, in a canonical order."""
    names, stack = [], [(output.grad_fn, 0)]
    while stack:
        node, depth = stack.pop()
        if node is not None:
            names.append((depth, node_name(node)))
            stack.extend((child, depth + 1) for child, _ in node.next_functions)
    return sorted(names)


def run_loss(name, options, tensors, needs_grad):
    """The loss module `name` on copies of `tensors` in both libraries: same repr, value,
    dtype, whole graph and gradient for every tensor in `needs_grad` (indices)."""
    torch_inputs = [t.detach().clone().requires_grad_(i in needs_grad)
                    for i, t in enumerate(tensors)]
    ak_inputs = [to_ak(t, requires_grad=i in needs_grad) for i, t in enumerate(tensors)]
    torch_module = getattr(torch.nn, name)(**options)
    ak_module = getattr(ak.nn, name)(
        **{k: to_ak(v) if isinstance(v, torch.Tensor) else v for k, v in options.items()})
    assert repr(ak_module) == repr(torch_module)
    torch_out, ak_out = torch_module(*torch_inputs), ak_module(*ak_inputs)
    assert str(ak_out.dtype) == str(torch_out.dtype)
    assert_close(ak_out, torch_out, atol=1e-6)
    assert graph_names(ak_out) == graph_names(torch_out)
    upstream = torch.randn(torch_out.shape, dtype=torch_out.dtype)
    torch_out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    for i in needs_grad:
        assert_close(ak_inputs[i].grad, torch_inputs[i].grad, atol=1e-6)


def _signs(*shape):
    return torch.randint(0, 2, shape).double() * 2 - 1


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,options,make_tensors,needs_grad", [
    ("KLDivLoss", {}, lambda: [torch.randn(4, 3), torch.rand(4, 3)], [0]),
    ("KLDivLoss", dict(log_target=True), lambda: [torch.randn(4, 3), torch.randn(4, 3)], [0, 1]),
    ("MarginRankingLoss", dict(margin=0.2),
     lambda: [torch.randn(6), torch.randn(6), _signs(6)], [0, 1]),
    ("TripletMarginLoss", {}, lambda: [torch.randn(4, 3) for _ in range(3)], [0, 1, 2]),
    ("TripletMarginLoss", dict(margin=0.5, p=1.0, swap=True),
     lambda: [torch.randn(5, 3) for _ in range(3)], [0, 1, 2]),
    ("PoissonNLLLoss", {}, lambda: [torch.randn(4, 3), torch.rand(4, 3) * 3], [0]),
    ("PoissonNLLLoss", dict(log_input=False, full=True),
     lambda: [torch.rand(4, 3) + 0.1, torch.rand(4, 3) * 4], [0]),
    ("GaussianNLLLoss", {}, lambda: [torch.randn(4, 3), torch.randn(4, 3), torch.rand(4, 3)],
     [0, 1, 2]),
    ("GaussianNLLLoss", dict(full=True, eps=0.1),
     lambda: [torch.randn(4, 3), torch.randn(4, 3), torch.rand(4)], [0, 2]),
    ("HingeEmbeddingLoss", dict(margin=0.5), lambda: [torch.randn(4, 3), _signs(4, 3)], [0]),
    ("CrossEntropyLoss", {}, lambda: [torch.randn(4, 3), torch.rand(4, 3).softmax(1)], [0]),
    ("CrossEntropyLoss", dict(label_smoothing=0.2, weight=torch.rand(3, dtype=torch.float64)),
     lambda: [torch.randn(4, 3, 2), torch.rand(4, 3, 2).softmax(1)], [0]),
    ("CrossEntropyLoss", dict(label_smoothing=0.1),
     lambda: [torch.randn(4, 3), torch.tensor([0, 2, 1, 1])], [0]),
    ("CrossEntropyLoss", dict(label_smoothing=0.3, ignore_index=1,
                              weight=torch.rand(3, dtype=torch.float64)),
     lambda: [torch.randn(5, 3), torch.tensor([0, 2, 1, 1, 0])], [0]),
])
def test_tail_losses_match_pytorch(name, options, make_tensors, needs_grad, reduction):
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    try:
        tensors = make_tensors()
    finally:
        torch.set_default_dtype(torch.float32)
    run_loss(name, dict(options, reduction=reduction), tensors, needs_grad)


def test_kl_div_mean_warns_like_pytorch():
    torch.manual_seed(0)
    x, target = torch.randn(3, 4), torch.rand(3, 4)
    with pytest.warns(UserWarning) as theirs:
        expected = torch.nn.functional.kl_div(x, target)
    with pytest.warns(UserWarning) as ours:
        actual = ak.nn.functional.kl_div(to_ak(x), to_ak(target))
    assert str(ours[0].message) == str(theirs[0].message)
    assert ours[0].filename == __file__  # (pointing at the caller, as PyTorch's does)
    assert_close(actual, expected)


@pytest.mark.parametrize("name,options", [
    ("CosineSimilarity", {}), ("CosineSimilarity", dict(dim=0, eps=1e-3)),
    ("PairwiseDistance", {}), ("PairwiseDistance", dict(p=1.0, keepdim=True)),
    ("PairwiseDistance", dict(p=3.0, eps=0.0)),
])
def test_distance_modules_match_pytorch(name, options):
    torch.manual_seed(0)
    tensors = [torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)]
    run_loss(name, options, tensors, [0, 1])
    module = getattr(ak.nn, name)(**options)
    assert list(module.parameters()) == []
    assert list(module.state_dict()) == list(getattr(torch.nn, name)(**options).state_dict())
