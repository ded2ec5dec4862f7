"""The precedent drafter: a TargetTable from a ProjectBrief, with no LLM.

Find similar past projects, merge their indicators into clusters per 二级, pick 1–3 per 二级 across
the standard tree, fit the values to the brief, cite the precedents, merge in the common-indicator
library, and write goal sentences that the indicators measure. Deterministic: the same brief and
corpus give the same table. What it shares with the LLM drafter is in frame.py.
"""
from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Sequence

from assistant.config import get_settings
from assistant.drafting.adapt import DEFAULT_BASIS, Fitted, cost_ceiling, fit_count, fit_date, fit_rate, unit_cost
from assistant.drafting.finder import ProjectFinder, default_finder
from assistant.drafting.frame import (
    NEEDS_INPUT_NOTICE,
    prepared_brief,
    annual_goals,
    cost_name,
    empty_table,
    fill_midterm,
    generic_row,
    make_indicator,
    midterm_goals,
)
from assistant.drafting.brief_facts import unit_class
from assistant.drafting.brief_reader import read
from assistant.drafting.library import apply_library, foreign_count, load_library, said_words
from assistant.drafting.library_patterns import CEILING, FACT, FROM_BRIEF, library_origins, standard_citation
from assistant.drafting.outcomes import outcome_rows, task_rows
from assistant.drafting.prevalence import prevalence
from assistant.drafting.precedents import (
    BENEFIT_LEVEL2,
    Cluster,
    ProjectMatch,
    cluster,
    corpus_generation,
    find_candidates,
)
from assistant.review.check import is_input_measure
from assistant.review.rules_grammar import TEMPLATE_MARK, is_well_formed
from assistant.schema import Basis, Indicator, Level2, ProjectBrief, TargetTable
from assistant.taxonomy import COST_LEVEL2, Variant, classify_basis, place_all
from assistant.text import name_similarity
from assistant.values import ValueKind, parse_value

MAX_PER_LEVEL2 = 3
AUDIENCE = "audience"  # a 满意度 row added for a second group the project serves (with_audiences)
MAX_ROWS = 12  # a draft longer than this is trimmed (capped): reviewers keep 6–12 rows
MAX_BENEFIT = 4  # 效益 rows in all: one per 二级 first, then the seconds
MIN_SUPPORT = 0.45  # cluster score needed at all (see _top)
MIN_SHARE = 0.34  # a second/third indicator under a 二级 must score ≥ this share of the best one
N_PROJECTS = 6
CACHED_BRIEFS = 32


class PrecedentDrafter:
    def __init__(self, finder: ProjectFinder | None = None, *, variant: Variant | None = None,
                 same_name: Callable[[str, str], bool] | None = None, use_library: bool = True):
        self.finder = finder or default_finder()
        self.use_library = use_library
        if variant is None:
            variant = Variant.MOF_2021 if get_settings().cost_as_level1 else Variant.PROVINCIAL
        self.variant = variant
        self.same_name = same_name
        self._clusters: OrderedDict[tuple[str, int], tuple[list, list[Cluster]]] = OrderedDict()

    def draft(self, brief: ProjectBrief) -> TargetTable:
        brief = prepared_brief(brief)
        matches, clusters = self.clusters(brief)
        table = empty_table(brief)
        reading = read(brief.name, brief.description)
        rows = self._pick(clusters, brief)
        if self.use_library:
            # the common-indicator library fits names and values to the user's own objects and
            # covers project types the corpus has never seen (corpus/library/)
            rows = apply_library(rows, brief, reading)
            said = said_words(brief)
            rows = [_own_count(r, rows, brief) if foreign_count(r, said) else r for r in rows]
        rows = with_outcomes([row for row in rows if row is not None], outcome_rows(reading.outcomes, brief.name))
        rows = with_tasks(rows, task_rows(reading.outputs, brief.name))
        rows = with_audiences(without_guessed_people(rows), reading.beneficiaries)
        table.indicators = capped(well_formed(rows, brief), excluded=getattr(self.finder, "excluded", ()))
        if self.use_library:
            cited(table.indicators)
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

    def clusters(self, brief: ProjectBrief) -> tuple[list[ProjectMatch], list[Cluster]]:
        """The similar projects found for a prepared brief, and their indicators merged into clusters.

        Kept for the last few briefs (until the corpus changes): the chat asks again for each row it
        adds, and a redraft of the same brief finds the same precedents."""
        key = (f"{brief.name} {brief.description or ''}".strip(), corpus_generation())
        if key not in self._clusters:
            matches, candidates = find_candidates(self.finder, key[0], N_PROJECTS)
            self._clusters[key] = (matches, cluster(candidates, same=self.same_name))
            while len(self._clusters) > CACHED_BRIEFS:
                self._clusters.popitem(last=False)
        self._clusters.move_to_end(key)
        return self._clusters[key]

    # --- choosing indicators ---------------------------------------------------------------

    def _pick(self, clusters: Sequence[Cluster], brief: ProjectBrief) -> list[Indicator]:
        by_level2: dict[Level2, list[Cluster]] = {}
        for c in clusters:
            by_level2.setdefault(c.level2, []).append(c)
        rows: list[Indicator] = []
        for level2 in (Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS):
            # outputs must be countable, and money put in (资金到位率, 支出相关性, a 数量 row of 800万元)
            # is not an output
            usable = [c for c in by_level2.get(level2, []) if c.value_quality >= 1.0 and not is_input_measure(c.name)
                      and not (level2 is Level2.QUANTITY and _is_total_cost(c))]
            chosen = _top(usable)
            rows += [self.row_from_cluster(c, brief) for c in chosen] or [generic_row(level2, brief)]
        rows += self._cost_rows(by_level2.get(Level2.COST, []), brief)
        benefit = []
        for level2 in BENEFIT_LEVEL2:
            usable = [c for c in by_level2.get(level2, []) if c.value_quality >= 0.5]
            benefit += [self.row_from_cluster(c, brief) for c in _top(usable, limit=2)]
        rows += _trim(benefit, MAX_BENEFIT) or [generic_row(Level2.SOCIAL, brief)]
        satisfaction = [c for c in by_level2.get(Level2.SATISFACTION, [])
                        if c.value_quality >= 1.0 and "满意" in c.name]
        rows += [self.row_from_cluster(c, brief) for c in _top(satisfaction, limit=2)] or [
            generic_row(Level2.SATISFACTION, brief)]
        return _dedupe(rows)

    def _cost_rows(self, clusters: list[Cluster], brief: ProjectBrief) -> list[Indicator]:
        total = next((c for c in clusters if _is_total_cost(c)), None)
        # a precedent's name only when it speaks of the same thing (租赁费用 for 房屋租赁费)
        own = total is not None and name_similarity(total.name, brief.name) >= 0.25
        name = total.name if own else cost_name(brief.name)
        fitted = cost_ceiling(brief.budget)
        rows = [make_indicator(Level2.COST, name, fitted, Basis.BUDGET, "预算批复",
                               total.precedents() if total else [])]
        said = f"{brief.name} {brief.description or ''}"
        for c in clusters:
            # a cost per 亩 or per 人次 only when the brief speaks of 亩 or 人次 at all
            if c is not total and _is_unit_cost(c) and len(rows) < 2 and _per_unit_said(c, said):
                row = self.row_from_cluster(c, brief)
                if row.parsed.number:  # "≤0万元/人" (a form's empty cell read as 0) is no standard
                    rows.append(row)
        return rows

    def row_from_cluster(self, c: Cluster, brief: ProjectBrief) -> Indicator:
        """One row from a cluster of precedents, its value fitted to the brief (see prepared_brief)."""
        values = c.values
        precedents = c.precedents()
        fitted = _fit(c, values, brief, _precedent_text(c))
        basis, note = _basis(c)
        return make_indicator(c.level2, c.name, fitted, basis, note, precedents)


def with_outcomes(rows: list[Indicator], outcomes: list[Indicator]) -> list[Indicator]:
    """The brief's own outcome rows first among the 效益 rows, replacing the rows they say again and
    then the last-ranked ones, so the 效益 rows stay within MAX_BENEFIT."""
    if not outcomes:
        return rows
    benefit = [r for r in rows if r.level2 in BENEFIT_LEVEL2]
    others = [r for r in benefit if not any(name_similarity(r.name, o.name) >= 0.5 for o in outcomes)]
    keep = others[: max(0, MAX_BENEFIT - len(outcomes))]
    out, placed = [], False
    for row in rows:
        if row.level2 in BENEFIT_LEVEL2:
            if not placed:
                out += outcomes
                placed = True
            if row in keep:
                out.append(row)
        else:
            out.append(row)
    if not placed:  # no 效益 row before: before 满意度, where the tree puts them
        at = next((i for i, r in enumerate(out) if r.level2 is Level2.SATISFACTION), len(out))
        out[at:at] = outcomes
    return out


def with_tasks(rows: list[Indicator], tasks: list[Indicator]) -> list[Indicator]:
    """The goals' task rows after the other 质量 rows, unless a row already says the same."""
    tasks = [t for t in tasks if not any(name_similarity(t.name, r.name) >= 0.5 for r in rows)]
    if not tasks:
        return rows
    at = max((i + 1 for i, r in enumerate(rows) if r.level2 is Level2.QUALITY), default=0)
    # still at most MAX_PER_LEVEL2 质量 rows: the goal's own tasks displace the most expendable others
    return _shed(rows[:at] + tasks + rows[at:],
                 too_many=lambda rs: sum(r.level2 is Level2.QUALITY for r in rs) > MAX_PER_LEVEL2,
                 may_go=lambda r, rs: r.level2 is Level2.QUALITY)


def cited(rows: list[Indicator]) -> None:
    """Every row cites a precedent or a library pattern: a plain row (a budget ceiling no precedent names,
    a count to fill in) cites the generic library's pattern of its 二级."""
    generic = load_library()["generic"]
    for row in rows:
        if not row.precedents and (cite := standard_citation(generic, row.level2)) is not None:
            row.precedents.append(cite)


def _own_count(row: Indicator, rows: list[Indicator], brief: ProjectBrief) -> Indicator:
    """The plain count row to fill in, for another project's deliverable the brief never mentions."""
    return generic_row(Level2.QUANTITY, brief, [r.name for r in rows]) or row


def without_guessed_people(rows: list[Indicator]) -> list[Indicator]:
    """No precedent's head count beside the one the brief gives (补助高龄老人人数 19名): neither one to
    confirm (补助人数 250人, 待填) nor one that took the user's number again (慰问困难职工50人 → 农村低保发放人数
    ≥50人): the user's number already says how many people or households the money reaches."""
    facts = [r for r in rows if r.level2 is Level2.QUANTITY and FACT in r.inferred]
    given = {unit_class(r.value) for r in facts} & {"people", "households"}
    said = {(r.parsed.number, r.parsed.unit) for r in facts}
    return [r for r in rows if not (r.level2 is Level2.QUANTITY and FACT not in r.inferred and (
        (r.needs_input and unit_class(r.value) in given) or (r.parsed.number, r.parsed.unit) in said))]


def with_audiences(rows: list[Indicator], audiences: list[str], limit: int = 2) -> list[Indicator]:
    """A 满意度 row for each group the project serves that no row names yet (学生 and 教师 for a school
    repair), up to ``limit`` 满意度 rows: the value, basis and precedents of the first 满意度 row."""
    satisfied = [r for r in rows if r.level2 is Level2.SATISFACTION]
    if not satisfied:
        return rows
    first = satisfied[0]
    added = []
    for group in audiences:
        if len(satisfied) + len(added) >= limit:
            break
        if not any(group in r.name for r in satisfied + added):
            row = first.model_copy(deep=True)
            row.name, row.needs_input, row.question = f"{group}满意度", False, None
            row.inferred = [*row.inferred, AUDIENCE]
            row.value = first.value if first.parsed.kind is ValueKind.QUANTITY else "≥90%"
            added.append(row)
    at = rows.index(satisfied[-1]) + 1
    return rows[:at] + added + rows[at:]


def capped(rows: list[Indicator], limit: int = MAX_ROWS, excluded: Collection[str] = ()) -> list[Indicator]:
    """At most ``limit`` rows: a real form has 6–12. What goes first is a row whose 二级 keeps another:
    a second 满意度 row, then the row the fewest places write (prevalence: 项目完成及时率 is in the forms of
    a dozen places, a precedent's 雾炮车风炮射程 in one), then the generic library's before a type's before a
    real precedent's, the last before the first; rows the brief itself gave (its goals, its numbers) stay.
    ``excluded``: sources the finder leaves out, left out of the count too."""
    places = {id(r): prevalence(r.name, r.level2, excluded) for r in rows} if len(rows) > limit else {}
    return _shed(list(rows), too_many=lambda rs: len(rs) > limit,
                 may_go=lambda r, rs: sum(x.level2 is r.level2 for x in rs) > 1,
                 rank=lambda r: (AUDIENCE in r.inferred, -places.get(id(r), 0), _expendable(r)))


def _expendable(row: Indicator) -> int:
    origins = library_origins(row)
    return 3 if "generic" in origins else 2 if origins else 1


def _shed(rows: list[Indicator], too_many: Callable[[list[Indicator]], bool],
          may_go: Callable[[Indicator, list[Indicator]], bool],
          rank: Callable[[Indicator], object] = _expendable) -> list[Indicator]:
    """Drop rows while ``too_many``: each time the row that ``may_go`` ranking highest (by default the
    most expendable: the generic library's first, then a type's, then a precedent's), the last before
    the first; never one the brief itself gave."""
    while too_many(rows):
        spare = [(i, r) for i, r in enumerate(rows) if may_go(r, rows) and not _from_brief(r)]
        if not spare:
            break
        rows.pop(max(spare, key=lambda ir: (rank(ir[1]), ir[0]))[0])
    return rows


def _from_brief(row: Indicator) -> bool:
    """A row the brief itself gave: its goals, its numbers, and the budget ceiling (≤ the budget 万元)."""
    ceiling = row.level2 in COST_LEVEL2 and row.basis is Basis.BUDGET and (not row.value or row.parsed.unit == "万元")
    return ceiling or bool(set(row.inferred) & {"outcome", "task", FACT, FROM_BRIEF, CEILING})


def well_formed(rows: list[Indicator], brief: ProjectBrief) -> list[Indicator]:
    """Rows whose names read as object + measure (rules_grammar); a 二级 left empty gets its generic row."""
    for row in rows:
        if not is_well_formed(row.name) and is_well_formed(fixed := _repaired(row.name)):
            row.name = fixed  # a precedent's "2023年度培训人次" is 培训人次 in this year's table
    kept = [r for r in rows if is_well_formed(r.name)]
    for row in rows:
        if row not in kept and not any(k.level2 is row.level2 for k in kept):
            filler = generic_row(row.level2, brief, [k.name for k in kept])
            if filler is not None and is_well_formed(filler.name):
                kept.insert(rows.index(row), filler)
    return kept


def _repaired(name: str) -> str:
    """A precedent's name without what does not belong in a name: a year, a bracketed note, a value,
    a template's stars and list numbers ("★★★扶贫临时救助人数(≥**人)" → 扶贫临时救助人数)."""
    s = re.sub(r"\d+(?:\.\d+)?\s*[%‰]$", "", TEMPLATE_MARK.sub("", name or ""))
    s = re.sub(r"[（(][^）)]*[）)]|(?<!\d)(?:19|20)\d{2}(?:年度?)?(?!\d)", "", s)
    return re.split(r"[≥≤＞＜<>=＝]|不低于|不少于|不超过", s)[0].strip(" ：:，,")


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


def _fit(c: Cluster, values: list[str], brief: ProjectBrief, ptext: str) -> Fitted:
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
        return fit_count(c.name, values, brief.description, ptext)
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


def _per_unit_said(c: Cluster, text: str) -> bool:
    units = {u.split("/", 1)[1] for m in c.members if (u := parse_value(m.record.value).unit) and "/" in u}
    return any(u and u in text for u in units)


def _is_unit_cost(c: Cluster) -> bool:
    return any((u := parse_value(m.record.value).unit) and "/" in u for m in c.members)


def _dedupe(rows: list[Indicator]) -> list[Indicator]:
    seen, out = set(), []
    for row in rows:
        key = (row.level2, row.name)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
