"""The served embedder (assistant/search/onnx_query.py): ONNX Runtime, no torch, the torch path's vectors."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings, get_settings
from assistant.errors import PrecedentIndexError
from assistant.search import embedder as E
from assistant.search import model_convert, onnx_query
from assistant.search.embedder import SentenceTransformerEmbedder, bundled_model_dir, ensure_bundled_model, load_bundled

# seed wording, plus what a tokenizer or a pooling can get wrong: ～, full-width letters, runs of
# spaces and tabs, surrounding whitespace, an empty text, a text past 512 tokens, mixed lengths in one batch
TEXTS = [
    "房屋租金支出", "12329短信发送量≥1000000条", "缴存职工满意度", "组织职工培训时间 2024年1月～12月",
    "手机ＡＰＰ  网上业务大厅\t微信公众号", "  年租赁费用  ", "", "满意度 $\\geq 90\\%$",
    "住房公积金" * 400, "通过等保测评，提升系统安全，保障业务连续运行，全年系统可用率不低于99.9%",
]


@pytest.fixture(scope="module")
def folder():
    return ensure_bundled_model(get_settings().data_dir)


@pytest.fixture(scope="module")
def torch_embedder(folder):
    return SentenceTransformerEmbedder(str(folder), prefix="query: ", name=folder.name)


@pytest.fixture(scope="module")
def onnx_embedder(folder):
    assert onnx_query.ensure_files(folder), "the ONNX export should be available here (onnx is pinned)"
    return onnx_query.OnnxEmbedder(folder, prefix="query: ", name=folder.name, max_chars=E.MAX_CHARS)


@pytest.mark.integration
def test_onnx_vectors_equal_torch_one_by_one_and_in_batches(torch_embedder, onnx_embedder):
    slow = torch_embedder.embed(TEXTS)
    singles = np.concatenate([onnx_embedder.embed([t]) for t in TEXTS])
    with onnx_embedder.using_threads(2):
        batch = onnx_embedder.embed(TEXTS)
    for fast in (singles, batch):
        assert fast.shape == slow.shape and fast.dtype == np.float32
        cosines = (fast * slow).sum(axis=1)
        assert cosines.min() >= 0.9999, dict(zip(TEXTS, cosines.round(6)))
    assert onnx_embedder.name == torch_embedder.name  # an index built by one is served by the other
    assert onnx_embedder.embed([]).shape == (0, 384)


@pytest.mark.integration
def test_the_served_path_imports_no_torch(folder):
    code = ("import sys; from assistant.search.embedder import get_embedder; e = get_embedder(); "
            "v = e.embed(['房屋租金支出']); print(type(e).__name__, v.shape, "
            "'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["OnnxEmbedder", "(1,", "384)", "False", "False"], done.stderr[-2000:]


@pytest.fixture
def copied(folder, tmp_path):
    """The converted folder under a temporary data dir (weights hard-linked where possible)."""
    target = bundled_model_dir(tmp_path)
    target.parent.mkdir(parents=True)

    def link(src, dst):  # onnx refuses to read external weights that have several hard links
        if Path(src).name.startswith("model.onnx"):
            return shutil.copy2(src, dst)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(folder, target, copy_function=link)
    return target


@pytest.mark.integration
def test_a_damaged_onnx_file_falls_back_to_torch_and_is_removed(copied, tmp_path, monkeypatch):
    (copied / onnx_query.ONNX_FILE).unlink()
    (copied / onnx_query.ONNX_FILE).write_bytes(b"not a graph")
    monkeypatch.setattr(onnx_query, "ensure_files", lambda folder: True)  # no export: use what is there
    embedder = load_bundled(Settings(data_dir=tmp_path))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert not (copied / onnx_query.ONNX_FILE).exists()


@pytest.mark.integration
def test_an_export_that_fails_falls_back_to_torch(copied, tmp_path, monkeypatch):
    for name in (onnx_query.ONNX_FILE, onnx_query.ONNX_DATA):
        (copied / name).unlink(missing_ok=True)
    monkeypatch.setattr(onnx_query.sys, "executable", "/bin/false")
    embedder = load_bundled(Settings(data_dir=tmp_path))
    assert isinstance(embedder, SentenceTransformerEmbedder)


@pytest.mark.integration
def test_a_legacy_single_file_export_is_split_without_torch(copied, folder, tmp_path):
    import onnx

    model = onnx.load(str(copied / onnx_query.ONNX_FILE))  # weights read in: saved as one file
    (copied / onnx_query.ONNX_DATA).unlink()
    onnx.save_model(model, str(copied / onnx_query.ONNX_FILE))
    assert onnx_query.ensure_files(copied)
    assert (copied / onnx_query.ONNX_FILE).stat().st_size < 10_000_000
    embedder = load_bundled(Settings(data_dir=tmp_path))
    assert isinstance(embedder, onnx_query.OnnxEmbedder)


def test_a_killed_conversion_leaves_nothing_behind(tmp_path, monkeypatch):
    """A temporary folder of a conversion killed halfway is removed; the folder is converted anew."""
    target = bundled_model_dir(tmp_path)
    stale = target.parent / f".{target.name}-abc123"
    stale.mkdir(parents=True)
    (stale / "model.safetensors").write_bytes(b"half")
    target.mkdir()
    (target / "config.json").write_text("{}")  # half a folder, no manifest
    calls = []
    monkeypatch.setattr(E, "_convert", lambda t: calls.append(t) or t)
    assert ensure_bundled_model(tmp_path) == target
    assert calls == [target] and not stale.exists()


def test_a_conversion_held_by_another_process_ends_in_a_message(tmp_path, monkeypatch):
    import fcntl

    target = bundled_model_dir(tmp_path)
    target.parent.mkdir(parents=True)
    monkeypatch.setattr(E, "CONVERT_WAIT_S", 0.6)
    with open(target.parent / ".convert.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(PrecedentIndexError, match="另一个进程转换向量模型"):
            ensure_bundled_model(tmp_path)


def test_manifest_has_no_onnx_files(folder):
    """The ONNX files are checked by the probe, not the manifest: exporting never invalidates it."""
    files = json.loads((folder / model_convert.MANIFEST).read_text())["files"]
    assert not {onnx_query.ONNX_FILE, onnx_query.ONNX_DATA} & set(files)


def test_a_killed_export_leaves_nothing_behind(tmp_path):
    import time

    stale = tmp_path / ".onnx-abc"
    stale.mkdir()
    (stale / "single.onnx").write_bytes(b"half")
    old = time.time() - 2 * onnx_query.EXPORT_TIMEOUT_S
    os.utime(stale, (old, old))
    live = tmp_path / ".onnx-live"
    live.mkdir()
    onnx_query._remove_stale(tmp_path)
    assert not stale.exists() and live.exists()
