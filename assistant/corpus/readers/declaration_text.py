"""Reader for the 项目支出绩效目标申报表 as a text dump (one form per project, e.g. 六安 2022).

Layout (cells tab-separated, merged cells blank, positions drifting from row to row):

    项目名称 | 主管部门及代码 … 实施单位 | 项目属性 … 项目期
    项目资金(万元) | 中期资金总额: x | 年度资金总额: y   (then 其中:财政拨款, 其他资金)
    总体目标 | 中期目标(2022年—2024年) | 年度目标      (texts on the next line)
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值
             |  中期: labels, name, value        |  年度: label, name, value

Rows are read by what their cells say (labels ending in 指标, then name/value pairs), not by column.
"""
from __future__ import annotations

import re
from pathlib import Path

from assistant.corpus.readers.text_rows import (
    Token,
    TreeCursor,
    amount,
    cell_value,
    is_label,
    level2_of_labels,
    project_starts,
    provenance,
    spans,
    split_labels,
    strip_code,
    texts,
    tidy,
    tokens,
    year_line,
    years_in,
)
from assistant.schema import FormKind, Funds, Indicator, ProjectRecord, SourceDocument, TargetTable

TITLE = "绩效目标申报表"
_HEADER = re.compile(r"一级指标\t+二级指标\t+三级指标\t+指标值")
_FIELDS = {"项目名称", "主管部门及代码", "主管部门", "实施单位", "项目属性", "项目期", "项目负责人"}
# what closes an indicator grid: the signature lines, or the next form's title/year
_BLOCK_END = re.compile(r"^(项目负责人|财务负责人|填表人|联系电话|单位[(（]盖章|.*申报表$|[(（]\s*\d{4})")


def matches(text: str) -> bool:
    return TITLE in text and bool(_HEADER.search(text)) and "实际完成值" not in text


def read(path: Path, text: str) -> SourceDocument:
    lines = text.splitlines()
    starts = project_starts(path, lines, "项目支出绩效目标申报表")
    problems: list[str] = []
    year = next((y for line in lines if (y := year_line(line))), None)
    projects = []
    for k, (start, end) in enumerate(spans(starts, len(lines))):
        own_year = _year_before(lines, start, starts[k - 1] if k else 0) or year
        projects.append(_read_project(path, lines, start, end, own_year, problems))
    first = projects[0].table
    unit = first.implementing_unit or strip_code(first.department or "")
    prov = provenance(path, unit, first.department, year, FormKind.DECLARATION, problems)
    return SourceDocument(provenance=prov, projects=projects, problems=problems)


def _year_before(lines: list[str], start: int, floor: int) -> int | None:
    for line in reversed(lines[floor:start]):
        if (y := year_line(line)) is not None:
            return y
    return None


# --- one project -----------------------------------------------------------------------------------

def _read_project(path: Path, lines: list[str], start: int, end: int, year: int | None,
                  problems: list[str]) -> ProjectRecord:
    header = next((i for i in range(start, end) if _HEADER.search(lines[i])), None)
    goals_at = next((i for i in range(start, header or end) if _is_goal_header(lines[i])), None)
    head_end = goals_at or header or end
    fields = _fields(lines[start:head_end])
    name = tidy(fields.get("项目名称", ""))
    where = f"{path.name}“{name or '未命名项目'}”"
    funds_midterm, funds_annual = _funds(lines[start:head_end])
    goals_midterm, goals_annual, span = _goals(lines, goals_at, header or end)
    indicators = []
    if header is None:
        problems.append(f"{where}：未找到“一级指标/二级指标/三级指标/指标值”表头，未读到指标")
    else:
        indicators = _indicators(lines, header, end, where, problems)
    period = fields.get("项目期")
    table = TargetTable(
        year=year, project_name=name, department=fields.get("主管部门及代码") or fields.get("主管部门"),
        implementing_unit=fields.get("实施单位"), attribute=fields.get("项目属性"), period=period,
        period_years=_period_years(period, span), start_year=span[0] if span else year,
        manager=fields.get("项目负责人"), funds_midterm=funds_midterm, funds_annual=funds_annual,
        goals_midterm=goals_midterm, goals_annual=goals_annual, indicators=indicators,
    )
    return ProjectRecord(table=table, line=start + 1)


def _fields(lines: list[str]) -> dict[str, str]:
    """Label → value for the header cells: "项目属性 | 常年项目 | 项目期 | 3年"."""
    found: dict[str, str] = {}
    for line in lines:
        cells = texts(line)
        for label, value in zip(cells, cells[1:]):
            key = label.rstrip(":：")
            if key in _FIELDS and value.rstrip(":：") not in _FIELDS:
                found.setdefault(key, value)
    return found


def _funds(lines: list[str]) -> tuple[Funds | None, Funds | None]:
    """中期 and 年度 funds: each label (资金总额, 财政拨款, 其他资金) is followed by its amount."""
    found: dict[str, list[float | None]] = {"total": [], "fiscal": [], "other": []}
    has_midterm = False
    for line in lines:
        cells = texts(line)
        for label, value in zip(cells, cells[1:]):
            kind = "total" if "资金总额" in label else "fiscal" if "财政拨款" in label else (
                "other" if "其他资金" in label else None)
            if kind:
                found[kind].append(amount(value))
                has_midterm = has_midterm or "中期" in label

    def funds_at(i: int) -> Funds | None:
        parts = {kind: values[i] if i < len(values) else None for kind, values in found.items()}
        return Funds(**parts) if any(v is not None for v in parts.values()) else None

    return (funds_at(0), funds_at(1)) if has_midterm else (None, funds_at(0))


def _is_goal_header(line: str) -> bool:
    return any(cell.startswith(("中期目标", "年度目标")) for cell in texts(line))


def _goals(lines: list[str], at: int | None, stop: int) -> tuple[list[str], list[str], tuple[int, int] | None]:
    """The 中期/年度 goal texts under their header cells, and the 中期 span "(2022年—2024年)"."""
    if at is None:
        return [], [], None
    columns = [(col, text) for col, text in tokens(lines[at]) if text.startswith(("中期目标", "年度目标"))]
    span_years = years_in(next((t for _, t in columns if t.startswith("中期目标")), ""))
    span = (min(span_years), max(span_years)) if span_years else None
    goals: dict[str, list[str]] = {"中期目标": [], "年度目标": []}
    for line in lines[at + 1:stop]:
        for col, text in tokens(line):
            if text == "总体目标":
                continue
            owner = max((c for c in columns if c[0] <= col), default=columns[0])[1]
            goals["中期目标" if owner.startswith("中期目标") else "年度目标"].append(tidy(text))
    return goals["中期目标"], goals["年度目标"], span


def _period_years(period: str | None, span: tuple[int, int] | None) -> int | None:
    m = re.search(r"(\d+)\s*年", period or "")
    if m and not re.search(r"\d{4}", period or ""):
        return int(m.group(1))
    return span[1] - span[0] + 1 if span else None


# --- the indicator grid ---------------------------------------------------------------------------

def _indicators(lines: list[str], header: int, end: int, where: str, problems: list[str]) -> list[Indicator]:
    cursor = TreeCursor()
    indicators: list[Indicator] = []
    closed = False
    for i in range(header + 1, end):
        row = tokens(lines[i])
        if not row:
            continue
        if _BLOCK_END.match(row[0][1]):
            closed = True
            break
        indicator = _row(row, cursor, i + 1, where, problems)
        if indicator is not None:
            indicators.append(indicator)
    if not closed:
        problems.append(f"{where}：指标表在文件末尾中断（未见“项目负责人”等落款行），表格可能不完整")
    if not indicators:
        problems.append(f"{where}：指标表中未读到任何三级指标")
    return indicators


def _row(row: list[Token], cursor: TreeCursor, line: int, where: str, problems: list[str]) -> Indicator | None:
    """One grid row: [一级] [二级] 三级 指标值 ([二级] 三级 指标值 for the 年度 half)."""
    leading, rest = split_labels(row)
    cursor.read_labels(leading)
    content = [text for _, text in rest if not is_label(text)]
    hint = level2_of_labels([tok for tok in rest if is_label(tok[1])])
    if not content:  # a 二级 with no 三级 (六安's empty 生态效益 row): not an indicator
        cursor.place(hint)
        return None
    pairs = _pair_up(content)
    if pairs is None:
        problems.append(f"{where} 第{line}行：无法拆分为“三级指标/指标值”：{' | '.join(content)}")
        return None
    midterm, annual = pairs
    if midterm and tidy(midterm[0]) != tidy(annual[0]):
        problems.append(f"{where} 第{line}行：中期与年度三级指标名称不同（{midterm[0]} / {annual[0]}），按年度记录")
    level1, level2, inferred = cursor.place(hint)
    return Indicator(level1=level1, level2=level2, name=tidy(annual[0]), value=cell_value(annual[1]),
                     midterm_value=cell_value(midterm[1]) if midterm else None, inferred=inferred, line=line)


def _pair_up(content: list[str]) -> tuple[tuple[str, str] | None, tuple[str, str]] | None:
    """(中期 (name, value) or None, 年度 (name, value)); a blank value cell shows as a repeated name."""
    if len(content) == 4:
        return (content[0], content[1]), (content[2], content[3])
    if len(content) == 2:
        return None, (content[0], content[1])
    if len(content) == 3 and content[0] == content[2]:
        return (content[0], content[1]), (content[2], "")
    if len(content) == 3 and content[0] == content[1]:
        return (content[0], ""), (content[1], content[2])
    return None
