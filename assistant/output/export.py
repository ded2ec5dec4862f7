"""TargetTable → the standard 项目支出绩效目标申报表 as .xlsx / .docx bytes, and JSON.

Both office formats are rendered from one layout (a list of cells with their spans), so the
spreadsheet and the Word table can never disagree. The layout follows the official form (六安 2022
seed): title and year, header block, funds block, 总体目标, then the indicator grid with 一级 and
二级 merged down their rows and a 中期 value column when the project spans years.
Values are written as the table holds them: a drafted row still waiting for input is exported with
its value as is, never with a marker.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from assistant.errors import ExportError
from assistant.schema import Funds, Indicator, TargetTable
from assistant.values import format_number

TITLE = "项目支出绩效目标申报表"
FONT = "宋体"
# Characters XML 1.0 cannot hold (openpyxl and python-docx both refuse them); tab/LF/CR are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Text a spreadsheet would take for a formula (CSV/Excel injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WIDTHS = {5: [12, 16, 40, 20, 28], 6: [12, 16, 36, 16, 16, 26]}  # Excel character units


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    value: str | float | None
    rows: int = 1
    cols: int = 1
    kind: str = "value"  # label | head | value | number | level


@dataclass
class Layout:
    ncols: int
    subtitle: str
    cells: list[Cell]
    header_row: int  # the indicator grid's header, repeated on every printed page
    nrows: int


# --- layout -----------------------------------------------------------------------------------------


def spans_years(table: TargetTable) -> bool:
    """Two value columns (中期/年度) when the project runs over several years."""
    return (table.period_years or 1) > 1 or any(i.midterm_value for i in table.indicators)


def basis_text(ind: Indicator) -> str:
    """"预算支出标准（预算批复）"; the note alone when it is the category (or has none)."""
    category = ind.basis.value if ind.basis else ""
    note = (ind.basis_note or "").strip()
    if not category or not note or note == category:
        return note or category
    return f"{category}（{note}）"


def numbered(goals: list[str]) -> str:
    return "\n".join(f"{n}. {goal.strip()}" for n, goal in enumerate(goals, 1) if goal.strip())


def layout(table: TargetTable) -> Layout:
    n = 6 if spans_years(table) else 5
    cells: list[Cell] = []
    row = _header_block(table, n, cells, 0)
    row = _funds_block(table, n, cells, row)
    row = _goals_block(table, n, cells, row)
    header_row = row
    row = _indicator_grid(table, n, cells, row)
    year = str(table.year) if table.year else "    "
    return Layout(n, f"（{year}年度）", cells, header_row, row)


def _pair_row(cells: list[Cell], n: int, row: int, left: tuple[str, str | None],
              right: tuple[str, str | None] | None) -> None:
    if right is None:
        cells += [Cell(row, 0, left[0], kind="label"), Cell(row, 1, left[1] or "", cols=n - 1)]
        return
    span = (n - 2) // 2
    cells += [Cell(row, 0, left[0], kind="label"), Cell(row, 1, left[1] or "", cols=span),
              Cell(row, 1 + span, right[0], kind="label"),
              Cell(row, 2 + span, right[1] or "", cols=n - 2 - span)]


def _header_block(table: TargetTable, n: int, cells: list[Cell], row: int) -> int:
    period = table.period or (f"{table.period_years}年" if table.period_years else "")
    _pair_row(cells, n, row, ("项目名称", table.project_name), None)
    _pair_row(cells, n, row + 1, ("主管部门及代码", table.department), ("实施单位", table.implementing_unit))
    _pair_row(cells, n, row + 2, ("项目属性", table.attribute), ("项目期", period))
    _pair_row(cells, n, row + 3, ("项目负责人", table.manager), None)
    return row + 4


def _funds_block(table: TargetTable, n: int, cells: list[Cell], row: int) -> int:
    cells.append(Cell(row, 0, "项目资金（万元）", rows=3, kind="label"))
    labels = [("中期资金总额", "年度资金总额"), ("其中：财政拨款", "其中：财政拨款"), ("其他资金", "其他资金")]
    mid, annual = table.funds_midterm or Funds(), table.funds_annual or Funds()
    amounts = [(mid.total, annual.total), (mid.fiscal, annual.fiscal), (mid.other, annual.other)]
    for offset, ((left, right), (a, b)) in enumerate(zip(labels, amounts)):
        r = row + offset
        cells += [Cell(r, 1, left, kind="label"), Cell(r, 2, a, kind="number"),
                  Cell(r, 3, right, kind="label"), Cell(r, 4, b, cols=n - 4, kind="number")]
    return row + 3


def _goals_block(table: TargetTable, n: int, cells: list[Cell], row: int) -> int:
    cells += [Cell(row, 0, "总体目标", rows=2, kind="label"),
              Cell(row, 1, "中期目标", kind="label"),
              Cell(row, 2, numbered(table.goals_midterm), cols=n - 2),
              Cell(row + 1, 1, "年度目标", kind="label"),
              Cell(row + 1, 2, numbered(table.goals_annual), cols=n - 2)]
    return row + 2


def grid_labels(two_values: bool) -> list[str]:
    values = ["中期指标值", "年度指标值"] if two_values else ["指标值"]
    return ["一级指标", "二级指标", "三级指标", *values, "指标值确定依据"]


def _runs(keys: list[str]) -> list[tuple[int, int]]:
    """(start, length) of consecutive equal non-empty keys: the cells to merge down."""
    runs, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start]:
                runs.append((start, i - start))
            start = i
    return runs


def _indicator_grid(table: TargetTable, n: int, cells: list[Cell], row: int) -> int:
    for col, label in enumerate(grid_labels(n == 6)):
        cells.append(Cell(row, col, label, kind="head"))
    first = row + 1
    inds = table.indicators
    level1 = [i.level1.value if i.level1 else "" for i in inds]
    # a 二级 merges only inside its own 一级 group
    level2 = [f"{a}/{i.level2.value}" if i.level2 else "" for a, i in zip(level1, inds)]
    for start, length in _runs(level1):
        cells.append(Cell(first + start, 0, level1[start], rows=length, kind="level"))
    for start, length in _runs(level2):
        cells.append(Cell(first + start, 1, inds[start].level2.value, rows=length, kind="level"))
    for k, ind in enumerate(inds):
        values = [ind.midterm_value or "", ind.value] if n == 6 else [ind.value]
        texts = [ind.name, *values, basis_text(ind)]
        cells += [Cell(first + k, 2 + j, text) for j, text in enumerate(texts)]
    return first + len(inds)


# --- xlsx --------------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _line_count(text: str, width: float) -> int:
    # a CJK character takes about two character units of an Excel column
    per_line = max(width / 2.0, 1.0)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _row_heights(lay: Layout) -> dict[int, float]:
    widths = _WIDTHS[lay.ncols]
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

    for col, width in enumerate(_WIDTHS[lay.ncols], 1):
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
    buffer = io.BytesIO()
    try:
        wb.save(buffer)
    except (ValueError, TypeError) as exc:
        raise ExportError(f"无法生成 Excel 文件：{exc}") from exc
    return buffer.getvalue()


# --- docx --------------------------------------------------------------------------------------------


def _east_asian(run_or_style, name: str = FONT) -> None:
    from docx.oxml.ns import qn

    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _docx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int):
        return format_number(value)
    return clean_text(value)


def _docx_page(doc) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(15)


def _docx_heading(doc, text: str, size: int, bold: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)
    _east_asian(run)


def to_docx(table: TargetTable) -> bytes:
    from docx import Document
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    lay = layout(table)
    doc = Document()
    _docx_page(doc)
    normal = doc.styles["Normal"]
    _east_asian(normal)
    normal.font.size = Pt(10.5)
    _docx_heading(doc, TITLE, 18, True)
    _docx_heading(doc, lay.subtitle, 12, False)
    grid = doc.add_table(rows=lay.nrows, cols=lay.ncols)
    grid.style = "Table Grid"
    grid.autofit = False
    widths = _WIDTHS[lay.ncols]
    for col, width in enumerate(widths):
        for cell in grid.columns[col].cells:
            cell.width = Mm(267 * width / sum(widths))
    for spec in lay.cells:
        cell = grid.cell(spec.row, spec.col)
        if spec.rows > 1 or spec.cols > 1:
            cell = cell.merge(grid.cell(spec.row + spec.rows - 1, spec.col + spec.cols - 1))
        cell.text = _docx_text(spec.value)  # after merging: merging joins the cells' texts
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        for paragraph in cell.paragraphs:
            if spec.kind in ("label", "head", "level"):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.bold = spec.kind in ("label", "head")
    buffer = io.BytesIO()
    try:
        doc.save(buffer)
    except ValueError as exc:
        raise ExportError(f"无法生成 Word 文件：{exc}") from exc
    return buffer.getvalue()


# --- json --------------------------------------------------------------------------------------------


def to_json(table: TargetTable) -> str:
    """The table as JSON that TargetTable.model_validate_json reads back (no computed fields)."""
    return table.model_dump_json(indent=2, exclude_computed_fields=True)
