"""The brief reader (issue 12): the preparer's nouns, the action, and goals split into outcomes."""
from __future__ import annotations

import pytest

from assistant.drafting.adapt import budget_text, cost_ceiling
from assistant.drafting.brief_reader import Action, action_of, name_object, read, split_goals
from assistant.drafting.outcomes import outcome_rows
from assistant.review.rules_grammar import name_problems
from assistant.drafting.draft import PrecedentDrafter
from assistant.schema import Basis, Level1, Level2


@pytest.fixture(scope="module")
def drafter(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


@pytest.mark.parametrize("name, action", [
    ("雾炮车降尘抑尘服务", Action.SERVICE),  # bought as a service, not a truck purchase
    ("濮阳市档案馆库房消防设备改造安装工程", Action.BUILD),
    ("19名百岁老人高龄津贴", Action.SUBSIDY),
    ("办公设备购置", Action.PURCHASE),
    ("办公楼维修", Action.REPAIR),
    ("年度业务培训", Action.EVENT),
    ("发展规划编制课题", Action.STUDY),
    ("物业管理费", Action.OPERATION),
])
def test_the_action(name, action):
    assert action_of(name) is action


@pytest.mark.parametrize("name, obj, place", [
    ("雾炮车降尘抑尘服务", "雾炮车降尘抑尘服务", None),
    ("濮阳市档案馆库房消防设备改造安装工程", "消防设备", "濮阳市档案馆库房"),
    ("19名百岁老人高龄津贴", "高龄津贴", None),
])
def test_the_object_as_written(name, obj, place):
    assert name_object(name, action_of(name)) == (obj, place)


def test_goals_split_into_outcomes_and_outputs():
    reading = read("档案馆消防设备改造", "完成5个标准档案库房消防设备的升级改造安装工作,增强消防救援力量,保证馆库和档案实体安全。")
    assert [o.verb for o in reading.outcomes] == ["增强", "保证"]
    assert reading.outputs == ["完成5个标准档案库房消防设备的升级改造安装工作"]


def test_numbered_goals():
    assert split_goals(["目标1:深入开展风险排查整治。目标2:加大宣传力度。"]) == ["深入开展风险排查整治", "加大宣传力度"]


def test_outcomes_become_benefit_rows_quoting_the_goal():
    goal = "保证馆库和档案实体安全"
    rows = outcome_rows(read("档案馆消防设备改造", goal).outcomes, "档案馆消防设备改造")
    assert [(r.level1, r.name, r.value) for r in rows] == [(Level1.BENEFIT, "档案实体安全事故发生次数", "0次")]
    assert rows[0].basis is Basis.PLAN and goal in rows[0].basis_note
    assert rows[0].precedents[0].kind == "goal"


def test_an_effect_on_the_environment_is_ecological():
    rows = outcome_rows(read("降尘服务", "通过采购降尘服务,全市空气质量达到优良").outcomes, "降尘服务")
    assert [(r.level2, r.name, r.value) for r in rows] == [(Level2.ECOLOGICAL, "空气质量", "达到优良")]
    assert rows[0].needs_input  # a qualitative target: the preparer is asked for a measurable one


def test_a_number_in_the_goal_is_the_preparers():
    rows = outcome_rows(read("乡村旅游设施", "为村里带来观光游客不少于6万人").outcomes, "乡村旅游设施")
    assert [(r.name, r.value, r.needs_input) for r in rows] == [("观光游客人数", "≥6万人", False)]


def test_goals_with_no_effect_give_no_rows():
    assert outcome_rows(read("办公设备购置", "购置电脑10台，保障日常办公费用。").outcomes, "办公设备购置") == []


@pytest.mark.parametrize("budget, text", [(24.998, "24.998"), (25, "25"), (60.13, "60.13"), (54.9712, "54.9712")])
def test_the_cost_ceiling_never_rounds_up(budget, text):
    assert budget_text(budget) == text
    assert cost_ceiling(budget).value == f"≤{text}万元"


def test_a_service_is_not_drafted_as_a_purchase(drafter):
    from assistant.schema import ProjectBrief

    table = drafter.draft(ProjectBrief(name="雾炮车降尘抑尘服务", budget=24.998, year=2023,
                                       description="通过采购雾炮车降尘抑尘服务，全市空气质量达到优良"))
    names = [i.name for i in table.indicators]
    assert not [n for n in names if "购置" in n or "验收" in n], names
    assert not [n for n in names if name_problems(n)], names
    assert any(i.level2 is Level2.ECOLOGICAL and "空气质量" in i.name for i in table.indicators)
    costs = [i for i in table.indicators if i.level2 is Level2.COST and i.value.endswith("万元")]
    assert costs and all(c.value == "≤24.998万元" for c in costs)
