"""“X项目适合哪些指标”: the indicators that precedent projects of that kind use, grouped by 一级/二级."""
from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.drafting.finder import ProjectFinder, default_finder
from assistant.drafting.precedents import Cluster, cluster, find_candidates, travels
from assistant.schema import Level1, Level2, Precedent
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
    sources: int  # how many distinct projects use it
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

    def render(self) -> str:
        """The chat answer: a short lead, then one line per 一级·二级 with precedents in brackets."""
        if not self.indicators:
            return f"语料中没有找到与“{self.query}”相近的项目。可以换个说法，或直接告诉我项目名称和预算，我按标准指标体系起草。"
        named: dict[str, int] = {}
        for p in self.projects:  # 广州's offices file projects of the same name: list them once
            label = f"{p.city or ''}{p.year or ''} {p.project}"
            named[label] = named.get(label, 0) + 1
        lead = "、".join(label + (f"（{n} 个单位）" if n > 1 else "") for label, n in named.items())
        lines = [f"与“{self.query}”相近的项目在语料中有 {len(self.projects)} 个（{lead}）。", "常用指标："]
        groups: dict[tuple[Level1, Level2], list[SuggestedIndicator]] = {}
        for item in self.indicators:
            groups.setdefault((item.level1, item.level2), []).append(item)
        for (level1, level2), items in groups.items():
            parts = []
            for item in items:
                examples = "；".join(f"{p.city}{p.year or ''} {p.value}" for p in item.precedents[:2] if p.value)
                parts.append(f"{item.name} {item.typical_value}" + (f"（{examples}）" if examples else ""))
            lines.append(f"- {level1.value.removesuffix('指标')}·{level2.value.removesuffix('指标')}：" + "；".join(parts))
        lines.append("要我按您的项目起草一份吗？请告诉我预算和年度。")
        return "\n".join(lines)


def _typical(c: Cluster) -> str:
    from assistant.drafting.adapt import fit_rate

    values = [v for v in c.values if v]
    unit = parse_value(values[0]).unit if values else None
    if c.level2 is Level2.COST and unit == "万元":
        return "≤预算（万元）"  # a total-cost ceiling is the project's own budget, not a precedent's
    return fit_rate(values, c.name) or (values[0] if values else "")


def suggest(text: str, finder: ProjectFinder | None = None) -> Suggestion:
    query = (text or "").strip()[:500]
    finder = finder or default_finder()
    matches, candidates = find_candidates(finder, query, N_PROJECTS)
    clusters = [c for c in cluster(candidates) if travels(c)]
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
    order = list(Level2)
    items.sort(key=lambda i: (order.index(i.level2), -i.score))
    projects = _projects(matches)
    return Suggestion(query=query, projects=projects, indicators=items)


def _projects(matches) -> list[SuggestedProject]:
    from assistant.drafting.precedents import corpus_project_records

    table = corpus_project_records()
    out = []
    for m in matches:
        records = table.get((m.source, m.project)) or []
        city, year = (records[0].city, records[0].year) if records else (None, None)
        out.append(SuggestedProject(city=city, year=year, project=m.project, source=m.source, score=round(m.score, 4)))
    return out
