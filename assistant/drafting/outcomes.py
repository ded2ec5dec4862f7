"""效益 rows from the goals the preparer stated: each goal clause that states an effect becomes one row.

"保证馆库和档案实体安全" → 社会效益 `档案实体安全事故发生次数 0次`; "全市空气质量达到优良" → 生态效益
`全市空气质量 达到优良`; "为水濂村带来观光游客不少于6万人" → `观光游客人数 ≥6万人`; "提高信息化办公速度" →
`信息化办公速度提升程度 明显提升` (a question asks for a measurable target). The row's 依据 is 计划标准
with the goal quoted, so a reviewer sees which sentence it measures. A clause whose object cannot be
named as object + measure (rules_grammar) gives no row: no row is better than a garbled one.
"""
from __future__ import annotations

import re

from assistant.drafting.brief_facts import QUANTITY_RE
from assistant.drafting.brief_reader import Outcome, noun_phrases
from assistant.review.rules_grammar import PLACE_ONLY, is_well_formed
from assistant.schema import Basis, Indicator, Level2, Precedent
from assistant.taxonomy import level1_of

MAX_OUTCOMES = 3
_ECONOMIC = re.compile(r"收入|收益|增收|经济|产值|营收|成本|节约|财政")
_ECOLOGICAL = re.compile(r"空气|环境|生态|污染|扬尘|降尘|抑尘|绿化|水质|节能|排放|粪污|资源化|垃圾|噪声")
_SUSTAINABLE = re.compile(r"长效|长期|可持续|持续")
# A noun phrase that already says what is measured needs no measure word added.
_MEASURE_HEAD = re.compile(r"(?:质量|水平|能力|意识|素养|效率|速度|品质|环境|收入|收益|覆盖率|率|度|感|量|数)$")
_GRADE = re.compile(r"^(?:优良|良好|优秀|达标|合格|稳定|全覆盖)")
_QUALIFIER = re.compile(r"^(?:全市|全县|全区|我市|我县|我区|辖区内?|本地区?)")
_VERB_MEASURE = {  # effect verb → (measure added to the object, qualitative value written)
    "提高": ("提升程度", "明显提升"), "提升": ("提升程度", "明显提升"), "增强": ("提升程度", "明显增强"),
    "改善": ("改善程度", "明显改善"), "优化": ("改善程度", "明显改善"), "促进": ("促进作用", "有效促进"),
    "增进": ("促进作用", "有效促进"), "减少": ("下降程度", "有所下降"), "降低": ("下降程度", "有所下降"),
    "减轻": ("减轻程度", "有效减轻"), "缓解": ("缓解程度", "有效缓解"), "稳定": ("稳定程度", "保持稳定"),
    "巩固": ("巩固程度", "持续巩固"), "推动": ("推动作用", "有效推动"), "带动": ("带动作用", "有效带动"),
}


def outcome_rows(outcomes: list[Outcome], project: str) -> list[Indicator]:
    """One 效益 row per outcome clause that can be named; at most MAX_OUTCOMES, in the goals' order."""
    rows: list[Indicator] = []
    for outcome in outcomes:
        row = _row(outcome, project)
        if row is not None and not any(r.name == row.name for r in rows):
            rows.append(row)
        if len(rows) >= MAX_OUTCOMES:
            break
    return rows


def _row(outcome: Outcome, project: str) -> Indicator | None:
    named = _name_value(outcome)
    if named is None:
        return None
    name, value, measurable = named
    name = _QUALIFIER.sub("", name) if len(_QUALIFIER.sub("", name)) >= 4 else name
    if not is_well_formed(name) or len(name) > 16:
        return None
    level2 = _level2(f"{name} {outcome.text}")
    cite = Precedent(kind="goal", project=project, name=outcome.text, value=value, basis="年度目标")
    return Indicator(
        level1=level1_of(level2), level2=level2, name=name, value=value, basis=Basis.PLAN,
        basis_note=f"年度目标：{outcome.text}", explanation=f"衡量年度目标「{outcome.text}」的实现情况。",
        needs_input=not measurable,
        question=None if measurable else f"「{name}」能否写成可衡量的目标值（如比例、次数）？已先按目标表述填写。",
        precedents=[cite], inferred=["outcome"],
    )


def _name_value(o: Outcome) -> tuple[str, str, bool] | None:
    """(name, value, whether the value is a number the preparer wrote)."""
    after = re.sub(r"的?目的$|的?效果$", "", o.after)
    quantity = QUANTITY_RE.search(after)
    if quantity and quantity.group("unit") not in ("年", "月", "天", "日"):
        obj = _object(after[: quantity.start()])
        if obj and not PLACE_ONLY.fullmatch(obj):  # "保障全区28所中小学…": 全区 is where, not what
            op = "≥" if re.search(r"不少于|不低于|超过|以上|达", after) or quantity.group("pre") else ""
            measure = "人数" if quantity.group("unit") in ("人", "人次", "名") else ""
            text = re.sub(r"^(?:不少于|不低于|超过|约|达)", "", quantity.group())
            return f"{obj}{'' if _MEASURE_HEAD.search(obj) else measure}", f"{op}{text}", True
    if "安全" in after:
        obj = _object(after.split("安全")[0])
        return (f"{obj}安全事故发生次数", "0次", True) if obj else None
    if o.verb in ("达到", "实现", "满足") and o.before and _GRADE.match(after):
        grade = _GRADE.match(after).group()
        return o.before, f"达到{grade}", False
    measure = _VERB_MEASURE.get(o.verb)
    obj = _object(after)
    if measure is None or not obj:
        return None
    if obj.endswith("率"):
        return obj, measure[1], False  # "提高综合利用率": the rate is the measure
    return f"{obj}{measure[0]}", measure[1], False


# Heads that name no object of their own: "减轻疫情…的影响" says what changes only in its modifiers.
_EMPTY_HEAD = re.compile(r"^(?:影响|作用|目的|效果|工作|情况|问题|意识|水平|能力|品质|质量|利用|使用|应用|发展|管理|运行|开展)$")


def _object(text: str) -> str | None:
    """The noun phrase an effect is about: the last one of a list ("馆库和档案实体" → 档案实体)."""
    phrases = noun_phrases(re.split(r"[和及与、]", text)[-1] if re.search(r"[和及与、]", text) else text)
    obj = phrases[-1] if phrases else ""
    if _EMPTY_HEAD.match(obj):  # "促进资源循环和高效利用": 利用 names nothing; the list's first item does
        obj = next((p for p in noun_phrases(text) if not _EMPTY_HEAD.match(p)), "")
    return obj if 2 <= len(obj) <= 12 and not _EMPTY_HEAD.match(obj) else None


def _level2(text: str) -> Level2:
    if _ECOLOGICAL.search(text):
        return Level2.ECOLOGICAL
    if _ECONOMIC.search(text):
        return Level2.ECONOMIC
    if _SUSTAINABLE.search(text):
        return Level2.SUSTAINABLE
    return Level2.SOCIAL


# --- the tasks the goals name -------------------------------------------------------------------
# "深入开展食品风险隐患排查整治" / "加强基层监管人员业务培训": a goal clause that names a task without a number
# becomes a 质量 row "<task>完成率 100%" (the numbers a goal states are facts, placed elsewhere).
MAX_TASKS = 2
_TASK_LEAD = re.compile(
    r"^(?:(?:深入|全面|持续|积极|认真|进一步|切实|高质量|高标准|按时|按期|圆满|顺利|及时|依法|扎实|大力|着力)*"
    r"(?:开展|加强|加大|做好|完成|组织|举办|实施|推进|落实|抓好|强化|推动|开设|完善|对))+")
_TASK_TAIL = re.compile(r"(?:的?力度|的?工作任务|等工作|等活动|各项)$")
_VAGUE = re.compile(r"相关|有关|各项|其他|本职|日常|工作|任务|事项|项目")
_NOT_TASK = re.compile(r"[\d０-９一二两三四五六七八九十百千万]+\s*[个项次人名台套辆件场期批户家所平米亩条份]|费用|资金|经费|保障")


def task_rows(clauses: list[str], project: str) -> list[Indicator]:
    """One 质量 row per goal clause that names a task (at most MAX_TASKS), the clause quoted as its 依据."""
    rows: list[Indicator] = []
    for clause in clauses:
        name = _task_name(clause)
        if name is None or any(r.name == name for r in rows):
            continue
        cite = Precedent(kind="goal", project=project, name=clause, value="100%", basis="年度目标")
        rows.append(Indicator(
            level1=level1_of(Level2.QUALITY), level2=Level2.QUALITY, name=name, value="100%", basis=Basis.PLAN,
            basis_note=f"年度目标：{clause}", explanation=f"反映年度目标「{clause}」所列任务的完成比例。",
            precedents=[cite], inferred=["task"]))
        if len(rows) >= MAX_TASKS:
            break
    return rows


def _task_name(clause: str) -> str | None:
    lead = _TASK_LEAD.match(clause)
    if lead is None or _NOT_TASK.search(clause):
        return None
    task = _TASK_TAIL.sub("", clause[lead.end():].strip(" ，,。；;")).strip()
    if not re.fullmatch(r"[\u4e00-\u9fff、]{3,12}", task) or task.endswith(("的", "和", "及", "、")):
        return None
    if len(_VAGUE.sub("", task)) < 2:
        return None  # "做好相关工作" names no task
    name = f"{task}完成率"
    return name if is_well_formed(name) else None
