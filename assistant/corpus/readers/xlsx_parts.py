"""A bounded, streaming reader of an .xlsx package: sheets → cell texts and merged ranges.

Owns reading an untrusted workbook without letting any library expand it first: the zip directory
is checked (limits.check_zip), each XML part is decompressed in chunks up to a cap, parsed by
defusedxml (no DTD, no entities, no external references) with iterparse, and every count (sheets,
rows, cells, merged ranges, text length) stops at its limit with a Chinese message naming it. Only
cached values are read (never formulas), as openpyxl's ``data_only`` would; number formats decide
whether 0.95 reads as 95% and 45000 as a date. openpyxl's own small helpers (date formats, Excel
serial dates, ``_x000D_`` escapes) are reused; its workbook loader is not.
"""
from __future__ import annotations

import math
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus.readers import limits
from assistant.corpus.readers.xml_stream import elements, local
from assistant.errors import IngestError
from assistant.text import clean_input
from assistant.values import format_number

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")


@dataclass
class Sheet:
    title: str
    cells: dict[int, dict[int, str]] = field(default_factory=dict)  # row → column → text (1-based)
    present: dict[int, int] = field(default_factory=dict)  # row → last column the file has a cell in
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col


@dataclass
class _Budget:
    """What is left of the file-wide limits while its sheets are read."""
    name: str
    rows: int = 0
    cells: int = 0
    merges: int = 0
    notes: list[str] = field(default_factory=list)

    def row(self) -> None:
        self.rows += 1
        if self.rows > limits.MAX_ROWS:
            raise limits.too_many(self.name, "行数", limits.MAX_ROWS)

    def cell(self) -> None:
        self.cells += 1
        if self.cells > limits.MAX_CELLS:
            raise limits.too_many(self.name, "非空单元格", limits.MAX_CELLS)

    def merge(self) -> None:
        self.merges += 1
        if self.merges > limits.MAX_MERGES:
            raise limits.too_many(self.name, "合并单元格", limits.MAX_MERGES)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


# Elements handled one at a time: dropped from the tree once read, so memory stays flat
_RECORDS = frozenset({"c", "row", "si", "mergeCell", "xf", "numFmt", "Relationship", "sheet", "col", "definedName"})


def _parse(archive: zipfile.ZipFile, member: str, name: str):
    """(element, parent tag) at the end of every element of one part (xml_stream.elements)."""
    for elem, stack in elements(archive, member, name, ".xlsx", _RECORDS):
        yield elem, local(stack[-1].tag) if stack else ""


def _rels(archive: zipfile.ZipFile, part: str, name: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type suffix, target path inside the zip) for one part."""
    folder, base = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", base + ".rels")
    if rels_path not in archive.NameToInfo:
        return {}
    out = {}
    for elem, _ in _parse(archive, rels_path, name):
        if local(elem.tag) == "Relationship" and elem.get("TargetMode") != "External":
            target = elem.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[elem.get("Id", "")] = (elem.get("Type", "").rsplit("/", 1)[-1], path)
    return out


def _workbook_part(archive: zipfile.ZipFile, name: str) -> str:
    for kind, target in _rels(archive, "", name).values():
        if kind == "officeDocument" and target.endswith("workbook.xml") and target in archive.NameToInfo:
            return target
    if "xl/workbook.xml" in archive.NameToInfo:
        return "xl/workbook.xml"
    raise IngestError(f"{name}：不是有效的 .xlsx 文件（缺少工作簿 xl/workbook.xml）")


@dataclass
class _Styles:
    percent: set[int] = field(default_factory=set)  # style indexes whose number format shows a %
    date: set[int] = field(default_factory=set)


def _styles(archive: zipfile.ZipFile, part: str | None, name: str) -> _Styles:
    """Which cell styles (``s`` = index into cellXfs) show a percentage or a date."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    styles = _Styles()
    if not part or part not in archive.NameToInfo:
        return styles
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for elem, parent in _parse(archive, part, name):
        tag = local(elem.tag)
        if tag == "xf" and parent == "cellXfs":
            xfs.append(_int(elem.get("numFmtId")))
        elif tag == "numFmt":
            custom[_int(elem.get("numFmtId"))] = elem.get("formatCode", "")
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
        if "%" in code:
            styles.percent.add(index)
        elif code and is_date_format(code):
            styles.date.add(index)
    return styles


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _shared_strings(archive: zipfile.ZipFile, part: str | None, budget: _Budget) -> list[str]:
    from openpyxl.utils.escape import unescape

    strings: list[str] = []
    if not part or part not in archive.NameToInfo:
        return strings
    for elem, _ in _parse(archive, part, budget.name):
        if local(elem.tag) != "si":
            continue
        strings.append(_cut(unescape(_si_text(elem)), budget))
        if len(strings) > limits.MAX_SHARED_STRINGS:
            raise limits.too_many(budget.name, "共享字符串", limits.MAX_SHARED_STRINGS)
    return strings


def _si_text(si) -> str:
    """A shared string: its <t>, or the <t> of each rich-text run <r>; <rPh> (furigana) is skipped."""
    parts = []
    for child in si:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts += [t.text or "" for t in child if local(t.tag) == "t"]
    return "".join(parts)


def _cut(text: str, budget: _Budget) -> str:
    if len(text) > limits.MAX_CELL_CHARS:
        budget.note(f"有单元格超过 {limits.MAX_CELL_CHARS} 字，只读取了前 {limits.MAX_CELL_CHARS} 字")
    return clean_input(text, limits.MAX_CELL_CHARS)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _number_text(raw: str, style: int, styles: _Styles, date1904: bool) -> str:
    try:
        value = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
    except ValueError:
        return raw.strip()
    if isinstance(value, float) and not math.isfinite(value):
        return raw.strip()
    if style in styles.percent:
        return format_number(round(value * 100, 6)) + "%"  # 0.95 shown as 95% stays 95%
    if style in styles.date:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            day = from_excel(value, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
            return f"{day.year}年{day.month}月{day.day}日"
        except (ValueError, OverflowError, TypeError):
            return format_number(value)
    return format_number(value)


def _cell_text(c, strings: list[str], styles: _Styles, date1904: bool, budget: _Budget) -> str:
    """A cell's cached value as the form shows it (openpyxl data_only + the reader's formatting)."""
    kind = c.get("t", "n")
    v = next((ch.text for ch in c if local(ch.tag) == "v"), None)
    if kind == "inlineStr":
        return _cut("".join(t.text or "" for t in c.iter() if local(t.tag) == "t"), budget).strip()
    if v is None:
        return ""
    if kind == "s":
        try:
            return strings[int(v)].strip()
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return str(v.strip() in ("1", "true"))
    if kind in ("str", "e"):
        return _cut(v, budget).strip()
    if kind == "d":
        return _cut(v, budget).strip()[:10]
    return _number_text(v, int(c.get("s", "0") or 0), styles, date1904)


def _sheet(archive, part: str, title: str, strings, styles, date1904: bool, budget: _Budget) -> Sheet:
    sheet = Sheet(title)
    row_no, col_no, cells_in_row = 0, 0, 0
    for elem, _ in _parse(archive, part, budget.name):
        tag = local(elem.tag)
        if tag == "c":
            cells_in_row += 1
            ref = _CELL_REF.match(elem.get("r", ""))
            col_no = _col_number(ref.group(1)) if ref else col_no + 1
            r = int(ref.group(2)) if ref else row_no + 1
            if col_no > limits.MAX_COLUMNS:
                budget.note(f"第 {limits.MAX_COLUMNS} 列以后的单元格未读入")
                continue
            text = _cell_text(elem, strings, styles, date1904, budget)
            sheet.present[r] = max(sheet.present.get(r, 0), col_no)
            if text:
                budget.cell()
            sheet.cells.setdefault(r, {})[col_no] = text
        elif tag == "row":
            row_no = _int(elem.get("r")) or row_no + 1
            if cells_in_row:
                budget.row()
            col_no = cells_in_row = 0
        elif tag == "mergeCell":
            budget.merge()
            merged = _range(elem.get("ref", ""))
            if merged:
                sheet.merges.append(merged)
    return sheet


def _range(ref: str) -> tuple[int, int, int, int] | None:
    parts = ref.split(":")
    found = [_CELL_REF.match(p) for p in parts]
    if len(parts) != 2 or not all(found):
        return None
    (c1, r1), (c2, r2) = [(_col_number(m.group(1)), int(m.group(2))) for m in found]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def fill_merges(sheet: Sheet, budget: _Budget) -> None:
    """Every grid position of a merged range gets its top-left text (openpyxl reads them as None).

    A range is clipped to the rows and columns that hold data: a merge over a whole column of a
    30-row form fills 30 rows, and one that would still fill more than MAX_MERGED_CELLS is refused.
    """
    last_row = max((r for r, cols in sheet.cells.items() if any(cols.values())), default=0)
    filled = 0
    for min_row, min_col, max_row, max_col in sheet.merges:
        max_row, max_col = min(max_row, last_row), min(max_col, limits.MAX_COLUMNS)
        if max_row < min_row or max_col < min_col:
            continue
        filled += (max_row - min_row + 1) * (max_col - min_col + 1)
        if filled > limits.MAX_MERGED_CELLS:
            raise limits.refuse(budget.name, f"合并单元格覆盖的范围过大（超过 {limits.MAX_MERGED_CELLS} 个单元格）")
        top = sheet.cells.get(min_row, {}).get(min_col, "")
        for r in range(min_row, max_row + 1):
            row = sheet.cells.setdefault(r, {})
            for c in range(min_col, max_col + 1):
                row[c] = top


def read_workbook(path: Path, display: str | None = None) -> tuple[list[Sheet], list[str]]:
    """The workbook's worksheets (in order, merges filled) and notes on what was cut or skipped."""
    name = display or path.name
    budget = _Budget(name)
    with limits.open_package(path, ".xlsx", name) as archive:
        sheets = _read(archive, budget)
    for sheet in sheets:
        fill_merges(sheet, budget)
    return sheets, budget.notes


def _read(archive: zipfile.ZipFile, budget: _Budget) -> list[Sheet]:
    name = budget.name
    workbook = _workbook_part(archive, name)
    rels = _rels(archive, workbook, name)
    by_kind = {kind: target for kind, target in rels.values()}
    entries, date1904 = [], False
    for elem, _ in _parse(archive, workbook, name):
        tag = local(elem.tag)
        if tag == "sheet":
            entries.append((elem.get("name", ""), elem.get(_REL, "")))
        elif tag == "workbookPr":
            date1904 = elem.get("date1904", "0") in ("1", "true")
    if len(entries) > limits.MAX_SHEETS:
        raise limits.too_many(name, "工作表", limits.MAX_SHEETS)
    strings = _shared_strings(archive, by_kind.get("sharedStrings"), budget)
    styles = _styles(archive, by_kind.get("styles"), name)
    sheets = []
    for title, rel_id in entries:
        kind, target = rels.get(rel_id, ("", ""))
        if kind != "worksheet" or target not in archive.NameToInfo:
            continue  # a chart sheet or a dangling entry: nothing to read
        sheets.append(_sheet(archive, target, clean_input(title, 100), strings, styles, date1904, budget))
    return sheets
