"""Example questions drawn from the store's own articles, each checked by asking it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.article import Article
from assistant.figures import countable_figures, what_it_counts
from assistant.models import Answer
from core.names import place_of
from core.numbers import unit_class
from core.text import is_prose, split_sentences

# Counted phrases that read as actions, not things ("县级工会争取", "比上年增加"): poor questions.
_ACTIONISH = re.compile(r"争取|荣获|获得|下沉|增加|比上年|要|参加|达成|慰问|评选")
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


def example_questions(articles: Iterable[Article], ask: Callable[[str], Answer], limit: int = 5,
                      per_article: int = 1) -> list[str]:
    """Up to `limit` questions, at most `per_article` from each article, that the assistant answers with
    the very figure they were made from (so every example shown to staff is known to work)."""
    found: list[str] = []
    for article in articles:
        kept = 0
        for question, figure in candidates(article):
            answer = ask(question)
            if not answer.refused and figure in answer.answer:
                found.append(question)
                kept += 1
            if kept >= per_article or len(found) >= limit:
                break
        if len(found) >= limit:
            break
    return found
