"""The words preparers use, as patterns: drafting and revising verbs, politeness, confirmations, row
references and the short names of a 二级. Shared by the intent matcher and the brief-field reader.
"""
from __future__ import annotations

import re

from assistant.schema import Level2
from assistant.values import clean

CN = "零〇一二两三四五六七八九十百"
POLITE = r"(?:请问|请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|想要|你|能不能|可不可以|可以|能否|再|重新)*"
TAIL = r"[\s,，.。;；!！?？~～吧吗呢啊呀哈了]*$"
DELIM = r"[,，;；。!！?？\n\s]+"

DRAFT_WORDS = (r"(?:起草|草拟|拟定|拟一[个份]|编制|编写|撰写|制定|写一[个份]|写个|写份|做一[个份]|做个|做份|"
                r"生成一[个份]|出一[个份]|来一[个份]|新建)")
# "起草"/"草拟" mean drafting anywhere; the looser verbs only at the start or as the closing request.
DRAFT_ANYWHERE = re.compile(r"起草|草拟")
DRAFT_START = re.compile(rf"^{POLITE}{DRAFT_WORDS}")
DRAFT_CLOSING = re.compile(rf"{POLITE}{DRAFT_WORDS}\S{{0,10}}")
EXPORT = re.compile(r"导出|下载|另存|excel|xlsx|xls|word|docx|json|wps|打印", re.I)
CHECK = re.compile(r"检查|审核|审查|校验|核查|核对|审一下|查一下问题|有(?:什么|啥|没有)?问题|问题在哪|哪里有问题|"
                    r"有(?:没有)?错|对不对|能(?:不能)?(?:通过|过审)|合规")
DELETE = re.compile(rf"^{POLITE}(?:把|将)?(?:删除|删掉|删去|删了|去掉|去除|移除|拿掉|不要)(?P<target>.*?){TAIL}"
                     rf"|^{POLITE}(?:把|将)?(?P<target2>.+?)(?:删除|删掉|删去|删了|去掉|去除|移除|拿掉|不要了){TAIL}")
ADD = re.compile(rf"^{POLITE}(?:加|增加|添加|新增|补充|补|多加|加上)(?:上)?(?:一个|一条|一项|一行|个|条|项)?(?P<what>.*?){TAIL}")
REVISE = re.compile(
    rf"^{POLITE}(?:把|将)?(?P<target>.+?)(?:的值|的指标值|指标值|的数值|的目标值|的年度指标值)?\s*"
    r"(?:改为|改成|修改为|修改成|调整为|调整成|调为|调成|设为|设置为|设成|换成|换为|变为|变成|更改为|更新为|改到|"
    r"改(?=[\d≥≤<>=]))\s*(?P<new>.+)$")
REVISE_VERB_FIRST = re.compile(
    rf"^{POLITE}(?:修改|更改|调整|更新|设置)(?P<target>.+?)(?:的值|的指标值|指标值)?(?:为|成|到)\s*(?P<new>.+)$")
EXPLAIN = re.compile(r"为什么|为啥|凭什么|怎么来的|哪来的|(?:依据|出处|来源|先例|根据)(?:是|有)?(?:什么|啥|哪些|呢|\?|$)")
SUGGEST = re.compile(r"(?:哪些|什么|啥|哪几个|几个|怎么设|如何设|怎样设|怎么写|如何写|推荐|常用|参考).{0,8}指标|"
                      r"指标.{0,6}(?:哪些|什么|啥|推荐|参考|怎么设|如何设|怎么写)|指标$")
TOPIC_CUT = re.compile(r"一般|通常|常用|通常会|应该|都有|有哪些|有什么|设什么|设置什么|用什么|用哪些|选什么|写什么|"
                        r"适合|适用|哪些|什么|啥|怎么设|如何设|怎样设|推荐|可以参考|的指标|指标")
CANCEL = re.compile(rf"^{POLITE}(?:取消|算了|不用了|不要了|先不了|先不用|停)\S{{0,4}}$")
CONFIRM = re.compile(rf"^{POLITE}(?:好|好的|好啊|可以|行|嗯|嗯嗯|是|是的|对|要|需要|ok|OK|起草吧|开始吧|开始起草)\S{{0,2}}$")
GREETING = re.compile(r"^(?:你好|您好|hi|hello|嗨|在吗|帮助|help|怎么用|你能做什么|你会什么|能做什么)", re.I)

# Browsing precedents of a place, and comparing places ("广州和张家口比较一下").
BROWSE = re.compile(r"指标|怎么写|怎么设|怎么填|是怎么|先例|表格?|写法|看看|参考|有哪些|有什么|项目")
COMPARE = re.compile(r"比较|对比|比一比|比一下|比比|有(?:什么|啥)(?:不同|区别|差别)|区别|差别|不一样|放一起")
ROW_REF = re.compile(rf"第\s*(?P<n>\d+|[{CN}]+)\s*(?:个|行|条|项|号)?(?:指标)?")
ROW_WORDS = re.compile(r"这个指标|该指标|这条|这一?行|这项|那个指标|那条|那一?行|表里|表中|草稿里")
FOCUS_WORDS = re.compile(r"^(?:这个|该|此|这条|这一?行|这项|它)(?:指标)?$")
FIELD_SUFFIXES = [
    ("basis", r"(?:的)?(?:指标值)?(?:确定)?依据"),
    ("name", r"(?:的)?(?:指标)?(?:名称|名字|指标名)"),
    ("explanation", r"(?:的)?(?:指标)?(?:解释|说明|描述)"),
    ("midterm", r"(?:的)?中期(?:指标)?值?"),
    ("value", r"(?:的)?(?:指标值|值|数值|目标值)"),
]
BRIEF_TARGETS = [
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


def normalize(text: str) -> str:
    return clean(text or "").replace("＂", '"')
