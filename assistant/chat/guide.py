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
    r"(?:可以|能|能否|是否|要不|需要|必须|应该|算).{0,10}(?:吗|么|嘛)"
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


def asked_topic(text: str, guide: Guide | None = None) -> Topic | None:
    """The topic a question names, when the message is a question about a concept (fast path).

    The longest term wins ("产出和效益" over "效益"), so a comparison reaches the comparison topic."""
    if not QUESTION.search(text):
        return None
    guide = guide or load_guide()
    found = [(len(term), t) for t in guide.topics for term in t.terms if term in text]
    return max(found, key=lambda x: x[0])[1] if found else None


def answer(topic: Topic, guide: Guide | None = None) -> str:
    guide = guide or load_guide()
    lines = [f"**{topic.title}**", topic.answer.strip(),
             "出处：" + "；".join(guide.sources[s] for s in topic.sources)]
    example = corpus_example(topic.example)
    if example is not None:
        basis = f"，依据：{example.basis_note}" if example.basis_note else ""
        lines.append(f"语料中的例子：{example.city}{example.year or ''}《{example.project}》"
                     f"——{example.name} {example.value}{basis}")
    return "\n\n".join(lines)


def corpus_example(spec: Example) -> IndicatorRecord | None:
    """A real row that shows the concept: of the 二级 (or basis, or wording) asked for, with a value,
    a 依据 when one exists and a short name; the same row every time."""
    level2 = normalize_level2(spec.level2) if spec.level2 else None
    rows = [r for r in iter_records()
            if r.value and len(r.name) <= 14
            and (level2 is None or r.level2 is level2)
            and (spec.basis is None or (r.basis is not None and r.basis.value == spec.basis))
            and (spec.name_contains is None or spec.name_contains in r.name)]
    rows.sort(key=lambda r: (r.basis_note is None, "*" in r.value, len(r.name), r.source, r.line or 0))
    return rows[0] if rows else None
