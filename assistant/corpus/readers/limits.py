"""The limits an untrusted .xlsx/.docx must stay within, checked before any library expands it.

One copy of each limit and of its Chinese message. A past 申报表 is a few sheets of a few hundred
cells; these bounds are two orders of magnitude above any real form and far below what takes a
server down (a zip bomb, a merged range over a whole sheet, a million empty rows). The zip
directory is checked from its central directory only (nothing is decompressed); the parts are
then read by streaming parsers (xlsx_parts, docx_table) that stop at the first limit broken, inside
a worker process with its own time and memory limits (worker).
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IngestError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_ENTRIES = 1000  # files inside the zip
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # all entries together, uncompressed
MAX_PART_BYTES = 20 * 1024 * 1024  # one XML part (a sheet, the document body, the shared strings)
MAX_RATIO = 100  # uncompressed ÷ compressed, for an entry above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_SHEETS = 50
MAX_ROWS = 5000  # rows read from one file (all sheets or tables together)
MAX_COLUMNS = 64  # columns read per row; cells further right are ignored (and said so)
MAX_CELLS = 100_000  # non-empty cells read from one file
MAX_MERGES = 5000  # merged ranges
MAX_MERGED_CELLS = 50_000  # grid positions filled from merged ranges, after clipping to the data
MAX_CELL_CHARS = 2000  # one cell's text; longer text is cut (and said so)
MAX_SHARED_STRINGS = 200_000
MAX_XML_ELEMENTS = 2_000_000  # elements of one XML part, whatever they are
MAX_PARAGRAPHS = 20_000  # .docx paragraphs outside tables
MAX_INDICATORS = 2000  # indicator rows kept from one file (我的语料: more is not a form)
WORKER_SECONDS = 8.0  # wall time for reading one file in the worker
WORKER_EXTRA_MB = 400  # address space the worker may add to what it holds after start-up


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def refuse(name: str, what: str) -> IngestError:
    """The one shape of a refusal: "<file>：<what>，未导入。"."""
    return IngestError(f"{name}：{what}，未导入。请只保留绩效目标表所在的工作表或页面后再上传")


def check_size(name: str, size: int) -> None:
    if size == 0:
        raise IngestError(f"{name}：文件为空")
    if size > MAX_UPLOAD_BYTES:
        raise IngestError(f"{name}：文件过大（{size / 1024 / 1024:.1f} MB），上限为 {_mb(MAX_UPLOAD_BYTES)}。"
                          "请只保留绩效目标表所在的工作表或页面后再上传")


def check_zip(path: Path, kind: str, display: str | None = None) -> list[zipfile.ZipInfo]:
    """The zip directory of an office file, checked entry by entry; IngestError names the limit.

    Only the central directory is read. The sizes it declares are what the streaming readers
    enforce again while decompressing, so a directory that lies gains nothing.
    """
    name = display or path.name
    check_size(name, path.stat().st_size)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(f"{name}：不是有效的 {kind} 文件（{type(exc).__name__}）") from exc
    if len(entries) > MAX_ENTRIES:
        raise refuse(name, f"压缩包内文件过多（{len(entries)} 个，上限 {MAX_ENTRIES} 个）")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_PART_BYTES and entry.filename.endswith((".xml", ".rels")):
            raise refuse(name, f"“{entry.filename[:60]}”解压后过大（{_mb(entry.file_size)}，上限 {_mb(MAX_PART_BYTES)}）")
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise refuse(name, f"“{entry.filename[:60]}”压缩比异常（{ratio:.0f} 倍，上限 {MAX_RATIO} 倍），疑似压缩炸弹")
    if total > MAX_UNZIPPED_BYTES:
        raise refuse(name, f"解压后总大小过大（{_mb(total)}，上限 {_mb(MAX_UNZIPPED_BYTES)}）")
    return entries


# What a damaged office package raises while it is read, part by part.
_BROKEN = (zipfile.BadZipFile, KeyError, EOFError, OSError, RuntimeError, zlib.error)


@contextmanager
def open_package(path: Path, kind: str, name: str) -> Iterator[zipfile.ZipFile]:
    """The office file, its zip directory checked (check_zip), open for reading; a package broken anywhere
    in the reading is one IngestError naming the file and the kind ("不是有效的 .docx 文件")."""
    check_zip(path, kind, name)
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except _BROKEN as exc:
        raise IngestError(f"{name}：不是有效的 {kind} 文件（{type(exc).__name__}）") from exc


def read_part(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    """One XML part, decompressed in chunks and stopped at MAX_PART_BYTES whatever its header says."""
    chunks, size = [], 0
    with archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_PART_BYTES:
                raise refuse(name, f"“{member[:60]}”解压后过大（上限 {_mb(MAX_PART_BYTES)}）")
            chunks.append(chunk)
    return b"".join(chunks)


def too_many(name: str, what: str, limit: int) -> IngestError:
    return refuse(name, f"{what}过多（上限 {limit}）")
