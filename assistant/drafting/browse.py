"""Precedents by place: "广州的物业费指标有哪些", "六安和中卫比较一下".

Rows of the corpus filed by the cities (or provinces, units) named, on the topic asked (a project whose
name shares a meaningful word with it), grouped per 一级·二级 so cities can be read side by side. Pure
data over the corpus records: no model, the same answer every time.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.config import get_settings
from assistant.corpus.store import iter_records, load_documents
from assistant.drafting.precedents import corpus_generation, effective_level2
from assistant.schema import IndicatorRecord, Level1, Level2
from assistant.taxonomy import level1_of
from assistant.text import bigrams

# Words every project name shares: they do not say what the project is about.
_GENERIC = {"项目", "经费", "费用", "管理", "中心", "住房", "公积", "积金", "工作", "专项", "业务", "资金", "支出"}


@dataclass
class PlaceRows:
    place: str
    rows: list[IndicatorRecord] = field(default_factory=list)

    @property
    def projects(self) -> list[tuple[int | None, str]]:
        return sorted({(r.year, r.project) for r in self.rows}, key=lambda x: (x[0] or 0, x[1]))


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[str, ...]:
    path = get_settings().corpus_dir / "guide" / "places.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def corpus_places() -> list[str]:
    return sorted({r.city for r in _records() if r.city})


def unit_places() -> list[str]:
    """Offices named inside the units' names: 广州住房公积金管理中心花都办事处 → 花都."""
    found = set()
    for unit in {r.unit for r in _records() if r.unit}:
        m = re.search(r"(?:中心|局)(?P<place>[\u4e00-\u9fff]{2,4}?)(?:办事处|分中心|管理部|管理处)", unit)
        if m:
            found.add(m.group("place"))
    return sorted(found)


def places_in(text: str) -> list[str]:
    """The places a message names, in the order it names them (longest name first at one position)."""
    found: list[tuple[int, str]] = []
    settings = get_settings()
    for name in _place_names(corpus_generation(), settings.corpus_dir, settings.user_forms_dir):
        at = text.find(name)
        if at >= 0 and not any(s <= at < s + len(n) for s, n in found):
            found.append((at, name))
    return [name for _, name in sorted(found)]


def source_address(source: str | None) -> str | None:
    """The web address a public form was copied from (corpus/public records keep it), else None."""
    settings = get_settings()
    return _addresses(corpus_generation(), settings.corpus_dir, settings.user_forms_dir).get(source or "")


@lru_cache(maxsize=4)
def _addresses(generation: int, corpus_dir, user_dir) -> dict[str, str]:
    return {doc.provenance.source: str(url) for doc in load_documents() for project in doc.projects
            if (url := project.extra.get("source_url"))}


@lru_cache(maxsize=4)
def _place_names(generation: int, corpus_dir, user_dir) -> tuple[str, ...]:
    """Every place name, longest first; read from the corpus once per corpus state (every chat message
    is matched against them: reading the records each time cost ~15 ms a message)."""
    names = set(_gazetteer()) | set(corpus_places()) | set(unit_places())
    return tuple(sorted(names, key=len, reverse=True))


def on_topic(project: str, topic: str | None) -> bool:
    if not topic:
        return True
    words = bigrams(topic) - _GENERIC
    return bool(words & bigrams(project)) if words else True


def rows_of(place: str, topic: str | None = None, year: int | None = None,
            level2: Level2 | None = None) -> PlaceRows:
    """The rows a place filed (its city, or its unit's name containing the place), on the topic,
    of a year and of one 二级 when asked ("只看满意度的")."""
    rows = [r for r in _records()
            if (r.city == place or place in (r.unit or "")) and (year is None or r.year == year)
            and on_topic(r.project, topic) and r.value
            and (level2 is None or effective_level2(r) is level2)]
    return PlaceRows(place=place, rows=rows)


def by_level2(rows: list[IndicatorRecord]) -> dict[tuple[Level1, Level2], list[IndicatorRecord]]:
    """Rows per 一级·二级 in the tree's order (成本 under 产出, as most forms have it)."""
    groups: dict[tuple[Level1, Level2], list[IndicatorRecord]] = defaultdict(list)
    for r in rows:
        level2 = effective_level2(r)
        if level2 is not None:
            groups[(level1_of(level2), level2)].append(r)
    order = list(Level2)
    return dict(sorted(groups.items(), key=lambda kv: order.index(kv[0][1])))


def _records() -> list[IndicatorRecord]:
    return list(iter_records())  # 8 ms for the shipped corpus; always current with 我的语料
