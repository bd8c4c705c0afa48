"""Tensor state, creation, conversion and printing, compared with PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_kit as ak


def both(expression):
    return expression(ak), expression(torch)


PRINTED = [
    lambda L: L.tensor(0.4),
    lambda L: L.tensor(3.0),
    lambda L: L.tensor(3),
    lambda L: L.tensor(True),
    lambda L: L.tensor([1.0, 2.0, 3.0]),
    lambda L: L.tensor([1.0, 2.0], requires_grad=True),
    lambda L: L.ones(9, 5, requires_grad=True).mean(),
    lambda L: L.ones(2, 3, requires_grad=True) + 2,
    lambda L: L.tensor([[1, 2], [3, 4]]),
    lambda L: L.tensor([0.1, 0.2, 0.3], dtype=L.float64),
    lambda L: L.tensor([1, 2], dtype=L.int32),
    lambda L: L.tensor([1e-5, 1.0]),
    lambda L: L.tensor([1e9, 1.0]),
    lambda L: L.tensor([-1.5, float("nan"), float("inf")]),
    lambda L: L.tensor([0.0, -0.0]),
    lambda L: L.tensor([]),
    lambda L: L.zeros(0, 3),
    lambda L: L.zeros(0, dtype=L.int64),
    lambda L: L.arange(2000.0),
    lambda L: L.arange(30.0).reshape(5, 6) / 7,
    lambda L: L.arange(1200).reshape(40, 30),
    lambda L: L.arange(24.0).reshape(2, 3, 4) - 11.5,
    lambda L: L.tensor([True, False]),
    lambda L: L.tensor([1.0, 2.0]).shape,
    lambda L: L.float64,
    lambda L: L.device("cuda:0"),
    lambda L: L.tensor([2.0], requires_grad=True).max(0),
]


@pytest.mark.parametrize("index", range(len(PRINTED)))
def test_repr_is_byte_identical_to_torch(index):
    ours, theirs = both(PRINTED[index])
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=6),
        elements=st.one_of(
            st.floats(-1e3, 1e3, width=32),
            st.sampled_from([0.0, 1.0, -2.0, 1e-6, 123456.0, 1e10]),
        ),
    )
)
def test_repr_matches_torch_for_random_values(array):
    assert repr(ak.tensor(array)) == repr(torch.tensor(array))


def test_created_tensors_default_to_no_grad_and_float32():
    for lib in (ak, torch):
        x = lib.tensor([1.0, 2.0])
        assert x.requires_grad is False and x.dtype == lib.float32 and x.is_leaf
        assert lib.tensor([1, 2]).dtype == lib.int64
        assert lib.tensor([True]).dtype == lib.bool
        assert lib.tensor([1, 2.5]).dtype == lib.float32
        assert lib.zeros(2, 3).shape == (2, 3) and lib.zeros((2, 3)).shape == (2, 3)
        assert lib.arange(5).dtype == lib.int64 and lib.arange(5.0).dtype == lib.float32


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.zeros(2, 3),
        lambda L: L.ones(4),
        lambda L: L.full((2, 2), 7.0),
        lambda L: L.eye(3),
        lambda L: L.arange(1, 10, 2),
        lambda L: L.linspace(0, 1, 5),
        lambda L: L.zeros_like(L.ones(2, 2)),
        lambda L: L.ones_like(L.ones(3, dtype=L.float64)),
        lambda L: L.full_like(L.ones(2), 3),
        lambda L: L.tensor(np.arange(4.0)),
    ],
)
def test_creation_functions_match_torch(make):
    ours, theirs = both(make)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_manual_seed_makes_random_tensors_repeatable():
    ak.manual_seed(0)
    first = (ak.rand(3), ak.randn(2, 2), ak.randint(0, 10, (4,)), ak.randperm(5))
    ak.manual_seed(0)
    second = (ak.rand(3), ak.randn(2, 2), ak.randint(0, 10, (4,)), ak.randperm(5))
    for a, b in zip(first, second):
        assert a.tolist() == b.tolist()
    assert first[0].dtype is ak.float32 and first[2].dtype is ak.int64


def test_attributes_and_conversions_match_torch():
    for lib in (ak, torch):
        x = lib.arange(6.0).reshape(2, 3)
        assert x.shape == (2, 3) and x.size() == (2, 3) and x.size(1) == 3 and x.size(-1) == 3
        assert x.dim() == x.ndim == 2 and x.numel() == 6
        assert x.T.shape == (3, 2)
        assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
        assert x.sum().item() == 15.0 and isinstance(x.sum().item(), float)
        assert x.double().dtype == lib.float64 and x.long().dtype == lib.int64
        assert x.float().dtype == lib.float32
        assert str(x.device) == "cpu"
        assert float(x[0, 1]) == 1.0 and int(x[1, 2]) == 5


def test_from_numpy_shares_memory_and_numpy_round_trips():
    array = np.zeros(3, dtype=np.float32)
    x = ak.from_numpy(array)
    array[0] = 5
    assert x[0].item() == 5
    assert np.shares_memory(x.numpy(), array)


def test_requires_grad_flag_rules():
    for lib in (ak, torch):
        x = lib.tensor([1.0])
        x.requires_grad_()
        assert x.requires_grad
        y = x * 2
        with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
            y.requires_grad = True
        x.requires_grad = False
        assert not x.requires_grad


def test_version_counter_counts_in_place_changes():
    for lib in (ak, torch):
        x = lib.zeros(3)
        x.add_(1)
        x.mul_(2)
        x[0] = 4
        assert x._version == 3
        assert x.tolist() == [4.0, 2.0, 2.0]


def test_in_place_operators_on_parameters_inside_no_grad():
    for lib in (ak, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        (w * w).sum().backward()
        with lib.no_grad():
            w -= 0.1 * w.grad
        np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6], rtol=1e-6)
        assert w.is_leaf and w.requires_grad


def test_in_place_arithmetic_writes_through_views_and_casts_like_torch():
    """x -= y, +=, *= and /= without a graph: same values, same memory (a view sees them),
    version bumps, and PyTorch's errors where the result cannot be cast back."""
    results = []
    for lib in (ak, torch):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        view = x[0]
        x -= 0.5 * lib.ones(2, 2)
        x += lib.tensor([1.0, 2.0])  # broadcast over rows
        x *= 2
        x /= 4
        results.append((x.tolist(), view.tolist(), x._version))
        counts = lib.tensor([1, 2])
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
            counts *= 0.5
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
            counts /= 2
        assert counts.tolist() == [1, 2]
    assert results[0] == results[1]


def test_data_and_detach_share_memory():
    x = ak.tensor([1.0, 2.0], requires_grad=True)
    x.data[0] = 10.0
    assert x[0].item() == 10.0
    assert x.detach()._version is x._version


def test_new_factories_take_dtype_and_device_from_self():
    for lib in (ak, torch):
        x = lib.ones(2, dtype=lib.float64)
        made = (x.new_zeros(3), x.new_ones((2,)), x.new_tensor([1, 2]), x.new_full((2,), 3.0))
        assert [t.tolist() for t in made] == [[0.0] * 3, [1.0, 1.0], [1.0, 2.0], [3.0, 3.0]]
        assert all(t.dtype == lib.float64 for t in made)


def test_device_and_output_nr_compare_like_torch():
    for lib in (ak, torch):
        x = lib.ones(2, requires_grad=True)
        assert (x.device == "cpu") is False and x.device == lib.device("cpu")
        assert x.device.type == "cpu"
        assert (x * 2).output_nr == 0


def test_tensor_with_float64_dtype_is_exact():
    assert ak.tensor([0.3], dtype=ak.float64).item() == torch.tensor([0.3], dtype=torch.float64).item() == 0.3


LAYOUTS = {
    "contiguous": lambda x: x,
    "transposed": lambda x: x.transpose(0, 1),
    "permuted": lambda x: x.permute(2, 0, 1),
    "sliced": lambda x: x[:, 1:],
    "step-sliced": lambda x: x[..., ::2],
    "expanded": lambda x: x[:, :1].expand(2, 5, 4),
    "unsqueezed": lambda x: x.unsqueeze(1),
    "negated transpose": lambda x: -x.transpose(0, 2),  # elementwise ops keep the layout
}


def layout_of(lib, name):
    x = lib.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    return LAYOUTS[name](x)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_strides_and_contiguity_match_torch(name):
    ours, theirs = layout_of(ak, name), layout_of(torch, name)
    assert ours.stride() == theirs.stride()
    assert ours.stride(-1) == theirs.stride(-1)
    assert ours.is_contiguous() == theirs.is_contiguous()
    made = ours.contiguous(), theirs.contiguous()
    assert made[0].is_contiguous() and made[0].tolist() == made[1].tolist()
    assert type(made[0].grad_fn).__name__ == type(made[1].grad_fn).__name__


def reshapes_of(shape):
    """Every shape with the same number of elements, made of its sizes' factors (and 1s)."""
    numel = int(np.prod(shape))
    divisors = [d for d in range(1, numel + 1) if numel % d == 0]
    return st.one_of(
        st.just((numel,)),
        st.sampled_from(divisors).map(lambda d: (d, numel // d)),
        st.sampled_from(divisors).flatmap(
            lambda d: st.sampled_from([e for e in divisors if (numel // d) % e == 0]).map(
                lambda e: (d, e, numel // d // e)
            )
        ),
    )


@settings(max_examples=150, deadline=None)
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    new_shape=st.data(),
    unsqueeze=st.booleans(),
)
def test_view_and_reshape_choose_like_torch(layout, new_shape, unsqueeze):
    """view raises exactly where PyTorch's does, and reshape records the same nodes: a view
    (ViewBackward0 or ReshapeAliasBackward0) or a copy (CloneBackward0, UnsafeViewBackward0)."""
    tensors = [layout_of(lib, layout) for lib in (ak, torch)]
    shape = tuple(tensors[1].shape)
    target = new_shape.draw(reshapes_of(shape))
    if unsqueeze:
        target = (1, *target)
    for method in ("view", "reshape"):
        outcomes = []
        for tensor in tensors:
            try:
                result = getattr(tensor, method)(*target)
            except RuntimeError as error:
                outcomes.append(str(error).split("\n")[0])
                continue
            node = result.grad_fn
            outcomes.append(
                (
                    type(node).__name__,
                    [type(next_node).__name__ for next_node, _ in node.next_functions],
                    result.stride(),
                    result.tolist(),
                )
            )
        assert outcomes[0] == outcomes[1], (method, target)


def test_permute_needs_its_dims_like_torch():
    for lib in (ak, torch):
        with pytest.raises(TypeError, match='missing 1 required positional arguments: "dims"'):
            lib.tensor(1.0).permute()
        assert lib.tensor(1.0).permute(()).shape == ()


def test_view_shares_memory_and_reshape_copies_only_when_it_must():
    """Writes through a view show in the original; writes into reshape's copy do not."""
    finals = []
    for lib in (ak, torch):
        x = lib.arange(12.0).reshape(3, 4)
        x.view(6, 2)[0, 0] = 100.0  # a view
        x.t().reshape(12)[1] = -1.0  # the transpose's elements are out of row order: a copy
        x[:, ::2].reshape(6)[2] = -2.0  # a step slice: a copy
        x[1:].reshape(8)[0] = -3.0  # whole rows: a view
        x[:, 1:].reshape(3, 1, 3)[2, 0, 2] = -4.0  # a slice kept row by row: a view
        finals.append(x.tolist())
    assert finals[0] == finals[1]


# ---- dtype limits, the default dtype, storage facts ------------------------------------------


def outcome(expression, lib):
    """What ``expression(lib)`` gives, or its error (type and message without ak's hint line)."""
    try:
        return expression(lib)
    except Exception as error:  # noqa: BLE001  (the error is what is compared)
        return type(error).__name__, str(error).split("\nHint:")[0]


FLOAT_DTYPES = ["float16", "float32", "float64"]
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOAT_DTYPES + INT_DTYPES + ["bool"])
def test_finfo_and_iinfo_match_torch(name):
    def limits(L):
        kind = L.finfo if name in FLOAT_DTYPES else L.iinfo
        info = kind(getattr(L, name))
        fields = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")
        return repr(info), {field: getattr(info, field, None) for field in fields}

    other = (lambda L: L.iinfo(getattr(L, name))) if name in FLOAT_DTYPES else (
        lambda L: L.finfo(getattr(L, name))
    )
    assert outcome(limits, ak) == outcome(limits, torch)
    assert outcome(other, ak) == outcome(other, torch)  # the wrong kind: torch's TypeError
    assert repr(ak.finfo()) == repr(torch.finfo())


def test_set_default_dtype_changes_what_floats_become_like_torch():
    def made(L):
        return [
            str(t)
            for t in (
                L.tensor([1.5, 2.0]),
                L.tensor(0.25),
                L.ones(2),
                L.arange(3.0),
                L.ones(2, dtype=L.int64) / 2,
                L.ones(2, dtype=L.float32),
                L.rand(2).dtype,
            )
        ] + [str(L.get_default_dtype())]

    results = []
    for lib in (ak, torch):
        try:
            lib.set_default_dtype(lib.float64)
            results.append(made(lib))
            results.append(outcome(lambda L: L.set_default_dtype(L.int64), lib))
        finally:
            lib.set_default_dtype(lib.float32)
        assert lib.tensor([1.5]).dtype == lib.float32
    assert results[0] == results[2] and results[1] == results[3]


def test_type_names_conversions_and_sizes_match_torch():
    def facts(L):
        x = L.arange(6.0).reshape(2, 3)
        return [
            x.type(),
            (x > 0).type(),
            x.long().type(),
            str(x.type(L.float64).dtype),
            str(x.type("torch.IntTensor").dtype),
            x.type(L.float32) is x,
            [str(t.dtype) for t in (x.short(), x.byte(), x.char())],
            (x.nbytes, x.itemsize, x.double().nbytes, x.double().itemsize),
            outcome(lambda L: x.type("float"), L),
            outcome(lambda L: x.type(5), L),
        ]

    assert facts(ak) == facts(torch)


def test_data_ptr_and_storage_offset_locate_views_like_torch():
    def offsets(L):
        x = L.arange(12.0).reshape(3, 4)
        views = [x, x[1], x[1:, 2:], x.t(), x[2][1:], x.view(-1)[5:], x[:, 3]]
        return [(v.storage_offset(), v.data_ptr() - x.data_ptr()) for v in views] + [
            x.clone().storage_offset(),
            x[1:].clone().data_ptr() != x.data_ptr(),
        ]

    assert offsets(ak) == offsets(torch)


def test_constants_are_pythons_floats_like_torch():
    for name in ("pi", "e", "inf"):
        assert getattr(ak, name) == getattr(torch, name) and type(getattr(ak, name)) is float
    assert ak.nan != ak.nan and type(ak.nan) is float


@pytest.mark.parametrize(
    "shapes",
    [((2, 1), (3,)), ((4, 1, 1), 3, (2, 1)), ((),), (), ((2,), (3,)), ((4, 3), (2, 1, 1), (5, 3))],
)
def test_broadcast_shapes_takes_any_number_of_shapes_like_torch(shapes):
    assert outcome(lambda L: L.broadcast_shapes(*shapes), ak) == outcome(
        lambda L: L.broadcast_shapes(*shapes), torch
    )


def test_asarray_shares_memory_unless_asked_to_copy_like_torch():
    def sharing(L):
        x = L.ones(3)
        array = np.ones(2)
        from_array = L.asarray(array)
        array[0] = 5.0
        return [
            L.asarray(x) is x,
            L.asarray(x, copy=True).data_ptr() != x.data_ptr(),
            str(L.asarray([1.0, 2.0]).dtype),
            str(L.asarray([1, 2]).dtype),
            str(L.asarray(x, dtype=L.float64).dtype),
            from_array.tolist(),
            str(from_array.dtype),
            L.asarray([1.0], requires_grad=True).requires_grad,
        ]

    assert sharing(ak) == sharing(torch)


# ---- random draws ----------------------------------------------------------------------------

DRAWS = {
    "normal_sized": lambda L: L.normal(2.0, 0.5, size=(3, 2)),
    "normal_tensor_means": lambda L: L.normal(L.zeros(2, 3, dtype=L.float64), 1.0),
    "normal_tensor_stds": lambda L: L.normal(0.0, L.ones(4)),
    "normal_both_broadcast": lambda L: L.normal(L.zeros(2, 1), L.ones(3)),
    "bernoulli": lambda L: L.bernoulli(L.full((2, 3), 0.5)),
    "bernoulli_p": lambda L: L.bernoulli(L.zeros(4, dtype=L.float64), 0.3),
    "bernoulli_method": lambda L: L.full((3,), 0.2).bernoulli(),
    "bernoulli_": lambda L: L.ones(5).bernoulli_(0.5),
    "multinomial": lambda L: L.multinomial(L.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 1.0]]), 2),
    "multinomial_replacement": lambda L: L.multinomial(L.ones(3), 6, replacement=True),
    "randint_like": lambda L: L.randint_like(L.ones(2, 2), 5),
    "randint_like_low_high": lambda L: L.randint_like(L.ones(3, dtype=L.int32), 2, 5),
    "random_to": lambda L: L.zeros(4).random_(5),
    "random_from_to": lambda L: L.zeros(4, dtype=L.int64).random_(2, 5),
    "exponential_": lambda L: L.empty(6).exponential_(2.0),
    "logspace": lambda L: L.logspace(0, 2, 3),
    "logspace_base": lambda L: L.logspace(0, 3, 4, base=2.0, dtype=L.float64),
}
BAD_DRAWS = {
    "too_many_without_replacement": lambda L: L.multinomial(L.ones(3), 5),
    "negative_weight": lambda L: L.multinomial(-L.ones(3), 1),
    "all_zero_weights": lambda L: L.multinomial(L.zeros(3), 1),
    "probability_above_one": lambda L: L.bernoulli(L.full((2,), 1.5)),
    "means_and_stds_clash": lambda L: L.normal(L.zeros(2), L.ones(3)),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_random_draws_have_torchs_shape_dtype_and_range(name):
    ours, theirs = both(DRAWS[name])
    assert ours.shape == theirs.shape and str(ours.dtype) == str(theirs.dtype)
    assert ours.requires_grad is False
    values = ours.numpy()
    if name.startswith(("bernoulli",)):
        assert set(np.unique(values)) <= {0.0, 1.0}
    if name.startswith("multinomial"):
        assert values.min() >= 0 and values.max() < 3
    if name == "multinomial":  # without replacement: distinct per row, never a zero weight
        assert all(len(set(row)) == 2 for row in values.tolist()) and 0 not in values[1]
    if name.startswith(("random_", "randint_like")):
        low = 2 if "from" in name or "low" in name else 0
        assert values.min() >= low and values.max() < 5 and np.all(values == np.round(values))
    if name == "exponential_":
        assert values.min() >= 0
    if name.startswith("logspace"):
        np.testing.assert_allclose(values, theirs.numpy())


@pytest.mark.parametrize("name", sorted(BAD_DRAWS))
def test_bad_random_draws_fail_like_torch(name):
    assert outcome(BAD_DRAWS[name], ak) == outcome(BAD_DRAWS[name], torch)


def test_random_draws_follow_manual_seed_and_their_distribution():
    def draw():
        return [DRAWS[name](ak).tolist() for name in sorted(DRAWS)]

    ak.manual_seed(3)
    first = draw()
    ak.manual_seed(3)
    assert draw() == first
    ak.manual_seed(0)
    samples = ak.normal(ak.full((20000,), 2.0), 0.5)
    assert abs(samples.mean().item() - 2.0) < 0.02 and abs(samples.std().item() - 0.5) < 0.02
    assert abs(ak.bernoulli(ak.full((20000,), 0.3)).mean().item() - 0.3) < 0.02
    counts = np.bincount(ak.multinomial(ak.tensor([1.0, 3.0]), 20000, True).numpy(), minlength=2)
    assert abs(counts[1] / 20000 - 0.75) < 0.02


def test_casts_to_integers_and_same_shape_expands_record_like_torch():
    def facts(L):
        x = L.tensor([1.5, 2.5], requires_grad=True)
        casts = [(x * 10).long(), x.to(L.int32), x.bool(), (x > 2).float(), x.double()]
        same = x.expand(2)
        return [(t.requires_grad, t.is_leaf, type(t.grad_fn).__name__) for t in casts] + [
            same is x,
            type(same.grad_fn).__name__,
        ]

    assert facts(ak) == facts(torch)


NEW_RESULTS = {  # each on a permuted input: torch lays reductions, softmax and scans out anew
    "sum": lambda x: x.sum(1),
    "sum_keepdim": lambda x: x.sum(1, keepdim=True),
    "mean": lambda x: x.mean(2),
    "var": lambda x: x.var(1),
    "std": lambda x: x.std(1),
    "prod": lambda x: x.prod(1),
    "norm": lambda x: x.norm(dim=1),
    "norm_1": lambda x: x.norm(1, dim=1),
    "logsumexp": lambda x: x.logsumexp(1),
    "amax": lambda x: x.amax(0),
    "max": lambda x: x.max(1).values,
    "softmax": lambda x: x.softmax(1),
    "log_softmax": lambda x: x.log_softmax(1),
    "cumsum": lambda x: x.cumsum(1),
    "cumprod": lambda x: x.cumprod(1),
    "roll": lambda x: x.roll(1, 1),
    "tril": lambda x: x.tril(),
    "exp_keeps_the_layout": lambda x: x.exp(),
}


@pytest.mark.parametrize("name", sorted(NEW_RESULTS))
def test_results_are_laid_out_like_torchs_and_view_alike(name):
    def layout(L):
        x = L.arange(60.0).reshape(3, 4, 5).permute(2, 0, 1).requires_grad_()
        out = NEW_RESULTS[name](x)
        viewed = outcome(lambda L: out.view(-1).shape, L)
        return out.stride(), out.is_contiguous(), viewed

    assert layout(ak) == layout(torch)
