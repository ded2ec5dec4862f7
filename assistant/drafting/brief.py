"""Understanding what the preparer typed: budgets, years, periods and the project name.

"预算54.97万元" / "60万" / "600000元" / "六十万" / "九万六" / "3万8" / "12.5w" → 万元 (a bare
"54.97" is 万元, "549700" 元, "54970" is asked about); "2025年" → 2025; "3年" / "2025—2027年" → period.
Unusable or absurd input raises BriefError with a Chinese message that says the range and what to type
instead; the caller keeps its state as it was. The bounds are a project's, not a number's: a budget
from 0.01 万元 (100 元) to 100 亿元, a year from ten years back to five ahead, a period of 1–10 years.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

from assistant.errors import BriefError
from assistant.values import chinese_number, ungroup_digits

MAX_TEXT = 4000  # a description longer than this is cut (a 100 kB paste must not slow anything down)
MIN_BUDGET, MAX_BUDGET = 0.01, 1_000_000.0  # 万元: 100 元 … 100 亿元
# A bare number (no unit, no 万/亿 in it) under WAN_BELOW is 万元 and from YUAN_FROM on 元; between the
# two it could be either (54970 元 = 5.497 万元, 54970 万元 = 5.5 亿元), so the preparer is asked.
WAN_BELOW, YUAN_FROM = 10_000, 100_000
YEARS_BACK, YEARS_AHEAD = 10, 5
MAX_PERIOD = 10
_RANGE = "项目预算应在 0.01 万元（100 元）到 100 亿元之间"
_BUDGET_HINT = "请填写数字，例如 60.13 或 60万元"
# A numeral as typed: 54.97, 549,700, 六十, 九万六, 3万8, 54万9700, 1.2亿, 五十四点九七 (values.chinese_number).
NUMERAL = r"(?:\d+(?:,\d{3}(?!\d))*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿点])+"
MONEY_UNITS = ("亿元", "万元", "千元", "元", "亿", "万")
_MONEY = re.compile(rf"(?P<num>{NUMERAL})\s*(?P<unit>{'|'.join(MONEY_UNITS)})?")
_TO_WAN = {"亿元": 10_000, "亿": 10_000, "万元": 1, "万": 1, "千元": 0.1, "元": 0.0001}
_LEAD = re.compile(r"^(?:预算|金额|资金|经费|总额|总计|共计|合计|大概|大约|约|为|是|:|：|\s)+")
_W = re.compile(r"(?<=\d)\s*[wW](?![a-zA-Z])")  # 12.5w: 万 as typed on a phone


def parse_budget(text: str | float | int | None) -> float | None:
    """A budget in 万元. A number typed with no unit is read by its size (WAN_BELOW, YUAN_FROM); a
    numeral holding 千, 万 or 亿 counts 元 (九万六 → 9.6, 54万9700元 → 54.97); a number passed as a number
    (the sidebar's field) is 万元."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, bool):
        raise BriefError(f"预算金额无法识别：{text}。{_BUDGET_HINT}")
    if isinstance(text, (int, float)):
        value, unit, shown = float(text), "万元", format(text)
    else:
        value, unit = _budget_text(ungroup_digits(str(text)))
        shown = str(text).strip()[:30]
    if not math.isfinite(value):
        raise BriefError(f"预算金额无法识别：{shown}。{_BUDGET_HINT}")
    wan = value * _TO_WAN[unit]
    if wan <= 0:
        raise BriefError(f"预算金额必须大于 0：{shown}。{_BUDGET_HINT}")
    if wan < MIN_BUDGET:
        hint = f"如果是 {_plain(value)} 万元，请写“{_plain(value)}万元”。" if unit not in ("万元", "万") else ""
        raise BriefError(f"预算金额过小：{shown}（折合 {_plain(wan)} 万元）。{_RANGE}。{hint}草稿未改动")
    if wan > MAX_BUDGET:
        raise BriefError(f"预算金额过大：{shown}（折合 {_plain(wan)} 万元）。{_RANGE}，请检查单位。草稿未改动")
    return round(wan, 4)


def _budget_text(text: str) -> tuple[float, str]:
    """(number, unit) as written; "1e30", "60abc" or "5.5.5" are refused, not read as "1" or "60"."""
    # NFKC, not values.clean: its undoubling would read "9999" as "99"
    s = _W.sub("万", unicodedata.normalize("NFKC", text).replace("，", ",").strip())
    s = _LEAD.sub("", s).strip()
    if s.startswith("-"):
        raise BriefError(f"预算金额不能为负数：{text}。{_BUDGET_HINT}")
    m = _MONEY.fullmatch(s.rstrip("。.")) or _MONEY.match(s)
    if not m or re.match(r"[0-9A-Za-z.,_]", s[m.end():]):
        raise BriefError(f"预算金额无法识别：{text[:30]}。{_BUDGET_HINT}")
    num, unit = m.group("num"), m.group("unit") or ""
    split = re.fullmatch(r"(?P<head>[^万亿]+)(?P<mag>[万亿])", num)
    if split and unit in ("", "元"):  # 60万, 五十四点九七万元, 1.2亿: the number, then its unit
        num, unit = split.group("head"), split.group("mag") + unit
    value = _number(num)
    if value is None:
        raise BriefError(f"预算金额无法识别：{text[:30]}。{_BUDGET_HINT}")
    if not unit and re.search("[千万亿]", num):
        unit = "元"  # 九万六, 60万, 1.2亿, 3千: the numeral says its size, it counts 元
    elif not unit:
        unit = _bare_unit(value, text)
    return value, unit


def _bare_unit(value: float, text: str) -> str:
    """万元 or 元 for a number typed with no unit; a number that could be either is asked about."""
    if value < WAN_BELOW:
        return "万元"
    if value >= YUAN_FROM:
        return "元"
    shown = _plain(value)
    raise BriefError(f"预算“{text.strip()[:30]}”没有写单位：是 {shown} 元（{_plain(value / 10_000)} 万元），"
                     f"还是 {shown} 万元？请带上单位再写一次，例如“{_plain(value / 10_000)}万元”。草稿未改动")


def _plain(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _number(s: str) -> float | None:
    s = s.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    return chinese_number(s)


def year_window(today: date | None = None) -> tuple[int, int]:
    """The years a project may be for: ten back (a late self-evaluation) to five ahead (a mid-term plan)."""
    year = (today or date.today()).year
    return year - YEARS_BACK, year + YEARS_AHEAD


def parse_year(text: str | int | None) -> int | None:
    """"2025", "2025年", "2025年度" → 2025; "20250", "25", "2050" are refused with the window."""
    if text is None or text == "":
        return None
    if isinstance(text, bool) or (isinstance(text, float) and not text.is_integer()):
        raise BriefError(f"年度无法识别：{text}。请填写四位年份，例如 2025")
    runs = re.findall(r"\d+", unicodedata.normalize("NFKC", str(text)))  # not clean: "2020" is no doubled "20"
    if not runs:
        raise BriefError(f"年度无法识别：{str(text)[:20]}。请填写四位年份，例如 2025")
    if len(runs[0]) != 4:
        raise BriefError(f"年度 {runs[0][:12]} 无法识别：请填写四位年份，例如 2025。草稿未改动")
    year = int(runs[0])
    low, high = year_window()
    if not low <= year <= high:
        raise BriefError(f"年度 {year} 不在 {low}–{high} 年之间，请检查。草稿未改动")
    return year


def trim_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text[:MAX_TEXT] if text else None


# --- pulling brief fields out of a chat message ------------------------------------------------

# A budget in a message: after a budget word, or any amount in 元/万 that is not a measure (1.8万平方米).
_NOT_MONEY_AFTER = r"(?![平米亩公里人名位户次场期批台套辆件个条份页册本张部座块所家项株棵吨A-Za-z])"
_BUDGET_WORDS = "预算|金额|资金|经费|总额|共计|合计"
_BUDGET_WORD = re.compile(_BUDGET_WORDS)
_BUDGET_IN_TEXT = re.compile(
    rf"(?:{_BUDGET_WORDS})\s*(?:为|是|:|：|约)?\s*"
    rf"(?P<amount>(?>{NUMERAL}\s*(?:{'|'.join(MONEY_UNITS)})?)){_NOT_MONEY_AFTER}"
    rf"|(?<![\d.])(?P<amount2>(?>\d(?:{NUMERAL})?\s*(?:万元|元|万))){_NOT_MONEY_AFTER}"
)
# A rate, not a total: 每人每餐补贴3元, 按每人每月200元标准, 单价5000元, 200元/人 (每年 is the budget's own year).
_RATE_BEFORE = re.compile(r"每(?!年)|单价|均价|人均|户均|次均|标准")
_RATE_AFTER = re.compile(r"^\s*(?:/|每|一(?:人|户|次|台|个|件|套|名))")
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*(?:年度|年)(?!\s*[-—至到~]\s*(?:19|20)\d{2})")
_BAD_YEAR = re.compile(r"(?<![\d.])(\d{5,})\s*(?:年度|年)")
_PERIOD_RANGE = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[-—–至到~]+\s*((?:19|20)\d{2})\s*年?")
_PERIOD_YEARS = re.compile(r"(?:项目期|实施期|周期|期限)\s*(?:为|是|:|：)?\s*(\d+|[一二三四五])\s*年")


def find_budget(text: str) -> float | None:
    """The budget a message states, in 万元; amounts that are rates (每人每月200元) are not one."""
    for m in _BUDGET_IN_TEXT.finditer(_W.sub("万", text)):
        if _is_rate(m.string, m.start(), m.end()):
            continue
        return parse_budget(m.group("amount") or m.group("amount2"))
    return None


def _is_rate(text: str, start: int, end: int) -> bool:
    """An amount per person, per meal, per unit: a standard of the project, not its budget."""
    clause = max(text.rfind(ch, 0, start) for ch in "，。；;,\n \t\u3000") + 1
    before = text[max(clause, start - 12):start]  # a space ends a clause: "推文每月4篇 经费128000元"
    rates = list(_RATE_BEFORE.finditer(before))
    # the last rate word rules, unless a budget word follows it ("每人标准经费预算5万元")
    if rates and not _BUDGET_WORD.search(before[rates[-1].end():]):
        return True
    return bool(_RATE_AFTER.match(text[end:]))


def find_year(text: str) -> int | None:
    bad = _BAD_YEAR.search(text)
    if bad:
        parse_year(bad.group(1))  # "20250年度": refused with the reason, not read as no year at all
    m = _PERIOD_RANGE.search(text) or _YEAR_IN_TEXT.search(text)
    return parse_year(m.group(1)) if m else None


def find_period_years(text: str) -> int | None:
    m = _PERIOD_RANGE.search(text)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        return end - start + 1 if 0 <= end - start < MAX_PERIOD else None
    m = _PERIOD_YEARS.search(text)
    if m:
        n = m.group(1)
        years = int(n[:6]) if n.isdigit() else int(chinese_number(n) or 1)
        if not 1 <= years <= MAX_PERIOD:
            raise BriefError(f"项目期 {n[:6]} 年不在 1–{MAX_PERIOD} 年之间，请检查。草稿未改动")
        return years
    return None
