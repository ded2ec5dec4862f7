"""Export of the standard 申报表: opened with openpyxl / python-docx and checked cell by cell, then
read back with the office readers (round trip). Cells are compared, never bytes."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from assistant.output.export import basis_text, grid_labels, to_docx, to_json, to_xlsx
from assistant.corpus.readers import docx_table, xlsx_table
from assistant.schema import Basis, Funds, Indicator, Level1, Level2, TargetTable

O, B, S = Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION


def ind(level1, level2, name, value, basis=None, note=None, midterm=None, **extra) -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, value=value, midterm_value=midterm,
                     basis=basis, basis_note=note, **extra)


# 张家口 2020 房屋租赁费 (single year), with injection texts and an unknown 其他资金
RENT = TargetTable(
    year=2025, project_name="=SUM(A1)", department="张家口市住房公积金管理中心",
    implementing_unit="张家口市住房公积金管理中心", attribute="延续", period="1年", period_years=1,
    manager="@cmd", funds_annual=Funds(total=60.13, fiscal=60.13, other=None),
    goals_annual=["保障办公用房正常使用", "+按合同按时支付租金"],
    indicators=[
        ind(O, Level2.QUANTITY, "租赁面积", "1831.3平方米", Basis.OTHER, "合同约定"),
        ind(O, Level2.QUANTITY, "@cmd", "12个月", Basis.PLAN, "计划标准"),
        ind(O, Level2.TIMELINESS, "租金支付及时率", "100%", Basis.PLAN, "年度计划"),
        ind(O, Level2.COST, "年租赁费用", "≤60.13万元", Basis.BUDGET, "预算批复"),
        ind(B, Level2.SOCIAL, "-保障业务正常开展", "有效保障", Basis.OTHER, "工作需要"),
        ind(S, Level2.SATISFACTION, "职工满意度", "≥90%", Basis.OTHER, "满意度调查"),
    ],
)

# 六安 2022 运转维护经费 (3 years, 中期 and 年度 values)
UPKEEP = TargetTable(
    year=2022, project_name="住房公积金中心运转维护经费", department="[079]六安市住房公积金中心",
    implementing_unit="六安市住房公积金中心", attribute="常年项目", period="3年", period_years=3,
    funds_midterm=Funds(total=380.77, fiscal=380.77, other=0.0),
    funds_annual=Funds(total=96.47, fiscal=96.47, other=0.0),
    goals_midterm=["住房公积金系统正常安全运行"], goals_annual=["保障办公楼、业务系统、业务大厅安全运行"],
    indicators=[
        ind(O, Level2.QUANTITY, "12329短信发送量", "≥1000000条", Basis.PLAN, "年度计划", "≥1000000条"),
        ind(O, Level2.QUANTITY, "网络专线数量", "7条", Basis.HISTORY, "上年标准", "7条"),
        ind(O, Level2.QUALITY, "窗口人员考核合格率", "≥90%", Basis.INDUSTRY, "文件规定", "≥90%"),
        ind(O, Level2.TIMELINESS, "项目完成及时性", "≥100%", None, None, "100%"),
        ind(Level1.COST, Level2.COST, "档案室维护成本", "≤15000元", Basis.BUDGET, "预算支出标准", "≤15000元"),
        ind(B, Level2.ECONOMIC, "住房公积金增值收益同比增长", "≥9%", Basis.HISTORY, "历史数据", "≥9%"),
        ind(B, Level2.SUSTAINABLE, "项目运行及后续成效发展可持续影响力", "持续影响", None, "无依据", "持续影响"),
        ind(S, Level2.SATISFACTION, "社会公众满意度", "≥90%", Basis.OTHER, "满意度调查", "≥90%"),
        ind(S, Level2.SATISFACTION, "缴存单位对窗口服务满意度", "≥90%", Basis.OTHER, "满意度调查", None),
    ],
)

HEADER_ROW = 12  # title, year, 4 header rows, 3 funds rows, 2 goal rows


def sheet(table: TargetTable, data_only: bool = True):
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(table)), data_only=data_only).active


def row_values(ws, row: int, ncols: int) -> list:
    return [ws.cell(row=row, column=c).value for c in range(1, ncols + 1)]


# --- xlsx, cell by cell -----------------------------------------------------------------------------


def test_xlsx_title_header_and_goals():
    ws = sheet(RENT)
    assert ws["A1"].value == "项目支出绩效目标申报表" and ws["A1"].font.b
    assert ws["A2"].value == "（2025年度）"
    assert row_values(ws, 3, 5) == ["项目名称", "=SUM(A1)", None, None, None]
    assert row_values(ws, 4, 5) == ["主管部门及代码", "张家口市住房公积金管理中心", "实施单位",
                                    "张家口市住房公积金管理中心", None]
    assert row_values(ws, 5, 5) == ["项目属性", "延续", "项目期", "1年", None]
    assert row_values(ws, 6, 2) == ["项目负责人", "@cmd"]
    assert row_values(ws, 10, 3) == ["总体目标", "中期目标", None]
    assert row_values(ws, 11, 3) == [None, "年度目标", "1. 保障办公用房正常使用\n2. +按合同按时支付租金"]
    assert {"A1:E1", "A2:E2", "B3:E3", "D4:E4", "A7:A9", "A10:A11", "C11:E11"} <= {
        str(r) for r in ws.merged_cells.ranges}


def test_xlsx_funds_missing_amounts_are_empty_not_zero():
    ws = sheet(RENT)
    assert row_values(ws, 7, 5) == ["项目资金（万元）", "中期资金总额", None, "年度资金总额", 60.13]
    assert row_values(ws, 8, 5) == [None, "其中：财政拨款", None, "其中：财政拨款", 60.13]
    assert row_values(ws, 9, 5) == [None, "其他资金", None, "其他资金", None]
    ws3 = sheet(UPKEEP)
    assert row_values(ws3, 9, 5) == [None, "其他资金", 0, "其他资金", 0]  # a real 0 stays 0


def test_xlsx_single_year_grid():
    ws = sheet(RENT)
    assert row_values(ws, HEADER_ROW, 5) == grid_labels(False)
    assert [c.font.b for c in ws[HEADER_ROW][:5]] == [True] * 5
    expected = [
        ["产出指标", "数量指标", "租赁面积", "1831.3平方米", "其他标准（合同约定）"],
        [None, None, "@cmd", "12个月", "计划标准"],
        [None, "时效指标", "租金支付及时率", "100%", "计划标准（年度计划）"],
        [None, "成本指标", "年租赁费用", "≤60.13万元", "预算支出标准（预算批复）"],
        ["效益指标", "社会效益指标", "-保障业务正常开展", "有效保障", "其他标准（工作需要）"],
        ["满意度指标", "服务对象满意度指标", "职工满意度", "≥90%", "其他标准（满意度调查）"],
    ]
    assert [row_values(ws, HEADER_ROW + 1 + k, 5) for k in range(6)] == expected
    grid_merges = {str(r) for r in ws.merged_cells.ranges if r.min_row > HEADER_ROW}
    assert grid_merges == {"A13:A16", "B13:B14"}


def test_xlsx_multi_year_grid_has_midterm_column():
    ws = sheet(UPKEEP)
    assert row_values(ws, HEADER_ROW, 6) == grid_labels(True) == [
        "一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值", "指标值确定依据"]
    assert row_values(ws, 13, 6) == ["产出指标", "数量指标", "12329短信发送量", "≥1000000条",
                                     "≥1000000条", "计划标准（年度计划）"]
    assert row_values(ws, 16, 6) == [None, "时效指标", "项目完成及时性", "100%", "≥100%", None]
    assert row_values(ws, 17, 6) == ["成本指标", "成本指标", "档案室维护成本", "≤15000元", "≤15000元",
                                     "预算支出标准"]
    assert row_values(ws, 19, 6)[3:] == ["持续影响", "持续影响", "无依据"]
    assert row_values(ws, 21, 6)[3:5] == [None, "≥90%"]  # no 中期 value: an empty cell
    grid_merges = {str(r) for r in ws.merged_cells.ranges if r.min_row > HEADER_ROW}
    assert grid_merges == {"A13:A16", "B13:B14", "A18:A19", "A20:A21", "B20:B21"}


def test_xlsx_page_setup_and_styles():
    ws = sheet(RENT)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
    for coordinate in ("A3", "C13", "E18", "B14"):  # B14 is inside a merged range
        cell = ws[coordinate]
        assert cell.border.left.style == cell.border.bottom.style == "thin"
    assert ws["C13"].alignment.wrap_text and ws["A13"].alignment.vertical == "center"


@pytest.mark.parametrize("coordinate, text", [
    ("B3", "=SUM(A1)"), ("B6", "@cmd"), ("C14", "@cmd"), ("C17", "-保障业务正常开展"),
])
def test_xlsx_formula_like_text_is_written_as_text(coordinate, text):
    ws = sheet(RENT, data_only=False)  # without data_only a formula would come back as "=…"
    assert ws[coordinate].value == text
    assert ws[coordinate].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    xml = zipfile.ZipFile(io.BytesIO(to_xlsx(RENT))).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


def test_control_characters_are_dropped_not_fatal():
    table = RENT.model_copy(update={"project_name": "租赁\x00费\x07项目"})
    assert sheet(table)["B3"].value == "租赁费项目"
    assert Document(io.BytesIO(to_docx(table))).tables[0].cell(0, 1).text == "租赁费项目"


def test_needs_input_marker_is_not_exported():
    pending = ind(O, Level2.QUANTITY, "培训人数", "", needs_input=True, question="培训多少人？")
    table = RENT.model_copy(update={"indicators": [pending, *RENT.indicators]})
    ws = sheet(table)
    assert row_values(ws, 13, 5) == ["产出指标", "数量指标", "培训人数", None, None]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any("培训多少人" in t or "待" in t for t in texts)


@pytest.mark.parametrize("basis, note, text", [
    (Basis.BUDGET, "预算批复", "预算支出标准（预算批复）"),
    (Basis.PLAN, "计划标准", "计划标准"),
    (Basis.PLAN, None, "计划标准"),
    (None, "无依据", "无依据"),
    (None, None, ""),
    (Basis.OTHER, "签约合同", "其他标准（签约合同）"),
])
def test_basis_text(basis, note, text):
    assert basis_text(ind(O, Level2.QUANTITY, "x", "1次", basis, note)) == text


# --- docx -------------------------------------------------------------------------------------------


def word(table: TargetTable):
    return Document(io.BytesIO(to_docx(table)))


def test_docx_page_title_and_font():
    doc = word(UPKEEP)
    section = doc.sections[0]
    assert section.orientation == 1 and section.page_width > section.page_height  # landscape
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    assert [p.text for p in doc.paragraphs[:2]] == ["项目支出绩效目标申报表", "（2022年度）"]
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"


def test_docx_table_content_and_merges():
    grid = word(UPKEEP).tables[0]
    texts = [[c.text for c in row.cells] for row in grid.rows]
    assert texts[0] == ["项目名称"] + ["住房公积金中心运转维护经费"] * 5
    assert texts[4][:5] == ["项目资金（万元）", "中期资金总额", "380.77", "年度资金总额", "96.47"]
    assert texts[HEADER_ROW - 3] == grid_labels(True)
    assert texts[HEADER_ROW - 2] == ["产出指标", "数量指标", "12329短信发送量", "≥1000000条",
                                     "≥1000000条", "计划标准（年度计划）"]
    first = HEADER_ROW - 2
    # 一级 merged over 4 rows, 二级 over 2 (w:vMerge restart/continue), the text once, not joined
    def v_merge(row: int, col: int):
        return grid.rows[row]._tr.tc_lst[col].vMerge

    assert [v_merge(first + k, 0) for k in range(5)] == ["restart", *["continue"] * 3, None]
    assert [v_merge(first + k, 1) for k in range(3)] == ["restart", "continue", None]
    assert grid.rows[first + 3].cells[0].text == "产出指标"
    assert texts[first + 5][3:] == ["≥9%", "≥9%", "历史标准（历史数据）"]


def test_json_round_trip():
    for table in (RENT, UPKEEP):
        assert TargetTable.model_validate_json(to_json(table)) == table


# --- round trip through the readers ------------------------------------------------------------------

FIELDS = ("level1", "level2", "name", "value", "midterm_value", "basis", "basis_note")
TABLE_FIELDS = ("year", "project_name", "department", "implementing_unit", "attribute", "period",
                "period_years", "manager", "funds_midterm", "funds_annual", "goals_midterm",
                "goals_annual")


def read_back(table: TargetTable, fmt: str, tmp_path):
    path = tmp_path / f"申报表.{fmt}"
    path.write_bytes(to_xlsx(table) if fmt == "xlsx" else to_docx(table))
    reader = xlsx_table if fmt == "xlsx" else docx_table
    return reader.read(path)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("table", [RENT, UPKEEP], ids=["single-year", "three-year"])
def test_round_trip(table, fmt, tmp_path):
    doc = read_back(table, fmt, tmp_path)
    assert doc.problems == []
    assert doc.provenance.form_kind == "申报表" and doc.provenance.year == table.year
    [project] = doc.projects
    back = project.table
    for name in TABLE_FIELDS:
        assert getattr(back, name) == getattr(table, name), name
    assert len(back.indicators) == len(table.indicators)
    for original, read in zip(table.indicators, back.indicators):
        for name in FIELDS:
            assert getattr(read, name) == getattr(original, name), (original.name, name)
        assert read.inferred == []


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_round_trip_provenance(fmt, tmp_path):
    doc = read_back(UPKEEP, fmt, tmp_path)
    assert doc.provenance.source == f"申报表.{fmt}"
    assert (doc.provenance.city, doc.provenance.unit) == ("六安", "六安市住房公积金中心")
