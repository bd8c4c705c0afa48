"""Bad input: the same exception type and words as PyTorch, one teaching hint, nothing corrupted."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak


def second_backward(L):
    x = L.tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def non_scalar_backward(L):
    (L.tensor([1.0, 2.0], requires_grad=True) * 2).backward()


def wrong_gradient_shape(L):
    (L.tensor([1.0, 2.0, 3.0], requires_grad=True) * 2).backward(L.ones(2))


def in_place_change_of_saved_tensor(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y
    y.add_(1)
    z.sum().backward()


def in_place_on_leaf(L):
    x = L.tensor([1.0], requires_grad=True)
    x.add_(1)


def integer_requires_grad(L):
    L.tensor([1, 2], requires_grad=True)


def integer_requires_grad_(L):
    L.tensor([1, 2]).requires_grad_()


def requires_grad_on_non_leaf(L):
    y = L.tensor([1.0], requires_grad=True) * 2
    y.requires_grad = False


def numpy_of_grad_tensor(L):
    L.tensor([1.0], requires_grad=True).numpy()


def matmul_shapes(L):
    L.ones(2, 3) @ L.ones(4, 5)


def broadcast_shapes(L):
    L.ones(2, 3) + L.ones(4)


def no_grad_fn(L):
    L.tensor([1.0]).sum().backward()


def hook_without_grad(L):
    L.tensor([1.0]).register_hook(lambda g: g)


def view_size(L):
    L.ones(12).view(2, 5)


def view_of_transposed(L):
    L.ones(2, 3).t().view(6)


def in_place_on_an_expanded_tensor(L):
    (L.tensor([1.0, 2.0], requires_grad=True) * 1).expand(3, 2).mul_(2)


def in_place_on_a_view_of_a_leaf(L):
    L.tensor([1.0, 2.0], requires_grad=True)[1:].mul_(2)


def view_made_under_no_grad_changed_with_grad(L):
    y = L.tensor([1.0, 2.0], requires_grad=True) * 1
    with L.no_grad():
        view = y[1:]
    view.mul_(2)


def int_in_place_float(L):
    L.ones(3, dtype=L.int64).add_(1.5)


CASES = [
    (
        second_backward,
        RuntimeError,
        "backward through the graph a second time",
        "retain_graph=True",
    ),
    (
        non_scalar_backward,
        RuntimeError,
        "grad can be implicitly created only for scalar outputs",
        "gradient=",
    ),
    (
        wrong_gradient_shape,
        RuntimeError,
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([2])",
        "shape",
    ),
    (in_place_change_of_saved_tensor, RuntimeError, "modified by an inplace operation", "clone"),
    (
        in_place_on_leaf,
        RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation",
        "no_grad",
    ),
    (
        integer_requires_grad,
        RuntimeError,
        "Only Tensors of floating point and complex dtype can require gradients",
        "float",
    ),
    (
        integer_requires_grad_,
        RuntimeError,
        "only Tensors of floating point dtype can require gradients",
        "float",
    ),
    (
        requires_grad_on_non_leaf,
        RuntimeError,
        "you can only change requires_grad flags of leaf variables",
        "detach",
    ),
    (
        numpy_of_grad_tensor,
        RuntimeError,
        "Can't call numpy() on Tensor that requires grad",
        "detach",
    ),
    (
        matmul_shapes,
        RuntimeError,
        "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
        "columns",
    ),
    (
        broadcast_shapes,
        RuntimeError,
        "must match the size of tensor b (4) at non-singleton dimension 1",
        "broadcast",
    ),
    (
        no_grad_fn,
        RuntimeError,
        "element 0 of tensors does not require grad and does not have a grad_fn",
        "requires_grad=True",
    ),
    (
        hook_without_grad,
        RuntimeError,
        "cannot register a hook on a tensor that doesn't require gradient",
        "requires_grad=True",
    ),
    (view_size, RuntimeError, "shape '[2, 5]' is invalid for input of size 12", "-1"),
    (
        view_of_transposed,
        RuntimeError,
        "view size is not compatible with input tensor's size and stride",
        ".reshape()",
    ),
    (
        in_place_on_an_expanded_tensor,
        RuntimeError,
        "more than one element of the written-to tensor refers to a single memory location",
        "clone()",
    ),
    (
        in_place_on_a_view_of_a_leaf,
        RuntimeError,
        "a view of a leaf Variable that requires grad is being used in an in-place operation",
        "no_grad",
    ),
    (
        view_made_under_no_grad_changed_with_grad,
        RuntimeError,
        "A view was created in no_grad mode and is being modified inplace with grad mode enabled",
        "no_grad()",
    ),
    (
        int_in_place_float,
        RuntimeError,
        "result type Float can't be cast to the desired output type Long",
        "dtype",
    ),
]


@pytest.mark.parametrize(
    "make_error, kind, phrase, hint", CASES, ids=[c[0].__name__ for c in CASES]
)
def test_error_matches_torch_and_teaches(make_error, kind, phrase, hint):
    with pytest.raises(kind) as theirs:
        make_error(torch)
    assert phrase in str(theirs.value), "the phrase must be PyTorch's own words"
    with pytest.raises(kind) as ours:
        make_error(ak)
    message = str(ours.value)
    assert phrase in message
    first_line, *rest = message.split("\n")
    assert rest and rest[-1].startswith("Hint:") and hint in rest[-1]


def test_in_place_error_names_the_tensor_like_torch():
    with pytest.raises(RuntimeError) as theirs:
        in_place_change_of_saved_tensor(torch)
    with pytest.raises(RuntimeError) as ours:
        in_place_change_of_saved_tensor(ak)
    assert str(ours.value).split("\n")[0] == str(theirs.value)


def test_failed_operations_leave_tensors_unchanged():
    x = ak.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        x.add_(1)
    assert x.tolist() == [1.0, 2.0] and x._version == 0
    y = ak.ones(3, dtype=ak.int64)
    with pytest.raises(RuntimeError):
        y.add_(1.5)
    assert y.tolist() == [1, 1, 1]
    z = (x * 2).sum()
    with pytest.raises(RuntimeError):
        z.backward(ak.ones(2))
    assert x.grad is None
    z.backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_second_backward_leaves_first_gradients_intact():
    x = ak.tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError):
        y.backward()
    assert x.grad.tolist() == [2.0]


def inference_tensor_saved(L):
    with L.inference_mode():
        made = L.ones(2) * 2
    made * L.ones(2, requires_grad=True)


def test_inference_tensors_cannot_be_saved_for_backward():
    phrase = "Inference tensors cannot be saved for backward"
    for lib in (torch, ak):
        with pytest.raises(RuntimeError, match=phrase):
            inference_tensor_saved(lib)
        with lib.inference_mode():
            made = lib.ones(2)
        assert made.is_inference() and not lib.ones(2).is_inference()
        # Not saved (addition keeps no inputs): allowed, as in PyTorch.
        assert (made + lib.ones(2, requires_grad=True)).requires_grad


# ---- nn-more ----


def layer_norm_over_the_wrong_dimension(L):
    L.nn.LayerNorm(3)(L.ones(2, 3, 4))


def test_layer_norm_shape_error_matches_torch_and_teaches():
    test_error_matches_torch_and_teaches(
        layer_norm_over_the_wrong_dimension,
        RuntimeError,
        "Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 3, 4]",
        "x.shape[-1]",
    )


def _ones(L):
    return L.ones(2, 3, 4, 4)


# The same exception type and exactly PyTorch's words (no hint: the message says it all).
NN_MORE_ERRORS = {
    "gelu_approximate": lambda L: L.nn.functional.gelu(_ones(L), approximate="exact"),
    "gelu_of_integers": lambda L: L.nn.functional.gelu(L.tensor([1, 2])),
    "silu_of_integers": lambda L: L.nn.functional.silu(L.tensor([1, 2])),
    "softplus_of_integers": lambda L: L.nn.functional.softplus(L.tensor([1, 2])),
    "elu_of_integers": lambda L: L.nn.functional.elu(L.tensor([1, 2])),
    "hardtanh_bounds": lambda L: L.nn.functional.hardtanh(_ones(L), 2.0, 1.0),
    "Hardtanh_bounds": lambda L: L.nn.Hardtanh(1.0, 1.0),
    "pad_odd_length": lambda L: L.nn.functional.pad(_ones(L), (1,)),
    "pad_too_long": lambda L: L.nn.functional.pad(L.ones(2, 3), (1, 1, 1, 1, 1, 1)),
    "pad_crops_too_much": lambda L: L.nn.functional.pad(_ones(L), (-3, -2)),
    "pad_mode": lambda L: L.nn.functional.pad(_ones(L), (1, 1), mode="mirror"),
    "pad_reflect_too_wide": lambda L: L.nn.functional.pad(_ones(L), (1, 1, 4, 0), "reflect"),
    "pad_reflect_1d_too_wide": lambda L: L.nn.functional.pad(L.ones(4, 5), (5, 0), "reflect"),
    "pad_replicate_shape": lambda L: L.nn.functional.pad(_ones(L), (1, 1), "replicate"),
    "pad_replicate_value": lambda L: L.nn.functional.pad(_ones(L), (1, 1, 1, 1), "replicate", 2.0),
    "layer_norm_weight": lambda L: L.nn.functional.layer_norm(_ones(L), (4,), L.ones(3)),
    "avg_pool_kernel_too_big": lambda L: L.nn.functional.avg_pool2d(_ones(L), 5),
    "avg_pool_padding": lambda L: L.nn.AvgPool2d(2, padding=2)(_ones(L)),
    "avg_pool_of_a_matrix": lambda L: L.nn.functional.avg_pool2d(L.ones(4, 4), 2),
    "adaptive_pool_of_a_matrix": lambda L: L.nn.AdaptiveAvgPool2d(2)(L.ones(4, 4)),
    "batch_norm_2d_of_3d": lambda L: L.nn.BatchNorm2d(3)(L.ones(3, 4, 4)),
    "batch_norm_2d_one_value": lambda L: L.nn.BatchNorm2d(3)(L.ones(1, 3, 1, 1)),
    "smooth_l1_negative_beta": lambda L: L.nn.functional.smooth_l1_loss(
        L.ones(3), L.ones(3), beta=-1.0
    ),
    "huber_zero_delta": lambda L: L.nn.HuberLoss(delta=0.0)(L.ones(3), L.ones(3)),
    "huber_reduction": lambda L: L.nn.functional.huber_loss(L.ones(3), L.ones(3), "average"),
    "parameter_list_called": lambda L: L.nn.ParameterList()(1),
    "parameter_list_index": lambda L: L.nn.ParameterList([L.nn.Parameter(L.ones(1))])[3],
    "parameter_list_extend": lambda L: L.nn.ParameterList().extend(L.ones(2)),
    "parameter_dict_key": lambda L: L.nn.ParameterDict()[1],
    "parameter_dict_called": lambda L: L.nn.ParameterDict()(1),
}


@pytest.mark.parametrize("name", sorted(NN_MORE_ERRORS))
def test_nn_more_errors_match_torch(name):
    make_error = NN_MORE_ERRORS[name]
    with pytest.raises(Exception) as theirs:
        make_error(torch)
    with pytest.raises(type(theirs.value)) as ours:
        make_error(ak)
    assert str(ours.value) == str(theirs.value)
