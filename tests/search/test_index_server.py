"""Server mode: the same index code against a real `chroma run` on 127.0.0.1 (chromadb.HttpClient)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from servers import free_port, running, wait_until_up
from test_index import (
    FILTERS,
    PARAPHRASES,
    PROJECTS,
    UNKNOWN_FILTERS,
    CountingEmbedder,
    check_filter,
    check_paraphrase,
    check_project,
    corpus_or_skip,
)

from assistant.config import Settings
from assistant.search.index import PrecedentIndex

CHROMA = Path(sys.executable).parent / "chroma"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not installed")
    base = tmp_path_factory.mktemp("chroma-server")
    port, log = free_port(), base / "server.log"
    cmd = [str(CHROMA), "run", "--path", str(base / "data"), "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, log, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}) as proc:
        wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, log, timeout=60)
        yield "127.0.0.1", port


def server_settings(chroma_server, data_dir: Path) -> Settings:
    host, port = chroma_server
    return Settings(data_dir=data_dir, chroma_host=host, chroma_port=port)


@pytest.fixture(scope="module")
def server_index(chroma_server, real_embedder, tmp_path_factory):
    docs = corpus_or_skip()
    index = PrecedentIndex(server_settings(chroma_server, tmp_path_factory.mktemp("client")), embedder=real_embedder)
    report = index.build(docs=docs)
    assert report.added == report.indicators + report.projects > 0 and report.embedded > 0
    assert report.location.startswith("chroma://127.0.0.1:")
    return index


@pytest.mark.parametrize("query, expected", PARAPHRASES)
def test_paraphrase_finds_the_precedent(server_index, query, expected):
    check_paraphrase(server_index, query, expected)


@pytest.mark.parametrize("query, expected", PROJECTS)
def test_similar_projects(server_index, query, expected):
    check_project(server_index, query, expected)


@pytest.mark.parametrize("filters, attribute, allowed", FILTERS)
def test_filters(server_index, filters, attribute, allowed):
    check_filter(server_index, filters, attribute, allowed)


@pytest.mark.parametrize("filters", UNKNOWN_FILTERS)
def test_unknown_filter_value_finds_nothing(server_index, filters):
    assert server_index.search("满意度", k=5, **filters) == []


def test_bad_queries_find_nothing(server_index):
    assert server_index.search("！！！") == [] and server_index.search("") == []


def test_a_second_client_finds_the_index_up_to_date(server_index, tmp_path):
    """No local state file in server mode: the hashes stored on the server say nothing changed."""
    counting = CountingEmbedder()
    counting.name = server_index.embedder.name  # same model identity: the collections are kept
    other = PrecedentIndex(server_settings_of(server_index, tmp_path), embedder=counting)
    report = other.build(docs=corpus_or_skip())
    assert report.unchanged and report.embedded == 0 and counting.embedded == []
    assert not (tmp_path / "index").exists()  # nothing written locally


def server_settings_of(index: PrecedentIndex, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, chroma_host=index.settings.chroma_host,
                    chroma_port=index.settings.chroma_port)
