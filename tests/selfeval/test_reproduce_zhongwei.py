"""The 中卫 2024 自评表 (corpus/sources/004_*.txt, read into corpus/forms/004_*.json) scored again.

Every row's 得分 is recomputed from its 年度指标值, 实际完成值 and 分值 and must equal the printed one;
the 资金执行 score from 全年执行数 / 全年预算数, and the 总分. The form scores every row by the standard
rules except three, which this test names: the 生态效益指标 rows the form left without a target
(value "无" or blank) but still gave points (3, 3 and 2) and then scored 0. No directional rule applies
to a row without a target; our scorer gives them 0 by its 无指标值 rule and warns that the points should
have gone to real indicators (财预〔2020〕10号).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.schema import SourceDocument
from assistant.selfeval import Rule, evaluate

FORM = next((Path(__file__).resolve().parents[2] / "corpus" / "forms").glob("004_*.json"))
STANDARD = {Rule.HIGHER, Rule.LOWER, Rule.DATE, Rule.GRADED}
# (project, source line, name, 分值): the rows the form scored by another rule, and why (see above)
OTHER_RULE = {
    ("公积金管理业务费用项目", 31, "无", 3.0),
    ("公积金贷款房屋抵押手续费项目", 62, "无", 3.0),
    ("公积金信息化服务外包项目", 108, "指标：", 2.0),
}
TOTALS = {"公积金管理业务费用项目": 97.0, "公积金贷款房屋抵押手续费项目": 97.0, "公积金信息化服务外包项目": 98.0}


@pytest.fixture(scope="module")
def projects():
    return SourceDocument.model_validate_json(FORM.read_text(encoding="utf-8")).projects


def test_every_row_reproduces_the_printed_score(projects):
    matched = total = 0
    other = set()
    for project in projects:
        table = project.table
        evaluation = evaluate(table, budget=table.budget, executed=project.executed)
        for row, result in zip(table.indicators, evaluation.rows):
            total += 1
            assert result.score == row.score, (table.project_name, row.line, row.name, result.note)
            matched += 1
            if result.rule not in STANDARD:
                assert result.rule is Rule.NO_TARGET
                other.add((table.project_name, row.line, row.name, row.weight))
    assert (matched, total) == (55, 55)
    assert other == OTHER_RULE


def test_execution_and_totals_reproduce(projects):
    for project in projects:
        table = project.table
        evaluation = evaluate(table, budget=table.budget, executed=project.executed)
        printed = project.extra["资金执行"]
        assert evaluation.execution.score == printed["得分"] == 10
        assert evaluation.execution.rate_text == printed["执行率"] == "100%"
        assert evaluation.total == project.extra["总分"]["得分"] == TOTALS[table.project_name]
        assert evaluation.weight_total == project.extra["总分"]["分值"] == 100
        assert evaluation.complete and not evaluation.errors
        # the rows without a target are pointed out, with where their points should go
        flagged = [f for f in evaluation.findings if f.code == "S09"]
        assert len(flagged) == 1 and "应删除此行" in flagged[0].message
        assert not [f for f in evaluation.findings if f.code == "S08"]  # no printed score disagrees
