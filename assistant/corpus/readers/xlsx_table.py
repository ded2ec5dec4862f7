"""Reader for the standard 项目支出绩效目标申报表 as .xlsx: a workbook's sheets → Rows.

Owns turning a sheet into rows of cell texts (a number as the form shows it, a merged cell filled
with its top-left text, a short row kept short); the rows are then read as a standard table by
standard_table, the same way docx_table's are.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from assistant.corpus.readers.standard_rows import Row
from assistant.corpus.readers.standard_table import document, open_file, parse_rows
from assistant.schema import ProjectRecord, SourceDocument
from assistant.values import format_number


def cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            return format_number(round(value * 100, 6)) + "%"  # 0.95 shown as 95% stays 95%
        return format_number(value)
    return str(value).strip()


def sheet_rows(ws, where_prefix: str = "") -> list[Row]:
    # ws._cells holds only the cells the file has; iterating ws.iter_rows() would create the
    # missing ones, and then a short row could no longer be told from a full one.
    texts: dict[int, dict[int, str]] = {}
    for (r, c), cell in ws._cells.items():
        texts.setdefault(r, {})[c] = cell_text(cell)
    present = {r: max(cols) for r, cols in texts.items()}
    for rng in ws.merged_cells.ranges:  # openpyxl reads all but the top-left as None
        top = texts.get(rng.min_row, {}).get(rng.min_col, "")
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                texts.setdefault(r, {})[c] = top
    rows = []
    for r in sorted(texts):
        cells = [texts[r].get(c, "") for c in range(1, max(texts[r]) + 1)]
        rows.append(Row(r, cells, present.get(r, 0), f"{where_prefix}第{r}行"))
    return rows


def read(path: Path) -> SourceDocument:
    """Read a standard 申报表 workbook: every sheet with an indicator header is one project."""
    from openpyxl import load_workbook

    path = Path(path)
    wb = open_file(path, lambda p: load_workbook(p, data_only=True), ".xlsx")  # cached values, not formulas
    problems: list[str] = []
    projects: list[ProjectRecord] = []
    several = len(wb.worksheets) > 1
    for ws in wb.worksheets:
        prefix = f"工作表“{ws.title}”" if several else ""
        found = parse_rows(sheet_rows(ws, prefix), ws.title, problems)
        for project in found:
            project.extra["sheet"] = ws.title
        projects += found
    return document(path, projects, problems)
