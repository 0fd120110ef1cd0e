"""A trainer's briefing on a topic, built only from cited sentences of the ingested articles.

Everything is extractive: overview statements are verbatim sentences, key figures are read out of them,
the timeline's events are dated by the text, and quiz items blank a figure or a name out of a cited
sentence, so every answer is in its passage. The steps are named modules: material (the sentences and
figures about the topic), timeline, comparison, quiz; this one puts them together.
"""

from __future__ import annotations

import logging
from typing import Callable

from assistant.article import Article
from assistant.briefing.comparison import build_comparison
from assistant.briefing.material import IDF, Citer, Sentence, figure_hits, parse_topic, relevant_sentences
from assistant.briefing.model import Briefing, Initiative, KeyFigure, SourceEntry, Statement
from assistant.briefing.quiz import MAX_QUIZ, Ask, build_quiz
from assistant.briefing.timeline import build_timeline
from assistant.models import Passage
from core.names import place_of
from core.text import is_prose

log = logging.getLogger(__name__)
Retrieve = Callable[[str, int], list[Passage]]  # (query, k) → ranked passages
Read = Callable[[list[Passage]], dict[str, Article]]  # passages → their articles by source
Publisher = Callable[[str], str]  # source → the site or union that published it ("" if unknown)

RETRIEVE_K = 24
MAX_INITIATIVES, STATEMENTS_PER_INITIATIVE = 6, 3
MIN_STATEMENT_CHARS = 15


def build_overview(sentences: list[Sentence], citer: Citer) -> tuple[Initiative, ...]:
    """One entry per union and article: its best statements, in reading order."""
    groups: dict[tuple[str, str], list[Sentence]] = {}
    for s in sentences:
        if is_prose(s.ev.text) and len(s.ev.text) >= MIN_STATEMENT_CHARS and not s.fragment:
            groups.setdefault((s.ev.passage.source, s.organisation), []).append(s)
    out = []
    for (src, org), members in list(groups.items())[:MAX_INITIATIVES]:
        chosen = sorted(members[:STATEMENTS_PER_INITIATIVE], key=lambda s: s.ev.start)
        out.append(Initiative(org, place_of(org), members[0].ev.passage.date,
                              tuple(Statement(s.ev.text, citer.cite(s.ev)) for s in chosen), src))
    return tuple(out)


def build_briefing(topic: str, retrieve: Retrieve, read: Read, idf: IDF, k: int = RETRIEVE_K,
                   quiz_items: int = MAX_QUIZ, ask: Ask | None = None,
                   publisher: Publisher = lambda source: "") -> Briefing:
    """The briefing on `topic` from what `retrieve` finds; no_material=True when no sentence covers it.
    ask: the assistant, to keep only quiz questions it answers with the cited fact."""
    t = parse_topic(topic)
    passages = retrieve(" ".join((t.text, *t.aliases)), k)
    docs = read(passages)
    sentences = relevant_sentences(t, passages, docs, idf)
    if not sentences:
        log.info("no sentence covers %r; nearest passages: %s", t.text, [p.source for p in passages[:3]])
        return Briefing(t.text, no_material=True)
    citer = Citer()  # sections cite in the order the exports show them, so numbers run in reading order
    overview = build_overview(sentences, citer)
    hits = figure_hits(t, sentences, idf)
    figures = tuple(KeyFigure(h.figure.raw, h.figure.value, h.figure.unit, h.counts, h.sentence.organisation,
                              h.sentence.ev.passage.date, citer.cite(h.sentence.ev)) for h in hits)
    comparison = build_comparison(hits, citer)
    timeline = build_timeline(sentences, overview, t, idf, citer)
    quiz = build_quiz(hits, sentences, docs, citer, ask, quiz_items)
    citations = citer.all()
    sources = tuple(SourceEntry(i + 1, src, docs[src].title, docs[src].date, (docs[src].unions or [""])[0],
                                publisher(src))
                    for i, src in enumerate(dict.fromkeys(c.source for c in citations)))
    return Briefing(t.text, False, overview, figures, timeline, quiz, sources, citations, comparison)
