"""Saved drafts: one SQLite file in the data directory, every row owned by one browser.

The app calls ``save`` after every change, so a refresh or a restart loses nothing. Every query is
filtered by ``owner`` (a random id kept in the browser's URL), so two users of one server never see
each other's drafts. A connection is opened per call: SQLite makes that cheap, and it keeps the store
safe to share between Streamlit's session threads.
"""
from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel

from assistant.chat.state import SessionState
from assistant.config import get_settings
from assistant.errors import AssistantError

DEFAULT_NAME = "未命名草稿"
MAX_NAME = 80
_ID = re.compile(r"^[0-9a-f]{32}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    state_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drafts_owner ON drafts(owner, updated_at);
"""


class StorageError(AssistantError):
    """A draft could not be read or written."""


class DraftInfo(BaseModel):
    id: str
    name: str
    updated_at: str  # ISO 8601, UTC


class Draft(DraftInfo):
    state: SessionState


def new_id() -> str:
    """A fresh owner or draft id: 128 random bits, unguessable, safe in a URL."""
    return uuid.uuid4().hex


def is_id(value: str | None) -> bool:
    return bool(value) and bool(_ID.match(value))


def clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())[:MAX_NAME]
    return name or DEFAULT_NAME


class DraftStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"无法创建草稿目录 {self.path.parent}：{exc.strerror or exc}") from exc
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error as exc:
            raise StorageError(f"无法打开草稿库 {self.path.name}：{exc}") from exc
        try:
            with db:  # commits on success, rolls back on error
                yield db
        except sqlite3.Error as exc:
            raise StorageError(f"草稿库读写失败（{self.path.name}）：{exc}") from exc
        finally:
            db.close()

    def list_drafts(self, owner: str) -> list[DraftInfo]:
        """The owner's drafts, most recently changed first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, name, updated_at FROM drafts WHERE owner = ? ORDER BY updated_at DESC, id",
                (owner,),
            ).fetchall()
        return [DraftInfo(id=r[0], name=r[1], updated_at=r[2]) for r in rows]

    def save(self, owner: str, draft_id: str | None, name: str | None, state: SessionState) -> str:
        """Insert or update; returns the draft id (a new one when ``draft_id`` is None)."""
        draft_id = draft_id or new_id()
        now = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        with self._connect() as db:
            taken = db.execute("SELECT owner FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            if taken and taken[0] != owner:  # never overwrite another owner's row, whatever the id says
                draft_id = new_id()
            db.execute(
                "INSERT INTO drafts (id, owner, name, state_json, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, state_json = excluded.state_json, "
                "updated_at = excluded.updated_at WHERE drafts.owner = excluded.owner",
                (draft_id, owner, clean_name(name), state.model_dump_json(exclude_computed_fields=True), now),
            )
        return draft_id

    def load(self, owner: str, draft_id: str) -> Draft | None:
        """The draft, or None when it does not exist or belongs to someone else."""
        with self._connect() as db:
            row = db.execute(
                "SELECT id, name, updated_at, state_json FROM drafts WHERE owner = ? AND id = ?",
                (owner, draft_id),
            ).fetchone()
        if row is None:
            return None
        try:
            state = SessionState.model_validate_json(row[3])
        except ValueError as exc:
            raise StorageError(f"草稿“{row[1]}”已损坏，无法打开（{str(exc)[:80]}）") from exc
        return Draft(id=row[0], name=row[1], updated_at=row[2], state=state)

    def latest(self, owner: str) -> Draft | None:
        drafts = self.list_drafts(owner)
        return self.load(owner, drafts[0].id) if drafts else None

    def rename(self, owner: str, draft_id: str, name: str) -> bool:
        with self._connect() as db:
            cur = db.execute("UPDATE drafts SET name = ? WHERE owner = ? AND id = ?",
                             (clean_name(name), owner, draft_id))
        return cur.rowcount > 0

    def delete(self, owner: str, draft_id: str) -> bool:
        with self._connect() as db:
            cur = db.execute("DELETE FROM drafts WHERE owner = ? AND id = ?", (owner, draft_id))
        return cur.rowcount > 0


def default_store() -> DraftStore:
    return DraftStore(get_settings().data_dir / "drafts.sqlite")
