"""Understanding what the preparer typed: budgets, years, periods and the project name.

"预算54.97万元" / "60万" / "600000元" / "六十万" → 万元; "2025年" → 2025; "3年" / "2025—2027年" → period.
Unusable input raises BriefError with a Chinese message that says what to type instead.
"""
from __future__ import annotations

import re

from assistant.errors import BriefError
from assistant.values import chinese_number, clean

MAX_TEXT = 4000  # a description longer than this is cut (a 100 kB paste must not slow anything down)
MIN_YEAR, MAX_YEAR = 2000, 2100

_BUDGET_HINT = "请填写数字，例如 60.13 或 60万元"
_MONEY = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿点]+)\s*(?P<unit>亿元|亿|万元|万|千元|元)?"
)


def parse_budget(text: str | float | int | None) -> float | None:
    """A budget in 万元. Bare numbers are 万元 unless they are clearly 元 (≥ 100000 with no unit)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, (int, float)):
        value = float(text)
        unit = "万元"
    else:
        s = clean(str(text)).replace("，", ",").strip()
        s = re.sub(r"^(预算|金额|资金|总额|约|为|是|:|：)+", "", s)
        if s.startswith("-"):
            raise BriefError(f"预算金额不能为负数：{text}。{_BUDGET_HINT}")
        m = _MONEY.fullmatch(s.rstrip("。.")) or _MONEY.match(s)
        if not m:
            raise BriefError(f"预算金额无法识别：{text}。{_BUDGET_HINT}")
        value = _number(m.group("num"))
        unit = m.group("unit") or ""
        num = m.group("num")
        if not num[0].isdigit() and num[-1] in "万亿" and len(num) > 1:
            # 六十万 / 五十四点九七万: the trailing 万 is the unit, not part of the numeral
            unit = num[-1] + unit
            value = _number(num[:-1])
        if value is None:
            raise BriefError(f"预算金额无法识别：{text}。{_BUDGET_HINT}")
        if not unit:
            unit = "元" if value >= 100_000 else "万元"
    value = {"亿元": value * 10_000, "亿": value * 10_000, "万元": value, "万": value,
             "千元": value / 10, "元": value / 10_000}[unit]
    if value <= 0:
        raise BriefError(f"预算金额必须大于 0：{text}。{_BUDGET_HINT}")
    if value > 10_000_000:
        raise BriefError(f"预算金额过大：{text}（{value:g} 万元）。{_BUDGET_HINT}")
    return round(value, 4)


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


def parse_year(text: str | int | None) -> int | None:
    if text is None or text == "":
        return None
    m = re.search(r"(\d{4})", str(text))
    if not m:
        raise BriefError(f"年度无法识别：{text}。请填写四位年份，例如 2025")
    year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BriefError(f"年度 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间，请检查")
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
_PERIOD_RANGE = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[-—–至到~]+\s*((?:19|20)\d{2})\s*年?")
_PERIOD_YEARS = re.compile(r"(?:项目期|实施期|周期|期限)\s*(?:为|是|:|：)?\s*(\d+|[一二三四五])\s*年")


def find_budget(text: str) -> float | None:
    m = _BUDGET_IN_TEXT.search(text)
    if not m:
        return None
    return parse_budget(m.group("amount") or m.group("amount2"))


def find_year(text: str) -> int | None:
    m = _PERIOD_RANGE.search(text) or _YEAR_IN_TEXT.search(text)
    return parse_year(m.group(1)) if m else None


def find_period_years(text: str) -> int | None:
    m = _PERIOD_RANGE.search(text)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        return end - start + 1 if 0 <= end - start <= 10 else None
    m = _PERIOD_YEARS.search(text)
    if m:
        n = m.group(1)
        return int(n) if n.isdigit() else int(chinese_number(n) or 1)
    return None
