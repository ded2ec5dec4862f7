"""The scoring rules, one case per rule and direction (assistant/selfeval/scoring.py)."""
from __future__ import annotations

import pytest

from assistant.schema import Indicator, Level1, Level2
from assistant.selfeval.actuals import Grade
from assistant.selfeval.scoring import Rule, score_row

O, B, S = Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION


def score(value, actual, weight=10.0, level1=O, level2=Level2.QUANTITY, name="指标", override=None, year=2025):
    row = Indicator(level1=level1, level2=level2, name=name, value=value, actual=actual)
    return score_row(row, 0, weight, year, override)


@pytest.mark.parametrize("value, actual, weight, expected, rule, met", [
    # 正向: met → full; short → weight × actual / target (财预〔2020〕10号)
    ("≥20条", "22条", 10, 10, Rule.HIGHER, True),
    ("≥20条", "15条", 10, 7.5, Rule.HIGHER, False),
    ("12次", "11次", 4, 3.67, Rule.HIGHER, False),
    ("≥95%", "约93%", 5, 4.89, Rule.HIGHER, False),
    ("≥95%", "0.96", 5, 5, Rule.HIGHER, True),  # a fraction typed into a percent row
    ("4000万元", "4564万元", 9, 9, Rule.HIGHER, True),  # 14% over: full, no reason asked (中卫 2024)
    # 反向: within → full; over → weight × target / actual
    ("≤1%", "0.4%", 6, 6, Rule.LOWER, True),
    ("≤1%", "2%", 6, 3, Rule.LOWER, False),
    ("≤3个工作日", "4个工作日", 4, 3, Rule.LOWER, False),
    # 零值: 0 → full, anything else → 0
    ("0起", "0起", 5, 5, Rule.ZERO, True),
    ("0起", "1起", 5, 0, Rule.ZERO, False),
])
def test_quantity(value, actual, weight, expected, rule, met):
    result = score(value, actual, weight)
    assert (result.score, result.rule, result.met) == (expected, rule, met)
    assert result.needs_reason is (not met)


def test_cost_without_operator_is_a_ceiling_and_units_convert():
    over = score("约20万元", "22万元", 4, level2=Level2.COST)
    assert over.rule is Rule.LOWER and over.score == 3.64
    within = score("≤48万元", "476000元", 4, level2=Level2.COST)
    assert within.met and within.score == 4


def test_a_failure_rate_without_operator_is_reverse():
    assert score("1%", "2%", 4, level2=Level2.QUALITY, name="系统故障率").rule is Rule.LOWER
    assert score("95%", "96%", 4, level2=Level2.QUALITY, name="投诉处理率").rule is Rule.HIGHER


def test_far_exceeded_keeps_points_but_asks_why():
    result = score("≥100人次", "180人次", 10)
    assert result.score == 10 and result.met and result.needs_reason
    assert "设定偏低" in result.warning and any("偏低" in r for r in result.reasons)


@pytest.mark.parametrize("value, actual, expected, met", [
    ("2025年6月底前", "2025年6月20日", 10, True),
    ("2025年6月底前", "按时完成", 10, True),
    ("2025年6月底前", "2025年8月10日", 7, False),  # late: 部分达成 band, proposed 70%
    ("2025年6月底前", "未完成", 3, False),
    ("每月25日", "每月20日", 10, True),
    ("每月25日", "每月28日", 7, False),
    ("2024年1月-12月", "2024年1月-12月", 10, True),
    ("12月31日前", "12月20日", 10, True),  # the year is the table's
])
def test_dates(value, actual, expected, met):
    result = score(value, actual, 10, level2=Level2.TIMELINESS)
    assert (result.score, result.met) == (expected, met)


def test_late_date_asks_for_a_reason_with_timeliness_reasons():
    result = score("2025年6月底前", "2025年8月10日", 10, level2=Level2.TIMELINESS)
    assert result.needs_reason and result.grade is Grade.PARTIAL and "晚于" in result.note
    assert any("采购" in r for r in result.reasons)


@pytest.mark.parametrize("actual, expected, grade", [
    ("明显提升", 10, Grade.ACHIEVED), ("已完成", 10, Grade.ACHIEVED),
    ("基本完成", 7, Grade.PARTIAL), ("部分达成年度指标并具有一定效果", 7, Grade.PARTIAL),
    ("未完成", 3, Grade.MISSED),
])
def test_qualitative_is_graded(actual, expected, grade):
    result = score("明显提升", actual, 10, level1=B, level2=Level2.SOCIAL)
    assert (result.score, result.grade, result.rule) == (expected, grade, Rule.GRADED)


def test_text_actual_for_a_quantity_is_graded_where_the_rule_allows():
    partial = score("≥20条", "基本完成", 10)
    assert partial.score == 7 and partial.grade is Grade.PARTIAL and partial.needs_reason
    done = score("≥20条", "已完成", 10)
    assert done.score == 10 and "实际数值" in done.warning


def test_unreadable_actual_is_a_problem_and_keeps_the_text():
    result = score("≥20条", "差不多吧", 10)
    assert result.score is None and "无法识别" in result.problem and result.actual == "差不多吧"
    assert score("≥95%", "20条", 10).problem.startswith("实际完成值的单位")


def test_no_target_scores_zero_with_a_warning():
    result = score("无", "无", 3, level1=B, level2=Level2.ECOLOGICAL, name="无")
    assert (result.score, result.rule, result.met) == (0, Rule.NO_TARGET, False)
    assert "应删除此行" in result.warning


def test_missing_actual_is_not_scored():
    result = score("≥20条", None)
    assert result.score is None and result.met is None and result.note == "未填写实际完成值"


def test_manual_score_within_the_band():
    ok = score("明显提升", "基本完成", 10, level1=B, level2=Level2.SOCIAL, override=7.5)
    assert ok.score == 7.5 and ok.rule is Rule.MANUAL
    out = score("明显提升", "基本完成", 10, level1=B, level2=Level2.SOCIAL, override=9)
    assert out.score == 7 and "超出允许范围 [6, 8]" in out.problem
    assert score("≥20条", "25条", 10, override=12).problem


# Real self-evaluations of other units (corpus/public/: 成安 高龄津贴 2020, 大英 双新创建 2020) print values and
# actuals this way; each row must be scored or say why, never silently left out.
@pytest.mark.parametrize("value, actual, score", [
    (">= 98 %(百分比)", "100%", 10.0),  # the unit restated in brackets
    ("至少全年完成2次宣传", "已完成100%", 10.0),  # a count target, the task's share said in words
    ("按质按量完成", "已完成100%", 10.0),  # a qualitative target
])
def test_real_forms_ways_of_writing_are_scored(value, actual, score):
    row = Indicator(level1=Level1.OUTPUT, level2=Level2.QUALITY, name="指标", value=value, actual=actual)
    assert score_row(row, 0, 10.0, 2020).score == score
