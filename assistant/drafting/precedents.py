"""From similar past projects to ranked, merged indicator candidates (shared by suggest and draft).

A *cluster* is one indicator idea under one 二级, merged across wording variants
(租赁费用 / 年租赁费用 / 房屋租赁费用), scored by how many similar projects use it and how close
those projects are to the user's.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.corpus.store import load_documents, project_records
from assistant.review.check import is_input_measure
from assistant.text import clean_name, name_similarity, normalize_name
from assistant.schema import IndicatorRecord, Level1, Level2, Precedent, SourceDocument
from assistant.taxonomy import COST_LEVEL2, infer_level2, level1_of
from assistant.values import ValueKind, parse_value

# 二级 that mean "cost" in either variant are merged when clustering.
BENEFIT_LEVEL2 = (Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE)


@dataclass(frozen=True)
class ProjectMatch:
    """A past project judged similar to the brief, with its similarity (higher is closer)."""

    source: str
    project: str
    score: float


@dataclass(frozen=True)
class IndicatorMatch:
    """A past indicator found directly for the brief's words (IndicatorRecord.key), with its weight."""

    key: str
    source: str
    project: str
    score: float


@dataclass
class Candidate:
    record: IndicatorRecord
    project_score: float


@dataclass
class Cluster:
    level2: Level2
    members: list[Candidate] = field(default_factory=list)

    @property
    def level1(self) -> Level1:
        return level1_of(self.level2)

    @property
    def score(self) -> float:
        """Sum over distinct projects of their similarity, damped for values reviewers dislike."""
        best: dict[tuple[str, str], float] = {}
        for m in self.members:
            key = (m.record.source, m.record.project)
            best[key] = max(best.get(key, 0.0), m.project_score)
        cities = {m.record.city for m in self.members}
        return sum(best.values()) * (1 + 0.15 * (len(cities) - 1)) * self.value_quality

    @property
    def value_quality(self) -> float:
        """1 for a countable value with its unit; less for a bare number, prose, or nothing."""
        parsed = [parse_value(m.record.value) for m in self.members]
        if any(p.kind is ValueKind.DATE or (p.kind is ValueKind.QUANTITY and p.unit) for p in parsed):
            return 1.0
        if any(p.kind is ValueKind.QUANTITY for p in parsed):
            return 0.6  # "1", "365": a number without its unit says little
        if any(p.kind is ValueKind.QUALITATIVE for p in parsed):
            return 0.55
        return 0.1

    @property
    def ranked_members(self) -> list[Candidate]:
        return sorted(self.members, key=lambda m: (-m.project_score, m.record.key))

    @property
    def representative(self) -> Candidate:
        """The closest project's member with a countable value (a wording with "年度计划数" loses)."""
        ranked = self.ranked_members
        return next((m for m in ranked if _countable(m.record.value)), ranked[0])

    @property
    def consistent_members(self) -> list[Candidate]:
        """Members whose value is of the representative's kind and unit: name and value agree."""
        shape = _value_shape(self.representative.record.value)
        return [m for m in self.ranked_members if _value_shape(m.record.value) == shape]

    @property
    def values(self) -> list[str]:
        return [m.record.value for m in self.consistent_members]

    @property
    def name(self) -> str:
        """The wording most of the consistent members use; ties → the closest project's wording."""
        members = self.consistent_members
        counts = Counter(normalize_name(m.record.name) for m in members)
        best_norm, n = counts.most_common(1)[0]
        top = members[0].record.name
        if n > 1 and normalize_name(top) != best_norm:
            top = next(m.record.name for m in members if normalize_name(m.record.name) == best_norm)
        return clean_name(top)

    def precedents(self, limit: int = 5) -> list[Precedent]:
        seen, out = set(), []
        for m in self.ranked_members:
            r = m.record
            key = (r.source, r.project, r.name)
            if key in seen:
                continue
            seen.add(key)
            out.append(Precedent(city=r.city, year=r.year, project=r.project, name=r.name, value=r.value,
                                 basis=r.basis_note or (r.basis.value if r.basis else None), source=r.source,
                                 line=r.line, score=round(m.project_score, 4)))
            if len(out) >= limit:
                break
        return out


def _countable(value: str) -> bool:
    p = parse_value(value)
    return p.kind is ValueKind.DATE or (p.kind is ValueKind.QUANTITY and bool(p.unit))


def _value_shape(value: str) -> tuple:
    p = parse_value(value)
    return (p.kind, p.unit) if p.kind is ValueKind.QUANTITY else (p.kind,)


def effective_level2(record: IndicatorRecord) -> Level2 | None:
    level2 = record.level2 or infer_level2(record.name, record.value, record.level1)
    if level2 in COST_LEVEL2 or record.level1 is Level1.COST:
        return Level2.COST
    return level2


@lru_cache(maxsize=4)
def _corpus_projects() -> dict[tuple[str, str], list[IndicatorRecord]]:
    table: dict[tuple[str, str], list[IndicatorRecord]] = {}
    for doc in load_documents():
        _add_document(table, doc)
    return table


def _add_document(table: dict, doc: SourceDocument) -> None:
    for project in doc.projects:
        records = list(project_records(doc, project))
        table.setdefault((doc.provenance.source, project.table.project_name), []).extend(records)


def corpus_project_records() -> dict[tuple[str, str], list[IndicatorRecord]]:
    """(source, project) → its indicator records; read once per process (refresh_corpus_cache)."""
    return _corpus_projects()


_generation = 0  # bumped whenever the corpus changes, so caches built over it know they are stale


def refresh_corpus_cache() -> None:
    global _generation
    _corpus_projects.cache_clear()
    _generation += 1


def corpus_generation() -> int:
    return _generation


def gather(matches: Iterable[ProjectMatch], direct: Iterable[IndicatorMatch] = ()) -> list[Candidate]:
    """The indicators of the matched projects, each carrying its project's weight, plus the
    indicators found directly (12329短信发送量 inside a general 运转维护经费 project)."""
    table = _corpus_projects()
    out = []
    for match in matches:
        for record in table.get((match.source, match.project), []):
            if is_indicator_name(record.name):
                out.append(Candidate(record=record, project_score=match.score))
    for match in direct:
        for record in table.get((match.source, match.project), []):
            if record.key == match.key and is_indicator_name(record.name):
                out.append(Candidate(record=record, project_score=match.score))
    return out


_SENTENCE_START = re.compile(r"^(?:[一二两三四五六七八九十\d]+[套个年次项种条家名]|\d{4}年|指标\d*[:：]?$)")


_FIGURE = re.compile(r"\d+\.\d+|\d+\s*(?:万|亿|元|%|户|笔)")  # "增值收益4564.74万元": a result, not a name


def is_indicator_name(name: str) -> bool:
    """A name a table can carry. Self-evaluations sometimes put a goal sentence or a date in the
    三级 cell ("为缴存人提供稳定高效的…", "2024年1月1日-2024年12月31日"): useful to browse, not to copy."""
    n = clean_name(name)
    if not 2 <= len(n) <= 28 or _SENTENCE_START.match(n) or _FIGURE.search(n):
        return False
    return not (len(n) > 16 and re.search(r"[，,；;。]", n))


def find_candidates(finder, query: str, n_projects: int) -> tuple[list[ProjectMatch], list[Candidate]]:
    """The similar projects for a query and the candidate indicators they (and direct hits) offer,
    less those bound to another city. ``finder`` is a ProjectFinder, optionally with ``indicators``."""
    if not query:
        return [], []
    matches = finder(query, n_projects)
    direct = finder.indicators(query, 8) if hasattr(finder, "indicators") else []
    return matches, [c for c in gather(matches, direct) if not place_bound(c.record, query)]


def place_bound(record: IndicatorRecord, query: str) -> bool:
    """An indicator named after its own city (当年广州住房公积金实缴人数) does not travel to another."""
    return bool(record.city) and record.city in record.name and record.city not in query


OUTPUT_LEVEL2 = (Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS, Level2.COST)


def travels(c: Cluster) -> bool:
    """Worth proposing to another project: outputs and costs must be countable; any row needs a value."""
    if c.level2 is Level2.SATISFACTION:
        return c.value_quality >= 1.0 and "满意" in c.name  # not a goal sentence filed under 满意度
    if c.level2 in OUTPUT_LEVEL2:
        return c.value_quality >= 1.0 and not is_input_measure(c.name)
    return c.value_quality > 0.1


def cluster(candidates: Sequence[Candidate], *, threshold: float = 0.5,
            same: Callable[[str, str], bool] | None = None) -> list[Cluster]:
    """Greedy single-pass clustering within each 二级, strongest candidates first."""
    clusters: list[Cluster] = []
    for cand in sorted(candidates, key=lambda c: (-c.project_score, c.record.key)):
        level2 = effective_level2(cand.record)
        if level2 is None or not clean_name(cand.record.name):
            continue
        home = None
        for c in clusters:
            if c.level2 is not level2:
                continue
            anchor = c.members[0].record.name
            if name_similarity(anchor, cand.record.name) >= threshold or (same and same(anchor, cand.record.name)):
                home = c
                break
        if home is None:
            home = Cluster(level2=level2)
            clusters.append(home)
        home.members.append(cand)
    return sorted(clusters, key=lambda c: (-c.score, c.name))
