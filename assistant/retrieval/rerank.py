"""Rerankers, picked by name: 'lexical' (IDF-weighted overlap, no model), 'none', or 'ce:MODEL_PATH'
(a sentence-transformers cross-encoder, e.g. a local bge-reranker folder), loaded once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from assistant.models import Passage
from core.registry import Registry
from core.text import TermStats, tokenize

StatsReader = Callable[[list[str]], TermStats]


class Reranker(Protocol):
    def scores(self, query: str, passages: list[Passage], documents: Mapping[str, str],
               stats: StatsReader) -> list[float] | None:
        """A relevance score per passage (higher is better), or None to keep the fused order."""

    def prepare(self, passages: list[Passage]) -> None:
        """Work on likely candidates ahead of scores(), while the query embedding runs (may do nothing)."""


def lexical_overlap(query_tokens: list[str], text: str, document: str, stats: TermStats) -> float:
    """IDF-weighted share of query tokens in the text (0..1); tokens found only elsewhere in its document
    (e.g. the city named in the headline, "全市" in the passage) earn half."""
    have = set(tokenize(text))
    weights = {t: stats.idf(t) for t in set(query_tokens) if stats.doc_freq(t)}
    total = sum(weights.values()) or 1.0
    return sum(w if t in have else 0.5 * w if t in document else 0.0 for t, w in weights.items()) / total


def _scored_text(p: Passage) -> str:
    return f"{p.title}\n{p.text}"


class LexicalReranker:
    def scores(self, query, passages, documents, stats):
        tokens = tokenize(query)
        read = stats(sorted(set(tokens)))
        return [lexical_overlap(tokens, _scored_text(p), documents[p.source], read) for p in passages]

    def prepare(self, passages):
        # jieba on a new chunk costs ~0.5 ms: thirty of them were most of a retrieval at 10k+ chunks, after
        # the embedding; tokenized now, scores() finds them in tokenize's cache
        for p in passages:
            tokenize(_scored_text(p))


class NoReranker:
    def scores(self, query, passages, documents, stats):
        return None

    def prepare(self, passages):
        pass


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder, loaded once when the Assistant is built."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model, device="cpu")

    def scores(self, query, passages, documents, stats):
        return [float(s) for s in self._model.predict([(query, _scored_text(p)) for p in passages])]

    def prepare(self, passages):
        pass


RERANKERS: Registry[Reranker] = Registry("rerank")
RERANKERS.add("lexical", lambda _arg: LexicalReranker())
RERANKERS.add("none", lambda _arg: NoReranker())
RERANKERS.add("ce:", CrossEncoderReranker)
