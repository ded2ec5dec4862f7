"""Cells and grid rows of a department's own documents, shared by budget_text and department_text.

Owns what the 部门预算绩效文本 (张家口) and the 部门整体绩效目标表 (鄂州) have in common once their
text is extracted: cells with spaces between CJK characters (``tidy_cjk``), 一级/二级 labels that
are recognised by their words and carried down a grid whose merged cells are lost or shifted, the
Indicator one grid row makes, and the city read off the unit's name.

The other tab-text readers use text_rows' rules instead: its ``tidy`` drops every space not between
two ASCII words (it would turn seed 002's "计划 2020 年" into "计划2020年"), and its ``TreeCursor``
carries the levels by column as well as by word. The two sets are not interchangeable as they stand.
"""
from __future__ import annotations

import re

from assistant.corpus.readers.text_rows import squash
from assistant.schema import Indicator, Level1, Level2
from assistant.taxonomy import belongs, classify_basis, infer_level2, level1_of, normalize_level1, normalize_level2
from assistant.values import clean

_LEVEL1_LABELS = {"产出指标", "效益指标", "效果指标", "满意度指标", "成本指标"}


def tidy_cjk(text: str | None) -> str:
    """Whitespace as a reader sees it: PDF extraction puts spaces between CJK characters."""
    s = re.sub(r"[\s\u3000]+", " ", text or "").strip()
    return re.sub(r"(?<=[\u4e00-\u9fff）”])\s+(?=[\u4e00-\u9fff（“])", "", s)


def level_label(cell: str) -> tuple[Level1 | None, Level2 | None] | None:
    """"产出 指标" → (产出, None); "社会效益指标" → (None, 社会效益); "成本指标" → (成本, 成本); else None."""
    s = squash(cell)
    if not s or len(s) > 12 or not (s.endswith("指标") or s.startswith("可持续")):
        return None
    l1 = normalize_level1(s) if s in _LEVEL1_LABELS else None
    l2 = normalize_level2(s)
    return (l1, l2) if l1 or l2 else None


def carry_levels(labels: list[tuple[Level1 | None, Level2 | None]], level1: Level1 | None,
                 level2: Level2 | None) -> tuple[Level1 | None, Level2 | None]:
    """The 一级/二级 of a grid row, from the labels it shows and those carried down from above."""
    if not labels:
        return level1, level2
    if len(labels) >= 2:
        first, second = labels[0], labels[-1]
        l2 = second[1]
        return first[0] or (level1_of(l2) if l2 else level1), l2
    l1, l2 = labels[0]
    if l2 is None:  # a new 一级 block whose 二级 is not shown yet
        return l1, None
    if level1 is not None and belongs(level1, l2):  # "成本指标" under 产出 is a 二级 (provincial style)
        return level1, l2
    return l1 or level1_of(l2), l2


def leading_labels(cells: list[str]) -> tuple[list, int | None]:
    """Labels and empty cells at the start of a row; the index of the first content cell (or None)."""
    labels = []
    for index, cell in enumerate(cells):
        if not squash(cell):
            continue
        label = level_label(cell)
        if label is None:
            return labels, index
        labels.append(label)
    return labels, None


def make_indicator(level1, level2, name: str, value: str, basis_note: str, line: int, **more) -> Indicator:
    inferred = []
    if level2 is None:
        level2 = infer_level2(name, value, level1)
        inferred += ["level2"] if level2 else []
    if level1 is None and level2 is not None:
        level1 = level1_of(level2)
        inferred.append("level1")
    note = tidy_cjk(basis_note) or None
    return Indicator(level1=level1, level2=level2, name=tidy_cjk(name), value=clean(value), basis_note=note,
                     basis=classify_basis(note), line=line, inferred=inferred, **more)


def city_or_unit(unit: str | None) -> str:
    """"张家口市住房公积金管理中心" → 张家口; a unit without 市/州/盟 stands as its own city."""
    city = re.match(r"^(.{2,}?)[市州盟]", unit or "")
    return city.group(1) if city else (unit or "")
