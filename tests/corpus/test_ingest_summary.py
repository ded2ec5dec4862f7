"""The 项目支出绩效目标表（含转移支付项目）reader, on the 广州 2023 seed (units, projects, prose indicators)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.corpus.readers import summary_text
from assistant.schema import FormKind

SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "sources"
GUANGZHOU = SOURCES / "001_1d4fe422b316c871.txt"
CENTRE = "广州住房公积金管理中心"
HUADU = "广州住房公积金管理中心花都办事处"
PANYU = "广州住房公积金管理中心番禺办事处"
RAILWAY = "广州住房公积金管理中心广州铁路分中心"


def read_text(text: str, name: str = GUANGZHOU.name):
    return summary_text.read(Path(name), text)


@pytest.fixture(scope="module")
def raw() -> str:
    return GUANGZHOU.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(raw):
    return read_text(raw)


def project(doc, unit: str, name: str):
    hits = [p for p in doc.projects if p.unit == unit and p.table.project_name == name]
    assert len(hits) == 1
    return hits[0]


def find(doc, unit: str, name: str, indicator: str):
    hits = [ind for ind in project(doc, unit, name).table.indicators if ind.name == indicator]
    assert len(hits) == 1
    return hits[0]


@pytest.mark.parametrize("source, expected",
                         [(p.name, p.name.startswith("001_")) for p in sorted(SOURCES.glob("*.txt"))])
def test_matches_only_the_summary_table(source, expected):
    assert summary_text.matches((SOURCES / source).read_text(encoding="utf-8")) is expected


def test_provenance(doc):
    prov = doc.provenance
    assert (prov.city, prov.unit, prov.year, prov.form_kind) == ("广州", CENTRE, 2023, FormKind.TARGET_TABLE)


def test_year_guessed_from_project_names_is_flagged(doc):
    # the table has no year of its own: 2023 comes from names like "…IT整体运维项目(2023)"
    assert any("推定为2023年" in problem for problem in doc.problems)


def test_year_written_in_the_title_is_used(raw):
    doc = read_text(raw.replace("（含转移支付项目）", "（含转移支付项目）（2024年度）", 1))
    assert doc.provenance.year == 2024
    assert not any("推定" in problem for problem in doc.problems)


def test_every_project_row_sits_under_its_unit(doc, raw):
    # independent count: a project row has a 绩效目标 or 绩效指标 cell; a unit row only amounts
    rows = [line.split("\t") for line in raw.splitlines() if line.count("\t") >= 6]
    expected = sum(1 for cells in rows[1:] if cells[5].strip() or cells[6].strip())
    assert len(doc.projects) == expected == 29
    units = {p.unit for p in doc.projects}
    assert units == {CENTRE, PANYU, HUADU, RAILWAY, "广州住房公积金管理中心从化办事处", "广州住房公积金管理中心增城办事处"}
    assert sum(p.unit == HUADU for p in doc.projects) == 4


@pytest.mark.parametrize("unit, name, total", [
    (CENTRE, "公共租赁住房建设资金", 6622.78),  # "6,622.78"
    (CENTRE, "广州住房公积金管理中心2023年-2024年IT整体运维项目(2023)", 394.0),  # spaces in the source name
    (HUADU, "办公、业务用房租赁经费", 135.0),
    (RAILWAY, "办公、业务用房租赁经费", 354.58),
])
def test_funds(doc, unit, name, total):
    funds = project(doc, unit, name).table.funds_annual
    assert (funds.total, funds.fiscal, funds.other) == (total, total, None)


def test_subtotals_add_up_so_no_problem_but_the_year(doc):
    assert [p for p in doc.problems if "推定" not in p] == []


def test_goal_text(doc):
    goals = project(doc, HUADU, "办公、业务用房租赁经费").table.goals_annual
    assert goals == ["通过租赁办公场地,维持办公环境稳定性,给群众营造良好的办公氛围,确保日常工作的高效开展。"]


@pytest.mark.parametrize("unit, name, indicator, level1, value, inferred", [
    (HUADU, "办公、业务用房租赁经费", "租赁场地面积", "产出指标", "1831.3平方米", ["level2"]),
    (CENTRE, "业务用房物业管理费", "物业管理覆盖面积", "产出指标", "年度计划数", ["level2"]),
    (CENTRE, "专项工作经费", "缴存单位及职工满意度", "满意度指标", "90%", ["level1", "level2"]),  # "1、：…"
    (CENTRE, "广州住房公积金管理中心2023年-2024年IT整体运维项目(2023)", "综合业务管理系统可用性", "产出指标", ">99%",
     ["level2"]),  # half-width ":" and ","
    (CENTRE, "广州住房公积金管理中心2023年-2024年IT整体运维项目(2023)", "评价满意度", "满意度指标", ">90%",
     ["level1", "level2"]),  # "3、:评价满意度"
    (CENTRE, "广州住房公积金管理中心2020年信息系统升级改造项目", "等级保护【分级保护】级别", "产出指标", "3", ["level2"]),
    (PANYU, "专项工作经费", "培训人员满意度", "满意度指标", "95%", ["level1", "level2"]),
    (RAILWAY, "专项工作经费", "缴存完成率", "产出指标", "通过宣传指引，让缴存单位按时足额完成公积金缴存", ["level2"]),
])
def test_indicator_facts(doc, unit, name, indicator, level1, value, inferred):
    ind = find(doc, unit, name, indicator)
    assert (ind.level1, ind.value, ind.inferred) == (level1, value, inferred)


def test_level2_is_always_inferred(doc):
    indicators = [ind for p in doc.projects for ind in p.table.indicators]
    assert all(ind.level2 is not None and "level2" in ind.inferred for ind in indicators)
    assert find(doc, HUADU, "办公、业务用房租赁经费", "租赁场地面积").level2 == "数量指标"


def test_completeness_every_numbered_item_is_read(doc, raw):
    # independent count: "N、" items in the 绩效指标 column of the raw file
    expected = sum(len(re.findall(r"\d+、", line.split("\t")[-1])) for line in raw.splitlines() if "\t" in line)
    assert expected > 70
    assert sum(len(p.table.indicators) for p in doc.projects) == expected


def test_indicators_cite_their_row(doc, raw):
    lines = raw.splitlines()
    for p in doc.projects:
        for ind in p.table.indicators:
            assert ind.line == p.line
            assert "".join(ind.name.split()) in "".join(lines[ind.line - 1].split())


def test_effect_synonym_reads_as_benefit(raw):
    doc = read_text(raw.replace("效益指标", "效果指标"))
    assert find(doc, CENTRE, "业务用房物业管理费", "业务限时办结率").level1 == "效益指标"


def test_truncated_table_reports_missing_rows(raw):
    doc = read_text("\n".join(raw.splitlines()[:30]))  # 花都 has lost three of its four projects
    assert any("花都办事处" in p and "小计" in p for p in doc.problems)
    assert any(p.startswith(f"{GUANGZHOU.name}：合计") for p in doc.problems)


def test_unnumbered_indicator_prose_is_reported(raw):
    garbled = raw.replace("1、产出指标:租赁场地面积", "产出指标:租赁场地面积").replace(
        "。2、效益指标:保障工作正常开展", "；效益指标:保障工作正常开展")
    doc = read_text(garbled)
    assert project(doc, HUADU, "办公、业务用房租赁经费").table.indicators == []
    assert any("未按“1、…”编号" in p for p in doc.problems)


def test_text_without_the_header_raises_a_chinese_error():
    with pytest.raises(IngestError, match="绩效指标"):
        read_text("项目支出绩效目标表\n部门名称：某单位\n")


def test_any_truncation_reads_or_raises_ingest_error(raw):
    lines = raw.splitlines()
    for cut in range(len(lines)):
        for text in ("\n".join(lines[:cut]), "\n".join(lines[cut:])):
            try:
                read_text(text)
            except IngestError:
                pass  # a clear Chinese message, never a traceback
