"""A whole 绩效自评表: every row scored, the 预算执行率, the 总分 and its 勾稽关系.

Owns ``evaluate`` (a TargetTable holding 实际完成值, 分值 and the two amounts → an Evaluation with
findings), the `selfeval --json` contract (``Evaluation.contract``) and ``scored`` (the table with
its 分值 and 得分 filled in, for export and for saving). The table is never changed in place.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.schema import Finding, Severity, TargetTable
from assistant.selfeval.execution import ExecutionScore, score_execution
from assistant.selfeval.scoring import RowScore, score_row
from assistant.selfeval.weights import EXECUTION_WEIGHT, check, propose
from assistant.values import format_number

CONTRACT_ROW = ("level1", "level2", "name", "value", "actual", "weight", "score", "met", "needs_reason")


class Evaluation(BaseModel):
    rows: list[RowScore]
    execution: ExecutionScore
    weight_total: float | None  # rows + 执行率: 100 when the 勾稽关系 holds
    total: float  # 总分: the scores known so far
    complete: bool  # every row and the 执行率 scored
    proposed_weights: bool = False  # the 分值 were proposed (the table had none)
    findings: list[Finding] = Field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def contract(self) -> dict:
        """The `selfeval --json` shape (README): rows, execution_score, total; then extras."""
        return {
            "rows": [{**{k: getattr(r, k) for k in CONTRACT_ROW}, "rule": r.rule.value if r.rule else None,
                      "note": r.note, "reasons": r.reasons if r.needs_reason else []} for r in self.rows],
            "execution_score": self.execution.score,
            "total": self.total,
            "execution_rate": self.execution.rate,
            "weight_total": self.weight_total,
            "complete": self.complete,
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


def evaluate(table: TargetTable, *, budget: float | None = None, executed: float | None = None,
             overrides: dict[int, float] | None = None,
             execution_weight: float = EXECUTION_WEIGHT) -> Evaluation:
    """Score ``table``. ``budget``/``executed`` (万元) default to the table's 全年预算数/全年执行数 (a
    read 自评表) and then its 年度资金总额; ``overrides`` are scores the preparer set per row index."""
    rows = table.indicators
    weights = [r.weight for r in rows]
    proposed = all(w is None for w in weights) and bool(rows)
    if proposed:
        weights = propose(rows, execution_weight)
    weight_check = check(rows, weights, execution_weight)
    overrides = overrides or {}
    scores = [score_row(r, i, weights[i], table.year, overrides.get(i)) for i, r in enumerate(rows)]
    budget = budget if budget is not None else (table.budget_full_year if table.budget_full_year is not None
                                                else table.budget)
    executed = executed if executed is not None else table.executed
    execution = score_execution(budget, executed, execution_weight, initial=table.budget)
    findings = list(weight_check.findings) + _row_findings(scores) + _execution_findings(execution, table)
    if proposed:
        findings.append(Finding(code="S15", severity=Severity.INFO,
                                message="表中没有分值：已按常规分配（产出50、效益30、满意度10、执行率10）提出，可修改"))
    total = round(sum(s.score or 0.0 for s in scores) + (execution.score or 0.0), 2)
    complete = all(s.score is not None for s in scores) and execution.score is not None
    return Evaluation(rows=scores, execution=execution, weight_total=weight_check.total, total=total,
                      complete=complete, proposed_weights=proposed, findings=_sorted(findings))


def _row_findings(scores: list[RowScore]) -> list[Finding]:
    out: list[Finding] = []
    for s in scores:
        where = f"第{s.index + 1}行“{s.name}”"
        if s.problem:
            out.append(Finding(code="S03", severity=Severity.ERROR, indicator=s.index, message=f"{where}：{s.problem}"))
        elif s.score is None and s.rule is None:
            out.append(Finding(code="S04", severity=Severity.WARNING, indicator=s.index,
                               message=f"{where}：未填写实际完成值"))
        if s.warning:
            code = "S09" if s.rule and s.rule.value == "无指标值" else "S12"
            out.append(Finding(code=code, severity=Severity.WARNING, indicator=s.index, message=f"{where}：{s.warning}"))
        if s.needs_reason and not (s.deviation or "").strip():
            out.append(Finding(code="S11", severity=Severity.WARNING, indicator=s.index,
                               message=f"{where}：未完成或偏离目标，请填写偏差原因分析及改进措施",
                               suggestion="；".join(s.reasons) or None))
        if s.printed_score is not None and s.score is not None and abs(s.printed_score - s.score) > 0.005:
            out.append(Finding(code="S08", severity=Severity.INFO, indicator=s.index,
                               message=f"{where}：表上得分 {format_number(s.printed_score)}，按规则计算为 "
                                       f"{format_number(s.score)}（{s.note}）"))
        if s.printed_score is not None and s.weight is not None and s.printed_score > s.weight + 1e-9:
            out.append(Finding(code="S07", severity=Severity.ERROR, indicator=s.index,
                               message=f"{where}：表上得分 {format_number(s.printed_score)} 超过分值 {format_number(s.weight)}"))
    return out


def _execution_findings(execution: ExecutionScore, table: TargetTable) -> list[Finding]:
    out: list[Finding] = []
    if execution.problem:
        out.append(Finding(code="S05", severity=Severity.ERROR, message=execution.problem))
    if execution.missing:
        out.append(Finding(code="S06", severity=Severity.WARNING, message=execution.missing))
    if execution.rate is not None and execution.rate < 1:
        out.append(Finding(code="S13", severity=Severity.INFO,
                           message=f"预算执行率 {execution.rate_text}：请在偏差原因中说明资金结余或未支付的原因",
                           suggestion="；".join(execution.reasons)))
    initial, budget = table.budget, execution.budget
    if initial is not None and budget is not None and abs(initial - budget) > 1e-9:
        out.append(Finding(code="S14", severity=Severity.INFO,
                           message=f"全年预算数 {format_number(budget)} 万元与年初预算数 {format_number(initial)} 万元不同"
                                   "（年中调整）：执行率按全年预算数计算"))
    return out


def _sorted(findings: list[Finding]) -> list[Finding]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.indicator if f.indicator is not None else -1))


def scored(table: TargetTable, evaluation: Evaluation) -> TargetTable:
    """A copy of ``table`` with each row's 分值 and 得分 and the 全年预算数/全年执行数 filled in."""
    rows = [r.model_copy(update={"weight": s.weight, "score": s.score}) for r, s in zip(table.indicators, evaluation.rows)]
    return table.model_copy(update={"indicators": rows, "budget_full_year": evaluation.execution.budget,
                                    "executed": evaluation.execution.executed})
