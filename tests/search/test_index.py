"""The precedent index: search by meaning, filters, provenance, persistence, incremental rebuild,
damaged and missing index directories, bad input. Real model + real corpus where it matters; a
counting fake embedder where only the bookkeeping is tested.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.search import index as index_module
from assistant.config import Settings, get_settings
from assistant.corpus.store import load_documents
from assistant.errors import PrecedentIndexError
from assistant.search.index import PrecedentHit, PrecedentIndex, ProjectHit, clean_query, fuse
from assistant.search.lexical import char_ngrams
from assistant.schema import (
    FormKind,
    Indicator,
    Level1,
    Level2,
    ProjectRecord,
    Provenance,
    SourceDocument,
    TargetTable,
)

REPO = Path(__file__).resolve().parents[2]

# (query in a preparer's words, names that must appear in the top 5) — from the seed forms
PARAPHRASES = [
    ("房屋租金支出", {"租赁费用", "年租赁费用"}),
    ("热线短信推送条数", {"12329短信发送量"}),
    ("等保测评", {"通过等保测评，提升系统安全", "一年进行一次等级保护测评"}),
    ("参训学员满意程度", {"学员满意度", "培训人员满意度"}),
    ("开通了几条网络专线", {"网络专线数量", "当年开通专线数量", "专线线路条数"}),
    ("信息系统出故障的比例", {"系统故障率", "故障率"}),
]
PROJECTS = [
    ("12329热线和短信平台服务费", {"公积金信息化服务外包项目", "其他运行经费"}),
    ("租办公用房的房租", {"房屋租赁费", "办公、业务用房租赁经费"}),
    ("职工工作服定制", {"专项业务费-工装购置费"}),
]
# filters → what every hit must satisfy (attribute, allowed values)
FILTERS = [
    ({"city": "六安"}, "city", {"六安"}),
    ({"city": "张家口市"}, "city", {"张家口"}),  # the stored name is the shorter one
    ({"year": 2020}, "year", {2020}),
    ({"year": "2024"}, "year", {2024}),
    ({"level1": "满意度指标"}, "level1", {Level1.SATISFACTION}),
    ({"level2": "成本指标"}, "level2", {Level2.COST}),
    ({"level2": "社会效益"}, "level2", {Level2.SOCIAL}),
    ({"form_kind": "自评表"}, "form_kind", {FormKind.SELF_EVALUATION}),
    ({"source": "002_98f9b5c3ed7d96d3"}, "source", {"002_98f9b5c3ed7d96d3.txt"}),
    ({"city": "六安", "level2": "数量指标"}, "level2", {Level2.QUANTITY}),
]
UNKNOWN_FILTERS = [{"city": "北京"}, {"year": 1999}, {"year": "去年"}, {"level2": "不存在的指标"},
                   {"form_kind": "预算表"}, {"source": "999.txt"}, {"city": "六安", "year": 2024}]
BAD_QUERIES = ["", "   ", "！！！，。、", "…… —— ？", None]


class CountingEmbedder:
    """Bag of character bigrams hashed into 384 dims: similar wording → similar vectors, instantly."""

    name = "fake-bigrams|"
    dim = 384

    def __init__(self):
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            for gram in char_ngrams(text) or ["∅"]:
                out[row, int(hashlib.md5(gram.encode()).hexdigest(), 16) % self.dim] += 1
        return out / np.linalg.norm(out, axis=1, keepdims=True).clip(1e-9)


def corpus_or_skip():
    docs = load_documents([get_settings().forms_dir])
    if not docs:
        pytest.skip("corpus/forms 为空：先运行 python -m assistant ingest corpus/sources/*.txt")
    return docs


@pytest.fixture(scope="module")
def real_index(real_embedder, tmp_path_factory):
    """The real corpus in a persistent index of its own, built once for the module."""
    docs = corpus_or_skip()
    index = PrecedentIndex(Settings(data_dir=tmp_path_factory.mktemp("index"), chroma_host=None),
                           embedder=real_embedder)
    report = index.build(docs=docs)
    assert report.indicators == sum(len(p.table.indicators) for d in docs for p in d.projects)
    return index


# --- the searches, shared with the server test (test_index_server.py) ---------------------------

def check_paraphrase(index, query, expected):
    names = [h.name for h in index.search(query, k=5)]
    assert expected & set(names), names


def check_project(index, query, expected):
    hits = index.similar_projects(query, k=5)
    assert all(isinstance(h, ProjectHit) for h in hits)
    assert expected & {h.project for h in hits}, [h.project for h in hits]


def check_filter(index, filters, attribute, allowed):
    hits = index.search("满意度", k=20, **filters)
    assert hits, filters
    assert {getattr(h, attribute) for h in hits} <= allowed


@pytest.mark.integration
@pytest.mark.parametrize("query, expected", PARAPHRASES)
def test_paraphrase_finds_the_precedent(real_index, query, expected):
    check_paraphrase(real_index, query, expected)


@pytest.mark.integration
@pytest.mark.parametrize("query, expected", PROJECTS)
def test_similar_projects(real_index, query, expected):
    check_project(real_index, query, expected)


@pytest.mark.integration
@pytest.mark.parametrize("filters, attribute, allowed", FILTERS)
def test_filters(real_index, filters, attribute, allowed):
    check_filter(real_index, filters, attribute, allowed)


@pytest.mark.integration
@pytest.mark.parametrize("filters", UNKNOWN_FILTERS)
def test_unknown_filter_value_finds_nothing(real_index, filters):
    assert real_index.search("满意度", k=5, **filters) == []


@pytest.mark.integration
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_empty_or_punctuation_query_finds_nothing(real_index, query):
    assert real_index.search(query) == []
    assert real_index.similar_projects(query) == []


@pytest.mark.integration
def test_a_100kb_query_is_cut_not_refused(real_index):
    hits = real_index.search("房屋租金支出" + "，" * 100_000, k=3)
    assert len(hits) == 3


@pytest.mark.integration
def test_hits_carry_full_provenance(real_index):
    hit = real_index.search("12329短信发送量", k=1)[0]
    assert isinstance(hit, PrecedentHit)
    assert (hit.name, hit.city, hit.year, hit.value) == ("12329短信发送量", "六安", 2022, "≥1000000条")
    assert (hit.level1, hit.level2) == (Level1.OUTPUT, Level2.QUANTITY)
    assert hit.source == "000_35dfb5000cd90ba0.txt" and hit.line and hit.unit and hit.project
    assert hit.form_kind is FormKind.DECLARATION and hit.dense > 0.9 and hit.lexical > 0.3
    precedent = hit.to_precedent()
    assert (precedent.city, precedent.source, precedent.line) == ("六安", hit.source, hit.line)
    basis = real_index.search("房屋租金支出", k=5, city="张家口")
    assert any(h.basis_note == "合同约定" for h in basis)
    json.loads(hit.model_dump_json())


@pytest.mark.integration
@pytest.mark.parametrize("filters", [{"level2": "服务对象满意度指标"}, {"city": "张家口", "year": 2020},
                                     {"form_kind": "自评表"}])
def test_filtered_search_in_memory_equals_chroma_where(real_index, filters):
    """A local index scores filtered queries exactly in numpy; chromadb's `where` must agree."""
    in_memory = [(h.key, round(h.dense, 4)) for h in real_index.search("职工满意程度", k=8, **filters)]
    view = real_index.view("indicators")
    vectors, view.vectors = view.vectors, None  # forces the chromadb `where` query
    try:
        by_chroma = [(h.key, round(h.dense, 4)) for h in real_index.search("职工满意程度", k=8, **filters)]
    finally:
        view.vectors = vectors
    assert in_memory == by_chroma


@pytest.mark.integration
def test_reopened_in_a_new_process_without_rebuilding(real_index):
    """Persistent: another process finds the same hit, and a second build does no work."""
    code = (
        "import json, sys; from assistant.config import Settings; from assistant.search.index import PrecedentIndex;"
        f"i = PrecedentIndex(Settings(data_dir={str(real_index.settings.data_dir)!r}, chroma_host=None));"
        "r = i.build(); h = i.search('热线短信推送条数', k=3);"
        "print(json.dumps({'report': r.model_dump(), 'names': [x.name for x in h]}, ensure_ascii=False))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["report"]["unchanged"] and out["report"]["embedded"] == 0
    assert out["report"]["seconds"] < 2.0
    assert "12329短信发送量" in out["names"]


# --- bookkeeping with the fake embedder ----------------------------------------------------------

def doc(source: str, city: str, *names: str, year: int = 2023, value: str = "≥90%") -> SourceDocument:
    table = TargetTable(year=year, project_name=f"{city}业务经费", purpose="保障业务正常开展",
                        indicators=[Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name=n, value=value,
                                              line=10 + i) for i, n in enumerate(names)])
    return SourceDocument(provenance=Provenance(source=source, city=city, unit=f"{city}中心", year=year,
                                                form_kind=FormKind.DECLARATION),
                          projects=[ProjectRecord(table=table, line=5)])


@pytest.fixture
def small(tmp_path):
    docs = [doc("a.txt", "甲市", "培训次数", "宣传次数", "专线数量"), doc("b.txt", "乙市", "培训人数", "网点数量")]
    return PrecedentIndex(Settings(data_dir=tmp_path, chroma_host=None), embedder=CountingEmbedder()), docs


def test_incremental_rebuild_embeds_only_what_changed(small):
    index, docs = small
    first = index.build(docs=docs)
    assert (first.indicators, first.projects, first.added, first.embedded) == (5, 2, 7, 7)
    index.embedder.embedded.clear()

    again = index.build(docs=docs)
    assert again.unchanged and index.embedder.embedded == []

    docs[0].projects[0].table.indicators[1].name = "政策宣传次数"
    changed = index.build(docs=docs)
    assert (changed.added, changed.updated, changed.removed) == (1, 0, 1)  # the key holds the name
    assert index.embedder.embedded == ["数量指标 政策宣传次数"]  # that record only
    index.embedder.embedded.clear()

    docs[1].projects[0].table.indicators[0].value = "≥100人"
    value_only = index.build(docs=docs)
    assert value_only.updated == 1 and value_only.embedded == 0 and value_only.reused == 1
    assert index.embedder.embedded == []

    shrunk = index.build(docs=docs[:1])
    assert (shrunk.removed, shrunk.indicators, shrunk.projects) == (3, 3, 1)
    assert all(h.source == "a.txt" for h in index.search("网点数量"))


def test_a_line_shift_reuses_vectors(small):
    index, docs = small
    index.build(docs=docs)
    index.embedder.embedded.clear()
    for i, ind in enumerate(docs[0].projects[0].table.indicators):
        ind.line = 100 + i
    report = index.build(docs=docs)
    assert report.added == 3 and report.removed == 3 and report.embedded == 0 and report.reused == 3


def test_force_rebuilds_everything(small):
    index, docs = small
    index.build(docs=docs)
    assert index.build(docs=docs, force=True).embedded == 7


def test_another_embedder_rebuilds_the_collections(small, tmp_path):
    index, docs = small
    index.build(docs=docs)
    other = CountingEmbedder()
    other.name = "another-model|"
    report = PrecedentIndex(index.settings, embedder=other).build(docs=docs)
    assert report.embedded == 7 and report.added == 7


def test_the_saved_view_copy_is_used_until_the_collection_changes(small, monkeypatch):
    index, docs = small
    index.build(docs=docs)
    index.search("培训次数")
    saved = index.settings.data_dir / "index" / "view-indicators.json"
    assert saved.exists() and (index.settings.data_dir / "index" / "view-indicators.npy").exists()

    from assistant.search.index_view import View

    real_load = View.load
    monkeypatch.setattr(View, "load", classmethod(lambda *a, **k: pytest.fail("read chromadb again")))
    reopened = PrecedentIndex(index.settings, embedder=index.embedder)
    assert reopened.search("培训次数", k=1)[0].name == "培训次数"

    monkeypatch.setattr(View, "load", real_load)
    docs[0].projects[0].table.indicators[0].name = "业务培训次数"
    reopened.build(docs=docs)  # a new stamp: the copy is stale and replaced
    assert reopened.search("业务培训次数", k=1)[0].name == "业务培训次数"
    assert "业务培训次数" in saved.read_text(encoding="utf-8")


def test_damaged_index_directory_is_rebuilt(small):
    index, docs = small
    index.build(docs=docs)
    path = index.settings.data_dir / "index"
    (path / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    fresh = PrecedentIndex(index.settings, embedder=CountingEmbedder())
    fresh.build(docs=docs)
    assert [h.name for h in fresh.search("培训次数", k=1)] == ["培训次数"]


def test_deleted_index_directory_is_rebuilt_on_first_search(small, monkeypatch):
    index, docs = small
    index.build(docs=docs)
    import shutil

    shutil.rmtree(index.settings.data_dir / "index")
    monkeypatch.setattr("assistant.corpus.store.load_documents", lambda *a, **k: docs)
    fresh = PrecedentIndex(index.settings, embedder=CountingEmbedder())
    assert [h.name for h in fresh.search("培训次数", k=1)] == ["培训次数"]


def test_unwritable_data_dir_is_a_chinese_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    index = PrecedentIndex(Settings(data_dir=blocker / "data", chroma_host=None), embedder=CountingEmbedder())
    with pytest.raises(PrecedentIndexError, match="数据目录不可写"):
        index.build(docs=[doc("a.txt", "甲市", "培训次数")])


def test_unreachable_server_is_a_chinese_error(tmp_path):
    index = PrecedentIndex(Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=9),
                           embedder=CountingEmbedder())
    with pytest.raises(PrecedentIndexError, match="无法连接 Chroma 服务器"):
        index.build(docs=[doc("a.txt", "甲市", "培训次数")])


def test_public_api_uses_the_process_wide_index(small, monkeypatch):
    index, docs = small
    index.build(docs=docs)
    monkeypatch.setattr(index_module, "_index", index)
    assert index_module.get_index() is index
    assert [h.name for h in index_module.search_precedents("培训次数", k=1, city="甲市")] == ["培训次数"]
    assert index_module.search_precedents("培训次数", city="丙市") == []
    assert index_module.similar_projects("甲市业务经费", k=1)[0].city == "甲市"
    assert index_module.index_exists()


@pytest.mark.parametrize("query, expected", [
    ("  房屋\n租金  支出 ", "房屋 租金 支出"), ("！！！", ""), ("", ""), (None, ""), ("12329", "12329"),
])
def test_clean_query(query, expected):
    assert clean_query(query) == expected


def test_fusion_methods():
    dense = {0: 0.93, 1: 0.92, 2: 0.90}
    lexical = {2: 0.9, 3: 0.5}
    assert [r for r, _ in fuse(dense, {}, "weighted")] == [0, 1, 2]
    assert [r for r, _ in fuse(dense, lexical, "weighted")][0] == 2  # strong wording match wins
    assert [r for r, _ in fuse(dense, lexical, "dense")] == [0, 1, 2]
    assert [r for r, _ in fuse(dense, lexical, "lexical")] == [2, 3]
    assert {r for r, _ in fuse(dense, lexical, "rrf")} == {0, 1, 2, 3}
    with pytest.raises(ValueError):
        fuse(dense, lexical, "nonsense")
