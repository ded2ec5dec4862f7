"""Command line: python -m assistant ingest|corpus|index|search|suggest|draft|check|export|selfeval|rollover.

A thin layer over the library; every AssistantError becomes a one-line Chinese message (exit 2),
never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import get_settings
from assistant.errors import AssistantError


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1))


def cmd_ingest(args) -> int:
    from assistant.corpus.store import ingest

    settings = get_settings()
    target = Path(args.out) if args.out else (settings.user_forms_dir if args.user else settings.forms_dir)
    docs, errors = ingest([Path(p) for p in args.paths], target)
    for doc in docs:
        n_ind = sum(len(p.table.indicators) for p in doc.projects)
        print(f"{doc.provenance.source}：{doc.provenance.city} {doc.provenance.year or ''} "
              f"{doc.provenance.form_kind.value}，项目 {len(doc.projects)} 个，指标 {n_ind} 条")
        for problem in doc.problems:
            print(f"  提示：{problem}")
    for error in errors:
        print(f"错误：{error}", file=sys.stderr)
    return 0 if not errors else 1


def cmd_corpus(args) -> int:
    from assistant.corpus.store import iter_records, load_documents, stats, to_jsonl

    docs = load_documents()
    if args.stats:
        print(stats(docs).render())
        return 0
    for line in to_jsonl(iter_records(docs)):
        print(line)
    return 0


def cmd_index(args) -> int:
    from assistant.search.index import build_index, index_exists

    if args.if_missing and index_exists():
        print("索引已存在，跳过（语料有改动时请运行 python -m assistant index）")
        return 0
    report = build_index(progress=True)
    print(report.summary() if hasattr(report, "summary") else report)
    return 0


def cmd_search(args) -> int:
    from assistant.search.index import search_precedents

    filters = {k: v for k, v in {"city": args.city, "year": args.year, "level1": args.level1,
                                 "level2": args.level2, "form_kind": args.form_kind}.items() if v}
    hits = search_precedents(args.query, k=args.k, **filters)
    if args.json:
        _print_json([h.model_dump(mode="json") for h in hits])
        return 0
    if not hits:
        print("没有找到相近的先例。")
    for i, h in enumerate(hits, 1):
        print(f"{i:>2}. [{h.score:.3f}] {h.city} {h.year or ''} {h.project} | {h.level1 or ''}/{h.level2 or ''} | "
              f"{h.name}：{h.value} {('（' + h.basis_note + '）') if h.basis_note else ''}")
    return 0


def cmd_suggest(args) -> int:
    from assistant.chat.tables import suggestion_answer
    from assistant.drafting.suggest import suggest

    result = suggest(args.text)
    if args.json:
        _print_json(result.model_dump(mode="json"))
    else:
        print(suggestion_answer(result))
    return 0


def cmd_draft(args) -> int:
    from assistant.drafting.brief import parse_budget, parse_year
    from assistant.drafting.factory import draft_table
    from assistant.schema import ProjectBrief

    budget = parse_budget(args.budget) if args.budget is not None else None
    year = parse_year(args.year) if args.year is not None else None  # the same window as the chat's
    brief = ProjectBrief(name=args.name, budget=budget, year=year, description=args.description,
                         period_years=args.period_years)
    table = draft_table(brief)
    if args.json:  # the contract: project_name, year, budget, goals, indicators[…] (README)
        print(table.model_dump_json(indent=1))
    else:
        from assistant.chat.render import table_markdown

        print(table_markdown(table))
    return 0


def cmd_chat(args) -> int:
    """One message per line on stdin, one JSON object per reply on stdout: conversations as scripts."""
    from assistant.chat.session import ChatSession

    session = ChatSession()
    for line in sys.stdin:
        message = line.rstrip("\n")
        if not message.strip():
            continue
        reply = session.turn(message)
        table = session.state.table
        print(json.dumps({"reply": reply.text, "intent": reply.action,
                          "table": table.model_dump(mode="json") if table else None}, ensure_ascii=False),
              flush=True)
    return 0


def _load_table(path: Path):
    from assistant.schema import TargetTable

    if path.suffix.lower() == ".json":
        try:
            return TargetTable.model_validate_json(path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise AssistantError(f"{path.name}：不是有效的绩效目标表 JSON（{str(exc)[:100]}）") from exc
    from assistant.corpus.readers import read_source

    doc = read_source(path)
    if not doc.projects:
        raise AssistantError(f"{path.name}：未读到任何项目")
    return doc.projects[0].table


def cmd_check(args) -> int:
    from assistant.review.check import check_table

    table = _load_table(Path(args.file))
    findings = check_table(table)
    if args.json:
        _print_json([f.model_dump(mode="json") for f in findings])
        return 0
    if not findings:
        print("未发现问题。")
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for f in findings:
        print(f"[{labels.get(f.severity.value, f.severity.value)}] {f.code} {f.message}"
              + (f"  建议：{f.suggestion}" if f.suggestion else ""))
    return 1 if any(f.severity.value == "error" for f in findings) else 0


def cmd_export(args) -> int:
    from assistant.output import export

    table = _load_table(Path(args.file))
    out = Path(args.out)
    for notice in export.write(table, out):  # ExportError (Chinese) for a missing folder, NaN…
        print(f"提示：{notice}", file=sys.stderr)
    print(f"已导出：{out}")
    return 0


def _amount(text: str | None, label: str) -> float | None:
    """An amount in 万元 as typed on the command line: 123, 123.5, 123万元."""
    if text is None:
        return None
    try:
        return float(text.strip().removesuffix("万元").replace(",", ""))
    except ValueError as exc:
        raise AssistantError(f"{label} 的值“{text}”不是金额（万元），例如 123.5") from exc


def cmd_selfeval(args) -> int:
    from assistant.selfeval import apply_actuals, evaluate, read_actuals_csv
    from assistant.selfeval.report import evaluation_text

    if (args.budget is None) != (args.executed is None):
        raise AssistantError("--budget（全年预算数）和 --executed（全年执行数）需同时给出，单位万元")
    table = apply_actuals(_load_table(Path(args.table)), read_actuals_csv(Path(args.actuals)))
    evaluation = evaluate(table, budget=_amount(args.budget, "--budget"), executed=_amount(args.executed, "--executed"))
    if evaluation.errors:
        raise AssistantError("；".join(f.message for f in evaluation.errors))
    if args.json:  # the contract: rows[level1…needs_reason], execution_score, total (README)
        _print_json(evaluation.contract())
    else:
        print(evaluation_text(table, evaluation))
    return 0


def cmd_rollover(args) -> int:
    from assistant.selfeval import rollover

    table = rollover(_load_table(Path(args.table)), args.year)
    if args.json:  # the `draft --json` shape
        print(table.model_dump_json(indent=1))
    else:
        from assistant.chat.render import table_markdown

        print(table_markdown(table))
        for notice in table.notices:
            print(f"提示：{notice}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description="绩效目标起草助手 命令行")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="读取往年表格（.txt/.xlsx/.docx），写入语料")
    s.add_argument("paths", nargs="+")
    s.add_argument("--user", action="store_true", help="写入“我的语料”（数据目录），而不是随附语料")
    s.add_argument("--out", help="写入指定目录")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("corpus", help="输出语料：每行一条指标（--jsonl）或统计（--stats）")
    s.add_argument("--jsonl", action="store_true", help="每行一条指标的 JSON（默认）")
    s.add_argument("--stats", action="store_true")
    s.set_defaults(func=cmd_corpus)

    s = sub.add_parser("index", help="建立/增量更新先例索引")
    s.add_argument("--if-missing", action="store_true", help="索引已存在时不做任何事")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("search", help="检索相近的先例指标")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=10)
    for name in ("city", "level1", "level2", "form_kind"):
        s.add_argument(f"--{name.replace('_', '-')}", dest=name)
    s.add_argument("--year", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("suggest", help="某类项目适合哪些指标")
    s.add_argument("text")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_suggest)

    s = sub.add_parser("chat", help="对话：每行一条消息（标准输入），每条回复输出一行 JSON")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("draft", help="起草绩效目标表")
    s.add_argument("--name", required=True)
    s.add_argument("--budget", help="预算，万元（也接受 60万元、600000元、六十万）")
    s.add_argument("--year", type=int)
    s.add_argument("--description")
    s.add_argument("--period-years", type=int, default=1)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_draft)

    s = sub.add_parser("check", help="按审核规则检查一张表（.json/.xlsx/.docx）")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("export", help="把 .json 表导出为 .xlsx/.docx")
    s.add_argument("file")
    s.add_argument("out")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("selfeval", help="绩效自评：按实际完成值计分（自评表）")
    s.add_argument("table", help="目标表：draft --json 的 .json，或 .xlsx/.docx")
    s.add_argument("--actuals", required=True, help="实际完成值 CSV，表头 name,actual,weight（weight 可省略）")
    s.add_argument("--budget", help="全年预算数，万元")
    s.add_argument("--executed", help="全年执行数，万元")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_selfeval)

    s = sub.add_parser("rollover", help="由今年的表起草下一年的目标表")
    s.add_argument("table", help="今年的表：.json（draft --json 或自评后的表），或 .xlsx/.docx")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rollover)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
