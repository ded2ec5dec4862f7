"""The common-indicator library's patterns (corpus/library/*.yaml) filled from a brief (loading: library_types.py).

A pattern is one indicator a common project type usually has (the way provincial 共性指标库 list them):
二级, a name template with slots ({标的}购置数量, {对象}满意度), a typical value or how to derive it (from a
quantity, date or period the user wrote, from the year, from the budget), the usual 依据 and a one-line
指标解释. Filled rows cite the pattern as Precedent(kind="library", source="corpus/library/<file>", line).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


from assistant.drafting.adapt import budget_text
from assistant.drafting.brief_facts import UNIT_CLASSES, BriefFacts, Quantity, quantity_value
from assistant.drafting.library_types import Pattern, ProjectType
from assistant.review.rules_grammar import is_well_formed
from assistant.schema import Indicator, Level2, Precedent, ProjectBrief
from assistant.taxonomy import COST_LEVEL2, level1_of
from assistant.values import format_number, parse_value

COST = COST_LEVEL2  # the cost ceiling's 二级, as the tree has it
# working marks on rows, removed before apply_library returns
FROM_BRIEF, CEILING, SECONDARY, ALWAYS = "from_brief", "ceiling", "secondary", "always"
FACT = "fact"  # the mark a row of the user's own numbers keeps in the table (FROM_BRIEF becomes it)
_LIBRARY_DIR = "corpus/library/"
GENERIC_SOURCE = f"{_LIBRARY_DIR}generic.yaml"


def library_origins(row: Indicator) -> set[str]:
    """Which parts of the library a row cites: "generic" (the standard-tree fallbacks, generic.yaml)
    and/or "type" (a recognised project type's pattern); empty for a row the library did not give."""
    return {"generic" if p.source == GENERIC_SOURCE else "type" for p in row.precedents if p.kind == "library"}
# An object that already ends in a count measure is a whole indicator name (开设课程数量, 培训人次).
_MEASURED = re.compile(r"(?:数量|人次|次数|人数|户数|批次|个数|场次|课时)$")
MAX_OBJECT = 10  # a longer object is a phrase, not a name part: fall back to the type's word


# --- filling the templates ---------------------------------------------------------------------------

@dataclass
class Fill:
    """One project: the brief, what was read from it, and which of its quantities are already used."""

    brief: ProjectBrief
    facts: BriefFacts
    used: set[int]
    subject: str | None = None  # the object the brief's name states (brief_reader): 七氟丙烷灭火装置, 雾炮车降尘抑尘服务
    objects: dict[str, str] = field(default_factory=dict)  # type id → the object its quantities counted
    owners: dict[str, str] = field(default_factory=dict)  # verb → the first recognised type it triggers

    def claim(self, kinds: Iterable[ProjectType]) -> None:
        """"购置…10套" belongs to 购置 even in a project that is 工程 first."""
        for kind in kinds:
            for verb in kind.triggers.name + kind.triggers.text:
                self.owners.setdefault(verb, kind.id)

    def mine(self, kind: ProjectType, q: Quantity) -> bool:
        owner = self.owners.get(q.verb) or self._object_owner(q)
        return owner is None or owner == kind.id or kind.id == "generic"

    def _object_owner(self, q: Quantity) -> str | None:
        """"举办培训班3期": the verb says nothing, the thing counted (培训班) names its type."""
        obj = q.object or q.pre_object or ""
        found = [(len(word), kind) for word, kind in self.owners.items() if len(word) >= 2 and word in obj]
        return max(found)[1] if found else None

    def year_text(self) -> str:
        return f"{self.brief.year}" if self.brief.year else "当"


def library_rows(kinds: Iterable[ProjectType], fill: Fill, secondary: Iterable[str] = ()) -> list[Indicator]:
    """Every pattern of the given types that the brief calls for, filled; secondary types' rows are
    marked so they rank after the main type's (a fire retrofit is an engineering job first)."""
    rows = []
    kinds = list(kinds)
    fill.claim(kinds)
    for kind in kinds:
        for pattern in kind.patterns:
            if pattern.when and not any(w in fill.facts.text for w in pattern.when):
                continue
            made = _instantiate(kind, pattern, fill)
            for row in made:
                row.inferred += ([SECONDARY] if kind.id in secondary else []) + ([ALWAYS] if pattern.always else [])
            rows += made
    return rows


def _slots(kind: ProjectType, pattern: Pattern, fill: Fill) -> dict[str, str]:
    slots = {k: _pick_word(v, fill) for k, v in kind.slots.items()}
    if kind.id in fill.objects and not _mentions(kind.slots.get("标的"), fill):
        slots["标的"] = fill.objects[kind.id]  # "8部电梯" → 电梯完好率, not 设施设备完好率
    elif fill.subject and isinstance(kind.slots.get("标的"), list) and not _mentions(kind.slots["标的"], fill):
        slots["标的"] = fill.subject  # the preparer's own noun (消防设备), not the type's generic 设备
    if fill.subject and isinstance(kind.slots.get("服务"), list) and not _mentions(kind.slots["服务"], fill):
        slots["服务"] = fill.subject.removesuffix("服务")  # 雾炮车降尘抑尘服务考核合格率, not 餐饮服务…
    slots.update(pattern.slots)
    slots.setdefault("标的", "")
    slots.setdefault("动作", "")
    slots.setdefault("服务", kind.label)
    slots.setdefault("频次", "")
    slots.setdefault("单位", "")
    if fill.facts.beneficiary:
        slots["对象"] = fill.facts.beneficiary
    slots.setdefault("对象", "服务对象")
    slots["年"] = fill.year_text()
    return slots


def _mentions(words: str | list[str] | None, fill: Fill) -> bool:
    return isinstance(words, list) and any(w and w in fill.facts.text for w in words)


def _pick_word(words: str | list[str], fill: Fill) -> str:
    """The first of the type's words the brief uses (name before description), else the first."""
    if isinstance(words, str):
        return words
    for text in (fill.brief.name, fill.facts.text):
        found = next((w for w in words if w and w in text), None)
        if found:
            return found
    return words[0] if words else ""


def _instantiate(kind: ProjectType, pattern: Pattern, fill: Fill) -> list[Indicator]:
    slots = _slots(kind, pattern, fill)
    if pattern.derive == "quantity":
        return _quantity_rows(kind, pattern, fill, slots)
    value, question, derived = pattern.value.format_map(slots), None, None
    if pattern.derive == "deadline":
        derived = _deadline(fill)
    elif pattern.derive == "duration":
        derived = _duration(pattern, fill)
    elif pattern.derive == "unit_cost":
        found = _unit_cost(pattern, fill)
        derived, slots["单位"] = found or (None, "")
    elif pattern.derive == "budget":
        value = f"≤{budget_text(fill.brief.budget)}万元" if fill.brief.budget else ""
        question = None if value else "项目预算是多少万元？成本指标的上限取自预算。"
    if derived is None and (pattern.optional or pattern.derive == "unit_cost"):
        return []
    row = _row(kind, pattern, slots, derived or value, question)
    if derived is not None:
        row.inferred.append(FROM_BRIEF)  # the user's own date, period or numbers
    if pattern.derive == "budget":
        row.inferred.append(CEILING)
    return [row]


def _matching(kind: ProjectType, pattern: Pattern, fill: Fill) -> list[Quantity]:
    return [q for q in fill.facts.quantities if q.unit_class in pattern.units and id(q) not in fill.used
            and (not pattern.unit_words or q.unit in pattern.unit_words) and fill.mine(kind, q)]


def _quantity_rows(kind: ProjectType, pattern: Pattern, fill: Fill, slots: dict[str, str]) -> list[Indicator]:
    found = _matching(kind, pattern, fill)
    if not pattern.per_fact:
        found = found[:1]
    rows = []
    for q in found:
        fill.used.add(id(q))
        value, question = quantity_value(q)
        obj = q.object or q.pre_object
        filled = {**slots, "动作": q.verb or slots["动作"], "频次": q.per}
        if obj and len(obj) <= MAX_OBJECT:
            filled["标的"] = "" if re.fullmatch(r"面积|长度|数量|人数|人次|户数|规模", obj) else obj
            if len(obj) <= 6 and filled["标的"]:
                fill.objects.setdefault(kind.id, obj)
        row = _row(kind, pattern, filled, value, question)
        row.name = people_measure(row.name, q.unit)
        if obj and _MEASURED.search(obj) and len(obj) <= MAX_OBJECT and pattern.level2 is Level2.QUANTITY:
            row.name = obj  # "开设课程数量220门": the preparer named the measure already
        row.inferred.append(FROM_BRIEF)
        rows.append(row)
    if rows or pattern.optional:
        return rows
    value = pattern.value.format_map(slots)
    ask = (pattern.ask or "本项目的「{name}」是多少？").format_map({**slots, "name": _name(pattern, slots)})
    return [_row(kind, pattern, slots, value, f"{ask}（已先填入共性指标库的典型值{value}）", needs_input=True)]


def _row(kind: ProjectType, pattern: Pattern, slots: dict[str, str], value: str, question: str | None,
         needs_input: bool = False) -> Indicator:
    name = _name(pattern, slots)
    if not is_well_formed(name):
        # a slot filled from the brief made a garbled name ("次培训期数"): the type's own words instead
        plain = {**slots, **{k: _default_word(kind.slots.get(k, "")) for k in ("标的", "服务")},
                 "动作": _default_word(kind.slots.get("动作", "")), "频次": ""}
        name = _name(pattern, plain)
    cite = _cite(kind, pattern)
    return Indicator(level1=level1_of(pattern.level2), level2=pattern.level2, name=name, value=value,
                     basis=pattern.basis, basis_note=pattern.note, explanation=_tidy(pattern.explain.format_map(slots)),
                     needs_input=needs_input or question is not None, question=question, precedents=[cite])


def standard_citation(kind: ProjectType, level2: Level2) -> Precedent | None:
    """The library's pattern a plain row of this 二级 follows (generic.yaml: 项目总成本 for a budget
    ceiling no precedent names, 工作任务完成数量 for a count to fill in), cited as the drafter's rows are."""
    pattern = next((p for p in kind.patterns if p.level2 is level2 or (level2 in COST and p.level2 in COST)), None)
    return _cite(kind, pattern) if pattern else None


def _cite(kind: ProjectType, pattern: Pattern) -> Precedent:
    return Precedent(kind="library", project=f"共性指标库·{kind.label}", name=pattern.name, value=pattern.value,
                     basis=pattern.note, source=f"{_LIBRARY_DIR}{kind.file}", line=pattern.line)


def people_measure(name: str, unit: str) -> str:
    """A head count's name says what its value counts: 8人 are 人数, 600人次 are 人次 (出差人次 8人 → 出差人数)."""
    if unit == "人次" and name.endswith("人数"):
        return name.removesuffix("人数") + "人次"
    if unit in ("人", "名", "位") and name.endswith("人次"):
        return name.removesuffix("人次") + "人数"
    return name


def _default_word(words: str | list[str]) -> str:
    return words if isinstance(words, str) else (words[0] if words else "")


def _name(pattern: Pattern, slots: dict[str, str]) -> str:
    return _tidy(pattern.name.format_map(slots))


def _tidy(text: str) -> str:
    """"保洁服务服务费" → "保洁服务费", "档案扫描扫描页数" → "档案扫描页数"."""
    text = re.sub(r"(.{2,4})\1", r"\1", text)
    return re.sub(r"\s+", "", text)


_DATE = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")


def _deadline(fill: Fill) -> str | None:
    """The brief's own deadline or period end, when it falls inside the project period."""
    year, span = fill.brief.year, max(fill.brief.period_years, 1)
    candidates = []
    if fill.facts.deadline and (m := _DATE.search(fill.facts.deadline)):
        candidates.append((int(m.group("y")) if m.group("y") else year, int(m.group("m")),
                           int(m.group("d")) if m.group("d") else None))
    if fill.facts.period and fill.facts.period.end[1]:
        y, mo = fill.facts.period.end
        candidates.append((y or year, mo, None))
    for y, mo, d in candidates:
        if not 1 <= mo <= 12 or y is None or (year is not None and not year <= y < year + span):
            continue
        return f"{y}年{mo}月{d}日前" if d else f"{y}年{mo}月底前"
    return None


def _duration(pattern: Pattern, fill: Fill) -> str | None:
    """A period the user wrote ("服务期1年", "工期90天", "2025年1月至12月"), with the pattern's operator."""
    typical = parse_value(pattern.value)
    op = typical.operator.value if typical.operator else ""
    for d in fill.facts.durations:
        if pattern.labels and any(w in d.label for w in pattern.labels):
            return f"{op}{d.text}"
        if not pattern.labels and "期" in d.label and not re.search("工期|会期", d.label):
            return f"{op}{d.text}"  # a service period, not a build time or a meeting's length
    period = fill.facts.period
    if period is None:
        return None
    months = period.months()
    if months and typical.unit in ("年", "个月", "月"):
        return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"
    (ys, _), (ye, _) = period.start, period.end
    if typical.unit == "年" and ys and ye and ye > ys:
        return f"{ye - ys + 1}年"  # a plan for 2025—2030年
    return None


_TIME_PER = set("年季月周天日")


def _unit_cost(pattern: Pattern, fill: Fill) -> tuple[str, str] | None:
    """(value, what the name writes after 每): the brief's own standard, in its whole unit ("每户标准1500元"
    → ≤1500元/户, 户; "每人每餐补贴3元" → ≤3元/人·餐, 人每餐), else budget ÷ a quantity the brief is sure of."""
    for rate in fill.facts.money_rates:
        per = _rate_per(rate.per, pattern)
        if per:
            return f"≤{rate.text}/{'·'.join(per)}", "每".join(per)
    budget = fill.brief.budget
    found = [q for q in fill.facts.quantities if q.unit_class in pattern.units
             and (not pattern.unit_words or q.unit in pattern.unit_words)]
    mixed = len({q.unit for q in found}) > 1 or (len(found) > 1 and found[0].unit_class == "count")
    if not budget or not found or mixed:
        return None  # mixed objects (10套 and 1台) have no meaningful unit cost
    q = found[0]
    multiplier = _per_multiplier(q, fill.facts)
    if q.conflict or multiplier is None:
        return None  # "10台……共12台": which count is right is asked on its own row; no cost is divided by a guess
    total = q.number * multiplier
    if total <= 0:
        return None
    yuan = budget * 10_000 / total
    if yuan >= 10_000:
        return f"≤{format_number(math.ceil(yuan / 100) / 100)}万元/{q.unit}", q.unit
    return f"≤{format_number(math.ceil(yuan) if yuan >= 100 else math.ceil(yuan * 100) / 100)}元/{q.unit}", q.unit


def _rate_per(per: str, pattern: Pattern) -> list[str]:
    """The parts of a rate's 每-phrase, the counted one first: 每人每餐 / 每餐每人 → [人, 餐], 每月每人 → [人, 月];
    empty when nothing the pattern counts is in it (每月租金 is no cost per 人). "元/人·餐" round-trips
    through values.parse_value as one unit."""
    parts = [p for p in per.split("每") if p]
    counted = next((p for p in parts if p[0] not in _TIME_PER and UNIT_CLASSES.get(p) in pattern.units), None)
    return [counted, *(p for p in parts if p != counted)] if counted else []


def _per_multiplier(q: Quantity, facts: BriefFacts) -> float | None:
    """"每场参会人员约150人" with "2场": 300 people in all; None when that count is in question ("2场……共3场")."""
    if not q.per.startswith("每"):
        return 1.0
    unit = q.per[1:2]
    other = next((o for o in facts.quantities if o is not q and o.unit.startswith(unit)), None)
    if other is None:
        return 1.0
    return None if other.conflict else other.number
