"""`python -m assistant selfeval` and `rollover`: their JSON is a contract (README), and bad input is one
Chinese line on stderr with exit 2, never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from selfeval_tables import ALL_MET, NAMES, ten_rows

from assistant.output.export import to_json, to_xlsx

REPO = Path(__file__).resolve().parents[2]
ROW_KEYS = {"level1", "level2", "name", "value", "actual", "weight", "score", "met", "needs_reason"}


def cli(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def files(tmp_path):
    table = tmp_path / "table.json"
    table.write_text(to_json(ten_rows()), encoding="utf-8")
    actuals = tmp_path / "actuals.csv"
    lines = ["name,actual,weight"] + [f"{n},{ALL_MET[n]}," for n in NAMES]
    lines[3] = "热线接通率,90%,"
    actuals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path, table, actuals


def test_selfeval_json_contract(files):
    _, table, actuals = files
    done = cli("selfeval", table, "--actuals", actuals, "--budget", "48", "--executed", "45.6", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"rows", "execution_score", "total"} <= set(data)
    assert len(data["rows"]) == 10 and all(ROW_KEYS <= set(r) for r in data["rows"])
    row = data["rows"][2]
    assert (row["name"], row["actual"], row["weight"], row["score"], row["met"], row["needs_reason"]) == (
        "热线接通率", "90%", 8.0, 7.58, False, True)
    assert data["execution_score"] == 9.5 and data["total"] == round(100 - 0.42 - 0.5, 2)


def test_selfeval_text_and_an_office_table(files):
    tmp, _, actuals = files
    xlsx = tmp / "table.xlsx"
    xlsx.write_bytes(to_xlsx(ten_rows()))
    done = cli("selfeval", xlsx, "--actuals", actuals)
    assert done.returncode == 0, done.stderr
    assert "总分：89.58 / 100（尚有未计分的项目）" in done.stdout and "未填写全年执行数" in done.stdout


@pytest.mark.parametrize("csv_text, extra, message", [
    ("name,actual\n热线接通,97%\n", [], "“热线接通”：表中没有这个三级指标（是不是“热线接通率”？）"),
    ("name,actual,weight\n" + "".join(f"{n},,8\n" for n in NAMES), [], "分值合计为 90（指标 80 + 预算执行率 10），应为 100"),
    ("name,actual,weight\n热线接通率,97%,60\n", [], "9 行没有分值（第1行“12329热线接听量”、第2行“短信发送条数”、第4行“系统故障率”等）"),
    ("name,actual\n热线接通率,差不多\n", [], "实际完成值“差不多”无法识别"),
    ("name,actual\n热线接通率,97%\n", ["--budget", "48", "--executed", "50"], "大于全年预算数"),
    ("name,actual\n热线接通率,97%\n", ["--budget", "0", "--executed", "0"], "全年预算数为 0 万元"),
    ("name,actual\n热线接通率,97%\n", ["--budget", "48"], "需同时给出"),
    ("name,actual\n热线接通率,97%\n", ["--budget", "四十八", "--executed", "1"], "不是金额"),
    ("名称\n", [], "表头应为 name,actual,weight"),
])
def test_selfeval_bad_input(files, csv_text, extra, message):
    tmp, table, _ = files
    actuals = tmp / "bad.csv"
    actuals.write_text(csv_text, encoding="utf-8")
    done = cli("selfeval", table, "--actuals", actuals, *extra)
    assert done.returncode == 2 and message in done.stderr
    assert done.stderr.startswith("错误：") and done.stderr.count("\n") == 1
    assert actuals.read_text(encoding="utf-8") == csv_text  # nothing lost


def test_a_late_date_and_text_grades_are_scored_not_refused(files):
    tmp, table, _ = files
    actuals = tmp / "late.csv"
    actuals.write_text("name,actual\n服务合同签订时间,2025年5月8日\n政策知晓度,基本完成\n", encoding="utf-8")
    done = cli("selfeval", table, "--actuals", actuals, "--json")
    rows = {r["name"]: r for r in json.loads(done.stdout)["rows"]}
    assert rows["服务合同签订时间"]["score"] == 5.6 and rows["服务合同签订时间"]["needs_reason"]
    assert rows["政策知晓度"]["score"] == 10.5


def test_rollover_prints_the_draft_json_shape(files):
    _, table, _ = files
    done = cli("rollover", table, "--year", "2026", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(json.loads(ten_rows().model_dump_json())) == set(data)  # the `draft --json` keys
    assert data["year"] == 2026 and data["budget"] is None
    assert data["indicators"][4]["value"] == "2026年3月31日前"
    bad = cli("rollover", table, "--year", "2024")
    assert bad.returncode == 2 and "应晚于原表年度 2025" in bad.stderr
