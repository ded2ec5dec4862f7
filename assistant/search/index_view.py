"""The in-memory side of an indexed collection: row metadata, filter columns, the BM25 index
and (local index only) the vectors.

Loaded from the collection itself (not from the corpus files), so that dense and lexical scores
always cover the same rows, also against a shared Chroma server. Reading a collection back is
slow in chromadb (~40 s for 100k rows), so a local index keeps a copy of it beside the index
(view-<collection>.json/.npy), valid while the collection's stamp is unchanged. The BM25 index
is rebuilt from the texts at load: ~10 ms for the real corpus, ~6 s for 100k rows (evals/bench.py).

Why the vectors: chromadb's metadata filter costs ~1.3 ms per 1,000 rows (130 ms at 100k), while
an exact dot product over the filtered rows in numpy takes ~15 ms at 100k. Unfiltered queries
still go to chromadb's HNSW index (~2 ms at 100k).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.schema import FormKind
from assistant.search.index_store import read_all
from assistant.search.lexical import LexicalIndex, char_ngrams
from assistant.search.metadata import INDICATOR_META
from assistant.taxonomy import normalize_level1, normalize_level2

log = logging.getLogger(__name__)

FILTER_FIELDS = ("city", "year", "level1", "level2", "form_kind", "source")
# Fields where a partial name finds the stored one: 六安 → 六安市, 000_35df → 000_35dfb5000cd90ba0.txt
PARTIAL_FIELDS = ("city", "source")


@dataclass
class View:
    ids: list[str]
    texts: list[str]
    metas: list[dict]
    lexical: LexicalIndex
    row_of: dict[str, int] = field(default_factory=dict)
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    distinct: dict[str, set] = field(default_factory=dict)
    vectors: np.ndarray | None = None  # L2-normalised rows, local index only

    @classmethod
    def load(cls, collection, *, with_vectors: bool = False) -> View:
        include = ["documents", "metadatas"] + (["embeddings"] if with_vectors else [])
        got = read_all(collection, include)
        vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1) if with_vectors else None
        return cls.build(got["ids"], [d or "" for d in got["documents"]], [m or {} for m in got["metadatas"]],
                         vectors=vectors)

    @classmethod
    def build(cls, ids: list[str], texts: list[str], metas: list[dict], tokenizer=char_ngrams,
              vectors: np.ndarray | None = None) -> View:
        view = cls(ids, texts, metas, LexicalIndex(texts, tokenizer), vectors=vectors)
        view.row_of = {i: row for row, i in enumerate(ids)}
        for name in FILTER_FIELDS:
            view.columns[name] = np.array([m.get(name, "") for m in metas], dtype=object)
            view.distinct[name] = set(view.columns[name].tolist())
        return view

    @classmethod
    def empty(cls) -> View:
        return cls.build([], [], [])

    @property
    def size(self) -> int:
        return len(self.ids)

    # -- the local copy

    def save(self, prefix: Path, stamp: str) -> None:
        """Write ``prefix``.json (rows) and .npy (vectors) atomically; a failure only costs speed."""
        try:
            rows = prefix.with_name(prefix.name + ".json.tmp")
            rows.write_text(json.dumps({"stamp": stamp, "ids": self.ids, "texts": self.texts,
                                        "metas": self.metas}, ensure_ascii=False), encoding="utf-8")
            if self.vectors is not None:
                with open(prefix.with_name(prefix.name + ".tmp.npy"), "wb") as fh:
                    np.save(fh, self.vectors)
                prefix.with_name(prefix.name + ".tmp.npy").replace(prefix.with_suffix(".npy"))
            rows.replace(prefix.with_suffix(".json"))
        except OSError as exc:
            log.warning("无法保存索引副本 %s：%s", prefix, exc)

    @classmethod
    def read_saved(cls, prefix: Path, stamp: str) -> View | None:
        """The saved copy if it belongs to this stamp, else None."""
        try:
            rows = json.loads(prefix.with_suffix(".json").read_text(encoding="utf-8"))
            if not stamp or rows.get("stamp") != stamp:
                return None
            vectors = np.load(prefix.with_suffix(".npy"))
        except (OSError, ValueError):
            return None
        if vectors.shape[0] != len(rows["ids"]):
            return None
        return cls.build(rows["ids"], rows["texts"], rows["metas"], vectors=vectors)

    # -- filters

    def resolve(self, filters: dict) -> dict[str, list] | None:
        """Each filter → the stored values it stands for; None when one matches nothing.

        An unknown value is not an error: the search simply finds nothing.
        """
        allowed: dict[str, list] = {}
        for name, value in filters.items():
            if value is None or value == "":
                continue
            values = self._resolve_one(name, value)
            if not values:
                return None
            allowed[name] = values
        return allowed

    def _resolve_one(self, name: str, value) -> list:
        present = self.distinct.get(name, set())
        if not present:  # not a filter column (projects take any **filters), or an empty index
            return []
        wanted = _canonical(name, value)
        if wanted is None:
            return []
        if wanted in present:
            return [wanted]
        if name in PARTIAL_FIELDS and isinstance(wanted, str):
            return sorted(p for p in present if isinstance(p, str) and p and
                          (wanted in p or p in wanted or Path(p).stem == wanted))
        return []

    def mask(self, allowed: dict[str, list]) -> np.ndarray | None:
        if not allowed:
            return None
        mask = np.ones(self.size, dtype=bool)
        for name, values in allowed.items():
            mask &= np.isin(self.columns[name], np.array(values, dtype=object))
        return mask

    @staticmethod
    def where(allowed: dict[str, list]) -> dict | None:
        clauses = [{name: {"$in": list(values)}} for name, values in allowed.items()]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    # -- dense, exact (filtered queries on a local index)

    def dense_top(self, vector: np.ndarray, mask: np.ndarray, n: int) -> dict[int, float]:
        """Exact cosine over the rows in ``mask`` (vectors are normalised), the n best."""
        rows = np.flatnonzero(mask)
        if self.vectors is None or not len(rows):
            return {}
        # one product over the whole matrix streams it once; gathering rows first pays off for few
        scores = (self.vectors @ vector)[rows] if len(rows) > self.size // 4 else self.vectors[rows] @ vector
        best = np.argpartition(-scores, n - 1)[:n] if len(rows) > n else np.arange(len(rows))
        return {int(rows[i]): float(scores[i]) for i in best}

    # -- lexical

    def lexical_top(self, text: str, mask: np.ndarray | None, n: int) -> dict[int, float]:
        """The n best rows by lexical coverage (see LexicalIndex.coverage), zero scores left out."""
        scores = self.lexical.coverage(text)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > n:
            hits = hits[np.argpartition(-scores[hits], n - 1)[:n]]
        return {int(row): float(scores[row]) for row in hits}


def _canonical(name: str, value):
    """The stored spelling of a filter value: 2022 for "2022", 社会效益指标 for 社会效益 …; None for none."""
    parsed = _parse(name, value)
    return None if parsed is None else INDICATOR_META.encode(name, parsed)


def _parse(name: str, value):
    """A filter value as the hit field's type (int, Level1, Level2, FormKind, str), None if it is none."""
    if name == "year":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    text = str(getattr(value, "value", value)).strip()
    if name == "level1":
        return normalize_level1(text)
    if name == "level2":
        return normalize_level2(text)
    if name == "form_kind":
        return next((kind for kind in FormKind if text in (kind.value, kind.name, kind.name.lower())), None)
    return text
