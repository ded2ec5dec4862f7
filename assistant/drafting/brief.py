"""Understanding what the preparer typed: budgets, years, periods and the project name.

"预算54.97万元" / "60万" / "600000元" / "六十万" → 万元; "2025年" → 2025; "3年" / "2025—2027年" → period.
Unusable or absurd input raises BriefError with a Chinese message that says the range and what to type
instead; the caller keeps its state as it was. The bounds are a project's, not a number's: a budget
from 0.01 万元 (100 元) to 100 亿元, a year from ten years back to five ahead, a period of 1–10 years.
"""
from __future__ import annotations

import math
import re
from datetime import date

from assistant.errors import BriefError
from assistant.values import chinese_number, clean

MAX_TEXT = 4000  # a description longer than this is cut (a 100 kB paste must not slow anything down)
MIN_BUDGET, MAX_BUDGET = 0.01, 1_000_000.0  # 万元: 100 元 … 100 亿元
YEARS_BACK, YEARS_AHEAD = 10, 5
MAX_PERIOD = 10
_RANGE = "项目预算应在 0.01 万元（100 元）到 100 亿元之间"
_BUDGET_HINT = "请填写数字，例如 60.13 或 60万元"
_MONEY = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿点]+)\s*(?P<unit>亿元|亿|万元|万|千元|元)?"
)


def parse_budget(text: str | float | int | None) -> float | None:
    """A budget in 万元. Bare numbers are 万元 unless they are clearly 元 (≥ 100000 with no unit)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, bool):
        raise BriefError(f"预算金额无法识别：{text}。{_BUDGET_HINT}")
    if isinstance(text, (int, float)):
        value, unit, shown = float(text), "万元", format(text)
    else:
        value, unit = _budget_text(str(text))
        shown = str(text).strip()[:30]
    if not math.isfinite(value):
        raise BriefError(f"预算金额无法识别：{shown}。{_BUDGET_HINT}")
    wan = {"亿元": value * 10_000, "亿": value * 10_000, "万元": value, "万": value,
           "千元": value / 10, "元": value / 10_000}[unit]
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
    s = clean(text).replace("，", ",").strip()
    s = re.sub(r"^(预算|金额|资金|总额|约|为|是|:|：)+", "", s)
    if s.startswith("-"):
        raise BriefError(f"预算金额不能为负数：{text}。{_BUDGET_HINT}")
    m = _MONEY.fullmatch(s.rstrip("。.")) or _MONEY.match(s)
    if not m or re.match(r"[0-9A-Za-z.,_]", s[m.end():]):
        raise BriefError(f"预算金额无法识别：{text[:30]}。{_BUDGET_HINT}")
    value = _number(m.group("num"))
    unit = m.group("unit") or ""
    num = m.group("num")
    if not num[0].isdigit() and num[-1] in "万亿" and len(num) > 1:
        # 六十万 / 五十四点九七万: the trailing 万 is the unit, not part of the numeral
        unit = num[-1] + unit
        value = _number(num[:-1])
    if value is None:
        raise BriefError(f"预算金额无法识别：{text[:30]}。{_BUDGET_HINT}")
    if not unit:
        unit = "元" if value >= 100_000 else "万元"
    if unit not in ("亿元", "亿", "万元", "万", "千元", "元"):  # 万亿 and the like: a unit of units
        raise BriefError(f"预算金额过大：{text[:30]}。{_RANGE}，请检查单位。草稿未改动")
    return value, unit


def _plain(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _number(s: str) -> float | None:
    if s[0].isdigit():
        return float(s.replace(",", ""))
    if "点" in s:  # 五十四点九七
        whole, _, frac = s.partition("点")
        w = chinese_number(whole) if whole else 0.0
        digits = [chinese_number(ch) for ch in frac]
        if w is None or any(d is None for d in digits):
            return None
        return w + float("0." + "".join(str(int(d)) for d in digits))
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
    runs = re.findall(r"\d+", clean(str(text)))
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

_BUDGET_IN_TEXT = re.compile(
    r"(?:预算|金额|资金|经费|总额|共计|合计)\s*(?:为|是|:|：|约)?\s*"
    r"(?P<amount>(?:\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿点]+)\s*(?:亿元|亿|万元|万|千元|元)?)"
    r"|(?P<amount2>\d+(?:,\d{3})*(?:\.\d+)?\s*(?:万元|万|元))"
)
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*(?:年度|年)(?!\s*[-—至到~]\s*(?:19|20)\d{2})")
_BAD_YEAR = re.compile(r"(?<![\d.])(\d{5,})\s*(?:年度|年)")
_PERIOD_RANGE = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[-—–至到~]+\s*((?:19|20)\d{2})\s*年?")
_PERIOD_YEARS = re.compile(r"(?:项目期|实施期|周期|期限)\s*(?:为|是|:|：)?\s*(\d+|[一二三四五])\s*年")


def find_budget(text: str) -> float | None:
    m = _BUDGET_IN_TEXT.search(text)
    if not m:
        return None
    return parse_budget(m.group("amount") or m.group("amount2"))


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
