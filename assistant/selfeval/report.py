"""An Evaluation in words: the plain-text 自评 summary of the CLI and the rows of the 自评 tab's grid.

Owns how a scored row is shown (分值/得分 as the form writes them, 达成 marks, the 偏差原因 prompt)
so the command line and the page say the same thing.
"""
from __future__ import annotations

from assistant.schema import Severity, TargetTable
from assistant.selfeval.evaluation import Evaluation
from assistant.selfeval.reasons import prompt
from assistant.selfeval.scoring import RowScore
from assistant.values import format_number

_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


def points(value: float | None) -> str:
    return "" if value is None else format_number(round(value, 2))


def status(row: RowScore) -> str:
    if row.problem:
        return "无法计分"
    if row.met is None:
        return "未填写"
    return "达成" if row.met else "未达成"


def reason_prompt(row: RowScore) -> str:
    """The 偏差原因 placeholder for a row that needs one, else ""."""
    return prompt(row.reasons) if row.needs_reason and row.reasons else ""


def evaluation_text(table: TargetTable, evaluation: Evaluation) -> str:
    lines = [f"{table.project_name}（{table.year or '    '}年度）绩效自评"]
    for r in evaluation.rows:
        where = "/".join(x for x in (r.level1, r.level2) if x)
        lines.append(f"{r.index + 1:>2}. {where} | {r.name} | 指标值 {r.value or '—'} | 实际 {r.actual or '—'} | "
                     f"分值 {points(r.weight)} | 得分 {points(r.score)} | {status(r)}：{r.note}")
    ex = evaluation.execution
    lines.append(f"预算执行率：全年预算数 {points(ex.budget) or '—'} 万元，全年执行数 {points(ex.executed) or '—'} 万元，"
                 f"执行率 {ex.rate_text or '—'}，分值 {points(ex.weight)}，得分 {points(ex.score) or '—'}")
    lines.append(f"总分：{points(evaluation.total)} / {points(evaluation.weight_total) or '—'}"
                 + ("" if evaluation.complete else "（尚有未计分的项目）"))
    for f in evaluation.findings:
        lines.append(f"[{_LABELS[f.severity]}] {f.code} {f.message}" + (f"  参考：{f.suggestion}" if f.suggestion else ""))
    return "\n".join(lines)
