"""Fitting a precedent's value to the user's project: budgets, years, typical rates, user numbers.

Rules: the cost ceiling comes from the budget (≤ budget 万元, 预算支出标准); dates move into the
brief's year; rates take the precedents' typical (median) value, not one city's; counts and areas
come from numbers the user wrote, else the precedents' value is proposed and marked for the user.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from assistant.drafting.brief_facts import UNIT_CLASSES
from assistant.schema import Basis, Level2
from assistant.values import Operator, ParsedValue, ValueKind, format_number, parse_value

RATE_UNITS = {"%", "‰"}
# Durations and generic service levels that travel well between projects (365天, 1年, 4秒).
PORTABLE_UNITS = {"天", "日", "个月", "月", "年", "小时", "分钟", "秒", "个工作日", "工作日"}
COUNT_UNITS_HINT = "条次人个项套台场期笔户家件份辆批所处间平方米㎡亩公里万人万次册本"

DEFAULT_BASIS: dict[Level2, tuple[Basis, str]] = {
    Level2.QUANTITY: (Basis.PLAN, "年度工作计划"),
    Level2.QUALITY: (Basis.INDUSTRY, "行业标准"),
    Level2.TIMELINESS: (Basis.PLAN, "年度工作计划"),
    Level2.COST: (Basis.BUDGET, "预算批复"),
    Level2.ECONOMIC_COST: (Basis.BUDGET, "预算批复"),
    Level2.ECONOMIC: (Basis.HISTORY, "上年标准"),
    Level2.SOCIAL: (Basis.PLAN, "年度工作计划"),
    Level2.ECOLOGICAL: (Basis.PLAN, "年度工作计划"),
    Level2.SUSTAINABLE: (Basis.PLAN, "年度工作计划"),
    Level2.SATISFACTION: (Basis.OTHER, "满意度调查"),
}


@dataclass
class Fitted:
    value: str
    needs_input: bool = False
    question: str | None = None


def typical(parsed: list[ParsedValue]) -> ParsedValue | None:
    """The median number with the most common operator and unit among quantitative values."""
    quantities = [p for p in parsed if p.kind is ValueKind.QUANTITY and p.number is not None]
    if not quantities:
        return None
    unit = Counter(p.unit for p in quantities).most_common(1)[0][0]
    same_unit = [p for p in quantities if p.unit == unit]
    op = Counter(p.operator for p in same_unit).most_common(1)[0][0]
    number = statistics.median_low(sorted(p.number for p in same_unit))
    return ParsedValue(raw="", text="", kind=ValueKind.QUANTITY, operator=op, number=number, unit=unit)


# Rates where less is better: 个贷逾期率 ≤1.5‰, 系统故障率 ≤5% (but 投诉下降率 ≥2% is a rise).
_LOWER_IS_BETTER = re.compile(r"(?:逾期|故障|差错|事故|错案|失误|误差|流失|空置|投诉|出错|丢失|损坏)(?:比)?率$")


def fit_rate(values: list[str], name: str | None = None) -> str | None:
    """The precedents' typical rate. A bare "90%" in a target is a floor (合格率, 满意度) or, for a rate
    where less is better (逾期率), a ceiling: with the indicator's name the operator is written."""
    t = typical([parse_value(v) for v in values])
    if t is None or t.unit not in RATE_UNITS:
        return None
    number = min(t.number, 100.0) if t.unit == "%" else t.number
    op = t.operator
    if number >= 100 and op in (Operator.GE, Operator.GT):
        op = None  # "≥100%" cannot be exceeded: write 100%
    if op is None and name and 0 < number < (100 if t.unit == "%" else 1000):
        op = Operator.LE if _LOWER_IS_BETTER.search(name) else Operator.GE
    return f"{op.value if op else ''}{format_number(number)}{t.unit}"


def fit_date(values: list[str], year: int | None) -> str | None:
    for v in values:
        p = parse_value(v)
        if p.kind is not ValueKind.DATE:
            continue
        if p.month is None and p.day is not None:
            return p.text  # 每月25日
        if re.search(r"[\d月日]\s*[-—~～至到]\s*\d", p.text):  # a span ("2024年1月-12月"): move its years only
            return re.sub(r"(?:19|20)\d{2}", str(year), p.text) if year and p.year else p.text
        y = year or p.year
        if p.month is None:
            return f"{y}年12月31日前" if y else p.text
        month_text = f"{p.month}月{p.day}日" if p.day else f"{p.month}月底"
        return f"{y}年{month_text}前" if y else f"{month_text}前"
    return None


def user_number(description: str | None, unit: str | None, name: str) -> str | None:
    """A number with the same unit the user wrote in the brief: "租赁面积1800平方米" → 1800平方米."""
    if not description or not unit:
        return None
    longer = sorted({u[len(unit):] for u in UNIT_CLASSES if u.startswith(unit) and u != unit}, key=len, reverse=True)
    pattern = rf"(\d+(?:\.\d+)?)\s*{re.escape(unit)}" + (f"(?!{'|'.join(map(re.escape, longer))})" if longer else "")
    # "600人次" is no number of 人 (培训人数), "3批次" none of 批
    hits = list(re.finditer(pattern, description))
    if not hits:
        return None
    if len(hits) == 1:
        return f"{hits[0].group(1)}{unit}"
    # several numbers in that unit: take the one whose nearby words overlap the indicator's name
    def overlap(m: re.Match) -> int:
        window = description[max(0, m.start() - 12) : m.start()]
        return sum(1 for ch in set(name) if ch in window)

    best = max(hits, key=overlap)
    return f"{best.group(1)}{unit}"


def fit_count(name: str, values: list[str], description: str | None, precedents_text: str) -> Fitted:
    parsed = [parse_value(v) for v in values]
    t = typical(parsed)
    if t is None:
        return Fitted(value=values[0])
    given = user_number(description, t.unit, name)
    if given:
        op = t.operator.value if t.operator in (Operator.GE, Operator.LE) else ""
        return Fitted(value=f"{op}{given}")
    if t.unit in PORTABLE_UNITS or t.number == 0:  # 365天, 1年, 0起 travel between projects
        return Fitted(value=_fmt(t))
    question = f"本项目的「{name}」是多少？先例：{precedents_text}"
    return Fitted(value=_fmt(t), needs_input=True, question=question)


def _fmt(p: ParsedValue) -> str:
    return f"{p.operator.value if p.operator else ''}{format_number(p.number)}{p.unit or ''}"


def cost_ceiling(budget: float | None) -> Fitted:
    if budget is None:
        return Fitted(value="", needs_input=True, question="项目预算是多少万元？成本指标的上限取自预算。")
    return Fitted(value=f"≤{budget_text(budget)}万元")


def budget_text(budget: float) -> str:
    """The budget as a ceiling writes it: never rounded up (24.998万元 is ≤24.998万元, not ≤25万元),
    two decimals where that loses nothing."""
    cents = math.floor(budget * 100 + 1e-9) / 100
    return format_number(cents if abs(cents - budget) < 1e-9 else round(budget, 4))


def unit_cost(values: list[str], precedents_text: str, name: str) -> Fitted:
    t = typical([parse_value(v) for v in values])
    if t is None:
        return Fitted(value=values[0])
    return Fitted(value=f"≤{format_number(t.number)}{t.unit or ''}", needs_input=True,
                  question=f"「{name}」的单价标准是多少？先例：{precedents_text}")
