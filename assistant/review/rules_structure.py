"""Rules on the indicator tree: the required 一级 are there, each row names its 一级 and 二级, a 二级 sits
under its own 一级 (in either variant of DOMAIN.md, or the one given), and 满意度 rows sit under 满意度.
"""
from __future__ import annotations

from collections.abc import Iterator

from assistant.review.registry import Context, Hit, rule
from assistant.review.rows import implied_level1, where
from assistant.schema import Level1, Level2, Severity
from assistant.taxonomy import TREES, Variant, belongs, infer_level1, infer_level2, level1_of

_LEVEL1_EXAMPLE = {
    Level1.OUTPUT: "至少填写一项数量、质量或时效指标，如「培训人数≥40人」",
    Level1.COST: "如「项目总成本≤预算数万元」（依据：预算支出标准）",
    Level1.BENEFIT: "至少填写一项效益指标，如社会效益「业务限时办结率≥95%」",
    Level1.SATISFACTION: "如「服务对象满意度≥90%」（以问卷调查确定）",
}


@rule("R01-required-level1", "产出、效益、满意度（及作为一级的成本）指标齐全")
def required_level1(ctx: Context) -> Iterator[Hit]:
    rows = list(ctx.rows())
    if not rows:
        yield Hit(Severity.ERROR, "表中没有任何三级指标", None, "按产出、效益、满意度指标逐项填写")
        return
    present = {implied_level1(ind) for _, ind in rows}
    required = [Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION]
    if ctx.variant is Variant.MOF_2021:  # 财预〔2021〕101号: 成本指标 is a 一级 of its own
        required.insert(1, Level1.COST)
    misplaced = [(i, ind) for i, ind in rows if "满意" in ind.name]
    for level in required:
        if level not in present:
            hint = _LEVEL1_EXAMPLE[level]
            if level is Level1.SATISFACTION and misplaced:
                hint = f"将{where(*misplaced[0])}移到满意度指标下"
            yield Hit(Severity.ERROR, f"缺少一级指标「{level.value}」", None, hint)


@rule("R03-level-missing", "每项指标标明一级、二级")
def level_missing(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if implied_level1(ind) is None:
            guess = infer_level1(ind.name, ind.value)
            yield Hit(Severity.WARNING, f"{where(i, ind)}：未标明一级指标", i,
                      f"可归入「{guess.value}」" if guess else None)
        elif ind.level2 is None:
            guess = infer_level2(ind.name, ind.value, ind.level1)
            yield Hit(Severity.WARNING, f"{where(i, ind)}：未标明二级指标", i,
                      f"可归入「{guess.value}」" if guess else None)


@rule("R04-level2-belongs", "二级指标属于其一级指标")
def level2_belongs(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        if ind.level1 is None or ind.level2 is None or _allowed(ctx.variant, ind.level1, ind.level2):
            continue
        home = level1_of(ind.level2, ctx.variant or Variant.PROVINCIAL)
        yield Hit(Severity.ERROR, f"{where(i, ind)}：二级指标「{ind.level2.value}」不属于一级指标「{ind.level1.value}」",
                  i, f"「{ind.level2.value}」应放在「{home.value}」下")


def _allowed(variant: Variant | None, level1: Level1, level2: Level2) -> bool:
    if variant is None:
        return belongs(level1, level2)
    if level1 is Level1.COST and level2 is Level2.COST:  # 成本指标/成本指标: 六安's way of writing a 一级
        return variant is Variant.MOF_2021
    return level2 in TREES[variant].get(level1, [])


@rule("R15-satisfaction-placement", "满意度指标放在满意度一级下")
def satisfaction_placement(ctx: Context) -> Iterator[Hit]:
    for i, ind in ctx.rows():
        placed = implied_level1(ind)
        if ind.level2 is Level2.SATISFACTION:
            continue  # a 满意度 二级 under another 一级 is R04's error already
        if "满意" in ind.name and placed is not None and placed is not Level1.SATISFACTION:
            yield Hit(Severity.WARNING, f"{where(i, ind)}：满意度指标放在了「{placed.value}」下", i,
                      "移到「满意度指标—服务对象满意度指标」下")
