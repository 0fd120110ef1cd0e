"""A term's keyword rows with their term frequencies and lengths, read from SQLite FTS5's own index.

fts5vocab's 'instance' table lists a term's occurrences by row, so a term's frequency in each row comes
without reading any row's text; the rows' lengths are FTS5's docsize records, read once per store version.
With both, keyword ranking knows a listed term's exact part of every row's BM25 score
(vectorstore/keyword_ranking.py) and reads the text of only the few rows that may reach the top.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import OrderedDict

import numpy as np

from vectorstore.keyword_ranking import Listing

log = logging.getLogger(__name__)

VOCAB = "temp.chunks_terms"  # per connection: nothing is added to the store's file
TERMS = "temp.chunks_term_rows"  # each term's row count, for warming
# Listings kept between questions until the store changes, most recently used first out last: a common
# term's listing (~90k rows at 100k chunks) costs ~35-70 ms to read and 0.7 MB to keep; 12M rows is ~96 MB.
CACHED_ROWS = 12_000_000
# Read ahead by warm(): the most frequent terms' listings, these many rows in all. At 93k chunks (10.4M rows
# in all) 8M rows are the ~1,060 terms in 2.2k+ rows each (a cold one costs 2-70 ms), read in ~6 s; questions
# meet only rarer terms cold, ~2 ms at most (bench/scale.py: answer p95 at 93k chunks 105 ms unwarmed, 54 ms with 6M rows, 50 ms with 8M).
WARM_ROWS = 8_000_000
REWARM_AFTER_S = 30.0  # after the store changed, warm again once it has been quiet this long (an ingest
#                        commits every few seconds: warming between its writes would be thrown away)


def varint(buf: bytes, at: int) -> tuple[int, int]:
    """An SQLite varint (FTS5's record format) at `at`: its value and where the next one starts."""
    value = 0
    for i in range(8):
        byte = buf[at + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    return (value << 8) | buf[at + 8], at + 9


class Fts5Postings:
    """Listings of single-token terms of the keyword index `chunks_fts` on one connection."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db, self._lock = db, lock
        self._lengths: np.ndarray | None = None
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_rows = 0
        self._warm_rows = 0  # set by warm(): then kept warm after each change
        self._generation = 0  # a change or a new warm() stops a warming under way
        self._due = 0.0  # when the warming thread may start
        self._warmer: threading.Thread | None = None
        with self._lock:
            db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab(main, chunks_fts, 'instance')")
            db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS} USING fts5vocab(main, chunks_fts, 'row')")

    def forget(self) -> None:
        """The store changed: row lengths and listings are read again when next needed (warmed again once
        the store is quiet, if warm() was asked for)."""
        self._lengths = None
        self._cache.clear()
        self._cached_rows = 0
        self._generation += 1
        if self._warm_rows:
            self._start_warming(REWARM_AFTER_S)

    def warm(self, rows: int = WARM_ROWS, background: bool = True) -> int:
        """Read the most frequent terms' listings ahead, up to `rows` rows in all, and again after each change
        of the store: a question then meets only rarer terms cold. Returns the rows read (0 when in the
        background)."""
        with self._lock:
            self._warm_rows = rows
            self._generation += 1
            generation = self._generation
            if background:
                self._start_warming(0.0)
                return 0
        return self._warm(generation)

    def _start_warming(self, delay: float) -> None:
        """One warming thread at a time: it waits until `delay` after the latest change, then warms."""
        self._due = time.monotonic() + delay
        if self._warmer is None:
            self._warmer = threading.Thread(target=self._keep_warm, name="keyword-listings", daemon=True)
            self._warmer.start()

    def _keep_warm(self) -> None:
        while True:
            with self._lock:
                wait, generation = self._due - time.monotonic(), self._generation
            if wait > 0:  # in short naps: a later change moves the time on
                time.sleep(min(wait, 0.5))
                continue
            self._warm(generation)
            with self._lock:
                if generation == self._generation:  # warmed, and nothing changed meanwhile
                    self._warmer = None
                    return

    def _warm(self, generation: int) -> int:
        """Listings of the most frequent terms until the budget, one term per hold of the lock (a question
        waits for at most one listing); stops once the store changes or warming restarts."""
        with self._lock:
            if generation != self._generation:
                return 0
            counts = self._db.execute(f"SELECT term, doc FROM {TERMS} ORDER BY doc DESC LIMIT 10000").fetchall()
            self._row_lengths()  # every listing needs them: ~0.3 s at 100k rows, else paid by the first question
        started, listed = time.perf_counter(), 0
        for term, rows in counts:
            if listed + rows > self._warm_rows:
                break
            with self._lock:
                if generation != self._generation:
                    return listed
                listed += len(self._pairs(term)[0])
        log.info("keyword listings warmed: %d rows in %.1f s", listed, time.perf_counter() - started)
        return listed

    def _row_lengths(self) -> np.ndarray:
        if self._lengths is None:
            rows = self._db.execute("SELECT id, sz FROM chunks_fts_docsize").fetchall()
            lengths = np.zeros(max((r for r, _ in rows), default=0) + 1, np.int32)
            for rowid, size in rows:
                lengths[rowid] = varint(size, 0)[0]  # the row's tokens in its first column
            self._lengths = lengths
        return self._lengths

    def _pairs(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """(row keys, term frequencies) of the rows holding the token, ascending by key."""
        if part in self._cache:
            self._cache.move_to_end(part)
            return self._cache[part]
        found = self._db.execute(f"SELECT doc, COUNT(*) FROM {VOCAB} WHERE term = ? GROUP BY doc", (part,)).fetchall()
        pairs = np.array(found, np.int64).reshape(-1, 2)
        entry = (pairs[:, 0].astype(np.int32), pairs[:, 1].astype(np.int32))
        self._cache[part] = entry
        self._cached_rows += len(pairs)
        while self._cached_rows > CACHED_ROWS and len(self._cache) > 1:
            _, (keys, _) = self._cache.popitem(last=False)
            self._cached_rows -= len(keys)
        return entry

    def listing(self, part: str, unserved: frozenset[int] = frozenset()) -> Listing:
        """The rows holding the FTS5 token `part` (lower-cased, as FTS5 folds it), but not `unserved` ones."""
        with self._lock:
            keys, tf = self._pairs(part)
            lengths = self._row_lengths()
            if len(keys) and keys.max() >= len(lengths):  # rows written since the lengths were read
                self.forget()
                keys, tf = self._pairs(part)
                lengths = self._row_lengths()
        if unserved:
            keep = ~np.isin(keys, np.fromiter(unserved, np.int64))
            keys, tf = keys[keep], tf[keep]
        return Listing(keys, tf, lengths[keys] if len(lengths) else np.zeros(0, np.int32))


__all__ = ["CACHED_ROWS", "REWARM_AFTER_S", "WARM_ROWS", "Fts5Postings", "varint"]
