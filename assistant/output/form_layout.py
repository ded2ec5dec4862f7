"""The standard 申报表 as a layout: a list of cells with their spans, shared by the .xlsx and the .docx.

One layout, so the spreadsheet and the Word table can never disagree. It follows the official form
(六安 2022 seed): title and year, header block, funds block, 总体目标, then the indicator grid with
一级 and 二级 merged down their rows and a 中期 value column when the project spans years. What a
file cannot hold is decided here once: a NaN or infinite amount is refused (ExportError), and text
beyond a spreadsheet cell's 32,767 characters is cut, with a notice, in both formats.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

from assistant.errors import ExportError
from assistant.schema import Funds, Indicator, TargetTable

TITLE = "项目支出绩效目标申报表"
FONT = "宋体"
# Characters XML 1.0 cannot hold (openpyxl and python-docx both refuse them); tab/LF/CR are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
WIDTHS = {5: [12, 16, 40, 20, 28], 6: [12, 16, 36, 16, 16, 26]}  # Excel character units
MAX_CELL_TEXT = 32_767  # what one Excel cell holds; the .docx is cut the same, so both files agree


def clean_text(text: str) -> str:
    return _ILLEGAL.sub("", text)


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
    notices: list[str] = field(default_factory=list)  # what was cut to fit, in Chinese


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
    cells, cut = _fitted(cells)
    return Layout(n, f"（{year}年度）", cells, header_row, row, cut)


def _fitted(cells: list[Cell]) -> tuple[list[Cell], list[str]]:
    """Text longer than a cell holds, cut to MAX_CELL_TEXT, each cut said once."""
    out, notices = [], []
    for cell in cells:
        if isinstance(cell.value, str) and len(cell.value) > MAX_CELL_TEXT:
            notices.append(f"“{cell.value[:12]}…”共 {len(cell.value)} 字，超过单元格上限 {MAX_CELL_TEXT} 字，"
                           f"导出时只保留了前 {MAX_CELL_TEXT} 字")
            cell = Cell(cell.row, cell.col, cell.value[:MAX_CELL_TEXT], cell.rows, cell.cols, cell.kind)
        out.append(cell)
    return out, notices


def notices(table: TargetTable) -> list[str]:
    """What an export of ``table`` will cut to fit (empty when nothing)."""
    return layout(table).notices


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
    for (left, right), pair in zip(labels, amounts):
        for label, amount in zip((left, right), pair):
            if amount is not None and not math.isfinite(amount):
                which = ("中期" if label == left else "年度") + label.removeprefix("其中：")
                raise ExportError(f"资金金额无效：{which}为 {amount}（不是数字），请改为以万元计的数字后再导出")
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


def merge_runs(keys: list[str]) -> list[tuple[int, int]]:
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
    for start, length in merge_runs(level1):
        cells.append(Cell(first + start, 0, level1[start], rows=length, kind="level"))
    for start, length in merge_runs(level2):
        cells.append(Cell(first + start, 1, inds[start].level2.value, rows=length, kind="level"))
    for k, ind in enumerate(inds):
        values = [ind.midterm_value or "", ind.value] if n == 6 else [ind.value]
        texts = [ind.name, *values, basis_text(ind)]
        cells += [Cell(first + k, 2 + j, text) for j, text in enumerate(texts)]
    return first + len(inds)


def workbook_bytes(wb) -> bytes:
    """An openpyxl workbook as .xlsx bytes; a value openpyxl refuses becomes a Chinese ExportError."""
    buffer = io.BytesIO()
    try:
        wb.save(buffer)
    except (ValueError, TypeError) as exc:
        raise ExportError(f"无法生成 Excel 文件：{exc}") from exc
    return buffer.getvalue()


def document_bytes(doc) -> bytes:
    """A python-docx document as .docx bytes; a value it refuses becomes a Chinese ExportError."""
    buffer = io.BytesIO()
    try:
        doc.save(buffer)
    except ValueError as exc:
        raise ExportError(f"无法生成 Word 文件：{exc}") from exc
    return buffer.getvalue()
