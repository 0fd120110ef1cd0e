"""The material a briefing draws on: the topic's terms, the sentences that cover it, the figures about it.

A sentence is material when it covers MIN_COVERAGE of the topic's terms (IDF-weighted); a figure only
when the clauses around it do, so 全市职工驿站总数增至1289家 is not listed under 新就业形态 because an
earlier clause of its sentence was. Retrieval always returns something: coverage is what decides that
the articles do not cover a topic at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from assistant.answering.citations import Evidence, make_citation
from assistant.answering.harvest import candidate_sentences
from assistant.article import Article
from assistant.figures import countable_figures, figure_window, what_it_counts
from assistant.models import Citation, Passage
from core.errors import ConfigError
from core.names import mentions
from core.numbers import Figure
from core.text import clause_spans, normalize_query, tokenize

IDF = Callable[[str], float]
MIN_COVERAGE = 0.5
MAX_FIGURES = 20
EXAMPLE_TOPICS = ("新就业形态劳动者入会", "职工书屋", "产业工人队伍建设改革", "工会进园区")
ABBREVIATIONS = {"产业工人队伍建设改革": ("产改",)}  # union news names some reforms mostly by short names


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


@dataclass(frozen=True)
class Sentence:
    """A sentence about the topic, with the union it reports on and whether a page break cut its start."""

    ev: Evidence
    coverage: float
    organisation: str
    fragment: bool = False


@dataclass(frozen=True)
class FigureHit:
    """A figure about the topic: the sentence it sits in, and what it counts."""

    sentence: Sentence
    figure: Figure
    counts: str


class Citer:
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


def cut_mid_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] was cut out of a longer run of words (at a chunk's edge, say) rather
    than ending at punctuation: 子职工书屋”账号… out of 电子职工书屋."""
    return (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or (
        end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def relevant_sentences(topic: Topic, passages: list[Passage], docs: dict[str, Article], idf: IDF) -> list[Sentence]:
    """Sentences of the retrieved passages that cover the topic; best first, then whole sentences that
    name a union and carry figures."""
    out = []
    for _rank, ev in candidate_sentences(passages, docs):
        cov = topic.coverage(ev.text, idf)
        if cov >= MIN_COVERAGE:
            doc = docs[ev.passage.source]
            fragment = doc.is_fragment(ev.start) or cut_mid_word(doc.text, ev.start, ev.end)
            out.append((-round(cov, 2), fragment, not any(u for *_, u in mentions(ev.text)),
                        not countable_figures(ev.text),
                        Sentence(ev, cov, doc.organisation_at(ev.start, ev.end), fragment)))
    return [row[-1] for row in sorted(out, key=lambda row: row[:-1])]


def figure_hits(topic: Topic, sentences: list[Sentence], idf: IDF) -> list[FigureHit]:
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
                hits.append(FigureHit(s, f, counts))
    order = list(dict.fromkeys(h.sentence.ev.passage.source for h in hits))
    hits.sort(key=lambda h: (order.index(h.sentence.ev.passage.source), h.sentence.ev.start, h.figure.start))
    return hits[:MAX_FIGURES]
