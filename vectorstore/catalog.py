"""The catalog beside Chroma: documents, chunks and a jieba BM25 keyword index in one SQLite file.

The catalog is the source of truth for what the store holds: a document counts only once its
row reads status='ready', which is written in the same transaction as its chunks. Chroma is
written before that commit, so a crash leaves at most orphan vectors that a rerun overwrites
(ids are content hashes) or deletes.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.documents import DEFAULT_KB, Chunk, Document
from core.text import TermStats, tokenize
from vectorstore.fts5_postings import Fts5Postings, varint
from vectorstore.keyword_ranking import POSTINGS_BUDGET, Listing, QueryTerm, fts_stream, query_terms, top_k
from vectorstore.scope import Scope
from vectorstore.sqlite import open_sqlite

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY, content_hash TEXT, title TEXT, date TEXT, publisher TEXT,
    author TEXT, edition TEXT, text TEXT, n_chunks INTEGER, status TEXT, ingested_at REAL, pages TEXT DEFAULT ''
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, source TEXT, idx INTEGER, start INTEGER, "end" INTEGER, text TEXT
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE INDEX IF NOT EXISTS chunks_span ON chunks(source, start, "end");
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(tokens, id UNINDEXED, tokenize='unicode61');
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS furniture (line TEXT, source TEXT, PRIMARY KEY (line, source));
-- a document's furniture lines are replaced at each write: without it every write scanned them all
CREATE INDEX IF NOT EXISTS furniture_source ON furniture(source);
"""
# Columns added after the first release, each by ALTER TABLE (with its default) when a store lacks it.
ADDED_COLUMNS = {"pages": "", "fingerprint": "", "copy_of": "", "kb": DEFAULT_KB}
# Made after the columns exist: a question checks "is anything ready" and searches within knowledge bases.
_INDEXES = """
CREATE INDEX IF NOT EXISTS documents_status ON documents(status, kb);
CREATE INDEX IF NOT EXISTS documents_copy_of ON documents(copy_of);
"""
KEYWORD_ROWS = "fts-stream"  # the settings value of a store whose keyword rows are all FTS5 token streams
_ROW = "source, content_hash, title, date, publisher, author, edition, n_chunks, status, copy_of, kb"


@dataclass(frozen=True)
class ChunkRow:
    """A stored chunk of a ready document; start/end index into its document's cleaned text."""

    id: str
    source: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DocumentRow:
    source: str
    content_hash: str
    title: str
    date: str
    publisher: str
    author: str
    edition: str
    n_chunks: int
    status: str
    copy_of: str = ""  # a republished copy: its canonical document's source (see core/copies.py); "" otherwise
    kb: str = DEFAULT_KB  # its knowledge base


def _phrase(token: str) -> str:
    return '"' + token.replace('"', "") + '"'


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        # Term statistics, kept between questions: the chunk count and each token's chunk frequency. They are
        # dropped on this process's writes and when PRAGMA data_version says another process committed.
        self._df: dict[str, int] = {}
        self._ready_chunks: int | None = None
        self._unready: frozenset[str] | None = None
        self._unready_rows: frozenset[int] | None = None
        self._version = -1
        self._postings: Fts5Postings | None = None
        self._db = open_sqlite(path, _SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        for column, default in ADDED_COLUMNS.items():  # a store made before the column (fingerprints are
            if column not in columns:                     # then backfilled from the text)
                with self._lock, self._db:
                    self._db.execute(f"ALTER TABLE documents ADD COLUMN {column} TEXT DEFAULT '{default}'")
        with self._lock, self._db:
            self._db.executescript(_INDEXES)
        if "fts_rowid" not in {row[1] for row in self._db.execute("PRAGMA table_info(chunks)")}:
            self._link_keyword_rows()
        # Keyword rows are written as FTS5's own token stream (runs of letters and digits, lower-cased), so a
        # search splits a row on spaces instead of tokenizing it again (a quarter of the cost). A store with
        # older rows (jieba tokens as they came) keeps the regex for all of them.
        if self._db.execute("SELECT 1 FROM chunks_fts LIMIT 1").fetchone() is None:
            self.set_setting("keyword_rows", KEYWORD_ROWS)
        self._split_rows = self.get_setting("keyword_rows") == KEYWORD_ROWS
        self._split = (lambda text: text.split(" ") if text else []) if self._split_rows else fts_stream
        self._postings = Fts5Postings(self._db, self._lock)

    def _link_keyword_rows(self) -> None:
        """A store made before chunks knew their keyword row: link them once (one pass over the index)."""
        with self._lock, self._db:
            self._db.execute("ALTER TABLE chunks ADD COLUMN fts_rowid INTEGER")
            self._db.execute("CREATE TEMP TABLE keyword_rows AS SELECT id, rowid AS r FROM chunks_fts")
            self._db.execute("CREATE INDEX temp.keyword_rows_id ON keyword_rows(id)")
            self._db.execute("UPDATE chunks SET fts_rowid = (SELECT r FROM keyword_rows k WHERE k.id = chunks.id)")
            self._db.execute("DROP TABLE temp.keyword_rows")

    def writer_lock(self) -> contextlib.AbstractContextManager:
        """One writing process at a time: SQLite serialises its own writers and the embedded Chroma beside
        it has the store's file lock (vectorstore/lock.py), so nothing more here; see PostgresCatalog."""
        return contextlib.nullcontext()

    @property
    def location(self) -> str:
        """Where the catalog lives, as the user reads it in messages."""
        return str(self.path)

    # -- settings (e.g. the embedder the store was built with) --
    def get_setting(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             (key, value))

    # -- documents --
    def document(self, source: str) -> DocumentRow | None:
        row = self._db.execute(
            f"SELECT {_ROW} FROM documents WHERE source = ?",
            (source,),
        ).fetchone()
        return DocumentRow(*row) if row else None

    def documents(self, status: str | None = "ready") -> list[DocumentRow]:
        sql = f"SELECT {_ROW} FROM documents"
        rows = self._db.execute(sql + (" WHERE status = ?" if status else "") + " ORDER BY source",
                                (status,) if status else ())
        return [DocumentRow(*r) for r in rows]

    def count_documents(self, status: str = "ready") -> int:
        return self._db.execute("SELECT COUNT(*) FROM documents WHERE status = ?", (status,)).fetchone()[0]

    def has_documents(self, kbs: tuple[str, ...] = ()) -> bool:
        """Whether any document (of these knowledge bases) is ready: one index probe, asked every question."""
        where, params = Scope(kbs=kbs).sql("documents")
        return self._db.execute(f"SELECT 1 FROM documents WHERE status = 'ready'{where} LIMIT 1",
                                params).fetchone() is not None

    def knowledge_bases(self) -> list[tuple[str, int, int]]:
        """(name, ready documents, their chunks) of each knowledge base, by name."""
        return [tuple(r) for r in self._db.execute(
            "SELECT kb, COUNT(*), coalesce(sum(n_chunks), 0) FROM documents WHERE status = 'ready' GROUP BY kb ORDER BY kb != ?, kb", (DEFAULT_KB,))]

    def canonical_sources(self, sources: tuple[str, ...]) -> tuple[str, ...]:
        """The documents that answer for these: a republished copy is searched through its canonical one."""
        out = []
        for i in range(0, len(sources), 500):
            part = sources[i : i + 500]
            out += [r[0] for r in self._db.execute(
                f"SELECT CASE WHEN copy_of != '' THEN copy_of ELSE source END FROM documents "
                f"WHERE source IN ({','.join('?' * len(part))})", part)]
        return tuple(dict.fromkeys(out))

    def scoped_sources(self, scope: Scope) -> list[str]:
        """The ready documents a scope lets through (for a Chroma whose vectors predate scope metadata)."""
        where, params = scope.sql("documents")
        return [r[0] for r in self._db.execute(f"SELECT source FROM documents WHERE status = 'ready'{where}", params)]

    def document_text(self, source: str) -> str | None:
        row = self._db.execute("SELECT text FROM documents WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def document_pages(self, source: str) -> tuple[int, ...]:
        """Where each page of a paged document starts in its text; () for an unpaged one."""
        row = self._db.execute("SELECT pages FROM documents WHERE source = ?", (source,)).fetchone()
        return tuple(int(x) for x in row[0].split(",")) if row and row[0] else ()

    def mark_pending(self, docs: list[Document]) -> None:
        """Before their vectors are written: the documents stop being served until committed."""
        with self._lock, self._db:
            self._forget_stats()
            self._db.executemany(
                "INSERT INTO documents (source, content_hash, status, ingested_at) VALUES (?, ?, 'pending', ?) "
                "ON CONFLICT(source) DO UPDATE SET status = 'pending'",
                [(doc.source, doc.content_hash, time.time()) for doc in docs],
            )

    def commit_document(self, doc: Document, chunks: list[Chunk], furniture: frozenset[str] = frozenset(),
                        copy_of: str = "") -> None:
        """Replace the document's chunks, keyword rows and furniture lines and mark it ready, atomically.
        copy_of: the canonical document of a republished copy, which is stored without chunks."""
        with self._lock, self._db:
            self._delete_chunks(doc.source)
            self._db.executemany("INSERT INTO furniture VALUES (?, ?)", [(line, doc.source) for line in furniture])
            self._db.executemany(
                'INSERT INTO chunks (id, source, idx, start, "end", text) VALUES (?, ?, ?, ?, ?, ?)',
                [(c.id, c.source, c.index, c.start, c.end, c.text) for c in chunks],
            )
            self._insert_keywords(chunks)
            m = doc.metadata()
            self._db.execute(
                # an upsert both dialects speak; ingested_at keeps the first ingest's time
                "INSERT INTO documents (source, content_hash, title, date, publisher, author, edition, "
                "text, n_chunks, status, ingested_at, pages, fingerprint, copy_of, kb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "'ready', ?, ?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET " + ", ".join(
                    f"{c} = excluded.{c}" for c in ("content_hash", "title", "date", "publisher", "author", "edition",
                                                    "text", "n_chunks", "status", "pages", "fingerprint", "copy_of",
                                                    "kb")),
                (doc.source, doc.content_hash, m["title"], m["date"], m["publisher"], m["author"], m["edition"],
                 doc.text, len(chunks), time.time(), ",".join(map(str, doc.pages)), doc.fingerprint, copy_of, doc.kb),
            )

    def mark_removing(self, source: str) -> None:
        """Before a document's vectors are deleted: it stops being served, and a kill is repaired later."""
        with self._lock, self._db:
            self._forget_stats()
            self._db.execute("UPDATE documents SET status = 'removing' WHERE source = ?", (source,))

    # -- republished copies (core/copies.py decides the groups, assistant/copies.py applies them) --
    def members(self) -> list[tuple[str, str, str, float, str, str]]:
        """(source, fingerprint, date, first ingested, copy_of, kb) of every ready document."""
        return self._db.execute("SELECT source, fingerprint, date, ingested_at, copy_of, kb FROM documents "
                                "WHERE status = 'ready' ORDER BY source").fetchall()

    def set_fingerprint(self, source: str, fingerprint: str) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE documents SET fingerprint = ? WHERE source = ?", (fingerprint, source))

    def set_copy_of(self, source: str, canonical: str) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE documents SET copy_of = ? WHERE source = ?", (canonical, source))

    def demote(self, source: str, canonical: str) -> set[str]:
        """A served document becomes a copy of `canonical`: its chunks and keyword rows go in one transaction
        (it stops being served at the commit); returns the chunk ids whose vectors the caller deletes."""
        with self._lock, self._db:
            self._forget_stats()
            ids = {r[0] for r in self._db.execute("SELECT id FROM chunks WHERE source = ?", (source,))}
            self._delete_keywords(source)
            self._db.execute("DELETE FROM chunks WHERE source = ?", (source,))
            self._db.execute("UPDATE documents SET copy_of = ?, n_chunks = 0 WHERE source = ?", (canonical, source))
        return ids

    def copies(self, canonical: str) -> list[DocumentRow]:
        """The ready copies of a document, in canonical order (core/copies.py canonical_key)."""
        rows = self._db.execute(f"SELECT {_ROW} FROM documents WHERE copy_of = ? AND status = 'ready' "
                                "ORDER BY date = '', date, ingested_at, source", (canonical,))
        return [DocumentRow(*r) for r in rows]

    def count_copies(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM documents WHERE status = 'ready' AND copy_of != ''").fetchone()[0]

    def _insert_keywords(self, chunks: list[Chunk]) -> None:
        """The chunks' keyword rows: jieba tokens of what gets embedded (title and date header included).
        Each chunk keeps its row's rowid: the index's id column is not indexed, so replacing a document
        deletes its rows by rowid instead of scanning the whole index (which made ingest quadratic)."""
        top = self._db.execute("SELECT rowid FROM chunks_fts ORDER BY rowid DESC LIMIT 1").fetchone()
        rows = [((top[0] if top else 0) + 1 + i, " ".join(fts_stream(" ".join(tokenize(c.embedding_text())))), c.id)
                for i, c in enumerate(chunks)]
        self._db.executemany("INSERT INTO chunks_fts (rowid, tokens, id) VALUES (?, ?, ?)", rows)
        self._db.executemany("UPDATE chunks SET fts_rowid = ? WHERE id = ?", [(r, cid) for r, _, cid in rows])

    def _delete_keywords(self, source: str) -> None:
        # by rowid, and only rows that are this document's chunks' own
        self._db.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT fts_rowid FROM chunks WHERE source = ?) "
                         "AND id IN (SELECT id FROM chunks WHERE source = ?)", (source, source))

    def remove_document(self, source: str) -> None:
        with self._lock, self._db:
            self._delete_chunks(source)
            self._db.execute("DELETE FROM documents WHERE source = ?", (source,))

    def _delete_chunks(self, source: str) -> None:
        self._forget_stats()
        self._db.execute("DELETE FROM furniture WHERE source = ?", (source,))
        self._delete_keywords(source)
        self._db.execute("DELETE FROM chunks WHERE source = ?", (source,))

    def furniture_of(self, source: str) -> frozenset[str]:
        return frozenset(r[0] for r in self._db.execute("SELECT line FROM furniture WHERE source = ?", (source,)))

    def furniture_counts(self, lines: set[str], exclude: set[str]) -> dict[str, int]:
        """For each line, how many stored documents (other than `exclude`) have it as a furniture candidate."""
        out: dict[str, int] = {}
        wanted = sorted(lines)
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            rows = self._db.execute(
                f"SELECT line, source FROM furniture WHERE line IN ({','.join('?' * len(part))})", part)
            for line, source in rows:
                if source not in exclude:
                    out[line] = out.get(line, 0) + 1
        return out

    # -- chunks --
    def chunk_ids(self, source: str | None = None) -> set[str]:
        if source is None:
            return {r[0] for r in self._db.execute("SELECT id FROM chunks")}
        return {r[0] for r in self._db.execute("SELECT id FROM chunks WHERE source = ?", (source,))}

    def chunks(self, ids: list[str]) -> dict[str, ChunkRow]:
        """id → chunk, for the ids of ready documents."""
        out = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            # EXISTS, not a JOIN: given a list of ids, SQLite's planner walked every ready document instead
            # of looking the ids up (2 ms at 1k chunks, growing with the store)
            rows = self._db.execute(
                f'SELECT c.id, c.source, c.idx, c.start, c."end", c.text FROM chunks c WHERE c.id IN '
                f'({",".join("?" * len(part))}) AND EXISTS (SELECT 1 FROM documents d WHERE d.source = c.source '
                "AND d.status = 'ready')", part,
            )
            out.update((r[0], ChunkRow(*r)) for r in rows)
        return out

    def warm_keyword_listings(self, background: bool = True) -> int:
        """Read the most frequent terms' listings ahead (vectorstore/fts5_postings.py); the rows read now."""
        if self._postings is None:
            return 0
        self._drop_stale_stats()  # else the first question, finding the store's version unread, drops them
        return self._postings.warm(background=background)

    def token_streams(self, ids: list[str]) -> dict[str, list[str]]:
        """id → the token stream its keyword row holds (jieba's tokens of its title/date header and text, cut
        once at ingest): a reranker reads them instead of cutting every candidate again per question."""
        out = {}
        with self._lock:
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                rows = self._db.execute("SELECT c.id, f.tokens FROM chunks c JOIN chunks_fts f ON f.rowid = c.fts_rowid "
                                        f"WHERE c.id IN ({','.join('?' * len(part))})", part)
                out.update((cid, self._split(tokens)) for cid, tokens in rows)
        return out

    def sources_naming(self, sources: list[str], names: list[str]) -> set[str]:
        """Those of the sources whose title or text holds every one of the names (matched in SQL: the texts
        are not read out)."""
        if not names:
            return set(sources)
        holds = " AND ".join(["(title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')"] * len(names))
        patterns = [f"%{_like_escaped(n)}%" for n in names for _ in (0, 1)]
        out: set[str] = set()
        with self._lock:
            for i in range(0, len(sources), 500):
                part = sources[i : i + 500]
                out.update(r[0] for r in self._db.execute(
                    f"SELECT source FROM documents WHERE source IN ({','.join('?' * len(part))}) AND {holds}",
                    [*part, *patterns]))
        return out

    def chunk_at(self, source: str, start: int, end: int) -> ChunkRow | None:
        """The first chunk of a ready document that covers [start, end)."""
        row = self._db.execute(
            'SELECT c.id, c.source, c.idx, c.start, c."end", c.text FROM chunks c JOIN documents d ON d.source = c.source '
            "WHERE c.source = ? AND d.status = 'ready' AND c.start <= ? AND c.\"end\" >= ? ORDER BY c.idx LIMIT 1",
            (source, start, end),
        ).fetchone()
        return ChunkRow(*row) if row else None

    def document_length(self, source: str) -> int:
        """Where the document's last chunk ends, read from the span index (no text column)."""
        row = self._db.execute('SELECT max("end") FROM chunks WHERE source = ?', (source,)).fetchone()
        return row[0] or 0

    def chunks_in(self, source: str, spans: list[tuple[int, int]]) -> list[ChunkRow]:
        """The chunks overlapping any of the spans, in document order: a long document is read where a
        question needs it, through the span index, never whole (each span: two index range look-ups)."""
        found: dict[str, ChunkRow] = {}
        for a, b in _merged(spans):
            rows = self._db.execute(
                'SELECT id, source, idx, start, "end", text FROM chunks WHERE source = ? AND start < ? AND '
                "start >= coalesce((SELECT max(start) FROM chunks WHERE source = ? AND start <= ?), 0) "
                'AND "end" > ?', (source, b, source, a, a))
            found.update((r[0], ChunkRow(*r)) for r in rows)
        return sorted(found.values(), key=lambda c: c.start)

    def count_chunks(self) -> int:
        """Chunks of ready documents (kept until the store changes)."""
        with self._lock:  # the connection and the statistics are shared by the server's threads
            self._drop_stale_stats()
            if self._ready_chunks is None:
                self._ready_chunks = self._db.execute(
                    "SELECT COUNT(*) FROM chunks JOIN documents USING (source) WHERE status = 'ready'").fetchone()[0]
            return self._ready_chunks

    def _drop_stale_stats(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._version = version
                self._forget_stats()

    def _forget_stats(self) -> None:
        self._df.clear()
        self._ready_chunks = None
        self._unready = None
        self._unready_rows = None
        if self._postings is not None:
            self._postings.forget()

    def unready_chunk_ids(self) -> frozenset[str]:
        """Chunks of documents being written or removed: indexed, not served. Usually none; kept until the
        store changes, so an unfiltered search checks readiness without joining every row it reads."""
        with self._lock:
            self._drop_stale_stats()
            if self._unready is None:
                self._unready = frozenset(r[0] for r in self._db.execute(
                    "SELECT id FROM chunks WHERE source IN (SELECT source FROM documents WHERE status != 'ready')"))
            return self._unready

    def _unready_keyword_rows(self) -> frozenset[int]:
        with self._lock:
            self._drop_stale_stats()
            if self._unready_rows is None:
                self._unready_rows = frozenset(r[0] for r in self._db.execute(
                    "SELECT fts_rowid FROM chunks WHERE fts_rowid IS NOT NULL AND source IN "
                    "(SELECT source FROM documents WHERE status != 'ready')"))
            return self._unready_rows

    def doc_freq(self, token: str) -> int:
        """How many chunks contain the token (kept until the store changes)."""
        with self._lock:
            self._drop_stale_stats()
            if token not in self._df:
                self._df[token] = self._db.execute(
                    "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (_phrase(token),)
                ).fetchone()[0]
            return self._df[token]

    def idf(self, token: str) -> float:
        """BM25-style inverse document frequency of a token over the chunks."""
        return self.term_stats([token]).idf(token)

    def term_stats(self, terms: list[str]) -> TermStats:
        """Chunk frequencies of the terms and the chunk count, read once for a whole question."""
        return TermStats(self.count_chunks(), {t: self.doc_freq(t) for t in terms})

    def keyword_search(self, query: str, k: int = 20, scope: Scope = Scope()) -> list[tuple[str, float]]:
        """(chunk id, BM25 score, higher is better) for chunks sharing any query token, within the scope:
        FTS5's bm25() ranking; unfiltered, each term's rows come with their frequencies from the index
        (vectorstore/fts5_postings.py), so only the top rows' texts are read (vectorstore/keyword_ranking.py)."""
        rows, tokens = self._keyword_totals()
        terms = query_terms(tokenize(query), self.doc_freq, rows)
        if not terms or not rows:
            return []
        where, params = scope.sql("d")
        unready = self.unready_chunk_ids()
        # Unfiltered (the usual question), rows are listed from the index alone and readiness checked against
        # the few unready chunks; a join per row cost ~12 µs, most of a common term's listing.
        rows_of = ("chunks_fts f WHERE chunks_fts MATCH ?" if not scope.active else
                   "chunks_fts f JOIN chunks c ON c.id = f.id JOIN documents d ON d.source = c.source "
                   f"WHERE chunks_fts MATCH ? AND d.status = 'ready'{where}")

        def indexed(term: QueryTerm) -> bool:  # its rows' frequencies and lengths come from the index itself
            return len(term.parts) == 1 and not scope.active

        def postings(term: QueryTerm) -> Listing:
            if indexed(term):
                return self._postings.listing(term.parts[0], self._unready_keyword_rows())
            with self._lock:
                found = self._db.execute(f"SELECT f.rowid FROM {rows_of}", [_phrase(term.token), *params])
                return Listing(np.fromiter((r for r, in found), np.int64))

        def read(keys: list[int]):
            with self._lock:
                found = self._db.execute(f"SELECT rowid, id, tokens FROM chunks_fts WHERE rowid IN "
                                         f"({','.join('?' * len(keys))})", keys).fetchall()
            return [(rowid, cid, self._split(text)) for rowid, cid, text in found if cid not in unready]

        ranked = top_k(terms, k, tokens / rows, postings, read, native=True,
                       budget=None if all(map(indexed, terms)) else POSTINGS_BUDGET)
        if ranked is not None:
            return ranked
        # every term common: FTS5 ranks natively (a few more rows asked for, in case some are unready)
        match = " OR ".join(_phrase(t.token) for t in terms)
        with self._lock:
            found = self._db.execute(f"SELECT f.id, -bm25(chunks_fts) AS score FROM {rows_of} "
                                     "ORDER BY score DESC LIMIT ?", [match, *params, k + len(unready)]).fetchall()
        return [(cid, float(score)) for cid, score in found if cid not in unready][:k]

    def _keyword_totals(self) -> tuple[int, int]:
        """(rows, tokens) of the keyword index, from the totals record FTS5 keeps for its own bm25()."""
        with self._lock:
            row = self._db.execute("SELECT block FROM chunks_fts_data WHERE id = 1").fetchone()
        if not row or not row[0]:
            return 0, 0
        n_rows, at = varint(row[0], 0)
        n_tokens, _ = varint(row[0], at)
        return n_rows, n_tokens

    # -- health (see vectorstore/doctor.py) --
    def integrity_ok(self) -> bool:
        with self._lock:
            return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def keyword_mismatches(self) -> list[str]:
        """Sources whose chunks and keyword rows differ ("" for keyword rows of no chunk)."""
        with self._lock:
            missing = self._db.execute(
                "SELECT DISTINCT source FROM chunks WHERE id NOT IN (SELECT id FROM chunks_fts)").fetchall()
            stray = self._db.execute(
                "SELECT COUNT(*) FROM chunks_fts WHERE id NOT IN (SELECT id FROM chunks)").fetchone()[0]
        return [r[0] for r in missing] + ([""] if stray else [])

    def reindex_keywords(self, source: str) -> None:
        """Rebuild a document's keyword rows from its chunks ("": drop rows no chunk owns)."""
        with self._lock, self._db:
            self._forget_stats()
            if not source:
                self._db.execute("DELETE FROM chunks_fts WHERE id NOT IN (SELECT id FROM chunks)")
                return
            row = self._db.execute("SELECT title, date FROM documents WHERE source = ?", (source,)).fetchone()
            meta = {"title": row[0] or "", "date": row[1] or ""} if row else {}
            chunks = self._db.execute('SELECT id, source, text, start, "end", idx FROM chunks WHERE source = ?',
                                      (source,)).fetchall()
            self._delete_keywords(source)
            self._insert_keywords([Chunk(*c, metadata=meta) for c in chunks])

    def close(self) -> None:
        self._db.close()
