"""The public Python API; the CLI, the UI, evals and benchmarks all go through it."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

from assistant.briefing.build import Briefing, build_briefing
from assistant.answering.citations import check_answer
from assistant.config import Settings, load_settings
from assistant.examples import example_questions
from assistant.answering.extractive import DocInfo, answer_question, combine
from assistant.ingestion import IngestReport, ingest_paths
from assistant.models import Answer, Passage
from assistant.answering.question import analyse, resolve, split_subjects
from assistant.models import Filters
from assistant.retrieval.hybrid import HybridRetriever
from core.errors import ConfigError, EmptyStoreError
from vectorstore.catalog import DocumentRow
from vectorstore.store import VectorStore

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions about the ingested articles, with verified citations.

    >>> a = Assistant(store="~/.local/share/union-qa-assistant/store")
    >>> a.ask("什邡市总工会建了多少家新就业形态工会？").answer
    """

    def __init__(self, store: str | Path | None = None, *, chroma_url: str | None = None,
                 embedder: str | None = None, retriever: str | None = None, answerer: str | None = None,
                 top_k: int | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings(store=store, chroma_url=chroma_url, embedder=embedder,
                                                  retriever=retriever, answerer=answerer, top_k=top_k)
        s = self.settings
        self.store = VectorStore(s.store, s.chroma_url, s.embedder, s.collection)
        self._docs: dict[tuple[str, str], DocInfo] = {}
        self._llm = None
        self._examples: tuple[tuple, list[str]] = ((), [])

    # -- documents --
    def ingest(self, paths: list[str | Path], progress: Callable[[int, int], None] | None = None) -> IngestReport:
        report = ingest_paths([str(p) for p in paths], self.store, progress)
        self._docs.clear()
        return report

    def documents(self) -> list[DocumentRow]:
        return self.store.documents()

    def source_key(self, source: str) -> str:
        """The stored name of a document given as any spelling of its path (or as stored)."""
        if self.store.catalog.document(source) is not None:
            return source
        return str(Path(source).expanduser().resolve())

    def document_text(self, source: str) -> str | None:
        return self.store.catalog.document_text(self.source_key(source))

    def remove(self, source: str) -> bool:
        self._docs.clear()
        return self.store.remove(self.source_key(source))

    def stats(self) -> dict:
        return self.store.stats()

    def example_questions(self, limit: int = 5) -> list[str]:
        """Questions drawn from the stored articles that this assistant answers (recomputed when documents change)."""
        key = tuple((d.source, d.content_hash) for d in self.documents())
        if self._examples[0] != key:
            self._examples = (key, example_questions(self, limit))
        return self._examples[1]

    def brief(self, topic: str, **opts) -> Briefing:
        """A trainer's briefing on a topic: initiatives, key figures, timeline, quiz and sources, every fact cited.
        Briefing.no_material is True when the articles do not cover the topic."""
        return build_briefing(self, topic, **opts)

    # -- questions --
    def retriever(self, filters: Filters | None = None, k: int | None = None) -> HybridRetriever:
        s = self.settings
        return HybridRetriever(store=self.store, mode=s.retriever, k=k or s.top_k,
                               filters=filters or Filters(), rerank=s.rerank)

    def retrieve(self, question: str, k: int = 10, history: list[dict] | None = None,
                 filters: Filters | None = None) -> list[Passage]:
        self._require_documents()
        return self.retriever(filters, k).passages(analyse(resolve(question, history)).search)

    def ask(self, question: str, history: list[dict] | None = None, filters: Filters | None = None,
            id: str | None = None) -> Answer:
        """Answer one question; history is the chat so far as [{"role", "content"}] for follow-ups."""
        answer = None
        for item in self.ask_stream(question, history, filters, id=id):
            if isinstance(item, Answer):
                answer = item
        return answer

    def ask_stream(self, question: str, history: list[dict] | None = None,
                   filters: Filters | None = None, id: str | None = None) -> Iterator[str | Answer]:
        """Yields answer text as it is produced, then the final, checked Answer."""
        started = time.perf_counter()
        if not question or not question.strip():
            raise ConfigError("the question is empty; ask something, e.g. 什邡市总工会建了多少家新就业形态工会？")
        self._require_documents()
        resolved = resolve(question, history)
        q = analyse(resolved)
        passages = self.retriever(filters).passages(q.search)
        if self.settings.answerer == "llm":
            answer = yield from self._llm_answerer().stream(question, resolved, passages, self._doc_info)
        else:
            answer = self._extract(question, resolved, q, passages, filters)
            yield answer.answer
        problems = [] if answer.refused else check_answer(answer.answer, answer.citations)
        if problems:  # never expected from the extractive answerer; an LLM answer may trip it
            log.warning("answer to %r failed its citation check: %s", question, problems)
            answer.flagged = True
        answer.id = id or uuid.uuid4().hex[:12]
        answer.resolved_question = resolved
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def _extract(self, question: str, resolved: str, q, passages: list[Passage], filters: Filters | None) -> Answer:
        """Extractive answer; a question naming several places is answered place by place."""
        retriever = self.retriever(filters)
        parts = split_subjects(q)
        if not parts:
            found = retriever.with_best_document(passages)
            return answer_question(question, resolved, found, self._doc_info(found), self.store.catalog)
        answers = []
        for entity, sub in parts:
            found = retriever.with_best_document(retriever.passages(analyse(sub).search))
            answers.append((entity, answer_question(question, sub, found, self._doc_info(found), self.store.catalog)))
        return combine(question, answers, passages)

    def _doc_info(self, passages: list[Passage]) -> dict[str, DocInfo]:
        """Cleaned texts of the passages' documents, cached by content: another process may re-ingest."""
        out = {}
        for p in {p.source: p for p in reversed(passages)}.values():  # one look-up per document
            row = self.store.catalog.document(p.source)
            key = (p.source, row.content_hash if row else "")
            if key not in self._docs:
                self._docs[key] = DocInfo(self.store.catalog.document_text(p.source) or "", p.title, p.date,
                                          row.author if row else "")
            out[p.source] = self._docs[key]
        return out

    def _llm_answerer(self):
        if self._llm is None:
            from assistant.answering.llm import LLMAnswerer

            self._llm = LLMAnswerer(self.settings)
        return self._llm

    def _require_documents(self) -> None:
        if not self.store.documents():
            raise EmptyStoreError(
                f"the store {self.store.dir} holds no documents yet; run `assistant ingest PATH...` first "
                "(e.g. `assistant ingest data/sample`)"
            )
