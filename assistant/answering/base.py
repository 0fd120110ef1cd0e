"""What every answerer is given, and what it must give back; the registry that picks one by name."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Protocol

from assistant.answering.citations import Evidence
from assistant.answering.question import Question
from assistant.article import Article
from assistant.models import Answer, Passage
from core.registry import Registry
from core.text import TermStats

# An answerer streams text pieces and returns (StopIteration.value) the final Answer.
AnswerStream = Generator[str, None, Answer]


class Library(Protocol):
    """What an answerer may read for one question: retrieval under the question's filters, the cited
    articles, term statistics and chunk look-ups. The Assistant provides it; tests provide literals."""

    def passages(self, query: str, dense_query: str | None = None, names: Sequence[str] = ()) -> list[Passage]: ...

    def related(self, query: str, names: Sequence[str] = ()) -> list[Passage]:
        """A refusal's related reading for a message that was not searched whole (answered in parts)."""

    def prefetch(self, dense_queries: Sequence[str]) -> None:
        """Start embedding queries that passages() will be asked for soon (the parts of a question)."""

    def with_best_document(self, passages: list[Passage]) -> list[Passage]: ...

    def articles(self, passages: list[Passage]) -> dict[str, Article]: ...

    def term_stats(self, terms: list[str]) -> TermStats: ...

    def similarities(self, query: str, texts: list[str]) -> list[float]:
        """Meaning-level similarity (cosine of embeddings) of the query to each text."""

    def evidence_at(self, like: Passage, article: Article, span: tuple[int, int]) -> Evidence: ...


class Answerer(Protocol):
    def stream(self, question: str, q: Question, passages: list[Passage], library: Library) -> AnswerStream:
        """question as asked; q the analysed (follow-up resolved) question; passages retrieved for it."""

    def expected_queries(self, q: Question) -> list[str]:
        """Questions it will retrieve for besides q, known before retrieval (embedded early; may be none)."""


def _extractive(_argument: str, _settings, policy) -> Answerer:
    from assistant.answering.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer(policy)


def _llm(_argument: str, settings, policy) -> Answerer:
    from assistant.answering.llm import LLMAnswerer  # deferred: loads langchain's prompt stack

    return LLMAnswerer(settings, policy)


ANSWERERS: Registry[Answerer] = Registry("answerer")
ANSWERERS.add("extractive", _extractive)
ANSWERERS.add("llm", _llm)
