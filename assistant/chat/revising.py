"""Revisions of the draft in the chat: set a field, delete or add a row, move the brief through it.

A mixin of ChatSession (session.py); the table edits themselves are pure functions in edits.py and the
added rows come from drafting/extra_rows.py.
"""
from __future__ import annotations

import re

from assistant.chat import brief_fields, edits, intents, replies
from assistant.chat.intents import Intent
from assistant.chat.phrases import DEADLINE, LEVEL2_HINT
from assistant.chat.state import Reply, SessionState, named_brief
from assistant.drafting import extra_rows
from assistant.drafting.brief import parse_budget, parse_year
from assistant.errors import AssistantError
from assistant.schema import BRIEF_HEADER, Indicator, Level2, ProjectBrief
from assistant.taxonomy import place, variant_of
from assistant.values import chinese_number, clean, format_number, parse_value


class Revising:
    """Handlers for revisions (mixed into ChatSession)."""

    def _on_revise(self, state, intent: Intent) -> Reply:
        if intent.field in ("budget", "year", "project_name", "period", "purpose"):
            value = {"budget": parse_budget, "year": parse_year, "project_name": brief_fields.valid_name,
                     "period": brief_fields.parse_period,
                     "purpose": lambda v: brief_fields.validate_field("description", v)}[intent.field](intent.new)
            key = {"project_name": "name", "period": "period_years", "purpose": "description"}.get(intent.field,
                                                                                                intent.field)
            if state.table is None:
                setattr(state.brief, key, value)
                if state.pending == "draft":
                    return self._continue_draft(state)
                return self._reply(state, "已记下。" + replies.NO_TABLE.format(what="修改表格"), "help")
            return self._on_brief(state, Intent("brief", intent.text, field=intent.field,
                                                brief=ProjectBrief(**{key: value})))
        table = self._need_table(state, "修改")
        field = intent.field or "value"
        try:
            rows = edits.resolve_rows(table, intent.target, state.focus)
        except AssistantError:
            if field == "value" and intent.target and parse_value(intent.new or "").number is not None \
                    and re.search(r"[率数量次期间额度]$", intent.target):
                # "设施设备完好率写98%" and the draft has no such row: the user is naming one to add
                return self._on_add(state, Intent("add", intent.text, target=f"{intent.target}{intent.new}"))
            raise

        def change() -> list[str]:
            lines = []
            for i in rows:
                row = table.indicators[i]
                new = clean(intent.new or "")
                if field in ("value", "midterm"):
                    new = edits.with_unit_of(row.value, numerals(new))
                old = edits.set_field(row, field, new)
                lines.append(f"{edits.row_label(table, i)}的{edits.FIELD_LABEL[field]}：{old or '（空）'} → {new}")
            return lines

        lines = self._with_goals(state, change)
        state.focus = rows[0]
        return self._revised(state, lines)

    def _on_delete(self, state, intent: Intent) -> Reply:
        table = self._need_table(state, "删除")
        rows = edits.resolve_rows(table, intent.target, state.focus)
        if len(rows) > 1:
            listing = "；".join(edits.row_label(table, i) for i in rows)
            return self._reply(state, f"有 {len(rows)} 个指标符合：{listing}。请说“删除第N行”。", "ask")
        i = rows[0]
        row = table.indicators[i]
        label = f"{edits.row_label(table, i)}（{row.value}）"

        def remove() -> list[str]:
            del table.indicators[i]
            return []

        self._with_goals(state, remove)
        state.focus = None
        return self._revised(state, [f"已删除{label}。"])

    def _on_add(self, state, intent: Intent) -> Reply:
        table = self._need_table(state, "添加指标")
        what = intent.target or ""
        level2 = intents.level2_word(what)
        hint = LEVEL2_HINT.match(what) if level2 is None else None
        if hint and (level2 := intents.level2_word(hint.group("level2"))):
            what = hint.group("rest")  # "时效指标 补贴按月发 每月10号前发到位": a 二级, and what it should say
        when = _when(what) if hint else None
        named, value = edits.split_name_value(what) if hint and not when else ("", None)
        if value and len(named) >= 2:  # "数量指标 审计报告份数 1份": the row is named
            row = self._named_row(state, what)
            row.level2 = level2
        else:
            row = self._new_row(state, level2) if level2 else self._named_row(state, what)
        if when:
            edits.set_field(row, "value", when)
        elif hint and level2 is not None and not value:  # the user's own words kept: "物业费按季度支付"
            row.explanation = f"{row.explanation or ''}（要求：{what}）".strip()
        place(row, variant_of(table))
        at: list[int] = []

        def insert() -> list[str]:
            at.append(edits.insert_row(table, row))
            return []

        self._with_goals(state, insert)
        state.focus = at[0]
        return self._revised(state, replies.added_text(row, at[0]))

    def _new_row(self, state, level2: Level2) -> Indicator:
        return extra_rows.row_for_level2(self.rows_drafter, state.table, named_brief(state.brief, state.table),
                                         level2)

    def _named_row(self, state, what: str) -> Indicator:
        name, value = edits.split_name_value(what)
        if not name or not brief_fields.clean_name(name):
            raise AssistantError("请说明要加的指标，例如“加一个时效指标”或“加一个指标 缴存职工满意度≥90%”。")
        row = extra_rows.named_row(self.rows_drafter, named_brief(state.brief, state.table), name, value)
        if value:
            edits.set_field(row, "value", clean(value))
        return row

    def _carry(self, state: SessionState, values: dict) -> list[str]:
        """Brief fields into the brief and the table: budget → cost row and funds; year → dates."""
        b, table, lines = state.brief, state.table, []
        years = table.period_years or b.period_years or 1
        if "budget" in values and values["budget"] != table.budget:
            old = table.budget if table.budget is not None else b.budget
            b.budget = values["budget"]
            if b.budget is not None:
                lines += edits.apply_budget(table, old, b.budget, years)
        if "year" in values and values["year"] != table.year:
            old = table.year or b.year
            b.year = values["year"]
            if b.year is not None:
                lines += edits.apply_year(table, old, b.year, years)
        for key, attr in BRIEF_HEADER.items():
            if key in ("year", "period_years"):
                continue  # moved through the table above and below
            if key in values and values[key] != getattr(table, attr):
                setattr(b, key, values[key])
                if values[key] is not None:
                    setattr(table, attr, values[key])
                lines.append(f"{replies.BRIEF_LABEL[key]}：{values[key] or '（空）'}")
        if "period_years" in values and values["period_years"] != b.period_years:
            b.period_years = table.period_years = values["period_years"]
            table.period = f"{b.period_years}年"
            lines.append(f"项目期：{b.period_years}年（中期指标值请在表格中调整，或说“重新起草”按新的项目期起草）")
        return lines or ["项目信息没有变化。"]

    def _revised(self, state, lines: list[str]) -> Reply:
        findings = self.checker(state.table)
        text = replies.revised_text(lines, findings)
        errors = [f for f in findings if f.severity.value == "error" and f.indicator == state.focus]
        if errors:  # the change just made broke a rule: say which, now ("满意度改成120%")
            text += "\n" + "\n".join(f"- **错误** {f.message}" + (f"（建议：{f.suggestion}）" if f.suggestion else "")
                                     for f in errors[:2])
        return self._reply(state, text, "revise", findings=findings)


def numerals(value: str) -> str:
    """"四台" → "4台", "九十五%" → "95%": Chinese numerals in a typed value, as the forms write them."""
    def digits(m: re.Match) -> str:
        n = chinese_number(m.group())
        return format_number(n) if n is not None else m.group()

    # a numeral run of its own (not the 万 of "85万元"), with a digit in it or starting with 十
    return re.sub(r"(?<![\d.零〇一二两三四五六七八九十百千万])(?:[零〇一二两三四五六七八九][零〇一二两三四五六七八九十百千万]*|十[零〇一二两三四五六七八九]?)"
                  r"(?=[^零〇一二两三四五六七八九十百千万]|$)", digits, value)


def _when(text: str) -> str | None:
    """A date or a monthly deadline in a hint: "每月10号前" → 每月10日前; "11月30号前" → 11月30日前."""
    m = re.search(r"每月\s*(\d{1,2})\s*[日号]\s*(?:之?前|以前)", text)
    if m:
        return f"每月{int(m.group(1))}日前"
    m = DEADLINE.search(text)
    return edits.deadline_value(m) if m and m.group("month").isdigit() else None
