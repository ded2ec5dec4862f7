"""分值: the usual split of 100 points and checking the one a preparer edited.

Owns proposing a weight per row (产出 50 / 效益 30 / 满意度 10, plus 10 for the 预算执行率, spread
evenly over the rows of each 一级, whole points where the rows allow) and checking that the weights
add up to 100 (勾稽关系). Source: 财预〔2020〕10号 附件 项目支出绩效自评表 — "原则上预算执行率和一级指标
权重统一设置为：产出指标50%、效益指标30%、服务对象满意度指标10%、预算执行率10%。如未设置满意度指标，
则其权重相应可调整至产出指标和效益指标中。" 成本指标 as a 一级 (财预〔2021〕101号 variant) shares the
产出 50: 10号 has no 成本 一级, and its cost rows were 产出 rows before 101号 moved them.
"""
from __future__ import annotations

from pydantic import BaseModel

from assistant.schema import Finding, Indicator, Level1, Severity

EXECUTION_WEIGHT = 10.0
SPLIT: dict[str, float] = {"产出": 50.0, "效益": 30.0, "满意度": 10.0}
TOTAL = 100.0
_TOLERANCE = 0.01


def group_of(row: Indicator) -> str | None:
    """The 一级 group a row's points come from: 产出 (with 成本), 效益 or 满意度."""
    return {Level1.OUTPUT: "产出", Level1.COST: "产出", Level1.BENEFIT: "效益",
            Level1.SATISFACTION: "满意度"}.get(row.level1) if row.level1 else None


def group_points(rows: list[Indicator], execution_weight: float = EXECUTION_WEIGHT) -> dict[str, float]:
    """The points of each 一级 present: a missing 一级's share moves to the others in proportion
    (a missing 满意度 goes to 产出 and 效益, as 10号 allows)."""
    present = {g for g in (group_of(r) for r in rows) if g}
    if not present:
        return {}
    share = {g: SPLIT[g] for g in SPLIT if g in present}
    scale = (TOTAL - execution_weight) / sum(share.values())
    return _whole({g: p * scale for g, p in share.items()}, TOTAL - execution_weight)


def propose(rows: list[Indicator], execution_weight: float = EXECUTION_WEIGHT) -> list[float | None]:
    """A weight per row: each 一级's points spread evenly over its rows. Rows with no 一级 get None."""
    points = group_points(rows, execution_weight)
    weights: list[float | None] = [None] * len(rows)
    for group, total in points.items():
        members = [i for i, r in enumerate(rows) if group_of(r) == group]
        for i, w in zip(members, _spread(total, len(members))):
            weights[i] = w
    return weights


def _spread(total: float, n: int) -> list[float]:
    """``total`` over ``n`` rows: whole points (the larger ones first) when n ≤ total, else hundredths."""
    if n <= 0:
        return []
    if total.is_integer() and n <= total:
        base, extra = divmod(int(total), n)
        return [float(base + (1 if k < extra else 0)) for k in range(n)]
    cents, extra = divmod(round(total * 100), n)
    return [(cents + (1 if k < extra else 0)) / 100 for k in range(n)]


def _whole(points: dict[str, float], total: float) -> dict[str, float]:
    """Round each share to whole points, keeping the sum (largest remainder)."""
    floors = {g: float(int(p)) for g, p in points.items()}
    left = round(total - sum(floors.values()))
    for g in sorted(points, key=lambda g: points[g] - floors[g], reverse=True)[:max(left, 0)]:
        floors[g] += 1
    return floors


class WeightCheck(BaseModel):
    total: float | None  # rows + execution; None when a row has none
    findings: list[Finding]


def check(rows: list[Indicator], weights: list[float | None],
          execution_weight: float = EXECUTION_WEIGHT) -> WeightCheck:
    """The 勾稽关系 of the weights: every row has one, none negative, rows + 执行率 = 100; a 一级 whose
    points differ from the usual split is a warning (10号 says 原则上, so units may differ)."""
    findings: list[Finding] = []
    missing = [i for i, w in enumerate(weights) if w is None]
    if missing:
        named = "、".join(f"第{i + 1}行“{rows[i].name}”" for i in missing[:3]) + ("等" if len(missing) > 3 else "")
        findings.append(Finding(code="S02", severity=Severity.ERROR, indicator=missing[0],
                                message=f"{len(missing)} 行没有分值（{named}）：请为每行填写分值，或全部留空使用常规分配"))
    for i, w in enumerate(weights):
        if w is not None and w < 0:
            findings.append(Finding(code="S02", severity=Severity.ERROR, indicator=i,
                                    message=f"第{i + 1}行“{rows[i].name}”的分值 {w:g} 为负数"))
    if missing:
        return WeightCheck(total=None, findings=findings)
    total = round(sum(w or 0.0 for w in weights) + execution_weight, 4)
    if abs(total - TOTAL) > _TOLERANCE:
        findings.append(Finding(
            code="S01", severity=Severity.ERROR,
            message=f"分值合计为 {total:g}（指标 {total - execution_weight:g} + 预算执行率 {execution_weight:g}），"
                    f"应为 100：总分100 = 绩效指标90分 + 资金执行情况10分",
            suggestion="调整各行分值，或清空分值使用常规分配（产出50、效益30、满意度10、执行率10）"))
    expected = group_points(rows, execution_weight)
    for group, points in expected.items():
        actual = sum(w or 0.0 for r, w in zip(rows, weights) if group_of(r) == group)
        if abs(actual - points) > _TOLERANCE:
            findings.append(Finding(code="S10", severity=Severity.WARNING,
                                    message=f"{group}指标合计 {actual:g} 分，常规分配为 {points:g} 分（财预〔2020〕10号）"))
    return WeightCheck(total=total, findings=findings)
