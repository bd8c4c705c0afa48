"""Bad input: the same exception type and message as PyTorch, a teaching hint as an exception
note in the learner's language, a traceback that ends at the learner's line, nothing corrupted."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import assert_raises_like


def assert_same_exception(make_error) -> None:
    """make_error(ak) raises what make_error(torch) raises: the same type and exactly PyTorch's
    message (ak's teaching hint is a note beside it). One check for every table of bad input
    below."""
    assert_raises_like(lambda: make_error(torch), lambda: make_error(ak))


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


# ---- scans-linalg ----


def topk_more_than_there_are(L):
    L.ones(2, 3).topk(4)


def einsum_letters_for_too_many_dimensions(L):
    L.einsum("bij,jk->bik", L.ones(2, 3), L.ones(3, 4))


# ---- elementwise ----


def backward_through_floor_divide(L):
    x = L.tensor([1.5, -2.5], requires_grad=True)
    (x // 2).sum().backward()


def integer_remainder_by_zero(L):
    L.tensor([5, -7]) % L.tensor([2, 0])


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
    # ---- scans-linalg ----
    (topk_more_than_there_are, RuntimeError, "selected index k out of range", "dim="),
    (
        einsum_letters_for_too_many_dimensions,
        RuntimeError,
        "einsum(): the number of subscripts in the equation (3) does not match",
        "...",
    ),
    # ---- elementwise ----
    (
        backward_through_floor_divide,
        RuntimeError,
        "derivative for aten::floor_divide is not implemented",
        ".detach()",
    ),
    (integer_remainder_by_zero, RuntimeError, "ZeroDivisionError", ".float()"),
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
    assert str(ours.value) == str(theirs.value), "str(error) is exactly PyTorch's message"
    notes = getattr(ours.value, "__notes__", [])
    assert notes and notes[-1].startswith("Hint:") and hint in notes[-1]


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



def test_hints_speak_the_learners_language_and_never_change_the_message():
    messages, notes = [], []
    for language in ("en", "zh"):
        ak.set_language(language)
        try:
            with pytest.raises(RuntimeError) as info:
                second_backward(ak)
        finally:
            ak.set_language("en")
        messages.append(str(info.value))
        notes.append(info.value.__notes__)
    with pytest.raises(RuntimeError) as theirs:
        second_backward(torch)
    assert messages == [str(theirs.value)] * 2
    assert notes[0][0].startswith("Hint: the first backward() freed")
    assert notes[1][0].startswith("提示：第一次 backward() 已经释放")


# A learner's script or notebook cell: the mistake is on its last line.
_LEARNER_CODE = """import autograd_kit as torch
x = torch.ones(3, requires_grad=True)
y = (x * x).sum()
y.backward()
y.backward()
"""


def _run_learner_code(*command: str, env_extra: dict | None = None, stdin: str | None = None):
    import os
    import pathlib
    import subprocess
    import sys

    repo = pathlib.Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo), "AK_LANG": "en"}
    env.pop("AK_TRACEBACK", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, *command], input=stdin, capture_output=True, text=True, env=env,
        cwd=repo, timeout=120,
    )


def test_a_script_traceback_ends_at_the_learners_line_then_message_then_hint(tmp_path):
    script = tmp_path / "learner.py"
    script.write_text(_LEARNER_CODE)
    printed = _run_learner_code(str(script)).stderr.splitlines()
    assert printed[:3] == [
        "Traceback (most recent call last):",
        f'  File "{script}", line 5, in <module>',
        "    y.backward()",
    ]
    assert printed[3].startswith("RuntimeError: Trying to backward through the graph a second")
    assert printed[4].startswith("Hint: the first backward() freed")
    assert len(printed) == 5
    # For debugging, AK_TRACEBACK=full prints every frame, the kit's included.
    full = _run_learner_code(str(script), env_extra={"AK_TRACEBACK": "full"}).stderr
    assert "autograd_kit/autograd/function.py" in full and full.count('  File "') > 3


def test_an_ipython_cell_shows_the_learners_line_message_and_hint_and_debug_sees_all():
    cells = _LEARNER_CODE + "%debug\nwhere\nq\n"
    printed = _run_learner_code(
        "-m", "IPython", "--colors=nocolor", "--no-banner", "--quick", "--simple-prompt",
        stdin=cells,
    ).stdout
    shown = printed[printed.index("RuntimeError  "):printed.index("In [6]:")]
    assert "----> 1 y.backward()" in shown
    assert "autograd_kit" not in shown, "none of the kit's frames"
    message = shown.index("RuntimeError: Trying to backward through the graph a second time")
    assert shown.index("Hint: the first backward() freed") > message
    # %debug still walks the whole stack, down to the line that raised.
    assert "autograd_kit/autograd/function.py" in printed[printed.index("ipdb>"):]


def test_a_jupyter_cell_shows_the_learners_line_message_and_hint():
    import pathlib
    import re

    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    repo = pathlib.Path(__file__).resolve().parents[1]
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('import autograd_kit as torch\ntorch.set_language("zh")'),
        nbformat.v4.new_code_cell(_LEARNER_CODE.split("\n", 1)[1]),
    ])
    nbclient.NotebookClient(
        notebook, allow_errors=True, timeout=120, resources={"metadata": {"path": str(repo)}}
    ).execute()
    (error,) = notebook.cells[1].outputs
    shown = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error["traceback"]))
    assert error["ename"] == "RuntimeError"
    assert error["evalue"] == str(_error_of(second_backward, torch))
    assert "----> 4 y.backward()" in shown and "autograd_kit" not in shown
    assert shown.rstrip().endswith("提示：第一次 backward() 已经释放了这个计算图保存的值。如果还要再沿同一个"
                                   "计算图做反向传播，请在第一次调用时传入 retain_graph=True，或者重新做一遍前向传播。")


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


def test_inference_tensors_keep_no_version_counter():
    assert_same_exception(lambda L: _version_of_inference_tensor(L))
    assert ak.ones(2).add_(1)._version == torch.ones(2).add_(1)._version == 1


def _version_of_inference_tensor(L):
    with L.inference_mode():
        made = L.ones(2)
    return made._version


# ---- shape-index ----


def gather_with_a_vector_index(L):
    L.ones(3, 4).gather(1, L.tensor([0, 1, 2]))


def gather_with_a_float_index(L):
    L.ones(3, 4).gather(1, L.tensor([[0.0], [1.0], [2.0]]))


SHAPE_INDEX_CASES = [
    (
        gather_with_a_vector_index,
        RuntimeError,
        "Index tensor must have the same number of dimensions as input tensor",
        "unsqueeze",
    ),
    (gather_with_a_float_index, RuntimeError, "Expected dtype int32/int64 for index", ".long()"),
]


@pytest.mark.parametrize(
    "make_error, kind, phrase, hint",
    SHAPE_INDEX_CASES,
    ids=[c[0].__name__ for c in SHAPE_INDEX_CASES],
)
def test_shape_index_error_matches_torch_and_teaches(make_error, kind, phrase, hint):
    test_error_matches_torch_and_teaches(make_error, kind, phrase, hint)


# Bad arguments to the shape and indexing ops: PyTorch's exception type and first line.
SHAPE_INDEX_MESSAGES = {
    # Integer-array indexing: PyTorch counts the dimension among the index arrays.
    "index_array_out_of_range": lambda L: L.ones(3)[L.tensor([5])],
    "index_array_negative_out_of_range": lambda L: L.ones(3)[[0, -4]],
    "index_array_after_a_slice": lambda L: L.ones(2, 3)[:, L.tensor([4])],
    "index_array_second_of_two": lambda L: L.ones(2, 3, 4)[L.tensor([0]), :, L.tensor([9])],
    "index_array_after_a_mask": lambda L: L.ones(2, 3, 4)[L.ones(2, 3) > 0, L.tensor([9])],
    "index_array_after_an_int": lambda L: L.ones(2, 3, 4)[0, L.tensor([7])],
    "index_array_into_nothing": lambda L: L.ones(0)[L.tensor([0])],
    "index_array_assigned_out_of_range": lambda L: L.ones(3).__setitem__(L.tensor([5]), 1.0),
    "gather_out_of_range": lambda L: L.ones(3, 4).gather(1, L.tensor([[0, 9], [11, 1]])),
    "gather_negative": lambda L: L.ones(3, 4).gather(1, L.tensor([[0, -1]])),
    "gather_index_too_big": lambda L: L.ones(3, 4).gather(1, L.tensor([[0, 1]] * 4)),
    "gather_bad_dim": lambda L: L.ones(3, 4).gather(2, L.tensor([[0]])),
    "scatter_src_too_small": lambda L: L.ones(3, 4).scatter(
        1, L.tensor([[0, 1], [2, 3]]), L.ones(1, 1)
    ),
    "scatter_dtype": lambda L: L.ones(3, 4).scatter(
        1, L.tensor([[0, 1]]), L.ones(1, 2, dtype=L.float64)
    ),
    "scatter_out_of_range": lambda L: L.ones(3, 4).scatter(1, L.tensor([[0, 7]]), 1.0),
    "scatter_add_vector_index": lambda L: L.ones(3, 4).scatter_add(
        1, L.tensor([0, 1]), L.ones(1, 2)
    ),
    "index_select_matrix": lambda L: L.ones(3, 4).index_select(1, L.tensor([[0, 1]])),
    "index_select_out_of_range": lambda L: L.ones(3, 4).index_select(1, L.tensor([0, 4])),
    "index_select_float": lambda L: L.ones(3, 4).index_select(1, L.tensor([0.0])),
    "index_add_count": lambda L: L.ones(3, 4).index_add(1, L.tensor([0, 3]), L.ones(3, 3)),
    "index_add_dtype": lambda L: L.ones(3, 4).index_add(
        1, L.tensor([0, 3]), L.ones(3, 2, dtype=L.float64)
    ),
    "index_add_float_index": lambda L: L.ones(3, 4).index_add(1, L.tensor([0.0]), L.ones(3, 1)),
    "index_add_matrix_index": lambda L: L.ones(3, 4).index_add(1, L.tensor([[0, 3]]), L.ones(3, 2)),
    "index_add_out_of_range": lambda L: L.ones(3, 4).index_add(1, L.tensor([0, 4]), L.ones(3, 2)),
    "masked_select_int_mask": lambda L: L.ones(3, 4).masked_select(L.tensor([1, 0, 1, 1])),
    "masked_select_shapes": lambda L: L.ones(3, 4).masked_select(L.ones(2) > 0),
    "take_out_of_range": lambda L: L.ones(3, 4).take(L.tensor([5, 99])),
    "take_int32": lambda L: L.ones(3, 4).take(L.tensor([1]).int()),
    "flip_twice": lambda L: L.ones(2, 3).flip(0, -2),
    "flip_bad_dim": lambda L: L.ones(2, 3).flip(2),
    "roll_misaligned": lambda L: L.ones(2, 3).roll((1, 2), 0),
    "roll_no_dims_two_shifts": lambda L: L.ones(2, 3).roll((1, 2)),
    "repeat_too_few": lambda L: L.ones(2, 3).repeat(2),
    "repeat_negative": lambda L: L.ones(2, 3).repeat(-1, 2),
    "movedim_mismatch": lambda L: L.ones(2, 3).movedim((0, 1), (1,)),
    "movedim_repeated": lambda L: L.ones(2, 3, 4).movedim((0, 0), (1, 2)),
    "unflatten_product": lambda L: L.ones(2, 3).unflatten(1, (2, 2)),
    "unflatten_empty": lambda L: L.ones(2, 3).unflatten(1, ()),
    "broadcast_to_mismatch": lambda L: L.ones(2, 3).broadcast_to((2, 4)),
    "broadcast_to_too_few_sizes": lambda L: L.ones(2, 3, dtype=L.float64).broadcast_to((3,)),
    "broadcast_tensors_mismatch": lambda L: L.broadcast_tensors(L.ones(3, 1), L.ones(2, 2)),
    "hstack_nothing": lambda L: L.hstack([]),
    "vstack_nothing": lambda L: L.vstack([]),
    "column_stack_nothing": lambda L: L.column_stack([]),
    "diagonal_same_dims": lambda L: L.ones(2, 3).diagonal(0, -1, 1),
    "diag_of_3d": lambda L: L.diag(L.ones(2, 2, 2)),
    "tril_of_vector": lambda L: L.ones(3).tril(),
    "triu_of_vector": lambda L: L.triu(L.ones(3)),
    "trace_of_3d": lambda L: L.ones(2, 2, 2).trace(),
    "outer_of_matrix": lambda L: L.outer(L.ones(2), L.ones(2, 2)),
}


@pytest.mark.parametrize("name", sorted(SHAPE_INDEX_MESSAGES))
def test_shape_index_errors_match_torch(name):
    assert_same_exception(SHAPE_INDEX_MESSAGES[name])


# ---- scans-linalg ----


# More bad input: the same exception type and message as PyTorch (followed by a hint where
# one teaches, as for topk above).
PLAIN = [
    lambda L: L.ones(2, 3).topk(-1),
    lambda L: L.ones(2, 3).kthvalue(4),
    lambda L: L.ones(2, 3).kthvalue(0, 0),
    lambda L: L.ones(2, 0).kthvalue(1),
    lambda L: L.ones(2, 0).median(1),
    lambda L: L.ones(2, 3).sort(2),
    lambda L: L.ones(2, 3).cumsum(-3),
    lambda L: L.ones(2, 3).cumprod(2),
    lambda L: L.tensor(3.0).kthvalue(2),
    lambda L: L.einsum("ij,jk->ik", L.ones(2, 3), L.ones(2, 3)),
    lambda L: L.einsum("ij->ik", L.ones(2, 3)),
    lambda L: L.einsum("ij,jk", L.ones(2, 3)),
    lambda L: L.einsum("ij,jk->ik", L.ones(2, 3), L.ones(3, 4), L.ones(2)),
    lambda L: L.einsum("ij,jk->ik", L.ones(2, 3), L.ones(3, 4, dtype=L.float64)),
    lambda L: L.einsum("ij->iij", L.ones(2, 3)),
    lambda L: L.einsum("ii->i", L.ones(2, 3)),
    lambda L: L.einsum("i1", L.ones(2, 3)),
    lambda L: L.cdist(L.ones(2, 3, dtype=L.long), L.ones(2, 3, dtype=L.long)),
    lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3, dtype=L.float64)),
    lambda L: L.cdist(L.ones(2, 3), L.ones(2, 4)),
    lambda L: L.cdist(L.ones(3), L.ones(2, 3)),
    lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3), p=-1),
    lambda L: L.linalg.norm(L.ones(2, 3, 4), 2),
    lambda L: L.linalg.norm(L.ones(3), "fro"),
    lambda L: L.linalg.vector_norm(L.ones(3), "fro"),
    lambda L: L.linalg.vector_norm(L.ones(3, dtype=L.long)),
    lambda L: L.ones(3, dtype=L.long).norm(),
    lambda L: L.linalg.matrix_norm(L.ones(3, 3), 3),
    lambda L: L.linalg.matrix_norm(L.ones(3, 3), dim=(0, 0)),
    lambda L: L.linalg.matrix_norm(L.ones(3)),
    lambda L: L.ones(3, dtype=L.long).dist(L.ones(3, dtype=L.long)),
]


@pytest.mark.parametrize("make_error", PLAIN, ids=range(len(PLAIN)))
def test_error_matches_torch_word_for_word(make_error):
    with pytest.raises((RuntimeError, IndexError, TypeError)) as theirs:
        make_error(torch)
    with pytest.raises(theirs.type) as ours:
        make_error(ak)
    assert str(ours.value) == str(theirs.value)


# ---- elementwise ----
# Mistakes with PyTorch's words and no hint (the words say it all): the whole message and the
# exception type must be PyTorch's.
ELEMENTWISE_ERRORS = {
    "atan2_of_a_number": lambda L: L.ones(2).atan2(2.0),
    "hypot_function_of_a_number": lambda L: L.hypot(L.ones(2), 2),
    "logaddexp_number_first": lambda L: L.logaddexp(1.0, L.ones(2)),
    "hypot_of_integers": lambda L: L.hypot(L.tensor([3]), L.tensor([4])),
    "logaddexp_of_bools": lambda L: L.logaddexp(L.tensor([True]), L.tensor([False])),
    "atan2_shapes": lambda L: L.atan2(L.ones(3), L.ones(4)),
    "fmod_of_bools": lambda L: L.tensor([True]).fmod(L.tensor([True])),
    "floor_divide_of_bools": lambda L: L.tensor([True]) // L.tensor([True]),
    "backward_through_number_mod_tensor": lambda L: (
        5 % L.tensor([2.0], requires_grad=True)
    ).backward(),
    "frac_of_integers": lambda L: L.tensor([1, 2]).frac(),
    "round_integers_to_decimals": lambda L: L.tensor([1, 2]).round(decimals=1),
    "floor_of_bools": lambda L: L.tensor([True]).floor(),
    "lerp_end_of_another_dtype": lambda L: L.ones(2).lerp(L.ones(2, dtype=L.float64), 0.5),
    "lerp_weight_of_another_dtype": lambda L: L.lerp(L.ones(2), L.ones(2), L.tensor([1, 2])),
    "lerp_of_integers": lambda L: L.tensor([1, 2]).lerp(L.tensor([3, 4]), 0.5),
    "lerp_shapes": lambda L: L.lerp(L.ones(3), L.ones(2), 0.5),
    "addcdiv_of_integers": lambda L: L.addcdiv(L.ones(2), L.tensor([1, 2]), L.tensor([1, 2])),
    "addcmul_shapes": lambda L: L.addcmul(L.ones(3), L.ones(2), L.ones(3)),
    "addcmul_in_place_grows": lambda L: L.ones(3).addcmul_(L.ones(2, 3), L.ones(3)),
    "where_with_one_value": lambda L: L.where(L.tensor([True]), L.ones(1)),
    "where_with_one_number": lambda L: L.where(L.tensor([True]), 2.0),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE_ERRORS))
def test_elementwise_error_matches_torch(name):
    assert_same_exception(ELEMENTWISE_ERRORS[name])


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
    "relu_of_bools": lambda L: L.tensor([True, False]).relu(),
    "relu_of_bools_in_place": lambda L: L.nn.functional.relu(L.tensor([True]), inplace=True),
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
    assert_same_exception(NN_MORE_ERRORS[name])


# ---- nn-tail ----

# The same exception type and exactly PyTorch's words.
NN_TAIL_ERRORS = {
    "glu_odd_dimension": lambda L: L.nn.functional.glu(L.ones(3, 5)),
    "glu_of_a_scalar": lambda L: L.nn.GLU()(L.tensor(1.0)),
    "glu_dim_out_of_range": lambda L: L.nn.functional.glu(L.ones(2, 4), 2),
    "glu_of_integers": lambda L: L.nn.functional.glu(L.ones(2, 4).long()),
    "prelu_channels": lambda L: L.nn.PReLU(3)(L.ones(2, 4)),
    "prelu_of_a_vector": lambda L: L.nn.PReLU(3)(L.ones(3)),
    "prelu_of_integers": lambda L: L.nn.functional.prelu(L.tensor([1, 2]), L.tensor([1])),
    "logsigmoid_of_integers": lambda L: L.nn.functional.logsigmoid(L.tensor([1, 2])),
    "hardswish_of_integers": lambda L: L.nn.Hardswish()(L.tensor([1, 2])),
    "hardsigmoid_of_integers": lambda L: L.nn.functional.hardsigmoid(L.tensor([1, 2])),
    "mish_of_integers": lambda L: L.nn.Mish()(L.tensor([1, 2])),
    "celu_of_integers": lambda L: L.nn.functional.celu(L.tensor([1, 2])),
    "selu_of_integers": lambda L: L.nn.SELU()(L.tensor([1, 2])),
    "hardshrink_of_integers": lambda L: L.nn.functional.hardshrink(L.tensor([1, 2])),
    "softshrink_of_integers": lambda L: L.nn.Softshrink()(L.tensor([1, 2])),
    "softmin_of_integers": lambda L: L.nn.functional.softmin(L.tensor([1, 2]), 0),
    "softmin_of_integers_dim0": lambda L: L.nn.Softmin(0)(L.ones(2, 3).long()),
    "threshold_of_a_leaf_in_place": lambda L: L.nn.functional.threshold(
        L.ones(2, requires_grad=True), 0.1, 0.0, True
    ),    "cross_entropy_probabilities_ignore_index": lambda L: L.nn.functional.cross_entropy(
        L.ones(3, 4), L.ones(3, 4) / 4, ignore_index=1
    ),
    "cross_entropy_probabilities_of_integers": lambda L: L.nn.functional.cross_entropy(
        L.ones(3, 4), L.ones(3, 4).long()
    ),
    "cross_entropy_label_smoothing_range": lambda L: L.nn.CrossEntropyLoss(label_smoothing=1.5)(
        L.ones(3, 4), L.ones(3, 4) / 4
    ),
    "kl_div_reduction": lambda L: L.nn.functional.kl_div(L.ones(3), L.ones(3), reduction="avg"),
    "margin_ranking_dims": lambda L: L.nn.functional.margin_ranking_loss(
        L.ones(3), L.ones(3), L.ones(3, 1)
    ),
    "triplet_dims": lambda L: L.nn.functional.triplet_margin_loss(
        L.ones(3, 4), L.ones(4), L.ones(3, 4)
    ),
    "triplet_margin": lambda L: L.nn.functional.triplet_margin_loss(
        L.ones(3, 4), L.ones(3, 4), L.ones(3, 4), margin=0.0
    ),
    "TripletMarginLoss_margin": lambda L: L.nn.TripletMarginLoss(margin=-1.0),
    "poisson_reduction": lambda L: L.nn.functional.poisson_nll_loss(
        L.ones(3), L.ones(3), reduction="x"
    ),
    "gaussian_var_size": lambda L: L.nn.GaussianNLLLoss()(L.ones(3, 4), L.ones(3, 4), L.ones(3, 5)),
    "gaussian_var_negative": lambda L: L.nn.functional.gaussian_nll_loss(
        L.ones(3, 4), L.ones(3, 4), -L.ones(3, 4)
    ),
    "gaussian_reduction": lambda L: L.nn.functional.gaussian_nll_loss(
        L.ones(3), L.ones(3), L.ones(3), reduction="avg"
    ),
}


@pytest.mark.parametrize("name", sorted(NN_TAIL_ERRORS))
def test_nn_tail_errors_match_torch(name):
    assert_same_exception(NN_TAIL_ERRORS[name])


# ---- matmul-graph ----
# Each of matmul's paths (dot, mv, mm, folded mm/mv, broadcast bmm) reports a mismatch in the
# words of the op it reached, and which path it takes depends on which operand requires grad.


def _matmul_error(left, right, requires=(False, False), dtypes=(None, None)):
    def make_error(L):
        a = L.ones(*left, dtype=getattr(L, dtypes[0]) if dtypes[0] else None, requires_grad=requires[0])
        b = L.ones(*right, dtype=getattr(L, dtypes[1]) if dtypes[1] else None, requires_grad=requires[1])
        return a @ b

    return make_error


MATMUL_ERRORS = {
    "dot_sizes": _matmul_error((3,), (4,)),
    "mv_sizes": _matmul_error((2, 3), (4,)),
    "vector_at_matrix_sizes": _matmul_error((3,), (4, 5)),
    "mm_sizes": _matmul_error((2, 3), (4, 5)),
    "folded_mv_sizes": _matmul_error((5, 2, 3), (4,)),
    "folded_mm_sizes": _matmul_error((5, 2, 3), (4, 6)),
    "vector_at_batch_sizes": _matmul_error((4,), (5, 3, 6)),
    "vector_needing_grad_at_batch_sizes": _matmul_error((4,), (5, 3, 6), (True, False)),
    "matrix_needing_grad_at_batch_sizes": _matmul_error((2, 4), (5, 3, 6), (True, False)),
    "bmm_sizes": _matmul_error((5, 2, 3), (5, 4, 6)),
    "batch_of_one_needing_grad_sizes": _matmul_error((5, 2, 3), (1, 4, 6), (False, True)),
    "batches_do_not_broadcast": _matmul_error((2, 5, 2, 3), (3, 4, 3, 6)),
    "scalar_operand": lambda L: L.ones(3) @ L.tensor(1.0),
    "dot_dtypes": _matmul_error((3,), (3,), dtypes=("float32", "float64")),
    "mv_dtypes": _matmul_error((2, 3), (3,), dtypes=("float32", "float64")),
    "mm_dtypes": _matmul_error((2, 3), (3, 4), dtypes=("float64", "float32")),
    "folded_mv_dtypes": _matmul_error((5, 2, 3), (3,), dtypes=("float64", "float32")),
    "bmm_dtypes": _matmul_error((2, 3), (5, 3, 4), dtypes=("float32", "float64")),
    "mm_of_a_vector": lambda L: L.mm(L.ones(3), L.ones(3, 4)),
    "mm_by_a_vector": lambda L: L.mm(L.ones(2, 3), L.ones(3)),
    "mv_of_a_vector": lambda L: L.mv(L.ones(3), L.ones(3)),
    "dot_of_a_matrix": lambda L: L.dot(L.ones(2, 3), L.ones(3)),
    "bmm_of_a_matrix": lambda L: L.bmm(L.ones(2, 3), L.ones(3, 4)),
    "bmm_by_a_matrix": lambda L: L.bmm(L.ones(2, 2, 3), L.ones(3, 4)),
    "bmm_batches_differ": lambda L: L.bmm(L.ones(1, 2, 3), L.ones(3, 3, 4)),
    "squeeze_dim_out_of_range": lambda L: (L.ones(3) * 1).squeeze_(2),
    "unsqueeze_dim_out_of_range": lambda L: (L.ones(3) * 1).unsqueeze_(2),
}


def _error_of(make_error, lib):
    try:
        make_error(lib)
    except Exception as error:  # noqa: BLE001 - any error is compared with torch's
        return error
    raise AssertionError(f"{make_error} raised nothing on {lib.__name__}")


@pytest.mark.parametrize("name", sorted(MATMUL_ERRORS))
def test_matmul_errors_match_torch(name):
    """Same exception type and message (ak's hint, if any, is a note beside it)."""
    theirs, ours = (_error_of(MATMUL_ERRORS[name], lib) for lib in (torch, ak))
    assert type(ours) is type(theirs)
    assert str(ours) == str(theirs)


# ---- recurrent ----


def lstm_given_batch_first_input_and_state(L):
    L.manual_seed(0)
    lstm = L.nn.LSTM(3, 4)  # expects (seq_len, batch, 3): here seq_len 5 and batch 2
    state = L.zeros(1, 2, 4)
    lstm(L.zeros(2, 5, 3), (state, state))


def test_rnn_hidden_shape_error_matches_torch_and_teaches():
    test_error_matches_torch_and_teaches(
        lstm_given_batch_first_input_and_state,
        RuntimeError,
        "Expected hidden[0] size (1, 5, 4), got [1, 2, 4]",
        "batch_first=True",
    )


RECURRENT_ERRORS = {
    "rnn_input_size": lambda L: L.nn.RNN(3, 4)(L.ones(5, 2, 6)),
    "rnn_4d_input": lambda L: L.nn.GRU(3, 4)(L.ones(1, 5, 2, 3)),
    "rnn_hidden_dims": lambda L: L.nn.RNN(3, 4)(L.ones(5, 2, 3), L.zeros(2, 4)),
    "rnn_dtype": lambda L: L.nn.RNN(3, 4)(L.ones(5, 2, 3, dtype=L.float64)),
    "rnn_nonlinearity": lambda L: L.nn.RNN(3, 4, nonlinearity="sigmoid"),
    "lstm_cell_input_size": lambda L: L.nn.LSTMCell(3, 4)(L.ones(2, 5)),
    "gru_cell_batch": lambda L: L.nn.GRUCell(3, 4)(L.ones(2, 3), L.zeros(3, 4)),
    "conv1d_channels": lambda L: L.nn.Conv1d(3, 4, 3)(L.ones(2, 2, 8)),
    "conv1d_kernel_too_big": lambda L: L.nn.functional.conv1d(L.ones(1, 2, 2), L.ones(3, 2, 3)),
    "conv1d_of_an_image": lambda L: L.nn.Conv1d(3, 4, 3)(L.ones(2, 3, 8, 8)),
    "mha_heads": lambda L: L.nn.MultiheadAttention(6, 4),
    "mha_mask_shape": lambda L: L.nn.MultiheadAttention(4, 2)(
        L.ones(3, 2, 4), L.ones(3, 2, 4), L.ones(3, 2, 4), attn_mask=L.zeros(2, 3)
    ),
    "sdpa_causal_and_mask": lambda L: L.nn.functional.scaled_dot_product_attention(
        L.ones(3, 4), L.ones(3, 4), L.ones(3, 4), L.ones(3, 3), is_causal=True
    ),
}


@pytest.mark.parametrize("name", sorted(RECURRENT_ERRORS))
def test_recurrent_errors_match_torch(name):
    assert_same_exception(RECURRENT_ERRORS[name])


# ---- optim-data ----


def _sgd(L):
    return L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=0.1)


def _stepped_past_the_end(L):
    optimizer = _sgd(L)
    scheduler = L.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, epochs=1,
                                                steps_per_epoch=2)
    for _ in range(3):
        optimizer.step()
        scheduler.step()


def _stream(L):
    """An IterableDataset of 0, 1, 2 with no length."""

    class Stream(L.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    return Stream()


OPTIM_DATA_ERRORS = {
    "lbfgs_step_without_closure": lambda L: L.optim.LBFGS([L.nn.Parameter(L.ones(1))]).step(),
    "plateau_step_without_metric": lambda L: L.optim.lr_scheduler.ReduceLROnPlateau(
        _sgd(L)).step(),
    "plateau_factor_one": lambda L: L.optim.lr_scheduler.ReduceLROnPlateau(_sgd(L), factor=1),
    "one_cycle_stepped_past_the_end": _stepped_past_the_end,
    "one_cycle_without_length": lambda L: L.optim.lr_scheduler.OneCycleLR(_sgd(L), max_lr=1.0),
    "nadam_negative_momentum_decay": lambda L: L.optim.NAdam([L.nn.Parameter(L.ones(1))],
                                                            momentum_decay=-0.1),
    "adadelta_rho_above_one": lambda L: L.optim.Adadelta([L.nn.Parameter(L.ones(1))], rho=2.0),
    "loader_shuffle_with_sampler": lambda L: L.utils.data.DataLoader(
        [1, 2, 3], shuffle=True, sampler=L.utils.data.SequentialSampler([1, 2, 3])),
    "loader_batch_sampler_with_batch_size": lambda L: L.utils.data.DataLoader(
        [1, 2, 3], batch_size=2, batch_sampler=[[0, 1], [2]]),
    "loader_iterable_with_shuffle": lambda L: L.utils.data.DataLoader(_stream(L),
                                                                      shuffle=True),
    "loader_len_of_unsized_stream": lambda L: len(L.utils.data.DataLoader(_stream(L))),
    "concat_index_too_negative": lambda L: L.utils.data.ConcatDataset([[1, 2], [3]])[-4],
    "weighted_sampler_zero_samples": lambda L: L.utils.data.WeightedRandomSampler([1.0], 0),
}


@pytest.mark.parametrize("name", sorted(OPTIM_DATA_ERRORS))
def test_optim_data_errors_match_torch(name):
    assert_same_exception(OPTIM_DATA_ERRORS[name])


# ---- inference tensors changed in place ----

# Every in-place change PyTorch refuses on an inference tensor outside inference_mode(): the
# arithmetic methods, x[...] = ..., copy_, zero_, the random fills, the in-place view ops,
# requires_grad_(), and an optimizer-style update under no_grad.
INFERENCE_INPLACE = {
    "add_": lambda t, L: t.add_(1),
    "add_tensor": lambda t, L: t.add_(L.ones(3)),
    "iadd": lambda t, L: t.__iadd__(1),
    "sub_": lambda t, L: t.sub_(1),
    "mul_": lambda t, L: t.mul_(2),
    "div_": lambda t, L: t.div_(2),
    "pow_": lambda t, L: t.pow_(2),
    "zero_": lambda t, L: t.zero_(),
    "fill_": lambda t, L: t.fill_(2.0),
    "copy_": lambda t, L: t.copy_(L.zeros(3)),
    "clamp_": lambda t, L: t.clamp_(0.0, 0.5),
    "relu_": lambda t, L: t.relu_(),
    "addcmul_": lambda t, L: t.addcmul_(L.ones(3), L.ones(3)),
    "setitem": lambda t, L: t.__setitem__(0, 5.0),
    "setitem_tensor": lambda t, L: t.__setitem__(slice(None), L.zeros(3)),
    "uniform_": lambda t, L: t.uniform_(),
    "unsqueeze_": lambda t, L: t.unsqueeze_(0),
    "squeeze_": lambda t, L: t.squeeze_(),
    "view_add_": lambda t, L: t[:2].add_(1),
    "requires_grad_": lambda t, L: t.requires_grad_(),
    "requires_grad_attribute": lambda t, L: setattr(t, "requires_grad", True),
    "other_requires_grad": lambda t, L: t.add_(L.ones(3, requires_grad=True)),
    "no_grad_update": lambda t, L: _under_no_grad(L, lambda: t.add_(L.ones(3), alpha=-0.1)),
    "inference_mode_false": lambda t, L: _under(L.inference_mode(False), lambda: t.mul_(2)),
}


def _under(mode, action):
    with mode:
        return action()


def _under_no_grad(L, action):
    return _under(L.no_grad(), action)


def _inference_ones(L):
    with L.inference_mode():
        return L.ones(3)


@pytest.mark.parametrize("name", sorted(INFERENCE_INPLACE))
def test_inference_tensors_refuse_in_place_changes_outside_inference_mode(name):
    assert_same_exception(lambda L: INFERENCE_INPLACE[name](_inference_ones(L), L))
    made = _inference_ones(ak)
    with pytest.raises(RuntimeError) as info:
        INFERENCE_INPLACE[name](made, ak)
    assert str(info.value).splitlines()[0] == str(info.value)  # torch's words only
    assert any("Hint:" in note for note in info.value.__notes__)
    # Nothing was changed (PyTorch itself writes the numbers before it raises).
    assert made.tolist() == [1.0, 1.0, 1.0] and made.shape == (3,)
    assert not made.requires_grad and made.is_inference()


def test_inference_tensors_change_in_place_inside_inference_mode():
    for lib in (torch, ak):
        made = _inference_ones(lib)
        with lib.inference_mode():
            made.add_(1)
            made[0] = 5.0
            made.requires_grad_()
        assert made.tolist() == [5.0, 2.0, 2.0] and made.requires_grad
        # Allowed outside too: turning requires_grad off, detach_, and a normal tensor taking
        # an inference tensor's values.
        plain = _inference_ones(lib)
        assert not plain.requires_grad_(False).requires_grad
        plain.detach_()
        normal = lib.zeros(3)
        normal.add_(plain)
        normal.copy_(plain)
        assert normal.tolist() == [1.0, 1.0, 1.0] and not normal.is_inference()


def test_views_are_inference_tensors_exactly_when_their_base_is():
    for lib in (torch, ak):
        made = _inference_ones(lib)
        assert made[:2].is_inference() and made.view(3).is_inference()
        normal = lib.ones(3)
        with lib.inference_mode():
            view = normal[:2]
        assert not view.is_inference()
        view.add_(1)  # a normal tensor's view, made in inference mode: a normal tensor
        assert normal.tolist() == [2.0, 2.0, 1.0]


def test_the_leaf_error_comes_first_for_an_inference_tensor_that_requires_grad():
    def leaf_first(L):
        with L.inference_mode():
            made = L.ones(3).requires_grad_()
        made.add_(1)

    assert_same_exception(leaf_first)


def test_docstring_examples_of_the_error_helpers_run():
    import doctest

    from autograd_kit import _errors

    result = doctest.testmod(_errors, extraglobs={"ak": ak, "with_hint": _errors.with_hint})
    assert result.attempted > 0 and result.failed == 0
