"""The common-indicator library: its data, reading the brief, and fitting it into drafts.

Drafts use the deterministic fake finder (conftest.py), so these run without the embedding model.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.drafting.brief_facts import read_brief, quantity_value
from assistant.review.check import check_table
from assistant.config import get_settings
from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.library import LibraryError, apply_library, load_library, types_for
from assistant.schema import Level1, Level2, ProjectBrief, Severity
from assistant.taxonomy import level1_of

REPO = Path(__file__).resolve().parents[2]
UNSEEN = yaml.safe_load((REPO / "evals" / "unseen_cases.yaml").read_text(encoding="utf-8"))
REQUIRED_TYPES = ["购置", "工程/维修改造", "信息化建设", "信息化运维", "培训", "会议", "宣传", "印刷", "物业", "租赁",
                  "服务外包/购买服务", "补助/补贴", "课题/规划/报告编制", "审计/法律/咨询", "人员聘用/劳务", "运转保障", "帮扶"]
BENEFIT = {Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE}
WORKING_MARKS = {"from_brief", "ceiling", "secondary"}


def brief(name: str, description: str | None = None, budget: float | None = 50, year: int | None = 2025,
          **kw) -> ProjectBrief:
    return ProjectBrief(name=name, description=description, budget=budget, year=year, **kw)


@pytest.fixture(scope="module")
def drafter(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


@pytest.fixture(scope="module")
def corpus_only(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=False)


def row(table, name: str):
    found = [i for i in table.indicators if i.name == name]
    assert found, f"{name} not in {[i.name for i in table.indicators]}"
    return found[0]


# --- the library data ---------------------------------------------------------------------------

def test_every_required_type_is_in_the_library():
    labels = {t.label for t in load_library().values()}
    assert set(REQUIRED_TYPES) <= labels


@pytest.mark.parametrize("kind", sorted(load_library().values(), key=lambda t: t.id), ids=lambda t: t.id)
def test_each_type_covers_the_standard_tree(kind):
    level2s = {p.level2 for p in kind.patterns}
    for needed in (Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS, Level2.COST, Level2.SATISFACTION):
        assert needed in level2s, f"{kind.file} lacks {needed.value}"
    assert level2s & BENEFIT, f"{kind.file} lacks a 效益 pattern"
    assert sum(1 for p in kind.patterns if p.derive == "budget") == 1, "one budget ceiling per type"


@pytest.mark.parametrize("kind", sorted(load_library().values(), key=lambda t: t.id), ids=lambda t: t.id)
def test_patterns_are_well_formed(kind):
    for p in kind.patterns:
        assert p.level1 is level1_of(p.level2), p.id
        assert p.id.startswith(f"{kind.id}."), p.id
        assert p.explain.startswith("反映"), f"{p.id}: 指标解释 reads '反映…'"
        assert not re.search(r"\*|XX|xx", p.value), f"{p.id}: placeholder in the typical value"
        assert p.line and p.note
        if p.level2 is Level2.SATISFACTION:
            assert p.value == "≥90%" and p.note == "满意度调查"


@pytest.mark.parametrize("path", sorted((REPO / "corpus" / "library").glob("*.yaml")), ids=lambda p: p.name)
def test_files_name_their_sources(path):
    header = path.read_text(encoding="utf-8").split("\nid:")[0]
    assert "来源" in header and "财预〔2021〕101号" in header


def _citations():
    for kind in load_library().values():
        for p in kind.patterns:
            for part in re.split(r"[；;]", p.seen or ""):
                if part.strip():
                    yield kind.file, p.id, part.strip()


@pytest.mark.parametrize("file,pattern,cite", list(_citations()), ids=lambda v: str(v)[:40])
def test_seen_citations_point_at_the_indicator(file, pattern, cite):
    """`seen` says where a pattern appears in a seed form: the named indicator is on that line."""
    m = re.match(r"(?:corpus/sources/)?(\d{3}_[0-9a-f]+\.txt):(\d+)(?:-(\d+))?\s*(.*)", cite)
    assert m, f"{file} {pattern}: cannot read citation {cite!r}"
    source, first, last, text = m.groups()
    lines = (get_settings().sources_dir / source).read_text(encoding="utf-8").split("\n")
    window = re.sub(r"\s", "", "".join(lines[int(first) - 1 : int(last or first)]))
    name = re.split(r"\s|[（(≥≤>]|\d", text)[0].strip("、,，")
    assert name and name in window, f"{file} {pattern}: 「{name}」 not on {source}:{first}"


def _write_library(tmp_path: Path, extra: str) -> Path:
    generic = (REPO / "corpus" / "library" / "generic.yaml").read_text(encoding="utf-8")
    (tmp_path / "generic.yaml").write_text(generic, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(extra, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("text,message", [
    ("id: x\nlabel: [unclosed\n", "YAML 格式错误"),
    ("id: x\nlabel: X\ntriggers: {name: [a]}\npatterns:\n  - id: x.q\n    level1: 效益指标\n    level2: 数量指标\n"
     "    name: 数量\n    value: 1个\n    basis: 计划标准\n    note: 计划\n    explain: 反映数量。\n", "不属于一级指标"),
    ("id: x\nlabel: X\ntriggers: {name: [a]}\npatterns:\n  - id: x.q\n    level1: 产出指标\n    level2: 数量指标\n"
     "    name: 数量\n    value: 1个\n    basis: 猜的\n    note: 计划\n    explain: 反映数量。\n", "basis"),
    ("id: x\nlabel: X\ntriggers: {name: [a]}\npatterns:\n  - id: x.q\n    level1: 产出指标\n    level2: 数量指标\n"
     "    name: 数量\n    value: 1个\n    derive: guess\n    basis: 计划标准\n    note: 计划\n    explain: 反映数量。\n",
     "derive"),
])
def test_a_broken_library_file_is_named(tmp_path, text, message):
    with pytest.raises(LibraryError) as err:
        load_library(_write_library(tmp_path, text))
    assert "broken.yaml" in str(err.value) and message in str(err.value)


# --- reading the brief ----------------------------------------------------------------------------

@pytest.mark.parametrize("text,verb,obj,value,unit_class", [
    ("购置七氟丙烷灭火装置10套", "购置", "七氟丙烷灭火装置", "10套", "count"),
    ("为提升扬尘治理能力，配备雾炮车10辆", "配备", "雾炮车", "10辆", "count"),
    ("主体班培训280人次", "培训", "", "280人次", "people"),
    ("购置灭火器约10套", "购置", "灭火器", "10套", "count"),
    ("配备雾炮车10—12辆", "配备", "雾炮车", "≥10辆", "count"),
    ("采购抽水泵十台", "采购", "抽水泵", "10台", "count"),
    ("负责办公楼共1.8万平方米的日常保洁", "保洁", "办公楼", "1.8万平方米", "area"),
    ("改造城区老旧供热管网12公里", "改造", "老旧供热管网", "12公里", "length"),
    ("对办公楼8部电梯开展全年维护保养", "维护", "电梯", "8部", "count"),
    ("同步完成目录著录3万条", "著录", "", "3万条", "count"),
    ("每月不少于2次", "", "", "≥2次", "times"),
])
def test_quantities_in_the_brief(text, verb, obj, value, unit_class):
    facts = read_brief("项目", text)
    assert len(facts.quantities) == 1, facts.quantities
    q = facts.quantities[0]
    assert (q.verb, q.object, quantity_value(q)[0], q.unit_class) == (verb, obj, value, unit_class)


def test_the_object_written_before_the_verb():
    q = read_brief("项目", "主体班培训280人次").quantities[0]
    assert q.pre_object == "主体班"


@pytest.mark.parametrize("text,question", [("购置灭火器约10套", True), ("配备雾炮车10—12辆", False), ("采购抽水泵十台", False)])
def test_only_approximate_quantities_ask(text, question):
    assert (quantity_value(read_brief("项目", text).quantities[0])[1] is not None) is question


@pytest.mark.parametrize("text", ["2025年10月底前完工", "服务期限2025年1月至12月", "当年10月15日供暖前完工",
                                  "一次性付清", "实行统一管理", "（2025—2030年）"])
def test_dates_and_words_are_not_quantities(text):
    assert read_brief("项目", text).quantities == []


@pytest.mark.parametrize("text,months,deadline", [
    ("服务周期2023年7月至2024年1月", 7, None),
    ("服务期限2025年1月至12月", 12, None),
    ("2025年10月底前完工", None, "2025年10月底"),
    ("计划当年10月15日供暖前完工", None, "当年10月15日"),
])
def test_periods_and_deadlines(text, months, deadline):
    facts = read_brief("项目", text)
    assert (facts.period.months() if facts.period else None) == months
    assert facts.deadline == deadline


def test_quantities_in_the_project_name_count_once():
    facts = read_brief("配备雾炮车10辆项目", "为提升扬尘治理能力，配备雾炮车10辆、洗扫车2辆。")
    assert [(q.object, q.text) for q in facts.quantities] == [("雾炮车", "10辆"), ("洗扫车", "2辆")]


def test_durations_and_money_rates_are_kept_apart():
    facts = read_brief("项目", "工期90天，服务期1年，每户标准1500元，全年约250个工作日")
    assert [d.text for d in facts.durations] == ["90天", "1年"]
    assert [(m.text, m.per) for m in facts.money_rates] == [("1500元", "每户")]
    assert [(q.text, q.unit_class) for q in facts.quantities] == [("250个工作日", "days")]


# --- project types ------------------------------------------------------------------------------

@pytest.mark.parametrize("case", UNSEEN, ids=lambda c: c["id"])
def test_types_of_the_unseen_briefs(case):
    facts = read_brief(case["name"], case["description"])
    found = [t.label for t, _ in types_for(case["name"], case["description"], facts=facts)]
    assert set(case["types"]) <= set(found) and (found == []) == (case["types"] == [])


@pytest.mark.parametrize("name,description,main,also", [
    ("网络安全等级保护测评及运维", "对3个信息系统开展等保测评和日常运维", {"等保测评"}, {"信息化运维"}),
    ("办公楼消防设施改造项目", "对消防系统进行改造，购置七氟丙烷灭火装置10套，改造消防喷淋管网约600米",
     {"工程/维修改造"}, {"购置"}),
    ("公务用车运行维护费", None, {"运转保障"}, set()),  # 运行维护 of cars is not IT operations
    ("安保服务采购项目", "购买安保服务", {"物业", "服务外包/购买服务"}, set()),  # 服务采购 is not 购置
    ("业务工作培训费", None, {"培训"}, set()),
    ("办公家具及自动化设备购置费", None, {"购置"}, set()),
    # a name that only names a budget line: two signs in the description make a type
    ("专项工作经费", "开展住房公积金政策宣传，制作宣传册并在公众号推送", {"宣传"}, set()),
    ("其他运行经费", "单位办公楼水电费和冬季取暖费", {"运转保障"}, set()),
    ("专项工作经费", "维护职工的合法权益，维护社会稳定", set(), set()),  # one loose word is no type
    ("公务用车运行经费", "购置车载设备", {"运转保障"}, set()),  # a type word in the name still rules
])
def test_main_and_secondary_types(name, description, main, also):
    found = types_for(name, description, facts=read_brief(name, description))
    assert {t.label for t, primary in found if primary} == main
    assert {t.label for t, primary in found if not primary} == also


# --- drafting with the library ------------------------------------------------------------------------

def test_the_users_objects_and_quantities_become_indicators(drafter):
    table = drafter.draft(brief("办公楼消防设施改造项目", "购置七氟丙烷灭火装置10套，更换火灾自动报警主机1台，"
                                "2025年10月底前完工。", budget=38.5))
    got = row(table, "七氟丙烷灭火装置购置数量")
    assert got.value == "10套" and not got.needs_input
    assert got.basis_note == "采购计划"  # a purchase in an engineering project is still a purchase
    assert row(table, "火灾自动报警主机更换数量").value == "1台"
    assert row(table, "工程完工时间").value == "2025年10月底前"
    cite = got.precedents[0]
    assert cite.kind == "library" and cite.source.startswith("corpus/library/") and cite.line


@pytest.mark.parametrize("description,name,value,asks", [
    ("购置七氟丙烷灭火装置约10套", "七氟丙烷灭火装置购置数量", "10套", True),
    ("配备雾炮车10—12辆", "雾炮车配备数量", "≥10辆", False),
    ("采购抽水泵十台", "抽水泵采购数量", "10台", False),
])
def test_odd_quantities(drafter, description, name, value, asks):
    got = row(drafter.draft(brief("设备购置项目", description)), name)
    assert got.value == value and got.needs_input is asks
    assert (got.question is not None) is asks


@pytest.mark.parametrize("case", UNSEEN, ids=lambda c: c["id"])
def test_unseen_drafts_are_complete_and_valid(drafter, case):
    table = drafter.draft(brief(case["name"], case["description"], case["budget"], case["year"]))
    findings = check_table(table)
    assert [f.message for f in findings if f.severity is Severity.ERROR] == []
    # 6: a brief that names nothing (其他专项经费) keeps only the standard tree, no unrelated precedents
    assert 6 <= len(table.indicators) <= 15
    per_level2: dict = {}
    for ind in table.indicators:
        per_level2[ind.level2] = per_level2.get(ind.level2, 0) + 1
        assert ind.value, ind.name
        assert not ind.needs_input or ind.question, ind.name
        assert not set(ind.inferred) & WORKING_MARKS
    assert all(n <= 3 for n in per_level2.values())
    assert {Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION} <= {i.level1 for i in table.indicators}
    assert any(i.level2 is Level2.COST for i in table.indicators)


def test_precedents_of_unrelated_projects_give_way(drafter, corpus_only):
    b = brief("办公楼消防设施改造项目", "购置七氟丙烷灭火装置10套，改造消防喷淋管网约600米")
    before = {i.name for i in corpus_only.draft(b).indicators}
    after = drafter.draft(b)
    unrelated = [i.name for i in after.indicators if i.precedents and i.precedents[0].kind == "corpus"
                 and i.level1 is not Level1.OUTPUT]
    assert unrelated == [] and "提取业务办结效率" not in {i.name for i in after.indicators}
    assert before - {i.name for i in after.indicators}  # corpus-only rows were replaced


def test_rows_of_a_same_kind_project_must_be_on_the_subject(drafter):
    """六安's 运转维护经费 is a 运转 project too, but its 增值收益 row says nothing about cars."""
    table = drafter.draft(brief("公务用车运行维护费", "保障单位6辆公务用车的燃油、维修、保险和年检", budget=22))
    names = {i.name for i in table.indicators}
    assert "保障车辆数" in names and "住房公积金增值收益同比增长" not in names
    assert row(table, "车均运行维护费").value == "≤3.67万元/辆"


def test_a_precedent_of_the_same_kind_wins_and_takes_the_users_number(drafter):
    table = drafter.draft(brief("办公、业务用房租赁经费", "租赁办公业务用房1800平方米", budget=135))
    area = [i for i in table.indicators if "面积" in i.name]
    assert len(area) == 1 and area[0].value.endswith("1800平方米") and not area[0].needs_input
    kinds = {p.kind for p in area[0].precedents}
    assert "corpus" in kinds  # the real form's wording, with the library pattern cited beside it


def test_the_budget_ceiling_is_kept_beside_a_unit_cost(drafter):
    table = drafter.draft(brief("全市招商引资工作推进会", "召开推进会2场，每场参会人员约150人", budget=12))
    assert row(table, "会议费").value == "≤12万元"
    assert row(table, "人均会议费").value == "≤400元/人"


STAFF = re.compile(r"员工|干部职工|使用人员")


@pytest.mark.parametrize("name,description,sides", [
    # the staff who use the offices, and the public the description names: one row each
    ("业务用房物业管理费", "为前来办理业务的群众营造良好的办事环境", [False, True]),
    ("办公楼保洁及安保服务", "为办事群众提供整洁有序的环境", [False, True]),
    ("办公、业务用房租赁经费", "租赁办公用房1800平方米", [True]),  # no public named: one staff row
])
def test_satisfaction_of_staff_and_of_the_public(drafter, name, description, sides):
    rows = [i.name for i in drafter.draft(brief(name, description)).indicators if i.level2 is Level2.SATISFACTION]
    assert sorted(bool(STAFF.search(n)) for n in rows) == sides, rows


def test_common_rates_of_purchase_and_it_operations():
    library_only = PrecedentDrafter(finder=lambda text, k: [], use_library=True)
    bought = library_only.draft(brief("办公设备购置项目", "购置台式计算机40台"))
    assert row(bought, "设备购置完成率").value == "≥95%"
    ops = library_only.draft(brief("信息系统运维服务费", "机房、服务器和5条网络专线的日常运维"))
    assert row(ops, "网络连通率").level2 is Level2.QUALITY
    assert "网络连通率" not in {i.name for i in library_only.draft(brief("应用软件运维", "业务软件日常维护")).indicators}


def test_a_project_of_two_kinds():
    """宣传 and 培训 under one budget line: each count goes to its own kind, the ceiling keeps the
    project's name (its budget pays for both), and both kinds' rows are there."""
    table = PrecedentDrafter(finder=lambda text, k: [], use_library=True).draft(
        brief("专项工作经费", "用于住房公积金政策宣传和业务培训，印制宣传册5000份，举办培训班3期", budget=54.97))
    assert row(table, "培训班举办期数").value == "3期"
    assert row(table, "宣传册印制数量").value == "5000份"
    assert row(table, "专项工作经费").value == "≤54.97万元"
    assert not [i for i in table.indicators if i.level2 is Level2.QUANTITY and "宣传" in i.name and i.value == "3期"]


def test_a_completion_rate_beside_a_single_dated_timeliness_row():
    """Most forms measure 时效 as a rate (项目完成及时性 ≥90%): a type whose only 时效 row is a date
    gets the generic rate beside it; a type with two 时效 rows keeps its own."""
    library_only = PrecedentDrafter(finder=lambda text, k: [], use_library=True)
    bought = library_only.draft(brief("办公设备购置项目", "购置台式计算机40台"))
    timely = [i.name for i in bought.indicators if i.level2 is Level2.TIMELINESS]
    assert timely == ["设备采购完成时间", "项目完成及时率"]
    leased = library_only.draft(brief("办公用房租赁费", "租赁办公用房1800平方米"))
    timely = [i.name for i in leased.indicators if i.level2 is Level2.TIMELINESS]
    assert len(timely) == 2 and "项目完成及时率" not in timely
    assert not {"always"} & {m for i in bought.indicators for m in i.inferred}


def test_a_brief_with_no_recognisable_type_keeps_only_precedents_on_its_subject(drafter, corpus_only):
    """Issue 12: rows of unrelated precedents (a housing-fund centre's 寄发文书) are not offered to a
    brief that names nothing they measure; the standard tree stays complete."""
    b = brief("其他专项经费", "用于单位其他专项工作支出。", budget=10)
    assert types_for(b.name, b.description) == []
    on, off = drafter.draft(b), corpus_only.draft(b)
    unrelated = [i.name for i in off.indicators if "generic" not in i.inferred and i.level2 is Level2.QUANTITY]
    assert unrelated and not set(unrelated) & {i.name for i in on.indicators}
    assert {i.level2 for i in on.indicators} >= {Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS, Level2.COST,
                                                 Level2.SATISFACTION}
    assert not [f for f in check_table(on) if f.severity is Severity.ERROR]


def test_no_type_but_the_users_quantities_still_count(drafter):
    table = drafter.draft(brief("其他专项经费", "完成专项检查40次", budget=10))
    assert row(table, "专项检查完成次数").value == "40次"


def test_a_brief_that_matches_nothing_at_all(fake_finder):
    """No precedent and no type: a valid generic draft from the standard tree, saying so."""
    empty = PrecedentDrafter(finder=lambda text, k: [], use_library=True)
    table = empty.draft(brief("ZZZ", "QQQ", budget=5))
    assert any("通用草稿" in n for n in table.notices)
    assert not [f for f in check_table(table) if f.severity is Severity.ERROR]
    assert {Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION} <= {i.level1 for i in table.indicators}


@pytest.mark.parametrize("name", ["费", "消防设施改造" * 33 + "项目"], ids=["1 char", "200 chars"])
def test_names_of_one_or_two_hundred_characters(drafter, name):
    assert len(name) in (1, 200)
    table = drafter.draft(brief(name, "购置灭火器10套"))
    assert not [f for f in check_table(table) if f.severity is Severity.ERROR]
    assert all(len(i.name) <= 40 for i in table.indicators)


def test_no_budget_no_ceiling_value_and_no_unit_cost_from_it(drafter):
    table = drafter.draft(brief("会议费", "召开推进会2场，参会人员150人", budget=None))
    costs = [i for i in table.indicators if i.level2 is Level2.COST]
    assert costs[0].value == "" and costs[0].needs_input and "预算" in costs[0].question
    assert not [c for c in costs if c.precedents and c.precedents[0].kind == "library" and "/" in c.value]


def test_dates_stay_inside_a_multi_year_period(drafter):
    table = drafter.draft(brief("老旧供热管网改造工程", "改造供热管网12公里，2026年10月底前完工。", year=2025,
                                period_years=2))
    assert row(table, "工程完工时间").value == "2026年10月底前"
    assert not [f for f in check_table(table) if f.severity is Severity.ERROR]


def test_a_deadline_outside_the_year_falls_back_to_the_year_end(drafter):
    table = drafter.draft(brief("物业服务外包", "服务周期2023年7月至2024年1月", year=2023))
    assert all("2024" not in i.value for i in table.indicators)
    assert row(table, "服务期限").value == "7个月"


def test_drafts_are_deterministic(drafter):
    b = brief("城区绿化养护项目", "对城区主干道及公园绿地约35万平方米开展日常养护", budget=140)
    assert drafter.draft(b).model_dump() == drafter.draft(b).model_dump()


def test_apply_library_leaves_its_input_alone(fake_finder):
    b = brief("机关食堂餐饮服务外包", "保障干部职工约300人工作日两餐", budget=75)
    rows = PrecedentDrafter(finder=fake_finder, use_library=False).draft(b).indicators
    snapshot = [r.model_dump() for r in rows]
    apply_library(rows, b)
    assert [r.model_dump() for r in rows] == snapshot
