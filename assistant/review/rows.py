"""How the rules read an indicator row: where it is, its 一级, whether it is a satisfaction, an amount in
万元, and the quantified alternative a finding suggests in place of its value.
"""
from __future__ import annotations

from assistant.review.registry import Context
from assistant.schema import Indicator, Level1, Level2, TargetTable
from assistant.taxonomy import COST_LEVEL2, level1_of
from assistant.values import ParsedValue, format_number

# Money units, as a factor to 万元 (the unit of the funds and the budget).
_TO_WAN = {"万元": 1.0, "万": 1.0, "元": 1e-4, "千元": 0.1, "亿元": 1e4, "亿": 1e4}


def where(i: int, ind: Indicator) -> str:
    """The row as a finding names it: 第3行「线路通畅率」."""
    return f"第{i + 1}行「{(ind.name or '').strip() or '（未命名）'}」"


def implied_level1(ind: Indicator) -> Level1 | None:
    """The row's 一级, or the one its 二级 implies when the form left it blank."""
    if ind.level1 is not None:
        return ind.level1
    return level1_of(ind.level2) if ind.level2 is not None else None


def is_satisfaction(ind: Indicator) -> bool:
    return implied_level1(ind) is Level1.SATISFACTION or ind.level2 is Level2.SATISFACTION


def wan(parsed: ParsedValue) -> float | None:
    """A total amount in 万元, or None for unit costs (元/人) and non-money units."""
    factor = _TO_WAN.get(parsed.unit or "")
    if parsed.number is None or factor is None:
        return None
    return parsed.number * factor


def budget_text(number: float | None) -> str:
    """The budget as a suggestion writes it, or 预算数 when the table has none."""
    return format_number(number) if number is not None else "预算数"


def _generic_alternative(ind: Indicator, table: TargetTable) -> str:
    year = table.year or "当"
    ceiling = f"改为金额上限，如「≤{budget_text(table.budget)}万元」"
    return {
        Level2.QUANTITY: "改为可计数的目标，如「≥12次」「≥100人」",
        Level2.QUALITY: "改为比率，如「合格率≥95%」或「故障率≤5%」",
        Level2.TIMELINESS: f"改为完成时限，如「{year}年12月31日前」或「及时率≥95%」",
        **dict.fromkeys(COST_LEVEL2, ceiling),
        Level2.ECONOMIC: "改为可比较的增幅，如「增值收益同比增长≥5%」",
        Level2.SOCIAL: "改为可衡量的比率，如「业务限时办结率≥95%」「政策知晓率≥90%」",
        Level2.ECOLOGICAL: "改为可衡量的比率，如「无纸化办理率≥80%」",
        Level2.SUSTAINABLE: "写明持续发挥作用的期限，如「≥3年」",
        Level2.SATISFACTION: "改为「≥90%」，以问卷调查确定",
    }.get(ind.level2, "改为「运算符+数字+单位」的形式，如「≥95%」「≤20万元」")


def alternative(ctx: Context, i: int, ind: Indicator) -> str:
    """The drafter's precedent for row ``i`` when it gave one, else a generic quantified form by 二级."""
    return ctx.alternatives.get(i) or _generic_alternative(ind, ctx.table)
