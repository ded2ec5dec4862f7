"""Rules on money: a cost indicator is there, written as a ceiling (≤) in a money unit and within the
annual budget, and the header's funds add up (总额 = 财政拨款 + 其他资金, 年度 ≤ 中期).

A cost here is a money cost (taxonomy.is_cost: 成本指标 or 经济成本指标); 社会/生态环境成本 are not in 万元.

Amounts compare in 万元, the unit of the funds, with 0.005万元 of slack for figures rounded to two decimals.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.review.registry import Context, Hit, rule
from assistant.review.rows import alternative, budget_text, wan, where
from assistant.schema import Severity
from assistant.taxonomy import Variant, is_cost
from assistant.values import Operator, ValueKind, format_number

_SLACK = 0.005
# A unit cost (人均聘用成本 ≤200万元 in 张家口) is not a total: it is not held against the budget.
_UNIT_COST_NAME = re.compile(r"人均|单价|单位成本|每[人次户件台套]|/")


@rule("R02-cost-missing", "设有成本指标")
def cost_missing(ctx: Context) -> Iterator[Hit]:
    rows = list(ctx.rows())
    # under 财预〔2021〕101号 成本 is a 一级, and R01 asks for it already
    if rows and ctx.variant is not Variant.MOF_2021 and not any(is_cost(ind) for _, ind in rows):
        yield Hit(Severity.WARNING, "未设置成本指标：评审通常要求写明项目成本上限", None,
                  f"在产出指标下增加成本指标「项目总成本≤{budget_text(ctx.table.budget)}万元」（依据：预算支出标准）")


@rule("R05-cost-ceiling", "成本指标以≤写金额上限")
def cost_ceiling(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed = ind.parsed
        if not is_cost(ind) or parsed.kind in (ValueKind.EMPTY, ValueKind.PLACEHOLDER) or parsed.unit == "%":
            continue
        at = where(i, ind)
        if parsed.kind is not ValueKind.QUANTITY:
            yield Hit(Severity.WARNING, f"{at}：成本指标应为金额，现为「{parsed.text}」", i, alternative(ctx, i, ind))
        elif parsed.operator in (Operator.GE, Operator.GT):
            yield Hit(Severity.ERROR, f"{at}：成本指标写成了下限「{parsed.text}」，应以≤写上限", i,
                      f"≤{format_number(parsed.number)}{parsed.unit or ''}")
        elif not parsed.unit:
            yield Hit(Severity.WARNING, f"{at}：成本指标「{parsed.text}」缺少计量单位", i,
                      f"≤{format_number(parsed.number)}万元（或元，按实际）")
        elif parsed.operator is None or parsed.operator is Operator.EQ:
            yield Hit(Severity.WARNING, f"{at}：成本指标「{parsed.text}」应以≤写上限", i,
                      f"≤{format_number(parsed.number)}{parsed.unit}")
        elif wan(parsed) is None and "/" not in parsed.unit:
            yield Hit(Severity.WARNING, f"{at}：成本指标的单位「{parsed.unit}」不是金额单位", i,
                      "写成「≤N万元」「≤N元」或单位成本「≤N元/人」")


@rule("R06-cost-budget", "成本不超过预算")
def cost_budget(ctx: Context) -> Iterator[Hit]:
    budget = ctx.table.budget
    if budget is None:
        return
    totals: list[tuple[int, float]] = []
    for i, ind in ctx.rows():
        amount = wan(ind.parsed) if is_cost(ind) and not _UNIT_COST_NAME.search(ind.name) else None
        if amount is None:
            continue
        totals.append((i, amount))
        if amount > budget + _SLACK:
            yield Hit(Severity.ERROR, f"{where(i, ind)}：成本{format_number(amount)}万元超过年度预算"
                      f"{format_number(budget)}万元", i, f"≤{format_number(budget)}万元")
    total = sum(a for _, a in totals)
    if len(totals) > 1 and all(a <= budget + _SLACK for _, a in totals) and total > budget + _SLACK:
        rows = "、".join(str(i + 1) for i, _ in totals)
        yield Hit(Severity.WARNING, f"成本指标（第{rows}行）合计{format_number(total)}万元，超过年度预算"
                  f"{format_number(budget)}万元", None, "核对各项成本，合计不应超过预算")


@rule("R10-funds-add-up", "资金总额 = 财政拨款 + 其他资金，年度 ≤ 中期")
def funds_add_up(ctx: Context) -> Iterator[Hit]:
    t = ctx.table
    for label, funds in (("年度", t.funds_annual), ("中期", t.funds_midterm)):
        if funds is None:
            continue
        if any(v is not None and v < 0 for v in (funds.total, funds.fiscal, funds.other)):
            yield Hit(Severity.ERROR, f"{label}资金出现负数", None, "核对资金金额")
        if funds.total is None or funds.fiscal is None:
            continue
        parts = funds.fiscal + (funds.other or 0)
        if funds.other is not None and abs(funds.total - parts) > _SLACK:
            yield Hit(Severity.ERROR, f"{label}资金总额{format_number(funds.total)}万元 ≠ 财政拨款"
                      f"{format_number(funds.fiscal)}万元 + 其他资金{format_number(funds.other)}万元", None,
                      f"资金总额应为{format_number(parts)}万元")
        elif funds.fiscal > funds.total + _SLACK:
            yield Hit(Severity.ERROR, f"{label}财政拨款{format_number(funds.fiscal)}万元超过资金总额"
                      f"{format_number(funds.total)}万元", None, "核对资金金额")
    annual = t.funds_annual.total if t.funds_annual else None
    midterm = t.funds_midterm.total if t.funds_midterm else None
    if annual is not None and midterm is not None and annual > midterm + _SLACK:
        yield Hit(Severity.ERROR, f"年度资金总额{format_number(annual)}万元超过中期资金总额{format_number(midterm)}万元",
                  None, "年度资金应不超过中期资金")
