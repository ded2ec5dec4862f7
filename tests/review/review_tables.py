"""Tables the rule tests share: a clean table after 张家口's 网络租赁服务费 (002) and small edits of it.

Each tests/review/test_rules_<kind>.py holds, for the rules of assistant/review/rules_<kind>.py, a table
of cases that trigger a rule and one of cases where it must stay silent, and runs them with rule_tests:

    TRIGGERS: (id, table, code, severity, row or None, text expected in the message[, variant])
    QUIET:    (id, table, code that must stay silent, variant)
"""
from __future__ import annotations

import pytest

from assistant.review.check import check_table
from assistant.schema import Basis, Funds, Indicator, Level1, Level2, TargetTable

O, C, B, S = Level1.OUTPUT, Level1.COST, Level1.BENEFIT, Level1.SATISFACTION
L2 = Level2


def row(level1, level2, name, value, **extra) -> Indicator:
    extra.setdefault("basis", Basis.PLAN)
    return Indicator(level1=level1, level2=level2, name=name, value=value, **extra)


# A clean table after 张家口's 网络租赁服务费 (002): every rule must stay silent on it.
GOOD_ROWS = [
    row(O, L2.QUANTITY, "专线线路条数", "≥20条"),
    row(O, L2.QUALITY, "线路通畅率", "≥95%"),
    row(O, L2.TIMELINESS, "租赁费支付时间", "2020年12月31日前"),
    row(O, L2.COST, "租赁服务成本", "≤155.72万元", basis=Basis.BUDGET),
    row(B, L2.SOCIAL, "业务办理效率", "≥95%"),
    row(S, L2.SATISFACTION, "部门满意度", "≥95%"),
]


def table(rows=None, **fields) -> TargetTable:
    base = dict(
        year=2020,
        project_name="网络租赁服务费",
        funds_annual=Funds(total=155.72, fiscal=155.72, other=0),
        goals_annual=["专线线路通畅，信息系统正常运行。", "各部门业务高效办理。"],
        indicators=GOOD_ROWS if rows is None else rows,
    )
    return TargetTable(**(base | fields))


def replace(i: int, new: Indicator, **fields) -> TargetTable:
    rows = list(GOOD_ROWS)
    rows[i] = new
    return table(rows, **fields)


def plus(*extra: Indicator, **fields) -> TargetTable:
    return table([*GOOD_ROWS, *extra], **fields)


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def _cases(table_of_cases: list[tuple]) -> list:
    """The rows of a TRIGGERS or QUIET table as pytest params (the row without its id), named by their id."""
    return [pytest.param(case[1:], id=case[0]) for case in table_of_cases]


def rule_tests(triggers: list[tuple], quiet: list[tuple]):
    """The two tests of a rule module: each TRIGGERS row raises its finding, each QUIET row does not."""

    @pytest.mark.parametrize("case", _cases(triggers))
    def test_rule_triggers(case):
        _assert_triggers(*case)

    @pytest.mark.parametrize("case", _cases(quiet))
    def test_rule_stays_quiet(case):
        _assert_quiet(*case)

    return test_rule_triggers, test_rule_stays_quiet


def _assert_triggers(tbl, code, severity, index, text, variant=None):
    hits = [f for f in check_table(tbl, variant=variant) if f.code == code]
    assert hits, f"{code} not raised"
    hit = hits[0]
    assert (hit.severity.value, hit.indicator) == (severity, index)
    assert text in hit.message + (hit.suggestion or "")
    if index is not None:
        assert hit.message.startswith(f"第{index + 1}行「")


def _assert_quiet(tbl, code, variant):
    assert code not in codes(check_table(tbl, variant=variant))
