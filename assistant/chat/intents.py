"""What a chat message asks for, without an LLM: the intent and its parts.

Preparers type as they would to a colleague: with or without punctuation, full- or half-width,
万/万元/元, Chinese numerals. The message is normalised once (NFKC, LaTeX, spaces), then matched
against a few phrase families in a fixed order (drafting first, because a draft request may
mention anything: "用于…系统下载…"). Brief fields are pulled out by brief_fields.py; a budget the user clearly
tried to give but that cannot be read ("预算-5", "预算abc") raises its BriefError.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

from assistant.chat.brief_fields import extract_brief, leading_name
from assistant.chat.guide import asked_topic
from assistant.drafting.browse import places_in
from assistant.chat.phrases import (
    ACTUAL,
    ADD,
    ADD_AFTER,
    BASIS_WRITE,
    BRIEF_TARGETS,
    BROWSE,
    COMPARE,
    CANCEL,
    CHECK,
    CHECK_VERB,
    CONFIRM,
    DELETE,
    DELIM,
    DRAFT_ANYWHERE,
    DRAFT_CLOSING,
    DRAFT_START,
    EXPLAIN,
    EXPORT,
    FIELD_SUFFIXES,
    FOCUS_WORDS,
    GREETING,
    HEADER,
    HEADER_FIELDS,
    HEADER_QUESTION,
    LEVEL2_WORDS,
    POLITE,
    REVISE,
    REVISE_VERB_FIRST,
    REVISE_WRITE,
    ROLLOVER,
    SELFEVAL,
    ROW_REF,
    ROW_WORDS,
    SUGGEST,
    TAIL,
    TOPIC_CUT,
    normalize,
)
from assistant.schema import Level2, ProjectBrief
from assistant.values import chinese_number


@dataclass
class Intent:
    kind: str  # empty draft export check delete add revise explain suggest concept browse compare actual selfeval
    #            rollover brief header cancel
    #            confirm greeting unknown
    text: str = ""  # the normalised message
    topic: str | None = None  # suggest, browse, compare: the project type; concept: the guide topic's id
    target: str | None = None  # which row(s): "第3个指标", "满意度", "这个指标"
    field: str | None = None  # value basis name explanation midterm | budget year project_name period purpose
    #                           | header: manager implementing_unit department attribute
    new: str | None = None  # the new value
    fmt: str | None = None  # export format
    brief: ProjectBrief = dc_field(default_factory=ProjectBrief)  # only the fields the message gave
    places: list[str] = dc_field(default_factory=list)  # browse, compare: the cities named


def parse(text: str) -> Intent:
    """The intent of one message. Raises BriefError for a budget or year that cannot be read."""
    s = normalize(text)
    if not re.search(r"[\w\u4e00-\u9fff]", s):
        return Intent("empty", s)
    if ROLLOVER.search(s):
        return Intent("rollover", s)  # "按去年的表起草2026年" is not a new project
    if header := _header(s):
        return header  # "项目属性：延续" fills the header; "项目属性是什么" stays a question
    if not re.search(r"起草|草拟|预算|\d", s) and (concept := _concept(s)):
        return concept  # "绩效目标是个啥 第一次弄 领导让我填" asks before anything is drafted
    if _is_draft(s):
        return Intent("draft", s, brief=extract_brief(s, with_name=True))
    # revisions first (their words may name a concept: "加一个时效指标可以吗"), then concept questions
    # before anything that searches precedents
    for matcher in (_yearly, _delete, _add, _revise, _compare, _browse, _concept, _export, _check, _explain,
                    _suggest):
        intent = matcher(s)
        if intent:
            return intent
    if CANCEL.match(s):
        return Intent("cancel", s)
    fields = extract_brief(s, with_name=False)
    if fields.said() and fields.name is None and (name := leading_name(s)):
        fields.name = name
    if fields.said():
        return Intent("brief", s, brief=fields)
    if GREETING.match(s):
        return Intent("greeting", s)
    if CONFIRM.match(s):
        return Intent("confirm", s)
    return Intent("unknown", s)


def _header(s: str) -> Intent | None:
    """"项目负责人写张敏", "实施单位改为市住房公积金管理中心", "主管部门：市住建局": a header field and its value."""
    m = HEADER.match(s)
    if not m or HEADER_QUESTION.search(m.group("value")):
        return None
    attr = next(a for words, a in HEADER_FIELDS if re.fullmatch(words, m.group("field")))
    return Intent("header", s, field=attr, new=m.group("value").strip()[:60])


def _is_draft(s: str) -> bool:
    clauses = [c for c in re.split(DELIM, s) if c]
    if DRAFT_START.search(s) or (clauses and DRAFT_CLOSING.fullmatch(clauses[-1])):
        return not re.search(r"excel|word|json|xlsx|docx", clauses[0] if clauses else s, re.I)
    return bool(DRAFT_ANYWHERE.search(s)) and not REVISE.match(s)


def _export(s: str) -> Intent | None:
    if not EXPORT.search(s):
        return None
    m = re.search(r"excel|xlsx|xls|wps|word|docx|json", s, re.I)
    word = m.group(0).lower() if m else ""
    fmt = {"excel": "xlsx", "xls": "xlsx", "xlsx": "xlsx", "wps": "docx", "word": "docx", "docx": "docx",
           "json": "json"}.get(word)
    return Intent("export", s, fmt=fmt)


def _check(s: str) -> Intent | None:
    return Intent("check", s) if CHECK.search(s) or CHECK_VERB.search(s) else None


def _delete(s: str) -> Intent | None:
    m = DELETE.match(s)
    if not m:
        return None
    target = _strip_row_words(m.group("target") or m.group("target2") or "")
    return Intent("delete", s, target=target or None)


def _add(s: str) -> Intent | None:
    m = ADD.match(s) or ADD_AFTER.match(s)
    if not m:
        return None
    what = m.group("what").strip()
    if not what or re.search(r"用途|用于|预算|年度|资金", what):
        return None  # "补充资金用途…" gives the brief, it adds no row
    return Intent("add", s, target=what)


def _revise(s: str) -> Intent | None:
    basis = BASIS_WRITE.match(s)
    if basis:
        every = bool(re.search(r"依据(?:都|全部|统一)", s))
        target = _strip_row_words(basis.group("target").strip()) or (ALL_ROWS if every else None)
        return Intent("revise", s, target=target, field="basis", new=basis.group("new").strip().rstrip("。.!！"))
    m = REVISE.match(s) or REVISE_VERB_FIRST.match(s) or REVISE_WRITE.match(s)
    if not m:
        return None
    target, new = m.group("target").strip(), m.group("new").strip().rstrip("。.!！;；")
    every = bool(re.search(r"(?:都|全部|均|统一)$|^(?:所有|全部)", target))
    target = re.sub(r"(?:都|全部|均|统一)$", "", re.sub(r"^(?:所有|全部)(?:的)?", "", target)).strip()
    if not target or not new:
        return None
    for kind, pattern in FIELD_SUFFIXES:  # "依据都改成年度计划", "值改成3000份": a field, no row named
        if re.fullmatch(pattern.replace("(?:的)?", ""), target):
            return Intent("revise", s, target=ALL_ROWS if every else None, field=kind, new=new)
    for kind, pattern in BRIEF_TARGETS:
        if re.fullmatch(pattern, target):
            return Intent("revise", s, target=target, field=kind, new=new)
    kind = "value"
    for name, pattern in FIELD_SUFFIXES:
        stripped = re.sub(pattern + "$", "", target)
        if stripped != target and stripped:
            target, kind = stripped, name
            break
    return Intent("revise", s, target=_strip_row_words(target), field=kind, new=new)


ALL_ROWS = "全部指标"


def _yearly(s: str) -> Intent | None:
    if ROLLOVER.search(s):
        return Intent("rollover", s)
    if ACTUAL.search(s):
        return Intent("actual", s)
    if SELFEVAL.search(s):
        return Intent("selfeval", s)
    return None


def about_a_row(s: str) -> bool:
    """A question about one row of the draft ("第3个指标的依据是什么", "这个为什么是90%"): an explanation."""
    return bool(ROW_REF.search(s) or ROW_WORDS.search(s)
                or (EXPLAIN.search(s) and re.search(r"\S的(?:依据|出处|来源|先例)", s)))


def _concept(s: str) -> Intent | None:
    if about_a_row(s) or CHECK_VERB.search(s):
        return None  # "帮我查查中期跟年度的对不对得上" asks for a check of the draft
    topic = asked_topic(s)
    return Intent("concept", s, topic=topic.id) if topic else None


def _compare(s: str) -> Intent | None:
    places = places_in(s)
    if len(places) < 2 or not COMPARE.search(s):
        return None
    return Intent("compare", s, topic=_place_topic(s, places), places=places)


def _browse(s: str) -> Intent | None:
    places = places_in(s)
    if not places or not BROWSE.search(s):
        return None
    return Intent("browse", s, topic=_place_topic(s, places), places=places)


def _place_topic(s: str, places: list[str]) -> str | None:
    """"上海的物业费指标有哪些" → "物业费": the message less the places, the browsing words and politeness."""
    rest = s
    for place in places:
        rest = rest.replace(place, " ")
    rest = re.sub(r"(?:市|省|县|区)?(?:和|与|跟|及|、|,|，|的|那边|这边)+", " ", rest)
    rest = COMPARE.sub(" ", BROWSE.sub(" ", rest))
    rest = re.sub(r"一下|一比|帮我|给我|请问|请|看看|写的|的|吧|呢|吗|啊|呀|了|们|是|怎么|如何|下|写|看", " ", rest)
    topic = topic_of(re.sub(r"\s+", "", rest))
    return topic if topic and re.search(r"[\u4e00-\u9fff]{2}", topic) else None


def _explain(s: str) -> Intent | None:
    if not EXPLAIN.search(s):
        return None
    target = None
    ref = ROW_REF.search(s)
    if ref:
        target = ref.group(0)
    else:
        m = re.search(r"(?:为什么|为啥|凭什么)(?:要|会)?(?:用|选|选择|设|设置|写|加|放|有)?(?:了)?(?P<t>.+?)"
                      r"(?:这个指标|这项指标|指标|这一项)?" + TAIL, s)
        if m:
            target = m.group("t")
        else:
            m = re.search(r"^(?:请问)?(?P<t>.+?)(?:的)?(?:依据|出处|来源|先例|根据)", s)
            target = m.group("t") if m else None
    target = _strip_row_words(target or "")
    return Intent("explain", s, target=target or None)


def _suggest(s: str) -> Intent | None:
    if not SUGGEST.search(s):
        return None
    return Intent("suggest", s, topic=topic_of(s))


def topic_of(s: str) -> str | None:
    """"12329短信项目有哪些指标可以参考" → "12329短信"; "物业费一般设什么指标" → "物业费"."""
    m = TOPIC_CUT.search(s)
    head = s[: m.start()] if m else s
    head = re.sub(rf"^{POLITE}(?:问一下|问下|想知道|想问|看看|查一下|查查|了解一下|告诉我)*", "", head)
    head = re.sub(r"^(?:像|关于|对于)", "", head)
    head = re.sub(r"^.*?(?:比如说?|例如|譬如|像是)\s*", "", head)  # "不是公积金的 比如道路保洁外包"
    head = re.sub(r"(?:这类|这种|这一类|一类|类|的)*(?:项目)?(?:这类|类|的)*$", "", head).strip(" ,:")
    return head or None


def _strip_row_words(target: str) -> str:
    """"第3个指标" → "第3个", "满意度指标" → "满意度"; "这个指标" stays (it means the focused row)."""
    t = target.strip().strip("「」\"'“”")
    if FOCUS_WORDS.match(t):
        return t
    t = re.sub(r"^(?:这个|该|此)", "", t)
    return re.sub(r"(?:这个|这项|这条)?(?:指标|这一?行)$", "", t).strip()


def row_number(target: str | None) -> int | None:
    """"第3个指标" / "第三行" → 3 (1-based), None when the text names no row."""
    m = ROW_REF.search(target or "")
    if not m:
        return None
    n = m.group("n")
    value = int(n) if n.isdigit() else chinese_number(n)
    return int(value) if value else None


def level2_word(text: str) -> Level2 | None:
    """The 二级 a short phrase names: "时效" / "满意度" / "社会效益" / "可持续影响指标"."""
    s = re.sub(r"(?:方面|类|的|性)?(?:指标)?$", "", text.strip())
    for word, level2 in LEVEL2_WORDS:
        if s == word or s == word.removesuffix("性"):
            return level2
    return None


