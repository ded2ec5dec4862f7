"""Rows added to a draft after it was drafted: "加一个时效指标", "加一个指标 缴存职工满意度≥90%".

They come from the same candidates and the same fitting as the drafted rows (the precedent drafter's
clusters for the brief, cached in the drafter), so an added row reads like one the draft could have
had; where no precedent offers one, the frame's generic rows of the standard tree.
"""
from __future__ import annotations

from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.frame import generic_row, plain_row, prepared_brief
from assistant.drafting.precedents import Cluster
from assistant.errors import AssistantError
from assistant.schema import Indicator, Level2, ProjectBrief, TargetTable
from assistant.taxonomy import COST_LEVEL2, infer_level2
from assistant.text import name_similarity

# Minimum value quality of a precedent cluster worth adding, as the drafter uses them.
MIN_QUALITY = {Level2.SATISFACTION: 1.0, Level2.COST: 1.0,
               **{l2: 0.5 for l2 in (Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE)}}
SAME_NAME = 0.5  # bigram Dice at which two names say the same thing (as clustering uses)


def row_for_level2(drafter: PrecedentDrafter, table: TargetTable, brief: ProjectBrief, level2: Level2) -> Indicator:
    """The best precedent row of this 二级 the table does not have yet, else a generic one."""
    brief = prepared_brief(brief)
    existing = [r.name for r in table.indicators]
    has_cost = any(r.level2 in COST_LEVEL2 for r in table.indicators)
    for c in drafter.clusters(brief)[1]:
        same = c.level2 is level2 or (level2 in COST_LEVEL2 and c.level2 in COST_LEVEL2)
        if same and c.value_quality >= MIN_QUALITY.get(c.level2, 0.11) and \
                all(name_similarity(c.name, e) < SAME_NAME for e in existing) and \
                not (c.level2 in COST_LEVEL2 and has_cost and not _unit_cost(c)):
            return drafter.row_from_cluster(c, brief)
    if level2 in COST_LEVEL2 and has_cost:  # a second total-cost ceiling would say the same twice
        raise AssistantError("表中已有成本指标，总成本写一个上限即可。如需单位成本，可以说"
                             "“加一个指标 人均培训成本≤430元/人”。")
    row = generic_row(level2, brief, existing)
    if row is None:
        raise AssistantError(f"先例中没有更多可加的{level2.value}。可以直接说“加一个指标 名称 指标值”，"
                             f"例如“加一个指标 缴存职工满意度≥90%”。")
    return row


def named_row(drafter: PrecedentDrafter, brief: ProjectBrief, name: str, value: str | None) -> Indicator:
    """A row the user named: a precedent's fitting when one says the same, else a plain row under the
    二级 its words show, asking for its value when none was given."""
    brief = prepared_brief(brief)
    match = max(((name_similarity(name, c.name), c) for c in drafter.clusters(brief)[1]),
                key=lambda x: x[0], default=(0.0, None))
    if match[1] is not None and match[0] >= SAME_NAME:
        row = drafter.row_from_cluster(match[1], brief)
        row.name = name
        return row
    row = plain_row(infer_level2(name, value or "") or Level2.SOCIAL, name, "")
    row.inferred = ["level2"]
    row.needs_input, row.question = True, f"「{name}」的指标值是多少？"
    return row


def _unit_cost(c: Cluster) -> bool:
    """A unit cost (元/人, 万元/次): the one kind of cost row that can stand beside the total."""
    return any("/" in (m.record.value or "") for m in c.members)
