"""Sidebar: 项目信息 (synced both ways with the chat's brief), 我的草稿, and the 成本指标 setting."""
from __future__ import annotations

import zlib
from datetime import datetime

import streamlit as st

from assistant.ui import state as S
from assistant.drafting.brief import find_period_years
from assistant.schema import ProjectBrief
from assistant.errors import AssistantError, BriefError
from assistant.taxonomy import Variant, placed
from assistant.values import format_number

ss = st.session_state

# (field of ProjectBrief, label, placeholder); 资金用途 is a text area, the rest one-line inputs
FIELDS = [
    ("name", "项目名称", "例如：房屋租赁费"),
    ("budget", "预算（万元）", "例如：60.13、60万元、六十万"),
    ("year", "年度", "例如：2025"),
    ("period_years", "项目期（年）", "例如：1、3年、2025—2027年"),
    ("department", "主管部门", ""),
    ("implementing_unit", "实施单位", ""),
    ("description", "资金用途", "这笔钱用来做什么，例如：租赁办公用房1800平方米，保障业务正常开展"),
]
_COST_MODES = ["产出指标下的二级指标（多数省份）", "单列为一级指标（财预〔2021〕101号）"]


def shown(brief: ProjectBrief, field: str) -> str:
    value = getattr(brief, field)
    if value is None:
        return ""
    if field == "budget":
        return format_number(value)
    return str(value)


def parse_period(text: str) -> int:
    text = text.strip()
    years = int(text) if text.isdigit() else find_period_years(f"项目期{text}" if "年" in text else text)
    if not years or not 1 <= years <= 10:
        raise BriefError(f"项目期无法识别：{text}。请填写年数，例如 1、3年 或 2025—2027年")
    return years


def _on_field(field: str) -> None:
    raw = ss.get(f"brief_{field}") or ""
    errors = ss.setdefault("brief_errors", {})
    try:
        value = (parse_period(raw) if raw.strip() else 1) if field == "period_years" else raw
        S.chat().update_brief(**{field: value})  # validates; the state changes only on success
    except BriefError as exc:
        errors[field] = str(exc)  # the box keeps what was typed, so it can be corrected
        return
    except Exception:
        S.log.exception("update_brief(%s) failed", field)
        errors[field] = "无法更新这一项，项目信息未改动。"
        return
    errors.pop(field, None)
    ss.brief_shown[field] = shown(ss.state.brief, field)
    S.changed()


def _sync_widgets() -> None:
    """Brief → boxes, for every field the chat (or an opened draft) changed since last shown."""
    last = ss.setdefault("brief_shown", {})
    errors = ss.setdefault("brief_errors", {})
    for field, *_ in FIELDS:
        text = shown(ss.state.brief, field)
        if last.get(field) != text:
            ss[f"brief_{field}"] = text
            last[field] = text
            errors.pop(field, None)


def project_info() -> None:
    st.header("项目信息")
    _sync_widgets()
    for field, label, hint in FIELDS:
        widget = st.text_area if field == "description" else st.text_input
        widget(label, key=f"brief_{field}", placeholder=hint or None, on_change=_on_field, args=(field,))
        if error := ss.brief_errors.get(field):
            st.error(error)
        elif field == "budget" and ss.state.brief.budget is not None:
            typed = (ss.get("brief_budget") or "").strip()
            if typed and typed != shown(ss.state.brief, "budget"):
                st.caption(f"折合 {format_number(ss.state.brief.budget)} 万元")


# --- 我的草稿 -----------------------------------------------------------------------------------

def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%m-%d %H:%M")
    except ValueError:
        return ""


def _open(draft_id: str) -> None:
    S.save()
    try:
        draft = S.store().load(ss.owner, draft_id)
    except AssistantError as exc:  # a corrupt row: say so, keep the current draft open
        S.flash("error", str(exc))
        return
    if draft is None:
        S.flash("warning", "该草稿已不存在。")
        return
    S.open_draft(draft)


def _new() -> None:
    S.save()
    S.open_draft(None)


def _rename(key: str) -> None:
    ss.custom_name = " ".join((ss.get(key) or "").split())[:80] or None
    S.save()


def _delete() -> None:
    ss.confirm_delete = False
    try:
        if ss.draft_id:
            S.store().delete(ss.owner, ss.draft_id)
            S.flash("success", f"已删除草稿“{S.draft_name()}”。")
        S.open_draft(S.store().latest(ss.owner))
    except AssistantError as exc:
        S.flash("error", f"删除失败：{exc}")


def drafts() -> None:
    st.header("我的草稿")
    name = S.draft_name()
    # keyed by the name, so the box shows the new name whenever the chat or a rename changes it
    key = f"draft_name_{ss.draft_id}_{zlib.crc32(name.encode())}"
    st.text_input("当前草稿名称（回车保存）", value=name, key=key, max_chars=80, on_change=_rename, args=(key,))
    if not ss.draft_id:
        st.caption("尚未保存：开始对话后自动保存。")
    a, b = st.columns(2)
    a.button("新建草稿", key="draft_new", on_click=_new, width="stretch")
    if b.button("删除草稿", key="draft_delete", disabled=not ss.draft_id, width="stretch"):
        ss.confirm_delete = True
    if ss.get("confirm_delete"):
        st.warning(f"确认删除“{S.plain(name)}”？删除后无法恢复。")
        c, d = st.columns(2)
        c.button("确认删除", key="draft_delete_yes", type="primary", on_click=_delete)
        d.button("取消", key="draft_delete_no", on_click=lambda: ss.update(confirm_delete=False))
    for info in S.store().list_drafts(ss.owner):
        if info.id == ss.draft_id:
            continue
        name_col, button_col = st.columns([3, 1], vertical_alignment="center")
        name_col.markdown(f"{S.plain(info.name)}  \n:gray[{_when(info.updated_at)}]")
        button_col.button("打开", key=f"open_{info.id}", on_click=_open, args=(info.id,))


# --- settings -------------------------------------------------------------------------------------

def _on_cost_mode() -> None:
    ss.cost_as_level1 = ss.cost_mode == _COST_MODES[1]
    st.query_params["c"] = "1" if ss.cost_as_level1 else "0"
    if ss.state.table is not None:
        S.safely("调整成本指标位置", S.set_table, placed(ss.state.table, Variant.MOF_2021 if ss.cost_as_level1 else Variant.PROVINCIAL))


def settings() -> None:
    st.header("设置")
    if "cost_mode" not in ss:
        ss.cost_mode = _COST_MODES[1 if ss.cost_as_level1 else 0]
    st.caption("成本指标放在哪里，按您所在地财政给的表样选：多数省份放在“产出指标”下，"
               "中央部门按财预〔2021〕101号单列为一级。切换后表格和导出随之调整。")
    st.radio("成本指标", _COST_MODES, key="cost_mode", on_change=_on_cost_mode,
             help="各地表样不同：多数省份把成本指标放在产出指标下；财预〔2021〕101号把成本指标单列为一级指标。")


def render() -> None:
    project_info()
    st.divider()
    drafts()
    st.divider()
    settings()
