"""The probe of issue 15 as a test: hostile and absurd input through the chat, the page's import code,
the export and the draft store. Every case asserts a clear Chinese message (or a correct result), that
the draft / the corpus did not change, and time and peak-memory bounds. The hostile files are
generated here, into tmp_path; none is committed.
"""
from __future__ import annotations

import io
import json
import math
import sqlite3
import threading
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import openpyxl
import pytest
from docx import Document

from assistant.chat.session import ChatSession, SessionState
from assistant.chat.state import Message
from assistant.config import get_settings
from assistant.corpus.readers import limits, read_office, read_source, worker
from assistant.errors import AssistantError, ExportError, IngestError
from assistant.output import export, storage
from assistant.output.storage import ConflictError, DraftStore, StorageError, new_id
from assistant.schema import Funds, Indicator, Level1, Level2, TargetTable

CJK = "\u4e00-\u9fff"
UPLOAD_SECONDS, UPLOAD_MB = 10.0, 500  # issue 15's targets for any upload
OWNER, OTHER = new_id(), new_id()


@contextmanager
def bounded(seconds: float, megabytes: float = UPLOAD_MB):
    """Wall time and peak Python allocation of the block (tracemalloc), and the worker's own peak RSS (as it
    reports it: the process-wide RUSAGE_CHILDREN would count every earlier test's subprocesses)."""
    worker.last_peak_mb = None
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    child = worker.last_peak_mb or 0.0
    assert elapsed < seconds, f"{elapsed:.1f} s"
    assert peak < megabytes, f"{peak:.0f} MB"
    assert child < megabytes + 200, f"worker peak {child:.0f} MB"  # +200: the interpreter itself


def chinese(message: str) -> None:
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert "Traceback" not in message


# --- hostile files ---------------------------------------------------------------------------------

HEAD = ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"]
ROWS = [["产出指标", "数量指标", "租赁面积", "1800平方米", "合同约定"],
        ["满意度指标", "服务对象满意度指标", "职工满意度", "≥90%", "满意度调查"]]
FORM = [["项目名称", "房屋租赁费"], HEAD, *ROWS]
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def col(c: int) -> str:
    letters = ""
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_xml(rows: list[list[str]], merges=(), head: str = "", start: int = 1) -> str:
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col(c)}{r}" t="inlineStr"><is><t>{xml_escape(v)}</t></is></c>'
                                   for c, v in enumerate(row, 1) if v != "") + "</row>"
        for r, row in enumerate(rows, start))
    merged = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
              + "</mergeCells>") if merges else ""
    return f'{head}<worksheet {_NS}><sheetData>{body}</sheetData>{merged}</worksheet>'


def xlsx(path: Path, sheets: list[str], extra: dict[str, bytes] | None = None, shared: str | None = None) -> Path:
    rels = "".join(f'<Relationship Id="s{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(len(sheets)))
    if shared is not None:
        rels += f'<Relationship Id="ss" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    entries = {
        "[Content_Types].xml": _CT,
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="r1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {_NS} {_R}><sheets>' + "".join(
            f'<sheet name="表{i}" sheetId="{i + 1}" r:id="s{i}"/>' for i in range(len(sheets))) + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      f'relationships">{rels}</Relationships>',
        **{f"xl/worksheets/sheet{i}.xml": s for i, s in enumerate(sheets)},
    }
    if shared is not None:
        entries["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in {**entries, **(extra or {})}.items():
            z.writestr(name, data)
    return path


def docx(path: Path, body: str, head: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("word/document.xml", f"{head}<w:document {_W}><w:body>{body}</w:body></w:document>")
    return path


def w_table(rows: list[list[str]], props: str = "") -> str:
    return "<w:tbl>" + "".join(
        "<w:tr>" + "".join(f"<w:tc>{props}<w:p><w:r><w:t>{xml_escape(v)}</w:t></w:r></w:p></w:tc>" for v in row)
        + "</w:tr>" for row in rows) + "</w:tbl>"


def bomb(path: Path, megabytes: int) -> Path:
    """A sheet of ``megabytes`` MB of spaces: a few kB on disk."""
    xlsx(path, [sheet_xml(FORM)])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/worksheets/sheet9.xml", "w") as f:
        for _ in range(megabytes):
            f.write(b" " * 1024 * 1024)
    return path


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

# (id, builder(tmp) -> path, words the refusal must contain)
REFUSED_FILES = [
    ("zip-bomb-15MB", lambda t: bomb(t / "炸弹.xlsx", 15), "压缩比异常"),
    ("part-over-20MB", lambda t: bomb(t / "大部件.xlsx", 60), "解压后过大"),
    ("too-many-entries", lambda t: xlsx(t / "多文件.xlsx", [sheet_xml(FORM)],
                                        extra={f"x/{i}.bin": b"" for i in range(1001)}), "文件过多"),
    ("6000-rows", lambda t: xlsx(t / "行多.xlsx", [sheet_xml(FORM + [["产出指标", "数量指标", f"指标{i}", "1次", "计划"]
                                                                   for i in range(6000)])]), "行数过多"),
    ("merge-over-64k-cells", lambda t: xlsx(t / "合并.xlsx", [sheet_xml(
        FORM + [["x"] for _ in range(1100)], merges=["A1:BL1100"])]), "合并单元格覆盖的范围过大"),
    ("5001-merges", lambda t: xlsx(t / "合并多.xlsx", [sheet_xml(FORM, merges=[f"H{i}:I{i}" for i in range(1, 5002)])]),
     "合并单元格过多"),
    ("51-sheets", lambda t: xlsx(t / "表多.xlsx", [sheet_xml(FORM)] * 51), "工作表过多"),
    ("billion-laughs-sheet", lambda t: xlsx(t / "实体.xlsx", [sheet_xml(FORM, head=BILLION_LAUGHS)]), "无法解析"),
    ("xxe-sheet", lambda t: xlsx(t / "外部实体.xlsx", [sheet_xml(FORM, head=XXE)]), "无法解析"),
    ("billion-laughs-strings", lambda t: xlsx(t / "共享.xlsx", [sheet_xml(FORM)],
                                              shared=BILLION_LAUGHS + f"<sst {_NS}><si><t>&lol3;</t></si></sst>"),
     "无法解析"),
    ("header-only", lambda t: xlsx(t / "只有表头.xlsx", [sheet_xml([["项目名称", "租赁费"], HEAD])]), "只找到表头"),
    ("no-header", lambda t: xlsx(t / "无表头.xlsx", [sheet_xml([["项目名称", "租赁费"], ["a", "b"]])]), "未找到指标表头"),
    ("empty-sheet", lambda t: xlsx(t / "空表.xlsx", [sheet_xml([])]), "未找到指标表头"),
    ("no-sheets", lambda t: xlsx(t / "无表.xlsx", []), "未找到指标表头"),
    ("docx-as-xlsx", lambda t: _renamed(docx(t / "a.docx", w_table([HEAD, *ROWS])), "其实是word.xlsx"), "不是有效的 .xlsx"),
    ("xlsx-as-docx", lambda t: _renamed(xlsx(t / "a.xlsx", [sheet_xml(FORM)]), "其实是excel.docx"), "不是有效的 .docx"),
    ("random-bytes", lambda t: _write(t / "乱码.xlsx", bytes(range(256)) * 40), "不是有效的"),
    ("fake-zip-header", lambda t: _write(t / "假压缩.docx", b"PK\x03\x04" + b"\x00" * 500), "不是有效的"),
    ("truncated-zip", lambda t: _write(t / "截断.xlsx", xlsx(t / "b.xlsx", [sheet_xml(FORM)]).read_bytes()[:300]),
     "不是有效的"),
    ("empty-file", lambda t: _write(t / "空.xlsx", b""), "文件为空"),
    ("11MB", lambda t: _write(t / "太大.xlsx", b"PK" + b"\x00" * (11 * 1024 * 1024)), "文件过大"),
    ("malformed-xml", lambda t: xlsx(t / "坏XML.xlsx", ["<worksheet><sheetData><row>"]), "无法解析"),
    ("docx-6000-rows", lambda t: docx(t / "行多.docx", w_table([HEAD] + [["产出指标", "数量指标", f"指标{i}", "1次", "计划"]
                                                                         for i in range(6000)])), "表格行数过多"),
    ("docx-25000-paragraphs", lambda t: docx(t / "段落多.docx", "<w:p><w:r><w:t>段</w:t></w:r></w:p>" * 25000),
     "段落过多"),
    ("docx-billion-laughs", lambda t: docx(t / "实体.docx", w_table([HEAD, *ROWS]), head=BILLION_LAUGHS), "无法解析"),
    ("docx-xxe", lambda t: docx(t / "外部.docx", w_table([HEAD, *ROWS]), head=XXE), "无法解析"),
    ("docx-header-only", lambda t: docx(t / "只有表头.docx", w_table([HEAD])), "只找到表头"),
    ("docx-no-body", lambda t: _write_zip(t / "无正文.docx", {"[Content_Types].xml": _CT}), "缺少正文"),
    ("docx-bomb", lambda t: _docx_bomb(t / "炸弹.docx"), "压缩比异常"),
    ("wrong-suffix-pdf", lambda t: _write(t / "表.pdf", b"%PDF-1.4"), "不支持的文件类型"),
    ("wrong-suffix-xlsm", lambda t: _renamed(xlsx(t / "m.xlsx", [sheet_xml(FORM)]), "宏.xlsm"), "不支持的文件类型"),
    ("no-suffix", lambda t: _write(t / "没有后缀", b"abc"), "不支持的文件类型"),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _write_zip(path: Path, entries: dict) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def _last_cell_spans(table_xml: str) -> str:
    head, _, tail = table_xml.rpartition("<w:tc>")
    return head + '<w:tc><w:tcPr><w:gridSpan w:val="100000"/></w:tcPr>' + tail


def _renamed(path: Path, name: str) -> Path:
    return path.rename(path.with_name(name))


def _docx_bomb(path: Path) -> Path:
    docx(path, w_table([HEAD, *ROWS]))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("word/media/x.xml", "w") as f:
        for _ in range(15):
            f.write(b"<" * 1024 * 1024)
    return path


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("JX_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def corpus_files(data: Path) -> list[str]:
    return sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()) if data.exists() else []


@pytest.mark.parametrize("build, words", [c[1:] for c in REFUSED_FILES], ids=[c[0] for c in REFUSED_FILES])
def test_hostile_upload_is_refused_in_chinese_and_the_corpus_is_unchanged(build, words, tmp_path, data_dir):
    from assistant.ui.importer import add_to_corpus

    path = build(tmp_path)
    data = path.read_bytes()
    before = corpus_files(data_dir)
    with bounded(UPLOAD_SECONDS):
        with pytest.raises(IngestError) as refused:
            add_to_corpus(OWNER, path.name, data)
    message = str(refused.value)
    chinese(message)
    assert words in message and message.startswith(path.name.split("/")[-1][:10]), message
    assert corpus_files(data_dir) == before


def _long_text_form(t: Path) -> Path:
    return xlsx(t / "长文本.xlsx", [sheet_xml([["项目名称", "租赁费"], HEAD, ["产出指标", "数量指标", "长" * 100_000, "1次", "计划"]])])


# (id, builder, check(doc)) — odd but legitimate files: read correctly, bounded, notes where cut
ACCEPTED_FILES = [
    ("merge-200000-rows-clipped", lambda t: xlsx(t / "合并长.xlsx", [sheet_xml(FORM, merges=["A3:A200000", "B3:B4"])]),
     lambda d: [i.level1 for i in d.projects[0].table.indicators] == [Level1.OUTPUT] * 2),
    ("merge-whole-sheet", lambda t: xlsx(t / "整表合并.xlsx", [sheet_xml(FORM, merges=["H1:XFD1048576"])]),
     lambda d: len(d.projects[0].table.indicators) == 2),
    ("cell-far-right", lambda t: xlsx(t / "远列.xlsx", [sheet_xml(FORM) .replace(
        "</sheetData>", '<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')]),
     lambda d: any("列以后" in p for p in d.problems)),
    ("row-1048576", lambda t: xlsx(t / "末行.xlsx", [sheet_xml(FORM).replace(
        "</sheetData>", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>末</t></is></c></row></sheetData>')]),
     lambda d: len(d.projects[0].table.indicators) == 2),
    ("100k-char-cell", _long_text_form,
     lambda d: len(d.projects[0].table.indicators[0].name) <= limits.MAX_CELL_CHARS and d.problems),
    ("control-chars-and-surrogate-escapes", lambda t: xlsx(t / "控制符.xlsx", [sheet_xml(
        [["项目名称", "租赁费_x0001_\u202e"], HEAD, ["产出指标", "数量指标", "面积_x0007_", "1次", "计划"]])]),
     lambda d: "\x07" not in d.projects[0].table.indicators[0].name and "\u202e" not in d.projects[0].table.project_name),
    ("3000-rows", lambda t: xlsx(t / "三千行.xlsx", [sheet_xml(FORM + [["产出指标", "数量指标", f"指标{i}", "1次", "计划"]
                                                                      for i in range(3000)])]),
     lambda d: len(d.projects[0].table.indicators) == limits.MAX_INDICATORS and d.problems),
    ("docx-vmerge-3000-rows", lambda t: docx(t / "纵向合并.docx", w_table([HEAD, *ROWS]) [:-8] + "".join(
        '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
        f'<w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>指标{i}</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>1次</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>' for i in range(3000)) + "</w:tbl>"),
     lambda d: len(d.projects[0].table.indicators) == limits.MAX_INDICATORS),
    ("docx-gridspan-huge", lambda t: docx(t / "跨列.docx", _last_cell_spans(w_table([HEAD, *ROWS]))),
     lambda d: len(d.projects[0].table.indicators) == 2),
    ("formula-without-value", lambda t: xlsx(t / "公式.xlsx", [sheet_xml(FORM).replace(
        "</row></sheetData>", '<c r="F4"><f>A1*2</f></c></row></sheetData>')]),
     lambda d: len(d.projects[0].table.indicators) == 2),
]


@pytest.mark.parametrize("build, check", [c[1:] for c in ACCEPTED_FILES], ids=[c[0] for c in ACCEPTED_FILES])
def test_odd_but_legitimate_upload_is_read_within_bounds(build, check, tmp_path):
    from assistant.ui.importer import read_upload

    path = build(tmp_path)
    with bounded(UPLOAD_SECONDS):
        doc = read_upload(path.name, path.read_bytes())
    assert check(doc)
    json.dumps(doc.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")  # storable as is


@pytest.mark.parametrize("name", [
    "租" * 300 + ".xlsx", "年度绩效目标申报表（" + "很长" * 200 + "）.xlsx", "../../etc/passwd.xlsx",
    "a\x00b\x1f.xlsx", "\u202egnp.xlsx", "表\ud800格.xlsx", "CON.xlsx", " .xlsx", "a" * 1000 + ".xlsx",
    "名称/带/斜杠.xlsx", "名称\\反斜杠.xlsx", "😀" * 100 + ".xlsx",
])
def test_odd_file_names_are_read_kept_and_removable(name, tmp_path, data_dir):
    from assistant.corpus.store import UserCorpus
    from assistant.ui.importer import add_to_corpus, remove_from_corpus, safe_name

    data = xlsx(tmp_path / "f.xlsx", [sheet_xml(FORM)]).read_bytes()
    with bounded(UPLOAD_SECONDS):
        doc = add_to_corpus(OWNER, name, data)
    source = doc.provenance.source
    assert source == safe_name(name) and len(source.encode("utf-8")) <= 160 and "/" not in source
    corpus = UserCorpus(data_dir / "user_corpus")
    assert [d.provenance.source for d, _ in corpus.documents(OWNER)] == [source]
    with pytest.raises(IngestError, match="不在您的语料中"):  # another browser cannot remove it
        remove_from_corpus(OTHER, source)
    assert corpus.documents(OTHER) == [] and len(corpus.documents(OWNER)) == 1
    remove_from_corpus(OWNER, source)
    assert corpus.documents(OWNER) == []


def test_user_forms_are_private_until_shared(tmp_path, data_dir):
    from assistant.corpus.store import load_documents
    from assistant.ui.importer import add_to_corpus, user_corpus

    add_to_corpus(OWNER, "私有.xlsx", xlsx(tmp_path / "f.xlsx", [sheet_xml(FORM)]).read_bytes())
    assert "私有.xlsx" not in [d.provenance.source for d in load_documents()]
    user_corpus().set_shared(OWNER, "私有.xlsx", True)
    assert "私有.xlsx" in [d.provenance.source for d in load_documents()]
    with pytest.raises(IngestError):
        user_corpus().folder("../" + OWNER)


@pytest.mark.parametrize("code, words", [(-9, "内存上限"), (-24, "时间上限"), (1, "退出码")])
def test_a_killed_worker_is_a_chinese_message(code, words):
    import subprocess

    done = subprocess.CompletedProcess([], code, stdout=b"", stderr=b"MemoryError")
    with pytest.raises(IngestError, match=words) as error:
        worker._result("表.xlsx", done)
    chinese(str(error.value))


def test_the_worker_enforces_its_wall_clock_limit(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "慢.xlsx", [sheet_xml(FORM)])
    monkeypatch.setattr(worker.subprocess, "run", _timeout)
    with bounded(3), pytest.raises(IngestError, match="超出时间上限"):
        read_source(path)


def _timeout(*args, **kwargs):
    import subprocess

    raise subprocess.TimeoutExpired(args[0], kwargs.get("timeout", 1))


def test_in_process_read_matches_the_worker(tmp_path):
    path = xlsx(tmp_path / "同.xlsx", [sheet_xml(FORM)])
    assert read_office(path) == read_source(path)


# --- chat: absurd values refused, the draft unchanged ------------------------------------------------

DRAFT = "帮我起草一个房屋租赁费项目，预算60.13万元，2025年，用于租赁办公用房1800平方米"


@pytest.fixture(scope="module")
def drafted_state(fake_finder) -> SessionState:
    session = _session(fake_finder)
    assert session.turn(DRAFT).action == "draft"
    return session.state


def _session(finder, state: SessionState | None = None) -> ChatSession:
    try:
        from assistant.chat.understanding import Understanding
        return ChatSession(state, finder=finder, understanding=Understanding())
    except ImportError:
        return ChatSession(state, finder=finder)


REFUSED_MESSAGES = [
    ("预算改为1e30", "无法识别"), ("预算改为1e3", "无法识别"), ("预算改为0.1元", "过小"), ("预算改为0.00001万元", "过小"),
    ("预算改为50元", "过小"), ("预算改为-5万元", "负数"), ("预算改为0万元", "大于 0"), ("预算改为一万亿元", "过大"),
    ("预算改为101亿元", "过大"), ("预算改为1000000000万元", "过大"), ("预算改为nan万元", "无法识别"),
    ("预算改为inf", "无法识别"), ("预算改为5.5.5万元", "无法识别"), ("预算改为99999999999999999999999元", "过大"),
    ("年度改为20250", "四位年份"), ("年度改为1999", "之间"), ("年度改为2099", "之间"), ("年度改为25", "四位年份"),
    ("年度改为0000", "年度"), ("年度改为3025年", "之间"), ("项目期改为999年", "项目期"), ("项目期改为0年", "项目期"),
]


@pytest.mark.parametrize("message, words", REFUSED_MESSAGES)
def test_absurd_value_is_refused_and_the_draft_is_unchanged(message, words, drafted_state, fake_finder):
    session = _session(fake_finder, drafted_state.model_copy(deep=True))
    before = session.state.model_dump(mode="json", exclude={"history"})
    with bounded(5, 200):
        reply = session.turn(message)
    chinese(reply.text)
    assert words in reply.text, reply.text
    assert session.state.model_dump(mode="json", exclude={"history"}) == before


@pytest.mark.parametrize("message", [
    "帮我起草一个租赁费项目，预算1e30，2025年", "帮我起草一个租赁费项目，预算0.1元，2025年",
    "帮我起草一个租赁费项目，预算60万元，20250年度", "帮我起草一个租赁费项目，预算一万亿，2025年",
])
def test_absurd_first_message_drafts_nothing(message, fake_finder):
    session = _session(fake_finder)
    with bounded(5, 200):
        reply = session.turn(message)
    chinese(reply.text)
    assert session.state.table is None and session.state.brief.budget is None


MARKUP = [
    "![x](http://evil.example/pixel.png)", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
    "[点我](javascript:alert(1))", "$\\href{http://evil}{x}$", "http://evil.example/a", "www.evil.example",
    ":red[红字]", "<iframe src=//evil>", "![](//evil/p.gif)", "[a]: http://evil", "<a href=x>链接</a>",
]


@pytest.mark.parametrize("payload", MARKUP)
def test_markup_in_a_project_name_is_never_rendered(payload, fake_finder):
    session = _session(fake_finder)
    with bounded(5, 300):
        reply = session.turn(f"帮我起草一个{payload}租赁费项目，预算60万元，2025年")
    text = reply.text
    assert "<" not in text and ">" not in text.replace("&gt;", "")
    assert not any(text[i] in "[]$" and (i == 0 or text[i - 1] != "\\") for i in range(len(text)))
    assert "://" not in text and "www." not in text.lower()


@pytest.mark.parametrize("payload", ["\ud800", "\udfff", "\x00", "\x1b[31m", "\u202e", "\ufffe", "\x7f", "a\ud83d"])
def test_broken_characters_never_stop_the_autosave(payload, fake_finder, tmp_path):
    session = _session(fake_finder)
    store = DraftStore(tmp_path / "d.sqlite")
    with bounded(5, 300):
        session.turn(f"帮我起草一个租赁{payload}费项目，预算60万元，2025年")
        session.turn(f"满意度改为≥95%{payload}")
        draft_id = store.save(OWNER, None, f"名{payload}", session.state)
    loaded = store.load(OWNER, draft_id)
    assert loaded is not None and payload not in loaded.name
    loaded.state.model_dump_json()  # what every later save does


def test_a_100k_paste_is_cut_with_a_notice(fake_finder):
    session = _session(fake_finder)
    with bounded(5, 300):
        reply = session.turn("租" * 100_000)
    assert "消息过长" in reply.text


# --- storage: nothing lost ---------------------------------------------------------------------------

def _state(name: str = "房屋租赁费", text: str = "好的") -> SessionState:
    table = TargetTable(project_name=name, year=2025, indicators=[
        Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="租赁面积", value="1800平方米")])
    return SessionState(table=table, history=[Message(role="user", text=text)])


@pytest.mark.parametrize("text", ["\ud800", "a\udc00b", "\x00\x01\x02", "\u202e\u2066", "正常", "😀\ud83d", "\x85"])
def test_save_cleans_text_json_cannot_hold(text, tmp_path):
    store = DraftStore(tmp_path / "d.sqlite")
    state = _state(name=f"租赁{text}", text=f"消息{text}")
    with bounded(2, 50):
        draft_id = store.save(OWNER, None, text, state)
    loaded = store.load(OWNER, draft_id).state
    assert loaded.table.project_name.startswith("租赁") and loaded.history[0].text.startswith("消息")
    assert "\ud800" not in loaded.model_dump_json()


@pytest.mark.parametrize("name, expected", [("长" * 40_000, "长" * 80), ("", "未命名草稿"), ("\x00\ud800", "未命名草稿"),
                                            ("a\nb\tc", "a b c"), ("<b>粗</b>", "<b>粗</b>")])
def test_draft_names_are_bounded(name, expected, tmp_path):
    store = DraftStore(tmp_path / "d.sqlite")
    draft_id = store.save(OWNER, None, name, _state())
    assert store.load(OWNER, draft_id).name == expected


def test_two_tabs_detect_the_conflict_instead_of_overwriting(tmp_path):
    store = DraftStore(tmp_path / "d.sqlite")
    draft_id, version = store.put(OWNER, None, "草稿", _state())
    tab_a, tab_b = _state(text="甲删了一行"), _state(text="乙改了值")
    assert store.put(OWNER, draft_id, "草稿", tab_a, version) == (draft_id, version + 1)
    with pytest.raises(ConflictError, match="另一个标签页") as conflict:
        store.put(OWNER, draft_id, "草稿", tab_b, version)
    chinese(str(conflict.value))
    assert store.load(OWNER, draft_id).state.history[0].text == "甲删了一行"


def test_a_held_write_lock_is_waited_for_and_retried(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_SECONDS", 0.2)
    store = DraftStore(tmp_path / "d.sqlite")
    holder = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: holder.execute("COMMIT")).start()
    with bounded(5, 50):
        draft_id = store.save(OWNER, None, "等锁", _state())
    assert store.load(OWNER, draft_id).name == "等锁"
    holder.close()


def test_a_lock_never_released_is_a_chinese_error_and_nothing_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_SECONDS", 0.1)
    store = DraftStore(tmp_path / "d.sqlite")
    draft_id = store.save(OWNER, None, "原样", _state(text="原文"))
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageError, match="草稿库被占用") as error:
        store.save(OWNER, draft_id, "改", _state(text="改文"))
    chinese(str(error.value))
    holder.execute("COMMIT")
    holder.close()
    assert store.load(OWNER, draft_id).state.history[0].text == "原文"


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writers_lose_nothing(writers, tmp_path):
    store = DraftStore(tmp_path / "d.sqlite")
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            other = DraftStore(store.path)  # as a second process would: its own connections
            for k in range(15):
                other.save(f"o{n}", None, f"{n}-{k}", _state())
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    with bounded(20, 100):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert all(len(store.list_drafts(f"o{n}")) == 15 for n in range(writers))


@pytest.mark.parametrize("content", [b"garbage" * 100, b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_damaged_store_file_is_a_chinese_error(content, tmp_path):
    path = tmp_path / "d.sqlite"
    path.write_bytes(content)
    with pytest.raises(StorageError) as error:
        DraftStore(path).save(OWNER, None, "x", _state())
    chinese(str(error.value))


def test_a_store_from_before_versions_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE drafts (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, "
                   "state_json TEXT NOT NULL, updated_at TEXT NOT NULL)")
        db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?, ?)",
                   (new_id(), OWNER, "旧", _state().model_dump_json(), "2025-01-01T00:00:00+00:00"))
    store = DraftStore(path)
    [info] = store.list_drafts(OWNER)
    assert store.put(OWNER, info.id, "旧", _state(), info.version)[1] == info.version + 1


@pytest.mark.parametrize("draft_id", ["../etc/passwd", "' OR 1=1 --", "", "0" * 32, "%00", "a" * 10_000])
def test_unknown_or_crafted_draft_ids_find_nothing(draft_id, tmp_path):
    store = DraftStore(tmp_path / "d.sqlite")
    store.save(OWNER, None, "mine", _state())
    assert store.load(OTHER, draft_id) is None and store.load(OWNER, draft_id) is None


# --- export ------------------------------------------------------------------------------------------

INJECTIONS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://evil","点我")',
              "=cmd|'/C powershell'!A1", "\t=1+1", "+=1"]


def _table(**changes) -> TargetTable:
    base = dict(project_name="房屋租赁费", year=2025, funds_annual=Funds(total=60.13, fiscal=60.13, other=0),
                indicators=[Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="租赁面积", value="1800平方米")])
    return TargetTable(**{**base, **changes})


@pytest.mark.parametrize("where", ["name", "value"])
@pytest.mark.parametrize("payload", INJECTIONS)
def test_formula_like_text_is_stored_as_text(payload, where, tmp_path):
    row = Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="面积", value="1次")
    setattr(row, where, payload)
    with bounded(5, 100):
        data = export.to_xlsx(_table(indicators=[row]))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for r in ws.iter_rows() for c in r if c.value == export.clean_text(payload)]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula ("f")


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("part", ["total", "fiscal", "other"])
@pytest.mark.parametrize("amount", [math.nan, math.inf, -math.inf])
def test_nan_or_infinite_amounts_are_refused(amount, part, fmt):
    funds = Funds(total=1.0, fiscal=1.0, other=0.0).model_copy(update={part: amount})
    with pytest.raises(ExportError, match="资金金额无效") as error:
        getattr(export, f"to_{fmt}")(_table(funds_annual=funds))
    chinese(str(error.value))


def test_a_40000_character_name_is_cut_with_a_notice():
    table = _table(project_name="长" * 40_000)
    [notice] = export.notices(table)
    assert "32767" in notice
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(table))).active
    assert max(len(str(c.value or "")) for r in ws.iter_rows() for c in r) == export.MAX_CELL_TEXT
    assert Document(io.BytesIO(export.to_docx(table))).tables[0].cell(0, 1).text == "长" * export.MAX_CELL_TEXT


@pytest.mark.parametrize("rows", [1000, 1500, 3000])
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_thousands_of_rows_export_in_seconds(rows, fmt):
    inds = [Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name=f"指标{i}", value="≥1次") for i in range(rows)]
    with bounded(10, 400):
        data = getattr(export, f"to_{fmt}")(_table(indicators=inds))
    if fmt == "docx":
        assert len(Document(io.BytesIO(data)).tables[0].rows) == export.layout(_table(indicators=inds)).nrows


@pytest.mark.parametrize("target, words", [
    ("missing/dir/out.xlsx", "导出目录不存在"), ("existing_dir.xlsx", "是一个文件夹"), ("out.pdf", "不支持的导出格式"),
    ("out", "不支持的导出格式"), ("missing/out.docx", "导出目录不存在"), ("existing_dir.docx", "是一个文件夹"),
])
def test_cli_export_to_a_bad_place_is_one_chinese_line(target, words, tmp_path, capsys):
    from assistant.__main__ import main

    (tmp_path / "existing_dir.xlsx").mkdir()
    (tmp_path / "existing_dir.docx").mkdir()
    source = tmp_path / "t.json"
    source.write_text(export.to_json(_table()), encoding="utf-8")
    assert main(["export", str(source), str(tmp_path / target)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("special", ["\x00\x08控制", "\ud800断", "\u202e反向", "😀表情", "A" * 5000, "=1+1\n@x"])
def test_odd_text_exports_and_reads_back(special, tmp_path):
    table = _table(project_name=special, indicators=[
        Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name=f"{special}指标", value="1次")])
    for fmt in ("xlsx", "docx"):
        path = tmp_path / f"t.{fmt}"
        with bounded(5, 100):
            export.write(table, path)
        assert read_office(path).projects[0].table.indicators[0].value == "1次"


def test_cli_export_of_nan_json_is_a_chinese_error(tmp_path, capsys):
    from assistant.__main__ import main

    source = tmp_path / "nan.json"
    data = json.loads(export.to_json(_table()))
    data["funds_annual"]["total"] = "NaN"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert main(["export", str(source), str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "资金金额无效" in err and not (tmp_path / "o.xlsx").exists()


def test_every_refusal_is_an_assistant_error():
    assert issubclass(IngestError, AssistantError) and issubclass(ExportError, AssistantError)
