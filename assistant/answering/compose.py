"""Compose: the answer text from quoted sentences and their [n] markers, or a refusal that says why."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answering.citations import Evidence, make_citation
from assistant.answering.question import Question
from assistant.article import Article
from assistant.models import REFUSAL_PREFIX, Answer, Passage
from core.text import YEAR_IN_TEXT

# Where an answer sentence ends inside a quote: after 。！？；, or after the closing quote that follows them.
_SENTENCE_BREAK = re.compile(r"(?<=[。！？!?；;])(?![”’」』）)])|(?<=[。！？!?；;][”’」』）)])")


def refusal(question: str, missing: list[str], related: list[Passage], reason: str = "") -> Answer:
    """资料中没有找到…: names what the evidence lacks; the nearest passages come back as related reading."""
    missing = list(dict.fromkeys(missing))
    detail = f"（资料未提及：{'、'.join(missing)}）" if missing else ""
    return Answer(question=question, answer=f"{REFUSAL_PREFIX}能回答这个问题的内容{detail}。",
                  refused=True, related=related[:3], missing=missing, refusal_reason=reason)


def cite(question: str, resolved: str, chosen: list[Evidence], labels: dict[str, str] | None = None) -> Answer:
    """Each quote followed by its marker; labels (source → who) prefix quotes from several articles."""
    citations = [make_citation(i + 1, ev) for i, ev in enumerate(chosen)]
    text = "".join(f"{(labels or {}).get(c.source, '')}{marked(c.quote, c.n)}" for c in citations)
    return Answer(question=question, answer=text, refused=False, citations=citations, resolved_question=resolved)


def marked(quote: str, n: int) -> str:
    """The quote with its marker after each of its sentences: a quote may span two ("……”王海涛说。")."""
    return "".join(f"{part}[{n}]" for part in _SENTENCE_BREAK.split(quote) if part)


def speaker_labels(chosen: list[Evidence], docs: dict[str, Article]) -> dict[str, str]:
    """Who each article's sentence reports on: the union it names, else the nearest one named before it,
    else the title."""
    return {ev.passage.source: f"{docs[ev.passage.source].organisation_at(ev.start, ev.end) or docs[ev.passage.source].title}："
            for ev in chosen}


def combine(question: str, parts: list[tuple[str, Answer]], related: Callable[[], list[Passage]]) -> Answer:
    """One answer from per-subject answers, citations renumbered; absent subjects are said to be absent.
    related: the refusal's related reading, read only if every part is refused."""
    if all(a.refused for _, a in parts):
        reasons = "；".join(f"{a.refusal_reason}（{subject}）" for subject, a in parts if a.refusal_reason)
        return refusal(question, [m for _, a in parts for m in a.missing], related(), reasons)
    text, citations = [], []
    for subject, a in parts:
        if a.refused:
            text.append(f"（{REFUSAL_PREFIX}关于{subject}的内容。）")
            continue
        offset = len(citations)
        for c in a.citations:
            passage = Passage(c.chunk_id, c.source, c.title, c.date, c.passage, 0, 0)
            citations.append(make_citation(offset + c.n, Evidence(passage, c.start, c.end, c.quote)))
        text.append(f"{subject}：" + "".join(marked(c.quote, c.n) for c in citations[offset:]))
    return Answer(question=question, answer="".join(text), refused=False, citations=citations)


def needs_date_line(q: Question, chosen: list[Evidence]) -> bool:
    """A year question answered by a sentence that names no year: the page's dateline must say it."""
    return q.kind == "year" and not YEAR_IN_TEXT.search(chosen[0].text)
