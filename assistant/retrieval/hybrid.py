"""Hybrid retrieval as a LangChain retriever: jieba BM25 + Chroma dense, fused by reciprocal rank, reranked."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, SkipValidation

from assistant.models import Filters, Passage
from assistant.retrieval.reading import DEFAULT_WINDOW, ReadWindow, nearby_chunk_ids, read_text
from assistant.retrieval.rerank import RERANKERS, Reranker
from core.names import place_stem
from core.text import normalize_query
from vectorstore.scope import Scope
from vectorstore.store import VectorStore

RetrievalMode = Literal["hybrid", "bm25", "dense"]

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 30
# One embedding per core at a time: more would only share the cores (serve runs several questions at once).
QUERY_EMBEDDING = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="query-embedding")
_IN_FLIGHT: dict[tuple[int, str], Future] = {}  # (embedder, text) → its embedding, while it runs
_IN_FLIGHT_LOCK = threading.RLock()  # re-entered when a finished embedding's callback runs at once


def _forget(key: tuple[int, str]) -> None:
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.pop(key, None)


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion of several ranked id lists."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (k + rank + 1)
    return fused


class HybridRetriever(BaseRetriever):
    """mode: 'hybrid' (BM25 + dense, RRF), 'bm25' or 'dense'. Returns chunks as LangChain documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: VectorStore
    mode: RetrievalMode = "hybrid"
    k: int = 6
    filters: Filters = Filters()
    reranker: SkipValidation[Reranker] = Field(default_factory=lambda: RERANKERS.create("lexical"))
    window: ReadWindow = DEFAULT_WINDOW

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun | None = None
                                ) -> list[LCDocument]:
        return [to_langchain(p) for p in self.passages(query)]

    def passages(self, query: str, k: int | None = None, filters: Filters | None = None,
                 dense_query: str | None = None, names: Sequence[str] = (),
                 mode: RetrievalMode | None = None) -> list[Passage]:
        """dense_query: the text to embed for the dense side (default: query), e.g. the whole question
        while query is its content words; the answerer then reuses that one query embedding. names: the
        places the question names; passages of documents naming them come first. mode: this search's, if
        not the retriever's."""
        k = k or self.k
        mode = mode or self.mode
        query = normalize_query(query)
        dense_query = normalize_query(dense_query) if dense_query else query
        filters = filters or self.filters
        scope = self.store.scope(filters.sources, filters.kbs, filters.date_from, filters.date_to)
        rankings, channels = [], {}
        dense = self._dense_soon(dense_query, scope) if mode in ("hybrid", "dense") else None
        early: dict[str, Passage] = {}
        streams: dict[str, list[str]] = {}
        if mode in ("hybrid", "bm25"):
            channels["bm25"] = self.store.keyword_search(query, CANDIDATES, scope)
            if mode == "hybrid" and not dense.done():  # the embedding still runs: read keyword candidates meanwhile
                ids = [cid for cid, _ in channels["bm25"]]
                early = {p.chunk_id: p for p in self._load(ids, dict.fromkeys(ids, 0.0))}
                streams = self.store.token_streams(ids)
        if dense:
            channels["dense"] = dense.result()
        for hits in channels.values():
            rankings.append([cid for cid, _ in hits])
        fused = rrf(rankings)
        ranked = sorted(fused, key=fused.get, reverse=True)[: max(CANDIDATES, k)]
        passages = self._load(ranked, fused, channel_scores(channels, fused), early)
        if mode == "hybrid":
            passages = self._rerank(query, passages, streams)
        return naming_first(passages, names, self.store.sources_naming)[:k]

    def embed_soon(self, dense_query: str) -> Future:
        """Start embedding the dense query on a worker thread and go on: the embedding is most of a question's
        time and the model's C code releases the GIL, so analysing the question and the keyword search run
        beside it. passages() waits for the same embedding, then finds it in the embedder's query memory."""
        embedder, text = self.store.embedder, normalize_query(dense_query)
        key = (id(embedder), text)
        with _IN_FLIGHT_LOCK:
            running = _IN_FLIGHT.get(key)
            if running is None:
                running = _IN_FLIGHT[key] = QUERY_EMBEDDING.submit(embedder.embed_query, text)
                running.add_done_callback(lambda _: _forget(key))
            return running

    def _dense_soon(self, dense_query: str, scope: Scope) -> Future:
        """The dense search, run by the embedding's own worker as soon as the vector is there (a callback, so
        no worker ever waits for another): beside a long keyword search it costs the question nothing."""
        found: Future = Future()

        def search(_: Future) -> None:
            try:
                found.set_result(self.store.dense_search(dense_query, CANDIDATES, scope))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting question, raised there
                found.set_exception(exc)

        self.embed_soon(dense_query).add_done_callback(search)
        return found

    def with_best_document(self, passages: list[Passage]) -> list[Passage]:
        """The passages, then the rest of the best passage's document (of a long one, the text around it):
        once retrieval has found the article, its answer sentence may sit in a chunk that ranked lower than
        other articles' chunks."""
        if not passages:
            return passages
        have = {p.chunk_id for p in passages}
        rest = sorted(nearby_chunk_ids(self.store, passages[0], self.window) - have)
        extra = self._load(rest, dict.fromkeys(rest, 0.0))
        return passages + sorted(extra, key=lambda p: p.start)

    def _load(self, ids: list[str], scores: dict[str, float], channels: dict[str, dict[str, float]] | None = None,
              loaded: dict[str, Passage] | None = None) -> list[Passage]:
        """The chunks as passages with these scores; `loaded`: passages already read this search."""
        loaded = loaded or {}
        rows = self.store.chunks([cid for cid in ids if cid not in loaded])
        meta = {s: self.store.document(s) for s in {r.source for r in rows.values()}}
        out = []
        for cid in ids:
            if cid in loaded:
                out.append(replace(loaded[cid], score=scores[cid], scores=(channels or {}).get(cid, {})))
                continue
            if cid not in rows:
                continue
            row = rows[cid]
            doc = meta.get(row.source)
            out.append(Passage(cid, row.source, doc.title if doc else "", doc.date if doc else "",
                               row.text, row.start, row.end, scores[cid], (channels or {}).get(cid, {})))
        return out

    def _rerank(self, query: str, passages: list[Passage], streams: dict[str, list[str]]) -> list[Passage]:
        """streams: the token streams already read this search."""
        if not passages:
            return passages
        documents = {source: read_text(self.store, source, passages, self.window, padded=False)
                     for source in {p.source for p in passages}}

        def read_streams(ids: list[str]) -> dict[str, list[str]]:
            return {**streams, **self.store.token_streams([cid for cid in ids if cid not in streams])}

        new = self.reranker.scores(query, passages, documents, self.store.term_stats, read_streams)
        if new is None:
            return passages
        # Blend with the fused rank score so neither signal alone decides.
        top = max(p.score for p in passages) or 1.0
        scored = [(0.5 * s + 0.5 * p.score / top, s, p) for s, p in zip(new, passages)]
        scored.sort(key=lambda x: x[0], reverse=True)
        return [Passage(**{**p.__dict__, "score": b, "scores": {**p.scores, "rerank": float(s), "final": b}})
                for b, s, p in scored]


def naming_first(passages: list[Passage], names: Sequence[str],
                 naming: Callable[[list[str], list[str]], set[str]]) -> list[Passage]:
    """Passages of documents that name every place asked, then the rest, each in rank order. Many articles
    share sentences ("市总工会开展夏送清凉活动") and differ only in the place: among thousands, a question about
    one place would otherwise get other places' copies, which the answerer must then reject. naming(sources,
    stems): those of the sources whose title or text holds every stem. Moved passages are marked
    (scores["named"]) for the hit test."""
    if not names or not passages:
        return passages
    named = naming(list(dict.fromkeys(p.source for p in passages)), sorted({place_stem(n) for n in names}))
    naming_all = [replace(p, scores={**p.scores, "named": 1.0}) for p in passages if p.source in named]
    return naming_all + [p for p in passages if p.source not in named] if naming_all else passages


def channel_scores(channels: dict[str, list[tuple[str, float]]], fused: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per chunk, its score and 1-based rank in each channel that found it, and its fused score: what the hit
    test shows. Only recorded; the ranking is the fused order above."""
    out: dict[str, dict[str, float]] = {cid: {"fused": score} for cid, score in fused.items()}
    for name, hits in channels.items():
        for rank, (cid, score) in enumerate(hits, start=1):
            out[cid].update({name: float(score), f"{name}_rank": rank})
    return out


def to_langchain(p: Passage) -> LCDocument:
    return LCDocument(page_content=p.text, metadata={
        "chunk_id": p.chunk_id, "source": p.source, "title": p.title, "date": p.date,
        "start": p.start, "end": p.end, "score": p.score,
    })
