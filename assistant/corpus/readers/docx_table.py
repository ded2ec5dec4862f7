"""Reader for the standard 项目支出绩效目标申报表 as .docx: a document's tables and paragraphs → Rows.

The body's paragraphs and table rows, in order, become the same rows the .xlsx reader makes, read
as a standard table by standard_table, so both formats are read by one set of rules. The body XML
is streamed (xml_stream: defused, bounded), not loaded by python-docx: python-docx resolves a
vertically merged cell by walking up the rows one at a time (recursively, each step searching the
table), which a merge down a few thousand rows turns into a RecursionError or minutes of work.
Here a merged cell takes the text of the cell above it at the same grid column, as python-docx
would give it: a merged 一级/二级 is carried down by itself. Only direct children are read, as
python-docx does: the body's own paragraphs and tables, each cell's own paragraphs.
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus.readers import limits
from assistant.corpus.readers.standard_rows import Row
from assistant.corpus.readers.standard_table import document, parse_rows
from assistant.corpus.readers.xml_stream import elements, local
from assistant.errors import IngestError
from assistant.schema import SourceDocument
from assistant.text import clean_input

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RECORDS = frozenset({"tr"})  # dropped once read; the body's own paragraphs and tables are dropped below
_RUN_TEXT = {"tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-"}


@dataclass
class _Reading:
    name: str
    rows: list[Row] = field(default_factory=list)
    tables: int = 0
    table_rows: int = 0
    paragraphs: int = 0
    cells: int = 0
    notes: list[str] = field(default_factory=list)
    in_table: bool = False
    table_row: int = 0  # 1-based row number inside the current table
    above: dict[int, str] = field(default_factory=dict)  # grid column → text, in the previous row

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def paragraph_text(p) -> str:
    """python-docx's Paragraph.text: the runs (and the runs of hyperlinks) with tabs and breaks."""
    out = []
    for child in p:
        tag = local(child.tag)
        runs = [child] if tag == "r" else [r for r in child if local(r.tag) == "r"] if tag == "hyperlink" else []
        for run in runs:
            for item in run:
                kind = local(item.tag)
                if kind == "t":
                    out.append(item.text or "")
                elif kind == "br":
                    out.append("\n" if item.get(_W + "type", "textWrapping") == "textWrapping" else "")
                else:
                    out.append(_RUN_TEXT.get(kind, ""))
    return "".join(out)


def _prop(elem, *path: str) -> str | None:
    """The w:val of a property element, e.g. tcPr/gridSpan; "" when present without a value."""
    node = elem
    for tag in path:
        node = next((child for child in node if local(child.tag) == tag), None)
        if node is None:
            return None
    return node.get(_W + "val", "")


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), limits.MAX_COLUMNS)
    except ValueError:
        return 1


def _cell_text(tc, reading: _Reading) -> str:
    text = "\n".join(paragraph_text(p) for p in tc if local(p.tag) == "p")
    if len(text) > limits.MAX_CELL_CHARS:
        reading.note(f"有单元格超过 {limits.MAX_CELL_CHARS} 字，只读取了前 {limits.MAX_CELL_CHARS} 字")
    return clean_input(text, limits.MAX_CELL_CHARS).strip()


def _table_row(tr, reading: _Reading, prefix: str) -> None:
    reading.table_rows += 1
    if reading.table_rows > limits.MAX_ROWS:
        raise limits.too_many(reading.name, "表格行数", limits.MAX_ROWS)
    before = _span(_prop(tr, "trPr", "gridBefore")) if _prop(tr, "trPr", "gridBefore") else 0
    cells = [""] * before  # a row may start later than the first grid column: keep cells under their headers
    for tc in (child for child in tr if local(child.tag) == "tc"):
        span = _span(_prop(tc, "tcPr", "gridSpan"))
        merge = _prop(tc, "tcPr", "vMerge")
        text = reading.above.get(len(cells), "") if merge in ("", "continue") else _cell_text(tc, reading)
        cells += [text] * span
        reading.cells += 1
        if reading.cells > limits.MAX_CELLS:
            raise limits.too_many(reading.name, "表格单元格", limits.MAX_CELLS)
        if len(cells) > limits.MAX_COLUMNS:
            reading.note(f"第 {limits.MAX_COLUMNS} 列以后的单元格未读入")
            cells = cells[: limits.MAX_COLUMNS]
            break
    reading.above = dict(enumerate(cells))
    reading.table_row += 1
    number = reading.table_row
    reading.rows.append(Row(number, cells, len(cells), f"{prefix}第{number}行"))


def _body_rows(archive: zipfile.ZipFile, part: str, reading: _Reading) -> None:
    """Paragraphs and table rows of the body, in order; tables numbered for the row labels."""
    for elem, stack in elements(archive, part, reading.name, ".docx", _RECORDS):
        tag = local(elem.tag)
        depth = len(stack)  # document(1) › body(2) › tbl(3) › tr(4)
        if tag == "p" and depth == 2:
            text = clean_input(paragraph_text(elem), limits.MAX_CELL_CHARS).strip()
            reading.paragraphs += 1
            if reading.paragraphs > limits.MAX_PARAGRAPHS:
                raise limits.too_many(reading.name, "段落", limits.MAX_PARAGRAPHS)
            if text:  # title, year and notes outside the tables
                reading.rows.append(Row(0, [text], 1, "正文"))
            stack[-1].remove(elem)
        elif tag == "tr" and depth == 3 and local(stack[-1].tag) == "tbl" and local(stack[-2].tag) == "body":
            if not reading.in_table:
                reading.tables += 1
                reading.in_table, reading.table_row, reading.above = True, 0, {}
                reading.rows.append(Row(-reading.tables, [], 0, ""))  # a marker, dropped by _label_tables
            _table_row(elem, reading, "")
        elif tag == "tbl" and depth == 2:
            reading.in_table = False
            stack[-1].remove(elem)


def _label_tables(reading: _Reading) -> list[Row]:
    """"表格2第4行" when the document has several tables; the markers dropped."""
    rows, table = [], 0
    for row in reading.rows:
        if row.line < 0:
            table = -row.line
            continue
        if row.where.startswith("第") and reading.tables > 1:
            row.where = f"表格{table}{row.where}"
        rows.append(row)
    return rows


def _document_part(archive: zipfile.ZipFile, name: str) -> str:
    for candidate in ("word/document.xml", "word/document2.xml"):
        if candidate in archive.NameToInfo:
            return candidate
    main = [n for n in archive.namelist() if posixpath.basename(n).startswith("document") and n.endswith(".xml")]
    if main:
        return main[0]
    raise IngestError(f"{name}：不是有效的 .docx 文件（缺少正文 word/document.xml）")


def document_rows(path: Path, display: str | None = None) -> tuple[list[Row], list[str]]:
    name = display or path.name
    reading = _Reading(name)
    with limits.open_package(path, ".docx", name) as archive:
        _body_rows(archive, _document_part(archive, name), reading)
    return _label_tables(reading), reading.notes


def read(path: Path, display: str | None = None) -> SourceDocument:
    """Read a standard 申报表 document: each indicator grid (with the block above it) is one project."""
    path = Path(path)
    rows, notes = document_rows(path, display)
    problems: list[str] = list(notes)
    projects = parse_rows(rows, Path(display or path.name).stem, problems)
    return document(path, projects, problems, display)
