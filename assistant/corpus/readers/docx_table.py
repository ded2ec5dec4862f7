"""Reader for the standard 项目支出绩效目标申报表 as .docx: a document's tables and paragraphs → Rows.

The document's paragraphs and table rows, in order, become the same rows the .xlsx reader makes,
read as a standard table by standard_table, so both formats are read by one set of rules.
python-docx repeats a merged cell's text in every grid position it covers, which carries merged
一级/二级 cells down by itself.
"""
from __future__ import annotations

from pathlib import Path

from assistant.corpus.readers.standard_rows import Row
from assistant.corpus.readers.standard_table import document, open_file, parse_rows
from assistant.schema import SourceDocument


def _table_rows(table, prefix: str) -> list[Row]:
    rows = []
    for number, row in enumerate(table.rows, 1):
        # a row may start later than the first grid column: keep the cells under their headers
        cells = [""] * row.grid_cols_before + [cell.text.strip() for cell in row.cells]
        rows.append(Row(number, cells, len(cells), f"{prefix}第{number}行"))
    return rows


def document_rows(doc) -> list[Row]:
    from docx.table import Table

    tables = sum(1 for item in doc.iter_inner_content() if isinstance(item, Table))
    rows: list[Row] = []
    count = 0
    for item in doc.iter_inner_content():
        if isinstance(item, Table):
            count += 1
            rows += _table_rows(item, f"表格{count}" if tables > 1 else "")
        elif item.text.strip():  # title, year and notes outside the tables
            rows.append(Row(0, [item.text.strip()], 1, "正文"))
    return rows


def read(path: Path) -> SourceDocument:
    """Read a standard 申报表 document: each indicator grid (with the block above it) is one project."""
    from docx import Document

    path = Path(path)
    doc = open_file(path, lambda p: Document(str(p)), ".docx")
    problems: list[str] = []
    projects = parse_rows(document_rows(doc), path.stem, problems)
    return document(path, projects, problems)
