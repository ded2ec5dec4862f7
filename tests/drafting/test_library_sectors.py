"""共性指标库 sector types (corpus/library/): 执法监管/检查, 公共卫生/医疗服务, 农林生产/生态, 应急管理/物资储备,
教育教学保障. Briefs written the way a preparer would are typed as their sector and drafted into valid tables with
the library alone (no precedents); briefs of the older types are not taken over by the sector types.
"""
from __future__ import annotations

import pytest

from assistant.drafting.brief_facts import read_brief
from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.library import load_library, types_for
from assistant.drafting.precedents import IndicatorMatch, ProjectMatch
from assistant.review.check import check_table
from assistant.review.rules_grammar import name_problems
from assistant.schema import Level1, Level2, ProjectBrief, Severity

SECTORS = ("enforcement", "public_health", "agriculture", "emergency_reserve", "education_service")


class _NoProjects:
    """A finder that finds nothing: drafts come from the library alone."""

    def __call__(self, text: str, k: int) -> list[ProjectMatch]:
        return []

    def indicators(self, text: str, k: int) -> list[IndicatorMatch]:
        return []


@pytest.fixture(scope="module")
def drafter():
    return PrecedentDrafter(finder=_NoProjects())


def kinds(name: str, description: str | None) -> list[tuple[str, bool]]:
    return [(t.id, main) for t, main in types_for(name, description, facts=read_brief(name, description))]


# (type, name, description, budget in 万元)
BRIEFS = [
    ("enforcement", "市场监管领域双随机抽查经费",
     "按照“双随机、一公开”要求对辖区经营主体开展随机抽查，全年检查市场主体450户，对抽查发现的问题督促整改", 18),
    ("enforcement", "食品安全监督抽检专项经费",
     "委托有资质的检验机构对辖区流通和餐饮环节食品实施抽样检验，全年抽检800批次", 60),
    ("enforcement", "城市管理综合执法经费",
     "开展占道经营、违规户外广告和违法建设专项整治，全年立案查处违法案件120件，受理处置群众投诉举报", 35),
    ("public_health", "儿童预防接种服务经费",
     "为辖区0-6岁儿童提供国家免疫规划疫苗预防接种服务，全年服务儿童9500人", 42),
    ("public_health", "城乡居民慢性病筛查与随访管理",
     "对35岁以上常住居民开展高血压、糖尿病筛查，筛查人数1.5万人，对确诊患者纳入规范化随访管理", 60),
    ("public_health", "传染病防控工作经费", "做好法定传染病监测报告、疫情处置和重点人群健康教育", 25),
    ("agriculture", "2025年国土绿化造林项目", "在北部浅山区实施人工造林2400亩，栽植油松、山杏等苗木", 180),
    ("agriculture", "农作物病虫害绿色防控",
     "在小麦主产乡镇推广统防统治和绿色防控技术，防控面积6万亩，惠及种植户3200户", 90),
    ("agriculture", "动物疫病强制免疫经费", "对全县牛羊猪禽实施口蹄疫、高致病性禽流感等重大动物疫病强制免疫", 70),
    ("emergency_reserve", "防汛抢险物资储备经费",
     "按照县级防汛物资储备定额，补充储备编织袋3万条、救生衣600件，做好汛前检查和物资养护", 40),
    ("emergency_reserve", "县级储备粮油保管与轮换", "县级储备粮规模4000吨、储备油300吨，按计划完成年度轮换，确保储存安全", 65),
    ("emergency_reserve", "突发事件应急演练经费", "组织开展地震、危化品事故等综合应急演练3次", 12),
    ("education_service", "城乡义务教育学校公用经费", "按生均标准保障全区28所中小学日常教学运转，在校学生1.8万人", 1400),
    ("education_service", "公办幼儿园保教运转经费", "保障4所公办幼儿园日常保教和玩教具补充，在园幼儿1100人", 120),
    ("education_service", "中小学课后服务经费", "在城区小学开展课后托管和兴趣社团活动，开设课程35门", 80),
]
IDS = [f"{kind}:{name}" for kind, name, _, _ in BRIEFS]


# --- the library files ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", SECTORS)
def test_each_sector_type_has_8_to_14_patterns_over_the_tree(kind):
    t = load_library()[kind]
    assert 8 <= len(t.patterns) <= 14, len(t.patterns)
    level2s = {p.level2 for p in t.patterns}
    assert {Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS, Level2.COST, Level2.SATISFACTION} <= level2s
    assert level2s & {Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE}
    for p in t.patterns:
        assert p.basis and p.note and p.explain.startswith("反映"), p.id
        if p.derive == "quantity" and not p.optional:
            assert p.ask, f"{p.id}: a count only the user knows asks for it"
    # at least one benefit row whatever the brief says (R01 wants 效益 in every table)
    assert any(p.level1 is Level1.BENEFIT and not p.when for p in t.patterns), kind


# --- typing ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,name,description,budget", BRIEFS, ids=IDS)
def test_sector_briefs_are_typed_as_their_sector(kind, name, description, budget):
    found = kinds(name, description)
    assert (kind, True) in found, found


@pytest.mark.parametrize("name,description,owner", [
    ("办公设备购置", "购置台式计算机20台、打印机5台", "purchase"),
    ("物业管理费", "机关办公楼保洁、安保、秩序维护服务", "property"),
    ("高龄津贴补助", "为80周岁以上老年人按月发放高龄津贴", "subsidy"),
    ("办公楼维修改造", "对办公楼屋面防水和卫生间进行维修改造", "construction"),
    ("家庭经济困难学生资助资金", "资助家庭经济困难学生", "subsidy"),  # student aid stays a subsidy
    ("城关第二小学教学楼屋面防水维修", None, "construction"),  # a school's building works stay works
    ("学校食堂托管服务", "委托第三方经营学校食堂", "outsourcing"),
    ("中小学教师培训", "组织全县中小学教师暑期全员培训", "training"),  # teacher training stays training
    ("住房公积金行政执法检查经费", "对欠缴单位开展执法检查", "fund_collection"),  # the fund's own enforcement
    ("食品快速检测服务", "委托第三方开展农贸市场食用农产品快速检测", "monitoring"),
    ("森林资源监测", "开展森林资源年度监测", "monitoring"),
    ("乡镇卫生院医疗设备购置", None, "purchase"),
    ("应急指挥平台建设", None, "it_build"),
    ("城区绿化养护", "对城区绿地开展日常养护", "maintenance"),
    ("干部职工健康体检费", "组织在职职工年度健康体检", None),  # the unit's own staff, not public health
])
def test_briefs_of_other_types_are_not_taken_over(name, description, owner):
    found = kinds(name, description)
    assert not {k for k, _ in found} & set(SECTORS), found
    if owner:
        assert found and found[0] == (owner, True), found


@pytest.mark.parametrize("name", ["高标准农田建设项目", "南部水源涵养林建设项目"])
def test_new_works_on_farm_and_forest_land_stay_works_projects(name):
    assert "agriculture" not in {k for k, _ in kinds(name, None)}


# --- drafting --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,name,description,budget", BRIEFS, ids=IDS)
def test_sector_drafts_are_valid_and_carry_the_types_rows(drafter, kind, name, description, budget):
    table = drafter.draft(ProjectBrief(name=name, description=description, budget=budget, year=2025))
    assert [f.message for f in check_table(table) if f.severity is Severity.ERROR] == []
    for ind in table.indicators:
        assert name_problems(ind.name) == [], (ind.name, name_problems(ind.name))
        assert ind.value, ind.name
        assert not ind.needs_input or ind.question, ind.name
    source = f"corpus/library/{load_library()[kind].file}"
    own = [i for i in table.indicators if i.precedents and i.precedents[0].source == source]
    assert any(i.level2 in (Level2.QUALITY, Level2.QUANTITY) for i in own), [i.name for i in table.indicators]
    assert {Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION} <= {i.level1 for i in table.indicators}


@pytest.fixture(scope="module")
def with_precedents(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


@pytest.mark.parametrize("kind,name,description,budget", BRIEFS, ids=IDS)
def test_sector_drafts_stay_valid_beside_precedents(with_precedents, kind, name, description, budget):
    """With the corpus's precedents merged in (the deterministic fake finder), the drafts stay free of errors."""
    table = with_precedents.draft(ProjectBrief(name=name, description=description, budget=budget, year=2025))
    assert not [f.code for f in check_table(table) if f.severity is Severity.ERROR]


def _row(table, name: str):
    found = [i for i in table.indicators if i.name == name]
    assert found, f"{name} not in {[i.name for i in table.indicators]}"
    return found[0]


@pytest.mark.parametrize("name,description,budget,expected", [
    ("食品安全监督抽检专项经费", BRIEFS[1][2], 60, {"监督抽检批次", "抽检任务完成率", "监督抽检合格率"}),
    ("城乡居民慢性病筛查与随访管理", BRIEFS[4][2], 60, {"筛查人数", "慢性病患者规范管理率", "筛查阳性人员随访率"}),
    ("2025年国土绿化造林项目", BRIEFS[6][2], 180, {"造林面积", "苗木成活率"}),
    ("动物疫病强制免疫经费", BRIEFS[8][2], 70, {"应免畜禽免疫密度", "重大动物疫情发生次数"}),
    ("县级储备粮油保管与轮换", BRIEFS[10][2], 65, {"储备粮油库存数量", "储备粮油质量达标率", "储备轮换按期完成率"}),
    ("城乡义务教育学校公用经费", BRIEFS[12][2], 1400, {"保障学生人数", "保障学校数量", "生均公用经费标准"}),
])
def test_the_sectors_own_indicators_appear(drafter, name, description, budget, expected):
    table = drafter.draft(ProjectBrief(name=name, description=description, budget=budget, year=2025))
    names = {i.name for i in table.indicators}
    assert expected <= names, sorted(expected - names)


def test_the_users_numbers_fill_the_sector_rows(drafter):
    table = drafter.draft(ProjectBrief(name=BRIEFS[12][1], description=BRIEFS[12][2], budget=1400, year=2025))
    assert _row(table, "保障学生人数").value == "1.8万人"
    assert _row(table, "保障学校数量").value == "28所"
    assert _row(table, "生均公用经费标准").value == "≤778元/人"  # 1400万元 ÷ 1.8万人, a ceiling
    grain = drafter.draft(ProjectBrief(name=BRIEFS[10][1], description=BRIEFS[10][2], budget=65, year=2025))
    assert _row(grain, "储备粮油库存数量").value == "4000吨" and not _row(grain, "储备粮油库存数量").needs_input


def test_a_count_the_brief_does_not_give_is_asked(drafter):
    table = drafter.draft(ProjectBrief(name="生态环境执法专项经费", budget=20, year=2025))
    row = _row(table, "执法检查户次")
    assert row.needs_input and row.question and "户次" in row.question
