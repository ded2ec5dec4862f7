"""One reader per source format → SourceDocument.

Owns ``read_source``: picking the reader for a file by its suffix, then (for text) by its encoding and
a sniff of its format. Readers are named after the *format* they read, not the city that happened to
file it, so a form from another unit in the same format reads the same way. Each text reader module
exposes ``matches(text) -> bool`` (a cheap sniff of the format) and ``read(path, text) ->
SourceDocument``; the office readers (xlsx_table, docx_table) expose ``read(path)`` and share the
standard table's rules (standard_rows, standard_block, standard_grid, standard_table). An office file
is untrusted input: its zip directory is checked here (limits), then it is read, bounded and
streaming (xlsx_parts, docx_table over xml_stream), in a worker process with a time and memory
limit (worker).
"""
from __future__ import annotations

from pathlib import Path

from assistant.corpus.readers import (
    budget_text,
    declaration_text,
    department_text,
    limits,
    public_record,
    self_eval_text,
    summary_text,
    worker,
)
from assistant.corpus.readers.office import SUFFIXES, read_office
from assistant.errors import IngestError
from assistant.schema import SourceDocument

# order matters: the most specific sniff first
_TEXT_READERS = [self_eval_text, department_text, budget_text, summary_text, declaration_text]


__all__ = ["read_office", "read_source"]


def read_source(path: Path, display: str | None = None, *, isolated: bool = True) -> SourceDocument:
    """Read one past form of any supported format. Raises IngestError with a Chinese message.

    ``display`` is the name the user knows the file by; ``isolated=False`` reads an office file in
    this process (still bounded), for callers that trust the file.
    """
    path = Path(path)
    name = display or path.name
    if not path.exists():
        raise IngestError(f"{name}：文件不存在")
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        limits.check_zip(path, suffix, name)  # the cheap refusals, without starting a process
        return worker.read_isolated(path, name) if isolated else read_office(path, name)
    limits.check_size(name, path.stat().st_size)
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(f"{path.name}：文件为空")
    if b"\x00" in data[:4096]:
        raise IngestError(f"{path.name}：不是文本文件（疑似二进制文件），支持 .txt / .xlsx / .docx")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{path.name}：无法识别的文本编码") from exc
    if suffix in public_record.SUFFIXES:
        return public_record.read(path, text)
    for reader in _TEXT_READERS:
        if reader.matches(text):
            return reader.read(path, text)
    raise IngestError(f"{path.name}：未识别的表格格式（未找到“一级指标/二级指标/三级指标”或“绩效指标”表头）")
