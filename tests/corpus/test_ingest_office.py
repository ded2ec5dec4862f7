"""Readers for the standard 申报表 as .xlsx / .docx: "foreign" layouts built by hand (extra columns,
header further down, 一级 written once per group), several sheets, short rows and bad files."""
from __future__ import annotations

import openpyxl
import pytest
from docx import Document

from assistant.errors import IngestError
from assistant.corpus.readers import docx_table, read_source, xlsx_table
from assistant.corpus.readers.standard_block import split_goals
from assistant.corpus.readers.standard_grid import read_basis
from assistant.corpus.readers.standard_table import city_of, unit_name
from assistant.schema import Basis, Level1, Level2, TargetTable

HEAD = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "计量单位", "年度指标值", "权重", "指标值确定依据"]
# 中卫-like 物业管理费: 一级/二级 only on the first row of their group, unit and weight columns
GRID = [
    ["产出指标", "数量指标", "物业管理面积", "管理的办公面积", "平方米", "≥3000", "20", "合同约定"],
    ["", "", "保洁次数", "", "次/月", "22", "10", "签约合同"],
    ["", "质量指标", "设施设备完好率", "", "%", "≥95", "10", "行业标准（物业服务规范）"],
    ["", "时效指标", "物业费支付时间", "", "", "2024年12月底前", "10", "年度计划"],
    ["效益指标", "社会效益指标", "办公环境改善", "", "", "明显改善", "30", ""],
    ["满意度指标", "服务对象满意度指标", "职工满意度", "", "%", "≥90", "10", "满意度调查"],
]
EXPECTED = [  # level1, level2, name, value, basis, basis_note, weight
    (Level1.OUTPUT, Level2.QUANTITY, "物业管理面积", "≥3000平方米", Basis.OTHER, "合同约定", 20.0),
    (Level1.OUTPUT, Level2.QUANTITY, "保洁次数", "22次/月", Basis.OTHER, "签约合同", 10.0),
    (Level1.OUTPUT, Level2.QUALITY, "设施设备完好率", "≥95%", Basis.INDUSTRY, "物业服务规范", 10.0),
    (Level1.OUTPUT, Level2.TIMELINESS, "物业费支付时间", "2024年12月底前", Basis.PLAN, "年度计划", 10.0),
    (Level1.BENEFIT, Level2.SOCIAL, "办公环境改善", "明显改善", None, None, 30.0),
    (Level1.SATISFACTION, Level2.SATISFACTION, "职工满意度", "≥90%", Basis.OTHER, "满意度调查", 10.0),
]
TOP = [  # four rows above the header: title, year, name, units
    ["2024年度项目支出绩效目标申报表"],
    ["填报日期：2024年1月"],
    ["项目名称", "物业管理费", "", "项目属性", "经常性"],
    ["实施单位", "中卫市住房公积金管理中心", "", "主管部门", "宁夏回族自治区住房和城乡建设厅"],
]


def write_rows(ws, rows: list[list], start: int = 1) -> None:
    """Only the given cells exist in the file (None = no cell): a short row stays short."""
    for r, row in enumerate(rows, start):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)


def foreign_xlsx(path, grid=GRID, top=TOP):
    wb = openpyxl.Workbook()
    write_rows(wb.active, [*top, HEAD, *grid])
    wb.save(path)
    return path


def check_indicators(indicators, expected=EXPECTED):
    got = [(i.level1, i.level2, i.name, i.value, i.basis, i.basis_note, i.weight) for i in indicators]
    assert got == expected
    assert indicators[0].description == "管理的办公面积"
    assert all(i.inferred == [] for i in indicators)


def test_foreign_xlsx_header_on_row_5(tmp_path):
    doc = xlsx_table.read(foreign_xlsx(tmp_path / "中卫物业费.xlsx"))
    assert doc.problems == []
    [project] = doc.projects
    check_indicators(project.table.indicators)
    assert [i.line for i in project.table.indicators] == [6, 7, 8, 9, 10, 11]
    table = project.table
    assert (table.project_name, table.attribute, table.year) == ("物业管理费", "经常性", 2024)
    assert table.department == "宁夏回族自治区住房和城乡建设厅"
    prov = doc.provenance
    assert (prov.source, prov.city, prov.unit, prov.year) == ("中卫物业费.xlsx", "中卫",
                                                             "中卫市住房公积金管理中心", 2024)
    assert prov.form_kind == "申报表"


def test_xlsx_merged_level_cells_and_percent_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_rows(ws, [["项目名称", "业务培训费"], ["一级指标", "二级指标", "三级指标", "指标值", "依据"],
                    ["产出指标", "数量指标", "培训人数", "≥80人次", "年度计划"],
                    [None, None, "培训期数", "2期", "年度计划"],
                    [None, "质量指标", "培训合格率", 0.95, "上年标准"],
                    ["满意度指标", "服务对象满意度指标", "参训学员满意度", 0.9, "满意度调查"]])
    ws.merge_cells("A3:A5")
    ws.merge_cells("B3:B4")
    ws["D5"].number_format = ws["D6"].number_format = "0%"
    wb.save(tmp_path / "培训费.xlsx")
    doc = xlsx_table.read(tmp_path / "培训费.xlsx")
    got = [(i.level1, i.level2, i.name, i.value, i.basis) for i in doc.projects[0].table.indicators]
    assert got == [
        (Level1.OUTPUT, Level2.QUANTITY, "培训人数", "≥80人次", Basis.PLAN),
        (Level1.OUTPUT, Level2.QUANTITY, "培训期数", "2期", Basis.PLAN),
        (Level1.OUTPUT, Level2.QUALITY, "培训合格率", "95%", Basis.HISTORY),
        (Level1.SATISFACTION, Level2.SATISFACTION, "参训学员满意度", "90%", Basis.OTHER),
    ]
    assert doc.provenance.year is None and doc.provenance.city == ""


def test_xlsx_two_unlabelled_value_columns_are_midterm_then_annual(tmp_path):
    # 六安 2022: 中期 and 年度 side by side, each with 二级/三级/指标值, under 中期目标 | 年度目标
    wb = openpyxl.Workbook()
    write_rows(wb.active, [
        ["项目支出绩效目标申报表"], ["(2022 年度)"], ["项目名称", "", "住房公积金中心运转维护经费"],
        ["项目期", "", "3年"],
        ["项目资金(万元)", "", "中期资金总额:", 380.77, "年度资金总额:", "", 96.47],
        ["", "", "其中:财政拨款", 380.77, "其中:财政拨款", "", 96.47],
        ["", "", "其他资金", 0, "其他资金", "", 0],
        ["总体目标", "中期目标(2022年—2024年)", "", "", "年度目标"],
        ["", "安全运行。", "", "", "保障运行。"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
        ["", "产出指标", "数量指标", "12329短信发送量", "≥1000000条", "数量指标", "12329短信发送量", "≥1000000条"],
        ["", "", "时效指标", "项目完成及时性", "100%", "时效指标", "项目完成及时性", "≥100%"],
    ])
    wb.save(tmp_path / "六安.xlsx")
    table = xlsx_table.read(tmp_path / "六安.xlsx").projects[0].table
    assert [(i.level2, i.midterm_value, i.value) for i in table.indicators] == [
        (Level2.QUANTITY, "≥1000000条", "≥1000000条"), (Level2.TIMELINESS, "100%", "≥100%")]
    assert (table.year, table.period_years, table.start_year) == (2022, 3, 2022)
    assert (table.funds_midterm.total, table.funds_midterm.fiscal, table.funds_midterm.other) == (
        380.77, 380.77, 0.0)
    assert table.funds_annual.total == 96.47
    assert (table.goals_midterm, table.goals_annual) == (["安全运行。"], ["保障运行。"])


def test_xlsx_several_sheets_one_project_each(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "填报说明"
    wb.active["A1"] = "请按要求填写"
    for title, name in (("物业", "物业管理费"), ("租赁", "房屋租赁费")):
        ws = wb.create_sheet(title)
        write_rows(ws, [["项目名称", name], HEAD, *GRID])
    ws["C4"] = None  # 租赁!row 4 loses its name: reported with the sheet's name, not read
    wb.save(tmp_path / "两个项目.xlsx")
    doc = xlsx_table.read(tmp_path / "两个项目.xlsx")
    assert [p.table.project_name for p in doc.projects] == ["物业管理费", "房屋租赁费"]
    assert [p.extra["sheet"] for p in doc.projects] == ["物业", "租赁"]
    assert [len(p.table.indicators) for p in doc.projects] == [6, 5]
    assert doc.problems == ["工作表“租赁”第4行：缺少三级指标名称，未读入（指标值“22”）"]


def test_xlsx_short_row_is_reported_and_the_rest_read(tmp_path):
    grid = [*GRID[:2], ["", "质量指标", "设施设备完好率"], *GRID[3:]]
    grid[4] = GRID[4][:7]  # no 依据 cell: read, with the blank reported
    doc = xlsx_table.read(foreign_xlsx(tmp_path / "短行.xlsx", grid=grid))
    assert doc.problems == [
        "第8行：只有3列，少于表头的8列（缺少绩效指标描述、计量单位、年度指标值、权重、指标值确定依据），未读入",
        "第10行：只有7列，少于表头的8列（缺少指标值确定依据），缺少的单元格按空白读入",
    ]
    names = [i.name for i in doc.projects[0].table.indicators]
    assert names == ["物业管理面积", "保洁次数", "物业费支付时间", "办公环境改善", "职工满意度"]


def test_xlsx_blank_levels_are_inferred_and_flagged(tmp_path):
    grid = [["", "", "维修响应及时率", "", "", "100%", "", "年度计划"]]
    doc = xlsx_table.read(foreign_xlsx(tmp_path / "无一级.xlsx", grid=grid))
    [indicator] = doc.projects[0].table.indicators
    assert (indicator.level1, indicator.level2) == (Level1.OUTPUT, Level2.TIMELINESS)
    assert indicator.inferred == ["level2", "level1"]


# --- docx -------------------------------------------------------------------------------------------


def foreign_docx(path, grid=GRID, merge_levels=False):
    doc = Document()
    doc.add_paragraph("项目支出绩效目标申报表")
    doc.add_paragraph("（2024年度）")
    top = doc.add_table(rows=2, cols=4)
    for r, row in enumerate([["项目名称", "物业管理费", "项目属性", "经常性"],
                             ["实施单位", "中卫市住房公积金管理中心", "项目期", "1年"]]):
        for c, text in enumerate(row):
            top.cell(r, c).text = text
    table = doc.add_table(rows=1 + len(grid), cols=len(HEAD))
    for r, row in enumerate([HEAD, *grid]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if merge_levels:  # a real vertical merge: python-docx repeats the top cell's text
        table.cell(1, 0).merge(table.cell(4, 0)).text = "产出指标"
        table.cell(1, 1).merge(table.cell(2, 1)).text = "数量指标"
    doc.save(path)
    return path


@pytest.mark.parametrize("merge_levels", [False, True], ids=["blank-continuation", "merged"])
def test_foreign_docx(merge_levels, tmp_path):
    doc = docx_table.read(foreign_docx(tmp_path / "物业费.docx", merge_levels=merge_levels))
    assert doc.problems == []
    [project] = doc.projects
    check_indicators(project.table.indicators)
    table = project.table
    assert (table.project_name, table.year, table.period_years) == ("物业管理费", 2024, 1)
    assert (doc.provenance.city, doc.provenance.source) == ("中卫", "物业费.docx")


def test_docx_short_row_is_reported(tmp_path):
    path = foreign_docx(tmp_path / "短行.docx")
    doc = Document(str(path))
    row = doc.tables[1].rows[3]._tr
    for tc in row.tc_lst[3:]:  # a row with only 一级/二级/三级 cells
        row.remove(tc)
    doc.save(path)
    read = docx_table.read(path)
    assert len(read.problems) == 1 and read.problems[0].startswith("表格2第4行：只有3列，少于表头的8列")
    assert [i.name for i in read.projects[0].table.indicators] == [
        "物业管理面积", "保洁次数", "物业费支付时间", "办公环境改善", "职工满意度"]


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
@pytest.mark.parametrize("content, message", [
    (b"", "文件为空"),
    (bytes(range(256)) * 40, "不是有效的"),
    (b"PK\x03\x04 not really a zip", "不是有效的"),
])
def test_bad_files(suffix, content, message, tmp_path):
    path = tmp_path / f"坏文件.{suffix}"
    path.write_bytes(content)
    with pytest.raises(IngestError) as error:
        read_source(path)
    assert str(error.value).startswith(f"坏文件.{suffix}：") and message in str(error.value)


def test_docx_saved_as_xlsx_is_refused(tmp_path):
    path = tmp_path / "其实是word.xlsx"
    path.write_bytes(foreign_docx(tmp_path / "a.docx").read_bytes())
    with pytest.raises(IngestError, match="其实是word.xlsx：不是有效的 .xlsx 文件"):
        xlsx_table.read(path)


def test_no_indicator_header(tmp_path):
    wb = openpyxl.Workbook()
    write_rows(wb.active, [["项目名称", "物业管理费"], ["指标", "数值"], ["面积", "3000"]])
    wb.save(tmp_path / "无表头.xlsx")
    with pytest.raises(IngestError) as error:
        read_source(tmp_path / "无表头.xlsx")
    assert str(error.value) == "无表头.xlsx：未找到指标表头（一级指标/二级指标/三级指标）"
    doc = Document()
    doc.add_paragraph("项目支出绩效目标申报表")
    doc.save(tmp_path / "无表头.docx")
    with pytest.raises(IngestError, match="无表头.docx：未找到指标表头"):
        read_source(tmp_path / "无表头.docx")


def test_read_source_dispatches_office_files(tmp_path):
    assert read_source(foreign_xlsx(tmp_path / "a.xlsx")).projects[0].table.project_name == "物业管理费"
    assert read_source(foreign_docx(tmp_path / "b.docx")).projects[0].table.project_name == "物业管理费"


# --- small parts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, basis, note", [
    ("预算支出标准（预算批复）", Basis.BUDGET, "预算批复"),
    ("其他标准(合同约定)", Basis.OTHER, "合同约定"),
    ("计划标准", Basis.PLAN, "计划标准"),
    ("合同约定", Basis.OTHER, "合同约定"),
    ("上年标准", Basis.HISTORY, "上年标准"),
    ("根据省厅相关文件规定", Basis.INDUSTRY, "根据省厅相关文件规定"),
    ("无依据", None, "无依据"),
    ("", None, None),
])
def test_read_basis(text, basis, note):
    assert read_basis(text) == (basis, note)


@pytest.mark.parametrize("unit, city", [
    ("六安市住房公积金中心", "六安"),
    ("张家口市住房公积金管理中心", "张家口"),
    ("宁夏回族自治区中卫市住房公积金管理中心", "中卫"),
    ("湖北省鄂州市住房公积金中心", "鄂州"),
    ("广州住房公积金管理中心", ""),
    ("", ""),
])
def test_city_of(unit, city):
    assert city_of(unit) == city


def test_unit_name_drops_budget_code():
    table = TargetTable(project_name="x", department="[079]六安市住房公积金中心")
    assert unit_name(table) == "六安市住房公积金中心"


def test_two_forms_in_one_sheet_and_a_repeated_header(tmp_path):
    wb = openpyxl.Workbook()
    write_rows(wb.active, [
        ["项目支出绩效目标申报表"], ["（2025年度）"], ["项目名称", "房屋租赁费"], HEAD, *GRID[:3],
        HEAD, *GRID[3:],  # the header repeated on the next printed page: the same project
        ["项目负责人：", "张三"],
        ["项目支出绩效目标申报表"], ["（2025年度）"], ["项目名称", "物业管理费"], HEAD, *GRID,
    ])
    wb.save(tmp_path / "叠放.xlsx")
    doc = xlsx_table.read(tmp_path / "叠放.xlsx")
    assert doc.problems == []
    assert [(p.table.project_name, len(p.table.indicators)) for p in doc.projects] == [
        ("房屋租赁费", 6), ("物业管理费", 6)]
    # the footer belongs to the form above it, not to the next one
    assert [p.table.manager for p in doc.projects] == ["张三", None]
    assert [p.line for p in doc.projects] == [1, 13]


@pytest.mark.parametrize("text, goals", [
    ("1. 保障运行\n2. 提升满意度", ["保障运行", "提升满意度"]),
    ("1、按时支付租金\n（2）保障办公", ["按时支付租金", "保障办公"]),
    ("3.5万笔贷款按时发放", ["3.5万笔贷款按时发放"]),
    ("2025年完成归集计划", ["2025年完成归集计划"]),
    ("", []),
])
def test_split_goals(text, goals):
    assert split_goals(text) == goals
