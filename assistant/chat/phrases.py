"""The words preparers use, as patterns: drafting and revising verbs, politeness, confirmations, row
references and the short names of a 二级. Shared by the intent matcher and the brief-field reader.
"""
from __future__ import annotations

import re

from assistant.schema import Level1, Level2
from assistant.values import clean, ungroup_digits

CN = "零〇一二两三四五六七八九十百"
POLITE = r"(?:请问|请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|想要|你|能不能|可不可以|可以|能否|再|重新)*"
TAIL = r"[\s,，.。;；!！?？~～吧吗呢啊呀哈了]*$"
DELIM = r"[,，;；。!！?？\n\s]+"

DRAFT_WORDS = (r"(?:起草|草拟|拟定|拟一[个份]|编制|编写|撰写|制定|写一[个份]|写个|写份|做一[个份]|做个|做份|"
                r"生成一[个份]|出一[个份]|来一[个份]|新建|起一下|起一[个份]|整一[个份]|搞一[个份]|弄一[个份]|帮我弄下?|帮我写|帮我做)")
# "起草"/"草拟" mean drafting anywhere; the looser verbs only at the start or as the closing request.
DRAFT_ANYWHERE = re.compile(r"起草|草拟|(?:帮我|帮忙|给我)(?:起|写|做|弄|出|编|填|拟)(?:一下|一个|一份|个|份|下)?(?:吧|呗)?$")
DRAFT_START = re.compile(rf"^{POLITE}{DRAFT_WORDS}")
DRAFT_CLOSING = re.compile(rf"{POLITE}{DRAFT_WORDS}\S{{0,10}}")
EXPORT = re.compile(r"导出|下载|另存|excel|xlsx|xls|word|docx|json|wps|打印(?!机|纸|费|耗材)", re.I)
# Asking the draft to be checked, in the words of "帮我查查…对不对得上".
CHECK_VERB = re.compile(r"帮我查|查查|查一查|核一下|核对|检查|审核|审一下|校验|对得上|对不上")
CHECK = re.compile(r"检查|审核|审查(?!合同|材料|文件|案卷|资料)|校验|核查|核对|审一下|查一下问题|有(?:什么|啥|没有)?问题|问题在哪|哪里有问题|"
                    r"有(?:没有)?错|对不对|能(?:不能)?(?:通过|过审)|合规")
DELETE = re.compile(rf"^{POLITE}(?:把|将)?(?:删除|删掉|删去|删了|去掉|去除|移除|拿掉|不要)(?P<target>.*?){TAIL}"
                     rf"|^{POLITE}(?:把|将)?(?P<target2>.+?)(?:删除|删掉|删去|删了|去掉|去除|移除|拿掉|不要了){TAIL}")
ADD = re.compile(rf"^{POLITE}(?:加|增加|添加|新增|补充|补|多加|加上)(?:上)?(?:一个|一条|一项|一行|个|条|项)?(?P<what>.*?){TAIL}")
ADD_AFTER = re.compile(rf"^{POLITE}(?:把|将)?(?P<what>.+?)(?:也)?(?:加上|加进去|加进来|补上|添上|加到表里|放进去){TAIL}")
# "依据写工作计划": a basis written in, whatever it says.
BASIS_WRITE = re.compile(rf"^{POLITE}(?:把|将)?(?P<target>.*?)(?:的)?(?:指标值)?(?:确定)?依据(?:都|全部|统一)?"
                         r"(?:写成|写为|写|填成|填|用|选|改用)\s*(?P<new>.+)$")
REVISE = re.compile(
    rf"^{POLITE}(?:把|将)?(?P<target>.+?)(?:的值|的指标值|指标值|的数值|的目标值|的年度指标值)?\s*"
    r"(?:改为|改成|修改为|修改成|调整为|调整成|调为|调成|设为|设置为|设成|换成|换为|变为|变成|更改为|更新为|改到|"
    r"改(?=[\d≥≤<>=]))\s*(?P<new>.+)$")
# "完好率写98%", "满意度填不低于91%": 写/填/定 are revisions only when a value follows.
REVISE_WRITE = re.compile(
    rf"^{POLITE}(?:把|将)?(?P<target>.+?)(?:的值|的指标值|指标值)?\s*(?:写成|写为|写|填成|填为|填|定为|定成|定|提高到|提到|降到|降为)"
    r"\s*(?P<new>(?:[\d≥≤<>=]|不低于|不少于|不超过|不高于|大于|小于|至少|约|百分之|[一二三四五六七八九十百]+[%个次人台套份条件]).*)$")
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
BROWSE = re.compile(r"指标|怎么写|怎么设|怎么填|是怎么|先例|表格?|写法|看看|参考|有哪些|有什么|项目|的呢|呢$|都有吗|有没有")
# Pointing back at the places last browsed, and asking which places the corpus has.
THEIR = re.compile(r"他们|他家|她们|那边|该市|这个城市|那个城市|这家|那家|这个地方|那个地方|人家")
WHICH_PLACES = re.compile(r"(?:哪些|哪几个|什么|几个)(?:城市|地方|地市|单位)|(?:城市|地方)有哪些")
COMPARE = re.compile(r"比较|对比|比一比|比一下|比比|有(?:什么|啥)(?:不同|区别|差别)|区别|差别|不一样|放一起")
ROW_REF = re.compile(rf"第\s*(?P<n>\d+|[{CN}]+)(?![\d{CN}])(?!\s*(?:次|年|季|批|期|天|周|月|届|名|轮|阶段|部分|类))\s*(?:个|行|条|项|号)?(?:指标)?")
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
    ("purpose", r"(?:项目)?(?:资金用途|用途|资金使用方向|项目内容|项目概况|项目简介)"),
    ("budget", r"(?:项目)?(?:总)?(?:预算|预算金额|资金|金额|总额|经费)"),
    ("year", r"(?:项目|申报)?(?:年度|年份|年)"),
    ("project_name", r"(?:项目名称|项目名|名称)"),
    ("period", r"(?:项目期|实施期|项目周期|周期|项目期限)"),
]

# The form's header fields a message can fill ("项目负责人写张敏", "实施单位改为市住房公积金管理中心"):
# field word → TargetTable attribute.
HEADER_FIELDS = [
    (r"项目负责人|负责人|项目联系人|联系人", "manager"),
    (r"实施单位|执行单位|项目实施单位|承办单位", "implementing_unit"),
    (r"主管部门(?:及代码)?|归口部门|主管单位", "department"),
    (r"项目属性|项目性质", "attribute"),
]
HEADER = re.compile(rf"^{POLITE}(?:把|将)?(?:表头的?|表头里的?)?(?P<field>{'|'.join(w for w, _ in HEADER_FIELDS)})"
                    r"\s*(?:一栏|这一栏|栏)?\s*(?:写成|写为|写上|写|填成|填为|填上|填写为?|填|改成|改为|改|换成|设为|设成|是|为|[:：])"
                    r"\s*(?P<value>[^?？]+?)[\s,，。.!！]*$")
HEADER_QUESTION = re.compile(r"什么|啥|怎么|如何|哪|吗|呢$|填什么|写什么")

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
    return clean(ungroup_digits(text or "")).replace("＂", '"')

DEADLINE = re.compile(r"(?P<month>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份)?(?:(?P<day>\d{1,2})[日号]|底|末|中旬|上旬)?"
                      r"(?:之前|以前|前)")
# What a thing described in plain words measures, when its words name no 二级: "培训了多少人" is a count.
KIND_HINTS = [
    (r"满意|评价", Level2.SATISFACTION),
    (r"按时|及时|什么时候|多久|期限|时间", Level2.TIMELINESS),
    (r"花了?多少|多少钱|费用|成本|单价", Level2.COST),
    (r"多少|几个|几次|几场|人数|人次|数量|次数", Level2.QUANTITY),
    (r"合格|达标|质量|完好|准确|差错|故障", Level2.QUALITY),
    (r"收益|收入|节约|节省", Level2.ECONOMIC),
    (r"更快|提升|提高|改善|减少|方便|效率|少跑|便利|保障", Level2.SOCIAL),
    (r"环保|节能|无纸", Level2.ECOLOGICAL),
]
# The year around: actuals, the score, next year's draft from this year's.
ACTUAL = re.compile(r"实际(?:完成|达到|是|为|值|情况)|实际\s*[\d约已基未]|(?:全年)?(?:实际)?执行(?:数|了)\s*(?:为|是)?\s*\d")
SELFEVAL = re.compile(r"自评|打分|算(?:一下)?(?:得分|分数)|评分|得了?多少分|总分")
ROLLOVER = re.compile(r"(?:按|照|用|根据|参照)(?:去年|上年|上一年|今年|这张|这个|原来)的?(?:表|草稿|目标|指标)"
                      r".{0,8}?(?:20\d{2})|(?:20\d{2})年?.{0,6}(?:按|照|用|根据|参照)(?:去年|上年|上一年)")
THANKS = re.compile(r"^(?:好的?|ok|OK|嗯+|明白了?|懂了|知道了|了解了?|收到|行|可以)?[,，\s]*(?:明白了?|懂了|知道了|收到)?[,，\s]*"
                    r"(?:谢谢|多谢|感谢|谢啦|谢了|thanks|thx)?[!！。.~～]*$", re.I)
EXAMPLE = re.compile(r"举个?例|例子|比如说?|示例|样例")
WHICH_KIND = re.compile(r"(?P<what>.{2,30}?)(?:应该|应当|要|该)?(?:算|属于|归|归到|放到?|放在|填到|填在|写到|写在)"
                        r"(?:哪个|哪一个|哪类|哪一类|哪种|什么|啥|哪里|哪儿|哪)")

# How a row is pointed at loosely: "满意度那一行", "效益那块", "刚才加的那个".
LOOSE_SUFFIX = re.compile(r"(?:的)?(?:那一?行|这一?行|那一?条|这一?条|那个|那一?项|这一?项|那块|这块|那部分|那里|那些|那几个)$")
JUST_ADDED = re.compile(r"(?:刚才|刚刚|刚|最后|上一个|上次)(?:新)?(?:加|添加|增加|补)?(?:的|上的)?(?:那个|那条|那一?行|指标|这个)?")
LEVEL1_WORDS = {"产出": Level1.OUTPUT, "效益": Level1.BENEFIT, "效果": Level1.BENEFIT, "满意度": Level1.SATISFACTION,
                "成本": Level1.COST}

# "时效指标 补贴按月发 每月10号前发到位": a 二级 to add, then what it should say.
LEVEL2_HINT = re.compile(r"^(?P<level2>时效|质量|数量|成本|满意度|社会效益|经济效益|生态效益|可持续影响|效益)(?:性)?(?:指标)?"
                         r"[,，:：\s]+(?P<rest>.+)$")
