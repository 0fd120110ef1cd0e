"""Rerankers, picked by name: 'lexical' (IDF-weighted overlap, no model), 'none', or 'ce:MODEL_PATH'
(a sentence-transformers cross-encoder, e.g. a local bge-reranker folder), loaded once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from assistant.models import Passage
from core.registry import Registry
from core.text import TermStats, tokenize
from vectorstore.keyword_ranking import fts_parts

StatsReader = Callable[[list[str]], TermStats]
# chunk ids → each chunk's indexed token stream (the keyword index's row: jieba's tokens, cut once at ingest)
StreamsReader = Callable[[list[str]], Mapping[str, Sequence[str]]]


class Reranker(Protocol):
    def scores(self, query: str, passages: list[Passage], documents: Mapping[str, str],
               stats: StatsReader, streams: StreamsReader) -> list[float] | None:
        """A relevance score per passage (higher is better), or None to keep the fused order."""


Weights = list[tuple[str, tuple[str, ...], float]]


def query_weights(query_tokens: list[str], stats: TermStats) -> Weights:
    """Each query token the index holds: the token, its parts as the index splits it ("84.8%" → 84, 8) and
    its idf. Worked out once per question, then matched against every candidate."""
    return [(t, tuple(parts), stats.idf(t)) for t in sorted(set(query_tokens))
            if stats.doc_freq(t) and (parts := fts_parts(t))]


def lexical_overlap(weights: Weights, stream: Sequence[str], document: str) -> float:
    """IDF-weighted share of query tokens in the passage's indexed token stream (0..1); tokens found only
    elsewhere in its document (e.g. the city named in the headline, "全市" in the passage) earn half."""
    have = set(stream)
    total = sum(w for _, _, w in weights) or 1.0
    return sum(w if all(p in have for p in parts) else 0.5 * w if t in document else 0.0
               for t, parts, w in weights) / total


def _scored_text(p: Passage) -> str:
    return f"{p.title}\n{p.text}"


class LexicalReranker:
    def scores(self, query, passages, documents, stats, streams):
        # the index's token streams, not jieba again: cutting ~30 new chunks was most of a retrieval after
        # the query embedding at 10k+ chunks (~0.5 ms each)
        tokens = tokenize(query)
        weights = query_weights(tokens, stats(sorted(set(tokens))))
        indexed = streams([p.chunk_id for p in passages])
        return [lexical_overlap(weights, indexed.get(p.chunk_id, ()), documents[p.source]) for p in passages]


class NoReranker:
    def scores(self, query, passages, documents, stats, streams):
        return None


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder, loaded once when the Assistant is built."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model, device="cpu")

    def scores(self, query, passages, documents, stats, streams):
        return [float(s) for s in self._model.predict([(query, _scored_text(p)) for p in passages])]


RERANKERS: Registry[Reranker] = Registry("rerank")
RERANKERS.add("lexical", lambda _arg: LexicalReranker())
RERANKERS.add("none", lambda _arg: NoReranker())
RERANKERS.add("ce:", CrossEncoderReranker)
