"""ChatSession without an LLM: every phrasing of the issue and its casual variants, checked on the state.

The finder is the deterministic fake of conftest.py (real corpus projects by bigram overlap), so
the drafts are real drafts from the seeds; the integration tests at the end use the real index.
"""
from __future__ import annotations

import re

import pytest

from assistant.chat.session import MAX_MESSAGE, ChatSession, SessionState
from assistant.chat.understanding import Understanding
from assistant.review.check import check_table
from assistant.errors import BriefError
from assistant.schema import Basis, Level1, Level2, TargetTable

BY_WORDING = Understanding()  # no model: messages no pattern reads are matched by wording
DRAFT = "帮我起草一个房屋租赁费项目，预算60.13万元，2025年，用于租赁办公用房1800平方米"


@pytest.fixture
def session(fake_finder) -> ChatSession:
    return ChatSession(finder=fake_finder, understanding=BY_WORDING)


@pytest.fixture
def drafted(session) -> ChatSession:
    reply = session.turn(DRAFT)
    assert reply.action == "draft", reply.text
    return session


def values(session: ChatSession) -> list[str]:
    return [row.value for row in session.state.table.indicators]


def names(session: ChatSession) -> list[str]:
    return [row.name for row in session.state.table.indicators]


def cost_rows(table: TargetTable):
    return [r for r in table.indicators if r.level2 in (Level2.COST, Level2.ECONOMIC_COST)]


def frozen(session: ChatSession) -> dict:
    """The state an error must leave untouched (the history records the exchange)."""
    return session.state.model_dump(mode="json", exclude={"history"})


# --- every intent and its variants ------------------------------------------------------------

INTENTS = [
    # suggest
    ("租赁费项目适合哪些指标", "suggest"),
    ("物业费一般设什么指标", "suggest"),
    ("12329短信项目有哪些指标可以参考", "suggest"),
    ("租赁费项目适合哪些指标？", "suggest"),
    ("请问 物业管理费 一般设置什么指标", "suggest"),
    ("信息系统运维类项目常用指标有哪些", "suggest"),
    # check
    ("检查一下", "check"),
    ("帮我检查", "check"),
    ("有什么问题", "check"),
    ("有没有问题？", "check"),
    ("审核一下这个表", "check"),
    # export
    ("导出", "export"),
    ("下载excel", "export"),
    ("生成word", "export"),
    ("导出 JSON", "export"),
    ("下载ＥＸＣＥＬ", "export"),
    # explain
    ("为什么用这个指标", "explain"),
    ("第3个指标的依据是什么", "explain"),
    ("第三个指标的先例", "explain"),
    ("为什么选租赁费用", "explain"),
    # help
    ("你好", "help"),
    ("帮助", "help"),
    ("今天天气怎么样", "help"),
    ("", "help"),
    ("   ", "help"),
    ("😀😀😀", "help"),
    ("<script>alert(1)</script>", "help"),
]


@pytest.mark.parametrize("text,action", INTENTS)
def test_intent(drafted, text, action):
    reply = drafted.turn(text)
    assert reply.action == action, reply.text
    assert reply.text.strip()
    assert reply.table is not None  # the draft stays with every answer


@pytest.mark.parametrize("text,topic_city", [
    ("租赁费项目适合哪些指标", "张家口"),
    ("物业费一般设什么指标", "广州"),
    ("12329短信项目有哪些指标可以参考", "六安"),
])
def test_suggest_cites_precedents(session, text, topic_city):
    reply = session.turn(text)
    assert reply.action == "suggest"
    assert topic_city in reply.text and "常用指标" in reply.text
    assert reply.precedents and all(p.city for p in reply.precedents)
    assert session.state.table is None


@pytest.mark.parametrize("fmt,label", [("下载excel", "下载 .xlsx"), ("生成word", "下载 .docx"), ("导出json", "下载 .json"),
                                       ("导出", "下载 .xlsx")])
def test_export_names_the_button(drafted, fmt, label):
    assert label in drafted.turn(fmt).text


# --- drafting, and the one-question-at-a-time flow ----------------------------------------------

@pytest.mark.parametrize("text,name,budget,year,period", [
    (DRAFT, "房屋租赁费", 60.13, 2025, 1),
    ("帮我起草一个房屋租赁费项目,预算60.13万元,2025年,用于租赁办公用房", "房屋租赁费", 60.13, 2025, 1),
    ("起草 房屋租赁费 预算 60万 2025年", "房屋租赁费", 60, 2025, 1),
    ("房屋租赁费项目，预算六十万，2025年度，帮我起草", "房屋租赁费", 60, 2025, 1),
    ("帮我起草一份2025年物业管理费的绩效目标，预算600000元", "物业管理费", 60, 2025, 1),
    ("起草网络租赁服务费，预算155.72万元，2025-2027年", "网络租赁服务费", 155.72, 2025, 3),
    ("起草网络租赁服务费，预算１５５．７２万元，２０２５年，项目期3年", "网络租赁服务费", 155.72, 2025, 3),
])
def test_draft_from_one_message(session, text, name, budget, year, period):
    reply = session.turn(text)
    assert reply.action == "draft", reply.text
    b = session.state.brief
    assert name in b.name and b.budget == pytest.approx(budget) and b.year == year and b.period_years == period
    table = session.state.table
    assert table.year == year and 6 <= len(table.indicators) <= 20
    assert [r.value for r in cost_rows(table)][0] == f"≤{budget:g}万元"
    assert session.state.pending is None
    assert reply.findings == check_table(table)


def test_draft_takes_the_purpose(session):
    session.turn(DRAFT)
    assert session.state.brief.description == "租赁办公用房1800平方米"
    assert any("1800平方米" in v for v in values(session))  # the user's own number, not a precedent's


@pytest.mark.parametrize("turns,expected", [
    (["帮我起草一个房屋租赁费项目", "60万", "2025年"], ["ask", "ask", "draft"]),
    (["帮我起草一个房屋租赁费项目", "预算六十万", "2025"], ["ask", "ask", "draft"]),
    (["起草物业管理费，2025年", "６０．１３万元"], ["ask", "draft"]),
    (["帮我起草一份绩效目标", "房屋租赁费", "预算60万，2025年"], ["ask", "ask", "draft"]),
    (["租赁费项目适合哪些指标", "预算60万，2025年", "好"], ["suggest", "ask", "draft"]),
    (["帮我起草一个房屋租赁费项目", "abc", "60", "2025年"], ["ask", "error", "ask", "draft"]),
])
def test_pending_question_flow(session, turns, expected):
    actions = [session.turn(t).action for t in turns]
    assert actions == expected
    assert session.state.table is not None and session.state.pending is None
    assert session.state.brief.year == 2025 and session.state.brief.budget in (60, 60.13)


def test_asks_one_short_question_at_a_time(session):
    reply = session.turn("帮我起草一个房屋租赁费项目")
    assert reply.action == "ask" and session.state.pending == "draft"
    assert reply.text.count("？") == 1 and "预算" in reply.text
    reply = session.turn("60万")
    assert reply.text.count("？") == 1 and "年度" in reply.text
    assert session.state.table is None


def test_new_project_asks_before_replacing_and_does_not_reuse_the_old_budget(drafted):
    before = drafted.state.table
    reply = drafted.turn("帮我起草一个物业管理费项目")
    assert reply.action == "ask" and "替换" in reply.text and "物业管理费项目" in reply.text
    assert drafted.state.table == before and drafted.state.brief.budget == 60.13  # nothing changed yet
    reply = drafted.turn("好的")
    assert reply.action == "ask" and "预算" in reply.text
    assert drafted.state.brief.year == 2025  # the year carries over


def test_a_new_project_offer_lapses_on_another_request(drafted):
    drafted.turn("帮我起草一个物业管理费项目")
    assert drafted.turn("算了").action == "help"
    assert drafted.state.table.project_name == "房屋租赁费项目" and drafted.state.pending is None
    drafted.turn("帮我起草一个物业管理费项目")
    reply = drafted.turn("满意度改为≥95%")  # the offer lapses and the revision is made
    assert reply.action == "revise" and drafted.state.pending is None


def test_cancel_the_pending_draft(session):
    session.turn("帮我起草一个房屋租赁费项目")
    assert session.turn("算了").action == "help"
    assert session.state.pending is None


# --- revisions ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["满意度改为≥95%", "满意度都改成≥95%", "把满意度调整为 ≥ 95 %", "满意度改为>=95%",
                                  "满意度改为≥９５％"])
def test_satisfaction_rows_change(drafted, text):
    reply = drafted.turn(text)
    assert reply.action == "revise", reply.text
    rows = [r for r in drafted.state.table.indicators if r.level2 is Level2.SATISFACTION]
    assert rows and all(r.value == "≥95%" for r in rows)
    assert reply.findings == check_table(drafted.state.table)


@pytest.mark.parametrize("text", ["把第3个指标的值改成100%", "第3个指标改为100%", "第三行改成100%",
                                  "修改第3个指标为100%", "将第３个指标的值设为１００％"])
def test_value_by_row_number(drafted, text):
    before = values(drafted)
    assert drafted.turn(text).action == "revise"
    after = values(drafted)
    assert after[2] == "100%" and after[:2] == before[:2] and after[3:] == before[3:]
    assert drafted.state.focus == 2


@pytest.mark.parametrize("text", ["把租赁面积改成2000平方米", "租赁面积改为2000", "租赁场地面积调整为2000平方米"])
def test_value_by_name(drafted, text):
    area = [i for i, r in enumerate(drafted.state.table.indicators) if "面积" in r.name]
    assert drafted.turn(text).action == "revise"
    rows = drafted.state.table.indicators
    assert [i for i, r in enumerate(rows) if r.value == "2000平方米"] == area[:1]
    assert not rows[area[0]].needs_input


def test_needs_input_row_is_answered(drafted):
    i = next(i for i, r in enumerate(drafted.state.table.indicators) if r.needs_input)
    drafted.turn(f"第{i + 1}行改为3个")
    row = drafted.state.table.indicators[i]
    assert row.value == "3个" and not row.needs_input and row.question is None


@pytest.mark.parametrize("text", ["第2行依据改为历史标准", "第2个指标的依据改成历史标准", "把第二行的指标值确定依据改为历史标准"])
def test_basis(drafted, text):
    drafted.turn(text)
    row = drafted.state.table.indicators[1]
    assert row.basis is Basis.HISTORY and row.basis_note == "历史标准"


@pytest.mark.parametrize("text", ["删除第3个指标", "删掉第三行", "第3行删掉", "去掉第3条", "请把第3个指标删除"])
def test_delete(drafted, text):
    before = names(drafted)
    reply = drafted.turn(text)
    assert reply.action == "revise", reply.text
    assert names(drafted) == before[:2] + before[3:]
    assert before[2] in reply.text


def test_delete_ambiguous_asks(drafted):
    before = names(drafted)
    reply = drafted.turn("删除满意度")
    assert reply.action == "ask" and names(drafted) == before


@pytest.mark.parametrize("text,level2", [
    ("加一个时效指标", Level2.TIMELINESS),
    ("增加一个时效性指标", Level2.TIMELINESS),
    ("再加个满意度指标吧", Level2.SATISFACTION),
    ("添加一条质量指标", Level2.QUALITY),
    ("新增一个社会效益指标", Level2.SOCIAL),
])
def test_add_row(drafted, text, level2):
    before = drafted.state.table.indicators
    reply = drafted.turn(text)
    assert reply.action == "revise", reply.text
    after = drafted.state.table.indicators
    assert len(after) == len(before) + 1
    new = after[drafted.state.focus]
    assert new.level2 is level2 and new.name not in [r.name for r in before]
    assert new.value and new.basis is not None
    # the new row sits with its 二级, in the tree order
    levels = [r.level2 for r in after]
    assert levels.index(level2) <= drafted.state.focus <= len(levels) - 1 - levels[::-1].index(level2)


def test_add_named_row_with_value(drafted):
    drafted.turn("加一个指标 缴存职工满意度≥92%")
    row = drafted.state.table.indicators[drafted.state.focus]
    assert (row.name, row.value, row.level1) == ("缴存职工满意度", "≥92%", Level1.SATISFACTION)


@pytest.mark.parametrize("text", ["预算改为58万元", "预算改成五十八万", "预算调整为580000元", "把预算改为58万"])
def test_budget(drafted, text):
    reply = drafted.turn(text)
    assert reply.action == "revise", reply.text
    table = drafted.state.table
    assert drafted.state.brief.budget == 58 and table.budget == 58
    assert [r.value for r in cost_rows(table)][0] == "≤58万元"
    goals = "".join(table.goals_annual)
    assert "58万元" in goals and "60.13万元" not in goals


@pytest.mark.parametrize("text", ["年度改为2026", "年份改成2026年", "把年度调整为2026年度", "年度改为２０２６"])
def test_year(drafted, text):
    drafted.turn("加一个指标 租赁费支付时间 2025年12月31日前")
    reply = drafted.turn(text)
    assert reply.action == "revise", reply.text
    table = drafted.state.table
    assert table.year == 2026 and drafted.state.brief.year == 2026
    assert "租赁费支付时间" in reply.text
    assert "2026年12月31日前" in values(drafted)
    assert not any("2025年" in v for v in values(drafted) + table.goals_annual)
    assert table.goals_annual[0].startswith("2026年")


def test_project_name(drafted):
    drafted.turn("项目名称改为办公用房租赁费")
    assert drafted.state.table.project_name == "办公用房租赁费" == drafted.state.brief.name


def test_goals_follow_a_changed_value(drafted):
    drafted.turn("满意度改为≥95%")
    assert "满意度≥95%" in "".join(drafted.state.table.goals_annual)


def test_revision_without_a_draft_offers_to_draft(session):
    for text in ["满意度改为≥95%", "删除第3个指标", "加一个时效指标", "检查一下", "导出", "第3个指标的依据是什么"]:
        reply = session.turn(text)
        assert reply.action == "help" and "还没有草稿" in reply.text and "起草" in reply.text
    assert session.state.table is None


def test_budget_without_a_draft_is_remembered(session):
    session.turn("预算改为58万元")
    assert session.state.brief.budget == 58 and session.state.table is None


@pytest.mark.parametrize("text", ["第99个指标改为100%", "把不存在的指标改成1", "删除第99行", "第3个指标改为**%", "第3个指标改为XX"])
def test_bad_revision_leaves_the_draft(drafted, text):
    before = frozen(drafted)
    reply = drafted.turn(text)
    assert reply.action == "error"
    assert frozen(drafted) == before


# --- explain and check ------------------------------------------------------------------------

def test_explain_row_number(drafted):
    reply = drafted.turn("第3个指标的依据是什么")
    row = drafted.state.table.indicators[2]
    assert reply.action == "explain" and reply.precedents == row.precedents
    assert row.name in reply.text and reply.precedents[0].city in reply.text


def test_explain_by_name(drafted):
    reply = drafted.turn("为什么选租赁费用")
    assert reply.action == "explain" and "张家口" in reply.text and "60.13" in reply.text


def test_explain_this_one_after_a_revision(drafted):
    drafted.turn("第2行依据改为历史标准")
    reply = drafted.turn("为什么用这个指标")
    assert drafted.state.table.indicators[1].name in reply.text


def test_explain_without_focus_gives_an_overview(drafted):
    reply = drafted.turn("为什么用这个指标")
    assert reply.action == "explain" and reply.precedents
    assert reply.text.count("第") >= len(drafted.state.table.indicators)


def test_check_lists_findings_by_row(drafted):
    drafted.turn("第3个指标改为120%")
    reply = drafted.turn("检查一下")
    assert reply.action == "check" and reply.findings == check_table(drafted.state.table)
    assert any(f.indicator == 2 for f in reply.findings) and "第3行" in reply.text


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["预算-5", "预算abc", "预算：-5万元", "年度改为1900", "预算改为abc"])
def test_bad_budget_or_year(drafted, text):
    before = frozen(drafted)
    reply = drafted.turn(text)
    assert reply.action == "error"
    assert ("预算金额" in reply.text or "年度" in reply.text) and "请" in reply.text
    assert frozen(drafted) == before


def test_huge_message_is_cut_and_answered(drafted):
    reply = drafted.turn("租赁费项目适合哪些指标" + "很长的说明" * 20_000)
    assert reply.action == "suggest" and "只读取了前" in reply.text
    assert all(len(m.text) <= MAX_MESSAGE + 200 for m in drafted.state.history)


def test_html_is_never_echoed(drafted):
    for text in ["<script>alert(1)</script>", "<script>alert(1)</script>适合哪些指标",
                 "第3个指标改为<b>100%</b>", "加一个指标 <img src=x onerror=alert(1)>≥90%"]:
        reply = drafted.turn(text)
        assert "<script" not in reply.text and "<b>" not in reply.text and "<img" not in reply.text
    assert not any("<" in m.text for m in drafted.state.history if m.role == "assistant")


def test_an_unexpected_failure_is_a_chinese_message(fake_finder):
    def broken(table):
        raise RuntimeError("boom")

    session = ChatSession(finder=fake_finder, checker=broken, understanding=BY_WORDING)
    reply = session.turn(DRAFT)
    assert reply.action == "error" and "草稿没有改动" in reply.text and "boom" not in reply.text
    assert session.state.table is None and session.state.brief.name is None and session.state.pending is None


def test_history_records_every_turn(session):
    for text in ["你好", "租赁费项目适合哪些指标", DRAFT, "预算-5"]:
        session.turn(text)
    roles = [m.role for m in session.state.history]
    assert roles == ["user", "assistant"] * 4


def test_state_survives_json(drafted, fake_finder):
    restored = SessionState.model_validate_json(drafted.state.model_dump_json(exclude_computed_fields=True))
    again = ChatSession(restored, finder=fake_finder, understanding=BY_WORDING)
    again.turn("删除第1个指标")
    assert len(again.state.table.indicators) == len(drafted.state.table.indicators) - 1


def test_state_object_is_updated_in_place(fake_finder):
    state = SessionState()
    ChatSession(state, finder=fake_finder, understanding=BY_WORDING).turn(DRAFT)
    assert state.table is not None  # the app keeps this object and builds a new session per action


# --- the grid and the sidebar -----------------------------------------------------------------

def test_set_table_from_the_grid(drafted):
    table = drafted.state.table.model_copy(deep=True)
    table.indicators[0].value = "≥200%"
    findings = drafted.set_table(table)
    assert drafted.state.table.indicators[0].value == "≥200%"
    assert findings == check_table(drafted.state.table) and any(f.indicator == 0 for f in findings)


def test_update_brief_budget_reaches_the_cost_row(drafted):
    drafted.update_brief(budget="58万元")
    assert drafted.state.brief.budget == 58
    assert cost_rows(drafted.state.table)[0].value == "≤58万元"


@pytest.mark.parametrize("fields", [{"budget": "abc"}, {"budget": "-5"}, {"year": "1900"}, {"period_years": 0},
                                    {"colour": "red"}])
def test_update_brief_rejects_bad_values(drafted, fields):
    before = frozen(drafted)
    with pytest.raises(BriefError):
        drafted.update_brief(**fields)
    assert frozen(drafted) == before


def test_update_brief_without_a_table(session):
    session.update_brief(name="房屋租赁费", budget="六十万", year=2025, description="租赁办公用房")
    b = session.state.brief
    assert (b.name, b.budget, b.year, b.description) == ("房屋租赁费", 60, 2025, "租赁办公用房")
    assert session.turn("起草吧").action == "draft"


# --- with the real precedent index --------------------------------------------------------------

@pytest.fixture(scope="module")
def real_session_factory(tmp_path_factory):
    """The real model and index, built once per test run in a data dir of its own (app_env)."""
    import os

    from app_env import prepared_data_dir

    from assistant.config import get_settings
    from assistant.search.index import set_index
    from assistant.drafting.precedents import refresh_corpus_cache

    data = prepared_data_dir(tmp_path_factory.mktemp("chat"))
    before = os.environ.get("JX_DATA_DIR")
    os.environ["JX_DATA_DIR"] = str(data)
    get_settings.cache_clear()
    set_index(None)
    refresh_corpus_cache()
    yield ChatSession
    if before is None:
        os.environ.pop("JX_DATA_DIR", None)
    else:
        os.environ["JX_DATA_DIR"] = before
    get_settings.cache_clear()
    set_index(None)


@pytest.mark.integration
def test_real_suggest_rental(real_session_factory):
    reply = real_session_factory().turn("租赁费项目适合哪些指标")
    assert reply.action == "suggest" and "张家口" in reply.text and reply.precedents


@pytest.mark.integration
def test_real_draft_and_revise(real_session_factory):
    session = real_session_factory()
    assert session.turn(DRAFT).action == "draft"
    table = session.state.table
    assert cost_rows(table)[0].value == "≤60.13万元"
    assert any(p.city == "张家口" for r in table.indicators for p in r.precedents)
    session.turn("预算改为58万元")
    assert cost_rows(session.state.table)[0].value == "≤58万元"


@pytest.mark.integration
def test_real_add_timeliness(real_session_factory):
    session = real_session_factory()
    session.turn(DRAFT)
    n = len(session.state.table.indicators)
    assert session.turn("加一个时效指标").action == "revise"
    assert len(session.state.table.indicators) == n + 1
    assert re.search("时效", session.state.table.indicators[session.state.focus].level2.value)


# --- loose phrasing (from the blind chat evaluation's classes) -----------------------------------------

@pytest.mark.parametrize("typed, value", [("四台", "4台"), ("≤85万元", "≤85万元"), ("九十五%", "95%"),
                                          ("十二次", "12次"), ("两千份", "2000份")])
def test_numerals_in_a_typed_value(typed, value):
    from assistant.chat.revising import numerals

    assert numerals(typed) == value


def test_a_stated_value_for_a_row_the_draft_lacks_adds_it_named_as_written(drafted):
    before = len(drafted.state.table.indicators)
    reply = drafted.turn("消防设施完好率要达到98%")
    names = [r.name for r in drafted.state.table.indicators]
    assert reply.action == "revise" and "消防设施完好率" in names and len(names) == before + 1
    assert drafted.state.table.indicators[names.index("消防设施完好率")].value == "98%"


def test_a_level2_with_a_hint_keeps_the_users_words(drafted):
    drafted.turn("加一个时效指标 租金每月10号前支付")
    row = drafted.state.table.indicators[drafted.state.focus]
    assert row.level2 is Level2.TIMELINESS and row.value == "每月10日前"
    assert "是否" not in row.value


def test_counts_stated_with_a_draft_open_land_in_it(drafted):
    reply = drafted.turn("全年安排安保巡查不少于300次 清洗空调12台")
    values = " ".join(r.value for r in drafted.state.table.indicators)
    assert reply.action == "revise" and "300次" in values and "12台" in values


def test_a_concept_question_without_a_draft_is_answered(session):
    for text in ["成本指标为啥都写≤", "满意度的依据呢", "那完成率写百分百行不行", "成夲指标怎么填"]:
        reply = session.turn(text)
        assert reply.action == "concept", (text, reply.text)
    assert session.state.table is None


@pytest.mark.parametrize("text, row", [("第3个指标", 3), ("第三行", 3), ("第十二行", 12), ("第一次弄", None),
                                       ("第二批", None), ("第12次", None), ("第1季度", None)])
def test_a_row_is_named_only_by_a_row_reference(text, row):
    from assistant.chat.intents import row_number

    assert row_number(text) == row


def test_asking_to_check_is_a_check_even_when_it_names_a_concept(drafted):
    assert drafted.turn("帮我查查中期跟年度的对不对得上").action == "check"
    assert drafted.turn("签的合同里写的算哪一类").action == "concept"
