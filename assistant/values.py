"""指标值: what preparers write, split into operator + number + unit (and back).

Handles the forms' mess: LaTeX left by PDF conversion (``$\\geq 90\\%$``), full- and half-width
signs, operators in words (大于等于, 以上, 不超过), units glued to numbers, dates and deadlines,
Chinese numerals, ranges, and cells doubled by merged-cell extraction (持续影响持续影响).
Qualitative values stay qualitative with their text; nothing is dropped.
"""
from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel


class Operator(StrEnum):
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="


class ValueKind(StrEnum):
    QUANTITY = "quantity"  # operator? number unit?
    DATE = "date"  # a date or deadline: 2025年6月底前, 每月25日
    QUALITATIVE = "qualitative"  # 明显提升, 持续影响, 年度计划数
    PLACEHOLDER = "placeholder"  # *, **%, XX: a value still to be filled in
    EMPTY = "empty"  # nothing, or 无 / — / /


class ParsedValue(BaseModel):
    raw: str
    text: str  # cleaned text (LaTeX, widths, doubling removed)
    kind: ValueKind
    operator: Operator | None = None
    number: float | None = None
    number_max: float | None = None  # upper end of a range such as 10—12辆
    unit: str | None = None
    approx: bool = False  # 约95万元
    label: str | None = None  # text before the operator: 满意率≥90% → 满意率
    year: int | None = None  # for dates
    month: int | None = None
    day: int | None = None
    deadline: bool = False  # …前 / …底前 / 之前

    def format(self) -> str:
        """Canonical text: ≥90%, ≤60.13万元, 2025年6月30日前; the cleaned text otherwise."""
        if self.kind is not ValueKind.QUANTITY or self.number is None:
            return self.text
        parts = [self.label or "", "约" if self.approx else "", self.operator.value if self.operator else ""]
        parts.append(format_number(self.number))
        if self.number_max is not None:
            parts.append("—" + format_number(self.number_max))
        parts.append(self.unit or "")
        return "".join(parts)


def format_number(number: float) -> str:
    if float(number).is_integer():
        return str(int(number))
    return f"{number:.4f}".rstrip("0").rstrip(".")


# --- cleaning ---------------------------------------------------------------------------------

_LATEX = [
    (r"\\geqslant|\\geq|\\ge(?![a-z])", "≥"),
    (r"\\leqslant|\\leq|\\le(?![a-z])", "≤"),
    (r"\\gt(?![a-z])", ">"),
    (r"\\lt(?![a-z])", "<"),
    (r"\\%", "%"),
    (r"\\permil|\\textperthousand", "‰"),
    (r"\\(?:text|mathrm|mathbf|rm)\{([^{}]*)\}", r"\1"),
    (r"\\[,;: !]", ""),
    (r"[${}]", ""),
]


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def ungroup_digits(text: str) -> str:
    """"66,000元" → "66000元", "1,234,567.5" → "1234567.5": an ASCII comma between digit groups groups
    thousands. Call before clean(): NFKC turns the clause comma "，" ("预算60，100人参加") into "," too."""
    return _THOUSANDS.sub("", text or "")


def clean(text: str) -> str:
    """Undo conversion artefacts; keep the preparer's wording."""
    s = text or ""
    for pattern, repl in _LATEX:
        s = re.sub(pattern, repl, s)
    # NFKC turns full-width digits, letters, ％＞＜＝ into ASCII; ≥ ≤ ‰ are left alone.
    s = unicodedata.normalize("NFKC", s)
    s = s.replace(">=", "≥").replace("<=", "≤").replace("≧", "≥").replace("≦", "≤")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(?<=[\d.])\s+(?=[^\d\s])|(?<=[≥≤<>=])\s+", "", s)  # "≥ 20 条" → "≥20条"; "20000 2026年" stays two
    return undouble(s)


def undouble(s: str) -> str:
    """"持续影响持续影响" → "持续影响": a merged cell extracted twice."""
    n = len(s)
    if n >= 4 and n % 2 == 0 and s[: n // 2] == s[n // 2 :]:
        return s[: n // 2]
    return s


# --- operators in words -----------------------------------------------------------------------

_PREFIX_OPS = [
    (("大于或等于", "大于等于", "不低于", "不少于", "不小于", "至少", "达到", "达"), Operator.GE),
    (("小于或等于", "小于等于", "不高于", "不超过", "不多于", "不大于", "控制在", "最多"), Operator.LE),
    (("大于", "高于", "超过", "多于"), Operator.GT),
    (("小于", "低于", "少于"), Operator.LT),
    (("≥",), Operator.GE),
    (("≤",), Operator.LE),
    ((">",), Operator.GT),
    (("<",), Operator.LT),
    (("=",), Operator.EQ),
]
_SUFFIX_OPS = [
    (("及以上", "以上", "或以上", "以上(含)", "(含)以上"), Operator.GE),
    (("及以下", "以下", "以内", "之内", "内"), Operator.LE),
]

_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_NUMERAL_CHARS = set(_CN_NUM_CHARS + "点0123456789.")
_MAGNITUDE = {"万": 10_000, "亿": 100_000_000}
# A numeral said the short way ends one unit down: 一亿二 = 一亿二千万, 九万六 = 九万六千.
_NEXT_UNIT = {"亿": "千万", "万": "千", "千": "百", "百": "十"}


@lru_cache(maxsize=1)
def _cn2an():
    """cn2an's converter, imported on first use (its import takes ~0.15 s; most runs never need it)."""
    import cn2an

    return cn2an.cn2an


@lru_cache(maxsize=4096)
def chinese_number(s: str) -> float | None:
    """A numeral as preparers type it, by cn2an's "smart" mode: 十 → 10, 二十五 → 25, 六十万 → 600000,
    九万六 → 96000, 3万8 → 38000, 54万9700 → 549700, 1.2亿 → 120000000, 五十四点九七 → 54.97; also
    五十四点九七万 and 一亿二, which cn2an refuses. None for anything that is not a numeral."""
    s = (s or "").strip()
    if not s or any(ch not in _NUMERAL_CHARS for ch in s) or not re.search(r"[\d零〇一二两三四五六七八九十百千]", s):
        return None
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)([万亿]?)", s):  # 54.97, 0.00001万: cn2an rounds these to whole 元
        return float(m.group(1)) * _MAGNITUDE.get(m.group(2), 1)
    value = _convert(s)
    if value is None and len(s) > 1 and s[-1] in _MAGNITUDE and (head := chinese_number(s[:-1])) is not None:
        value = round(head * _MAGNITUDE[s[-1]], 6)  # 五十四点九七万: a decimal numeral, then its magnitude
    if value is None and len(s) > 2 and s[-2] in _NEXT_UNIT and s[-1] in "一二两三四五六七八九123456789":
        value = _convert(s + _NEXT_UNIT[s[-2]])
    return value


def _convert(s: str) -> float | None:
    try:
        value = _cn2an()(s, "smart")
    except (ValueError, KeyError, IndexError, TypeError):  # cn2an refuses what it cannot read
        return None
    return float(value) if isinstance(value, (int, float)) else None


_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_PLACEHOLDER = re.compile(r"^[*＊xX×?？_…]+\s*[%‰]?\s*\S{0,3}$|^[^\d]*(?:XX|xx|\*\*|＊＊)")
_EMPTY = {"", "无", "—", "-", "--", "/", "／", "——", "空", "null", "none", "N/A", "n/a", "暂无"}


def parse_value(raw: str | None) -> ParsedValue:
    """Parse a 指标值. Pure and called on every ranking and check, so results are cached; treat
    the returned object as read-only (copy it before changing it)."""
    return _parse_cached(raw or "")


# A unit restated in brackets after the number, as some budget systems print it: "≥98%(百分比)", "12(个)".
_UNIT_NOTE = re.compile(r"\s*[（(](?:百分比|百分数|%|个|人|人次|次|项|件|份|台|套|户|元|万元|天|月|年|小时|平方米|公里|米|家|所|"
                        r"条|篇|场|期|批|辆)[）)]\s*$")


@lru_cache(maxsize=16384)
def _parse_cached(raw: str) -> ParsedValue:
    text = clean(raw or "")
    if _UNIT_NOTE.search(text) and re.search(r"\d", text):
        note = _UNIT_NOTE.search(text).group()
        text = _UNIT_NOTE.sub("", text)
        unit = note.strip(" （()）")
        if unit not in ("百分比", "百分数", "%") and not re.search(r"[^\d\s.]$", text):
            text += unit  # "12(个)" → 12个
        elif unit in ("百分比", "百分数") and not text.endswith(("%", "％")):
            text += "%"
    base = {"raw": raw or "", "text": text}
    if text in _EMPTY:
        return ParsedValue(kind=ValueKind.EMPTY, **base)
    if _PLACEHOLDER.search(text):
        return ParsedValue(kind=ValueKind.PLACEHOLDER, **base)
    date = _parse_date(text)
    if date is not None:
        return ParsedValue(kind=ValueKind.DATE, **base, **date)
    quantity = _parse_quantity(text)
    if quantity is not None:
        return ParsedValue(kind=ValueKind.QUANTITY, **base, **quantity)
    return ParsedValue(kind=ValueKind.QUALITATIVE, **base)


_DATE_FULL = re.compile(
    r"^(?P<pre>.*?)(?P<y>(?:19|20)\d{2})\s*[年.\-/]\s*(?:(?P<m>\d{1,2})\s*(?:月|[.\-/])?\s*"
    r"(?:(?P<d>\d{1,2})\s*日?|(?P<end>底|末|中旬|上旬|下旬))?)?\s*(?P<post>.*)$"
)
_DATE_MONTH = re.compile(r"^(?P<pre>.*?)(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|(?P<end>底|末|中旬|上旬|下旬))?(?P<post>.*)$")
_DEADLINE = ("前", "之前", "以前", "截止", "完成")


def _parse_date(text: str) -> dict | None:
    m = _DATE_FULL.match(text)
    if m and (m.group("m") or "年" in text):
        post, pre = m.group("post"), m.group("pre")
        if _looks_like_other_quantity(pre, post):
            return None
        month = int(m.group("m")) if m.group("m") else None
        if month is not None and not 1 <= month <= 12:
            return None
        return {"year": int(m.group("y")), "month": month,
                "day": int(m.group("d")) if m.group("d") else None,
                "deadline": any(k in post for k in _DEADLINE) or m.group("end") is not None}
    m = _DATE_MONTH.match(text)
    if m and 1 <= int(m.group("m")) <= 12 and not _looks_like_other_quantity(m.group("pre"), m.group("post")):
        return {"month": int(m.group("m")), "day": int(m.group("d")) if m.group("d") else None,
                "deadline": any(k in m.group("post") for k in _DEADLINE) or m.group("end") is not None}
    m = re.match(r"^每(?:月|年|季度?)(?:的)?(\d{1,2})日", text)
    if m:
        return {"day": int(m.group(1))}
    return None


def _looks_like_other_quantity(pre: str, post: str) -> bool:
    # "2020年度计划数" or "≥2021条": a year-looking number that is something else; "2025年度" is a date
    if post.startswith("度") and re.fullmatch(r"度(?:内|前|之内|以内|底前|末前|完成)?", post):
        return bool(re.search(r"[≥≤<>=%]", pre))
    return bool(re.search(r"[≥≤<>=%]", pre)) or post.startswith(("度", "条", "人", "万", "%"))


_QUANTITY = re.compile(
    rf"^(?P<label>.*?)(?P<op>{'|'.join(re.escape(w) for ws, _ in _PREFIX_OPS for w in ws)})?\s*"
    rf"(?P<approx>约|大约|左右)?\s*(?P<num>{_NUM}|[{_CN_NUM_CHARS}]+)"
    rf"(?:(?P<unit_lo>[%‰])?\s*[-—~～至到]+\s*(?P<max>{_NUM}))?\s*(?P<unit>.*)$"
)

# A Chinese numeral is a number only before a measure word ("十台", "三个月"); elsewhere it is part of
# a word: 进一步改善, 统一管理, 一站式, 一次性, 零逾期.
_CN_MEASURES = {
    "", "个", "次", "人", "人次", "名", "台", "套", "辆", "条", "份", "本", "册", "张", "件", "项", "类",
    "种", "家", "户", "笔", "部", "场", "期", "批", "所", "处", "间", "座", "轮", "年", "个月", "月", "周",
    "天", "日", "个工作日", "工作日", "小时", "元", "万元", "亿元",
}


def _parse_quantity(text: str) -> dict | None:
    m = _QUANTITY.match(text)
    if not m:
        return None
    label, op_word, num = m.group("label"), m.group("op"), m.group("num")
    if label and not op_word and not label.endswith(("约", "为", "：", ":")):
        # Text before a bare number is prose ("实现住房公积金…518万人"), not a label; keep qualitative
        # unless the label is short and names the measure (满意率90%).
        if len(label) > 8:
            return None
    number = _to_number(num)
    if number is None:
        return None
    unit = m.group("unit").strip()
    if m.group("max") is None:
        unit = (m.group("unit_lo") or "") + unit
    elif not unit:
        unit = m.group("unit_lo") or ""  # 90%-95%: the unit written once on each side
    operator = _prefix_operator(op_word)
    unit, suffix_op = _strip_suffix_operator(unit)
    operator = operator or suffix_op
    approx = bool(m.group("approx")) or unit.endswith("左右")
    unit = unit.removesuffix("左右").strip()
    if len(unit) > 12:  # a sentence, not a unit: keep the text qualitative
        return None
    if num[0] in _CN_NUM_CHARS and (label.strip() not in ("", "约") or unit not in _CN_MEASURES):
        return None
    if re.fullmatch(r"(?:19|20)\d{2}", num) and unit.startswith("年"):
        return None  # "2020年度计划数": a year, not a count of years
    label = label.strip().rstrip("：:为") or None
    if label == "约":
        label, approx = None, True
    return {"operator": operator, "number": number, "number_max": _to_number(m.group("max")) if m.group("max") else None,
            "unit": unit or None, "approx": approx, "label": label}


def _to_number(s: str | None) -> float | None:
    if not s:
        return None
    if s[0] in _CN_NUM_CHARS:
        return chinese_number(s)
    return float(s.replace(",", ""))


def _prefix_operator(word: str | None) -> Operator | None:
    if not word:
        return None
    for words, op in _PREFIX_OPS:
        if word in words:
            return op
    return None


def _strip_suffix_operator(unit: str) -> tuple[str, Operator | None]:
    unit = unit.removesuffix("(含)").strip()  # ≥95%（含）: the bound is included, as ≥ already says
    for words, op in _SUFFIX_OPS:
        for w in sorted(words, key=len, reverse=True):
            if unit.endswith(w) and (w != "内" or len(unit) > 1):
                return unit[: -len(w)].strip(), op
    return unit, None


def format_value(operator: Operator | str | None, number: float | None, unit: str | None) -> str:
    """Compose a 指标值 from its parts: (≥, 90, %) → "≥90%"."""
    if number is None:
        return ""
    op = operator.value if isinstance(operator, Operator) else (operator or "")
    return f"{op}{format_number(number)}{unit or ''}"


def shift_years(text: str | None, old: int, new: int, span: int = 1) -> str | None:
    """Move the years of a project's period inside a text: "2024年6月底前" → "2025年6月底前" when the
    project moves from 2024 to 2025. Only years in ``old … old+span-1`` written as a date (followed by
    年 or a range dash) move; "2020年度计划数" of another year and plain numbers stay."""
    if not text:
        return text
    delta, years = new - old, range(old, old + max(span, 1))
    return re.sub(r"(?<!\d)((?:19|20)\d{2})(?=\s*(?:年|[-—–至到~]))",
                  lambda m: str(int(m.group(1)) + delta) if int(m.group(1)) in years else m.group(1), text)
