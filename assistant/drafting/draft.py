"""Drafting a TargetTable from a ProjectBrief.

PrecedentDrafter (the default, no LLM): find similar past projects, merge their indicators into
clusters per 二级, pick 1–3 per 二级 across the standard tree, fit the values to the brief, cite the
precedents, and write goal sentences that the indicators measure. Deterministic: the same brief and
corpus give the same table.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.drafting.adapt import (
    DEFAULT_BASIS,
    RATE_UNITS,
    Fitted,
    cost_ceiling,
    fit_count,
    fit_date,
    fit_rate,
    unit_cost,
)
from assistant.drafting.brief import trim_text
from assistant.review.check import is_input_measure
from assistant.config import get_settings
from assistant.drafting.precedents import (
    BENEFIT_LEVEL2,
    Cluster,
    IndicatorMatch,
    ProjectMatch,
    cluster,
    find_candidates,
    name_similarity,
)
from assistant.schema import Basis, Funds, Indicator, Level1, Level2, ProjectBrief, TargetTable
from assistant.taxonomy import COST_LEVEL2, Variant, classify_basis, place_all
from assistant.values import ValueKind, format_number, parse_value

NEEDS_INPUT_NOTICE = "个指标值需要您按项目实际填写（已先填入先例的典型值）。"
MAX_PER_LEVEL2 = 3
MAX_BENEFIT = 4  # 效益 rows in all: one per 二级 first, then the seconds
MIN_SUPPORT = 0.45  # cluster score needed at all (see _top)
MIN_SHARE = 0.34  # a second/third indicator under a 二级 must score ≥ this share of the best one
N_PROJECTS = 6


class ProjectFinder(Protocol):
    def __call__(self, text: str, k: int) -> list[ProjectMatch]: ...


class Drafter(Protocol):
    def draft(self, brief: ProjectBrief) -> TargetTable: ...


def relative_weights(scores: list[float], floor: float) -> list[float]:
    """Scores rescaled so the best hit is 1 and the pool's weakest is 0.

    Fused scores of related and unrelated projects sit in a narrow band (EMBEDDING.md), so a fixed
    threshold would not travel between queries; the spread within one query's pool does.
    """
    if not scores:
        return []
    top = scores[0]
    if top - floor <= 1e-9:
        return [1.0 for _ in scores]
    return [max(0.0, (s - floor) / (top - floor)) for s in scores]


class IndexFinder:
    """Similar projects and directly matching indicators from the precedent index.

    ``exclude_source`` leaves one source document out (the leave-one-source-out evaluation).
    """

    POOL = 14  # hits fetched to judge the spread of scores
    MIN_PROJECT_WEIGHT = 0.2
    MIN_INDICATOR_WEIGHT = 0.5

    def __init__(self, exclude_source: str | None = None):
        self.exclude_source = exclude_source

    def __call__(self, text: str, k: int) -> list[ProjectMatch]:
        from assistant.search.index import similar_projects

        hits = [h for h in similar_projects(text, k=self.POOL + 6) if h.source != self.exclude_source]
        hits = hits[: self.POOL]
        weights = relative_weights([h.score for h in hits], hits[-1].score if len(hits) > 1 else 0.0)
        matches = [ProjectMatch(source=h.source, project=h.project, score=round(w, 4))
                   for h, w in zip(hits, weights) if w >= self.MIN_PROJECT_WEIGHT]
        return matches[:k]

    def indicators(self, text: str, k: int) -> list[IndicatorMatch]:
        from assistant.search.index import search_precedents

        hits = [h for h in search_precedents(text, k=self.POOL + 6) if h.source != self.exclude_source]
        hits = hits[: self.POOL]
        weights = relative_weights([h.score for h in hits], hits[-1].score if len(hits) > 1 else 0.0)
        return [IndicatorMatch(key=h.key, source=h.source, project=h.project, score=round(w, 4))
                for h, w in zip(hits, weights) if w >= self.MIN_INDICATOR_WEIGHT][:k]


def default_finder(exclude_source: str | None = None) -> ProjectFinder:
    return IndexFinder(exclude_source)


class PrecedentDrafter:
    def __init__(self, finder: ProjectFinder | None = None, *, variant: Variant | None = None,
                 same_name: Callable[[str, str], bool] | None = None, use_library: bool = True):
        self.finder = finder or default_finder()
        self.use_library = use_library
        if variant is None:
            variant = Variant.MOF_2021 if get_settings().cost_as_level1 else Variant.PROVINCIAL
        self.variant = variant
        self.same_name = same_name

    def draft(self, brief: ProjectBrief) -> TargetTable:
        description = trim_text(brief.description)
        query = f"{brief.name} {description or ''}".strip()
        matches, candidates = find_candidates(self.finder, query, N_PROJECTS)
        clusters = cluster(candidates, same=self.same_name)
        table = _empty_table(brief, description)
        rows = self._pick(clusters, brief, description)
        if self.use_library:
            # the common-indicator library fits names and values to the user's own objects and
            # covers project types the corpus has never seen (corpus/library/)
            from assistant.drafting.library import apply_library

            rows = apply_library(rows, brief, [m.project for m in matches])
        table.indicators = [row for row in rows if row is not None]
        if not matches:
            table.notices.append("语料中没有找到相近的项目：以下是按标准指标体系给出的通用草稿，请按项目实际修改。")
        place_all(table.indicators, self.variant)
        table.goals_annual = annual_goals(table, brief)
        if brief.period_years > 1:
            table.goals_midterm = midterm_goals(table, brief)
            fill_midterm(table, brief.period_years)
        asks = [i for i in table.indicators if i.needs_input]
        if asks:
            table.notices.append(f"有 {len(asks)} {NEEDS_INPUT_NOTICE}")
        return table

    # --- choosing indicators ---------------------------------------------------------------

    def _pick(self, clusters: Sequence[Cluster], brief: ProjectBrief, description: str | None) -> list[Indicator]:
        by_level2: dict[Level2, list[Cluster]] = {}
        for c in clusters:
            by_level2.setdefault(c.level2, []).append(c)
        rows: list[Indicator] = []
        for level2 in (Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS):
            # outputs must be countable, and money put in (资金到位率, 支出相关性) is not an output
            usable = [c for c in by_level2.get(level2, []) if c.value_quality >= 1.0 and not is_input_measure(c.name)]
            chosen = _top(usable)
            rows += [self.row_from_cluster(c, brief, description) for c in chosen] or [_generic(level2, brief)]
        rows += self._cost_rows(by_level2.get(Level2.COST, []), brief, description)
        benefit = []
        for level2 in BENEFIT_LEVEL2:
            usable = [c for c in by_level2.get(level2, []) if c.value_quality >= 0.5]
            benefit += [self.row_from_cluster(c, brief, description) for c in _top(usable, limit=2)]
        rows += _trim(benefit, MAX_BENEFIT) or [_generic(Level2.SOCIAL, brief)]
        satisfaction = [c for c in by_level2.get(Level2.SATISFACTION, [])
                        if c.value_quality >= 1.0 and "满意" in c.name]
        rows += [self.row_from_cluster(c, brief, description) for c in _top(satisfaction, limit=2)] or [
            _generic(Level2.SATISFACTION, brief)]
        return _dedupe(rows)

    def _cost_rows(self, clusters: list[Cluster], brief: ProjectBrief, description: str | None) -> list[Indicator]:
        total = next((c for c in clusters if _is_total_cost(c)), None)
        # a precedent's name only when it speaks of the same thing (租赁费用 for 房屋租赁费)
        own = total is not None and name_similarity(total.name, brief.name) >= 0.25
        name = total.name if own else cost_name(brief.name)
        fitted = cost_ceiling(brief.budget)
        rows = [_indicator(Level2.COST, name, fitted, Basis.BUDGET, "预算批复",
                           total.precedents() if total else [])]
        for c in clusters:
            if c is not total and _is_unit_cost(c) and len(rows) < 2:
                rows.append(self.row_from_cluster(c, brief, description))
        return rows

    def row_from_cluster(self, c: Cluster, brief: ProjectBrief, description: str | None) -> Indicator:
        values = c.values
        precedents = c.precedents()
        fitted = _fit(c, values, brief, description, _precedent_text(c))
        basis, note = _basis(c)
        return _indicator(c.level2, c.name, fitted, basis, note, precedents)


def _trim(rows: list[Indicator], limit: int) -> list[Indicator]:
    """Keep the first row of each 二级, then fill up to ``limit`` in the original (score) order."""
    firsts, seen = [], set()
    for row in rows:
        if row.level2 not in seen:
            seen.add(row.level2)
            firsts.append(row)
    rest = [r for r in rows if r not in firsts]
    keep = firsts + rest[: max(0, limit - len(firsts))]
    return [r for r in rows if r in keep]


def _top(clusters: list[Cluster], limit: int = MAX_PER_LEVEL2) -> list[Cluster]:
    # weights are relative to the closest project (1.0): an idea only weak projects use gives way
    # to the library's pattern or the generic row
    usable = [c for c in clusters if c.value_quality > 0.1 and c.score >= MIN_SUPPORT]
    if not usable:
        return []
    best = usable[0].score
    return [c for c in usable[:limit] if c.score >= MIN_SHARE * best]


def _fit(c: Cluster, values: list[str], brief: ProjectBrief, description: str | None, ptext: str) -> Fitted:
    parsed = [parse_value(v) for v in values]
    kinds = Counter(p.kind for p in parsed)
    if c.level2 is Level2.COST:
        return unit_cost(values, ptext, c.name)
    if kinds[ValueKind.DATE] and kinds[ValueKind.DATE] >= kinds[ValueKind.QUANTITY]:
        return Fitted(value=fit_date(values, brief.year) or values[0])
    rate = fit_rate(values, c.name)
    if rate:
        return Fitted(value=rate)
    if kinds[ValueKind.QUANTITY]:
        return fit_count(c.name, values, description, ptext)
    qualitative = [p.text for p in parsed if p.kind is ValueKind.QUALITATIVE]
    return Fitted(value=Counter(qualitative).most_common(1)[0][0] if qualitative else values[0])


def _basis(c: Cluster) -> tuple[Basis, str]:
    notes = [m.record.basis_note for m in c.ranked_members if m.record.basis_note]
    cats = [m.record.basis for m in c.ranked_members if m.record.basis]
    if cats:
        cat = Counter(cats).most_common(1)[0][0]
        same = [n for n in notes if classify_basis(n) is cat]
        return cat, (Counter(same).most_common(1)[0][0] if same else cat.value)
    return DEFAULT_BASIS.get(c.level2, (Basis.PLAN, "年度工作计划"))


def _precedent_text(c: Cluster) -> str:
    parts = [f"{p.city}{p.year or ''} {p.value}" for p in c.precedents(3) if p.value]
    return "；".join(parts) or "无"


def _is_total_cost(c: Cluster) -> bool:
    units = {parse_value(m.record.value).unit for m in c.members}
    return bool(units & {"万元", "元"}) and not any(u and "/" in u for u in units)


def _is_unit_cost(c: Cluster) -> bool:
    return any((u := parse_value(m.record.value).unit) and "/" in u for m in c.members)


# --- generic rows for 二级 the precedents do not cover --------------------------------------------

def _generic(level2: Level2, brief: ProjectBrief) -> Indicator:
    short = _short_name(brief.name)
    year = brief.year
    specs: dict[Level2, tuple[str, str]] = {
        Level2.QUANTITY: (f"{short}任务完成数量", "≥1项"),
        Level2.QUALITY: (f"{short}验收合格率", "100%"),
        Level2.TIMELINESS: (f"{short}完成时间", f"{year}年12月31日前" if year else "当年12月31日前"),
        Level2.SOCIAL: ("保障业务正常开展", "≥95%"),
        Level2.SATISFACTION: ("服务对象满意度", "≥90%"),
    }
    name, value = specs[level2]
    fitted = Fitted(value=value)
    if level2 is Level2.QUANTITY:
        fitted = Fitted(value=value, needs_input=True, question=f"本项目要完成多少工作量（如次数、人数、数量）？")
    basis, note = DEFAULT_BASIS[level2]
    row = _indicator(level2, name, fitted, basis, note, [])
    row.inferred.append("generic")
    return row


def cost_name(project: str) -> str:
    """The ceiling row named as forms name it: a name that already says money (抵押手续费, 专项工作经费,
    建设款) stays whole — "抵押手续成本" would not read —, others get 成本; a long one 项目总成本."""
    s = re.sub(r"\s+", "", project or "")
    s = s[:-2] if s.endswith("项目") and len(s) > 3 else s
    if not 2 <= len(s) <= 16:
        return "项目总成本"
    return s if re.search(r"(?:费|费用|经费|款|资金)$", s) else f"{_short_name(s)}成本"


def _short_name(name: str) -> str:
    s = name.strip()
    for suffix in ("项目", "经费", "资金", "费用", "费"):
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
    return s


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


def _indicator(level2: Level2, name: str, fitted: Fitted, basis: Basis, note: str, precedents) -> Indicator:
    from assistant.taxonomy import level1_of

    return Indicator(level1=level1_of(level2), level2=level2, name=name, value=fitted.value, basis=basis,
                     basis_note=note, explanation=EXPLANATION.get(level2, "").format(name=name),
                     needs_input=fitted.needs_input, question=fitted.question, precedents=precedents)


def _dedupe(rows: list[Indicator]) -> list[Indicator]:
    seen, out = set(), []
    for row in rows:
        key = (row.level2, row.name)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _empty_table(brief: ProjectBrief, description: str | None) -> TargetTable:
    funds = Funds(total=brief.budget) if brief.budget is not None else None
    return TargetTable(
        year=brief.year, project_name=brief.name.strip()[:100], department=brief.department,
        implementing_unit=brief.implementing_unit, period=f"{brief.period_years}年",
        period_years=brief.period_years, start_year=brief.year, funds_annual=funds, purpose=description,
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
    first = f"{year}，保障{_short_name(brief.name)}顺利实施" + (f"（{purpose[:80]}）" if purpose else "") + "。"
    outputs = by(Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS)
    goals = [first]
    if outputs:
        goals.append("完成" + "，".join(_phrase(r) for r in outputs) + "。")
    costs = by(Level2.COST, Level2.ECONOMIC_COST)
    if costs and table.budget is not None:  # name the cost row, so the goal is visibly measured by it
        goals.append(f"{costs[0].name}控制在{format_number(round(table.budget, 2))}万元以内。")
    effects = by(*BENEFIT_LEVEL2) + by(Level2.SATISFACTION)
    if effects:
        goals.append("实现" + "，".join(_phrase(r) for r in effects) + "。")
    return goals


def midterm_goals(table: TargetTable, brief: ProjectBrief) -> list[str]:
    start = brief.year
    span = f"{start}年—{start + brief.period_years - 1}年" if start else f"{brief.period_years}年内"
    names = "、".join(r.name for r in table.indicators if r.level1 is not Level1.SATISFACTION)[:200]
    return [f"{span}，持续保障{_short_name(brief.name)}顺利实施，{names}等指标逐年达到目标。"]


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


_DEFAULT: PrecedentDrafter | None = None


def draft_table(brief: ProjectBrief, drafter: Drafter | None = None) -> TargetTable:
    """Draft with the given drafter, or the process-wide default (PrecedentDrafter unless an LLM is configured)."""
    global _DEFAULT
    if drafter is None:
        if _DEFAULT is None:
            from assistant.drafting.llm import make_drafter  # LLM only when configured; imported lazily

            _DEFAULT = make_drafter()
        drafter = _DEFAULT
    return drafter.draft(brief)
