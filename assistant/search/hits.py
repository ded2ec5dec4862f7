"""What a search returns (PrecedentHit, ProjectHit) and what a build reports (BuildReport).

Built from the flat chromadb metadata written by index_store (strings "" and numbers 0 for
"unknown"), back into typed values with None for unknown.
"""
from __future__ import annotations

from pydantic import BaseModel

from assistant.schema import Basis, FormKind, Level1, Level2, Precedent


class _Hit(BaseModel):
    """What every hit carries: its scores and where it stands in the corpus."""

    score: float
    dense: float | None = None  # cosine similarity of the texts
    lexical: float | None = None  # BM25 coverage: ~ the weighted share of the query's n-grams matched
    key: str
    source: str
    line: int | None
    city: str
    unit: str
    year: int | None
    form_kind: FormKind | None
    project: str

    @staticmethod
    def _common(meta: dict, score: float, dense: float | None, lexical: float | None) -> dict:
        return dict(score=score, dense=dense, lexical=lexical, key=meta["key"], source=meta["source"],
                    line=meta.get("line") or None, city=meta["city"], unit=meta["unit"],
                    year=meta.get("year") or None, form_kind=_enum(FormKind, meta.get("form_kind")),
                    project=meta["project"])


class PrecedentHit(_Hit):
    """A past indicator with its score and full provenance."""

    level1: Level1 | None
    level2: Level2 | None
    name: str
    value: str
    basis: Basis | None
    basis_note: str | None

    @classmethod
    def from_meta(cls, meta: dict, score: float, dense: float | None, lexical: float | None) -> PrecedentHit:
        return cls(**cls._common(meta, score, dense, lexical), level1=_enum(Level1, meta.get("level1")),
                   level2=_enum(Level2, meta.get("level2")), name=meta["name"], value=meta["value"],
                   basis=_enum(Basis, meta.get("basis")), basis_note=meta.get("basis_note") or None)

    def to_precedent(self) -> Precedent:
        return Precedent(city=self.city, year=self.year, project=self.project, name=self.name,
                         value=self.value, basis=self.basis_note or (self.basis.value if self.basis else None),
                         source=self.source, line=self.line, score=self.score)


class ProjectHit(_Hit):
    """A past project (name, 资金用途, goals) similar to a description."""

    purpose: str | None
    budget: float | None  # 年度资金总额, 万元
    indicators: int

    @classmethod
    def from_meta(cls, meta: dict, score: float, dense: float | None, lexical: float | None) -> ProjectHit:
        budget = meta.get("budget")
        return cls(**cls._common(meta, score, dense, lexical), purpose=meta.get("purpose") or None,
                   budget=budget if budget is not None and budget >= 0 else None,
                   indicators=int(meta.get("indicators") or 0))


class BuildReport(BaseModel):
    indicators: int = 0
    projects: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    embedded: int = 0
    reused: int = 0
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


def _enum(cls, value):
    try:
        return cls(value) if value else None
    except ValueError:
        return None
