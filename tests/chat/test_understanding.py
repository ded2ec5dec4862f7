"""Messages no pattern reads: matched to example messages, asked about when unsure."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.chat.session import ChatSession
from assistant.chat.understanding import Understanding


class FakeEmbed:
    """Bag of bigrams hashed into 256 dims: a stand-in for e5 with the same interface."""

    model_id = "fake-bigrams"

    def __call__(self, texts):
        from assistant.text import bigrams

        out = np.zeros((len(texts), 256), np.float32)
        for i, text in enumerate(texts):
            for g in bigrams(text):
                out[i, hash(g) % 256] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@pytest.fixture
def chat(fake_finder, tmp_path, monkeypatch):
    monkeypatch.setenv("JX_DATA_DIR", str(tmp_path))
    from assistant.config import get_settings

    get_settings.cache_clear()
    yield ChatSession(finder=fake_finder, understanding=Understanding())
    get_settings.cache_clear()


def test_a_vague_message_gets_a_question_not_a_shrug(chat):
    reply = chat.turn("效益那块不太会弄")
    assert reply.action in ("concept", "clarify")
    assert "没太明白" not in reply.text


def test_nonsense_gets_help(chat):
    reply = chat.turn("今天天气怎么样")
    assert reply.action == "help" and chat.state.table is None


def test_a_routed_draft_request_drafts(chat):
    reply = chat.turn("给我出一份物业管理费的表 预算20万 2025年")
    assert reply.action == "draft" and chat.state.table.budget == 20


def test_vectors_are_cached_on_disk_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("JX_DATA_DIR", str(tmp_path))
    from assistant.config import get_settings

    get_settings.cache_clear()
    calls = []
    embed = FakeEmbed()

    def counting(texts):
        calls.append(len(texts))
        return embed(texts)

    first = Understanding(embed=counting)
    first.read("时效指标是什么意思")
    Understanding(embed=counting).read("依据怎么选")
    assert calls[0] == len(first.texts) and all(n == 1 for n in calls[1:])  # examples embedded once
    assert list((tmp_path / "cache").glob("chat-examples-*.npy"))
    get_settings.cache_clear()


def test_a_failing_model_falls_back_to_wording():
    def broken(texts):
        raise RuntimeError("model gone")

    reading = Understanding(embed=broken).read("时效指标是啥")
    assert reading.best.label == "concept:timeliness"
