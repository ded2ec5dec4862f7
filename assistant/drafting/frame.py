"""The frame both drafters share: the rows, names, goals and notices of a draft, whoever picked its rows.

The precedent drafter (draft.py) and the LLM drafter (llm.py) both build on this module and never on
each other: a row's explanation, the generic rows for a 二级 no precedent covers, the project's short
name and cost-row name, the table header from the brief, and the goal sentences the rows measure.
The chat's added rows (extra_rows.py) use the same pieces, so an added row reads like a drafted one.
"""
from __future__ import annotations

import re
from typing import Protocol

from assistant.drafting.adapt import DEFAULT_BASIS, RATE_UNITS, Fitted, budget_text
from assistant.drafting.brief import trim_text
from assistant.drafting.precedents import BENEFIT_LEVEL2
from assistant.schema import Basis, Funds, Indicator, Level1, Level2, ProjectBrief, Precedent, TargetTable
from assistant.taxonomy import COST_LEVEL2, level1_of
from assistant.text import name_similarity
from assistant.values import ValueKind, format_number, parse_value

NEEDS_INPUT_NOTICE = "个指标值需要您按项目实际填写（已先填入先例的典型值）。"


class Drafter(Protocol):
    """Anything that turns a brief into a table: PrecedentDrafter, LLMDrafter, a test's fake."""

    def draft(self, brief: ProjectBrief) -> TargetTable: ...


# --- names ---------------------------------------------------------------------------------------

def short_name(name: str) -> str:
    """The project's object without the budget-line suffix: 房屋租赁费 → 房屋租赁, 物业管理经费 → 物业管理.

    One rule for the drafted and the added rows (the chat's copy kept 费: 房屋租赁费任务完成数量)."""
    s = re.sub(r"[（(][^）)]*[）)]|\s+", "", name or "")
    s = re.sub(r"^(?:19|20)\d{2}年度?", "", s)  # the year is the table's (rules_grammar)
    for suffix in ("项目", "专项资金", "经费", "资金", "费用", "费"):
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
    return s if len(s) <= 12 else "项目"  # a sentence-long name would make every generic name one


def cost_name(project: str) -> str:
    """The ceiling row named as forms name it: a name that already says money (抵押手续费, 专项工作经费,
    建设款) stays whole — "抵押手续成本" would not read —, others get 成本; a long one 项目总成本."""
    s = re.sub(r"\s+", "", project or "")
    s = s[:-2] if s.endswith("项目") and len(s) > 3 else s
    if not 2 <= len(s) <= 16:
        return "项目总成本"
    return s if re.search(r"(?:费|费用|经费|款|资金)$", s) else f"{short_name(s)}成本"


EXPLANATION: dict[Level2, str] = {
    Level2.QUANTITY: "反映{name}的完成数量，按年度工作计划考核。",
    Level2.QUALITY: "反映{name}，考核项目完成的质量标准。",
    Level2.TIMELINESS: "反映{name}，考核项目是否按时完成。",
    Level2.COST: "反映{name}的控制情况，不超过预算或支出标准。",
    Level2.ECONOMIC_COST: "反映{name}的控制情况，不超过预算或支出标准。",
    Level2.ECONOMIC: "反映项目实施带来的经济效益：{name}。",
    Level2.SOCIAL: "反映项目实施带来的社会效益：{name}。",
    Level2.ECOLOGICAL: "反映项目实施带来的生态效益：{name}。",
    Level2.SUSTAINABLE: "反映项目实施的可持续影响：{name}。",
    Level2.SATISFACTION: "反映服务对象对项目实施的满意程度，通过满意度调查获得。",
}


def make_indicator(level2: Level2, name: str, fitted: Fitted, basis: Basis, note: str,
                   precedents: list[Precedent]) -> Indicator:
    return Indicator(level1=level1_of(level2), level2=level2, name=name, value=fitted.value, basis=basis,
                     basis_note=note, explanation=EXPLANATION.get(level2, "").format(name=name),
                     needs_input=fitted.needs_input, question=fitted.question, precedents=precedents)


# --- generic rows for a 二级 no precedent covers ------------------------------------------------------

# The standard tree's plain rows, in order of preference: the drafter takes the first, the chat's
# "加一个…指标" the first whose name the table does not already use.
GENERIC: dict[Level2, list[tuple[str, str]]] = {
    Level2.QUANTITY: [("{short}任务完成数量", "≥1项"), ("服务保障次数", "≥1次")],
    Level2.QUALITY: [("{short}验收合格率", "100%"), ("服务质量达标率", "≥95%")],
    Level2.TIMELINESS: [("{short}完成时间", "{year}年12月31日前"), ("资金支付及时率", "100%")],
    Level2.COST: [("{short}成本", "≤{budget}万元")],
    Level2.SOCIAL: [("保障业务正常开展", "≥95%"), ("业务正常运转率", "≥95%")],
    Level2.SUSTAINABLE: [("持续发挥作用年限", "≥1年")],
    Level2.SATISFACTION: [("服务对象满意度", "≥90%"), ("缴存职工满意度", "≥90%"), ("本单位职工满意度", "≥90%")],
}
_ASK_NUMBER = {Level2.QUANTITY, Level2.SUSTAINABLE}  # only the preparer knows these numbers


def generic_row(level2: Level2, brief: ProjectBrief, existing: list[str] = ()) -> Indicator | None:
    """The first plain row for this 二级 whose name the table does not already use (None if none)."""
    short = short_name(brief.name)
    # compared without the project's own name, which every generic row shares (房屋租赁完成时间 is
    # not 房屋租赁任务完成数量)
    taken = [e.replace(short, "") for e in existing]
    for name_t, value_t in GENERIC.get(level2, []):
        name = name_t.format(short=short)
        if any(name == e or name_similarity(name.replace(short, ""), t) >= 0.5 for e, t in zip(existing, taken)):
            continue
        if "{budget}" in value_t and brief.budget is None:
            continue
        value = value_t.format(year=brief.year or "当", budget=budget_text(brief.budget or 0))
        row = plain_row(level2, name, value)
        if level2 in _ASK_NUMBER:
            row.needs_input, row.question = True, f"「{name}」是多少？请按项目实际填写（如次数、人数、数量）。"
        return row
    return None


def plain_row(level2: Level2, name: str, value: str) -> Indicator:
    """A row of the standard tree with no precedent, its 依据 the usual one for its 二级."""
    basis, note = DEFAULT_BASIS.get(level2, (Basis.PLAN, "年度工作计划"))
    row = make_indicator(level2, name, Fitted(value=value), basis, note, [])
    row.inferred.append("generic")
    return row


# --- the table ---------------------------------------------------------------------------------

def prepared_brief(brief: ProjectBrief) -> ProjectBrief:
    """The brief as both drafters read it: a name (a nameless brief is 未命名项目) and the description
    cut to MAX_TEXT, done once at the start so no later step re-reads the raw text."""
    return brief.model_copy(update={"name": (brief.name or "").strip() or "未命名项目",
                                    "description": trim_text(brief.description)})


def empty_table(brief: ProjectBrief) -> TargetTable:
    """The table's header from a prepared brief: year, name, units, period, funds, purpose."""
    funds = Funds(total=brief.budget) if brief.budget is not None else None
    return TargetTable(
        year=brief.year, project_name=brief.name.strip()[:100], department=brief.department,
        implementing_unit=brief.implementing_unit, period=f"{brief.period_years}年",
        period_years=brief.period_years, start_year=brief.year, funds_annual=funds, purpose=brief.description,
        attribute="经常性项目" if brief.period_years == 1 else "延续项目",
    )


# --- goals ---------------------------------------------------------------------------------

def _phrase(row: Indicator) -> str:
    value = row.value
    if not value or parse_value(value).kind is ValueKind.QUALITATIVE and (value in row.name or row.name in value):
        return row.name  # "保障工作正常开展" + "正常开展" would read twice
    return f"{row.name}{value}"


def annual_goals(table: TargetTable, brief: ProjectBrief) -> list[str]:
    year = f"{brief.year}年" if brief.year else "本年度"
    purpose = (table.purpose or "").strip().rstrip("。")
    by = lambda *l2s: [r for r in table.indicators if r.level2 in l2s]  # noqa: E731
    first = f"{year}，保障{short_name(brief.name)}顺利实施" + (f"（{purpose[:80]}）" if purpose else "") + "。"
    outputs = by(Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS)
    goals = [first]
    if outputs:
        goals.append("完成" + "，".join(_phrase(r) for r in outputs) + "。")
    costs = by(*COST_LEVEL2)
    if costs and table.budget is not None:  # name the cost row, so the goal is visibly measured by it
        goals.append(f"{costs[0].name}控制在{budget_text(table.budget)}万元以内。")
    effects = by(*BENEFIT_LEVEL2) + by(Level2.SATISFACTION)
    if effects:
        goals.append("实现" + "，".join(_phrase(r) for r in effects) + "。")
    return goals


def midterm_goals(table: TargetTable, brief: ProjectBrief) -> list[str]:
    start = brief.year
    span = f"{start}年—{start + brief.period_years - 1}年" if start else f"{brief.period_years}年内"
    names = "、".join(r.name for r in table.indicators if r.level1 is not Level1.SATISFACTION)[:200]
    return [f"{span}，持续保障{short_name(brief.name)}顺利实施，{names}等指标逐年达到目标。"]


def fill_midterm(table: TargetTable, years: int) -> None:
    for row in table.indicators:
        p = parse_value(row.value)
        if row.level2 in COST_LEVEL2 and p.unit == "万元" and p.number is not None:
            row.midterm_value = f"≤{format_number(round(p.number * years, 2))}万元"
            row.inferred.append("midterm_value")
        elif p.kind is ValueKind.QUANTITY and p.unit not in RATE_UNITS and p.number is not None and \
                row.level2 is Level2.QUANTITY:
            op = p.operator.value if p.operator else ""
            row.midterm_value = f"{op}{format_number(p.number * years)}{p.unit or ''}"
            row.inferred.append("midterm_value")
        else:
            row.midterm_value = row.value
