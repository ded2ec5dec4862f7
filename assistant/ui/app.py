"""The Streamlit page: `streamlit run assistant/ui/app.py` (or `make run`).

Glue only: the chat, drafting, checking and export live in the library; this page keeps one
SessionState per browser, draws it, and saves it after every change. The page parts are in
ui_sidebar (项目信息, 我的草稿, 设置), ui_draft (起草), ui_browse (先例浏览), ui_import (导入) and ui_selfeval (自评).
"""
from __future__ import annotations

import streamlit as st

from assistant.ui import browse as ui_browse, draft as ui_draft, importer as ui_import, sidebar as ui_sidebar
from assistant.ui import selfeval as ui_selfeval
from assistant.ui import state as S
from assistant.ui import warmup

TITLE = "绩效目标起草助手"
TABS = {"起草": ("显示草稿", ui_draft.render), "先例浏览": ("浏览先例", ui_browse.render),
        "导入": ("导入表格", ui_import.render), "自评": ("绩效自评", ui_selfeval.render)}


def main() -> None:
    st.set_page_config(page_title=TITLE, page_icon="📋", layout="wide", initial_sidebar_state="expanded")
    with S.timed("整页运行"):
        _page()
    S.end_run()


def _page() -> None:
    with S.guard("打开草稿"):
        S.init()
    with S.guard("准备先例索引"):
        warmup.show_status()  # the model loads in the background: the page is usable at once
    if "state" not in st.session_state:
        return  # init failed and said why
    st.title(TITLE)
    st.caption("根据往年的绩效目标表起草项目支出绩效目标申报表：对话起草、表格修改、审核检查、导出 Excel / Word。")
    with st.container():  # always drawn, so the tabs below keep their place (and their selection)
        S.show_flash()
    # Only the open tab is computed and sent (a chat turn no longer rebuilds the precedent tables of a tab
    # nobody is looking at); choosing another tab reruns the page with that one open.
    tabs = st.tabs(list(TABS), key="main_tabs", on_change="rerun")
    for tab, (label, (what, render)) in zip(tabs, TABS.items()):
        if tab.open:
            with tab, S.guard(what), S.timed(f"{label}页"):
                render()
    # Drawn last, so a chat turn earlier in this run already shows in the 项目信息 boxes.
    with st.sidebar, S.guard("显示项目信息"):
        ui_sidebar.render()
        S.show_timings()
    warmup.start()  # after the page is drawn: the load would otherwise slow the very render it waits for


main()
