"""The standard 项目支出绩效目标申报表 from its rows, whatever file they came from (.xlsx, .docx).

Owns splitting a run of rows into forms (a block above, an indicator grid, a footer), each form into
a ProjectRecord, the forms into a SourceDocument with its provenance (unit without its budget code,
city), and opening an office file with one Chinese message for an empty or foreign one. The
format readers (xlsx_table, docx_table) only turn their file into ``Row``s.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from assistant.corpus.readers.standard_block import period_years, read_block
from assistant.corpus.readers.limits import MAX_INDICATORS
from assistant.corpus.readers.standard_grid import read_grid
from assistant.corpus.readers.standard_rows import Columns, Row, header_columns, is_block_row, is_title
from assistant.errors import IngestError
from assistant.schema import FormKind, ProjectRecord, Provenance, SourceDocument, TargetTable

NO_HEADER = "未找到指标表头（一级指标/二级指标/三级指标）"

Opened = TypeVar("Opened")


def open_file(path: Path, opener: Callable[[Path], Opened], kind: str) -> Opened:
    """``opener(path)``, or an IngestError when the file is missing, empty or not a valid ``kind`` file."""
    if not path.exists() or path.stat().st_size == 0:
        raise IngestError(f"{path.name}：文件为空")
    try:
        return opener(path)
    except Exception as exc:  # openpyxl and python-docx raise many types for a damaged or foreign file
        raise IngestError(f"{path.name}：不是有效的 {kind} 文件（{type(exc).__name__}）") from exc


@dataclass
class _Form:
    block: list[Row]  # title, header, funds and goals above the grid
    cols: Columns
    grid: list[Row] = field(default_factory=list)
    trailer: list[Row] = field(default_factory=list)  # a footer such as "项目负责人：张三"


def parse_rows(rows: list[Row], fallback_name: str, problems: list[str]) -> list[ProjectRecord]:
    """Every form in a run of rows: a block (title, header, funds, goals) then its indicator grid.

    A block row ends a grid; a repeated header inside a grid (the next printed page) does not start
    a new form. Block rows between a grid and the next title are the previous form's footer.
    """
    forms: list[_Form] = []
    block: list[Row] = []
    current: _Form | None = None
    for row in rows:
        if current is not None and not is_block_row(row):
            current.grid.append(row)
            continue
        current = None
        cols = header_columns(row)
        if cols:
            current = _Form(block, cols)
            forms.append(current)
            block = []
        elif is_title(row) and forms and block:
            forms[-1].trailer, block = block, [row]
        else:
            block.append(row)
    if forms and block:
        forms[-1].trailer += block
    return [_project(form, fallback_name, problems) for form in forms]


def _project(form: _Form, fallback: str, problems: list[str]) -> ProjectRecord:
    fields = read_block(form.block + form.trailer)
    goal_label = fields.pop("goal_label", None)
    name = fields.pop("project_name", None)
    if not name:
        name = fallback
        problems.append(f"未找到项目名称，以“{fallback}”代替")
    years, start = period_years(fields.get("period"), goal_label)
    table = TargetTable(project_name=name, period_years=years, start_year=start,
                        indicators=read_grid(form.grid, form.cols, problems), **fields)
    first = next((r.line for r in form.block + form.grid if r.line), None)
    return ProjectRecord(table=table, line=first)


def unit_name(table: TargetTable) -> str:
    """实施单位 (else 主管部门) without its budget code: "[079]六安市住房公积金中心" → 六安市住房公积金中心."""
    text = table.implementing_unit or table.department or ""
    return re.sub(r"^\s*[\[【(（]?\s*\d+\s*[\]】)）]?\s*[-—]?\s*", "", text).strip()


def city_of(unit: str) -> str:
    """The leading place name: 六安市住房公积金中心 → 六安; 宁夏回族自治区中卫市… → 中卫; else ""."""
    s = re.sub(r"^.{2,8}?(?:省|自治区)", "", unit)
    match = re.match(r"([\u4e00-\u9fff]{2,6}?)[市县区]", s)
    return match.group(1) if match else ""


def document(path: Path, projects: list[ProjectRecord], problems: list[str],
             display: str | None = None) -> SourceDocument:
    """The forms of one file with their provenance; a file with a header but no indicator row is
    refused (it is not a precedent), and more than MAX_INDICATORS rows are cut, with a notice."""
    name = display or path.name
    if not projects:
        raise IngestError(f"{name}：{NO_HEADER}")
    if not any(project.table.indicators for project in projects):
        raise IngestError(f"{name}：只找到表头，没有读到任何指标行（三级指标为空），未导入")
    _cap_indicators(projects, problems)
    first = projects[0].table
    unit = unit_name(first)
    for project in projects:
        if unit_name(project.table) not in ("", unit):
            project.unit = unit_name(project.table)
    provenance = Provenance(source=name, city=city_of(unit), unit=unit, year=first.year,
                            form_kind=FormKind.DECLARATION)
    return SourceDocument(provenance=provenance, projects=projects, problems=problems)


def _cap_indicators(projects: list[ProjectRecord], problems: list[str]) -> None:
    left = MAX_INDICATORS
    for project in projects:
        rows = project.table.indicators
        if len(rows) > left:
            problems.append(f"《{project.table.project_name}》指标行过多：一份表格最多读取 {MAX_INDICATORS} 行，"
                            f"其余 {len(rows) - left} 行未读入")
            del rows[left:]
        left -= len(rows)
