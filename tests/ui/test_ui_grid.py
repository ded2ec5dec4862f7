"""The page's pure parts: table ⇄ grid rows, grid edits applied back, one-click fixes, upload checks,
chat replies as Markdown."""
from __future__ import annotations

import pytest

from assistant.schema import Basis, Funds, Indicator, Level1, Level2, Precedent, TargetTable
from assistant.ui.grid import (
    COLUMNS,
    MARK,
    add_precedent,
    apply_edits,
    has_edits,
    one_click_value,
    precedent_frame,
    table_frame,
)
from assistant.errors import IngestError
from assistant.ui.draft import chat_markdown
from assistant.ui.importer import check_upload, read_upload, safe_name


def _table() -> TargetTable:
    return TargetTable(project_name="房屋租赁费", year=2025, funds_annual=Funds(total=60.13), indicators=[
        Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="租赁面积", value="1831.3平方米",
                  needs_input=True, question="租赁面积是多少？", inferred=["value"],
                  precedents=[Precedent(city="广州", year=2023, project="花都办事处业务用房租赁经费",
                                        name="租赁面积", value="1831.3平方米", source="001.txt", line=40)]),
        Indicator(level1=Level1.OUTPUT, level2=Level2.COST, name="年租赁费用", value="≤60.13万元",
                  basis=Basis.BUDGET, basis_note="预算批复"),
        Indicator(level1=Level1.SATISFACTION, level2=Level2.SATISFACTION, name="职工满意度", value="≥90%",
                  basis=Basis.OTHER, basis_note="满意度调查", explanation="问卷调查"),
    ])


def test_frame_shows_every_row_with_marker():
    frame = table_frame(_table())
    assert list(frame.columns) == COLUMNS
    assert frame["行"].tolist() == [1, 2, 3]
    assert frame[MARK].tolist() == ["✎ 待填", "", ""]
    assert frame["一级"].tolist() == ["产出指标", "产出指标", "满意度指标"]
    assert frame["依据"].tolist() == ["", "预算批复", "满意度调查"]
    assert table_frame(TargetTable(project_name="空")).empty


@pytest.mark.parametrize("edits, row, field, expected", [
    ({"edited_rows": {2: {"指标值": "≥95%"}}}, 2, "value", "≥95%"),
    ({"edited_rows": {"2": {"指标值": " ≥95% "}}}, 2, "value", "≥95%"),  # keys arrive as text from the browser
    ({"edited_rows": {0: {"三级": "办公用房租赁面积"}}}, 0, "name", "办公用房租赁面积"),
    ({"edited_rows": {0: {"一级": "效果指标"}}}, 0, "level1", Level1.BENEFIT),
    ({"edited_rows": {0: {"二级": "质量指标"}}}, 0, "level2", Level2.QUALITY),
    ({"edited_rows": {0: {"二级": None}}}, 0, "level2", None),
    ({"edited_rows": {1: {"依据": "上年标准"}}}, 1, "basis", Basis.HISTORY),
    ({"edited_rows": {1: {"依据": "上年标准"}}}, 1, "basis_note", "上年标准"),
    ({"edited_rows": {2: {"指标解释": "<script>alert(1)</script>"}}}, 2, "explanation", "<script>alert(1)</script>"),
    ({"edited_rows": {2: {"指标值": "=1+1"}}}, 2, "value", "=1+1"),  # kept as text; export writes it as text
    ({"edited_rows": {2: {"指标值": "长" * 600}}}, 2, "value", "长" * 500),
])
def test_edits_change_one_field(edits, row, field, expected):
    table = _table()
    edited = apply_edits(table, edits)
    assert getattr(edited.indicators[row], field) == expected
    assert table == _table()  # the input is untouched


def test_filling_a_value_clears_the_marker():
    edited = apply_edits(_table(), {"edited_rows": {0: {"指标值": "1800平方米"}}})
    row = edited.indicators[0]
    assert (row.value, row.needs_input, row.question, row.inferred) == ("1800平方米", False, None, [])
    assert row.precedents  # precedents stay with their row
    same = apply_edits(_table(), {"edited_rows": {0: {"三级": "租赁面积"}}})
    assert same.indicators[0].needs_input  # touching another cell is not an answer


def test_add_and_delete_rows():
    edits = {"deleted_rows": [0], "added_rows": [
        {"一级": "产出指标", "二级": "时效指标", "三级": "租赁期限", "指标值": "≥1年"},
        {"三级": "", "指标值": None},  # an empty new row is ignored
    ]}
    edited = apply_edits(_table(), edits)
    assert [r.name for r in edited.indicators] == ["年租赁费用", "职工满意度", "租赁期限"]
    assert edited.indicators[-1].level2 is Level2.TIMELINESS
    assert edited.indicators[-1].value == "≥1年"


def test_has_edits():
    assert not has_edits(None)
    assert not has_edits({"edited_rows": {}, "added_rows": [], "deleted_rows": []})
    assert has_edits({"edited_rows": {0: {"指标值": "1"}}, "added_rows": [], "deleted_rows": []})
    assert has_edits({"deleted_rows": [1]})


def test_add_precedent_goes_after_its_level2():
    row = Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="租赁部门数", value="4个")
    table = add_precedent(_table(), row)
    assert [r.name for r in table.indicators] == ["租赁面积", "租赁部门数", "年租赁费用", "职工满意度"]
    other = Indicator(level1=Level1.BENEFIT, level2=Level2.SOCIAL, name="改善办公环境", value="明显改善")
    assert add_precedent(_table(), other).indicators[-1].name == "改善办公环境"


@pytest.mark.parametrize("suggestion, value", [
    ("≥90%", "≥90%"),
    ("100%", "100%"),
    ("≤60.13万元", "≤60.13万元"),
    ("改为「≥90%」，以问卷调查确定", None),
    ("删除该行，或写明衡量的内容", None),
    (None, None),
    ("", None),
])
def test_one_click_value(suggestion, value):
    assert one_click_value(suggestion) == value


def test_precedent_frame_has_provenance():
    frame = precedent_frame(_table().indicators[0].precedents)
    row = frame.iloc[0]
    assert (row["来源"], row["项目"], row["原表位置"]) == ("广州2023", "花都办事处业务用房租赁经费", "第40行")
    assert "001.txt" not in " ".join(frame.astype(str).values.ravel())  # no raw file ids


def test_a_library_pattern_is_labelled_and_shows_no_template_slots():
    pattern = Precedent(kind="library", project="共性指标库·物业管理", name="{服务}服务面积", value="≥{面积}平方米",
                        source="corpus/library/property.yaml", line=12)
    row = precedent_frame([pattern]).iloc[0]
    assert (row["来源"], row["项目"]) == ("共性指标库", "物业管理")
    assert "{" not in row["三级指标"] + row["指标值"] and row["三级指标"] == "（服务）服务面积"


def test_a_public_forms_row_shows_the_address_it_was_copied_from():
    shipped = Precedent(kind="corpus", city="黄石", year=2022, project="主体班", name="培训完成率", value="100%",
                        source="huangshi_dangxiao_zhutiban_2022.yaml", line=6)
    row = precedent_frame([shipped]).iloc[0]
    assert row["来源"] == "黄石2022"
    assert row["原表位置"] == "第6条指标 · http://czj.huangshi.gov.cn/2020xxgkzn/2020gknr/2020czzj/2020zxzj/202201/t20220125_875008.html"


def test_a_goal_is_cited_as_the_projects_own_goal():
    goal = Precedent(kind="goal", project="档案馆消防改造", name="保证馆库和档案实体安全", value="0次", basis="年度目标")
    row = precedent_frame([goal]).iloc[0]
    assert (row["来源"], row["三级指标"]) == ("本项目年度目标", "保证馆库和档案实体安全")
    assert "指标库" not in row["原表位置"]


# --- uploads ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("2024年租赁费.xlsx", "2024年租赁费.xlsx"),
    ("../../etc/passwd.xlsx", "passwd.xlsx"),
    ("a:b*c?.docx", "a_b_c_.docx"),
    ("", "上传的表格.xlsx"),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


@pytest.mark.parametrize("name, size, message", [
    ("表.pdf", 100, "不支持的文件类型"),
    ("表.txt", 100, "不支持的文件类型"),
    ("表.xlsx", 50 * 1024 * 1024, "文件过大（50.0 MB），上限为 10 MB"),
    ("表.docx", 0, "文件为空"),
])
def test_bad_uploads_are_refused_in_chinese(name, size, message):
    with pytest.raises(IngestError, match=message):
        check_upload(name, size)


@pytest.mark.parametrize("name, data", [
    ("坏文件.xlsx", b"PK\x03\x04 not really a zip"),
    ("坏文件.docx", b"\x00\x01\x02" * 100),
    ("坏文件.xlsx", "一级指标\t二级指标".encode()),
])
def test_corrupt_uploads_are_a_chinese_error(name, data):
    with pytest.raises(IngestError, match="坏文件"):
        read_upload(name, data)


@pytest.mark.parametrize("text, expected", [
    ("第一行\n第二行", "第一行  \n第二行"),
    ("常用指标：\n- 数量\n- 质量\n要我起草吗？", "常用指标：\n\n- 数量\n- 质量\n\n要我起草吗？"),
    ("表：\n| a |\n|---|\n| 1 |", "表：\n\n| a |\n|---|\n| 1 |"),
    ("段一\n\n段二", "段一\n\n段二"),
])
def test_chat_replies_keep_their_line_breaks(text, expected):
    assert chat_markdown(text) == expected
