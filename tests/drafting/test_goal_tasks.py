"""The tasks a goal names become 质量 rows; a draft stays within a form's size; a per-unit cost needs its unit."""
from __future__ import annotations

import pytest

from assistant.drafting import precedents
from assistant.drafting import draft
from assistant.drafting.draft import MAX_ROWS, PrecedentDrafter, capped
from assistant.drafting.outcomes import MAX_TASKS, task_rows
from assistant.drafting.precedents import IndicatorMatch, ProjectMatch
from assistant.review.rules_grammar import name_problems
from assistant.schema import Basis, FormKind, Indicator, IndicatorRecord, Level1, Level2, Precedent, ProjectBrief


@pytest.mark.parametrize("clause, name", [
    ("深入开展农贸市场食品安全隐患排查", "农贸市场食品安全隐患排查完成率"),
    ("加强基层执法人员业务培训", "基层执法人员业务培训完成率"),
    ("加大禁毒宣传力度", "禁毒宣传完成率"),
    ("对机关办公网络改造升级", "机关办公网络改造升级完成率"),
])
def test_a_task_clause_becomes_a_completion_row_quoting_it(clause, name):
    (row,) = task_rows([clause], "某项目")
    assert (row.level2, row.name, row.value, row.basis) == (Level2.QUALITY, name, "100%", Basis.PLAN)
    assert clause in row.basis_note and row.precedents[0].kind == "goal"
    assert not name_problems(row.name)


@pytest.mark.parametrize("clause", [
    "全年培训干部300人次",  # a number is a fact: placed as a 数量 row elsewhere
    "保障执法车辆的燃油费用",  # says what the money pays for
    "做好相关工作",  # names nothing
    "群众满意度达到90%以上",  # no task verb
    "开展了大量卓有成效的各类业务工作并取得显著成绩",  # a sentence, not a name
])
def test_a_clause_that_names_no_task_gives_no_row(clause):
    assert task_rows([clause], "某项目") == []


def test_at_most_a_few_task_rows():
    clauses = ["开展食品抽检", "加强执法检查", "组织应急演练", "开展科普宣传"]
    assert len(task_rows(clauses, "某项目")) == MAX_TASKS


def _row(level2: Level2, name: str, kind: str = "corpus", source: str = "x.txt", inferred=()) -> Indicator:
    return Indicator(level2=level2, name=name, value="100%", inferred=list(inferred),
                     precedents=[Precedent(kind=kind, name=name, source=source)])


def test_a_long_draft_is_trimmed_generic_rows_first_and_the_briefs_own_rows_kept(monkeypatch):
    monkeypatch.setattr(draft, "prevalence", lambda name, level2, excluded=(): 0)  # as common as each other
    rows = [_row(Level2.QUANTITY, f"数量{i}", "library", "corpus/library/purchase.yaml") for i in range(4)]
    rows += [_row(Level2.QUALITY, "合格率"), _row(Level2.QUALITY, "完成率", "library", "corpus/library/generic.yaml"),
             _row(Level2.QUALITY, "排查完成率", "goal", inferred=["task"])]
    rows += [_row(Level2.TIMELINESS, "及时率"), _row(Level2.COST, "成本"), _row(Level2.SOCIAL, f"效益{0}"),
             _row(Level2.SOCIAL, "安全事故次数", "goal", inferred=["outcome"]), _row(Level2.SATISFACTION, "满意度"),
             _row(Level2.SATISFACTION, "职工满意度", "library", "corpus/library/generic.yaml"),
             _row(Level2.ECOLOGICAL, "空气质量", "goal", inferred=["outcome"])]
    assert len(rows) == 14
    kept = capped(rows)
    assert len(kept) == MAX_ROWS
    names = [r.name for r in kept]
    assert "完成率" not in names and "职工满意度" not in names  # the generic library's go first
    assert {"排查完成率", "安全事故次数", "空气质量"} <= set(names)  # the brief's own stay
    assert {r.level2 for r in kept} == {r.level2 for r in rows}  # no 二级 emptied
    assert names == [r.name for r in rows if r.name in names]  # order kept


class _OneProject:
    """A finder that returns one past project whose cost rows are a total and a cost per 亩."""

    def __call__(self, text: str, k: int) -> list[ProjectMatch]:
        return [ProjectMatch(source="pub.yaml", project="高标准农田建设", score=1.0)]

    def indicators(self, text: str, k: int) -> list[IndicatorMatch]:
        return []


def test_a_cost_per_unit_is_offered_only_when_the_brief_speaks_of_that_unit(monkeypatch):
    def record(level2, name, value):
        return IndicatorRecord(source="pub.yaml", city="某市", unit="某局", year=2022, form_kind=FormKind.DECLARATION,
                               project="高标准农田建设", level1=Level1.OUTPUT, level2=level2, name=name, value=value)

    table = {("pub.yaml", "高标准农田建设"): [record(Level2.COST, "项目总成本", "≤500万元"),
                                             record(Level2.COST, "亩均建设成本", "≤1600元/亩"),
                                             record(Level2.QUANTITY, "建设面积", "3000亩")]}
    monkeypatch.setattr(precedents, "_corpus_projects", lambda: table)
    drafter = PrecedentDrafter(finder=_OneProject())
    with_acres = drafter.draft(ProjectBrief(name="农田建设", budget=300, year=2025, description="建设高标准农田2000亩"))
    without = drafter.draft(ProjectBrief(name="文明城市创建", budget=10, year=2025))
    assert any("/亩" in r.value for r in with_acres.indicators if r.level2 is Level2.COST)
    assert not any("/亩" in r.value for r in without.indicators)


def test_the_rows_other_places_also_write_are_kept_over_those_one_place_writes(monkeypatch):
    written_in = {"项目完成及时率": 11, "服务对象满意度": 19, "风炮射程": 1, "配备车辆数": 1}
    seen = []

    def places(name, level2, excluded=()):
        seen.append(excluded)
        return written_in.get(name, 0)

    monkeypatch.setattr(draft, "prevalence", places)
    rows = [_row(Level2.QUANTITY, "配备车辆数"), _row(Level2.QUANTITY, "风炮射程"),
            _row(Level2.TIMELINESS, "服务期限", "library", "corpus/library/outsourcing.yaml"),
            _row(Level2.TIMELINESS, "项目完成及时率", "library", "corpus/library/generic.yaml"),
            _row(Level2.SATISFACTION, "服务对象满意度", "library", "corpus/library/generic.yaml")]
    kept = [r.name for r in capped(rows, limit=3, excluded={"own.yaml"})]
    assert kept == ["配备车辆数", "项目完成及时率", "服务对象满意度"]  # 风炮射程 last: one place, written later
    assert seen and all(e == {"own.yaml"} for e in seen)  # the finder's left-out sources are left out here too
