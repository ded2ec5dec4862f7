"""Rows added after drafting read like drafted ones: one short name, one generic table, one cache."""
from __future__ import annotations

import pytest

from assistant.chat.session import ChatSession
from assistant.chat.understanding import Understanding
from assistant.drafting import extra_rows
from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.frame import short_name
from assistant.errors import AssistantError
from assistant.schema import Level2, ProjectBrief


@pytest.mark.parametrize("name, short", [
    ("房屋租赁费", "房屋租赁"),
    ("物业管理经费", "物业管理"),
    ("信息系统运维项目", "信息系统运维"),
    ("办公设备购置资金", "办公设备购置"),
    ("宣传费用", "宣传"),
    ("会费", "会费"),  # too short to lose its suffix
])
def test_short_name(name, short):
    assert short_name(name) == short


def _nothing(text: str, k: int) -> list:
    return []


def test_an_added_generic_row_is_named_as_the_drafted_one():
    brief = ProjectBrief(name="房屋租赁费", budget=60.13, year=2025)
    drafter = PrecedentDrafter(finder=_nothing, use_library=False)
    table = drafter.draft(brief)
    drafted = [r for r in table.indicators if r.level2 is Level2.QUANTITY]
    assert [r.name for r in drafted] == ["房屋租赁任务完成数量"]
    table.indicators = [r for r in table.indicators if r.level2 is not Level2.QUANTITY]
    added = extra_rows.row_for_level2(drafter, table, brief, Level2.QUANTITY)
    assert (added.name, added.needs_input) == ("房屋租赁任务完成数量", True)
    # with that row back, the next one is the second generic row, not the same one again
    table.indicators.append(added)
    assert extra_rows.row_for_level2(drafter, table, brief, Level2.QUANTITY).name == "服务保障次数"


def test_a_second_total_cost_ceiling_is_refused():
    brief = ProjectBrief(name="房屋租赁费", budget=60.13, year=2025)
    drafter = PrecedentDrafter(finder=_nothing, use_library=False)
    table = drafter.draft(brief)
    with pytest.raises(AssistantError, match="已有成本指标"):
        extra_rows.row_for_level2(drafter, table, brief, Level2.COST)


def test_candidates_are_found_once_per_brief_across_chat_sessions(fake_finder):
    calls: list[str] = []

    def counting(text: str, k: int):
        calls.append(text)
        return fake_finder(text, k)

    drafter = PrecedentDrafter(finder=counting)
    chat = ChatSession(drafter=drafter, finder=counting, understanding=Understanding())
    chat.turn("帮我起草物业管理费项目，预算54.97万元，2025年")
    drafted = len(calls)
    # the page builds a new ChatSession on every rerun, over the same cached drafter
    for message in ("加一个时效指标", "加一个质量指标"):
        ChatSession(chat.state, drafter=drafter, finder=counting, understanding=Understanding()).turn(message)
    assert len(calls) == drafted
    assert len(chat.state.table.indicators) >= 2


@pytest.mark.parametrize("description, expected", [
    ("配笔记本电脑12台和投影仪2台", ["12台", "2台"]),
    ("分两批办班、共120人次", ["120人次"]),
    ("印折页5000份", ["5000份"]),
])
def test_every_typed_count_lands_in_the_draft(description, expected):
    from assistant.drafting.extra_rows import place_facts

    brief = ProjectBrief(name="专项工作经费", budget=10, year=2025, description=description)
    table = PrecedentDrafter(finder=_nothing, use_library=False).draft(brief)
    lines = place_facts(table, brief)
    values = [r.value for r in table.indicators]
    for text in expected:
        assert any(text in v for v in values), (text, values)
    assert lines and all("「" in line for line in lines)
    assert place_facts(table, brief) == []  # placed once
