"""The block above a standard 申报表's indicator grid: title, header fields, funds and goals.

Owns reading those rows into TargetTable fields (project name, units, 项目期, year, 中期/年度资金
with their 财政拨款/其他资金 parts, 中期/年度目标), each found by its label wherever it stands.
"""
from __future__ import annotations

import re

from assistant.corpus.readers.standard_rows import (
    FIELD_LABELS, FUND_LABELS, FUND_PARTS, LABELS, Row, amount, norm, value_after,
)
from assistant.schema import Funds


def read_block(rows: list[Row]) -> dict:
    fields: dict = {}
    fund_cols: dict[int, str] = {}  # column of a 资金总额 label → "midterm" / "annual"
    funds: dict[str, dict[str, float | None]] = {}
    for i, row in enumerate(rows):
        for col, text in enumerate(row.cells):
            label = norm(text)
            if col and text == row.cells[col - 1]:
                continue  # a merged copy
            if label in FIELD_LABELS and FIELD_LABELS[label] not in fields:
                fields[FIELD_LABELS[label]] = value_after(row.cells, col)
            elif label in FUND_LABELS:
                fund_cols[col] = FUND_LABELS[label]
                funds.setdefault(fund_cols[col], {})["total"] = amount(value_after(row.cells, col))
            elif label in FUND_PARTS and fund_cols:
                owner = fund_cols[min(fund_cols, key=lambda c: abs(c - col))]
                funds.setdefault(owner, {})[FUND_PARTS[label]] = amount(value_after(row.cells, col))
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
