"""check_table over the registry: a clean table, stable codes, the order of findings, the alternatives hook,
the variant, then the seeds. The cases of each rule are in test_rules_<kind>.py."""
from __future__ import annotations

import re

import pytest
from review_tables import B, L2, O, S, codes, plus, replace, row, table

from assistant.config import get_settings
from assistant.corpus.store import load_documents
from assistant.review.check import RULES, check_table
from assistant.schema import Severity
from assistant.taxonomy import Variant


def test_good_table_has_no_findings():
    assert check_table(table()) == []


def test_rule_codes_are_stable_and_unique():
    all_codes = [r.code for r in RULES]
    assert len(all_codes) == len(set(all_codes)) >= 15
    assert all(re.fullmatch(r"R\d\d-[a-z0-9-]+", c) for c in all_codes)
    assert all(r.title for r in RULES)


def test_findings_sorted_errors_first_then_row_then_code():
    tbl = table([
        row(O, L2.QUANTITY, "专线线路条数", "*"),
        row(O, L2.QUALITY, "线路通畅率", "≥100%"),
        row(B, L2.SOCIAL, "提升形象", "明显提升"),
        row(S, L2.SATISFACTION, "部门满意度", "110%", basis=None),
    ])
    findings = check_table(tbl)
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity.value], -1 if f.indicator is None else f.indicator, f.code) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].severity is Severity.ERROR
    assert check_table(tbl) == findings  # deterministic


def test_alternatives_hook_feeds_the_suggestion():
    tbl = replace(4, row(B, L2.SOCIAL, "提升形象", "明显提升"))
    precedent = "业务限时办结率≥95%（广州 2023）"
    hit = next(f for f in check_table(tbl, alternatives={4: precedent}) if f.code == "R11-vague-value")
    assert hit.suggestion == precedent
    generic = next(f for f in check_table(tbl) if f.code == "R11-vague-value")
    assert "%" in generic.suggestion


def test_variant_is_strict_when_given():
    # 产出/成本指标 is the provincial tree; under 财预〔2021〕101号 成本 is its own 一级
    assert "R04-level2-belongs" in codes(check_table(table(), variant=Variant.MOF_2021))
    assert "R04-level2-belongs" not in codes(check_table(table(), variant="provincial"))


def test_blank_slots_are_not_rows():
    # a form's unused 二级 (经济效益指标 with no 三级) reads as a blank row: not a finding
    assert check_table(plus(row(B, L2.ECONOMIC, "", "", basis=None))) == []


# --- the seeds: real findings on the ingested corpus (corpus/forms, produced by the readers) -------------

FORMS = get_settings().forms_dir


def _project(source: str, name: str):
    path = FORMS / f"{source}.json"
    if not path.exists():
        pytest.skip(f"{path.name} not ingested yet")
    doc = next(d for d in load_documents([FORMS]) if d.provenance.source.startswith(source))
    return next(p.table for p in doc.projects if name in p.table.project_name)


def _hits(tbl, code):
    return [(f, tbl.indicators[f.indicator]) for f in check_table(tbl) if f.code == code and f.indicator is not None]


def test_seed_luan_timeliness_over_100_percent():
    tbl = _project("000_35dfb5000cd90ba0", "运转维护经费")
    hits = _hits(tbl, "R07-percent-max")
    assert any(ind.name == "项目完成及时性" and "≥100%" in f.message for f, ind in hits)


def test_seed_luan_vague_sustainability():
    tbl = _project("000_35dfb5000cd90ba0", "运转维护经费")
    assert any("持续影响" in f.message for f, _ in _hits(tbl, "R11-vague-value"))


def test_seed_zhongwei_ecological_wu():
    tbl = _project("004_1fb274d828a9de78", "公积金管理业务费用")
    hits = _hits(tbl, "R08-no-placeholder")
    assert any(ind.level2 is L2.ECOLOGICAL and f.severity is Severity.ERROR for f, ind in hits)


def test_seed_zhangjiakou_training_unit_cost_and_vague_value():
    tbl = _project("002_98f9b5c3ed7d96d3", "业务工作培训费")
    assert any(ind.name == "受训人均成本" for _, ind in _hits(tbl, "R05-cost-ceiling"))
    assert _hits(tbl, "R11-vague-value")


def test_seed_guangzhou_satisfaction_under_benefit():
    # 广州 (001) writes "2、效益指标：窗口群众评价满意度": no 满意度 一级, and the row sits under 效益
    tbl = _project("001_1d4fe422b316c871", "2022年-2023年IT整体运维项目")
    missing = [f for f in check_table(tbl) if f.code == "R01-required-level1" and "满意度" in f.message]
    assert missing and "窗口群众评价满意度" in missing[0].suggestion
    placed = _hits(tbl, "R04-level2-belongs") + _hits(tbl, "R15-satisfaction-placement")
    assert any("满意" in ind.name for _, ind in placed)


def test_every_seed_project_checks_cleanly():
    if not any(FORMS.glob("*.json")):
        pytest.skip("corpus/forms not ingested yet")
    for doc in load_documents([FORMS]):
        for project in doc.projects:
            for f in check_table(project.table):
                assert f.message and f.code in {r.code for r in RULES}
                if f.indicator is not None:
                    assert 0 <= f.indicator < len(project.table.indicators)
                    assert f.message.startswith(f"第{f.indicator + 1}行")


def test_seed_ezhou_long_term_rows_are_not_gaps():
    # 鄂州 (003) lists 长期目标 indicators with only a long-term value: not empty cells, not duplicates
    tbl = _project("003_123bcc6467df04e1", "部门整体")
    long_term = {i for i, ind in enumerate(tbl.indicators) if not ind.value and ind.midterm_value}
    assert long_term
    findings = check_table(tbl)
    assert not [f for f in findings if f.code in ("R08-no-placeholder", "R17-duplicate") and f.indicator in long_term]
    assert any(f.code == "R11-vague-value" and "递增" in f.message for f in findings)
