"""Precedents by place: the places a message names, rows on the topic, cities side by side."""
from __future__ import annotations

import pytest

from assistant.chat.tables import compare_answer, place_answer
from assistant.drafting.browse import corpus_places, on_topic, places_in, rows_of


@pytest.mark.parametrize("text, places", [
    ("上海的物业费指标有哪些", ["上海"]),
    ("广州和张家口比较一下", ["广州", "张家口"]),
    ("六安、中卫的运转经费", ["六安", "中卫"]),
    ("物业费指标有哪些", []),
])
def test_places_in(text, places):
    assert places_in(text) == places


def test_rows_of_a_place_stay_on_the_topic():
    found = rows_of("张家口", "房屋租赁费")
    assert found.rows and all(r.city == "张家口" and "租赁" in r.project for r in found.rows)
    assert not rows_of("张家口", "档案数字化").rows


def test_a_place_not_in_the_corpus_is_said_so_with_what_there_is():
    text = place_answer(rows_of("上海", "物业费"), "物业费")
    assert "没有上海" in text and all(city in text for city in corpus_places())


def test_compare_puts_places_side_by_side_per_level2():
    text = compare_answer([rows_of("广州", "租赁"), rows_of("张家口", "租赁")], "租赁")
    header = next(line for line in text.splitlines() if line.startswith("| 一级·二级"))
    assert "广州" in header and "张家口" in header
    assert "产出·数量" in text


def test_on_topic_ignores_words_every_project_shares():
    assert on_topic("业务用房物业管理费", "物业费")
    assert not on_topic("公积金管理业务费用", "物业管理费")
