"""Helpers for the readers of tab-separated text dumps (PDF/Word tables extracted as text).

Owns what summary_text, declaration_text and self_eval_text share: cells as tokens, tidying, amounts,
years, unit → city, splitting a text into its projects, the provenance with its problems, and the
一级/二级 labels carried down a grid (``TreeCursor``). budget_text and department_text use ``squash``
and ``spans`` from here and their own cell and label rules (department_rows).

Cells are separated by tabs, but merged cells come out as empty cells whose number drifts from row
to row (the same 六安 table puts 数量指标 in column 2 in one project and column 2 of a shifted grid in
the next). So readers work on the non-empty cells ("tokens") and on what a cell says — a 一级/二级
label, an amount, a year — and use column positions only to break ties.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IngestError
from assistant.schema import FormKind, Level1, Level2, Provenance
from assistant.taxonomy import belongs, level1_of, normalize_level1, normalize_level2
from assistant.values import undouble

Token = tuple[int, str]  # (column, text) of a non-empty cell


def tokens(line: str) -> list[Token]:
    """The non-empty cells of a line with their column, stripped."""
    return [(col, cell.strip()) for col, cell in enumerate(line.split("\t")) if cell.strip()]


def texts(line: str) -> list[str]:
    return [text for _, text in tokens(line)]


def squash(text: str | None) -> str:
    return re.sub(r"[\s\u3000]+", "", text or "")


def tidy(text: str) -> str:
    """Whitespace left by line wrapping inside a cell: kept only between two ASCII words.

    "住房公积金支持廉租住房建设 可持续影响力" → "…建设可持续影响力"; "≥ 20 条" → "≥20条"; "IT Service" stays.
    """
    s = re.sub(r"[\s\u3000]+", " ", text or "").strip()
    return re.sub(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])", "", s)


def project_starts(path: Path, lines: list[str], form: str) -> list[int]:
    """The lines that open a project (first cell 项目名称); a text without one is not a ``form``."""
    starts = [i for i, line in enumerate(lines) if texts(line)[:1] == ["项目名称"]]
    if not starts:
        raise IngestError(f"{path.name}：未找到“项目名称”行，无法按{form}读取")
    return starts


def spans(starts: list[int], end: int) -> list[tuple[int, int]]:
    """(start, end) of each part opening at one of ``starts`` and running to the next, the last to ``end``."""
    return list(zip(starts, [*starts[1:], end]))


def cell_value(text: str) -> str:
    """A 指标值 as written: tidied, and a merged cell extracted twice ("持续影响持续影响") undone."""
    return undouble(tidy(text))


def amount(text: str | None) -> float | None:
    """"12,748.27" → 12748.27; "", "—", "无" or prose → None (never 0 for a missing amount)."""
    s = squash(text or "").replace(",", "").replace("，", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", s):
        return None
    return float(s)


_YEAR_LINE = re.compile(r"^[(（]\s*((?:19|20)\d{2})\s*年\s*度?\s*[)）]$")


def year_line(text: str) -> int | None:
    """The "(2022 年度)" line under a form's title."""
    m = _YEAR_LINE.match(squash(text))
    return int(m.group(1)) if m else None


def years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text or "")]


_CODE = re.compile(r"^\s*[\[【(（]\s*\d+\s*[\]】)）]\s*")
_CITY = re.compile(r"^(?:.{2,7}?(?:省|自治区))?(?P<city>[^\s省市]{2,4}?)(?:市|住房公积金|地区|盟|州)")


def strip_code(unit: str) -> str:
    """"[079]六安市住房公积金中心" → "六安市住房公积金中心" (主管部门及代码 carries the budget code)."""
    return _CODE.sub("", unit or "").strip()


def city_of(unit: str | None) -> str | None:
    """"六安市住房公积金中心" → 六安, "广州住房公积金管理中心" → 广州, "宁夏回族自治区中卫市…" → 中卫."""
    m = _CITY.match(squash(strip_code(unit or "")))
    return m.group("city") if m else None


def provenance(path: Path, unit: str, department: str | None, year: int | None, kind: FormKind,
               problems: list[str]) -> Provenance:
    """A document's provenance; a city (from the unit, else the 主管部门) or year not found is reported."""
    city = city_of(unit) or city_of(department)
    if not city:
        problems.append(f"{path.name}：未能从单位名称“{unit}”识别城市")
    if year is None:
        problems.append(f"{path.name}：未找到“(XXXX年度)”行，年度未知")
    return Provenance(source=path.name, city=city or "", unit=unit, year=year, form_kind=kind)


def split_goals(text: str) -> list[str]:
    """"目标1:…。目标2:…" → one goal each; an unnumbered text stays one goal."""
    s = tidy(text)
    if not s:
        return []
    parts = re.split(r"目标\s*\d+\s*[:：]", s)
    goals = [p.strip(" ；;。") for p in parts if p.strip(" ；;。")]
    return goals if len(parts) > 1 else [s]


# --- 一级/二级 labels and the tree carried down merged cells ----------------------------------------

_POINTS = re.compile(r"[（(]\d+(?:\.\d+)?分[)）]$")


def label_levels(text: str) -> tuple[Level1 | None, Level2 | None] | None:
    """"产出 指标 (50分)" → (产出指标, None); "成本指标" → (成本指标, 成本指标); a 三级 name → None.

    A label ends with 指标; a name such as "社会公众满意度" or "档案室维护成本" does not.
    """
    s = _POINTS.sub("", squash(text))
    if not s.endswith("指标") or len(s) > 12:
        return None
    level1, level2 = normalize_level1(s), normalize_level2(s)
    if level1 is None and level2 is None:
        return None
    return level1, level2


def is_label(text: str) -> bool:
    return label_levels(text) is not None


@dataclass
class TreeCursor:
    """The current 一级/二级 while walking an indicator grid whose merged cells are blank below.

    Columns are remembered only to tell whether an ambiguous label (成本指标, 满意度指标 are both a
    一级 and a 二级 name) stands in the 一级 column, as 六安's 成本指标 does in its first project.
    """

    level1: Level1 | None = None
    level2: Level2 | None = None
    level1_inferred: bool = False
    level1_col: int | None = None
    level2_col: int | None = None

    def read_labels(self, labels: list[Token]) -> None:
        """Move the cursor by the labels that lead a row (一级 and/or 二级)."""
        for i, (col, text) in enumerate(labels):
            level1, level2 = label_levels(text) or (None, None)
            if level1 and level2:  # ambiguous: a 一级 if a 二级 follows it or it sits in the 一级 column
                nxt = label_levels(labels[i + 1][1]) if i + 1 < len(labels) else None
                if (nxt and nxt[1]) or (col == self.level1_col and col != self.level2_col):
                    level2 = None
                else:
                    level1 = None
            if level1:
                self.level1, self.level1_col, self.level1_inferred, self.level2 = level1, col, False, None
            elif level2:
                self.set_level2(level2, col)
                return  # any further label belongs to the next column group (六安's 年度 half)

    def set_level2(self, level2: Level2, col: int | None = None) -> None:
        self.level2 = level2
        if col is not None:
            self.level2_col = col
        if self.level1 is None or not belongs(self.level1, level2):
            # the 一级 cell is missing (六安's second project has no 产出指标 label): take it from the tree
            self.level1, self.level1_inferred = level1_of(level2), True

    def place(self, level2_hint: Level2 | None = None) -> tuple[Level1 | None, Level2 | None, list[str]]:
        """The (level1, level2, inferred) of the current row; a 二级 from another column group fills a gap."""
        if self.level2 is None and level2_hint is not None:
            self.set_level2(level2_hint)
        return self.level1, self.level2, ["level1"] if self.level1_inferred else []


def level2_of_labels(labels: list[Token]) -> Level2 | None:
    for _, text in labels:
        levels = label_levels(text)
        if levels and levels[1]:
            return levels[1]
    return None


def split_labels(row: list[Token]) -> tuple[list[Token], list[Token]]:
    """A row's leading labels, and the rest (labels further right are kept in place)."""
    i = 0
    while i < len(row) and is_label(row[i][1]):
        i += 1
    return row[:i], row[i:]
