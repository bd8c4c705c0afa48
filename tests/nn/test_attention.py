"""MultiheadAttention and scaled_dot_product_attention: outputs, attention weights and every
gradient (query, key, value, parameters) vs PyTorch, with and without masks; reprs and errors.

PyTorch's fused attention kernels record other nodes in the middle of the graph, so node names
are compared only at the ends where PyTorch's Python code decides them."""

from __future__ import annotations

import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import (
    assert_close,
    assert_raises_like,
    assert_same_params,
    copy_weights,
    to_ak,
)


def _masks(kind: str, batch: int, heads: int, length: int, source: int):
    """The mask keyword arguments named by `kind` (torch tensors), reproducibly random."""
    generator = torch.Generator().manual_seed(1)
    options: dict = {}
    if "attn_bool" in kind:
        mask = torch.rand(length, source, generator=generator) > 0.6
        mask[:, 0] = False  # no query without keys: PyTorch gives NaN rows there
        options["attn_mask"] = mask
    if "attn_float3" in kind:
        options["attn_mask"] = torch.randn(batch * heads, length, source, generator=generator)
    if "padding_bool" in kind:
        mask = torch.rand(batch, source, generator=generator) > 0.6
        mask[:, 0] = False
        options["key_padding_mask"] = mask
    if "padding_float" in kind:
        options["key_padding_mask"] = torch.randn(batch, source, generator=generator)
    return options


MHA_CASES = [
    ({}, {}, ""),
    (dict(batch_first=True), {}, ""),
    (dict(bias=False), {}, ""),
    ({}, dict(need_weights=False), ""),
    ({}, dict(average_attn_weights=False), ""),
    ({}, {}, "attn_bool"),
    (dict(batch_first=True), {}, "attn_float3"),
    ({}, {}, "padding_bool"),
    ({}, dict(average_attn_weights=False), "padding_bool attn_bool"),
    ({}, {}, "padding_float attn_float3"),
]


@pytest.mark.parametrize(("options", "call", "masks"), MHA_CASES)
@pytest.mark.parametrize("batched", [True, False])
def test_multihead_attention_matches_pytorch(options, call, masks, batched):
    torch.manual_seed(0)
    torch_mha = torch.nn.MultiheadAttention(8, 2, **options)
    ak_mha = ak.nn.MultiheadAttention(8, 2, **options)
    copy_weights(torch_mha, ak_mha)
    length, source, batch = 3, 5, (2 if batched else 1)
    call = dict(call, **_masks(masks, batch, 2, length, source))
    if not batched:
        if "key_padding_mask" in call:
            call["key_padding_mask"] = call["key_padding_mask"][0]
        if "attn_mask" in call and call["attn_mask"].dim() == 3:
            call["attn_mask"] = call["attn_mask"][:2]

    def shape(size):
        if not batched:
            return (size, 8)
        return (batch, size, 8) if options.get("batch_first") else (size, batch, 8)

    tensors = [torch.randn(*shape(size), requires_grad=True) for size in (length, source, source)]
    ak_tensors = [to_ak(t, requires_grad=True) for t in tensors]
    ak_call = {name: to_ak(value) if isinstance(value, torch.Tensor) else value
               for name, value in call.items()}
    output, weights = torch_mha(*tensors, **call)
    ak_output, ak_weights = ak_mha(*ak_tensors, **ak_call)
    assert_close(ak_output, output, atol=1e-5)
    assert ak_output.grad_fn.name() == output.grad_fn.name()
    loss, ak_loss = output.pow(2).sum(), ak_output.pow(2).sum()
    if weights is None:
        assert ak_weights is None
    else:
        assert_close(ak_weights, weights)
        assert ak_weights.grad_fn.name() == weights.grad_fn.name()
        upstream = torch.randn_like(weights)
        loss, ak_loss = loss + (weights * upstream).sum(), ak_loss + (ak_weights *
                                                                      to_ak(upstream)).sum()
    loss.backward()
    ak_loss.backward()
    for ak_tensor, tensor in zip(ak_tensors, tensors, strict=True):
        assert_close(ak_tensor.grad, tensor.grad, atol=1e-5)
    assert_same_params(ak_mha, torch_mha, atol=1e-5)


@pytest.mark.parametrize("options", [{}, dict(bias=False, batch_first=True)])
def test_multihead_attention_repr_parameters_and_init_match_pytorch(options):
    torch_mha = torch.nn.MultiheadAttention(8, 4, **options)
    ak.manual_seed(0)
    ak_mha = ak.nn.MultiheadAttention(8, 4, **options)
    assert repr(ak_mha) == repr(torch_mha)
    assert [(n, tuple(p.shape)) for n, p in ak_mha.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in torch_mha.named_parameters()]
    assert list(ak_mha.state_dict()) == list(torch_mha.state_dict())
    assert ak_mha.head_dim == torch_mha.head_dim == 2
    bound = (6 / (8 + 24)) ** 0.5  # xavier_uniform_ on the packed (24, 8) weight
    assert ak_mha.in_proj_weight.abs().max().item() <= bound
    if options.get("bias", True):
        assert ak_mha.in_proj_bias.abs().max().item() == 0.0
        assert ak_mha.out_proj.bias.abs().max().item() == 0.0


@pytest.mark.parametrize("call", [
    dict(attn_mask=(3, 5)), dict(attn_mask=(5, 3, 3)), dict(key_padding_mask=(3, 3)),
])
def test_multihead_attention_mask_errors_match_pytorch(call):
    torch_mha, ak_mha = torch.nn.MultiheadAttention(4, 2), ak.nn.MultiheadAttention(4, 2)

    def run(lib, module):
        x = lib.zeros(3, 2, 4)
        masks = {name: lib.zeros(*shape, dtype=lib.bool) for name, shape in call.items()}
        return module(x, x, x, **masks)

    assert_raises_like(lambda: run(torch, torch_mha), lambda: run(ak, ak_mha))


def test_multihead_attention_needs_divisible_heads_like_pytorch():
    assert_raises_like(lambda: torch.nn.MultiheadAttention(5, 2),
                 lambda: ak.nn.MultiheadAttention(5, 2))


SDPA_CASES = [
    {},
    dict(is_causal=True),
    dict(scale=0.3),
    dict(attn_mask="bool"),
    dict(attn_mask="float"),
]


@pytest.mark.parametrize("options", SDPA_CASES)
@pytest.mark.parametrize("batch", [(2, 3), (4,), ()])
def test_scaled_dot_product_attention_matches_pytorch(options, batch):
    torch.manual_seed(0)
    length = 4
    source = length if options.get("is_causal") else 5
    options = dict(options)
    if options.get("attn_mask") == "bool":
        mask = torch.rand(length, source) > 0.5
        mask[:, 0] = True
        options["attn_mask"] = mask
    elif options.get("attn_mask") == "float":
        options["attn_mask"] = torch.randn(*batch, length, source)
    tensors = [torch.randn(*batch, length, 3, requires_grad=True),
               torch.randn(*batch, source, 3, requires_grad=True),
               torch.randn(*batch, source, 6, requires_grad=True)]
    ak_tensors = [to_ak(t, requires_grad=True) for t in tensors]
    ak_options = {name: to_ak(value) if isinstance(value, torch.Tensor) else value
                  for name, value in options.items()}
    out = torch.nn.functional.scaled_dot_product_attention(*tensors, **options)
    ak_out = ak.nn.functional.scaled_dot_product_attention(*ak_tensors, **ak_options)
    assert_close(ak_out, out)
    upstream = torch.randn_like(out)
    out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    for ak_tensor, tensor in zip(ak_tensors, tensors, strict=True):
        assert_close(ak_tensor.grad, tensor.grad, atol=1e-5)


def test_scaled_dot_product_attention_second_derivative_by_gradgradcheck():
    ak.manual_seed(0)
    tensors = [ak.randn(2, 3, 2, dtype=ak.float64, requires_grad=True) for _ in range(3)]
    assert ak.autograd.gradgradcheck(
        lambda q, k, v: ak.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True),
        tensors,
    )


def test_causal_attention_with_an_explicit_mask_is_refused_like_pytorch():
    def run(lib):
        x = lib.zeros(2, 3, 4)
        mask = lib.ones(3, 3, dtype=lib.bool)
        return lib.nn.functional.scaled_dot_product_attention(x, x, x, mask, is_causal=True)

    assert_raises_like(lambda: run(torch), lambda: run(ak))


@pytest.mark.parametrize("mask_kind", ["bool", "float"])
def test_queries_with_every_key_masked_give_zeros_like_pytorch(mask_kind):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4, requires_grad=True)
    if mask_kind == "bool":
        mask = torch.ones(3, 3, dtype=torch.bool)
        mask[1] = False
    else:
        mask = torch.zeros(3, 3)
        mask[2] = float("-inf")
    ax = to_ak(x, requires_grad=True)
    out = torch.nn.functional.scaled_dot_product_attention(x, x, x, mask)
    ak_out = ak.nn.functional.scaled_dot_product_attention(ax, ax, ax, to_ak(mask))
    assert_close(ak_out, out)
    upstream = torch.randn_like(out)
    out.backward(upstream)
    ak_out.backward(to_ak(upstream))
    assert_close(ax.grad, x.grad, atol=1e-5)


def test_multihead_attention_is_causal_is_a_hint_that_needs_the_mask_like_pytorch():
    def run(lib, module, with_mask):
        x = lib.ones(3, 2, 4)
        mask = lib.ones(3, 3).triu(1) > 0 if with_mask else None
        return module(x, x, x, attn_mask=mask, is_causal=True)[0]

    torch.manual_seed(0)
    torch_mha, ak_mha = torch.nn.MultiheadAttention(4, 2), ak.nn.MultiheadAttention(4, 2)
    copy_weights(torch_mha, ak_mha)
    assert_raises_like(lambda: run(torch, torch_mha, False), lambda: run(ak, ak_mha, False))
    assert_close(run(ak, ak_mha, True), run(torch, torch_mha, True))


def test_multihead_attention_dropout_acts_in_training_only():
    ak.manual_seed(0)
    attention = ak.nn.MultiheadAttention(8, 2, dropout=0.5)
    x = ak.randn(4, 2, 8)
    first, second = attention(x, x, x)[0], attention(x, x, x)[0]
    assert not ak.allclose(first, second)
    attention.eval()
    assert ak.equal(attention(x, x, x)[0], attention(x, x, x)[0])
