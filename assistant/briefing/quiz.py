"""A quiz from the cited sentences: multiple choice, fill-in and true/false, each answerable on its own.

Rules, each because a trainer found the opposite in a draft: a blank never splits a word (jieba) nor
starts in a sentence a page break cut (积人均不足… out of 面积); a stem carries its clauses' context
and, when it names no union or place, says whose report it is; one question per sentence and per fact,
so no question gives another's answer away; distractors share the answer's unit and magnitude, from
other articles first, never equal to it. Finally each question is asked back through the assistant and
kept only when the answer gives the cited figure or name (`ask`; skipped when None).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from assistant.article import Article
from assistant.briefing.material import Citer, FigureHit, Sentence
from assistant.briefing.model import BLANK, FALSE, TRUE, QuizItem
from assistant.briefing.quiz_text import figure_options, on_word_bounds, stem_span
from assistant.figures import countable_figures, format_figure
from assistant.models import Answer
from core.names import mentions, place_of
from core.numbers import Figure, figure_in_text, unit_class
from core.text import clause_spans, is_prose

log = logging.getLogger(__name__)
Ask = Callable[[str], Answer]

MAX_QUIZ = 10
QUIZ_STEM_CHARS = 30  # shorter stems (建职工书屋的占＿＿) cannot be answered without their sentence
KINDS = ("choice", "fill", "judge")  # rotated so a quiz mixes all three


@dataclass(frozen=True)
class Blank:
    """Something a question can ask for: a figure or a name at [start, end) of its sentence."""

    sentence: Sentence
    start: int
    end: int
    figure: Figure | None = None
    union: bool = False

    @property
    def text(self) -> str:
        return self.sentence.ev.text[self.start:self.end]

    def fact_key(self) -> tuple:
        """Two questions on the same figure or the same name test the same fact."""
        if self.figure is not None:
            return round(self.figure.value, 6), unit_class(self.figure.unit)
        return (self.text,)


def name_blank(s: Sentence) -> Blank | None:
    """The first union a sentence names, else its first place, as something to ask about."""
    found = sorted(mentions(s.ev.text), key=lambda e: not e[2])
    if not found:
        return None
    offset, name, union = found[0]
    return Blank(s, offset, offset + len(name), union=union)


def figure_blank(hit: FigureHit) -> Blank:
    return Blank(hit.sentence, hit.figure.start, hit.figure.end, hit.figure)


def _stem(b: Blank) -> tuple[int, int]:
    spans = clause_spans(b.sentence.ev.text)
    i = next(j for j, (_a, e) in enumerate(spans) if b.start < e)
    return stem_span(spans, i, QUIZ_STEM_CHARS)


def _context(stem: str, s: Sentence) -> str:
    """Whose report a stem is from, when it names no union or place itself."""
    org = s.organisation
    if not org or org in stem or place_of(org) in stem or any(True for _ in mentions(stem)):
        return ""
    year = s.ev.passage.date[:4]
    return f"（{org}{'，' + year + '年' if year else ''}）"


def usable(b: Blank) -> bool:
    """A blank on word boundaries in a whole sentence: one a page break cut at either end is not."""
    text = b.sentence.ev.text
    return not b.sentence.fragment and is_prose(text) and on_word_bounds(text, b.start, b.end)


def name_options(answer: str, pool: list[str], n: int = 3) -> tuple[str, ...]:
    """The answer and up to n other names, those of the same kind (…市 for …市) first; () if fewer than 2."""
    others = sorted((o for o in pool if answer not in o and o not in answer),
                    key=lambda o: (place_of(o)[-1:] != place_of(answer)[-1:], o))[:n]
    return tuple(sorted([answer, *others])) if len(others) >= 2 else ()


def make_item(b: Blank, kind: str, pool: list[Figure], names: list[str], citer: Citer,
              false: bool = False) -> QuizItem | None:
    """One question of `kind` on blank b, or None when b cannot make that kind (a name has no true/false
    variant, a choice needs distractors). false: a true/false item states a distractor instead."""
    text = b.sentence.ev.text
    lo, hi = _stem(b)
    start, answer, options = b.start, b.text, ()
    end = b.end
    if b.figure is not None and kind != "fill":
        # Options are written as format_figure writes them; blank only that part, so a qualifier such as
        # 超 or 以上 stays in the stem. A figure written otherwise (百分之七十) can only be filled in.
        shown = format_figure(b.figure.value, b.figure.unit)
        at = answer.find(shown)
        if at < 0:
            return None
        start, end, answer = b.start + at, b.start + at + len(shown), shown
        options = figure_options(b.figure, pool)
    elif kind == "choice":
        options = name_options(answer, names)
    if kind != "fill" and len(options) < 3:
        return None
    context = _context(text[lo:hi], b.sentence)
    citation = citer.cite(b.sentence.ev)
    if kind == "judge":
        shown_value = next(o for o in options if o != answer) if false else answer
        stem = context + text[lo:start] + shown_value + text[end:hi]
        return QuizItem("judge", stem, FALSE if false else TRUE, (TRUE, FALSE), citation, answer)
    stem = context + text[lo:start] + BLANK + text[end:hi]
    return QuizItem(kind, stem, answer, options, citation, answer)


def question_for(b: Blank) -> str:
    """The blank as a question to the assistant: 多少… for a figure, 哪个工会 / 哪里 for a name, with
    the union whose report it is when the clauses do not name one."""
    if b.figure is not None:
        wanted = "多少" + ("" if b.figure.unit == "%" else b.figure.unit)
    else:
        wanted = "哪个工会" if b.union else "哪里"
    text = b.sentence.ev.text
    lo, hi = _stem(b)
    question = (text[lo:b.start] + wanted + text[b.end:hi]).strip("，,。； ")
    org = b.sentence.organisation
    if _context(question, b.sentence) and org:
        question = f"{org}{question}"
    return question + "？"


def answered_with(answer: Answer, fact: str, figure: bool) -> bool:
    """Whether the assistant's answer gives the fact and cites a sentence that states it."""
    if answer.refused:
        return False
    found = figure_in_text if figure else (lambda f, t: f in t)
    return found(fact, answer.answer) and any(found(fact, c.quote) for c in answer.citations)


def build_quiz(hits: list[FigureHit], sentences: list[Sentence], docs: dict[str, Article], citer: Citer,
               ask: Ask | None = None, limit: int = MAX_QUIZ) -> tuple[QuizItem, ...]:
    """Up to `limit` verified questions, rotating through KINDS, one per sentence and per fact."""
    blanks = [figure_blank(h) for h in hits] + [b for s in sentences if (b := name_blank(s))]
    names = list(dict.fromkeys(n for d in docs.values() for n in (*d.unions, *d.places)))
    items: list[QuizItem] = []
    used_sentences: set[tuple[str, int]] = set()
    used_facts: set[tuple] = set()
    for b in blanks:
        where = (b.sentence.ev.passage.source, b.sentence.ev.start)
        if len(items) >= limit or where in used_sentences or b.fact_key() in used_facts or not usable(b):
            continue
        pool = [f for src, d in docs.items() if src != where[0] for f in countable_figures(d.text)]
        pool += countable_figures(docs[where[0]].text)  # the cited article's own figures last
        # …but none its sentence states: 行业性合同96份、区域性合同96份 would be a riddle, not a question.
        stated = {(f.value, unit_class(f.unit)) for f in countable_figures(b.sentence.ev.text)}
        pool = [f for f in pool if (f.value, unit_class(f.unit)) not in stated]
        names_of_kind = [n for n in names if (n.endswith("工会")) == b.union]
        kind = next((k for k in _kinds_from(len(items)) if make_item(b, k, pool, names_of_kind, Citer())), None)
        if kind is None or (ask is not None and not answered_with(ask(question_for(b)), b.text,
                                                                  b.figure is not None)):
            log.info("quiz: left out %r, not answered back (%s)", b.text, question_for(b))
            continue
        judged = sum(q.kind == "judge" for q in items)
        items.append(make_item(b, kind, pool, names_of_kind, citer, false=judged % 2 == 0))  # half false
        used_sentences.add(where)
        used_facts.add(b.fact_key())
    return tuple(items)


def _kinds_from(i: int) -> tuple[str, ...]:
    """KINDS starting at the i-th, so consecutive questions differ in kind where they can."""
    return KINDS[i % len(KINDS):] + KINDS[:i % len(KINDS)]

