"""Questions about the article itself: who wrote it, who took its photo, who edited it, when it appeared.

They are answered from the page furniture that never answers anything else: bylines and datelines,
photo captions, editor lines, the publication line.
"""

from __future__ import annotations

import re

from assistant.answering.harvest import furniture
from assistant.answering.policy import AnswerPolicy
from assistant.answering.question import Question
from assistant.article import Article
from core.names import place_stem
from core.text import split_sentences

METADATA_KINDS = ("author", "photo", "editor", "published")
HEADER_LINES = 12  # the publication line sits above the body


def find_byline(q: Question, doc: Article, policy: AnswerPolicy) -> tuple[int, int] | None:
    """The byline of the asked article: a short line naming the asked union (pages that hold several
    articles have one per article, "滨海县总工会 李玲玲"), else the line with the document's author."""
    for s, e in split_sentences(doc.text):
        line = doc.text[s:e]
        if (len(line) <= policy.byline_max_chars and line != doc.title and not re.search(r"[。!！?？]$", line)
                and any(place_stem(ent) in line for ent in q.entities) and re.search(r"\s[\u4e00-\u9fff]{2,3}$", line)):
            return s, e
    # the article's author, else the dateline naming its reporters (本报讯（通讯员 潘悦）)
    return doc.sentence_with(doc.author) or next(
        ((s, e) for s, e in split_sentences(doc.text)[:HEADER_LINES] if _REPORTERS.search(doc.text[s:e])), None)


def _furniture_line(doc: Article, kind: str) -> tuple[int, int] | None:
    """The whole line of the first caption or editor line: "图为…。覃明轩 摄" names its photographer last."""
    start = 0
    for line in doc.text.split("\n"):
        stripped = line.strip()
        if stripped and (furniture(stripped, doc.title) == kind
                         or any(furniture(doc.text[s:e], doc.title) == kind
                                for s, e in split_sentences(doc.text, start, start + len(line)))):
            offset = start + line.index(stripped)
            return offset, offset + len(stripped)
        start += len(line) + 1
    return None


_REPORTERS = re.compile(r"[（(]\s*(?:本报)?(?:记者|通讯员)[^）)]{1,40}[）)]")


def _publication_line(doc: Article) -> tuple[int, int] | None:
    """The header line that carries the article's date (2025年1月10日 / 2025-01-10), else its dateline."""
    if not doc.date:
        return None
    y, m, d = (doc.date.split("-") + ["", ""])[:3]
    written = [doc.date, f"{y}年{int(m)}月{int(d)}日" if m and d else f"{y}年"]
    header = split_sentences(doc.text)[:HEADER_LINES]
    return next(((s, e) for s, e in header if any(w in doc.text[s:e] for w in written)), None)


def metadata_span(q: Question, doc: Article, policy: AnswerPolicy) -> tuple[int, int] | None:
    """The furniture line that answers a question about the article itself, or None."""
    if q.kind == "photo":
        return _furniture_line(doc, "caption")
    if q.kind == "editor":
        return _furniture_line(doc, "editor")
    if q.kind == "published":
        return _publication_line(doc)
    return find_byline(q, doc, policy)
