"""Concept answers: what a novice asks before drafting ("什么叫时效指标", "依据一栏填什么").

The guidance base is data (corpus/guide/topics.yaml, in our own words, each topic citing its sources).
A question reaches a topic in two ways: the fast path here (a question form plus a term that names the
topic), or by meaning among the example questions (understanding.py). Each answer names its sources and
ends with a real row of the corpus, so the preparer sees the concept in a form that was filed.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.config import get_settings
from assistant.corpus.store import iter_records
from assistant.errors import AssistantError
from assistant.schema import IndicatorRecord
from assistant.taxonomy import normalize_level2

# A question about what something is, how to fill it, or how two things differ.
QUESTION = re.compile(
    r"什么是|什么叫|啥叫|何为|是什么|是啥|啥意思|什么意思|指什么|指的是|意思是|含义|定义|"
    r"区别|区分|不同|差别|分不清|一样吗|怎么分|"
    r"怎么填|如何填|填什么|填啥|怎么写|如何写|写什么|写啥|写多少|定多少|设多少|填多少|多少合适|"
    r"怎么选|选什么|怎么定|如何定|怎么设|怎么搭|有哪几|哪几个|能不能|可以吗|行吗|可不可以|要不要|"
    r"为什么.{0,6}(?:退回|不通过|被退)|不会写|搞不懂|不懂|不明白|解释一下|讲一下|说一下|介绍一下|"
    r"(?:可以|能|能否|是否|要不|需要|必须|应该|算).{0,10}(?:吗|么|嘛)|"
    r"有哪些|哪些|几级|几个|几类|几种|选哪|哪个|哪一类|哪类|是个啥|是个什么|干啥用|干什么用|写点啥|写点什么|填点啥|"
    r"是不是|是否|还是|行不行|可不可以|能不能|好不好|对不对|怎么改|如何改|怎么变成|改成定量|呢[?？]?$|[?？]$"
)


class Example(BaseModel):
    level2: str | None = None
    basis: str | None = None
    name_contains: str | None = None


class Topic(BaseModel):
    id: str
    title: str
    terms: list[str]
    questions: list[str]
    answer: str
    sources: list[str]
    example: Example = Field(default_factory=Example)


class Guide(BaseModel):
    sources: dict[str, str]
    topics: list[Topic]

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


def guide_path() -> Path:
    return get_settings().corpus_dir / "guide" / "topics.yaml"


@lru_cache(maxsize=2)
def load_guide(path: Path | None = None) -> Guide:
    path = path or guide_path()
    try:
        guide = Guide.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise AssistantError(f"填报指南无法读取：{path.name}（{exc}）") from exc
    unknown = {s for t in guide.topics for s in t.sources} - set(guide.sources)
    if unknown:
        raise AssistantError(f"填报指南引用了未登记的出处：{'、'.join(sorted(unknown))}")
    return guide


def asked_topic(text: str, guide: Guide | None = None, *, question: bool = True) -> Topic | None:
    """The topic a question names, when the message is a question about a concept (fast path;
    ``question`` False when the caller already knows it is one).

    The longest term wins ("产出和效益" over "效益"), so a comparison reaches the comparison topic."""
    if question and not QUESTION.search(text):
        return None
    guide = guide or load_guide()
    # the longest term, then the one asked about last ("评审是不是不喜欢定性的" asks about 定性)
    found = [(len(term), text.rfind(term), t) for t in guide.topics for term in t.terms if term in text]
    if not found:  # one mistyped character in a longer term: 成夲指标, 绩效目表
        used = {ch for t in guide.topics for term in t.terms for ch in term}
        found = [(len(term), at, t) for t in guide.topics for term in t.terms if len(term) >= 4
                 for at in [_near(term, text, used)] if at >= 0]
    return max(found, key=lambda x: (x[0], x[1]))[2] if found else None


def _near(term: str, text: str, used: set[str]) -> int:
    """Where ``text`` holds ``term`` with one character mistyped (-1 if nowhere). Not the first
    character (绩效指标 is not 时效指标), and not a character the terms themselves use (绩效指标 is not
    绩效目标: 指 is a word of its own there, not a typo)."""
    n = len(term)
    for at in range(len(text) - n + 1):
        diff = [k for k, (a, b) in enumerate(zip(term, text[at:at + n])) if a != b]
        if len(diff) == 1 and diff[0] > 0 and text[at + diff[0]] not in used:
            return at
    return -1


def answer(topic: Topic, guide: Guide | None = None) -> str:
    guide = guide or load_guide()
    lines = [f"**{topic.title}**", topic.answer.strip(),
             "出处：" + "；".join(guide.sources[s] for s in topic.sources)]
    examples = corpus_examples(topic.example, 1)
    if examples:
        lines.append("语料中的例子：" + _example_line(examples[0]))
    return "\n\n".join(lines)


def more_examples(topic: Topic, n: int = 4) -> str:
    """"举个例子": several real rows for the topic last explained."""
    rows = corpus_examples(topic.example, n)
    if not rows:
        return f"语料中暂时没有“{topic.title}”的例子。"
    return f"“{topic.title}”在语料中的例子：\n" + "\n".join(f"- {_example_line(r)}" for r in rows)


def _example_line(row: IndicatorRecord) -> str:
    basis = f"，依据：{row.basis_note}" if row.basis_note else ""
    return f"{row.city}{row.year or ''}《{row.project}》——{row.name} {row.value}{basis}"


def corpus_example(spec: Example) -> IndicatorRecord | None:
    rows = corpus_examples(spec, 1)
    return rows[0] if rows else None


def corpus_examples(spec: Example, n: int) -> list[IndicatorRecord]:
    """Real rows that show the concept: of the 二级 (or basis, or wording) asked for, with a value,
    a 依据 when one exists and a short name; the same rows every time, one per project."""
    level2 = normalize_level2(spec.level2) if spec.level2 else None
    rows = [r for r in iter_records()
            if r.value and len(r.name) <= 14
            and (level2 is None or r.level2 is level2)
            and (spec.basis is None or (r.basis is not None and r.basis.value == spec.basis))
            and (spec.name_contains is None or spec.name_contains in r.name)]
    rows.sort(key=lambda r: (r.basis_note is None, "*" in r.value, len(r.name), r.source, r.line or 0))
    out, seen = [], set()
    for r in rows:
        if (r.source, r.project) not in seen:
            seen.add((r.source, r.project))
            out.append(r)
    return out[:n]
