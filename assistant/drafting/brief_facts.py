"""Reading a preparer's brief: the objects, quantities, dates and people the user wrote.

"购置七氟丙烷灭火装置10套" → Quantity(verb=购置, object=七氟丙烷灭火装置, number=10, unit=套);
"配备雾炮车10辆", "培训280人次", "约10套", "10—12辆", "抽水泵十台", "1.8万平方米";
"服务周期2023年7月至2024年1月" → a period; "2025年10月底前完工" → a deadline; "工期90天" → a duration.

Rules, not a parser of Chinese (jieba cuts 七氟丙烷灭火装置 into 七/氟/丙烷/灭火/装置 and takes seconds to load;
briefs are one or two sentences in a few set patterns): a quantity is a number followed by a measure
word; its verb is the nearest action word before it in the same clause (or after it: "8部电梯开展维护
保养"); its object is what lies between the verb and the number, or the noun right after the measure word.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.values import chinese_number, clean, format_number, parse_value

# measure word → class. The class decides the indicator's wording (数量, 人次, 面积, 长度 …).
UNIT_CLASSES: dict[str, str] = {
    **dict.fromkeys("套 台 辆 件 个 部 座 块 张 组 只 顶 床 册 本 卷 宗 条 处 所 家 项 类 种 株 棵 盏 根 "
                    "把 副 双 箱 栋 幢 间 樘 扇 路 门 支 口 吨 份 笔 篇 期刊 头 羽".split(), "count"),
    **dict.fromkeys("页 幅".split(), "pages"),
    **dict.fromkeys("人次 人 名 位 个人".split(), "people"),
    "户": "households",
    **dict.fromkeys("平方米 平米 ㎡ m² 亩 公顷".split(), "area"),
    **dict.fromkeys("公里 千米 延米 米 km".split(), "length"),
    **dict.fromkeys("场次 车次 班次 架次 批次 次 场 期 批 轮 趟".split(), "times"),
    **dict.fromkeys("个工作日 工作日 天 日 个月 月 年 周 小时 分钟".split(), "duration"),
    **dict.fromkeys("万元 亿元 千元 元".split(), "money"),
    **dict.fromkeys("GB TB".split(), "data"),
}
_UNITS = sorted(UNIT_CLASSES, key=len, reverse=True)


def unit_class(value: str) -> str | None:
    """What a 指标值 counts: "8名" people, "20台" count, "1.8万平方米" area (None for rates and words)."""
    return UNIT_CLASSES.get(parse_value(value).unit or "")
# Things one can point at: "一台DR设备", "一辆执法车" count one; "一个良好的环境", "一项工作" say "a".
PHYSICAL = set("台 辆 部 座 栋 幢 间 架 艘 张 块 盏 株 棵 套 件 副 把 只 顶 床 口 樘 扇 根".split())
_ABSTRACT_AFTER = re.compile(r"完善|良好|科学|高效|规范|健全|系统化|长效|全新|新的|有效|优质|成熟|完整")
# A measure character that begins another word: 第1部分, 一部分 are no count of 部.
_NOT_A_MEASURE = {"部": "分", "期": "间", "场": "所", "台": "账"}
_CN = "零〇一二两三四五六七八九十百千"
_NUM = rf"\d+(?:\.\d+)?|[{_CN}]+"
QUANTITY_RE = re.compile(
    rf"(?P<pre>约|大约|近|超过|不少于|不低于|至少|共计|合计|总计|共|计)?\s*"
    rf"(?P<num>{_NUM})(?:\s*(?P<range>[-—–~～至到]+)\s*(?P<max>{_NUM}))?\s*(?P<mult>万|亿|千)?"
    rf"(?P<unit>{'|'.join(map(re.escape, _UNITS))})(?P<post>左右|以上|余)?"
)
# Dates are read first and masked, so "10月15日" is not ten months and "2025年" not 2025 years.
_YM = r"(?:(?:19|20)\d{2}\s*年)?\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|末|中旬|上旬|下旬)?"
DATE_RE = re.compile(rf"(?:当年|本年度?|次年)?(?:{_YM}|(?:19|20)\d{{2}}\s*年(?:度)?|"
                     rf"(?:19|20)\d{{2}}[.\-/]\d{{1,2}}(?:[.\-/]\d{{1,2}})?)")
RANGE_RE = re.compile(rf"(?P<a>(?:19|20)\d{{2}}\s*年(?:\s*\d{{1,2}}\s*月)?)\s*(?:[-—–~～至到]+)\s*"
                      rf"(?P<b>(?:(?:19|20)\d{{2}}\s*年)?(?:\s*\d{{1,2}}\s*月(?:底|末)?)?)")
_DAY_UNITS = {"天", "日", "个工作日", "工作日"}
_PERIOD_WORDS = re.compile(r"期|时长|历时|为期|期限|周期")
DEADLINE_AFTER = re.compile(r"^[^，。；,;]{0,6}?(?:前|之前|以前|截止|完工|竣工|完成|上线|交付|入库)")

# Action words, longest first. Light verbs (开展, 进行 …) only count when nothing else is near.
VERBS = sorted(set("""
购置 采购 购买 配备 配置 添置 更换 更新 安装 新建 建设 改造 维修 修缮 修复 整治 铺设 敷设 硬化 粉刷 加固
培训 举办 召开 印制 印刷 制作 拍摄 投放 播放 发放 补助 补贴 资助 救助 奖补 慰问 聘用 聘请 招聘 租赁 承租
扫描 著录 数字化 编制 调研 走访 评审 测评 评价 审计 监测 检测 检验 巡查 巡逻 保洁 养护 保养 维保 维护
运维 消杀 演出 惠及 覆盖 帮扶 接待 办理 出具 形成 提供 设置 新增 种植 补植 栽植 清运 开发 部署 升级 迁移
供餐 值守 服务 保障 审查 代理 宣传 展示 派驻 配送 储备 储存 收集 处置 检修 排查 整改 修剪 浇水
看望 拨付 兑付 结算
""".split()), key=len, reverse=True)
LIGHT_VERBS = {"开展", "进行", "实施", "组织", "完成", "负责", "推进", "落实", "用于", "通过", "委托"}
# An action word glued to a noun ending is part of the noun: 宣传片, 保洁人员, 巡逻岗, 检测机构, 服务费.
_NOUN_TAIL = "片品册单栏牌员人站点费班机车岗区楼室中心队所处科期报"
_VERB_RE = re.compile(f"(?:{'|'.join(map(re.escape, VERBS + sorted(LIGHT_VERBS, key=len, reverse=True)))})"
                      f"(?![{_NOUN_TAIL}])")
_CLAUSE_SPLIT = re.compile(r"[，。；;,、：:！!？?\n（）()]")
# Words that carry place or scope, not the object: 城区老旧供热管网 → 老旧供热管网.
_OBJECT_PREFIX = re.compile(r"^(?:预计|计划|累计|总计|合计|共计|各类|各种|全部|每[场户人月年次部台辆期天]|"
                            r"全市|全县|全区|全省|城区|市区|辖区内?|县域|机关|本单位|单位|馆藏|现有|全年|每年|年均|"
                            r"对|为|向|给|将|把|在|及|和|与|共|约|计|拟)+")  # longer words first: 计划, not 计 + 划
_OBJECT_SUFFIX = re.compile(r"(?:共计|合计|总计|共|约|计|达|为|等|的|各|每|大约|近|超过|不少于|至少)+$")
# Beneficiaries, most specific first: who the project serves (for 满意度 and 受益 indicators).
BENEFICIARIES = [
    "困难职工", "缴存职工", "干部职工", "在职职工", "参训学员", "参训人员", "参会人员", "就餐人员", "用车人员",
    "老年人", "残疾人", "低保户", "困难群众", "脱贫户", "农户", "村民", "居民", "市民", "游客", "读者", "观众",
    "学生", "家长", "患者", "企业", "经营主体", "用户", "受助对象", "受援人", "服务对象", "使用部门", "使用单位",
    "群众", "职工", "学员", "教师",
]
# Who a place or a field serves when the brief names it but not its people (for 满意度 rows): a school
# repair is judged by its students and teachers, a pupil subsidy by pupils and their families. First
# match wins; the people the brief itself names come before these.
SERVED: list[tuple[re.Pattern, tuple[str, ...]]] = [
    (re.compile(r"助学|资助|营养改善|学生补助|免费教科书|教育救助"), ("学生", "家长")),
    (re.compile(r"学校|校园|校舍|中学|小学|初中|高中|幼儿园|学院|义务教育|中职|职校|学生"
                r"|(?<![集])[一二三四五六七八九十]中(?![心国央华间小])"), ("学生", "教师")),
    (re.compile(r"博物馆|纪念馆|展览馆|美术馆|文化馆|科技馆|展馆"), ("观众",)),
    (re.compile(r"图书馆|书屋"), ("读者",)),
    (re.compile(r"景区|旅游"), ("游客",)),
    (re.compile(r"医院|卫生院|卫生室|诊所|门诊"), ("患者",)),
    (re.compile(r"养老|敬老院|福利院|高龄|百岁"), ("老年人",)),
    (re.compile(r"(?<!农业)农村(?![局部厅委办])|乡村|村庄|行政村|村民|村内|村级"), ("村民",)),  # not 农业农村局
    (re.compile(r"社区|小区"), ("居民",)),
]


@dataclass
class Quantity:
    number: float
    unit: str
    unit_class: str
    text: str  # as the value should read: "10套", "2万条", "1.8万平方米"
    verb: str = ""
    object: str = ""
    pre_object: str = ""  # the object written before the verb: 主体班培训280人次
    number_max: float | None = None  # 10—12辆
    approx: bool = False  # 约10套, 10套左右
    at_least: bool = False  # 不少于2次, 500件以上
    per: str = ""  # 每月, 每场, 每户: a rate, not a total
    label: str = ""  # the words just before the number: 服务期, 工期, 修复面积
    total: bool = False  # 共12台, 合计120人次: a sum of what was listed before, or of the whole project
    conflict: str | None = None  # the question when the brief gives this count twice, differently


@dataclass
class Period:
    start: tuple[int | None, int | None]  # (year, month)
    end: tuple[int | None, int | None]

    def months(self) -> int | None:
        (ys, ms), (ye, me) = self.start, self.end
        if ms is None or me is None:
            return None
        ye = ye if ye is not None else ys
        if ys is None or ye is None:
            return me - ms + 1 if me >= ms else None
        n = (ye - ys) * 12 + me - ms + 1
        return n if 0 < n <= 120 else None


@dataclass
class BriefFacts:
    text: str
    quantities: list[Quantity] = field(default_factory=list)
    money_rates: list[Quantity] = field(default_factory=list)  # 每户标准1500元
    durations: list[Quantity] = field(default_factory=list)  # 工期90天, 服务期1年
    period: Period | None = None
    deadline: str | None = None  # as written, e.g. "2025年10月底", "10月15日"
    beneficiary: str | None = None  # the first of ``audiences``
    audiences: list[str] = field(default_factory=list)


def read_brief(name: str, description: str | None) -> BriefFacts:
    """What the user wrote in the project name and description (cut at 4000 characters)."""
    name, text = clean(name or "")[:200], clean(description or "")[:4000]
    facts = BriefFacts(text=f"{name} {text}".strip())
    facts.period = _period(text)
    facts.deadline = _deadline(text)
    # the name first, as a sentence of its own: "新建公厕5座" may be all the user says
    for q in reconcile(_quantities(_mask_dates(f"{name}。")) + _quantities(_mask_dates(text))):
        _file(facts, q)
    facts.audiences = audiences(facts.text)
    facts.beneficiary = facts.audiences[0] if facts.audiences else None
    return facts


def _file(facts: BriefFacts, q: Quantity) -> None:
    if q.unit_class == "money":
        if q.per:
            facts.money_rates.append(q)  # 每户标准1500元; a total is the budget's business
    elif q.unit_class == "duration" and (q.unit not in _DAY_UNITS or _PERIOD_WORDS.search(q.label)):
        facts.durations.append(q)
    elif q.unit_class == "duration":
        q.unit_class = "days"  # "全年约250个工作日": a count of days delivered, not a period
        facts.quantities.append(q)
    else:
        facts.quantities.append(q)


# --- quantities --------------------------------------------------------------------------------

def reconcile(quantities: list[Quantity]) -> list[Quantity]:
    """One number per thing counted, in the order written. A repeat ("雾炮车10辆" in the name and the
    description) and a total that adds up ("12台和2台，共14台") go; a total or a repeat that does not
    ("采购电脑10台……共12台") goes too, and the number kept carries the question which one is right,
    so the draft never presents a silent pick as certain (quantity_value)."""
    kept: list[Quantity] = []
    for q in quantities:
        if any((k.object, k.text) == (q.object, q.text) for k in kept):
            continue
        same = [k for k in kept if k.unit == q.unit and not k.per and not q.per and not k.total]
        items = same if q.total and not q.object else [k for k in same if _same_thing(k, q)]
        batches = any(re.search(r"批|期|阶段|季度|半年|分别|其中|另", k.label) for k in [q, *items])
        if not items or (not q.total and batches):  # 第一批…10台，第二批…2台: parts, each its own row
            kept.append(q)
            continue
        stated = sum(k.number for k in items) if q.total else items[-1].number
        if abs(stated - q.number) > 1e-9 and items[0].conflict is None:
            written = "、".join(f"{k.object}{k.text}" for k in items)
            items[0].conflict = (f"您写了「{written}」，又写了「{'共' if q.total else q.object}{q.text}」，"
                                 f"两处不一致，请确认数量（已先填{items[0].text}）。")
    return kept


def _same_thing(a: Quantity, b: Quantity) -> bool:
    """Both count the same object: 执法车辆 and 执法车辆, or one of them written inside the other."""
    x, y = a.object or a.pre_object, b.object or b.pre_object
    return bool(x and y and len(min(x, y, key=len)) >= 2 and (x in y or y in x))


def _quantities(text: str) -> list[Quantity]:
    return [q for m in QUANTITY_RE.finditer(text) if (q := _quantity(m, text)) is not None]


def _number(s: str) -> float | None:
    return float(s) if s[0].isdigit() else chinese_number(s)


def _quantity(m: re.Match, text: str) -> Quantity | None:
    num, unit, after = m.group("num"), m.group("unit"), text[m.end() : m.end() + 3]
    if not _is_number(num, after, unit) or text[max(0, m.start("num") - 1) : m.start("num")] == "第" \
            or _NOT_A_MEASURE.get(unit) == after[:1]:
        return None  # 第3期 is an ordinal, 第1部分 a heading
    mult = m.group("mult") or ""
    if unit == "个人":
        unit = "人"  # "聘了15个人" is 15人
    if mult and unit == "元":
        unit, mult = mult + "元", ""  # 1500万元: the unit is 万元
    factor = {"万": 10_000, "亿": 100_000_000, "千": 1000}.get(mult, 1)
    top = _number(m.group("max")) if m.group("max") else None
    start = _clause_start(text, m.start())
    verb, obj, pre, label = _verb_object(text, start, m.start(), m.end())
    pre_word, post_word = m.group("pre"), m.group("post")
    return Quantity(
        number=_number(num) * factor, unit=unit, unit_class=UNIT_CLASSES[unit],
        text=f"{format_number(_number(num))}{mult}{unit}", verb=verb, object=obj, pre_object=pre,
        number_max=top * factor if top is not None else None,
        approx=pre_word in ("约", "大约", "近") or post_word in ("左右", "余"),
        at_least=pre_word in ("超过", "不少于", "不低于", "至少") or post_word == "以上",
        per=_per(text, start, m.start()), label=label, total=pre_word in ("共计", "合计", "总计", "共"),
    )


def _is_number(num: str, after: str, unit: str = "") -> bool:
    """Whether a numeral before a measure word counts something (``after``: the next few characters)."""
    if num[0].isdigit():
        return not (after and after[0].isdigit())  # a number run on: not a count (1台DR设备 is one)
    if (after and after[0] in "性式化级") or len(num) > 6:
        return False  # 一次性, 一站式: a word, not a number
    if num == "一" and after and not _CLAUSE_SPLIT.match(after) and not after[0].isspace() and \
            (unit not in PHYSICAL or _ABSTRACT_AFTER.match(after)):
        return False  # "营造一个良好的环境", "建立一套完善的机制": an article, not a count
    return chinese_number(num) is not None


def _clause_start(text: str, at: int) -> int:
    return max((text.rfind(ch, 0, at) for ch in "，。；;,、：:\n（）()"), default=-1) + 1


def _per(text: str, clause_start: int, at: int) -> str:
    """每月 / 每场 / 每户 written shortly before the number in the same clause."""
    window = text[max(clause_start, at - 10) : at]
    found = re.findall(r"每(?:年|季度?|月|周|天|日|餐|人次|人|名|户|场|次|部|台|辆|页|件|个|期|班|车|平方米|平米|㎡|亩|"
                       r"床|套|份|册|课时|学时|批)", window)
    return "".join(found)


def _verb_object(text: str, clause_start: int, start: int, end: int) -> tuple[str, str, str, str]:
    """(verb, object, object written before the verb, label) of one quantity.

    "购置七氟丙烷灭火装置10套" → 购置 / 七氟丙烷灭火装置; "主体班培训280人次" → 培训 / "" / 主体班;
    "对办公楼8部电梯开展维护保养" → 维护 / 电梯 (after the number: "对办公楼" only says where).
    """
    before = text[clause_start:start]
    label = _OBJECT_SUFFIX.sub("", _OBJECT_PREFIX.sub("", before)).strip()
    verbs = list(_VERB_RE.finditer(before))
    content = [v for v in verbs if v.group() not in LIGHT_VERBS]
    after_obj, after_verb = _after(text, end)
    if not content:
        # no action before the number ("对全区36个老年助餐点…", "观众约3万人次"): the object follows
        # the number or is the clause itself; the action comes after, or from the previous clause
        obj = after_obj or _clean_object(re.sub(r"每\S?$", "", before[verbs[-1].end():] if verbs else before))
        obj = "" if _FRAGMENT.search(obj) else obj
        return after_verb or _earlier_verb(text, clause_start), obj, "", label
    verb = content[-1]
    obj = _clean_object(re.sub(r"每\S?$", "", before[verb.end():]))
    if _FRAGMENT.search(obj):  # "分两次", "开展宣传活动和春节前到两个敬老院看望": the noun and verb after the number
        return after_verb or verb.group(), after_obj, "", label
    at = verbs.index(verb)
    lead = _clean_object(before[verbs[at - 1].end() if at else 0 : verb.start()])
    pre = lead if not obj and len(lead) <= 6 else ""
    if not obj and not pre and after_obj:
        return verb.group(), after_obj, "", label
    return verb.group(), obj, pre, label


# What is left between a verb and its number when they are not verb and object: a function word ("分两次",
# "按2次") or a clause running on to a motion verb ("活动和春节前到两个敬老院").
_FRAGMENT = re.compile(r"^[分按以于用向给共]$|(?:到|去|往|至|赴|前往)$")


def _after(text: str, end: int) -> tuple[str, str]:
    """The noun right after the measure word, and the next action word: "8部电梯开展维护保养"."""
    rest = text[end : end + 24]
    rest = rest[: next((i for i, ch in enumerate(rest) if _CLAUSE_SPLIT.match(ch)), len(rest))]
    verbs = list(_VERB_RE.finditer(rest))
    content = next((v for v in verbs if v.group() not in LIGHT_VERBS), None)
    stop = verbs[0].start() if verbs else len(rest)
    noun = _clean_object(re.split(r"的|按|给予|并|和|与", rest[:stop])[0])
    return noun[:10], content.group() if content else ""


def _earlier_verb(text: str, clause_start: int) -> str:
    """"对档案进行数字化扫描加工，共计约12万页": the verb of the previous clause in the sentence."""
    sentence_start = text.rfind("。", 0, clause_start) + 1
    verbs = [v.group() for v in _VERB_RE.finditer(text[sentence_start:clause_start]) if v.group() not in LIGHT_VERBS]
    return verbs[-1] if verbs else ""


def _clean_object(s: str) -> str:
    s = re.sub(r"[\s“”\"'《》【】]", "", s)
    s = re.sub(r"^[^\w]+|[^\w]+$", "", s)  # "……共": an ellipsis names nothing
    s = _OBJECT_PREFIX.sub("", s)
    s = _OBJECT_SUFFIX.sub("", s)
    s = re.sub(r"^(?:内|里)", "", s)
    return s if 1 <= len(s) <= 14 and not re.search(r"\d", s) else ""


# --- dates, periods, beneficiaries ------------------------------------------------------------------

def _mask_dates(text: str) -> str:
    """Blank out dates (keeping offsets) so their numbers are not read as quantities."""
    def blank(m: re.Match) -> str:
        return "□" * len(m.group())

    text = RANGE_RE.sub(lambda m: blank(m) if m.group("b") else m.group(), text)
    return DATE_RE.sub(lambda m: blank(m) if re.search(r"[年月]", m.group()) or "." in m.group() else m.group(), text)


def _ym(s: str) -> tuple[int | None, int | None]:
    y = re.search(r"((?:19|20)\d{2})\s*年", s)
    m = re.search(r"(\d{1,2})\s*月", s)
    return (int(y.group(1)) if y else None, int(m.group(1)) if m and 1 <= int(m.group(1)) <= 12 else None)


def _period(text: str) -> Period | None:
    for m in RANGE_RE.finditer(text):
        if not m.group("b"):
            continue
        start, end = _ym(m.group("a")), _ym(m.group("b"))
        if end == (None, None):
            continue
        if end[0] is None and end[1] is not None and start[1] is not None and end[1] < start[1]:
            end = ((start[0] or 0) + 1, end[1])  # 2023年7月至1月: the next year
        return Period(start=start, end=end)
    return None


def _deadline(text: str) -> str | None:
    for m in DATE_RE.finditer(text):
        if "月" not in m.group() and "年" not in m.group():
            continue
        if DEADLINE_AFTER.match(text[m.end() :]) and not RANGE_RE.match(text[max(0, m.start() - 9) : m.end() + 9]):
            return re.sub(r"\s+", "", m.group())
    return None


def audiences(text: str) -> list[str]:
    """Whose satisfaction the project is judged by: the people the brief names, in the order written
    (the longer word where two overlap: 缴存职工, not 职工), then those its place serves (SERVED) when
    the brief names nobody or names some of them (学生 named in a 资助 brief: 学生 and 家长)."""
    hits = sorted((text.find(w), -len(w), w) for w in BENEFICIARIES if w in text)
    named: list[str] = []
    for _, _, w in hits:
        if not any(w in n for n in named):
            named.append(w)
    served = next((groups for pattern, groups in SERVED if pattern.search(text)), ())
    if named and not set(served) & set(named):
        return named  # 患者 named in a 敬老院 text: the place says nothing more about them
    return list(dict.fromkeys(named + list(served)))


def quantity_value(q: Quantity) -> tuple[str, str | None]:
    """The 指标值 a user's quantity becomes, and a question when it is only approximate.

    "10套" → 10套; "10—12辆" → ≥10辆 (the lower end is the commitment); "约10套" → 10套 + a question;
    "不少于2次" / "500件以上" → ≥2次; a count the brief gives twice, differently → the first + a question.
    """
    if q.number_max is not None or q.at_least:
        return f"≥{q.text}", q.conflict
    if q.approx and not q.conflict:
        return q.text, f"您写的是「约{q.text}」，请确认计划数（已先填{q.text}）。"
    return q.text, q.conflict


# --- project types ----------------------------------------------------------------------------------

NAME_WEIGHT, TEXT_WEIGHT, VERB_WEIGHT = 3, 1, 1
UMBRELLA_TEXT_WEIGHT = 2  # a description word when the name is only a budget line: two signs make a type
MIN_SCORE = 3  # one word in the name, or three signs in the description
MIN_SHARE = 0.35  # a second type must score at least this share of the best (运维 + 等保测评)
MAX_TYPES = 3


def detect_types(name: str, description: str | None, triggers: dict[str, tuple[list[str], list[str], list[str]]],
                 verbs: list[str] | None = None, umbrella: Iterable[str] = ()) -> list[tuple[str, int]]:
    """(type id, score), best first. Trigger words in the name weigh 3, in the description 1, and
    each quantity whose verb is a trigger ("购置…10套") 1 more. A name with an excluded word is not
    that type (公务用车运行维护 is not 信息化运维).

    ``umbrella`` words name a budget line, not what it buys (运行经费, 专项工作经费 has none at all):
    when the name says no more than that, the description says what the money is for, and its
    trigger words weigh as the name's would ("其他运行经费：发送12329短信通知…" is a hotline contract)."""
    name = clean(name or "")
    text = clean(description or "")[:4000]
    umbrella = [u for u in umbrella if u in name]
    said = {w for name_words, _, exclude in triggers.values() if not any(x in name for x in exclude)
            for w in name_words if w in name}
    specific = any(not any(w in u for u in umbrella) for w in said)  # a type word beyond the budget line
    text_weight = TEXT_WEIGHT if specific else UMBRELLA_TEXT_WEIGHT
    scores: dict[str, int] = {}
    for kind, (name_words, text_words, exclude) in triggers.items():
        if any(w in name for w in exclude):
            continue
        score = NAME_WEIGHT * sum(1 for w in set(name_words) if w in name)
        score += text_weight * sum(1 for w in set(text_words) if w in text)
        score += VERB_WEIGHT * sum(1 for v in verbs or [] if v and v in name_words + text_words)
        if score >= MIN_SCORE:
            scores[kind] = score
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted((k for k, s in scores.items() if s >= MIN_SHARE * best), key=lambda k: -scores[k])
    return [(k, scores[k]) for k in ranked[:MAX_TYPES]]
