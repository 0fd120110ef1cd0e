"""The Library an answerer reads for one question: retrieval under the question's filters, the articles
of the passages (read once per document content), term statistics and chunk look-ups."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from assistant.answering.citations import Evidence
from assistant.article import Article
from assistant.models import Filters, Passage
from assistant.retrieval.hybrid import HybridRetriever, RetrievalMode
from assistant.retrieval.reading import DEFAULT_WINDOW, ReadWindow, is_long, read_text
from core.text import TermStats
from vectorstore.catalog import DocumentRow
from vectorstore.store import VectorStore


class ArticleCache:
    """Articles by (source, content hash): another process may re-ingest a document under the same name.
    A long document is not kept: each question reads its own window of it (retrieval/reading.py)."""

    def __init__(self, store: VectorStore, window: ReadWindow = DEFAULT_WINDOW) -> None:
        self.store = store
        self.window = window
        self._articles: dict[tuple[str, str], Article] = {}
        self._lock = threading.Lock()

    def get(self, source: str, passages: Iterable[Passage] = ()) -> Article:
        """The article; of a long document, its head and the text around the given passages."""
        row = self.store.document(source)
        if is_long(self.store, source, self.window):
            return self._article(row, source, read_text(self.store, source, passages, self.window))
        key = (source, row.content_hash if row else "")
        with self._lock:
            article = self._articles.get(key)
        if article is None:
            article = self._article(row, source, self.store.document_text(source) or "")
            with self._lock:
                self._articles[key] = article
        return article

    @staticmethod
    def _article(row: DocumentRow | None, source: str, text: str) -> Article:
        return Article(text, row.title if row else "", row.date if row else "", row.author if row else "", source)

    def clear(self) -> None:
        with self._lock:
            self._articles.clear()


class StoreLibrary:
    """The store as one question's answerer sees it."""

    def __init__(self, retriever: HybridRetriever, articles: ArticleCache, filters: Filters | None = None) -> None:
        self.retriever = retriever
        self.store = retriever.store
        self._articles = articles
        self.filters = filters

    def passages(self, query: str, dense_query: str | None = None, names: Sequence[str] = (),
                 mode: RetrievalMode | None = None) -> list[Passage]:
        return self.retriever.passages(query, filters=self.filters, dense_query=dense_query, names=names, mode=mode)

    def related(self, query: str, names: Sequence[str] = ()) -> list[Passage]:
        return self.passages(query, names=names, mode="bm25")  # keywords only: no embedding for a refusal

    def prefetch(self, dense_queries: Sequence[str]) -> None:
        for text in dense_queries:
            self.retriever.embed_soon(text)

    def with_best_document(self, passages: list[Passage]) -> list[Passage]:
        return self.retriever.with_best_document(passages)

    def articles(self, passages: list[Passage]) -> dict[str, Article]:
        # Keyed in the order the answerer has always seen (last passage's document first): refusals name
        # what the first of equally close documents lacks.
        return {source: self._articles.get(source, passages)
                for source in dict.fromkeys(p.source for p in reversed(passages))}

    def term_stats(self, terms: list[str]) -> TermStats:
        return self.store.term_stats(terms)

    def similarities(self, query: str, texts: list[str]) -> list[float]:
        return [float(x) for x in self.store.similarities(query, texts)]

    def evidence_at(self, like: Passage, article: Article, span: tuple[int, int]) -> Evidence:
        """Evidence for a sentence found outside the retrieved passages, cited with the chunk that holds it."""
        s, e = span
        found = self.store.chunk_at(like.source, s, e)
        passage = (Passage(found.id, like.source, like.title, like.date, found.text, found.start, found.end)
                   if found else like)
        return Evidence(passage, s, e, article.text[s:e])
