"""指标值 parsing: real cells from the five seeds (corpus/sources), plus the messes the readers meet."""
from __future__ import annotations

import pytest

from assistant.values import Operator, ValueKind, chinese_number, clean, format_value, parse_value

Q, D, QL, PH, E = ValueKind.QUANTITY, ValueKind.DATE, ValueKind.QUALITATIVE, ValueKind.PLACEHOLDER, ValueKind.EMPTY
GE, LE, GT, LT = Operator.GE, Operator.LE, Operator.GT, Operator.LT

# raw cell, kind, operator, number, unit, canonical format(), other fields
CASES = [
    # 张家口 (002): units glued or spaced, LaTeX left by the PDF conversion
    ("≥20 条", Q, GE, 20, "条", "≥20条", {}),
    ("$\\geq 90\\%$", Q, GE, 90, "%", "≥90%", {}),
    ("$\\leq 5\\%$", Q, LE, 5, "%", "≤5%", {}),
    ("≤ 155.72 万元", Q, LE, 155.72, "万元", "≤155.72万元", {}),
    ("430 元/人", Q, None, 430, "元/人", "430元/人", {}),
    ("≥190 人", Q, GE, 190, "人", "≥190人", {}),
    ("993.85 万元", Q, None, 993.85, "万元", "993.85万元", {}),
    ("≥1 年", Q, GE, 1, "年", "≥1年", {}),
    ("4 个", Q, None, 4, "个", "4个", {}),
    ("<8 天", Q, LT, 8, "天", "<8天", {}),
    ("≥3 种", Q, GE, 3, "种", "≥3种", {}),
    ("≤ 164.57万元", Q, LE, 164.57, "万元", "≤164.57万元", {}),
    ("≤1141.3万元", Q, LE, 1141.3, "万元", "≤1141.3万元", {}),
    ("12个月", Q, None, 12, "个月", "12个月", {}),
    ("3项", Q, None, 3, "项", "3项", {}),
    ("≥300套", Q, GE, 300, "套", "≥300套", {}),
    ("100%", Q, None, 100, "%", "100%", {}),
    ("≥100%", Q, GE, 100, "%", "≥100%", {}),
    ("满意率≥90%", Q, GE, 90, "%", "满意率≥90%", {"label": "满意率"}),
    ("2020.12.31 日前", D, None, None, None, "2020.12.31日前", {"year": 2020, "month": 12, "day": 31, "deadline": True}),
    ("6 月底前", D, None, None, None, "6月底前", {"year": None, "month": 6, "deadline": True}),
    ("6月底前", D, None, None, None, "6月底前", {"month": 6, "deadline": True}),
    ("明显提升", QL, None, None, None, "明显提升", {}),
    ("进一步改善", QL, None, None, None, "进一步改善", {}),  # 一 is part of a word, not a number
    ("明显扩大", QL, None, None, None, "明显扩大", {}),
    ("达到4个", Q, GE, 4, "个", "≥4个", {}),
    ("达到 100%", Q, GE, 100, "%", "≥100%", {}),
    ("≥ 9 次", Q, GE, 9, "次", "≥9次", {}),
    # 六安 (000)
    ("≥71人", Q, GE, 71, "人", "≥71人", {}),
    ("≥1000000条", Q, GE, 1_000_000, "条", "≥1000000条", {}),
    ("7条", Q, None, 7, "条", "7条", {}),
    ("365天", Q, None, 365, "天", "365天", {}),
    ("≤15000元", Q, LE, 15000, "元", "≤15000元", {}),
    ("≥2次数", Q, GE, 2, "次数", "≥2次数", {}),
    ("≤100元/平方", Q, LE, 100, "元/平方", "≤100元/平方", {}),
    ("持续影响持续影响", QL, None, None, None, "持续影响", {}),  # a merged cell extracted twice
    # 广州 (001): operators in words and after the number
    ("大于等于95%", Q, GE, 95, "%", "≥95%", {}),
    ("95%以上", Q, GE, 95, "%", "≥95%", {}),
    (">99%", Q, GT, 99, "%", ">99%", {}),
    (">200万", Q, GT, 200, "万", ">200万", {}),
    ("≤1%", Q, LE, 1, "%", "≤1%", {}),
    ("518万人以上", Q, GE, 518, "万人", "≥518万人", {}),
    ("700平方米以上", Q, GE, 700, "平方米", "≥700平方米", {}),
    ("1831.3平方米", Q, None, 1831.3, "平方米", "1831.3平方米", {}),
    ("1000份以上", Q, GE, 1000, "份", "≥1000份", {}),
    ("4秒", Q, None, 4, "秒", "4秒", {}),
    ("≥3", Q, GE, 3, None, "≥3", {}),
    ("0起", Q, None, 0, "起", "0起", {}),
    ("员工满意度98%以上", Q, GE, 98, "%", "员工满意度≥98%", {"label": "员工满意度"}),
    ("验收合格率100%", Q, None, 100, "%", "验收合格率100%", {"label": "验收合格率"}),
    ("年度计划数", QL, None, None, None, "年度计划数", {}),
    ("正常开展", QL, None, None, None, "正常开展", {}),
    ("实现住房公积金缴存人数和缴存总额持续稳定增长。", QL, None, None, None,
     "实现住房公积金缴存人数和缴存总额持续稳定增长。", {}),
    # 鄂州 (003): full-width signs, per-mille
    ("＜1‰", Q, LT, 1, "‰", "<1‰", {}),
    ("＜2%", Q, LT, 2, "%", "<2%", {}),
    ("＜7个工作日", Q, LT, 7, "个工作日", "<7个工作日", {}),
    ("≥10%", Q, GE, 10, "%", "≥10%", {}),
    ("递增", QL, None, None, None, "递增", {}),
    ("当天", QL, None, None, None, "当天", {}),
    ("1‰以下", Q, LE, 1, "‰", "≤1‰", {}),
    # 中卫 (004): self-evaluation values
    ("每月25日", D, None, None, None, "每月25日", {"day": 25, "month": None}),
    ("2024年1月-12月", D, None, None, None, "2024年1月-12月", {"year": 2024, "month": 1}),
    ("约95万元", Q, None, 95, "万元", "约95万元", {"approx": True}),
    ("约8万元", Q, None, 8, "万元", "约8万元", {"approx": True}),
    ("4000万元", Q, None, 4000, "万元", "4000万元", {}),
    ("625笔", Q, None, 625, "笔", "625笔", {}),
    ("99.5", Q, None, 99.5, None, "99.5", {}),
    ("长期", QL, None, None, None, "长期", {}),
    ("无", E, None, None, None, "无", {}),
    # deadlines and dates as drafts write them
    ("2025年6月底前", D, None, None, None, "2025年6月底前", {"year": 2025, "month": 6, "deadline": True}),
    ("2020年12月31日前", D, None, None, None, "2020年12月31日前", {"year": 2020, "month": 12, "day": 31, "deadline": True}),
    ("2025年度", D, None, None, None, "2025年度", {"year": 2025}),
    ("2020年度计划数", QL, None, None, None, "2020年度计划数", {}),  # a year, then prose
    # Chinese numerals and ranges
    ("十台", Q, None, 10, "台", "10台", {}),
    ("十二个月", Q, None, 12, "个月", "12个月", {}),
    ("三次以上", Q, GE, 3, "次", "≥3次", {}),
    ("约10套", Q, None, 10, "套", "约10套", {"approx": True}),
    ("10—12辆", Q, None, 10, "辆", "10—12辆", {"number_max": 12}),
    ("90%-95%", Q, None, 90, "%", "90—95%", {"number_max": 95}),
    ("统一管理", QL, None, None, None, "统一管理", {}),
    ("一次性", QL, None, None, None, "一次性", {}),
    ("零逾期", QL, None, None, None, "零逾期", {}),
    ("≥95%（含）", Q, GE, 95, "%", "≥95%", {}),
    ("不超过60.13万元", Q, LE, 60.13, "万元", "≤60.13万元", {}),
    ("≥９０％", Q, GE, 90, "%", "≥90%", {}),
    # placeholders and empties
    ("*", PH, None, None, None, "*", {}),
    ("**%", PH, None, None, None, "**%", {}),
    ("XX", PH, None, None, None, "XX", {}),
    ("≥XX%", PH, None, None, None, "≥XX%", {}),
    ("***万元", PH, None, None, None, "***万元", {}),
    ("", E, None, None, None, "", {}),
    ("—", E, None, None, None, "—", {}),
    ("/", E, None, None, None, "/", {}),
    ("  ", E, None, None, None, "", {}),
]


@pytest.mark.parametrize("raw,kind,operator,number,unit,formatted,extra", CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_parse_value(raw, kind, operator, number, unit, formatted, extra):
    parsed = parse_value(raw)
    assert parsed.raw == raw
    assert (parsed.kind, parsed.operator, parsed.number, parsed.unit) == (kind, operator, number, unit)
    for key, expected in extra.items():
        assert getattr(parsed, key) == expected, key
    assert parsed.format() == formatted


QUANTITIES = [c for c in CASES if c[1] is Q]


@pytest.mark.parametrize("raw", [c[0] for c in QUANTITIES])
def test_format_round_trips(raw):
    parsed = parse_value(raw)
    again = parse_value(parsed.format())
    assert (again.kind, again.operator, again.number, again.number_max, again.unit, again.approx, again.label) == (
        parsed.kind, parsed.operator, parsed.number, parsed.number_max, parsed.unit, parsed.approx, parsed.label)
    assert again.format() == parsed.format()


def test_table_is_large_enough():
    assert len(CASES) >= 50


@pytest.mark.parametrize("operator,number,unit,expected", [
    (GE, 90, "%", "≥90%"),
    ("≤", 60.13, "万元", "≤60.13万元"),
    (None, 430, "元/人", "430元/人"),
    (LT, 1, "‰", "<1‰"),
    (GE, 1_000_000, "条", "≥1000000条"),
    (None, None, "%", ""),
])
def test_format_value(operator, number, unit, expected):
    assert format_value(operator, number, unit) == expected
    if expected:
        parsed = parse_value(expected)
        assert (parsed.number, parsed.unit) == (number, unit)


@pytest.mark.parametrize("text,expected", [
    ("十", 10), ("二十五", 25), ("三百", 300), ("六十万", 600_000), ("两", 2), ("一千零五", 1005), ("abc", None), ("", None),
])
def test_chinese_number(text, expected):
    assert chinese_number(text) == expected


@pytest.mark.parametrize("raw,expected", [
    ("$\\geq 90\\%$", "≥90%"),
    ("≥ 20 条", "≥20条"),
    ("持续影响持续影响", "持续影响"),
    ("＞＝95％", "≥95%"),
    ("产出\n指标", "产出 指标"),
])
def test_clean(raw, expected):
    assert clean(raw) == expected


# --- numerals as preparers type them (cn2an's smart mode, and what it refuses) ---------------------

@pytest.mark.parametrize("text,expected", [
    ("九万六", 96_000), ("两万五", 25_000), ("3万8", 38_000), ("54万9700", 549_700), ("1.2亿", 120_000_000),
    ("一亿二", 120_000_000), ("五十四点九七", 54.97), ("五十四点九七万", 549_700), ("0.00001万", 0.1),
    ("十一万三", 113_000), ("一千零五", 1005), ("54.97", 54.97), ("二〇二五", 2025),
    ("万", None), ("亿", None), ("点", None), ("1e3", None), ("3..5", None), ("十台", None),
])
def test_chinese_number_as_typed(text, expected):
    assert chinese_number(text) == expected


@pytest.mark.parametrize("raw,number,unit", [("十台", 10, "台"), ("三个月", 3, "个月"), ("两万五千元", 25_000, "元")])
def test_parse_value_reads_numerals_in_words(raw, number, unit):
    parsed = parse_value(raw)
    assert (parsed.number, parsed.unit) == (number, unit)
