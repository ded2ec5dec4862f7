"""Brief fields in what the preparer types: a message ("预算54.97万元，2025年，用于…"), the answer to
the one question asked ("60万", "2025"), or a sidebar field. Unusable input raises BriefError with a
Chinese message saying what to type instead. Numbers are read by assistant.drafting.brief.
"""
from __future__ import annotations

import math
import re

from assistant.drafting.brief_facts import read_brief
from assistant.drafting.brief import (
    WAN_BELOW,
    YUAN_FROM,
    find_budget,
    find_period_years,
    find_year,
    parse_budget,
    parse_year,
    trim_text,
)
from assistant.chat.phrases import (
    CANCEL,
    CN,
    CONFIRM,
    DEADLINE,
    DELIM,
    DRAFT_WORDS,
    POLITE,
    normalize,
)
from assistant.errors import BriefError
from assistant.schema import ProjectBrief
from assistant.values import chinese_number, format_number

# --- brief fields in a message ------------------------------------------------------------

_PURPOSE = re.compile(r"(?:主要用于|资金用途|项目用途|用途|用来|用于)\s*(?:为|是|:)?\s*(?P<desc>.+)$", re.S)
_BUDGET_WORD = re.compile(r"(?:预算|budget)(?:金额|资金|总额|数)?\s*(?:为|是|:|约|共|大概|大约)*\s*", re.I)
# "50w" / "50W" is how many type 50万 on a phone; a bare year standing as its own clause ("…，2025，…").
_WAN = re.compile(r"(?<=\d)\s*[wW](?![a-zA-Z])")
_BARE_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?![\d.,%]|\s*(?:万|元|千|亿|个|人|次|份|台|条|页|平|米|笔|户|件|套))")
# Words that open a message without being part of it: "好的，那帮我起草…", "对了先起草…".
_OPENING = re.compile(r"^(?:(?:就按这个来|按这个来|就按这个|就用这个|就这个|好的|好吧|好|行|嗯+|ok|OK|那么|那就|那|对了|对|另外|"
                      r"然后|还有|等一下|等下|等等|"
                      r"先弄另一个|先做另一个|另一个|换一个|先|再)[,，\s]*)+")
_YEAR_WORD = re.compile(r"(?:年度|年份)\s*(?:为|是|:)?\s*((?:19|20)\d{2})(?!\d)")
_PERIOD_WORD = re.compile(rf"为期\s*(\d+|[{CN}])\s*年")
_NAME_WORD = re.compile(r"(?:项目名称|项目名|名称)\s*(?:是|为|叫|:)?\s*(?P<name>[^,，;；。!！?？\n\s]+)|项目叫(?P<name2>[^,，;；。!！?？\n\s]+)")
# Politeness is stripped only before a drafting verb: a name may start with 再/可 (再就业培训).
_NAME_PREFIX = re.compile(r"^(?:(?:你|您|请问|请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|想要|能不能|能否|重新)*"
                          r"(?:起草|草拟|拟定|拟|编制|编写|撰写|制定|写|做|生成|新建|出|来|弄)"
                          r"(?:一下|一个|一份|一版|个|份|下)?|一个|一份)?(?:关于|有关)?")
# The request said after the name: "房租那个项目的绩效目标帮我起一下".
_NAME_TRAILING = re.compile(r"(?:那个项目|这个项目|那个|这个)?(?:的)?(?:项目支出)?(?:绩效目标申报表|绩效目标表|绩效目标|绩效指标)?"
                            r"(?:帮我|帮忙|给我|请)?(?:起草|起|写|做|弄|出|编|填|拟)(?:一下|一个|一份|个|份|下)?(?:吧|呗)?$")
_NAME_SUFFIX = re.compile(r"(?:的)?(?:项目支出)?(?:绩效目标申报表|绩效目标表|绩效目标|绩效指标|申报表|目标表|指标表|草稿)?"
                          r"(?:的)?$")
_YEAR_TOKEN = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)(?:的)?|(?:19|20)\d{2}\s*[-—–至到~]+\s*(?:19|20)\d{2}\s*年?(?:的)?")
_MONEY_TOKEN = re.compile(rf"(?:预算|金额|资金|经费|总额|共计|合计)?\s*(?:为|是|:|约)?\s*(?:\d[\d,.]*|[{CN}千万亿点]+)\s*(?:亿元|亿|万元|万|千元|元)(?![页人条份台套个次册件张本户场期批辆平米])")
_NOT_A_NAME = {"", "项目", "一个项目", "绩效目标", "新项目", "草稿", "表"}
# Money per unit written without 每: 补助标准12元/人, 单价5000元, 人均500元 (每人每餐3元 is read by read_brief).
_PER_UNIT_MONEY = re.compile(rf"\d\s*(?:万元|元|万)\s*/\s*[^\d\s/]|(?:单价|均价|人均|户均|次均)\s*(?:为|是|:)?\s*[\d{CN}]")
_TIME_WORDS = {"年", "季", "季度", "月", "周", "天", "日"}


def extract_brief(s: str, *, with_name: bool) -> ProjectBrief:
    """Name, budget, year, period and purpose as written in one message: a brief holding only those
    (``said()``), the rest left unset."""
    s = _WAN.sub("万", s)
    description, rest = _split_purpose(s)
    found = {"description": description, "budget": _budget(rest), "year": _year(rest),
             "period_years": find_period_years(rest) or _period_word(rest)}
    m = _NAME_WORD.search(rest)
    if m:
        found["name"] = clean_name(m.group("name") or m.group("name2"))
    elif with_name:
        found["name"] = _name_from_clauses(rest)
    # counts typed anywhere in the message ("分两批办班、共120人次") are part of what the money is for
    counts = "，".join(_count_clauses(rest, found.get("name")))
    if counts:
        found["description"] = f"{description}，{counts}" if description else counts
    return ProjectBrief(**{k: v for k, v in found.items() if v is not None})


def _count_clauses(s: str, name: str | None) -> list[str]:
    """The clauses of a message that state a count or a deadline (not the budget, a year or the period)."""
    out = []
    for clause in re.split(r"[,，;；。\n\s]+", s):
        clause = clause.strip()
        if not clause or (name and clause.endswith(name)) or re.search(r"哪|什么|啥|吗|呢|[?？]", clause):
            continue  # a question ("…算哪一类") states no count
        facts = read_brief("", _MONEY_TOKEN.sub("", _YEAR_TOKEN.sub("", clause)))
        if any(q.unit_class not in ("money", "duration") for q in facts.quantities) or DEADLINE.search(clause) \
                or is_standard(clause) or any(_PERIOD_LABEL.search(q.label) for q in facts.durations):
            out.append(clause)
    return out


# A period the contract or the work runs for (服务期一年, 租期3年, 合同期限为3年), not "项目就一年".
_PERIOD_LABEL = re.compile(r"(?:服务|租赁|租|工|合同|聘用|聘|运维|维保|质保|保修|委托)期(?:限)?(?:为|是)?$|周期(?:为|是)?$")


def is_standard(clause: str) -> bool:
    """A money standard per person, meal, household or item ("每人每餐补贴3元", "按每户每年1500元标准"):
    what the money pays per unit, part of what it is for; neither a count nor the budget (每年预算20万 is one)."""
    if _PER_UNIT_MONEY.search(clause):
        return True
    rates = read_brief("", clause).money_rates
    return any(part not in _TIME_WORDS for rate in rates for part in rate.per.split("每") if part)


def states_purpose(s: str) -> bool:
    """Whether a message says what the money is for ("用于…", "资金用途：…"), not only counts ("保洁人员配备8名")."""
    return _split_purpose(normalize(s))[0] is not None


def _split_purpose(s: str) -> tuple[str | None, str]:
    """The purpose runs to the end of the message, less any clause that only gives a budget/year."""
    m = _PURPOSE.search(s)
    if not m:
        return None, s
    kept, moved = [], []
    for clause in re.split(r"[,，;；。\n]+", m.group("desc")):
        (moved if clause.strip() and _only_numbers(clause) else kept).append(clause.strip())
    description = trim_text("，".join(c for c in kept if c))
    return description, s[: m.start()] + "，" + "，".join(moved)


def _only_numbers(clause: str) -> bool:
    rest = _MONEY_TOKEN.sub("", _YEAR_TOKEN.sub("", clause))
    rest = re.sub(r"项目期|实施期|为期|周期|期限|\d+\s*年|[一二三四五]年|预算|年度", "", rest)
    return not re.sub(r"[\s,，:为是约共]", "", rest)


def _budget(s: str) -> float | None:
    for m in _BUDGET_WORD.finditer(s):
        token = re.split(r"[,，;；。!！?？\n\s]", s[m.end():], maxsplit=1)[0]
        if token and (token[0].isascii() or token[0] in CN + "千万亿点"):
            return parse_budget(token)  # raises BriefError for "-5", "abc"
    return find_budget(s)


def find_year_in(s: str) -> int | None:
    """A year a message names ("2023年的", "那中卫2024的"), None when it names none or an absurd one."""
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", s)
    try:
        return parse_year(m.group(1)) if m else None
    except BriefError:
        return None


def _year(s: str) -> int | None:
    s = re.sub(r"[二两][〇零][一二三四五六七八九〇零]{2}(?=年)",  # 二〇二五年: digit by digit
               lambda m: "".join(str(int(chinese_number(c))) for c in m.group()), s)
    m = _YEAR_WORD.search(s)
    if m:
        return parse_year(m.group(1))
    year = find_year(s)
    if year is None and (bare := _BARE_YEAR.search(s)):
        year = parse_year(bare.group(1))
    return year


def _period_word(s: str) -> int | None:
    m = _PERIOD_WORD.search(s)
    if not m:
        return None
    n = m.group(1)
    return int(n) if n.isdigit() else int(chinese_number(n) or 1)


def leading_name(s: str) -> str | None:
    """"租赁费，预算60万，2025年": a first clause with no amount, count or brief word is the project's name
    (a number that is part of the name stays: 12329短信平台服务费)."""
    clauses = [c for c in re.split(DELIM, _OPENING.sub("", s)) if c]
    if len(clauses) < 2 or re.search(r"预算|金额|[\d一二三四五六七八九十]年|年度|用于|用途|项目期|万元|元$"
                                      r"|\d\s*(?:[万千百元年月日号个人次条台套辆件份页篇张平米亩%‰]|$)", clauses[0]):
        return None
    if clauses[0].isascii():  # "budget 50万": an English word, not a project's name
        return None
    if CONFIRM.match(clauses[0]) or CANCEL.match(clauses[0]):
        return None
    return clean_name(clauses[0])


def _name_from_clauses(s: str) -> str | None:
    for clause in re.split(DELIM, s):
        if CONFIRM.fullmatch(clause) or CANCEL.fullmatch(clause) or is_standard(clause):
            continue  # "每人每餐补贴3元，职工食堂补助…": a standard names no project
        clause = _MONEY_TOKEN.sub("", _YEAR_TOKEN.sub("", clause))
        clause = re.sub(r"(?:项目期|实施期|为期|周期)\s*(?:为|是)?\s*(?:\d+|[一二三四五])\s*年", "", clause)
        name = clean_name(_NAME_TRAILING.sub("", _NAME_PREFIX.sub("", _OPENING.sub("", clause))))
        if name and not name.isascii():
            return name
    return None


def clean_name(text: str | None) -> str | None:
    """A project name as the user typed it, less the request around it; None if nothing is left."""
    s = (text or "").strip().strip("「」《》\"'“”:：")
    s = re.sub(r"^(?:就用|就叫|叫做|叫|是|为|用)", "", s)
    s = re.sub(r"(?:一下)?[吧吗呢啊呀了]*$", "", s)
    s = _NAME_SUFFIX.sub("", s).strip(" ,，。.:")
    if s in _NOT_A_NAME or not re.search(r"[\w\u4e00-\u9fff]", s) or re.fullmatch(DRAFT_WORDS, s):
        return None
    return s[:60]


def answer_budget(s: str) -> float | None:
    """A bare answer to "预算是多少": "60万", "六十万", "60.13", "大概60万元"."""
    t = re.sub(rf"^{POLITE}(?:预算|大概|大约|约|是|为|:)*", "", _WAN.sub("万", normalize(s))).rstrip("。.!！")
    if not t:
        return None
    return parse_budget(t)


# --- a budget typed with no unit, whose size leaves the unit unclear (drafting.brief asks about it) ----

# A number with no unit or magnitude after it: 54970, 66,000, 12500.5 (not 5万, 2025年, 90%).
_BARE_AMOUNT = re.compile(r"(?<![\d.])(?<!\d,)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d.]|,\d{3}(?!\d)|\s*[万千亿元wW%‰年月日号])")
# Around the unit in an answer: "对，是元，不是万元", "单位是万元的", "按元算", "元吧".
_UNIT_ANSWER_NOISE = re.compile(r"[,，。.!！~～\s]|不是(?:以|按)?(?:万元|万|元)|写错了|单位|人民币|好的|对|是|嗯|按照?|以|计|为|"
                                r"的|吧|算|啊|呀|了|呢")
_UNIT_ANSWERS = {"元": "元", "块": "元", "块钱": "元", "万元": "万元", "万": "万元"}


def unclear_budget(s: str) -> str | None:
    """The budget a message types with no unit when its size leaves 元 or 万元 open (54970, 预算 20000), as
    typed; None when it has none. Read by the message's own reader, as if 元 had been written after it."""
    s = normalize(s)
    for m in _BARE_AMOUNT.finditer(s):
        value = float(m.group().replace(",", ""))
        if not WAN_BELOW <= value < YUAN_FROM:
            continue
        try:
            read = extract_brief(s[: m.end()] + "元" + s[m.end():], with_name=False).budget
        except BriefError:
            continue
        if read is not None and math.isclose(read, value / 10_000, abs_tol=1e-4):  # parse_budget keeps 4 decimals
            return m.group()
    return None


def with_unit(s: str, amount: str, unit: str) -> str:
    """The message as it would read had ``unit`` been written after its unclear ``amount``."""
    s = normalize(s)
    m = next((m for m in _BARE_AMOUNT.finditer(s) if m.group() == amount), None)
    return s[: m.end()] + unit + s[m.end():] if m else s


def unit_question(amount: str) -> str:
    wan = format_number(float(amount.replace(",", "")) / 10_000)
    return (f"预算“{amount}”没有写单位：是 {amount} 元（{wan} 万元），还是 {amount} 万元？"
            f"请回复“元”或“万元”（也可以直接写金额，例如“{wan}万元”）。")


def answer_unit(s: str, asked: str | None) -> float | None:
    """"万元", "是元", "对，是元，不是万元": the unit of the unclear amount in ``asked`` (the message the
    question was about), as the budget in 万元; None when the answer is not a unit alone or nothing was asked."""
    unit = _UNIT_ANSWERS.get(_UNIT_ANSWER_NOISE.sub("", normalize(s)))
    amount = unclear_budget(asked) if unit and asked else None
    return parse_budget(amount.replace(",", "") + unit) if amount else None


def answer_year(s: str) -> int | None:
    t = normalize(s)
    if not re.search(r"\d{4}", t):
        raise BriefError(f"年度无法识别：{t[:20]}。请填写四位年份，例如 2025")
    return parse_year(t)


# --- brief fields from the sidebar, and merging what a message gave ---------------------------

def valid_name(text: str | None) -> str:
    name = clean_name(text)
    if not name:
        raise BriefError("项目名称无法识别：请直接输入名称，例如“房屋租赁费”。")
    return name


def validate_field(key: str, value):
    """One sidebar field, validated as the chat validates it; BriefError says what to type instead."""
    if key == "budget":
        return parse_budget(value)
    if key == "year":
        return parse_year(value)
    if key == "period_years":
        return parse_period(value)
    if key == "description":
        return trim_text(value)
    if key in ("name", "department", "implementing_unit"):
        return (str(value).strip()[:100] or None) if value is not None else None
    raise BriefError(f"未知的项目信息：{key}")


def parse_period(value) -> int:
    """项目期 in years: 3, "3", "3年", "三年", "2025—2027年"."""
    if isinstance(value, str):
        m = re.fullmatch(rf"\s*(\d+|[{CN}])\s*年?\s*", normalize(value))
        n = (int(m.group(1)) if m.group(1).isdigit() else int(chinese_number(m.group(1)) or 0)) if m else None
        value = find_period_years(value) or n
    if not isinstance(value, int) or not 1 <= value <= 10:
        raise BriefError(f"项目期无法识别：{value}。请填写 1–10 之间的年数，例如 3")
    return value


def merge_brief(brief: ProjectBrief, fields: ProjectBrief) -> None:
    """A message's brief into the session's. A newly named project starts from a clean budget and
    purpose; the year and units carry over."""
    said = fields.said()
    if said.get("name") and said["name"] != brief.name:
        if brief.name is not None:
            brief.budget, brief.description, brief.period_years = None, None, 1
        brief.name = said["name"]
    for key in ("budget", "year", "period_years", "description"):
        if key in said:
            setattr(brief, key, said[key])
