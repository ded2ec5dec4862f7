"""Plain-text renderings of tables and findings for the CLI and the chat (Markdown)."""
from __future__ import annotations

from assistant.schema import Finding, TargetTable

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "｜").replace("\n", " ")


def table_markdown(table: TargetTable, *, with_precedents: bool = False) -> str:
    head = [f"**{table.project_name}**（{table.year or '年度未填'}年度，预算 "
            f"{'%g' % table.budget if table.budget is not None else '未填'} 万元）"]
    for goal in table.goals_annual:
        head.append(f"> {goal}")
    rows = ["| # | 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标值确定依据 |", "|---|---|---|---|---|---|"]
    for i, ind in enumerate(table.indicators, 1):
        marker = " ✎" if ind.needs_input else ""
        basis = ind.basis_note or (ind.basis.value if ind.basis else "")
        rows.append(f"| {i} | {_cell(ind.level1)} | {_cell(ind.level2)} | {_cell(ind.name)} | "
                    f"{_cell(ind.value)}{marker} | {_cell(basis)} |")
        if with_precedents and ind.precedents:
            cited = "；".join(f"{p.city}{p.year or ''}《{p.project}》{p.name} {p.value or ''}" for p in ind.precedents[:3])
            rows.append(f"|  |  |  | 先例：{_cell(cited)} |  |  |")
    tail = [f"- {n}" for n in table.notices]
    return "\n".join(head + [""] + rows + ([""] + tail if tail else []))


def findings_markdown(findings: list[Finding], table: TargetTable | None = None) -> str:
    if not findings:
        return "检查完成：未发现问题。"
    lines = []
    for f in findings:
        named = f.message.startswith("第")  # the checker's messages already name their row
        where = f"第{f.indicator + 1}行 " if f.indicator is not None and not named else ""
        line = f"- **{SEVERITY_LABEL.get(f.severity.value, f.severity.value)}** {where}{f.message}"
        if f.suggestion:
            line += f"（建议：{f.suggestion}）"
        lines.append(line)
    return "\n".join(lines)
