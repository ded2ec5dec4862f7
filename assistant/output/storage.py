"""Saved drafts: one SQLite file in the data directory, every row owned by one browser.

The app calls ``put`` after every change, so a refresh or a restart loses nothing. Every query is
filtered by ``owner`` (a random id kept in the browser's URL), so two users of one server never see
each other's drafts. A connection is opened per call: SQLite makes that cheap, and it keeps the store
safe to share between Streamlit's session threads.

Saving cannot lose work: the state is dumped first, and text JSON cannot hold (a lone surrogate from
a broken paste) is cleaned rather than failing every later save; the write is one ``BEGIN IMMEDIATE``
transaction in WAL mode, waits for a busy lock and is retried; each row carries a version, so a
second tab that saved in between is detected (ConflictError) instead of silently overwritten.
"""
from __future__ import annotations

import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel

from assistant.chat.state import SessionState
from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.text import clean_input

DEFAULT_NAME = "未命名草稿"
MAX_NAME = 80
BUSY_SECONDS = 5.0  # how long one attempt waits for another writer's lock
RETRIES = 3  # attempts when the database stays locked (a backup, a second process)
_ID = re.compile(r"^[0-9a-f]{32}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    state_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS drafts_owner ON drafts(owner, updated_at);
"""


class StorageError(AssistantError):
    """A draft could not be read or written."""


class ConflictError(StorageError):
    """The draft was saved elsewhere (another tab) since this copy was loaded."""

    def __init__(self, message: str, version: int):
        super().__init__(message)
        self.version = version


class DraftInfo(BaseModel):
    id: str
    name: str
    updated_at: str  # ISO 8601, UTC
    version: int = 1


class Draft(DraftInfo):
    state: SessionState


def new_id() -> str:
    """A fresh owner or draft id: 128 random bits, unguessable, safe in a URL."""
    return uuid.uuid4().hex


def is_id(value: str | None) -> bool:
    return bool(value) and isinstance(value, str) and bool(_ID.match(value))


def clean_name(name: str | None) -> str:
    name = " ".join(clean_input(name, MAX_NAME * 4).split())[:MAX_NAME]
    return name or DEFAULT_NAME


def _clean(value):
    if isinstance(value, str):
        return clean_input(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def dump_state(state: SessionState) -> str:
    """The state as JSON; text JSON cannot hold is cleaned instead of failing the save (and every
    later one)."""
    try:
        return state.model_dump_json(exclude_computed_fields=True)
    except (ValueError, TypeError):  # PydanticSerializationError is a ValueError
        data = _clean(state.model_dump(mode="python", exclude_computed_fields=True))
        return SessionState.model_validate(data).model_dump_json(exclude_computed_fields=True)


class DraftStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"无法创建草稿目录 {self.path.parent}：{exc.strerror or exc}") from exc
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(drafts)")}
            if "version" not in columns:  # a store written before versions
                db.execute("ALTER TABLE drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 1")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"无法打开草稿库 {self.path.name}：{exc}") from exc
        try:
            yield db
        except sqlite3.Error as exc:
            raise StorageError(f"草稿库读写失败（{self.path.name}）：{exc}") from exc
        finally:
            db.close()

    def _write(self, work):
        """``work(db)`` in one immediate transaction, retried while another writer holds the lock."""
        for attempt in range(RETRIES):
            try:
                with self._connect() as db:
                    db.execute("BEGIN IMMEDIATE")
                    try:
                        result = work(db)
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
                    db.execute("COMMIT")
                    return result
            except StorageError as exc:
                locked = isinstance(exc.__cause__, sqlite3.OperationalError) and "locked" in str(exc.__cause__)
                if not locked or attempt == RETRIES - 1:
                    if locked:
                        raise StorageError(f"草稿库被占用，{RETRIES} 次重试后仍无法保存，请稍后再试") from exc
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def list_drafts(self, owner: str) -> list[DraftInfo]:
        """The owner's drafts, most recently changed first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, name, updated_at, version FROM drafts WHERE owner = ? ORDER BY updated_at DESC, id",
                (owner,),
            ).fetchall()
        return [DraftInfo(id=r[0], name=r[1], updated_at=r[2], version=r[3]) for r in rows]

    def save(self, owner: str, draft_id: str | None, name: str | None, state: SessionState) -> str:
        """Insert or update whatever is stored; returns the draft id (a new one when ``draft_id`` is None)."""
        return self.put(owner, draft_id, name, state)[0]

    def put(self, owner: str, draft_id: str | None, name: str | None, state: SessionState,
            expected: int | None = None) -> tuple[str, int]:
        """Insert or update; returns (id, new version). With ``expected``, the stored version must
        still be that one, else ConflictError (another tab saved meanwhile) and nothing is written."""
        state_json = dump_state(state)  # before the transaction: a failure here writes nothing
        label = clean_name(name)

        def work(db: sqlite3.Connection) -> tuple[str, int]:
            target = draft_id or new_id()
            row = db.execute("SELECT owner, version FROM drafts WHERE id = ?", (target,)).fetchone()
            if row and row[0] != owner:  # never overwrite another owner's row, whatever the id says
                target, row = new_id(), None
            if row and expected is not None and row[1] != expected:
                raise ConflictError(f"草稿“{label}”已在另一个标签页或窗口中修改（第 {row[1]} 版）", row[1])
            version = row[1] + 1 if row else 1
            now = datetime.now(timezone.utc).isoformat(timespec="microseconds")
            if row:
                db.execute("UPDATE drafts SET name = ?, state_json = ?, updated_at = ?, version = ? "
                           "WHERE id = ? AND owner = ?", (label, state_json, now, version, target, owner))
            else:
                db.execute("INSERT INTO drafts (id, owner, name, state_json, updated_at, version) "
                           "VALUES (?, ?, ?, ?, ?, ?)", (target, owner, label, state_json, now, version))
            return target, version

        return self._write(work)

    def load(self, owner: str, draft_id: str) -> Draft | None:
        """The draft, or None when it does not exist or belongs to someone else."""
        with self._connect() as db:
            row = db.execute(
                "SELECT id, name, updated_at, state_json, version FROM drafts WHERE owner = ? AND id = ?",
                (owner, draft_id),
            ).fetchone()
        if row is None:
            return None
        try:
            state = SessionState.model_validate_json(row[3])
        except ValueError as exc:
            raise StorageError(f"草稿“{row[1]}”已损坏，无法打开（{str(exc)[:80]}）") from exc
        return Draft(id=row[0], name=row[1], updated_at=row[2], version=row[4], state=state)

    def version(self, owner: str, draft_id: str) -> int | None:
        with self._connect() as db:
            row = db.execute("SELECT version FROM drafts WHERE owner = ? AND id = ?", (owner, draft_id)).fetchone()
        return row[0] if row else None

    def latest(self, owner: str) -> Draft | None:
        drafts = self.list_drafts(owner)
        return self.load(owner, drafts[0].id) if drafts else None

    def rename(self, owner: str, draft_id: str, name: str) -> bool:
        return self._write(lambda db: db.execute(
            "UPDATE drafts SET name = ?, version = version + 1 WHERE owner = ? AND id = ?",
            (clean_name(name), owner, draft_id)).rowcount > 0)

    def delete(self, owner: str, draft_id: str) -> bool:
        return self._write(lambda db: db.execute(
            "DELETE FROM drafts WHERE owner = ? AND id = ?", (owner, draft_id)).rowcount > 0)


def default_store() -> DraftStore:
    return DraftStore(get_settings().data_dir / "drafts.sqlite")
