"""What the assistant says: the Chinese text of each answer, short and pasteable.

Kept apart from the session logic so the wording can be read (and changed) in one place. Every
text is escaped by ChatSession.turn before it leaves, so these functions may quote user input.
"""
from __future__ import annotations

import re
from collections import Counter

from assistant.chat.edits import money, row_label
from assistant.schema import Finding, Indicator, Precedent, TargetTable
from assistant.text import clean_input

HELP = (
    "我可以帮您：\n"
    "- 查先例：“租赁费项目适合哪些指标”\n"
    "- 起草：“帮我起草一个房屋租赁费项目，预算60万元，2025年，用于租赁办公用房”\n"
    "- 修改：“满意度改为≥95%”“删除第3个指标”“加一个时效指标”“预算改为58万元”“年度改为2026”\n"
    "- 解释：“第3个指标的依据是什么”“为什么用这个指标”\n"
    "- 检查：“检查一下”；导出：“导出”（下载 .xlsx / .docx / .json）"
)
NO_TABLE = ("还没有草稿，无法{what}。要我起草一份吗？请告诉我项目名称、预算和年度，"
            "例如“帮我起草一个房屋租赁费项目，预算60万元，2025年”。")
QUESTIONS = {
    "name": "请问项目名称是什么？（例如“{example}”）",
    "budget": "项目预算是多少万元？（例如 60.13 或 60万元）",
    "year": "这是哪一年度的项目？（例如 2025）",
}
HEADER_LABEL = {"manager": "项目负责人", "implementing_unit": "实施单位", "department": "主管部门", "attribute": "项目属性"}
BRIEF_LABEL = {"name": "项目名称", "department": "主管部门", "implementing_unit": "实施单位", "description": "资金用途"}
EXPORT_LABEL = {"xlsx": "下载 .xlsx", "docx": "下载 .docx", "json": "下载 .json"}


# What would make a reply fetch or link something, or run through KaTeX, when it quotes the user: HTML
# tags, link and image brackets (and Streamlit's :color[…] directives), $…$ maths, and bare URLs that
# GFM would turn into links. The replies' own Markdown (**bold**, "- " lists, | tables) is kept.
_ESCAPES = {"<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "$": "\\$"}
_ESCAPE = re.compile(r"[<>\[\]$]|(?<=[A-Za-z])://|(?i:www)\.")


def escape(text: str) -> str:
    """Nothing the user typed may come back as markup: no HTML, image, link, maths or autolink, and no
    control character or lone surrogate (text.clean_input)."""
    def sub(m: re.Match) -> str:
        token = m.group(0)
        if token == "://":
            return ":\\/\\/"
        if token.lower() == "www.":
            return token[:3] + "\\."
        return _ESCAPES[token]

    return _ESCAPE.sub(sub, clean_input(text))


def findings_line(findings: list[Finding], *, hint: bool = True) -> str:
    if not findings:
        return "检查：未发现问题。"
    counts = Counter(f.severity.value for f in findings)
    parts = [f"{counts[k]} 个{label}" for k, label in (("error", "错误"), ("warning", "警告"), ("info", "提示"))
             if counts[k]]
    return f"检查：{'、'.join(parts)}" + ("（说“检查一下”查看详情）。" if hint else "。")


def understood(brief) -> str:
    """What the session has gathered so far, before asking for the next missing item."""
    parts = []
    if brief.name:
        parts.append(f"项目「{brief.name}」")
    if brief.budget is not None:
        parts.append(f"预算 {money(brief.budget)} 万元")
    if brief.year:
        parts.append(f"{brief.year}年" + (f"起{brief.period_years}年" if brief.period_years > 1 else ""))
    return f"好的，已记下：{'，'.join(parts)}。" if parts else "好的。"


def level_text(row: Indicator) -> str:
    l1 = row.level1.value.removesuffix("指标") if row.level1 else "?"
    l2 = row.level2.value.removesuffix("指标") if row.level2 else "?"
    return f"{l1}·{l2}"


def cite(p: Precedent) -> str:
    if p.kind == "goal":
        return f"本项目年度目标「{p.name}」"
    basis = f"，{p.basis}" if p.basis else ""
    return f"{p.city or ''} {p.year or ''}《{p.project or ''}》{p.name} {p.value or ''}{basis}".strip()


def draft_text(table: TargetTable, findings: list[Finding], has_purpose: bool) -> str:
    counts = Counter(level_text(r).split("·")[0] for r in table.indicators)
    spread = "、".join(f"{k} {n}" for k, n in counts.items())
    cited = sum(1 for r in table.indicators if any(p.kind == "corpus" for p in r.precedents))
    library = sum(1 for r in table.indicators
                  if r.precedents and all(p.kind == "library" for p in r.precedents))
    from_library = f"，{library} 个来自共性指标库" if library else ""
    lines = [f"已起草「{table.project_name}」{table.year or ''}年度绩效目标：共 {len(table.indicators)} 个指标"
             f"（{spread}），其中 {cited} 个附有往年表格的先例{from_library}，见右侧表格。"]
    lines += table.notices
    asks = [(i, r) for i, r in enumerate(table.indicators) if r.needs_input]
    if asks:
        lines.append("需要您按项目实际填写的指标（说“把第N个指标的值改成…”）：")
        lines += [f"- 第{i + 1}行「{r.name}」：{r.question or '请填写指标值'}" for i, r in asks]
    lines.append(findings_line(findings))
    if not has_purpose:
        lines.append("补充资金用途（例如“用于租赁办公用房1800平方米”）能让指标更贴合。")
    lines.append("接下来可以说：“满意度改为≥95%”“删除第3个指标”“加一个时效指标”“检查一下”“导出”。")
    return "\n".join(lines)


def added_text(row: Indicator, i: int) -> list[str]:
    basis = row.basis_note or (row.basis.value if row.basis else "待定")
    lines = [f"已在第{i + 1}行加入「{row.name}」（{level_text(row)}）：{row.value or '待填写'}，依据 {basis}。"]
    if row.precedents:
        lines.append("先例：" + "；".join(cite(p) for p in row.precedents[:3]))
    elif "generic" in row.inferred:
        lines.append("先例中没有更多同类指标，这是按标准指标体系给出的通用指标。")
    if row.needs_input and row.question:
        lines.append("需要您填写：" + row.question)
    return lines


def explain_row(table: TargetTable, i: int) -> str:
    row = table.indicators[i]
    basis = row.basis.value if row.basis else "未注明"
    lines = [f"**{row_label(table, i)}** {row.value}（{level_text(row)}）",
             f"- 依据：{basis}" + (f"（{row.basis_note}）" if row.basis_note and row.basis_note != basis else "")]
    if row.explanation:
        lines.append(f"- 解释：{row.explanation}")
    if row.needs_input and row.question:
        lines.append(f"- 需要您填写：{row.question}")
    if row.precedents:
        lines.append(f"- 先例（{len(row.precedents)} 个）：")
        lines += [f"  - {cite(p)}" for p in row.precedents]
    else:
        lines.append("- 这是按标准指标体系给出的通用指标，语料中没有直接先例。")
    return "\n".join(lines)


def overview(table: TargetTable) -> str:
    """Where every row comes from, when "这个指标" points at nothing yet."""
    lines = ["各指标的先例来源："]
    for i, row in enumerate(table.indicators):
        sources = "、".join(dict.fromkeys("本项目年度目标" if p.kind == "goal" else "共性指标库" if p.kind == "library"
                                          else f"{p.city or ''}{p.year or ''}" for p in row.precedents))
        lines.append(f"- 第{i + 1}行「{row.name}」：{sources or '通用指标，无直接先例'}")
    lines.append("想看某一行的详情，可以说“第3个指标的依据是什么”。")
    return "\n".join(lines)


def revised_text(lines: list[str], findings: list[Finding]) -> str:
    if lines and lines[0].startswith("已"):
        return "\n".join(lines + [findings_line(findings)])
    return "已修改：\n" + "\n".join(f"- {line}" for line in lines) + "\n" + findings_line(findings)


def export_text(fmt: str | None, findings: list[Finding]) -> str:
    label = EXPORT_LABEL.get(fmt or "")
    text = (f"请点击右侧的「{label}」按钮。" if label else
            "草稿已可导出：请点击右侧的「下载 .xlsx」「下载 .docx」或「下载 .json」按钮。")
    errors = sum(f.severity.value == "error" for f in findings)
    if errors:
        text += f"\n注意：检查发现 {errors} 个错误，建议修正后再提交（说“检查一下”查看）。"
    return text
