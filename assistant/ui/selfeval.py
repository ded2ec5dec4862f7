"""The 自评 tab: score this year's table and start next year's from it (issue 14).

Glue only: the table comes from the current draft or an uploaded .xlsx/.docx/.json (a 自评表 read back
keeps its actuals); the preparer types 实际完成值, 分值 and 偏差原因 in a grid (or one sentence such as
"第3个实际完成98%"), and 全年预算数 / 全年执行数; selfeval scores it on every run; the 自评表 downloads
as .xlsx / .docx; "起草下一年" opens next year's draft. State lives under ``se_*`` keys.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from assistant.corpus.readers import read_source
from assistant.errors import AssistantError
from assistant.output import selfeval_export
from assistant.schema import TargetTable
from assistant.selfeval import Evaluation, evaluate, parse_sentence, rollover, scored
from assistant.selfeval.report import points, reason_prompt, status
from assistant.ui import state as S

ss = st.session_state
_EDITABLE = {"实际完成值": "actual", "分值": "weight", "偏差原因分析及改进措施": "deviation"}
_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def render() -> None:
    st.caption("导入或打开一张目标表，填写实际完成值、全年预算数和全年执行数，按规则计分（产出50、效益30、满意度10、"
               "执行率10），导出标准的项目支出绩效自评表；也可以由它起草下一年的目标表。")
    _source()
    table: TargetTable | None = ss.get("se_table")
    if table is None:
        st.info("请先在“起草”中打开一份草稿并点“用当前草稿自评”，或上传往年的目标表 / 自评表。")
        return
    st.markdown(f"**{table.project_name}**（{table.year or '年度未填'}）")
    _sentence(table)
    table = _grid(ss["se_table"])
    budget, executed = _amounts(table)
    evaluation = evaluate(table, budget=budget, executed=executed)
    _results(table, evaluation)
    _downloads(table, evaluation)
    _next_year(table)


def _source() -> None:
    left, right = st.columns([1, 2])
    current = ss.state.table if "state" in ss else None
    if left.button("用当前草稿自评", key="se_use_draft", disabled=current is None):
        _load(current.model_copy(deep=True))
    upload = right.file_uploader("或上传目标表 / 自评表（.xlsx / .docx / .json）", key="se_upload",
                                 type=["xlsx", "docx", "json"])
    if upload is not None and ss.get("se_upload_id") != upload.file_id:
        ss.se_upload_id = upload.file_id
        with S.guard("读取上传的表格"):
            _load(_read_upload(upload.name, upload.getvalue()))


def _read_upload(name: str, data: bytes) -> TargetTable:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        try:
            return TargetTable.model_validate_json(data)
        except ValueError as exc:
            raise AssistantError(f"{name}：不是有效的绩效目标表 JSON") from exc
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        doc = read_source(path, name)
    if not doc.projects:
        raise AssistantError(f"{name}：未读到任何项目")
    return doc.projects[0].table


def _load(table: TargetTable) -> None:
    ss.se_table = table
    ss.se_grid = ss.get("se_grid", 0) + 1  # a fresh grid for a fresh table
    ss.se_budget = table.budget_full_year if table.budget_full_year is not None else table.budget
    ss.se_executed = table.executed


def _sentence(table: TargetTable) -> None:
    with st.form("se_sentence_form", clear_on_submit=True, border=False):
        left, right = st.columns([4, 1])
        text = left.text_input("一句话录入", key="se_sentence", placeholder="第3个实际完成98%　满意度实际96%",
                               label_visibility="collapsed")
        if right.form_submit_button("录入") and text.strip():
            try:
                rows, actual = parse_sentence(table, text)
            except AssistantError as exc:
                st.error(str(exc))
                return
            new = table.model_copy(deep=True)
            for i in rows:
                new.indicators[i].actual = actual
            _load_keep_amounts(new)
            st.success("已录入：" + "、".join(f"第{i + 1}行" for i in rows) + f" 实际完成值 {actual}")


def _load_keep_amounts(table: TargetTable) -> None:
    ss.se_table = table
    ss.se_grid = ss.get("se_grid", 0) + 1


def _grid(table: TargetTable) -> TargetTable:
    rows = [{"一级指标": r.level1.value if r.level1 else "", "二级指标": r.level2.value if r.level2 else "",
             "三级指标": r.name, "年度指标值": r.value, "实际完成值": r.actual or "", "分值": r.weight,
             "偏差原因分析及改进措施": r.deviation or ""} for r in table.indicators]
    edited = st.data_editor(rows, key=f"se_editor_{ss.get('se_grid', 0)}", hide_index=False, num_rows="fixed",
                            use_container_width=True,
                            disabled=["一级指标", "二级指标", "三级指标", "年度指标值"],
                            column_config={"分值": st.column_config.NumberColumn(min_value=0, max_value=100, step=0.5,
                                                                               help="留空则按常规分配")})
    new = table.model_copy(deep=True)
    for ind, row in zip(new.indicators, edited):
        ind.actual = (row.get("实际完成值") or "").strip() or None
        weight = row.get("分值")
        ind.weight = None if weight in (None, "") or weight != weight else float(weight)
        ind.deviation = (row.get("偏差原因分析及改进措施") or "").strip() or None
    ss.se_table = new
    return new


def _amounts(table: TargetTable) -> tuple[float | None, float | None]:
    left, right = st.columns(2)
    for key in ("se_budget", "se_executed"):
        ss.setdefault(key, None)  # set by _load; never also passed as value= (Streamlit warns)
    budget = left.number_input("全年预算数（万元）", key="se_budget", min_value=0.0, step=0.01, format="%.2f")
    executed = right.number_input("全年执行数（万元）", key="se_executed", min_value=0.0, step=0.01, format="%.2f")
    return budget, executed


def _results(table: TargetTable, evaluation: Evaluation) -> None:
    ex = evaluation.execution
    a, b, c = st.columns(3)
    a.metric("总分", f"{points(evaluation.total)} / {points(evaluation.weight_total) or '—'}")
    b.metric("预算执行率", ex.rate_text or "—")
    c.metric("执行率得分", f"{points(ex.score) or '—'} / {points(ex.weight)}")
    if evaluation.proposed_weights:
        st.caption("表中没有分值：已按常规分配提出（产出50、效益30、满意度10、执行率10），可在表格中修改。")
    st.dataframe([{"三级指标": r.name, "年度指标值": r.value, "实际完成值": r.actual or "", "分值": points(r.weight),
                   "得分": points(r.score), "结果": status(r), "计分说明": r.problem or r.note,
                   "偏差原因参考": reason_prompt(r) if not r.deviation else ""} for r in evaluation.rows],
                 use_container_width=True, hide_index=True)
    for f in evaluation.findings:
        text = f"{_LABELS[f.severity.value]}：{f.message}" + (f"（参考：{f.suggestion}）" if f.suggestion else "")
        {"error": st.error, "warning": st.warning, "info": st.info}[f.severity.value](text)


def _downloads(table: TargetTable, evaluation: Evaluation) -> None:
    filled = scored(table, evaluation)
    name = f"{table.project_name}_{table.year or ''}年度绩效自评表"
    left, right = st.columns(2)
    with S.guard("生成自评表"):
        left.download_button("下载自评表 .xlsx", selfeval_export.to_xlsx(filled, evaluation), f"{name}.xlsx",
                             key="se_download_xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        right.download_button("下载自评表 .docx", selfeval_export.to_docx(filled, evaluation), f"{name}.docx",
                              key="se_download_docx",
                              mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _next_year(table: TargetTable) -> None:
    st.divider()
    left, right = st.columns([1, 2])
    ss.setdefault("se_next_year", (table.year or 2025) + 1)
    year = left.number_input("下一年度", key="se_next_year", min_value=2000, max_value=2100, step=1)
    right.caption("按今年的表起草下一年：日期顺延，近两年指标值取今年实际，超额完成的指标值上调并说明，"
                  "未完成或有偏差原因的指标标出待复核，预算待填。")
    if right.button(f"按今年的表起草{int(year)}年", key="se_rollover"):
        with S.guard("起草下一年"):
            new = rollover(table, int(year))
            S.open_draft(None)
            S.set_table(new)
            S.flash("success", f"已起草 {int(year)} 年的目标表（新草稿），请在“起草”中填写预算并复核标出的指标。")
            st.rerun()
