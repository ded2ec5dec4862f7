"""Real public forms of other units (corpus/public/*.yaml, copied as printed) read as precedents."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.config import get_settings
from assistant.corpus.readers import read_source
from assistant.corpus.store import form_path
from assistant.errors import IngestError
from assistant.schema import FormKind, Level1, Level2, SourceDocument

PUBLIC = Path(__file__).resolve().parents[2] / "corpus" / "public"
RECORDS = sorted(PUBLIC.glob("*.yaml"))

RECORD = """\
source_url: http://example.gov.cn/zwgk/2024/1.html
retrieved: '2026-12-06'
form: 项目支出绩效自评表
unit: 某某县档案馆
city: 某某市
year: 2024
project: 档案数字化加工
budget_wan: 12.5
description: 对馆藏档案进行数字化扫描。
goals:
- 完成馆藏档案数字化扫描，提高档案利用效率。
indicators:
- {level1: 产出指标, level2: 数量指标, name: 档案扫描页数, value: ≥20万页, basis: 年度工作计划, actual: 21万页}
- {level1: "产出\\n指标", level2: null, name: 扫描图像合格率, value: 98, basis: null}
- {level1: null, level2: 服务对象满意度, name: 查档群众满意度, value: ≥90%, basis: 行业标准}
partial: false
notes: test record
"""


def read_record(tmp_path, text: str, name: str = "mouxian_dangan_2024.yaml") -> SourceDocument:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_source(path)


def test_a_record_reads_as_a_document_with_its_address(tmp_path):
    doc = read_record(tmp_path, RECORD)
    assert (doc.provenance.city, doc.provenance.unit, doc.provenance.year) == ("某某", "某某县档案馆", 2024)
    assert doc.provenance.form_kind is FormKind.SELF_EVALUATION
    project = doc.projects[0]
    assert project.extra["source_url"] == "http://example.gov.cn/zwgk/2024/1.html"
    table = project.table
    assert (table.project_name, table.funds_annual.total, table.purpose) == ("档案数字化加工", 12.5, "对馆藏档案进行数字化扫描。")
    scan, rate, satisfaction = table.indicators
    assert (scan.level2, scan.value, scan.actual, scan.basis_note) == (Level2.QUANTITY, "≥20万页", "21万页", "年度工作计划")
    # a wrapped 一级 label is read; a missing 二级 is inferred from the name and flagged
    assert rate.level1 is Level1.OUTPUT and rate.level2 is Level2.QUALITY and "level2" in rate.inferred
    assert rate.value == "98"  # a bare number stays as printed
    assert satisfaction.level1 is Level1.SATISFACTION and satisfaction.basis is not None


@pytest.mark.parametrize("text, message", [
    ("project: [unclosed", "YAML 格式错误"),
    ("- just\n- a list\n", "不是公开表单记录"),
    (RECORD.replace("project: 档案数字化加工", "project: null"), "没有项目名称"),
    (RECORD.replace("- {level1: null, level2: 服务对象满意度, name: 查档群众满意度, value: ≥90%, basis: 行业标准}",
                    "- 查档群众满意度 ≥90%"), "indicators 须为指标行列表"),
])
def test_a_broken_record_is_refused_in_chinese(tmp_path, text, message):
    with pytest.raises(IngestError, match=message):
        read_record(tmp_path, text)


def test_the_shipped_records_are_complete_and_ingested():
    """Every record with a project name is in the shipped corpus exactly as the reader reads it now
    (re-run `python -m assistant ingest corpus/public/*.yaml` after editing one)."""
    forms = get_settings().forms_dir
    named = [p for p in RECORDS if (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("project")]
    assert len(named) >= 40
    for path in named:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["source_url"].startswith("http"), path.name
        stored = form_path(forms, path.name)
        assert stored.exists(), f"{path.name} 未写入 corpus/forms"
        fresh = read_source(path)
        assert SourceDocument.model_validate_json(stored.read_text(encoding="utf-8")) == fresh, path.name
        assert len(fresh.projects[0].table.indicators) == len(data["indicators"])
        printed = data.get("city") or data.get("region") or data.get("unit")
        assert (fresh.provenance.city != "未注明地区") == bool(printed), path.name
