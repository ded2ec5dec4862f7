"""How common an indicator is among past forms: the number of cities (or units) whose forms hold a row
of the same 二级 that says the same thing (character-bigram Dice ≥ 0.5, as clustering judges it).

What many preparers in many places write is what a reviewer expects to see: "项目验收合格率" and
"项目完成及时率" are in the forms of a dozen places, "雾炮车风炮射程" in one. When a draft must be cut to a form's size
(draft.capped), the rows other places also write are kept. Counting places, not projects, keeps
one unit's habit (thirty projects of one centre saying 缴存职工满意度) from passing for common practice.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from assistant.drafting.library import SAME_MEANING
from assistant.drafting.precedents import corpus_generation, corpus_project_records, effective_level2, is_indicator_name
from assistant.schema import Level2
from assistant.text import bigrams, dice, normalize_name


@dataclass(frozen=True)
class _Row:
    source: str
    place: str
    words: frozenset[str]


@lru_cache(maxsize=2)
def _rows(generation: int) -> dict[Level2, tuple[_Row, ...]]:
    by_level2: dict[Level2, list[_Row]] = {}
    for records in corpus_project_records().values():
        for r in records:
            level2 = effective_level2(r)
            if level2 is None or not is_indicator_name(r.name):
                continue
            row = _Row(source=r.source, place=r.city or r.unit or r.source,
                       words=frozenset(bigrams(normalize_name(r.name))))
            by_level2.setdefault(level2, []).append(row)
    return {k: tuple(v) for k, v in by_level2.items()}


def prevalence(name: str, level2: Level2 | None, excluded: Collection[str] = ()) -> int:
    """The number of places whose forms hold a row like this one (sources in ``excluded`` left out)."""
    words = bigrams(normalize_name(name))
    return len({r.place for r in _rows(corpus_generation()).get(level2, ()) if r.source not in excluded
                and dice(words, r.words) >= SAME_MEANING})
