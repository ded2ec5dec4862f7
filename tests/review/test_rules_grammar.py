"""Cases for assistant/review/rules_grammar.py: an indicator name is object + measure (issue 12's garbled names)."""
from __future__ import annotations

import pytest
from review_tables import L2, O, plus, row, rule_tests

from assistant.review.rules_grammar import name_problems

TRIGGERS = [
    ("a fragment cut out of a word", plus(row(O, L2.QUANTITY, "器服务数量", "10台")), "R20-name-grammar", "warning", 6,
     "残缺"),
    ("two count measures", plus(row(O, L2.QUANTITY, "配备车辆数服务数量", "10辆")), "R20-name-grammar", "warning", 6,
     "重复"),
    ("a value inside the name", plus(row(O, L2.QUANTITY, "业务项目数量≥编制数量", "≥1个")), "R20-name-grammar",
     "warning", 6, "指标值"),
    ("a year inside the name", plus(row(O, L2.COST, "2018生物实验教学中心建设成本", "≤10万元")), "R20-name-grammar",
     "warning", 6, "年份"),
    ("a sentence as the name", plus(row(O, L2.QUALITY, "通过采购服务，全市空气质量达到优良", "优良")),
     "R20-name-grammar", "warning", 6, "一句话"),
]

QUIET = [
    ("the clean table", plus(), "R20-name-grammar", None),
    ("object + measure", plus(row(O, L2.QUANTITY, "七氟丙烷灭火装置购置数量", "10套")), "R20-name-grammar", None),
    ("a number that is not a year (12329)", plus(row(O, L2.QUANTITY, "12329短信发送条数", "≥80万条")),
     "R20-name-grammar", None),
]

test_rule_triggers, test_rule_stays_quiet = rule_tests(TRIGGERS, QUIET)


@pytest.mark.parametrize("name", ["保洁服务服务费", "租赁部门 4个", "的满意度", "次培训期数", "档案和", "全区", "本市"])
def test_garbled_names(name):
    assert name_problems(name)


@pytest.mark.parametrize("name", ["及时率", "市民满意度", "档案数字化扫描页数", "项目(工程)验收合格率", "数据备份次数",
                                  "参训人数占应训人数比例", "等保测评完成率", "次均服务时长"])
def test_well_formed_names(name):
    assert name_problems(name) == []
