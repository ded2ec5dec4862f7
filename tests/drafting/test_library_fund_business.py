"""共性指标库·公积金贷款管理 (corpus/library/fund_business.yaml: 贷前调查、贷后催收、逾期清收、抵押登记) and
共性指标库·公积金归集扩面 (corpus/library/fund_collection.yaml: 缴存扩面、稽核、执法催缴、年度结息).

Two types, not one with ``when:`` filters: a project is judged on-subject against the brief plus its type's
trigger words and pattern names (library.Relevance), so one type holding both kinds let a 归集扩面 brief take the
贷款管理 project's "调查、催收等次数" and "零逾期比率" as its own. Typing must hold against the housing-fund
boilerplate ("不断扩大住房公积金的归集面", "缴存人数和缴存总额持续稳定增长") that 物业、购置、租赁 descriptions
carry. Drafts use the deterministic fake finder (conftest.py), as tests/test_library.py does.
"""
from __future__ import annotations

import re

import pytest

from assistant.drafting.brief_facts import read_brief
from assistant.review.check import check_table
from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.library import Relevance, project_types, types_for
from assistant.schema import Indicator, Level1, Level2, Precedent, ProjectBrief, Severity

LOANS = "公积金贷款管理"
COLLECTION_LABEL = "公积金归集扩面"
LOAN_SOURCE = "corpus/library/fund_business.yaml"
COLLECTION_SOURCE = "corpus/library/fund_collection.yaml"
SOURCES = {LOAN_SOURCE, COLLECTION_SOURCE}
BOILERPLATE = "保证中心业务的正常开展，不断扩大住房公积金的归集面，实现住房公积金缴存人数和缴存总额持续稳定增长"
LOAN_WORDS = re.compile("催收|逾期|贷款|抵押|个贷|贷前|贷后|清收")
COLLECTION_WORDS = re.compile("归集|扩面|稽核|催缴|执法|结息|缴存")

LOAN = ProjectBrief(name="专项业务费-贷款管理专项经费", budget=12, year=2025,
                    description="用于住房公积金贷款管理工作，主要包括贷前调查、贷中检查、贷后催收等工作。")
MORTGAGE = ProjectBrief(name="公积金贷款房屋抵押手续费项目", budget=5, year=2025,
                        description="为约600笔公积金贷款支付房屋抵押登记手续费")
COLLECTION = ProjectBrief(name="归集扩面专项经费", budget=20, year=2025,
                          description="开展缴存扩面和单位稽核，计划新增缴存单位200家")
COLLECTION_BARE = ProjectBrief(name="归集扩面专项经费", budget=20, year=2025)


def labels(name: str, description: str | None = None) -> list[tuple[str, bool]]:
    return [(t.label, main) for t, main in types_for(name, description, facts=read_brief(name, description))]


def library_rows(table, source: str) -> dict[str, str]:
    """Rows whose own citation is this library file: name → value."""
    return {i.name: i.value for i in table.indicators if i.precedents and i.precedents[0].source == source}


def cited(table, source: str) -> list[str]:
    return [i.name for i in table.indicators if any(p.source == source for p in i.precedents)]


@pytest.fixture(scope="module")
def drafter(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


# --- typing ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,description", [
    (LOAN.name, LOAN.description),
    (MORTGAGE.name, MORTGAGE.description),
    ("逾期贷款清收经费", "对逾期贷款开展电话、上门催收，全年催收不少于300次"),
    ("专项工作经费", "用于贷前调查、贷后催收和逾期贷款清收工作"),  # a budget line: the description says what
], ids=["loan", "mortgage", "overdue", "umbrella"])
def test_loan_projects_are_typed_loan_management_only(name, description):
    found = labels(name, description)
    assert found and found[0] == (LOANS, True), found
    assert COLLECTION_LABEL not in [label for label, _ in found]


@pytest.mark.parametrize("name,description", [
    (COLLECTION.name, COLLECTION.description),
    (COLLECTION_BARE.name, None),
    ("住房公积金执法催缴经费", "对欠缴单位下达催缴通知书，申请法院强制执行"),
    ("住房公积金稽核经费", "对缴存单位开展缴存稽核，全年稽核单位120户"),
    ("住房公积金年度结息经费", "按国家规定利率为缴存职工个人账户结息"),
    ("专项工作经费", "开展归集扩面和单位缴存稽核，对欠缴单位执法催缴"),
], ids=["collection", "collection-bare", "enforcement", "audit", "interest", "umbrella"])
def test_collection_projects_are_typed_collection_only(name, description):
    found = labels(name, description)
    assert found and found[0] == (COLLECTION_LABEL, True), found
    assert LOANS not in [label for label, _ in found]


def test_a_business_management_fund_is_both():
    found = dict(labels("住房公积金业务管理经费", "用于住房公积金归集、提取、贷款业务管理及年度结息工作"))
    assert found.get(LOANS) is True and found.get(COLLECTION_LABEL) is True, found


def test_the_corpus_loan_projects_are_loan_projects():
    """Precedents are typed by their project's name: the loan forms must not count as collection work."""
    assert project_types("专项业务费-贷款管理专项经费") == {"fund_business"}
    assert project_types("公积金贷款房屋抵押手续费项目") == {"fund_business"}


@pytest.mark.parametrize("name,description", [
    ("业务用房物业管理费", BOILERPLATE),
    ("购置经费", "保证中心业务的正常开展，不断扩大住房公积金的归集面，提供优质的服务，使更多的人享受住房公积金的归集、"
             "提取政策；实现所在辖区住房公积金缴存人数和缴存总额持续稳定增长。"),
    ("办公、业务用房租赁经费", BOILERPLATE),
    ("专项工作经费", BOILERPLATE),
    ("大宗印刷费", "印制贷款合同、抵押登记材料"),
    ("其他运行经费", "通过发送短信通知为缴存人提供便捷的信息服务；减少借款人公积金还款逾期而引发的信用风险"),
    ("宣传费", "宣传住房公积金贷款政策、归集扩面政策"),
    ("住房公积金稽核系统运维经费", "对稽核、催缴模块进行运行维护"),
], ids=["property", "purchase", "lease", "umbrella", "printing", "sms", "publicity", "system"])
def test_boilerplate_and_other_kinds_are_not_typed_fund_business(name, description):
    found = [label for label, _ in labels(name, description)]
    assert LOANS not in found and COLLECTION_LABEL not in found, found


@pytest.mark.parametrize("name,description", [
    ("业务用房物业管理费", BOILERPLATE),
    ("购置经费", BOILERPLATE),
], ids=["property", "purchase"])
def test_boilerplate_drafts_get_no_fund_business_row(drafter, name, description):
    table = drafter.draft(ProjectBrief(name=name, budget=60, year=2025, description=description))
    assert cited(table, LOAN_SOURCE) == [] and cited(table, COLLECTION_SOURCE) == []


# --- relevance of the corpus loan rows --------------------------------------------------------------

@pytest.mark.parametrize("brief", [COLLECTION_BARE, COLLECTION], ids=["bare", "described"])
def test_loan_precedent_rows_are_not_on_a_collection_subject(brief):
    kinds = types_for(brief.name, brief.description, facts=read_brief(brief.name, brief.description))
    relevance = Relevance(kinds, brief)
    for name, level2, value in [("调查、催收等次数", Level2.QUANTITY, "≥100次"), ("零逾期比率", Level2.QUALITY, "≥60%")]:
        row = Indicator(level1=Level1.OUTPUT, level2=level2, name=name, value=value,
                        precedents=[Precedent(project="专项业务费-贷款管理专项经费", name=name, value=value,
                                              source="002_98f9b5c3ed7d96d3.txt", city="张家口")])
        assert relevance(row) == 0, name


# --- drafts ---------------------------------------------------------------------------------------

def test_a_loan_project_gets_loan_rows_not_collection_rows(drafter):
    table = drafter.draft(LOAN)
    rows = library_rows(table, LOAN_SOURCE)
    assert rows.get("个贷逾期率") == "≤1.5‰"
    assert rows.get("贷款职工满意度") == "≥90%"
    assert "逾期贷款催收及时率" in rows
    assert "抵押登记办结率" not in rows
    assert cited(table, COLLECTION_SOURCE) == []
    assert not [i.name for i in table.indicators if COLLECTION_WORDS.search(i.name)], \
        [i.name for i in table.indicators]


def test_a_collection_project_uses_the_users_count_and_gets_collection_rows(drafter):
    table = drafter.draft(COLLECTION)
    quantity = [i for i in table.indicators if i.level2 is Level2.QUANTITY]
    assert (quantity[0].name, quantity[0].value, quantity[0].needs_input) == ("新增缴存单位数量", "200家", False)
    assert quantity[0].precedents[0].source == COLLECTION_SOURCE
    rows = library_rows(table, COLLECTION_SOURCE)
    assert rows.get("住房公积金归集年度计划完成率") == "100%"
    assert rows.get("稽核发现问题整改率") == "≥95%"
    assert rows.get("缴存单位满意度") == "≥90%"  # the brief's 缴存单位: 扩面 and 稽核 serve units
    costs = [(c.name, c.value) for c in table.indicators if c.level2 is Level2.COST]
    assert costs and all(v == "≤20万元" for _, v in costs), costs


@pytest.mark.parametrize("brief", [COLLECTION_BARE, COLLECTION], ids=["bare", "described"])
def test_a_collection_draft_has_no_loan_row_from_any_source(drafter, brief):
    table = drafter.draft(brief)
    assert not [i.name for i in table.indicators if re.search("催收|逾期|贷款", i.name)], \
        [i.name for i in table.indicators]
    assert cited(table, LOAN_SOURCE) == []
    # no row stands on a loan form either (the 贷款管理 project's 管理总成本 renamed is still a loan row)
    loan_forms = [i.name for i in table.indicators for p in i.precedents if p.kind == "corpus"
                  and p.project and "fund_business" in project_types(p.project)]
    assert loan_forms == []
    rows = library_rows(table, COLLECTION_SOURCE)
    assert {"新增缴存单位数量", "住房公积金归集年度计划完成率", "归集扩面费用"} <= set(rows), rows
    assert re.fullmatch("缴存(职工|单位)满意度", next(n for n in rows if n.endswith("满意度")))


def test_a_bare_collection_brief_asks_for_its_count(drafter):
    table = drafter.draft(COLLECTION_BARE)
    count = next(i for i in table.indicators if i.name == "新增缴存单位数量")
    assert count.needs_input and count.question and count.value == "≥100家"


def test_an_interest_project_gets_interest_rows(drafter):
    table = drafter.draft(ProjectBrief(name="住房公积金年度结息经费", budget=3, year=2025,
                                       description="按国家规定利率为缴存职工个人账户结息"))
    rows = library_rows(table, COLLECTION_SOURCE)
    assert {"年度结息准确率", "住房公积金年度结息完成及时性", "缴存职工满意度"} <= set(rows), rows
    assert not [n for n in rows if re.search("扩面|稽核|执法", n)], rows


def test_a_mortgage_fee_project_gets_mortgage_rows(drafter):
    table = drafter.draft(MORTGAGE)
    rows = library_rows(table, LOAN_SOURCE)
    # the count the user wrote ("约600笔": taken, and asked only to confirm)
    count = next(i for i in table.indicators if i.name == "抵押登记办理笔数")
    assert count.value == "600笔"
    assert count.question
    assert {"抵押登记办结率", "抵押手续费支付及时率", "贷款职工满意度"} <= set(rows)
    assert not [n for n in rows if re.search("逾期|催收|归集|稽核|扩面", n)], rows
    assert cited(table, COLLECTION_SOURCE) == []
    costs = [(c.name, c.value) for c in table.indicators if c.level2 is Level2.COST]
    assert costs and costs[0][1] == "≤5万元", costs


@pytest.mark.parametrize("brief,source", [
    (LOAN, LOAN_SOURCE), (MORTGAGE, LOAN_SOURCE), (COLLECTION, COLLECTION_SOURCE),
    (COLLECTION_BARE, COLLECTION_SOURCE),
    (ProjectBrief(name="逾期贷款清收经费", budget=8, year=2025,
                  description="对逾期贷款开展电话、上门催收，全年催收不少于300次，必要时通过诉讼清收"), LOAN_SOURCE),
    (ProjectBrief(name="住房公积金业务管理经费", budget=30, year=2025,
                  description="用于住房公积金归集、提取、贷款业务管理及年度结息工作"), None),
    (ProjectBrief(name="住房公积金稽核经费", budget=10, year=2025,
                  description="对缴存单位开展缴存稽核，全年稽核单位120户，开展业务稽核4次"), COLLECTION_SOURCE),
    (ProjectBrief(name="住房公积金执法催缴经费", budget=6, year=2025,
                  description="对欠缴单位下达催缴通知书，全年办理执法催缴案件15件"), COLLECTION_SOURCE),
], ids=["贷款管理", "抵押手续费", "归集扩面", "归集扩面-无描述", "逾期清收", "业务管理", "稽核", "执法催缴"])
def test_fund_drafts_are_valid_and_read_naturally(drafter, brief, source):
    table = drafter.draft(brief)
    assert [f.message for f in check_table(table) if f.severity is Severity.ERROR] == []
    assert {Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION} <= {i.level1 for i in table.indicators}
    for wanted in [source] if source else sorted(SOURCES):
        assert library_rows(table, wanted), f"no row of {wanted} in the draft"
    for ind in table.indicators:
        assert ind.value, ind.name
        assert not re.search(r"(费用|经费|贷款|稽核|催收|催缴|抵押|结息|扩面)\1", ind.name), f"doubled word in {ind.name}"
        assert not re.search(r"\{|\}", ind.name + ind.explanation), ind.name
