"""Tab 导入: read a past .xlsx/.docx form, check it, keep it in 我的语料 (re-indexed, removable)."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import streamlit as st

from assistant.ui import state as S
from assistant.chat.state import SessionState
from assistant.review.check import check_table
from assistant.config import get_settings
from assistant.corpus.store import form_path, ingest, load_documents
from assistant.errors import AssistantError, IngestError
from assistant.schema import ProjectBrief, SourceDocument, TargetTable
from assistant.ui.grid import table_frame

ss = st.session_state
MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".xlsx", ".docx")


def safe_name(name: str) -> str:
    """The uploaded file's own name (it becomes the provenance), without any path or odd characters."""
    name = Path(name or "").name
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" ._")
    return name[-120:] or "上传的表格.xlsx"


def check_upload(name: str, size: int) -> None:
    if Path(name).suffix.lower() not in SUFFIXES:
        raise IngestError(f"{safe_name(name)}：不支持的文件类型，请上传 .xlsx 或 .docx 格式的绩效目标表")
    if size > MAX_BYTES:
        raise IngestError(f"{safe_name(name)}：文件过大（{size / 1024 / 1024:.1f} MB），上限为 10 MB。"
                          "请只保留绩效目标表所在的工作表或页面后再上传")
    if size == 0:
        raise IngestError(f"{safe_name(name)}：文件为空")


def read_upload(name: str, data: bytes) -> SourceDocument:
    """Parse the upload from a temporary copy; raises IngestError with a Chinese message."""
    check_upload(name, len(data))
    from assistant.corpus.readers import read_source

    with tempfile.TemporaryDirectory(prefix="jx_upload_") as tmp:
        path = Path(tmp) / safe_name(name)
        path.write_bytes(data)
        try:
            return read_source(path)
        except IngestError:
            raise
        except Exception as exc:  # a corrupt file can trip any reader: say so, in Chinese
            S.log.exception("reading upload %s", name)
            raise IngestError(f"{path.name}：文件已损坏或不是有效的 Excel/Word 文件（{type(exc).__name__}）") from exc


def add_to_corpus(name: str, data: bytes) -> SourceDocument:
    check_upload(name, len(data))
    with tempfile.TemporaryDirectory(prefix="jx_upload_") as tmp:
        path = Path(tmp) / safe_name(name)
        path.write_bytes(data)
        docs, errors = ingest([path], get_settings().user_forms_dir)
    if errors:
        raise IngestError("；".join(errors))
    reindex()
    return docs[0]


def remove_from_corpus(source: str) -> None:
    path = form_path(get_settings().user_forms_dir, source)
    if path.exists():
        path.unlink()
    reindex()


def reindex() -> None:
    """Bring the precedent index and the drafters' corpus cache up to date with 我的语料."""
    from assistant.drafting.precedents import refresh_corpus_cache

    refresh_corpus_cache()
    try:
        from assistant.search.index import build_index
    except ImportError:
        return
    with st.spinner("正在更新先例索引…"):
        build_index()


# --- the page ------------------------------------------------------------------------------------

def _parsed(upload) -> SourceDocument | str:
    """The parsed document or the Chinese error, kept per upload so a rerun does not parse again."""
    cached = ss.get("upload_parsed")
    if cached and cached[0] == upload.file_id:
        return cached[1]
    try:
        check_upload(upload.name, upload.size)
        result: SourceDocument | str = read_upload(upload.name, upload.getvalue())
    except AssistantError as exc:
        result = str(exc)
    ss.upload_parsed = (upload.file_id, result)
    return result


def _add(upload) -> None:
    try:
        doc = add_to_corpus(upload.name, upload.getvalue())
    except AssistantError as exc:
        S.flash("error", f"加入我的语料失败：{exc}")
        return
    S.flash("success", f"已加入我的语料：{doc.provenance.source}（先例索引已更新）")


def _open_as_draft(table: TargetTable) -> None:
    S.save()
    S.open_draft(None)
    ss.state = SessionState(
        brief=ProjectBrief.from_table(table),
        table=table.model_copy(deep=True),
    )
    S.changed()
    S.flash("success", f"已把《{table.project_name}》作为新草稿打开，请到“起草”中修改。")


def _show(doc: SourceDocument, upload) -> None:
    p = doc.provenance
    n = sum(len(project.table.indicators) for project in doc.projects)
    st.success(f"已读取：{p.city} {p.year or ''} {p.form_kind.value}，{len(doc.projects)} 个项目，{n} 个指标。")
    for problem in doc.problems[:20]:
        st.warning(f"未能归位：{S.plain(problem)}")
    for i, project in enumerate(doc.projects):
        table = project.table
        with st.expander(f"《{table.project_name}》　{len(table.indicators)} 个指标", expanded=i == 0):
            st.dataframe(table_frame(table).drop(columns=["待填"]), hide_index=True, width="stretch")
            findings = check_table(table)
            errors = sum(f.severity.value == "error" for f in findings)
            st.markdown(f"**检查结果**：{len(findings)} 条（其中错误 {errors} 条）")
            for f in findings[:30]:
                st.caption(f"{'错误' if f.severity.value == 'error' else '提示'}：{S.plain(f.message)}")
            st.button("作为新草稿打开", key=f"import_open_{i}", on_click=_open_as_draft, args=(table,))
    st.button("加入我的语料", key="import_add", type="primary", on_click=_add, args=(upload,),
              disabled=not n, help="加入后，这份表格会作为先例参与检索和起草；可随时移除。")


def _remove(source: str) -> None:
    try:
        remove_from_corpus(source)
    except (AssistantError, OSError) as exc:
        S.flash("error", f"移除失败：{exc}")
        return
    S.flash("success", f"已从我的语料移除：{source}")


def my_corpus() -> None:
    st.subheader("我的语料")
    directory = get_settings().user_forms_dir
    docs = load_documents([directory]) if directory.is_dir() else []
    if not docs:
        st.caption("还没有导入的表格。")
        return
    for doc in docs:
        p = doc.provenance
        n = sum(len(project.table.indicators) for project in doc.projects)
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"{S.plain(p.source)}　:gray[{S.plain(p.city)} {p.year or ''} {p.form_kind.value}，"
                      f"{len(doc.projects)} 个项目，{n} 个指标]")
        right.button("移除", key=f"remove_{p.source}", on_click=_remove, args=(p.source,))


def render() -> None:
    st.markdown("上传往年的绩效目标申报表（.xlsx / .docx，不超过 10 MB）：先读取并检查，确认后可加入“我的语料”，"
                "作为今后起草的先例。")
    upload = st.file_uploader("选择文件", key="import_file", accept_multiple_files=False)
    if upload is not None:
        result = _parsed(upload)
        if isinstance(result, str):
            st.error(result)
        else:
            _show(result, upload)
    st.divider()
    my_corpus()
