"""The year around: the 绩效自评表 of a target table, and next year's draft started from it (issue 14).

Stage beside drafting (imports only corpus/review/… and the ground modules). The public API:
``evaluate`` a table holding 实际完成值 (actuals.py reads them, scoring.py applies the rules, weights.py
proposes and checks the 分值, execution.py scores the 预算执行率, reasons.py prompts the 偏差原因),
``apply_actuals`` / ``read_actuals_csv`` / ``parse_sentence`` to enter actuals, ``scored`` to fill a
table's 分值 and 得分, and ``rollover`` for next year's draft.
"""
from assistant.selfeval.actuals import Actual, ActualKind, Grade, parse_actual
from assistant.selfeval.entry import (
    ActualEntry,
    SelfEvalInputError,
    apply_actuals,
    parse_actuals_csv,
    parse_sentence,
    read_actuals_csv,
)
from assistant.selfeval.evaluation import Evaluation, evaluate, scored
from assistant.selfeval.execution import ExecutionScore, score_execution
from assistant.selfeval.rollover import RolloverError, rollover
from assistant.selfeval.scoring import RowScore, Rule, score_row
from assistant.selfeval.weights import EXECUTION_WEIGHT, propose

__all__ = [
    "Actual", "ActualEntry", "ActualKind", "EXECUTION_WEIGHT", "Evaluation", "ExecutionScore", "Grade",
    "RolloverError", "RowScore", "Rule", "SelfEvalInputError", "apply_actuals", "evaluate", "parse_actual",
    "parse_actuals_csv", "parse_sentence", "propose", "read_actuals_csv", "rollover", "score_execution",
    "score_row", "scored",
]
