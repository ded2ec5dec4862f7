"""ChatSession.turn(text) → Reply: the conversation, in pure Python (the app is only glue).

The state (brief, current draft, history) is a pydantic model (state.py), so it can be saved and
restored as JSON (drafts autosave in the app). The non-LLM path understands the phrasings preparers use:
questions about a project type, requests to draft, revisions, checks, exports and explanations.
What a message means is read in intents.py, table revisions are in edits.py, and the wording of
the answers in replies.py; this module holds the state and the conversation between them.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable

from assistant.chat import brief_fields, edits, intents, replies, tables
from assistant.chat.guide import asked_topic
from assistant.chat.intents import Intent
from assistant.chat.phrases import FOCUS_WORDS
from assistant.chat.render import findings_markdown
from assistant.chat.router import Router, make_router
from assistant.chat.browsing import Browsing
from assistant.chat.reading import Reading
from assistant.chat.revising import Revising
from assistant.chat.yearly import Yearly
from assistant.chat.state import Message, NoTable, Reply, SessionState, named_brief
from assistant.chat.understanding import Understanding, default_understanding
from assistant.drafting import extra_rows
from assistant.drafting.brief import MAX_TEXT, trim_text
from assistant.drafting.factory import make_drafter, precedent_drafter
from assistant.drafting.finder import ProjectFinder, default_finder
from assistant.drafting.frame import Drafter
from assistant.drafting.suggest import suggest
from assistant.errors import AssistantError, BriefError
from assistant.review.check import check_table
from assistant.schema import Finding, ProjectBrief, TargetTable
from assistant.text import clean_input

__all__ = ["ChatSession", "SessionState"]

log = logging.getLogger(__name__)

MAX_MESSAGE = MAX_TEXT  # a 100 kB paste is cut here; the rest is never parsed or stored


class ChatSession(Reading, Browsing, Revising, Yearly):
    """One conversation about one draft. ``turn`` never raises; the state is replaced only on success."""

    def __init__(self, state: SessionState | None = None, *, drafter: Drafter | None = None,
                 finder: ProjectFinder | None = None,
                 checker: Callable[[TargetTable], list[Finding]] | None = None,
                 understanding: Understanding | None = None, router: Router | None = None):
        self.state = state if state is not None else SessionState()
        # with a model configured, it reads each message first (tool calling); the patterns otherwise
        self.router = router if router is not None else make_router()
        # messages no phrase pattern reads are matched by meaning with the index's own e5 model
        self.understanding = understanding or default_understanding()
        self.finder = finder or default_finder()
        self.drafter = drafter or make_drafter(self.finder)
        self.rows_drafter = precedent_drafter(self.drafter, self.finder)  # fits the rows the chat adds
        self.checker = checker or check_table

    # --- the public API ------------------------------------------------------------------------

    def turn(self, text: str) -> Reply:
        """Answer one message; appends the user's and the assistant's messages to the history."""
        # cleaned where it enters (lone surrogates, control characters): a save can never fail on it
        message = clean_input(text if isinstance(text, str) else "", MAX_MESSAGE + 1)
        too_long = len(message) > MAX_MESSAGE
        message = message[:MAX_MESSAGE]
        work = self.state.model_copy(deep=True)
        try:
            reply = self._dispatch(work, message)
        except AssistantError as exc:
            work, reply = self._failed(str(exc))
        except Exception:  # a bug must cost the user one answer, never the draft
            log.exception("chat turn failed")
            work, reply = self._failed("处理这条消息时出错了，草稿没有改动。请换个说法再试，或输入“帮助”查看用法。")
        if too_long:
            reply.text = f"（消息过长，只读取了前 {MAX_MESSAGE} 个字。）\n" + reply.text
        reply.text = replies.escape(reply.text)
        if reply.action != "error":  # a refused message changes nothing, not even this
            work.last = reply.action
        work.history += [Message(role="user", text=message), Message(role="assistant", text=reply.text)]
        self._commit(work)
        return reply

    def _commit(self, work: SessionState) -> None:
        """Copy the finished state into the caller's object: the app holds it and may build a new
        session over it for each action."""
        for name in SessionState.model_fields:
            setattr(self.state, name, getattr(work, name))

    def set_table(self, table: TargetTable | dict) -> list[Finding]:
        """A table edited in the grid (or imported) becomes the draft; returns its findings."""
        table = TargetTable.model_validate(table) if isinstance(table, dict) else table.model_copy(deep=True)
        findings = self.checker(table)
        work = self.state.model_copy(deep=True)
        work.table, work.pending = table, None
        if work.focus is not None and work.focus >= len(table.indicators):
            work.focus = None
        for key, value in ProjectBrief.from_table(table).said().items():
            if value != "":
                setattr(work.brief, key, value)
        self._commit(work)
        return findings

    def update_brief(self, **fields) -> None:
        """Sidebar edits: validated (BriefError), then carried into the draft like a chat revision."""
        values = {key: brief_fields.validate_field(key, value) for key, value in fields.items()}
        work = self.state.model_copy(deep=True)
        if work.table is None:
            for key, value in values.items():
                setattr(work.brief, key, value)
        else:
            self._with_goals(work, lambda: self._carry(work, values))
        self._commit(work)

    # --- dispatch ------------------------------------------------------------------------------

    def _failed(self, text: str) -> tuple[SessionState, Reply]:
        state = self.state.model_copy(deep=True)
        return state, Reply(text=text, action="error", table=self._table(state))

    @staticmethod
    def _table(state: SessionState) -> TargetTable | None:
        return state.table.model_copy(deep=True) if state.table else None

    def _reply(self, state: SessionState, text: str, action: str, **extra) -> Reply:
        return Reply(text=text, action=action, table=self._table(state), **extra)

    def _dispatch(self, state: SessionState, message: str) -> Reply:
        intent = self.router.intent(message, state) if self.router is not None and message.strip() else None
        if intent is None:
            try:
                intent = intents.parse(message)
            except BriefError:
                asked = self._ask_unit(state, message)
                if asked is None:
                    raise
                return asked
        try:
            return self._handle(state, intent)
        except NoTable as exc:  # not a fault: a question about a concept, or an offer to draft
            return self._as_question(state, intent) or self._reply(state, str(exc), "help")

    def _handle(self, state: SessionState, intent: Intent) -> Reply:
        if state.pending == "replace":
            return self._answer_replace(state, intent)
        if state.pending == "draft" and intent.kind in ("brief", "unknown", "confirm", "empty"):
            return self._answer_pending(state, intent)
        handler = getattr(self, f"_on_{intent.kind}")
        return handler(state, intent)

    def _on_empty(self, state, intent: Intent) -> Reply:
        return self._reply(state, "请输入您的问题或要求。\n" + replies.HELP, "help")

    def _on_greeting(self, state, intent: Intent) -> Reply:
        return self._reply(state, "您好！我是绩效目标起草助手。\n" + replies.HELP, "help")

    # --- concepts and browsing -------------------------------------------------------------------

    def _on_cancel(self, state, intent: Intent) -> Reply:
        if state.pending:
            state.pending = None
            return self._reply(state, "好的，已取消起草。", "help")
        return self._reply(state, "好的。\n" + replies.HELP, "help")

    def _on_confirm(self, state, intent: Intent) -> Reply:
        if state.table is None:
            state.pending = "draft"
            return self._continue_draft(state)
        return self._reply(state, "好的。还可以说“检查一下”或“导出”。", "help")

    # --- suggest -------------------------------------------------------------------------------

    def _on_suggest(self, state, intent: Intent) -> Reply:
        topic = intent.topic or state.brief.name
        if not topic:
            return self._reply(state, "您想了解哪类项目的指标？例如“租赁费项目适合哪些指标”。", "help")
        result = suggest(topic, self.finder)
        state.topic = topic[:40]
        precedents = [p for item in result.indicators[:12] for p in item.precedents[:2] if p.kind == "corpus"]
        return self._reply(state, tables.suggestion_answer(result), "suggest", precedents=precedents)

    # --- drafting ------------------------------------------------------------------------------

    def _on_draft(self, state, intent: Intent) -> Reply:
        named = intent.brief.said().get("name")
        if state.table is not None and named and named != state.table.project_name:
            # a new project over a draft: ask before the draft is replaced
            state.proposed = state.brief.model_copy()
            brief_fields.merge_brief(state.proposed, intent.brief)
            state.pending = "replace"
            return self._reply(state, f"当前草稿是《{state.table.project_name}》。要按新项目《{named}》重新起草吗？"
                                      "当前草稿将被替换（已保存的草稿可在“我的草稿”中找回）。回复“好”开始，或“取消”。", "ask")
        brief_fields.merge_brief(state.brief, intent.brief)
        state.pending = "draft"
        return self._continue_draft(state, replacing=state.table is not None)

    def _answer_replace(self, state, intent: Intent) -> Reply:
        proposed, state.proposed, state.pending = state.proposed, None, None
        if (intent.kind == "confirm" or re.match(r"^(?:好|对|是|行|可以|嗯|ok|OK|要)", intent.text)) \
                and proposed is not None:
            state.brief = proposed
            state.pending = "draft"
            return self._continue_draft(state, replacing=True)
        if intent.kind == "cancel":
            return self._reply(state, f"好的，保留当前草稿《{state.table.project_name}》。", "help")
        return self._handle(state, intent)  # something else: the offer lapses, the message is answered

    def _on_brief(self, state, intent: Intent) -> Reply:
        said = intent.brief.said()
        if state.table is None and state.pending is None and set(said) <= {"year", "name"} and "year" in said \
                and (state.places or state.last in ("browse", "compare", "suggest")) and not re.search(r"起草|预算", intent.text):
            return self._browse_year(state, intent, said)  # "2023年的物业费", "有没有2019年的"
        if not said.get("name") and state.brief.name is None and state.topic and "name" not in said \
                and re.search(r"这个|按这|就这|照这", intent.text):
            intent.brief.name = state.topic  # "就按这个来 预算20万 2025年" after asking about 档案数字化
        if state.table is not None and said.get("name") and said["name"] != state.table.project_name \
                and ("budget" in said or "year" in said):
            return self._on_draft(state, intent)  # "法律顾问费 预算6.4万 2025年": another project, not a rename
        if state.table is None:
            brief_fields.merge_brief(state.brief, intent.brief)
            state.pending = "draft"
            return self._continue_draft(state)
        values = intent.brief.said()
        if values.get("description") and intent.field != "purpose" and not brief_fields.states_purpose(intent.text):
            # counts typed over a draft ("保洁人员配备8名") add to what the money is for; they do not replace it
            old = state.table.purpose or state.brief.description or ""
            if values["description"] not in old:
                values["description"] = trim_text(f"{old}，{values['description']}" if old else values["description"])
            else:
                values.pop("description")
        lines = self._with_goals(state, lambda: self._carry(state, values))
        if values.get("description"):  # counts stated in it land in the table too
            brief = named_brief(state.brief, state.table).model_copy(update={"name": "", "description": values["description"]})
            lines += self._with_goals(state, lambda: extra_rows.place_facts(state.table, brief))
        return self._revised(state, lines)

    def _on_header(self, state, intent: Intent) -> Reply:
        """"项目负责人写张敏": a header field of the form, into the table (and the brief where it has one)."""
        label, value = replies.HEADER_LABEL[intent.field], clean_input(intent.new, 60).strip()
        if intent.field in ("department", "implementing_unit"):
            setattr(state.brief, intent.field, value)
        if state.table is None:
            if intent.field in ("department", "implementing_unit"):
                return self._reply(state, f"好的，已记下{label}：{value}，起草时写入表头。", "ask")
            return self._reply(state, f"还没有草稿：请先起草（例如“帮我起草物业管理费项目，预算50万元，2025年”），"
                                      f"再告诉我{label}。", "help")
        setattr(state.table, intent.field, value)
        return self._revised(state, [f"已填写表头 {label}：{value}（导出的申报表会带上）。"])

    def _ask_unit(self, state, message: str) -> Reply | None:
        """"帮我起草食堂补助项目，2025年，预算54970": 元 or 万元 is asked, and the name and year typed beside
        the amount wait in the brief for the answer (_answer_pending). None: the refusal stands (over a
        draft the message is refused whole, the draft kept)."""
        amount = brief_fields.unclear_budget(message)
        if amount is None or state.table is not None:
            return None
        intent = intents.parse(brief_fields.with_unit(message, amount, "元"))  # read as typed, less the budget
        if intent.kind not in ("draft", "brief"):
            return None
        intent.brief.budget = None
        brief_fields.merge_brief(state.brief, intent.brief)
        state.pending = "draft"
        return self._reply(state, replies.understood(state.brief) + brief_fields.unit_question(amount), "ask")

    @staticmethod
    def _last_said(state) -> str | None:
        """The user's last message before this one: what a question just asked was about."""
        return next((m.text for m in reversed(state.history) if m.role == "user"), None)

    def _answer_pending(self, state, intent: Intent) -> Reply:
        """The answer to the one question asked: "60万", "2025年", "预算六十万", a project name; "万元" or
        "是元" when the budget's unit was asked (the amount is in the message asked about)."""
        if state.brief.budget is None and \
                (budget := brief_fields.answer_unit(intent.text, self._last_said(state))) is not None:
            state.brief.budget = budget
            return self._continue_draft(state)
        if intent.kind == "brief":
            brief_fields.merge_brief(state.brief, intent.brief)
            return self._continue_draft(state)
        asked = (state.brief.missing() or ["none"])[0]
        text = intent.text
        if intent.kind == "empty" or asked == "none":
            return self._continue_draft(state)
        if intent.kind == "unknown" and not re.search(r"[\d零〇一二两三四五六七八九十百千万]", text) and asked != "name":
            # not an amount or a year: maybe a question asked in between ("成本指标怎么填"); the draft waits
            answered = self._as_question(state, intent)
            if answered is not None:
                return answered
        if intent.kind == "confirm" and asked == "name":
            if not state.topic:  # "好" is not a project name: ask again
                return self._continue_draft(state)
            state.brief.name = state.topic
        elif asked == "name":
            state.brief.name = brief_fields.valid_name(text)
        elif asked == "budget":
            state.brief.budget = brief_fields.answer_budget(text)
        elif asked == "year":
            state.brief.year = brief_fields.answer_year(text)
        return self._continue_draft(state)

    def _continue_draft(self, state, *, replacing: bool = False) -> Reply:
        missing = state.brief.missing()
        if missing:
            state.pending = "draft"
            question = replies.QUESTIONS[missing[0]].format(example=state.topic or "房屋租赁费")
            return self._reply(state, replies.understood(state.brief) + question, "ask")
        brief = named_brief(state.brief)
        table = self.drafter.draft(brief)
        placed = extra_rows.place_facts(table, brief)  # every count typed lands in the draft
        state.table, state.pending, state.focus = table, None, None
        findings = self.checker(table)
        text = replies.draft_text(table, findings, bool(state.brief.description))
        if placed:
            text += "\n\n您提供的数量：" + "".join(placed)
        if replacing:
            text = "（已按新的要求重新起草，替换了之前的草稿。）\n" + text
        return self._reply(state, text, "draft", findings=findings)

    # --- revisions -----------------------------------------------------------------------------

    def _with_goals(self, state, change: Callable[[], list[str]]) -> list[str]:
        before = named_brief(state.brief, state.table)
        return edits.with_goals(state.table, before, lambda: named_brief(state.brief, state.table), change)

    def _need_table(self, state, what: str) -> TargetTable:
        if state.table is None:
            raise NoTable(replies.NO_TABLE.format(what=what))
        return state.table

    # --- explain, check, export ----------------------------------------------------------------

    def _on_explain(self, state, intent: Intent) -> Reply:
        table = self._need_table(state, "解释指标")
        focus_words = not intent.target or FOCUS_WORDS.match(intent.target)
        if focus_words and (state.focus is None or state.focus >= len(table.indicators)):
            return self._overview(state)
        rows = edits.resolve_rows(table, intent.target, state.focus)[:3]
        state.focus = rows[0]
        text = "\n\n".join(replies.explain_row(table, i) for i in rows)
        precedents = [p for i in rows for p in table.indicators[i].precedents]
        return self._reply(state, text, "explain", precedents=precedents)

    def _overview(self, state) -> Reply:
        precedents = [row.precedents[0] for row in state.table.indicators if row.precedents]
        return self._reply(state, replies.overview(state.table), "explain", precedents=precedents)

    def _on_check(self, state, intent: Intent) -> Reply:
        if state.table is None and (topic := asked_topic(intent.text, question=False)) is not None:
            return self._on_concept(state, Intent("concept", intent.text, topic=topic.id))  # "我的表写的XX%"
        table = self._need_table(state, "检查")
        findings = self.checker(table)
        head = replies.findings_line(findings, hint=False) + "\n" if findings else ""
        return self._reply(state, head + findings_markdown(findings, table), "check", findings=findings)

    def _on_export(self, state, intent: Intent) -> Reply:
        findings = self.checker(self._need_table(state, "导出"))
        return self._reply(state, replies.export_text(intent.fmt, findings), "export", findings=findings)

