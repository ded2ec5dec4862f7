"""Reader for the 项目支出绩效目标表（含转移支付项目）: one summary table of a department's projects.

Layout (e.g. 广州 2023), one row per line, cells tab-separated:

    项目名称（资金使用单位） | 总计 | 财政拨款 | 财政专户拨款 | 其他资金 | 绩效目标 | 绩效指标
    合计                     | 12,748.27 | …                          (grand total)
    广州住房公积金管理中心番禺办事处 | 177.99 | …                   (a unit: amounts only)
    专项工作经费             | 66.57 | … | goal text | "1、产出指标:培训次数,年度指标值:2次。2、…"

Indicators are prose items giving only the 一级 (sometimes not even that: "3、:培训人员满意度…"),
so the 二级 is always inferred from the indicator's words and marked in ``inferred``.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from assistant.errors import IngestError
from assistant.corpus.readers.text_rows import amount, cell_value, city_of, squash, tidy, years_in
from assistant.schema import FormKind, Funds, Indicator, ProjectRecord, Provenance, SourceDocument, TargetTable
from assistant.taxonomy import infer_level1, infer_level2, normalize_level1

_COLUMNS = [  # header cell → field; order matters (财政专户拨款 before 财政拨款)
    ("项目名称", "name"), ("总计", "total"), ("合计", "total"), ("财政专户", "special"),
    ("财政拨款", "fiscal"), ("其他资金", "other"), ("绩效目标", "goal"), ("绩效指标", "indicators"),
]
# a unit row (the 资金使用单位 that the following projects belong to) carries amounts only
_UNIT_NAME = re.compile(r"(中心|办事处|管理部|管理处|分局|局|委员会|办公室|管理所)$")
_ITEM_MARK = re.compile(r"(?:^|(?<=[。；;.\s]))\s*(\d{1,2})\s*、")
_ITEM = re.compile(
    r"^(?:(?P<level1>[^：:，,。；;]{0,8}?)\s*[：:])?\s*(?P<name>.*?)\s*[，,；;]?\s*(?:年度)?指标值\s*[：:]\s*(?P<value>.*)$"
)


def matches(text: str) -> bool:
    return _header_index(text.splitlines()) is not None and "指标值" in text


def _header_index(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        cells = [squash(c) for c in line.split("\t")]
        if any(c.startswith("项目名称") for c in cells) and "绩效目标" in cells and "绩效指标" in cells:
            return i
    return None


def read(path: Path, text: str) -> SourceDocument:
    lines = text.splitlines()
    header = _header_index(lines)
    if header is None:
        raise IngestError(f"{path.name}：未找到“项目名称/绩效目标/绩效指标”表头，无法按项目支出绩效目标表读取")
    columns = _columns(lines[header])
    problems: list[str] = []
    department = _department(lines[:header]) or ""
    year = _year(lines[:header], lines[header + 1:], columns, path, problems)
    projects, totals = _rows(path, lines, header, columns, year, problems)
    _check_totals(path, projects, totals, problems)
    unit = department or next(iter(totals.get("units", {})), "")
    city = city_of(unit)
    if not city:
        problems.append(f"{path.name}：未能从“部门名称”识别城市")
    provenance = Provenance(source=path.name, city=city or "", unit=unit, year=year,
                            form_kind=FormKind.TARGET_TABLE)
    return SourceDocument(provenance=provenance, projects=projects, problems=problems)


def _columns(line: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, cell in enumerate(line.split("\t")):
        key = next((field for word, field in _COLUMNS if squash(cell).startswith(word)), None)
        if key and key not in found:
            found[key] = col
    return found


def _department(lines: list[str]) -> str | None:
    for line in lines:
        m = re.search(r"部门名称\s*[：:]\s*(\S+)", line)
        if m:
            return tidy(m.group(1))
    return None


def _year(head: list[str], body: list[str], columns: dict[str, int], path: Path, problems: list[str]) -> int | None:
    """The table's year from its title area; failing that, guessed from project names (and said so)."""
    for line in head:
        m = re.search(r"((?:19|20)\d{2})\s*年", line)
        if m:
            return int(m.group(1))
    names = [_cell(line.split("\t"), columns, "name") for line in body]
    # "…IT整体运维项目(2023)": a trailing year in brackets names the budget year of the row
    marked = Counter(int(m.group(1)) for n in names if (m := re.search(r"[(（]((?:19|20)\d{2})[)）]\s*$", n)))
    mentioned = Counter(y for n in names for y in years_in(n))
    guess = (marked or mentioned).most_common(1)
    if not guess:
        problems.append(f"{path.name}：表中未写年度，也无法从项目名称推断")
        return None
    year = guess[0][0]
    problems.append(f"{path.name}：表中未写年度，按项目名称中出现最多的年份推定为{year}年")
    return year


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    col = columns.get(key)
    return cells[col].strip() if col is not None and col < len(cells) else ""


# --- rows: grand total, units, projects ------------------------------------------------------------

def _rows(path: Path, lines: list[str], header: int, columns: dict[str, int], year: int | None,
          problems: list[str]) -> tuple[list[ProjectRecord], dict]:
    projects: list[ProjectRecord] = []
    totals: dict = {"grand": None, "units": {}}
    unit: str | None = None
    for i in range(header + 1, len(lines)):
        cells = lines[i].split("\t")
        if not any(c.strip() for c in cells):
            continue
        name = tidy(_cell(cells, columns, "name"))
        total = amount(_cell(cells, columns, "total"))
        goal, prose = _cell(cells, columns, "goal"), _cell(cells, columns, "indicators")
        if name in {"合计", "总计"}:
            totals["grand"] = total
        elif not goal and not prose and _UNIT_NAME.search(name) and total is not None:
            unit = name
            totals["units"][name] = total
        elif name and total is not None:
            projects.append(_project(path, i + 1, cells, columns, name, unit, year, problems))
        else:
            problems.append(f"{path.name} 第{i + 1}行：无法归入任何项目：{tidy(lines[i])[:60]}")
    if not projects:
        raise IngestError(f"{path.name}：表头之后未读到任何项目行")
    return projects, totals


def _project(path: Path, line: int, cells: list[str], columns: dict[str, int], name: str, unit: str | None,
             year: int | None, problems: list[str]) -> ProjectRecord:
    funds = Funds(total=amount(_cell(cells, columns, "total")), fiscal=amount(_cell(cells, columns, "fiscal")),
                  other=amount(_cell(cells, columns, "other")))
    goal = tidy(_cell(cells, columns, "goal"))
    where = f"{path.name} 第{line}行“{name}”"
    indicators = _indicators(_cell(cells, columns, "indicators"), line, where, problems)
    if not indicators:
        problems.append(f"{where}：未写绩效指标")
    table = TargetTable(year=year, project_name=name, implementing_unit=unit, funds_annual=funds,
                        goals_annual=[goal] if goal else [], indicators=indicators)
    extra = {}
    special = amount(_cell(cells, columns, "special"))
    if special is not None:
        extra["财政专户拨款"] = special
    return ProjectRecord(table=table, line=line, unit=unit, extra=extra)


def _check_totals(path: Path, projects: list[ProjectRecord], totals: dict, problems: list[str]) -> None:
    """Subtotals must add up; a gap means rows were lost (a truncated or mis-split file)."""
    by_unit: Counter = Counter()
    for project in projects:
        by_unit[project.unit] += project.table.budget or 0.0
    for unit, total in totals["units"].items():
        if abs(by_unit[unit] - total) > 0.005:
            problems.append(f"{path.name}：“{unit}”小计{total:g}万元，但其下项目合计{by_unit[unit]:g}万元")
    grand = totals["grand"]
    if grand is not None and totals["units"] and abs(sum(totals["units"].values()) - grand) > 0.005:
        problems.append(f"{path.name}：合计{grand:g}万元，但各单位小计之和为{sum(totals['units'].values()):g}万元")


# --- the prose indicators: "1、产出指标：name，年度指标值：value。2、…" -------------------------------

def _indicators(prose: str, line: int, where: str, problems: list[str]) -> list[Indicator]:
    text = tidy(prose)
    marks = list(_ITEM_MARK.finditer(text))
    if text and not marks:
        problems.append(f"{where}：绩效指标未按“1、…”编号，未能拆分：{text[:40]}")
        return []
    if marks and text[: marks[0].start()].strip(" 。；;"):
        problems.append(f"{where}：绩效指标前有无法归入的文字：{text[: marks[0].start()][:40]}")
    items = [text[m.end(): nxt.start() if nxt else len(text)] for m, nxt in zip(marks, marks[1:] + [None])]
    return [ind for item in items if (ind := _item(item, line, where, problems)) is not None]


def _item(item: str, line: int, where: str, problems: list[str]) -> Indicator | None:
    item = item.strip().rstrip("。；;.").strip()
    m = _ITEM.match(item)
    if m is None:
        problems.append(f"{where}：指标缺少“年度指标值”：{item[:40]}")
        return None
    written, name = (m.group("level1") or "").strip(), m.group("name").strip(" ，,")
    level1 = normalize_level1(written)
    if written and level1 is None:  # "培训：次数，…": the colon was part of the name
        name, written = f"{written}：{name}", ""
    value = cell_value(m.group("value").rstrip("。；;. "))
    if not name:
        problems.append(f"{where}：指标缺少名称：{item[:40]}")
        return None
    inferred = []
    if level1 is None:
        level1 = infer_level1(name, value)
        inferred.append("level1")
    level2 = infer_level2(name, value, level1)
    inferred.append("level2")
    return Indicator(level1=level1, level2=level2, name=name, value=value, inferred=inferred, line=line)

