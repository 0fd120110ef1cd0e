"""Admit documents, then check places: the entities and years a question names must be in the evidence."""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.answering.citations import Evidence
from assistant.answering.policy import AnswerPolicy
from assistant.answering.question import Question
from assistant.article import Article
from assistant.models import Passage
from core.names import place_stem, union_pattern


def missing_in(q: Question, text: str, years: bool = True) -> list[str]:
    """Entities (and years) the question names that the text never mentions.

    "成都市总工会…" needs that union named, not just the city: an article about 什邡 that
    mentions a training course held in 成都 is no answer about 成都's union.
    """
    missing = []
    for e in q.entities:
        stem = place_stem(e)
        org = union_pattern(stem)
        if re.search(org, q.normalized):
            if not re.search(org, text):
                missing.append(f"{stem}总工会" if stem in text else e)
        elif e not in text and stem not in text:
            missing.append(e)
    return missing + ([f"{y}年" for y in q.years if y not in text] if years else [])


def admit_documents(q: Question, passages: list[Passage], docs: Mapping[str, Article]
                    ) -> tuple[list[Passage], list[str]]:
    """The passages of documents that name everything asked (title, date and text count), and, when none
    does, what the closest document lacks."""
    missing_by_doc = {src: missing_in(q, f"{d.title}\n{d.date}\n{d.text}") for src, d in docs.items()}
    usable = [p for p in passages if not missing_by_doc.get(p.source)]
    if usable:
        return usable, []
    return [], min(missing_by_doc.values(), key=len, default=[])


def context_of(ev: Evidence, doc: Article, policy: AnswerPolicy) -> str:
    """Where an entity must be named for this sentence: the title and the text just around it.

    A page can hold several articles (盱眙 then 江阴): a name from another article must not vouch for it.
    """
    around = doc.text[max(0, ev.start - policy.window_before): ev.end + policy.window_after]
    return f"{doc.title}\n{doc.date}\n{around}"


def placed(q: Question, candidates: list[tuple[int, Evidence]], docs: Mapping[str, Article],
           policy: AnswerPolicy) -> list[tuple[int, Evidence]]:
    """The candidates whose surroundings name every asked entity (years were checked per document)."""
    return [(rank, ev) for rank, ev in candidates
            if not missing_in(q, context_of(ev, docs[ev.passage.source], policy), years=False)]
