"""The common-indicator library (corpus/library/) fitted to the user's project and merged with precedents.

The corpus holds a few hundred indicators of housing-fund projects; users also draft fire-equipment
retrofits, subsidies, canteen contracts. The library gives, per common project type, the indicators a
reviewer expects, as templates filled from the brief: "购置七氟丙烷灭火装置10套" →
`七氟丙烷灭火装置购置数量 10套` (library_patterns.py). ``apply_library`` merges them with the rows the
drafter took from precedents: a precedent of the same kind of project saying the same thing wins (and
takes the user's number), precedents of unrelated projects give way, the drafter's generic fallbacks go.
"""
from __future__ import annotations

import re
from functools import lru_cache

from assistant.drafting.brief_facts import BriefFacts, detect_types, read_brief
from assistant.drafting.brief_reader import Action, Reading, action_of, read
from assistant.drafting.library_patterns import ALWAYS, CEILING, COST, FACT, FROM_BRIEF, SECONDARY, Fill, library_rows
from assistant.drafting.library_types import LibraryError, ProjectType, load_library
from assistant.text import bigrams, name_similarity
from assistant.schema import Basis, Indicator, Level2, ProjectBrief
from assistant.values import ValueKind

__all__ = ["LibraryError", "SAME_MEANING", "apply_library", "foreign_count", "load_library", "project_types",
           "said_words", "types_for"]

BENEFIT = (Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE)
# Rows per 二级 after merging, as the drafter caps them (3 per 二级; 4 效益 rows sharing one budget).
CAPS = {Level2.QUANTITY: 3, Level2.QUALITY: 3, Level2.TIMELINESS: 2, Level2.COST: 2, "benefit": 4,
        Level2.SATISFACTION: 2}
SAME_MEANING = 0.5  # character-bigram Dice of two names under one 二级 (as precedents.cluster uses)
VAGUE = 5  # the rank of a relevant precedent whose benefit value is words (明显提升)
PRIMARY_SHARE = 0.7  # types scoring this share of the best are what the project *is*


# --- project types --------------------------------------------------------------------------------

def types_for(name: str, description: str | None, library: dict[str, ProjectType] | None = None,
              facts: BriefFacts | None = None) -> list[tuple[ProjectType, bool]]:
    """(type, is primary), best first: "办公楼消防设施改造" is 工程 first, 购置 second."""
    library = library or load_library()
    triggers = {k: (t.triggers.name, t.triggers.text, t.triggers.exclude) for k, t in library.items()}
    # each quantity's verb is evidence ("购置…10套"); things counted (套, 平方米, 米) count twice,
    # heads not: "配备保洁人员14名" does not make a cleaning contract a purchase
    things = [q for q in facts.quantities if q.unit_class in ("count", "area", "length")] if facts else []
    verbs = [q.verb for q in (facts.quantities if facts else []) + things]
    umbrella = {w for t in library.values() for w in t.triggers.umbrella}
    found = detect_types(name, description, triggers, verbs, umbrella)
    best = found[0][1] if found else 0
    return [(library[k], score >= PRIMARY_SHARE * best) for k, score in found]


# The library type that carries an action's usual indicators, and the types it rules out: a service
# bought is not a purchase of the vehicles that perform it (雾炮车降尘抑尘服务 has no 车辆验收合格率).
_ACTION_TYPES: dict[Action, tuple[str | None, tuple[str, ...]]] = {
    Action.SERVICE: ("outsourcing", ("purchase",)),
    Action.SUBSIDY: ("subsidy", ("purchase", "lease")),  # a rent subsidy is not a lease
    Action.GRANT: (None, ("subsidy",)),  # 食品监管补助资金 pays for supervision: no 补助对象认定准确率
    Action.BUILD: ("construction", ("outsourcing",)),  # works on a canteen building are not a catering contract
    Action.REPAIR: ("maintenance", ()),  # 城区路灯维护经费: upkeep, when no other type says what of
}
# Services with a type of their own (运维, 热线, 物业, 审计 …) keep it; outsourcing is the fallback. Works
# likewise: 智慧公积金建设 is an IT build, but 高标准农田建设项目 with no other type is a works project.
_FALLBACK_ONLY = {Action.SERVICE, Action.BUILD, Action.REPAIR}


def by_action(kinds: list[tuple[ProjectType, bool]], action: Action | None,
              library: dict[str, ProjectType]) -> list[tuple[ProjectType, bool]]:
    """The detected types, corrected by what the brief says the money does."""
    if action not in _ACTION_TYPES:
        return kinds
    own, ruled_out = _ACTION_TYPES[action]
    kept = [(k, main) for k, main in kinds if k.id not in ruled_out]
    if own is None or own not in library or (action in _FALLBACK_ONLY and kept):
        return kept
    return [(library[own], True)] + [(k, main) for k, main in kept if k.id != own]


@lru_cache(maxsize=512)
def project_types(project: str) -> frozenset[str]:
    """The types a corpus project's name shows (name only: that is all a precedent carries), judged
    as a brief's are: 高标准农田建设 is a works project though no type word says so."""
    library = load_library()
    return frozenset(t.id for t, _ in by_action(types_for(project, None, library), action_of(project), library))


# Bigrams every indicator shares whatever it measures: they say nothing about the subject.
_GENERIC_BIGRAMS = {
    "项目", "经费", "资金", "管理", "工作", "业务", "住房", "公积", "积金", "中心", "服务", "单位", "年度", "全年", "情况",
    "完成", "成率", "合格", "格率", "及时", "时率", "时性", "数量", "人数", "次数", "满意", "意度", "时间", "成本", "费用",
    "总额", "达标", "标率", "保障", "指标", "提高", "提升", "有效", "开展", "实现", "确保", "正常", "持续", "影响",
    "运行", "安全",
}
# Whose satisfaction any project may ask about; a more particular audience must fit the subject.
_ANY_AUDIENCE = re.compile(r"^(?:服务对象|社会公众|群众|办事群众|职工|员工|干部职工|单位职工|在职职工|使用人员|部门)满意度$")


# Satisfaction of the unit's own people, as against the public it serves (缴存职工 are the public).
_STAFF = re.compile(r"^(?:单位|本单位|中心)?(?:干部职工|员工|工作人员|在职职工|单位职工|使用人员|职工|干部)(?:对.*)?满意度$")


def _staff_side(name: str) -> bool:
    return bool(_STAFF.match(name))


def _subject_words(text: str) -> set[str]:
    """The words of a text that can tell a subject: its bigrams (and ASCII runs such as 12329) less
    template slots ({服务}) and the bigrams every indicator shares."""
    words = bigrams(re.sub(r"\{[^}]*\}", " ", text or ""))
    return {w for w in words if len(w) > 1} - _GENERIC_BIGRAMS


def said_words(brief: ProjectBrief) -> set[str]:
    """The subject words of what the preparer wrote: the name, the purpose and the units."""
    return _subject_words(" ".join(filter(None, (brief.name, brief.description, brief.department,
                                                 brief.implementing_unit))))


def foreign_count(row: Indicator, said: set[str]) -> bool:
    """Another project's count to confirm whose thing the brief (``said``: said_words) never mentions
    (安装坡面水标尺 ≥266米 in a manure-recycling draft): the precedent's deliverable, not this project's."""
    return (row.level2 is Level2.QUANTITY and row.needs_input and not _is_library(row)
            and "generic" not in row.inferred and not (_subject_words(row.name) & said))


class Relevance:
    """How much a precedent row speaks to this brief: 2 = a project of the brief's main type and a
    name on the subject, 1 = of a secondary type (or off the subject), 0 = an unrelated project.
    With no type recognised every row counts.

    Projects are typed by name only, and housing-fund "运转维护经费" are grab-bags: a row of such a
    project is on the subject only if its name shares a word with the brief, the type's trigger words
    or its patterns (公务用车 → 车辆完好率 yes, 住房公积金增值收益同比增长 no)."""

    def __init__(self, kinds: list[tuple[ProjectType, bool]], brief: ProjectBrief):
        self.primary = {k.id for k, main in kinds if main}
        self.secondary = {k.id for k, main in kinds if not main}
        self.typed = bool(kinds)
        words = [brief.name, brief.description or ""]
        for kind, _ in kinds:
            words += kind.triggers.name + kind.triggers.text + [p.name for p in kind.patterns]
        self.subject = _subject_words(" ".join(words))
        self.said = said_words(brief)

    def __call__(self, row: Indicator) -> int:
        if not self.typed:
            return 2
        projects = [project_types(p.project) for p in row.precedents if p.kind == "corpus" and p.project]
        if any(t & self.primary for t in projects):
            return 2 if self.on_subject(row) else 1
        return 1 if any(t & self.secondary for t in projects) else 0

    def foreign_count(self, row: Indicator) -> bool:
        return foreign_count(row, self.said)

    def on_subject(self, row: Indicator) -> bool:
        if row.level2 is Level2.SATISFACTION:
            # whose satisfaction: anyone's, someone the brief names, or the audience of a project like it
            # (a centre's 缴存单位及职工满意度 is not a school's: its 运转经费 shares only the word 经费)
            projects = " ".join(p.project or "" for p in row.precedents if p.kind == "corpus")
            return bool(_ANY_AUDIENCE.match(row.name) or _subject_words(row.name.removesuffix("满意度")) & self.said
                        or len(_subject_words(projects) & self.said) >= 2)
        return bool(_subject_words(row.name) & self.subject)


# --- merging with the precedent rows ------------------------------------------------------------------

def apply_library(rows: list[Indicator], brief: ProjectBrief, reading: Reading | None = None) -> list[Indicator]:
    """Merge library rows fitted to the brief with the rows the drafter took from precedents.

    ``rows`` are not changed (copies are merged); each row's own precedents name their projects,
    which is what relevance is judged on.
    """
    library = load_library()
    facts = read_brief(brief.name, brief.description)
    reading = reading or read(brief.name, brief.description)
    kinds = by_action(types_for(brief.name, brief.description, library, facts), reading.action, library)
    fill = Fill(brief=brief, facts=facts, used=set(), subject=reading.object)
    # generic.yaml last: with a type recognised it only names the quantities no type claimed
    lib = library_rows([k for k, _ in kinds] + [library["generic"]], fill, {k.id for k, main in kinds if not main})
    if kinds:
        generic = f"corpus/library/{library['generic'].file}"
        lib = [r for r in lib if _source(r) != generic or (FROM_BRIEF in r.inferred and r.level2 is Level2.QUANTITY)
               or ALWAYS in r.inferred]
    merged = _merge(rows, lib, Relevance(kinds, brief))
    for row in merged:  # working marks go; a row of the user's own numbers stays marked as such (FACT)
        row.inferred = list(dict.fromkeys(FACT if m == FROM_BRIEF else m for m in row.inferred
                                          if m not in (CEILING, SECONDARY, ALWAYS)))
    return merged


def _source(row: Indicator) -> str | None:
    return row.precedents[0].source if row.precedents else None


def _is_library(row: Indicator) -> bool:
    return bool(row.precedents) and row.precedents[0].kind == "library"


def _group(level2: Level2 | None) -> Level2 | str | None:
    if level2 in BENEFIT:
        return "benefit"
    return Level2.COST if level2 in COST else level2


def _merge(rows: list[Indicator], lib: list[Indicator], relevance: Relevance) -> list[Indicator]:
    rows = [r.model_copy(deep=True) for r in rows]
    if not relevance.typed:
        return _merge_untyped(rows, lib, relevance)
    _fit_ceiling(rows, lib, relevance)
    lib = [r for r in lib if CEILING not in r.inferred]
    main = [r for r in rows if "generic" not in r.inferred and relevance(r) == 2]
    lib = [r for r in lib if not _absorbed(r, main)]
    out: list[Indicator] = []
    for group in dict.fromkeys(_group(r.level2) for r in rows + lib):
        members = [r for r in rows + lib if _group(r.level2) == group]
        if group is None:
            out += members
            continue
        ranked = sorted(members, key=lambda r: _rank(r, relevance))
        out += _take(ranked, CAPS.get(group, 3), relevance, diverse=group == "benefit")
    return out


def _merge_untyped(rows: list[Indicator], lib: list[Indicator], relevance: Relevance) -> list[Indicator]:
    """No type recognised: the drafter's rows that speak of the brief's subject stay (a housing-fund
    centre's 提取业务办结效率 says nothing about a 文明城市创建 budget); the quantities the user wrote come
    first under 数量指标, and library rows replace the drafter's generic fillers."""
    own = [r for r in lib if FROM_BRIEF in r.inferred and r.level2 is Level2.QUANTITY]
    out: list[Indicator] = []
    for group in dict.fromkeys(_group(r.level2) for r in rows):
        drafted = [r for r in rows if _group(r.level2) == group]
        real = [r for r in drafted if "generic" not in r.inferred and not relevance.foreign_count(r)
                and (group in (None, Level2.COST) or relevance.on_subject(r))]
        if group is Level2.QUANTITY and own:
            kept = [r for r in real if not any(_duplicate(r, o) for o in own)]
            out += own[: CAPS[group]] + kept[: max(0, CAPS[group] - len(own))]
        elif real or group is None:
            out += real if group is not None else drafted
        else:
            fillers = [r for r in lib if _group(r.level2) == group and FROM_BRIEF not in r.inferred]
            out += fillers[:1] or [r for r in drafted if "generic" in r.inferred] or drafted[:1]
    for row in (r for r in lib if ALWAYS in r.inferred and r not in out):  # 项目完成及时率, as typed drafts have
        same = [r for r in out if _group(r.level2) == _group(row.level2)]
        if same and len(same) < CAPS.get(_group(row.level2), 3) and not any(_duplicate(row, r) for r in same):
            out.insert(out.index(same[-1]) + 1, row)
    return out


def _fit_ceiling(rows: list[Indicator], lib: list[Indicator], relevance: Relevance) -> None:
    """The budget ceiling keeps its value; a name from another kind of project gives way to the library's."""
    ceiling = next((r for r in rows if r.level2 in COST and r.basis is Basis.BUDGET), None)
    named = next((r for r in lib if CEILING in r.inferred), None)
    if ceiling is not None:
        ceiling.inferred.append(CEILING)
    if ceiling is None or named is None or relevance(ceiling) == 2 or len(relevance.primary) > 1:
        return  # a project of two kinds (宣传 + 培训) keeps its own name: its budget pays for both
    ceiling.name, ceiling.explanation, ceiling.precedents = named.name, named.explanation, named.precedents


def _absorbed(lib_row: Indicator, main: list[Indicator]) -> bool:
    """A precedent of the same kind of project saying the same thing wins, taking the user's number."""
    for row in main:
        if _group(row.level2) != _group(lib_row.level2) or name_similarity(row.name, lib_row.name) < SAME_MEANING \
                or _total_and_unit(row, lib_row):
            continue
        if row.level2 is Level2.SATISFACTION and _staff_side(row.name) != _staff_side(lib_row.name):
            continue  # 员工满意度 does not stand for 群众满意度
        if FROM_BRIEF in lib_row.inferred and (row.needs_input or row.parsed.kind is not ValueKind.QUANTITY):
            row.value, row.needs_input, row.question = lib_row.value, lib_row.needs_input, lib_row.question
        row.precedents.append(lib_row.precedents[0])
        return True
    return False


def _rank(row: Indicator, relevance: Relevance) -> int:
    """The user's own numbers, precedents of the same kind of project, library rows, the rest."""
    if CEILING in row.inferred:
        return -1  # the budget ceiling is never dropped
    if _is_library(row):
        if FROM_BRIEF in row.inferred and (row.level2 is Level2.QUANTITY or SECONDARY not in row.inferred):
            return 0  # the user's own numbers ("约10套" too: the question only asks to confirm)
        return (3 if not row.needs_input else 4) + (2 if SECONDARY in row.inferred else 0)
    if "generic" in row.inferred or relevance.foreign_count(row):
        return 9  # taken only where nothing else covers the 二级
    level = relevance(row)
    if level == 2:
        # a vague benefit value (明显提升) draws reviewers' objections: quantified library rows first
        return VAGUE if row.level2 in BENEFIT and row.parsed.kind is ValueKind.QUALITATIVE else 1
    return 7 if level == 1 else 8


def _take(ranked: list[Indicator], cap: int, relevance: Relevance, diverse: bool = False) -> list[Indicator]:
    """Up to ``cap`` rows in rank order, without duplicates; with ``diverse`` (效益) one row per 二级
    first, so 经济/社会/生态/可持续 each keep their best row before any gets a second."""
    chosen: list[Indicator] = []
    passes = [True, False] if diverse else [False]
    for first_of_each in passes:
        for row in ranked:
            if len(chosen) >= cap:
                return chosen
            if row in chosen or any(_duplicate(row, c) for c in chosen):
                continue
            covered = any(c.level2 is row.level2 for c in chosen)
            if first_of_each and covered:
                continue
            if _acceptable(row, chosen, covered, relevance):
                chosen.append(row)
    return chosen


def _acceptable(row: Indicator, chosen: list[Indicator], covered: bool, relevance: Relevance) -> bool:
    if not chosen:
        return True
    if not _is_library(row) and ("generic" in row.inferred or relevance(row) < 2 or relevance.foreign_count(row)):
        return False  # fallbacks and precedents of other kinds only when nothing better covers the 二级
    if covered and _rank(row, relevance) == VAGUE:
        return False  # a 明显提升 only for a 二级 nothing measurable covers
    if _is_library(row) and row.needs_input and FROM_BRIEF not in row.inferred:
        return False  # a typical value to confirm only where the 二级 would otherwise be empty
    return True


def _total_and_unit(a: Indicator, b: Indicator) -> bool:
    """One cost row a total, the other a cost per unit: never the same row, however alike the names."""
    return _group(a.level2) is Level2.COST and ("/" in (a.parsed.unit or "")) != ("/" in (b.parsed.unit or ""))


def _duplicate(a: Indicator, b: Indicator) -> bool:
    """Same meaning under one 二级. Two library rows are judged by their pattern, not their words:
    "救生衣采购数量" and "编织袋采购数量" share a template but count different things."""
    if a.name == b.name:
        return True
    if _total_and_unit(a, b):
        return False  # a total (农田建设成本 ≤300万元) and a unit cost (亩均建设成本 ≤1600元/亩) are two rows
    if a.level2 is Level2.SATISFACTION and b.level2 is Level2.SATISFACTION:
        # one row for the staff who use what was bought (物业, 租赁, 购置) and one for the public
        # served; two rows for the same side are one: whose satisfaction is the user's to refine
        return _staff_side(a.name) == _staff_side(b.name)
    if _is_library(a) and _is_library(b):
        same_pattern = (a.precedents[0].source, a.precedents[0].line) == (b.precedents[0].source, b.precedents[0].line)
        same_template = a.precedents[0].name == b.precedents[0].name
        if (same_pattern or same_template) and not (FROM_BRIEF in a.inferred and FROM_BRIEF in b.inferred
                                                    and a.level2 is Level2.QUANTITY):
            return True
        # 工程完工时间 / 设施采购完成时间 on the same date; two unit costs of the same amount
        return a.value == b.value and (a.parsed.kind is ValueKind.DATE or "/" in (a.parsed.unit or ""))
    return name_similarity(a.name, b.name) >= SAME_MEANING
