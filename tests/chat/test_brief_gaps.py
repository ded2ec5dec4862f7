"""Three gaps between what a preparer types and the draft: a per-unit standard's full unit (元/人·餐), a
unit cost never divided by a count the brief contradicts, a standard typed without 用于, and a budget
whose unit was asked about that keeps the name and year typed beside it.

Drafts use the deterministic fake finder (conftest.py), so these run without the embedding model.
"""
from __future__ import annotations

import pytest

from assistant.chat import intents, replies
from assistant.chat.brief_fields import extract_brief
from assistant.chat.session import ChatSession
from assistant.chat.understanding import Understanding
from assistant.drafting.brief_facts import read_brief
from assistant.drafting.brief import parse_budget
from assistant.drafting.draft import PrecedentDrafter
from assistant.errors import BriefError
from assistant.review.check import check_table
from assistant.schema import Level2, ProjectBrief
from assistant.values import Operator, ValueKind, parse_value, ungroup_digits

BY_WORDING = Understanding()


@pytest.fixture(scope="module")
def drafter(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


@pytest.fixture
def session(fake_finder) -> ChatSession:
    return ChatSession(finder=fake_finder, understanding=BY_WORDING)


def costs(table) -> list:
    return [r for r in table.indicators if r.level2 in (Level2.COST, Level2.ECONOMIC_COST)]


def per_unit(table) -> list:
    """Cost rows written per something (元/人, 万元/台): the unit costs."""
    return [r for r in costs(table) if "/" in (parse_value(r.value).unit or "")]


# --- 1. a per-unit standard keeps its whole unit --------------------------------------------------

@pytest.mark.parametrize("name, description, value, per", [
    ("职工食堂补助", "每人每餐补贴3元", "≤3元/人·餐", "每人每餐"),
    ("职工伙食补助", "伙食补助每人每月300元，补助在职职工120人", "≤300元/人·月", "每人每月"),
    ("困难群众生活补助", "按每月每人200元标准发放", "≤200元/人·月", "每人每月"),  # the time written first
    ("老年助餐补贴", "为辖区老人提供助餐服务，每餐每人补贴5元", "≤5元/人·餐", "每人每餐"),
    ("业务培训", "举办业务培训班，每人每天培训费不超过300元", "≤300元/人·天", None),  # a fixed name: 人均培训成本
    ("困难职工生活补助", "每户每年补助1500元，共50户", "≤1500元/户·年", "每户每年"),
])
def test_a_standard_per_person_and_meal_keeps_the_meal(drafter, name, description, value, per):
    table = drafter.draft(ProjectBrief(name=name, description=description, budget=20, year=2025))
    rows = [r for r in per_unit(table) if r.value == value]
    assert rows, [(r.name, r.value) for r in costs(table)]
    parsed = parse_value(rows[0].value)
    assert (parsed.kind, parsed.operator, parsed.format()) == (ValueKind.QUANTITY, Operator.LE, value)
    assert per is None or rows[0].name.startswith(per)
    assert not [f for f in check_table(table) if f.indicator == table.indicators.index(rows[0])]


def test_a_standard_per_household_alone_is_unchanged(drafter):
    table = drafter.draft(ProjectBrief(name="困难职工慰问", description="春节慰问困难职工，每户慰问金1500元",
                                       budget=8, year=2025))
    assert [(r.name, r.value) for r in per_unit(table)] == [("每户补助标准", "≤1500元/户")]


@pytest.mark.parametrize("name, description", [
    ("采购办公电脑", "采购电脑10台，……共12台"),
    ("购置执法车辆", "购置执法车辆5辆，共6辆"),
    ("执法车辆运行维护", "保障执法车辆8辆，……合计9辆"),
    ("全市招商引资工作推进会", "召开推进会2场，……共3场，每场参会人员约150人"),  # the 场 count is the one in question
])
def test_no_unit_cost_from_a_count_in_question(drafter, name, description):
    assert any(q.conflict for q in read_brief(name, description).quantities)
    table = drafter.draft(ProjectBrief(name=name, description=description, budget=20, year=2025))
    assert per_unit(table) == []
    asked = [r for r in table.indicators if r.level2 is Level2.QUANTITY and r.question and "不一致" in r.question]
    assert asked and asked[0].needs_input  # the count's own row asks which number is right
    assert [r.value for r in costs(table)] == ["≤20万元"]  # the ceiling stays


@pytest.mark.parametrize("name, description, value", [
    ("采购办公电脑", "采购电脑10台", "≤2万元/台"),
    ("全市招商引资工作推进会", "召开推进会2场，每场参会人员约150人", "≤667元/人"),
])
def test_an_unquestioned_count_still_gives_its_unit_cost(drafter, name, description, value):
    table = drafter.draft(ProjectBrief(name=name, description=description, budget=20, year=2025))
    assert [r.value for r in per_unit(table)] == [value]


# --- 2. a standard typed without 用于 -----------------------------------------------------------

@pytest.mark.parametrize("message, standard, budget", [
    ("帮我起草食堂补助项目，2025年，预算20万，每人每餐补贴3元", "每人每餐补贴3元", 20),
    ("困难群众生活补助，预算30万，2025年，按每人每月200元标准发放", "按每人每月200元标准发放", 30),
    ("帮我起草困难职工慰问项目，2025年，预算8万，每户慰问金1500元", "每户慰问金1500元", 8),
    ("帮我起草业务培训费，预算10万，2025年，每人每天培训费不超过300元", "每人每天培训费不超过300元", 10),
    ("老年助餐补贴项目 2025年 预算50万 每餐每人补贴5元", "每餐每人补贴5元", 50),
    ("起草职工食堂补助，2025年，补助标准12元/人，预算6万", "补助标准12元/人", 6),
])
def test_a_standard_reaches_the_brief_as_with_yongyu(message, standard, budget):
    said = extract_brief(message, with_name=True)
    assert (said.description, said.budget) == (standard, budget)
    with_yongyu = extract_brief(message.replace(standard, "用于" + standard), with_name=True)
    assert (with_yongyu.name, with_yongyu.year, with_yongyu.description) == (said.name, said.year, said.description)


@pytest.mark.parametrize("message, name, description", [
    ("职工伙食补助 预算12万 2025年 每人每月300元 共40人", "职工伙食补助", "每人每月300元，共40人"),
    ("每人每餐补贴3元，职工食堂补助，预算20万，2025年", "职工食堂补助", "每人每餐补贴3元"),  # the standard first
])
def test_a_standard_is_neither_the_name_nor_lost_among_counts(message, name, description):
    said = extract_brief(message, with_name=True)
    assert (said.name, said.description) == (name, description)


@pytest.mark.parametrize("message", [
    "食堂补助，每人每餐补贴3元，2025年",
    "帮我起草困难职工慰问项目，每户每年慰问金1500元，2025年",
])
def test_a_standard_alone_is_no_budget(message):
    said = extract_brief(message, with_name=True)
    assert said.budget is None and said.description
    assert read_brief(said.name, said.description).quantities == []


def test_a_standard_typed_in_chat_reaches_the_draft(session):
    reply = session.turn("帮我起草职工食堂补助项目，预算20万，2025年，每人每餐补贴3元")
    assert reply.action == "draft", reply.text
    table = session.state.table
    assert session.state.brief.description == "每人每餐补贴3元"
    assert "≤3元/人·餐" in [r.value for r in costs(table)] and "≤20万元" in [r.value for r in costs(table)]
    assert not [r for r in table.indicators if r.level2 is Level2.QUANTITY and "3元" in r.value]


# --- 3. a budget whose unit is asked about keeps the name and year ------------------------------

@pytest.mark.parametrize("message, answer, name, year, budget", [
    ("帮我起草食堂补助项目，2025年，预算54970", "万元", "食堂补助项目", 2025, 54970),
    ("帮我起草食堂补助项目，2025年，预算54970", "是元", "食堂补助项目", 2025, 5.497),
    ("起草一个档案数字化加工项目，预算 20000，2026年", "元", "档案数字化加工项目", 2026, 2),
    ("物业管理费，经费35000，2025年度，帮我起草", "单位是元", "物业管理费", 2025, 3.5),
    ("帮我写一下2025年度的宣传费项目的绩效目标，预算是12500", "是万元的", "宣传费项目", 2025, 12500),
    ("帮我起草职工培训费，2026年，预算 48000", "对，是元，不是万元", "职工培训费", 2026, 4.8),
])
def test_the_unit_answer_completes_the_draft_with_the_first_messages_name_and_year(
        session, message, answer, name, year, budget):
    asked = session.turn(message)
    assert asked.action == "ask", asked.text
    assert "元" in asked.text and "万元" in asked.text and "草稿未改动" not in asked.text
    assert (session.state.brief.name, session.state.brief.year, session.state.brief.budget) == (name, year, None)
    reply = session.turn(answer)
    assert reply.action == "draft", reply.text
    table = session.state.table
    assert (table.project_name, table.year, table.budget) == (name, year, budget)


def test_a_full_amount_also_answers_the_unit_question(session):
    session.turn("帮我起草食堂补助项目，2025年，预算54970")
    reply = session.turn("5.497万元")
    assert reply.action == "draft", reply.text
    assert (session.state.table.project_name, session.state.table.year, session.state.table.budget) == \
        ("食堂补助项目", 2025, 5.497)


def test_the_unit_answer_comes_before_the_missing_name(session):
    asked = session.turn("预算54970，2025年，帮我起草")
    assert asked.action == "ask" and session.state.brief.year == 2025
    then = session.turn("元")
    assert then.action == "ask" and session.state.brief.budget == 5.497 and "名称" in then.text
    reply = session.turn("职工食堂补助")
    assert reply.action == "draft", reply.text
    assert (session.state.table.project_name, session.state.table.year) == ("职工食堂补助", 2025)


def test_a_unit_answer_after_a_bare_amount_refused_as_the_budget_answer(session):
    session.turn("帮我起草职工食堂补助，2025年")  # asks the budget
    assert session.turn("54970").action == "error"  # "请带上单位再写一次": the amount is kept in the history
    reply = session.turn("万元")
    assert reply.action == "draft", reply.text
    assert (session.state.table.project_name, session.state.table.year, session.state.table.budget) == \
        ("职工食堂补助", 2025, 54970)


def test_over_an_open_draft_the_unclear_budget_is_still_refused_whole(session):
    session.turn("帮我起草一个房屋租赁费项目，预算60.13万元，2025年，用于租赁办公用房1800平方米")
    before = session.state.model_dump(mode="json", exclude={"history"})
    assert session.turn("帮我起草食堂补助项目，2025年，预算54970").action == "error"
    assert session.state.model_dump(mode="json", exclude={"history"}) == before


# --- thousands typed with commas ----------------------------------------------------------------------

@pytest.mark.parametrize("message, budget", [
    ("帮我起草物业管理费项目，预算66,000元，2025年", 6.6),  # was read as 66万元: the digits after the comma lost
    ("帮我起草物业费项目，预算549,700元，2025年", 54.97),
    ("帮我起草网络运维项目，经费1,234,567.5元，2025年", 123.4567),
    ("帮我起草培训项目，预算60万，100人参加，2025年", 60.0),  # a clause comma is not a thousands comma
])
def test_a_budget_typed_with_thousands_commas_is_read_whole(message, budget):
    intent = intents.parse(message)
    assert intent.brief.budget == pytest.approx(budget, abs=1e-4)


def test_a_clause_comma_between_numbers_is_kept():
    assert parse_budget("66,000元") == pytest.approx(6.6)
    assert ungroup_digits("预算60，100人参加") == "预算60，100人参加"


def test_a_year_typed_after_a_bare_amount_is_not_glued_to_it():
    """"预算 20000 2026年" was read as the year 200002026: the space between two numbers is kept."""
    with pytest.raises(BriefError, match="没有写单位"):
        intents.parse("帮我起草物业费项目 预算 20000 2026年")
    assert intents.parse("帮我起草物业费项目 预算 2万元 2026年").brief.year == 2026


def test_the_budget_is_shown_to_the_yuan():
    assert "5.497 万元" in replies.understood(ProjectBrief(name="食堂补助", budget=5.497, year=2025))


# --- the form's header by chat ----------------------------------------------------------------------

@pytest.mark.parametrize("message, attr, value", [
    ("项目负责人写张敏", "manager", "张敏"),
    ("负责人是李强。", "manager", "李强"),
    ("实施单位改为市住房公积金管理中心", "implementing_unit", "市住房公积金管理中心"),
    ("主管部门：市住房和城乡建设局", "department", "市住房和城乡建设局"),
    ("请把项目属性填成延续项目", "attribute", "延续项目"),
])
def test_a_header_field_is_filled_by_chat(message, attr, value):
    session = ChatSession()
    session.turn("帮我起草物业管理费项目，预算54.97万元，2025年")
    reply = session.turn(message)
    assert reply.action == "revise" and value in reply.text
    assert getattr(session.state.table, attr) == value


@pytest.mark.parametrize("message", ["项目属性是什么", "负责人填什么", "实施单位怎么写"])
def test_a_question_about_a_header_field_is_not_an_edit(message):
    assert intents.parse(message).kind != "header"


def test_a_header_field_before_any_draft_is_kept_for_the_draft():
    session = ChatSession()
    assert "起草时写入表头" in session.turn("实施单位写市住房公积金管理中心").text
    session.turn("帮我起草物业管理费项目，预算54.97万元，2025年")
    assert session.state.table.implementing_unit == "市住房公积金管理中心"


# --- what the money is for is never lost ----------------------------------------------------------------

def test_a_count_typed_over_a_draft_adds_to_the_purpose_instead_of_replacing_it():
    session = ChatSession()
    session.turn("帮我起草物业管理费项目，预算54.97万元，2025年，用于办公楼物业管理服务")
    session.turn("保洁人员配备8名")
    assert session.state.table.purpose.startswith("办公楼物业管理服务")
    assert "保洁人员配备8名" in session.state.table.purpose
    assert any(r.value == "8名" for r in session.state.table.indicators)


@pytest.mark.parametrize("message", ["资金用途改为营业网点物业管理", "用途改成营业网点物业管理", "项目内容改为营业网点物业管理"])
def test_the_purpose_is_revised_as_the_purpose_not_as_a_rows_value(message):
    session = ChatSession()
    session.turn("帮我起草物业管理费项目，预算54.97万元，2025年，用于办公楼物业管理服务")
    before = [(r.name, r.value) for r in session.state.table.indicators]
    session.turn(message)
    assert session.state.table.purpose == "营业网点物业管理"
    assert [(r.name, r.value) for r in session.state.table.indicators] == before  # no row's value became text


@pytest.mark.parametrize("message, value", [("服务期一年 按季度付款", "1年"), ("服务期两年", "2年"), ("合同期限为3年", "3年")])
def test_a_period_typed_over_a_draft_lands_in_its_timeliness_row(message, value):
    session = ChatSession()
    session.turn("帮我起草保安服务费项目，预算30万元，2025年，用于营业大厅安保服务")
    reply = session.turn(message)
    assert reply.action == "revise"
    periods = [r for r in session.state.table.indicators if r.level2 is Level2.TIMELINESS and "期" in r.name]
    assert periods and periods[0].value == value
    assert session.state.table.purpose.startswith("营业大厅安保服务")
