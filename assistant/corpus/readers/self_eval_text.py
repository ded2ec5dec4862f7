"""Reader for the 项目支出绩效自评表 as a text dump (one form per project, e.g. 中卫 2024).

Layout (cells tab-separated, merged cells blank):

    项目名称 | 主管部门 … 实施单位
    项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
                   | 年度资金总额 | … (then 当年财政拨款, 上年结转资金, 其他资金)
    年度总体目标 | 预期目标 | 实际完成情况          (texts on the next line)
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析…
    总分 | … | 100 | 97

A form may run over a page break: the title and year repeat and the grid goes on with its columns
shifted, so indicator cells are found from the 三级指标 cell of each row, at the header's offsets.
The 资金执行 row (分值 10) scores spending, not an indicator: it goes to ``ProjectRecord.extra``.
"""
from __future__ import annotations

import re
from pathlib import Path

from assistant.corpus.readers.text_rows import (
    Token,
    TreeCursor,
    amount,
    project_starts,
    provenance,
    spans,
    split_goals,
    split_labels,
    squash,
    texts,
    tidy,
    tokens,
    year_line,
)
from assistant.schema import FormKind, Funds, Indicator, ProjectRecord, SourceDocument, TargetTable

TITLE = "项目支出绩效自评表"
_FIELDS = {"项目名称", "主管部门", "主管部门及代码", "实施单位", "项目负责人"}
_GRID = {"三级指标": "name", "年度指标值": "value", "实际完成值": "actual", "分值": "weight", "得分": "score",
         "偏差原因": "deviation"}
_BUDGET = {"年初预算数": "initial", "全年预算数": "budget", "全年执行数": "executed", "分值": "weight",
           "执行率": "rate", "得分": "score"}
_NAME_PREFIX = re.compile(r"^指标\s*\d*\s*[:：]\s*")


def matches(text: str) -> bool:
    return TITLE in text and any(_is_grid_header(line) for line in text.splitlines())


def _is_grid_header(line: str) -> bool:
    cells = {squash(c) for c in line.split("\t")}
    return {"三级指标", "实际完成值"} <= cells and ("得分" in cells or "年度指标值" in cells)


def read(path: Path, text: str) -> SourceDocument:
    lines = text.splitlines()
    starts = project_starts(path, lines, "项目支出绩效自评表")
    problems: list[str] = []
    year = next((y for line in lines if (y := year_line(line))), None)
    projects = []
    for start, end in spans(starts, len(lines)):
        projects.append(_read_project(path, lines, start, end, year, problems))
    first = projects[0].table
    unit = first.implementing_unit or first.department or ""
    prov = provenance(path, unit, first.department, year, FormKind.SELF_EVALUATION, problems)
    return SourceDocument(provenance=prov, projects=projects, problems=problems)


def _find(lines: list[str], start: int, end: int, test) -> int | None:
    return next((i for i in range(start, end) if test(lines[i])), None)


def _read_project(path: Path, lines: list[str], start: int, end: int, year: int | None,
                  problems: list[str]) -> ProjectRecord:
    grid = _find(lines, start, end, _is_grid_header)
    budget_at = _find(lines, start, grid or end, lambda ln: "年初预算数" in ln or "全年预算数" in ln)
    goals_at = _find(lines, start, grid or end, lambda ln: "预期目标" in texts(ln))
    fields = _fields(lines[start:budget_at or goals_at or grid or end])
    name = tidy(fields.get("项目名称", ""))
    where = f"{path.name}“{name or '未命名项目'}”"
    extra: dict = {}
    funds, executed, rate = _budget(lines, budget_at, goals_at or grid or end, extra)
    goals, actual = _goals(lines, goals_at, grid or end)
    if actual:
        extra["实际完成情况"] = actual
    indicators: list[Indicator] = []
    if grid is None:
        problems.append(f"{where}：未找到“三级指标/年度指标值/实际完成值”表头，未读到指标")
    else:
        indicators = _grid(lines, grid, end, where, extra, problems)
        _check_scores(indicators, extra, where, problems)
    table = TargetTable(year=year, project_name=name, department=fields.get("主管部门") or fields.get("主管部门及代码"),
                        implementing_unit=fields.get("实施单位"), manager=fields.get("项目负责人"),
                        funds_annual=funds, goals_annual=split_goals(goals), indicators=indicators)
    return ProjectRecord(table=table, line=start + 1, executed=executed, execution_rate=rate, extra=extra)


def _fields(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        cells = texts(line)
        for label, value in zip(cells, cells[1:]):
            key = squash(label).rstrip(":：")
            if key in _FIELDS and squash(value).rstrip(":：") not in _FIELDS:
                found.setdefault(key, tidy(value))
    return found


# --- budget and goals ------------------------------------------------------------------------------

def _columns(line: str, names: dict[str, str]) -> dict[str, int]:
    """Header cell → column, by the words the cells start with."""
    found: dict[str, int] = {}
    for col, cell in enumerate(line.split("\t")):
        key = next((field for word, field in names.items() if squash(cell).startswith(word)), None)
        if key and key not in found:
            found[key] = col
    return found


def _budget(lines: list[str], at: int | None, stop: int, extra: dict) -> tuple[Funds | None, float | None, str | None]:
    """年度资金总额 / 当年财政拨款 / 上年结转资金 / 其他资金 rows under 年初预算数 … 得分."""
    if at is None:
        return None, None, None
    columns = _columns(lines[at], _BUDGET)
    rows: dict[str, dict[str, str]] = {}
    for line in lines[at + 1:stop]:
        cells = line.split("\t")
        label = next((squash(c).rstrip(":：") for c in cells if c.strip()), "")
        kind = next((k for k in ("资金总额", "财政拨款", "结转", "其他资金") if k in label), None)
        if kind:
            rows[kind] = {field: cells[col].strip() if col < len(cells) else "" for field, col in columns.items()}
    total = rows.get("资金总额", {})
    budget = {k: amount(r.get("budget")) if amount(r.get("budget")) is not None else amount(r.get("initial"))
              for k, r in rows.items()}
    funds = Funds(total=budget.get("资金总额"), fiscal=budget.get("财政拨款"), other=budget.get("其他资金"))
    if amount(total.get("initial")) is not None:
        extra["年初预算数"] = amount(total.get("initial"))
    if budget.get("结转") is not None:
        extra["上年结转资金"] = budget["结转"]
    execution = {"分值": amount(total.get("weight")), "执行率": total.get("rate") or None,
                 "得分": amount(total.get("score"))}
    if any(v is not None for v in execution.values()):
        extra["资金执行"] = execution
    return funds, amount(total.get("executed")), total.get("rate") or None


def _goals(lines: list[str], at: int | None, stop: int) -> tuple[str, str]:
    """预期目标 and 实际完成情况 texts, each under its header cell."""
    if at is None:
        return "", ""
    columns = [(col, text) for col, text in tokens(lines[at]) if text in ("预期目标", "实际完成情况")]
    found = {"预期目标": [], "实际完成情况": []}
    for line in lines[at + 1:stop]:
        for col, text in tokens(line):
            owner = max((c for c in columns if c[0] <= col), default=columns[0])[1]
            found[owner].append(tidy(text))
    return "".join(found["预期目标"]), "".join(found["实际完成情况"])


# --- the indicator grid ---------------------------------------------------------------------------

def _grid(lines: list[str], header: int, end: int, where: str, extra: dict, problems: list[str]) -> list[Indicator]:
    columns = _columns(lines[header], _GRID)
    offsets = {field: col - columns["name"] for field, col in columns.items()}
    cursor = TreeCursor()
    indicators: list[Indicator] = []
    for i in range(header + 1, end):
        row = tokens(lines[i])
        if not row or _is_page_break(row):
            continue
        if squash(row[0][1]) == "总分":
            numbers = [amount(text) for _, text in row if amount(text) is not None]
            extra["总分"] = {"分值": numbers[0] if numbers else None, "得分": numbers[1] if len(numbers) > 1 else None}
            return indicators
        indicator = _row(lines[i].split("\t"), row, offsets, cursor, i + 1, where, problems)
        if indicator is not None:
            indicators.append(indicator)
    problems.append(f"{where}：未见“总分”行，自评表可能不完整")
    return indicators


def _is_page_break(row: list[Token]) -> bool:
    """The title and year repeated at the top of the next page, or an 附件 mark."""
    text = row[0][1]
    return len(row) == 1 and (TITLE in text or year_line(text) is not None or text == "附件")


def _row(cells: list[str], row: list[Token], offsets: dict[str, int], cursor: TreeCursor, line: int,
         where: str, problems: list[str]) -> Indicator | None:
    leading, rest = split_labels(row)
    cursor.read_labels(leading)
    if not rest:
        return None
    col = rest[0][0]

    def cell(field: str) -> str:
        at = col + offsets[field] if field in offsets else -1
        return cells[at].strip() if 0 <= at < len(cells) else ""

    weight, score = amount(cell("weight")), amount(cell("score"))
    if weight is None and len(rest) == 1:
        problems.append(f"{where} 第{line}行：无法归入指标表的文字：{tidy(rest[0][1])[:40]}")
        return None
    if (cell("weight") and weight is None) or (cell("score") and score is None):
        problems.append(f"{where} 第{line}行：分值/得分不是数字（{cell('weight')} / {cell('score')}）")
    level1, level2, inferred = cursor.place()
    written = tidy(rest[0][1])
    return Indicator(level1=level1, level2=level2, name=_NAME_PREFIX.sub("", written).rstrip("。，,；;") or written,
                     value=tidy(cell("value")), actual=tidy(cell("actual")) or None, weight=weight, score=score,
                     deviation=tidy(cell("deviation")) or None, inferred=inferred, line=line)


def _check_scores(indicators: list[Indicator], extra: dict, where: str, problems: list[str]) -> None:
    """分值 and 得分 of the indicators plus 资金执行 must add up to the 总分 row."""
    total, execution = extra.get("总分"), extra.get("资金执行", {})
    if not total:
        return
    for key, field in (("分值", "weight"), ("得分", "score")):
        expected = total.get(key)
        got = sum(getattr(ind, field) or 0.0 for ind in indicators) + (execution.get(key) or 0.0)
        if expected is not None and abs(got - expected) > 0.01:
            problems.append(f"{where}：指标{key}与资金执行{key}合计{got:g}，与总分行{expected:g}不符")
