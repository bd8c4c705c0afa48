"""In-place methods a PyTorch tutorial uses: index_add_ and the alpha= of add/sub/add_/sub_,
checked against PyTorch (values, grad_fn, gradients, errors) and on a simulated device."""

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_raises_like


def index_add_in_place(L):
    x = L.zeros(3, 2, requires_grad=True)
    source = L.ones(2, 2, requires_grad=True)
    y = x * 1
    y.index_add_(0, L.tensor([0, 2]), source, alpha=2)
    (y * L.arange(6.0).reshape(3, 2)).sum().backward()
    return [repr(y), repr(x.grad), repr(source.grad), y._version]


def index_add_repeated_indices(L):
    out = L.index_add(L.zeros(4), 0, L.tensor([1, 1, 3]), L.tensor([1.0, 2.0, 3.0]))
    return [repr(out), repr(L.zeros(2, 3).index_add_(1, L.tensor([2]), L.ones(2, 1)))]


def alpha_as_a_0d_tensor(L):
    x = L.ones(3, requires_grad=True)
    y = x.add(x * 1, alpha=L.tensor(2.0)).sub(x, alpha=L.tensor(0.5))
    z = L.ones(3).add_(L.ones(3), alpha=L.tensor(3))
    return [repr(y), repr(z), repr(L.zeros(2).index_add(0, L.tensor([0]), L.ones(1),
                                                       alpha=L.tensor(4.0)))]


@pytest.mark.parametrize("scenario", [index_add_in_place, index_add_repeated_indices,
                                      alpha_as_a_0d_tensor])
def test_prints_what_pytorch_prints(scenario):
    assert scenario(ak) == scenario(torch)


@pytest.mark.parametrize("make_error", [
    lambda L: L.ones(2).add_(L.ones(2), alpha=L.ones(2)),
    lambda L: L.ones(2).sub(L.ones(2), alpha=L.ones(2)),
    lambda L: L.ones(2).index_add(0, L.tensor([0]), L.ones(1), alpha=L.ones(2)),
    lambda L: L.ones(3).index_add_(0, L.tensor([0, 1]), L.ones(3)),
    lambda L: L.ones(3, requires_grad=True).index_add_(0, L.tensor([0]), L.ones(1)),
])
def test_mistakes_raise_pytorchs_error(make_error):
    assert_raises_like(lambda: make_error(torch), lambda: make_error(ak))


def test_a_0d_tensor_alpha_on_the_array_api_strict_device(strict_devices):
    device = strict_devices[1]
    x = ak.ones(3, device=device)
    x.add_(ak.ones(3, device=device), alpha=ak.tensor(2.0, device=device))
    x.sub_(ak.ones(3, device=device), alpha=ak.tensor(1.0))
    y = ak.zeros(3, device=device).index_add_(
        0, ak.tensor([0, 0], device=device), ak.ones(2, device=device), alpha=ak.tensor(2.0)
    )
    assert x.tolist() == [2.0, 2.0, 2.0] and y.tolist() == [4.0, 0.0, 0.0]
    assert x.device == device


# ---- x.exp_() and friends: the out-of-place method's result written back ----------------------

from autograd_kit.ops.inplace import INPLACE_FROM_METHOD  # noqa: E402

# Arguments besides self; "other" is a second tensor that requires grad, "mask" a bool mask,
# "index" an integer index (for scatter).
INPLACE_ARGUMENTS = {
    "atan2": ("other",), "clamp_max": (0.6,), "clamp_min": (0.4,), "clip": (0.3, 0.7),
    "divide": (2.0,), "floor_divide": (0.3,), "fmod": (0.3,), "hypot": ("other",), "lerp": ("other", 0.3),
    "masked_fill": ("mask", 1.5), "multiply": (3.0,), "remainder": (0.3,),
    "scatter": (0, "index", "other"), "scatter_add": (0, "index", "other"), "subtract": (1.0,),
    "true_divide": (4.0,), "cumsum": (0,), "cumprod": (0,),
}  # fmt: skip


def changed_in_place(L, name):
    x = L.tensor([[0.2, 0.7], [0.4, 0.9]], dtype=L.float64, requires_grad=True)
    other = L.tensor([[0.5, 0.3], [0.6, 0.1]], dtype=L.float64, requires_grad=True)
    given = {"other": other, "mask": L.tensor([[True, False], [False, True]]),
             "index": L.tensor([[1, 0], [0, 1]])}  # fmt: skip
    args = [given.get(a, a) if isinstance(a, str) else a for a in INPLACE_ARGUMENTS.get(name, ())]
    y = x * 1
    assert getattr(y, f"{name}_")(*args) is y  # the very tensor, changed
    version = y._version
    try:
        (y * L.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=L.float64)).sum().backward()
    except RuntimeError as error:  # floor_divide has no derivative, in both
        return [str(error)]
    grads = [None if t.grad is None else t.grad.detach().numpy().round(6).tolist() for t in (x, other)]
    return [y.detach().numpy().round(6).tolist(), y.grad_fn.name(), grads, version]


@pytest.mark.parametrize("name", [*INPLACE_FROM_METHOD, "floor_divide"])
def test_inplace_form_matches_pytorch(name):
    assert changed_in_place(ak, name) == changed_in_place(torch, name)


def test_inplace_form_refuses_a_leaf_and_keeps_it_unchanged():
    for L in (ak, torch):
        leaf = L.tensor([1.0, 4.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            leaf.sqrt_()
        assert leaf.tolist() == [1.0, 4.0] and leaf._version == 0
