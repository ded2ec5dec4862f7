"""A whole 自评表: scores, 预算执行率, 总分 and the 勾稽关系 findings (assistant/selfeval/evaluation.py)."""
from __future__ import annotations

from selfeval_tables import ALL_MET, ten_rows

from assistant.selfeval import evaluate, scored
from assistant.selfeval.evaluation import CONTRACT_ROW


def codes(evaluation, severity=None):
    return [f.code for f in evaluation.findings if severity is None or f.severity.value == severity]


def test_all_met_scores_100():
    evaluation = evaluate(ten_rows(**ALL_MET), budget=48, executed=48)
    assert evaluation.total == 100 and evaluation.complete and evaluation.weight_total == 100
    assert all(r.met for r in evaluation.rows) and not evaluation.errors
    assert evaluation.proposed_weights and "S15" in codes(evaluation)


def test_shortfalls_execution_rate_and_reasons():
    actuals = {**ALL_MET, "热线接通率": "90%", "缴存单位满意度": "基本满意", "服务合同签订时间": "2025年5月8日"}
    evaluation = evaluate(ten_rows(**actuals), budget=48, executed=45.6)
    rows = {r.name: r for r in evaluation.rows}
    assert rows["热线接通率"].score == 7.58  # 8 × 90/95
    assert rows["缴存单位满意度"].score == 3.5  # 部分达成: 70% of 5
    assert rows["服务合同签订时间"].score == 5.6  # late: 部分达成, 70% of 8
    assert evaluation.execution.rate_text == "95%" and evaluation.execution.score == 9.5
    assert evaluation.total == round(100 - (8 - 7.58) - 1.5 - 2.4 - 0.5, 2)
    assert codes(evaluation).count("S11") == 3 and "S13" in codes(evaluation)


def test_bad_amounts_are_errors_and_nothing_is_lost():
    table = ten_rows(**ALL_MET)
    over = evaluate(table, budget=48, executed=50)
    assert "S05" in codes(over, "error") and "大于全年预算数" in over.errors[0].message
    assert over.execution.score is None and over.total == 90  # the rows are still scored
    zero = evaluate(table, budget=0, executed=0)
    assert "全年预算数为 0 万元" in zero.errors[0].message
    missing = evaluate(table)
    assert missing.execution.budget == 48 and missing.execution.missing and not missing.complete


def test_text_actual_is_an_error_and_the_actual_stays():
    table = ten_rows(**{**ALL_MET, "短信发送条数": "差不多"})
    evaluation = evaluate(table, budget=48, executed=48)
    assert codes(evaluation, "error") == ["S03"] and "第2行“短信发送条数”" in evaluation.errors[0].message
    assert table.indicators[1].actual == "差不多"


def test_full_year_budget_differs_from_initial():
    table = ten_rows(**ALL_MET).model_copy(update={"budget_full_year": 50.0, "executed": 49.0})
    evaluation = evaluate(table)
    assert evaluation.execution.budget == 50 and evaluation.execution.score == 9.8 and "S14" in codes(evaluation)


def test_scored_table_and_contract():
    table = ten_rows(**ALL_MET)
    evaluation = evaluate(table, budget=48, executed=48)
    filled = scored(table, evaluation)
    assert [r.score for r in filled.indicators] == [r.weight for r in filled.indicators]
    assert table.indicators[0].score is None  # the input is not changed
    contract = evaluation.contract()
    assert {"rows", "execution_score", "total"} <= set(contract)
    assert all(set(CONTRACT_ROW) <= set(r) for r in contract["rows"])
    # scoring the scored table again agrees with itself (no S08 printed-score mismatch)
    assert "S08" not in codes(evaluate(filled, budget=48, executed=48))
