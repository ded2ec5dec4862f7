"""Rules on what the indicators measure, read from their names: money put in written as an output, an
annual goal sentence that no indicator measures, and the same indicator twice under one 二级.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from assistant.review.registry import Context, Hit, rule
from assistant.review.rows import implied_level1, where
from assistant.schema import Indicator, Level1, Severity
from assistant.taxonomy import is_cost
from assistant.text import bigrams

# 资金执行 is scored on its own (10 分) in the 自评表; money spent or paid is an input, not an output.
_INPUT_NAME = re.compile(r"资金到位|预算执行|资金执行|执行率|支付率|拨付率|资金使用率|支出进度|资金支出|"
                         r"支出相关|经费保障|到位率")
_INPUT_DESC = re.compile(r"金额\s*/|/\s*(?:计划|预算)?[^/]{0,6}金额|/\s*预算")

# Words every goal and indicator of these forms share: they prove nothing about coverage.
_GOAL_STOP = re.compile(r"住房公积金|公积金|住房|管理中心|中心|单位|各项|工作|开展|保障|保证|确保|提高|提升|实现|"
                        r"进一步|有效|更好|良好|加强|不断|持续|通过|本项目|项目|实施|用于|日常|全市|我市|正常|"
                        r"目标\d*|[一二三四五六七八九十]是|以及|及其|为了|为|的|和|及|与|等|对|使|让|将|在|了")
_GOAL_SPLIT = re.compile(r"[。；;！!\n]|目标\s*\d+\s*[:：]|[一二三四五六七八九十]是")


def is_input_measure(name: str, description: str | None = None) -> bool:
    """资金到位率, 预算执行率, 支出相关性…: money put in, not output delivered."""
    return bool(_INPUT_NAME.search(name or "") or _INPUT_DESC.search(description or ""))


@rule("R13-input-as-output", "产出指标不是资金投入")
def input_as_output(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if implied_level1(ind) is not Level1.OUTPUT or is_cost(ind):
            continue
        if is_input_measure(ind.name, ind.description):
            yield Hit(Severity.WARNING, f"{where(i, ind)}：衡量的是资金投入或支付（资金到位、执行、支付），"
                      "不是产出", i, "资金执行情况另行考核；改为这笔资金交付的成果，如次数、人数、合格率")


def _content_words(text: str) -> set[str]:
    """The bigrams of ``text`` once the words every form shares are gone (12329 stays one token)."""
    return bigrams(_GOAL_STOP.sub(" ", text or ""))


@rule("R16-goal-uncovered", "每句年度目标都有指标衡量")
def goal_uncovered(ctx: Context) -> Iterator[Hit]:
    measured: set[str] = set()
    for _, ind in ctx.rows():
        measured |= _content_words(f"{ind.name} {ind.description or ''}")
    if not measured:
        return  # R01 reports the empty table
    for goal in ctx.table.goals_annual:
        for sentence in _GOAL_SPLIT.split(goal):
            sentence = sentence.strip(" ，,、：:")
            words = _content_words(sentence)
            if len(sentence) >= 6 and len(words) >= 2 and not words & measured:
                yield Hit(Severity.WARNING, f"年度目标「{sentence}」没有指标衡量", None,
                          "为这句目标增加一项可衡量的指标，或删去无法考核的表述")


def _name_key(name: str) -> str:
    name = re.sub(r"^\s*指标\s*\d*\s*[:：]", "", name or "")
    return re.sub(r"[\s\W_]+", "", name)


def _near_same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and short in long_ and len(long_) - len(short) <= 2:
        return True  # 租赁费用 / 年租赁费用
    return SequenceMatcher(None, a, b).ratio() >= 0.9


@rule("R17-duplicate", "同一二级下没有重复指标")
def duplicate(ctx: Context) -> Iterator[Hit]:
    seen: list[tuple[int, Indicator, str]] = []
    for i, ind in ctx.rows():
        key = _name_key(ind.name)
        if not key:
            continue
        # a mid-term-only row and an annual row of the same name are two columns, not a duplicate
        place = (implied_level1(ind), ind.level2, bool(ind.value))
        for j, other, other_key in seen:
            same_place = (implied_level1(other), other.level2, bool(other.value)) == place
            if same_place and _near_same(key, other_key):
                yield Hit(Severity.WARNING, f"{where(i, ind)}：与{where(j, other)}重复", i,
                          "合并为一项，或改为衡量不同内容的指标")
                break
        seen.append((i, ind, key))
