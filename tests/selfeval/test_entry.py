"""Entering actuals: ACTUALS.csv and one sentence (assistant/selfeval/entry.py)."""
from __future__ import annotations

import pytest
from selfeval_tables import ten_rows

from assistant.schema import Indicator, Level1, Level2
from assistant.selfeval import SelfEvalInputError, apply_actuals, parse_actuals_csv, parse_sentence, read_actuals_csv


def test_csv_contract_and_apply(tmp_path):
    text = "name,actual,weight\n热线接通率,97%,10\n缴存职工满意度,96%,\n"
    entries = parse_actuals_csv(text)
    assert [(e.name, e.actual, e.weight) for e in entries] == [("热线接通率", "97%", 10.0), ("缴存职工满意度", "96%", None)]
    table = ten_rows()
    filled = apply_actuals(table, entries)
    assert filled.indicators[2].actual == "97%" and filled.indicators[2].weight == 10
    assert table.indicators[2].actual is None  # a copy


def test_gbk_csv_with_chinese_headers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("三级指标,实际完成值\n热线接通率,97%\n".encode("gb18030"))
    assert read_actuals_csv(path)[0].actual == "97%"


@pytest.mark.parametrize("text, message", [
    ("", "文件为空"),
    ("指标,值\n热线接通率,97%\n", "表头应为 name,actual,weight"),
    ("name,actual,weight\n热线接通率,97%,十分\n", "第2行：分值“十分”不是数字"),
    ("name,actual\n,97%\n", "第2行：缺少指标名称"),
])
def test_bad_csv(text, message):
    with pytest.raises(SelfEvalInputError, match=message):
        parse_actuals_csv(text)


def test_an_actual_for_a_missing_row_names_the_nearest():
    with pytest.raises(SelfEvalInputError, match="“热线接通”：表中没有这个三级指标（是不是“热线接通率”？）"):
        apply_actuals(ten_rows(), parse_actuals_csv("name,actual\n热线接通,97%\n"))


def test_repeated_names_match_in_order():
    rows = [Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="发放内部聘用人员工资", value="12次"),
            Indicator(level1=Level1.OUTPUT, level2=Level2.COST, name="发放内部聘用人员工资", value="约95万元")]
    table = ten_rows().model_copy(update={"indicators": rows})
    filled = apply_actuals(table, parse_actuals_csv("name,actual\n发放内部聘用人员工资,12次\n发放内部聘用人员工资,94万元\n"))
    assert [r.actual for r in filled.indicators] == ["12次", "94万元"]


@pytest.mark.parametrize("text, rows, actual", [
    ("第3个实际完成98%", [2], "98%"), ("第三行实际97%", [2], "97%"), ("满意度实际96%", [8, 9], "96%"),
    ("热线接通率实际完成值为96.5%", [2], "96.5%"), ("政策知晓度实际：基本完成", [6], "基本完成"),
])
def test_sentences(text, rows, actual):
    assert parse_sentence(ten_rows(), text) == (rows, actual)


@pytest.mark.parametrize("text, message", [("第12个实际完成98%", "只有 10 行"), ("你好", "没看懂"),
                                           ("办公面积实际200平方米", "没有“办公面积”")])
def test_bad_sentences(text, message):
    with pytest.raises(SelfEvalInputError, match=message):
        parse_sentence(ten_rows(), text)
