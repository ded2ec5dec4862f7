"""The year around in the chat: actuals typed as sentences, the score, next year's draft.

A mixin of ChatSession (session.py) over the selfeval stage: "第3个实际完成98%" / "满意度实际96%" set a
row's 实际完成值, "全年执行了52万" the 全年执行数, "打分" / "自评一下" shows the scores (产出50 / 效益30 /
满意度10 / 执行率10), "按去年的表起草2026年" starts next year's draft from the current table.
"""
from __future__ import annotations

import re

from assistant.chat.intents import Intent
from assistant.chat.state import Reply
from assistant.selfeval import evaluate, parse_sentence, rollover
from assistant.selfeval.report import points, reason_prompt, status

EXECUTED = re.compile(r"(?:全年)?(?:实际)?(?:执行|支出|花)(?:数|了|掉)?\s*(?:为|是|:|：)?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>万元|万|元)?")


class Yearly:
    """Handlers for self-evaluation and rollover (mixed into ChatSession)."""

    def _on_actual(self, state, intent: Intent) -> Reply:
        table = self._need_table(state, "填写实际完成值")
        if (m := EXECUTED.search(intent.text)) and "实际完成" not in intent.text:
            amount = float(m.group("n")) / (10_000 if m.group("unit") == "元" else 1)
            table.executed = round(amount, 4)
            return self._scores(state, [f"全年执行数：{points(table.executed)} 万元"])
        rows, actual = parse_sentence(table, intent.text)
        for i in rows:
            table.indicators[i].actual = actual
        state.focus = rows[0]
        return self._scores(state, [f"第{i + 1}行「{table.indicators[i].name}」实际完成：{actual}" for i in rows],
                            only=rows)

    def _on_selfeval(self, state, intent: Intent) -> Reply:
        self._need_table(state, "自评")
        return self._scores(state, [])

    def _scores(self, state, lines: list[str], only: list[int] | None = None) -> Reply:
        table = state.table
        evaluation = evaluate(table)
        shown = [r for r in evaluation.rows if only is None or r.index in only]
        for r in shown:
            if r.score is None:
                lines.append(f"- 第{r.index + 1}行 未能计分：{r.note or '请填写实际完成值'}")
                continue
            lines.append(f"- 第{r.index + 1}行 得分 {points(r.score)} / {points(r.weight)}（{status(r)}：{r.note}）")
            if reason_prompt(r):
                lines.append(f"  偏差原因可写：{reason_prompt(r)}")
        ex = evaluation.execution
        missing = sum(1 for r in evaluation.rows if r.score is None)
        lines.append(f"总分（已计分部分）：{points(evaluation.total)} / {points(evaluation.weight_total) or '100'}"
                     + (f"；还有 {missing} 行未填实际完成值" if missing else "")
                     + ("" if ex.score is not None else "；预算执行率未计分（说“全年执行了52万元”）"))
        return self._reply(state, "\n".join(lines), "selfeval")

    def _on_rollover(self, state, intent: Intent) -> Reply:
        table = self._need_table(state, "按去年的表起草")
        year = int(re.search(r"(20\d{2})", intent.text).group(1))
        new = rollover(table, year)  # RolloverError (Chinese) when the years do not fit
        state.table, state.focus, state.pending = new, None, None
        state.brief.year, state.brief.budget = year, None
        return self._reply(state, "\n".join([f"已按 {table.year} 年的表起草 {year} 年度：", *new.notices]), "draft")
