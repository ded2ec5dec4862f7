"""The tree: where a cost row goes in each variant, and the form's row order."""
from __future__ import annotations

import pytest

from assistant.schema import Indicator, Level1, Level2, TargetTable
from assistant.taxonomy import COST_LEVEL2, Variant, is_cost, place, placed, tree_order, variant_of


def _row(level1, level2, name="x", value="1个"):
    return Indicator(level1=level1, level2=level2, name=name, value=value)


def _table() -> TargetTable:
    # as 张家口 2020 房屋租赁费 lists them, with the cost row under 产出
    return TargetTable(project_name="房屋租赁费", indicators=[
        _row(Level1.OUTPUT, Level2.QUANTITY, "租赁面积", "1800平方米"),
        _row(Level1.OUTPUT, Level2.COST, "年租赁费用", "≤60.13万元"),
        _row(Level1.BENEFIT, Level2.SOCIAL, "保障工作正常开展", "有效保障"),
        _row(Level1.SATISFACTION, Level2.SATISFACTION, "职工满意度", "≥90%"),
    ])


@pytest.mark.parametrize("variant, level1, level2, position", [
    (Variant.MOF_2021, Level1.COST, Level2.ECONOMIC_COST, 1),
    (Variant.PROVINCIAL, Level1.OUTPUT, Level2.COST, 1),
])
def test_placed_moves_the_cost_row_and_keeps_the_tree_order(variant, level1, level2, position):
    table = placed(_table(), variant)
    cost = table.indicators[position]
    assert (cost.name, cost.level1, cost.level2) == ("年租赁费用", level1, level2)
    assert [r.name for r in table.indicators] == ["租赁面积", "年租赁费用", "保障工作正常开展", "职工满意度"]
    assert variant_of(table) is variant
    back = placed(table, Variant.PROVINCIAL if variant is Variant.MOF_2021 else Variant.MOF_2021)
    assert back.indicators[1].level1 is not level1
    assert _table().indicators[1].level2 is Level2.COST  # the input is not changed


def test_a_cost_row_written_in_the_middle_is_sorted_after_the_outputs():
    table = _table()
    table.indicators.insert(0, table.indicators.pop(1))  # 年租赁费用 first
    table.indicators.append(_row(Level1.OUTPUT, Level2.TIMELINESS, "租赁期限", "1年"))
    names = [r.name for r in placed(table, Variant.MOF_2021).indicators]
    assert names == ["租赁面积", "租赁期限", "年租赁费用", "保障工作正常开展", "职工满意度"]


def test_an_imported_cost_row_without_level2_is_a_cost_row():
    row = _row(Level1.COST, None, "项目总成本", "≤10万元")
    assert is_cost(row)
    place(row, Variant.PROVINCIAL)
    assert (row.level1, row.level2) == (Level1.OUTPUT, Level2.COST)
    assert row.level2 in COST_LEVEL2


def test_tree_order_puts_rows_without_a_level2_last_in_their_level1():
    rows = [_row(Level1.BENEFIT, None), _row(Level1.BENEFIT, Level2.SOCIAL), _row(Level1.OUTPUT, Level2.QUALITY)]
    assert sorted(rows, key=tree_order) == [rows[2], rows[1], rows[0]]
