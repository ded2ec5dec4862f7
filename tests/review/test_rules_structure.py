"""Cases for assistant/review/rules_structure.py, the rules on the indicator tree (table layout: review_tables)."""
from __future__ import annotations

from review_tables import B, C, GOOD_ROWS, L2, O, plus, replace, row, rule_tests, table

from assistant.taxonomy import Variant

TRIGGERS = [
    ("no satisfaction", table(GOOD_ROWS[:5]), "R01-required-level1", "error", None, "满意度指标"),
    ("no benefit", table(GOOD_ROWS[:4] + GOOD_ROWS[5:]), "R01-required-level1", "error", None, "效益指标"),
    ("empty table", table([]), "R01-required-level1", "error", None, "没有任何三级指标"),
    ("satisfaction only under 效益 (广州)", replace(5, row(B, L2.SOCIAL, "窗口群众评价满意度", "≥90%")),
     "R01-required-level1", "error", None, "第6行「窗口群众评价满意度」"),
    ("mof variant needs 成本 一级", table(), "R01-required-level1", "error", None, "成本指标", Variant.MOF_2021),
    ("level2 missing", replace(1, row(O, None, "线路通畅率", "≥95%")), "R03-level-missing", "warning", 1, "二级"),
    ("level1 missing", replace(1, row(None, None, "线路通畅率", "≥95%")), "R03-level-missing", "warning", 1, "一级"),
    ("quantity under 效益", plus(row(B, L2.QUANTITY, "宣传次数", "≥3次")), "R04-level2-belongs", "error", 6, "不属于"),
    ("满意度 二级 under 效益", replace(4, row(B, L2.SATISFACTION, "窗口群众评价满意度", "≥90%")),
     "R04-level2-belongs", "error", 4, "满意度指标"),
    ("satisfaction under 效益 (广州)", replace(4, row(B, L2.SOCIAL, "窗口群众评价满意度", "90%以上")),
     "R15-satisfaction-placement", "warning", 4, "效益指标"),
]

QUIET = [
    ("mof table with 成本 一级", table([*GOOD_ROWS[:3], row(C, L2.ECONOMIC_COST, "租赁服务成本", "≤155.72万元"),
                                      *GOOD_ROWS[4:]]), "R01-required-level1", Variant.MOF_2021),
    ("成本指标 as 一级 (六安)", replace(3, row(C, L2.COST, "档案室维护成本", "≤15000元")), "R04-level2-belongs", None),
    ("满意度 二级 under 效益 is R04's", replace(4, row(B, L2.SATISFACTION, "窗口群众评价满意度", "≥90%")),
     "R15-satisfaction-placement", None),
]


test_rule_triggers, test_rule_stays_quiet = rule_tests(TRIGGERS, QUIET)
