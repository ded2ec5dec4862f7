"""Reader for the standard 项目支出绩效目标申报表 as .xlsx: a workbook's sheets → Rows.

Owns turning a sheet's cells into rows of cell texts (a merged cell filled with its top-left text, a
short row kept short); the workbook itself is read by xlsx_parts, bounded and streaming, never by
openpyxl's loader. The rows are then read as a standard table by standard_table, the same way
docx_table's are.
"""
from __future__ import annotations

from pathlib import Path

from assistant.corpus.readers.standard_rows import Row
from assistant.corpus.readers.standard_table import document, parse_rows
from assistant.corpus.readers.xlsx_parts import Sheet, read_workbook
from assistant.schema import ProjectRecord, SourceDocument


def sheet_rows(sheet: Sheet, where_prefix: str = "") -> list[Row]:
    """Rows in sheet order; ``present`` counts only the cells the file has, so a short row stays short."""
    rows = []
    for r in sorted(sheet.cells):
        texts = sheet.cells[r]
        cells = [texts.get(c, "") for c in range(1, max(texts) + 1)]
        rows.append(Row(r, cells, sheet.present.get(r, 0), f"{where_prefix}第{r}行"))
    return rows


def read(path: Path, display: str | None = None) -> SourceDocument:
    """Read a standard 申报表 workbook: every sheet with an indicator header is one project.

    ``display`` is the name the user knows the file by (an upload is read from a temporary copy).
    """
    path = Path(path)
    sheets, notes = read_workbook(path, display)
    problems: list[str] = list(notes)
    projects: list[ProjectRecord] = []
    several = len(sheets) > 1
    for sheet in sheets:
        prefix = f"工作表“{sheet.title}”" if several else ""
        found = parse_rows(sheet_rows(sheet, prefix), sheet.title, problems)
        for project in found:
            project.extra["sheet"] = sheet.title
        projects += found
    return document(path, projects, problems, display)
