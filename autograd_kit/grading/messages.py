"""Every text the grading panels, feedback pages and command line show, in both languages.

Registered with :mod:`autograd_kit.i18n`; look a text up with ``i18n.text(key, lang, ...)``.
"""

from __future__ import annotations

from .. import i18n

_TABLE = {
    "grading.hint": {"en": "Hint: {hint}", "zh": "提示：{hint}"},
    "grading.reread": {"en": "Reread chapter {number}: {title}.",
                       "zh": "请重读第 {number} 章「{title}」。"},
    "grading.status.pass": {"en": "PASS", "zh": "通过"},
    "grading.status.partial": {"en": "PARTIAL", "zh": "部分正确"},
    "grading.status.fail": {"en": "FAIL", "zh": "未通过"},
    "grading.status.not attempted": {"en": "NOT ATTEMPTED", "zh": "尚未作答"},
    "grading.points": {"en": "{points}/{max_points} points", "zh": "{points}/{max_points} 分"},
    "grading.not_attempted_help": {
        "en": "Write your answer where the cell says YOUR CODE HERE (in place of "
              "`not_attempted(...)` or `raise NotImplementedError(...)`), run that cell, "
              "then this one.",
        "zh": "在单元格中“在此处写你的代码”的位置写出答案（替换 `not_attempted(...)` 或 "
              "`raise NotImplementedError(...)`），先运行该单元格，再运行本单元格。"},
    "grading.stub_note": {
        "en": "{question}: not attempted yet. Replace this line with your answer.",
        "zh": "{question}：尚未作答。请把这一行换成你的答案。"},
    "grading.all_correct": {"en": "all checks passed.", "zh": "全部检查通过。"},
    "grading.summary.question": {"en": "question", "zh": "题目"},
    "grading.summary.status": {"en": "status", "zh": "状态"},
    "grading.summary.points": {"en": "points", "zh": "得分"},
    "grading.summary.total": {"en": "total", "zh": "总分"},
    "grading.page.points": {"en": "points", "zh": "得分"},
    "grading.page.note": {"en": "Note", "zh": "说明"},
    "grading.hidden_note": {
        "en": "Your instructor's grading also runs hidden tests on other inputs.",
        "zh": "教师评分时还会用其他输入运行隐藏测试。"},
    "grading.key_failed": {
        "en": "This check tests the concept itself: without it the question scores 0.",
        "zh": "这项检查考查的正是本题的概念：它不通过，本题记 0 分。"},
    "grading.wrong_secret": {
        "en": "{what}: not right yet{where}. Run the code and compare with your prediction.",
        "zh": "{what}：还不对{where}。运行代码，把结果和你的预测对比。"},
    "grading.wrong_entries": {"en": " (wrong entries: {entries})", "zh": "（错误的位置：{entries}）"},
    "grading.gradcheck_failed": {
        "en": "{what}: gradcheck failed: {error}",
        "zh": "{what}：gradcheck 未通过：{error}"},
    "grading.gradcheck_passed": {"en": "{what}: gradcheck passed.", "zh": "{what}：gradcheck 通过。"},
    "grading.gradcheck_hint": {
        "en": "backward must return grad_output times the local derivative, one result per "
              "forward input, each with its input's shape and dtype.",
        "zh": "backward 必须返回 grad_output 乘以局部导数，每个 forward 输入对应一个结果，"
              "形状和数据类型与该输入相同。"},
    # the instructor's command line
    "grading.cli.wrote": {"en": "wrote the grades to {csv}\nwrote the feedback pages to {feedback}/"
                                "\nwrote the histogram to {histogram}",
                          "zh": "成绩已写入 {csv}\n反馈页面已写入 {feedback}/\n直方图已写入 {histogram}"},
}

# The grader re-imports this module in a learner's kernel (fresh copies of the grading code):
# the same texts are then registered again, as the same entries.
MESSAGES = i18n.register({key: i18n.CATALOGUE[key] if i18n.CATALOGUE.get(key) == texts else texts
                          for key, texts in _TABLE.items()})
