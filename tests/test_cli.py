"""The command line: its JSON outputs are contracts other tools read, and bad input never shows a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from app_env import REPO, prepared_data_dir
from assistant.corpus.store import iter_records

RECORD_KEYS = {"source", "city", "unit", "year", "form_kind", "project", "level1", "level2", "name", "value",
               "basis", "inferred", "actual", "score"}


def cli(*args: str, data_dir: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if data_dir is not None:
        env["JX_DATA_DIR"] = str(data_dir)
    done = subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return prepared_data_dir(tmp_path_factory.mktemp("cli"))


def test_corpus_jsonl_is_one_record_per_indicator():
    out = cli("corpus", "--jsonl", check=True).stdout.splitlines()
    assert len(out) == sum(1 for _ in iter_records())
    rows = [json.loads(line) for line in out]
    assert all(RECORD_KEYS <= set(r) for r in rows)
    rent = [r for r in rows if r["project"] == "房屋租赁费" and r["name"] == "租赁费用"]
    assert rent and rent[0]["city"] == "张家口" and rent[0]["value"] == "≤60.13万元"
    assert any(r["actual"] == "625笔" for r in rows)  # 中卫 抵押手续费, a self-evaluation


def test_corpus_stats_counts_every_source():
    out = cli("corpus", "--stats", check=True).stdout
    assert out.count(".txt") == 5 and "合计" in out


def test_ingest_writes_records_and_reports(tmp_path):
    seed = REPO / "corpus" / "sources" / "000_35dfb5000cd90ba0.txt"
    done = cli("ingest", str(seed), "--out", str(tmp_path), check=True)
    assert "六安" in done.stdout and "指标 46 条" in done.stdout
    assert (tmp_path / "000_35dfb5000cd90ba0.json").exists()


@pytest.mark.parametrize("content, message", [
    (b"", "文件为空"),
    (b"\x00\x01\x02binary" * 50, "二进制"),
    ("只是一段说明文字，没有表格。".encode(), "未识别"),
])
def test_ingest_bad_file_loses_nothing(tmp_path, content, message):
    out = tmp_path / "forms"
    out.mkdir()
    (out / "keep.json").write_text("{}", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    done = cli("ingest", str(bad), "--out", str(out))
    assert done.returncode == 1 and "bad.txt" in done.stderr and message in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.json"]


@pytest.mark.integration
def test_search_json_has_provenance(data_dir):
    hits = json.loads(cli("search", "房屋租金支出", "--k", "5", "--json", data_dir=data_dir, check=True).stdout)
    assert hits and {"city", "year", "project", "name", "value", "source", "score", "level2"} <= set(hits[0])
    assert any("租赁" in h["name"] for h in hits)


@pytest.mark.integration
def test_suggest_json(data_dir):
    result = json.loads(cli("suggest", "租赁费", "--json", data_dir=data_dir, check=True).stdout)
    assert result["indicators"] and result["projects"]
    assert any(i["level2"] == "成本指标" for i in result["indicators"])


@pytest.mark.integration
def test_draft_json_contract_then_check_and_export(data_dir, tmp_path):
    done = cli("draft", "--name", "房屋租赁费", "--budget", "60.13", "--year", "2025", "--description",
               "租赁办公用房1800平方米", "--json", data_dir=data_dir, check=True)
    table = json.loads(done.stdout)
    assert {"project_name", "year", "budget", "goals", "indicators"} <= set(table)
    assert table["budget"] == 60.13 and table["goals"]["annual"]
    row_keys = {"level1", "level2", "name", "value", "basis", "basis_note", "explanation", "needs_input", "precedents"}
    assert all(row_keys <= set(r) for r in table["indicators"])
    cited = [p for r in table["indicators"] for p in r["precedents"] if p["kind"] == "corpus"]
    assert cited and {"city", "year", "project", "name", "value", "source"} <= set(cited[0])
    assert any(r["value"] == "≤60.13万元" for r in table["indicators"])

    path = tmp_path / "draft.json"
    path.write_text(done.stdout, encoding="utf-8")
    findings = json.loads(cli("check", str(path), "--json", check=True).stdout)
    assert all({"code", "severity", "message", "indicator", "suggestion"} <= set(f) for f in findings)
    assert not [f for f in findings if f["severity"] == "error"]

    xlsx = tmp_path / "out.xlsx"
    cli("export", str(path), str(xlsx), check=True)
    cells = [c for row in openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True) for c in row if c]
    assert "项目支出绩效目标申报表" in cells and "≤60.13万元" in cells


@pytest.mark.parametrize("args, message", [
    (["draft", "--name", "房屋租赁费", "--budget", "abc"], "预算金额无法识别"),
    (["draft", "--name", "房屋租赁费", "--budget", "-5"], "不能为负数"),
    (["check", "no_such_file.xlsx"], "文件不存在"),
    (["export", "no_such.json", "out.pdf"], "不是有效的绩效目标表"),
])
def test_bad_input_is_one_chinese_line(args, message):
    done = cli(*args)
    assert done.returncode == 2 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_check_reads_an_imported_seed_form(tmp_path):
    # the standard-table readers feed `check` too: export a seed project, check the file
    from assistant.corpus.store import load_documents
    from assistant.output.export import to_xlsx

    table = next(p.table for d in load_documents() for p in d.projects if p.table.project_name == "房屋租赁费")
    path = tmp_path / "rent.xlsx"
    path.write_bytes(to_xlsx(table))
    done = cli("check", str(path), "--json")
    assert done.returncode in (0, 1)  # 1 = error findings present
    assert isinstance(json.loads(done.stdout), list)
