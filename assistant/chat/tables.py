"""Answers that are tables: precedents of a place, places side by side, suggestions per 二级.

Markdown tables a clerk can read at a glance (the page renders them; the CLI prints them). Every cell
is made safe: a "|" or a line break typed into a form cannot break the table.
"""
from __future__ import annotations

from assistant.drafting.browse import PlaceRows, by_level2, corpus_places, rows_of
from assistant.drafting.suggest import Suggestion
from assistant.schema import IndicatorRecord

MAX_ROWS = 24
PER_CELL = 3


def cell(text: object) -> str:
    return " ".join(str(text or "").replace("|", "｜").split())[:60]


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _group(level1, level2) -> str:
    return f"{level1.value.removesuffix('指标')}·{level2.value.removesuffix('指标')}"


def place_answer(found: PlaceRows, topic: str | None) -> str:
    """One place's rows on the topic, or what the corpus has instead."""
    about = f"“{topic}”" if topic else "项目"
    if not found.rows:
        return _nothing_for(found.place, topic)
    projects = "；".join(f"{y or ''} {p}".strip() for y, p in found.projects[:6])
    more = f"等 {len(found.projects)} 个" if len(found.projects) > 6 else f"{len(found.projects)} 个"
    lead = f"{found.place}在语料中有{about}相关项目 {more}（{projects}）。"
    rows = [[_group(l1, l2), r.name, r.value, r.basis_note or "", f"{r.year or ''} {r.project}"]
            for (l1, l2), group in by_level2(found.rows).items() for r in group]
    tail = f"\n\n（共 {len(rows)} 行，只列前 {MAX_ROWS} 行；“先例浏览”中可按城市查看全部。）" if len(rows) > MAX_ROWS else ""
    return lead + "\n\n" + table(["一级·二级", "三级指标", "指标值", "依据", "项目"], rows[:MAX_ROWS]) + tail


def compare_answer(places: list[PlaceRows], topic: str | None) -> str:
    """Places side by side, one row per 一级·二级; a cell lists that place's indicators."""
    have = [p for p in places if p.rows]
    missing = [p.place for p in places if not p.rows]
    about = f"“{topic}”" if topic else "项目"
    if len(have) < 2:
        lines = [_nothing_for(m, topic) for m in missing]
        if have:
            lines.append(place_answer(have[0], topic))
        return "\n\n".join(lines)
    groups: dict[tuple, dict[str, list[IndicatorRecord]]] = {}
    for p in have:
        for key, rows in by_level2(p.rows).items():
            groups.setdefault(key, {})[p.place] = rows
    body = []
    for (l1, l2), per_place in groups.items():
        cells = []
        for p in have:
            rows = per_place.get(p.place, [])
            shown = "；".join(f"{r.name} {r.value}" for r in rows[:PER_CELL])
            cells.append(shown + (f" 等{len(rows)}项" if len(rows) > PER_CELL else "") if rows else "—")
        body.append([_group(l1, l2), *cells])
    lead = "、".join(f"{p.place}（{len(p.projects)} 个项目）" for p in have)
    note = f"\n\n语料中没有{'、'.join(missing)}的表。" if missing else ""
    return f"{about}的指标，按二级并列：{lead}。\n\n" + table(["一级·二级", *[p.place for p in have]], body) + note


def places_answer() -> str:
    """Which places the corpus has, with their years and project counts."""
    rows = []
    for place in corpus_places():
        found = rows_of(place)
        years = sorted({y for y, _ in found.projects if y})
        rows.append([place, "、".join(map(str, years)), len(found.projects)])
    return "语料中有这些城市的表：\n\n" + table(["城市", "年度", "项目数"], rows) + \
        "\n\n可以问“广州的物业费指标有哪些”或“广州和张家口比较一下”。"


def _nothing_for(place: str, topic: str | None) -> str:
    have = "、".join(corpus_places()) or "（无）"
    about = f"与“{topic}”相近的" if topic else ""
    return (f"语料中还没有{place}{about}的绩效目标表（现有城市：{have}）。"
            f"可以在“导入”中加入{place}的表，或问“{topic or '租赁费'}项目适合哪些指标”看其他城市的做法。")


def suggestion_table(result: Suggestion) -> str:
    """Suggestions as a table: what, the usual value, how many cities and projects use it, examples."""
    rows = []
    for item in result.indicators:
        corpus = [p for p in item.precedents if p.kind == "corpus"][:2]  # library rows carry templates
        examples = "；".join(f"{p.city or ''}{p.year or ''} {p.value or ''}".strip() for p in corpus)
        used = f"{len(item.cities)} 个城市" if item.cities else "共性指标库"
        rows.append([_group(item.level1, item.level2), item.name, item.typical_value, used, examples])
    return table(["一级·二级", "三级指标", "常用值", "使用", "先例"], rows)


def suggestion_answer(result: Suggestion) -> str:
    """The whole answer to "X项目适合哪些指标": the lead, the table, and the offer to draft."""
    if not result.indicators:
        return result.lead()
    return (result.lead() + "\n\n" + suggestion_table(result)
            + "\n\n要我按您的项目起草一份吗？请告诉我预算和年度。")
