"""The precedent index: past indicators and projects, found by meaning (dense) and by wording (BM25).

    build_index()                      corpus → chromadb (incremental; no change = no work)
    search_precedents("房屋租金支出")   → [PrecedentHit] (年租赁费用, 租赁费用 …) with provenance
    similar_projects("12329短信服务费") → [ProjectHit]

Dense similarity comes from chromadb (cosine over the embedder's vectors); the lexical score is
BM25 over character n-grams, built in memory from the indexed texts when the index is opened.
The two are fused as chosen by evals/run_retrieval.py (results in evals/results/).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.config import Settings, get_settings
from assistant.corpus import store as corpus
from assistant.errors import AssistantError, PrecedentIndexError
from assistant.search import index_store as store
from assistant.search.embedder import embedder_id, get_embedder
from assistant.search.hits import BuildReport, PrecedentHit, ProjectHit
from assistant.search.index_view import FILTER_FIELDS, View
from assistant.search.metadata import INDICATOR_META, PROJECT_META

__all__ = ["BuildReport", "PrecedentHit", "PrecedentIndex", "ProjectHit", "build_index", "get_index",
           "index_exists", "search_precedents", "set_index", "similar_projects"]

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000  # a pasted 100 kB document is cut, not refused
DENSE_POOL = 100  # candidates taken from each ranking before fusing
LEXICAL_POOL = 100
# Fusion chosen by evals/run_retrieval.py (evals/results/retrieval-2026-11-27.md): of the fusions
# measured, cosine + 0.1 × lexical coverage is the one at least as good as the better single
# method (dense or BM25) on hit@1, hit@5 and MRR, on both the hand-written and the
# leave-one-city-out queries (higher weights help the latter and cost the former a case).
FUSION = "weighted"
LEXICAL_WEIGHT = 0.1
RRF_K = 60
STATE_FILE = "state.json"
# what to show while texts are embedded: (label "指标"/"项目", texts done, texts in all)
Progress = Callable[[str, int, int], None]


def clean_query(query: str | None) -> str:
    """Whitespace squeezed, cut to MAX_QUERY_CHARS; "" when nothing searchable is left."""
    text = re.sub(r"\s+", " ", str(query or "")).strip()[:MAX_QUERY_CHARS]
    return text if re.search(r"\w", text) else ""


# --- fusion --------------------------------------------------------------------------------

def fuse(dense: dict[int, float], lexical: dict[int, float], method: str = FUSION, *,
         weight: float = LEXICAL_WEIGHT, rrf_k: int = RRF_K) -> list[tuple[int, float]]:
    """Rows ranked by the fused score, best first (ties by row for a stable order).

    ``lexical`` holds coverages (BM25 / the query's IDF mass, ~0–1). weighted: cosine + w·coverage,
    a row missing from the dense pool gets the pool's lowest cosine (it ranked below all of them);
    rrf: Σ 1/(k + rank) over both rankings.
    """
    rows = set(dense) | set(lexical)
    if method == "rrf":
        scores = {r: 0.0 for r in rows}
        for ranking in (dense, lexical):
            for rank, row in enumerate(sorted(ranking, key=lambda r: (-ranking[r], r)), 1):
                scores[row] += 1.0 / (rrf_k + rank)
    elif method == "weighted":
        floor = min(dense.values()) if dense else 0.0
        scores = {r: dense.get(r, floor) + weight * lexical.get(r, 0.0) for r in rows}
    elif method in ("dense", "lexical"):
        scores = dict(dense if method == "dense" else lexical)
    else:
        raise ValueError(f"unknown fusion {method!r}")
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


# --- the index -----------------------------------------------------------------------------

class PrecedentIndex:
    def __init__(self, settings: Settings | None = None, *, embedder=None):
        self.settings = settings or get_settings()
        self._embedder = embedder
        self._client = None
        self._collections: dict[str, object] = {}  # chromadb handles, looked up once
        self._views: dict[str, View] = {}
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()  # recent query vectors
        self._lock = threading.RLock()

    # -- plumbing

    @property
    def location(self) -> str:
        host, port = store.chroma_address(self.settings)
        return f"chroma://{host}:{port}" if host else str(store.index_path(self.settings))

    @property
    def local(self) -> bool:
        return store.chroma_address(self.settings)[0] is None

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    @property
    def model_id(self) -> str:
        if self._embedder is not None:
            return self._embedder.name
        return embedder_id(self.settings)

    @property
    def client(self):
        if self._client is None:
            self._client = store.open_client(self.settings)
        return self._client

    def _ef(self):
        from assistant.search.chroma_ef import ChromaEmbeddingFunction  # imports chromadb (~1.5 s)

        return ChromaEmbeddingFunction(self._embedder) if self._embedder else ChromaEmbeddingFunction(model=self.model_id)

    def collection(self, name: str, *, create: bool = False):
        if name not in self._collections or create:
            col = store.get_collection(self.client, name, self._ef(), self.model_id, create=create)
            if col is None:
                return None
            self._collections[name] = col
        return self._collections[name]

    def reset(self) -> None:
        """Drop the local index files and every in-memory view (a damaged index is rebuilt)."""
        with self._lock:
            self._client, self._views, self._collections = None, {}, {}
            if self.local:
                store.reset_local(store.index_path(self.settings))

    # -- building

    def build(self, *, progress: bool | Progress = False, force: bool = False, docs=None) -> BuildReport:
        started = time.perf_counter()
        docs = corpus.load_documents() if docs is None else list(docs)
        state = {"corpus_hash": corpus.corpus_hash(docs), "embedder": self.model_id,
                 "text_version": store.TEXT_VERSION}
        with self._lock:
            saved = None if force else self._saved_state()
            if saved is not None and self._state_matches(saved, state):
                return BuildReport(indicators=saved.get("indicators", 0), projects=saved.get("projects", 0),
                                   unchanged=True, seconds=time.perf_counter() - started,
                                   location=self.location, model=self.model_id)
            records = list(corpus.iter_records(docs))
            try:
                report = self._sync(docs, records, state, progress, force)
            except AssistantError:
                raise
            except Exception as exc:  # chromadb failing on damaged files: start afresh, once
                if not self.local:
                    raise PrecedentIndexError(f"先例索引写入失败（{self.location}）：{exc}") from exc
                log.warning("先例索引损坏，从语料重建：%s", exc)
                self.reset()
                report = self._sync(docs, records, state, progress, force)
        report.seconds = time.perf_counter() - started
        return report

    def _sync(self, docs, records, state, progress, force) -> BuildReport:
        if force and self.local:
            self.reset()
        report = BuildReport(location=self.location, model=self.model_id)
        embed = self.embedder.embed
        threads = getattr(self.embedder, "using_threads", None)  # all cores for the batch work
        with threads(os.cpu_count() or 1) if threads else contextlib.nullcontext():
            for name, entries, label in ((store.INDICATORS, store.indicator_entries(records), "指标"),
                                         (store.PROJECTS, store.project_entries(docs), "项目")):
                stats = self.sync_collection(name, entries, embed, progress=progress, label=label,
                                             corpus_hash=state["corpus_hash"])
                setattr(report, name, stats.total)
                report.add(stats)
        report.unchanged = not report.changed
        self._views, self._collections = {}, {}
        self._write_state({**state, "indicators": report.indicators, "projects": report.projects})
        return report

    def sync_collection(self, name: str, entries, embed, *, progress: bool | Progress = False, label: str = "",
                        corpus_hash: str = "") -> store.SyncStats:
        """Make collection ``name`` hold exactly ``entries``; stamp it so saved views know it changed."""
        col = self.collection(name, create=True)
        stats = store.sync(col, entries, embed, progress=progress, label=label)
        col.modify(metadata={**(col.metadata or {}), "corpus_hash": corpus_hash, "stamp": store.stamp(entries)})
        self._views.pop(name, None)
        self._collections.pop(name, None)
        return stats

    def _state_path(self) -> Path:
        return store.index_path(self.settings) / STATE_FILE

    def _saved_state(self) -> dict | None:
        """What the last local build wrote (corpus hash, embedder, counts); None for a server index."""
        if not self.local:
            return None
        try:
            return json.loads(self._state_path().read_text())
        except (OSError, ValueError):
            return None

    def _state_matches(self, saved: dict, state: dict) -> bool:
        """The no-change check without opening chromadb (its import alone costs ~1.5 s).

        Only for a local index whose sqlite file is still there and still looks like sqlite; a
        server index may have been changed by a colleague, so it is always compared for real.
        """
        sqlite = store.index_path(self.settings) / "chroma.sqlite3"
        return store.looks_like_sqlite(sqlite) and all(saved.get(k) == v for k, v in state.items())

    def _write_state(self, state: dict) -> None:
        if self.local:
            self._state_path().write_text(json.dumps(state, ensure_ascii=False, indent=1))

    def exists(self) -> bool:
        """Is there a built index? Locally answered from the state file, without chromadb."""
        if self.local:
            saved = self._saved_state() or {}
            return saved.get("indicators", 0) > 0 and store.looks_like_sqlite(
                store.index_path(self.settings) / "chroma.sqlite3")
        col = self.collection(store.INDICATORS)
        return col is not None and col.count() > 0

    # -- searching

    def view(self, name: str) -> View:
        """The in-memory side of a collection (ids, metadata, BM25, vectors), built on first use.

        A missing or empty index is built from the corpus first, so a first search just works.
        """
        with self._lock:
            if name not in self._views:
                col = self.collection(name)
                if col is None or col.count() == 0:
                    self.build(progress=False)
                    col = self.collection(name)
                self._views[name] = self._load_view(name, col) if col is not None else View.empty()
            return self._views[name]

    def _load_view(self, name: str, col) -> View:
        if not self.local:
            return View.load(col)
        stamp = (col.metadata or {}).get("stamp", "")
        prefix = store.index_path(self.settings) / f"view-{name}"
        view = View.read_saved(prefix, stamp)
        if view is None:
            view = View.load(col, with_vectors=True)
            if stamp:
                view.save(prefix, stamp)
        return view

    def query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
                return self._vectors[text]
        vector = self.embedder.embed([text])[0]
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > 256:
                self._vectors.popitem(last=False)
        return vector

    def rank(self, name: str, query: str, k: int, filters: dict | None = None,
             method: str = FUSION) -> list[tuple[dict, float, float | None, float | None]]:
        """(metadata, score, dense, lexical) of the k best rows; [] for an empty query or filter."""
        text = clean_query(query)
        if not text or k <= 0:
            return []
        try:
            return self._rank(name, text, k, filters or {}, method)
        except AssistantError:
            raise
        except Exception as exc:
            if not self.local:  # the server's collection may have been rebuilt: look it up again
                self._collections, self._views = {}, {}
                try:
                    return self._rank(name, text, k, filters or {}, method)
                except Exception:
                    raise PrecedentIndexError(f"先例索引查询失败（{self.location}）：{exc}") from exc
            log.warning("先例索引读取失败，从语料重建：%s", exc)  # damaged files: rebuild once
            self.reset()
            self.build(progress=False)
            return self._rank(name, text, k, filters or {}, method)

    def _rank(self, name, text, k, filters, method):
        view, dense, lexical = self.pools(name, text, filters, method)
        ranked = fuse(dense, lexical, method)[:k]
        return [(view.metas[row], float(score), dense.get(row), lexical.get(row)) for row, score in ranked]

    def pools(self, name: str, text: str, filters: dict, method: str = FUSION):
        """(view, dense {row: cosine}, lexical {row: coverage}): the candidates each ranking offers."""
        view = self.view(name)
        allowed = view.resolve(filters)
        mask = view.mask(allowed) if allowed is not None else np.zeros(view.size, bool)
        n_allowed = view.size if mask is None else int(mask.sum())
        if n_allowed == 0:
            return view, {}, {}
        dense = {} if method == "lexical" else self._dense(name, view, text, allowed, mask, min(DENSE_POOL, n_allowed))
        lexical = {} if method == "dense" else view.lexical_top(text, mask, LEXICAL_POOL)
        return view, dense, lexical

    def _dense(self, name, view: View, text: str, allowed: dict, mask, n: int) -> dict[int, float]:
        """chromadb's HNSW index; a filtered query on a local index is scored exactly in memory."""
        if mask is not None and view.vectors is not None:
            return view.dense_top(self.query_vector(text), mask, n)
        result = self.collection(name).query(query_embeddings=[self.query_vector(text)], n_results=n,
                                             where=View.where(allowed), include=["distances"])
        return {view.row_of[i]: 1.0 - float(d) for i, d in zip(result["ids"][0], result["distances"][0])
                if i in view.row_of}

    def search(self, query: str, k: int = 10, **filters) -> list[PrecedentHit]:
        unknown = set(filters) - set(FILTER_FIELDS)
        if unknown:
            raise TypeError(f"unknown filter(s): {sorted(unknown)}")
        return [INDICATOR_META.to_hit(*row) for row in self.rank(store.INDICATORS, query, k, filters)]

    def similar_projects(self, text: str, k: int = 5, **filters) -> list[ProjectHit]:
        return [PROJECT_META.to_hit(*row) for row in self.rank(store.PROJECTS, text, k, filters)]


# --- the public API ------------------------------------------------------------------------

_lock = threading.Lock()
_index: PrecedentIndex | None = None


def get_index() -> PrecedentIndex:
    """The process-wide index (the embedding model takes seconds to load, so once)."""
    global _index
    with _lock:
        if _index is None:
            _index = PrecedentIndex()
        return _index


def set_index(index: PrecedentIndex | None) -> None:
    """Install an index (tests, evals) or drop the cached one (``None``)."""
    global _index
    with _lock:
        _index = index


def build_index(progress: bool = True, *, force: bool = False) -> BuildReport:
    return get_index().build(progress=progress, force=force)


def index_exists() -> bool:
    return get_index().exists()


def search_precedents(query: str, k: int = 10, *, city: str | None = None, year: int | None = None,
                      level1: str | None = None, level2: str | None = None, form_kind: str | None = None,
                      source: str | None = None) -> list[PrecedentHit]:
    filters = {key: value for key, value in {"city": city, "year": year, "level1": level1, "level2": level2,
                                              "form_kind": form_kind, "source": source}.items()
               if value not in (None, "")}
    return get_index().search(query, k, **filters)


def similar_projects(text: str, k: int = 5) -> list[ProjectHit]:
    return get_index().similar_projects(text, k)


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Texts embedded as the index embeds its queries (same model and prefix): the chat matches a
    message against its example messages with these. One text goes through the query cache."""
    index = get_index()
    if len(texts) == 1:
        return index.query_vector(texts[0])[None, :]
    return np.asarray(index.embedder.embed(list(texts)), dtype=np.float32)
