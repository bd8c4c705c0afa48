"""Every word the pictures and widgets say, in English and Chinese side by side.

Registered with ``autograd_kit.i18n`` when ``autograd_kit.viz`` is imported; ``tests/test_i18n.py``
fails if a key misses a language or the two texts take different fields. Names of PyTorch objects
(``MulBackward0``, ``.grad``, ``retain_graph=False``, ``backward()``) stay as they are in both
languages: they are identifiers the learner types. Chinese terms follow the course: 前向传播,
反向传播, 叶子节点, 计算图, 反向函数, 梯度, 张量.
"""

from __future__ import annotations

from .. import i18n

MESSAGES: dict[str, dict[str, str]] = {
    # Array summaries (graph.format_value), shared by the drawings and the step texts.
    "viz.value.all": {"en": "{shape}, all {value}", "zh": "{shape}，全为 {value}"},
    "viz.value.range": {"en": "{shape}, {low} to {high}", "zh": "{shape}，{low} 到 {high}"},
    # Graph drawings (graph.py).
    "viz.graph.title": {"en": "Backward graph", "zh": "反向计算图"},
    "viz.graph.output": {"en": "output", "zh": "输出"},
    "viz.graph.output_n": {"en": "output{n}", "zh": "输出{n}"},
    "viz.graph.leaf": {"en": "leaf", "zh": "叶子节点"},
    "viz.graph.saved": {"en": "saved", "zh": "保存的张量"},
    "viz.graph.saved_n": {"en": "saved[{n}]", "zh": "保存的张量[{n}]"},
    "viz.graph.freed": {"en": "(freed)", "zh": "（已释放）"},
    "viz.graph.edge_seed": {"en": "grad {value}", "zh": "梯度 {value}"},
    "viz.graph.edge_hook": {"en": "hook → {value}", "zh": "钩子 → {value}"},
    "viz.graph.state.active": {"en": "running now", "zh": "正在运行"},
    "viz.graph.state.done": {"en": "done", "zh": "已运行"},
    "viz.graph.state.freed": {"en": "freed", "zh": "已释放"},
    "viz.graph.state.error": {"en": "error", "zh": "出错"},
    # What the engine did, one step at a time (steps.py).
    "viz.step.start": {
        "en": "backward() call {run}: the output's gradient starts as {seed}",
        "zh": "第 {run} 次调用 backward()：输出的梯度从 {seed} 开始",
    },
    "viz.step.implicit_seed": {
        "en": "1.0 (implicit for a scalar)",
        "zh": "1.0（标量输出时自动取 1.0）",
    },
    "viz.step.node": {
        "en": "Run {name}: gradient in {grad}",
        "zh": "运行 {name}：流入的梯度为 {grad}",
    },
    "viz.step.sends": {"en": ", sends {sent}", "zh": "，送出 {sent}"},
    "viz.step.sent_to": {"en": "{grad} to {target}", "zh": "{grad} 给 {target}"},
    "viz.step.separator": {"en": "; ", "zh": "；"},
    "viz.step.no_grad": {"en": "(no grad)", "zh": "（不需要梯度）"},
    "viz.step.accumulate": {
        "en": "AccumulateGrad writes {label}.grad: {before} -> {after}",
        "zh": "AccumulateGrad 写入 {label}.grad：{before} -> {after}",
    },
    "viz.step.hook_replaces": {
        "en": "Hook {hook} fires and replaces the gradient: {before} -> {after}",
        "zh": "钩子 {hook} 被调用，替换了梯度：{before} -> {after}",
    },
    "viz.step.hook_sees": {
        "en": "Hook {hook} fires and sees the gradient: {before} -> {after}",
        "zh": "钩子 {hook} 被调用，看到了梯度：{before} -> {after}",
    },
    "viz.step.free": {
        "en": "{name} frees its saved tensors (retain_graph=False)",
        "zh": "{name} 释放它保存的张量（retain_graph=False）",
    },
    "viz.step.error": {
        "en": "The engine raised an error (PyTorch's exact message below)",
        "zh": "引擎报错（下面是 PyTorch 原样的报错信息）",
    },
    "viz.kind.start": {"en": "start", "zh": "开始"},
    "viz.kind.node": {"en": "node", "zh": "反向函数"},
    "viz.kind.hook": {"en": "hook", "zh": "钩子"},
    "viz.kind.accumulate": {"en": "accumulate", "zh": "累加梯度"},
    "viz.kind.free": {"en": "free", "zh": "释放"},
    "viz.kind.error": {"en": "error", "zh": "出错"},
    # The backward stepper (widgets.py).
    "viz.stepper.title": {
        "en": "Step {step} of {total} (backward call {run}, {kind})",
        "zh": "第 {step} 步，共 {total} 步（第 {run} 次 backward 调用，{kind}）",
    },
    "viz.stepper.svg_title": {
        "en": "Step {step} of {total}: {text}",
        "zh": "第 {step} 步，共 {total} 步：{text}",
    },
    "viz.stepper.slider": {"en": "Step", "zh": "步骤"},
    "viz.stepper.slider_tip": {
        "en": "Choose a step (arrow keys move one step)",
        "zh": "选择一步（方向键每次移动一步）",
    },
    "viz.stepper.reset": {"en": "Reset", "zh": "重置"},
    "viz.stepper.reset_tip": {"en": "Back to the first step", "zh": "回到第一步"},
    "viz.stepper.back": {"en": "◀ Back", "zh": "◀ 上一步"},
    "viz.stepper.back_tip": {"en": "Previous step (Enter or Space)", "zh": "上一步（回车或空格）"},
    "viz.stepper.forward": {"en": "Step ▶", "zh": "下一步 ▶"},
    "viz.stepper.forward_tip": {
        "en": "Next step: run what the engine ran next (Enter or Space)",
        "zh": "下一步：执行引擎接下来执行的操作（回车或空格）",
    },
    "viz.stepper.play": {"en": "Play", "zh": "播放"},
    "viz.stepper.pause": {"en": "Pause", "zh": "暂停"},
    "viz.stepper.play_tip": {"en": "Play or pause the backward pass", "zh": "播放或暂停反向传播"},
    "viz.stepper.speed": {"en": "ms/step", "zh": "毫秒/步"},
    "viz.stepper.speed_tip": {
        "en": "Milliseconds per step while playing",
        "zh": "播放时每一步停留的毫秒数",
    },
    "viz.stepper.grad_in": {"en": "gradient in:", "zh": "流入的梯度："},
    "viz.stepper.sends_to": {
        "en": "sends to input {slot} ({where}):",
        "zh": "送给第 {slot} 个输入（{where}）：",
    },
    "viz.stepper.needs_no_grad": {"en": "needs no grad", "zh": "不需要梯度"},
    "viz.stepper.of_leaf": {"en": "{node} of {leaf}", "zh": "{leaf} 的 {node}"},
    "viz.stepper.gradient_before": {"en": "gradient before:", "zh": "之前的梯度："},
    "viz.stepper.gradient_after": {"en": "gradient after:", "zh": "之后的梯度："},
    "viz.stepper.grad_before": {"en": ".grad before:", "zh": "之前的 .grad："},
    "viz.stepper.grad_after": {"en": ".grad after:", "zh": "之后的 .grad："},
    "viz.stepper.leaf": {"en": "leaf", "zh": "叶子节点"},
    "viz.stepper.static_note": {
        "en": "Static view of the {total} steps (run the notebook to step through them).",
        "zh": "这是全部 {total} 步的静态画面（运行笔记本即可逐步查看）。",
    },
    # The forward builder (widgets.py, recorder.py).
    "viz.builder.slider": {"en": "Line", "zh": "行"},
    "viz.builder.slider_tip": {
        "en": "Which line of the block to show the graph after",
        "zh": "显示执行到哪一行之后的计算图",
    },
    "viz.builder.back": {"en": "◀ Back", "zh": "◀ 上一行"},
    "viz.builder.back_tip": {"en": "Graph before this line", "zh": "这一行之前的计算图"},
    "viz.builder.forward": {"en": "Next ▶", "zh": "下一行 ▶"},
    "viz.builder.forward_tip": {"en": "Graph after the next line", "zh": "下一行之后的计算图"},
    "viz.builder.graph_after": {"en": "Graph after: {line}", "zh": "执行后的计算图：{line}"},
    "viz.builder.frame": {
        "en": "Line {step} of {total}: the graph after it ran",
        "zh": "第 {step} 行，共 {total} 行：执行之后的计算图",
    },
    "viz.builder.static_note": {
        "en": "Static view of the {total} lines (run the notebook to move through them).",
        "zh": "这是全部 {total} 行的静态画面（运行笔记本即可逐行查看）。",
    },
    "viz.recorder.empty": {
        "en": "No tensor was made in the recorded block.",
        "zh": "录制的代码块里没有创建任何张量。",
    },
    # The gradient-descent explorer and the training plot (plots.py).
    "viz.explorer.surface": {"en": "surface", "zh": "损失曲面"},
    "viz.explorer.surface_tip": {"en": "The loss to descend", "zh": "要下降的损失函数"},
    "viz.explorer.surface.bowl": {"en": "bowl", "zh": "碗形"},
    "viz.explorer.surface.rosenbrock": {"en": "rosenbrock", "zh": "Rosenbrock 函数"},
    "viz.explorer.surface.saddle": {"en": "saddle", "zh": "鞍形"},
    "viz.explorer.formula.bowl": {
        "en": "x² + 10·y²  (a narrow valley)",
        "zh": "x² + 10·y²（狭长的山谷）",
    },
    "viz.explorer.formula.rosenbrock": {
        "en": "(1 - x)² + 10·(y - x²)²",
        "zh": "(1 - x)² + 10·(y - x²)²（弯曲的山谷）",
    },
    "viz.explorer.formula.saddle": {
        "en": "x² - y² + 0.1·y⁴  (a saddle at 0)",
        "zh": "x² - y² + 0.1·y⁴（0 处是鞍点）",
    },
    "viz.explorer.lr": {"en": "lr", "zh": "学习率"},
    "viz.explorer.lr_tip": {"en": "Learning rate", "zh": "学习率 lr"},
    "viz.explorer.steps": {"en": "steps", "zh": "步数"},
    "viz.explorer.steps_tip": {
        "en": "How many optimiser steps to draw",
        "zh": "画出优化器走的多少步",
    },
    "viz.explorer.x": {"en": "start x", "zh": "起点 x"},
    "viz.explorer.x_tip": {"en": "Start point x (or drag it)", "zh": "起点的 x（也可以拖动它）"},
    "viz.explorer.y": {"en": "start y", "zh": "起点 y"},
    "viz.explorer.y_tip": {"en": "Start point y (or drag it)", "zh": "起点的 y（也可以拖动它）"},
    "viz.explorer.optimizer.sgd": {"en": "SGD", "zh": "SGD"},
    "viz.explorer.optimizer.momentum": {"en": "momentum", "zh": "动量 SGD"},
    "viz.explorer.optimizer.adam": {"en": "Adam", "zh": "Adam"},
    "viz.explorer.title": {
        "en": "loss {loss} at ({x}, {y}), gradient ({gx}, {gy}); the arrow is −gradient",
        "zh": "在 ({x}, {y}) 处损失为 {loss}，梯度为 ({gx}, {gy})；箭头是负梯度方向",
    },
    "viz.explorer.legend_item": {"en": "{name}: loss {loss}", "zh": "{name}：损失 {loss}"},
    "viz.explorer.start_point": {"en": "start point", "zh": "起点"},
    "viz.explorer.static_note": {
        "en": "Images only: dragging the point needs ipympl (pip install ipympl, restart "
        "Jupyter); the sliders still move it.",
        "zh": "当前只显示图片：拖动起点需要 ipympl（pip install ipympl 后重启 Jupyter）；"
        "滑块仍可移动起点。",
    },
    "viz.plot.step": {"en": "step", "zh": "步数"},
    "viz.plot.progress_tip": {"en": "Training progress", "zh": "训练进度"},
    "viz.plot.metric.loss": {"en": "loss", "zh": "损失"},
    "viz.plot.metric.accuracy": {"en": "accuracy", "zh": "准确率"},
    "viz.plot.axes_title": {"en": "{title}: {metric}", "zh": "{title}：{metric}"},
}

i18n.register(MESSAGES)


def say(key: str, **fields: object) -> str:
    """The viz message ``key`` in the kit's current language (see ``autograd_kit.i18n``)."""
    return i18n.text(key, **fields)
