"""Drafting real projects of other units: the public forms in corpus/public/ (see its README).

Each form is drafted from what its preparer knew before writing indicators — the project name, budget,
year, the printed description and the 年度目标 sentences — never from its indicators. Two briefs:
- ``brief``: name + budget + year + description + goals;
- ``deliverables``: the same, plus the form's own 数量 rows written into the description as a preparer
  would ("数量：雾炮车降尘抑尘服务配备车辆数10辆"); recall is then measured on the OTHER rows only.
Two precedent settings, since the public forms are also precedents in the shipped corpus:
- ``seeds``: every public form left out — only the housing-fund seeds and the library (the forms are
  fully unseen);
- ``louo``: leave-one-city-out — every public form of the drafted form's own city (and unit) left out,
  the other public forms kept as precedents, as a new unit's form meets the shipped corpus.
Methods: the precedent drafter (corpus + library), "copy the nearest precedent project", and a fixed
generic template (run_draft's baselines). Groups: ``dev`` (read while building), ``held_out`` (collected
with dev, never read until session 5), ``new`` (collected later by helpers; read in session 5),
``fresh`` (``batch: s5``: collected blind in session 5, its figures seen while building) and ``blind``
(``batch: s5b``: collected blind in session 5 and measured only at its end). Reported: recall
(run_draft.Matcher: same 一级 family, e5 cosine ≥ 0.925 or bigram Dice ≥ 0.5), recall per 二级, 二级
coverage, precision (drafted rows matching a real row), kept (rows matching a real row, or library rows
of a recognised project type), draft size (mean, max), garbled names (assistant.review.rules_grammar),
cost ceilings above the budget, drafts with error findings.
Writes evals/results/real-<date>[-tag].md and .json. Usage: python evals/run_real.py [--tag t] [--no-write]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
import run_draft  # noqa: E402  (the Matcher, 一级 families and the two baselines)

from assistant.drafting.draft import PrecedentDrafter  # noqa: E402
from assistant.drafting.finder import default_finder  # noqa: E402
from assistant.drafting.library_patterns import library_origins  # noqa: E402
from assistant.review.check import check_table  # noqa: E402
from assistant.review.rows import wan  # noqa: E402
from assistant.review.rules_grammar import name_problems  # noqa: E402
from assistant.schema import Indicator, Level2, ProjectBrief, TargetTable  # noqa: E402
from assistant.taxonomy import COST_LEVEL2, infer_level2, level1_of, normalize_level1, normalize_level2  # noqa: E402

REAL = Path(__file__).parent.parent / "corpus" / "public"
RESULTS = Path(__file__).parent / "results"
# Split by eye before any change, by project kind, so that each half holds services, works, subsidies,
# training/publicity and partial forms. Only the dev half was read while building.
HELD_OUT = {
    "xiangtan_huanwei_wupaoche_2024", "baodi_xuqinfenwu_2022", "dongguan_jiaotong_zhenjilianwanglu_2019",
    "dongguan_zhanlanguan_wuye_2022", "guichi_tangxi_weituoyewu_2022", "huaibei_wenlv_nongcunwenhua_2025",
    "hubei_canlian_xuanchuanwenhua_2017", "jiayuguan_bowuguan_mianfeikaifang_2023",
    "nanxian_zhufangbaozhang_chuzu_2024", "ningjin_jiaoyu_gaozhongzhuxuejin_2019", "zhaohua_weijian_tekunzaifuzhu_2021",
}
DEV = {
    "xiangtan_huanwei_wupaoche_2023", "puyang_danganguan_xiaofang_2021", "chengan_minzheng_gaolingjintie_2020",
    "huangshi_dangxiao_zhutiban_2022", "langfang_shipinxuexiao_nuantong_2019", "xiqing_caizheng_fangzubutie_2020",
    "daying_shuangxin_chuangjian_2020", "guangshui_jiwei_juyuwang_2019", "nanyue_fupin_jichusheshi_2018",
    "anju_shichangjianguan_shipinjianguan_2021", "qianlima_chengguan_cheliang_2023",
}


def load_forms(sealed: Path | None = None) -> list[dict]:
    """The public forms, and with ``sealed`` the records of a sealed folder (evals/blind/: a set the next
    builders measure without reading) as group "sealed", listed by number only in the results."""
    forms = []
    paths = sorted(REAL.glob("*.yaml")) + (sorted(sealed.glob("*.yaml")) if sealed else [])
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not data.get("project"):
            continue  # a form printed without its project name cannot be drafted from a brief
        data["id"] = path.stem
        data["half"] = ("sealed" if sealed and path.parent == sealed else "dev" if path.stem in DEV
                        else "held_out" if path.stem in HELD_OUT
                        else {"s5": "fresh", "s5b": "blind"}.get(data.get("batch"), data.get("batch")) or "new")
        data["source"] = path.name
        data["place"] = data.get("city") or data.get("region") or data.get("unit") or path.stem
        data["rows"] = [real_row(r) for r in data["indicators"]]
        forms.append(data)
    return forms


def real_row(r: dict) -> Indicator:
    """A printed row as an Indicator; a missing or odd 一级/二级 is taken from the name, as a reader would."""
    level1 = normalize_level1(r.get("level1"))
    level2 = normalize_level2(r.get("level2")) or infer_level2(r["name"], str(r.get("value") or ""), level1)
    if level1 is None and level2 is not None:
        level1 = level1_of(level2)
    return Indicator(level1=level1, level2=level2, name=str(r["name"]), value=str(r.get("value") or ""))


def brief_of(form: dict, deliverables: bool = False) -> ProjectBrief:
    parts = [form.get("description") or "", *(form.get("goals") or [])]
    if deliverables:
        own = [f"{r.name}{r.value}" for r in form["rows"] if r.level2 is Level2.QUANTITY]
        if own:
            parts.append("数量：" + "；".join(own) + "。")
    text = "\n".join(p.strip() for p in parts if p and p.strip()) or None
    return ProjectBrief(name=form["project"], budget=form.get("budget_wan"), year=form.get("year"), description=text)


def score(matcher: run_draft.Matcher, form: dict, table: TargetTable, deliverables: bool) -> dict:
    real = [r for r in form["rows"] if not (deliverables and r.level2 is Level2.QUANTITY)]
    drafted = table.indicators
    hits = matcher.matched(real, drafted) if real else []
    said = matcher.matched(drafted, form["rows"]) if drafted else []  # precision: drafted rows a real row says
    kept = [m or _typed_library_row(d) for m, d in zip(said, drafted)]
    real_l2 = {run_draft.level2_family(r.level2) for r in real if r.level2}
    draft_l2 = {run_draft.level2_family(d.level2) for d in drafted}
    garbled = [d.name for d in drafted if name_problems(d.name)]
    budget = form.get("budget_wan")
    over = [d.value for d in drafted if d.level2 in COST_LEVEL2 and budget and (w := wan(d.parsed)) is not None
            and w > budget + 1e-9]
    per_l2: dict[str, list[bool]] = {}
    for r, h in zip(real, hits):
        per_l2.setdefault(run_draft.level2_family(r.level2) or "?", []).append(h)
    return {
        "id": form["id"], "half": form["half"], "partial": bool(form.get("partial")),
        "recall": sum(hits) / len(hits) if hits else None, "hits": sum(hits), "real": len(real),
        "precision": sum(said) / len(said) if said else 0.0, "kept": sum(kept) / len(kept) if kept else 0.0,
        "size": len(drafted),
        "coverage": len(real_l2 & draft_l2) / len(real_l2) if real_l2 else 1.0,
        "per_level2": {k: [sum(v), len(v)] for k, v in per_l2.items()},
        "garbled": garbled, "over_budget": over,
        "errors": sorted({f.code for f in check_table(table) if f.severity.value == "error"}),
        "drafted": [f"{d.level2.value if d.level2 else '?'}|{d.name}|{d.value}" for d in drafted],
    }


def same_place(a: dict, b: dict) -> bool:
    """Forms of one city (or unit): the first two characters of the place, or the same unit."""
    key = lambda f: str(f["place"]).strip()[:2]  # noqa: E731
    return key(a) == key(b) or (a.get("unit") and a.get("unit") == b.get("unit"))


def _typed_library_row(row: Indicator) -> bool:
    """A library row of a recognised project type (not the generic fallback): one a reviewer expects."""
    return "type" in library_origins(row)


def evaluate(write: bool = True, tag: str = "", groups: set[str] | None = None, sealed: Path | None = None) -> dict:
    matcher = run_draft.Matcher()
    everyone = load_forms(sealed)
    forms = [f for f in everyone if not groups or f["half"] in groups]
    every = frozenset(f["source"] for f in everyone)
    settings = {"seeds": lambda form: every,
                "louo": lambda form: frozenset(f["source"] for f in everyone if same_place(f, form))}
    variants = ("brief", "deliverables")
    rows = {st: {v: {} for v in variants} for st in settings}
    for setting, excluded in settings.items():
        for form in forms:
            finder = default_finder(exclude_source=excluded(form))
            methods = {"precedent_drafter": PrecedentDrafter(finder=finder).draft,
                       "nearest_project": run_draft.nearest_project_baseline(finder),
                       "generic_template": run_draft.generic_baseline}
            for variant in variants:
                brief = brief_of(form, deliverables=variant == "deliverables")
                for method, fn in methods.items():
                    rows[setting][variant].setdefault(method, []).append(
                        score(matcher, form, fn(brief), variant == "deliverables"))
    summary = {st: {v: {m: {h: summarise([r for r in rs if h == "all" or r["half"] == h])
                            for h in ("dev", "held_out", "new", "fresh", "blind", "sealed", "all")}
                        for m, rs in ms.items()} for v, ms in vs.items()} for st, vs in rows.items()}
    result = {"date": dt.date.today().isoformat(), "tag": tag, "forms": len(forms),
              "partial": sum(1 for f in forms if f.get("partial")), "summary": summary, "rows": rows}
    if write:
        write_results(result)
    return result


def summarise(rows: list[dict]) -> dict:
    if not rows:
        return {"forms": 0}
    scored = [r for r in rows if r["recall"] is not None]
    per_l2: dict[str, list[int]] = {}
    for r in rows:
        for k, (h, n) in r["per_level2"].items():
            acc = per_l2.setdefault(k, [0, 0])
            acc[0], acc[1] = acc[0] + h, acc[1] + n
    return {
        "forms": len(rows),
        "recall": round(statistics.mean(r["recall"] for r in scored), 3) if scored else None,
        "recall_pooled": round(sum(r["hits"] for r in scored) / max(1, sum(r["real"] for r in scored)), 3),
        "recall_complete_forms": round(statistics.mean([r["recall"] for r in scored if not r["partial"]] or [0]), 3),
        "coverage": round(statistics.mean(r["coverage"] for r in rows), 3),
        "precision": round(statistics.mean(r["precision"] for r in rows), 3),
        "kept": round(statistics.mean(r["kept"] for r in rows), 3),
        "mean_size": round(statistics.mean(r["size"] for r in rows), 1),
        "max_size": max(r["size"] for r in rows),
        "garbled_names": sum(len(r["garbled"]) for r in rows),
        "over_budget": sum(len(r["over_budget"]) for r in rows),
        "drafts_with_errors": sum(1 for r in rows if r["errors"]),
        "per_level2": {k: round(h / n, 2) for k, (h, n) in sorted(per_l2.items()) if n},
    }


def write_results(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"real-{result['date']}{'-' + result['tag'] if result['tag'] else ''}"
    shown = json.loads(json.dumps(result))
    for variants in shown["rows"].values():
        for methods in variants.values():
            for rows in methods.values():
                for i, r in enumerate(rows):
                    if r["half"] == "sealed":  # counted in the summary; its wording stays unseen
                        rows[i] = {k: v for k, v in r.items() if k not in ("id", "drafted", "garbled", "per_level2")}
    stem.with_suffix(".json").write_text(json.dumps(shown, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [f"# Drafting real forms of other units ({result['date']}{', ' + result['tag'] if result['tag'] else ''})",
             "", f"{result['forms']} public forms (corpus/public/, {result['partial']} partial). Groups: dev = read "
             "while building, held_out = collected with dev, new = collected later "
             "(both read in session 5), fresh = collected blind in session 5 (its figures seen while building), "
             "blind = collected blind in session 5, measured only at its end.",
             "brief: name + budget + year + description + goals. deliverables: plus the form's own 数量 rows,",
             "recall on the other rows. Match: same 一级 family and (e5 cosine ≥ 0.925 or bigram Dice ≥ 0.5).",
             "seeds: no public form as precedent. louo: the other cities' public forms as precedents.", ""]
    header = ("| method | group | forms | recall | pooled | complete forms | 二级 coverage | precision | kept | "
              "size (max) | garbled names | cost > budget | drafts with errors |")
    for setting, variants in result["summary"].items():
        for variant, methods in variants.items():
            lines += [f"## {setting} · {variant}", "", header, "|---" * 13 + "|"]
            for method, halves in methods.items():
                for half, s in halves.items():
                    if not s["forms"]:
                        continue
                    lines.append(f"| {method} | {half} | {s['forms']} | {s['recall']} | {s['recall_pooled']} | "
                                 f"{s['recall_complete_forms']} | {s['coverage']} | {s['precision']} | {s['kept']} | "
                                 f"{s['mean_size']} ({s['max_size']}) | {s['garbled_names']} | {s['over_budget']} | "
                                 f"{s['drafts_with_errors']} |")
            lines += ["", "recall per 二级 (precedent drafter, all forms): " + ", ".join(
                f"{k} {v}" for k, v in methods["precedent_drafter"]["all"]["per_level2"].items()), ""]
    for setting in result["rows"]:
        lines += [f"## Per form (precedent drafter, {setting} · brief)", "",
                  "| form | group | recall | coverage | precision | kept | size | garbled |", "|---" * 8 + "|"]
        for r in result["rows"][setting]["brief"]["precedent_drafter"]:
            if r["half"] == "sealed":
                continue  # a sealed form is counted, never shown
            rec = "–" if r["recall"] is None else f"{r['recall']:.2f}"
            lines.append(f"| {r['id']} | {r['half']} | {rec} | {r['coverage']:.2f} | {r['precision']:.2f} | "
                         f"{r['kept']:.2f} | {r['size']} | {'; '.join(r['garbled']) or 0} |")
        lines.append("")
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--tag", default="")
    parser.add_argument("--sealed", type=Path, default=None,
                        help="also draft the records of a sealed folder (evals/blind/), reported as group 'sealed' "
                             "in numbers only; use --groups sealed to run only them")
    parser.add_argument("--groups", default="", help="only these groups, comma-separated (dev,held_out,new,fresh): "
                        "keep a blind group unseen while working on the others")
    args = parser.parse_args()
    res = evaluate(write=not args.no_write, tag=args.tag, groups=set(filter(None, args.groups.split(","))),
                   sealed=args.sealed.resolve() if args.sealed else None)
    for setting, variants in res["summary"].items():
        for variant, methods in variants.items():
            for method, halves in methods.items():
                s = halves["all"]
                print(f"{setting:6} {variant:12} {method:18} recall {s['recall']} coverage {s['coverage']} "
                      f"precision {s['precision']} kept {s['kept']} size {s['mean_size']} ({s['max_size']}) "
                      f"garbled {s['garbled_names']} over {s['over_budget']}")
