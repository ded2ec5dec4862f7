"""The grammar of an indicator name: what is measured (an object) and how (a measure), nothing else.

A 三级指标 name reads "七氟丙烷灭火装置购置数量", "空气质量优良天数比例", "市民满意度": an object and a
measure. Reviewers send back names that are not: a fragment cut out of a longer word ("器服务数量"),
a word or a measure said twice ("配备车辆数服务数量", "保洁服务服务费"), a value or an operator inside
the name ("业务项目数量≥编制数量", "租赁部门 4个"), a year inside the name ("2018生物实验教学中心建设成本":
the year is the table's, not the indicator's), what a blank template or a numbered list left behind
("扶贫临时救助人数(≥**人)", "★★★发放人数", "指标1:培训人次"), or a sentence in place of a name ("通过采购服务，全市空气质量
达到优良"). ``name_problems`` is the one copy of these checks: the drafter refuses such names when it
composes them, and R20 reports them on any table, imported forms included.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.review.registry import Context, Hit, rule
from assistant.review.rows import where
from assistant.schema import Severity

MAX_NAME = 24  # longer than this, a name is a sentence or a description (real forms' names: median ~7)

# Bound morphemes that end words and never start one (灭火器 → "器…"), and particles/conjunctions that
# cannot end a name (a cut clause: "档案和", "改善的").
_BOUND_START = set("器们性者的了着之于等及与和次")
_BOUND_START_OK = re.compile(r"^(?:及时|等级|等保|和谐|于是|性能|性别|之后|着力|了解|与会|次均|次数)")
# A place alone names nothing measured ("全区", "本市").
PLACE_ONLY = re.compile(r"(?:全|本|我|各)?(?:省|市|县|区|镇|乡|村|街道|社区|辖区内?|地区|全国|单位|机关|部门)")
_DANGLING_END = re.compile(r"(?:的|和|及|与|对|在|将|把|为|或|并|由|从|等)$")
_OPERATOR = re.compile(r"[≥≤＞＜<>=＝]|不低于|不少于|不超过|不高于|不大于|不小于")
_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?![\d.])(?:年度?)?")
_CLAUSE = re.compile(r"[，,。；;！!？?]|[\u4e00-\u9fff]\s+[\u4e00-\u9fff\d]")
# A value written into the name: "4个", "≥20条", "100%" at its end.
_VALUE_TAIL = re.compile(r"\d+(?:\.\d+)?\s*(?:%|‰|个|套|台|辆|次|人次|人|名|条|项|件|场|期|万元|元|平方米|米)$")
# Count measures: a second one after the first counts the same thing twice ("车辆数服务数量").
_COUNT = r"(?:数量|个数|次数|人数|户数|台数|套数|车辆数|数)(?![据字码额值学码控理])"
_DOUBLE_COUNT = re.compile(rf"{_COUNT}.+{_COUNT}$")
_REPEAT = re.compile(r"([\u4e00-\u9fff]{2,4})\1")  # 服务服务, 扫描扫描
# What a blank template or a numbered list leaves in a name: "(≥**人)", "XX", "★★★", "指标1:".
TEMPLATE_MARK = re.compile(r"[*＊★☆]|^\s*指标\s*\d+\s*[:：、.]?")  # what a repair can cut
_TEMPLATE = re.compile(rf"{TEMPLATE_MARK.pattern}|[Xx×]{{2}}")


def name_problems(name: str | None) -> list[str]:
    """What is wrong with a name as an indicator name, in Chinese; [] when it reads as object + measure."""
    s = (name or "").strip()
    if not s:
        return []  # an empty cell is R07's business (no placeholder / empty value)
    problems = []
    if _TEMPLATE.search(s):
        problems.append("名称中含有模板占位符、星号或序号（如“(≥**人)”“★”“指标1：”）")
    core = re.sub(r"[（(][^）)]*[）)]", "", s)  # a bracketed note (含税) is not part of the grammar
    if len(core) < 2 or PLACE_ONLY.fullmatch(core) or (core[0] in _BOUND_START and not _BOUND_START_OK.match(core)) or _DANGLING_END.search(core):
        problems.append("名称残缺（像是从别的词中截出的片段）")
    if _REPEAT.search(core) or _DOUBLE_COUNT.search(core):
        problems.append("名称中有重复的词或两个计量词")
    if _OPERATOR.search(core) or _VALUE_TAIL.search(core):
        problems.append("名称中含有指标值或比较符号（应写在指标值栏）")
    if _YEAR.search(core):
        problems.append("名称中含有年份（年度由表头说明）")
    if _CLAUSE.search(core) or len(core) > MAX_NAME:
        problems.append("名称像一句话（应为“对象+计量”，如“设备购置数量”）")
    return problems


def is_well_formed(name: str | None) -> bool:
    return not name_problems(name)


@rule("R20-name-grammar", "指标名称为“对象+计量”，不残缺、不重复、不含指标值或年份")
def name_grammar(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        problems = name_problems(ind.name)
        if problems:
            yield Hit(Severity.WARNING, f"{where(i, ind)}：{'；'.join(problems)}", i,
                      "改为“对象+计量”的名称，如“灭火装置购置数量”“空气质量优良天数比例”，数值写在指标值栏")
