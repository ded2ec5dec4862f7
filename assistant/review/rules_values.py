"""Rules on 指标值 and its basis: no placeholders or empty cells, percentages ≤ 100, dates inside the
project period, quantified rather than vague values, satisfaction as a percentage, an annual value no
looser than the mid-term one, and a 指标值确定依据 for every row (DOMAIN.md, "Rules reviewers apply").

Where a rule reads both columns, the mid-term one is labelled 中期 in the message.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.review.registry import Context, Hit, rule
from assistant.review.rows import alternative, implied_level1, is_satisfaction, where
from assistant.schema import Indicator, Level1, Level2, Severity, TargetTable
from assistant.taxonomy import classify_basis, is_cost
from assistant.values import Operator, ParsedValue, ValueKind, format_number, parse_value

_GROWTH = re.compile(r"增长|增幅|提高率|增加率|增速|同比|环比")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# Words reviewers push back on: they name a direction, not a target (DOMAIN.md: 明显提升, 进一步改善…).
_VAGUE = re.compile(r"明显|显著|有效|进一步|持续|不断|逐步|稳步|大幅|较大|良好|提高|提升|改善|增强|加强|扩大|"
                    r"降低|减少|递增|增长|长期|积极|促进|推动|有利|优化")
# Timeliness in words a reviewer accepts as it stands.
_TIME_WORDS = re.compile(r"^(?:当天|当日|即时|实时|按时|按期|及时|全年|年内|年底前|年末前|每月|每季度|每年|每日)")
_HIGHER = (Operator.GE, Operator.GT)
_LOWER = (Operator.LE, Operator.LT)


def _columns(ind: Indicator) -> tuple[tuple[str, ParsedValue], tuple[str, ParsedValue]]:
    """The annual and the mid-term value, each with the label its findings carry."""
    return ("", parse_value(ind.value)), ("中期", parse_value(ind.midterm_value))


@rule("R07-percent-max", "百分比不超过100%")
def percent_max(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if _GROWTH.search(ind.name):
            continue  # a growth rate may exceed 100%
        for label, parsed in _columns(ind):
            if parsed.kind is not ValueKind.QUANTITY or parsed.unit != "%" or parsed.number is None:
                continue
            top = max(parsed.number, parsed.number_max or 0)
            reach = "达" in parsed.text  # 达到100% means reaching 100%, not exceeding it
            if top > 100:
                yield Hit(Severity.ERROR, f"{where(i, ind)}：{label}指标值「{parsed.text}」超过100%", i, "100%")
            elif top == 100 and parsed.operator in _HIGHER and not reach:
                yield Hit(Severity.WARNING, f"{where(i, ind)}：{label}指标值「{parsed.text}」要求超过100%，"
                          "比率最高为100%", i, "100%")


@rule("R08-no-placeholder", "没有占位符或空值")
def no_placeholder(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed, midterm, at = ind.parsed, parse_value(ind.midterm_value), where(i, ind)
        fill = alternative(ctx, i, ind)
        if ValueKind.PLACEHOLDER in (parsed.kind, midterm.kind):
            shown = parsed.text if parsed.kind is ValueKind.PLACEHOLDER else midterm.text
            yield Hit(Severity.ERROR, f"{at}：指标值「{shown}」是占位符", i, fill)
        elif parsed.kind is ValueKind.EMPTY and ind.needs_input:
            yield Hit(Severity.WARNING, f"{at}：指标值待填写", i, ind.question or fill)
        elif parsed.kind is ValueKind.EMPTY and (parsed.text or midterm.kind is ValueKind.EMPTY):
            # a blank annual cell beside a mid-term value is a mid-term-only row (鄂州's 长期目标), not a gap
            shown = f"为「{parsed.text}」" if parsed.text else "为空"
            yield Hit(Severity.ERROR, f"{at}：指标值{shown}，不能作为绩效目标", i, f"删除该行，或{fill}")
        elif parse_value(ind.name).kind is ValueKind.EMPTY:  # 中卫's 生态效益 "无" with a value beside it
            yield Hit(Severity.ERROR, f"{at}：指标名称为空或「无」", i, "删除该行，或写明衡量的内容")


def _period(table: TargetTable) -> tuple[int, int] | None:
    start = table.start_year or table.year
    if start is None:
        return None
    return start, start + max(table.period_years or 1, 1) - 1


@rule("R09-date-in-period", "时效日期在项目期内")
def date_in_period(ctx: Context) -> Iterator[Hit]:
    period = _period(ctx.table)
    if period is None:
        return
    start, end = period
    year = ctx.table.year
    for i, ind in ctx.rows():
        for label, parsed in _columns(ind):
            if parsed.kind is not ValueKind.DATE:
                continue
            years = [int(y) for y in _YEAR.findall(parsed.text)]
            outside = [y for y in years if not start <= y <= end]
            span = f"{start}年" if start == end else f"{start}—{end}年"
            if outside:
                yield Hit(Severity.ERROR, f"{where(i, ind)}：{label}时间「{parsed.text}」不在项目期（{span}）内", i,
                          f"改为{end}年12月31日前")
            elif not label and year and any(y != year for y in years):
                yield Hit(Severity.WARNING, f"{where(i, ind)}：年度指标的时间「{parsed.text}」不在{year}年内",
                          i, f"改为{year}年12月31日前")


@rule("R11-vague-value", "指标值量化，不用「明显提升」类表述")
def vague_value(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        annual, midterm = ind.parsed, parse_value(ind.midterm_value)
        for label, parsed in (("", annual), ("中期", midterm)):
            if label and parsed.text == annual.text:
                continue  # the same words in both columns: one finding
            if parsed.kind is ValueKind.QUALITATIVE and _VAGUE.search(parsed.text):
                yield Hit(Severity.WARNING, f"{where(i, ind)}：{label}指标值「{parsed.text}」是定性描述，无法考核", i,
                          alternative(ctx, i, ind))


@rule("R12-unquantified", "产出、满意度指标值可计量（效益指标仅提示）")
def unquantified(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed = ind.parsed
        if parsed.kind is not ValueKind.QUALITATIVE or _VAGUE.search(parsed.text) or is_cost(ind):
            continue  # vague words: R11; cost: R05
        if ind.level2 is Level2.TIMELINESS and _TIME_WORDS.match(parsed.text):
            continue
        severity = Severity.INFO if implied_level1(ind) is Level1.BENEFIT else Severity.WARNING
        yield Hit(severity, f"{where(i, ind)}：指标值「{parsed.text}」未量化", i, alternative(ctx, i, ind))


@rule("R14-satisfaction-value", "满意度为百分比且不低于80%")
def satisfaction_value(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed = ind.parsed
        if not is_satisfaction(ind) or parsed.kind in (ValueKind.EMPTY, ValueKind.PLACEHOLDER):
            continue
        if parsed.kind is not ValueKind.QUANTITY or parsed.unit != "%":
            yield Hit(Severity.WARNING, f"{where(i, ind)}：满意度应为百分比，现为「{parsed.text}」", i, "≥90%")
        elif parsed.number is not None and parsed.number < 80:
            yield Hit(Severity.WARNING, f"{where(i, ind)}：满意度目标「{parsed.text}」低于80%", i, "≥90%")
        elif parsed.operator in _LOWER:
            yield Hit(Severity.WARNING, f"{where(i, ind)}：满意度目标「{parsed.text}」写成了上限", i,
                      f"≥{format_number(parsed.number)}%")


@rule("R18-annual-looser", "年度指标值不比中期指标值宽松（比率）")
def annual_looser(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if not ind.midterm_value:
            continue
        annual, midterm = ind.parsed, parse_value(ind.midterm_value)
        if not all(p.kind is ValueKind.QUANTITY and p.unit in ("%", "‰") for p in (annual, midterm)):
            continue
        if annual.unit != midterm.unit or annual.number is None or midterm.number is None:
            continue
        higher = annual.operator in _HIGHER and midterm.operator in _HIGHER
        lower = annual.operator in _LOWER and midterm.operator in _LOWER
        if (higher and annual.number < midterm.number) or (lower and annual.number > midterm.number):
            yield Hit(Severity.WARNING, f"{where(i, ind)}：年度指标值「{annual.text}」比中期指标值「{midterm.text}」宽松",
                      i, f"年度指标值应不宽于中期：{midterm.text}")


@rule("R19-basis-missing", "指标值确定依据已填写")
def basis_missing(ctx: Context) -> Iterator[Hit]:
    missing = [i for i, ind in ctx.rows() if ind.basis is None and classify_basis(ind.basis_note) is None]
    if missing:
        rows = "、".join(str(i + 1) for i in missing[:12]) + ("等" if len(missing) > 12 else "")
        yield Hit(Severity.INFO, f"{len(missing)}项指标未填写指标值确定依据（第{rows}行）", None,
                  "依据分五类：计划标准、历史标准、行业标准、预算支出标准、其他标准")
