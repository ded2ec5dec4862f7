"""Chat evaluation: novice-typed conversations against the real ChatSession.

    .venv/bin/python evals/run_chat.py [--json] [--out [FILE]] [--category C ...] [--id ID ...]

Cases: evals/chat_cases.yaml (see its header for the expectation keys). Each conversation runs in a fresh
`ChatSession()` (the real default finder and precedent index: build it first with
`.venv/bin/python -m assistant index` if it is missing); each turn is `reply = s.turn(text)`. A turn passes
when every expectation it gives holds. A turn that raises or times out counts as failed and the
conversation goes on. Prints passed/total and share per category, the overall share and the failed
messages with the first 120 characters of the reply; `--json` prints the same as JSON; `--out` writes a
dated markdown result (default evals/results/chat-YYYY-MM-DD.md). Measures; asserts nothing.
"""
from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import OrderedDict  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = ROOT / "evals" / "chat_cases.yaml"
RESULTS = ROOT / "evals" / "results"
CATEGORY_ORDER = ["concept", "facts", "draft", "revise", "browse", "suggest", "check", "odd", "degrade"]
KNOWN_KEYS = {"action", "contains", "contains_any", "not_contains", "table_contains", "table_not_contains",
              "values_contain", "table_unchanged", "table_changed", "has_table"}


class TurnTimeout(Exception):
    pass


def _on_alarm(signum, frame):  # noqa: ARG001
    raise TurnTimeout()


# ---------------------------------------------------------------- cases

def load_cases(path: Path = CASES) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    convs = data["conversations"] if isinstance(data, dict) else data
    for conv in convs:
        for turn in conv["turns"]:
            unknown = set((turn.get("expect") or {})) - KNOWN_KEYS
            if unknown:
                raise ValueError(f"{conv['id']}: unknown expectation keys {sorted(unknown)}")
    return convs


def message_of(turn: dict) -> str:
    """The text of a turn, expanding the markers for huge pastes and control characters."""
    if "say_repeat" in turn:
        rep = turn["say_repeat"]
        return str(rep.get("prefix", "")) + str(rep["text"]) * int(rep["times"]) + str(rep.get("suffix", ""))
    if "say_codes" in turn:
        return "".join(chr(int(c)) for c in turn["say_codes"])
    say = turn.get("say", "")
    return "" if say is None else str(say)


def shown(text: str, limit: int = 60) -> str:
    """A printable form of a message for the report."""
    if len(text) > limit:
        head = text[:20].encode("unicode_escape").decode("ascii") if not text[:20].isprintable() else text[:20]
        return f"{head}… ({len(text)} chars)"
    if not text.isprintable():
        return text.encode("unicode_escape").decode("ascii")
    return text


# ---------------------------------------------------------------- table access

def current_table(session, reply=None):
    """The session's current draft (pydantic TargetTable or None)."""
    state = getattr(session, "state", None)
    if state is not None and hasattr(state, "table"):
        return state.table
    return getattr(reply, "table", None) if reply is not None else None


def table_json(table) -> str | None:
    if table is None:
        return None
    try:
        return json.dumps(json.loads(table.model_dump_json()), ensure_ascii=False)
    except Exception:  # noqa: BLE001  (not a pydantic model: best effort)
        try:
            return json.dumps(table, ensure_ascii=False, default=str)
        except Exception:  # noqa: BLE001
            return str(table)


def indicator_values(table) -> list[str]:
    """Every 指标值 (annual and mid-term) of the table's indicators."""
    if table is None:
        return []
    try:
        data = json.loads(table.model_dump_json())
    except Exception:  # noqa: BLE001
        return []
    out = []
    for ind in data.get("indicators") or []:
        for key in ("value", "midterm_value"):
            if ind.get(key):
                out.append(str(ind[key]))
    return out


# ---------------------------------------------------------------- expectations

def _alts(item) -> list[str]:
    return [str(x) for x in item] if isinstance(item, list) else [str(item)]


def _norm(s: str) -> str:
    return "".join(s.split())


def check_turn(expect: dict, reply, before_json: str | None, after_table) -> list[str]:
    """The expectations that do not hold (empty when the turn passes)."""
    problems: list[str] = []
    text = str(getattr(reply, "text", "") or "")
    action = getattr(reply, "action", None)
    action = getattr(action, "value", action)
    after_json = table_json(after_table)

    if "action" in expect and str(action) not in [str(a) for a in expect["action"]]:
        problems.append(f"action {action!r} not in {expect['action']}")
    for item in expect.get("contains", []) or []:
        if not any(a in text for a in _alts(item)):
            problems.append(f"reply lacks {item!r}")
    if expect.get("contains_any") and not any(a in text for a in map(str, expect["contains_any"])):
        problems.append(f"reply has none of {expect['contains_any']}")
    for item in expect.get("not_contains", []) or []:
        if str(item) in text:
            problems.append(f"reply contains {item!r}")
    if "has_table" in expect and bool(after_table is not None) != bool(expect["has_table"]):
        problems.append(f"has_table is {after_table is not None}, expected {expect['has_table']}")
    if expect.get("table_contains"):
        if after_json is None:
            problems.append("no table (table_contains)")
        else:
            for item in expect["table_contains"]:
                if not any(a in after_json for a in _alts(item)):
                    problems.append(f"table lacks {item!r}")
    if expect.get("table_not_contains") and after_json is not None:
        for item in expect["table_not_contains"]:
            if str(item) in after_json:
                problems.append(f"table contains {item!r}")
    if expect.get("values_contain"):
        values = [_norm(v) for v in indicator_values(after_table)]
        if after_table is None:
            problems.append("no table (values_contain)")
        else:
            for item in expect["values_contain"]:
                if not any(_norm(a) in v for a in _alts(item) for v in values):
                    problems.append(f"no 指标值 holds {item!r}")
    if expect.get("table_unchanged") and after_json != before_json:
        problems.append("table changed")
    if expect.get("table_changed") and after_json == before_json:
        problems.append("table unchanged")
    return problems


# ---------------------------------------------------------------- running

def run(convs: list[dict], timeout: int = 300, progress: bool = True) -> dict:
    from assistant.chat.session import ChatSession

    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
    turns_out: list[dict] = []
    started = time.perf_counter()
    for conv in convs:
        session = None
        setup_error = None
        try:
            session = ChatSession()
        except Exception as exc:  # noqa: BLE001
            setup_error = f"ChatSession() failed: {type(exc).__name__}: {exc}"
        for n, turn in enumerate(conv["turns"], 1):
            text = message_of(turn)
            expect = turn.get("expect") or {}
            row = {"conversation": conv["id"], "category": conv["category"], "turn": n,
                   "message": shown(text), "action": None, "reply": "", "problems": [], "seconds": 0.0}
            if session is None:
                row["problems"] = [setup_error or "no session"]
                turns_out.append(row)
                continue
            t0 = time.perf_counter()
            try:
                before_json = table_json(current_table(session))
                if use_alarm:
                    signal.alarm(timeout)
                try:
                    reply = session.turn(text)
                finally:
                    if use_alarm:
                        signal.alarm(0)
                action = getattr(reply, "action", None)
                row["action"] = str(getattr(action, "value", action))
                row["reply"] = str(getattr(reply, "text", "") or "")
                row["problems"] = check_turn(expect, reply, before_json, current_table(session, reply))
            except TurnTimeout:
                row["problems"] = [f"timed out after {timeout}s"]
            except Exception as exc:  # noqa: BLE001
                row["problems"] = [f"raised {type(exc).__name__}: {str(exc)[:200]}"]
                row["traceback"] = traceback.format_exc(limit=4)
            row["seconds"] = round(time.perf_counter() - t0, 2)
            turns_out.append(row)
            if progress:
                mark = "." if not row["problems"] else "F"
                print(mark, end="", file=sys.stderr, flush=True)
        if progress:
            print(f" {conv['id']}", file=sys.stderr, flush=True)
    return summarise(convs, turns_out, time.perf_counter() - started)


def summarise(convs: list[dict], turns_out: list[dict], seconds: float) -> dict:
    cats: dict[str, dict] = OrderedDict()
    order = CATEGORY_ORDER + sorted({c["category"] for c in convs} - set(CATEGORY_ORDER))
    for cat in order:
        rows = [t for t in turns_out if t["category"] == cat]
        if not rows:
            continue
        passed = sum(not t["problems"] for t in rows)
        cats[cat] = {"conversations": sum(c["category"] == cat for c in convs), "passed": passed,
                     "total": len(rows), "share": round(passed / len(rows), 3)}
    passed = sum(not t["problems"] for t in turns_out)
    failed = [{"conversation": t["conversation"], "category": t["category"], "turn": t["turn"],
               "message": t["message"], "action": t["action"], "problems": t["problems"],
               "reply": " ".join(t["reply"].split())[:120]} for t in turns_out if t["problems"]]
    return {
        "date": dt.date.today().isoformat(),
        "conversations": len(convs),
        "messages": len(turns_out),
        "passed": passed,
        "share": round(passed / len(turns_out), 3) if turns_out else 0.0,
        "seconds": round(seconds, 1),
        "categories": cats,
        "failed": failed,
    }


# ---------------------------------------------------------------- output

def print_text(result: dict) -> None:
    print(f"chat eval {result['date']}: {result['conversations']} conversations, {result['messages']} messages, "
          f"{result['seconds']} s")
    print(f"{'category':<10} {'conv':>4} {'passed':>7} {'total':>6} {'share':>7}")
    for cat, c in result["categories"].items():
        print(f"{cat:<10} {c['conversations']:>4} {c['passed']:>7} {c['total']:>6} {c['share']:>7.0%}")
    print(f"{'overall':<10} {result['conversations']:>4} {result['passed']:>7} {result['messages']:>6} "
          f"{result['share']:>7.0%}")
    if result["failed"]:
        print(f"\nfailed ({len(result['failed'])}):")
        for f in result["failed"]:
            print(f"- {f['conversation']}#{f['turn']} [{f['action']}] 「{f['message']}」: {'; '.join(f['problems'])}")
            print(f"    → {f['reply']}")


def markdown(result: dict) -> str:
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = [f"# Chat evaluation {result['date']}", "",
             f"`evals/run_chat.py` over `evals/chat_cases.yaml`: {result['conversations']} conversations, "
             f"{result['messages']} messages, {result['seconds']} s.", "",
             "| category | conversations | passed | total | share |", "|---|---|---|---|---|"]
    for cat, c in result["categories"].items():
        lines.append(f"| {cat} | {c['conversations']} | {c['passed']} | {c['total']} | {c['share']:.0%} |")
    lines.append(f"| **overall** | {result['conversations']} | {result['passed']} | {result['messages']} | "
                 f"**{result['share']:.0%}** |")
    lines += ["", f"## Failed messages ({len(result['failed'])})", "",
              "| turn | message | action | problems | reply (first 120 chars) |", "|---|---|---|---|---|"]
    for f in result["failed"]:
        lines.append(f"| {f['conversation']}#{f['turn']} | {esc(f['message'])} | {esc(f['action'])} | "
                     f"{esc('; '.join(f['problems']))} | {esc(f['reply'])} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--out", nargs="?", const="", default=None,
                        help="write a markdown result (default evals/results/chat-YYYY-MM-DD.md)")
    parser.add_argument("--category", nargs="*", help="only these categories")
    parser.add_argument("--id", nargs="*", help="only these conversation ids")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per turn before it counts as failed")
    parser.add_argument("--quiet", action="store_true", help="no progress marks on stderr")
    args = parser.parse_args(argv)

    convs = load_cases(args.cases)
    if args.category:
        convs = [c for c in convs if c["category"] in args.category]
    if args.id:
        convs = [c for c in convs if c["id"] in args.id]
    result = run(convs, timeout=args.timeout, progress=not args.quiet)

    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_text(result)
    if args.out is not None:
        out = Path(args.out) if args.out else RESULTS / f"chat-{result['date']}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown(result), encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
