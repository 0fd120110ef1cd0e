"""A trainer's briefing on a topic, built only from cited sentences of the ingested articles.

Everything is extractive: overview statements are verbatim sentences, key figures are read out of them,
and quiz items blank a figure or a name out of a cited sentence, so every answer is in its passage.
A sentence is material when it covers MIN_COVERAGE of the topic's terms (IDF-weighted); a figure only
when the clauses around it do, so 全市职工驿站总数增至1289家 is not listed under 新就业形态 because an
earlier clause of its sentence was. Retrieval always returns something: coverage is what decides that
the articles do not cover a topic at all.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable

from assistant.answering.citations import Evidence, make_citation
from assistant.answering.harvest import candidate_sentences
from assistant.article import Article
from assistant.briefing.quiz_text import figure_options, stem_span
from assistant.figures import countable_figures, figure_window, format_figure, what_it_counts
from assistant.models import REFUSAL_PREFIX, Citation, Passage
from core.errors import ConfigError
from core.names import mentions, place_of
from core.numbers import Figure
from core.text import WRITTEN_YEAR, clause_spans, is_prose, normalize_query, tokenize

log = logging.getLogger(__name__)
IDF = Callable[[str], float]
Retrieve = Callable[[str, int], list[Passage]]  # (query, k) → ranked passages
Read = Callable[[list[Passage]], dict[str, Article]]  # passages → their articles by source

MIN_COVERAGE = 0.5
RETRIEVE_K = 24
MAX_INITIATIVES, STATEMENTS_PER_INITIATIVE = 6, 3
MAX_FIGURES, MAX_QUIZ = 20, 10
MIN_STATEMENT_CHARS = 15
BLANK = "＿＿＿＿"  # full-width: in Markdown "____" would become a rule or emphasis
EXAMPLE_TOPICS = ("新就业形态劳动者入会", "职工书屋", "产业工人队伍建设改革", "工会进园区")
ABBREVIATIONS = {"产业工人队伍建设改革": ("产改",)}  # union news names some reforms mostly by short names



@dataclass(frozen=True)
class SourceEntry:
    n: int
    source: str
    title: str
    date: str
    organisation: str


@dataclass(frozen=True)
class Statement:
    text: str  # a verbatim sentence
    citation: Citation


@dataclass(frozen=True)
class Initiative:
    """Who did what, where and when: one union's work as one article reports it."""

    organisation: str
    place: str
    date: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class KeyFigure:
    figure: str  # as written, qualifiers included ("超8000人")
    value: float
    unit: str
    counts: str  # what the figure counts, read from its clause
    organisation: str
    date: str
    citation: Citation


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    organisation: str
    text: str  # the most relevant clauses of the cited sentence, verbatim
    citation: Citation


@dataclass(frozen=True)
class QuizItem:
    kind: str  # "fill" or "choice"
    stem: str  # clauses of the cited sentence with BLANK where the answer was
    answer: str
    options: tuple[str, ...]  # empty for fill-in-the-blank
    citation: Citation

    @property
    def answer_letter(self) -> str:
        return "ABCDEFG"[self.options.index(self.answer)] if self.answer in self.options else ""


@dataclass(frozen=True)
class Briefing:
    topic: str
    no_material: bool
    overview: tuple[Initiative, ...] = ()
    figures: tuple[KeyFigure, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    quiz: tuple[QuizItem, ...] = ()
    sources: tuple[SourceEntry, ...] = ()
    citations: tuple[Citation, ...] = ()  # numbered in order of first use

    @property
    def message(self) -> str:
        if self.no_material:
            return f"{REFUSAL_PREFIX}与“{self.topic}”相关的材料：已入库的文章没有涉及这个主题。"
        return (f"“{self.topic}”：{len(self.overview)} 项工作、{len(self.figures)} 个关键数字、"
                f"{len(self.quiz)} 道测验题，引用 {len(self.sources)} 篇文章。")

    def source_number(self, citation: Citation) -> int:
        return next(s.n for s in self.sources if s.source == citation.source)


@dataclass(frozen=True)
class Topic:
    text: str
    terms: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    def coverage(self, text: str, idf: IDF) -> float:
        """IDF-weighted share of the topic's terms in text; 1 when text uses a short name of the topic.

        Strict, unlike the answerer's coverage: partial credit for a missing term's characters would let
        航天发射 or 医保报销 match 每天/发展/医疗互助保障 in articles that never touch the topic.
        """
        if any(a in text for a in self.aliases):
            return 1.0
        weights = {t: idf(t) for t in self.terms}
        return sum(w for t, w in weights.items() if t in text) / (sum(weights.values()) or 1.0)


def parse_topic(text: str) -> Topic:
    """Content terms of a topic: its multi-character tokens, plus any run of two or more characters they
    leave uncovered (jieba cuts 职工之家 into 职工/家; dropping 家 would leave only 职工, which every article
    has). Single characters count only when there is nothing longer."""
    norm = normalize_query(text or "")
    if not norm:
        raise ConfigError("主题是空的：请给出一个主题，例如 " + "、".join(EXAMPLE_TOPICS))
    tokens = list(dict.fromkeys(tokenize(norm)))
    words = [t for t in tokens if len(t) > 1]
    covered = [False] * len(norm)
    for w in words:
        for m in re.finditer(re.escape(w), norm):
            covered[m.start():m.end()] = [True] * len(w)
    rest = "".join(" " if hit else ch for ch, hit in zip(norm, covered))
    words += [run for run in re.findall(r"[\u4e00-\u9fff]{2,}", rest) if run not in words]
    aliases = tuple(a for full, short in ABBREVIATIONS.items() if full in norm for a in short)
    return Topic(norm, tuple(words) or tuple(tokens), aliases)


# ---------------------------------------------------------------- assembly

@dataclass(frozen=True)
class _Sentence:
    ev: Evidence
    coverage: float
    organisation: str


@dataclass(frozen=True)
class _Blank:
    """Something a quiz item can ask for: a figure or a name, with offsets in the sentence."""

    sentence: _Sentence
    start: int
    end: int
    stem: tuple[int, int]  # the clauses the question shows
    figure: Figure | None = None
    union: bool = False


class _Citer:
    """Numbers citations in order of first use; citing a sentence again reuses its number."""

    def __init__(self) -> None:
        self._by_span: dict[tuple[str, int], Citation] = {}

    def cite(self, ev: Evidence) -> Citation:
        key = (ev.passage.source, ev.start)
        if key not in self._by_span:
            self._by_span[key] = make_citation(len(self._by_span) + 1, ev)
        return self._by_span[key]

    def all(self) -> tuple[Citation, ...]:
        return tuple(self._by_span.values())


def relevant_sentences(topic: Topic, passages: list[Passage], docs: dict[str, Article], idf: IDF) -> list[_Sentence]:
    """Sentences of the retrieved passages that cover the topic; best first, then whole sentences that
    name a union and carry figures."""
    out = []
    for _rank, ev in candidate_sentences(passages, docs):
        cov = topic.coverage(ev.text, idf)
        if cov >= MIN_COVERAGE:
            doc = docs[ev.passage.source]
            out.append((-round(cov, 2), doc.is_fragment(ev.start), not any(u for *_, u in mentions(ev.text)),
                        not countable_figures(ev.text), _Sentence(ev, cov, doc.organisation_at(ev.start, ev.end))))
    return [row[-1] for row in sorted(out, key=lambda row: row[:-1])]


def figure_hits(topic: Topic, sentences: list[_Sentence], idf: IDF) -> list[tuple[_Blank, str]]:
    """Figures whose clauses are about the topic, with what each counts; by article, in reading order."""
    hits = []
    for s in sentences:
        text = s.ev.text
        figures, spans = countable_figures(text), clause_spans(text)
        clause_of = [next(i for i, (_a, b) in enumerate(spans) if f.start < b) for f in figures]
        has_figure = [i in clause_of for i in range(len(spans))]
        for k, (f, i) in enumerate(zip(figures, clause_of)):
            lo, hi = figure_window(text, spans, has_figure, i)
            if topic.coverage(text[lo:hi], idf) >= MIN_COVERAGE:
                prev_end = max([g.end for g in figures[:k]] + [lo])
                nxt = min([g.start for g in figures[k + 1:]] + [spans[i][1]])
                counts = what_it_counts(text[prev_end:f.start], text[f.end:nxt], listed=prev_end > spans[i][0])
                hits.append((_Blank(s, f.start, f.end, stem_span(spans, i, lo, hi), f), counts))
    order = list(dict.fromkeys(b.sentence.ev.passage.source for b, _ in hits))
    hits.sort(key=lambda h: (order.index(h[0].sentence.ev.passage.source), h[0].sentence.ev.start, h[0].start))
    return hits[:MAX_FIGURES]


def build_overview(sentences: list[_Sentence], citer: _Citer) -> tuple[Initiative, ...]:
    """One entry per union and article: its best statements, in reading order."""
    groups: dict[tuple[str, str], list[_Sentence]] = {}
    for s in sentences:
        if is_prose(s.ev.text) and len(s.ev.text) >= MIN_STATEMENT_CHARS:
            groups.setdefault((s.ev.passage.source, s.organisation), []).append(s)
    out = []
    for (_src, org), members in list(groups.items())[:MAX_INITIATIVES]:
        chosen = sorted(members[:STATEMENTS_PER_INITIATIVE], key=lambda s: s.ev.start)
        out.append(Initiative(org, place_of(org), members[0].ev.passage.date,
                              tuple(Statement(s.ev.text, citer.cite(s.ev)) for s in chosen)))
    return tuple(out)


def build_timeline(overview: tuple[Initiative, ...], topic: Topic, idf: IDF) -> tuple[TimelineEntry, ...]:
    """Each initiative's key clauses, dated by a year its sentence names, else by its article."""
    entries = []
    for ini in overview:
        best = max(ini.statements, key=lambda st: topic.coverage(st.text, idf))
        spans = clause_spans(best.text)
        i = max(range(len(spans)), key=lambda j: topic.coverage(best.text[slice(*spans[j])], idf))
        year = WRITTEN_YEAR.search(best.text)
        date = year[1] if year and not ini.date.startswith(year[1]) else ini.date
        if date:
            clause = best.text[slice(*stem_span(spans, i, 0, len(best.text)))]
            entries.append(TimelineEntry(date, ini.organisation, clause, best.citation))
    return tuple(sorted(entries, key=lambda e: e.date))


def name_options(answer: str, pool: list[str], n: int = 3) -> tuple[str, ...]:
    """The answer and up to n other names, those of the same kind (…市 for …市) first; () if fewer than 2."""
    others = sorted((o for o in pool if answer not in o and o not in answer),
                    key=lambda o: (place_of(o)[-1:] != place_of(answer)[-1:], o))[:n]
    return tuple(sorted([answer, *others])) if len(others) >= 2 else ()


def quiz_item(b: _Blank, choice: bool, figures: list[Figure], names: dict[bool, list[str]],
              citation: Citation) -> QuizItem:
    """Blank the answer out of the stem; multiple choice when there are distractors of its kind."""
    text = b.sentence.ev.text
    answer, options = text[b.start:b.end], ()
    if choice and b.figure is not None:
        shown = format_figure(b.figure.value, b.figure.unit)
        if answer.endswith(shown):  # blank only the number, so a qualifier such as 超 stays in the stem
            answer, options = shown, figure_options(b.figure, figures)
    elif choice:
        options = name_options(answer, names[b.union])
    stem = text[b.stem[0]:b.end - len(answer)] + BLANK + text[b.end:b.stem[1]]
    return QuizItem("choice" if options else "fill", stem, answer, options, citation)


def name_blank(s: _Sentence) -> _Blank | None:
    """The first union a sentence names, else its first place, as something to ask about."""
    found = sorted(mentions(s.ev.text), key=lambda e: not e[2])
    if not found:
        return None
    offset, name, union = found[0]
    spans = clause_spans(s.ev.text)
    i = next(j for j, (_a, b) in enumerate(spans) if offset < b)
    return _Blank(s, offset, offset + len(name), stem_span(spans, i, 0, len(s.ev.text)), union=union)


def build_quiz(blanks: list[_Blank], docs: dict[str, Article], citer: _Citer, limit: int) -> tuple[QuizItem, ...]:
    """Up to `limit` items alternating multiple choice and fill-in; one per sentence until every sentence
    has one, so the quiz spreads over the material."""
    figures = [f for d in docs.values() for f in countable_figures(d.text)]
    names = {True: list(dict.fromkeys(u for d in docs.values() for u in d.unions)),
             False: list(dict.fromkeys(p for d in docs.values() for p in d.places))}
    fresh, repeats, seen = [], [], set()
    for b in blanks:
        (repeats if b.sentence.ev in seen else fresh).append(b)
        seen.add(b.sentence.ev)
    chosen = (fresh + repeats)[:limit]
    return tuple(quiz_item(b, i % 2 == 0, figures, names, citer.cite(b.sentence.ev)) for i, b in enumerate(chosen))


def build_briefing(topic: str, retrieve: Retrieve, read: Read, idf: IDF, k: int = RETRIEVE_K,
                   quiz_items: int = MAX_QUIZ) -> Briefing:
    """The briefing on `topic` from what `retrieve` finds; no_material=True when no sentence covers it."""
    t = parse_topic(topic)
    passages = retrieve(" ".join((t.text, *t.aliases)), k)
    docs = read(passages)
    sentences = relevant_sentences(t, passages, docs, idf)
    if not sentences:
        log.info("no sentence covers %r; nearest passages: %s", t.text, [p.source for p in passages[:3]])
        return Briefing(t.text, no_material=True)
    citer = _Citer()
    overview = build_overview(sentences, citer)
    hits = figure_hits(t, sentences, idf)
    figures = tuple(KeyFigure(b.figure.raw, b.figure.value, b.figure.unit, counts, b.sentence.organisation,
                              b.sentence.ev.passage.date, citer.cite(b.sentence.ev)) for b, counts in hits)
    timeline = build_timeline(overview, t, idf)
    names = [b for s in sentences if (b := name_blank(s))]
    quiz = build_quiz([b for b, _ in hits] + names, docs, citer, quiz_items)
    citations = citer.all()
    sources = tuple(SourceEntry(i + 1, src, docs[src].title, docs[src].date, (docs[src].unions or [""])[0])
                    for i, src in enumerate(dict.fromkeys(c.source for c in citations)))
    return Briefing(t.text, False, overview, figures, timeline, quiz, sources, citations)
