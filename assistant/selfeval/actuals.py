"""实际完成值 as preparers type it: "98%", "约95%", "≥95%", "12次", "已完成", "基本完成", "2024年11月".

Owns reading an actual into a number (with unit, operator, approx), a date, or one of the three
grades of 财预〔2020〕10号 (达成 / 部分达成并具有一定效果 / 未达成且效果较差); the end date a date
target or actual stands for ("2024年1月-12月" → 2024-12-31, "6月底前" → 6-30); and turning an
amount into the target's unit (元 ↔ 万元 ↔ 亿元, 0.96 → 96%). Nothing here scores.
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from assistant.values import Operator, ParsedValue, ValueKind, clean, parse_value


class Grade(StrEnum):
    """The three grades of a qualitative indicator (财预〔2020〕10号, 项目支出绩效自评表 说明)."""

    ACHIEVED = "达成年度指标"
    PARTIAL = "部分达成年度指标并具有一定效果"
    MISSED = "未达成年度指标且效果较差"


class ActualKind(StrEnum):
    NUMBER = "number"
    DATE = "date"
    GRADE = "grade"
    EMPTY = "empty"  # not entered yet
    TEXT = "text"  # words we cannot read as any of the above


class Actual(BaseModel):
    raw: str
    kind: ActualKind
    number: float | None = None
    unit: str | None = None
    operator: Operator | None = None
    approx: bool = False
    grade: Grade | None = None
    parsed: ParsedValue | None = None  # for dates: the parsed value (year, month, day, deadline)


# Checked in this order: 未完成 contains 完成, 基本完成 contains 完成.
_GRADE_WORDS: list[tuple[Grade, tuple[str, ...]]] = [
    (Grade.MISSED, ("未达成年度指标", "未完成", "未达成", "未实现", "未达到", "没有完成", "未开展", "未按时",
                    "未按期", "效果较差", "不合格", "不达标", "否", "无进展", "延期", "滞后")),
    (Grade.PARTIAL, ("部分达成", "基本完成", "基本达成", "基本实现", "基本达到", "部分完成", "部分实现",
                     "大部分完成", "基本符合", "基本满意", "一定效果", "有所提升", "有所提高", "有所改善",
                     "基本按时", "基本按期")),
    (Grade.ACHIEVED, ("达成年度指标", "已完成", "全部完成", "超额完成", "完成", "已达成", "达成", "已达到",
                      "达到", "已实现", "实现", "是", "按时", "按期", "如期", "符合", "合格", "达标",
                      "效果明显", "显著", "已落实", "落实", "正常", "满足")),
]
_PREFIX = re.compile(r"^(?:实际(?:完成(?:值|情况)?)?|完成值|完成了?)\s*[:：为是]?\s*")


def grade_of(text: str) -> Grade | None:
    s = re.sub(r"\s+", "", text or "")
    for grade, words in _GRADE_WORDS:
        if any(w == s or (len(w) > 1 and w in s) for w in words):
            return grade
    return None


def parse_actual(raw: str | float | int | None) -> Actual:
    """Read one 实际完成值. Never raises: what cannot be read comes back as kind TEXT, raw kept."""
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        raw = f"{raw:g}"
    text = clean(str(raw or ""))
    base = {"raw": str(raw or "")}
    if not text:
        return Actual(kind=ActualKind.EMPTY, **base)
    body = _PREFIX.sub("", text) or text
    parsed = parse_value(body)
    if parsed.kind is ValueKind.QUANTITY and parsed.number is not None and parsed.number_max is None:
        return Actual(kind=ActualKind.NUMBER, number=parsed.number, unit=parsed.unit, operator=parsed.operator,
                      approx=parsed.approx, **base)
    if parsed.kind is ValueKind.DATE:
        return Actual(kind=ActualKind.DATE, parsed=parsed, grade=grade_of(body), **base)
    if parsed.kind is ValueKind.EMPTY:
        return Actual(kind=ActualKind.EMPTY, **base)
    grade = grade_of(body)
    if grade is not None:
        return Actual(kind=ActualKind.GRADE, grade=grade, **base)
    return Actual(kind=ActualKind.TEXT, **base)


# --- dates ---------------------------------------------------------------------------------------------

_LAST_DATE = re.compile(r"(?:((?:19|20)\d{2})\s*年)?\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底|末|中旬|上旬|下旬))?")


def date_end(text: str, default_year: int | None) -> date | None:
    """The last day a date (or the end of a date range) stands for: "2024年1月-12月" → 2024-12-31,
    "2025年6月底前" → 2025-06-30, "2024年" → 2024-12-31. None when it names no month or year."""
    s = clean(text)
    matches = list(_LAST_DATE.finditer(s))
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", s)]
    if not matches:
        if years:
            return date(years[-1], 12, 31)
        return None
    last = matches[-1]
    year = int(last.group(1)) if last.group(1) else (years[-1] if years else default_year)
    month = int(last.group(2))
    if year is None or not 1 <= month <= 12:
        return None
    end_day = calendar.monthrange(year, month)[1]
    if last.group(3):
        day = min(int(last.group(3)), end_day)
    else:
        day = {"上旬": 10, "中旬": 20}.get(last.group(4) or "", end_day)
    return date(year, month, day)


def monthly_day(text: str) -> int | None:
    """"每月25日" → 25: a deadline that repeats every month."""
    match = re.search(r"每月(?:的)?\s*(\d{1,2})\s*日", clean(text))
    return int(match.group(1)) if match else None


# --- units ----------------------------------------------------------------------------------------------

_MONEY = {"元": 1.0, "万元": 1e4, "亿元": 1e8}
_TIME = {"天": 1.0, "日": 1.0, "个月": 30.0, "月": 30.0, "年": 365.0}


def in_unit(number: float, unit: str | None, target_unit: str | None) -> float | None:
    """``number`` of ``unit`` expressed in ``target_unit``; None when they cannot be compared.

    A missing unit is taken as the target's ("4564" against "4000万元"); 0.96 against a percent target
    is read as 96% (a spreadsheet cell formatted as a fraction)."""
    unit, target_unit = (unit or "").strip(), (target_unit or "").strip()
    if not unit or not target_unit or unit == target_unit:
        if not unit and target_unit == "%" and 0 < number <= 1:
            return number * 100
        return number
    for table in (_MONEY, _TIME):
        if unit in table and target_unit in table:
            return number * table[unit] / table[target_unit]
    if unit.endswith(target_unit) or target_unit.endswith(unit):  # 人次 / 次, 个工作日 / 工作日
        return number
    return None
