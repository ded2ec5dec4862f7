"""End to end: the real app (`streamlit run`) in headless Chromium, from a question to the .xlsx.

Asks the rental-fee question, drafts, changes a value in chat, downloads the .xlsx and reads it back
with openpyxl. Debian's chromium is used (`playwright install` cannot download here); the test is
skipped only when /usr/bin/chromium is absent. With JX_SCREENSHOTS=docs the screenshots of the page
and of the exported sheet are written to docs/ (otherwise to the test's temporary directory).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app_env import REPO, prepared_data_dir
from servers import free_port, running, wait_until_up

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TURN_TIMEOUT_MS = 180_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium 不存在：请先运行 make browser（apt 安装 chromium）"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    data = prepared_data_dir(base)
    port = free_port()
    log = base / "streamlit.log"
    env = {**os.environ, "JX_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit), "run", "assistant/ui/app.py", "--server.port", str(port), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--client.toolbarMode", "minimal", "--server.fileWatcherType", "none"]
    url = f"http://127.0.0.1:{port}"
    try:
        with running(cmd, log, cwd=REPO, env=env) as proc:
            wait_until_up(f"{url}/_stcore/health", proc, log, timeout=90, ready=lambda body: body.strip() == b"ok")
            yield url
    finally:
        if "Traceback" in log.read_text():
            print(log.read_text()[-4000:])


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            accept_downloads=True, viewport={"width": 1680, "height": 1300}, locale="zh-CN")
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


# Streamlit marks its root element with the script's state ("running" / "notRunning").
_IDLE = ("() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
         " === 'notRunning' && !document.querySelector('[data-testid=stSpinner]')")


def _idle(page) -> None:
    """Wait until the script run is over, twice in a row: a widget change can start another run."""
    for _ in range(2):
        page.wait_for_function(_IDLE, timeout=TURN_TIMEOUT_MS)
        page.wait_for_timeout(400)
    page.wait_for_function(_IDLE, timeout=TURN_TIMEOUT_MS)


def _say(page, text: str) -> str:
    """Send a chat message and return the assistant's reply as the page shows it.

    Counted by the user's bubbles: the welcome bubble goes away once there is a history."""
    users = "document.querySelectorAll('[data-testid=stChatMessageAvatarUser]').length"
    before = page.evaluate(f"() => {users}")
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(f"() => {users} > {before}", timeout=TURN_TIMEOUT_MS)
    last = ("() => { const m = document.querySelectorAll('[data-testid=stChatMessage]'); const l = m[m.length - 1];"
            " return l && l.querySelector('[data-testid=stChatMessageAvatarAssistant]')"
            " && !l.querySelector('[data-testid=stSpinner]') && l.innerText.trim().length > 0; }")
    page.wait_for_function(last, timeout=TURN_TIMEOUT_MS)
    _idle(page)
    return page.get_by_test_id("stChatMessage").last.inner_text()


def _screens_dir(tmp_path: Path) -> Path:
    if os.environ.get("JX_SCREENSHOTS") == "docs":
        return REPO / "docs"
    return tmp_path


def _render_sheet(xlsx: Path, png: Path, page) -> None:
    """The exported sheet as a picture: LibreOffice → PDF → PNG, else the cells as HTML in chromium."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office and shutil.which("pdftoppm"):
        out = xlsx.parent
        profile = f"-env:UserInstallation=file://{xlsx.parent / 'lo-profile'}"
        subprocess.run([office, profile, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                       check=True, capture_output=True, timeout=180)
        pdf = out / (xlsx.stem + ".pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(png.with_suffix(""))], check=True, capture_output=True, timeout=120)
        return
    page.set_content(_sheet_html(xlsx))
    page.screenshot(path=str(png), full_page=True)


def _sheet_html(xlsx: Path) -> str:
    from html import escape

    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    spans, hidden = {}, set()
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        hidden |= {(r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
    rows = []
    for r in range(1, ws.max_row + 1):
        cells = []
        for c in range(1, ws.max_column + 1):
            if (r, c) in hidden and (r, c) not in spans:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            value = ws.cell(r, c).value
            cells.append(f'<td rowspan="{rs}" colspan="{cs}">{escape(str(value if value is not None else ""))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    style = ("body{font-family:'WenQuanYi Micro Hei',sans-serif;margin:24px}table{border-collapse:collapse}"
             "td{border:1px solid #000;padding:4px 8px;font-size:13px;white-space:pre-wrap;vertical-align:middle}")
    return f"<html><head><meta charset='utf-8'><style>{style}</style></head><body><table>{''.join(rows)}</table></body></html>"


def _grid_header(ws) -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows():
        labels = {str(c.value).strip(): c.column for c in row if c.value}
        if {"一级指标", "二级指标", "三级指标"} <= labels.keys():
            return row[0].row, labels
    raise AssertionError("导出的表格中没有找到指标表头（一级指标/二级指标/三级指标）")


def test_question_draft_revise_export(app_url, page, tmp_path):
    page.goto(app_url)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60_000)
    _idle(page)

    answer = _say(page, "租赁费项目适合哪些指标")
    assert "租赁" in answer and "指标" in answer

    _say(page, "帮我起草一个房屋租赁费项目，预算60.13万元，2025年")
    download = page.get_by_role("button", name="下载 .xlsx")
    download.wait_for(timeout=60_000)
    for label in ("下载 .docx", "下载 .json"):
        assert page.get_by_role("button", name=label).is_visible()
    assert page.get_by_label("预算（万元）").input_value() == "60.13"

    _say(page, "满意度改为≥95%")
    screens = _screens_dir(tmp_path)
    page.screenshot(path=str(screens / "app.png"))

    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载 .xlsx").click()
    xlsx = tmp_path / "draft.xlsx"
    info.value.save_as(xlsx)

    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "项目支出绩效目标申报表" in texts
    assert any("项目名称" in t for t in texts) and any("租赁" in t for t in texts)
    header, columns = _grid_header(ws)
    level1_col, name_col = columns["一级指标"], columns["三级指标"]
    merged_level1 = [r for r in ws.merged_cells.ranges
                     if r.min_col == r.max_col == level1_col and r.min_row > header and r.max_row > r.min_row]
    assert merged_level1, "一级指标单元格没有向下合并"
    satisfaction = [row for row in ws.iter_rows(min_row=header + 1)
                    if "满意度" in str(row[name_col - 1].value or "")]
    assert satisfaction, "导出的表格中没有满意度指标"
    assert any("≥95%" in str(c.value or "") for row in satisfaction for c in row[name_col:]), \
        "满意度指标值没有改为≥95%"

    _render_sheet(xlsx, screens / "export_xlsx.png", page)
    assert (screens / "export_xlsx.png").stat().st_size > 10_000


# --- the year around: a 10-row table self-evaluated in the browser, the 自评表 downloaded and read back ---

_SELF_EVAL_ROWS = [  # (一级, 二级, 三级, 指标值, 分值, 实际完成值 typed in the page)
    ("产出指标", "数量指标", "业务培训人次", "≥100人次", 10, "80人次"),
    ("产出指标", "数量指标", "宣传折页印制数量", "5000份", 10, "5000份"),
    ("产出指标", "质量指标", "培训考核合格率", "≥95%", 10, "97%"),
    ("产出指标", "时效指标", "培训完成时间", "2025年11月30日前", 10, "2025年11月20日"),
    ("产出指标", "成本指标", "项目总成本", "≤50万元", 10, "48万元"),
    ("效益指标", "社会效益指标", "业务办理差错率", "≤2%", 10, "1.5%"),
    ("效益指标", "社会效益指标", "政策知晓率", "≥90%", 10, "92%"),
    ("效益指标", "可持续影响指标", "培训成果持续应用年限", "≥1年", 10, "1年"),
    ("满意度指标", "服务对象满意度指标", "参训学员满意度", "≥90%", 5, "95%"),
    ("满意度指标", "服务对象满意度指标", "缴存职工满意度", "≥90%", 5, "93%"),
]


def test_self_evaluation_of_a_ten_row_table(app_url, page, tmp_path):
    from openpyxl import load_workbook

    from assistant.schema import Funds, Indicator, TargetTable
    from assistant.selfeval import evaluate

    table = TargetTable(project_name="业务培训及宣传经费", year=2025, funds_annual=Funds(total=50), indicators=[
        Indicator(level1=l1, level2=l2, name=name, value=value, weight=weight)
        for l1, l2, name, value, weight, _ in _SELF_EVAL_ROWS])
    source = tmp_path / "目标表.json"
    source.write_text(table.model_dump_json(exclude_computed_fields=True), encoding="utf-8")

    page.goto(app_url)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60_000)
    _idle(page)
    page.get_by_role("tab", name="自评").click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="自评表")
    uploader.locator("input[type=file]").set_input_files(str(source))
    _idle(page)
    sentence = page.get_by_placeholder("第3个实际完成98%　满意度实际96%")
    for n, row in enumerate(_SELF_EVAL_ROWS, 1):  # the actuals, one sentence each, as a preparer types them
        sentence.fill(f"第{n}个实际完成{row[5]}")
        page.get_by_role("button", name="录入").click()
        _idle(page)
    executed = page.get_by_label("全年执行数（万元）")
    executed.fill("48")
    executed.press("Enter")
    _idle(page)

    filled = table.model_copy(deep=True)
    for ind, row in zip(filled.indicators, _SELF_EVAL_ROWS):
        ind.actual = row[5]
    expected = evaluate(filled, budget=50, executed=48)
    assert (expected.rows[0].score, expected.execution.score, expected.total) == (8.0, 9.6, 97.6)  # by hand
    total = page.get_by_test_id("stMetric").filter(has_text="总分").inner_text()
    assert "97.6" in total, total

    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载自评表 .xlsx").click()
    xlsx = tmp_path / "自评表.xlsx"
    info.value.save_as(xlsx)
    ws = load_workbook(xlsx).active
    cells = {str(c.value).strip() for row in ws.iter_rows() for c in row if c.value is not None}
    assert "业务培训人次" in cells and "80人次" in cells
    scores = {}  # the numbers to the right of each indicator's name: 分值, 得分
    for values in ws.iter_rows(values_only=True):
        for name in (r[2] for r in _SELF_EVAL_ROWS):
            if name in values:
                scores[name] = [v for v in values[values.index(name) + 1:] if isinstance(v, (int, float))]
    assert 8 in scores["业务培训人次"] and 10 in scores["宣传折页印制数量"], scores
    assert any(isinstance(c.value, (int, float)) and abs(c.value - 97.6) < 1e-6 for row in ws.iter_rows() for c in row)
