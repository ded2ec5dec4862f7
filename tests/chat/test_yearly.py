"""The year around in the chat: actuals as sentences, the score, next year's draft from this year's."""
from __future__ import annotations

import pytest

from assistant.chat.session import ChatSession
from assistant.chat.understanding import Understanding

DRAFT = "帮我起草一个房屋租赁费项目，预算60.13万元，2025年，用于租赁办公用房1800平方米"


@pytest.fixture
def drafted(fake_finder) -> ChatSession:
    chat = ChatSession(finder=fake_finder, understanding=Understanding())
    assert chat.turn(DRAFT).action == "draft"
    return chat


def _satisfaction(chat):
    return [i for i, r in enumerate(chat.state.table.indicators) if r.level1 and r.level1.value == "满意度指标"]


def test_actuals_typed_as_sentences_are_scored(drafted):
    reply = drafted.turn("满意度实际96%")
    rows = _satisfaction(drafted)
    assert reply.action == "selfeval" and all(drafted.state.table.indicators[i].actual == "96%" for i in rows)
    assert "得分" in reply.text and "总分" in reply.text
    reply = drafted.turn("第1个实际完成0个")
    assert drafted.state.table.indicators[0].actual == "0个" and "偏差原因" in reply.text


def test_execution_is_scored_from_what_was_spent(drafted):
    reply = drafted.turn("全年执行了58万")
    assert drafted.state.table.executed == 58 and "全年执行数：58 万元" in reply.text
    assert "预算执行率未计分" not in drafted.turn("打分").text


def test_next_years_draft_starts_from_this_years(drafted):
    drafted.turn("满意度实际96%")
    reply = drafted.turn("按去年的表起草2026年")
    table = drafted.state.table
    assert reply.action == "draft" and table.year == 2026 and table.budget is None
    assert "2026" in reply.text and "预算" in reply.text
    raised = [table.indicators[i].value for i in _satisfaction(drafted)]
    assert all(v == "≥96%" for v in raised)  # the actual beat the target: raised, and said so


def test_a_sentence_for_a_row_that_does_not_exist_changes_nothing(drafted):
    before = drafted.state.table.model_dump()
    reply = drafted.turn("第99个实际完成98%")
    assert reply.action == "error" and "第99行" in reply.text
    assert drafted.state.table.model_dump() == before
