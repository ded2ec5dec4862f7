"""What a message means when no phrase pattern matched: the nearest example messages decide.

Examples are data (corpus/guide/intents.yaml per intent, and each guide topic's questions). With the
e5 model (the one the precedent index already loads) "nearest" is by meaning; without it, by wording
(character-bigram Dice), so the chat still degrades gracefully in tests and without an index. When the
best two labels are about as near, the reply asks which one was meant instead of saying "没太明白".
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant.chat.guide import Guide, load_guide
from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.search.index import embed_texts
from assistant.text import bigrams, dice

log = logging.getLogger(__name__)

Embed = Callable[[Sequence[str]], np.ndarray]  # texts → L2-normalised rows
CONCEPT = "concept:"

# e5 cosines sit in a narrow band (EMBEDDING.md): judged by the margin to the next label, not alone.
MIN_COSINE, MIN_MARGIN = 0.86, 0.012
MIN_DICE, MIN_DICE_MARGIN = 0.34, 0.08
# Near enough to offer as "您是想……吗？" (below: the message is about something else entirely).
OFFER_COSINE, OFFER_DICE = 0.89, 0.25
# Bigrams of how people ask, not of what they ask about: left out when matching by wording.
_FILLER = {"怎么", "什么", "一下", "一个", "可以", "哪些", "有没", "没有", "是不", "不是", "这个", "那个", "帮我",
           "给我", "我们", "我要", "我想", "项目", "指标", "一般", "有什", "么样", "怎样", "吗", "呢", "的"}


@dataclass(frozen=True)
class Guess:
    label: str  # an intent ("suggest") or a guide topic ("concept:timeliness")
    score: float


@dataclass(frozen=True)
class Reading:
    best: Guess | None
    runner_up: Guess | None
    confident: bool  # the best label can be acted on
    plausible: bool = False  # the best two are worth offering as a question


@lru_cache(maxsize=2)
def load_examples(path: Path | None = None) -> dict[str, dict]:
    path = path or get_settings().corpus_dir / "guide" / "intents.yaml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))["intents"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise AssistantError(f"对话示例无法读取：{path.name}（{exc}）") from exc


def offer(label: str, text: str = "", guide: Guide | None = None) -> str:
    """How the clarifying question names a label; a short message is named in it ("培训" → 看看“培训”类…)."""
    if label.startswith(CONCEPT):
        topic = (guide or load_guide()).topic(label.removeprefix(CONCEPT))
        return f"了解“{topic.title}”是什么、怎么填"
    words = text.strip(" ，,。？?!！")
    if 2 <= len(words) <= 12 and label == "suggest":
        return f"看看“{words}”类项目常用哪些指标"
    if 2 <= len(words) <= 12 and label == "draft":
        return f"起草“{words}”项目的绩效目标表（请告诉我预算和年度）"
    return load_examples()[label]["offer"]


class Understanding:
    """Nearest examples per label; ``embed`` None means by wording only."""

    def __init__(self, embed: Embed | None = None, *, guide: Guide | None = None):
        self.guide = guide or load_guide()
        pairs = [(label, text) for label, spec in load_examples().items() for text in spec["examples"]]
        pairs += [(CONCEPT + t.id, q) for t in self.guide.topics for q in t.questions + t.terms]
        self.labels = [label for label, _ in pairs]
        self.texts = [text for _, text in pairs]
        self._grams = [_words(t) for t in self.texts]
        self.embed = embed
        self._vectors: np.ndarray | None = None

    def read(self, text: str) -> Reading:
        ranked = self.rank(text)
        best = ranked[0] if ranked else None
        second = ranked[1] if len(ranked) > 1 else None
        if best is None:
            return Reading(None, None, False)
        meaning = self._by_meaning()
        floor, margin = (MIN_COSINE, MIN_MARGIN) if meaning else (MIN_DICE, MIN_DICE_MARGIN)
        confident = best.score >= floor and (second is None or best.score - second.score >= margin)
        return Reading(best, second, confident, best.score >= (OFFER_COSINE if meaning else OFFER_DICE))

    def rank(self, text: str) -> list[Guess]:
        """Labels by their nearest example, best first (one entry per label)."""
        scores = self._scores(text)
        best: dict[str, float] = {}
        for label, score in zip(self.labels, scores):
            best[label] = max(score, best.get(label, -1.0))
        return sorted((Guess(label, round(float(s), 4)) for label, s in best.items()), key=lambda g: -g.score)

    def _by_meaning(self) -> bool:
        return self.embed is not None and self._example_vectors() is not None

    def _scores(self, text: str) -> list[float]:
        if self._by_meaning():
            try:
                query = self.embed([text])[0]
                return list(self._example_vectors() @ query)
            except Exception as exc:  # the model failed: by wording, never no answer
                log.warning("embedding a chat message failed: %r", exc)
        grams = _words(text)
        return [dice(grams, g) for g in self._grams]

    def _example_vectors(self) -> np.ndarray | None:
        if self._vectors is None and self.embed is not None:
            try:
                self._vectors = _cached_vectors(self.texts, self.embed)
            except Exception as exc:
                log.warning("embedding the chat examples failed, reading by wording: %r", exc)
                self.embed = None
        return self._vectors


def _words(text: str) -> set[str]:
    return bigrams(text) - _FILLER


def _cached_vectors(texts: list[str], embed: Embed) -> np.ndarray:
    """The examples' vectors, kept in the data directory (a few seconds to embed, 0.1 ms to load)."""
    key = hashlib.sha256(("\n".join(texts) + "|" + getattr(embed, "model_id", "e5")).encode()).hexdigest()[:16]
    path = get_settings().data_dir / "cache" / f"chat-examples-{key}.npy"
    if path.exists():
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
        except (OSError, ValueError):
            pass
    vectors = np.asarray(embed(texts), dtype=np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    except OSError as exc:
        log.warning("chat example vectors not cached: %r", exc)
    return vectors


@lru_cache(maxsize=1)
def default_understanding() -> Understanding:
    """By meaning with the precedent index's e5 model (loaded when first needed, shared with search)."""
    return Understanding(embed=embed_texts)
