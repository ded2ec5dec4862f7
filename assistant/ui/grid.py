"""The draft grid as the page shows it, and the user's grid edits applied back to the TargetTable.

Pure functions (pandas, no Streamlit), so the tests drive them directly. The edit format is the one
``st.data_editor`` keeps in session state: {"edited_rows": {pos: {column: value}}, "added_rows":
[{column: value}], "deleted_rows": [pos]}, positions counted in the grid as it was shown.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from assistant.drafting.browse import source_address
from assistant.schema import Indicator, Precedent, TargetTable
from assistant.taxonomy import classify_basis, normalize_level1, normalize_level2
from assistant.text import clean_input
from assistant.values import parse_value

ROW = "行"
MARK = "待填"
COLUMNS = [ROW, MARK, "一级", "二级", "三级", "指标值", "依据", "指标解释"]
MAX_CELL = 500  # a cell longer than this is cut: a form cell is a phrase, not a document
_NEEDS_INPUT = "✎ 待填"
# A suggestion that is a bare value ("≥90%", "100%", "≤60.13万元") can be applied with one click.
_BARE_VALUE = re.compile(r"^[≥≤<>＞＜]?=?\s*\d+(?:\.\d+)?\s*(?:%|万元|元|次|人|个|条|套|台|年|天|小时|平方米)?$")


def basis_label(ind: Indicator) -> str:
    return (ind.basis_note or "").strip() or (ind.basis.value if ind.basis else "")


def table_frame(table: TargetTable) -> pd.DataFrame:
    rows = [{
        ROW: n,
        MARK: _NEEDS_INPUT if ind.needs_input else "",
        "一级": ind.level1.value if ind.level1 else None,
        "二级": ind.level2.value if ind.level2 else None,
        "三级": ind.name,
        "指标值": ind.value,
        "依据": basis_label(ind),
        "指标解释": ind.explanation or "",
    } for n, ind in enumerate(table.indicators, 1)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    text = [c for c in COLUMNS if c != ROW]
    frame[text] = frame[text].astype(object)
    return frame


def has_edits(edits: Mapping[str, Any] | None) -> bool:
    return bool(edits) and any(edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def _text(value: Any) -> str:
    """A grid cell as typed, where it enters: cleaned (text.clean_input), one line, at most MAX_CELL.

    The grid shows text as text (st.data_editor renders no Markdown or HTML), so nothing is escaped
    here; the places that render Markdown escape with state.plain."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return " ".join(clean_input(value, MAX_CELL * 2).split())[:MAX_CELL]


def _set(ind: Indicator, column: str, value: Any) -> None:
    text = _text(value)
    if column == "一级":
        ind.level1 = normalize_level1(text)
    elif column == "二级":
        ind.level2 = normalize_level2(text)
    elif column == "三级":
        ind.name = text
    elif column == "指标值":
        if text != ind.value:
            ind.value = text
            ind.needs_input = False  # the user gave the number we were waiting for
            ind.question = None
            ind.inferred = [f for f in ind.inferred if f != "value"]
    elif column == "依据":
        if text != basis_label(ind):
            ind.basis_note = text or None
            ind.basis = classify_basis(text)
    elif column == "指标解释":
        ind.explanation = text or None
    # 行 and 待填 are display columns: they change with the rows and values, never by hand


def apply_edits(table: TargetTable, edits: Mapping[str, Any]) -> TargetTable:
    """A new table with the grid edits applied; the input table is not modified."""
    rows = [ind.model_copy(deep=True) for ind in table.indicators]
    for pos, change in (edits.get("edited_rows") or {}).items():
        pos = int(pos)
        if 0 <= pos < len(rows):
            for column, value in (change or {}).items():
                _set(rows[pos], column, value)
    deleted = {int(p) for p in edits.get("deleted_rows") or []}
    rows = [ind for pos, ind in enumerate(rows) if pos not in deleted]
    for added in edits.get("added_rows") or []:
        ind = Indicator(name="")
        for column, value in (added or {}).items():
            _set(ind, column, value)
        if ind.name or ind.value:
            rows.append(ind)
    return table.model_copy(update={"indicators": rows})


def add_precedent(table: TargetTable, ind: Indicator) -> TargetTable:
    """Insert after the last row of the same 一级/二级 so the exported form's merged cells stay whole."""
    rows = list(table.indicators)
    same = [i for i, row in enumerate(rows) if (row.level1, row.level2) == (ind.level1, ind.level2)]
    at = same[-1] + 1 if same else len(rows)
    rows.insert(at, ind)
    return table.model_copy(update={"indicators": rows})


def one_click_value(suggestion: str | None) -> str | None:
    """The value to write when a finding's suggestion is itself a value, else None."""
    text = (suggestion or "").strip()
    if not _BARE_VALUE.match(text) or parse_value(text).number is None:
        return None
    return text


def set_value(table: TargetTable, row: int, value: str) -> TargetTable:
    return apply_edits(table, {"edited_rows": {row: {"指标值": value}}})


def precedent_frame(precedents: list[Precedent]) -> pd.DataFrame:
    """Each precedent as city·year·project with its original row; a library pattern is labelled 共性指标库,
    its template slots shown as what they stand for ("{服务}服务面积" → "（服务）服务面积")."""
    rows = [{
        "来源": _origin(p),
        "项目": (p.project or "").removeprefix("共性指标库·"),
        "三级指标": _unslotted(p.name),
        "指标值": _unslotted(p.value or ""),
        "依据": p.basis or "",
        "原表位置": _where(p),
    } for p in precedents]
    return pd.DataFrame(rows, columns=PRECEDENT_COLUMNS)


def _origin(p: Precedent) -> str:
    if p.kind == "library":
        return "共性指标库"
    if p.kind == "goal":
        return "本项目年度目标"
    return f"{p.city or ''}{p.year or ''}".strip() or "往年表格"


def _where(p: Precedent) -> str:
    """Where the row stands in its source: a line of a seed form, a row of a public form with its address."""
    if p.kind == "library":
        return "指标库模板"
    if p.kind == "goal":
        return "年度目标（原文见三级指标列）"
    address = source_address(p.source)
    if address:
        return f"第{p.line}条指标 · {address}" if p.line else address
    return f"第{p.line}行" if p.line else ""


PRECEDENT_COLUMNS = ["来源", "项目", "三级指标", "指标值", "依据", "原表位置"]


def _unslotted(text: str) -> str:
    return re.sub(r"\{([^{}]*)\}", lambda m: f"（{m.group(1)}）" if m.group(1) else "", text or "")


