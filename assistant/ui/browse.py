"""Tab 先例浏览: filter the corpus, see where each indicator comes from, compare cities, copy a row.

Precedents come from files (a user's shared form among them): every text shown through Markdown (a
label, a caption, a flash) goes through state.plain; tables (st.dataframe) show text as text."""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.ui import state as S
from assistant.config import get_settings
from assistant.corpus.store import iter_records
from assistant.errors import AssistantError
from assistant.drafting.frame import empty_table, prepared_brief
from assistant.drafting.precedents import effective_level2
from assistant.schema import Indicator, IndicatorRecord, Level1, Level2, Precedent, TargetTable
from assistant.taxonomy import Variant, level1_of, placed
from assistant.ui.grid import add_precedent
from assistant.values import parse_value

ss = st.session_state
ALL = "全部"
MAX_ROWS = 400
COMPARE_COLUMNS = 3
_SUFFIX = re.compile(r"(项目|经费|费用|费|项目支出)+$")


def corpus_token() -> tuple:
    """Changes whenever a form is added to or removed from either corpus directory."""
    settings = get_settings()
    files: list[Path] = []
    for directory in (settings.forms_dir, settings.user_forms_dir):
        if directory.is_dir():
            files += sorted(directory.glob("*.json"))
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@st.cache_resource(max_entries=2, show_spinner="正在读取语料…")
def _records(token: tuple) -> list[IndicatorRecord]:
    return list(iter_records())


def records() -> list[IndicatorRecord]:
    return _records(corpus_token())


def stem(text: str) -> str:
    """"租赁费" → "租赁", "物业管理费项目" → "物业管理": the part a project name will contain."""
    return _SUFFIX.sub("", re.sub(r"\s+", "", text)) or text.strip()


def _level2(record: IndicatorRecord) -> Level2 | None:
    return record.level2 or effective_level2(record)


def _level1(record: IndicatorRecord) -> Level1 | None:
    level2 = _level2(record)
    return record.level1 or (level1_of(level2) if level2 else None)


def _matches(record: IndicatorRecord, city: str, year: str, level1: str, level2: str) -> bool:
    l1, l2 = _level1(record), _level2(record)
    return ((city == ALL or record.city == city) and (year == ALL or str(record.year) == year)
            and (level1 == ALL or (l1 is not None and l1.value == level1))
            and (level2 == ALL or (l2 is not None and l2.value == level2)))


def _indexed(text: str, filters: dict) -> list[IndicatorRecord]:
    """Semantic hits from the precedent index; [] when the index is not available."""
    try:
        from assistant.search.index import search_precedents

        hits = search_precedents(text, k=60, **filters)
    except (ImportError, AssistantError) as exc:
        S.log.warning("precedent index unavailable: %s", exc)
        return []
    by_key = {r.key: r for r in records()}
    return [by_key[hit.key] for hit in hits if hit.key in by_key]


def search(text: str, city: str, year: str, level1: str, level2: str) -> list[IndicatorRecord]:
    pool = [r for r in records() if _matches(r, city, year, level1, level2)]
    text = text.strip()
    if not text:
        return pool
    word = stem(text)
    found = [r for r in pool if word in r.project or word in r.name]
    filters = {k: v for k, v in {"city": city, "year": int(year) if year != ALL else None,
                                 "level1": level1, "level2": level2}.items() if v not in (ALL, None)}
    seen = {r.key for r in found}
    for r in _indexed(text, filters):
        if r.key not in seen and _matches(r, city, year, level1, level2):
            found.append(r)
            seen.add(r.key)
    return found


def frame(rows: Iterable[IndicatorRecord]) -> pd.DataFrame:
    data = [{
        "城市": r.city, "单位": r.unit, "年度": str(r.year or ""), "表类型": r.form_kind.value, "项目": r.project,
        "一级": (_level1(r).value if _level1(r) else ""), "二级": (_level2(r).value if _level2(r) else ""),
        "三级指标": r.name, "指标值": r.value, "依据": r.basis_note or (r.basis.value if r.basis else ""),
        "出处": f"{r.source} 第{r.line}行" if r.line else r.source,
    } for r in rows]
    return pd.DataFrame(data, columns=["城市", "单位", "年度", "表类型", "项目", "一级", "二级", "三级指标",
                                       "指标值", "依据", "出处"])


# --- 加入草稿 ------------------------------------------------------------------------------------

def as_indicator(record: IndicatorRecord) -> Indicator:
    parsed = parse_value(record.value)
    own_number = parsed.number is not None and parsed.unit not in ("%", "％")
    return Indicator(
        level1=_level1(record), level2=_level2(record), name=record.name, value=record.value,
        basis=record.basis, basis_note=record.basis_note,
        needs_input=own_number,  # a count or an amount from another project: the user must confirm it
        question=f"请按本项目实际填写“{record.name}”" if own_number else None,
        precedents=[Precedent(city=record.city, year=record.year, project=record.project, name=record.name,
                              value=record.value, basis=record.basis_note, source=record.source, line=record.line)],
    )


def _empty_table() -> TargetTable:
    return empty_table(prepared_brief(ss.state.brief))


def add_to_draft(record: IndicatorRecord) -> None:
    table = add_precedent(ss.state.table or _empty_table(), as_indicator(record))
    table = placed(table, Variant.MOF_2021 if ss.cost_as_level1 else Variant.PROVINCIAL)
    if S.safely("加入草稿", S.set_table, table):
        S.flash("success", f"已把“{S.plain(record.name)}”（{S.plain(record.city)}）加入草稿。")


# --- the page ------------------------------------------------------------------------------------

def results() -> None:
    all_rows = records()
    cities = sorted({r.city for r in all_rows})
    years = sorted({str(r.year) for r in all_rows if r.year}, reverse=True)
    c1, c2, c3, c4, c5 = st.columns([1, 1, 1, 1, 2])
    city = c1.selectbox("城市", [ALL] + cities, key="browse_city")
    year = c2.selectbox("年度", [ALL] + years, key="browse_year")
    level1 = c3.selectbox("一级指标", [ALL] + [v.value for v in Level1], key="browse_level1")
    level2 = c4.selectbox("二级指标", [ALL] + [v.value for v in Level2], key="browse_level2")
    text = c5.text_input("项目类型或关键词", key="browse_text", max_chars=100,
                         placeholder="例如：租赁费、物业费、满意度、培训人数")
    with st.spinner("正在检索先例…"):
        rows = search(text, city, year, level1, level2)
    st.caption(f"共 {len(rows)} 条" + (f"，显示前 {MAX_ROWS} 条" if len(rows) > MAX_ROWS else "")
               + "。选中一行后可加入草稿。")
    rows = rows[:MAX_ROWS]
    event = st.dataframe(frame(rows), key="browse_table", hide_index=True, width="stretch", height=380,
                         on_select="rerun", selection_mode="single-row")
    picked = [rows[i] for i in event.selection.rows if i < len(rows)] if event else []
    label = f"加入草稿：{S.plain(picked[0].name[:40])}" if picked else "加入草稿"  # a label renders Markdown
    st.button(label, key="browse_add", disabled=not picked, on_click=add_to_draft, args=tuple(picked[:1]))


def compare() -> None:
    st.subheader("同类项目对比")
    kind = st.text_input("项目类型", value="租赁费", key="compare_kind", max_chars=50,
                         help="输入项目类型，查看各城市同类项目的指标设置")
    word = stem(kind)
    if not word:
        return
    # one set per project of one unit: 广州's 花都/增城 offices file projects under the same name
    projects: dict[str, dict[tuple[str, str, str], list[IndicatorRecord]]] = {}
    for r in records():
        if word in r.project:
            projects.setdefault(r.city, {}).setdefault((r.source, r.unit, r.project), []).append(r)
    if not projects:
        st.info(f"语料中没有名称含“{S.plain(word)}”的项目。")
        return
    cities = sorted(projects)
    for start in range(0, len(cities), COMPARE_COLUMNS):
        for column, city in zip(st.columns(COMPARE_COLUMNS), cities[start:start + COMPARE_COLUMNS]):
            with column:
                st.markdown(f"**{S.plain(city)}**")
                for (_, unit, project), rows in projects[city].items():
                    st.caption(f"{S.plain(unit)} {rows[0].year or ''}年《{S.plain(project)}》")
                    st.dataframe(frame(rows)[["二级", "三级指标", "指标值"]], hide_index=True, width="stretch")


def render() -> None:
    if not records():
        st.info("语料为空：请先运行 make index，或在“导入”中添加往年的表格。")
        return
    results()
    st.divider()
    compare()
