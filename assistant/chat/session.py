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

from assistant.chat import brief_fields, edits, guide, intents, replies, tables
from assistant.chat.guide import asked_topic
from assistant.chat.intents import Intent
from assistant.chat.phrases import DEADLINE, EXAMPLE, FOCUS_WORDS, KIND_HINTS, ROW_REF, ROW_WORDS, LEVEL2_WORDS, THANKS, THEIR, WHICH_KIND, WHICH_PLACES
from assistant.chat.render import findings_markdown
from assistant.chat.router import Router, make_router
from assistant.chat.state import Message, Reply, SessionState
from assistant.chat.understanding import CONCEPT, Understanding, default_understanding, offer
from assistant.drafting import browse
from assistant.drafting import extra_rows
from assistant.drafting.brief import MAX_TEXT, parse_budget, parse_year
from assistant.drafting.factory import make_drafter, precedent_drafter
from assistant.drafting.finder import ProjectFinder, default_finder
from assistant.drafting.frame import Drafter
from assistant.drafting.suggest import suggest
from assistant.errors import AssistantError
from assistant.review.check import check_table
from assistant.schema import BRIEF_HEADER, Finding, Indicator, Level2, ProjectBrief, TargetTable
from assistant.taxonomy import classify_basis, infer_level2, level1_of, normalize_level2, place, variant_of
from assistant.text import clean_input
from assistant.values import chinese_number, clean, parse_value

__all__ = ["ChatSession", "SessionState"]

log = logging.getLogger(__name__)

MAX_MESSAGE = MAX_TEXT  # a 100 kB paste is cut here; the rest is never parsed or stored


def _project_brief(brief: ProjectBrief, table: TargetTable | None = None) -> ProjectBrief:
    """The session's brief, named after the table when the user never named it."""
    name = brief.name or (table.project_name if table else None) or "未命名项目"
    return brief.model_copy(update={"name": name})


class ChatSession:
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
            intent = intents.parse(message)
        try:
            return self._handle(state, intent)
        except _NoTable as exc:  # not a fault: a question about a concept, or an offer to draft
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

    def _statement(self, state, intent: Intent) -> Reply | None:
        """"系统可用率要达到99.9%" with a draft open: that row's value, or a new row if none is named so."""
        if state.table is None:
            return None
        text = re.sub(r"(?:要求|要达到|需要达到|需达到|应达到|必须达到|达到|要)(?=[\d≥≤<>不])", "", intent.text)
        name, value = edits.split_name_value(text)
        if not value and (glued := re.match(r"^(?P<name>[\u4e00-\u9fff]{2,20}?)(?P<value>[≥≤<>]?\d.*)$", text)):
            name, value = glued.group("name"), glued.group("value")  # "培训合格率96%以上"
        if not value or not name or len(name) > 20 or parse_value(value).number is None:
            return self._deadline_said(state, intent) or self._facts_said(state, intent)
        try:
            rows = edits.resolve_rows(state.table, name, None)
        except AssistantError:
            rows = []
        if len(rows) == 1:
            return self._on_revise(state, Intent("revise", intent.text, target=f"第{rows[0] + 1}个", field="value",
                                                 new=value))
        # no row of that name: counts fill a row waiting for them ("是租办公用房 1500平方米"), else a new row
        return self._facts_said(state, intent) or self._on_add(state, Intent("add", intent.text,
                                                                             target=f"{name} {value}"))

    def _deadline_said(self, state, intent: Intent) -> Reply | None:
        """"交付时间九月底之前", "要在11月30号前全部弄完": the date of the 时效 row that holds a date."""
        m = DEADLINE.search(intent.text)
        rows = [i for i, r in enumerate(state.table.indicators)
                if r.level2 is Level2.TIMELINESS and parse_value(r.value).kind.value == "date"]
        if not m or not rows:
            return None
        month = m.group("month")
        month = int(month) if month.isdigit() else int(chinese_number(month) or 0)
        if not 1 <= month <= 12:
            return None
        day = m.group("day")
        year = state.table.year or state.brief.year
        when = f"{year}年" if year else ""
        value = f"{when}{month}月{int(day)}日前" if day else f"{when}{month}月底前"
        return self._on_revise(state, Intent("revise", intent.text, target=f"第{rows[0] + 1}个", field="value",
                                             new=value))

    def _facts_said(self, state, intent: Intent) -> Reply | None:
        """"全年提供法律咨询不少于30次 审查合同约40份" with a draft open: the counts land in the table."""
        brief = _project_brief(state.brief, state.table).model_copy(update={"description": intent.text})
        placed: list[str] = []

        def place() -> list[str]:
            placed.extend(extra_rows.place_facts(state.table, brief.model_copy(update={"name": ""})))
            return placed

        before = state.table.model_copy(deep=True)
        self._with_goals(state, place)
        if not placed:
            state.table = before
            return None
        return self._revised(state, placed)

    def _suggest_again(self, state, intent: Intent) -> Reply | None:
        """After a suggestion, another kind of project named on its own: "智慧公积金建设呢", "办公家具购置"."""
        if state.last != "suggest":
            return None
        m = re.fullmatch(r"(?:那|那么|还有|再看看?|看看)?(?P<topic>[\u4e00-\u9fffA-Za-z0-9]{2,16}?)(?:项目|类)?(?:的)?(?:呢|吧)?[?？]?",
                         intent.text)
        if not m:
            return None
        return self._on_suggest(state, Intent("suggest", intent.text, topic=m.group("topic")))

    def _on_greeting(self, state, intent: Intent) -> Reply:
        return self._reply(state, "您好！我是绩效目标起草助手。\n" + replies.HELP, "help")

    def _on_unknown(self, state, intent: Intent) -> Reply:
        for reader in (self._small_talk, self._browse_again, self._which_kind, self._statement, self._suggest_again):
            answered = reader(state, intent)
            if answered is not None:
                return answered
        reading = self.understanding.read(intent.text)
        if reading.confident:
            routed = self._route(state, intent, reading.best.label)
            if routed is not None:
                return routed
        if reading.plausible and reading.runner_up is not None:
            first, second = offer(reading.best.label, intent.text), offer(reading.runner_up.label, intent.text)
            return self._reply(state, f"您是想{first}，还是{second}？请换个说法告诉我。", "clarify")
        if reading.plausible:
            return self._reply(state, f"您是想{offer(reading.best.label, intent.text)}吗？请换个说法告诉我。", "clarify")
        return self._reply(state, "没太明白您的意思。\n" + replies.HELP, "help")

    def _route(self, state, intent: Intent, label: str) -> Reply | None:
        """Act on what the message was understood to ask, where it carries what the act needs."""
        if label.startswith(CONCEPT):
            return self._on_concept(state, Intent("concept", intent.text, topic=label.removeprefix(CONCEPT)))
        if label == "suggest":
            return self._on_suggest(state, Intent("suggest", intent.text, topic=intents.topic_of(intent.text)))
        if label == "draft":
            return self._on_draft(state, Intent("draft", intent.text,
                                                brief=brief_fields.extract_brief(intent.text, with_name=True)))
        if label in ("check", "export"):
            return getattr(self, f"_on_{label}")(state, Intent(label, intent.text))
        return None  # a revision, browsing or explanation needs its row or place: ask instead

    # --- concepts and browsing -------------------------------------------------------------------

    def _on_concept(self, state, intent: Intent) -> Reply:
        topic = self.understanding.guide.topic(intent.topic)
        state.concept = topic.id
        return self._reply(state, guide.answer(topic, self.understanding.guide), "concept")

    def _which_kind(self, state, intent: Intent) -> Reply | None:
        """"培训了多少人 算哪个": the 二级 its words show, and what that 二级 is."""
        m = WHICH_KIND.search(intent.text)
        what = m.group("what").strip(" ，,的") if m else ""
        if not what:
            return None
        basis = classify_basis(what) if re.search(r"合同|计划|上年|去年|历史|标准|批复|调查|文件|规定", what) else None
        if basis is not None:  # "签的合同里写的算哪一类": a kind of 依据
            topic = self.understanding.guide.topic("basis")
            lead = f"「{what}」属于指标值确定依据中的**{basis.value}**。"
            state.concept = topic.id
            return self._reply(state, lead + "\n\n" + guide.answer(topic, self.understanding.guide), "concept")
        level2 = infer_level2(what) or next((l2 for pattern, l2 in KIND_HINTS if re.search(pattern, what)), None)
        if level2 is None:
            return None
        topic = next((t for t in self.understanding.guide.topics
                      if t.example.level2 and normalize_level2(t.example.level2) is level2), None)
        lead = f"「{what}」一般算{level1_of(level2).value}下的**{level2.value}**。"
        if topic is None:
            return self._reply(state, lead, "concept")
        state.concept = topic.id
        return self._reply(state, lead + "\n\n" + guide.answer(topic, self.understanding.guide), "concept")

    def _small_talk(self, state, intent: Intent) -> Reply | None:
        """Thanks, and "举个例子" after a concept answer."""
        if THANKS.fullmatch(intent.text) and re.search(r"谢|明白|懂|知道|收到|了解", intent.text):
            return self._reply(state, "不客气。还可以问我某个指标怎么写，或说“帮我起草…”。", "help")
        if state.concept and EXAMPLE.search(intent.text) and len(intent.text) <= 12:
            topic = self.understanding.guide.topic(state.concept)
            return self._reply(state, guide.more_examples(topic), "concept")
        return None

    def _on_browse(self, state, intent: Intent) -> Reply:
        if len(intent.places) > 1:
            return self._on_compare(state, intent)
        topic, filters = self._browse_filters(state, intent)
        found = browse.rows_of(intent.places[0], topic, **filters)
        state.places = intent.places[:1]
        return self._reply(state, tables.place_answer(found, topic), "browse")

    def _on_compare(self, state, intent: Intent) -> Reply:
        topic, filters = self._browse_filters(state, intent)
        found = [browse.rows_of(place, topic, **filters) for place in intent.places[:4]]
        state.places = intent.places[:4]
        return self._reply(state, tables.compare_answer(found, topic), "compare")

    def _browse_filters(self, state, intent: Intent) -> tuple[str | None, dict]:
        """The topic (this message's, else the conversation's), a year and a 二级 the message names."""
        topic = intent.topic or state.topic
        level2 = next((l2 for word, l2 in LEVEL2_WORDS if word in intent.text), None)
        if topic and level2 and intents.level2_word(topic):
            topic = state.topic  # "只看满意度的": the 二级 is a filter, not the project type
        if topic:
            state.topic = topic[:40]
        year = brief_fields.find_year_in(intent.text)
        return topic, {"year": year, "level2": level2}

    def _browse_year(self, state, intent: Intent, said: dict) -> Reply:
        topic = said.get("name") or state.topic
        topic = re.sub(r"^(?:有没有|有无)|(?:的|呢|吗)+$", "", topic or "") or None
        places = state.places or browse.corpus_places()
        found = [browse.rows_of(place, topic, year=said["year"]) for place in places]
        have = [f for f in found if f.rows]
        if not have:
            where = "、".join(state.places) if state.places else "语料中"
            return self._reply(state, f"{where}没有{said['year']}年{('“' + topic + '”') if topic else ''}的表。"
                                      + tables.places_answer(), "browse")
        if len(have) == 1:
            return self._reply(state, tables.place_answer(have[0], topic), "browse")
        return self._reply(state, tables.compare_answer(have, topic), "browse")

    def _browse_again(self, state, intent: Intent) -> Reply | None:
        """Follow-ups on the places last browsed: "他们的租赁费呢", "只看满意度的", "2023年的呢"; and
        "有哪些城市"."""
        text = intent.text
        if WHICH_PLACES.search(text):
            return self._reply(state, tables.places_answer(), "browse")
        if not state.places:
            return None
        follow = THEIR.search(text) or (len(text) <= 16 and re.search(r"呢|的$|只看|看看", text)
                                        and (any(w in text for w, _ in LEVEL2_WORDS) or re.search(r"\d{4}", text)))
        if not follow:
            return None
        rest = THEIR.sub("", text)
        topic = intents.topic_of(re.sub(r"只看|看看|给我看下|看下|呢|(?:的)?指标|\d{4}年?的?", "", rest))
        again = Intent("browse", text, topic=None if topic and intents.level2_word(topic) else topic,
                       places=state.places)
        return self._on_compare(state, again) if len(state.places) > 1 else self._on_browse(state, again)

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
        return self._revised(state, self._with_goals(state, lambda: self._carry(state, values)))

    def _answer_pending(self, state, intent: Intent) -> Reply:
        """The answer to the one question asked: "60万", "2025年", "预算六十万", a project name."""
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
        brief = _project_brief(state.brief)
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

    def _on_revise(self, state, intent: Intent) -> Reply:
        if intent.field in ("budget", "year", "project_name", "period"):
            value = {"budget": parse_budget, "year": parse_year, "project_name": brief_fields.valid_name,
                     "period": brief_fields.parse_period}[intent.field](intent.new)
            key = {"project_name": "name", "period": "period_years"}.get(intent.field, intent.field)
            if state.table is None:
                setattr(state.brief, key, value)
                if state.pending == "draft":
                    return self._continue_draft(state)
                return self._reply(state, "已记下。" + replies.NO_TABLE.format(what="修改表格"), "help")
            return self._on_brief(state, Intent("brief", intent.text, brief=ProjectBrief(**{key: value})))
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
                    new = edits.with_unit_of(row.value, new)
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
        row = self._new_row(state, level2) if level2 else self._named_row(state, what)
        place(row, variant_of(table))
        at: list[int] = []

        def insert() -> list[str]:
            at.append(edits.insert_row(table, row))
            return []

        self._with_goals(state, insert)
        state.focus = at[0]
        return self._revised(state, replies.added_text(row, at[0]))

    def _new_row(self, state, level2: Level2) -> Indicator:
        return extra_rows.row_for_level2(self.rows_drafter, state.table, _project_brief(state.brief, state.table),
                                         level2)

    def _named_row(self, state, what: str) -> Indicator:
        name, value = edits.split_name_value(what)
        if not name or not brief_fields.clean_name(name):
            raise AssistantError("请说明要加的指标，例如“加一个时效指标”或“加一个指标 缴存职工满意度≥90%”。")
        row = extra_rows.named_row(self.rows_drafter, _project_brief(state.brief, state.table), name, value)
        if value:
            edits.set_field(row, "value", clean(value))
        return row

    def _with_goals(self, state, change: Callable[[], list[str]]) -> list[str]:
        before = _project_brief(state.brief, state.table)
        return edits.with_goals(state.table, before, lambda: _project_brief(state.brief, state.table), change)

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

    def _need_table(self, state, what: str) -> TargetTable:
        if state.table is None:
            raise _NoTable(replies.NO_TABLE.format(what=what))
        return state.table

    def _as_question(self, state, intent: Intent) -> Reply | None:
        """A message read as a revision or an explanation that is really a question about a concept
        ("成本指标为啥都写≤" with no draft yet): answered from the guide when it reads as one."""
        if ROW_REF.search(intent.text) or ROW_WORDS.search(intent.text):
            return None  # "第3个的依据呢" is about a row, even before there is a draft
        if not (guide.QUESTION.search(intent.text) or re.search(r"[?？吗呢啥]|为什么|咋", intent.text)):
            return None  # "满意度改为≥95%" with no draft is a revision to offer a draft for
        reading = self.understanding.read(intent.text)
        topic = asked_topic(intent.text, question=False)
        if topic is None and reading.confident and reading.best.label.startswith(CONCEPT):
            topic = self.understanding.guide.topic(reading.best.label.removeprefix(CONCEPT))
        if topic is None:
            return None
        return self._on_concept(state, Intent("concept", intent.text, topic=topic.id))

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


class _NoTable(AssistantError):
    """A revision, check or export asked for before there is a draft: an offer to draft, not a fault."""


