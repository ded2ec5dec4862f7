"""Where drafting finds its precedents: similar past projects and directly matching indicators.

A ProjectFinder is any callable ``(text, k) -> [ProjectMatch]`` (tests pass a deterministic fake); the
default one asks the precedent index (search stage) and weighs the hits relative to the pool.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from assistant.drafting.precedents import IndicatorMatch, ProjectMatch
from assistant.search.index import search_precedents, similar_projects


class ProjectFinder(Protocol):
    def __call__(self, text: str, k: int) -> list[ProjectMatch]: ...


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

    ``exclude_source`` leaves source documents out: one name (the leave-one-source-out evaluation) or a
    collection of names (every form of one unit or city, the leave-one-unit-out evaluation).
    """

    POOL = 14  # hits fetched to judge the spread of scores
    MIN_PROJECT_WEIGHT = 0.2
    MIN_INDICATOR_WEIGHT = 0.5

    def __init__(self, exclude_source: str | Collection[str] | None = None):
        excluded = {exclude_source} if isinstance(exclude_source, str) else set(exclude_source or ())
        self.excluded = frozenset(excluded)
        self._fetch = self.POOL + 6 + 4 * len(self.excluded)  # enough hits left once those are dropped

    def __call__(self, text: str, k: int) -> list[ProjectMatch]:
        hits = [h for h in similar_projects(text, k=self._fetch) if h.source not in self.excluded]
        hits = hits[: self.POOL]
        weights = relative_weights([h.score for h in hits], hits[-1].score if len(hits) > 1 else 0.0)
        matches = [ProjectMatch(source=h.source, project=h.project, score=round(w, 4))
                   for h, w in zip(hits, weights) if w >= self.MIN_PROJECT_WEIGHT]
        return matches[:k]

    def indicators(self, text: str, k: int) -> list[IndicatorMatch]:
        hits = [h for h in search_precedents(text, k=self._fetch) if h.source not in self.excluded]
        hits = hits[: self.POOL]
        weights = relative_weights([h.score for h in hits], hits[-1].score if len(hits) > 1 else 0.0)
        return [IndicatorMatch(key=h.key, source=h.source, project=h.project, score=round(w, 4))
                for h, w in zip(hits, weights) if w >= self.MIN_INDICATOR_WEIGHT][:k]


def default_finder(exclude_source: str | Collection[str] | None = None) -> ProjectFinder:
    return IndexFinder(exclude_source)
