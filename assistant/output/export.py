"""TargetTable → the standard 项目支出绩效目标申报表 as .xlsx / .docx bytes, and JSON, and files.

Both office formats are rendered from one layout (form_layout), so the spreadsheet and the Word
table can never disagree; the .docx writer is docx_export. Values are written as the table holds
them: a drafted row still waiting for input is exported with its value as is, never with a marker.
What a file cannot hold is said, never silently mangled: a NaN or infinite amount is refused, text
beyond 32,767 characters is cut with a notice (``notices``), text a spreadsheet would run as a
formula (= + - @) is stored as text, and ``write`` turns a missing folder, or a folder where the file
should be, into a Chinese message.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

from assistant.errors import ExportError
from assistant.output.docx_export import to_docx
from assistant.output.form_layout import (
    workbook_bytes,
    FONT,
    MAX_CELL_TEXT,
    TITLE,
    WIDTHS,
    Cell,
    Layout,
    basis_text,
    clean_text,
    grid_labels,
    layout,
    notices,
    numbered,
    spans_years,
)
from assistant.schema import TargetTable

__all__ = ["FONT", "MAX_CELL_TEXT", "TITLE", "Cell", "Layout", "basis_text", "clean_text", "grid_labels", "layout",
           "notices", "numbered", "spans_years", "to_docx", "to_json", "to_xlsx", "write"]

# Text a spreadsheet would take for a formula (CSV/Excel injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- xlsx --------------------------------------------------------------------------------------------


def _line_count(text: str, width: float) -> int:
    # a CJK character takes about two character units of an Excel column
    per_line = max(width / 2.0, 1.0)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _row_heights(lay: Layout) -> dict[int, float]:
    widths = WIDTHS[lay.ncols]
    heights: dict[int, float] = {}
    for cell in lay.cells:
        if cell.value in (None, "") or cell.rows > 1:
            continue
        width = sum(widths[cell.col:cell.col + cell.cols])
        lines = _line_count(str(cell.value), width)
        heights[cell.row] = max(heights.get(cell.row, 20.0), 15.0 * lines + 6)
    return heights


def _write_value(ws, row: int, col: int, value) -> object:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        if text.startswith(_FORMULA_START):
            # text, never a formula: openpyxl would otherwise store "=…" as a formula
            cell.data_type = "s"
            cell.quotePrefix = True
    elif value is not None:
        cell.value = float(value)
        cell.number_format = "0.00##"
    return cell


def _style_sheet(ws, lay: Layout, offset: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    for col, width in enumerate(WIDTHS[lay.ncols], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, height in _row_heights(lay).items():
        ws.row_dimensions[row + offset + 1].height = height
    ws.row_dimensions[1].height = 32
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    header = lay.header_row + offset + 1
    ws.print_title_rows = f"{header}:{header}"


def to_xlsx(table: TargetTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    lay = layout(table)
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标申报表"
    offset = 2  # title and year rows above the form
    for r, text, size in ((1, TITLE, 18), (2, lay.subtitle, 12)):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=lay.ncols)
        cell = ws.cell(row=r, column=1, value=text)
        cell.font = Font(name=FONT, size=size, bold=r == 1)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for spec in lay.cells:
        r, c = spec.row + offset + 1, spec.col + 1
        if spec.rows > 1 or spec.cols > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + spec.rows - 1,
                           end_column=c + spec.cols - 1)
        cell = _write_value(ws, r, c, spec.value)
        cell.font = Font(name=FONT, size=11, bold=spec.kind in ("label", "head"))
        centred = spec.kind in ("label", "head", "level")
        cell.alignment = Alignment(horizontal="center" if centred else "left", vertical="center",
                                   wrap_text=True)
    for r in range(offset + 1, lay.nrows + offset + 1):
        for c in range(1, lay.ncols + 1):
            ws.cell(row=r, column=c).border = border  # also on merged cells, or Excel drops edges
    _style_sheet(ws, lay, offset)
    return workbook_bytes(wb)


# --- files -------------------------------------------------------------------------------------------

WRITERS = {".xlsx": to_xlsx, ".docx": to_docx}


def write(table: TargetTable, out: Path) -> list[str]:
    """Write ``table`` to ``out`` (.xlsx / .docx / .json) in one step (a temporary file renamed), so a
    failure never leaves half a file; returns the notices of what was cut. ExportError in Chinese."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (*WRITERS, ".json"):
        raise ExportError(f"不支持的导出格式：{suffix or '（无扩展名）'}（支持 .xlsx / .docx / .json）")
    if out.is_dir():
        raise ExportError(f"{out} 是一个文件夹，请给出文件名，例如 {out / ('绩效目标' + suffix)}")
    if not out.parent.is_dir():
        raise ExportError(f"导出目录不存在：{out.parent}。请先创建该目录，或换一个位置")
    data = to_json(table).encode("utf-8") if suffix == ".json" else WRITERS[suffix](table)
    tmp = out.with_name(f".{out.name[:100]}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"无法写入 {out}：{exc.strerror or exc}") from exc
    return notices(table)


# --- json --------------------------------------------------------------------------------------------


def to_json(table: TargetTable) -> str:
    """The table as JSON that TargetTable.model_validate_json reads back (no computed fields)."""
    return table.model_dump_json(indent=2, exclude_computed_fields=True)
