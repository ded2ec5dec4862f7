"""The 项目支出绩效目标申报表 text reader, on the 六安 2022 seed (two projects, 中期 and 年度 side by side)."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.corpus.readers import declaration_text
from assistant.schema import FormKind

SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "sources"
LUAN = SOURCES / "000_35dfb5000cd90ba0.txt"
RUNNING = "住房公积金中心运转维护经费"
MANAGEMENT = "住房公积金市本级及县区管理部管理费"


def read_text(text: str, name: str = LUAN.name):
    return declaration_text.read(Path(name), text)


@pytest.fixture(scope="module")
def raw() -> str:
    return LUAN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(raw):
    return read_text(raw)


def find(doc, project: str, name: str):
    table = next(p.table for p in doc.projects if p.table.project_name == project)
    hits = [ind for ind in table.indicators if ind.name == name]
    assert len(hits) == 1, f"{name}: {len(hits)} hits"
    return hits[0]


@pytest.mark.parametrize("source, expected",
                         [(p.name, p.name.startswith("000_")) for p in sorted(SOURCES.glob("*.txt"))])
def test_matches_only_the_declaration_form(source, expected):
    assert declaration_text.matches((SOURCES / source).read_text(encoding="utf-8")) is expected


def test_provenance_comes_from_the_text(doc):
    prov = doc.provenance
    assert (prov.city, prov.unit, prov.year, prov.form_kind) == ("六安", "六安市住房公积金中心", 2022, FormKind.DECLARATION)
    assert doc.problems == []


@pytest.mark.parametrize("project, line, midterm, annual", [
    (RUNNING, 11, (380.77, 380.77, 0.0), (96.47, 96.47, 0.0)),
    (MANAGEMENT, 54, (493.33, 493.33, 0.0), (121.86, 121.86, 0.0)),
])
def test_header_and_funds(doc, project, line, midterm, annual):
    record = next(p for p in doc.projects if p.table.project_name == project)
    table = record.table
    assert record.line == line
    assert table.department == "[079]六安市住房公积金中心"
    assert table.implementing_unit == "六安市住房公积金中心"
    assert (table.attribute, table.period, table.period_years, table.start_year, table.year) == (
        "常年项目", "3年", 3, 2022, 2022)
    assert (table.funds_midterm.total, table.funds_midterm.fiscal, table.funds_midterm.other) == midterm
    assert (table.funds_annual.total, table.funds_annual.fiscal, table.funds_annual.other) == annual


def test_goals(doc):
    running, management = (p.table for p in doc.projects)
    assert running.goals_midterm == ["住房公积金系统正常安全运行、住房公积金业务大厅正常安全运行,提供一个良好的办事环境。"]
    assert running.goals_annual[0].startswith("该项目用于保障住房公积金办公楼")
    assert management.goals_midterm[0].startswith("通过该项目的实施")
    assert "七是积极创建文明单位" in management.goals_annual[0]


@pytest.mark.parametrize("project, name, level1, level2, value, midterm", [
    (RUNNING, "12329短信发送量", "产出指标", "数量指标", "≥1000000条", "≥1000000条"),
    (RUNNING, "档案室维护成本", "成本指标", "成本指标", "≤15000元", "≤15000元"),  # 成本 as a 一级 here
    (RUNNING, "项目完成及时性", "产出指标", "时效指标", "≥100%", "100%"),  # 年度 and 中期 differ
    (RUNNING, "业务大厅推进“无纸化服务”环保意识提升", "效益指标", "生态效益指标", "≥80%", "≥80%"),
    (RUNNING, "住房公积金支持廉租住房建设可持续影响力", "效益指标", "可持续影响指标", "持续影响", "持续影响"),
    (RUNNING, "社会公众满意度", "满意度指标", "服务对象满意度指标", "≥90%", "≥90%"),
    (RUNNING, "缴存个人对窗口服务满意度", "满意度指标", "服务对象满意度指标", "≥90%", "≥90%"),
    (MANAGEMENT, "全年业务稽核、巡查次数", "产出指标", "数量指标", "≥2次数", "≥2次数"),
    (MANAGEMENT, "便民服务区日常维护费用", "产出指标", "成本指标", "≤1625月", "≤1625月"),  # 成本 as a 二级 here
    (MANAGEMENT, "住房公积金增值收益同比增长", "效益指标", "经济效益指标", "≥9%", "≥9%"),
    (MANAGEMENT, "住房公积金政策宣传参与人数", "效益指标", "社会效益指标", "100人", "100人"),  # after "效益 指标"
    (MANAGEMENT, "服务礼仪培训对提升服务质量的可持续影响力", "效益指标", "可持续影响指标", "持续影响", "持续影响"),
    (MANAGEMENT, "缴存单位满意度", "满意度指标", "服务对象满意度指标", "≥90%", "≥90%"),
])
def test_indicator_facts(doc, project, name, level1, level2, value, midterm):
    ind = find(doc, project, name)
    assert (ind.level1, ind.level2, ind.value, ind.midterm_value) == (level1, level2, value, midterm)
    assert ind.basis is None  # the form has no 指标值确定依据 column


def test_missing_level1_cells_are_inferred_and_flagged(doc):
    # the second project's grid has no 产出指标 cell at all: its 一级 comes from the tree
    management = doc.projects[1].table
    assert "level1" in find(doc, MANAGEMENT, "新媒体政策宣传").inferred
    assert "level1" not in find(doc, MANAGEMENT, "缴存个人满意度").inferred
    assert all(ind.level1 and ind.level2 for ind in management.indicators)


def test_every_indicator_cites_its_source_line(doc, raw):
    lines = raw.splitlines()
    for project in doc.projects:
        for ind in project.table.indicators:
            squashed = "".join(lines[ind.line - 1].split())
            assert ind.name in squashed, (ind.line, ind.name)


def test_an_empty_level2_row_is_not_an_indicator(doc, raw):
    line = next(i for i, text in enumerate(raw.splitlines(), 1) if text.startswith("\t生态效益 指标"))
    assert all(ind.line != line for p in doc.projects for ind in p.table.indicators)


def count_grid_rows(text: str) -> int:
    """Rows of the grid with a 三级 cell: its name is written twice (中期 and 年度 halves)."""
    count, inside = 0, False
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if "三级指标" in cells:
            inside = True
        elif cells and cells[0].startswith("项目负责人"):
            inside = False
        elif inside:
            content = [c for c in cells if not "".join(c.split()).endswith("指标")]
            count += any(content.count(c) >= 2 for c in content)
    return count


def test_completeness_every_grid_row_is_read(doc, raw):
    expected = count_grid_rows(raw)
    assert expected > 40
    assert sum(len(p.table.indicators) for p in doc.projects) == expected


def test_another_city_in_the_same_format_reads_too(raw):
    other = raw.replace("六安", "合肥").replace("2022 年度", "2023 年度")
    doc = read_text(other, "hefei.txt")
    assert (doc.provenance.city, doc.provenance.unit, doc.provenance.year) == ("合肥", "合肥市住房公积金中心", 2023)
    assert sum(len(p.table.indicators) for p in doc.projects) == count_grid_rows(raw)


def test_truncated_form_reports_problems(raw):
    doc = read_text("\n".join(raw.splitlines()[:30]))
    assert len(doc.projects) == 1
    assert len(doc.projects[0].table.indicators) == 30 - 19  # rows 20..30
    assert any("中断" in problem for problem in doc.problems)


def test_garbled_row_is_reported_not_guessed(raw):
    lines = raw.splitlines()
    lines[20] = lines[20].replace("\t", " ")  # the 12329 row loses its cell borders
    doc = read_text("\n".join(lines))
    assert any("第21行" in problem for problem in doc.problems)
    assert all(ind.line != 21 for p in doc.projects for ind in p.table.indicators)


def test_text_without_the_form_raises_a_chinese_error():
    with pytest.raises(IngestError, match="项目名称"):
        read_text("项目支出绩效目标申报表\n随便写的一段话\n")


def test_any_truncation_reads_or_raises_ingest_error(raw):
    lines = raw.splitlines()
    for cut in range(len(lines)):
        for text in ("\n".join(lines[:cut]), "\n".join(lines[cut:])):
            try:
                read_text(text)
            except IngestError:
                pass  # a clear Chinese message, never a traceback
