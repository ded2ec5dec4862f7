"""Reading 实际完成值 as preparers type them (assistant/selfeval/actuals.py)."""
from __future__ import annotations

from datetime import date

import pytest

from assistant.selfeval.actuals import ActualKind, Grade, date_end, in_unit, monthly_day, parse_actual


@pytest.mark.parametrize("raw, number, unit, approx", [
    ("98%", 98, "%", False), ("约95%", 95, "%", True), ("95%左右", 95, "%", True), ("12次", 12, "次", False),
    ("实际完成98%", 98, "%", False), ("4564", 4564, None, False), ("４５６４万元", 4564, "万元", False),
    (0.96, 0.96, None, False), ("1,200人次", 1200, "人次", False),
])
def test_numbers(raw, number, unit, approx):
    actual = parse_actual(raw)
    assert actual.kind is ActualKind.NUMBER
    assert (actual.number, actual.unit, actual.approx) == (number, unit, approx)


@pytest.mark.parametrize("raw, grade", [
    ("已完成", Grade.ACHIEVED), ("完成", Grade.ACHIEVED), ("达成年度指标", Grade.ACHIEVED), ("按时完成", Grade.ACHIEVED),
    ("基本完成", Grade.PARTIAL), ("部分达成年度指标并具有一定效果", Grade.PARTIAL), ("有所提升", Grade.PARTIAL),
    ("未完成", Grade.MISSED), ("未达成年度指标且效果较差", Grade.MISSED), ("否", Grade.MISSED),
])
def test_grades(raw, grade):
    actual = parse_actual(raw)
    assert actual.kind is ActualKind.GRADE and actual.grade is grade


def test_operator_kept_and_empty_and_unreadable():
    assert parse_actual("≥95%").operator is not None
    assert parse_actual("").kind is ActualKind.EMPTY and parse_actual(None).kind is ActualKind.EMPTY
    weird = parse_actual("abc")
    assert weird.kind is ActualKind.TEXT and weird.raw == "abc"  # nothing lost


@pytest.mark.parametrize("text, year, end", [
    ("2024年1月-12月", None, date(2024, 12, 31)), ("2025年6月底前", None, date(2025, 6, 30)),
    ("12月20日", 2024, date(2024, 12, 20)), ("2024年1月1日-2024年12月31日", None, date(2024, 12, 31)),
    ("2025年11月中旬", None, date(2025, 11, 20)), ("2025年", None, date(2025, 12, 31)), ("长期", 2025, None),
])
def test_date_end(text, year, end):
    assert date_end(text, year) == end


def test_monthly_day_and_units():
    assert monthly_day("每月25日") == 25 and monthly_day("2025年") is None
    assert in_unit(580000, "元", "万元") == 58
    assert in_unit(0.96, None, "%") == 96
    assert in_unit(3, "天", "个工作日") is None
    assert in_unit(1200, "人次", "次") == 1200
