"""The 绩效自评表 export (assistant/output/selfeval_export.py) and reading it back
(assistant/corpus/readers/selfeval_table.py): compared cell by cell with openpyxl / python-docx, never
byte by byte, then read back into a table that scores the same."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "selfeval"))
from selfeval_tables import ALL_MET, ten_rows  # noqa: E402

from assistant.corpus.readers import read_source  # noqa: E402
from assistant.output.selfeval_export import to_docx, to_xlsx  # noqa: E402
from assistant.schema import FormKind  # noqa: E402
from assistant.selfeval import evaluate, scored  # noqa: E402

ACTUALS = {**ALL_MET, "热线接通率": "90%", "缴存单位满意度": "基本满意", "服务合同签订时间": "2025年5月8日"}


@pytest.fixture
def evaluated():
    table = ten_rows(**ACTUALS)
    table.indicators[2].deviation = "高峰期坐席不足；下年增加坐席"
    table = table.model_copy(update={"outcome": "热线和短信平台全年运行，接通率略低于目标。", "department": "某市住房城乡建设局"})
    evaluation = evaluate(table, budget=48, executed=45.6)
    return scored(table, evaluation), evaluation


def _sheet_values(data: bytes):
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return ws, {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_xlsx_cells(evaluated):
    table, evaluation = evaluated
    ws, values = _sheet_values(to_xlsx(table, evaluation))
    assert values[(1, 1)] == "项目支出绩效自评表" and values[(2, 1)] == "（2025年度）"
    assert values[(3, 1)] == "项目名称" and values[(3, 3)] == table.project_name
    # funds block: headers then 年度资金总额 | 48 | 48 | 45.6 | 10 | 95% | 9.5
    head = next(r for (r, c), v in values.items() if v == "全年执行数")
    assert [values.get((head, c)) for c in range(4, 10)] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert [values.get((head + 1, c)) for c in range(2, 10) if c != 3] == ["年度资金总额", 48, 48, 45.6, 10, "95%", 9.5]
    grid = next(r for (r, c), v in values.items() if v == "实际完成值")
    for k, (ind, row) in enumerate(zip(table.indicators, evaluation.rows)):
        r = grid + 1 + k
        assert [values.get((r, c)) for c in range(4, 10)] == [
            ind.name, ind.value, ind.actual, row.weight, row.score, ind.deviation]
    assert values[(grid + 1, 2)] == "产出指标（50分）" and values[(grid + 7, 2)] == "效益指标（30分）"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"B{grid + 1}:B{grid + 6}" in merged and f"C{grid + 1}:C{grid + 2}" in merged  # 产出 and 数量 merged down
    total = grid + 11
    assert values[(total, 1)] == "总分" and values[(total, 7)] == 100 and values[(total, 8)] == evaluation.total


def test_docx_cells(evaluated):
    table, evaluation = evaluated
    doc = Document(io.BytesIO(to_docx(table, evaluation)))
    grid = doc.tables[0]
    texts = [[cell.text for cell in row.cells] for row in grid.rows]
    header = next(i for i, row in enumerate(texts) if "实际完成值" in row)
    for k, (ind, row) in enumerate(zip(table.indicators, evaluation.rows)):
        cells = texts[header + 1 + k]
        assert cells[3:9] == [ind.name, ind.value, ind.actual, f"{row.weight:g}", f"{row.score:g}", ind.deviation or ""]
    assert texts[header + 1][1] == texts[header + 6][1] == "产出指标（50分）"  # one merged cell
    assert texts[-1][0] == "总分" and texts[-1][7] == f"{evaluation.total:g}"


@pytest.mark.parametrize("writer, suffix", [(to_xlsx, ".xlsx"), (to_docx, ".docx")])
def test_read_back_scores_the_same(evaluated, writer, suffix, tmp_path):
    table, evaluation = evaluated
    path = tmp_path / f"自评表{suffix}"
    path.write_bytes(writer(table, evaluation))
    doc = read_source(path, isolated=False)
    assert doc.provenance.form_kind is FormKind.SELF_EVALUATION
    back = doc.projects[0].table
    assert (back.project_name, back.year, back.budget, back.budget_full_year, back.executed) == (
        table.project_name, 2025, 48, 48, 45.6)
    assert back.outcome == table.outcome and back.goals_annual == table.goals_annual
    assert back.implementing_unit == table.implementing_unit and back.department == table.department
    for a, b in zip(table.indicators, back.indicators):
        assert (a.level1, a.level2, a.name, a.value, a.actual, a.weight, a.score, a.deviation) == (
            b.level1, b.level2, b.name, b.value, b.actual, b.weight, b.score, b.deviation)
    again = evaluate(back)
    assert again.total == evaluation.total and "S08" not in {f.code for f in again.findings}
    assert doc.projects[0].extra["总分"] == {"分值": 100, "得分": evaluation.total}


def test_a_declaration_is_still_read_as_one(tmp_path):
    from assistant.output.export import to_xlsx as declaration_xlsx

    path = tmp_path / "申报表.xlsx"
    path.write_bytes(declaration_xlsx(ten_rows()))
    assert read_source(path, isolated=False).provenance.form_kind is FormKind.DECLARATION
