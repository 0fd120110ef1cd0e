"""The catalog in PostgreSQL, for shared deployments (`--catalog-url postgresql://…`): several `assistant
serve` processes and an `assistant ingest` on one deployment at once.

Same tables and SQL as the SQLite catalog (vectorstore/catalog.py runs its statements through a small
connection adapter); the differences live here:
- keyword index: the jieba tokens of each chunk, split as SQLite FTS5's unicode61 tokenizer splits them,
  stored as text (for scoring) and as a tsvector with positions under a GIN index (for matching); ranking is
  FTS5's bm25() formula (k1=1.2, b=0.75, its idf floor), so both catalogs rank alike;
- staleness of cached term statistics: a `generation` row bumped by every write transaction (SQLite has
  PRAGMA data_version);
- writers: a PostgreSQL advisory lock, one writing process per deployment; readers are never blocked.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import zlib
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from core.errors import StoreBusyError, StoreError
from core.documents import Chunk
from core.text import tokenize
from vectorstore.catalog import ADDED_COLUMNS, Catalog
from vectorstore.keyword_ranking import Listing, QueryTerm, fts_parts, fts_stream, query_terms, top_k
from vectorstore.scope import Scope

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY, content_hash TEXT, title TEXT, date TEXT, publisher TEXT, author TEXT, edition TEXT,
    text TEXT, n_chunks INTEGER, status TEXT, ingested_at DOUBLE PRECISION, pages TEXT DEFAULT '',
    fingerprint TEXT DEFAULT '', copy_of TEXT DEFAULT ''
);
CREATE TABLE IF NOT EXISTS chunks (id TEXT PRIMARY KEY, source TEXT, idx INTEGER, start INTEGER, "end" INTEGER, text TEXT);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE INDEX IF NOT EXISTS chunks_span ON chunks(source, start, "end");
CREATE TABLE IF NOT EXISTS chunks_fts (seq BIGSERIAL, id TEXT PRIMARY KEY, tokens TEXT, n_tokens INTEGER, tsv TSVECTOR);
CREATE INDEX IF NOT EXISTS chunks_fts_tsv ON chunks_fts USING GIN (tsv);
CREATE INDEX IF NOT EXISTS chunks_fts_seq ON chunks_fts(seq);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS furniture (line TEXT, source TEXT, PRIMARY KEY (line, source));
CREATE INDEX IF NOT EXISTS furniture_source ON furniture(source);
CREATE TABLE IF NOT EXISTS generation (id INTEGER PRIMARY KEY, n BIGINT);
INSERT INTO generation VALUES (1, 0) ON CONFLICT DO NOTHING;
""" + "".join(f"ALTER TABLE documents ADD COLUMN IF NOT EXISTS {column} TEXT DEFAULT '{default}';\n"
              for column, default in ADDED_COLUMNS.items()) + """
CREATE INDEX IF NOT EXISTS documents_status ON documents(status, kb);
CREATE INDEX IF NOT EXISTS documents_copy_of ON documents(copy_of);
"""
_SCHEMA_LOCK = zlib.crc32(b"union-qa-assistant:schema")  # concurrent CREATE IF NOT EXISTS can collide
_WRITER_LOCK = zlib.crc32(b"union-qa-assistant:writer")
CONNECT_TIMEOUT = 3  # seconds: an unreachable server fails fast
WRITER_WAIT = float(os.environ.get("ASSISTANT_WRITER_WAIT", "600"))  # a second writer waits this long


def masked(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _tsvector(stream: list[str]) -> str:
    """tsvector input text with positions; lexemes are letters and numbers only, so need no escaping."""
    positions: dict[str, list[int]] = {}
    for i, lexeme in enumerate(stream, 1):
        at = positions.setdefault(lexeme, [])
        if len(at) < 256:  # PostgreSQL keeps at most 256 positions per lexeme, up to 16383
            at.append(min(i, 16383))
    return " ".join(f"'{lex}':{','.join(map(str, sorted(set(at))))}" for lex, at in positions.items())


def _tsquery(phrases: list[list[str]]) -> str:
    return " | ".join("(" + " <-> ".join(f"'{p}'" for p in parts) + ")" for parts in phrases)


class _Connection:
    """The sqlite3.Connection surface the shared Catalog code uses (execute, executemany, `with db:` as a
    transaction), over one psycopg connection: `?` placeholders become `%s`, and every write transaction
    bumps the generation row so other processes drop their cached term statistics."""

    def __init__(self, conn, lock: threading.RLock) -> None:
        self._conn, self._lock = conn, lock
        self._tx: list = []

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params=()):
        with self._lock:  # results are fetched client-side at execute, so the cursor outlives the lock
            return self._conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows) -> None:
        rows = list(rows)
        if rows:
            with self._lock, self._conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)

    def __enter__(self):
        self._lock.acquire()
        tx = self._conn.transaction()
        tx.__enter__()
        self._tx.append(tx)
        self._conn.execute("UPDATE generation SET n = n + 1 WHERE id = 1")
        return self

    def __exit__(self, *exc) -> bool:
        try:
            return bool(self._tx.pop().__exit__(*exc))
        finally:
            self._lock.release()

    def close(self) -> None:
        self._conn.close()


def connect(url: str):
    """A psycopg connection (autocommit: reads see every committed write); one clear error otherwise."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                               application_name=f"assistant {os.getpid()}")
    except psycopg.ProgrammingError as exc:  # a malformed URL
        log.info("catalog url %s: %r", masked(url), exc)
        raise StoreError(f"--catalog-url {masked(url)} 的格式不对：应为 postgresql://USER@HOST:PORT/DATABASE，"
                         "例如 postgresql://app@127.0.0.1:5432/assistant") from exc
    except psycopg.Error as exc:
        log.info("catalog server %s: %r", masked(url), exc)
        raise StoreError(f"连不上 PostgreSQL 目录数据库 {masked(url)}；请确认 PostgreSQL 已启动、主机端口、用户和数据库名"
                         "都正确（数据库要先用 createdb 建好），或去掉 --catalog-url / ASSISTANT_CATALOG_URL 改用本地目录") from exc


def catalog_exists(url: str) -> bool:
    """Whether the database holds a catalog (a typo in the URL must not create an empty store)."""
    with contextlib.closing(connect(url)) as conn:
        return conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]


class PostgresCatalog(Catalog):
    def __init__(self, url: str) -> None:  # noqa: super().__init__ opens SQLite; this opens PostgreSQL
        self.path = masked(url)
        self.url = url
        self._lock = threading.RLock()
        self._df: dict[str, int] = {}
        self._ready_chunks: int | None = None
        self._totals: tuple[int, int] | None = None  # (keyword rows, their tokens), for bm25's avgdl
        self._postings = None  # rows are listed by full-text search here (keyword_search below)
        self._version = -1
        conn = connect(url)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            conn.execute(_SCHEMA)
        self._db = _Connection(conn, self._lock)
        self._writers = 0
        self._writer_conn = None

    @property
    def location(self) -> str:
        return self.path

    # -- one writer per deployment --
    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """A session advisory lock on its own connection, held for the block (re-entrant in the process):
        ingest, sync, remove and doctor --repair write one at a time; readers never wait for it."""
        with self._lock:
            if self._writers == 0:
                self._writer_conn = self._acquire_writer()
            self._writers += 1
        try:
            yield
        finally:
            with self._lock:
                self._writers -= 1
                if self._writers == 0:
                    self._writer_conn.close()  # closing the session releases its advisory lock
                    self._writer_conn = None

    def _acquire_writer(self):
        conn = connect(self.url)
        deadline, said = time.monotonic() + WRITER_WAIT, False
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", (_WRITER_LOCK,)).fetchone()[0]:
            if time.monotonic() > deadline:
                conn.close()
                raise StoreBusyError(f"目录数据库 {self.path} 一直有别的进程在写入（导入、同步或修复）；"
                                     "请等它结束后再运行")
            if not said:
                log.warning("another process writes to %s; waiting for it to finish", self.path)
                said = True
            time.sleep(0.5)
        return conn

    # -- staleness: the generation row --
    def _drop_stale_stats(self) -> None:
        version = self._db.execute("SELECT n FROM generation WHERE id = 1").fetchone()[0]
        if version != self._version:
            self._version = version
            self._forget_stats()

    def _forget_stats(self) -> None:
        super()._forget_stats()
        self._totals = None

    # -- keyword index --
    def _insert_keywords(self, chunks: list[Chunk]) -> None:
        rows = []
        for c in chunks:
            stream = fts_stream(" ".join(tokenize(c.embedding_text())))
            rows.append((c.id, " ".join(stream), len(stream), _tsvector(stream)))
        self._db.executemany("INSERT INTO chunks_fts (id, tokens, n_tokens, tsv) VALUES (?, ?, ?, ?::tsvector)", rows)

    def _delete_keywords(self, source: str) -> None:
        self._db.execute("DELETE FROM chunks_fts WHERE id IN (SELECT id FROM chunks WHERE source = ?)", (source,))

    def doc_freq(self, token: str) -> int:
        """How many keyword rows hold the token as FTS5 counts a phrase (kept until the store changes)."""
        with self._lock:  # the statistics are shared by the server's threads
            self._drop_stale_stats()
            if token not in self._df:
                parts = fts_parts(token)
                self._df[token] = self._db.execute(
                    "SELECT COUNT(*) FROM chunks_fts WHERE tsv @@ ?::tsquery", (_tsquery([parts]),)
                ).fetchone()[0] if parts else 0
            return self._df[token]

    def _row_totals(self) -> tuple[int, int]:
        with self._lock:
            self._drop_stale_stats()
            if self._totals is None:
                n, tokens = self._db.execute("SELECT COUNT(*), coalesce(sum(n_tokens), 0) FROM chunks_fts").fetchone()
                self._totals = (int(n), int(tokens))
            return self._totals

    def keyword_search(self, query: str, k: int = 20, scope: Scope = Scope()) -> list[tuple[str, float]]:
        """(chunk id, FTS5-style BM25 score, higher is better) for chunks sharing any query token, ranked as
        the SQLite catalog ranks them (vectorstore/keyword_ranking.py)."""
        rows, tokens = self._row_totals()
        terms = query_terms(tokenize(query), self.doc_freq, rows)
        if not terms or not rows:
            return []
        where, params = scope.sql("d")
        sql = ("SELECT f.seq FROM chunks_fts f JOIN chunks c ON c.id = f.id JOIN documents d "
               "ON d.source = c.source WHERE f.tsv @@ ?::tsquery AND d.status = 'ready'" + where)

        def postings(term: QueryTerm) -> Listing:
            found = self._db.execute(sql, [_tsquery([term.parts]), *params]).fetchall()
            return Listing(np.array([seq for seq, in found], np.int64))

        def read(keys: list[int]):
            found = self._db.execute("SELECT seq, id, tokens FROM chunks_fts WHERE seq = ANY(?)", [keys]).fetchall()
            return [(seq, cid, text.split(" ") if text else []) for seq, cid, text in found]

        return top_k(terms, k, tokens / rows, postings, read)

    def token_streams(self, ids: list[str]) -> dict[str, list[str]]:
        found = self._db.execute("SELECT id, tokens FROM chunks_fts WHERE id = ANY(?)", [ids]).fetchall()
        return {cid: text.split(" ") if text else [] for cid, text in found}

    # -- health --
    def integrity_ok(self) -> bool:
        """PostgreSQL checks its own pages; here: the server answers and the catalog's tables are there."""
        try:
            return all(self._db.execute(f"SELECT to_regclass('{t}') IS NOT NULL").fetchone()[0]
                       for t in ("documents", "chunks", "chunks_fts", "generation"))
        except Exception:  # noqa: BLE001 - a lost connection reads as a failed check, reported by doctor
            log.warning("catalog %s: health check failed", self.path, exc_info=True)
            return False

    def close(self) -> None:
        self._db.close()


__all__ = ["PostgresCatalog", "catalog_exists", "connect", "masked"]
