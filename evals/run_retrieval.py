"""Retrieval evaluation: do preparers' own words find the right past indicators and projects?

    .venv/bin/python evals/run_retrieval.py [--quick]

Cases: evals/retrieval_cases.jsonl, hand-written paraphrases (kind "indicator": expected records
by source + name; kind "project": by source + project name; robust to line numbers).
Reports hit@1, hit@5 and MRR@10 for dense only, lexical only (character n-gram BM25 and jieba BM25)
and several fusions, then a leave-one-source-out run: for every source S, an index built without S
is queried with S's own wording of each expected record (an indicator name, or a project's name +
资金用途 + goals) and must find the equivalent records of the other cities.
Writes evals/results/retrieval-<date>.md and .json. Measures; asserts nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.search import index_store as store  # noqa: E402
from assistant.config import Settings, get_settings  # noqa: E402
from assistant.corpus.store import load_documents  # noqa: E402
from assistant.search.embedder import get_embedder  # noqa: E402
from assistant.search.index import FUSION, LEXICAL_WEIGHT, PrecedentIndex, clean_query, fuse  # noqa: E402
from assistant.search.index_view import View  # noqa: E402
from assistant.search.lexical import char_ngrams, jieba_words  # noqa: E402

CASES = ROOT / "evals" / "retrieval_cases.jsonl"
RESULTS = ROOT / "evals" / "results"
K = 10
COLLECTION = {"indicator": store.INDICATORS, "project": store.PROJECTS}
# (label, ranking method, fusion keyword arguments, lexical tokenizer)
METHODS = [
    ("dense", "dense", {}, "char"),
    ("lexical: char 1+2-gram BM25", "lexical", {}, "char"),
    ("lexical: jieba BM25", "lexical", {}, "jieba"),
    *[(f"fused: cosine + {w}·coverage", "weighted", {"weight": w}, "char") for w in (0.1, 0.2, 0.3, 0.4)],
    ("fused: cosine + 0.2·coverage (jieba)", "weighted", {"weight": 0.2}, "jieba"),
    *[(f"fused: RRF k={k}", "rrf", {"rrf_k": k}, "char") for k in (10, 60)],
]
# the fusion assistant/search/index.py uses
CHOSEN = next(m for m in METHODS if m[1] == FUSION and m[2].get("weight") == LEXICAL_WEIGHT and m[3] == "char")
# What an indicator is embedded as (assistant.search.index_store.indicator_text is the chosen one).
TEXT_VARIANTS = {
    "name": lambda rec: rec.name,
    "二级 + name (chosen)": store.indicator_text,
    "二级 + name + 绩效指标描述": lambda rec: " ".join(
        p for p in (rec.level2.value if rec.level2 else "", rec.name, rec.description or "") if p),
}


class CachingEmbedder:
    """The real embedder, remembering vectors so the leave-one-out indexes embed nothing twice."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed(missing)))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def load_cases() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def item_key(kind: str, meta_or_expect: dict) -> tuple[str, str]:
    return meta_or_expect["source"], meta_or_expect["name" if kind == "indicator" else "project"]


def check_cases(cases, docs) -> list[str]:
    """Every expected record must exist in the corpus: a typo would silently lower the scores."""
    present = {("indicator", s, n) for s, n in ((d.provenance.source, i.name) for d in docs
                                                 for p in d.projects for i in p.table.indicators)}
    present |= {("project", d.provenance.source, p.table.project_name) for d in docs for p in d.projects}
    return [f"{c['id']}: {e}" for c in cases for e in c["expect"]
            if (c["kind"], *item_key(c["kind"], e)) not in present]


def build(docs, embedder, workdir: Path) -> PrecedentIndex:
    index = PrecedentIndex(Settings(data_dir=workdir, chroma_host=None), embedder=embedder)
    index.build(docs=docs)
    return index


def with_tokenizer(index: PrecedentIndex, tokenizer: str) -> None:
    """Rebuild the in-memory lexical side with another tokenizer (the measured alternative)."""
    for name in (store.INDICATORS, store.PROJECTS):
        view = index.view(name)
        index._views[name] = View.build(view.ids, view.texts, view.metas,
                                        jieba_words if tokenizer == "jieba" else char_ngrams, vectors=view.vectors)


def first_relevant(index, kind, query, expected, method, params) -> int | None:
    view, dense, lexical = index.pools(COLLECTION[kind], clean_query(query), {},
                                       "dense" if method == "dense" else "lexical" if method == "lexical" else "both")
    ranked = fuse(dense, lexical, method, **params)[:K]
    for rank, (row, _) in enumerate(ranked, 1):
        if item_key(kind, view.metas[row]) in expected:
            return rank
    return None


def metrics(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {"n": len(ranks),
            "hit@1": sum(1 for r in ranks if r == 1) / n,
            "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
            "mrr": sum(1 / r for r in ranks if r is not None) / n}


def run_methods(index, queries, methods) -> dict:
    """queries: (kind, query, expected set, case id). → {method label: {kind: metrics, misses}}"""
    out = {}
    current = None
    for label, method, params, tokenizer in methods:
        if tokenizer != current:
            with_tokenizer(index, tokenizer)
            current = tokenizer
        ranks = defaultdict(list)
        misses = []
        for kind, query, expected, case_id in queries:
            rank = first_relevant(index, kind, query, expected, method, params)
            ranks[kind].append(rank)
            ranks["all"].append(rank)
            if rank is None or rank > 5:
                misses.append(case_id)
        out[label] = {kind: metrics(r) for kind, r in ranks.items()} | {"misses@5": misses}
    with_tokenizer(index, "char")
    return out


def case_queries(cases) -> list:
    return [(c["kind"], c["query"], {item_key(c["kind"], e) for e in c["expect"]}, c["id"]) for c in cases]


def loso_queries(cases, source: str, texts: dict) -> list:
    """Queries in source S's own wording, expecting the same case's records elsewhere."""
    out, seen = [], set()
    for c in cases:
        expected = {item_key(c["kind"], e) for e in c["expect"]}
        others = {e for e in expected if e[0] != source}
        for src, name in sorted(expected - others):
            if not others or (c["kind"], name) in seen:
                continue
            seen.add((c["kind"], name))
            query = name if c["kind"] == "indicator" else texts.get((src, name), name)
            out.append((c["kind"], query, others, f"{c['id']}:{name}"))
    return out


def project_texts(docs) -> dict:
    return {(e.meta["source"], e.meta["project"]): e.text for e in store.project_entries(docs)}


def run(quick: bool = False) -> dict:
    docs = load_documents()
    cases = load_cases()
    problems = check_cases(cases, docs)
    if problems:
        print("用例中的预期记录在语料中不存在：\n  " + "\n  ".join(problems))
    embedder = CachingEmbedder(get_embedder())
    methods = METHODS[:3] + [CHOSEN] if quick else METHODS
    report = {"date": dt.date.today().isoformat(), "model": embedder.name, "k": K,
              "cases": {"indicator": sum(c["kind"] == "indicator" for c in cases),
                        "project": sum(c["kind"] == "project" for c in cases)},
              "corpus": {"indicators": sum(len(p.table.indicators) for d in docs for p in d.projects),
                         "projects": sum(len(d.projects) for d in docs)},
              "problems": problems}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        index = build(docs, embedder, Path(tmp) / "all")
        report["cases_results"] = run_methods(index, case_queries(cases), methods)
        texts = project_texts(docs)
        loso: dict = {}
        for doc in docs:
            source = doc.provenance.source
            queries = loso_queries(cases, source, texts)
            if not queries:
                continue
            rest = [d for d in docs if d.provenance.source != source]
            fold = build(rest, embedder, Path(tmp) / source)
            loso[source] = (queries, run_methods(fold, queries, methods))
        report["loso"] = _pool_loso(loso, methods)
        report["loso_queries"] = sum(len(q) for q, _ in loso.values())
        if not quick:
            report["text_variants"] = text_variants(docs, cases, embedder, Path(tmp) / "variants")
        report["seconds"] = round(time.perf_counter() - started, 1)
    report["chosen"] = choose(report) if not quick else None
    report["fusion_in_code"] = f"{FUSION!r}, LEXICAL_WEIGHT={LEXICAL_WEIGHT}"
    return report


def text_variants(docs, cases, embedder, workdir: Path) -> dict:
    """Dense and the chosen fusion, with indicators embedded as each TEXT_VARIANTS text."""
    chosen = store.indicator_text
    few = [METHODS[0], CHOSEN]
    out = {}
    try:
        for label, text_of in TEXT_VARIANTS.items():
            store.indicator_text = text_of
            indicator_cases = [c for c in cases if c["kind"] == "indicator"]
            index = build(docs, embedder, workdir / str(len(out)) / "all")
            res = {"cases": run_methods(index, case_queries(indicator_cases), few)}
            loso = {}
            for doc in docs:
                source = doc.provenance.source
                queries = loso_queries(indicator_cases, source, {})
                if queries:
                    rest = [d for d in docs if d.provenance.source != source]
                    loso[source] = (queries, run_methods(build(rest, embedder, workdir / str(len(out)) / source),
                                                         queries, few))
            res["loso"] = _pool_loso(loso, few)
            out[label] = res
    finally:
        store.indicator_text = chosen
    return out


def _pool_loso(loso: dict, methods) -> dict:
    """Micro-average over all leave-one-out queries, per method and kind."""
    pooled = {}
    for label, *_ in methods:
        sums = defaultdict(lambda: {"n": 0, "hit@1": 0.0, "hit@5": 0.0, "mrr": 0.0})
        for _, results in loso.values():
            for kind, m in results[label].items():
                if kind == "misses@5":
                    continue
                for key in ("hit@1", "hit@5", "mrr"):
                    sums[kind][key] += m[key] * m["n"]
                sums[kind]["n"] += m["n"]
        pooled[label] = {kind: {"n": s["n"], **{k: s[k] / s["n"] for k in ("hit@1", "hit@5", "mrr")}}
                         for kind, s in sums.items() if s["n"]}
    return pooled


def choose(report: dict) -> str | None:
    """The rule: a fusion at least as good as the better single method on hit@1, hit@5 and MRR
    in both query sets; among those, the best hit@5 over all queries, then MRR."""
    sets = ("cases_results", "loso")
    singles = [label for label, method, *_ in METHODS if method in ("dense", "lexical")]

    def score(label, key):
        return [report[s][label]["all"][key] for s in sets]

    ok = []
    for label, method, *_ in METHODS:
        if method in ("dense", "lexical") or label not in report["loso"]:
            continue
        if all(score(label, key)[i] >= max(score(single, key)[i] for single in singles) - 1e-9
               for key in ("hit@1", "hit@5", "mrr") for i in range(len(sets))):
            ok.append(label)
    n = [report["cases_results"]["dense"]["all"]["n"], report["loso"]["dense"]["all"]["n"]]

    def pooled(label, key):
        return sum(v * k for v, k in zip(score(label, key), n)) / sum(n)

    return max(ok, key=lambda label: (pooled(label, "hit@5"), pooled(label, "mrr")), default=None)


def render(report: dict) -> str:
    lines = [f"# Retrieval evaluation, {report['date']}", "",
             f"Model: `{report['model']}`. Corpus: {report['corpus']['indicators']} indicators, "
             f"{report['corpus']['projects']} projects. Cases: {report['cases']['indicator']} indicator + "
             f"{report['cases']['project']} project paraphrases (evals/retrieval_cases.jsonl); "
             f"leave-one-source-out: {report['loso_queries']} queries. Ranking cut at k={report['k']}.", ""]
    lines += ["Dense: cosine of multilingual-e5-small vectors from chromadb. Lexical: BM25 (bm25s, Lucene) "
              "over character uni+bi-grams with ASCII runs (12329, APP) kept whole, or over jieba words. "
              "Fusion 'cosine + w·coverage': coverage = BM25 / the query's total IDF, i.e. roughly the "
              "weighted share of the query's n-grams a text contains (absolute, unlike BM25 / best BM25). "
              "hit@k: an expected record among the first k; MRR over the first 10.", ""]
    for title, table in (("Hand-written cases", report["cases_results"]), ("Leave-one-source-out", report["loso"])):
        lines += [f"## {title}", "", "| method | all hit@1 | all hit@5 | all MRR | indicator hit@5 | project hit@5 |",
                  "|---|---|---|---|---|---|"]
        for label, m in table.items():
            a, i, p = m.get("all", {}), m.get("indicator", {}), m.get("project", {})
            lines.append(f"| {label} | {a.get('hit@1', 0):.3f} | {a.get('hit@5', 0):.3f} | {a.get('mrr', 0):.3f} | "
                         f"{i.get('hit@5', 0):.3f} | {p.get('hit@5', 0):.3f} |")
        lines.append("")
    lines += ["## Choice", "", "Rule: a fusion at least as good as the better single method (dense, or either "
              "BM25) on hit@1, hit@5 and MRR in both query sets; among those, the best hit@5 over all "
              "queries, then MRR.", "", f"Chosen: **{report.get('chosen') or 'none qualifies'}** "
              f"(assistant/search/index.py uses FUSION={report['fusion_in_code']}).", ""]
    if report.get("text_variants"):
        lines += ["## What an indicator is embedded as (indicator queries only)", "",
                  "| text | method | cases hit@5 | cases MRR | leave-one-out hit@5 | leave-one-out MRR |",
                  "|---|---|---|---|---|---|"]
        for text, res in report["text_variants"].items():
            for label in res["cases"]:
                c, l_ = res["cases"][label]["all"], res["loso"][label].get("all", {})
                lines.append(f"| {text} | {label} | {c['hit@5']:.3f} | {c['mrr']:.3f} | "
                             f"{l_.get('hit@5', 0):.3f} | {l_.get('mrr', 0):.3f} |")
        lines.append("")
    misses = {label: m["misses@5"] for label, m in report["cases_results"].items() if "misses@5" in m}
    lines += ["## Cases missed at 5", ""] + [f"- {label}: {', '.join(ids) or '—'}" for label, ids in misses.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="dense, lexical and the default fusion only")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    report = run(quick=args.quick)
    text = render(report)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stem = RESULTS / f"retrieval-{report['date']}"
        stem.with_suffix(".md").write_text(text, encoding="utf-8")
        stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"写入 {stem}.md / .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
