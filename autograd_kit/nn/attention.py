"""`MultiheadAttention`: several scaled dot-product attentions side by side, PyTorch's layer.

The queries, keys and values are projected by one packed (3E, E) weight, split into heads,
attended with `functional._attention` (the same code as `scaled_dot_product_attention`) and
projected back by `out_proj`. Each step is an ordinary recorded operation, so gradients are
exact; PyTorch's fused kernels record fewer, different nodes in the middle of the graph.
"""

from __future__ import annotations

import math

from .. import empty
from . import functional as F
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """A `Linear` under the name PyTorch gives `MultiheadAttention.out_proj` (so reprs match)."""


def _shape_text(tensor) -> str:
    return f"torch.Size([{', '.join(str(int(n)) for n in tensor.shape)}])"


class MultiheadAttention(Module):
    """Attend from every query to every key with `num_heads` heads of size embed_dim/num_heads.

    head_i = softmax(Q_i K_i^T / sqrt(head_dim) + mask) V_i with Q_i, K_i, V_i the i-th slices
    of the projected query, key and value; out = concat(heads) W_out^T + b_out. Input is
    (L, B, E) ((B, L, E) with batch_first, or unbatched (L, E)). Returns (output, weights):
    the attention weights averaged over heads (B, L, S), per head (B, H, L, S) with
    average_attn_weights=False, or None with need_weights=False.

    Masks: `key_padding_mask` (B, S) and `attn_mask` (L, S) or (B*H, L, S); a boolean True
    means "do not attend" (note: the opposite of scaled_dot_product_attention), a float mask is
    added to the scores.

    Example:
        >>> attention = ak.nn.MultiheadAttention(8, num_heads=2, batch_first=True)
        >>> x = ak.zeros(3, 5, 8)
        >>> output, weights = attention(x, x, x)
        >>> output.shape, weights.shape
        (torch.Size([3, 5, 8]), torch.Size([3, 5, 5]))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim=None, vdim=None,
                 batch_first: bool = False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                f"and num_heads={num_heads} instead"
            )
        super().__init__()
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError(
                "autograd-kit's MultiheadAttention supports add_bias_kv=False and "
                "add_zero_attn=False only"
            )
        if kdim not in (None, embed_dim) or vdim not in (None, embed_dim):
            raise NotImplementedError("autograd-kit's MultiheadAttention needs kdim = vdim = "
                                      "embed_dim")
        self.embed_dim = embed_dim
        self.kdim = self.vdim = embed_dim
        self._qkv_same_embed_dim = True
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        self.in_proj_weight = Parameter(
            empty((3 * embed_dim, embed_dim), device=device, dtype=dtype)
        )
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, device=device, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        device=device, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True,
                attn_mask=None, average_attn_weights: bool = True, is_causal: bool = False):
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                "module method `generate_square_subsequent_mask` to create this mask."
            )
        is_batched = query.dim() == 3
        if self.batch_first and is_batched:
            query, key, value = (t.transpose(1, 0) for t in (query, key, value))
        if not is_batched:  # one sequence: a batch of one, removed again at the end
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
            if attn_mask is not None and attn_mask.dim() == 3:
                attn_mask = attn_mask.unsqueeze(0).reshape(-1, *attn_mask.shape[1:])
        length, batch, embed_dim = (int(n) for n in query.shape)
        source_length = int(key.shape[0])
        heads, head_dim = self.num_heads, self.head_dim
        bias = self._mask_bias(key_padding_mask, attn_mask, batch, length, source_length, query)

        def split_heads(tensor, size: int):
            # (size, B, E) -> (B*H, size, head_dim): head h holds features h*hd .. (h+1)*hd.
            return tensor.reshape(size, batch * heads, head_dim).transpose(0, 1)

        weight_q, weight_k, weight_v = self.in_proj_weight.chunk(3)
        bias_q, bias_k, bias_v = (self.in_proj_bias.chunk(3) if self.in_proj_bias is not None
                                  else (None, None, None))
        q = split_heads(F.linear(query, weight_q, bias_q), length)
        k = split_heads(F.linear(key, weight_k, bias_k), source_length)
        v = split_heads(F.linear(value, weight_v, bias_v), source_length)
        out, weights = F._attention(q, k, v, bias, 1.0 / math.sqrt(head_dim))
        if self.dropout > 0.0 and self.training:
            # PyTorch drops attention weights (and returns them dropped), then re-weights v.
            weights = F.dropout(weights, self.dropout)
            out = weights.matmul(v)
        # (B*H, L, hd) -> (L * B, E), one matrix product with out_proj, then (L, B, E).
        out = out.transpose(0, 1).reshape(length * batch, embed_dim)
        out = self.out_proj(out).view(length, batch, embed_dim)
        if self.batch_first and is_batched:
            out = out.transpose(1, 0)
        if not is_batched:
            out = out.squeeze(1)
        if not need_weights:
            return out, None
        weights = weights.view(batch, heads, length, source_length)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            weights = weights.squeeze(0)
        return out, weights

    def _mask_bias(self, key_padding_mask, attn_mask, batch: int, length: int,
                   source_length: int, like):
        """Both masks as one additive bias broadcastable to the (B*H, L, S) scores."""
        bias = None
        if attn_mask is not None:
            if attn_mask.dim() == 2:
                expected = (length, source_length)
            else:
                expected = (batch * self.num_heads, length, source_length)
            if tuple(int(n) for n in attn_mask.shape) != expected:
                raise RuntimeError(
                    f"The shape of the {attn_mask.dim()}D attn_mask is "
                    f"{_shape_text(attn_mask)}, but should be {expected}."
                )
            bias = F._additive_mask(attn_mask, like, keep_where_true=False)
        if key_padding_mask is not None:
            if int(key_padding_mask.shape[0]) != batch:
                raise AssertionError(f"Expected key_padded_mask.shape[0] to be {batch}, but got "
                                     f"{int(key_padding_mask.shape[0])}")
            padding = F._additive_mask(key_padding_mask, like, keep_where_true=False)
            # (B, S) -> (B*H, 1, S): every head of a sequence ignores the same keys.
            padding = padding.reshape(batch, 1, 1, source_length).expand(
                batch, self.num_heads, 1, source_length
            ).reshape(batch * self.num_heads, 1, source_length)
            bias = padding if bias is None else bias + padding
        return bias

    def extra_repr(self) -> str:
        return ""
