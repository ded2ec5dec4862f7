"""The served embedder: the e5 weights run by ONNX Runtime, with no torch in the process.

Texts are tokenised by the ``tokenizers`` library from the converted folder's tokenizer.json (the
file sentence-transformers itself reads), the transformer runs in ONNX Runtime, and the mean
pooling and L2 normalisation that sentence-transformers adds are done in numpy — the vectors equal
the torch path's (cosine ≥ 0.9999, tests/search/test_onnx.py), so an index built by either serves
the other.

The graph is exported once next to the converted model, with its weights in a separate file
(``model.onnx`` + ``model.onnx.data``): ONNX Runtime then maps the weights from disk instead of
copying them, so the 384 MB word-embedding table costs only the rows actually looked up. Measured
on this 2-core machine: session ready in 0.14 s at 148 MB RSS, against 1.6 s and 875 MB peak for
one self-contained file. The export needs torch; it runs in a child process, so the page and the
CLI never import torch to serve queries.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"
ONNX_DATA = "model.onnx.data"
MAX_TOKENS = 512
EXPORT_TIMEOUT_S = 600  # a stuck export must end in a message, never a hang
BATCH = 16  # texts per ONNX run in a batch job: measured best of 16/32/64 (less padding)


def files_present(folder: Path) -> bool:
    return (Path(folder) / ONNX_FILE).is_file() and (Path(folder) / ONNX_DATA).is_file()


def _max_tokens(folder: Path) -> int:
    try:
        config = json.loads((Path(folder) / "tokenizer_config.json").read_text())
        return min(MAX_TOKENS, int(config.get("model_max_length") or MAX_TOKENS))
    except (OSError, ValueError, TypeError):
        return MAX_TOKENS


class OnnxEncoder:
    """Mean-pooled, L2-normalised vectors, exactly as the sentence-transformers model gives them.

    One session, one intra-op thread: ``run`` releases the GIL and computes on the calling thread,
    so a batch job runs batches on several Python threads at once over the same mapped weights
    (``encode_parallel``) — no second copy of the model, and single queries stay on one thread,
    which is as fast as two for one short text here (EMBEDDING.md).
    """

    def __init__(self, folder: Path, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(_max_tokens(folder))
        self.tokenizer.no_padding()
        self.pad_id = self.tokenizer.token_to_id("<pad>") or 0
        self.dim = int(self.session.get_outputs()[0].shape[-1]) if isinstance(
            self.session.get_outputs()[0].shape[-1], int) else 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self.pad_id, np.int64)
        mask = np.zeros((len(encodings), width), np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        weights = mask[..., None].astype(np.float32)
        vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors.astype(np.float32)

    def encode_parallel(self, texts: Sequence[str], workers: int, batch: int = BATCH) -> np.ndarray:
        """Batches of similar length (the caller sorts) on ``workers`` threads; rows in input order."""
        chunks = [texts[i : i + batch] for i in range(0, len(texts), batch)]
        if workers <= 1 or len(chunks) <= 1:
            return np.concatenate([self.encode(c) for c in chunks])
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="onnx-embed") as pool:
            return np.concatenate(list(pool.map(self.encode, chunks)))


class OnnxEmbedder:
    """The Embedder served by the page and the CLI: ONNX Runtime only (no torch import)."""

    def __init__(self, folder: Path, *, prefix: str = "", name: str | None = None, max_chars: int = 2048):
        self.encoder = OnnxEncoder(folder)
        self.prefix = prefix
        self.max_chars = max_chars
        self.name = f"{name or Path(folder).name}|{prefix.strip()}"
        self.dim = self.encoder.dim or int(self.encoder.encode(["dim"]).shape[1])
        self.workers = 1

    @contextmanager
    def using_threads(self, n: int):
        """Batch work (an index build) on ``n`` threads; queries stay on one."""
        before, self.workers = self.workers, max(1, n)
        try:
            yield self
        finally:
            self.workers = before

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), np.float32)
        inputs = [self.prefix + (t or "")[: self.max_chars] for t in texts]
        if len(inputs) == 1:
            return self.encoder.encode(inputs)
        return self.encoder.encode_parallel(inputs, self.workers)


# --- the export (torch; run in a child process) ------------------------------------------------

def export(folder: Path) -> None:
    """Export the sentence-transformers model in ``folder`` to model.onnx + model.onnx.data.

    Written into a temporary folder and renamed into place, the data file first: a graph file is
    only ever beside the weights it was exported with, and a killed export leaves no graph.
    """
    import shutil
    import tempfile
    import warnings

    import torch
    from sentence_transformers import SentenceTransformer

    folder = Path(folder)
    st_model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    bert = st_model[0].auto_model

    class Wrapper(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = st_model.tokenizer(["query: 住房公积金"], return_tensors="pt")
    tmp = Path(tempfile.mkdtemp(prefix=".onnx-", dir=folder))
    axes = {0: "batch", 1: "tokens"}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's deprecation and tracer notes are not for users
            torch.onnx.export(Wrapper(bert).eval(), (sample["input_ids"], sample["attention_mask"]),
                              str(tmp / "single.onnx"), input_names=["input_ids", "attention_mask"],
                              output_names=["last_hidden_state"],
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                              opset_version=17, dynamo=False)
        _split_weights(tmp / "single.onnx", tmp)
        (tmp / ONNX_DATA).replace(folder / ONNX_DATA)
        (tmp / ONNX_FILE).replace(folder / ONNX_FILE)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _split_weights(single: Path, out: Path) -> None:
    """One self-contained .onnx → graph + weights file (offsets aligned, so they can be mapped)."""
    import onnx
    from onnx.external_data_helper import convert_model_to_external_data

    model = onnx.load(str(single))
    convert_model_to_external_data(model, all_tensors_to_one_file=True, location=ONNX_DATA, size_threshold=1024)
    onnx.save_model(model, str(out / ONNX_FILE))


def split_legacy(folder: Path) -> bool:
    """A model.onnx from before the weights were kept apart: split it in place (no torch needed)."""
    import shutil
    import tempfile

    folder = Path(folder)
    tmp = Path(tempfile.mkdtemp(prefix=".onnx-", dir=folder))
    try:
        _split_weights(folder / ONNX_FILE, tmp)
        (tmp / ONNX_DATA).replace(folder / ONNX_DATA)
        (tmp / ONNX_FILE).replace(folder / ONNX_FILE)
        return True
    except Exception as exc:  # a damaged legacy file: exported afresh instead
        log.info("旧 ONNX 文件无法拆分，将重新导出：%s", exc)
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_lock = threading.Lock()


def ensure_files(folder: Path, timeout: float = EXPORT_TIMEOUT_S) -> bool:
    """model.onnx + model.onnx.data present in ``folder``, exported in a child process if needed.

    False (and a log line) when they cannot be had: the caller then serves with torch.
    """
    folder = Path(folder)
    with _lock:
        if files_present(folder):
            return True
        _remove_stale(folder)
        if (folder / ONNX_FILE).is_file() and split_legacy(folder):
            return True
        log.warning("导出 ONNX 查询模型（仅首次，约 20 秒）：%s", folder)
        cmd = [sys.executable, "-m", "assistant.search.onnx_query", "export", str(folder)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
        except subprocess.TimeoutExpired:
            log.warning("ONNX 导出超过 %d 秒未完成，改用 torch", timeout)
            return False
        if done.returncode != 0:
            log.warning("ONNX 导出失败，改用 torch：%s", (done.stderr or "").strip()[-800:])
            return False
        return files_present(folder)


def _remove_stale(folder: Path, older_than_s: float = EXPORT_TIMEOUT_S) -> None:
    """Temporary folders of exports that were killed (older than any live export can be)."""
    import shutil
    import time

    for stale in Path(folder).glob(".onnx-*"):
        try:
            if stale.is_dir() and time.time() - stale.stat().st_mtime > older_than_s:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass


def remove_files(folder: Path) -> None:
    """A damaged export must not stick: the next load exports again."""
    for name in (ONNX_FILE, ONNX_DATA):
        try:
            (Path(folder) / name).unlink(missing_ok=True)
        except OSError:
            pass


if __name__ == "__main__":  # python -m assistant.search.onnx_query export FOLDER
    if len(sys.argv) == 3 and sys.argv[1] == "export":
        export(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: python -m assistant.search.onnx_query export FOLDER")
