"""“X项目适合哪些指标”: the indicators that precedent projects of that kind use, grouped by 一级/二级.

Real precedents first (how many cities and projects use each), rows of projects unrelated to the
question dropped, then the common-indicator library's rows fitted to the question, labelled as such,
for what the precedents do not cover (档案数字化, 12329, 课题 get their own kind's rows).
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.drafting.finder import ProjectFinder, default_finder
from assistant.drafting.adapt import fit_rate
from assistant.drafting.browse import on_topic
from assistant.drafting.library import apply_library, project_types, types_for
from assistant.drafting.precedents import Cluster, cluster, corpus_project_records, find_candidates, travels
from assistant.schema import Level1, Level2, Precedent, ProjectBrief
from assistant.text import name_similarity
from assistant.taxonomy import level1_of
from assistant.values import parse_value

N_PROJECTS = 6
PER_LEVEL2 = 4
MIN_SHARE = 0.34  # as in drafting: a weaker idea must be worth a third of the best one


class SuggestedIndicator(BaseModel):
    level1: Level1
    level2: Level2
    name: str
    typical_value: str
    sources: int  # how many distinct projects use it (0: a row of the common-indicator library)
    cities: list[str]
    score: float
    precedents: list[Precedent] = Field(default_factory=list)


class SuggestedProject(BaseModel):
    city: str | None
    year: int | None
    project: str
    source: str
    score: float


class Suggestion(BaseModel):
    query: str
    projects: list[SuggestedProject] = Field(default_factory=list)
    indicators: list[SuggestedIndicator] = Field(default_factory=list)

    def lead(self) -> str:
        """The answer's first sentence: which precedent projects the indicators come from."""
        if not self.indicators:
            return f"语料中没有找到与“{self.query}”相近的项目。可以换个说法，或直接告诉我项目名称和预算，我按标准指标体系起草。"
        if not self.projects:
            return f"语料中没有与“{self.query}”相近的项目；以下是共性指标库中这类项目的常用指标。"
        named: dict[str, int] = {}
        for p in self.projects:  # 广州's offices file projects of the same name: list them once
            label = f"{p.city or ''}{p.year or ''} {p.project}"
            named[label] = named.get(label, 0) + 1
        lead = "、".join(label + (f"（{n} 个单位）" if n > 1 else "") for label, n in named.items())
        library = sum(1 for i in self.indicators if i.sources == 0)
        tail = f"；另有 {library} 项来自共性指标库" if library else ""
        return f"与“{self.query}”相近的项目在语料中有 {len(self.projects)} 个（{lead}）{tail}。常用指标："


def _typical(c: Cluster) -> str:
    values = [v for v in c.values if v]
    unit = parse_value(values[0]).unit if values else None
    if c.level2 is Level2.COST and unit == "万元":
        return "≤预算（万元）"  # a total-cost ceiling is the project's own budget, not a precedent's
    return fit_rate(values, c.name) or (values[0] if values else "")


def suggest(text: str, finder: ProjectFinder | None = None) -> Suggestion:
    query = (text or "").strip()[:500]
    finder = finder or default_finder()
    matches, candidates = find_candidates(finder, query, N_PROJECTS)
    related = _related(query)
    clusters = [c for c in cluster(candidates) if travels(c) and related(c)]
    per_level2: dict[Level2, int] = {}
    items = []
    best: dict[Level2, float] = {}
    for c in clusters:
        best.setdefault(c.level2, c.score)  # clusters come best first
        if per_level2.get(c.level2, 0) >= PER_LEVEL2 or c.score < MIN_SHARE * best[c.level2]:
            continue
        per_level2[c.level2] = per_level2.get(c.level2, 0) + 1
        precedents = c.precedents()
        items.append(SuggestedIndicator(
            level1=level1_of(c.level2), level2=c.level2, name=c.name, typical_value=_typical(c),
            sources=len({(m.record.source, m.record.project) for m in c.members}),
            cities=sorted({m.record.city for m in c.members}), score=round(c.score, 4), precedents=precedents))
    items += _library_items(query, items, per_level2)
    order = list(Level2)
    items.sort(key=lambda i: (order.index(i.level2), i.sources == 0, -i.score))
    projects = _projects(matches)
    return Suggestion(query=query, projects=projects, indicators=items)


def _related(query: str):
    """Is a cluster about the question? A member of a project of the question's kind (the library's
    types), or a project or indicator name sharing a meaningful word with it. Any cluster when the
    question's kind is not recognised (nothing to judge by)."""
    kinds = {t.id for t, _ in types_for(query, None)} - {"generic"}
    if not kinds:
        return lambda c: True

    def related(c: Cluster) -> bool:
        return any(project_types(m.record.project) & kinds or on_topic(m.record.project, query)
                   or on_topic(m.record.name, query) for m in c.members)

    return related


def _library_items(query: str, items: list[SuggestedIndicator], per_level2: dict[Level2, int]) -> list[SuggestedIndicator]:
    """The library's rows fitted to the question, where the precedents left room and say nothing alike."""
    out = []
    for row in apply_library([], ProjectBrief(name=query)):
        level2 = row.level2
        if level2 is None or per_level2.get(level2, 0) >= PER_LEVEL2:
            continue
        if any(i.level2 is level2 and name_similarity(i.name, row.name) >= 0.5 for i in items + out):
            continue
        per_level2[level2] = per_level2.get(level2, 0) + 1
        out.append(SuggestedIndicator(level1=level1_of(level2), level2=level2, name=row.name,
                                      typical_value=row.value, sources=0, cities=[], score=0.0,
                                      precedents=row.precedents))
    return out


def _projects(matches) -> list[SuggestedProject]:
    table = corpus_project_records()
    out = []
    for m in matches:
        records = table.get((m.source, m.project)) or []
        city, year = (records[0].city, records[0].year) if records else (None, None)
        out.append(SuggestedProject(city=city, year=year, project=m.project, source=m.source, score=round(m.score, 4)))
    return out
