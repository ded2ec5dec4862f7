"""Drafts: saved per owner, renamed, deleted, restored exactly (chat, table, brief)."""
from __future__ import annotations

import sqlite3

import pytest

from assistant.chat.state import Message, SessionState
from assistant.schema import ProjectBrief
from assistant.schema import Basis, Funds, Indicator, Level1, Level2, TargetTable
from assistant.output.storage import DEFAULT_NAME, DraftStore, StorageError, clean_name, is_id, new_id


def _state(name: str = "房屋租赁费", value: str = "≥95%") -> SessionState:
    table = TargetTable(
        year=2025, project_name=name, funds_annual=Funds(total=60.13),
        goals_annual=["保障办公用房需求"],
        indicators=[
            Indicator(level1=Level1.OUTPUT, level2=Level2.QUANTITY, name="租赁面积", value="1831.3平方米",
                      basis=Basis.OTHER, basis_note="合同约定", needs_input=True),
            Indicator(level1=Level1.SATISFACTION, level2=Level2.SATISFACTION, name="职工满意度", value=value),
        ],
    )
    return SessionState(
        brief=ProjectBrief(name=name, budget=60.13, year=2025, description="用于<script>租赁</script>"),
        table=table,
        history=[Message(role="user", text="帮我起草一个房屋租赁费项目"), Message(role="assistant", text="好的")],
        pending="draft",
    )


@pytest.fixture
def store(tmp_path):
    return DraftStore(tmp_path / "data" / "drafts.sqlite")


def test_save_and_load_restores_everything(store):
    state = _state()
    draft_id = store.save("alice", None, "租赁费草稿", state)
    draft = store.load("alice", draft_id)
    assert draft is not None and draft.name == "租赁费草稿"
    assert draft.state == state
    assert draft.state.table.indicators[0].needs_input
    assert draft.state.table.budget == 60.13


def test_restore_survives_a_new_store_object(tmp_path):
    """An app restart opens the same file afresh."""
    path = tmp_path / "drafts.sqlite"
    draft_id = DraftStore(path).save("alice", None, None, _state())
    draft = DraftStore(path).latest("alice")
    assert draft is not None and draft.id == draft_id and draft.name == DEFAULT_NAME


def test_save_updates_in_place(store):
    draft_id = store.save("alice", None, "a", _state(value="≥90%"))
    assert store.save("alice", draft_id, "a", _state(value="≥95%")) == draft_id
    assert len(store.list_drafts("alice")) == 1
    assert store.load("alice", draft_id).state.table.indicators[1].value == "≥95%"


def test_owners_are_isolated(store):
    a = store.save("alice", None, "甲的草稿", _state("甲"))
    b = store.save("bob", None, "乙的草稿", _state("乙"))
    assert [d.id for d in store.list_drafts("alice")] == [a]
    assert [d.id for d in store.list_drafts("bob")] == [b]
    assert store.load("bob", a) is None
    assert store.latest("carol") is None
    # another owner can neither rename, delete nor overwrite through a known id
    assert not store.rename("bob", a, "偷改")
    assert not store.delete("bob", a)
    stolen = store.save("bob", a, "覆盖", _state("乙改"))
    assert stolen != a
    assert store.load("alice", a).name == "甲的草稿"
    assert store.load("alice", a).state.brief.name == "甲"


def test_list_is_most_recent_first(store):
    first = store.save("alice", None, "第一", _state())
    second = store.save("alice", None, "第二", _state())
    assert [d.id for d in store.list_drafts("alice")] == [second, first]
    store.save("alice", first, "第一", _state())
    assert [d.id for d in store.list_drafts("alice")] == [first, second]


def test_rename_and_delete(store):
    draft_id = store.save("alice", None, "旧名", _state())
    assert store.rename("alice", draft_id, "  新名  ")
    assert store.load("alice", draft_id).name == "新名"
    assert store.rename("alice", draft_id, "   ")
    assert store.load("alice", draft_id).name == DEFAULT_NAME
    assert store.delete("alice", draft_id)
    assert store.load("alice", draft_id) is None
    assert store.list_drafts("alice") == []
    assert not store.delete("alice", draft_id)


@pytest.mark.parametrize("raw, expected", [
    (None, DEFAULT_NAME),
    ("", DEFAULT_NAME),
    ("房屋\n租赁费", "房屋 租赁费"),
    ("长" * 200, "长" * 80),
    ("<b>x</b>", "<b>x</b>"),  # stored as typed; the page escapes it
])
def test_clean_name(raw, expected):
    assert clean_name(raw) == expected


def test_ids():
    assert is_id(new_id())
    assert new_id() != new_id()
    for bad in ["", None, "abc", "../etc", "A" * 32, new_id() + "0"]:
        assert not is_id(bad)


def test_corrupt_row_is_a_chinese_error(store):
    draft_id = store.save("alice", None, "坏草稿", _state())
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE drafts SET state_json = '{not json' WHERE id = ?", (draft_id,))
    with pytest.raises(StorageError, match="坏草稿"):
        store.load("alice", draft_id)
    assert [d.name for d in store.list_drafts("alice")] == ["坏草稿"]  # still listed, still deletable
    assert store.delete("alice", draft_id)


def test_unwritable_location_is_a_chinese_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="草稿目录"):
        DraftStore(blocker / "drafts.sqlite")
