"""The 部门整体绩效目标表 reader (department_text), on the 鄂州 2020 seed and garbled variants of it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.corpus.readers import department_text
from assistant.schema import Basis, FormKind, Level1, Level2

SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "sources"
SEED = SOURCES / "003_123bcc6467df04e1.txt"
TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc():
    return department_text.read(SEED, TEXT)


@pytest.fixture(scope="module")
def record(doc):
    assert len(doc.projects) == 1
    return doc.projects[0]


def find(record, goal, name):
    goals = record.extra["indicator_goals"]
    return next(ind for ind, g in zip(record.table.indicators, goals) if g == goal and ind.name == name)


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda p: p.name[:3])
def test_matches_only_its_format(path):
    assert department_text.matches(path.read_text(encoding="utf-8")) == (path == SEED)


def test_provenance(doc):
    p = doc.provenance
    assert (p.city, p.unit, p.year, p.form_kind) == ("鄂州", "鄂州市住房公积金中心", 2020, FormKind.DEPARTMENT)
    assert doc.problems == []  # the 填报说明 at the end is skipped without a word


def test_funds_by_year(record):
    funds = record.table.funds_annual
    assert (funds.total, funds.fiscal, funds.other) == (752.2, 752.2, 0.0)
    by_year = record.extra["funds_by_year"]
    assert by_year["2018"]["收入构成"]["合计"] == 1121.34
    assert by_year["2019"]["收入构成"]["财政拨款"] == 935.33
    assert by_year["2020"]["支出构成"] == {"基本支出": 399.1, "项目支出": 353.1, "合计": 752.2}
    assert record.extra["funds_share"]["支出构成"]["基本支出"] == "53.06%"


def test_functions_tasks_and_projects(record):
    assert record.table.purpose.startswith("1、编制住房公积金的归集、使用计划")
    assert record.table.purpose.count("\n") == 6  # 7 duties
    assert record.extra["annual_tasks"][1] == "2.推进“数据共享”工作；"
    names = [(p["项目名称"], p["项目本年度预算"]) for p in record.extra["projects"]]
    assert names == [("综合服务平台运行维护", 243.8), ("扩面及便民服务设施费", 93.3), ("住房公积金内部保障专项经费", 16.0)]


def test_goals(record):
    table = record.table
    assert table.goals_midterm == ["优化营商环境", "深化“放管服”改革", "落实风险防控"]
    assert table.goals_annual == ["推进“数据共享”工作", "将服务网点延伸至商业银行", "营造便民利民办事环境"]
    assert record.extra["midterm_until"] == 2023
    assert record.extra["goal_texts"] == {
        "长期目标1": "促改革、惠民生、强基础", "年度目标1": "推进“数据共享”,深化“放管服”改革",
        "年度目标2": "将服务网点延伸至商业银行", "年度目标3": "营造便民利民办事环境",
    }


def test_indicators_keep_their_goal(record):
    goals = record.extra["indicator_goals"]
    assert len(goals) == len(record.table.indicators)
    assert [goals.count(g) for g in ("长期目标1", "年度目标1", "年度目标2", "年度目标3")] == [7, 6, 5, 4]


def test_overdue_loan_rate(record):
    annual = find(record, "年度目标3", "个贷逾期率")
    assert (annual.level1, annual.level2) == (Level1.OUTPUT, Level2.QUALITY)
    assert (annual.operator, annual.number, annual.unit) == ("<", 1, "‰")  # written "＜1‰"
    assert annual.previous_values == ["<1‰", "<1‰"]
    assert (annual.basis_note, annual.basis) == ("根据省厅相关文件规定", Basis.INDUSTRY)
    assert "＜1‰" in TEXT.splitlines()[annual.line]  # the value cell is on the line after the name
    long_term = find(record, "长期目标1", "个贷逾期率")
    assert (long_term.value, long_term.midterm_value, long_term.previous_values) == ("", "<1‰", [])


@pytest.mark.parametrize("goal,name,level1,level2,previous,value,basis_note,basis", [
    ("年度目标1", "业务办理渠道数量", Level1.OUTPUT, Level2.QUANTITY, ["5个", "6个"], "7个", "根据省厅相关文件规定", Basis.INDUSTRY),
    ("年度目标1", "受理业务处理时效", Level1.OUTPUT, Level2.TIMELINESS, ["当天", "当天"], "当天", "根据住房公积金工作制度", Basis.OTHER),
    ("年度目标1", "缴存职工满意度", Level1.SATISFACTION, Level2.SATISFACTION, ["≥95%", "≥95%"], "≥98%", "满意度调查", Basis.OTHER),
    ("年度目标2", "新增服务网点个数", Level1.OUTPUT, Level2.QUANTITY, ["0", "0"], "3个", "根据年度工作任务清单", Basis.PLAN),
    ("年度目标2", "增值收益率", Level1.BENEFIT, Level2.ECONOMIC, ["提高", "提高"], "提高", "根据年末实际完成比较得知", Basis.OTHER),
    ("年度目标3", "缴存人数增长数量", Level1.OUTPUT, Level2.QUANTITY, ["3000人", "3000人"], "3000人", "根据年度工作任务清单", Basis.PLAN),
    ("年度目标3", "服务效率提升率", Level1.BENEFIT, Level2.SOCIAL, ["提高", "提高"], "提高", "年终考核", Basis.OTHER),
])
def test_annual_indicators(record, goal, name, level1, level2, previous, value, basis_note, basis):
    ind = find(record, goal, name)
    assert (ind.level1, ind.level2, ind.previous_values, ind.value) == (level1, level2, previous, value)
    assert (ind.basis_note, ind.basis, ind.midterm_value) == (basis_note, basis, None)


@pytest.mark.parametrize("name,level1,level2,midterm_value,basis_note,basis", [
    ("目标完成率", Level1.OUTPUT, Level2.QUANTITY, "100%", "根据年度工作任务清单", Basis.PLAN),
    ("完成贷款时间平均用时", Level1.OUTPUT, Level2.TIMELINESS, "<7个工作日", "根据鄂州市住房公积金中心出台的《三个办法》", Basis.INDUSTRY),
    ("廉租房补充资金增长率", Level1.BENEFIT, Level2.SOCIAL, "递增", "无依据", None),
    ("流动资金覆盖率", Level1.BENEFIT, Level2.ECONOMIC, "递增", "无依据", None),
    # "服务对象\n满意度指标": a 二级 label wrapped over two lines
    ("缴存职工满意度", Level1.SATISFACTION, Level2.SATISFACTION, "≥95%", "根据年末满意度调查确定", Basis.OTHER),
])
def test_long_term_indicators(record, name, level1, level2, midterm_value, basis_note, basis):
    ind = find(record, "长期目标1", name)
    assert (ind.level1, ind.level2, ind.value, ind.midterm_value) == (level1, level2, "", midterm_value)
    assert (ind.basis_note, ind.basis) == (basis_note, basis)


def test_every_indicator_has_its_line(record):
    lines = TEXT.splitlines()
    assert record.line == 1
    for ind in record.table.indicators:
        assert ind.name in lines[ind.line - 1].replace("\u3000", ""), ind
        assert ind.line < TEXT[: TEXT.index("附2-2")].count("\n")  # nothing from the 填报说明


# --- completeness: count the indicator rows in the raw text, independently of the reader ------------

_LEVEL2_CELL = re.compile(r"(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度)指标")


def raw_indicator_count(text: str) -> int:
    """Blank-line-separated rows before the 填报说明 that hold a 二级 cell and are not a header."""
    body = text[: text.index("附2-2")]
    count = 0
    for row in re.split(r"\n\s*\n", body):
        cells = [re.sub(r"\s", "", c) for c in row.split("\t")]
        if "三级指标" not in cells and any(_LEVEL2_CELL.fullmatch(c) for c in cells):
            count += 1
    return count


def test_completeness(record):
    assert len(record.table.indicators) == raw_indicator_count(TEXT)
    assert all(ind.value or ind.midterm_value for ind in record.table.indicators)


# --- garbled and truncated variants ------------------------------------------------------------------

def test_truncated_mid_block_keeps_what_it_has():
    text = TEXT[: TEXT.index("增值收益率")]  # cut in 年度目标2, on the name of its third row
    doc = department_text.read(SEED, text)
    record = doc.projects[0]
    assert record.extra["indicator_goals"].count("年度目标2") == 2
    assert "年度目标3" not in record.extra["indicator_goals"]
    assert doc.problems == []  # the cut fell between rows


def test_row_without_values_is_reported():
    text = TEXT[: TEXT.index("增值收益率") + len("增值收益率")]
    doc = department_text.read(SEED, text)
    assert any("增值收益率" in p and "没有指标值" in p for p in doc.problems)
    assert doc.problems[0].startswith(f"{SEED.name} 第335行")


def test_without_the_summary_row_goals_come_from_the_blocks():
    start = TEXT.index("\t整体绩效\n总目标")
    end = TEXT.index("\t长期目标1：")
    doc = department_text.read(SEED, TEXT[:start] + TEXT[end:])
    table = doc.projects[0].table
    assert table.goals_midterm == ["促改革、惠民生、强基础"]
    assert table.goals_annual[0] == "推进“数据共享”,深化“放管服”改革"
    assert len(table.indicators) == 22


def test_funds_row_with_a_missing_figure_is_reported():
    text = TEXT.replace("\t基本支出\n\t399.1　\n", "\t基本支出\n", 1)
    doc = department_text.read(SEED, text)
    assert any("基本支出" in p and "对不上" in p for p in doc.problems)


def test_garbage_gives_problems_not_a_crash():
    doc = department_text.read(SEED, "部门整体绩效目标\n\n\t年度绩效指标\n\t一级\n指标\n\n乱码\t\x01")
    assert doc.projects[0].table.indicators == []
    assert any("未读到任何绩效指标" in p for p in doc.problems)
    assert any("部门（单位）名称" in p for p in doc.problems)
    assert any("第7行：无法识别的指标行：乱码" in p for p in doc.problems)


def test_dispatch_reads_the_seed_with_this_reader():
    from assistant.corpus.readers import read_source

    doc = read_source(SEED)
    assert doc.provenance.form_kind is FormKind.DEPARTMENT
    assert len(doc.projects[0].table.indicators) == 22
