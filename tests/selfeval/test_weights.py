"""The usual split of 分值 and its 勾稽关系 (assistant/selfeval/weights.py)."""
from __future__ import annotations

from selfeval_tables import ten_rows

from assistant.schema import Indicator, Level1, Level2, Severity
from assistant.selfeval.weights import check, group_points, propose


def test_usual_split_spread_within_each_level1():
    table = ten_rows()
    weights = propose(table.indicators)
    assert weights == [9, 9, 8, 8, 8, 8, 15, 15, 5, 5]  # 产出 50 over 6 rows, 效益 30 over 2, 满意度 10 over 2
    assert sum(weights) + 10 == 100
    assert check(table.indicators, weights).findings == []


def test_missing_satisfaction_moves_its_points_to_output_and_benefit():
    rows = [Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="a", value="1次"),
            Indicator(level1=Level1.BENEFIT, level2=Level2.SOCIAL, name="b", value="长期")]
    assert group_points(rows) == {"产出": 56, "效益": 34}
    assert sum(propose(rows)) == 90


def test_cost_as_level1_shares_the_output_points_and_many_rows_get_hundredths():
    rows = [Indicator(level1=Level1.COST, level2=Level2.ECONOMIC_COST, name="c", value="≤5万元")]
    rows += [Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name=f"q{i}", value="1次") for i in range(60)]
    weights = propose(rows)
    assert round(sum(weights), 6) == 90 and min(weights) > 0.8


def test_weights_not_summing_to_100_are_an_error_and_an_odd_split_a_warning():
    table = ten_rows()
    weights = [10.0] * 10
    found = check(table.indicators, weights).findings
    assert [f.code for f in found if f.severity is Severity.ERROR] == ["S01"]
    assert "分值合计为 110" in found[0].message
    assert {f.code for f in found if f.severity is Severity.WARNING} == {"S10"}


def test_a_row_without_weight_is_named():
    table = ten_rows()
    weights = propose(table.indicators)
    weights[3] = None
    result = check(table.indicators, weights)
    assert result.total is None and "1 行没有分值（第4行“系统故障率”）" in result.findings[0].message
