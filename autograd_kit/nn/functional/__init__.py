"""`ak.nn.functional`: the stateless functions behind every layer and loss.

Each function is written with the core's differentiable ops, so its gradient comes from the
one engine in `autograd/graph.py`. Where PyTorch records a single graph node
(`ConvolutionBackward0`, `NllLossBackward0`, `MseLossBackward0`, ...), the function calls the
matching primitive from the neural-network modules of `ops/` (`activations.py`, `losses.py`,
`convolution.py`, `normalization.py`), so printed graphs match PyTorch's node for node.

The functions live in one module per kind: ``activations``, ``layers`` and ``losses``
(``_checks`` holds the argument checks they share); this file re-exports them.
"""

from __future__ import annotations

from .activations import (
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)
from .layers import (  # used by nn/attention.py
    _additive_mask,
    _attention,
    adaptive_avg_pool2d,
    avg_pool2d,
    batch_norm,
    conv1d,
    conv2d,
    dropout,
    embedding,
    layer_norm,
    linear,
    max_pool2d,
    normalize,
    one_hot,
    pad,
    scaled_dot_product_attention,
)
from .losses import (  # used by nn/loss.py
    _legacy_reduction,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_similarity,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    nll_loss,
    pairwise_distance,
    poisson_nll_loss,
    smooth_l1_loss,
    triplet_margin_loss,
)

__all__ = [
    "relu", "leaky_relu", "tanh", "sigmoid", "softmax", "log_softmax", "linear",
    "conv2d", "max_pool2d", "dropout", "batch_norm", "embedding", "one_hot", "mse_loss",
    "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    # smooth activations, normalizing, padding, layer norm, average pooling, robust losses
    "gelu", "silu", "softplus", "elu", "relu6", "hardtanh", "normalize", "pad", "layer_norm",
    "avg_pool2d", "adaptive_avg_pool2d", "smooth_l1_loss", "huber_loss",
    # 1-d convolution and attention
    "conv1d", "scaled_dot_product_attention",
    # shrinking and gating activations, divergences, distances, margin losses
    "logsigmoid", "softsign", "tanhshrink", "hardswish", "hardsigmoid", "mish", "glu",
    "softmin", "prelu", "threshold", "celu", "selu", "hardshrink", "softshrink", "kl_div",
    "cosine_similarity", "pairwise_distance", "margin_ranking_loss", "triplet_margin_loss",
    "poisson_nll_loss", "gaussian_nll_loss", "hinge_embedding_loss",
]
