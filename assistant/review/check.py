"""The reviewers' rules: one small function per rule, each with a stable code; findings sorted stably.

The rules are those a 财政 reviewer applies to a 绩效目标申报表 (see DOMAIN.md and 财预〔2021〕101号):
required 一级, the 二级 tree, cost ceilings, percentages, placeholders, dates, funds, vague values,
inputs written as outputs, satisfaction, goals without indicators, duplicates, annual vs mid-term.
They run on drafts and on any imported form alike, so they read only the TargetTable.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import NamedTuple

from assistant.schema import Finding, Indicator, Level1, Level2, Severity, TargetTable
from assistant.taxonomy import TREES, Variant, belongs, classify_basis, infer_level1, infer_level2, level1_of
from assistant.values import Operator, ParsedValue, ValueKind, format_number, parse_value


class Hit(NamedTuple):
    """What a rule reports; the registry adds the rule's code."""

    severity: Severity
    message: str
    row: int | None = None
    suggestion: str | None = None


@dataclass
class Context:
    table: TargetTable
    variant: Variant | None = None
    # Precedent-based quantified alternatives per row, fed by the drafter; generic ones otherwise.
    alternatives: Mapping[int, str] = field(default_factory=dict)

    def rows(self) -> Iterator[tuple[int, Indicator]]:
        """Indicator rows, skipping the blank slots a form leaves under an unused 二级."""
        for i, ind in enumerate(self.table.indicators):
            if (ind.name or "").strip() or (ind.value or "").strip():
                yield i, ind


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # what the reviewer checks, in Chinese
    func: Callable[[Context], Iterable[Hit]]


RULES: list[Rule] = []


def rule(code: str, title: str):
    def register(func: Callable[[Context], Iterable[Hit]]):
        RULES.append(Rule(code, title, func))
        return func

    return register


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def check_table(
    table: TargetTable,
    *,
    variant: Variant | str | None = None,
    alternatives: Mapping[int, str] | None = None,
) -> list[Finding]:
    """Apply every rule. ``variant`` None accepts both taxonomy variants (real forms mix them)."""
    ctx = Context(table, Variant(variant) if variant else None, alternatives or {})
    findings = [
        Finding(code=r.code, severity=h.severity, message=h.message, indicator=h.row, suggestion=h.suggestion)
        for r in RULES
        for h in r.func(ctx)
    ]
    return sorted(findings, key=_sort_key)


def _sort_key(f: Finding) -> tuple[int, int, str]:
    """Errors first, then table-level before row findings, rows in order, then code."""
    return _SEVERITY_ORDER[f.severity], -1 if f.indicator is None else f.indicator, f.code


# --- helpers ----------------------------------------------------------------------------------------

def _where(i: int, ind: Indicator) -> str:
    return f"第{i + 1}行「{(ind.name or '').strip() or '（未命名）'}」"


def _level1(ind: Indicator) -> Level1 | None:
    """The row's 一级, or the one its 二级 implies when the form left it blank."""
    if ind.level1 is not None:
        return ind.level1
    return level1_of(ind.level2) if ind.level2 is not None else None


def _is_cost(ind: Indicator) -> bool:
    """A money cost: 社会成本/生态环境成本 are costs too, but not in 万元."""
    if ind.level2 is None:
        return ind.level1 is Level1.COST
    return ind.level2 in (Level2.COST, Level2.ECONOMIC_COST)


def _is_satisfaction(ind: Indicator) -> bool:
    return _level1(ind) is Level1.SATISFACTION or ind.level2 is Level2.SATISFACTION


def _fmt(number: float | None) -> str:
    return format_number(number) if number is not None else "预算数"


_TO_WAN = {"万元": 1.0, "万": 1.0, "元": 1e-4, "千元": 0.1, "亿元": 1e4, "亿": 1e4}
_UNIT_COST_NAME = re.compile(r"人均|单价|单位成本|每[人次户件台套]|/")


def _wan(parsed: ParsedValue) -> float | None:
    """A total amount in 万元, or None for unit costs (元/人) and non-money units."""
    factor = _TO_WAN.get(parsed.unit or "")
    if parsed.number is None or factor is None:
        return None
    return parsed.number * factor


def _generic_alternative(ind: Indicator, table: TargetTable) -> str:
    year = table.year or "当"
    return {
        Level2.QUANTITY: "改为可计数的目标，如「≥12次」「≥100人」",
        Level2.QUALITY: "改为比率，如「合格率≥95%」或「故障率≤5%」",
        Level2.TIMELINESS: f"改为完成时限，如「{year}年12月31日前」或「及时率≥95%」",
        Level2.COST: f"改为金额上限，如「≤{_fmt(table.budget)}万元」",
        Level2.ECONOMIC_COST: f"改为金额上限，如「≤{_fmt(table.budget)}万元」",
        Level2.ECONOMIC: "改为可比较的增幅，如「增值收益同比增长≥5%」",
        Level2.SOCIAL: "改为可衡量的比率，如「业务限时办结率≥95%」「政策知晓率≥90%」",
        Level2.ECOLOGICAL: "改为可衡量的比率，如「无纸化办理率≥80%」",
        Level2.SUSTAINABLE: "写明持续发挥作用的期限，如「≥3年」",
        Level2.SATISFACTION: "改为「≥90%」，以问卷调查确定",
    }.get(ind.level2, "改为「运算符+数字+单位」的形式，如「≥95%」「≤20万元」")


def _alternative(ctx: Context, i: int, ind: Indicator) -> str:
    return ctx.alternatives.get(i) or _generic_alternative(ind, ctx.table)


# --- the tree ---------------------------------------------------------------------------------------

_LEVEL1_EXAMPLE = {
    Level1.OUTPUT: "至少填写一项数量、质量或时效指标，如「培训人数≥40人」",
    Level1.COST: "如「项目总成本≤预算数万元」（依据：预算支出标准）",
    Level1.BENEFIT: "至少填写一项效益指标，如社会效益「业务限时办结率≥95%」",
    Level1.SATISFACTION: "如「服务对象满意度≥90%」（以问卷调查确定）",
}


@rule("R01-required-level1", "产出、效益、满意度（及作为一级的成本）指标齐全")
def required_level1(ctx: Context) -> Iterator[Hit]:
    rows = list(ctx.rows())
    if not rows:
        yield Hit(Severity.ERROR, "表中没有任何三级指标", None, "按产出、效益、满意度指标逐项填写")
        return
    present = {_level1(ind) for _, ind in rows}
    required = [Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION]
    if ctx.variant is Variant.MOF_2021:
        required.insert(1, Level1.COST)
    misplaced = [(i, ind) for i, ind in rows if "满意" in ind.name]
    for level in required:
        if level not in present:
            hint = _LEVEL1_EXAMPLE[level]
            if level is Level1.SATISFACTION and misplaced:
                hint = f"将{_where(*misplaced[0])}移到满意度指标下"
            yield Hit(Severity.ERROR, f"缺少一级指标「{level.value}」", None, hint)


@rule("R02-cost-missing", "设有成本指标")
def cost_missing(ctx: Context) -> Iterator[Hit]:
    rows = list(ctx.rows())
    if rows and ctx.variant is not Variant.MOF_2021 and not any(_is_cost(ind) for _, ind in rows):
        yield Hit(Severity.WARNING, "未设置成本指标：评审通常要求写明项目成本上限", None,
                  f"在产出指标下增加成本指标「项目总成本≤{_fmt(ctx.table.budget)}万元」（依据：预算支出标准）")


@rule("R03-level-missing", "每项指标标明一级、二级")
def level_missing(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if _level1(ind) is None:
            guess = infer_level1(ind.name, ind.value)
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：未标明一级指标", i,
                      f"可归入「{guess.value}」" if guess else None)
        elif ind.level2 is None:
            guess = infer_level2(ind.name, ind.value, ind.level1)
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：未标明二级指标", i,
                      f"可归入「{guess.value}」" if guess else None)


@rule("R04-level2-belongs", "二级指标属于其一级指标")
def level2_belongs(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if ind.level1 is None or ind.level2 is None or _allowed(ctx.variant, ind.level1, ind.level2):
            continue
        home = level1_of(ind.level2, ctx.variant or Variant.PROVINCIAL)
        yield Hit(Severity.ERROR, f"{_where(i, ind)}：二级指标「{ind.level2.value}」不属于一级指标「{ind.level1.value}」",
                  i, f"「{ind.level2.value}」应放在「{home.value}」下")


def _allowed(variant: Variant | None, level1: Level1, level2: Level2) -> bool:
    if variant is None:
        return belongs(level1, level2)
    if level1 is Level1.COST and level2 is Level2.COST:  # 成本指标/成本指标: 六安's way of writing a 一级
        return variant is Variant.MOF_2021
    return level2 in TREES[variant].get(level1, [])


# --- cost -------------------------------------------------------------------------------------------

@rule("R05-cost-ceiling", "成本指标以≤写金额上限")
def cost_ceiling(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed = ind.parsed
        if not _is_cost(ind) or parsed.kind in (ValueKind.EMPTY, ValueKind.PLACEHOLDER) or parsed.unit == "%":
            continue
        where = _where(i, ind)
        if parsed.kind is not ValueKind.QUANTITY:
            yield Hit(Severity.WARNING, f"{where}：成本指标应为金额，现为「{parsed.text}」", i, _alternative(ctx, i, ind))
        elif parsed.operator in (Operator.GE, Operator.GT):
            yield Hit(Severity.ERROR, f"{where}：成本指标写成了下限「{parsed.text}」，应以≤写上限", i,
                      f"≤{format_number(parsed.number)}{parsed.unit or ''}")
        elif not parsed.unit:
            yield Hit(Severity.WARNING, f"{where}：成本指标「{parsed.text}」缺少计量单位", i,
                      f"≤{format_number(parsed.number)}万元（或元，按实际）")
        elif parsed.operator is None or parsed.operator is Operator.EQ:
            yield Hit(Severity.WARNING, f"{where}：成本指标「{parsed.text}」应以≤写上限", i,
                      f"≤{format_number(parsed.number)}{parsed.unit}")
        elif _wan(parsed) is None and "/" not in parsed.unit:
            yield Hit(Severity.WARNING, f"{where}：成本指标的单位「{parsed.unit}」不是金额单位", i,
                      "写成「≤N万元」「≤N元」或单位成本「≤N元/人」")


@rule("R06-cost-budget", "成本不超过预算")
def cost_budget(ctx: Context) -> Iterator[Hit]:
    budget = ctx.table.budget
    if budget is None:
        return
    totals: list[tuple[int, float]] = []
    for i, ind in ctx.rows():
        amount = _wan(ind.parsed) if _is_cost(ind) and not _UNIT_COST_NAME.search(ind.name) else None
        if amount is None:
            continue
        totals.append((i, amount))
        if amount > budget + 0.005:
            yield Hit(Severity.ERROR, f"{_where(i, ind)}：成本{format_number(amount)}万元超过年度预算"
                      f"{format_number(budget)}万元", i, f"≤{format_number(budget)}万元")
    total = sum(a for _, a in totals)
    if len(totals) > 1 and all(a <= budget + 0.005 for _, a in totals) and total > budget + 0.005:
        rows = "、".join(str(i + 1) for i, _ in totals)
        yield Hit(Severity.WARNING, f"成本指标（第{rows}行）合计{format_number(total)}万元，超过年度预算"
                  f"{format_number(budget)}万元", None, "核对各项成本，合计不应超过预算")


# --- values -----------------------------------------------------------------------------------------

_GROWTH = re.compile(r"增长|增幅|提高率|增加率|增速|同比|环比")


@rule("R07-percent-max", "百分比不超过100%")
def percent_max(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if _GROWTH.search(ind.name):
            continue  # a growth rate may exceed 100%
        for label, raw in (("", ind.value), ("中期", ind.midterm_value)):
            parsed = parse_value(raw)
            if parsed.kind is not ValueKind.QUANTITY or parsed.unit != "%" or parsed.number is None:
                continue
            top = max(parsed.number, parsed.number_max or 0)
            reach = "达" in parsed.text  # 达到100% means reaching 100%, not exceeding it
            if top > 100:
                yield Hit(Severity.ERROR, f"{_where(i, ind)}：{label}指标值「{parsed.text}」超过100%", i, "100%")
            elif top == 100 and parsed.operator in (Operator.GE, Operator.GT) and not reach:
                yield Hit(Severity.WARNING, f"{_where(i, ind)}：{label}指标值「{parsed.text}」要求超过100%，"
                          "比率最高为100%", i, "100%")


@rule("R08-no-placeholder", "没有占位符或空值")
def no_placeholder(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed, midterm, where = ind.parsed, parse_value(ind.midterm_value), _where(i, ind)
        fill = _alternative(ctx, i, ind)
        if ValueKind.PLACEHOLDER in (parsed.kind, midterm.kind):
            shown = parsed.text if parsed.kind is ValueKind.PLACEHOLDER else midterm.text
            yield Hit(Severity.ERROR, f"{where}：指标值「{shown}」是占位符", i, fill)
        elif parsed.kind is ValueKind.EMPTY and ind.needs_input:
            yield Hit(Severity.WARNING, f"{where}：指标值待填写", i, ind.question or fill)
        elif parsed.kind is ValueKind.EMPTY and (parsed.text or midterm.kind is ValueKind.EMPTY):
            # a blank annual cell beside a mid-term value is a mid-term-only row (鄂州's 长期目标), not a gap
            shown = f"为「{parsed.text}」" if parsed.text else "为空"
            yield Hit(Severity.ERROR, f"{where}：指标值{shown}，不能作为绩效目标", i, f"删除该行，或{fill}")
        elif parse_value(ind.name).kind is ValueKind.EMPTY:  # 中卫's 生态效益 "无" with a value beside it
            yield Hit(Severity.ERROR, f"{where}：指标名称为空或「无」", i, "删除该行，或写明衡量的内容")


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


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
    for i, ind in ctx.rows():
        for label, raw in (("", ind.value), ("中期", ind.midterm_value)):
            parsed = parse_value(raw)
            if parsed.kind is not ValueKind.DATE:
                continue
            years = [int(y) for y in _YEAR.findall(parsed.text)]
            outside = [y for y in years if not start <= y <= end]
            span = f"{start}年" if start == end else f"{start}—{end}年"
            if outside:
                yield Hit(Severity.ERROR, f"{_where(i, ind)}：{label}时间「{parsed.text}」不在项目期（{span}）内", i,
                          f"改为{end}年12月31日前")
            elif not label and ctx.table.year and any(y != ctx.table.year for y in years):
                yield Hit(Severity.WARNING, f"{_where(i, ind)}：年度指标的时间「{parsed.text}」不在{ctx.table.year}年内",
                          i, f"改为{ctx.table.year}年12月31日前")


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
        if funds.other is not None and abs(funds.total - parts) > 0.005:
            yield Hit(Severity.ERROR, f"{label}资金总额{format_number(funds.total)}万元 ≠ 财政拨款"
                      f"{format_number(funds.fiscal)}万元 + 其他资金{format_number(funds.other)}万元", None,
                      f"资金总额应为{format_number(parts)}万元")
        elif funds.fiscal > funds.total + 0.005:
            yield Hit(Severity.ERROR, f"{label}财政拨款{format_number(funds.fiscal)}万元超过资金总额"
                      f"{format_number(funds.total)}万元", None, "核对资金金额")
    annual = t.funds_annual.total if t.funds_annual else None
    midterm = t.funds_midterm.total if t.funds_midterm else None
    if annual is not None and midterm is not None and annual > midterm + 0.005:
        yield Hit(Severity.ERROR, f"年度资金总额{format_number(annual)}万元超过中期资金总额{format_number(midterm)}万元",
                  None, "年度资金应不超过中期资金")


# Words reviewers push back on: they name a direction, not a target (DOMAIN.md: 明显提升, 进一步改善…).
_VAGUE = re.compile(r"明显|显著|有效|进一步|持续|不断|逐步|稳步|大幅|较大|良好|提高|提升|改善|增强|加强|扩大|"
                    r"降低|减少|递增|增长|长期|积极|促进|推动|有利|优化")
# Timeliness in words a reviewer accepts as it stands.
_TIME_WORDS = re.compile(r"^(?:当天|当日|即时|实时|按时|按期|及时|全年|年内|年底前|年末前|每月|每季度|每年|每日)")


@rule("R11-vague-value", "指标值量化，不用「明显提升」类表述")
def vague_value(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        annual, midterm = ind.parsed, parse_value(ind.midterm_value)
        for label, parsed in (("", annual), ("中期", midterm)):
            if label and parsed.text == annual.text:
                continue  # the same words in both columns: one finding
            if parsed.kind is ValueKind.QUALITATIVE and _VAGUE.search(parsed.text):
                yield Hit(Severity.WARNING, f"{_where(i, ind)}：{label}指标值「{parsed.text}」是定性描述，无法考核", i,
                          _alternative(ctx, i, ind))


@rule("R12-unquantified", "产出、满意度指标值可计量（效益指标仅提示）")
def unquantified(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed = ind.parsed
        if parsed.kind is not ValueKind.QUALITATIVE or _VAGUE.search(parsed.text) or _is_cost(ind):
            continue  # vague words: R11; cost: R05
        if ind.level2 is Level2.TIMELINESS and _TIME_WORDS.match(parsed.text):
            continue
        severity = Severity.INFO if _level1(ind) is Level1.BENEFIT else Severity.WARNING
        yield Hit(severity, f"{_where(i, ind)}：指标值「{parsed.text}」未量化", i, _alternative(ctx, i, ind))


# 资金执行 is scored on its own (10 分) in the 自评表; money spent or paid is an input, not an output.
_INPUT_NAME = re.compile(r"资金到位|预算执行|资金执行|执行率|支付率|拨付率|资金使用率|支出进度|资金支出|"
                         r"支出相关|经费保障|到位率")
_INPUT_DESC = re.compile(r"金额\s*/|/\s*(?:计划|预算)?[^/]{0,6}金额|/\s*预算")


def is_input_measure(name: str, description: str | None = None) -> bool:
    """资金到位率, 预算执行率, 支出相关性…: money put in, not output delivered."""
    return bool(_INPUT_NAME.search(name or "") or _INPUT_DESC.search(description or ""))


@rule("R13-input-as-output", "产出指标不是资金投入")
def input_as_output(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if _level1(ind) is not Level1.OUTPUT or _is_cost(ind):
            continue
        if is_input_measure(ind.name, ind.description):
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：衡量的是资金投入或支付（资金到位、执行、支付），"
                      "不是产出", i, "资金执行情况另行考核；改为这笔资金交付的成果，如次数、人数、合格率")


@rule("R14-satisfaction-value", "满意度为百分比且不低于80%")
def satisfaction_value(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        parsed = ind.parsed
        if not _is_satisfaction(ind) or parsed.kind in (ValueKind.EMPTY, ValueKind.PLACEHOLDER):
            continue
        if parsed.kind is not ValueKind.QUANTITY or parsed.unit != "%":
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：满意度应为百分比，现为「{parsed.text}」", i, "≥90%")
        elif parsed.number is not None and parsed.number < 80:
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：满意度目标「{parsed.text}」低于80%", i, "≥90%")
        elif parsed.operator in (Operator.LE, Operator.LT):
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：满意度目标「{parsed.text}」写成了上限", i,
                      f"≥{format_number(parsed.number)}%")


@rule("R15-satisfaction-placement", "满意度指标放在满意度一级下")
def satisfaction_placement(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        level1 = _level1(ind)
        if ind.level2 is Level2.SATISFACTION:
            continue  # a 满意度 二级 under another 一级 is R04's error already
        if "满意" in ind.name and level1 is not None and level1 is not Level1.SATISFACTION:
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：满意度指标放在了「{level1.value}」下", i,
                      "移到「满意度指标—服务对象满意度指标」下")


# --- goals, duplicates, annual vs mid-term, basis ------------------------------------------------------

# Words every goal and indicator of these forms share: they prove nothing about coverage.
_GOAL_STOP = re.compile(r"住房公积金|公积金|住房|管理中心|中心|单位|各项|工作|开展|保障|保证|确保|提高|提升|实现|"
                        r"进一步|有效|更好|良好|加强|不断|持续|通过|本项目|项目|实施|用于|日常|全市|我市|正常|"
                        r"目标\d*|[一二三四五六七八九十]是|以及|及其|为了|为|的|和|及|与|等|对|使|让|将|在|了")
_GOAL_SPLIT = re.compile(r"[。；;！!\n]|目标\s*\d+\s*[:：]|[一二三四五六七八九十]是")


def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+", _GOAL_STOP.sub(" ", text or ""))
    return {run[k:k + 2] for run in runs for k in range(max(len(run) - 1, 1))}


@rule("R16-goal-uncovered", "每句年度目标都有指标衡量")
def goal_uncovered(ctx: Context) -> Iterator[Hit]:
    measured: set[str] = set()
    for _, ind in ctx.rows():
        measured |= _bigrams(f"{ind.name} {ind.description or ''}")
    if not measured:
        return  # R01 reports the empty table
    for goal in ctx.table.goals_annual:
        for sentence in _GOAL_SPLIT.split(goal):
            sentence = sentence.strip(" ，,、：:")
            words = _bigrams(sentence)
            if len(sentence) >= 6 and len(words) >= 2 and not words & measured:
                yield Hit(Severity.WARNING, f"年度目标「{sentence}」没有指标衡量", None,
                          "为这句目标增加一项可衡量的指标，或删去无法考核的表述")


def _name_key(name: str) -> str:
    name = re.sub(r"^\s*指标\s*\d*\s*[:：]", "", name or "")
    return re.sub(r"[\s\W_]+", "", name)


def _near_same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and short in long_ and len(long_) - len(short) <= 2:
        return True  # 租赁费用 / 年租赁费用
    return SequenceMatcher(None, a, b).ratio() >= 0.9


@rule("R17-duplicate", "同一二级下没有重复指标")
def duplicate(ctx: Context) -> Iterator[Hit]:
    seen: list[tuple[int, Indicator, str]] = []
    for i, ind in ctx.rows():
        key = _name_key(ind.name)
        if not key:
            continue
        # a mid-term-only row and an annual row of the same name are two columns, not a duplicate
        place = (_level1(ind), ind.level2, bool(ind.value))
        for j, other, other_key in seen:
            same_place = (_level1(other), other.level2, bool(other.value)) == place
            if same_place and _near_same(key, other_key):
                yield Hit(Severity.WARNING, f"{_where(i, ind)}：与{_where(j, other)}重复", i,
                          "合并为一项，或改为衡量不同内容的指标")
                break
        seen.append((i, ind, key))


_HIGHER = (Operator.GE, Operator.GT)
_LOWER = (Operator.LE, Operator.LT)


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
            yield Hit(Severity.WARNING, f"{_where(i, ind)}：年度指标值「{annual.text}」比中期指标值「{midterm.text}」宽松",
                      i, f"年度指标值应不宽于中期：{midterm.text}")


@rule("R19-basis-missing", "指标值确定依据已填写")
def basis_missing(ctx: Context) -> Iterator[Hit]:
    missing = [i for i, ind in ctx.rows() if ind.basis is None and classify_basis(ind.basis_note) is None]
    if missing:
        rows = "、".join(str(i + 1) for i in missing[:12]) + ("等" if len(missing) > 12 else "")
        yield Hit(Severity.INFO, f"{len(missing)}项指标未填写指标值确定依据（第{rows}行）", None,
                  "依据分五类：计划标准、历史标准、行业标准、预算支出标准、其他标准")
