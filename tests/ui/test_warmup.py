"""The page's background warm-up (assistant/ui/warmup.py): never blocks, says how it ended."""
from __future__ import annotations

import threading
import time

from assistant.errors import PrecedentIndexError
from assistant.ui.warmup import FAILED, LOADING, READY, Warmup


def test_it_returns_at_once_and_reports_progress_then_ready():
    release = threading.Event()

    def work(progress):
        progress("指标", 64, 279)
        release.wait(5)

    started = time.monotonic()
    w = Warmup(work)
    assert time.monotonic() - started < 0.5 and w.state == LOADING
    assert w.wait(0.2) is False
    release.set()
    assert w.wait(5) and w.state == READY and w.building == ("指标", 64, 279)
    assert w.seconds is not None and w.message == ""


def test_an_index_error_becomes_the_chinese_reason():
    def work(progress):
        raise PrecedentIndexError("数据目录不可写")

    w = Warmup(work)
    assert w.wait(5) and w.state == FAILED
    assert w.message == "先例索引暂不可用：数据目录不可写"


def test_an_unexpected_error_is_reported_not_raised():
    def work(progress):
        raise RuntimeError("boom")

    w = Warmup(work)
    assert w.wait(5) and w.state == FAILED and "起草、检查和导出仍可使用" in w.message


def test_the_page_is_drawn_while_the_model_still_loads(monkeypatch):
    """A page wired as app.py is (status line first, start() last) finishes its run at once."""
    from streamlit.testing.v1 import AppTest

    from assistant.ui import warmup

    release = threading.Event()
    monkeypatch.setattr(warmup, "warm", lambda progress: release.wait(10))
    warmup._warmup.clear()
    monkeypatch.setattr(warmup, "_current", None)

    def page():
        import streamlit as st

        from assistant.ui import warmup

        warmup.show_status()
        st.chat_input("输入问题")
        warmup.start()

    try:
        at = AppTest.from_function(page, default_timeout=5)
        started = time.monotonic()
        at.run()
        assert time.monotonic() - started < 3 and not at.exception
        assert len(at.chat_input) == 1
        assert any("正在后台" in c.value for c in at.caption)
        w = warmup.current()
        assert w is not None and w.state == LOADING
        release.set()
        assert w.wait(5) and w.state == READY
        at.run()
        assert not any("正在后台" in c.value for c in at.caption)
    finally:
        release.set()
        warmup._warmup.clear()
