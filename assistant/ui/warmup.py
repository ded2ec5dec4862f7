"""The page's warm-up: the precedent index and the embedding model, loaded in the background.

The page used to wait for the model before drawing anything (12–17 s from `streamlit run` to a usable
chat box on two cores). Now the first run starts one background thread per server process (held by
@st.cache_resource, so every tab and rerun shares it) and draws the page at once; a small status line
says the model is warming. A message sent meanwhile simply waits for the load inside the turn
(get_embedder holds a lock, so the model is never loaded twice), under the chat's own spinner.

    warmup.show_status()    # near the top: a caption while loading, a warning if it failed, nothing once ready
    warmup.start()          # at the end of the page's run, never blocks
    warmup.problem()        # None, or the Chinese reason the index cannot be used (non-blocking)

Started at the END of the first run, not the top: the load (tokenizer, ONNX session, chromadb's import)
holds the GIL for much of a second at a time, and would otherwise slow the very render it waits for.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

import streamlit as st

from assistant.errors import AssistantError

log = logging.getLogger("assistant.ui.warmup")

LOADING, READY, FAILED = "loading", "ready", "failed"


def warm(progress: Callable[[str, int, int], None] | None = None) -> None:
    """Bring the index up to date, load the model (any query loads it, and the lexical index), then
    what a first suggestion or draft would load: jieba's tagger and the common-indicator library
    (~2 s of the first reply in a new process otherwise)."""
    from assistant.drafting.suggest import suggest
    from assistant.search.index import get_index, search_precedents

    get_index().build(progress=progress or False)
    search_precedents("租赁费", k=1)
    suggest("租赁费")


class Warmup:
    """One background run of ``work``; its state is read by every session without locking
    (a str assignment is atomic, and a reader that sees the old value sees it again next time)."""

    def __init__(self, work: Callable[..., None] | None = None):
        self.state = LOADING
        self.message = ""
        self.building: tuple[str, int, int] | None = None  # (label, done, total) while embedding
        self.started = time.monotonic()
        self.seconds: float | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(work or warm,), name="jx-warmup", daemon=True)
        self._thread.start()

    def _progress(self, label: str, done: int, total: int) -> None:
        self.building = (label, done, total)

    def _run(self, work: Callable[..., None]) -> None:
        try:
            work(self._progress)
            self.state = READY
        except AssistantError as exc:
            log.warning("precedent index unavailable: %s", exc)
            self.message, self.state = f"先例索引暂不可用：{exc}", FAILED
        except Exception:  # the page still drafts, checks and exports without the index
            log.exception("warm-up failed")
            self.message, self.state = "先例索引加载时出现意外错误；起草、检查和导出仍可使用，检索先例时会再试一次。", FAILED
        finally:
            self.seconds = time.monotonic() - self.started
            if os.environ.get("JX_DEBUG"):
                print(f"[jx] warm-up {self.state} in {self.seconds:.2f} s", file=sys.stderr, flush=True)
            self._done.set()

    @property
    def elapsed(self) -> float:
        return self.seconds if self.seconds is not None else time.monotonic() - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """True once the warm-up has ended (ready or failed) within ``timeout`` seconds."""
        return self._done.wait(timeout)


_current: Warmup | None = None  # the one start() made: read without starting it


@st.cache_resource(show_spinner=False)
def _warmup() -> Warmup:
    global _current
    _current = Warmup()
    return _current


def start() -> Warmup:
    """The process's warm-up (one for all tabs), started by the first page run; returns at once."""
    return _warmup()


def current() -> Warmup | None:
    return _current


def problem() -> str | None:
    """None while loading or when ready; the Chinese reason when the index could not be had."""
    w = current()
    return w.message if w is not None and w.state == FAILED else None


def show_status() -> None:
    """Nothing once ready; otherwise a line that updates itself until the warm-up ends."""
    w = current()
    if w is not None and w.state == READY:
        return
    if w is not None and w.state == FAILED:
        st.warning(w.message)
        return
    _status()


@st.fragment(run_every=1.0)
def _status() -> None:
    w = current()
    if w is None or w.state == LOADING:
        if w is None:
            st.caption("⏳ 正在后台加载向量模型和先例索引。可以先输入问题，加载完成后即回复。")
            return
        what = "加载向量模型和先例索引"
        if w.building:
            label, done, total = w.building
            what = f"建立先例索引（{label} {done}/{total}）"
            st.progress(done / max(total, 1))
        st.caption(f"⏳ 正在后台{what}（{w.elapsed:.0f} 秒）。可以先输入问题，加载完成后即回复；"
                   "起草表格、检查和导出不受影响。")
        return
    st.rerun()  # ended: one full run draws the page without this ticking line (or with the warning)
