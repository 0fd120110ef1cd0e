"""Keyword ranking shared by both catalogs: BM25 exactly as SQLite FTS5's bm25() scores it, found by
upper-bound pruning so a question reads the text of a few rows, not of every row holding a common term.

FTS5's own `ORDER BY bm25() LIMIT k` scores every row that shares any query token: at 100k chunks a
question with 工会 or 职工 in it read most of the index (about 300 ms). Here the rows holding each term are
listed, rarest terms first: with their frequencies and lengths where the index gives them (SQLite, see
vectorstore/fts5_postings.py), so the term's part of each row's score is known, else by key only, bounded
by idf·(K1+1). Rows are then read and scored exactly in order of their bound until the k-th best score
beats every bound left (and all that rows holding only unlisted terms could score). Earlier versions read
every row of the rare terms (MaxScore; ~2,000 rows, 120 ms a question at 100k chunks of recombined text)
or, with key-only bounds, ~10,000. Rows are scored from their stored token stream with the corpus statistics FTS5 uses (row count, average
row length, each phrase's row count), so the ranking is the one FTS5 gives.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

K1, B = 1.2, 0.75  # FTS5 bm25() defaults


# FTS5's unicode61 token characters: letters, numbers and private-use ones; anything else separates tokens.
_RUN = re.compile(r"(?:[^\W_]|[\ue000-\uf8ff])+")


def fts_parts(token: str) -> list[str]:
    """How FTS5's unicode61 tokenizer splits and folds a jieba token: runs of letters, numbers and
    private-use characters, lower-cased (so "84.8%" is the phrase 84 8 and "AI" matches "ai")."""
    return _RUN.findall(token.lower())


def fts_stream(text: str) -> list[str]:
    """The token stream FTS5 indexes for a row (jieba tokens joined by spaces): one regex pass, so scoring
    a few thousand rows stays cheap."""
    return _RUN.findall(text.lower())


def idf(rows: int, df: int) -> float:
    """FTS5's idf, floored as FTS5 floors it for a term in more than half the rows."""
    value = math.log((rows - df + 0.5) / (df + 0.5))
    return value if value > 0 else 1e-6


@dataclass(frozen=True)
class QueryTerm:
    token: str  # as jieba cut it from the question
    parts: tuple[str, ...]  # the phrase FTS5 matches
    idf: float
    df: int  # rows holding the phrase


def query_terms(tokens: Iterable[str], doc_freq: Callable[[str], int], rows: int) -> list[QueryTerm]:
    """The question's distinct terms in FTS5's phrase order (sorted tokens), each with its idf."""
    out = []
    for t in sorted(set(tokens)):
        parts = fts_parts(t)
        if parts:
            df = doc_freq(t)
            out.append(QueryTerm(t, tuple(parts), idf(rows, df), df))
    return out


def _occurrences(stream: list[str], counts: Counter, parts: tuple[str, ...]) -> int:
    m = len(parts)
    if m == 1:
        return counts[parts[0]]
    if any(p not in counts for p in parts):
        return 0
    return sum(1 for i in range(len(stream) - m + 1) if tuple(stream[i : i + m]) == parts)


def bm25(stream: list[str], terms: list[QueryTerm], avgdl: float) -> float:
    """FTS5's bm25() of one row (higher is better), summed in the query's phrase order as FTS5 sums it."""
    norm = K1 * (1 - B + B * len(stream) / avgdl)
    counts = Counter(stream)  # one pass, then a look-up per term
    score = 0.0
    for term in terms:
        freq = _occurrences(stream, counts, term.parts)
        score += term.idf * (freq * (K1 + 1.0)) / (freq + norm)
    return score


@dataclass(frozen=True)
class Listing:
    """The rows holding a term, by index-order key; with each row's term frequency and length when the index
    gives them cheaply (SQLite's FTS5 does), so the term's part of their score is known without their text."""
    keys: np.ndarray
    tf: np.ndarray | None = None
    dl: np.ndarray | None = None


# postings(term): the term's Listing within the search's scope; rows(keys): (key, chunk id, token stream) of
# those rows, leaving out any not to be served.
Postings = Callable[[QueryTerm], Listing]
Rows = Callable[[list[int]], Iterable[tuple[int, str, list[str]]]]

# Rows listed per round when listings give keys only (their bounds are loose, so rarer terms should settle
# the top k first). Listings with frequencies need no budget: ~0.6 µs a row, against ~45 µs to read and
# score a row's text (bench/scale.py, 100k chunks).
POSTINGS_BUDGET = 20_000
SCORE_BATCH = 64  # rows whose text is read and scored per look-up
# The native ranking (FTS5) is used once scoring here would read more than 1/ROW_COST_RATIO of the rows it
# reads: a row scored here costs 10-15x one scored inside FTS5 (~60 µs against ~5 µs at 100k chunks).
ROW_COST_RATIO = 30
FLOORED = 1e-6  # the idf FTS5 gives a term in more than half the rows


def _kth(scored: dict[str, tuple[float, int]], k: int) -> float | None:
    best = heapq.nlargest(k, (score for score, _ in scored.values()))
    return best[-1] if len(best) == k else None


def _part(term: QueryTerm, listing: Listing, avgdl: float) -> np.ndarray:
    """What the term adds to each listed row: exactly (known frequency and length), else at most."""
    if listing.tf is None or listing.dl is None:
        return np.full(len(listing.keys), term.idf * (K1 + 1))
    tf = listing.tf.astype(np.float64)
    return term.idf * (tf * (K1 + 1.0)) / (tf + K1 * (1 - B + B * listing.dl / avgdl))


class _Bounds:
    """Each listed row's bound: the listed terms' part of its score, accumulated by row key."""

    def __init__(self) -> None:
        self.keys: list[np.ndarray] = []
        self.parts: list[np.ndarray] = []

    def add(self, listing: Listing, part: np.ndarray) -> None:
        self.keys.append(listing.keys.astype(np.int64))
        self.parts.append(part)

    def ranked(self, skip: set[int], most: int) -> list[tuple[int, float]]:
        """(key, bound) of the `most` highest-bound rows not in `skip` (and any tied with the last), highest
        first, ties in key order. Summed by key with bincount and cut with argpartition: no sort of every
        listed row."""
        keys = np.concatenate(self.keys) if self.keys else np.zeros(0, np.int64)
        if not len(keys):
            return []
        total = np.bincount(keys, np.concatenate(self.parts))
        if skip:
            total[np.fromiter(skip, np.int64)] = 0.0
        rows = np.flatnonzero(total)
        if len(rows) > most:
            cut = -np.partition(-total[rows], most - 1)[most - 1]
            rows = rows[total[rows] >= cut]
        order = rows[np.lexsort((rows, -total[rows]))]
        return list(zip(order.tolist(), total[order].tolist()))


def top_k(terms: list[QueryTerm], k: int, avgdl: float, postings: Postings, rows: Rows,
          native: bool = False, budget: int | None = POSTINGS_BUDGET) -> list[tuple[str, float]] | None:
    """The k best (chunk id, score), ties in index order. Each listed row has a bound: the listed terms' part
    of its score (exact where the index gave frequencies, else idf·(K1+1) each) plus all that the unlisted
    terms could add; rows are read and scored exactly in order of that bound until none left can beat the
    k-th score. Terms are listed rarest first, a round at a time: a round ends before a term in more than
    half the rows (it adds nearly nothing) or, given a budget, once it would list more rows than that.
    native: the index can rank natively (FTS5); None is returned, to let it, once this would score more
    rows than pays (every term common)."""
    passes = sorted(terms, key=lambda t: -t.idf)
    everything = sum(t.df for t in terms)  # what the index's own ranking reads
    bounds, scored, done = _Bounds(), {}, set()
    listed = 0
    while listed < len(passes):
        first, rows_listed = listed, 0
        while listed < len(passes):
            term = passes[listed]
            if listed > first and (term.idf <= FLOORED or (budget and rows_listed + term.df > budget)):
                break
            listing = postings(term)
            bounds.add(listing, _part(term, listing, avgdl))
            rows_listed += term.df
            listed += 1
        rest = sum(t.idf * (K1 + 1) for t in passes[listed:])  # all a row holding no listed term could score
        most = max(k, SCORE_BATCH)
        pending = bounds.ranked(done, most)
        start = 0
        while start < len(pending):
            kth = _kth(scored, k)
            if kth is not None and pending[start][1] + rest < kth:
                break
            if native and ROW_COST_RATIO * (len(done) + SCORE_BATCH) > everything:
                return None
            batch = [key for key, _ in pending[start: start + SCORE_BATCH]]
            done.update(batch)
            for key, cid, stream in rows(batch):
                scored[cid] = (bm25(stream, terms, avgdl), key)
            start += SCORE_BATCH
            if start >= len(pending) and len(pending) >= most:  # all read and not settled: the next best
                most *= 4
                pending, start = bounds.ranked(done, most), 0
        kth = _kth(scored, k)
        if kth is not None and kth > rest:
            break
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[1][1]))
    return [(cid, score) for cid, (score, _) in ranked[:k]]


__all__ = ["B", "FLOORED", "K1", "POSTINGS_BUDGET", "ROW_COST_RATIO", "SCORE_BATCH", "Listing", "Postings", "QueryTerm",
           "Rows", "bm25", "fts_parts", "fts_stream", "idf", "query_terms", "top_k"]
