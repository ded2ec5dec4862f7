"""Reading a brief the way a preparer wrote it: the objects, the action, who benefits, where, when, and
the goals split into statements of outcome.

"濮阳市档案馆库房消防设备改造安装工程" → action build, object 消防设备, place 濮阳市档案馆库房;
"雾炮车降尘抑尘服务" → action service, object 雾炮车降尘抑尘服务 (a service bought, not a truck bought);
"…，增强消防救援力量，保证馆库和档案实体安全。" → two outcome statements (an output statement —
"完成…安装工作" — is not one).

Noun phrases come from jieba's part-of-speech tagger (jieba.posseg, loaded lazily once: ~3 s) plus
rules: a phrase is a run of nouns, where a verb between nouns modifies (灭火装置, 降尘抑尘服务) unless it
is an action word (购置, 改造). brief_facts.py reads the quantities; this module reads the rest.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from assistant.drafting.brief_facts import PHYSICAL, VERBS, audiences


class Action(StrEnum):
    PURCHASE = "purchase"  # 购置 / 采购 a thing
    SERVICE = "service"  # a service bought (采购…服务, 委托, 外包)
    BUILD = "build"  # 工程, 建设, 改造, 安装
    REPAIR = "repair"  # 维修, 维护, 养护
    SUBSIDY = "subsidy"  # 补助, 补贴, 津贴, 助学金, 救助
    GRANT = "grant"  # 补助资金 for work (食品监管补助资金, 薄弱学校改造补助资金): money for the work, paid to no one
    EVENT = "event"  # 活动, 会议, 培训班, 演出, 创建
    STUDY = "study"  # 课题, 研究, 规划, 调研
    OPERATION = "operation"  # running costs: 运行, 燃油, 物业, 租赁, 日常


# Name words, first match wins: a service bought is a service even when the word 采购 is there, a
# subsidy is a subsidy whatever it pays for, a works project is works even when it installs equipment.
# A 补助资金 named after work (监管, 改造, 免费开放) pays for that work, not to people: no subsidy rows.
_ACTION_RULES: list[tuple[Action, re.Pattern]] = [
    (Action.GRANT, re.compile(r"(?:监管|执法|检查|检测|改造|建设|修缮|开放|运转|运行|维护|工作|活动|防治|防控|治理|创建|"
                              r"整治|保护|服务)[^，,。；\s]{0,4}(?:补助|奖补)(?:资金|经费)")),
    (Action.SUBSIDY, re.compile(r"补助|补贴|津贴|助学金|救助|扶助|奖补|抚恤|慰问金|资助")),
    (Action.SERVICE, re.compile(r"服务(?:费|项目)?$|(?:采购|购买|委托|外包).{0,12}服务|委托业务|服务外包|购买服务")),
    (Action.STUDY, re.compile(r"课题|研究|规划编制|编制.*规划|调研|可行性|方案编制|普查")),
    (Action.BUILD, re.compile(r"工程|建设|新建|扩建|改造|安装|基础设施|施工")),
    (Action.REPAIR, re.compile(r"维修|修缮|维护|养护|保养|检修|修复")),
    (Action.PURCHASE, re.compile(r"购置|采购|购买|配备|添置|装备")),
    (Action.EVENT, re.compile(r"活动|演出|会议|比赛|培训|[主专]题?班|宣传|创建|展览|节")),
    (Action.OPERATION, re.compile(r"运行|运转|燃油|物业|租赁|房租|水电|日常|办公|开放|费$")),
]
# Verbs that state an effect: a goal clause holding one is an outcome, not an output.
EFFECT_VERBS = ("提高", "提升", "增强", "改善", "优化", "促进", "保证", "确保", "保障", "减少", "降低", "减轻",
                "达到", "实现", "满足", "稳定", "扶持", "带动", "带来", "增加", "缓解", "巩固", "营造", "推动",
                "得到", "发挥", "维护", "防范", "杜绝", "避免", "消除", "增进")
# "确保各项工作顺利开展", "保障项目按期完成", "促进工作落实", "实现预期目标": the work itself getting done
# is the output restated, not an effect of it (and "做好相关工作" says nothing at all).
_WORK_DONE = re.compile(r"^(?:各项|相关|有关|全年|年度|本|该|此)?(?:工作|项目|任务|业务|活动)(?:任务|目标)?"
                        r"(?:的)?(?:顺利|正常|有序|按时|按期|如期|圆满|全面|稳步)?"
                        r"(?:开展|实施|完成|推进|落实|运转|进行|运行|落地|目标|任务)?$"
                        r"|^(?:预期|既定|年度|绩效|工作|各项)?(?:目标|效果|成效|要求|需要)$")
_OUTPUT_LEAD = re.compile(r"^(?:完成|开展|实施|组织|举办|购置|采购|通过|用于|对|为|按照|根据)")
_SPLIT = re.compile(r"[。；;，,！!？?\n]|(?:目标|指标)\s*\d+\s*[:：]|[一二三四五六七八九十]是|(?<!\d)\d+[.、．](?!\d)")
_PLACE_TAIL = re.compile(r"(?:省|市|县|区|镇|乡|村|街道|社区|馆|院|校|局|中心|库房|大楼|办公楼|机关|基地|园)$")
_MONEY_TAIL = re.compile(r"(?:专项资金|补助资金|工作经费|经费|资金|费用|费|项目|支出|款)+$")
_PHYSICAL = "|".join(sorted(PHYSICAL))
# A count written into a name: "19名百岁老人", "3辆执法车辆", "一台DR设备" (一个/一项 only say "a").
_COUNT_IN_NAME = re.compile(rf"(?:\d+\s*(?:[名个人户所家位]|{_PHYSICAL})|[一二两三四五六七八九十]+\s*(?:{_PHYSICAL}))"
                            r"(?=[^\W\d_])")
_NOUN_FLAGS = ("n", "vn", "nz", "ng", "j", "l", "an", "b", "nr", "ns", "nt", "eng")
_ACTION_WORDS = set(VERBS) | {"开展", "实施", "完成", "通过", "用于", "委托", "保证", "确保", "保障"} | set(EFFECT_VERBS)

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tagger():
    """jieba.posseg, loaded once on first use (the dictionary takes ~3 s to load)."""
    with _lock:
        import jieba
        import jieba.posseg as posseg

        jieba.setLogLevel(60)
        jieba.initialize()
        return posseg


def tag(text: str) -> list[tuple[str, str]]:
    return [(w.word, w.flag) for w in _tagger().cut(text or "")]


@dataclass
class Outcome:
    """One goal clause that states an effect: "保证馆库和档案实体安全" → verb 保证, subject 档案实体安全."""

    text: str  # the clause as written
    verb: str  # the effect verb
    before: str  # the noun phrase before the verb (空气质量 in "空气质量达到优良")
    after: str  # what follows the verb, as written


@dataclass
class Reading:
    action: Action | None
    objects: list[str] = field(default_factory=list)  # noun phrases as written, the name's first
    places: list[str] = field(default_factory=list)
    beneficiaries: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # goal clauses that state what is delivered

    @property
    def object(self) -> str | None:
        return self.objects[0] if self.objects else None


def action_of(name: str, text: str = "") -> Action | None:
    """The kind of spending, from the name, else from the description."""
    core = re.sub(r"[（(][^）)]*[）)]", "", name or "")
    for source in (core, text or ""):
        for action, pattern in _ACTION_RULES:
            if pattern.search(source):
                return action
    return None


def noun_phrases(text: str) -> list[str]:
    """Runs of nouns as written: "购置七氟丙烷灭火装置10套" → [七氟丙烷灭火装置]."""
    tokens = tag(text)
    phrases, run = [], []
    for i, (word, flag) in enumerate(tokens):
        nouny = flag.startswith(_NOUN_FLAGS) and word not in _ACTION_WORDS
        # a verb between nouns modifies the head (灭火装置, 降尘抑尘服务) unless it is an action
        linking = (flag.startswith(("v", "a")) and run and word not in _ACTION_WORDS and i + 1 < len(tokens)
                   and tokens[i + 1][1].startswith(_NOUN_FLAGS + ("v",)))
        if nouny or linking:
            run.append(word)
            continue
        if run:
            phrases.append("".join(run))
        run = []
    if run:
        phrases.append("".join(run))
    return [p for p in (p.strip() for p in phrases) if len(p) >= 2]


def _split_place(phrase: str) -> tuple[str, str]:
    """"濮阳市档案馆库房消防设备" → (濮阳市档案馆库房, 消防设备): the object is what follows the last place word."""
    words = [w for w, _ in tag(phrase)]
    for i in range(len(words) - 1, 0, -1):
        head = "".join(words[:i])
        if _PLACE_TAIL.search(head) and len("".join(words[i:])) >= 2:
            return head, "".join(words[i:])
    return "", phrase


def name_object(name: str, action: Action | None) -> tuple[str | None, str | None]:
    """(object, place) of a project name: what it buys, builds, repairs or pays for."""
    core = re.sub(r"[（(][^）)]*[）)]|^\d{4}年度?", "", name or "")
    core = _COUNT_IN_NAME.sub("", core)  # "3辆执法车辆购置", "购置一台DR设备": the count is brief_facts' business
    if action is Action.SUBSIDY and (found := _subsidy_object(re.sub(r"(?:资金|经费|项目)+$", "", core))):
        return found, None
    core = _MONEY_TAIL.sub("", core)
    if action is Action.SERVICE:
        m = re.search(r"(?:采购|购买|委托)?(?P<obj>[^，,。]*服务)", core)
        obj = m.group("obj") if m else core
        place, obj = _split_place(obj)
        return (obj if 2 <= len(obj) <= 16 else None), place or None
    phrases = noun_phrases(core)
    if not phrases:
        return None, None
    place, obj = _split_place(max(phrases, key=len) if action in (Action.SUBSIDY, None) else phrases[0])
    obj = _MONEY_TAIL.sub("", obj)
    return (obj if 2 <= len(obj) <= 12 else None), place or None


_SUBSIDY = re.compile(r"补助|补贴|津贴|助学金|救助|扶助|奖补|抚恤|慰问金|资助")


def _subsidy_object(core: str) -> str | None:
    """The subsidy as named, with the words just before it (≤4 characters, no place): 高龄津贴, 免费开放补助."""
    tokens = tag(core)
    at = next((i for i, (w, _) in enumerate(tokens) if _SUBSIDY.search(w)), None)
    if at is None:
        return None
    words = [tokens[at][0]]
    for word, flag in reversed(tokens[:at]):
        if len(word) + sum(map(len, words[:-1])) > 4 or flag == "ns" or _PLACE_TAIL.search(word) or \
                word in _ACTION_WORDS or not re.fullmatch(r"[\u4e00-\u9fff]+", word):
            break
        words.insert(0, word)
    return "".join(words)


def split_goals(goals: list[str] | str | None) -> list[str]:
    """Goal text as clauses: numbering (目标1:, 一是, 1.) and clause punctuation split it."""
    text = "\n".join(goals) if isinstance(goals, list) else (goals or "")
    text = re.sub(r"[“”\"'‘’《》]", "", text)
    return [c.strip(" 、：:") for c in _SPLIT.split(text) if c and len(c.strip(" 、：:")) >= 4]


def outcome_of(clause: str) -> Outcome | None:
    """The clause as an outcome when an effect verb states what changes; None for an output clause."""
    for m in re.finditer("|".join(EFFECT_VERBS), clause):
        verb = m.group()
        after = clause[m.end():].strip()
        before = clause[: m.start()]
        if len(after) < 2 and verb not in ("达到", "实现"):
            continue
        if _MONEY_TAIL.search(after) or (verb in ("保障", "维护") and _OUTPUT_LEAD.match(clause)):
            continue  # "保障…燃油费用" says what the money pays for
        if _WORK_DONE.match(re.sub(r"^(?:完成|实现|达到)", "", after)):
            return None  # "确保各项工作顺利开展": the output said again, no effect
        phrases = noun_phrases(before) if before else []
        return Outcome(text=clause, verb=verb, before=phrases[-1] if phrases else "", after=after)
    return None


def read(name: str | None, description: str | None) -> Reading:
    """Everything the reader takes from a brief (the description holds the goals as the user wrote them)."""
    text = description or ""
    action = action_of(name or "", text)
    obj, place = name_object(name or "", action)
    reading = Reading(action=action)
    if obj:
        reading.objects.append(obj)
    if place:
        reading.places.append(place)
    for clause in dict.fromkeys(split_goals(text[:2000])):  # a goal repeated in the description
        outcome = outcome_of(clause)
        if outcome is not None:
            reading.outcomes.append(outcome)
        else:
            reading.outputs.append(clause)
    reading.beneficiaries = audiences(f"{name} {text}")[:3]
    return reading
