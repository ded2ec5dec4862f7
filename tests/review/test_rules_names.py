"""Cases for assistant/review/rules_names.py, the rules on what the indicators measure (table layout: review_tables)."""
from __future__ import annotations

from review_tables import L2, O, S, plus, row, rule_tests, table

from assistant.schema import Basis

TRIGGERS = [
    ("资金到位率 under 产出", plus(row(O, L2.QUALITY, "资金到位率", "100%")), "R13-input-as-output", "warning", 6, "资金"),
    ("money ratio in the description (张家口 宣传)",
     plus(row(O, L2.QUALITY, "宣传工作完成率", "≥90%", description="实际完成金额/计划完成金额")),
     "R13-input-as-output", "warning", 6, "不是产出"),
    ("goal without indicator", table(goals_annual=["完成帮扶任务，改善帮扶村生活环境，提高村民生活水平。"]),
     "R16-goal-uncovered", "warning", None, "帮扶村"),
    ("a number is one token: 12329 is not 2023's 20, 02, 23",
     plus(row(O, L2.QUANTITY, "2023年度培训人次", "≥40人次"), goals_annual=["保障12329热线畅通。"]),
     "R16-goal-uncovered", "warning", None, "12329"),
    ("same name twice", plus(row(O, L2.QUANTITY, "专线线路条数", "≥25条")), "R17-duplicate", "warning", 6, "第1行"),
    ("near-same name (租赁费用/年租赁费用)",
     plus(row(O, L2.COST, "年租赁服务成本", "≤100万元", basis=Basis.BUDGET)), "R17-duplicate", "warning", 6, "重复"),
]

QUIET = [
    ("培训完成率 is an output", plus(row(O, L2.QUALITY, "培训完成率", "100%")), "R13-input-as-output", None),
    ("a goal covered by its number (12329)",
     plus(row(O, L2.QUALITY, "12329系统故障率", "≤5%"), goals_annual=["完成12329平台升级改造。"]),
     "R16-goal-uncovered", None),
    ("midterm-only row and annual row of one name", plus(row(O, L2.QUALITY, "线路通畅率", "", midterm_value="≥95%")),
     "R17-duplicate", None),
    ("different 二级, same words", plus(row(S, L2.SATISFACTION, "线路通畅率满意度", "≥90%")), "R17-duplicate", None),
    ("培训人数 / 培训天数", plus(row(O, L2.QUANTITY, "培训人数", "≥40人"), row(O, L2.QUANTITY, "培训天数", "<8天")),
     "R17-duplicate", None),
]


test_rule_triggers, test_rule_stays_quiet = rule_tests(TRIGGERS, QUIET)
