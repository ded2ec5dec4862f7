"""The 自评 tab, driven by streamlit.testing.v1.AppTest (AppTest cannot type into st.data_editor, so the
table with its actuals is put into session state, as tests/ui/test_app.py does for the draft grid)."""
from __future__ import annotations

import pytest
import streamlit
from streamlit.testing.v1 import AppTest
from selfeval_tables import ALL_MET, ten_rows

from app_env import REPO, prepared_data_dir

pytestmark = pytest.mark.integration  # the whole page, with its precedent index

APP = str(REPO / "assistant" / "ui" / "app.py")


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch):
    from assistant.config import get_settings

    data = prepared_data_dir(tmp_path_factory.mktemp("selfeval_app"))
    monkeypatch.setenv("JX_DATA_DIR", str(data))
    get_settings.cache_clear()
    streamlit.cache_resource.clear()
    yield data
    get_settings.cache_clear()
    streamlit.cache_resource.clear()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_selfeval_tab_scores_and_offers_downloads(data_dir):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.session_state["main_tabs"] = "自评"  # only the open tab is drawn
    at.run()
    assert not at.exception
    assert any("请先在“起草”中打开一份草稿" in i.value for i in at.info)
    at.session_state["se_table"] = ten_rows(**{**ALL_MET, "热线接通率": "90%"})
    at.session_state["se_budget"] = 48.0
    at.session_state["se_executed"] = 45.6
    at.run()
    assert not at.exception, at.exception
    assert metric(at, "总分") == "99.08 / 100" and metric(at, "预算执行率") == "95%"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载自评表 .xlsx", "下载自评表 .docx"]
    assert any("热线接通率" in w.value and "偏差原因" in w.value for w in at.warning)

    # one sentence enters an actual; a bad one is refused in Chinese and nothing is lost
    at.text_input(key="se_sentence").set_value("第3个实际完成97%")
    at.button[[b.proto.label for b in at.button].index("录入")].click().run()
    assert not at.exception and at.session_state["se_table"].indicators[2].actual == "97%"
    assert metric(at, "总分") == "99.5 / 100"
    at.text_input(key="se_sentence").set_value("第12个实际完成97%")
    at.button[[b.proto.label for b in at.button].index("录入")].click().run()
    assert any("只有 10 行" in e.value for e in at.error)
    assert at.session_state["se_table"].indicators[2].actual == "97%"


def test_bad_amounts_are_shown_and_rollover_opens_next_year(data_dir):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.session_state["main_tabs"] = "自评"
    at.session_state["se_table"] = ten_rows(**ALL_MET)
    at.session_state["se_budget"] = 48.0
    at.session_state["se_executed"] = 50.0
    at.run()
    assert not at.exception
    assert any("大于全年预算数" in e.value for e in at.error)
    at.button(key="se_rollover").click().run()
    assert not at.exception, at.exception
    table = at.session_state["state"].table
    assert table.year == 2026 and table.indicators[4].value == "2026年3月31日前"
