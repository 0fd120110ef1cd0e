"""Example questions drawn from the store's own articles, each checked by asking it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from assistant.article import Article
from assistant.figures import countable_figures, what_it_counts
from assistant.models import Answer
from core.names import place_of
from core.numbers import unit_class
from core.text import is_prose, split_sentences

# Counted phrases that read as actions, not things ("县级工会争取", "比上年增加"): poor questions.
_ACTIONISH = re.compile(r"争取|荣获|获得|下沉|增加|比上年|要|参加|达成|慰问|评选")
MAX_TRIES = 8  # questions asked at most to find related ones (each is one query embedding)
_OWN_SCOPE = re.compile(r"全市|全县|全区|我市|我县|本市")


def figure_question(organisation: str, counted: str, unit: str) -> str:
    if unit == "%":
        return f"{organisation}{counted}是多少？"
    if unit == "元":
        return f"{organisation}{counted}是多少钱？"
    return f"{organisation}{counted}有多少{unit_class(unit)}？"


def candidates(article: Article):
    """(question, figure as written) for the figure sentences of one article, in reading order."""
    text = article.text
    for s, e in split_sentences(text):
        sentence = text[s:e]
        figures = countable_figures(sentence) if is_prose(sentence) else []
        if not figures:
            continue
        f = figures[0]
        counted = what_it_counts(sentence[: f.start], sentence[f.end:])
        organisation = article.organisation_at(s, e)
        # The sentence must speak of the union's own area (全市…, or its place by name), not the province's.
        own = _OWN_SCOPE.search(sentence) or (organisation and place_of(organisation) in sentence)
        if 2 <= len(counted) <= 12 and organisation and own and not _ACTIONISH.search(counted):
            yield figure_question(organisation, counted, f.unit), f.raw


def _answered(pairs: Iterable[tuple[str, str]], ask: Callable[[str], Answer]) -> Iterator[str]:
    """The questions of (question, figure) pairs that the assistant answers with that very figure."""
    for question, figure in pairs:
        answer = ask(question)
        if not answer.refused and figure in answer.answer:
            yield question


def example_questions(articles: Iterable[Article], ask: Callable[[str], Answer], limit: int = 5,
                      per_article: int = 1) -> list[str]:
    """Up to `limit` questions, at most `per_article` from each article, that the assistant answers with
    the very figure they were made from (so every example shown to staff is known to work)."""
    found: list[str] = []
    for article in articles:
        found += islice(_answered(candidates(article), ask), min(per_article, limit - len(found)))
        if len(found) >= limit:
            break
    return found


def related_questions(articles: Iterable[Article], answered: Answer, ask: Callable[[str], Answer],
                      limit: int = 3, tries: int = MAX_TRIES) -> list[str]:
    """Follow-ups from the articles an answer cites: figures it did not already give, each one asked and
    kept only when the assistant answers it with that figure. At most `tries` questions are asked, so
    the suggestions cost a bounded few embeddings after each answer."""
    fresh = ((q, f) for article in articles for q, f in candidates(article)
             if f not in answered.answer and q != answered.question)
    return list(islice(dict.fromkeys(_answered(islice(fresh, tries), ask)), limit))
