"""Revisions of a drafted table, as the chat (and the sidebar) asks for them.

Pure functions over a TargetTable: find rows by number or name, set a field, move the budget or the
year through the table (cost ceiling, funds, dates, goals), and place a new row in the tree order.
Each returns Chinese lines saying what changed, so the chat can report exactly that.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from assistant.drafting.frame import annual_goals, midterm_goals
from assistant.errors import AssistantError
from assistant.chat.intents import ALL_ROWS, level2_word, row_number
from assistant.chat.phrases import FOCUS_WORDS, JUST_ADDED, LEVEL1_WORDS, LOOSE_SUFFIX
from assistant.text import clean_name, name_similarity, normalize_name
from assistant.schema import Funds, Indicator, ProjectBrief, TargetTable
from assistant.taxonomy import COST_LEVEL2, classify_basis, infer_level2, is_cost, tree_order
from assistant.values import ValueKind, chinese_number, format_number, parse_value, shift_years

FIELD_LABEL = {"value": "指标值", "midterm": "中期指标值", "basis": "指标值确定依据", "name": "指标名称",
               "explanation": "指标解释"}


def money(number: float | None) -> str:
    """万元 as the user gave it, to the 元 (54970元 is 5.497 万元, not 5.5)."""
    return "未填" if number is None else format_number(round(number, 4))


def row_label(table: TargetTable, i: int) -> str:
    return f"第{i + 1}行「{table.indicators[i].name}」"


# --- finding rows ----------------------------------------------------------------------------

def resolve_rows(table: TargetTable, target: str | None, focus: int | None, *, loose: bool = True) -> list[int]:
    """Rows a phrase points at: "第3个", "这个指标" (the focused row), a name, or a 二级 ("满意度")."""
    rows = table.indicators
    if not rows:
        raise AssistantError("表中还没有指标。")
    if target == ALL_ROWS:
        return list(range(len(rows)))
    target = LOOSE_SUFFIX.sub("", re.sub(r"^(?:那个|这个|那条|这条|那项)", "", target.strip())) if target else target
    if target and JUST_ADDED.fullmatch(target):
        target = None  # "刚才加的那个": the focused row
    if not target or FOCUS_WORDS.match(target):
        if focus is not None and 0 <= focus < len(rows):
            return [focus]
        raise AssistantError("请告诉我是第几个指标，例如“第3个指标”。")
    n = row_number(target)
    if n is not None:
        if 1 <= n <= len(rows):
            return [n - 1]
        raise AssistantError(f"没有第{n}个指标：当前共 {len(rows)} 个指标。")
    key = normalize_name(target)
    names = [normalize_name(r.name) for r in rows]
    for matcher in (lambda n: n == key, lambda n: key in n or (len(n) >= 2 and n in key)):
        hits = [i for i, name in enumerate(names) if key and matcher(name)]
        if hits:
            return hits
    level2 = level2_word(target)
    if level2:
        same = (lambda l2: l2 in COST_LEVEL2) if level2 in COST_LEVEL2 else (lambda l2: l2 is level2)
        hits = [i for i, r in enumerate(rows) if same(r.level2)]
        if hits:
            return hits
    level1 = LEVEL1_WORDS.get(target.removesuffix("指标"))
    if level1 is not None:  # "效益那块": every row of the 一级
        hits = [i for i, r in enumerate(rows) if r.level1 is level1]
        if hits:
            return hits
    score, best = max((name_similarity(target, r.name), i) for i, r in enumerate(rows))
    if score >= 0.5:
        return [best]
    implied = infer_level2(target) if loose else None  # "印刷质量合格绿": the one 质量 row there is
    same = [i for i, r in enumerate(rows) if implied is not None and r.level2 is implied]
    if len(same) == 1:
        return same
    listing = "；".join(f"{i + 1}. {r.name}" for i, r in enumerate(rows))
    raise AssistantError(f"没有找到「{target}」对应的指标。当前指标：{listing}")


# --- setting a field ---------------------------------------------------------------------------

def set_field(row: Indicator, field: str, new: str) -> str:
    """Set one field of a row; returns the old text."""
    if field in ("value", "midterm"):
        kind = parse_value(new).kind
        if kind in (ValueKind.EMPTY, ValueKind.PLACEHOLDER):
            raise AssistantError(f"指标值不能为空或占位符（{new or '空'}）：请填写具体数值，例如 ≥95%、100%、≥20条。")
    if field == "value":
        old = row.value
        row.value = new
        if row.midterm_value == old:
            row.midterm_value = new
        row.needs_input, row.question = False, None
    elif field == "midterm":
        old, row.midterm_value = row.midterm_value or "", new
    elif field == "basis":
        old = row.basis_note or (row.basis.value if row.basis else "")
        row.basis, row.basis_note = classify_basis(new), new
    elif field == "name":
        old, row.name = row.name, clean_name(new)[:100] or row.name
    elif field == "explanation":
        old, row.explanation = row.explanation or "", new[:300]
    else:
        raise AssistantError(f"无法修改这一项：{field}")
    return old


def with_unit_of(old: str, new: str) -> str:
    """"满意度改为95" keeps the row's unit: 95 → 95%; "租赁面积改成2000" → 2000平方米."""
    p, before = parse_value(new), parse_value(old)
    if p.kind is ValueKind.QUANTITY and p.unit is None and before.kind is ValueKind.QUANTITY and before.unit:
        return new + before.unit
    return new


# --- budget and year run through the whole table -------------------------------------------

def apply_budget(table: TargetTable, old: float | None, new: float, years: int) -> list[str]:
    """The funds, the total-cost ceiling row(s) and the goals follow a new budget (万元)."""
    lines = [f"预算：{money(old)} 万元 → {money(new)} 万元"]
    funds = table.funds_annual or Funds()
    if funds.fiscal is not None and funds.fiscal == funds.total and not funds.other:
        funds.fiscal = new
    funds.total, table.funds_annual = new, funds
    mid = table.funds_midterm
    if mid and mid.total is not None and old and abs(mid.total - old * years) < 0.005:
        mid.total = round(new * years, 4)
    changed = False
    for i, row in enumerate(table.indicators):
        if not _is_total_cost(row, old, new):
            continue
        before, row.value = row.value, f"≤{money(new)}万元"
        row.needs_input, row.question = False, None
        if years > 1 and row.midterm_value is not None:
            row.midterm_value = f"≤{money(new * years)}万元"
        lines.append(f"{row_label(table, i)}：{before or '（空）'} → {row.value}")
        changed = True
    if not changed:
        lines.append("表中没有总成本指标；可以说“加一个成本指标”。")
    if old is not None:
        swap = lambda text: text.replace(f"{money(old)}万元", f"{money(new)}万元")  # noqa: E731
        table.goals_annual = [swap(g) for g in table.goals_annual]
        table.goals_midterm = [swap(g) for g in table.goals_midterm]
    return lines


def _is_total_cost(row: Indicator, old: float | None, new: float) -> bool:
    """A cost row in 万元 that carries the budget (or is still empty), not a smaller sub-item."""
    if not is_cost(row):
        return False
    if not row.value.strip():
        return True
    p = row.parsed
    if p.unit != "万元" or p.number is None:
        return False
    return old is None or abs(p.number - old) < 0.005 or p.number > new


def apply_year(table: TargetTable, old: int | None, new: int, years: int) -> list[str]:
    """Dates inside values, the period and the goals move from the old project years to the new ones."""
    lines = [f"年度：{old or '未填'} → {new}"]
    table.year = new
    if old is None:
        table.start_year = new
        return lines

    def shift(text: str | None) -> str | None:
        return shift_years(text, old, new, years)

    table.start_year = new if table.start_year in (None, old) else table.start_year
    table.period = shift(table.period)
    for i, row in enumerate(table.indicators):
        before = row.value
        row.value, row.midterm_value = shift(row.value) or "", shift(row.midterm_value)
        if row.value != before:
            lines.append(f"{row_label(table, i)}：{before} → {row.value}")
    table.goals_annual = [shift(g) or "" for g in table.goals_annual]
    table.goals_midterm = [shift(g) or "" for g in table.goals_midterm]
    return lines


# --- goals follow the indicators while they are still the drafter's ----------------------------

def goals_are_drafted(table: TargetTable, brief: ProjectBrief) -> tuple[bool, bool]:
    """Are the annual / mid-term goals still exactly what the drafter writes for this table?"""
    annual = table.goals_annual == annual_goals(table, brief)
    mid = table.goals_midterm == (midterm_goals(table, brief) if brief.period_years > 1 else [])
    return annual, mid


def with_goals(table: TargetTable, before: ProjectBrief, after: Callable[[], ProjectBrief],
               change: Callable[[], list[str]]) -> list[str]:
    """Apply a change; rewrite the goals from the new table unless the user wrote their own."""
    annual, mid = goals_are_drafted(table, before)
    lines = change()
    brief = after()
    if annual:
        table.goals_annual = annual_goals(table, brief)
    if mid and brief.period_years > 1:
        table.goals_midterm = midterm_goals(table, brief)
    return lines


# --- new rows ------------------------------------------------------------------------------------

def insert_row(table: TargetTable, row: Indicator) -> int:
    """Insert after the last row that comes before it in the 一级/二级 order; returns its index."""
    position = 0
    for i, existing in enumerate(table.indicators):
        if tree_order(existing) <= tree_order(row):
            position = i + 1
    table.indicators.insert(position, row)
    return position


_OPERATOR_START = re.compile(r"[≥≤<>=]|不低于|不少于|不超过|不高于|大于|小于|达到|控制在")


def deadline_value(m: re.Match, year: int | None = None) -> str | None:
    """The 指标值 a DEADLINE phrase states ("九月底之前" → 2025年9月底前, "11月30号前" → 11月30日前), None
    for a month that is not one."""
    month = m.group("month")
    month = int(month) if month.isdigit() else int(chinese_number(month) or 0)
    if not 1 <= month <= 12:
        return None
    when = f"{year}年" if year else ""
    return f"{when}{month}月{int(m.group('day'))}日前" if m.group("day") else f"{when}{month}月底前"


def split_name_value(text: str) -> tuple[str, str | None]:
    """"缴存职工满意度≥90%" → (name, "≥90%"); "租赁面积 1800平方米" → (name, "1800平方米")."""
    s = re.sub(r"^(?:指标)?[:：,，\s]*", "", text.strip())
    m = _OPERATOR_START.search(s)
    if m and m.start() > 0:
        return _bare(s[: m.start()]), s[m.start():].strip()
    m = re.search(r"(?:[:：,，\s]+|为|是|指标值为?|值为?)\s*(?=\d)", s)
    if m and m.start() > 0:
        return _bare(s[: m.start()]), s[m.end():].strip()
    m = re.match(r"^(?P<name>.*[\u4e00-\u9fff])(?P<value>\d[\d.]*\s*(?:%|‰|[\u4e00-\u9fff/]{1,4})?(?:以上|以下|以内)?)$", s)
    if m:  # "设施设备完好率98%": the number glued to the name
        return _bare(m.group("name")), m.group("value")
    return _bare(s), None


def _bare(name: str) -> str:
    return re.sub(r"(?:的)?(?:指标值|指标)?[:：,，\s]*$", "", name.strip()) or name.strip()
