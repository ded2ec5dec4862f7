"""Benchmark of the precedent index: prints figures, asserts nothing.

    .venv/bin/python evals/bench.py [--sizes 10000 100000] [--queries 200] [--json out.json]

- model load time (the bundled multilingual-e5-small through sentence-transformers);
- index build on the real corpus: indicators embedded per second, and the whole build;
- a second build with no change, in-process and as a fresh `python -m assistant index`;
- query latency p50/p95 on the real corpus: end to end (the query embedded each time) and the
  index side alone (query vector cached: dense chromadb query + BM25 + fusion + hits);
- synthetic corpora of 10k and 100k indicators recombined from real records (name halves of two
  records, their 二级, a random city/year). Embedding 100k texts with the model would take hours
  on two cores, so their vectors are recombined too: the normalised sum of the two source records'
  real embeddings. Queries are embedded by the real model.
- peak RSS of this process.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.search import index_store as store  # noqa: E402
from assistant.config import Settings, get_settings  # noqa: E402
from assistant.corpus.store import iter_records, load_documents  # noqa: E402
from assistant.search.index import PrecedentIndex  # noqa: E402

CASES = ROOT / "evals" / "retrieval_cases.jsonl"


class KnownVectors:
    """Vectors for the synthetic texts; anything else (the queries) goes to the real model."""

    def __init__(self, real, known: dict[str, np.ndarray]):
        self.real, self.known, self.name, self.dim = real, known, real.name, real.dim

    def embed(self, texts):
        if all(t in self.known for t in texts):
            return np.stack([self.known[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
        return self.real.embed(texts)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def queries(n: int) -> list[str]:
    texts = [json.loads(line)["query"] for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return (texts * (n // len(texts) + 1))[:n]


def latency(index: PrecedentIndex, texts: list[str], *, cached: bool, k: int = 10) -> dict:
    """p50/p95 of index.search, every fourth query filtered by 二级.

    ``cached``: query vectors embedded beforehand, so only the index side counts; otherwise each
    query is embedded by the model as part of its search.
    """
    if cached:
        for text in set(texts):
            index.query_vector(text)
    times: dict[str, list[float]] = {"all": [], "unfiltered": [], "filtered": []}
    for i, text in enumerate(texts):
        if not cached:
            index._vectors.clear()
        filters = {"level2": "数量指标"} if i % 4 == 3 else {}
        started = time.perf_counter()
        index.search(text, k=k, **filters)
        elapsed = time.perf_counter() - started
        times["all"].append(elapsed)
        times["filtered" if filters else "unfiltered"].append(elapsed)
    return {kind: {"p50_ms": round(pct(t, 50), 1), "p95_ms": round(pct(t, 95), 1), "n": len(t)}
            for kind, t in times.items()}


def raw_throughput(embedder, texts: list[str], threads: int) -> float:
    """The encoder alone on ``texts`` (already sorted by length), in the index build's chunks: texts/s."""
    with embedder.using_threads(threads):
        embedder.embed(texts[:16])  # warm the threads and the allocator
        started = time.perf_counter()
        for start in range(0, len(texts), store.EMBED_CHUNK):
            embedder.embed(texts[start : start + store.EMBED_CHUNK])
        return len(texts) / (time.perf_counter() - started)


def bench_real(real, data_dir: Path, n_queries: int) -> dict:
    docs = load_documents()
    out: dict = {}
    index = PrecedentIndex(Settings(data_dir=data_dir, chroma_host=None), embedder=real)
    entries = store.indicator_entries(iter_records(docs))
    texts = sorted({e.text for e in entries}, key=lambda t: (len(t), t))
    cores = os.cpu_count() or 1
    # the encoder's raw throughput in the same run, before and after the build (other load varies)
    raw_1 = [raw_throughput(real, texts, 1)]
    raw_all = [raw_throughput(real, texts, cores)]
    started = time.perf_counter()
    index.client  # opening chromadb's store (~0.4 s whatever the corpus size), timed apart
    out["chroma_open_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    with real.using_threads(cores):  # as PrecedentIndex.build does
        stats = index.sync_collection(store.INDICATORS, entries, real.embed)
    seconds = time.perf_counter() - started
    raw_all.append(raw_throughput(real, texts, cores))
    raw_1.append(raw_throughput(real, texts, 1))
    out["indicators"] = len(entries)
    out["indicator_texts_embedded"] = stats.embedded
    out["build_indicators_per_s"] = round(len(entries) / seconds, 1)
    out["embed_texts_per_s"] = round(stats.embedded / seconds, 1)
    out["raw_texts_per_s_1_thread"] = round(statistics.mean(raw_1), 1)
    out["raw_texts_per_s_all_cores"] = round(statistics.mean(raw_all), 1)
    out["build_vs_raw"] = round(out["embed_texts_per_s"] / out["raw_texts_per_s_all_cores"], 2)
    out["build_vs_raw_with_open"] = round(stats.embedded / (seconds + out["chroma_open_s"])
                                          / out["raw_texts_per_s_all_cores"], 2)
    index.reset()
    started = time.perf_counter()
    report = index.build(docs=docs, force=True)
    out["full_build_s"] = round(time.perf_counter() - started, 2)
    out["full_build_entries"] = report.indicators + report.projects
    started = time.perf_counter()
    again = index.build(docs=docs)
    out["no_change_build_in_process_s"] = round(time.perf_counter() - started, 3)
    assert again.unchanged
    out["no_change_cli_s"] = no_change_cli(data_dir)
    index.search("预热", k=1)  # loads the in-memory view
    out["query_end_to_end"] = latency(index, queries(n_queries), cached=False)
    out["query_index_side"] = latency(index, queries(n_queries), cached=True)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def torch_raw() -> dict:
    """The torch encoder's raw throughput on the same texts, in a child process."""
    code = f"""
import json, os, sys, time
sys.path.insert(0, {str(ROOT)!r})
from assistant.config import get_settings
from assistant.search.embedder import SentenceTransformerEmbedder, ensure_bundled_model
from assistant.corpus.store import iter_records, load_documents
from assistant.search import index_store as store
sys.path.insert(0, {str(ROOT / "evals")!r})
from bench import raw_throughput
folder = ensure_bundled_model(get_settings().data_dir)
e = SentenceTransformerEmbedder(str(folder), prefix="query: ", name=folder.name)
texts = sorted({{x.text for x in store.indicator_entries(iter_records(load_documents()))}}, key=lambda t: (len(t), t))
print(json.dumps({{"1": round(raw_throughput(e, texts, 1), 1), "all": round(raw_throughput(e, texts, os.cpu_count() or 1), 1)}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900, cwd=ROOT)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"1": float("nan"), "all": float("nan"), "error": done.stderr[-500:]}


def no_change_cli(data_dir: Path) -> float:
    """Wall time of `python -m assistant index` on an up-to-date index (imports included)."""
    env = {**os.environ, "JX_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "最新" not in done.stdout:
        return float("nan")
    return round(elapsed, 2)


def synthetic(real, n: int, seed: int = 7):
    """n entries recombined from the real records, with recombined vectors."""
    records = list(iter_records(load_documents()))
    real_entries = store.indicator_entries(records)
    vectors = dict(zip([e.text for e in real_entries], real.embed([e.text for e in real_entries])))
    rng = random.Random(seed)
    cities = sorted({r.city for r in records}) + ["合肥", "石家庄", "银川", "武汉", "佛山", "保定"]
    entries, known = [], {}
    for i in range(n):
        a, b = rng.choice(real_entries), rng.choice(real_entries)
        na, nb = a.meta["name"], b.meta["name"]
        name = na[: max(1, len(na) // 2)] + nb[len(nb) // 2 :]
        text = f"{a.meta['level2']} {name}".strip()
        meta = {**a.meta, "key": f"syn-{i}", "name": name, "city": rng.choice(cities),
                "year": rng.choice([2019, 2020, 2021, 2022, 2023, 2024]), "line": i + 1}
        entries.append(store._entry(f"syn-{i}", text, meta))
        if text not in known:
            v = vectors[a.text] + vectors[b.text]
            known[text] = (v / np.linalg.norm(v)).astype(np.float32)
    return entries, known


def bench_build(real, n: int, data_dir: Path) -> dict:
    """A build of ``n`` synthetic indicators embedded by the real model, against the encoder's raw
    throughput on the same texts in the same run (before and after): the corpus grows, the fixed
    costs of a build (opening chromadb, creating the collection) stop mattering."""
    entries, _ = synthetic(real, n, seed=11)
    texts = sorted({e.text for e in entries}, key=lambda t: (len(t), t))
    cores = os.cpu_count() or 1
    raw = [raw_throughput(real, texts, cores)]
    index = PrecedentIndex(Settings(data_dir=data_dir, chroma_host=None), embedder=real)
    started = time.perf_counter()
    with real.using_threads(cores):
        stats = index.sync_collection(store.INDICATORS, entries, real.embed)
    seconds = time.perf_counter() - started
    raw.append(raw_throughput(real, texts, cores))
    rate = stats.embedded / seconds
    return {"indicators": n, "texts": stats.embedded, "build_s": round(seconds, 1),
            "build_texts_per_s": round(rate, 1), "raw_texts_per_s_all_cores": round(statistics.mean(raw), 1),
            "build_vs_raw": round(rate / statistics.mean(raw), 2)}


def bench_synthetic(real, n: int, data_dir: Path, n_queries: int) -> dict:
    entries, known = synthetic(real, n)
    embedder = KnownVectors(real, known)
    index = PrecedentIndex(Settings(data_dir=data_dir, chroma_host=None), embedder=embedder)
    started = time.perf_counter()
    index.sync_collection(store.INDICATORS, entries, embedder.embed)
    out = {"indicators": n, "load_into_chroma_s": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    index.view(store.INDICATORS)  # read back from chromadb, BM25 built, copy saved beside the index
    out["open_from_chroma_s"] = round(time.perf_counter() - started, 2)
    index = PrecedentIndex(index.settings, embedder=embedder)  # as a new process would
    started = time.perf_counter()
    index.view(store.INDICATORS)
    out["open_from_saved_copy_s"] = round(time.perf_counter() - started, 2)
    out["query_end_to_end"] = latency(index, queries(n_queries), cached=False)
    out["query_index_side"] = latency(index, queries(n_queries), cached=True)
    return out


PROJECT_TYPES = ["房屋租赁费", "物业管理费", "营业大厅运转费", "信息系统运维", "网络专线租赁", "12329短信服务",
                 "宣传费", "业务培训费", "聘用人员劳务费", "办公设备购置", "印刷费", "审计费", "法律顾问费",
                 "贷款抵押手续费", "工装购置", "帮扶款", "智慧公积金建设", "消防设施改造", "档案数字化", "食堂外包"]


def bench_drafting(n_rounds: int = 2) -> dict:
    """Warm draft_table and suggest latency over distinct briefs (no query repeats, so no cache hits)."""
    from assistant.drafting.draft import PrecedentDrafter
    from assistant.schema import ProjectBrief
    from assistant.drafting.suggest import suggest

    drafter = PrecedentDrafter()
    drafter.draft(ProjectBrief(name="预热项目", budget=10, year=2025))  # model, index view, library
    suggest("预热")
    draft_ms, suggest_ms = [], []
    for round_ in range(n_rounds):
        for i, kind in enumerate(PROJECT_TYPES):
            brief = ProjectBrief(name=f"{kind}{'项目' if round_ else ''}", budget=20 + i, year=2025 + round_,
                                 description=f"用于{kind}（第{round_ + 1}批）")
            started = time.perf_counter()
            drafter.draft(brief)
            draft_ms.append(time.perf_counter() - started)
            started = time.perf_counter()
            suggest(f"{kind}{'项目' if round_ else ''}适合哪些指标")
            suggest_ms.append(time.perf_counter() - started)
    return {"briefs": len(draft_ms),
            "draft_table_ms": {"p50": round(pct(draft_ms, 50), 1), "p95": round(pct(draft_ms, 95), 1)},
            "suggest_ms": {"p50": round(pct(suggest_ms, 50), 1), "p95": round(pct(suggest_ms, 95), 1)}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--build", type=int, default=2000, help="also build this many synthetic indicators "
                        "embedded by the model (0: skip), for the build / raw-throughput ratio at size")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--torch", action="store_true", help="also measure the torch encoder's raw throughput "
                        "(in a child process, so torch does not weigh on this one's RSS)")
    parser.add_argument("--text", help="also write the summary to this file")
    args = parser.parse_args()

    from assistant.search.embedder import load_embedder

    results: dict = {"cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
                     "torch_threads": get_settings().torch_threads}
    if args.torch:
        results["torch_raw"] = torch_raw()
        print(json.dumps({"torch_raw": results["torch_raw"]}, ensure_ascii=False), flush=True)
    started = time.perf_counter()
    real = load_embedder()
    results["model_load_s"] = round(time.perf_counter() - started, 2)
    results["model"] = real.name
    results["embedder"] = type(real).__name__
    results["torch_imported"] = "torch" in sys.modules
    results["rss_after_load_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"模型加载 {results['model_load_s']} s（{real.name}）", flush=True)

    base = Path(tempfile.mkdtemp(prefix="bench-"))
    models = get_settings().data_dir / "models"
    try:
        real_dir = base / "real"
        real_dir.mkdir()
        if models.is_dir():  # the CLI run finds the converted model without copying 470 MB
            (real_dir / "models").symlink_to(models.resolve())
        results["real"] = bench_real(real, real_dir, args.queries)
        print(json.dumps({"real": results["real"]}, ensure_ascii=False, indent=1), flush=True)
        if args.build:
            results["build"] = bench_build(real, args.build, base / "build")
            print(json.dumps({"build": results["build"]}, ensure_ascii=False, indent=1), flush=True)
        results["drafting"] = bench_drafting()
        print(json.dumps({"drafting": results["drafting"]}, ensure_ascii=False, indent=1), flush=True)
        for n in args.sizes:
            results[f"synthetic_{n}"] = bench_synthetic(real, n, base / f"syn{n}", args.queries)
            print(json.dumps({f"synthetic_{n}": results[f"synthetic_{n}"]}, ensure_ascii=False, indent=1),
                  flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["load_average_end"] = os.getloadavg()[0]
    summary = render(results)
    print(summary)
    if args.text:
        Path(args.text).write_text(f"# evals/bench.py, {time.strftime('%Y-%m-%d')}\n{summary}\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def render(r: dict) -> str:
    real = r["real"]
    lines = [
        "", f"机器：{r['cpus']} 核，负载 {r['load_average']:.1f}→{r['load_average_end']:.1f}；torch 线程 {r['torch_threads']}",
        f"模型加载：{r['model_load_s']} s（{r['embedder']}，torch 已导入：{r['torch_imported']}；"
        f"加载后峰值 RSS {r['rss_after_load_mb']} MB）",
        f"建索引（真实语料 {real['indicators']} 条指标，去重后嵌入 {real['indicator_texts_embedded']} 条）："
        f"{real['build_indicators_per_s']} 条指标/s（{real['embed_texts_per_s']} 条文本/s）；"
        f"完整重建（含 {real['full_build_entries'] - real['indicators']} 个项目）{real['full_build_s']} s",
        f"  同一次运行中编码器本身：1 线程 {real['raw_texts_per_s_1_thread']} 条/s，{r['cpus']} 核 "
        f"{real['raw_texts_per_s_all_cores']} 条/s；建索引 / 编码器（全部核）= {real['build_vs_raw']}"
        f"（另计打开 chroma {real['chroma_open_s']} s 则 {real['build_vs_raw_with_open']}）",
        f"无改动再建：进程内 {real['no_change_build_in_process_s']} s，`python -m assistant index` {real['no_change_cli_s']} s",
        "查询延迟 p50/p95 ms（全部 | 无筛选 | 按二级筛选）：",
        f"  真实语料 {real['indicators']} 条：端到端 {fmt(real['query_end_to_end'])}；仅索引侧 {fmt(real['query_index_side'])}",
    ]
    for key, value in r.items():
        if key.startswith("synthetic_"):
            lines.append(f"  合成 {value['indicators']} 条：端到端 {fmt(value['query_end_to_end'])}；"
                         f"仅索引侧 {fmt(value['query_index_side'])}")
            lines.append(f"    写入 chroma {value['load_into_chroma_s']} s；首次打开（读 chroma）"
                         f"{value['open_from_chroma_s']} s，之后（读副本）{value['open_from_saved_copy_s']} s；"
                         "向量为真实向量的重组，非模型嵌入")
    b = r.get("build")
    if b:
        lines.append(f"建索引（合成 {b['indicators']} 条指标，{b['texts']} 条文本由模型嵌入）：{b['build_s']} s，"
                     f"{b['build_texts_per_s']} 条/s；编码器本身 {b['raw_texts_per_s_all_cores']} 条/s；"
                     f"建索引 / 编码器 = {b['build_vs_raw']}")
    t = r.get("torch_raw")
    if t:
        lines.append(f"对照：torch 编码器本身 1 线程 {t['1']} 条/s，{r['cpus']} 线程 {t['all']} 条/s（子进程，同一批文本）")
    d = r.get("drafting")
    if d:
        lines.append(f"起草（热，{d['briefs']} 个不同项目）：draft_table p50/p95 {d['draft_table_ms']['p50']}/"
                     f"{d['draft_table_ms']['p95']} ms；suggest p50/p95 {d['suggest_ms']['p50']}/{d['suggest_ms']['p95']} ms")
    lines.append("端到端 = 每次查询都用模型嵌入查询文本；仅索引侧 = 查询向量已缓存（chroma 查询 + BM25 + 融合 + 结果）")
    sizes = "、".join(str(v["indicators"]) for k, v in r.items() if k.startswith("synthetic_")) or "无"
    lines.append(f"峰值 RSS：真实语料部分结束时 {real['peak_rss_mb']} MB，全部（含合成 {sizes} 条）{r['peak_rss_mb']} MB")
    return "\n".join(lines)


def fmt(m: dict) -> str:
    return " | ".join(f"{m[k]['p50_ms']}/{m[k]['p95_ms']}" for k in ("all", "unfiltered", "filtered"))


if __name__ == "__main__":
    raise SystemExit(main())
