"""The record ↔ chromadb metadata mapping: every provenance field survives record → metadata → hit,
unknowns come back as None, and the stored keys stay the on-disk layout of existing indexes.
"""
from __future__ import annotations

import pytest

from assistant.schema import (
    Basis,
    FormKind,
    Indicator,
    IndicatorRecord,
    Level1,
    Level2,
    ProjectRecord,
    Provenance,
    TargetTable,
)
from assistant.search.index_view import FILTER_FIELDS
from assistant.search.metadata import INDICATOR_META, PROJECT_META

# 六安's 12329 短信 indicator as the seed form 000_35dfb5000cd90ba0.txt gives it
RECORD = IndicatorRecord(source="000_35dfb5000cd90ba0.txt", city="六安", unit="六安市住房公积金管理中心",
                         year=2022, form_kind=FormKind.DECLARATION, project="运转维护经费",
                         level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="12329短信发送量",
                         value="≥1000000条", basis=Basis.PLAN, basis_note="合同约定", line=42)
BARE = RECORD.model_copy(update={"year": None, "level1": None, "level2": None, "basis": None,
                                 "basis_note": None, "line": None, "value": ""})
PROVENANCE = Provenance(source="a.txt", city="甲市", unit="甲市中心", year=2023, form_kind=FormKind.SELF_EVALUATION)


def project(**table) -> ProjectRecord:
    indicators = [Indicator(name="培训次数"), Indicator(name="培训人数")]
    return ProjectRecord(table=TargetTable(project_name="业务经费", indicators=indicators, **table), line=5)


def round_trip(meta_map, record, score=0.8):
    meta = meta_map.to_meta(record)
    assert all(isinstance(v, (str, int, float)) for v in meta.values()), meta  # chromadb holds no None
    return meta_map.to_hit(meta, score, 0.7, 0.3)


@pytest.mark.parametrize("record", [RECORD, BARE], ids=["full", "unknowns"])
def test_an_indicator_survives_the_round_trip(record):
    hit = round_trip(INDICATOR_META, record)
    for name in INDICATOR_META.fields:
        assert getattr(hit, name) == getattr(record, name), name
    assert (hit.score, hit.dense, hit.lexical) == (0.8, 0.7, 0.3)


def test_the_precedent_cited_keeps_its_provenance():
    precedent = round_trip(INDICATOR_META, RECORD).to_precedent()
    assert (precedent.city, precedent.year, precedent.project, precedent.name, precedent.value, precedent.basis,
            precedent.source, precedent.line, precedent.score) == (
        "六安", 2022, "运转维护经费", "12329短信发送量", "≥1000000条", "合同约定",
        "000_35dfb5000cd90ba0.txt", 42, 0.8)


def test_the_stored_keys_are_the_layout_of_existing_indexes():
    """Changing one of these means bumping index_store.TEXT_VERSION (every entry re-embedded)."""
    assert INDICATOR_META.to_meta(RECORD) == {
        "key": "000_35dfb5000cd90ba0.txt:42:运转维护经费:12329短信发送量", "source": "000_35dfb5000cd90ba0.txt",
        "line": 42, "city": "六安", "unit": "六安市住房公积金管理中心", "year": 2022, "form_kind": "申报表",
        "project": "运转维护经费", "level1": "产出指标", "level2": "数量指标", "name": "12329短信发送量",
        "value": "≥1000000条", "basis": Basis.PLAN.value, "basis_note": "合同约定"}
    assert INDICATOR_META.to_meta(BARE) == {
        "key": "000_35dfb5000cd90ba0.txt:None:运转维护经费:12329短信发送量", "source": RECORD.source, "line": 0, "city": "六安", "unit": RECORD.unit, "year": 0,
        "form_kind": "申报表", "project": "运转维护经费", "level1": "", "level2": "", "name": "12329短信发送量",
        "value": "", "basis": "", "basis_note": ""}
    assert set(PROJECT_META.to_meta((PROVENANCE, project()))) == {
        "key", "source", "line", "city", "unit", "year", "form_kind", "project", "purpose", "budget", "indicators"}
    assert set(FILTER_FIELDS) <= set(INDICATOR_META.fields)


def test_a_project_survives_the_round_trip():
    hit = round_trip(PROJECT_META, (PROVENANCE, project(year=2024, purpose="保障业务正常开展",
                                                        funds_annual={"total": 12.5})))
    assert (hit.key, hit.source, hit.line, hit.city, hit.unit, hit.year, hit.form_kind, hit.project) == (
        "a.txt:5:业务经费", "a.txt", 5, "甲市", "甲市中心", 2024, FormKind.SELF_EVALUATION, "业务经费")
    assert (hit.purpose, hit.budget, hit.indicators) == ("保障业务正常开展", 12.5, 2)


def test_a_project_without_purpose_or_budget_takes_the_forms_year():
    meta = PROJECT_META.to_meta((PROVENANCE, project()))
    assert (meta["purpose"], meta["budget"], meta["year"]) == ("", -1.0, 2023)
    hit = PROJECT_META.to_hit(meta, 0.5, None, None)
    assert (hit.purpose, hit.budget, hit.year) == (None, None, 2023)


def test_a_zero_budget_is_a_budget():
    hit = round_trip(PROJECT_META, (PROVENANCE, project(funds_annual={"total": 0.0})))
    assert hit.budget == 0.0


def test_a_stored_value_an_older_taxonomy_wrote_reads_as_none():
    meta = INDICATOR_META.to_meta(RECORD) | {"level2": "旧的二级指标", "form_kind": "预算表"}
    hit = INDICATOR_META.to_hit(meta, 0.5, None, None)
    assert (hit.level2, hit.form_kind, hit.level1) == (None, None, Level1.OUTPUT)
