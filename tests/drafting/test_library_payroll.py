"""共性指标库·工资福利发放 (corpus/library/payroll.yaml): typing against 人员聘用/劳务 and 补助/补贴,
the user's numbers and year, a valid draft.

Drafts use the deterministic fake finder (conftest.py), as tests/test_library.py does.
"""
from __future__ import annotations

import re

import pytest

from assistant.drafting.brief_facts import read_brief
from assistant.review.check import check_table
from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.library import types_for
from assistant.schema import Level1, Level2, ProjectBrief, Severity

PAYROLL, STAFFING, SUBSIDY = "工资福利发放", "人员聘用/劳务", "补助/补贴"
RESERVED = ProjectBrief(name="预留奖励绩效工资", budget=380, year=2020, description="用于职工2019年奖励绩效工资发放")
ADJUST = ProjectBrief(name="调资及不可预见费", budget=1141.3, year=2025,
                      description="按照相关部门要求或批复，发放工资、绩效、奖励，缴纳保险等")
BONUS = ProjectBrief(name="年终一次性奖金发放", budget=200, year=2025, description="为在职职工185人发放年终一次性奖金")


def labels(name: str, description: str | None = None) -> list[tuple[str, bool]]:
    return [(t.label, main) for t, main in types_for(name, description, facts=read_brief(name, description))]


@pytest.fixture(scope="module")
def drafter(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


@pytest.mark.parametrize("brief", [RESERVED, ADJUST, BONUS,
                                   ProjectBrief(name="职业年金缴费"), ProjectBrief(name="工资福利支出")],
                         ids=lambda b: b.name)
def test_own_staff_pay_is_typed_payroll_only(brief):
    assert labels(brief.name, brief.description) == [(PAYROLL, True)]


@pytest.mark.parametrize("name,description,main", [
    ("聘用人员劳务费", "聘用劳务人员，发放工资及缴纳各项保险", STAFFING),
    ("临聘人员工资", None, STAFFING),
    ("发放内部聘用人员工资", None, STAFFING),
    ("困难职工生活补助", None, SUBSIDY),
])
def test_contract_staff_and_hardship_aid_are_not_payroll(name, description, main):
    found = labels(name, description)
    assert found and found[0] == (main, True), found
    assert PAYROLL not in [label for label, _ in found]


def test_the_users_people_count_budget_and_unit_cost_are_used(drafter):
    table = drafter.draft(BONUS)
    quantity = [i for i in table.indicators if i.level2 is Level2.QUANTITY]
    assert [(i.name, i.value, i.needs_input) for i in quantity] == [("年终一次性奖金发放人数", "185人", False)]
    assert quantity[0].precedents[0].source == "corpus/library/payroll.yaml"
    costs = {i.name: i.value for i in table.indicators if i.level2 is Level2.COST}
    assert "≤200万元" in costs.values()
    assert costs.get("人均发放标准") == "≤1.09万元/人"  # 200万元 ÷ 185人, rounded up
    names = {i.name for i in table.indicators}
    assert {"年终一次性奖金足额发放率", "年终一次性奖金发放及时率", "干部职工满意度"} <= names


def test_no_people_count_asks_and_dates_follow_the_year(drafter):
    table = drafter.draft(RESERVED)
    people = [i for i in table.indicators if i.level2 is Level2.QUANTITY]
    assert people and all(i.needs_input for i in people)  # the brief gives no head count
    assert not [i for i in table.indicators if i.name == "人均发放标准"]  # no count, no unit cost
    dates = [i.value for i in table.indicators if re.search(r"\d{4}年", i.value)]
    assert dates and all(v.startswith("2020年") for v in dates), dates


def test_insurance_rows_only_when_the_brief_pays_insurance(drafter):
    with_insurance = {i.name for i in drafter.draft(ADJUST).indicators}
    without = {i.name for i in drafter.draft(BONUS).indicators}
    assert "社会保险及职业年金足额缴纳率" in with_insurance
    assert "社会保险及职业年金足额缴纳率" not in without


@pytest.mark.parametrize("brief", [RESERVED, ADJUST, BONUS,
                                   ProjectBrief(name="人员经费", budget=1500, year=2025,
                                                description="发放在职职工工资、津贴补贴，缴纳社会保险和职业年金")],
                         ids=lambda b: b.name)
def test_payroll_drafts_are_valid_and_read_naturally(drafter, brief):
    table = drafter.draft(brief)
    assert [f.message for f in check_table(table) if f.severity is Severity.ERROR] == []
    assert {Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION} <= {i.level1 for i in table.indicators}
    benefits = [i for i in table.indicators if i.level1 is Level1.BENEFIT]
    assert benefits and all(re.search(r"\d", i.value) for i in benefits), [(i.name, i.value) for i in benefits]
    for ind in table.indicators:
        assert ind.value, ind.name
        assert not re.search(r"(工资|发放|奖金|绩效)\1", ind.name), f"doubled word in {ind.name}"
        assert not re.search(r"\{|\}", ind.name + ind.explanation), ind.name
        assert "补助" not in ind.name, f"subsidy row {ind.name} in a payroll draft"
