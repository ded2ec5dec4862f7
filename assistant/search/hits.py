"""What a search returns (PrecedentHit, ProjectHit) and what a build reports (BuildReport).

A hit's fields other than its scores are exactly what its collection stores: metadata.py reads
them off these models, so a field is declared here once and nowhere else.
"""
from __future__ import annotations

from pydantic import BaseModel

from assistant.schema import Basis, FormKind, Level1, Level2, Precedent


class Scored(BaseModel):
    """What a search adds to a stored row: the fused score and the two it was fused from."""

    score: float
    dense: float | None = None  # cosine similarity of the texts
    lexical: float | None = None  # BM25 coverage: ~ the weighted share of the query's n-grams matched


class _Hit(Scored):
    """What every hit carries: where it stands in the corpus."""

    key: str
    source: str
    line: int | None
    city: str
    unit: str
    year: int | None
    form_kind: FormKind | None
    project: str


class PrecedentHit(_Hit):
    """A past indicator with its score and full provenance."""

    level1: Level1 | None
    level2: Level2 | None
    name: str
    value: str
    basis: Basis | None
    basis_note: str | None

    def to_precedent(self) -> Precedent:
        return Precedent(city=self.city, year=self.year, project=self.project, name=self.name,
                         value=self.value, basis=self.basis_note or (self.basis.value if self.basis else None),
                         source=self.source, line=self.line, score=self.score)


class ProjectHit(_Hit):
    """A past project (name, 资金用途, goals) similar to a description."""

    purpose: str | None
    budget: float | None  # 年度资金总额, 万元
    indicators: int


class SyncCounts(BaseModel):
    """What syncing changed: entries added, updated, removed; texts embedded; vectors reused."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    embedded: int = 0
    reused: int = 0

    def add(self, other: SyncCounts) -> None:
        for name in SyncCounts.model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


class BuildReport(SyncCounts):
    indicators: int = 0
    projects: int = 0
    unchanged: bool = False
    seconds: float = 0.0
    location: str = ""
    model: str = ""

    def summary(self) -> str:
        if self.unchanged:
            return f"索引已是最新：{self.indicators} 条指标、{self.projects} 个项目（{self.location}，{self.seconds:.1f} 秒）"
        return (f"索引已更新：{self.indicators} 条指标、{self.projects} 个项目；新增 {self.added}、更新 "
                f"{self.updated}、删除 {self.removed}，嵌入 {self.embedded} 条（复用 {self.reused}）；"
                f"{self.location}，{self.seconds:.1f} 秒")
