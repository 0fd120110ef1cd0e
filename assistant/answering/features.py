"""Features of a candidate sentence, and its score: pure functions of the question, the sentence and the
question's term statistics (read once per question, no store needed)."""

from __future__ import annotations

import re

from dataclasses import dataclass
from functools import lru_cache

from assistant.answering.citations import Evidence
from assistant.answering.policy import AnswerPolicy
from assistant.answering.question import Question, entities
from core.names import place_stem
from core.numbers import extract_figures, figure_in_text, unit_class
from core.synonyms import alternatives
from core.text import CLAUSE_BREAK, TermStats, tokenize


def coverage(terms: list[str], text: str, stats: TermStats, policy: AnswerPolicy) -> float:
    """IDF-weighted share of terms that occur in text (substring match survives segmentation differences).

    A missing multi-character term earns partial credit for the share of its characters present: a term
    the corpus never contains is usually a segmentation artefact (职工卡发了 → 卡发) and earns more, a
    paraphrase (获得 vs 获) less. A word union news uses for it (惠及 for 覆盖) earns nearly full credit.
    """
    if not terms:
        return 1.0
    weights = {t: stats.idf(t) for t in terms}
    total = sum(weights.values()) or 1.0
    got = 0.0
    # 负责人 found as 主席 also stands for its pieces 负责 / 责人 (the tokenizer emits all three)
    said_otherwise = [t for t in weights if t not in text and any(alt in text for alt in alternatives(t))]
    for t, w in weights.items():
        if t in text:
            got += w
        elif any(t in s for s in said_otherwise):
            got += policy.synonym_credit * w
        elif len(t) > 1:
            share = sum(ch in text for ch in t) / len(t)
            credit = policy.partial_unknown_term if not stats.doc_freq(t) else policy.partial_known_term
            got += credit * w * share
    return got / total


def question_terms(q: Question) -> list[str]:
    """Every term whose statistics scoring this question reads."""
    return list(dict.fromkeys([*q.terms, *q.focus_terms, *tokenize(q.counted)]))


# 每季度, 每两年, 每月一次: a frequency, the answer to 多久一次.
_EVERY = re.compile(r"每(?:隔)?[一二两三四五六七八九十半\d]*个?(?:季度|年|月|周|星期|天|日|学期|小时)")


def sentence_units(text: str) -> set[str]:
    units = {unit_class(f.unit) for f in extract_figures(text)}
    return units | {"频次"} if _EVERY.search(text) else units


def asked_units(q: Question) -> set[str]:
    return {unit_class(u) for u in q.units}


def focus_terms(q: Question, stats: TermStats) -> list[str]:
    """The asked-about terms that count: single characters (要, 新) only when nothing longer is asked."""
    terms = [t for t in q.focus_terms if len(t) > 1 or stats.doc_freq(t)]
    if any(len(t) > 1 for t in terms):
        terms = [t for t in terms if len(t) > 1]
    return terms


@dataclass(frozen=True)
class Features:
    """What scoring knows about one candidate sentence."""

    focus: float  # coverage of the asked-about terms by the sentence
    context: float  # coverage of all question terms by the sentence's passage and title
    rank: int  # of its passage in retrieval
    names_asked_figures: bool  # holds every figure the question names
    unit_match: bool  # carries a figure in the unit the question asks for
    has_year: bool
    enumeration: bool  # lists several things (茶叶、旅游、物业)
    semantic: float = 0.0  # cosine similarity of question and sentence embeddings
    semantic_gap: float = 0.0  # how far below the most similar candidate (≥ 0)
    figure_clause: float = 0.0  # coverage of the asked-about terms by the best clause holding an asked figure


_PLACE_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:省|市|县|区|镇|乡|街道)$")


def foreign_row(q: Question, ev: Evidence) -> bool:
    """A table row about a place the question does not ask about: 宜都市's row does not answer for 宜昌."""
    if not ev.heading:
        return False
    places = _label_places(re.split(r"[：:]", ev.text, maxsplit=1)[0].strip())
    return bool(places) and not any(place_stem(p) in q.normalized for p in places)


@lru_cache(maxsize=4096)
def _label_places(label: str) -> tuple[str, ...]:
    """The places a row label names; cached, since each candidate row is read by scoring and by vetoes."""
    return tuple(entities(label)) or ((label,) if _PLACE_LABEL.search(label) else ())


def row_heading(q: Question, ev: Evidence) -> str:
    """The caption of the table a row belongs to, which names what its cells count (none for a foreign row)."""
    return "" if foreign_row(q, ev) else ev.heading


def figure_clause(q: Question, terms: list[str], heading: str, text: str, stats: TermStats,
                  policy: AnswerPolicy) -> float:
    """How well the clause that carries a figure of the asked unit says what was asked: "发放补贴资金1320万元"
    answers 发放了多少补贴资金 better than "高级技师3000元" in a sentence that also mentions 补贴."""
    wanted = asked_units(q)
    best = 0.0
    for clause in CLAUSE_BREAK.split(text):
        if any(f.unit not in ("", "年") and (not wanted or unit_class(f.unit) in wanted) for f in extract_figures(clause)):
            best = max(best, coverage(terms, f"{heading}\n{clause}", stats, policy))
    return best


def sentence_features(q: Question, ev: Evidence, rank: int, stats: TermStats, policy: AnswerPolicy,
                      semantic: float = 0.0, best_semantic: float = 0.0) -> Features:
    units = sentence_units(ev.text)
    asked_figures = [f.raw for f in extract_figures(q.normalized) if f.unit != "年"]
    terms = focus_terms(q, stats)
    foreign = foreign_row(q, ev)
    heading = "" if foreign else ev.heading
    return Features(
        focus=coverage(terms, f"{heading}\n{ev.text}", stats, policy),
        figure_clause=(figure_clause(q, terms, heading, ev.text, stats, policy)
                       if q.kind == "figure" and not foreign else 0.0),
        context=coverage(q.terms, f"{ev.passage.title}\n{ev.passage.text}", stats, policy),
        rank=rank,
        names_asked_figures=bool(asked_figures) and all(figure_in_text(f, ev.text) for f in asked_figures),
        unit_match=bool(asked_units(q) & units),
        has_year="年" in units,
        enumeration=ev.text.count("、") >= policy.enumeration_commas,
        semantic=semantic,
        semantic_gap=max(0.0, best_semantic - semantic),
    )


def score(kind: str, f: Features, policy: AnswerPolicy) -> float:
    """Lexical fit plus the bonuses this kind of question gives."""
    total = f.focus + policy.context_weight * f.context + policy.rank_weight / (1 + f.rank)
    total += policy.semantic_weight * max(0.0, f.semantic - policy.semantic_floor) / (1 - policy.semantic_floor)
    total += policy.figure_clause_weight * f.figure_clause
    if f.names_asked_figures:
        total += policy.named_figure_bonus
    if f.unit_match and kind != "figure":
        total += policy.unit_bonus
    if kind == "figure":
        total += policy.figure_bonus
    elif kind == "year" and f.has_year:
        total += policy.year_bonus
    elif kind == "list" and f.enumeration:
        total += policy.list_bonus
    return total
