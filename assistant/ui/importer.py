"""Tab 导入: read a past .xlsx/.docx form, check it, keep it in 我的语料 (this browser's, removable).

An upload is untrusted: its size is checked here, then it is read by corpus.readers.read_source —
zip directory checked, parsed bounded and streaming, in a worker process with a time and memory
limit — so the worst file costs a Chinese message naming the limit, never the page. The forms a
browser adds belong to it (corpus.store.UserCorpus): nobody else lists or removes them, and they
join everyone's precedents only when their owner shares them.
"""
from __future__ import annotations

import re
import tempfile
import zlib
from pathlib import Path

import streamlit as st

from assistant.ui import state as S
from assistant.ui.warmup import FAILED, LOADING, Warmup
from assistant.chat.state import SessionState
from assistant.review.check import check_table
from assistant.config import get_settings
from assistant.corpus.readers.limits import MAX_INDICATORS, MAX_UPLOAD_BYTES, check_size
from assistant.corpus.store import UserCorpus
from assistant.errors import AssistantError, IngestError
from assistant.schema import ProjectBrief, SourceDocument, TargetTable
from assistant.text import clean_input
from assistant.ui.grid import table_frame

ss = st.session_state
MAX_BYTES = MAX_UPLOAD_BYTES
SUFFIXES = (".xlsx", ".docx")
MAX_NAME_BYTES = 150  # the name is shown and stored as the provenance; a Chinese character takes 3 bytes


def safe_name(name: str) -> str:
    """The uploaded file's own name (it becomes the provenance), without any path or odd characters,
    cut (keeping its suffix) to a length every file system and page can hold."""
    name = Path(clean_input(name or "").replace("\\", "/")).name
    suffix = Path(name).suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", Path(name).suffix) else ""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name[: len(name) - len(suffix)]).strip(" .")
    stem = stem if stem.strip("_") else ""
    if len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem.encode("utf-8")[: MAX_NAME_BYTES - len(suffix) - 3].decode("utf-8", "ignore").rstrip(" ._") + "…"
    return (stem or "上传的表格") + (suffix or (".xlsx" if not stem else ""))


def check_upload(name: str, size: int) -> None:
    if Path(name or "").suffix.lower() not in SUFFIXES:
        raise IngestError(f"{safe_name(name)}：不支持的文件类型，请上传 .xlsx 或 .docx 格式的绩效目标表")
    check_size(safe_name(name), size)


def read_upload(name: str, data: bytes) -> SourceDocument:
    """Parse the upload from a temporary copy (named by us, not by the upload); IngestError in Chinese."""
    check_upload(name, len(data))
    from assistant.corpus.readers import read_source

    shown = safe_name(name)
    with tempfile.TemporaryDirectory(prefix="jx_upload_") as tmp:
        path = Path(tmp) / f"upload{Path(shown).suffix.lower()}"
        path.write_bytes(data)
        try:
            return read_source(path, shown)
        except IngestError:
            raise
        except Exception as exc:  # a corrupt file can trip any reader: say so, in Chinese
            S.log.exception("reading upload %s", shown)
            raise IngestError(f"{shown}：文件已损坏或不是有效的 Excel/Word 文件（{type(exc).__name__}）") from exc


def user_corpus() -> UserCorpus:
    return UserCorpus(get_settings().user_forms_dir)


def add_to_corpus(owner: str, name: str, data: bytes, *, shared: bool = False) -> SourceDocument:
    """Read and keep the form as ``owner``'s; re-index only when it joins everyone's precedents."""
    return keep(owner, read_upload(name, data), shared=shared)


def keep(owner: str, doc: SourceDocument, *, shared: bool = False) -> SourceDocument:
    try:
        user_corpus().add(owner, doc, shared=shared)
    except OSError as exc:
        raise IngestError(f"{doc.provenance.source}：无法写入我的语料（{exc.strerror or exc}）") from exc
    if shared:
        reindex()
    return doc


def remove_from_corpus(owner: str, source: str) -> None:
    """Only the owner's own form can be removed; anyone else's is not theirs to touch."""
    corpus = user_corpus()
    shared = corpus.is_shared(owner, source)
    if not corpus.remove(owner, source):
        raise IngestError(f"{source}：不在您的语料中，未移除")
    if shared:
        reindex()


def share(owner: str, source: str, shared: bool) -> None:
    corpus = user_corpus()
    if not any(doc.provenance.source == source for doc, _ in corpus.documents(owner)):
        raise IngestError(f"{source}：不在您的语料中")
    corpus.set_shared(owner, source, shared)
    reindex()


def reindex() -> None:
    """Bring the drafters' corpus cache and, in the background, the precedent index up to date with the
    shared forms: the page stays usable while a large form is embedded; the import tab shows progress."""
    from assistant.drafting.precedents import refresh_corpus_cache

    refresh_corpus_cache()
    jobs = _index_jobs()
    job = jobs.get("job")
    if job is not None and job.state == LOADING:
        jobs["again"] = True  # one more build when this one ends: it may have read the corpus before
        return
    jobs["job"], jobs["again"] = Warmup(work=_rebuild_index), False


def _rebuild_index(progress) -> None:
    from assistant.search.index import get_index

    get_index().build(progress=progress)


@st.cache_resource(show_spinner=False)
def _index_jobs() -> dict:
    """The process's one index job (every browser shares the index), and whether another is due."""
    return {"job": None, "again": False}


@st.fragment(run_every=1.0)
def index_status() -> None:
    """While the precedent index is rebuilt: a progress bar that updates itself; once, the outcome."""
    jobs = _index_jobs()
    job = jobs.get("job")
    if job is None:
        return
    if job.state == LOADING:
        label, done, total = job.building or ("指标", 0, 0)
        st.progress(done / total if total else 0.0,
                    text=f"正在后台更新先例索引：{label} {done}/{total}（{job.elapsed:.0f} 秒），页面可照常使用。")
        return
    if jobs.get("again"):
        jobs["job"], jobs["again"] = Warmup(work=_rebuild_index), False
        return
    if job.state == FAILED:
        st.warning(job.message)
    elif job.seconds is not None and job.elapsed < 60:
        st.caption(f"先例索引已更新（{job.seconds:.0f} 秒）。")


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
    except Exception:  # never the page: whatever happened, the upload is refused in Chinese
        S.log.exception("reading upload")
        result = f"{safe_name(upload.name)}：读取失败，文件未导入。"
    ss.upload_parsed = (upload.file_id, result)
    return result


def _add(upload) -> None:
    shared = bool(ss.get("import_share"))
    try:
        parsed = _parsed(upload)
        if isinstance(parsed, str):
            raise IngestError(parsed)
        keep(ss.owner, parsed, shared=shared)
    except (AssistantError, OSError) as exc:
        S.flash("error", f"加入我的语料失败：{S.plain(str(exc))}")
        return
    where = "已共享，其他用户起草时也可引用（先例索引已更新）" if shared else "仅您可见；勾选“共享”后才参与先例检索"
    S.flash("success", f"已加入我的语料：{S.plain(parsed.provenance.source)}（{where}）")


def _open_as_draft(table: TargetTable) -> None:
    S.save()
    S.open_draft(None)
    ss.state = SessionState(
        brief=ProjectBrief.from_table(table),
        table=table.model_copy(deep=True),
    )
    S.changed()
    S.flash("success", f"已把《{S.plain(table.project_name)}》作为新草稿打开，请到“起草”中修改。")


def _show(doc: SourceDocument, upload) -> None:
    p = doc.provenance
    n = sum(len(project.table.indicators) for project in doc.projects)
    st.success(f"已读取：{S.plain(p.source)}　{S.plain(p.city)} {p.year or ''} {p.form_kind.value}，"
               f"{len(doc.projects)} 个项目，{n} 个指标（每份表格最多读取 {MAX_INDICATORS} 行）。")
    for problem in doc.problems[:20]:
        st.warning(f"未能归位：{S.plain(problem)}")
    for i, project in enumerate(doc.projects[:20]):
        table = project.table
        with st.expander(f"《{S.plain(table.project_name)}》　{len(table.indicators)} 个指标", expanded=i == 0):
            st.dataframe(table_frame(table).drop(columns=["待填"]), hide_index=True, width="stretch")
            findings = check_table(table)
            errors = sum(f.severity.value == "error" for f in findings)
            st.markdown(f"**检查结果**：{len(findings)} 条（其中错误 {errors} 条）")
            for f in findings[:30]:
                st.caption(f"{'错误' if f.severity.value == 'error' else '提示'}：{S.plain(f.message)}")
            st.button("作为新草稿打开", key=f"import_open_{i}", on_click=_open_as_draft, args=(table,))
    st.checkbox("共享：让其他用户起草时也能引用这份表格（不勾选则仅您可见）", key="import_share")
    st.button("加入我的语料", key="import_add", type="primary", on_click=_add, args=(upload,),
              disabled=not n, help="加入后，这份表格归您所有，可随时移除；共享后才作为先例参与所有人的检索和起草。")


def _remove(source: str) -> None:
    try:
        remove_from_corpus(ss.owner, source)
    except (AssistantError, OSError) as exc:
        S.flash("error", f"移除失败：{S.plain(str(exc))}")
        return
    S.flash("success", f"已从我的语料移除：{S.plain(source)}")


def _share(source: str, key: str) -> None:
    try:
        share(ss.owner, source, bool(ss.get(key)))
    except (AssistantError, OSError) as exc:
        S.flash("error", f"共享设置失败：{S.plain(str(exc))}")


def my_corpus() -> None:
    """This browser's own forms only: nobody sees a 移除 button for a form another user imported."""
    st.subheader("我的语料")
    try:
        docs = user_corpus().documents(ss.owner)
    except AssistantError as exc:
        st.error(S.plain(str(exc)))
        return
    if not docs:
        st.caption("还没有导入的表格。")
        return
    for n_doc, (doc, shared) in enumerate(docs):
        p = doc.provenance
        n = sum(len(project.table.indicators) for project in doc.projects)
        left, middle, right = st.columns([4, 1, 1], vertical_alignment="center")
        left.markdown(f"{S.plain(p.source)}　:gray[{S.plain(p.city)} {p.year or ''} {p.form_kind.value}，"
                      f"{len(doc.projects)} 个项目，{n} 个指标]")
        key = f"share_{n_doc}_{zlib.crc32(p.source.encode())}"
        middle.checkbox("共享", value=shared, key=key, on_change=_share, args=(p.source, key))
        right.button("移除", key=f"remove_{n_doc}_{zlib.crc32(p.source.encode())}", on_click=_remove, args=(p.source,))


def render() -> None:
    st.markdown(f"上传往年的绩效目标申报表（.xlsx / .docx，不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）："
                "先读取并检查，确认后可加入“我的语料”，作为今后起草的先例。")
    upload = st.file_uploader("选择文件", key="import_file", accept_multiple_files=False)
    if upload is not None:
        result = _parsed(upload)
        if isinstance(result, str):
            st.error(S.plain(result))
        else:
            _show(result, upload)
    index_status()
    st.divider()
    my_corpus()
