"""An office file (.xlsx/.docx) read in this process, by its suffix: the readers are bounded and
streaming (limits, xml_stream), so this is what the worker process runs, and what a test or a
trusted caller may run directly."""
from __future__ import annotations

from pathlib import Path

from assistant.corpus.readers import docx_table, selfeval_table, xlsx_table
from assistant.errors import IngestError
from assistant.schema import SourceDocument

SUFFIXES = (".xlsx", ".docx")


def read_office(path: Path, display: str | None = None) -> SourceDocument:
    """``display`` is the name the user knows the file by (an upload is read from a temporary copy)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in SUFFIXES and (evaluated := selfeval_table.read(path, display)) is not None:
        return evaluated  # a 绩效自评表 (实际完成值, 得分); anything else is read as a 申报表
    if suffix == ".xlsx":
        return xlsx_table.read(path, display)
    if suffix == ".docx":
        return docx_table.read(path, display)
    raise IngestError(f"{display or path.name}：不支持的文件类型，支持 .xlsx / .docx")
