"""Getting 实际完成值 into a table: an ACTUALS.csv, or a sentence such as "第3个实际完成98%".

Owns the CSV contract (header ``name,actual,weight``; weight optional; the Chinese headers 三级指标,
实际完成值, 分值 accepted; UTF-8 or the GBK that Excel writes in China), matching its rows to the
table's by 三级指标 name (a name that occurs twice is matched in order), the one-sentence entry of
the 自评 tab, and ``apply_actuals``: a copy of the table with the actuals (and weights) set. An
actual for a row that does not exist is an error naming the nearest row; nothing is half-applied.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pydantic import BaseModel

from assistant.errors import AssistantError
from assistant.schema import Level1, TargetTable
from assistant.text import clean_name, name_similarity, normalize_name
from assistant.values import chinese_number

_HEADERS = {"name": "name", "三级指标": "name", "指标名称": "name", "actual": "actual", "实际完成值": "actual",
            "实际值": "actual", "weight": "weight", "分值": "weight", "权重": "weight"}


class SelfEvalInputError(AssistantError):
    """Actuals, weights or amounts that cannot be used; the message is Chinese."""


class ActualEntry(BaseModel):
    name: str
    actual: str
    weight: float | None = None
    line: int | None = None  # 1-based line in the CSV


def read_actuals_csv(path: Path) -> list[ActualEntry]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SelfEvalInputError(f"{path.name}：无法读取（{exc.strerror or exc}）") from exc
    return parse_actuals_csv(_decode(data, path.name), path.name)


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SelfEvalInputError(f"{name}：无法识别的文本编码（请另存为 UTF-8 的 CSV）")


def parse_actuals_csv(text: str, name: str = "ACTUALS.csv") -> list[ActualEntry]:
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise SelfEvalInputError(f"{name}：文件为空，第一行应为表头 name,actual,weight")
    columns = {_HEADERS.get(c.strip().lower(), _HEADERS.get(c.strip())): k for k, c in enumerate(rows[0])}
    if "name" not in columns or "actual" not in columns:
        raise SelfEvalInputError(f"{name}：表头应为 name,actual,weight（weight 可省略），实际为 {','.join(rows[0])}")
    entries = []
    for line, row in enumerate(rows[1:], 2):
        cell = lambda key: row[columns[key]].strip() if key in columns and columns[key] < len(row) else ""  # noqa: E731
        if not cell("name"):
            raise SelfEvalInputError(f"{name} 第{line}行：缺少指标名称（name）")
        entries.append(ActualEntry(name=cell("name"), actual=cell("actual"), weight=_weight(cell("weight"), name, line),
                                   line=line))
    return entries


def _weight(text: str, name: str, line: int) -> float | None:
    if not text:
        return None
    try:
        value = float(text.rstrip("分"))
    except ValueError as exc:
        raise SelfEvalInputError(f"{name} 第{line}行：分值“{text}”不是数字") from exc
    if value < 0:
        raise SelfEvalInputError(f"{name} 第{line}行：分值不能为负数（{text}）")
    return value


def match_rows(table: TargetTable, entries: list[ActualEntry]) -> list[int]:
    """The row index of each entry, by exact name, then by the name without notes; in order for repeats."""
    used: set[int] = set()
    indexes = []
    for entry in entries:
        index = _find(table, entry.name, used)
        if index is None:
            where = f"第{entry.line}行" if entry.line else ""
            raise SelfEvalInputError(f"实际完成值 CSV {where}“{entry.name}”：表中没有这个三级指标{_nearest(table, entry.name)}")
        used.add(index)
        indexes.append(index)
    return indexes


def _find(table: TargetTable, name: str, used: set[int]) -> int | None:
    keys = (clean_name, normalize_name)
    for key in keys:
        for i, row in enumerate(table.indicators):
            if i not in used and key(row.name) == key(name):
                return i
    return None


def _nearest(table: TargetTable, name: str) -> str:
    scored = sorted(((name_similarity(name, r.name), r.name) for r in table.indicators), reverse=True)
    if scored and scored[0][0] >= 0.3:
        return f"（是不是“{scored[0][1]}”？）"
    return ""


def apply_actuals(table: TargetTable, entries: list[ActualEntry]) -> TargetTable:
    """A copy of ``table`` with each entry's actual (and weight, when given) on its row."""
    indexes = match_rows(table, entries)
    rows = [r.model_copy() for r in table.indicators]
    for index, entry in zip(indexes, entries):
        rows[index].actual = entry.actual or None
        if entry.weight is not None:
            rows[index].weight = entry.weight
    return table.model_copy(update={"indicators": rows})


# --- one sentence: "第3个实际完成98%", "满意度实际96%", "培训人次实际完成1200人次" ---------------------------

_SENTENCE = re.compile(r"^\s*(?:第\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*(?:个|行|条|项)?(?:指标)?)?"
                       r"(?P<name>.*?)\s*实际(?:完成)?(?:值|情况)?\s*(?:为|是|:|：)?\s*(?P<actual>.+?)\s*$")
_LEVEL_WORDS = {"满意度": Level1.SATISFACTION, "满意": Level1.SATISFACTION}


def parse_sentence(table: TargetTable, text: str) -> tuple[list[int], str]:
    """The rows a sentence names and the actual it gives. Raises SelfEvalInputError in Chinese."""
    match = _SENTENCE.match(text or "")
    if not match or not match.group("actual"):
        raise SelfEvalInputError("没看懂：请写成“第3个实际完成98%”或“满意度实际96%”")
    actual, n, name = match.group("actual"), match.group("n"), match.group("name").strip("的 ，,")
    if n:
        number = int(n) if n.isdigit() else int(chinese_number(n) or 0)
        if not 1 <= number <= len(table.indicators):
            raise SelfEvalInputError(f"表中只有 {len(table.indicators)} 行，没有第{number}行")
        return [number - 1], actual
    if name in _LEVEL_WORDS:
        rows = [i for i, r in enumerate(table.indicators) if r.level1 is _LEVEL_WORDS[name]]
        if rows:
            return rows, actual
    rows = [i for i, r in enumerate(table.indicators) if name and name in r.name]
    if not rows and name:
        best = max(range(len(table.indicators)), key=lambda i: name_similarity(name, table.indicators[i].name),
                   default=None)
        if best is not None and name_similarity(name, table.indicators[best].name) >= 0.5:
            rows = [best]
    if not rows:
        raise SelfEvalInputError(f"表中没有“{name}”这个指标：可以写成“第N个实际完成…”")
    return rows, actual
