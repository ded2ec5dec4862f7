"""预算执行率: 全年执行数 / 全年预算数 and its 10 points.

Owns checking the two amounts (万元) and scoring the rate: 得分 = 分值 × 执行率, at most the full
points (财预〔2020〕10号 sets 预算执行率 at 10%; the 自评表 of the provinces score it in proportion, e.g.
"得分（20分*执行率）" in a published 2020 自评表, https://1wenmi.com/doc/330418.html, and the 中卫 2024
form: 执行率 100% → 10 of 10).
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.selfeval.reasons import EXECUTION_REASONS
from assistant.selfeval.weights import EXECUTION_WEIGHT
from assistant.values import format_number


class ExecutionScore(BaseModel):
    initial: float | None = None  # 年初预算数
    budget: float | None = None  # 全年预算数
    executed: float | None = None  # 全年执行数
    rate: float | None = None  # 0…1
    weight: float = EXECUTION_WEIGHT
    score: float | None = None
    problem: str | None = None  # an error: the amounts do not make sense
    missing: str | None = None  # not entered yet
    reasons: list[str] = Field(default_factory=list)

    @property
    def rate_text(self) -> str:
        return "" if self.rate is None else f"{format_number(round(self.rate * 100, 2))}%"


def score_execution(budget: float | None, executed: float | None, weight: float = EXECUTION_WEIGHT,
                    initial: float | None = None) -> ExecutionScore:
    out = ExecutionScore(initial=initial, budget=budget, executed=executed, weight=weight)
    if budget is None or executed is None:
        absent = "、".join(n for n, v in (("全年预算数", budget), ("全年执行数", executed)) if v is None)
        out.missing = f"未填写{absent}，预算执行率的 {format_number(weight)} 分未计入总分"
        return out
    if budget <= 0:
        out.problem = f"全年预算数为 {format_number(budget)} 万元：无法计算执行率，请填写调整后的全年预算数"
        return out
    if executed < 0:
        out.problem = f"全年执行数为负数（{format_number(executed)} 万元），请核对"
        return out
    if executed > budget + 1e-9:
        out.problem = (f"全年执行数 {format_number(executed)} 万元大于全年预算数 {format_number(budget)} 万元："
                       "执行数不能超过预算数，请核对（年中追加的预算应计入全年预算数）")
        return out
    out.rate = executed / budget
    out.score = round(weight * out.rate, 2)
    if out.rate < 1:
        out.reasons = list(EXECUTION_REASONS)
    return out
