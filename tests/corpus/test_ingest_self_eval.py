"""The 项目支出绩效自评表 text reader, on the 中卫 2024 seed (three projects, one across a page break)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.corpus.readers import self_eval_text
from assistant.schema import FormKind

SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "sources"
ZHONGWEI = SOURCES / "004_1fb274d828a9de78.txt"
BUSINESS = "公积金管理业务费用项目"
MORTGAGE = "公积金贷款房屋抵押手续费项目"
OUTSOURCING = "公积金信息化服务外包项目"


def read_text(text: str, name: str = ZHONGWEI.name):
    return self_eval_text.read(Path(name), text)


@pytest.fixture(scope="module")
def raw() -> str:
    return ZHONGWEI.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(raw):
    return read_text(raw)


def record(doc, name: str):
    return next(p for p in doc.projects if p.table.project_name == name)


def find(doc, project: str, name: str, level1: str | None = None):
    hits = [ind for ind in record(doc, project).table.indicators
            if ind.name == name and (level1 is None or ind.level1 == level1)]
    assert len(hits) == 1
    return hits[0]


@pytest.mark.parametrize("source, expected",
                         [(p.name, p.name.startswith("004_")) for p in sorted(SOURCES.glob("*.txt"))])
def test_matches_only_the_self_evaluation(source, expected):
    assert self_eval_text.matches((SOURCES / source).read_text(encoding="utf-8")) is expected


def test_provenance(doc):
    prov = doc.provenance
    assert (prov.city, prov.unit, prov.year, prov.form_kind) == ("中卫", "中卫市住房公积金管理中心", 2024,
                                                                 FormKind.SELF_EVALUATION)
    assert doc.problems == []
    assert [p.table.project_name for p in doc.projects] == [BUSINESS, MORTGAGE, OUTSOURCING]


@pytest.mark.parametrize("project, budget, executed, total_score", [
    (BUSINESS, 123.0, 123.0, 97.0),
    (MORTGAGE, 5.0, 5.0, 97.0),
    (OUTSOURCING, 207.5, 207.5, 98.0),
])
def test_budget_execution_and_total(doc, project, budget, executed, total_score):
    rec = record(doc, project)
    assert (rec.table.funds_annual.total, rec.table.funds_annual.fiscal, rec.table.funds_annual.other) == (
        budget, budget, None)
    assert (rec.executed, rec.execution_rate, rec.extra["年初预算数"]) == (executed, "100%", budget)
    assert rec.extra["资金执行"] == {"分值": 10.0, "执行率": "100%", "得分": 10.0}
    assert rec.extra["总分"] == {"分值": 100.0, "得分": total_score}


def test_funds_execution_row_is_not_an_indicator(doc, raw):
    # 总分 100 = indicators 90 + 资金执行 10 in every project
    fund_lines = {i for i, line in enumerate(raw.splitlines(), 1) if "资金总额" in line}
    for rec in doc.projects:
        assert sum(ind.weight for ind in rec.table.indicators) == 90
        assert not any(ind.line in fund_lines for ind in rec.table.indicators)


def test_goals_and_actual_outcome(doc):
    business = record(doc, BUSINESS)
    assert len(business.table.goals_annual) == 3  # "目标1:…目标2:…目标3:…"
    assert business.table.goals_annual[0].startswith("解决编制少")
    assert record(doc, MORTGAGE).table.goals_annual == ["确保住房公积金贷款正常发放"]
    assert record(doc, MORTGAGE).extra["实际完成情况"].startswith("通过实施该项目，完成了年初既定绩效目标")


@pytest.mark.parametrize("project, name, level1, level2, value, actual, weight, score", [
    (MORTGAGE, "为600笔贷款支付抵押手续费", "产出指标", "数量指标", "625笔", "625笔", 12, 12),
    (MORTGAGE, "为730户职工发放住房公积金贷款3.20亿元，实现增值收益4564.74万元", "效益指标", "经济效益指标",
     "625笔", "730笔", 9, 9),
    (MORTGAGE, "无", "效益指标", "生态效益指标", "", None, 3, 0),
    (BUSINESS, "无", "效益指标", "生态效益指标", "无", "无", 3, 0),  # "无" stays as written
    (BUSINESS, "聘用人员工资发放时间", "产出指标", "时效指标", "每月25日", "每月25日", 4, 4),
    (BUSINESS, "本年实现增值收益4564.74万元", "效益指标", "经济效益指标", "4000万元", "4564万元", 9, 9),
    (BUSINESS, "缴纳水、电、物业等费用", "满意度指标", "服务对象满意度指标", "≥95%", "≥95%", 3, 3),
    (OUTSOURCING, "核心业务系统综合运维费为54.5万元/年", "产出指标", "成本指标", "54.5", "54.5", 3, 3),
    # after the page break the grid goes on with its columns shifted
    (OUTSOURCING, "实现住房公积金增值收益4564.74万元", "效益指标", "经济效益指标", "4000", "4564", 4, 4),
    (OUTSOURCING, "确保缴存人住房公积金账户资金安全", "满意度指标", "服务对象满意度指标", "≥95%", "≥95%", 4, 4),
])
def test_indicator_facts(doc, project, name, level1, level2, value, actual, weight, score):
    ind = find(doc, project, name, level1)  # 中卫 reuses names under 产出 and 满意度
    assert (ind.level1, ind.level2, ind.value, ind.actual, ind.weight, ind.score) == (
        level1, level2, value, actual, weight, score)
    assert ind.deviation is None and ind.inferred == []


def count_grid_rows(text: str) -> int:
    """Rows with a 三级 cell ("指标N：…" or "无") and two integer cells (分值, 得分)."""
    count = 0
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t")]
        named = any(re.match(r"^(指标\d*\s*[:：]|无$)", c) for c in cells)
        count += named and sum(bool(re.fullmatch(r"\d+", c)) for c in cells) >= 2
    return count


def test_completeness_every_grid_row_is_read(doc, raw):
    expected = count_grid_rows(raw)
    assert expected > 50
    assert sum(len(p.table.indicators) for p in doc.projects) == expected


def test_indicators_cite_their_line(doc, raw):
    lines = raw.splitlines()
    for p in doc.projects:
        for ind in p.table.indicators:
            assert ind.name in lines[ind.line - 1]


def test_truncated_form_reports_problems(raw):
    lines = raw.splitlines()
    cut = next(i for i, line in enumerate(lines) if "指标3：确保缴存人住房公积金账户资金安全" in line)
    doc = read_text("\n".join(lines[:cut]))
    assert any("总分" in p for p in doc.problems)
    assert len(record(doc, OUTSOURCING).table.indicators) == 26


def test_scores_that_do_not_add_up_are_reported(raw):
    doc = read_text(raw.replace("指标：为600笔贷款支付抵押手续费\t625笔\t625笔\t12\t12",
                                "指标：为600笔贷款支付抵押手续费\t625笔\t625笔\t12\t十二"))
    assert find(doc, MORTGAGE, "为600笔贷款支付抵押手续费").score is None
    assert any("不是数字" in p for p in doc.problems)
    assert any("得分" in p and "总分行" in p for p in doc.problems)


def test_text_without_the_form_raises_a_chinese_error():
    with pytest.raises(IngestError, match="项目名称"):
        read_text("市本级项目支出绩效自评表\n(2024年度)\n")


def test_any_truncation_reads_or_raises_ingest_error(raw):
    lines = raw.splitlines()
    for cut in range(len(lines)):
        for text in ("\n".join(lines[:cut]), "\n".join(lines[cut:])):
            try:
                read_text(text)
            except IngestError:
                pass  # a clear Chinese message, never a traceback
