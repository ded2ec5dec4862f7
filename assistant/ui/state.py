"""The page's session: who the browser is, which draft is open, and saving after every change.

st.session_state holds data only (the SessionState, findings, ids); clients (the draft store, the
drafters) come from @st.cache_resource. The owner id lives in the URL (?u=…), so a refresh or an app
restart finds the same drafts, and two browsers never share one.

Saving cannot lose work: text typed into the chat is cleaned where it enters (text.clean_input); a save
that fails is reported on the page; a draft saved by another tab since this one opened it is not
overwritten (the store's version check) — this tab's work is kept as a new draft beside it; and a
message that starts a new project saves it as a new draft, the old one staying in 我的草稿.
"""
from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from assistant.chat.session import ChatSession
from assistant.chat.state import SessionState
from assistant.drafting.factory import make_drafter
from assistant.drafting.frame import Drafter
from assistant.review.check import check_table
from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.schema import Finding, TargetTable
from assistant.output.storage import (
    DEFAULT_NAME,
    ConflictError,
    Draft,
    DraftStore,
    default_store,
    is_id,
    new_id,
)
from assistant.taxonomy import Variant
from assistant.text import clean_input

log = logging.getLogger("assistant.ui.app")
ss = st.session_state
DEBUG = bool(os.environ.get("JX_DEBUG"))  # the page's own timings in the sidebar (issue 13)


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Time a part of this page run (ms) for the JX_DEBUG panel; free when JX_DEBUG is unset."""
    if not DEBUG:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        runs = ss.setdefault("timings", {})
        runs[what] = runs.get(what, 0.0) + (time.perf_counter() - started) * 1000


def show_timings() -> None:
    """The last complete page run's parts, slowest first (JX_DEBUG=1 only)."""
    if not DEBUG:
        return
    with st.expander("调试：上一次页面运行的耗时（毫秒）"):
        last = ss.get("timings_last") or {}
        st.table([{"环节": k, "毫秒": round(v, 1)} for k, v in sorted(last.items(), key=lambda kv: -kv[1])])


def end_run() -> None:
    """Close this run's timings: the panel shows them on the next run."""
    if DEBUG:
        ss["timings_last"], ss["timings"] = ss.get("timings", {}), {}


@st.cache_resource(show_spinner=False)
def store() -> DraftStore:
    return default_store()


@st.cache_resource(show_spinner=False)
def drafter(variant: str) -> Drafter:
    """The configured drafter (the LLM one when JX_LLM_* is set), the same the CLI uses; one per variant
    and process, so its caches outlive a rerun."""
    return make_drafter(variant=Variant(variant))


def variant() -> Variant:
    return Variant.MOF_2021 if ss.get("cost_as_level1") else Variant.PROVINCIAL


class PageChat(ChatSession):
    """The page's ChatSession: the message is cleaned where it enters, and a turn that drafts a
    different project marks the next save as a new draft."""

    def turn(self, text: str):
        before = self.state.table.project_name if self.state.table is not None else None
        reply = super().turn(clean_input(text))
        after = self.state.table.project_name if self.state.table is not None else None
        if reply.action == "draft" and before is not None and after != before:
            ss.new_project = before
        return reply


def chat() -> ChatSession:
    """A ChatSession over this browser's state; cheap to build, so built per use, never stored."""
    return PageChat(ss.state, drafter=drafter(variant().value))


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text: str | None) -> str:
    """User text shown through st.markdown as typed: no formatting, links, maths, HTML or entities."""
    return _MARKDOWN.sub(r"\\\1", clean_input(text)).replace("\n", "  \n")


# --- messages that outlive a rerun (callbacks run before the page is drawn) -------------------

def flash(kind: str, text: str) -> None:
    ss.setdefault("flash", []).append((kind, text))


def show_flash() -> None:
    for kind, text in ss.pop("flash", []):
        getattr(st, kind)(text)


@contextmanager
def guard(what: str) -> Iterator[None]:
    """AssistantError → its Chinese message; anything else → a Chinese message, the traceback to the log."""
    try:
        yield
    except AssistantError as exc:
        st.error(str(exc))
    except Exception:
        log.exception("unexpected error while %s", what)
        st.error(f"{what}时出现意外错误，草稿未改动。请重试；如果问题反复出现，请刷新页面。")


def safely(what: str, func, *args, **kwargs) -> bool:
    """Run a callback's work; on failure restore the state and keep a message for the page."""
    before = ss.state.model_copy(deep=True)
    try:
        func(*args, **kwargs)
        return True
    except AssistantError as exc:
        ss.state = before
        flash("error", str(exc))
    except Exception:
        log.exception("unexpected error while %s", what)
        ss.state = before
        flash("error", f"{what}时出现意外错误，草稿未改动。")
    return False


# --- the owner and the open draft ---------------------------------------------------------------

def _owner() -> str:
    owner = st.query_params.get("u")
    if not is_id(owner):
        owner = new_id()
        st.query_params["u"] = owner
    return owner


def init() -> None:
    """Once per browser session: find the owner, reopen the draft in the URL or the latest one."""
    if "state" in ss:
        return
    ss.owner = _owner()
    ss.grid_version = 0
    ss.cost_as_level1 = {"1": True, "0": False}.get(st.query_params.get("c", ""), get_settings().cost_as_level1)
    draft: Draft | None = None
    try:
        wanted = st.query_params.get("d")
        draft = store().load(ss.owner, wanted) if is_id(wanted) else None
        draft = draft or store().latest(ss.owner)
    except AssistantError as exc:
        flash("error", f"{exc}；已新建一个空白草稿。")
    open_draft(draft)


def open_draft(draft: Draft | None) -> None:
    ss.state = draft.state if draft else SessionState()
    ss.draft_id = draft.id if draft else None
    ss.draft_version = draft.version if draft else None
    ss.custom_name = draft.name if draft and draft.name != auto_name(draft.state) else None
    ss.findings = findings_for(ss.state.table)
    ss.grid_version = ss.get("grid_version", 0) + 1
    if draft:
        st.query_params["d"] = draft.id
    elif "d" in st.query_params:
        del st.query_params["d"]


def findings_for(table: TargetTable | None) -> list[Finding]:
    if table is None:
        return []
    try:
        return check_table(table)  # both taxonomy variants accepted, as ChatSession checks
    except Exception:  # a checker bug must not hide the draft
        log.exception("check_table failed")
        return []


def auto_name(state: SessionState) -> str:
    return (state.brief.name or (state.table.project_name if state.table else "") or DEFAULT_NAME).strip()


def draft_name() -> str:
    return ss.custom_name or auto_name(ss.state)


def save() -> bool:
    """Autosave: called after every change. Never raises; a failure is reported (flash), never silent."""
    if ss.draft_id is None and ss.state == SessionState():
        return True  # nothing typed yet: don't litter the draft list with empty drafts
    old_project = ss.pop("new_project", None)
    if old_project is not None and ss.draft_id is not None:
        ss.draft_id, ss.draft_version, ss.custom_name = None, None, None  # the old draft stays as saved
        flash("info", f"新项目已另存为新草稿；原草稿《{plain(old_project)}》仍在“我的草稿”中。")
    try:
        ss.draft_id, ss.draft_version = store().put(ss.owner, ss.draft_id, draft_name(), ss.state,
                                                    ss.get("draft_version"))
    except ConflictError as exc:
        return _keep_as_copy(exc)
    except AssistantError as exc:
        flash("error", f"自动保存失败：{exc}。您的修改仍在本页，下一次修改时会再次保存；也可先导出备份。")
        return False
    except Exception:
        log.exception("autosave failed")
        flash("error", "自动保存失败（意外错误）。您的修改仍在本页，下一次修改时会再次保存；也可先导出备份。")
        return False
    st.query_params["d"] = ss.draft_id
    return True


def _keep_as_copy(conflict: ConflictError) -> bool:
    """Another tab saved this draft meanwhile: keep both, never overwrite theirs with ours."""
    name = f"{draft_name()}（本页副本）"
    try:
        ss.draft_id, ss.draft_version = store().put(ss.owner, None, name, ss.state)
    except AssistantError as exc:
        flash("error", f"{conflict}；本页的修改也未能另存：{exc}")
        return False
    ss.custom_name = name
    st.query_params["d"] = ss.draft_id
    flash("warning", f"{plain(str(conflict))}。为不覆盖那边的修改，本页的内容已另存为新草稿“{plain(name)}”，"
                     "两份都在“我的草稿”中。")
    return True


def changed(findings: list[Finding] | None = None, *, grid: bool = True) -> bool:
    """After any change to the state: refresh findings, redraw the grid, save."""
    with timed("检查"):
        ss.findings = findings if findings is not None else findings_for(ss.state.table)
    if grid:
        ss.grid_version = ss.get("grid_version", 0) + 1
    with timed("自动保存（SQLite）"):
        return save()


def set_table(table: TargetTable) -> None:
    """Grid edits, one-click fixes, 加入草稿: the same path as the chat's revisions."""
    findings = chat().set_table(table)
    changed(findings)
