"""The indicator grid of a standard 申报表: rows under the header → Indicators.

Owns carrying a merged (or written-once) 一级/二级 down the grid, reading one row through its
``Columns`` (value with its 计量单位, 依据 with its note, weight, description), inferring and
flagging a 一级/二级 the form leaves blank, and reporting short or nameless rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.corpus.readers.standard_rows import Columns, Row, amount, header_columns
from assistant.schema import Basis, Indicator
from assistant.taxonomy import classify_basis, infer_level2, level1_of, normalize_level1, normalize_level2
from assistant.values import ValueKind, parse_value

_BASIS_CELL = re.compile(r"(%s)\s*[（(](.*)[）)]" % "|".join(b.value for b in Basis), re.S)


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
    fill_levels(ind)


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


def fill_levels(ind: Indicator) -> None:
    """The 二级 inferred from the name and value when the form gave none, the 一级 from the 二级; each
    guess named in ``inferred``."""
    if ind.level2 is None:
        ind.level2 = infer_level2(ind.name, ind.value, ind.level1)
        if ind.level2 is not None:
            ind.inferred.append("level2")
    if ind.level1 is None and ind.level2 is not None:
        ind.level1 = level1_of(ind.level2)
        ind.inferred.append("level1")
