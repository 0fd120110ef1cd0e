"""Conversations in PostgreSQL, beside a shared deployment's catalog (`--catalog-url postgresql://…`): every
`assistant serve` process of the deployment sees the same chats.

The repository's methods and SQL are assistant/conversations.py's SqlConversations; only the connection
differs: `?` placeholders become `%s`, and `with db:` is a psycopg transaction on an autocommit
connection (reads see every committed write of the other servers). Unlike the catalog's connection, a
conversation write does not bump the catalog's `generation` row, so chats never drop the cached term
statistics of the deployment's searches.
"""

from __future__ import annotations

import threading
import zlib

from assistant.conversations import SCHEMA, SqlConversations
from vectorstore.catalog_postgres import connect, masked

_SCHEMA_LOCK = zlib.crc32(b"union-qa-assistant:conversations-schema")  # servers starting at once


class _Connection:
    """The part of sqlite3.Connection SqlConversations uses, over one psycopg connection; a connection
    the server dropped (a restart) is opened again on the next call."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn = connect(url)
        self._tx: list = []

    def _live(self):
        if self._conn.closed or self._conn.broken:
            self._conn = connect(self.url)
        return self._conn

    def execute(self, sql: str, args: tuple = ()):
        conn = self._conn if self._tx else self._live()  # inside a transaction: never silently reconnect
        return conn.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(args) or None)  # None: several statements

    def __enter__(self):
        tx = self._live().transaction()
        tx.__enter__()
        self._tx.append(tx)
        return self

    def __exit__(self, *exc) -> bool:
        return bool(self._tx.pop().__exit__(*exc))

    def close(self) -> None:
        self._conn.close()


class PostgresConversations(SqlConversations):
    """ConversationRepository in a PostgreSQL database (the catalog's): tables `conversations` and `turns`."""

    def __init__(self, url: str) -> None:
        self.location = masked(url)
        self._db = _Connection(url)
        self._lock = threading.Lock()  # one connection: a transaction is never interleaved with another thread's
        with self._db:
            self._db.execute("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))
            self._db.execute(SCHEMA)

    def close(self) -> None:
        self._db.close()


__all__ = ["PostgresConversations"]
