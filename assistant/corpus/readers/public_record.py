"""Reader for a real public form recorded as YAML (corpus/public/<id>.yaml) → SourceDocument.

Forms of other units found on the web are recorded by hand, every cell copied as printed, with the
address they were read from (see corpus/public/README.md). This reader turns one record into a
document like any other reader's, so the forms serve as precedents: the printed 一级/二级 are taken
when the standard tree knows them and inferred from the name otherwise (flagged in ``inferred``), and
the printed 依据 is classified into the five kinds. The address goes with the project (``extra``). A
self-evaluation's target column is the target filed with the budget; its actuals are kept.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from assistant.corpus.readers.department_rows import city_or_unit, make_indicator
from assistant.errors import IngestError
from assistant.schema import FormKind, Funds, ProjectRecord, Provenance, SourceDocument, TargetTable
from assistant.taxonomy import normalize_level1, normalize_level2

SUFFIXES = (".yaml", ".yml")
UNNAMED_UNIT, UNNAMED_PLACE = "未注明单位", "未注明地区"  # a form printed without its unit or place
_REQUIRED = ("project", "indicators", "source_url")
_PLACE_SUFFIX = re.compile(r"(?<=..)[市州盟]$")


def read(path: Path, text: str) -> SourceDocument:
    name = path.name
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IngestError(f"{name}：YAML 格式错误（{str(exc).splitlines()[0][:80]}）") from exc
    if not isinstance(data, dict) or any(key not in data for key in _REQUIRED):
        raise IngestError(f"{name}：不是公开表单记录（需要 {'、'.join(_REQUIRED)} 字段）")
    if not _text(data.get("project")):
        raise IngestError(f"{name}：记录没有项目名称（project），无法作为往年表格使用")
    rows = data.get("indicators") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) and r.get("name") for r in rows):
        raise IngestError(f"{name}：indicators 须为指标行列表，每行至少有 name")
    year = _year(data.get("year"))
    indicators = [
        make_indicator(normalize_level1(_text(row.get("level1"))), normalize_level2(_text(row.get("level2"))),
                       str(row["name"]), _text(row.get("value")) or "", _text(row.get("basis")) or "", line,
                       midterm_value=_text(row.get("value_midterm")), explanation=_text(row.get("explain")),
                       actual=_text(row.get("actual")))
        for line, row in enumerate(rows, start=1)]
    budget = data.get("budget_wan")
    unit = _text(data.get("unit")) or _text(data.get("region")) or _text(data.get("city")) or UNNAMED_UNIT
    table = TargetTable(
        year=year, project_name=str(data["project"]).strip(), implementing_unit=_text(data.get("unit")),
        funds_annual=Funds(total=float(budget)) if isinstance(budget, (int, float)) else None,
        purpose=_text(data.get("description")), goals_annual=[str(g) for g in data.get("goals") or []],
        goals_midterm=[str(g) for g in data.get("goals_midterm") or []], indicators=indicators)
    form_kind = FormKind.SELF_EVALUATION if "自评" in str(data.get("form") or "") else FormKind.DECLARATION
    provenance = Provenance(source=name, city=_city(data, unit), unit=unit, year=year, form_kind=form_kind)
    extra = {"source_url": str(data["source_url"]), "partial": bool(data.get("partial"))}
    return SourceDocument(provenance=provenance, projects=[ProjectRecord(table=table, line=1, extra=extra)])


def _city(data: dict, unit: str) -> str:
    """"黄石市" → 黄石 (as the seeds name their cities); a province-level unit keeps its region."""
    for key in ("city", "region"):
        if value := _text(data.get(key)):
            return _PLACE_SUFFIX.sub("", value)
    return city_or_unit(unit) if unit != UNNAMED_UNIT else UNNAMED_PLACE


def _year(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _text(value) -> str | None:
    return (str(value).strip() or None) if value is not None else None
