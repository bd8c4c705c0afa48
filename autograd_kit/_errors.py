"""PyTorch's error messages, each followed by one line that teaches.

Every mistake a learner can make raises the same exception type with the same words as
PyTorch, so searching the message finds PyTorch's own discussions. Then one extra line,
starting with "Hint:", says why it happened and the usual fix. All hints live in this one
table so they read consistently and are easy to translate.
"""

from __future__ import annotations

HINTS: dict[str, str] = {
    "second_backward": (
        "Hint: the first backward() freed the values this graph saved. Pass retain_graph=True to "
        "the first call if you need to go back through the same graph, or recompute the forward."
    ),
    "non_scalar": (
        "Hint: backward() with no argument only works on a single number (like a loss). For a "
        "non-scalar output pass gradient=, a tensor of the output's shape (e.g. torch.ones_like(y)), "
        "or reduce it first with .sum() or .mean()."
    ),
    "grad_shape": (
        "Hint: gradient= holds d(something)/d(output) for every element of the output, so it must "
        "have exactly the output's shape."
    ),
    "no_grad_fn": (
        "Hint: nothing in this computation requires grad, so there is no graph to go back through. "
        "Create the inputs with requires_grad=True (and don't compute them inside torch.no_grad())."
    ),
    "inplace_saved": (
        "Hint: backward needs the value this tensor had when the graph was recorded, but an in-place "
        "op (a method ending in _, or x[...] = ...) overwrote it. Use the out-of-place version "
        "(x = x + 1 instead of x += 1) or .clone() the tensor before changing it."
    ),
    "inplace_leaf": (
        "Hint: changing a parameter in place would break the graph that uses it. Update weights "
        "inside `with torch.no_grad():` (that is what optimizer.step() does)."
    ),
    "int_requires_grad": (
        "Hint: gradients are only defined for continuous values; make the tensor floating point, "
        "e.g. torch.tensor([1., 2.]) or x.float()."
    ),
    "nonleaf_requires_grad": (
        "Hint: a computed tensor requires grad because its inputs do. To stop gradients here, use "
        "y = y.detach() (a new leaf that shares the data)."
    ),
    "numpy_requires_grad": (
        "Hint: NumPy arrays cannot record a graph; .detach() gives the same numbers without it."
    ),
    "matmul_shape": (
        "Hint: for A @ B the number of columns of A must equal the number of rows of B; check the "
        "shapes with .shape and transpose with .T if needed."
    ),
    "broadcast": (
        "Hint: broadcasting lines shapes up from the right; each pair of sizes must be equal or one "
        "of them must be 1. Use .unsqueeze() or .reshape() to add the missing size-1 dimensions."
    ),
    "device_mismatch": (
        "Hint: move every tensor of one computation to the same device first, e.g. x.to(device) "
        "and model.to(device)."
    ),
    "numpy_cuda": "Hint: copy the tensor to the CPU first: x.cpu().numpy().",
    "no_cuda": (
        "Hint: this machine has no usable CUDA GPU (or CuPy is not installed). Use device='cpu'; "
        "torch.cuda.is_available() tells you which one to pick."
    ),
    "inference_saved": (
        "Hint: inference_mode() promises the result never meets autograd. Compute it under "
        "torch.no_grad() instead, or use x.clone() of it here."
    ),
    "inference_inplace": (
        "Hint: a tensor made inside inference_mode() can only be changed inside it. Work on a "
        "copy (y = x.clone()), or make it under torch.no_grad() if it must change later."
    ),
    "inference_requires_grad": (
        "Hint: a tensor made inside inference_mode() can never join a graph. Use a copy "
        "(x.clone().requires_grad_()), or make it under torch.no_grad() instead."
    ),
    "hook_no_grad": "Hint: hooks see gradients, so the tensor must have requires_grad=True.",
    "unused_input": (
        "Hint: the output does not depend on this input, so there is no gradient to return."
    ),
    "input_no_grad": (
        "Hint: create the input with requires_grad=True to differentiate with respect to it."
    ),
    "function_grad_count": (
        "Hint: backward must return one gradient per argument of forward (None for arguments "
        "that need none, such as non-tensor settings)."
    ),
    "function_grad_shape": (
        "Hint: the gradient for an input must have that input's shape; check your backward's "
        "formula (a missing .sum() over a broadcast dimension is the usual cause)."
    ),
    "function_style": (
        "Hint: call a custom Function with MyFunction.apply(x), never MyFunction()(x) or "
        "MyFunction.forward(ctx, x)."
    ),
    "view_shape": (
        "Hint: the new shape must hold exactly as many elements as the tensor has (.numel()); "
        "use -1 for one dimension to let it be inferred."
    ),
    "inplace_overlap": (
        "Hint: an expanded tensor repeats one stored value many times, so it cannot be written "
        "element by element; write into x.clone() (or expand after the change)."
    ),
    "view_no_grad": (
        "Hint: make the view and change it in the same mode: both inside torch.no_grad() (not "
        "recorded, e.g. initialising weights) or both outside it (recorded)."
    ),
    "view_stride": (
        "Hint: view() never copies, so it needs the elements in memory in the new shape's "
        "order; after transpose/permute/slicing use .reshape() (which copies when it must) "
        "or .contiguous().view()."
    ),
    "gather_dims": (
        "Hint: gather and scatter pair every position of index with a position of the input, "
        "so index needs as many dims as the input: add the missing ones with .unsqueeze() "
        "(e.g. x.gather(1, target.unsqueeze(1)) picks one class per row)."
    ),
    "index_dtype": (
        "Hint: positions are whole numbers; make the index an integer tensor with .long() "
        "(a float index usually comes from arithmetic such as x / 2: use x // 2)."
    ),
    "dtype_cast": (
        "Hint: an in-place op keeps the tensor's dtype; convert first (x = x.float()) or use the "
        "out-of-place op."
    ),
    # ---- scans-linalg ----
    "topk_k": (
        "Hint: k counts values taken along one dimension (dim=-1, the last, by default), so it "
        "must be between 0 and that dimension's size; pass dim= to pick another dimension."
    ),
    "einsum_subscripts": (
        "Hint: an einsum operand needs one letter per dimension (as many as x.ndim); write ... "
        "for leading dimensions you don't name, e.g. '...ij,...jk->...ik'."
    ),
    # ---- elementwise ----
    "no_derivative": (
        "Hint: x // y and number % x jump from step to step, so PyTorch defines no gradient for "
        "them. If the result only picks or counts things, .detach() it; for a smooth quantity "
        "use x / y instead."
    ),
    "integer_zero_division": (
        "Hint: an integer divided by 0 has no answer (floats give inf or nan instead); look for "
        "zeros in the divisor, or convert to float first with .float()."
    ),
    # ---- nn-more ----
    "layer_norm_shape": (
        "Hint: normalized_shape names the LAST dimensions of the input, the ones each sample is "
        "normalised over: LayerNorm(x.shape[-1]) for features in the last dimension."
    ),
    # ---- recurrent ----
    "rnn_hidden_shape": (
        "Hint: the initial state is (num_layers * num_directions, batch, hidden_size) even with "
        "batch_first=True; without batch_first the input is (seq_len, batch, features), so a "
        "(batch, seq_len, features) input needs batch_first=True."
    ),
}


def explain(message: str, key: str, detail: str | None = None) -> str:
    """Return PyTorch's ``message`` followed by the teaching hint stored under ``key``."""
    lines = [message]
    if detail:
        lines.append(detail)
    lines.append(HINTS[key])
    return "\n".join(lines)
