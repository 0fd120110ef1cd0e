"""A timeline of what happened when: event dates read from the cited sentences (core.dates), relative
ones (去年, 上半年, 4月17日) resolved against the article's date with the working shown; an initiative
whose sentences name no date is placed by its article's date, labelled as such."""

from __future__ import annotations

from assistant.briefing.material import IDF, MIN_COVERAGE, Citer, Sentence, Topic
from assistant.briefing.model import Initiative, TimelineEntry
from assistant.briefing.quiz_text import stem_span
from core.dates import event_dates, published_parts
from core.text import clause_spans, is_prose

MAX_EVENTS = 12
EVENTS_PER_SENTENCE = 2  # 2022年…，2023年…: two events; more is a list of dates, not a story
WHOLE_SENTENCE_CHARS = 90  # a short sentence reads better whole than as a clause without its topic


def _event_text(text: str, start: int, topic: Topic, idf: IDF) -> str:
    """The clauses around a date; the whole sentence when those say nothing of the topic and it is short."""
    spans = clause_spans(text)
    i = next(j for j, (_a, b) in enumerate(spans) if start < b)
    lo, hi = stem_span(spans, i)
    if topic.coverage(text[lo:hi], idf) < MIN_COVERAGE and len(text) <= WHOLE_SENTENCE_CHARS:
        lo, hi = 0, len(text)
    return text[lo:hi].strip()


def _published_key(date: str) -> str:
    parts = published_parts(date)
    return "-".join(f"{v:02d}" if i else f"{v:04d}" for i, v in enumerate(parts)) if parts else ""


def build_timeline(sentences: list[Sentence], overview: tuple[Initiative, ...], topic: Topic, idf: IDF,
                   citer: Citer) -> tuple[TimelineEntry, ...]:
    """Dated events of the topic's sentences in date order; undated initiatives by publication date."""
    events: list[TimelineEntry] = []
    seen: set[tuple[str, str]] = set()
    for s in sentences:
        if s.fragment or not is_prose(s.ev.text) or len(events) >= MAX_EVENTS:
            continue
        for d in event_dates(s.ev.text, s.ev.passage.date)[:EVENTS_PER_SENTENCE]:
            text = _event_text(s.ev.text, d.start, topic, idf)
            if (d.key, text) not in seen:
                seen.add((d.key, text))
                events.append(TimelineEntry(d.key, d.label, s.organisation, text, citer.cite(s.ev), d.resolution))
    dated = {e.citation.source for e in events}
    for ini in overview:
        key = _published_key(ini.date)
        if ini.source not in dated and key and ini.statements:
            best = max(ini.statements, key=lambda st: topic.coverage(st.text, idf))
            events.append(TimelineEntry(key, ini.date, ini.organisation, best.text, best.citation, published=True))
    return tuple(sorted(events, key=lambda e: (e.date, e.published, e.organisation)))
