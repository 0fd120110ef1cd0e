"""Conversations that last: each user's chats, stored server-side, with every answer's citations.

A conversation is a list of turns (a question and the Answer it got, citations included), so a reload or
tomorrow's visit shows exactly what was shown. Stored in SQLite in the store folder
(`conversations.sqlite3`) behind a small repository (`ConversationRepository`); every call names the
user, and another user's conversation is "not found", never shown. Regenerating or editing the last
question replaces the last turn.

>>> repo = SqliteConversations(Path("STORE/conversations.sqlite3"))
>>> c = repo.create("alice")
>>> repo.add_turn("alice", c.id, assistant.ask("什邡市总工会建了多少家新就业形态工会？"))
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Protocol

from assistant.models import Answer, Citation, Passage
from core.errors import ConfigError
from vectorstore.sqlite import open_sqlite

FILE_NAME = "conversations.sqlite3"
TITLE_CHARS = 30  # a sidebar entry: the first question, cut to fit one line
NEW_TITLE = "新对话"

# One schema for SQLite and PostgreSQL ("user" is reserved in PostgreSQL; DOUBLE PRECISION is SQLite's REAL).
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, "user" TEXT NOT NULL, title TEXT NOT NULL, kb TEXT NOT NULL DEFAULT '',
    created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations ("user", updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
    answer TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, PRIMARY KEY (conversation, seq));
"""


class ConversationNotFound(ConfigError):
    """The conversation does not exist, or is not this user's."""


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    user: str
    title: str
    kb: str
    created: float
    updated: float


def _build(cls, data: dict):
    """A dataclass from a stored dict, ignoring keys a newer or older version wrote."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def answer_record(answer: Answer) -> dict:
    """Everything an answer showed, as JSON-able data (citations with their passages, related reading)."""
    return asdict(answer)


def answer_from_record(data: dict) -> Answer:
    citations = [_build(Citation, {**c, "also_in": tuple(c.get("also_in") or ())}) for c in data.get("citations", [])]
    related = [_build(Passage, p) for p in data.get("related", [])]
    return _build(Answer, {**data, "citations": citations, "related": related})


def title_of(question: str) -> str:
    text = " ".join(question.split())
    return (text[: TITLE_CHARS - 1] + "…" if len(text) > TITLE_CHARS else text) or NEW_TITLE


class ConversationRepository(Protocol):
    def list(self, user: str) -> list[ConversationInfo]: ...

    def create(self, user: str, kb: str = "") -> ConversationInfo: ...

    def get(self, user: str, conversation: str) -> ConversationInfo: ...

    def turns(self, user: str, conversation: str) -> list[Answer]: ...

    def add_turn(self, user: str, conversation: str, answer: Answer) -> None: ...

    def replace_last_turn(self, user: str, conversation: str, answer: Answer) -> None: ...

    def rename(self, user: str, conversation: str, title: str) -> None: ...

    def set_kb(self, user: str, conversation: str, kb: str) -> None: ...

    def delete(self, user: str, conversation: str) -> None: ...


class SqlConversations:
    """ConversationRepository over any connection that speaks sqlite3's surface (execute with `?`
    placeholders, `with db:` as a transaction): SQLite here, PostgreSQL in assistant/conversations_postgres.py.
    The SQL is one text for both (`"user"` quoted: a reserved word in PostgreSQL); safe between threads."""

    _db = None
    _lock: threading.Lock

    def _query(self, sql: str, args: tuple = ()) -> list:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def list(self, user: str) -> list[ConversationInfo]:
        rows = self._query('SELECT id, "user", title, kb, created, updated FROM conversations WHERE "user" = ? '
                           "ORDER BY updated DESC", (user,))
        return [ConversationInfo(*r) for r in rows]

    def create(self, user: str, kb: str = "") -> ConversationInfo:
        now = time.time()
        info = ConversationInfo(uuid.uuid4().hex, user, NEW_TITLE, kb, now, now)
        with self._lock, self._db:
            self._db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?)", tuple(asdict(info).values()))
        return info

    def get(self, user: str, conversation: str) -> ConversationInfo:
        rows = self._query('SELECT id, "user", title, kb, created, updated FROM conversations WHERE id = ? AND "user" = ?',
                           (conversation, user))
        if not rows:
            raise ConversationNotFound("找不到这个对话：它可能已被删除；请从左侧列表重新选择")
        return ConversationInfo(*rows[0])

    def turns(self, user: str, conversation: str) -> list[Answer]:
        self.get(user, conversation)
        rows = self._query("SELECT answer FROM turns WHERE conversation = ? ORDER BY seq", (conversation,))
        return [answer_from_record(json.loads(r[0])) for r in rows]

    def add_turn(self, user: str, conversation: str, answer: Answer) -> None:
        info = self.get(user, conversation)
        with self._lock, self._db:
            self._append(info, answer)

    def _append(self, info: ConversationInfo, answer: Answer) -> None:
        """Inside a transaction: the conversation's row is updated first, which locks it (PostgreSQL's row
        lock, SQLite's write lock), so two appends to one conversation never pick the same seq."""
        now = time.time()
        self._db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, info.id))
        (seq,) = self._db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM turns WHERE conversation = ?",
                                  (info.id,)).fetchone()
        self._db.execute("INSERT INTO turns VALUES (?, ?, ?, ?)",
                         (info.id, seq, json.dumps(answer_record(answer), ensure_ascii=False), now))
        if seq == 0 and info.title == NEW_TITLE:
            self._db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title_of(answer.question), info.id))

    def replace_last_turn(self, user: str, conversation: str, answer: Answer) -> None:
        """Regenerate or edit-and-resend: the last turn becomes this answer (added if there is none)."""
        info = self.get(user, conversation)
        with self._lock, self._db:
            self._db.execute("UPDATE conversations SET updated = updated WHERE id = ?", (conversation,))  # lock it
            self._db.execute("DELETE FROM turns WHERE conversation = ? AND seq = "
                             "(SELECT MAX(seq) FROM turns WHERE conversation = ?)", (conversation, conversation))
            self._append(info, answer)

    def rename(self, user: str, conversation: str, title: str) -> None:
        self.get(user, conversation)
        with self._lock, self._db:
            self._db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title_of(title), conversation))

    def set_kb(self, user: str, conversation: str, kb: str) -> None:
        self.get(user, conversation)
        with self._lock, self._db:
            self._db.execute("UPDATE conversations SET kb = ? WHERE id = ?", (kb, conversation))

    def delete(self, user: str, conversation: str) -> None:
        self.get(user, conversation)
        with self._lock, self._db:
            self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation,))


class SqliteConversations(SqlConversations):
    """ConversationRepository in one SQLite file (the store folder's `conversations.sqlite3`)."""

    def __init__(self, path: Path) -> None:
        self._db = open_sqlite(path, SCHEMA)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._lock = threading.Lock()


def open_conversations(store_dir: Path, catalog_url: str | None = None) -> ConversationRepository:
    """The repository beside the catalog: with a postgresql:// catalog URL (a shared deployment, every
    server sees every user's chats) in that database, else in the store folder's SQLite file."""
    if catalog_url:
        from vectorstore.catalogs import is_postgres_url

        if is_postgres_url(catalog_url):
            from assistant.conversations_postgres import PostgresConversations  # psycopg only when used

            return PostgresConversations(catalog_url)
    return SqliteConversations(Path(store_dir) / FILE_NAME)
