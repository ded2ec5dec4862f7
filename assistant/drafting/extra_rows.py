"""Rows added to a draft after it was drafted: "加一个时效指标", "加一个指标 缴存职工满意度≥90%", and the
quantities the preparer typed that no drafted row took ("配笔记本电脑12台和投影仪2台").

They come from the same candidates and the same fitting as the drafted rows (the precedent drafter's
clusters for the brief, cached in the drafter), so an added row reads like one the draft could have
had; where no precedent offers one, the frame's generic rows of the standard tree.
"""
from __future__ import annotations

import re

from assistant.drafting.brief_facts import Quantity, read_brief, unit_class
from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.frame import generic_row, plain_row, prepared_brief, short_name
from assistant.drafting.library_patterns import FACT, people_measure
from assistant.drafting.precedents import Cluster
from assistant.errors import AssistantError
from assistant.schema import Indicator, Level2, ProjectBrief, TargetTable
from assistant.taxonomy import COST_LEVEL2, infer_level2, tree_order
from assistant.text import name_similarity
from assistant.values import parse_value

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
        if same and c.value_quality >= MIN_QUALITY.get(c.level2, 0.11) and not _asks(c) and \
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


def _asks(c: Cluster) -> bool:
    """A precedent whose "value" is a question ("水电费是否及时完成支付工作"): not a target to copy."""
    return any(re.search(r"是否|能否|有无|有没有", v or "") for v in c.values)


def _unit_cost(c: Cluster) -> bool:
    """A unit cost (元/人, 万元/次): the one kind of cost row that can stand beside the total."""
    return any("/" in (m.record.value or "") for m in c.members)


# --- the quantities the preparer typed ------------------------------------------------------------

# What a count of each kind measures, as forms name it (培训人次, 折页数量, 档案扫描页数, 租赁面积).
_MEASURE = {"people": "人数", "count": "数量", "pages": "页数", "area": "面积", "length": "长度",
            "times": "次数", "households": "户数", "data": "数据量"}
_MEASURE_BY_UNIT = {"人次": "人次", "批": "批次", "期": "期数", "场": "场次", "场次": "场次"}
_LEADING_VERB = re.compile(r"^(?:配备|配置|购置|采购|购买|印制|印刷|举办|开展|组织|新建|建设|维修|发放|发送|"
                           r"扫描|完成|提供|服务|配|印|办|购|买|建|修|发|送|租|共|约|计)+")
_SKIP_CLASSES = {"money", "duration"}


def place_facts(table: TargetTable, brief: ProjectBrief) -> list[str]:
    """Every count the preparer typed lands in the draft: a 数量 row still waiting for the user's number
    with the same kind of unit takes it, or a new 数量 row is added. Returns Chinese lines saying where
    each number went (nothing for those a drafted row already carries)."""
    facts = read_brief(brief.name or "", brief.description)
    lines = [line for q in facts.durations if q.label and (line := _place_period(table, q))]
    for q in facts.quantities:
        if q.unit_class in _SKIP_CLASSES or _carried(table, q):
            continue
        value = ("≥" if q.at_least else "") + q.text + (f"/{q.per.removeprefix('每')}" if q.per else "")
        waiting = next((r for r in table.indicators if r.level2 is Level2.QUANTITY and r.needs_input
                        and unit_class(r.value) == q.unit_class), None)
        if waiting is not None:
            waiting.value, waiting.needs_input, waiting.question = value, False, None
            waiting.name = people_measure(waiting.name, q.unit)
            lines.append(f"「{q.text}」填入了「{waiting.name}」。")
            continue
        row = plain_row(Level2.QUANTITY, _fact_name(q, brief), value)
        row.inferred = [FACT]
        row.basis_note = "项目资料（您提供的数量）"
        at = sum(1 for r in table.indicators if tree_order(r) <= tree_order(row))
        table.indicators.insert(at, row)
        lines.append(f"「{q.text}」加为数量指标「{row.name}」。")
    return lines


_PERIOD_NAME = re.compile(r"期限|周期|服务期|租期|工期|合同期|聘期")


def _place_period(table: TargetTable, q: Quantity) -> str | None:
    """"服务期一年": the 时效 row that states a period takes it, or a new one is added; None when one already says it."""
    rows = [r for r in table.indicators if r.level2 is Level2.TIMELINESS and _PERIOD_NAME.search(r.name)]
    if any(q.text in r.value for r in rows):
        return None
    if rows:
        rows[0].value, rows[0].needs_input, rows[0].question = q.text, False, None
        return f"「{q.text}」填入了「{rows[0].name}」。"
    label = {"租期": "租赁期限", "聘期": "聘用期限"}.get(q.label, q.label)
    name = label if re.search(r"期限|周期|工期$", label) else f"{label}限" if label.endswith("期") else f"{label}期限"
    row = plain_row(Level2.TIMELINESS, name, q.text)
    row.inferred = [FACT]
    row.basis_note = "项目资料（您提供的期限）"
    table.indicators.insert(sum(1 for r in table.indicators if tree_order(r) <= tree_order(row)), row)
    return f"「{q.text}」加为时效指标「{name}」。"


def _carried(table: TargetTable, q: Quantity) -> bool:
    """A row already says this number in this unit (1.8万平方米 and 18000平方米 are one number)."""
    for row in table.indicators:
        p = parse_value(row.value)
        if p.number is not None and abs(p.number - q.number) < 1e-6 and unit_class(row.value) == q.unit_class:
            return True  # 120人 for 120人次: the drafter's row already took the number
        if q.text in row.value:
            return True
    return False


def _fact_name(q: Quantity, brief: ProjectBrief) -> str:
    obj = _LEADING_VERB.sub("", q.object or q.pre_object or q.label or "")
    obj = obj if len(obj) >= 2 else short_name(brief.name or "")
    measure = _MEASURE_BY_UNIT.get(q.unit) or _MEASURE.get(q.unit_class, "数量")
    return obj if obj.endswith(measure) else f"{obj}{measure}"
