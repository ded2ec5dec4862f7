"""The common-indicator library against the frameworks it cites (corpus/library/README.md, 来源).

Every file names a listed source; every pattern's `source` starts with a listed key; a framework row is one
pattern (a row the type already had carries the source, it is not added twice); and drafts of typical briefs of
each framework kind carry the rows that framework lists. Drafts use the library alone (no precedents), as
test_library.py does for the library's own rows, and once with the deterministic fake finder for validity.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.library import load_library
from assistant.review.check import check_table
from assistant.schema import Level2, ProjectBrief, Severity

REPO = Path(__file__).resolve().parents[2]
LIBRARY = REPO / "corpus" / "library"
CENTRAL = "财预〔2021〕101号"
JOURNAL = "通用共性指标库示例"


def _sources() -> dict[str, str]:
    """key → its line in README.md's 来源 list (up to the background notes)."""
    text = (LIBRARY / "README.md").read_text(encoding="utf-8")
    section = text.split("## 来源", 1)[1].split("Background", 1)[0]
    items = re.split(r"\n- ", "\n" + section)[1:]
    return {m.group(1): item for item in items if (m := re.match(r"`([^`]+)`", item))}


SOURCES = _sources()
KINDS = sorted(load_library().values(), key=lambda t: t.id)


def _keys_of(source: str) -> list[str]:
    """The listed keys a `source` names, one per part ("key：name；key：name")."""
    parts = [p.strip() for p in source.split("；") if p.strip()]
    return [next((k for k in SOURCES if p.startswith(k)), "") for p in parts]


def brief(name: str, description: str | None = None, budget: float | None = 30, year: int = 2025) -> ProjectBrief:
    return ProjectBrief(name=name, description=description, budget=budget, year=year)


@pytest.fixture(scope="module")
def library_only():
    return PrecedentDrafter(finder=lambda text, k: [], use_library=True)


@pytest.fixture(scope="module")
def drafter(fake_finder):
    return PrecedentDrafter(finder=fake_finder, use_library=True)


def cited(rows) -> set[str]:
    """The pattern ids rows cite (a precedent row that absorbed a pattern cites it too)."""
    by_line = {(f"corpus/library/{k.file}", p.line): p.id for k in load_library().values() for p in k.patterns}
    return {by_line[(c.source, c.line)] for row in rows for c in row.precedents
            if c.kind == "library" and (c.source, c.line) in by_line}


def pattern(pattern_id: str):
    kind = load_library()[pattern_id.split(".")[0]]
    return next(p for p in kind.patterns if p.id == pattern_id)


# --- the source list and the files --------------------------------------------------------------------

def test_the_source_list_gives_title_issuer_year_and_address():
    assert CENTRAL in SOURCES and JOURNAL in SOURCES
    for key, line in SOURCES.items():
        assert "《" in line, f"{key}: no title"
        assert re.search(r"(?:19|20)\d{2}|年份不可见", line), f"{key}: no year (or 年份不可见 said plainly)"
        assert "http" in line, f"{key}: no address"
        assert line.count(";") >= 3, f"{key}: title; issuer; year; address"


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.name)
def test_every_file_names_a_listed_source(path):
    header = path.read_text(encoding="utf-8").split("\nid:")[0]
    assert any(key in header for key in SOURCES), f"{path.name} names none of {list(SOURCES)}"


@pytest.mark.parametrize("kind", KINDS, ids=lambda t: t.id)
def test_pattern_sources_name_listed_documents(kind):
    for p in kind.patterns:
        if p.source is None:
            continue
        keys = _keys_of(p.source)
        assert keys and all(keys), f"{p.id}: source {p.source!r} names a document not in README's 来源 list"


@pytest.mark.parametrize("kind", KINDS, ids=lambda t: t.id)
def test_a_framework_row_is_one_pattern(kind):
    """A framework row the type already has is a source note on that pattern, not a second pattern."""
    rows = [part.strip() for p in kind.patterns if p.source for part in p.source.split("；")]
    assert len(rows) == len(set(rows)) or _only_central(rows), [r for r in rows if rows.count(r) > 1]


def _only_central(rows: list[str]) -> bool:
    # the central document's notes (ceiling, survey) are shared by every ceiling and satisfaction row
    return all(r.startswith(CENTRAL) for r in rows if rows.count(r) > 1)


@pytest.mark.parametrize("kind", KINDS, ids=lambda t: t.id)
def test_ceilings_and_satisfaction_cite_the_central_guide(kind):
    """The central guide is what makes cost a ceiling and satisfaction a survey result, whatever else lists them."""
    for p in kind.patterns:
        if p.derive == "budget" or p.level2 is Level2.SATISFACTION:
            assert p.source and CENTRAL in p.source, p.id


def test_the_journal_kinds_are_in_the_library():
    """Each kind of the journal's example library is a type whose header and rows cite it."""
    for kind in ("purchase", "training", "meeting", "study"):
        t = load_library()[kind]
        assert JOURNAL in (LIBRARY / t.file).read_text(encoding="utf-8").split("\nid:")[0]
        assert sum(1 for p in t.patterns if p.source and JOURNAL in p.source) >= 5, kind


# --- drafts of typical briefs get the framework's rows ----------------------------------------------------

FRAMEWORK_CASES = [
    # name, description, budget, framework key, patterns that framework lists and the brief calls for
    ("2025年全市干部业务培训", None, 30, f"{JOURNAL}·培训类",
     ["training.people", "training.attendance", "training.exam", "training.deadline", "training.satisfaction"]),
    ("全市干部业务培训", "举办干部业务培训班3期，培训干部300人次", 30, f"{JOURNAL}·培训类",
     ["training.people", "training.sessions", "training.attendance", "training.exam", "training.deadline",
      "training.unit_cost", "training.satisfaction"]),
    ("机关会议费", None, 5, f"{JOURNAL}·会议类",
     ["meeting.sessions", "meeting.attendance", "meeting.deadline", "meeting.satisfaction"]),
    ("全市工作会议", "召开全市工作会议2场，每场参会150人，审议议题6项", 5, f"{JOURNAL}·会议类",
     ["meeting.sessions", "meeting.people", "meeting.resolutions", "meeting.attendance", "meeting.deadline",
      "meeting.unit_cost", "meeting.satisfaction"]),
    ("办公设备购置项目", "购置台式计算机40台", 20, f"{JOURNAL}·购置类",
     ["purchase.quantity", "purchase.acceptance", "purchase.deadline", "purchase.unit_price",
      "purchase.satisfaction"]),
    ("养老服务发展规划编制", "编制规划文本1份、专题研究报告3篇", 40, f"{JOURNAL}·文字性成果编纂类",
     ["study.outputs", "study.review", "study.deadline", "study.on_time", "study.adoption"]),
    ("高中助学金", "资助家庭经济困难学生2100人", 420, "宁晋县2019高中助学金指标表",
     ["subsidy.people", "subsidy.on_time", "subsidy.coverage", "subsidy.satisfaction"]),
    ("城乡困难群众救助补助", "对全县困难群众发放临时救助", 300, "邯财社〔2018〕126号救助补助目标表",
     ["subsidy.full", "subsidy.coverage"]),
]


@pytest.mark.parametrize("name,description,budget,framework,expected", FRAMEWORK_CASES,
                         ids=[c[0] for c in FRAMEWORK_CASES])
def test_drafts_carry_the_frameworks_rows(library_only, name, description, budget, framework, expected):
    for pattern_id in expected:  # the table names rows that framework really lists
        assert framework in (pattern(pattern_id).source or ""), pattern_id
    table = library_only.draft(brief(name, description, budget))
    got = cited(table.indicators)
    assert set(expected) <= got, sorted(set(expected) - got)
    ceiling = [i for i in table.indicators if i.level2 is Level2.COST and i.value == f"≤{budget:g}万元"]
    assert any(pattern(pid).derive == "budget" and CENTRAL in pattern(pid).source for pid in cited(ceiling))
    assert not [f.message for f in check_table(table) if f.severity is Severity.ERROR]


@pytest.mark.parametrize("name,description,budget", [
    ("政府购买社区养老服务", "向社会组织购买社区居家养老上门服务", 80),
    ("办公楼外立面维修工程", "对办公楼外立面进行清洗、修补和涂料翻新", 60),
    ("信息系统运维服务费", "业务系统、机房和网络专线的日常运维", 45),
    ("住房公积金政策宣传", "制作政策宣传册并在公众号推送", 15),
])
def test_kinds_without_a_found_framework_still_cite_the_central_guide(library_only, drafter, name, description,
                                                                      budget):
    """No framework for 购买服务, 工程, 信息化运维 or 宣传 was found: their drafts keep the central guide's rows (the
    budget ceiling, a survey-measured satisfaction), and stay valid with precedents too."""
    b = brief(name, description, budget)
    table = library_only.draft(b)
    central = {pid for pid in cited(table.indicators) if CENTRAL in (pattern(pid).source or "")}
    assert {pattern(pid).level2 for pid in central} >= {Level2.SATISFACTION} and any(
        pattern(pid).derive == "budget" for pid in central)
    for t in (table, drafter.draft(b)):
        assert not [f.message for f in check_table(t) if f.severity is Severity.ERROR]
