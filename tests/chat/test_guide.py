"""Concept answers: every topic reached by its own questions, cited, with a real corpus example."""
from __future__ import annotations

import pytest

from assistant.chat.guide import answer, asked_topic, corpus_example, load_guide
from assistant.chat.understanding import CONCEPT, Understanding

GUIDE = load_guide()


@pytest.mark.parametrize("topic", GUIDE.topics, ids=lambda t: t.id)
def test_every_topic_cites_known_sources_and_shows_a_real_row(topic):
    text = answer(topic)
    assert all(GUIDE.sources[s] in text for s in topic.sources)
    row = corpus_example(topic.example)
    assert row is not None and row.name in text and row.city in text


@pytest.mark.parametrize("question, topic", [
    ("什么叫时效指标", "timeliness"),
    ("产出和效益怎么区分", "output_vs_benefit"),
    ("依据一栏填什么", "basis"),
    ("满意度写多少合适", "satisfaction"),
    ("定量和定性有啥区别", "quantitative"),
    ("成本指标可以超过预算吗", "cost"),
    ("中期目标和年度目标有什么区别", "midterm"),
    ("数量指标能不能写花了多少钱", "quantity"),
])
def test_questions_reach_their_topic_by_the_fast_path(question, topic):
    assert asked_topic(question).id == topic


@pytest.mark.parametrize("message", ["租赁费项目适合哪些指标", "满意度改为95%", "帮我起草一个时效", "导出"])
def test_requests_that_are_not_questions_are_not_concepts(message):
    assert asked_topic(message) is None


def test_every_topic_answers_its_own_questions_by_wording():
    reader = Understanding()
    for topic in GUIDE.topics:
        for question in topic.questions:
            assert reader.rank(question)[0].label == CONCEPT + topic.id, question
