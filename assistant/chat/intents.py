"""What a chat message asks for, without an LLM: the intent and its parts.

Preparers type as they would to a colleague: with or without punctuation, full- or half-width,
万/万元/元, Chinese numerals. The message is normalised once (NFKC, LaTeX, spaces), then matched
against a few phrase families in a fixed order (drafting first, because a draft request may
mention anything: "用于…系统下载…"). Brief fields are pulled out with assistant.drafting.brief; a budget the
user clearly tried to give but that cannot be read ("预算-5", "预算abc") raises its BriefError.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

from assistant.drafting.brief import find_budget, find_period_years, find_year, parse_budget, parse_year, trim_text
from assistant.errors import BriefError
from assistant.schema import Level2, ProjectBrief
from assistant.values import chinese_number, clean

CN = "零〇一二两三四五六七八九十百"
POLITE = r"(?:请问|请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|想要|你|能不能|可不可以|可以|能否|再|重新)*"
TAIL = r"[\s,，.。;；!！?？~～吧吗呢啊呀哈了]*$"
DELIM = r"[,，;；。!！?？\n\s]+"

_DRAFT_WORDS = (r"(?:起草|草拟|拟定|拟一[个份]|编制|编写|撰写|制定|写一[个份]|写个|写份|做一[个份]|做个|做份|"
                r"生成一[个份]|出一[个份]|来一[个份]|新建)")
# "起草"/"草拟" mean drafting anywhere; the looser verbs only at the start or as the closing request.
_DRAFT_ANYWHERE = re.compile(r"起草|草拟")
_DRAFT_START = re.compile(rf"^{POLITE}{_DRAFT_WORDS}")
_DRAFT_CLOSING = re.compile(rf"{POLITE}{_DRAFT_WORDS}\S{{0,10}}")
_EXPORT = re.compile(r"导出|下载|另存|excel|xlsx|xls|word|docx|json|wps|打印", re.I)
_CHECK = re.compile(r"检查|审核|审查|校验|核查|核对|审一下|查一下问题|有(?:什么|啥|没有)?问题|问题在哪|哪里有问题|"
                    r"有(?:没有)?错|对不对|能(?:不能)?(?:通过|过审)|合规")
_DELETE = re.compile(rf"^{POLITE}(?:把|将)?(?:删除|删掉|删去|删了|去掉|去除|移除|拿掉|不要)(?P<target>.*?){TAIL}"
                     rf"|^{POLITE}(?:把|将)?(?P<target2>.+?)(?:删除|删掉|删去|删了|去掉|去除|移除|拿掉|不要了){TAIL}")
_ADD = re.compile(rf"^{POLITE}(?:加|增加|添加|新增|补充|补|多加|加上)(?:上)?(?:一个|一条|一项|一行|个|条|项)?(?P<what>.*?){TAIL}")
_REVISE = re.compile(
    rf"^{POLITE}(?:把|将)?(?P<target>.+?)(?:的值|的指标值|指标值|的数值|的目标值|的年度指标值)?\s*"
    r"(?:改为|改成|修改为|修改成|调整为|调整成|调为|调成|设为|设置为|设成|换成|换为|变为|变成|更改为|更新为|改到|"
    r"改(?=[\d≥≤<>=]))\s*(?P<new>.+)$")
_REVISE_VERB_FIRST = re.compile(
    rf"^{POLITE}(?:修改|更改|调整|更新|设置)(?P<target>.+?)(?:的值|的指标值|指标值)?(?:为|成|到)\s*(?P<new>.+)$")
_EXPLAIN = re.compile(r"为什么|为啥|凭什么|怎么来的|哪来的|(?:依据|出处|来源|先例|根据)(?:是|有)?(?:什么|啥|哪些|呢|\?|$)")
_SUGGEST = re.compile(r"(?:哪些|什么|啥|哪几个|几个|怎么设|如何设|怎样设|怎么写|如何写|推荐|常用|参考).{0,8}指标|"
                      r"指标.{0,6}(?:哪些|什么|啥|推荐|参考|怎么设|如何设|怎么写)|指标$")
_TOPIC_CUT = re.compile(r"一般|通常|常用|通常会|应该|都有|有哪些|有什么|设什么|设置什么|用什么|用哪些|选什么|写什么|"
                        r"适合|适用|哪些|什么|啥|怎么设|如何设|怎样设|推荐|可以参考|的指标|指标")
_CANCEL = re.compile(rf"^{POLITE}(?:取消|算了|不用了|不要了|先不了|先不用|停)\S{{0,4}}$")
_CONFIRM = re.compile(rf"^{POLITE}(?:好|好的|好啊|可以|行|嗯|嗯嗯|是|是的|对|要|需要|ok|OK|起草吧|开始吧|开始起草)\S{{0,2}}$")
_GREETING = re.compile(r"^(?:你好|您好|hi|hello|嗨|在吗|帮助|help|怎么用|你能做什么|你会什么|能做什么)", re.I)

ROW_REF = re.compile(rf"第\s*(?P<n>\d+|[{CN}]+)\s*(?:个|行|条|项|号)?(?:指标)?")
FOCUS_WORDS = re.compile(r"^(?:这个|该|此|这条|这一?行|这项|它)(?:指标)?$")
_FIELD_SUFFIXES = [
    ("basis", r"(?:的)?(?:指标值)?(?:确定)?依据"),
    ("name", r"(?:的)?(?:指标)?(?:名称|名字|指标名)"),
    ("explanation", r"(?:的)?(?:指标)?(?:解释|说明|描述)"),
    ("midterm", r"(?:的)?中期(?:指标)?值?"),
    ("value", r"(?:的)?(?:指标值|值|数值|目标值)"),
]
_BRIEF_TARGETS = [
    ("budget", r"(?:项目)?(?:总)?(?:预算|预算金额|资金|金额|总额|经费)"),
    ("year", r"(?:项目|申报)?(?:年度|年份|年)"),
    ("project_name", r"(?:项目名称|项目名|名称)"),
    ("period", r"(?:项目期|实施期|项目周期|周期|项目期限)"),
]

# Short words for a 二级 when the user asks to add one ("加一个时效指标").
LEVEL2_WORDS: list[tuple[str, Level2]] = [
    ("经济效益", Level2.ECONOMIC), ("社会效益", Level2.SOCIAL), ("生态效益", Level2.ECOLOGICAL),
    ("环境效益", Level2.ECOLOGICAL), ("可持续影响", Level2.SUSTAINABLE), ("可持续", Level2.SUSTAINABLE),
    ("服务对象满意度", Level2.SATISFACTION), ("满意度", Level2.SATISFACTION), ("满意", Level2.SATISFACTION),
    ("数量", Level2.QUANTITY), ("质量", Level2.QUALITY), ("时效性", Level2.TIMELINESS),
    ("时效", Level2.TIMELINESS), ("进度", Level2.TIMELINESS), ("成本", Level2.COST), ("效益", Level2.SOCIAL),
    ("生态", Level2.ECOLOGICAL), ("经济", Level2.ECONOMIC), ("社会", Level2.SOCIAL),
]


@dataclass
class Intent:
    kind: str  # empty draft export check delete add revise explain suggest brief cancel confirm greeting unknown
    text: str = ""  # the normalised message
    topic: str | None = None  # suggest
    target: str | None = None  # which row(s): "第3个指标", "满意度", "这个指标"
    field: str | None = None  # value basis name explanation midterm | budget year project_name period
    new: str | None = None  # the new value
    fmt: str | None = None  # export format
    brief: ProjectBrief = dc_field(default_factory=ProjectBrief)  # only the fields the message gave


def normalize(text: str) -> str:
    return clean(text or "").replace("＂", '"')


def parse(text: str) -> Intent:
    """The intent of one message. Raises BriefError for a budget or year that cannot be read."""
    s = normalize(text)
    if not re.search(r"[\w\u4e00-\u9fff]", s):
        return Intent("empty", s)
    if _is_draft(s):
        return Intent("draft", s, brief=extract_brief(s, with_name=True))
    for matcher in (_export, _check, _delete, _add, _revise, _explain, _suggest):
        intent = matcher(s)
        if intent:
            return intent
    if _CANCEL.match(s):
        return Intent("cancel", s)
    fields = extract_brief(s, with_name=False)
    if fields.said() and fields.name is None and (name := _leading_name(s)):
        fields.name = name
    if fields.said():
        return Intent("brief", s, brief=fields)
    if _GREETING.match(s):
        return Intent("greeting", s)
    if _CONFIRM.match(s):
        return Intent("confirm", s)
    return Intent("unknown", s)


def _is_draft(s: str) -> bool:
    clauses = [c for c in re.split(DELIM, s) if c]
    if _DRAFT_START.search(s) or (clauses and _DRAFT_CLOSING.fullmatch(clauses[-1])):
        return not re.search(r"excel|word|json|xlsx|docx", clauses[0] if clauses else s, re.I)
    return bool(_DRAFT_ANYWHERE.search(s)) and not _REVISE.match(s)


def _export(s: str) -> Intent | None:
    if not _EXPORT.search(s):
        return None
    m = re.search(r"excel|xlsx|xls|wps|word|docx|json", s, re.I)
    word = m.group(0).lower() if m else ""
    fmt = {"excel": "xlsx", "xls": "xlsx", "xlsx": "xlsx", "wps": "docx", "word": "docx", "docx": "docx",
           "json": "json"}.get(word)
    return Intent("export", s, fmt=fmt)


def _check(s: str) -> Intent | None:
    return Intent("check", s) if _CHECK.search(s) else None


def _delete(s: str) -> Intent | None:
    m = _DELETE.match(s)
    if not m:
        return None
    target = _strip_row_words(m.group("target") or m.group("target2") or "")
    return Intent("delete", s, target=target or None)


def _add(s: str) -> Intent | None:
    m = _ADD.match(s)
    if not m:
        return None
    what = m.group("what").strip()
    if not what or re.search(r"用途|用于|预算|年度|资金", what):
        return None  # "补充资金用途…" gives the brief, it adds no row
    return Intent("add", s, target=what)


def _revise(s: str) -> Intent | None:
    m = _REVISE.match(s) or _REVISE_VERB_FIRST.match(s)
    if not m:
        return None
    target, new = m.group("target").strip(), m.group("new").strip().rstrip("。.!！;；")
    target = re.sub(r"(?:都|全部|均|统一)$", "", re.sub(r"^(?:所有|全部)(?:的)?", "", target)).strip()
    if not target or not new:
        return None
    for kind, pattern in _BRIEF_TARGETS:
        if re.fullmatch(pattern, target):
            return Intent("revise", s, target=target, field=kind, new=new)
    kind = "value"
    for name, pattern in _FIELD_SUFFIXES:
        stripped = re.sub(pattern + "$", "", target)
        if stripped != target and stripped:
            target, kind = stripped, name
            break
    return Intent("revise", s, target=_strip_row_words(target), field=kind, new=new)


def _explain(s: str) -> Intent | None:
    if not _EXPLAIN.search(s):
        return None
    target = None
    ref = ROW_REF.search(s)
    if ref:
        target = ref.group(0)
    else:
        m = re.search(r"(?:为什么|为啥|凭什么)(?:要|会)?(?:用|选|选择|设|设置|写|加|放|有)?(?:了)?(?P<t>.+?)"
                      r"(?:这个指标|这项指标|指标|这一项)?" + TAIL, s)
        if m:
            target = m.group("t")
        else:
            m = re.search(r"^(?:请问)?(?P<t>.+?)(?:的)?(?:依据|出处|来源|先例|根据)", s)
            target = m.group("t") if m else None
    target = _strip_row_words(target or "")
    return Intent("explain", s, target=target or None)


def _suggest(s: str) -> Intent | None:
    if not _SUGGEST.search(s):
        return None
    return Intent("suggest", s, topic=topic_of(s))


def topic_of(s: str) -> str | None:
    """"12329短信项目有哪些指标可以参考" → "12329短信"; "物业费一般设什么指标" → "物业费"."""
    m = _TOPIC_CUT.search(s)
    head = s[: m.start()] if m else s
    head = re.sub(rf"^{POLITE}(?:问一下|问下|想知道|想问|看看|查一下|查查|了解一下|告诉我)*", "", head)
    head = re.sub(r"^(?:像|关于|对于)", "", head)
    head = re.sub(r"(?:这类|这种|这一类|一类|类|的)*(?:项目)?(?:这类|类|的)*$", "", head).strip(" ,:")
    return head or None


def _strip_row_words(target: str) -> str:
    """"第3个指标" → "第3个", "满意度指标" → "满意度"; "这个指标" stays (it means the focused row)."""
    t = target.strip().strip("「」\"'“”")
    if FOCUS_WORDS.match(t):
        return t
    t = re.sub(r"^(?:这个|该|此)", "", t)
    return re.sub(r"(?:这个|这项|这条)?(?:指标|这一?行)$", "", t).strip()


def row_number(target: str | None) -> int | None:
    """"第3个指标" / "第三行" → 3 (1-based), None when the text names no row."""
    m = ROW_REF.search(target or "")
    if not m:
        return None
    n = m.group("n")
    value = int(n) if n.isdigit() else chinese_number(n)
    return int(value) if value else None


def level2_word(text: str) -> Level2 | None:
    """The 二级 a short phrase names: "时效" / "满意度" / "社会效益" / "可持续影响指标"."""
    s = re.sub(r"(?:方面|类|的|性)?(?:指标)?$", "", text.strip())
    for word, level2 in LEVEL2_WORDS:
        if s == word or s == word.removesuffix("性"):
            return level2
    return None


# --- brief fields in a message ------------------------------------------------------------

_PURPOSE = re.compile(r"(?:主要用于|资金用途|项目用途|用途|用来|用于)\s*(?:为|是|:)?\s*(?P<desc>.+)$", re.S)
_BUDGET_WORD = re.compile(r"预算(?:金额|资金|总额|数)?\s*(?:为|是|:|约|共|大概|大约)*\s*")
_YEAR_WORD = re.compile(r"(?:年度|年份)\s*(?:为|是|:)?\s*((?:19|20)\d{2})(?!\d)")
_PERIOD_WORD = re.compile(rf"为期\s*(\d+|[{CN}])\s*年")
_NAME_WORD = re.compile(r"(?:项目名称|项目名|名称)\s*(?:是|为|叫|:)?\s*(?P<name>[^,，;；。!！?？\n\s]+)|项目叫(?P<name2>[^,，;；。!！?？\n\s]+)")
# Politeness is stripped only before a drafting verb: a name may start with 再/可 (再就业培训).
_NAME_PREFIX = re.compile(r"^(?:(?:请问|请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|想要|能不能|能否|重新)*"
                          r"(?:起草|草拟|拟定|拟|编制|编写|撰写|制定|写|做|生成|新建|出|来|弄)"
                          r"(?:一下|一个|一份|一版|个|份|下)?|一个|一份)?(?:关于|有关)?")
_NAME_SUFFIX = re.compile(r"(?:的)?(?:项目支出)?(?:绩效目标申报表|绩效目标表|绩效目标|绩效指标|申报表|目标表|指标表|草稿)?"
                          r"(?:的)?$")
_YEAR_TOKEN = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)(?:的)?|(?:19|20)\d{2}\s*[-—–至到~]+\s*(?:19|20)\d{2}\s*年?(?:的)?")
_MONEY_TOKEN = re.compile(rf"(?:预算|金额|资金|经费|总额|共计|合计)?\s*(?:为|是|:|约)?\s*(?:\d[\d,.]*|[{CN}千万亿点]+)\s*(?:亿元|亿|万元|万|千元|元)")
_NOT_A_NAME = {"", "项目", "一个项目", "绩效目标", "新项目", "草稿", "表"}


def extract_brief(s: str, *, with_name: bool) -> ProjectBrief:
    """Name, budget, year, period and purpose as written in one message: a brief holding only those
    (``said()``), the rest left unset."""
    description, rest = _split_purpose(s)
    found = {"description": description, "budget": _budget(rest), "year": _year(rest),
             "period_years": find_period_years(rest) or _period_word(rest)}
    m = _NAME_WORD.search(rest)
    if m:
        found["name"] = clean_name(m.group("name") or m.group("name2"))
    elif with_name:
        found["name"] = _name_from_clauses(rest)
    return ProjectBrief(**{k: v for k, v in found.items() if v is not None})


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


def _year(s: str) -> int | None:
    m = _YEAR_WORD.search(s)
    return parse_year(m.group(1)) if m else find_year(s)


def _period_word(s: str) -> int | None:
    m = _PERIOD_WORD.search(s)
    if not m:
        return None
    n = m.group(1)
    return int(n) if n.isdigit() else int(chinese_number(n) or 1)


def _leading_name(s: str) -> str | None:
    """"租赁费，预算60万，2025年": a first clause with no number or brief word is the project's name."""
    clauses = [c for c in re.split(DELIM, s) if c]
    if len(clauses) < 2 or re.search(r"预算|金额|年|用于|用途|期|万|元|\d", clauses[0]):
        return None
    if _CONFIRM.match(clauses[0]) or _CANCEL.match(clauses[0]):
        return None
    return clean_name(clauses[0])


def _name_from_clauses(s: str) -> str | None:
    for clause in re.split(DELIM, s):
        if _CONFIRM.fullmatch(clause) or _CANCEL.fullmatch(clause):
            continue
        clause = _MONEY_TOKEN.sub("", _YEAR_TOKEN.sub("", clause))
        clause = re.sub(r"(?:项目期|实施期|为期|周期)\s*(?:为|是)?\s*(?:\d+|[一二三四五])\s*年", "", clause)
        name = clean_name(_NAME_PREFIX.sub("", clause))
        if name:
            return name
    return None


def clean_name(text: str | None) -> str | None:
    """A project name as the user typed it, less the request around it; None if nothing is left."""
    s = (text or "").strip().strip("「」《》\"'“”:：")
    s = re.sub(r"^(?:就用|就叫|叫做|叫|是|为|用)", "", s)
    s = re.sub(r"(?:一下)?[吧吗呢啊呀了]*$", "", s)
    s = _NAME_SUFFIX.sub("", s).strip(" ,，。.:")
    if s in _NOT_A_NAME or not re.search(r"[\w\u4e00-\u9fff]", s) or re.fullmatch(_DRAFT_WORDS, s):
        return None
    return s[:60]


def answer_budget(s: str) -> float | None:
    """A bare answer to "预算是多少": "60万", "六十万", "60.13", "大概60万元"."""
    t = re.sub(rf"^{POLITE}(?:预算|大概|大约|约|是|为|:)*", "", normalize(s)).rstrip("。.!！")
    if not t:
        return None
    return parse_budget(t)


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
