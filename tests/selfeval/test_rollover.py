"""Next year's draft from this year's table (assistant/selfeval/rollover.py)."""
from __future__ import annotations

import pytest
from selfeval_tables import ALL_MET, ten_rows

from assistant.schema import Basis, TargetTable
from assistant.selfeval import RolloverError, rollover


def test_rollover_moves_dates_fills_history_raises_and_flags():
    actuals = {**ALL_MET, "12329热线接听量": "15000人次", "热线接通率": "90%", "短信发送条数": "50万条"}
    old = ten_rows(**actuals)
    old.indicators[2].deviation = "高峰期坐席不足"
    new = rollover(old, 2026)
    rows = {r.name: r for r in new.indicators}
    assert new.year == 2026 and new.budget is None and new.executed is None
    assert rows["服务合同签订时间"].value == "2026年3月31日前"
    assert rows["12329热线接听量"].value == "≥15000人次" and rows["12329热线接听量"].basis is Basis.HISTORY
    assert rows["12329热线接听量"].previous_values == ["15000人次"]
    assert rows["短信发送条数"].value == "≥50万条"  # met exactly: unchanged
    assert rows["热线接通率"].needs_input and "高峰期坐席不足" in rows["热线接通率"].question
    assert rows["热线及短信服务费"].needs_input and "预算确定后" in rows["热线及短信服务费"].question
    assert all(r.actual is None and r.score is None and r.weight is None for r in new.indicators)
    notices = "\n".join(new.notices)
    assert "调为 ≥15000人次" in notices and "请填写 2026 年预算" in notices and "48 万元" in notices
    assert old.year == 2025 and old.indicators[0].value == "≥12000人次"  # the old table is untouched


def test_rollover_keeps_history_of_two_years_and_caps_percent():
    old = ten_rows(**{**ALL_MET, "热线接通率": "101%"})
    old.indicators[2].previous_values = ["93%", "94%"]
    row = rollover(old, 2026).indicators[2]
    assert row.previous_values == ["94%", "101%"] and row.value == "≥100%"


def test_rollover_output_is_the_draft_json_shape():
    data = TargetTable.model_validate_json(rollover(ten_rows(**ALL_MET), 2026).model_dump_json())
    assert data.year == 2026 and len(data.indicators) == 10


@pytest.mark.parametrize("year, message", [(2025, "应晚于原表年度 2025"), (2024, "应晚于")])
def test_rollover_bad_year(year, message):
    with pytest.raises(RolloverError, match=message):
        rollover(ten_rows(), year)
    with pytest.raises(RolloverError, match="没有年度"):
        rollover(ten_rows().model_copy(update={"year": None}), 2026)
