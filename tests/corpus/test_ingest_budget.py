"""The 部门预算绩效文本 reader (budget_text), on the 张家口 2020 seed and garbled variants of it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.corpus.readers import budget_text
from assistant.schema import Basis, FormKind, Level1, Level2

SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "sources"
SEED = SOURCES / "002_98f9b5c3ed7d96d3.txt"
TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc():
    return budget_text.read(SEED, TEXT)


def project(doc, name):
    return next(p for p in doc.projects if p.table.project_name == name)


def indicator(doc, project_name, name):
    return next(i for i in project(doc, project_name).table.indicators if i.name == name)


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda p: p.name[:3])
def test_matches_only_its_format(path):
    assert budget_text.matches(path.read_text(encoding="utf-8")) == (path == SEED)


def test_provenance(doc):
    p = doc.provenance
    assert (p.city, p.unit, p.year, p.form_kind) == ("张家口", "张家口市住房公积金管理中心", 2020, FormKind.DECLARATION)
    assert doc.problems == []


# the 17 project tables (15 numbered, 8 and 10 with two sub-items each) and their 预算数, from the text
BUDGETS = [
    ("1", "宣传费", 25), ("2", "网络租赁服务费", 155.72), ("3", "预留奖励绩效工资", 993.85),
    ("4", "聘用人员劳务费", 557.89), ("5", "房屋租赁费", 60.13), ("6", "营业大厅运转费", 164.57),
    ("7", "业务工作培训费", 12.9), ("8-01", "专项业务费-工装购置费", 23.88),
    ("8-02", "专项业务费-贷款管理专项经费", 50), ("9", "大宗印刷费", 8), ("10—01", "综合事务工作经费-审计费", 22),
    ("10—02", "综合事务工作经费-帮扶款", 30), ("11", "办公家具及自动化设备购置费", 145.81),
    ("12", "系统升级及配套设施", 150), ("13", "调资及不可预见费", 1141.3), ("14", "法律顾问经费", 3),
    ("15", "营业场所建设款", 94.48),
]


def test_all_project_tables_in_order(doc):
    tables = [p for p in doc.projects if p.extra.get("form_kind") != "部门整体"]
    assert [(p.extra["number"], p.table.project_name) for p in tables] == [(n, name) for n, name, _ in BUDGETS]


@pytest.mark.parametrize("number,name,budget", BUDGETS)
def test_budget_and_fiscal_funds(doc, number, name, budget):
    table = project(doc, name).table
    assert table.budget == pytest.approx(budget)
    assert table.funds_annual.fiscal == pytest.approx(budget)
    assert table.funds_annual.other is None  # the 其他资金 cell is empty: unknown, not 0
    assert table.year == 2020


def test_house_rent_cost_indicator(doc):
    # "成本指标 ⇥ 租赁费用 ⇥ 年租赁费用 ⇥ ≤60.13 万元 ⇥ 合同约定": the merged 产出 cell is lost, so the
    # row starts with its 二级; 租赁费用 is the 三级 name and 年租赁费用 its 绩效指标描述.
    ind = indicator(doc, "房屋租赁费", "租赁费用")
    assert (ind.level1, ind.level2) == (Level1.OUTPUT, Level2.COST)
    assert ind.description == "年租赁费用"
    assert ind.value == "≤60.13万元" and (ind.operator, ind.number, ind.unit) == ("≤", 60.13, "万元")
    assert (ind.basis_note, ind.basis) == ("合同约定", Basis.OTHER)
    assert "租赁费用" in TEXT.splitlines()[ind.line - 1] and "60.13" in TEXT.splitlines()[ind.line - 1]


@pytest.mark.parametrize("project_name,name,level1,level2,description,value,basis_note,basis", [
    # 社会效益指标 in the 一级 column under a 效果指标 shifted right
    ("宣传费", "扩大知名度", Level1.BENEFIT, Level2.SOCIAL, "扩大单位知名度和影响力", "明显扩大", "年度计划", Basis.PLAN),
    ("宣传费", "制作成本", Level1.OUTPUT, Level2.COST, "预算批复金额", "≤25万元", "年度计划", Basis.PLAN),
    ("网络租赁服务费", "专线线路条数", Level1.OUTPUT, Level2.QUANTITY, "当年开通专线的数量", "≥20条", "签约合同", Basis.OTHER),
    ("预留奖励绩效工资", "发放金额", Level1.OUTPUT, Level2.COST, "按照批复金额发放", "993.85万元", "批复文件", Basis.BUDGET),
    ("预留奖励绩效工资", "发放及时性", Level1.OUTPUT, Level2.TIMELINESS, "批复后及时发放", "2020.12.31日前", "计划标准", Basis.PLAN),
    ("预留奖励绩效工资", "提高工作积极性", Level1.BENEFIT, Level2.SOCIAL, "增加职工收入，提高单位职工工作积极性", "明显提高", None, None),
    ("业务工作培训费", "受训人均成本", Level1.OUTPUT, Level2.COST, "总成本/培训人数", "430元/人", "计划标准", Basis.PLAN),
    ("业务工作培训费", "老师满意度", Level1.SATISFACTION, Level2.SATISFACTION, "培训老师满意度", "≥90%", "计划标准", Basis.PLAN),
    ("办公家具及自动化设备购置费", "合格率", Level1.OUTPUT, Level2.QUALITY, "按政府采购验收标准", "100%", "采购验收标准", Basis.INDUSTRY),
    ("营业场所建设款", "群众满意度", Level1.SATISFACTION, Level2.SATISFACTION, "办事群众和单位职工满意度", "满意率≥90%", "工作计划", Basis.PLAN),
])
def test_real_indicators(doc, project_name, name, level1, level2, description, value, basis_note, basis):
    ind = indicator(doc, project_name, name)
    assert (ind.level1, ind.level2, ind.description, ind.value) == (level1, level2, description, value)
    assert (ind.basis_note, ind.basis) == (basis_note, basis)
    assert ind.inferred == []


def test_purpose_and_goals(doc):
    table = project(doc, "网络租赁服务费").table
    assert table.purpose == "1. 网络租赁服务费。"
    assert table.goals_annual == ["网络安全及无信息泄漏。", "信息系统正常运行，单位各项工作正常运转。"]
    assert project(doc, "法律顾问经费").table.purpose is None  # that table has no purpose line
    assert len(project(doc, "办公家具及自动化设备购置费").table.goals_annual) == 3


def test_spending_plan_is_per_period_amounts(doc):
    # 宣传费: 10% / 30% / 60% / 100% of 25万元 spent by 3月底 / 6月底 / 10月底 / 12月底 (cumulative)
    record = project(doc, "宣传费")
    assert record.spending_plan == {"3月底": 2.5, "6月底": 5.0, "10月底": 7.5, "12月底": 10.0}
    assert record.extra["spending_plan_percent"] == {"3月底": "10%", "6月底": "30%", "10月底": "60%", "12月底": "100%"}


@pytest.mark.parametrize("number,name,budget", BUDGETS)
def test_spending_plan_sums_to_budget_where_the_text_reaches_100(doc, number, name, budget):
    record = project(doc, name)
    percents = record.extra.get("spending_plan_percent", {})
    if not percents:  # 14 法律顾问经费 gives the dates but no shares
        assert record.spending_plan == {}
        return
    last = float(list(percents.values())[-1].rstrip("%"))
    assert sum(record.spending_plan.values()) == pytest.approx(budget * last / 100, abs=0.01)
    assert all(amount >= 0 for amount in record.spending_plan.values())


def test_department_wide_record(doc):
    dept = doc.projects[0]
    assert dept.table.project_name == "张家口市住房公积金管理中心部门整体绩效目标"
    assert dept.extra["form_kind"] == "部门整体"
    assert [g[:2] for g in dept.table.goals_annual] == ["一是", "二是"]
    items = dept.extra["indicator_items"]
    assert len(items) == len(dept.table.indicators) == 17
    rent = dept.table.indicators[items.index("房屋租赁费")]
    assert (rent.name, rent.value) == ("年租赁费用", "≤60.13万元")
    assert dept.extra["item_goals"]["房屋租赁费"] == "改善办公环境，便于单位管理"
    salary = dept.table.indicators[items.index("预留奖励绩效工资")]
    assert (salary.name, salary.value) == ("绩效工资发放率", "≥90%")  # LaTeX "$\geq 90\%$" undone


def test_every_indicator_and_project_has_its_line(doc):
    lines = TEXT.splitlines()
    for record in doc.projects:
        assert record.line and (record.table.project_name[:2] in lines[record.line - 1] or
                                "部门整体绩效目标" in lines[record.line - 1])
        for ind in record.table.indicators:
            assert ind.line and ind.name.replace(" ", "")[:4] in lines[ind.line - 1].replace(" ", ""), ind


# --- completeness: count the indicator rows in the raw text, independently of the reader ------------

_LABEL = re.compile(r"^(?:\S{2,8}指标|可持续性?影响)$")


def raw_indicator_count(text: str) -> int:
    """Grid rows (after a 三级指标 header, up to a blank line) with a name and a value once the 一级/二级
    label cells are set aside, plus the "绩效指标：" lines of the department-wide part."""
    count, in_grid = len(re.findall(r"^绩效指标[：:]", text, re.M)), False
    for line in text.splitlines():
        if "三级指标" in line:
            in_grid = True
        elif not line.strip():
            in_grid = False
        elif in_grid:
            cells = [re.sub(r"\s", "", c) for c in line.split("\t")]
            if len([c for c in cells if c and not _LABEL.match(c)]) >= 2:
                count += 1
    return count


def test_completeness(doc):
    read = sum(len(p.table.indicators) for p in doc.projects)
    assert read == raw_indicator_count(TEXT)
    assert all(i.value for p in doc.projects for i in p.table.indicators)


# --- garbled and truncated variants ------------------------------------------------------------------

def test_truncated_mid_grid_keeps_what_it_has():
    lines = TEXT.splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("成本指标\t租赁费用"))
    text = "\n".join(lines[:cut] + ["成本指标\t租赁费用\t年租"])
    doc = budget_text.read(SEED, text)
    assert [p.table.project_name for p in doc.projects][-1] == "房屋租赁费"
    assert len(doc.projects) == 6
    assert any("租赁费用" in p and "没有指标值" in p for p in doc.problems)
    assert all(p.startswith(SEED.name) for p in doc.problems)


def test_row_broken_across_lines_is_joined():
    broken = "成本指标\t租赁费用\t年租\n赁费用\t≤60.13 万元\t合同约定\t\t"
    text = TEXT.replace("成本指标\t租赁费用\t年租赁费用\t≤60.13 万元\t合同约定\t\t", broken)
    assert text != TEXT
    doc = budget_text.read(SEED, text)
    ind = indicator(doc, "房屋租赁费", "租赁费用")
    assert (ind.description, ind.value, ind.basis_note) == ("年租赁费用", "≤60.13万元", "合同约定")
    assert sum(len(p.table.indicators) for p in doc.projects) == raw_indicator_count(TEXT)


def test_wrapped_level1_label_is_joined():
    text = TEXT.replace("产出指标\t数量指标\t业务工作内容宣传次数", "产出\n指标\t数量指标\t业务工作内容宣传次数")
    ind = indicator(budget_text.read(SEED, text), "宣传费", "业务工作内容宣传次数")
    assert (ind.level1, ind.level2, ind.value) == (Level1.OUTPUT, Level2.QUANTITY, "≥3次")


@pytest.mark.parametrize("old,new,expected", [
    ("预算数\t25\t", "预算数\t\t", "未读到预算数"),
    ("\t10%\t\t30%\t60%\t100%\t", "\t10%\t\t30%\t20%\t100%\t", "不是逐期累计"),
    ("\t\t党中央方针政策宣传次数\t制作展板、展牌、条幅等\t≥3次", "\t\t\t\t≥3次", "缺少三级指标名称"),
    ("\t时效指标\t宣传期限\t1年内完成宣传工作\t1年\t", "\t时效指标\t宣传期限\t1年内完成宣传工作\t\t", "没有指标值"),
])
def test_garbled_rows_are_reported_not_crashed(old, new, expected):
    assert TEXT.count(old) >= 1
    doc = budget_text.read(SEED, TEXT.replace(old, new, 1))
    assert any(expected in p for p in doc.problems), doc.problems
    assert len(doc.projects) == 18


def test_no_project_table_at_all():
    doc = budget_text.read(SEED, TEXT.split("第二部分\n")[0])
    assert len(doc.projects) == 1  # the department-wide part only
    assert any("未找到任何项目绩效目标表" in p for p in doc.problems)


def test_dispatch_reads_the_seed_with_this_reader():
    from assistant.corpus.readers import read_source

    doc = read_source(SEED)
    assert doc.provenance.form_kind is FormKind.DECLARATION and len(doc.projects) == 18
