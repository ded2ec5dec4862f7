"""The page, driven by streamlit.testing.v1.AppTest with the real ChatSession and precedent index.

Chat → reply rendered; a draft fills the grid, the sidebar and the download buttons; sidebar edits
("六十万" accepted, "abc" refused in Chinese); grid edits (put into session state, as AppTest cannot
type into st.data_editor); autosave and restore after a refresh; drafts kept per browser; bad input.
"""
from __future__ import annotations

import json

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from app_env import REPO, prepared_data_dir
from fake_openai_server import FakeOpenAI, Status, ToolCall
from assistant.schema import Level1, Level2
from assistant.output.storage import DraftStore, new_id
from assistant.ui.draft import chat_markdown

pytestmark = pytest.mark.integration  # the real embedding model and index behind the chat

APP = str(REPO / "assistant" / "ui" / "app.py")
DRAFT = "帮我起草一个房屋租赁费项目，预算60.13万元，2025年"


def _reset_caches() -> None:
    from assistant.config import get_settings
    from assistant.search.index import set_index
    from assistant.drafting.precedents import refresh_corpus_cache

    get_settings.cache_clear()
    set_index(None)
    refresh_corpus_cache()
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch):
    data = prepared_data_dir(tmp_path_factory.mktemp("app"))
    monkeypatch.setenv("JX_DATA_DIR", str(data))
    _reset_caches()
    yield data
    _reset_caches()


def open_app(owner: str | None = None, draft: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if owner:
        at.query_params["u"] = owner
    if draft:
        at.query_params["d"] = draft
    return at.run()


def say(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def assistant_texts(at: AppTest) -> list[str]:
    return [m.markdown[0].value for m in at.chat_message if m.name == "assistant" and m.markdown]


def state(at: AppTest):
    return at.session_state["state"]


def no_traceback(at: AppTest) -> None:
    assert not at.exception
    for element in at.error:
        assert "Traceback" not in element.value and "Error:" not in element.value


def test_first_visit_gets_an_owner_and_a_welcome(data_dir):
    at = open_app()
    no_traceback(at)
    owner = at.query_params["u"]
    assert isinstance(owner, str) and len(owner) == 32
    assert "起草" in assistant_texts(at)[0]
    assert [t.label for t in at.tabs] == ["起草", "先例浏览", "导入", "自评"]
    assert not at.get("download_button")  # no draft yet, nothing to download


def test_question_is_answered_in_the_chat(data_dir):
    at = say(open_app(), "租赁费项目适合哪些指标")
    reply = assistant_texts(at)[-1]
    assert "租赁" in reply and "满意度" in reply
    assert state(at).history[-2].text == "租赁费项目适合哪些指标"


def test_draft_fills_grid_sidebar_and_downloads(data_dir):
    at = say(open_app(), DRAFT)
    table = state(at).table
    assert table is not None and len(table.indicators) >= 5
    assert [b.label for b in at.get("download_button")] == ["下载 .xlsx", "下载 .docx", "下载 .json"]
    assert at.sidebar.text_input(key="brief_budget").value == "60.13"
    assert at.sidebar.text_input(key="brief_year").value == "2025"
    grid = next(d for d in at.dataframe if (d.key or "").startswith("grid_")).value
    assert grid["三级"].tolist() == [i.name for i in table.indicators]
    assert grid["待填"].tolist() == ["✎ 待填" if i.needs_input else "" for i in table.indicators]
    # autosaved at once: the store holds the same draft
    saved = DraftStore(data_dir / "drafts.sqlite").load(at.query_params["u"], at.query_params["d"])
    assert saved is not None and saved.state.table == table


def test_chat_revision_changes_the_grid(data_dir):
    at = say(say(open_app(), DRAFT), "满意度改为≥95%")
    values = [i.value for i in state(at).table.indicators if "满意度" in i.name]
    assert values and all(v == "≥95%" for v in values[:1])


@pytest.mark.parametrize("typed, budget, caption", [
    ("六十万", 60.0, "折合 60 万元"),
    ("600000元", 60.0, "折合 60 万元"),
    ("58.5", 58.5, None),
])
def test_sidebar_budget_is_understood(data_dir, typed, budget, caption):
    at = open_app()
    at.sidebar.text_input(key="brief_budget").input(typed).run()
    no_traceback(at)
    assert state(at).brief.budget == budget
    assert not at.sidebar.error
    captions = [c.value for c in at.sidebar.caption]
    assert (caption in captions) if caption else not any(c.startswith("折合") for c in captions)


def test_sidebar_bad_budget_gets_a_chinese_message_and_changes_nothing(data_dir):
    at = say(open_app(), DRAFT)
    at.sidebar.text_input(key="brief_budget").input("abc").run()
    no_traceback(at)
    assert any("预算金额无法识别" in e.value for e in at.sidebar.error)
    assert state(at).brief.budget == 60.13
    assert state(at).table.budget == 60.13
    at.sidebar.text_input(key="brief_budget").input("58万元").run()  # corrected: the message goes
    assert not at.sidebar.error
    assert state(at).brief.budget == 58.0 and state(at).table.budget == 58.0


def test_sidebar_year_and_name_flow_into_the_draft(data_dir):
    at = say(open_app(), DRAFT)
    at.sidebar.text_input(key="brief_year").input("2026").run()
    at.sidebar.text_input(key="brief_name").input("办公用房租赁费").run()
    no_traceback(at)
    assert state(at).table.year == 2026
    assert state(at).table.project_name == "办公用房租赁费"
    at.sidebar.text_input(key="brief_year").input("二〇二六").run()
    assert any("年度" in e.value for e in at.sidebar.error)


def _edit_grid(at: AppTest, edits: dict) -> AppTest:
    version = at.session_state["grid_version"]
    at.session_state[f"grid_{version}"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}
    at.run()
    no_traceback(at)
    return at


def test_grid_edit_changes_the_table_refreshes_findings_and_saves(data_dir):
    at = say(open_app(), DRAFT)
    rows = state(at).table.indicators
    cost = next(i for i, r in enumerate(rows) if r.level2 in (Level2.COST, Level2.ECONOMIC_COST))
    _edit_grid(at, {"edited_rows": {cost: {"指标值": "≤80万元"}}})
    assert state(at).table.indicators[cost].value == "≤80万元"
    # the checker saw the edit: a cost above the 60.13万元 budget is an error naming the row
    errors = [f for f in at.session_state["findings"] if f.severity.value == "error"]
    assert any(f.indicator == cost for f in errors)
    assert any(f"第{cost + 1}行" in e.value for e in at.error)
    saved = DraftStore(data_dir / "drafts.sqlite").load(at.query_params["u"], at.query_params["d"])
    assert saved.state.table.indicators[cost].value == "≤80万元"


def test_grid_add_delete_and_hostile_text(data_dir):
    at = say(open_app(), DRAFT)
    n = len(state(at).table.indicators)
    _edit_grid(at, {"deleted_rows": [0], "added_rows": [
        {"一级": "产出指标", "二级": "数量指标", "三级": "<script>alert(1)</script>", "指标值": "=1+1"}]})
    rows = state(at).table.indicators
    assert len(rows) == n
    assert rows[-1].name == "<script>alert(1)</script>" and rows[-1].value == "=1+1"
    for element in at.markdown:
        assert "<script>" not in element.value  # shown escaped, never as HTML


def test_one_click_fix(data_dir):
    at = say(open_app(), DRAFT)
    rows = state(at).table.indicators
    row = next(i for i, r in enumerate(rows) if r.level1 is Level1.SATISFACTION)
    _edit_grid(at, {"edited_rows": {row: {"指标值": "120%"}}})
    fix = [b for b in at.button if b.label == "改为 100%"]
    assert fix, [b.label for b in at.button]
    fix[0].click().run()
    assert state(at).table.indicators[row].value == "100%"


def test_refresh_restores_chat_draft_and_sidebar(data_dir):
    at = say(say(open_app(), DRAFT), "满意度改为≥95%")
    owner, draft = at.query_params["u"], at.query_params["d"]
    before = state(at)
    for params in ({"owner": owner, "draft": draft}, {"owner": owner}):  # refresh; or a bookmark without ?d=
        again = open_app(**params)
        no_traceback(again)
        assert state(again).history == before.history
        assert state(again).table == before.table
        assert again.sidebar.text_input(key="brief_budget").value == "60.13"
        assert assistant_texts(again)[-1] == chat_markdown(before.history[-1].text)


def test_two_browsers_never_share_drafts(data_dir):
    first = say(open_app(), DRAFT)
    second = open_app()
    assert second.query_params["u"] != first.query_params["u"]
    assert state(second).table is None and not state(second).history
    # even with the other browser's draft id in the URL
    third = open_app(owner=new_id(), draft=first.query_params["d"])
    assert state(third).table is None
    assert not [b for b in third.sidebar.button if b.label == "打开"]


def test_drafts_new_open_rename_delete(data_dir):
    at = say(open_app(), DRAFT)
    first = at.query_params["d"]
    at.sidebar.button(key="draft_new").click().run()
    assert state(at).table is None and at.session_state["draft_id"] is None
    say(at, "帮我起草一个物业管理费项目，预算30万元，2025年")
    second = at.query_params["d"]
    assert second != first
    at.sidebar.button(key=f"open_{first}").click().run()
    assert at.query_params["d"] == first and "租赁" in state(at).table.project_name
    name_box = next(t for t in at.sidebar.text_input if t.label.startswith("当前草稿名称"))
    name_box.input("2025租赁费（初稿）").run()
    store = DraftStore(data_dir / "drafts.sqlite")
    assert store.load(at.query_params["u"], first).name == "2025租赁费（初稿）"
    at.sidebar.button(key="draft_delete").click().run()
    at.sidebar.button(key="draft_delete_yes").click().run()
    no_traceback(at)
    assert store.load(at.query_params["u"], first) is None
    assert at.query_params["d"] == second  # the remaining draft is opened


def test_cost_setting_moves_cost_rows(data_dir):
    at = say(open_app(), DRAFT)
    at.sidebar.radio[0].set_value(at.sidebar.radio[0].options[1]).run()
    no_traceback(at)
    cost = [r for r in state(at).table.indicators if r.level2 in (Level2.COST, Level2.ECONOMIC_COST)]
    assert cost and all(r.level1 is Level1.COST and r.level2 is Level2.ECONOMIC_COST for r in cost)
    assert at.query_params["c"] == "1"


@pytest.mark.parametrize("message", [
    "<script>alert('x')</script>帮我看看",
    "😀😀😀",
    "租" * 100_000,
    "   ",
])
def test_bad_messages_leave_the_draft_untouched(data_dir, message):
    at = say(open_app(), DRAFT)
    table = state(at).table
    say(at, message)
    no_traceback(at)
    assert state(at).table == table
    for element in at.markdown:
        assert "<script>" not in element.value


def open_tab(at: AppTest, label: str) -> AppTest:
    """Only the open tab is drawn: choose one as a click would."""
    at.session_state["main_tabs"] = label
    return at.run()


def test_only_the_open_tab_is_drawn(data_dir):
    at = open_app()
    assert not any(w.key == "browse_text" for w in at.text_input)
    at = open_tab(at, "先例浏览")
    assert any(w.key == "browse_text" for w in at.text_input) and not at.chat_input


def test_browse_filters_and_adds_to_draft(data_dir):
    at = open_tab(open_app(), "先例浏览")
    at.text_input(key="browse_text").input("租赁费").run()
    no_traceback(at)
    assert any("共" in c.value for c in at.caption)
    at.session_state["browse_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    add = at.button(key="browse_add")
    assert not add.disabled
    add.click().run()
    no_traceback(at)
    table = state(at).table
    assert table is not None and len(table.indicators) == 1
    assert table.indicators[0].precedents[0].source


def test_import_round_trip_into_my_corpus(data_dir):
    from assistant.ui import importer as ui_import
    from assistant.output.export import to_xlsx
    from assistant.schema import Funds, Indicator, TargetTable

    table = TargetTable(project_name="测试导入租赁费", year=2024, funds_annual=Funds(total=12.5), indicators=[
        Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="租赁面积", value="300平方米"),
        Indicator(level1=Level1.SATISFACTION, level2=Level2.SATISFACTION, name="职工满意度", value="≥90%")])
    doc = ui_import.read_upload("测试导入.xlsx", to_xlsx(table))
    assert doc.projects[0].table.indicators[0].name == "租赁面积"
    owner, other = new_id(), new_id()
    added = ui_import.add_to_corpus(owner, "测试导入.xlsx", to_xlsx(table))
    mine = data_dir / "user_corpus" / owner
    assert (mine / "测试导入.json").exists() and added.provenance.source == "测试导入.xlsx"
    assert any(b.label == "移除" for b in open_tab(open_app(owner), "导入").button)
    assert not any(b.label == "移除" for b in open_tab(open_app(other), "导入").button)  # not theirs to remove
    ui_import.remove_from_corpus(owner, "测试导入.xlsx")
    assert not (mine / "测试导入.json").exists()



# --- the page drafts with the configured drafter (the CLI's), here a model behind a local server ------

_MODEL_ROWS = [
    ("产出指标", "数量指标", "租赁面积", "1800平方米", "计划标准", "租赁合同"),
    ("产出指标", "质量指标", "房屋结构完好率", "≥95%", "历史标准", "上年标准"),
    ("产出指标", "时效指标", "租金支付及时率", "100%", "其他标准", "合同约定"),
    ("产出指标", "成本指标", "年租赁费用", "≤60.13万元", "预算支出标准", "预算批复"),
    ("效益指标", "社会效益指标", "办公用房保障率", "100%", "计划标准", "年度工作计划"),
    ("满意度指标", "服务对象满意度指标", "办事群众满意度", "≥90%", "其他标准", "满意度调查"),
]
_MODEL_REPLY = json.dumps({
    "indicators": [dict(zip(("level1", "level2", "name", "value", "basis", "basis_note"), r),
                        explanation="反映该指标的完成情况。") for r in _MODEL_ROWS],
    "goals_annual": ["2025年租赁办公用房1800平方米，年租赁费用控制在60.13万元以内，办事群众满意度≥90%。"],
    "goals_midterm": [],
}, ensure_ascii=False)


@pytest.fixture
def model_server(data_dir, monkeypatch):
    with FakeOpenAI() as server:
        monkeypatch.setenv("JX_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("JX_LLM_MODEL", "qwen-test")
        monkeypatch.setenv("JX_LLM_TIMEOUT", "60")
        _reset_caches()
        yield server
    _reset_caches()


def test_the_page_drafts_with_the_configured_model(model_server):
    # the chat's tool call first (it reads the message), then the drafter's structured answer
    model_server.enqueue(ToolCall("draft", {"name": "房屋租赁费", "budget_wan": 60.13, "year": 2025}), _MODEL_REPLY)
    at = say(open_app(), DRAFT)
    no_traceback(at)
    table = state(at).table
    assert len(model_server.requests) == 2  # the page's own router and drafter asked the model, once each
    assert "tools" in model_server.requests[0] and table.budget == 60.13
    assert any("大模型（qwen-test）" in n for n in table.notices)
    assert "办公用房保障率" in [r.name for r in table.indicators]
    rent = next(r for r in table.indicators if r.name == "年租赁费用")
    assert rent.precedents  # the model's row kept the precedents of the draft it started from


def test_the_page_falls_back_with_a_notice_when_the_model_fails(model_server):
    model_server.enqueue(Status(500, "overloaded"), Status(500, "overloaded"))
    at = say(open_app(), DRAFT)
    no_traceback(at)
    table = state(at).table
    assert any(n.startswith("大模型起草失败") for n in table.notices)
    assert table.indicators and not any("llm" in r.inferred for r in table.indicators)


def test_sharing_a_form_reindexes_in_the_background(data_dir):
    from assistant.output.export import to_xlsx
    from assistant.schema import Funds, Indicator, TargetTable
    from assistant.search.index import search_precedents
    from assistant.ui import importer as ui_import

    owner = new_id()
    table = TargetTable(project_name="后台索引测试档案整理经费", year=2024, funds_annual=Funds(total=8), indicators=[
        Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="档案整理卷数", value="≥3000卷"),
        Indicator(level1=Level1.SATISFACTION, level2=Level2.SATISFACTION, name="档案利用者满意度", value="≥90%")])
    ui_import.add_to_corpus(owner, "后台索引.xlsx", to_xlsx(table))
    ui_import.share(owner, "后台索引.xlsx", True)  # returns at once: the index is rebuilt in a thread
    job = ui_import._index_jobs()["job"]
    assert job is not None
    at = say(open_app(owner), "什么叫时效指标")  # the page answers meanwhile
    assert assistant_texts(at)[-1]
    assert job.wait(600) and job.state == "ready", job.message
    assert any(h.project == "后台索引测试档案整理经费" for h in search_precedents("档案整理卷数", k=10))


def test_debug_panel_shows_where_the_time_of_a_reply_went(data_dir, monkeypatch):
    from assistant.ui import state as ui_state

    monkeypatch.setattr(ui_state, "DEBUG", True)
    at = say(open_app(), DRAFT)
    at.run()  # the panel shows the previous complete run
    rows = {r["环节"]: r["毫秒"] for r in at.table[0].value.to_dict("records")}
    assert {"整页运行", "对话回合（理解、起草或修改、检查）", "自动保存（SQLite）", "检查", "起草页", "表格"} <= set(rows), rows
    assert rows["整页运行"] >= rows["起草页"] >= rows["表格"]
    assert all(v >= 0 for v in rows.values())
