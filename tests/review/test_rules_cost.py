"""Cases for assistant/review/rules_cost.py, the rules on money (table layout: review_tables)."""
from __future__ import annotations

from review_tables import C, GOOD_ROWS, L2, O, plus, replace, row, rule_tests, table

from assistant.schema import Funds
from assistant.taxonomy import Variant

TRIGGERS = [
    ("no cost at all", table(GOOD_ROWS[:3] + GOOD_ROWS[4:]), "R02-cost-missing", "warning", None, "成本"),
    ("cost as a floor", replace(3, row(O, L2.COST, "租赁服务成本", "≥155.72万元")), "R05-cost-ceiling", "error", 3, "下限"),
    ("cost without ≤ (张家口 发放金额)", replace(3, row(O, L2.COST, "发放金额", "993.85 万元")),
     "R05-cost-ceiling", "warning", 3, "≤"),
    ("cost approx (中卫)", replace(3, row(O, L2.COST, "发放内部聘用人员工资", "约95万元")),
     "R05-cost-ceiling", "warning", 3, "≤"),
    ("cost without unit (中卫)", replace(3, row(O, L2.COST, "数据上报系统运行服务费", "99.5")),
     "R05-cost-ceiling", "warning", 3, "单位"),
    ("cost in months (六安)", replace(3, row(C, L2.COST, "便民服务区日常维护费用", "≤1625月")),
     "R05-cost-ceiling", "warning", 3, "金额单位"),
    ("cost in words", replace(3, row(O, L2.COST, "水电费标准控制", "考察水电费标准是否符合预算标准")),
     "R05-cost-ceiling", "warning", 3, "金额"),
    ("unit cost without ≤ (张家口 培训)", replace(3, row(O, L2.COST, "受训人均成本", "430 元/人")),
     "R05-cost-ceiling", "warning", 3, "≤"),
    ("cost over budget", replace(3, row(O, L2.COST, "租赁服务成本", "≤200万元")), "R06-cost-budget", "error", 3, "超过"),
    ("cost over budget in 元", replace(3, row(O, L2.COST, "租赁服务成本", "≤1600000元")),
     "R06-cost-budget", "error", 3, "160万元"),
    ("costs add up over budget", plus(row(O, L2.COST, "设备费", "≤100万元")), "R06-cost-budget", "warning", None, "合计"),
    ("total ≠ parts", table(funds_annual=Funds(total=155.72, fiscal=150, other=0)),
     "R10-funds-add-up", "error", None, "≠"),
    ("fiscal over total", table(funds_annual=Funds(total=155.72, fiscal=160)), "R10-funds-add-up", "error", None, "超过"),
    ("annual over midterm", table(funds_midterm=Funds(total=100, fiscal=100, other=0)),
     "R10-funds-add-up", "error", None, "中期"),
]

QUIET = [
    ("成本指标 as 一级: not in the provincial tree", replace(3, row(C, L2.COST, "档案室维护成本", "≤15000元")),
     "R02-cost-missing", None),
    ("unit cost with ≤", replace(3, row(O, L2.COST, "母婴室日常维护费用", "≤100元/平方")), "R05-cost-ceiling", None),
    ("a rate under 成本 is not an amount (张家口 应缴尽缴率)",
     replace(3, row(O, L2.COST, "各项费用应缴尽缴率", "达到 100%")), "R05-cost-ceiling", None),
    ("社会成本 is not money", table([*GOOD_ROWS, row(C, L2.SOCIAL_COST, "群众办事成本", "明显降低")]),
     "R05-cost-ceiling", Variant.MOF_2021),
    ("per-person cost is not a total (张家口 人均聘用成本)",
     replace(3, row(O, L2.COST, "人均聘用成本", "≤200万元")), "R06-cost-budget", None),
    ("cost in 元 under budget (六安 档案室)", replace(3, row(O, L2.COST, "档案室维护成本", "≤15000元")),
     "R06-cost-budget", None),
    ("funds add up (六安)", table(funds_midterm=Funds(total=380.77, fiscal=380.77, other=0),
                                 funds_annual=Funds(total=96.47, fiscal=96.47, other=0)), "R10-funds-add-up", None),
]


test_rule_triggers, test_rule_stays_quiet = rule_tests(TRIGGERS, QUIET)
