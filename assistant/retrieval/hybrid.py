"""Hybrid retrieval as a LangChain retriever: jieba BM25 + Chroma dense, fused by reciprocal rank, reranked."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, SkipValidation

from assistant.models import Filters, Passage
from assistant.retrieval.reading import DEFAULT_WINDOW, ReadWindow, nearby_chunk_ids, read_texts
from assistant.retrieval.rerank import RERANKERS, Reranker
from core.names import place_stem
from core.text import normalize_query
from vectorstore.catalog import ChunkRow
from vectorstore.scope import Scope
from vectorstore.store import VectorStore

RetrievalMode = Literal["hybrid", "bm25", "dense"]

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 30
# One embedding per core at a time: more would only share the cores (serve runs several questions at once).
QUERY_WORKERS = os.cpu_count() or 2
QUERY_EMBEDDING = ThreadPoolExecutor(max_workers=QUERY_WORKERS, thread_name_prefix="query-embedding")
STARTED_WAIT_S = 0.005  # at most: a worker that is free picks the embedding up in ~0.1 ms
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


@dataclass
class Seen:
    """What one search has read and worked out of its candidates so far (most of it while the query
    embedding ran): passages, the dense candidates' chunk rows, whole pages, reranker scores, and which
    documents name the places asked."""

    passages: dict[str, Passage] = field(default_factory=dict)
    rows: dict[str, ChunkRow] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    reranked: dict[str, float] = field(default_factory=dict)
    named: dict[str, bool] = field(default_factory=dict)


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
        seen = Seen()
        dense = self._dense_soon(dense_query, scope, seen.rows) if mode in ("hybrid", "dense") else None
        if mode in ("hybrid", "bm25"):
            channels["bm25"] = self.store.keyword_search(query, CANDIDATES, scope)
            if mode == "hybrid" and not dense.done():  # the embedding still runs: read and score these meanwhile
                self._read_ahead(query, [cid for cid, _ in channels["bm25"]], names, seen)
        if dense:
            channels["dense"] = dense.result()
        for hits in channels.values():
            rankings.append([cid for cid, _ in hits])
        fused = rrf(rankings)
        ranked = sorted(fused, key=fused.get, reverse=True)[: max(CANDIDATES, k)]
        passages = self._load(ranked, fused, channel_scores(channels, fused), seen.passages, seen.rows)
        if mode == "hybrid":
            passages = self._rerank(query, passages, seen)
        return naming_first(passages, names, self._naming(seen))[:k]

    def _read_ahead(self, query: str, ids: list[str], names: Sequence[str], seen: Seen) -> None:
        """While the query embedding runs: the keyword candidates read, reranked and checked for the places
        asked, so that after it only the candidates the dense side adds are (about half of them)."""
        seen.passages = {p.chunk_id: p for p in self._load(ids, dict.fromkeys(ids, 0.0))}
        seen.reranked = self._rerank_scores(query, list(seen.passages.values()), seen) or {}
        if names:
            self._naming(seen)(list(dict.fromkeys(p.source for p in seen.passages.values())), place_stems(names))

    def embed_soon(self, dense_query: str) -> Future:
        """Start embedding the dense query on a worker thread and go on: the embedding is most of a question's
        time and the model's C code releases the GIL, so analysing the question and the keyword search run
        beside it. passages() waits for the same embedding, then finds it in the embedder's query memory."""
        embedder, text = self.store.embedder, normalize_query(dense_query)
        key = (id(embedder), text)
        started = threading.Event()

        def embed():
            started.set()
            return embedder.embed_query(text)

        with _IN_FLIGHT_LOCK:
            running = _IN_FLIGHT.get(key)
            if running is not None:
                return running
            running = _IN_FLIGHT[key] = QUERY_EMBEDDING.submit(embed)
            running.add_done_callback(lambda _: _forget(key))
            free_worker = len(_IN_FLIGHT) <= QUERY_WORKERS
        if free_worker:
            # Let the worker into the model before going on: Python hands the GIL to a waiting thread only
            # when the holder blocks or after 5 ms, so the question's own analysis (pure Python) delayed the
            # embedding's start by ~0.9 ms of its ~24 (p50, 1k chunks; measured with /tmp timelines).
            started.wait(STARTED_WAIT_S)
        return running

    def _dense_soon(self, dense_query: str, scope: Scope, rows: dict[str, ChunkRow]) -> Future:
        """The dense search, run by the embedding's own worker as soon as the vector is there (a callback, so
        no worker ever waits for another): beside a long keyword search it costs the question nothing.
        rows: gets the found chunks' rows."""
        found: Future = Future()

        def search(_: Future) -> None:
            try:
                found.set_result(self.store.dense_search(dense_query, CANDIDATES, scope, rows))
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
              loaded: dict[str, Passage] | None = None, read: dict[str, ChunkRow] | None = None) -> list[Passage]:
        """The chunks as passages with these scores; `loaded`: passages already read this search, `read`:
        chunk rows already read."""
        loaded, read = loaded or {}, read or {}
        rows = {**read, **self.store.chunks([cid for cid in ids if cid not in loaded and cid not in read])}
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

    def _rerank(self, query: str, passages: list[Passage], seen: Seen) -> list[Passage]:
        """Reranked, blending the reranker's score with the fused one; `seen`: the scores worked out already."""
        if not passages:
            return passages
        new = self._rerank_scores(query, [p for p in passages if p.chunk_id not in seen.reranked], seen)
        if new is None:
            return passages
        reranked = {**seen.reranked, **new}
        # Blend with the fused rank score so neither signal alone decides.
        top = max(p.score for p in passages) or 1.0
        scored = [(0.5 * reranked[p.chunk_id] + 0.5 * p.score / top, reranked[p.chunk_id], p) for p in passages]
        scored.sort(key=lambda x: x[0], reverse=True)
        return [Passage(**{**p.__dict__, "score": b, "scores": {**p.scores, "rerank": float(s), "final": b}})
                for b, s, p in scored]

    def _rerank_scores(self, query: str, passages: list[Passage], seen: Seen) -> dict[str, float] | None:
        """chunk id → the reranker's score (rerankers are pointwise, so a search scores its candidates in
        parts); None when the reranker keeps the fused order."""
        if not passages:
            return {}
        documents = read_texts(self.store, passages, self.window, padded=False, pages=seen.documents)
        new = self.reranker.scores(query, passages, documents, self.store.term_stats, self.store.token_streams)
        return None if new is None else {p.chunk_id: float(s) for p, s in zip(passages, new)}

    def _naming(self, seen: Seen) -> Callable[[list[str], list[str]], set[str]]:
        """sources_naming, asking the store only of sources this search has not checked yet."""
        def naming(sources: list[str], stems: list[str]) -> set[str]:
            if rest := [s for s in sources if s not in seen.named]:
                found = self.store.sources_naming(rest, stems)
                seen.named.update((s, s in found) for s in rest)
            return {s for s in sources if seen.named[s]}
        return naming


def naming_first(passages: list[Passage], names: Sequence[str],
                 naming: Callable[[list[str], list[str]], set[str]]) -> list[Passage]:
    """Passages of documents that name every place asked, then the rest, each in rank order. Many articles
    share sentences ("市总工会开展夏送清凉活动") and differ only in the place: among thousands, a question about
    one place would otherwise get other places' copies, which the answerer must then reject. naming(sources,
    stems): those of the sources whose title or text holds every stem. Moved passages are marked
    (scores["named"]) for the hit test."""
    if not names or not passages:
        return passages
    named = naming(list(dict.fromkeys(p.source for p in passages)), place_stems(names))
    naming_all = [replace(p, scores={**p.scores, "named": 1.0}) for p in passages if p.source in named]
    return naming_all + [p for p in passages if p.source not in named] if naming_all else passages


def place_stems(names: Sequence[str]) -> list[str]:
    return sorted({place_stem(n) for n in names})


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
