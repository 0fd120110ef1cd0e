"""A term's keyword rows with their term frequencies and lengths, read from SQLite FTS5's own index.

fts5vocab's 'instance' table lists a term's occurrences by row, so a term's frequency in each row comes
without reading any row's text; the rows' lengths are FTS5's docsize records, read once per store version.
With both, keyword ranking knows a listed term's exact part of every row's BM25 score
(vectorstore/keyword_ranking.py) and reads the text of only the few rows that may reach the top.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict

import numpy as np

from vectorstore.keyword_ranking import Listing

VOCAB = "temp.chunks_terms"  # per connection: nothing is added to the store's file
# Listings kept between questions until the store changes, most recently used first out last: a common
# term's listing (~90k rows at 100k chunks) costs ~70 ms to read and 1 MB to keep; 3M rows is ~36 MB.
CACHED_ROWS = 3_000_000


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
        with self._lock:
            db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab(main, chunks_fts, 'instance')")

    def forget(self) -> None:
        """The store changed: row lengths and listings are read again when next needed."""
        self._lengths = None
        self._cache.clear()
        self._cached_rows = 0

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


__all__ = ["Fts5Postings", "varint"]
