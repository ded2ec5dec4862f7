"""Benchmark of the page in a real browser: prints figures, asserts nothing.

    .venv/bin/python evals/bench_page.py [--rounds 2] [--label baseline] [--text evals/results/bench-page-….txt]

Starts `streamlit run assistant/ui/app.py` on a free 127.0.0.1 port with a COPY of the data dir (the
converted model hard-linked, the index copied; drafts start empty), drives Debian's Chromium through
Playwright and a fixed conversation — suggest, draft, three revisions, check, export — and prints:
- cold start: from starting the process to the chat input being usable (visible, enabled) and to the
  first run of the script being over;
- per reply, from pressing Enter to the reply rendered (the assistant's bubble has text, no spinner)
  and to the page settled (the script run over: grid, findings, sidebar drawn), p50/p95 per kind;
  the first message is sent the moment the input is usable, so it also shows what waiting for a
  model still loading costs (reported apart, not in the percentiles);
- the .xlsx download (click → file);
- the peak RSS of the page's process tree (psutil, sampled every 50 ms) and the machine's cores.
Each round after the first opens the page as a new browser (a new ?u= owner, an empty draft list).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 300_000

# (kind, message): the fixed conversation
CONVERSATION = [
    ("suggest", "租赁费项目适合哪些指标"),
    ("draft", "帮我起草一个房屋租赁费项目，预算60.13万元，2025年，用于租赁办公用房1800平方米"),
    ("revise", "满意度改为≥95%"),
    ("revise", "删除第3个指标"),
    ("revise", "预算改为58万元"),
    ("check", "检查一下"),
    ("export", "导出"),
]

_IDLE = ("() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
         " === 'notRunning' && !document.querySelector('[data-testid=stSpinner]')")
_USERS = "document.querySelectorAll('[data-testid=stChatMessageAvatarUser]').length"
_REPLIED = ("() => { const m = document.querySelectorAll('[data-testid=stChatMessage]'); const l = m[m.length - 1];"
            " return !!(l && l.querySelector('[data-testid=stChatMessageAvatarAssistant]')"
            " && !l.querySelector('[data-testid=stSpinner]') && l.innerText.trim().length > 0); }")
_INPUT_READY = ("() => { const t = document.querySelector('[data-testid=stChatInputTextArea]');"
                " return !!(t && !t.disabled && t.offsetParent !== null); }")


# --- the page process ---------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_data(source: Path, target: Path) -> None:
    """The model folder hard-linked (read only, ~1 GB; a rebuild writes a new folder and renames), the
    rest copied; drafts and the user's corpus are not taken, so the page starts as a new user's."""
    target.mkdir(parents=True)
    models = source / "models"
    if models.is_dir():
        def link(src, dst):
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
        shutil.copytree(models, target / "models", copy_function=link,
                        ignore=shutil.ignore_patterns(".*"))  # not a conversion in progress
    for part in ("index", "cache"):
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)


class RssSampler(threading.Thread):
    """Peak RSS of a process and all its children, sampled until stopped."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.every, self.peak_mb, self.last_mb = psutil.Process(pid), every, 0.0, 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.last_mb = total / 2**20
                self.peak_mb = max(self.peak_mb, self.last_mb)
            except psutil.Error:
                return
            self._stop_event.wait(self.every)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=2)


def start_page(data: Path, log: Path, port: int, app: str) -> subprocess.Popen:
    env = {**os.environ, "JX_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit), "run", app, "--server.port", str(port), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--client.toolbarMode", "minimal", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


# --- the browser --------------------------------------------------------------------------------

def say(page, text: str) -> tuple[float, float, str]:
    """(seconds to the reply rendered, seconds to the page settled, the reply's text)."""
    before = page.evaluate(f"() => {_USERS}")
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(f"() => {_USERS} > {before}", timeout=TIMEOUT_MS, polling=10)
    page.wait_for_function(_REPLIED, timeout=TIMEOUT_MS, polling=10)
    replied = time.perf_counter() - started
    page.wait_for_function(_IDLE, timeout=TIMEOUT_MS, polling=10)
    settled = time.perf_counter() - started
    settle_more(page)
    return replied, settled, page.get_by_test_id("stChatMessage").last.inner_text()


def settle_more(page) -> None:
    """A widget change can start one more run: wait until the page has been idle for a moment."""
    for _ in range(2):
        page.wait_for_timeout(300)
        page.wait_for_function(_IDLE, timeout=TIMEOUT_MS)


def two_tabs(context, url: str) -> list[float]:
    """Two tabs (two owners) send the draft message at the same moment: seconds to each reply.
    Neither should wait for the other beyond one reply."""
    pages = [context.new_page() for _ in range(2)]
    for n, page in enumerate(pages):
        page.goto(f"{url}/?u=tabs{n:04d}{os.getpid():08x}", timeout=TIMEOUT_MS)
        page.wait_for_function(_INPUT_READY, timeout=TIMEOUT_MS)
        settle_more(page)
    text = CONVERSATION[1][1]
    befores = [page.evaluate(f"() => {_USERS}") for page in pages]
    for page in pages:
        page.get_by_test_id("stChatInputTextArea").fill(text)
    started = time.perf_counter()
    for page in pages:
        page.get_by_test_id("stChatInputTextArea").press("Enter")
    times = []
    for page, before in zip(pages, befores):
        page.wait_for_function(f"() => {_USERS} > {before}", timeout=TIMEOUT_MS, polling=10)
        page.wait_for_function(_REPLIED, timeout=TIMEOUT_MS, polling=10)
        times.append(time.perf_counter() - started)
    for page in pages:
        page.close()
    return times


def download(page) -> float:
    button = page.get_by_role("button", name="下载 .xlsx")
    button.wait_for(timeout=TIMEOUT_MS)
    started = time.perf_counter()
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    path = info.value.path()
    elapsed = time.perf_counter() - started
    assert path and Path(path).stat().st_size > 1000, "download is empty"
    return elapsed


def run_round(page, url: str, started: float | None) -> dict:
    """One conversation. ``started``: the process start, for the cold-start figures (first round)."""
    out: dict = {"turns": []}
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_function(_INPUT_READY, timeout=TIMEOUT_MS, polling=10)
    if started is not None:
        out["interactive_s"] = time.perf_counter() - started
        page.wait_for_function(_IDLE, timeout=TIMEOUT_MS, polling=10)
        out["first_run_over_s"] = time.perf_counter() - started
    else:
        settle_more(page)
    for kind, text in CONVERSATION:
        replied, settled, reply = say(page, text)
        out["turns"].append({"kind": kind, "replied_s": replied, "settled_s": settled, "reply": reply[:80]})
        if kind == "draft":
            page.get_by_role("button", name="下载 .xlsx").wait_for(timeout=TIMEOUT_MS)
    out["download_s"] = download(page)
    return out


# --- the figures ---------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000 if values else float("nan")


def summarise(rounds: list[dict], peak_mb: float, end_mb: float, label: str) -> str:
    first = rounds[0]
    turns = [t for r in rounds for t in r["turns"]]
    warm = turns[1:]  # the very first message may have waited for the model: apart
    lines = [
        f"## {label}",
        f"机器：{os.cpu_count()} 个逻辑核（{psutil.cpu_count(logical=False)} 个物理核），"
        f"负载 {os.getloadavg()[0]:.1f}，内存 {psutil.virtual_memory().total / 2**30:.0f} GB",
        f"冷启动：进程启动 → 聊天输入框可用 {first['interactive_s']:.2f} s；→ 首次运行结束 {first['first_run_over_s']:.2f} s",
        f"第一条消息（可用后立即发送，{turns[0]['kind']}）：回复显示 {turns[0]['replied_s'] * 1000:.0f} ms，"
        f"页面稳定 {turns[0]['settled_s'] * 1000:.0f} ms",
        f"其余 {len(warm)} 条回复（{len(rounds)} 轮）p50/p95 ms：回复显示 {pct([t['replied_s'] for t in warm], 50):.0f}/"
        f"{pct([t['replied_s'] for t in warm], 95):.0f}；页面稳定 {pct([t['settled_s'] for t in warm], 50):.0f}/"
        f"{pct([t['settled_s'] for t in warm], 95):.0f}",
    ]
    kinds = dict.fromkeys(kind for kind, _ in CONVERSATION)
    for kind in kinds:
        sample = [t for t in warm if t["kind"] == kind]
        if sample:
            lines.append(f"  {kind:8s} n={len(sample):2d} 回复显示 p50/p95 {pct([t['replied_s'] for t in sample], 50):6.0f}/"
                         f"{pct([t['replied_s'] for t in sample], 95):6.0f} ms；页面稳定 "
                         f"{pct([t['settled_s'] for t in sample], 50):6.0f}/{pct([t['settled_s'] for t in sample], 95):6.0f} ms")
    downloads = [r["download_s"] for r in rounds]
    lines.append(f"下载 .xlsx（点击 → 文件）p50 {statistics.median(downloads) * 1000:.0f} ms")
    lines.append(f"页面进程树峰值 RSS {peak_mb:.0f} MB（结束时 {end_mb:.0f} MB）")
    return "\n".join(lines)


def breakdown(data: Path, app: str) -> str:
    """Where a reply's page run goes, per part (JX_DEBUG's timings, read in-process with AppTest over the
    same conversation on the same data copy): medians in ms over the messages of each kind."""
    from streamlit.testing.v1 import AppTest

    from assistant.config import get_settings
    from assistant.ui import state as page_state

    os.environ["JX_DATA_DIR"] = str(data)
    get_settings.cache_clear()
    page_state.DEBUG = True
    at = AppTest.from_file(str(ROOT / app), default_timeout=300).run()
    parts: dict[str, dict[str, list[float]]] = {}
    for kind, text in CONVERSATION:
        at.chat_input[0].set_value(text).run()
        for part, ms in (at.session_state["timings_last"] or {}).items():
            parts.setdefault(kind, {}).setdefault(part, []).append(ms)
    lines = ["页面一次运行的分解（JX_DEBUG，AppTest 进程内，毫秒，中位数）："]
    for kind, by_part in parts.items():
        shown = sorted(((statistics.median(v), k) for k, v in by_part.items()), reverse=True)
        lines.append(f"  {kind:8s} " + "；".join(f"{k} {ms:.1f}" for ms, k in shown))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--label", default=time.strftime("%Y-%m-%d %H:%M"))
    parser.add_argument("--text", help="append the summary to this file")
    parser.add_argument("--data", type=Path, default=None, help="the data dir to copy (default: JX_DATA_DIR or .data)")
    parser.add_argument("--tabs", action=argparse.BooleanOptionalAction, default=True,
                        help="also send a message from two tabs at once")
    parser.add_argument("--app", default="assistant/ui/app.py", help="the page script (to measure a proposed change)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir and log")
    parser.add_argument("--breakdown", action=argparse.BooleanOptionalAction, default=True,
                        help="also print where a page run's time goes, per part (JX_DEBUG timings)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print("/usr/bin/chromium 不存在：请先运行 make browser", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    source = args.data or Path(os.environ.get("JX_DATA_DIR") or ROOT / ".data")
    base = Path(tempfile.mkdtemp(prefix="bench-page-"))
    copy_data(source, base / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = base / "streamlit.log"
    proc = None
    sampler = None
    rounds: list[dict] = []
    tabs = None
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(base / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                accept_downloads=True, viewport={"width": 1680, "height": 1300}, locale="zh-CN")
            page = context.pages[0] if context.pages else context.new_page()
            page.goto("about:blank")
            started = time.perf_counter()
            proc = start_page(base / "data", log, port, args.app)
            sampler = RssSampler(proc.pid)
            sampler.start()
            wait_healthy(url, proc)
            print(f"健康检查通过 {time.perf_counter() - started:.2f} s", flush=True)
            for n in range(args.rounds):
                result = run_round(page, url if n == 0 else f"{url}/?u=bench{n:04d}{os.getpid():08x}",
                                   started if n == 0 else None)
                rounds.append(result)
                for t in result["turns"]:
                    print(f"  第{n + 1}轮 {t['kind']:8s} 回复 {t['replied_s'] * 1000:7.0f} ms  稳定 "
                          f"{t['settled_s'] * 1000:7.0f} ms  {t['reply'][:40]!r}", flush=True)
            tabs = two_tabs(context, url) if args.tabs else None
            context.close()
    finally:
        if sampler:
            sampler.stop()
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if log.exists() and "Traceback" in log.read_text(errors="replace"):
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        parts = breakdown(base / "data", args.app) if args.breakdown and rounds else ""
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"保留：{base}")
    summary = summarise(rounds, sampler.peak_mb, sampler.last_mb, args.label)
    if parts:
        summary += "\n" + parts
    if tabs:
        summary += (f"\n两个标签页同时发送起草消息：回复显示 {tabs[0] * 1000:.0f} ms 与 {tabs[1] * 1000:.0f} ms"
                    "（两页依次等待，第二个数含等第一个）")
    print(summary)
    if args.text:
        with open(args.text, "a", encoding="utf-8") as fh:
            fh.write(summary + "\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
