"""How the kit's errors reach the learner: PyTorch's message, a hint, a short traceback.

Every mistake a learner can make raises the same exception type with the same message as
PyTorch, so ``str(error)`` is exactly what PyTorch code prints and searching it finds PyTorch's
own discussions. The teaching hint rides along as an exception note (PEP 678), which a
traceback shows under the message and ``print(error)`` does not; it is written in the learner's
language (``ak.set_language``), from the table below.

PyTorch's checks run in C++, so its tracebacks end at the learner's line. The kit's checks run in
Python; :func:`install_short_tracebacks` (called on import) leaves the kit's own frames out of
tracebacks that Python or IPython print, so the learner meets the same short traceback. The
exception itself keeps every frame for a debugger (``%debug``, ``pdb.pm()``), and
``AK_TRACEBACK=full`` turns the shortening off.

Example:
    >>> y = (ak.ones(2, requires_grad=True) ** 2).sum()
    >>> y.backward()
    >>> try:
    ...     y.backward()
    ... except RuntimeError as error:
    ...     print(str(error)[:48])
    ...     print(error.__notes__[0][:54])
    Trying to backward through the graph a second ti
    Hint: the first backward() freed the values this graph
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from . import i18n

# One hint per kind of mistake: why it happened and the usual fix. Keys are "hint." + the name
# the raising code passes to with_hint.
HINTS: dict[str, dict[str, str]] = i18n.register({
    "hint.second_backward": {
        "en": (
            "Hint: the first backward() freed the values this graph saved. Pass retain_graph=True "
            "to the first call if you need to go back through the same graph, or recompute the "
            "forward."
        ),
        "zh": (
            "提示：第一次 backward() "
            "已经释放了这个计算图保存的值。如果还要再沿同一个计算图做反向传播，请在第一次调用时传入 "
            "retain_graph=True，或者重新做一遍前向传播。"
        ),
    },
    "hint.non_scalar": {
        "en": (
            "Hint: backward() with no argument only works on a single number (like a loss). For a "
            "non-scalar output pass gradient=, a tensor of the output's shape (e.g. "
            "torch.ones_like(y)), or reduce it first with .sum() or .mean()."
        ),
        "zh": (
            "提示：不带参数的 backward() "
            "只适用于单个数（比如损失）。对非标量的输出，请传入 "
            "gradient=，即一个与输出形状相同的张量（例如 "
            "torch.ones_like(y)），或者先用 .sum() 或 .mean() "
            "把它归约成一个数。"
        ),
    },
    "hint.grad_shape": {
        "en": (
            "Hint: gradient= holds d(something)/d(output) for every element of the output, so it "
            "must have exactly the output's shape."
        ),
        "zh": (
            "提示：gradient= 为输出的每个元素给出 "
            "d(某个量)/d(输出)，所以它的形状必须和输出完全相同。"
        ),
    },
    "hint.no_grad_fn": {
        "en": (
            "Hint: nothing in this computation requires grad, so there is no graph to go back "
            "through. Create the inputs with requires_grad=True (and don't compute them inside "
            "torch.no_grad())."
        ),
        "zh": (
            "提示：这次计算里没有任何张量需要梯度，所以没有可以反向传播的计算图。请用 "
            "requires_grad=True 创建输入（并且不要在 "
            "torch.no_grad() 里计算它们）。"
        ),
    },
    "hint.inplace_saved": {
        "en": (
            "Hint: backward needs the value this tensor had when the graph was recorded, but an "
            "in-place op (a method ending in _, or x[...] = ...) overwrote it. Use the out-of-place"
            " version (x = x + 1 instead of x += 1) or .clone() the tensor before changing it."
        ),
        "zh": (
            "提示：反向传播需要这个张量在记录计算图时的值，但一个原地操作（以 _ 结尾的方法，或 "
            "x[...] = ...）把它覆盖了。请改用非原地的写法（用 x = x + 1 代替 "
            "x += 1），或者在修改之前先 .clone() 这个张量。"
        ),
    },
    "hint.inplace_leaf": {
        "en": (
            "Hint: changing a parameter in place would break the graph that uses it. Update weights"
            " inside `with torch.no_grad():` (that is what optimizer.step() does)."
        ),
        "zh": (
            "提示：原地修改参数会破坏用到它的计算图。请在 `with "
            "torch.no_grad():` 里更新权重（optimizer.step() "
            "就是这么做的）。"
        ),
    },
    "hint.int_requires_grad": {
        "en": (
            "Hint: gradients are only defined for continuous values; make the tensor floating "
            "point, e.g. torch.tensor([1., 2.]) or x.float()."
        ),
        "zh": (
            "提示：梯度只对连续取值的数有定义；请把张量变成浮点类型，例如 "
            "torch.tensor([1., 2.]) 或 x.float()。"
        ),
    },
    "hint.nonleaf_requires_grad": {
        "en": (
            "Hint: a computed tensor requires grad because its inputs do. To stop gradients here, "
            "use y = y.detach() (a new leaf that shares the data)."
        ),
        "zh": (
            "提示：计算出来的张量需要梯度，是因为它的输入需要梯度。要在这里截断梯度，请用 y = "
            "y.detach()（得到一个共享数据的新叶子节点）。"
        ),
    },
    "hint.numpy_requires_grad": {
        "en": (
            "Hint: NumPy arrays cannot record a graph; .detach() gives the same numbers without it."
        ),
        "zh": "提示：NumPy 数组无法记录计算图；.detach() 给出同样的数值，但不带计算图。",
    },
    "hint.matmul_shape": {
        "en": (
            "Hint: for A @ B the number of columns of A must equal the number of rows of B; check "
            "the shapes with .shape and transpose with .T if needed."
        ),
        "zh": (
            "提示：计算 A @ B 时，A 的列数必须等于 B 的行数；用 .shape "
            "查看形状，必要时用 .T 转置。"
        ),
    },
    "hint.broadcast": {
        "en": (
            "Hint: broadcasting lines shapes up from the right; each pair of sizes must be equal or"
            " one of them must be 1. Use .unsqueeze() or .reshape() to add the missing size-1 "
            "dimensions."
        ),
        "zh": (
            "提示：广播从最右边开始对齐形状；每一对维度的大小必须相等，或者其中一个是 1。可以用 "
            ".unsqueeze() 或 .reshape() 补上缺少的大小为 1 的维度。"
        ),
    },
    "hint.device_mismatch": {
        "en": (
            "Hint: move every tensor of one computation to the same device first, e.g. x.to(device)"
            " and model.to(device)."
        ),
        "zh": (
            "提示：请先把同一次计算用到的所有张量放到同一个设备上，例如 x.to(device) 和"
            " model.to(device)。"
        ),
    },
    "hint.numpy_cuda": {
        "en": "Hint: copy the tensor to the CPU first: x.cpu().numpy().",
        "zh": "提示：请先把张量复制到 CPU：x.cpu().numpy()。",
    },
    "hint.no_cuda": {
        "en": (
            "Hint: this machine has no usable CUDA GPU (or CuPy is not installed). Use "
            "device='cpu'; torch.cuda.is_available() tells you which one to pick."
        ),
        "zh": (
            "提示：这台机器没有可用的 CUDA GPU（或者没有安装 CuPy）。请使用 "
            "device='cpu'；torch.cuda.is_available() "
            "会告诉你该选哪一个。"
        ),
    },
    "hint.inference_inplace": {
        "en": (
            "Hint: a tensor made inside inference_mode() can only be changed inside it. Work on a "
            "copy (y = x.clone()), or make it under torch.no_grad() if it must change later."
        ),
        "zh": (
            "提示：在 inference_mode() 中创建的张量只能在该模式内被就地修改。请在副本上操作"
            "（y = x.clone()），或者如果之后还要修改它，就改在 torch.no_grad() 下创建。"
        ),
    },
    "hint.inference_requires_grad": {
        "en": (
            "Hint: a tensor made inside inference_mode() can never join a graph. Use a copy "
            "(x.clone().requires_grad_()), or make it under torch.no_grad() instead."
        ),
        "zh": (
            "提示：在 inference_mode() 中创建的张量永远不能加入计算图。请使用副本"
            "（x.clone().requires_grad_()），或者改在 torch.no_grad() 下创建它。"
        ),
    },
    "hint.inference_saved": {
        "en": (
            "Hint: inference_mode() promises the result never meets autograd. Compute it under "
            "torch.no_grad() instead, or use x.clone() of it here."
        ),
        "zh": (
            "提示：inference_mode() 保证结果永远不会进入自动求导。请改在 "
            "torch.no_grad() 里计算它，或者在这里使用它的 x.clone()。"
        ),
    },
    "hint.hook_no_grad": {
        "en": (
            "Hint: hooks see gradients, so the tensor must have requires_grad=True."
        ),
        "zh": "提示：钩子看到的是梯度，所以这个张量必须设置 requires_grad=True。",
    },
    "hint.unused_input": {
        "en": (
            "Hint: the output does not depend on this input, so there is no gradient to return."
        ),
        "zh": "提示：输出并不依赖这个输入，所以没有梯度可以返回。",
    },
    "hint.input_no_grad": {
        "en": (
            "Hint: create the input with requires_grad=True to differentiate with respect to it."
        ),
        "zh": "提示：要对某个输入求导，请用 requires_grad=True 创建它。",
    },
    "hint.function_grad_count": {
        "en": (
            "Hint: backward must return one gradient per argument of forward (None for arguments "
            "that need none, such as non-tensor settings)."
        ),
        "zh": (
            "提示：backward 必须为 forward "
            "的每个参数返回一个梯度（不需要梯度的参数，比如非张量的设置，返回 None）。"
        ),
    },
    "hint.function_grad_shape": {
        "en": (
            "Hint: the gradient for an input must have that input's shape; check your backward's "
            "formula (a missing .sum() over a broadcast dimension is the usual cause)."
        ),
        "zh": (
            "提示：某个输入的梯度必须和这个输入形状相同；请检查 backward "
            "里的公式（最常见的原因是在广播出来的维度上漏了 .sum()）。"
        ),
    },
    "hint.function_style": {
        "en": (
            "Hint: call a custom Function with MyFunction.apply(x), never MyFunction()(x) or "
            "MyFunction.forward(ctx, x)."
        ),
        "zh": (
            "提示：请用 MyFunction.apply(x) 调用自定义 Function，不要写"
            " MyFunction()(x) 或 MyFunction.forward(ctx, "
            "x)。"
        ),
    },
    "hint.view_shape": {
        "en": (
            "Hint: the new shape must hold exactly as many elements as the tensor has (.numel()); "
            "use -1 for one dimension to let it be inferred."
        ),
        "zh": (
            "提示：新形状包含的元素个数必须和张量的元素个数（.numel()）完全相同；可以在某一维"
            "写 -1，让它自动推算。"
        ),
    },
    "hint.inplace_overlap": {
        "en": (
            "Hint: an expanded tensor repeats one stored value many times, so it cannot be written "
            "element by element; write into x.clone() (or expand after the change)."
        ),
        "zh": (
            "提示：扩展（expand）出来的张量把同一个存储的值重复了很多次，所以不能逐个元素写入；"
            "请写入 x.clone()（或者在修改之后再 expand）。"
        ),
    },
    "hint.multi_output_view": {
        "en": (
            "Hint: unbind, split and chunk record one node for all their parts, so a part cannot "
            "be changed in place while it is recorded; change a copy (part.clone()) or build the "
            "new values out of place (part * 2)."
        ),
        "zh": (
            "提示：unbind、split 和 chunk 为所有部分只记录一个节点，所以在记录时不能原地修改其中的"
            "一部分；请修改它的副本（part.clone()），或者不用原地操作得到新值（part * 2）。"
        ),
    },
    "hint.view_no_grad": {
        "en": (
            "Hint: make the view and change it in the same mode: both inside torch.no_grad() (not "
            "recorded, e.g. initialising weights) or both outside it (recorded)."
        ),
        "zh": (
            "提示：请在同一种模式下创建视图并修改它：要么都在 torch.no_grad() "
            "里（不记录，例如初始化权重），要么都在它外面（会被记录）。"
        ),
    },
    "hint.view_stride": {
        "en": (
            "Hint: view() never copies, so it needs the elements in memory in the new shape's "
            "order; after transpose/permute/slicing use .reshape() (which copies when it must) or "
            ".contiguous().view()."
        ),
        "zh": (
            "提示：view() 从不复制数据，所以它要求元素在内存中的顺序符合新形状；在 "
            "transpose/permute/切片之后，请用 "
            ".reshape()（必要时会复制）或 .contiguous().view()。"
        ),
    },
    "hint.gather_dims": {
        "en": (
            "Hint: gather and scatter pair every position of index with a position of the input, so"
            " index needs as many dims as the input: add the missing ones with .unsqueeze() (e.g. "
            "x.gather(1, target.unsqueeze(1)) picks one class per row)."
        ),
        "zh": (
            "提示：gather 和 scatter 把 index "
            "的每个位置与输入的一个位置配对，所以 index 的维数必须和输入相同：用 "
            ".unsqueeze() 补上缺少的维度（例如 x.gather(1, "
            "target.unsqueeze(1)) 在每一行取出一个类别）。"
        ),
    },
    "hint.index_dtype": {
        "en": (
            "Hint: positions are whole numbers; make the index an integer tensor with .long() (a "
            "float index usually comes from arithmetic such as x / 2: use x // 2)."
        ),
        "zh": (
            "提示：位置是整数；请用 .long() 把索引变成整数张量（浮点索引通常来自 x / 2"
            " 这样的运算：请改用 x // 2）。"
        ),
    },
    "hint.dtype_cast": {
        "en": (
            "Hint: an in-place op keeps the tensor's dtype; convert first (x = x.float()) or use "
            "the out-of-place op."
        ),
        "zh": (
            "提示：原地操作会保持张量的数据类型；请先转换类型（x = "
            "x.float()），或者使用非原地的操作。"
        ),
    },
    "hint.topk_k": {
        "en": (
            "Hint: k counts values taken along one dimension (dim=-1, the last, by default), so it "
            "must be between 0 and that dimension's size; pass dim= to pick another dimension."
        ),
        "zh": (
            "提示：k 是沿某一维（默认 dim=-1，即最后一维）取出的值的个数，所以它必须在 0 "
            "和这一维的大小之间；可以传入 dim= 换一个维度。"
        ),
    },
    "hint.einsum_subscripts": {
        "en": (
            "Hint: an einsum operand needs one letter per dimension (as many as x.ndim); write ... "
            "for leading dimensions you don't name, e.g. '...ij,...jk->...ik'."
        ),
        "zh": (
            "提示：einsum 的每个操作数需要每一维一个字母（与 x.ndim "
            "一样多）；不想命名的前导维度可以写成 ...，例如 "
            "'...ij,...jk->...ik'。"
        ),
    },
    "hint.no_derivative": {
        "en": (
            "Hint: x // y and number % x jump from step to step, so PyTorch defines no gradient for"
            " them. If the result only picks or counts things, .detach() it; for a smooth quantity "
            "use x / y instead."
        ),
        "zh": (
            "提示：x // y 和 number % x 的结果是一级一级跳变的，所以 "
            "PyTorch 没有为它们定义梯度。如果结果只用来挑选或计数，请对它 "
            ".detach()；如果要的是平滑的量，请改用 x / y。"
        ),
    },
    "hint.integer_zero_division": {
        "en": (
            "Hint: an integer divided by 0 has no answer (floats give inf or nan instead); look for"
            " zeros in the divisor, or convert to float first with .float()."
        ),
        "zh": (
            "提示：整数除以 0 没有结果（浮点数会给出 inf 或 nan）；请检查除数里是否有 "
            "0，或者先用 .float() 转成浮点数。"
        ),
    },
    "hint.layer_norm_shape": {
        "en": (
            "Hint: normalized_shape names the LAST dimensions of the input, the ones each sample is"
            " normalised over: LayerNorm(x.shape[-1]) for features in the last dimension."
        ),
        "zh": (
            "提示：normalized_shape "
            "指的是输入的最后几维，也就是每个样本在其上做归一化的那些维度：特征在最后一维时写 "
            "LayerNorm(x.shape[-1])。"
        ),
    },
    "hint.rnn_hidden_shape": {
        "en": (
            "Hint: the initial state is (num_layers * num_directions, batch, hidden_size) even with"
            " batch_first=True; without batch_first the input is (seq_len, batch, features), so a "
            "(batch, seq_len, features) input needs batch_first=True."
        ),
        "zh": (
            "提示：即使设置了 batch_first=True，初始状态的形状仍然是 "
            "(num_layers * num_directions, batch, "
            "hidden_size)；不设 batch_first 时输入的形状是 "
            "(seq_len, batch, features)，所以 (batch, "
            "seq_len, features) 的输入需要 batch_first=True。"
        ),
    },
})


def with_hint(error: BaseException, key: str, detail: str | None = None) -> BaseException:
    """Attach the teaching hint ``key`` (and an optional ``detail`` line first) to ``error`` as
    exception notes, in the current language, and return ``error`` so it can be raised.

    ``str(error)`` stays PyTorch's message; a traceback shows the notes under it.

    Example:
        >>> error = with_hint(RuntimeError("grad can be implicitly created only for scalar "
        ...                                "outputs"), "non_scalar")
        >>> str(error)
        'grad can be implicitly created only for scalar outputs'
        >>> error.__notes__[0][:45]
        'Hint: backward() with no argument only works '
    """
    for note in (detail, i18n.text(f"hint.{key}")):
        if note:
            _add_note(error, note)
    return error


def _add_note(error: BaseException, note: str) -> None:
    if hasattr(error, "add_note"):  # Python 3.11+
        error.add_note(note)
    else:  # Python 3.10: the same attribute, which IPython shows
        error.__notes__ = [*getattr(error, "__notes__", []), note]


# ---- short tracebacks --------------------------------------------------------------------

_PACKAGE = str(Path(__file__).resolve().parent) + os.sep


def _is_kit_frame(tb: TracebackType) -> bool:
    return tb.tb_frame.f_code.co_filename.startswith(_PACKAGE)


def learner_traceback(tb: TracebackType | None) -> TracebackType | None:
    """``tb`` without the kit's own frames, the way PyTorch's C++ frames never show.

    Frames that are not the kit's (the learner's code, IPython's, a library the kit called)
    stay in order. A traceback made only of the kit's frames is returned whole.
    """
    kept = []
    while tb is not None:
        if not _is_kit_frame(tb):
            kept.append(tb)
        tb = tb.tb_next
    if not kept:
        return None
    shortened = None
    for entry in reversed(kept):
        shortened = TracebackType(shortened, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return shortened


def _shorten(tb: TracebackType | None) -> TracebackType | None:
    return learner_traceback(tb) or tb


def _python_hook(etype: type, value: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: print as Python does, without the kit's frames. (The built-in hook
    would print ``value.__traceback__``, which keeps every frame for the debugger.)"""
    traceback.print_exception(etype, value, _shorten(tb))


def _ipython_handler(shell: Any, etype: type, value: BaseException, tb: Any,
                     tb_offset: int | None = None) -> None:
    """IPython's custom exception handler: show the traceback as IPython does, without the
    kit's frames, and keep the whole traceback for ``%debug``."""
    shell.showtraceback((etype, value, _shorten(tb)), tb_offset=tb_offset)
    sys.last_traceback = tb


def install_short_tracebacks() -> None:
    """Leave the kit's frames out of the tracebacks Python and IPython print (not in pytest,
    which reports the whole traceback). Hooks someone else installed are left alone; the
    environment variable ``AK_TRACEBACK=full`` skips this."""
    if os.environ.get("AK_TRACEBACK") == "full":
        return
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _python_hook
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is not None and getattr(shell, "custom_exceptions", None) == ():
        shell.set_custom_exc((Exception,), _ipython_handler)
