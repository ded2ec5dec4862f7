"""部门整体绩效目标表 (seed 003, 鄂州 2020: titled 自评表 but holding the year's targets).

Layout of the extracted text: each cell opens with a tab, a line without a tab carries on the cell
above ("产出\\n指标"), and an empty line ends a table row. Rows, top to bottom:
  title ("2020年度部门整体绩效目标自评表") and 部门（单位）名称; 填报人/联系电话 (personal data, not kept);
  部门总体资金情况: 收入构成/支出构成 × 当年金额 | 占比 | 近两年收支金额 (one column per year);
  部门职能概述; 年度工作任务; 项目支出情况 (one row per project);
  整体绩效总目标: 长期目标（截止 2023 年） | 年度目标, each "目标1：…目标2：…";
  长期目标1： then 长期绩效指标 (一级 | 二级 | 三级 | 指标值 | 指标值确定依据);
  年度目标N： then 年度绩效指标 (… | 近两年指标值: 前年, 上年 | 预期当年实现值 | 依据);
  the official 填报说明 ("附2-2：…内容说明"), which is not data and is skipped.

The whole form is one ProjectRecord. Long-term indicators carry their value in ``midterm_value``
(there is no annual value for them); ``extra["indicator_goals"]`` names, for each indicator in
``table.indicators``, the goal block it sits under ("长期目标1", "年度目标2"), and
``extra["goal_texts"]`` gives each block's wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus.readers.department_rows import (
    carry_levels, city_or_unit, leading_labels, make_indicator, tidy_cjk,
)
from assistant.corpus.readers.text_rows import squash
from assistant.schema import FormKind, Funds, Indicator, ProjectRecord, Provenance, SourceDocument, TargetTable
from assistant.values import clean

_FIGURE = re.compile(r"^-?\d+(?:,\d{3})*(?:\.\d+)?%?$")
_YEAR_CELL = re.compile(r"^((?:19|20)\d{2})年$")
_GOAL_LABEL = re.compile(r"^((?:长期|年度)目标\d+)[：:]?(.*)$")
_GOALS_IN_CELL = re.compile(r"目标\s*\d+\s*[：:]\s*(.*?)(?=目标\s*\d+\s*[：:]|$)", re.S)
_INSTRUCTIONS = re.compile(r"^附[\d\-－—]*[：:]|填报说明|内容说明")
_KINDS = [  # the label in a row's first cell → the kind of section it opens
    ("grid", re.compile(r"^(长期|年度)绩效指标$")),
    ("goal", _GOAL_LABEL),
    ("summary", re.compile(r"总目标$")),
    ("funds", re.compile(r"资金情况$")),
    ("functions", re.compile(r"职能")),
    ("tasks", re.compile(r"工作任务$")),
    ("projects", re.compile(r"^项目支出情况$")),
    ("skip", re.compile(r"^(填报人|联系电话|联系人)")),
]


@dataclass
class _Row:
    cells: list[str]
    starts: list[int]  # 0-based line where each cell starts


@dataclass
class _Section:
    kind: str
    head: _Row
    rows: list[_Row] = field(default_factory=list)


def matches(text: str) -> bool:
    return "部门整体绩效目标" in text and re.search(r"(长期|年度)绩效指标", text) is not None


def read(path: Path, text: str) -> SourceDocument:
    source = Path(path).name
    problems: list[str] = []
    rows = _rows(text.splitlines())
    sections = _sections(rows)
    title = squash(rows[0].cells[0]) if rows and rows[0].cells else ""
    year_match = re.search(r"((?:19|20)\d{2})年", title)
    year = int(year_match.group(1)) if year_match else None
    unit = _unit(rows)
    if not unit:
        problems.append(f"{source}：未找到“部门（单位）名称”")
    extra: dict = {"form_kind": FormKind.DEPARTMENT.value}
    table = TargetTable(year=year, project_name=f"{unit or ''}部门整体绩效目标", department=unit)
    goal, indicators, indicator_goals, goal_texts = None, [], [], {}
    for section in sections:
        if section.kind == "funds":
            table.funds_annual = _funds(section, year, extra, problems, source)
        elif section.kind == "functions":
            table.purpose = "\n".join(_lines_of(section)) or None
        elif section.kind == "tasks":
            extra["annual_tasks"] = _lines_of(section)
        elif section.kind == "projects":
            extra["projects"] = _projects(section)
        elif section.kind == "summary":
            table.goals_midterm, table.goals_annual, until = _summary_goals(section)
            if until:
                extra["midterm_until"] = until
        elif section.kind == "goal":
            goal, text_ = _goal(section)
            goal_texts[goal] = text_
        elif section.kind == "grid":
            found = _grid(section, source, problems)
            indicators += found
            indicator_goals += [goal or "未注明目标"] * len(found)
    table.indicators = indicators
    _fallback_goals(table, goal_texts)
    extra |= {"indicator_goals": indicator_goals, "goal_texts": goal_texts}
    if not indicators:
        problems.append(f"{source}：未读到任何绩效指标")
    provenance = Provenance(source=source, city=city_or_unit(unit), unit=unit or "", year=year,
                            form_kind=FormKind.DEPARTMENT)
    record = ProjectRecord(table=table, line=1, extra=extra)
    return SourceDocument(provenance=provenance, projects=[record], problems=problems)


# --- rows and sections ------------------------------------------------------------------------------

def _rows(lines: list[str]) -> list[_Row]:
    """Table rows, up to the 填报说明 at the end (official instructions, not data)."""
    rows: list[_Row] = []
    current: _Row | None = None
    for index, line in enumerate(lines):
        if line.rstrip("\r") == "":  # only a truly empty line ends a row: cells hold blank-ish lines
            current = None
            continue
        pieces = line.rstrip("\r").split("\t")
        if current is None:
            current = _Row([], [])
            rows.append(current)
            if pieces[0].strip() or len(pieces) == 1:
                current.cells.append(pieces[0])
                current.starts.append(index)
        elif current.cells:
            current.cells[-1] += "\n" + pieces[0]
        for piece in pieces[1:]:
            current.cells.append(piece)
            current.starts.append(index)
        if current.cells and _INSTRUCTIONS.search(squash(current.cells[0])):
            rows.pop()
            return rows
    return rows


def _sections(rows: list[_Row]) -> list[_Section]:
    sections: list[_Section] = []
    for row in rows:
        head = squash(row.cells[0]) if row.cells else ""
        kind = next((k for k, pattern in _KINDS if head and pattern.search(head)), None)
        if kind is not None:
            sections.append(_Section(kind, row))
        elif sections:
            sections[-1].rows.append(row)
    return sections


def _unit(rows: list[_Row]) -> str | None:
    for row in rows:
        keys = [squash(c) for c in row.cells]
        for j, key in enumerate(keys):
            if re.fullmatch(r"部门[（(]单位[）)]名称|单位名称|部门名称", key):
                return next((k for k in keys[j + 1:] if k), None)
    return None


def _lines_of(section: _Section) -> list[str]:
    text = "\n".join(section.head.cells[1:] + [c for row in section.rows for c in row.cells])
    return [tidy_cjk(line) for line in text.splitlines() if tidy_cjk(line)]


def _number(text: str) -> float | None:
    s = squash(text).replace(",", "")
    return float(s) if _FIGURE.match(s) and not s.endswith("%") else None


# --- funds and projects -----------------------------------------------------------------------------

def _funds(section: _Section, year: int | None, extra: dict, problems: list[str], source: str) -> Funds | None:
    """当年金额 → Funds; every year's figures (and the 占比) kept in extra, as {year: {group: {item: 万元}}}."""
    years: list[str] = []
    by_year: dict[str, dict] = {}
    shares: dict[str, dict] = {}
    group = ""
    for row in section.rows:
        values = [tidy_cjk(c) for c in row.cells]
        found = [m.group(1) for m in (_YEAR_CELL.match(squash(v)) for v in values) if m]
        if found:
            years = found
            continue
        k = len(values)
        while k > 0 and _FIGURE.match(squash(values[k - 1]).replace(",", "")):
            k -= 1
        labels, figures = [squash(v) for v in values[:k] if squash(v)], [squash(v) for v in values[k:]]
        if not labels or not figures:
            continue
        group = labels[-2] if len(labels) >= 2 else group
        columns = [str(year or "当年"), "占比"] + years
        if len(figures) != len(columns):
            problems.append(f"{source} 第{row.starts[0] + 1}行：资金情况“{labels[-1]}”的数字列数对不上表头")
        for column, figure in zip(columns, figures):
            if column == "占比":
                shares.setdefault(group, {})[labels[-1]] = figure
            else:
                by_year.setdefault(column, {}).setdefault(group, {})[labels[-1]] = _number(figure)
    extra["funds_by_year"], extra["funds_share"] = by_year, shares
    income = next((items for g, items in by_year.get(str(year or "当年"), {}).items() if "收入" in g), None)
    if income is None:
        return None
    return Funds(total=income.get("合计"), fiscal=income.get("财政拨款"), other=income.get("其他资金"))


def _projects(section: _Section) -> list[dict]:
    header = [tidy_cjk(c) for c in section.head.cells]
    projects = []
    for row in section.rows:
        cells = [tidy_cjk(c) for c in row.cells]
        item = {}
        for name, cell in zip(header[1:], cells[1:]):
            if name and cell:
                number = _number(cell) if "预算" in name else None
                item[name] = number if number is not None else cell
        if item:
            first = next(j for j, c in enumerate(cells) if c)
            projects.append(item | {"line": row.starts[first] + 1})
    return projects


# --- goals ------------------------------------------------------------------------------------------

def _split_goals(cell: str) -> list[str]:
    found = [tidy_cjk(g) for g in _GOALS_IN_CELL.findall(cell)]
    return [g for g in found if g] or ([tidy_cjk(cell)] if tidy_cjk(cell) else [])


def _summary_goals(section: _Section) -> tuple[list[str], list[str], int | None]:
    header = [squash(c) for c in section.head.cells]
    long_col = next((j for j, k in enumerate(header) if k.startswith("长期目标")), None)
    year_col = next((j for j, k in enumerate(header) if k.startswith("年度目标")), None)
    until = re.search(r"截[止至]((?:19|20)\d{2})", header[long_col]) if long_col is not None else None
    row = next((r for r in section.rows if any(squash(c) for c in r.cells)), None)
    if row is None:
        return [], [], None
    cell = lambda j: row.cells[j] if j is not None and j < len(row.cells) else ""  # noqa: E731
    return _split_goals(cell(long_col)), _split_goals(cell(year_col)), int(until.group(1)) if until else None


def _goal(section: _Section) -> tuple[str, str]:
    m = _GOAL_LABEL.match(squash(section.head.cells[0]))
    rest = [tidy_cjk(c) for c in section.head.cells[1:] if tidy_cjk(c)]
    return m.group(1), tidy_cjk(m.group(2)) or " ".join(rest)


def _fallback_goals(table: TargetTable, goal_texts: dict[str, str]) -> None:
    """Without the 总目标 row, the goal blocks' own wording stands in."""
    if not table.goals_midterm:
        table.goals_midterm = [t for g, t in goal_texts.items() if g.startswith("长期") and t]
    if not table.goals_annual:
        table.goals_annual = [t for g, t in goal_texts.items() if g.startswith("年度") and t]


# --- indicator grids --------------------------------------------------------------------------------

def _grid(section: _Section, source: str, problems: list[str]) -> list[Indicator]:
    long_term = squash(section.head.cells[0]).startswith("长期")
    n_values = 1
    level1 = level2 = None
    indicators = []
    for row in section.rows:
        keys = [squash(c) for c in row.cells]
        if "三级指标" in keys or "近两年指标值" in keys or "前年" in keys:
            n_values = 3 if ("近两年指标值" in keys or "前年" in keys) else n_values
            continue
        labels, first = leading_labels(row.cells)
        level1, level2 = carry_levels(labels, level1, level2)
        if first is None:
            continue
        if first == 0:  # a data row opens with the (merged, empty) row-label column
            text = " | ".join(tidy_cjk(c) for c in row.cells if tidy_cjk(c))
            problems.append(f"{source} 第{row.starts[0] + 1}行：无法识别的指标行：{text[:60]}")
            continue
        content = [tidy_cjk(c) for c in row.cells[first:]] + [""] * (n_values + 1)
        name, values, basis = content[0], [clean(v) for v in content[1:1 + n_values]], content[1 + n_values]
        line = row.starts[first] + 1
        if not values[-1]:
            problems.append(f"{source} 第{line}行：三级指标“{name}”没有指标值")
        if long_term:
            indicators.append(make_indicator(level1, level2, name, "", basis, line, midterm_value=values[-1]))
        else:
            indicators.append(make_indicator(level1, level2, name, values[-1], basis, line,
                                             previous_values=values[:-1]))
    return indicators
