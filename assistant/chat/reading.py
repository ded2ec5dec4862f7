"""Reading what no phrase pattern read: concepts, follow-ups and statements, by meaning when unsure.

A mixin of ChatSession (session.py), apart so the conversation's core stays readable: the handlers here
answer an "unknown" message in order — thanks and "举个例子", follow-ups on browsed places, "X算哪个",
a value or a deadline stated with a draft open, a project named after a suggestion — then the example
messages (understanding.py) decide, asking "您是想……吗？" when unsure.
"""
from __future__ import annotations

import re

from assistant.chat import brief_fields, edits, guide, intents, replies
from assistant.chat.guide import asked_topic
from assistant.chat.intents import Intent
from assistant.chat.phrases import DEADLINE, EXAMPLE, KIND_HINTS, ROW_REF, ROW_WORDS, THANKS, WHICH_KIND
from assistant.chat.state import Reply, named_brief
from assistant.chat.understanding import CONCEPT, offer
from assistant.drafting import extra_rows
from assistant.errors import AssistantError
from assistant.schema import Level2
from assistant.taxonomy import classify_basis, infer_level2, level1_of, normalize_level2
from assistant.values import parse_value


class Reading:
    """Handlers for messages the patterns did not read (mixed into ChatSession)."""

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
            rows = edits.resolve_rows(state.table, name, None, loose=False)  # a stated name is meant as written
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
        value = edits.deadline_value(m, state.table.year or state.brief.year) if m and rows else None
        if value is None:
            return None
        return self._on_revise(state, Intent("revise", intent.text, target=f"第{rows[0] + 1}个", field="value",
                                             new=value))

    def _facts_said(self, state, intent: Intent) -> Reply | None:
        """"全年提供法律咨询不少于30次 审查合同约40份" with a draft open: the counts land in the table."""
        brief = named_brief(state.brief, state.table).model_copy(update={"description": intent.text})
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
            return self._which_kind(state, intent)  # "签的合同里写的算哪一类"
        return self._on_concept(state, Intent("concept", intent.text, topic=topic.id))
