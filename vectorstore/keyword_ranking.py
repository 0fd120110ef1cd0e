"""Keyword ranking shared by both catalogs: BM25 exactly as SQLite FTS5's bm25() scores it, found with
MaxScore pruning so a question reads the rows of its rare terms, not every row holding a common one.

FTS5's own `ORDER BY bm25() LIMIT k` scores every row that shares any query token and counts each token's
rows again for its idf: at 100k chunks a question with 工会 or 职工 in it read most of the index (about
300 ms). Here terms are read rarest first, each pass only the rows none of the rarer terms matched, and the
passes stop once the k-th best score beats everything the remaining terms could still add (a term adds less
than idf·(K1+1) to any row). Rows are scored from their stored token stream with the corpus statistics
FTS5 uses (row count, average row length, each phrase's row count), so the ranking is the one FTS5 gives.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


# fetch(term, rarer): (order, chunk id, token stream) of the rows matching `term` and none of `rarer`
Fetch = Callable[[QueryTerm, list[QueryTerm]], Iterable[tuple[int, str, list[str]]]]


# MaxScore runs only while it reads fewer than 1/ROW_COST_RATIO of the rows FTS5's own ranking would: a row
# scored here costs 10-15× one scored inside FTS5 (measured at 100k chunks of recombined sample text, ~60 µs
# against ~5 µs), and the margin keeps a question whose terms are all common at FTS5's cost.
ROW_COST_RATIO = 30


def top_k(terms: list[QueryTerm], k: int, avgdl: float, fetch: Fetch,
          native: bool = False) -> list[tuple[str, float]] | None:
    """The k best (chunk id, score), ties in index order, reading rows term by term, rarest first (MaxScore).
    native: the index can rank natively (FTS5); None is returned, to let it, once this would read more rows
    than pays (every term common: FTS5 reads all their rows anyway, faster)."""
    passes = sorted(terms, key=lambda t: -t.idf)
    everything = sum(t.df for t in terms)  # what the index's own ranking reads
    scored: dict[str, tuple[float, int]] = {}
    for n, term in enumerate(passes):
        best = heapq.nlargest(k, (score for score, _ in scored.values()))
        if len(best) == k and best[-1] >= sum(t.idf for t in passes[n:]) * (K1 + 1):
            break  # no row the remaining terms alone match can reach the top k
        if native and ROW_COST_RATIO * sum(t.df for t in passes[: n + 1]) > everything:
            return None
        for order, cid, stream in fetch(term, passes[:n]):
            scored[cid] = (bm25(stream, terms, avgdl), order)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[1][1]))
    return [(cid, score) for cid, (score, _) in ranked[:k]]


__all__ = ["B", "K1", "ROW_COST_RATIO", "Fetch", "QueryTerm", "bm25", "fts_parts", "fts_stream", "idf", "query_terms", "top_k"]
