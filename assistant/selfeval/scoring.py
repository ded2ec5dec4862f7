"""The scoring rules of a 绩效自评表 row: 年度指标值 + 实际完成值 + 分值 → 得分.

Owns one function, ``score_row``, and the rules it applies (each a ``Rule`` with its source; the guide
corpus/guide/selfeval.md states them for users):
- 正向 (≥, and a bare count): met → full points; short → 分值 × 实际/目标 (财预〔2020〕10号: "未完成
  指标值的，按照完成值与指标值的比例记分").
- 反向 (≤, a cost ceiling, a failure/complaint rate, a time limit): within → full; over → 分值 × 目标/实际
  (provincial 自评表 说明: "反向指标…得分=权重*A/B，得分不得突破权重").
- 零值 (=0 / 0起): 0 → full, anything else → 0 (a reverse target of 0 cannot be scored by a ratio).
- 时间 (a date, a deadline, 每月25日): on or before → full; later → the 部分达成 grade (a late
  completion still has 一定效果); not done → the 未达成 grade.
- 定性: 达成 / 部分达成并具有一定效果 / 未达成且效果较差 → 100–80% / 80–60% / 60–0% of the points
  (财预〔2020〕10号); we propose the top of the first band and the middle of the others, editable within
  the band (as the budget systems check: "实际得分区间为[权重*60%(含)-权重*80%]").
- 无指标值: a row left 无 or blank cannot be met → 0 (中卫 2024's 生态效益 rows).
Far exceeding a target keeps full points but asks for a reason: 10号 reduces the score only when the
target was set too low, which the preparer must judge.
"""
from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, Field

from assistant.schema import Indicator, Level2
from assistant.selfeval.actuals import Actual, ActualKind, Grade, date_end, grade_of, in_unit, monthly_day, parse_actual
from assistant.selfeval.reasons import LATE_REASONS, OVERSHOOT_REASONS, typical_reasons
from assistant.taxonomy import is_cost
from assistant.values import Operator, ParsedValue, ValueKind, clean, format_number

OVERSHOOT = 0.20  # our prompt threshold for "完成值高于指标值较多"; 10号 gives no number
# (low, high, proposed) share of the points per grade (财预〔2020〕10号 bands; high exclusive below 达成)
BANDS: dict[Grade, tuple[float, float, float]] = {
    Grade.ACHIEVED: (0.8, 1.0, 1.0),
    Grade.PARTIAL: (0.6, 0.8, 0.7),
    Grade.MISSED: (0.0, 0.6, 0.3),
}
_NEGATIVE = re.compile(r"(故障|投诉|差错|出错|错误|逾期|事故|失误|不合格|延误|退件)(率|次数|数量|数|量|起|件)|"
                       r"时长|用时|等待时间|耗时")
_TIME_UNITS = ("天", "日", "个工作日", "工作日", "小时", "分钟", "个月", "月")


class Rule(StrEnum):
    HIGHER = "正向指标"
    LOWER = "反向指标"
    ZERO = "零值指标"
    DATE = "时间指标"
    GRADED = "定性指标"
    NO_TARGET = "无指标值"
    MANUAL = "人工评分"


class RowScore(BaseModel):
    """One scored row, in the shape of the `selfeval --json` rows (plus why)."""

    index: int
    level1: str | None
    level2: str | None
    name: str
    value: str
    actual: str | None
    weight: float | None
    score: float | None = None
    met: bool | None = None
    needs_reason: bool = False
    rule: Rule | None = None
    grade: Grade | None = None
    note: str = ""  # how the score was reached, in Chinese
    problem: str | None = None  # why the row could not be scored (an error to fix)
    warning: str | None = None  # scored, but worth a look
    reasons: list[str] = Field(default_factory=list)  # typical 偏差原因 when needs_reason
    deviation: str | None = None  # the preparer's own 偏差原因分析
    printed_score: float | None = None  # the 得分 a read form printed, to compare


def direction(row: Indicator, target: ParsedValue) -> Rule:
    """Which way is better for a quantity: the operator says; else a cost, a failure rate or a time
    limit is a ceiling, a zero target is 零值, and anything else (a count delivered) is 正向."""
    if target.operator in (Operator.GE, Operator.GT):
        return Rule.HIGHER
    if target.number == 0:
        return Rule.ZERO
    if target.operator in (Operator.LE, Operator.LT):
        return Rule.LOWER
    if is_cost(row) or _NEGATIVE.search(row.name):
        return Rule.LOWER
    if row.level2 is Level2.TIMELINESS and (target.unit or "") in _TIME_UNITS:
        return Rule.LOWER
    return Rule.HIGHER


def _same_text(a: str | None, b: str | None) -> bool:
    squash = lambda s: re.sub(r"[\s。.，,；;:：]", "", clean(s or ""))  # noqa: E731
    return bool(squash(a)) and squash(a) == squash(b)


def score_row(row: Indicator, index: int, weight: float | None, year: int | None = None,
              override: float | None = None) -> RowScore:
    """Score one row. Never raises: a row that cannot be scored says why in ``problem``."""
    out = RowScore(index=index, level1=row.level1.value if row.level1 else None,
                   level2=row.level2.value if row.level2 else None, name=row.name, value=row.value,
                   actual=row.actual, weight=weight, deviation=row.deviation, printed_score=row.score)
    target, actual = row.parsed, parse_actual(row.actual)
    if target.kind in (ValueKind.EMPTY, ValueKind.PLACEHOLDER):
        _no_target(out)
    elif actual.kind is ActualKind.EMPTY:
        out.note = "未填写实际完成值"
    elif target.kind is ValueKind.DATE or monthly_day(row.value):
        _by_date(out, row, actual, year)
    elif target.kind is ValueKind.QUANTITY and target.number is not None:
        _by_quantity(out, row, target, actual)
    else:
        _qualitative(out, row, actual)
    if out.score is not None and weight is not None:
        out.score = round(out.score, 2)
    if override is not None:
        _override(out, override)
    if out.needs_reason and not out.reasons:
        out.reasons = typical_reasons(row)
    return out


def _full(out: RowScore, rule: Rule, note: str) -> None:
    out.rule, out.met, out.note = rule, True, note
    out.score = out.weight


def _share(out: RowScore, rule: Rule, ratio: float, note: str) -> None:
    out.rule, out.met, out.needs_reason, out.note = rule, False, True, note
    out.score = None if out.weight is None else out.weight * max(0.0, min(ratio, 1.0))


def _graded(out: RowScore, grade: Grade, note: str = "") -> None:
    low, high, proposed = BANDS[grade]
    out.rule, out.grade = Rule.GRADED, grade
    out.met = grade is Grade.ACHIEVED
    out.needs_reason = grade is not Grade.ACHIEVED
    out.score = None if out.weight is None else out.weight * proposed
    band = f"{low:.0%}–{high:.0%}"
    out.note = (note + "；" if note else "") + f"定性“{grade.value}”：得分区间为分值的 {band}，建议 {proposed:.0%}"


def _no_target(out: RowScore) -> None:
    out.rule, out.met, out.score = Rule.NO_TARGET, False, 0.0 if out.weight is not None else None
    out.note = "该行没有指标值（无/空白），无法考核，得0分"
    if out.weight:
        out.warning = (f"没有指标值的行占了 {out.weight:g} 分：应删除此行，把分值分配给其他指标"
                       "（财预〔2020〕10号：未设置的指标，权重调整至其他指标）")


def _by_quantity(out: RowScore, row: Indicator, target: ParsedValue, actual: Actual) -> None:
    if actual.kind is ActualKind.GRADE:
        if actual.grade is Grade.ACHIEVED:
            _full(out, direction(row, target), f"“{actual.raw}”按完成指标值计满分")
            out.warning = "建议填写实际数值（如 12次、98%），审核时需要与指标值对照"
        else:
            _graded(out, actual.grade, "未填写实际数值，按文字评价分档")
        return
    if actual.kind is not ActualKind.NUMBER:
        if _same_text(actual.raw, row.value):
            _full(out, direction(row, target), "实际完成值与指标值相同")
            return
        out.problem = (f"实际完成值“{actual.raw}”无法识别：请填写数值（如 {target.format()}），"
                       "或 已完成 / 基本完成 / 未完成")
        return
    value = in_unit(actual.number, actual.unit, target.unit)
    if value is None and actual.unit in ("%", "％") and (grade := grade_of(actual.raw)) is not None:
        # "已完成100%" against "至少全年完成2次宣传": a share of the task, said in words — graded by the words
        if grade is Grade.ACHIEVED and actual.number >= 100:
            _full(out, direction(row, target), f"“{actual.raw}”按完成指标值计满分")
        else:
            _graded(out, grade, "实际完成值是完成比例，按文字评价分档")
        out.warning = f"建议填写与指标值同单位的实际数（如 {target.format()}），审核时需要对照"
        return
    if value is None:
        out.problem = f"实际完成值的单位“{actual.unit}”与指标值“{target.unit}”不一致，无法比较"
        return
    if actual.operator is not None:
        out.warning = f"实际完成值写成了“{actual.raw}”：应填写实测数（如 96%），按 {format_number(value)} 计"
    _compare(out, row, target, value)


def _compare(out: RowScore, row: Indicator, target: ParsedValue, value: float) -> None:
    goal = target.number or 0.0
    rule = direction(row, target)
    shown = f"{format_number(value)}{target.unit or ''}"
    wanted = target.format()
    if rule is Rule.ZERO:
        if value <= 0:
            _full(out, rule, f"实际 {shown}，达到 {wanted}")
        else:
            _share(out, rule, 0.0, f"实际 {shown}，未达到 {wanted}：零值指标超出即不得分")
        return
    if rule is Rule.LOWER:
        if value <= goal:
            _full(out, rule, f"实际 {shown}，未超过 {wanted}")
        else:
            _share(out, rule, goal / value, f"实际 {shown} 超过 {wanted}：得分 = 分值 × 指标值/实际值")
        return
    if goal <= 0 or value >= goal:
        _full(out, rule, f"实际 {shown}，完成 {wanted}")
        if goal > 0 and value > goal * (1 + OVERSHOOT):
            out.needs_reason = True
            out.reasons = list(OVERSHOOT_REASONS)
            out.warning = (f"实际完成值超出指标值 {value / goal - 1:.0%}：说明原因；若因年初指标值设定偏低，"
                           "应按偏离度适度调减得分（财预〔2020〕10号）")
        return
    _share(out, rule, value / goal, f"实际 {shown} 未达到 {wanted}：得分 = 分值 × 实际值/指标值")


def _by_date(out: RowScore, row: Indicator, actual: Actual, year: int | None) -> None:
    if _same_text(actual.raw, row.value):
        _full(out, Rule.DATE, "按目标时间完成")
        return
    if actual.kind is ActualKind.GRADE and actual.grade is not None:
        if actual.grade is Grade.ACHIEVED:
            _full(out, Rule.DATE, f"“{actual.raw}”：按时完成")
        else:
            _graded(out, actual.grade, "时间指标按文字评价分档")
            out.reasons = list(LATE_REASONS)
        return
    day = monthly_day(row.value)
    if day is not None:
        done = monthly_day(actual.raw or "")
        if done is None:
            out.problem = f"指标值为“{row.value}”，实际完成值请写成“每月N日”或 已完成 / 未按时完成"
        elif done <= day:
            _full(out, Rule.DATE, f"每月{done}日前完成，不晚于每月{day}日")
        else:
            _graded(out, Grade.PARTIAL, f"每月{done}日完成，晚于每月{day}日")
            out.reasons = list(LATE_REASONS)
        return
    due = date_end(row.value, year)
    done = date_end(actual.raw or "", due.year if due else year) if actual.kind is ActualKind.DATE else None
    if due is None or done is None:
        out.problem = (f"实际完成值“{actual.raw}”无法与“{row.value}”比较：请填写完成日期（如 2025年6月20日）"
                       "或 按时完成 / 未按时完成")
        return
    if done <= due:
        _full(out, Rule.DATE, f"{done:%Y-%m-%d} 完成，不晚于 {due:%Y-%m-%d}")
        return
    _graded(out, Grade.PARTIAL, f"{done:%Y-%m-%d} 完成，晚于 {due:%Y-%m-%d} {(done - due).days} 天")
    out.reasons = list(LATE_REASONS)


def _qualitative(out: RowScore, row: Indicator, actual: Actual) -> None:
    if _same_text(actual.raw, row.value):
        _full(out, Rule.GRADED, "实际完成情况与指标值一致：达成年度指标")
        out.grade = Grade.ACHIEVED
        return
    grade = actual.grade if actual.grade is not None else grade_of(actual.raw)  # "已完成100%" says it in words
    if actual.kind is ActualKind.NUMBER and grade is not None and not (actual.unit in ("%", "％") and actual.number < 100):
        actual = actual.model_copy(update={"grade": grade, "kind": ActualKind.GRADE})
    if actual.kind in (ActualKind.GRADE, ActualKind.DATE) and actual.grade is not None:
        if actual.grade is Grade.ACHIEVED:
            _full(out, Rule.GRADED, f"“{actual.raw}”：达成年度指标")
            out.grade = Grade.ACHIEVED
        else:
            _graded(out, actual.grade)
        return
    out.problem = (f"定性指标“{row.value or row.name}”的实际完成值“{actual.raw}”无法判断达成程度："
                   "请填写 达成 / 部分达成 / 未达成（或 已完成 / 基本完成 / 未完成）")


def _override(out: RowScore, score: float) -> None:
    """A score the preparer set: within the row's points, and within its grade's band when graded."""
    weight = out.weight
    if weight is None:
        out.problem = "没有分值，不能填写得分"
        return
    low, high = 0.0, weight
    if out.grade is not None and out.rule is Rule.GRADED and out.grade is not Grade.ACHIEVED:
        low, high = weight * BANDS[out.grade][0], weight * BANDS[out.grade][1]
    elif out.grade is Grade.ACHIEVED:
        low = weight * BANDS[Grade.ACHIEVED][0]
    if not low - 1e-9 <= score <= high + 1e-9:
        out.problem = (f"得分 {format_number(score)} 超出允许范围 [{format_number(round(low, 2))}, "
                       f"{format_number(round(high, 2))}]，已按规则计 {format_number(out.score or 0)} 分")
        return
    before = out.score
    out.score, out.rule = round(score, 2), Rule.MANUAL
    out.note += f"；人工调整为 {format_number(score)} 分（规则得分 {format_number(before or 0)}）"
    if score < weight:
        out.needs_reason = True
    if out.grade is None and out.met and score < weight:
        out.met = False
