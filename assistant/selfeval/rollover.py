"""Next year's targets from this year's table (the budget systems' "复制上年", done with care).

Owns ``rollover``: the year and the dates inside values and goals moved; 近两年指标值 filled from this
year's actual (else its target); a 正向 target the actual beat raised to the actual, with 依据 历史标准
and a notice saying so; rows that scored 0, missed, had no target or carry a 偏差原因 flagged for review;
cost ceilings flagged until the new budget is known; the budget itself left empty and asked for.
The old table is never changed.
"""
from __future__ import annotations

from assistant.errors import AssistantError
from assistant.schema import Basis, Indicator, TargetTable
from assistant.selfeval.actuals import ActualKind, in_unit, parse_actual
from assistant.selfeval.evaluation import evaluate
from assistant.selfeval.scoring import Rule, RowScore
from assistant.taxonomy import is_cost
from assistant.values import ValueKind, format_number, shift_years

_MONEY_UNITS = ("元", "万元", "亿元")


class RolloverError(AssistantError):
    """The table cannot be rolled over (no year, a year not after it)."""


def rollover(table: TargetTable, year: int) -> TargetTable:
    old = table.year
    if old is None:
        raise RolloverError("原表没有年度：请先填写原表的年度，再起草下一年")
    if year <= old:
        raise RolloverError(f"新年度 {year} 应晚于原表年度 {old}")
    span = 1 if (table.period_years or 1) <= 1 else table.period_years
    scores = evaluate(table).rows if table.indicators else []
    notices = [f"由 {old} 年的“{table.project_name}”起草 {year} 年：年度和指标值中的日期已顺延，"
               f"近两年指标值取自 {old} 年的实际完成值（未填的取指标值）。"]
    rows = []
    for index, (row, score) in enumerate(zip(table.indicators, scores)):
        new, lines = _next_row(row, score, index, old, year, span)
        rows.append(new)
        notices += lines
    budget_line = f"请填写 {year} 年预算（万元）" + (f"，{old} 年为 {format_number(table.budget)} 万元" if table.budget else "")
    notices.append(budget_line + "；预算确定后请核对成本指标。")
    single = span == 1
    attribute = table.attribute.replace("新增", "延续") if table.attribute else table.attribute
    return table.model_copy(update={
        "year": year,
        "start_year": year if single or table.start_year is None else table.start_year,
        "period": shift_years(table.period, old, year, span) if single else table.period,
        "attribute": attribute,
        "funds_annual": None, "budget_full_year": None, "executed": None, "outcome": None,
        "goals_annual": [shift_years(g, old, year, span) or "" for g in table.goals_annual],
        "goals_midterm": list(table.goals_midterm),
        "indicators": rows,
        "notices": notices,
    })


def _next_row(row: Indicator, score: RowScore, index: int, old: int, year: int,
              span: int) -> tuple[Indicator, list[str]]:
    label = f"第{index + 1}行“{row.name}”"
    previous = [*row.previous_values, (row.actual or row.value or "").strip()]
    new = Indicator(level1=row.level1, level2=row.level2, name=shift_years(row.name, old, year, span) or row.name,
                    value=shift_years(row.value, old, year, span) or "",
                    midterm_value=row.midterm_value, basis=row.basis, basis_note=row.basis_note,
                    description=row.description, explanation=row.explanation,
                    previous_values=[p for p in previous if p][-2:])
    lines: list[str] = []
    raised = _raised(row, score)
    if raised is not None:
        lines.append(f"{label}：{old} 年实际完成 {row.actual}，超过指标值 {row.value}，{year} 年指标值调为 {raised}"
                     "（依据：历史标准），如明年条件不同请改回")
        new.value, new.basis, new.basis_note = raised, Basis.HISTORY, f"{old}年实际完成值{row.actual}"
    question = _review_question(row, score, old)
    if question is None and is_cost(row) and (row.parsed.unit or "") in _MONEY_UNITS:
        question = f"成本指标：{year} 年预算确定后，请核对该上限（{old} 年为 {row.value}）"
    if question is not None:
        new.needs_input, new.question = True, question
        lines.append(f"{label}：{question}")
    return new, lines


def _raised(row: Indicator, score: RowScore) -> str | None:
    """The actual as next year's target when a 正向 quantity beat its target; None otherwise."""
    target, actual = row.parsed, parse_actual(row.actual)
    if score.rule is not Rule.HIGHER or not score.met or target.kind is not ValueKind.QUANTITY:
        return None
    if actual.kind is not ActualKind.NUMBER or actual.operator is not None or target.number is None:
        return None
    value = in_unit(actual.number, actual.unit, target.unit)
    if value is None or value <= target.number:
        return None
    if target.unit in ("%", "‰"):
        value = min(value, 100.0 if target.unit == "%" else 1000.0)
    return target.model_copy(update={"number": round(value, 4), "approx": False}).format()


def _review_question(row: Indicator, score: RowScore, old: int) -> str | None:
    if score.rule is Rule.NO_TARGET:
        return f"{old} 年此行没有指标值（得0分）：建议删除此行，或补上可考核的指标值"
    reason = f"，偏差原因：{row.deviation.strip()}" if (row.deviation or "").strip() else ""
    if score.score == 0 and (score.weight or 0) > 0:
        return f"{old} 年此指标得 0 分{reason}：请复核指标值是否可实现，或改换指标"
    if score.met is False and score.score is not None:
        return (f"{old} 年未完成（得分 {format_number(score.score)}/{format_number(score.weight or 0)}）{reason}："
                "请复核指标值")
    if reason:
        return f"{old} 年有偏差{reason}：请复核指标值"
    return None
