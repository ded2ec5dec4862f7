"""A scored table → the standard 项目支出绩效自评表 as .xlsx / .docx bytes.

Owns the 自评表 layout (the 中卫 2024 form, which follows the 财预〔2020〕10号 附件): title and 年度;
项目名称, 主管部门 / 实施单位; the funds block (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 for
年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金); 年度总体目标 (预期目标 | 实际完成情况); the
indicator block (一级 with its points, e.g. "产出指标（50分）", and 二级 merged down their rows | 三级指标 |
年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施); 总分. One list of cells renders both
formats, so the spreadsheet and the Word table cannot disagree; selfeval_table reads either back.
"""
from __future__ import annotations


from assistant.output.export import FONT, Cell, clean_text, numbered
from assistant.output.form_layout import document_bytes, merge_runs, workbook_bytes
from assistant.schema import TargetTable
from assistant.selfeval import Evaluation
from assistant.values import format_number

TITLE = "项目支出绩效自评表"
NCOLS = 9
_WIDTHS = [8, 12, 14, 34, 14, 14, 8, 8, 30]
NOTE = "注：总分100 = 绩效指标90分 + 资金执行情况10分。"


def _num(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def layout(table: TargetTable, evaluation: Evaluation) -> tuple[list[Cell], int]:
    """The cells of the form (rows from 0) and the number of rows."""
    cells: list[Cell] = [
        Cell(0, 0, "项目名称", cols=2, kind="label"), Cell(0, 2, table.project_name, cols=7),
        Cell(1, 0, "主管部门", cols=2, kind="label"), Cell(1, 2, table.department or "", cols=3),
        Cell(1, 5, "实施单位", kind="label"), Cell(1, 6, table.implementing_unit or "", cols=3),
    ]
    row = _funds(table, evaluation, cells, 2)
    cells += [Cell(row, 0, "年度总体目标", rows=2, kind="label"),
              Cell(row, 1, "预期目标", cols=4, kind="head"), Cell(row, 5, "实际完成情况", cols=4, kind="head"),
              Cell(row + 1, 1, numbered(table.goals_annual), cols=4), Cell(row + 1, 5, table.outcome or "", cols=4)]
    row = _indicators(table, evaluation, cells, row + 2)
    cells += [Cell(row, 0, "总分", cols=6, kind="label"), Cell(row, 6, _num(evaluation.weight_total), kind="number"),
              Cell(row, 7, _num(evaluation.total), kind="number"), Cell(row, 8, "")]
    return cells, row + 1


def _funds(table: TargetTable, evaluation: Evaluation, cells: list[Cell], row: int) -> int:
    ex = evaluation.execution
    heads = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    cells.append(Cell(row, 0, "项目资金（万元）", rows=5, kind="label"))
    cells.append(Cell(row, 1, "", cols=2, kind="head"))
    cells += [Cell(row, 3 + k, h, kind="head") for k, h in enumerate(heads)]
    fiscal = table.funds_annual.fiscal if table.funds_annual else None
    other = table.funds_annual.other if table.funds_annual else None
    lines = [("年度资金总额", ex.initial, ex.budget, ex.executed, _num(ex.weight), ex.rate_text, _num(ex.score)),
             ("其中：当年财政拨款", fiscal, fiscal if other is None else None, None, "—", "", "—"),
             ("上年结转资金", None, None, None, "—", "", "—"),
             ("其他资金", other, None, None, "—", "", "—")]
    for k, (label, *values) in enumerate(lines, 1):
        cells.append(Cell(row + k, 1, label, cols=2, kind="label"))
        for j, value in enumerate(values):
            kind = "number" if isinstance(value, float | int) else "value"
            cells.append(Cell(row + k, 3 + j, _num(value) if kind == "number" else (value or ""), kind=kind))
    return row + 5


def _level1_label(level1: str, rows, weights: list[float | None]) -> str:
    points = sum(w or 0.0 for w in weights)
    return f"{level1}（{format_number(round(points, 2))}分）" if level1 else ""


def _indicators(table: TargetTable, evaluation: Evaluation, cells: list[Cell], row: int) -> int:
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    scores = evaluation.rows
    n = len(scores)
    cells.append(Cell(row, 0, "绩效指标", rows=n + 1, kind="label"))
    cells += [Cell(row, 1 + k, h, kind="head") for k, h in enumerate(heads)]
    first = row + 1
    level1 = [s.level1 or "" for s in scores]
    level2 = [f"{a}/{s.level2}" if s.level2 else "" for a, s in zip(level1, scores)]
    for start, length in merge_runs(level1):
        weights = [s.weight for s in scores[start:start + length]]
        cells.append(Cell(first + start, 1, _level1_label(level1[start], scores, weights), rows=length, kind="level"))
    for start, length in merge_runs(level2):
        cells.append(Cell(first + start, 2, scores[start].level2, rows=length, kind="level"))
    for k, (ind, s) in enumerate(zip(table.indicators, scores)):
        r = first + k
        cells += [Cell(r, 3, ind.name), Cell(r, 4, ind.value), Cell(r, 5, ind.actual or ""),
                  Cell(r, 6, _num(s.weight), kind="number"), Cell(r, 7, _num(s.score), kind="number"),
                  Cell(r, 8, ind.deviation or "")]
    return first + n


# --- xlsx ------------------------------------------------------------------------------------------------

def to_xlsx(table: TargetTable, evaluation: Evaluation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    cells, nrows = layout(table, evaluation)
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效自评表"
    for r, text, size in ((1, TITLE, 18), (2, f"（{table.year or '    '}年度）", 12)):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=NCOLS)
        cell = ws.cell(row=r, column=1, value=text)
        cell.font, cell.alignment = Font(name=FONT, size=size, bold=r == 1), Alignment(horizontal="center")
    offset, side = 3, Side(style="thin")
    for spec in cells:
        r, c = spec.row + offset, spec.col + 1
        if spec.rows > 1 or spec.cols > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + spec.rows - 1, end_column=c + spec.cols - 1)
        cell = ws.cell(row=r, column=c)
        if isinstance(spec.value, str):
            cell.value = clean_text(spec.value)
            if cell.value.startswith(("=", "+", "-", "@")):
                cell.data_type, cell.quotePrefix = "s", True  # text, never a formula
        elif spec.value is not None:
            cell.value, cell.number_format = float(spec.value), "0.00##"
        cell.font = Font(name=FONT, size=10.5, bold=spec.kind in ("label", "head"))
        cell.alignment = Alignment(horizontal="left" if spec.kind == "value" else "center", vertical="center",
                                   wrap_text=True)
    for r in range(offset, offset + nrows):
        for c in range(1, NCOLS + 1):
            ws.cell(row=r, column=c).border = Border(left=side, right=side, top=side, bottom=side)
    ws.cell(row=offset + nrows, column=1, value=NOTE).font = Font(name=FONT, size=10)
    for c, width in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    return workbook_bytes(wb)


# --- docx ------------------------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    return format_number(value) if isinstance(value, float | int) else clean_text(value)


def _east_asian(target) -> None:
    from docx.oxml.ns import qn

    target.font.name = FONT
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def to_docx(table: TargetTable, evaluation: Evaluation) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    cells, nrows = layout(table, evaluation)
    doc = Document()
    section = doc.sections[0]
    section.orientation, section.page_width, section.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    _east_asian(doc.styles["Normal"])
    doc.styles["Normal"].font.size = Pt(10)
    for text, size in ((TITLE, 18), (f"（{table.year or '    '}年度）", 12)):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = size == 18, Pt(size)
        _east_asian(run)
    grid = doc.add_table(rows=nrows, cols=NCOLS)
    grid.style = "Table Grid"
    for col, width in enumerate(_WIDTHS):
        for cell in grid.columns[col].cells:
            cell.width = Mm(267 * width / sum(_WIDTHS))
    for spec in cells:
        cell = grid.cell(spec.row, spec.col)
        if spec.rows > 1 or spec.cols > 1:
            cell = cell.merge(grid.cell(spec.row + spec.rows - 1, spec.col + spec.cols - 1))
        cell.text = _text(spec.value)  # after merging: merging joins the cells' texts
        for paragraph in cell.paragraphs:
            if spec.kind != "value":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.bold = spec.kind in ("label", "head")
    doc.add_paragraph(NOTE)
    return document_bytes(doc)
