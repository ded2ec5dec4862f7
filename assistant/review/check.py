"""Check a TargetTable against the reviewers' rules: every registered rule, findings sorted stably.

The rules are those a 财政 reviewer applies to a 绩效目标申报表 (see DOMAIN.md and 财预〔2021〕101号),
one small function each with a stable code, grouped by kind:

    rules_structure  R01 R03 R04 R15   required 一级, the 二级 tree, where 满意度 sits
    rules_cost       R02 R05 R06 R10   a cost ceiling within the budget, funds that add up
    rules_values     R07 R08 R09 R11 R12 R14 R18 R19   placeholders, %, dates, vague values, basis
    rules_names      R13 R16 R17       inputs as outputs, goals without indicators, duplicates

They run on drafts and on any imported form alike, so they read only the TargetTable.
"""
from __future__ import annotations

from collections.abc import Mapping

# the rule modules register their rules on import
from assistant.review import rules_cost, rules_grammar, rules_names, rules_structure, rules_values  # noqa: F401
from assistant.review.registry import RULES, Context, Rule
from assistant.review.rules_names import is_input_measure
from assistant.schema import Finding, Severity, TargetTable
from assistant.taxonomy import Variant

__all__ = ["RULES", "Rule", "check_table", "is_input_measure"]

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def check_table(
    table: TargetTable,
    *,
    variant: Variant | str | None = None,
    alternatives: Mapping[int, str] | None = None,
) -> list[Finding]:
    """Apply every rule. ``variant`` None accepts both taxonomy variants (real forms mix them)."""
    ctx = Context(table, Variant(variant) if variant else None, alternatives or {})
    findings = [
        Finding(code=r.code, severity=h.severity, message=h.message, indicator=h.row, suggestion=h.suggestion)
        for r in RULES
        for h in r.func(ctx)
    ]
    return sorted(findings, key=_sort_key)


def _sort_key(f: Finding) -> tuple[int, int, str]:
    """Errors first, then table-level before row findings, rows in order, then code."""
    return _SEVERITY_ORDER[f.severity], -1 if f.indicator is None else f.indicator, f.code
