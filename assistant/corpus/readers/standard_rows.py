"""The rows of the standard 项目支出绩效目标申报表 and what their labels say (xlsx_table, docx_table).

Owns ``Row`` (a sheet or Word-table row as cell texts, merged cells filled with their top-left
text), the form's label vocabulary, and ``Columns``: where the indicator grid's columns are, found
by their header labels (一级指标 / 二级指标 / 三级指标 / 指标值 / …依据, in any order, with extra
columns), never by position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELD_LABELS = {
    "项目名称": "project_name", "主管部门及代码": "department", "主管部门": "department",
    "实施单位": "implementing_unit", "项目实施单位": "implementing_unit", "项目属性": "attribute",
    "项目期": "period", "项目周期": "period", "项目实施期": "period", "项目负责人": "manager",
}
FUND_LABELS = {"中期资金总额": "midterm", "年度资金总额": "annual", "资金总额": "annual"}
FUND_PARTS = {"财政拨款": "fiscal", "其他资金": "other"}
_OTHER_LABELS = {"项目资金", "总体目标", "中期目标", "年度目标", "年度", "绩效目标"}
LABELS = set(FIELD_LABELS) | set(FUND_LABELS) | set(FUND_PARTS) | _OTHER_LABELS


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
