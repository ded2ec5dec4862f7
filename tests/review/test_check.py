"""The reviewers' rules: for each rule a minimal table that triggers it and one that doesn't, then the seeds."""
from __future__ import annotations

import re

import pytest

from assistant.review.check import RULES, check_table
from assistant.config import get_settings
from assistant.schema import Basis, Funds, Indicator, Level1, Level2, Severity, TargetTable
from assistant.taxonomy import Variant

O, C, B, S = Level1.OUTPUT, Level1.COST, Level1.BENEFIT, Level1.SATISFACTION
L2 = Level2


def row(level1, level2, name, value, **extra) -> Indicator:
    extra.setdefault("basis", Basis.PLAN)
    return Indicator(level1=level1, level2=level2, name=name, value=value, **extra)


# A clean table after 张家口's 网络租赁服务费 (002): every rule must stay silent on it.
GOOD_ROWS = [
    row(O, L2.QUANTITY, "专线线路条数", "≥20条"),
    row(O, L2.QUALITY, "线路通畅率", "≥95%"),
    row(O, L2.TIMELINESS, "租赁费支付时间", "2020年12月31日前"),
    row(O, L2.COST, "租赁服务成本", "≤155.72万元", basis=Basis.BUDGET),
    row(B, L2.SOCIAL, "业务办理效率", "≥95%"),
    row(S, L2.SATISFACTION, "部门满意度", "≥95%"),
]


def table(rows=None, **fields) -> TargetTable:
    base = dict(
        year=2020,
        project_name="网络租赁服务费",
        funds_annual=Funds(total=155.72, fiscal=155.72, other=0),
        goals_annual=["专线线路通畅，信息系统正常运行。", "各部门业务高效办理。"],
        indicators=GOOD_ROWS if rows is None else rows,
    )
    return TargetTable(**(base | fields))


def replace(i: int, new: Indicator, **fields) -> TargetTable:
    rows = list(GOOD_ROWS)
    rows[i] = new
    return table(rows, **fields)


def plus(*extra: Indicator, **fields) -> TargetTable:
    return table([*GOOD_ROWS, *extra], **fields)


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def test_good_table_has_no_findings():
    assert check_table(table()) == []


def test_rule_codes_are_stable_and_unique():
    all_codes = [r.code for r in RULES]
    assert len(all_codes) == len(set(all_codes)) >= 15
    assert all(re.fullmatch(r"R\d\d-[a-z0-9-]+", c) for c in all_codes)
    assert all(r.title for r in RULES)


# (id, table, code, severity, row or None, text expected in the message)
TRIGGERS = [
    ("no satisfaction", table(GOOD_ROWS[:5]), "R01-required-level1", "error", None, "满意度指标"),
    ("no benefit", table(GOOD_ROWS[:4] + GOOD_ROWS[5:]), "R01-required-level1", "error", None, "效益指标"),
    ("empty table", table([]), "R01-required-level1", "error", None, "没有任何三级指标"),
    ("satisfaction only under 效益 (广州)", replace(5, row(B, L2.SOCIAL, "窗口群众评价满意度", "≥90%")),
     "R01-required-level1", "error", None, "第6行「窗口群众评价满意度」"),
    ("mof variant needs 成本 一级", table(), "R01-required-level1", "error", None, "成本指标"),
    ("no cost at all", table(GOOD_ROWS[:3] + GOOD_ROWS[4:]), "R02-cost-missing", "warning", None, "成本"),
    ("level2 missing", replace(1, row(O, None, "线路通畅率", "≥95%")), "R03-level-missing", "warning", 1, "二级"),
    ("level1 missing", replace(1, row(None, None, "线路通畅率", "≥95%")), "R03-level-missing", "warning", 1, "一级"),
    ("quantity under 效益", plus(row(B, L2.QUANTITY, "宣传次数", "≥3次")), "R04-level2-belongs", "error", 6, "不属于"),
    ("cost as a floor", replace(3, row(O, L2.COST, "租赁服务成本", "≥155.72万元")), "R05-cost-ceiling", "error", 3, "下限"),
    ("cost without ≤ (张家口 发放金额)", replace(3, row(O, L2.COST, "发放金额", "993.85 万元")),
     "R05-cost-ceiling", "warning", 3, "≤"),
    ("cost approx (中卫)", replace(3, row(O, L2.COST, "发放内部聘用人员工资", "约95万元")),
     "R05-cost-ceiling", "warning", 3, "≤"),
    ("cost without unit (中卫)", replace(3, row(O, L2.COST, "数据上报系统运行服务费", "99.5")),
     "R05-cost-ceiling", "warning", 3, "单位"),
    ("cost in months (六安)", replace(3, row(C, L2.COST, "便民服务区日常维护费用", "≤1625月")),
     "R05-cost-ceiling", "warning", 3, "金额单位"),
    ("cost in words", replace(3, row(O, L2.COST, "水电费标准控制", "考察水电费标准是否符合预算标准")),
     "R05-cost-ceiling", "warning", 3, "金额"),
    ("unit cost without ≤ (张家口 培训)", replace(3, row(O, L2.COST, "受训人均成本", "430 元/人")),
     "R05-cost-ceiling", "warning", 3, "≤"),
    ("cost over budget", replace(3, row(O, L2.COST, "租赁服务成本", "≤200万元")), "R06-cost-budget", "error", 3, "超过"),
    ("cost over budget in 元", replace(3, row(O, L2.COST, "租赁服务成本", "≤1600000元")),
     "R06-cost-budget", "error", 3, "160万元"),
    ("costs add up over budget", plus(row(O, L2.COST, "设备费", "≤100万元")), "R06-cost-budget", "warning", None, "合计"),
    ("≥100% (六安 项目完成及时性)", replace(2, row(O, L2.TIMELINESS, "项目完成及时性", "≥100%")),
     "R07-percent-max", "warning", 2, "100%"),
    ("110%", replace(1, row(O, L2.QUALITY, "线路通畅率", "110%")), "R07-percent-max", "error", 1, "超过100%"),
    ("midterm ≥100%", replace(1, row(O, L2.QUALITY, "线路通畅率", "100%", midterm_value="≥100%")),
     "R07-percent-max", "warning", 1, "中期"),
    ("placeholder *", replace(0, row(O, L2.QUANTITY, "专线线路条数", "*")), "R08-no-placeholder", "error", 0, "占位符"),
    ("placeholder **%", replace(1, row(O, L2.QUALITY, "线路通畅率", "**%")), "R08-no-placeholder", "error", 1, "占位符"),
    ("placeholder XX", replace(0, row(O, L2.QUANTITY, "专线线路条数", "XX条")), "R08-no-placeholder", "error", 0, "占位符"),
    ("empty value", replace(0, row(O, L2.QUANTITY, "专线线路条数", "")), "R08-no-placeholder", "error", 0, "为空"),
    ("无 (中卫 生态效益)", plus(row(B, L2.ECOLOGICAL, "无", "无")), "R08-no-placeholder", "error", 6, "「无」"),
    ("name 无 only", plus(row(B, L2.ECOLOGICAL, "无", "≥95%")), "R08-no-placeholder", "error", 6, "名称"),
    ("needs input", replace(0, row(O, L2.QUANTITY, "专线线路条数", "", needs_input=True, question="专线共几条？")),
     "R08-no-placeholder", "warning", 0, "待填写"),
    ("date after the year", replace(2, row(O, L2.TIMELINESS, "付款时间", "2021年6月底前")),
     "R09-date-in-period", "error", 2, "项目期"),
    ("date before the year", replace(2, row(O, L2.TIMELINESS, "付款时间", "2019.12.31 日前")),
     "R09-date-in-period", "error", 2, "2020年"),
    ("annual date in a later year of the period",
     replace(2, row(O, L2.TIMELINESS, "付款时间", "2021年底前"), start_year=2020, period_years=3),
     "R09-date-in-period", "warning", 2, "2020年内"),
    ("total ≠ parts", table(funds_annual=Funds(total=155.72, fiscal=150, other=0)), "R10-funds-add-up", "error", None, "≠"),
    ("fiscal over total", table(funds_annual=Funds(total=155.72, fiscal=160)), "R10-funds-add-up", "error", None, "超过"),
    ("annual over midterm", table(funds_midterm=Funds(total=100, fiscal=100, other=0)),
     "R10-funds-add-up", "error", None, "中期"),
    ("明显提升", replace(4, row(B, L2.SOCIAL, "提升形象", "明显提升")), "R11-vague-value", "warning", 4, "定性"),
    ("持续影响 doubled (六安)", plus(row(B, L2.SUSTAINABLE, "网厅推广可持续影响力", "持续影响持续影响")),
     "R11-vague-value", "warning", 6, "「持续影响」"),
    ("vague midterm value (鄂州 递增)", plus(row(B, L2.SOCIAL, "廉租房补充资金增长率", "", midterm_value="递增")),
     "R11-vague-value", "warning", 6, "中期指标值「递增」"),
    ("placeholder in the midterm column", replace(1, row(O, L2.QUALITY, "线路通畅率", "≥95%", midterm_value="**%")),
     "R08-no-placeholder", "error", 1, "占位符"),
    ("进一步改善", replace(4, row(B, L2.SOCIAL, "改善办公环境", "进一步改善")), "R11-vague-value", "warning", 4, "进一步改善"),
    ("年度计划数 under 产出 (广州)", replace(0, row(O, L2.QUANTITY, "物业管理覆盖面积", "年度计划数")),
     "R12-unquantified", "warning", 0, "未量化"),
    ("prose under 效益", plus(row(B, L2.SOCIAL, "享受对象", "广东地区铁路职工")), "R12-unquantified", "info", 6, "未量化"),
    ("资金到位率 under 产出", plus(row(O, L2.QUALITY, "资金到位率", "100%")), "R13-input-as-output", "warning", 6, "资金"),
    ("money ratio in the description (张家口 宣传)",
     plus(row(O, L2.QUALITY, "宣传工作完成率", "≥90%", description="实际完成金额/计划完成金额")),
     "R13-input-as-output", "warning", 6, "不是产出"),
    ("satisfaction below 80%", replace(5, row(S, L2.SATISFACTION, "部门满意度", "75%")),
     "R14-satisfaction-value", "warning", 5, "低于80%"),
    ("satisfaction in words", replace(5, row(S, L2.SATISFACTION, "部门满意度", "较满意")),
     "R14-satisfaction-value", "warning", 5, "百分比"),
    ("satisfaction as a count", replace(5, row(S, L2.SATISFACTION, "部门满意度", "6")),
     "R14-satisfaction-value", "warning", 5, "百分比"),
    ("satisfaction under 效益 (广州)", replace(4, row(B, L2.SOCIAL, "窗口群众评价满意度", "90%以上")),
     "R15-satisfaction-placement", "warning", 4, "效益指标"),
    ("满意度 二级 under 效益", replace(4, row(B, L2.SATISFACTION, "窗口群众评价满意度", "≥90%")),
     "R04-level2-belongs", "error", 4, "满意度指标"),
    ("goal without indicator", table(goals_annual=["完成帮扶任务，改善帮扶村生活环境，提高村民生活水平。"]),
     "R16-goal-uncovered", "warning", None, "帮扶村"),
    ("same name twice", plus(row(O, L2.QUANTITY, "专线线路条数", "≥25条")), "R17-duplicate", "warning", 6, "第1行"),
    ("near-same name (租赁费用/年租赁费用)",
     plus(row(O, L2.COST, "年租赁服务成本", "≤100万元", basis=Basis.BUDGET)), "R17-duplicate", "warning", 6, "重复"),
    ("annual looser than midterm (≥)", replace(1, row(O, L2.QUALITY, "线路通畅率", "≥90%", midterm_value="≥95%")),
     "R18-annual-looser", "warning", 1, "宽松"),
    ("annual looser than midterm (≤)", replace(1, row(O, L2.QUALITY, "故障率", "≤8%", midterm_value="≤5%")),
     "R18-annual-looser", "warning", 1, "宽松"),
    ("no basis", replace(0, row(O, L2.QUANTITY, "专线线路条数", "≥20条", basis=None)),
     "R19-basis-missing", "info", None, "第1行"),
    ("无依据 (鄂州)", replace(0, row(O, L2.QUANTITY, "专线线路条数", "≥20条", basis=None, basis_note="无依据")),
     "R19-basis-missing", "info", None, "1项"),
]


@pytest.mark.parametrize("name,tbl,code,severity,index,text", TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_rule_triggers(name, tbl, code, severity, index, text):
    variant = Variant.MOF_2021 if name.startswith("mof") else None  # the one case run under 财预〔2021〕101号
    hits = [f for f in check_table(tbl, variant=variant) if f.code == code]
    assert hits, f"{code} not raised"
    hit = hits[0]
    assert (hit.severity.value, hit.indicator) == (severity, index)
    assert text in hit.message + (hit.suggestion or "")
    if index is not None:
        assert hit.message.startswith(f"第{index + 1}行「")


# (id, table, code that must stay silent, variant)
QUIET = [
    ("mof table with 成本 一级", table([*GOOD_ROWS[:3], row(C, L2.ECONOMIC_COST, "租赁服务成本", "≤155.72万元"),
                                      *GOOD_ROWS[4:]]), "R01-required-level1", Variant.MOF_2021),
    ("成本指标 as 一级 (六安)", replace(3, row(C, L2.COST, "档案室维护成本", "≤15000元")), "R04-level2-belongs", None),
    ("成本指标 as 一级: not in the provincial tree", replace(3, row(C, L2.COST, "档案室维护成本", "≤15000元")),
     "R02-cost-missing", None),
    ("unit cost with ≤", replace(3, row(O, L2.COST, "母婴室日常维护费用", "≤100元/平方")), "R05-cost-ceiling", None),
    ("per-person cost is not a total (张家口 人均聘用成本)",
     replace(3, row(O, L2.COST, "人均聘用成本", "≤200万元")), "R06-cost-budget", None),
    ("cost in 元 under budget (六安 档案室)", replace(3, row(O, L2.COST, "档案室维护成本", "≤15000元")),
     "R06-cost-budget", None),
    ("a rate under 成本 is not an amount (张家口 应缴尽缴率)",
     replace(3, row(O, L2.COST, "各项费用应缴尽缴率", "达到 100%")), "R05-cost-ceiling", None),
    ("社会成本 is not money", table([*GOOD_ROWS, row(C, L2.SOCIAL_COST, "群众办事成本", "明显降低")]),
     "R05-cost-ceiling", Variant.MOF_2021),
    ("达到 100% reaches, not exceeds (张家口 部门整体)", replace(1, row(O, L2.QUALITY, "培训完成率", "达到 100%")),
     "R07-percent-max", None),
    ("100% exactly", replace(1, row(O, L2.QUALITY, "线路通畅率", "100%")), "R07-percent-max", None),
    ("growth over 100%", plus(row(B, L2.ECONOMIC, "增值收益同比增长", "≥150%")), "R07-percent-max", None),
    ("month without year", replace(2, row(O, L2.TIMELINESS, "完成时间", "6 月底前")), "R09-date-in-period", None),
    ("date in a 3-year period (midterm)", replace(2, row(O, L2.TIMELINESS, "完成时间", "2020年底前",
                                                        midterm_value="2022年12月31日前"), start_year=2020,
                                               period_years=3), "R09-date-in-period", None),
    ("funds add up (六安)", table(funds_midterm=Funds(total=380.77, fiscal=380.77, other=0),
                                 funds_annual=Funds(total=96.47, fiscal=96.47, other=0)), "R10-funds-add-up", None),
    ("当天 as a 时效 value (鄂州)", replace(2, row(O, L2.TIMELINESS, "受理业务处理时效", "当天")),
     "R12-unquantified", None),
    ("培训完成率 is an output", plus(row(O, L2.QUALITY, "培训完成率", "100%")), "R13-input-as-output", None),
    ("satisfaction 80% exactly (广州 增城)", replace(5, row(S, L2.SATISFACTION, "员工对业务用房满意度", "80%")),
     "R14-satisfaction-value", None),
    ("满意度 二级 under 效益 is R04's", replace(4, row(B, L2.SATISFACTION, "窗口群众评价满意度", "≥90%")),
     "R15-satisfaction-placement", None),
    ("midterm-only row (鄂州 长期目标)", plus(row(O, L2.QUALITY, "个贷逾期率", "", midterm_value="<1‰")),
     "R08-no-placeholder", None),
    ("midterm-only row and annual row of one name", plus(row(O, L2.QUALITY, "线路通畅率", "", midterm_value="≥95%")),
     "R17-duplicate", None),
    ("different 二级, same words", plus(row(S, L2.SATISFACTION, "线路通畅率满意度", "≥90%")), "R17-duplicate", None),
    ("培训人数 / 培训天数", plus(row(O, L2.QUANTITY, "培训人数", "≥40人"), row(O, L2.QUANTITY, "培训天数", "<8天")),
     "R17-duplicate", None),
    ("annual stricter than midterm", replace(1, row(O, L2.QUALITY, "线路通畅率", "≥98%", midterm_value="≥95%")),
     "R18-annual-looser", None),
    ("counts are not compared", replace(0, row(O, L2.QUANTITY, "专线线路条数", "≥10条", midterm_value="≥60条")),
     "R18-annual-looser", None),
]


@pytest.mark.parametrize("name,tbl,code,variant", QUIET, ids=[q[0] for q in QUIET])
def test_rule_stays_quiet(name, tbl, code, variant):
    assert code not in codes(check_table(tbl, variant=variant))


def test_findings_sorted_errors_first_then_row_then_code():
    tbl = table([
        row(O, L2.QUANTITY, "专线线路条数", "*"),
        row(O, L2.QUALITY, "线路通畅率", "≥100%"),
        row(B, L2.SOCIAL, "提升形象", "明显提升"),
        row(S, L2.SATISFACTION, "部门满意度", "110%", basis=None),
    ])
    findings = check_table(tbl)
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity.value], -1 if f.indicator is None else f.indicator, f.code) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].severity is Severity.ERROR
    assert check_table(tbl) == findings  # deterministic


def test_alternatives_hook_feeds_the_suggestion():
    tbl = replace(4, row(B, L2.SOCIAL, "提升形象", "明显提升"))
    precedent = "业务限时办结率≥95%（广州 2023）"
    hit = next(f for f in check_table(tbl, alternatives={4: precedent}) if f.code == "R11-vague-value")
    assert hit.suggestion == precedent
    generic = next(f for f in check_table(tbl) if f.code == "R11-vague-value")
    assert "%" in generic.suggestion


def test_variant_is_strict_when_given():
    # 产出/成本指标 is the provincial tree; under 财预〔2021〕101号 成本 is its own 一级
    assert "R04-level2-belongs" in codes(check_table(table(), variant=Variant.MOF_2021))
    assert "R04-level2-belongs" not in codes(check_table(table(), variant="provincial"))


def test_blank_slots_are_not_rows():
    # a form's unused 二级 (经济效益指标 with no 三级) reads as a blank row: not a finding
    assert check_table(plus(row(B, L2.ECONOMIC, "", "", basis=None))) == []


# --- the seeds: real findings on the ingested corpus (corpus/forms, produced by the readers) -------------

FORMS = get_settings().forms_dir


def _project(source: str, name: str):
    path = FORMS / f"{source}.json"
    if not path.exists():
        pytest.skip(f"{path.name} not ingested yet")
    from assistant.corpus.store import load_documents

    doc = next(d for d in load_documents([FORMS]) if d.provenance.source.startswith(source))
    return next(p.table for p in doc.projects if name in p.table.project_name)


def _hits(tbl, code):
    return [(f, tbl.indicators[f.indicator]) for f in check_table(tbl) if f.code == code and f.indicator is not None]


def test_seed_luan_timeliness_over_100_percent():
    tbl = _project("000_35dfb5000cd90ba0", "运转维护经费")
    hits = _hits(tbl, "R07-percent-max")
    assert any(ind.name == "项目完成及时性" and "≥100%" in f.message for f, ind in hits)


def test_seed_luan_vague_sustainability():
    tbl = _project("000_35dfb5000cd90ba0", "运转维护经费")
    assert any("持续影响" in f.message for f, _ in _hits(tbl, "R11-vague-value"))


def test_seed_zhongwei_ecological_wu():
    tbl = _project("004_1fb274d828a9de78", "公积金管理业务费用")
    hits = _hits(tbl, "R08-no-placeholder")
    assert any(ind.level2 is Level2.ECOLOGICAL and f.severity is Severity.ERROR for f, ind in hits)


def test_seed_zhangjiakou_training_unit_cost_and_vague_value():
    tbl = _project("002_98f9b5c3ed7d96d3", "业务工作培训费")
    assert any(ind.name == "受训人均成本" for _, ind in _hits(tbl, "R05-cost-ceiling"))
    assert _hits(tbl, "R11-vague-value")


def test_seed_guangzhou_satisfaction_under_benefit():
    # 广州 (001) writes "2、效益指标：窗口群众评价满意度": no 满意度 一级, and the row sits under 效益
    tbl = _project("001_1d4fe422b316c871", "2022年-2023年IT整体运维项目")
    missing = [f for f in check_table(tbl) if f.code == "R01-required-level1" and "满意度" in f.message]
    assert missing and "窗口群众评价满意度" in missing[0].suggestion
    placed = _hits(tbl, "R04-level2-belongs") + _hits(tbl, "R15-satisfaction-placement")
    assert any("满意" in ind.name for _, ind in placed)


def test_every_seed_project_checks_cleanly():
    if not any(FORMS.glob("*.json")):
        pytest.skip("corpus/forms not ingested yet")
    from assistant.corpus.store import load_documents

    for doc in load_documents([FORMS]):
        for project in doc.projects:
            for f in check_table(project.table):
                assert f.message and f.code in {r.code for r in RULES}
                if f.indicator is not None:
                    assert 0 <= f.indicator < len(project.table.indicators)
                    assert f.message.startswith(f"第{f.indicator + 1}行")


def test_seed_ezhou_long_term_rows_are_not_gaps():
    # 鄂州 (003) lists 长期目标 indicators with only a long-term value: not empty cells, not duplicates
    tbl = _project("003_123bcc6467df04e1", "部门整体")
    long_term = {i for i, ind in enumerate(tbl.indicators) if not ind.value and ind.midterm_value}
    assert long_term
    findings = check_table(tbl)
    assert not [f for f in findings if f.code in ("R08-no-placeholder", "R17-duplicate") and f.indicator in long_term]
    assert any(f.code == "R11-vague-value" and "递增" in f.message for f in findings)
