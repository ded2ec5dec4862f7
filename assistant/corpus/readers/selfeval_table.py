"""Reader for the 项目支出绩效自评表 as .xlsx / .docx (ours from output/selfeval_export, or a unit's own).

Owns recognising a 自评表 among office files (a grid header with 三级指标 and 实际完成值) and reading it
into a TargetTable that holds 实际完成值, 分值, 得分, 偏差原因 per row and 全年预算数 / 全年执行数 /
实际完成情况 for the project, found by their labels, never by position: 项目名称 / 主管部门 / 实施单位,
the funds block under 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分, 预期目标 | 实际完成情况,
the indicator grid up to its 总分 row. A 一级 written with its points ("产出指标（50分）") is read as the
一级. The rows come from the same sheet/document readers as the 申报表 (xlsx_table, docx_table).
"""
from __future__ import annotations

import re
from pathlib import Path

from assistant.corpus.readers.docx_table import document_rows
from assistant.corpus.readers.standard_rows import Row, amount, norm, value_after
from assistant.corpus.readers.standard_grid import fill_levels
from assistant.corpus.readers.standard_table import city_of, unit_name
from assistant.corpus.readers.xlsx_parts import read_workbook
from assistant.corpus.readers.xlsx_table import sheet_rows
from assistant.schema import Funds, FormKind, Indicator, ProjectRecord, Provenance, SourceDocument, TargetTable
from assistant.taxonomy import normalize_level1, normalize_level2

TITLE = "绩效自评表"
_GRID = {"一级指标": "level1", "二级指标": "level2", "三级指标": "name", "年度指标值": "value", "指标值": "value",
         "实际完成值": "actual", "分值": "weight", "得分": "score", "偏差原因分析及改进措施": "deviation",
         "偏差原因分析": "deviation", "偏差原因": "deviation"}
_FUNDS = {"年初预算数": "initial", "全年预算数": "budget", "全年执行数": "executed", "分值": "weight",
          "执行率": "rate", "得分": "score"}
_FIELDS = {"项目名称": "project_name", "主管部门": "department", "主管部门及代码": "department",
           "实施单位": "implementing_unit"}


def _grid_columns(row: Row) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for col, text in enumerate(row.cells):
        key = _GRID.get(norm(text))
        if key and key not in found:
            found[key] = col
    return found if {"name", "actual"} <= found.keys() else None


def is_self_evaluation(rows: list[Row]) -> bool:
    return any(_grid_columns(r) for r in rows)


def file_rows(path: Path, display: str | None = None) -> tuple[list[Row], list[str]]:
    """The rows of an .xlsx (every sheet) or .docx (every table and paragraph), read bounded and
    streaming by the same parts as the 申报表 readers, and their notes."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        sheets, notes = read_workbook(path, display)
        several = len(sheets) > 1
        return [r for s in sheets for r in sheet_rows(s, f"工作表“{s.title}”" if several else "")], list(notes)
    return document_rows(path, display)


def read(path: Path, display: str | None = None) -> SourceDocument | None:
    """Read a 自评表 workbook or document; None when the file is not a 自评表 (so another reader can)."""
    path = Path(path)
    rows, notes = file_rows(path, display)
    if not is_self_evaluation(rows):
        return None
    problems: list[str] = list(notes)
    projects = [_project(form, Path(display or path.name).stem, problems) for form in _forms(rows)]
    first = projects[0].table
    unit = unit_name(first)
    provenance = Provenance(source=display or path.name, city=city_of(unit), unit=unit, year=first.year,
                            form_kind=FormKind.SELF_EVALUATION)
    return SourceDocument(provenance=provenance, projects=projects, problems=problems)


def _forms(rows: list[Row]) -> list[list[Row]]:
    """One run of rows per form: a title row starts the next form once the current one has a grid."""
    forms: list[list[Row]] = [[]]
    for row in rows:
        if any(TITLE in c for c in row.cells) and any(_grid_columns(r) for r in forms[-1]):
            forms.append([])
        forms[-1].append(row)
    return [f for f in forms if any(_grid_columns(r) for r in f)]


def _project(rows: list[Row], fallback: str, problems: list[str]) -> ProjectRecord:
    fields: dict[str, str] = {}
    year = None
    for row in rows:
        for col, text in enumerate(row.cells):
            key = _FIELDS.get(norm(text))
            if key and key not in fields and (value := value_after(row.cells, col)):
                fields[key] = value
            if year is None and (m := re.search(r"((?:19|20)\d{2})\s*年度", text)):
                year = int(m.group(1))
    funds = _funds(rows)
    goals, outcome = _goals(rows)
    indicators, totals = _grid(rows, problems)
    name = fields.pop("project_name", None) or fallback
    table = TargetTable(
        year=year, project_name=name, **fields, indicators=indicators, goals_annual=goals, outcome=outcome or None,
        funds_annual=Funds(total=funds.get("initial"), fiscal=funds.get("fiscal"), other=funds.get("other")),
        budget_full_year=funds.get("budget"), executed=funds.get("executed"))
    extra = {"资金执行": {"分值": funds.get("weight"), "执行率": funds.get("rate_text"), "得分": funds.get("score")},
             "总分": totals}
    return ProjectRecord(table=table, line=rows[0].line or None, executed=funds.get("executed"),
                         execution_rate=funds.get("rate_text"), extra=extra)


def _funds(rows: list[Row]) -> dict:
    out: dict = {}
    for k, row in enumerate(rows):
        cols = {_FUNDS[norm(t)]: c for c, t in enumerate(row.cells) if norm(t) in _FUNDS}
        if "budget" not in cols or "executed" not in cols:
            continue
        for line in rows[k + 1:k + 6]:
            labels = {norm(t) for t in line.cells}
            if "年度资金总额" in labels:
                for key, col in cols.items():
                    if key == "rate":
                        out["rate_text"] = line.at(col).strip() or None
                    else:
                        out[key] = amount(line.at(col))
            elif "当年财政拨款" in labels or "财政拨款" in labels:
                out["fiscal"] = amount(line.at(cols.get("initial")))
            elif "其他资金" in labels:
                out["other"] = amount(line.at(cols.get("initial")))
        break
    return out


def _goals(rows: list[Row]) -> tuple[list[str], str]:
    for k, row in enumerate(rows[:-1]):
        cells = [norm(t) for t in row.cells]
        if "预期目标" in cells and "实际完成情况" in cells:
            nxt = rows[k + 1]
            goal, outcome = nxt.at(cells.index("预期目标")).strip(), nxt.at(cells.index("实际完成情况")).strip()
            lines = [re.sub(r"^\s*\d+\s*[.、．]\s*", "", g).strip() for g in goal.split("\n")]
            return [g for g in lines if g], outcome
    return [], ""


def _grid(rows: list[Row], problems: list[str]) -> tuple[list[Indicator], dict]:
    start = next(k for k, r in enumerate(rows) if _grid_columns(r))
    cols = _grid_columns(rows[start])
    at = lambda row, key: row.at(cols.get(key)).strip()  # noqa: E731
    indicators, totals, level1, level2 = [], {}, "", ""
    for row in rows[start + 1:]:
        if any(norm(c) == "总分" for c in row.cells):
            numbers = [amount(row.at(cols[k])) for k in ("weight", "score") if k in cols]
            totals = {"分值": numbers[0] if numbers else None, "得分": numbers[1] if len(numbers) > 1 else None}
            break
        if _grid_columns(row) or not at(row, "name"):
            continue
        if at(row, "level1") and at(row, "level1") != level1:
            level1, level2 = at(row, "level1"), ""
        level2 = at(row, "level2") or level2
        ind = Indicator(name=at(row, "name"), value=at(row, "value"), actual=at(row, "actual") or None,
                        weight=amount(at(row, "weight")), score=amount(at(row, "score")),
                        deviation=at(row, "deviation") or None, line=row.line or None)
        ind.level1, ind.level2 = normalize_level1(level1), normalize_level2(level2)
        fill_levels(ind)
        if ind.level1 is None:
            problems.append(f"{row.where}：无法识别“{ind.name}”的一级指标")
        indicators.append(ind)
    return indicators, totals
