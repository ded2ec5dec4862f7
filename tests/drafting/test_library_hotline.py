"""共性指标库·12329热线/短信 (corpus/library/hotline.yaml): typing, the user's numbers, a valid draft.

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

HOTLINE = "12329热线/短信"
SMS_BRIEF = ProjectBrief(name="12329热线及短信服务费", budget=30, year=2025,
                         description="购买12329住房公积金服务热线和短信通知服务，全年发送短信约80万条")


def labels(name: str, description: str | None = None) -> list[tuple[str, bool]]:
    return [(t.label, main) for t, main in types_for(name, description, facts=read_brief(name, description))]


@pytest.fixture(scope="module")
def drafter(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


@pytest.mark.parametrize("name,description", [
    ("12329热线及短信服务费", SMS_BRIEF.description),
    ("短信平台服务费", None),
    ("12329服务热线外包服务", "委托第三方运营12329住房公积金服务热线，年受理来电约6万件"),
])
def test_hotline_and_sms_contracts_are_typed_hotline_first(name, description):
    found = labels(name, description)
    assert found and found[0] == (HOTLINE, True), found


@pytest.mark.parametrize("name", ["信息化运维", "信息系统运行维护费", "12329热线宣传"])
def test_other_projects_are_not_typed_hotline(name):
    assert HOTLINE not in [label for label, _ in labels(name)]


def test_the_users_sms_count_and_budget_are_used(drafter):
    table = drafter.draft(SMS_BRIEF)
    quantity = [i for i in table.indicators if i.level2 is Level2.QUANTITY]
    assert [(i.name, i.value) for i in quantity] == [("短信发送量", "80万条")]
    assert quantity[0].precedents[0].source == "corpus/library/hotline.yaml"
    assert quantity[0].question and "约80万条" in quantity[0].question  # "约" asks the user to confirm
    costs = [i for i in table.indicators if i.level2 is Level2.COST]
    assert [(c.name, c.value) for c in costs] == [("热线及短信服务费", "≤30万元")]
    names = {i.name for i in table.indicators}
    assert {"短信发送成功率", "热线接通率", "缴存职工满意度"} <= names


@pytest.mark.parametrize("brief", [
    SMS_BRIEF,
    ProjectBrief(name="短信平台服务费", budget=30, year=2025),
    ProjectBrief(name="12329服务热线外包服务", budget=45, year=2025,
                 description="委托第三方运营12329住房公积金服务热线，设置人工坐席12人，年受理来电约6万件，"
                             "服务期2025年1月至12月"),
], ids=["热线及短信", "短信平台", "热线外包"])
def test_hotline_drafts_are_valid_and_read_naturally(drafter, brief):
    table = drafter.draft(brief)
    assert [f.message for f in check_table(table) if f.severity is Severity.ERROR] == []
    assert {Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION} <= {i.level1 for i in table.indicators}
    for ind in table.indicators:
        assert ind.value, ind.name
        assert not re.search(r"(短信|热线|服务|12329)\1", ind.name), f"doubled word in {ind.name}"
        assert not re.search(r"\{|\}", ind.name + ind.explanation), ind.name
    if "热线" not in brief.name + (brief.description or ""):
        assert not [i.name for i in table.indicators if "热线" in i.name or "来电" in i.name]
    if "短信" not in brief.name + (brief.description or ""):
        assert not [i.name for i in table.indicators if "短信" in i.name]
