"""Reader for the standard 项目支出绩效目标申报表 as .xlsx, and the grid parser docx_table shares.

A file is turned into rows of cell texts (merged cells filled with their top-left text), then read
by the structure of the form, never by position: the indicator header row is found by its labels
(一级指标 / 二级指标 / 三级指标 / 指标值 / …依据, in any order, with extra columns), the header and funds
blocks by their labels. So a form from another unit in the same format reads the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from assistant.errors import IngestError
from assistant.schema import (
    Basis, FormKind, Funds, Indicator, ProjectRecord, Provenance, SourceDocument, TargetTable,
)
from assistant.taxonomy import classify_basis, infer_level2, level1_of, normalize_level1, normalize_level2
from assistant.values import ValueKind, format_number, parse_value

NO_HEADER = "未找到指标表头（一级指标/二级指标/三级指标）"

_FIELD_LABELS = {
    "项目名称": "project_name", "主管部门及代码": "department", "主管部门": "department",
    "实施单位": "implementing_unit", "项目实施单位": "implementing_unit", "项目属性": "attribute",
    "项目期": "period", "项目周期": "period", "项目实施期": "period", "项目负责人": "manager",
}
_FUND_LABELS = {"中期资金总额": "midterm", "年度资金总额": "annual", "资金总额": "annual"}
_FUND_PARTS = {"财政拨款": "fiscal", "其他资金": "other"}
_OTHER_LABELS = {"项目资金", "总体目标", "中期目标", "年度目标", "年度", "绩效目标"}
LABELS = set(_FIELD_LABELS) | set(_FUND_LABELS) | set(_FUND_PARTS) | _OTHER_LABELS
_BASIS_CELL = re.compile(r"(%s)\s*[（(](.*)[）)]" % "|".join(b.value for b in Basis), re.S)


@dataclass
class Row:
    line: int  # 1-based row number in its sheet or Word table
    cells: list[str]
    present: int  # cells physically in the file: fewer than the header makes a short row
    where: str = ""  # "第5行", "工作表“B”第5行", "表格2第5行"

    def at(self, col: int | None) -> str:
        return self.cells[col] if col is not None and col < len(self.cells) else ""


@dataclass
class Columns:
    level1: int
    level2: int
    name: int
    annual: int | None = None
    midterm: int | None = None
    basis: int | None = None
    description: int | None = None
    explanation: int | None = None
    unit: int | None = None
    weight: int | None = None
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max(self.labels) + 1


# --- labels ------------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """"其中:财政拨款" → "财政拨款"; "中期目标(2022年—2024年)" → "中期目标"."""
    s = re.sub(r"[\s\u3000:：★*]", "", text or "")
    s = re.sub(r"[（(][^（()）]*[）)]", "", s)
    return s.removeprefix("其中")


def is_title(row: Row) -> bool:
    return any("绩效目标申报表" in c or "绩效目标表" in c for c in row.cells)


def is_block_row(row: Row) -> bool:
    """A row of the header/funds/goals block or a title: it ends an indicator grid."""
    return is_title(row) or any(norm(c) in LABELS for c in row.cells)


def header_columns(row: Row) -> Columns | None:
    found: dict[str, int] = {}
    values: list[tuple[int, str]] = []
    for col, text in enumerate(row.cells):
        key = _column_key(norm(text))
        if key == "value":
            values.append((col, norm(text)))
        elif key and key not in found:
            found[key] = col
    if not {"level1", "level2", "name"} <= found.keys():
        return None
    cols = Columns(**found)
    cols.midterm, cols.annual = _value_columns(values)
    cols.labels = {col: row.cells[col] for col in [*found.values(), *(c for c, _ in values)]}
    return cols


def _column_key(label: str) -> str | None:
    rules = [("一级", "level1"), ("二级", "level2"), ("三级", "name"), ("依据", "basis"),
             ("描述", "description"), ("解释", "explanation"), ("计量单位", "unit"),
             ("权重", "weight"), ("分值", "weight"), ("指标值", "value"), ("目标值", "value")]
    for word, key in rules:
        if word in label:
            return key
    return {"指标名称": "name", "绩效指标名称": "name", "单位": "unit"}.get(label)


def _value_columns(values: list[tuple[int, str]]) -> tuple[int | None, int | None]:
    """(中期, 年度): by their labels, else the last unlabelled column is the annual one."""
    midterm = next((c for c, t in values if "中期" in t), None)
    annual = next((c for c, t in values if "年度" in t or "当年" in t), None)
    rest = [c for c, _ in values if c not in (midterm, annual)]
    if annual is None and rest:
        annual = rest.pop()
    if midterm is None and rest:
        midterm = rest[0]
    return midterm, annual


def value_after(cells: list[str], col: int) -> str | None:
    """The value that follows a label in its row: merged copies of the label and blanks skipped."""
    start = col + 1
    while start < len(cells) and cells[start] == cells[col]:
        start += 1
    for text in cells[start:]:
        if text.strip():
            return None if norm(text) in LABELS else text.strip()
    return None


def amount(text: str | None) -> float | None:
    match = re.search(r"-?\d+(?:\.\d+)?", (text or "").replace(",", ""))
    return float(match.group()) if match else None


# --- the header, funds and goals blocks --------------------------------------------------------------


def read_block(rows: list[Row]) -> dict:
    fields: dict = {}
    fund_cols: dict[int, str] = {}  # column of a 资金总额 label → "midterm" / "annual"
    funds: dict[str, dict[str, float | None]] = {}
    for i, row in enumerate(rows):
        for col, text in enumerate(row.cells):
            label = norm(text)
            if col and text == row.cells[col - 1]:
                continue  # a merged copy
            if label in _FIELD_LABELS and _FIELD_LABELS[label] not in fields:
                fields[_FIELD_LABELS[label]] = value_after(row.cells, col)
            elif label in _FUND_LABELS:
                fund_cols[col] = _FUND_LABELS[label]
                funds.setdefault(fund_cols[col], {})["total"] = amount(value_after(row.cells, col))
            elif label in _FUND_PARTS and fund_cols:
                owner = fund_cols[min(fund_cols, key=lambda c: abs(c - col))]
                funds.setdefault(owner, {})[_FUND_PARTS[label]] = amount(value_after(row.cells, col))
            elif label in ("中期目标", "年度目标"):
                key = "goals_midterm" if label == "中期目标" else "goals_annual"
                fields.setdefault(key, split_goals(_goal_text(rows, i, col)))
                if label == "中期目标":  # "中期目标(2022年—2024年)" gives the period
                    fields.setdefault("goal_label", text)
            elif label == "年度" and "year" not in fields:
                fields["year"] = _year(value_after(row.cells, col) or "")
            elif "year" not in fields and (year := _year_in_title(text)):
                fields["year"] = year
    for kind, parts in funds.items():
        if any(v is not None for v in parts.values()):
            fields[f"funds_{kind}"] = Funds(**parts)
    return fields


def _goal_text(rows: list[Row], i: int, col: int) -> str:
    """Beside the label (this export), or under it (六安's 中期目标 | 年度目标 heading row)."""
    text = value_after(rows[i].cells, col)
    if text is None and i + 1 < len(rows):
        below = rows[i + 1].at(col).strip()
        text = None if norm(below) in LABELS else below
    return text or ""


def split_goals(text: str) -> list[str]:
    """One goal a line, without its number ("1. ", "2、", "（3）"); "3.5万笔…" keeps its 3.5."""
    number = r"^\s*(?:[（(]\d{1,2}[)）]|\d{1,2}(?:[、)）]|[.．](?!\d)))\s*"
    lines = [re.sub(number, "", line).strip() for line in text.split("\n")]
    return [line for line in lines if line]


def _year(text: str) -> int | None:
    match = re.search(r"(19|20)\d{2}", text)
    return int(match.group()) if match else None


def _year_in_title(text: str) -> int | None:
    s = re.sub(r"\s", "", text)
    if re.fullmatch(r"[（(]?\d{4}年度?[）)]?", s) or "申报表" in s or "绩效目标表" in s:
        match = re.search(r"(\d{4})年度", s) or re.fullmatch(r"[（(]?(\d{4})年[）)]?", s)
        return int(match.group(1)) if match else None
    return None


def period_years(period: str | None, goal_label: str | None) -> tuple[int | None, int | None]:
    """(period_years, start_year) from "3年", "2022年—2024年" or the 中期目标(2022年—2024年) label."""
    for text in (period or "", goal_label or ""):
        span = re.search(r"(\d{4})\s*年?\s*[-—–~至到]+\s*(\d{4})", text)
        if span:
            start, end = int(span.group(1)), int(span.group(2))
            return end - start + 1, start
    count = re.search(r"(\d{1,2})\s*年", period or "")
    return (int(count.group(1)), None) if count else (None, None)


# --- the indicator grid ------------------------------------------------------------------------------


@dataclass
class _Carry:
    level1: str = ""
    level2: str = ""


def read_grid(rows: list[Row], cols: Columns, problems: list[str]) -> list[Indicator]:
    carry, indicators = _Carry(), []
    for row in rows:
        if header_columns(row) or not any(c.strip() for c in row.cells):
            continue  # a header repeated on the next page, or a blank row
        raw1, raw2 = row.at(cols.level1).strip(), row.at(cols.level2).strip()
        if raw1 and raw1 != carry.level1:
            carry.level1, carry.level2 = raw1, ""  # a new 一级 group starts its own 二级
        carry.level2 = raw2 or carry.level2
        indicator = _indicator(row, cols, carry, problems)
        if indicator is not None:
            indicators.append(indicator)
    return indicators


def _indicator(row: Row, cols: Columns, carry: _Carry, problems: list[str]) -> Indicator | None:
    name = row.at(cols.name).strip()
    value = row.at(cols.annual).strip()
    if not name:
        if value:
            problems.append(f"{row.where}：缺少三级指标名称，未读入（指标值“{value}”）")
        return None
    if row.present < cols.width:
        missing = "、".join(t for c, t in sorted(cols.labels.items()) if c >= row.present)
        unread = cols.annual is not None and cols.annual >= row.present
        tail = "未读入" if unread else "缺少的单元格按空白读入"
        problems.append(f"{row.where}：只有{row.present}列，少于表头的{cols.width}列（缺少{missing}），{tail}")
        if unread:
            return None
    basis, note = read_basis(row.at(cols.basis))
    ind = Indicator(
        name=name, value=_with_unit(value, row.at(cols.unit).strip()),
        midterm_value=_with_unit(row.at(cols.midterm).strip(), row.at(cols.unit).strip()) or None,
        basis=basis, basis_note=note, line=row.line,
        description=row.at(cols.description).strip() or None,
        explanation=row.at(cols.explanation).strip() or None,
        weight=amount(row.at(cols.weight)),
    )
    _place(ind, carry, row, problems)
    return ind


def _place(ind: Indicator, carry: _Carry, row: Row, problems: list[str]) -> None:
    """一级/二级 from the form; when blank or unknown, inferred from the name and flagged."""
    ind.level1, ind.level2 = normalize_level1(carry.level1), normalize_level2(carry.level2)
    if carry.level1 and ind.level1 is None:
        problems.append(f"{row.where}：无法识别的一级指标“{carry.level1}”，已按指标名称推断")
    if ind.level2 is None:
        ind.level2 = infer_level2(ind.name, ind.value, ind.level1)
        if ind.level2 is not None:
            ind.inferred.append("level2")
    if ind.level1 is None and ind.level2 is not None:
        ind.level1 = level1_of(ind.level2)
        ind.inferred.append("level1")


def read_basis(text: str) -> tuple[Basis | None, str | None]:
    """"预算支出标准（预算批复）" → (预算支出标准, 预算批复); "合同约定" → (其他标准, 合同约定)."""
    text = text.strip()
    match = _BASIS_CELL.fullmatch(text)
    if match:
        return Basis(match.group(1)), match.group(2).strip() or None
    return classify_basis(text), text or None


def _with_unit(value: str, unit: str) -> str:
    """A 计量单位 column: "≥95" + "%" → "≥95%" (only when the value has no unit of its own)."""
    if not value or not unit:
        return value
    parsed = parse_value(value)
    if parsed.kind is ValueKind.QUANTITY and not parsed.unit and not value.endswith(unit):
        return value + unit
    return value


# --- rows → document ---------------------------------------------------------------------------------


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


def document(path: Path, projects: list[ProjectRecord], problems: list[str]) -> SourceDocument:
    if not projects:
        raise IngestError(f"{path.name}：{NO_HEADER}")
    first = projects[0].table
    unit = unit_name(first)
    for project in projects:
        if unit_name(project.table) not in ("", unit):
            project.unit = unit_name(project.table)
    provenance = Provenance(source=path.name, city=city_of(unit), unit=unit, year=first.year,
                            form_kind=FormKind.DECLARATION)
    return SourceDocument(provenance=provenance, projects=projects, problems=problems)


# --- xlsx --------------------------------------------------------------------------------------------


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
    if not path.exists() or path.stat().st_size == 0:
        raise IngestError(f"{path.name}：文件为空")
    try:
        wb = load_workbook(path, data_only=True)  # cached values, never formulas
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise IngestError(f"{path.name}：不是有效的 .xlsx 文件（{type(exc).__name__}）") from exc
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
