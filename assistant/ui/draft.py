"""Tab 起草: the chat on the left, the draft on the right (grid, downloads, findings, precedents)."""
from __future__ import annotations

import re
from functools import partial

import streamlit as st

from assistant.ui import state as S
from assistant.chat.state import Reply
from assistant.errors import AssistantError
from assistant.schema import Level1, Level2, Severity, TargetTable
from assistant.ui.grid import (
    COLUMNS,
    MARK,
    MAX_CELL,
    ROW,
    apply_edits,
    has_edits,
    one_click_value,
    precedent_frame,
    set_value,
    table_frame,
)
from assistant.output.form_layout import layout
from assistant.values import format_number

ss = st.session_state

GRID_ROW_PX, GRID_MAX_PX = 35, 660
WELCOME = """您好！我可以根据往年的绩效目标表，帮您起草**项目支出绩效目标申报表**。可以这样说：

- 租赁费项目适合哪些指标
- 帮我起草一个房屋租赁费项目，预算60.13万元，2025年
- 满意度改为≥95%　·　删除第3个指标　·　检查一下　·　导出"""
_MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


# --- chat --------------------------------------------------------------------------------------

def _turn(text: str) -> Reply | None:
    """One chat turn; on any failure the state is put back as it was and the user is told why."""
    before = ss.state.model_copy(deep=True)
    try:
        session = S.chat()
        with S.timed("对话回合（理解、起草或修改、检查）"):
            reply = session.turn(text)
        ss.state = session.state  # the same object, changed in place on success
    except AssistantError as exc:
        ss.state = before
        st.error(str(exc))
        return None
    except Exception:
        S.log.exception("chat turn failed")
        ss.state = before
        st.error("处理这条消息时出现意外错误，草稿未改动。请换个说法再试。")
        return None
    if not S.changed(reply.findings if reply.table is not None else None):
        S.show_flash()  # the autosave failed: say so now, not after the next click
    return reply


_BLOCK = re.compile(r"^\s*(?:[-*] |\||> |\d+\. )")


def chat_markdown(text: str) -> str:
    """The chat's replies break lines with a single newline; Markdown would join them into one
    paragraph. Plain lines get hard breaks; lists and tables get the blank lines they need."""
    out: list[str] = []
    previous_block = None
    for line in text.split("\n"):
        block = bool(_BLOCK.match(line))
        if out and line.strip() and out[-1].strip():
            if block != previous_block:
                out.append("")  # a list or table starts or ends here
            elif not block:
                out[-1] += "  "  # hard line break inside a paragraph
        out.append(line)
        previous_block = block
    return "\n".join(out)


def _message(role: str, text: str) -> None:
    with st.chat_message(role):
        st.markdown(S.plain(text) if role == "user" else chat_markdown(text))


def chat_column() -> None:
    # no fixed height: the conversation grows with the page, so a long reply never hides the question
    box = st.container(border=True)
    with box:
        if not ss.state.history:
            _message("assistant", WELCOME)
        for message in ss.state.history:
            _message(message.role, message.text)
    # no max_chars: a long paste reaches ChatSession, which reads the first MAX_MESSAGE characters and says so
    prompt = st.chat_input("输入问题或修改，例如：满意度改为≥95%", key="chat_input")
    if prompt is None:
        return
    with box:
        _message("user", prompt)
        with st.chat_message("assistant"):
            with st.spinner("正在检索先例…"):
                reply = _turn(prompt)
            if reply is not None:
                st.markdown(chat_markdown(reply.text))
    # no rerun needed: the draft (right) and the sidebar are drawn after this column


# --- the draft -----------------------------------------------------------------------------------

def _apply_grid_edits() -> None:
    """Edits made in the grid since the last run, applied before the grid is drawn again."""
    edits = ss.get(f"grid_{ss.grid_version}")
    if not has_edits(edits):
        return
    if not S.safely("保存表格修改", lambda: S.set_table(apply_edits(ss.state.table, edits))):
        ss.grid_version += 1  # drop the edits that failed, or they would fail on every rerun


def _grid(table: TargetTable) -> None:
    col = st.column_config
    st.data_editor(
        table_frame(table),
        key=f"grid_{ss.grid_version}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        height=min(GRID_ROW_PX * (len(table.indicators) + 2) + 3, GRID_MAX_PX),  # the whole table, if it fits
        disabled=[ROW, MARK],
        column_order=COLUMNS,
        column_config={
            # the name stays in view while the grid scrolls sideways to 依据 and 指标解释
            ROW: col.NumberColumn(ROW, width=36, pinned=True),
            MARK: col.TextColumn(MARK, width=58, pinned=True,
                                 help="✎ 待填：这个指标值只有您知道（数量、日期等），表中先填了先例的典型值，请按项目实际修改"),
            "一级": col.SelectboxColumn("一级指标", options=[v.value for v in Level1], width=84),
            "二级": col.SelectboxColumn("二级指标", options=[v.value for v in Level2], width=96),
            "三级": col.TextColumn("三级指标", max_chars=MAX_CELL, width=190, pinned=True),
            "指标值": col.TextColumn("指标值", max_chars=MAX_CELL, width=110),
            "依据": col.TextColumn("依据", max_chars=MAX_CELL, width=120, help="指标值确定依据：计划标准、历史标准、"
                                   "行业标准、预算支出标准或其他标准，可在括号里写具体文件"),
            "指标解释": col.TextColumn("指标解释", max_chars=MAX_CELL, width=220),
        },
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _export(kind: str, table_json: str) -> bytes:
    from assistant.output import export

    table = TargetTable.model_validate_json(table_json)
    if kind == "json":
        return export.to_json(table).encode("utf-8")
    return {"xlsx": export.to_xlsx, "docx": export.to_docx}[kind](table)


def file_stem(table: TargetTable) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", table.project_name or "").strip("_.")[:60] or "绩效目标"
    return f"{name}_{table.year}年度绩效目标申报表" if table.year else f"{name}_绩效目标申报表"


def downloads(table: TargetTable) -> None:
    """The three downloads, built only when clicked (every change to the table would rebuild all three:
    ~40 ms of a revision's run). The one check that can refuse a table runs now, so its message shows."""
    table_json = table.model_dump_json(exclude_computed_fields=True)
    try:
        with S.timed("导出检查"):
            layout(table)  # an amount that is not a number is refused here, in Chinese
    except AssistantError as exc:
        st.error(str(exc))
        return
    for column, kind in zip(st.columns(3), ("xlsx", "docx", "json")):
        with column:
            st.download_button(f"下载 .{kind}", data=partial(_export, kind, table_json),
                               file_name=f"{file_stem(table)}.{kind}", mime=_MIME[kind], key=f"download_{kind}",
                               on_click="ignore", width="stretch")


def _fix(row: int, value: str) -> None:
    S.safely("采用建议", S.set_table, set_value(ss.state.table, row, value))


def findings_panel() -> None:
    findings = ss.findings
    if not findings:
        st.success("检查通过：未发现问题。")
        return
    counts = {s: sum(f.severity is s for f in findings) for s in Severity}
    st.markdown(f"**检查结果**：{counts[Severity.ERROR]} 个错误，{counts[Severity.WARNING]} 个警告，"
                f"{counts[Severity.INFO]} 个提示")
    show = {Severity.ERROR: st.error, Severity.WARNING: st.warning, Severity.INFO: st.info}
    for n, finding in enumerate(findings):
        text = S.plain(finding.message) + (f"（建议：{S.plain(finding.suggestion)}）" if finding.suggestion else "")
        value = one_click_value(finding.suggestion) if finding.indicator is not None else None
        if value is None:
            show[finding.severity](text)
            continue
        left, right = st.columns([5, 1], vertical_alignment="center")
        with left:
            show[finding.severity](text)
        right.button(f"改为 {value}", key=f"fix_{n}_{finding.code}", on_click=_fix, args=(finding.indicator, value))


def precedents_panel(table: TargetTable) -> None:
    rows = table.indicators
    if not rows:
        return
    with st.expander("每行指标的先例（出处）"):
        pick = st.selectbox(
            "选择指标", list(range(len(rows))), key="precedent_row",
            format_func=lambda i: f"第{i + 1}行 {rows[i].name or '（未命名）'}（{_cited(rows[i])}）",
        )
        precedents = rows[pick].precedents if pick is not None and pick < len(rows) else []
        if precedents:
            st.dataframe(precedent_frame(precedents), hide_index=True, width="stretch")
        else:
            st.caption("该行没有引用先例（按标准指标体系或您的修改给出）。可在“先例浏览”中查找并加入。")


def _cited(ind) -> str:
    corpus = sum(p.kind == "corpus" for p in ind.precedents)
    library = any(p.kind == "library" for p in ind.precedents)
    parts = ([f"{corpus} 条往年先例"] if corpus else []) + (["共性指标库"] if library else [])
    return "、".join(parts) or "无先例"


def _summary(table: TargetTable) -> str:
    parts = [f"{table.year}年度" if table.year else "年度未填",
             f"预算 {format_number(table.budget)} 万元" if table.budget is not None else "预算未填",
             f"{len(table.indicators)} 个指标"]
    waiting = sum(ind.needs_input for ind in table.indicators)
    if waiting:
        parts.append(f"{waiting} 个待填")
    return "　·　".join(parts)


def _draft_from_brief() -> None:
    name = (ss.state.brief.name or "").removesuffix("项目")
    if _turn(f"帮我起草一个{name}项目") is not None:
        st.rerun()  # the chat column was drawn before this turn


def draft_panel() -> None:
    if ss.state.table is None:
        st.info("还没有草稿。在左侧告诉我项目名称、预算和年度，例如：帮我起草一个房屋租赁费项目，预算60.13万元，2025年。")
        if ss.state.brief.name and st.button(f"按项目信息起草《{ss.state.brief.name[:30]}》", key="draft_from_brief"):
            with st.spinner("正在检索先例…"):
                _draft_from_brief()
        return
    _apply_grid_edits()
    table = ss.state.table
    st.subheader(S.plain(table.project_name or "未命名项目"))
    st.caption(_summary(table))
    downloads(table)
    for notice in table.notices:
        st.caption(S.plain(notice))
    with S.timed("表格"):
        _grid(table)
    if any(ind.needs_input for ind in table.indicators):
        st.caption("✎ 待填：这些指标值只有您知道，表中先填了先例的典型值，请按项目实际修改（在表格中直接改，或在左侧说“第N个改为…”）。")
    findings_panel()
    precedents_panel(table)


def render() -> None:
    left, right = st.columns([2, 3], gap="medium")
    with left:
        with S.guard("处理对话"):
            chat_column()
    with right:
        with S.guard("显示草稿"):
            draft_panel()
