"""Browsing precedents by place in the chat: "广州的物业费指标有哪些", "他们的呢", "2023年的".

A mixin of ChatSession (session.py); the rows come from drafting/browse.py, the tables from tables.py.
"""
from __future__ import annotations

import re

from assistant.chat import brief_fields, intents, tables
from assistant.chat.intents import Intent
from assistant.chat.phrases import LEVEL2_WORDS, THEIR, WHICH_PLACES
from assistant.chat.state import Reply
from assistant.drafting import browse


class Browsing:
    """Handlers for browsing and comparing places (mixed into ChatSession)."""

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
