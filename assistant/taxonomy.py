"""The 一级/二级 indicator tree (two variants), the synonyms met in real forms, and 依据 categories.

Sources: the provincial style used by most forms incl. the seeds (成本 under 产出), and
财预〔2021〕101号 (成本指标 as its own 一级 with 经济/社会/生态环境成本). See DOMAIN.md.
"""
from __future__ import annotations

import re
from enum import StrEnum

from assistant.schema import Basis, Indicator, Level1, Level2, TargetTable


class Variant(StrEnum):
    PROVINCIAL = "provincial"  # 成本指标 is a 二级 under 产出指标
    MOF_2021 = "mof2021"  # 财预〔2021〕101号: 成本指标 is a 一级


TREES: dict[Variant, dict[Level1, list[Level2]]] = {
    Variant.PROVINCIAL: {
        Level1.OUTPUT: [Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS, Level2.COST],
        Level1.BENEFIT: [Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE],
        Level1.SATISFACTION: [Level2.SATISFACTION],
    },
    Variant.MOF_2021: {
        Level1.OUTPUT: [Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS],
        Level1.COST: [Level2.ECONOMIC_COST, Level2.SOCIAL_COST, Level2.ECOLOGICAL_COST],
        Level1.BENEFIT: [Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE],
        Level1.SATISFACTION: [Level2.SATISFACTION],
    },
}

# What each 二级 measures, in a novice's words (shown in the UI and used in explanations).
MEANING: dict[Level2, str] = {
    Level2.QUANTITY: "交付了多少：次、人、条、个、平方米、套（不是花了多少钱）",
    Level2.QUALITY: "达到什么标准：合格率、完好率、通畅率、故障率≤",
    Level2.TIMELINESS: "什么时候完成、是否及时：完成时间、及时率、期限",
    Level2.COST: "花多少钱，写上限：总成本≤预算（万元）或单位成本",
    Level2.ECONOMIC_COST: "经济成本上限：总成本≤预算（万元）或单位成本",
    Level2.SOCIAL_COST: "对社会造成的成本或代价",
    Level2.ECOLOGICAL_COST: "对生态环境造成的成本或代价",
    Level2.ECONOMIC: "产出带来的经济效果：增值收益增长、节约资金",
    Level2.SOCIAL: "产出带来的社会效果：业务办理效率、服务保障、群众便利",
    Level2.ECOLOGICAL: "产出带来的生态环境效果：无纸化、节能减排",
    Level2.SUSTAINABLE: "长期影响：制度、系统、机制能否持续发挥作用",
    Level2.SATISFACTION: "谁满意：缴存职工、缴存单位、办事群众、参训学员，一般≥90%，以问卷调查",
}

_LEVEL1_WORDS: list[tuple[str, Level1]] = [
    ("产出", Level1.OUTPUT),
    ("效益", Level1.BENEFIT),
    ("效果", Level1.BENEFIT),  # 效果指标 = 效益指标 in some forms
    ("满意", Level1.SATISFACTION),
    ("成本", Level1.COST),
]

_LEVEL2_WORDS: list[tuple[str, Level2]] = [
    ("数量", Level2.QUANTITY),
    ("质量", Level2.QUALITY),
    ("时效", Level2.TIMELINESS),
    ("进度", Level2.TIMELINESS),
    ("经济成本", Level2.ECONOMIC_COST),
    ("社会成本", Level2.SOCIAL_COST),
    ("生态环境成本", Level2.ECOLOGICAL_COST),
    ("环境成本", Level2.ECOLOGICAL_COST),
    ("成本", Level2.COST),
    ("经济效益", Level2.ECONOMIC),
    ("社会效益", Level2.SOCIAL),
    ("生态效益", Level2.ECOLOGICAL),
    ("环境效益", Level2.ECOLOGICAL),  # 环境效益 = 生态效益
    ("可持续", Level2.SUSTAINABLE),
    ("满意", Level2.SATISFACTION),  # 社会公众满意度 ≈ 服务对象满意度
    ("服务对象", Level2.SATISFACTION),  # the canonical label itself: 服务对象满意度指标
]


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text or "")


def normalize_level1(text: str | None) -> Level1 | None:
    """"产出\\n指标", "效果指标", "效益 指标" → the canonical 一级; None when unknown."""
    s = _squash(text or "")
    if not s:
        return None
    for word, level in _LEVEL1_WORDS:
        if s.startswith(word):
            return level
    return None


def normalize_level2(text: str | None) -> Level2 | None:
    """"社会效益 指标", "环境效益指标", "可持续性影响" → the canonical 二级; None when unknown."""
    s = _squash(text or "")
    if not s:
        return None
    for word, level in _LEVEL2_WORDS:
        if s.startswith(word):
            return level
    return None


def level1_of(level2: Level2, variant: Variant = Variant.PROVINCIAL) -> Level1:
    """The 一级 a 二级 belongs to in a variant."""
    for level1, children in TREES[variant].items():
        if level2 in children:
            return level1
    if level2 is Level2.COST:
        return Level1.COST if variant is Variant.MOF_2021 else Level1.OUTPUT
    # 经济/社会/生态环境成本 in the provincial variant: they are cost under 产出
    return Level1.OUTPUT if variant is Variant.PROVINCIAL else Level1.COST


# The cost ceiling's 二级 in either variant: 成本指标 under 产出, or 经济成本指标 under the 一级 成本指标.
COST_LEVEL2 = frozenset({Level2.COST, Level2.ECONOMIC_COST})
LEVEL1_ORDER = (Level1.OUTPUT, Level1.COST, Level1.BENEFIT, Level1.SATISFACTION)
_LEVEL2_ORDER = {level2: i for i, level2 in enumerate(Level2)}


def is_cost(row: Indicator) -> bool:
    """A cost row of either variant (an imported 成本 一级 row may have no 二级)."""
    return row.level2 in COST_LEVEL2 or (row.level1 is Level1.COST and row.level2 is None)


def variant_of(table: TargetTable) -> Variant:
    """The variant a table is written in: a 成本 一级 anywhere means 财预〔2021〕101号."""
    return Variant.MOF_2021 if any(r.level1 is Level1.COST for r in table.indicators) else Variant.PROVINCIAL


def place(row: Indicator, variant: Variant) -> None:
    """Put one row where its 二级 sits in ``variant``: 成本 under 产出 (provincial) or as its own 一级
    with 经济成本指标 (财预〔2021〕101号); other rows under their 二级's 一级."""
    if is_cost(row):
        row.level1, row.level2 = ((Level1.COST, Level2.ECONOMIC_COST) if variant is Variant.MOF_2021
                                  else (Level1.OUTPUT, Level2.COST))
    elif row.level2 is not None:
        row.level1 = level1_of(row.level2, variant)


def tree_order(row: Indicator) -> tuple[int, int]:
    """Sort key of a row in the form: 一级 as the forms list them, then 二级 in the tree's order."""
    l1 = LEVEL1_ORDER.index(row.level1) if row.level1 in LEVEL1_ORDER else len(LEVEL1_ORDER)
    return l1, _LEVEL2_ORDER.get(row.level2, len(_LEVEL2_ORDER)) if row.level2 is not None else len(_LEVEL2_ORDER)


def place_all(rows: list[Indicator], variant: Variant) -> None:
    """Place every row and sort them in the tree's order (stable: rows of one 二级 keep theirs), so an
    exported form's merged 一级/二级 cells stay whole."""
    for row in rows:
        place(row, variant)
    rows.sort(key=tree_order)


def placed(table: TargetTable, variant: Variant) -> TargetTable:
    """A copy of ``table`` with its cost rows moved to ``variant``'s place."""
    rows = [row.model_copy() for row in table.indicators]
    place_all(rows, variant)
    return table.model_copy(update={"indicators": rows})


def belongs(level1: Level1, level2: Level2) -> bool:
    """Is this pair allowed in either variant (forms mix them, e.g. 六安's 成本 as a 一级)?"""
    if level1 is Level1.COST and level2 is Level2.COST:
        return True
    return any(level2 in tree.get(level1, []) for tree in TREES.values())


# --- inferring a 二级 from the indicator's own words (for forms that give only 一级) ----------------

_INFER_RULES: list[tuple[str, Level2]] = [
    (r"满意", Level2.SATISFACTION),
    # a rate of promptness is 时效 even when it names money (租金支付及时率)
    (r"及时|时效|时间|时限|期限|周期|按时|按期|完成时|限时|办结|响应|进度|天数", Level2.TIMELINESS),
    (r"成本|费用|经费|单价|租金|价格|资金(?!到位|执行|支付)|元/", Level2.COST),
    # a counted object wins over the quality words it may contain (物业管理覆盖面积 is a quantity)
    (r"数量|人数|次数|个数|条数|面积|户数|笔数|场次|人次|发送量|业务量", Level2.QUANTITY),
    (r"合格|达标|完好|准确|正确|通畅|成功|故障|差错|错案|安全|质量|覆盖率|到达率|完成率|规范|等级|可用|"
     r"知晓率|覆盖|优良|通过率|逾期率|保护", Level2.QUALITY),
    (r"收益|收入|节约|节省|经济", Level2.ECONOMIC),
    (r"环保|无纸|节能|生态|环境|绿色|碳", Level2.ECOLOGICAL),
    (r"持续|长效|长期", Level2.SUSTAINABLE),
    (r"套|台|场|期|家|量|数$|数（|数\(", Level2.QUANTITY),
]
_BENEFIT = (Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE)
_OUTPUT = (Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS, Level2.COST)


def infer_level2(name: str, value: str = "", level1: Level1 | None = None) -> Level2 | None:
    """Guess the 二级 of an indicator from its name, constrained by its 一级 when known.

    The name decides; the value only hints at a unit (a value such as "持续稳定增长" or "良好环境"
    says nothing about the 二级). A 满意度 name is 满意度 whatever 一级 the form put it under.
    """
    candidates = [level2 for pattern, level2 in _INFER_RULES if re.search(pattern, name)]
    if Level2.SATISFACTION in candidates or level1 is Level1.SATISFACTION:
        return Level2.SATISFACTION
    if level1 is Level1.BENEFIT:
        return next((c for c in candidates if c in _BENEFIT), Level2.SOCIAL)
    if level1 is Level1.OUTPUT:
        found = next((c for c in candidates if c in _OUTPUT), None)
        if found:
            return found
        return Level2.QUALITY if re.search(r"[%‰]|率", f"{name}{value}") else Level2.QUANTITY
    if level1 is Level1.COST:
        return Level2.ECONOMIC_COST
    if not candidates and re.search(r"[%‰]", value):
        return Level2.QUALITY
    return candidates[0] if candidates else None


def infer_level1(name: str, value: str = "") -> Level1 | None:
    """For a row whose 一级 is blank (广州 "1、：满意度…")."""
    level2 = infer_level2(name, value)
    if level2 is None:
        return None
    return level1_of(level2)


# --- 指标值确定依据: free-text note → one of the five categories ---------------------------------------

_BASIS_RULES: list[tuple[str, Basis]] = [
    (r"预算|批复|支出标准|财政|资金安排", Basis.BUDGET),
    (r"上年|历史|往年|近[三两3]年|以前年度|同期|去年", Basis.HISTORY),
    (r"行业|国家标准|国标|规范|技术标准|验收标准|文件规定|省厅|规定|办法|条例|标准要求", Basis.INDUSTRY),
    (r"计划|目标|任务|规划|方案|部署", Basis.PLAN),
    (r"合同|协议|签约|工作需要|调查|考核|测评|实际|需求|其他", Basis.OTHER),
]


def classify_basis(note: str | None) -> Basis | None:
    """"签约合同" → 其他标准, "上年标准" → 历史标准, "批复文件" → 预算支出标准; None for 无依据/empty."""
    s = _squash(note or "")
    if not s or s in {"无", "无依据", "/", "—"}:
        return None
    for member in Basis:
        if s == member.value:
            return member
    for pattern, basis in _BASIS_RULES:
        if re.search(pattern, s):
            return basis
    return Basis.OTHER
