"""部门预算绩效文本: a department's budget-performance document (seed 002, 张家口 2020).

The text extracted from the published file (cells separated by tabs) holds:
  a cover ("…编制", "2020 年部门预算绩效文本") and a table of contents;
  第一部分 部门整体绩效目标: 一、总体绩效目标 (prose "一是…二是…"), 二、分项绩效目标 (per item
  "（一）宣传费 / 绩效目标：… / 绩效指标：名称 ≥ 9 次"), 三、工作保障措施 (prose, not data);
  第二部分: one 项目绩效目标表 per project: 项目名称, 预算规模及资金用途 (预算数/财政资金/其他资金
  and a purpose line), 资金支出计划（%）(the cumulative share spent by 3月底/6月底/10月底/12月底),
  绩效目标 (目标1–3), then the grid 一级 | 二级 | 三级 | 绩效指标描述 | 指标值 | 指标值确定依据.
The grid's merged 一级/二级 cells come out shifted: a 二级 may sit in the 一级 column ("成本指标"
when the merged 产出 cell was lost, "社会效益指标" under a lost 效果指标), so labels are recognised
by their words, not their column, and carried down.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus.readers.department_rows import (
    carry_levels, city_or_unit, leading_labels, level_label, make_indicator, tidy_cjk,
)
from assistant.corpus.readers.text_rows import spans, squash
from assistant.schema import FormKind, Funds, Indicator, ProjectRecord, Provenance, SourceDocument, TargetTable
from assistant.values import ValueKind, parse_value

_HEADING = re.compile(r"^\s*(?P<number>\d+(?:\s*[-—–]+\s*\d+)?)\s*[.、．]\s*(?P<title>\S.*?)项目绩效目标表\s*$")
_PERIOD = re.compile(r"^(\d{1,2})月(?:底|末)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)[%％]$")
_AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")
_GOAL_CELL = re.compile(r"^目标\d*$")
# where the value starts in a prose indicator ("年租赁费用 ≤ 60.13 万元", "…部门达到4个")
_VALUE_START = re.compile(r"(?:\$|[≥≤<>＜＞=]|大于|小于|不低于|不少于|不超过|不高于|达到)")


# --- the document ---------------------------------------------------------------------------------

@dataclass
class _Context:
    source: str
    lines: list[str]
    problems: list[str] = field(default_factory=list)

    def problem(self, index: int, message: str) -> None:
        self.problems.append(f"{self.source} 第{index + 1}行：{message}")

    def cells(self, index: int) -> list[str]:
        return self.lines[index].split("\t")


def matches(text: str) -> bool:
    """A grid with a 绩效指标描述 column and the 预算规模/资金支出计划 rows of a project table."""
    has_grid = re.search(r"三级指标[ \u3000]*\t[ \u3000]*绩效指标描述", text) is not None
    return has_grid and ("预算规模" in text or "资金支出计划" in text)


def read(path: Path, text: str) -> SourceDocument:
    ctx = _Context(Path(path).name, text.splitlines())
    unit = _unit(ctx.lines)
    year = _year(text)
    projects = []
    department = _department(ctx, unit, year)
    if department is not None:
        projects.append(department)
    starts = [i for i, line in enumerate(ctx.lines) if "项目名称" in map(squash, line.split("\t"))]
    for start, end in spans(starts, len(ctx.lines)):
        projects.append(_project(ctx, start, end, year, unit))
    if not starts:
        ctx.problems.append(f"{ctx.source}：未找到任何项目绩效目标表（“项目名称”行）")
    provenance = Provenance(source=ctx.source, city=city_or_unit(unit), unit=unit or "", year=year,
                            form_kind=FormKind.DECLARATION)
    return SourceDocument(provenance=provenance, projects=projects, problems=ctx.problems)


def _unit(lines: list[str]) -> str | None:
    for line in lines[:60]:
        m = re.match(r"^\s*(\S.*?)\s*编制\s*$", line)
        if m and "财政" not in m.group(1):
            return squash(m.group(1))
    # the cover title wraps ("张家口市住房公积金\n管理中心\n2020 年部门预算绩效文本")
    for i, line in enumerate(lines[:60]):
        if "部门预算绩效文本" in line:
            return squash("".join(lines[:i])) or None
    return None


def _year(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年度?\s*部门(?:预算|整体)", text)
    return int(m.group(1)) if m else None


# --- 第一部分: the department-wide goals -------------------------------------------------------------

def _department(ctx: _Context, unit: str | None, year: int | None) -> ProjectRecord | None:
    lines = ctx.lines
    title = re.compile(r"(?:\d{4}年度?)?部门整体绩效目标")  # not the contents line ("第一部分\t…目标.....")
    start = next((i for i, line in enumerate(lines) if title.fullmatch(squash(line))), None)
    if start is None:
        return None
    end = next((i for i in range(start, len(lines)) if squash(lines[i]) == "第二部分"), len(lines))
    goals, items, section = [], [], ""
    for i in range(start + 1, end):
        line = lines[i].strip()
        heading = re.match(r"^[一二三四五六七八九十]+、\s*(.+)$", line)
        if heading:
            section = squash(heading.group(1))
        elif line and section.startswith("总体"):  # "一是…。二是…": one goal each
            goals += [tidy_cjk(g) for g in re.split(r"(?=[一二三四五六七八九十]是)", line) if tidy_cjk(g)]
        elif line and section.startswith("分项"):
            _item_line(items, i, line)
    indicators = [_prose_indicator(ctx, i, raw) for item in items for i, raw in item["indicators"]]
    table = TargetTable(year=year, project_name=f"{unit or ''}部门整体绩效目标", department=unit,
                        goals_annual=goals, indicators=indicators)
    # provenance is per document (申报表); this record is a department-wide target, so it says so here
    extra = {"form_kind": FormKind.DEPARTMENT.value,
             "indicator_items": [item["item"] for item in items for _ in item["indicators"]],
             "item_goals": {item["item"]: item["goal"] for item in items if item["goal"]}}
    return ProjectRecord(table=table, line=start + 1, extra=extra)


def _item_line(items: list[dict], index: int, line: str) -> None:
    """One line of 二、分项绩效目标: "（一）宣传费", "绩效目标：…" or "绩效指标：…"."""
    title = re.match(r"^[（(][一二三四五六七八九十]+[）)]\s*(.+)$", line)
    if title:
        items.append({"item": tidy_cjk(title.group(1)), "goal": None, "indicators": []})
        return
    labelled = re.match(r"^(绩效目标|绩效指标)\s*[：:]\s*(.*)$", line)
    if labelled and items:
        if labelled.group(1) == "绩效目标":
            items[-1]["goal"] = tidy_cjk(labelled.group(2))
        else:
            items[-1]["indicators"].append((index, labelled.group(2)))


def _prose_indicator(ctx: _Context, index: int, raw: str) -> Indicator:
    """"年租赁费用 ≤ 60.13 万元" → name + value; the 一级/二级 are inferred from the words."""
    raw = raw.strip().rstrip("。；;")
    m = _VALUE_START.search(raw) or re.search(r"\d+(?:\.\d+)?\s*\S{0,4}$", raw)
    if m is None or m.start() == 0:
        ctx.problem(index, f"分项绩效指标“{raw}”未能分出指标名称和指标值")
        return make_indicator(None, None, raw, "", "", index + 1)
    return make_indicator(None, None, raw[: m.start()].rstrip("，, "), raw[m.start():], "", index + 1)


# --- 第二部分: one project table ----------------------------------------------------------------------

def _project(ctx: _Context, start: int, end: int, year: int | None, unit: str | None) -> ProjectRecord:
    heading, heading_index = _heading(ctx.lines, start)
    cells = [tidy_cjk(c) for c in ctx.cells(start)]
    name = _after(cells, "项目名称") or (tidy_cjk(heading.group("title")) if heading else "")
    if not name:
        ctx.problem(start, "项目名称为空")
        name = f"第{start + 1}行的项目"
    rows = _row_index(ctx, start, end)
    funds, purpose = _funds(ctx, rows.get("预算规模", start), name)
    plan, percents = _spending_plan(ctx, rows.get("资金支出计划"), funds.total if funds else None)
    table = TargetTable(year=year, project_name=name, department=unit, funds_annual=funds, purpose=purpose,
                        goals_annual=_goals(ctx, rows.get("绩效目标")),
                        indicators=_grid(ctx, rows.get("三级指标"), end, name))
    extra = {"spending_plan_percent": percents} if percents else {}
    if heading:
        extra |= {"number": re.sub(r"\s+", "", heading.group("number")), "title": tidy_cjk(heading.group("title"))}
    if not table.indicators:
        ctx.problem(start, f"项目“{name}”未读到任何绩效指标")
    line = heading_index if heading_index is not None else start
    return ProjectRecord(table=table, line=line + 1, spending_plan=plan, extra=extra)


def _heading(lines: list[str], start: int):
    for i in range(start - 1, max(start - 4, -1), -1):
        m = _HEADING.match(lines[i])
        if m:
            return m, i
    return None, None


def _after(cells: list[str], label: str) -> str | None:
    """The first non-empty cell after the one whose text is ``label``."""
    keys = [squash(c) for c in cells]
    if label not in keys:
        return None
    return next((c for c in cells[keys.index(label) + 1:] if c), None)


def _row_index(ctx: _Context, start: int, end: int) -> dict[str, int]:
    """Where each row of the project form starts, keyed by its label."""
    found: dict[str, int] = {}
    for i in range(start, end):
        keys = [squash(c) for c in ctx.cells(i)]
        first = next((k for k in keys if k), "")
        for label in ("预算规模", "资金支出计划", "绩效目标"):
            if first.startswith(label):
                found.setdefault(label, i)
        if "三级指标" in keys:
            found.setdefault("三级指标", i)
    return found


def _number(cell: str | None) -> float | None:
    s = squash(cell).replace(",", "")
    return float(s) if _AMOUNT.match(s) else None


def _funds(ctx: _Context, index: int, name: str) -> tuple[Funds | None, str | None]:
    if not squash(ctx.lines[index]).startswith("预算规模"):
        ctx.problem(index, f"项目“{name}”缺少“预算规模及资金用途”行")
        return None, None
    cells = ctx.cells(index)
    amounts = {}
    for j, cell in enumerate(cells):
        key = squash(cell)
        for label, part in (("预算数", "total"), ("财政资金", "fiscal"), ("财政拨款", "fiscal"), ("其他资金", "other")):
            if key.endswith(label):
                following = next((c for c in cells[j + 1:] if squash(c)), None)
                amounts[part] = _number(following)
    if amounts.get("total") is None:
        ctx.problem(index, f"项目“{name}”未读到预算数")
    # the purpose is the next line when it is a bare text row (first cell merged with 预算规模)
    purpose = None
    if index + 1 < len(ctx.lines):
        nxt = ctx.cells(index + 1)
        texts = [tidy_cjk(c) for c in nxt if squash(c)]
        if texts and not squash(nxt[0]) and not any(_PERIOD.match(squash(t)) for t in texts):
            purpose = " ".join(texts)
    return Funds(**amounts), purpose


def _spending_plan(ctx: _Context, index: int | None, budget: float | None) -> tuple[dict, dict]:
    """Cumulative % by period → {period: 万元 spent in that period}, and the % as written.

    The form gives the share spent *by* each date (10%, 30%, 60%, 100%), so the amount of a period is
    the increase over the previous one; the amounts add up to the budget when the last share is 100%.
    """
    if index is None:
        return {}, {}
    periods: dict[int, str] = {}
    shares: dict[int, str] = {}
    for i in range(index, min(index + 4, len(ctx.lines))):
        cells = ctx.cells(i)
        if i > index and squash(cells[0]):  # the next labelled row (绩效目标)
            break
        for j, cell in enumerate(cells):
            key = squash(cell)
            if _PERIOD.match(key):
                periods.setdefault(j, key)  # a header broken across lines: keep the first label
            elif _PERCENT.match(key):
                shares[j] = key
    percents, plan, done, spent = {}, {}, 0.0, 0.0
    for j in sorted(shares):
        if j not in periods:
            ctx.problem(index, f"资金支出计划中的“{shares[j]}”对不上时间节点")
            continue
        share = float(_PERCENT.match(shares[j]).group(1))
        if share < done:
            ctx.problem(index, f"资金支出计划不是逐期累计（{periods[j]} {shares[j]}）")
        percents[periods[j]] = shares[j]
        if budget is not None:
            cumulative = round(budget * share / 100, 2)
            plan[periods[j]] = round(cumulative - spent, 2)
            spent = cumulative
        done = share
    return plan, percents


def _goals(ctx: _Context, index: int | None) -> list[str]:
    if index is None:
        return []
    goals = []
    for i in range(index, len(ctx.lines)):
        cells = [tidy_cjk(c) for c in ctx.cells(i)]
        keys = [squash(c) for c in cells]
        if i > index and keys[0]:
            break
        slot = next((j for j, k in enumerate(keys) if _GOAL_CELL.match(k)), None)
        if slot is None:
            if any(keys):
                break
            continue
        text = next((c for c in cells[slot + 1:] if c), None)
        if text:
            goals.append(text)
    return goals


# --- the indicator grid -----------------------------------------------------------------------------

def _grid(ctx: _Context, header: int | None, end: int, project: str) -> list[Indicator]:
    if header is None:
        return []
    keys = [squash(c) for c in ctx.cells(header)]
    columns = {k: j for j, k in enumerate(keys) if k}
    col_desc = columns.get("绩效指标描述", 3)
    has_desc = "绩效指标描述" in columns
    indicators, level1, level2 = [], None, None
    for index, cells in _grid_rows(ctx, header + 1, end, len(columns)):
        labels, first = leading_labels(cells)
        level1, level2 = carry_levels(labels, level1, level2)
        if first is None:
            continue  # an empty placeholder row (经济效益指标 with nothing under it)
        content = [tidy_cjk(c) for c in cells[first:]] + [""] * 4
        if first > col_desc:  # nothing in the 三级 column
            stray = [c for c in content if c]
            if any(parse_value(c).kind in (ValueKind.QUANTITY, ValueKind.DATE) for c in stray):
                ctx.problem(index, f"项目“{project}”：有指标值但缺少三级指标名称：{' | '.join(stray)}")
            continue  # else the form's empty placeholder row, at most with a 依据 filled in
        if has_desc:
            name, description, value, basis = content[:4]
        else:
            (name, value, basis), description = content[:3], ""
        if not value:
            ctx.problem(index, f"项目“{project}”：三级指标“{name}”没有指标值")
        indicators.append(make_indicator(level1, level2, name, value, basis, index + 1,
                                         description=description or None))
    return indicators


def _grid_rows(ctx: _Context, start: int, end: int, width: int):
    """(line index, cells) of each grid row; a row broken across lines is joined back."""
    i = start
    while i < end:
        line = ctx.lines[i]
        if not line.strip() or _HEADING.match(line) or "项目名称" in line:
            return
        cells, first = line.split("\t"), i
        while len(cells) < width and i + 1 < end and _continues(ctx.lines[i + 1]):
            i += 1
            more = ctx.lines[i].split("\t")
            cells = cells[:-1] + [cells[-1].rstrip() + more[0].strip()] + more[1:]
        yield first, cells
        i += 1


def _continues(line: str) -> bool:
    """A line that carries on the previous row: it starts with text that is not a new row's label."""
    first = line.split("\t")[0]
    if not squash(first) or _HEADING.match(line):
        return False
    return level_label(first) is None and squash(first) not in {"一级指标", "项目名称", "项目编码"}
