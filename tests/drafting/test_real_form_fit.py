"""What real forms of other units taught: whose satisfaction a project is judged by, works projects that
no type word names, and precedents that carry a template's leftovers or money as a quantity."""
from __future__ import annotations

import pytest

from assistant.drafting import draft as draft_module
from assistant.drafting import precedents
from assistant.drafting.brief_facts import audiences
from assistant.drafting.brief_reader import Action, action_of, read
from assistant.drafting.library_patterns import people_measure
from assistant.drafting.outcomes import outcome_rows
from assistant.drafting.draft import MAX_ROWS, PrecedentDrafter, capped, with_audiences
from assistant.drafting.library import by_action, load_library, project_types, types_for
from assistant.drafting.precedents import IndicatorMatch, ProjectMatch
from assistant.review.rules_grammar import name_problems
from assistant.schema import Basis, FormKind, Indicator, IndicatorRecord, Level1, Level2, Precedent, ProjectBrief


# --- whose satisfaction ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, groups", [
    ("城关第二小学教学楼屋面防水维修", ["学生", "教师"]),  # a school: its pupils and teachers
    ("县一中食堂及宿舍改造", ["学生", "教师"]),
    ("家庭经济困难学生资助资金", ["学生", "家长"]),  # a pupil subsidy: pupils and their families
    ("市博物馆陈列展览提升", ["观众"]),
    ("乡镇卫生院医疗设备购置", ["患者"]),
    ("敬老院取暖设施改造", ["老年人"]),
    ("为缴存职工提供12329热线服务", ["缴存职工"]),  # people named: only they, not the place's
    ("向辖区居民和企业宣传垃圾分类", ["居民", "企业"]),  # in the order written
    ("机关办公楼物业管理", []),
])
def test_audiences_are_the_people_named_else_those_the_place_serves(text, groups):
    assert audiences(text) == groups


def _satisfaction(name: str, value: str = "≥90%") -> Indicator:
    return Indicator(level1=Level1.SATISFACTION, level2=Level2.SATISFACTION, name=name, value=value,
                     precedents=[Precedent(kind="library", source="corpus/library/construction.yaml", line=140,
                                           name="{对象}满意度", value="≥90%")])


def _row(level2: Level2, name: str, value: str) -> Indicator:
    return Indicator(level1=Level1.OUTPUT, level2=level2, name=name, value=value)


def test_a_second_group_gets_its_own_satisfaction_row_with_the_first_rows_value_and_citation():
    rows = [_row(Level2.QUALITY, "工程验收合格率", "100%"), _satisfaction("学生满意度", "≥95%"),
            _row(Level2.QUANTITY, "维修面积", "500平方米")]
    out = with_audiences(rows, ["学生", "教师", "家长"])
    sat = [r for r in out if r.level2 is Level2.SATISFACTION]
    assert [(r.name, r.value) for r in sat] == [("学生满意度", "≥95%"), ("教师满意度", "≥95%")]
    assert sat[1].precedents == sat[0].precedents and not name_problems(sat[1].name)
    assert out.index(sat[1]) == out.index(sat[0]) + 1  # next to the first, in the tree's order


def test_no_group_no_new_row_and_never_more_than_two():
    rows = [_satisfaction("缴存职工满意度"), _satisfaction("缴存单位满意度")]
    assert with_audiences(rows, ["学生"]) == rows
    assert with_audiences([_satisfaction("服务对象满意度")], []) == [_satisfaction("服务对象满意度")]


def test_a_second_satisfaction_row_goes_first_when_the_draft_is_too_long():
    rows = [_row(Level2.QUALITY, f"质量{i}合格率", "100%") for i in range(MAX_ROWS - 1)]
    rows = with_audiences(rows + [_satisfaction("学生满意度")], ["学生", "教师"])
    assert len(rows) == MAX_ROWS + 1
    assert [r.name for r in capped(rows) if r.level2 is Level2.SATISFACTION] == ["学生满意度"]


def test_a_school_repair_is_judged_by_students_and_teachers_not_by_office_staff():
    table = PrecedentDrafter(finder=_Finds()).draft(
        ProjectBrief(name="城关第二小学教学楼屋面防水维修", budget=38, year=2025))
    names = [r.name for r in table.indicators if r.level2 is Level2.SATISFACTION]
    assert names == ["学生满意度", "教师满意度"]


# --- works projects that no type word names ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["高标准农田建设项目", "南部水源涵养林建设项目", "农村饮水安全巩固提升工程"])
def test_a_works_project_without_a_type_word_gets_the_works_rows(name):
    table = PrecedentDrafter(finder=_Finds()).draft(ProjectBrief(name=name, budget=500, year=2025))
    names = [r.name for r in table.indicators]
    assert "工程验收合格率" in names and "施工安全事故发生次数" in names
    assert "construction" in project_types(name)  # a precedent of that name is a works project too


def test_an_it_build_stays_an_it_build():
    assert "construction" not in project_types("智慧公积金信息系统建设")


# --- what precedents carry ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["★★★农村低保发放人数", "扶贫临时救助人数(≥**人)", "指标1:经费支出合规性",
                                  "贫困地区旅游景点开发数量(≥**个)", "XX设备购置数量"])
def test_a_templates_leftovers_in_a_name_are_flagged(name):
    assert any("占位符" in p for p in name_problems(name))


class _Finds:
    """A finder that finds these past projects (source, project) whatever the brief, and no single rows."""

    def __init__(self, *projects: tuple[str, str]):
        self.matches = [ProjectMatch(source=source, project=project, score=1.0) for source, project in projects]

    def __call__(self, text: str, k: int) -> list[ProjectMatch]:
        return self.matches[:k]

    def indicators(self, text: str, k: int) -> list[IndicatorMatch]:
        return []


def test_a_precedents_stars_and_blanks_are_not_copied_and_money_is_not_a_quantity(monkeypatch):
    def record(level2, name, value):
        return IndicatorRecord(source="pub.yaml", city="某县", unit="某局", year=2019, form_kind=FormKind.DECLARATION,
                               project="城乡困难群众临时救助", level1=Level1.OUTPUT, level2=level2, name=name,
                               value=value)

    table = {("pub.yaml", "城乡困难群众临时救助"): [
        record(Level2.QUANTITY, "★★★扶贫临时救助人数(按月平均)(≥**人)", ">=7人"),
        record(Level2.QUANTITY, "完成临时救助资金发放", "800万元"),
        record(Level2.TIMELINESS, "救助资金发放及时率", "100%")]}
    monkeypatch.setattr(precedents, "_corpus_projects", lambda: table)
    drafted = PrecedentDrafter(finder=_Finds(("pub.yaml", "城乡困难群众临时救助"))).draft(ProjectBrief(name="临时救助资金", budget=30, year=2025))
    names = [r.name for r in drafted.indicators]
    assert "扶贫临时救助人数" in names
    assert not any(name_problems(n) for n in names)
    assert not any(r.level2 is Level2.QUANTITY and "万元" in r.value for r in drafted.indicators)


# --- 补助资金 for work, not for people ---------------------------------------------------------------------

@pytest.mark.parametrize("name, kind", [
    ("市场监管所食品监管补助资金", Action.GRANT),  # pays for supervision work
    ("乡镇文化站免费开放补助经费", Action.GRANT),
    ("中小学校舍改造补助资金", Action.GRANT),
    ("困难残疾人生活补助资金", Action.SUBSIDY),  # paid to people
    ("城乡居民医疗保险财政补助资金", Action.SUBSIDY),
    ("计划生育特别扶助金", Action.SUBSIDY),
])
def test_a_grant_for_work_is_not_a_subsidy_to_people(name, kind):
    assert action_of(name) is kind


def test_a_grant_for_work_gets_no_recipient_rows():
    table = PrecedentDrafter(finder=_Finds()).draft(ProjectBrief(name="市场监管所食品监管补助资金", budget=12,
                                                                      year=2025))
    names = " ".join(r.name for r in table.indicators)
    assert "补助对象" not in names and "应补尽补" not in names


def test_an_untyped_draft_keeps_the_row_most_places_write():
    table = PrecedentDrafter(finder=_Finds()).draft(ProjectBrief(name="双拥共建专项经费", budget=12, year=2025))
    assert "项目完成及时率" in [r.name for r in table.indicators]


def test_the_budget_ceiling_is_never_cut_for_a_unit_cost(monkeypatch):
    monkeypatch.setattr(draft_module, "prevalence", lambda name, level2, excluded=(): 9 if "标准" in name else 0)
    rows = [_row(Level2.QUANTITY, f"数量{i}", "1个") for i in range(3)]
    rows += [Indicator(level1=Level1.OUTPUT, level2=Level2.COST, name="补助资金总额", value="≤203万元", basis=Basis.BUDGET),
             Indicator(level1=Level1.OUTPUT, level2=Level2.COST, name="每人补助标准", value="≤47元/人")]
    kept = capped(rows, limit=4)
    assert "补助资金总额" in [r.name for r in kept]


def test_the_users_own_numbers_are_never_cut_and_no_precedents_head_count_sits_beside_them(subsidy_precedent):
    brief = ProjectBrief(name="百岁老人高龄津贴", budget=6.84, year=2025,
                         description="为全县19名百岁老人发放高龄津贴，每人每年3600元，按季度发放")
    table = PrecedentDrafter(finder=_Finds(("sub.yaml", "岗位补贴"))).draft(brief)
    people = [r for r in table.indicators if r.level2 is Level2.QUANTITY and r.parsed.unit in ("人", "名")]
    assert [r.value for r in people] == ["19名"]
    assert "fact" in people[0].inferred  # the user's number: kept at the cap like the goals' rows


@pytest.fixture
def subsidy_precedent(monkeypatch):
    record = IndicatorRecord(source="sub.yaml", city="某县", unit="某局", year=2021, form_kind=FormKind.DECLARATION,
                             project="岗位补贴", level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="补助人数",
                             value="250人")
    table = dict(precedents._corpus_projects())
    table[("sub.yaml", "岗位补贴")] = [record]
    monkeypatch.setattr(precedents, "_corpus_projects", lambda: table)


def test_a_housing_fund_audience_is_not_a_schools(monkeypatch):
    """A centre's 运转经费 precedent says 缴存单位及职工满意度; a school's 公用经费 draft says whose it serves."""
    def record(level2, name, value):
        return IndicatorRecord(source="fund.txt", city="某市", unit="住房公积金管理中心", year=2023,
                               form_kind=FormKind.DECLARATION, project="营业网点运转经费", level1=Level1.SATISFACTION,
                               level2=level2, name=name, value=value)

    table = {("fund.txt", "营业网点运转经费"): [record(Level2.SATISFACTION, "缴存单位及职工满意度", "≥90%")]}
    monkeypatch.setattr(precedents, "_corpus_projects", lambda: table)

    fund = _Finds(("fund.txt", "营业网点运转经费"))
    school = PrecedentDrafter(finder=fund).draft(ProjectBrief(name="初中公用经费运转", budget=60, year=2025))
    centre = PrecedentDrafter(finder=fund).draft(ProjectBrief(name="营业网点运转经费", budget=60, year=2025))
    assert "缴存单位及职工满意度" not in [r.name for r in school.indicators]
    assert "缴存单位及职工满意度" in [r.name for r in centre.indicators]


@pytest.mark.parametrize("name", ["麻风病防治", "办案业务经费", "双拥共建专项经费", "ZZZ"])
def test_every_row_cites_a_precedent_or_a_library_pattern(name):
    table = PrecedentDrafter(finder=_Finds()).draft(ProjectBrief(name=name, budget=12, year=2025))
    assert table.indicators and all(r.precedents for r in table.indicators), \
        [r.name for r in table.indicators if not r.precedents]


@pytest.mark.parametrize("goal, name", [
    ("促进资源循环和高效利用", "资源循环促进作用"),  # 利用 names nothing: the list's first item does
    ("推动产业发展", "产业发展推动作用"),
])
def test_an_outcome_is_named_after_a_thing_not_an_act(goal, name):
    rows = outcome_rows(read("某项目", goal).outcomes, "某项目")
    assert [r.name for r in rows] == [name]


def test_the_users_head_count_is_said_once_and_named_for_its_unit():
    table = PrecedentDrafter(finder=_Finds()).draft(
        ProjectBrief(name="市场管理经费", budget=3, year=2025, description="出差人数8人，全年培训300人次"))
    counts = [(r.name, r.value) for r in table.indicators if r.level2 is Level2.QUANTITY]
    assert sum(v == "8人" for _, v in counts) == 1 and sum(v == "300人次" for _, v in counts) == 1
    assert all(not (n.endswith("人次") and v.endswith("人") and not v.endswith("人次")) for n, v in counts)


@pytest.mark.parametrize("name, unit, named", [("出差人次", "人", "出差人数"), ("培训人数", "人次", "培训人次"),
                                               ("培训人次", "人次", "培训人次"), ("设备数量", "台", "设备数量")])
def test_people_measure(name, unit, named):
    assert people_measure(name, unit) == named


@pytest.mark.parametrize("name, kind", [("城区路灯维护经费", "maintenance"), ("镇际联网路升级改造工程", "construction"),
                                        ("科学技术研究与开发资金", None)])
def test_the_kind_of_spending_decides_the_fallback_type(name, kind):
    library = load_library()
    kinds = [t.id for t, _ in by_action(types_for(name, None, library), action_of(name), library)]
    assert (kinds[0] if kinds else None) == kind or (kind is None and "it_build" not in kinds)
