"""The default answerer: picks the source sentences that answer the question and cites each one.

It never writes a figure of its own: every sentence of the answer is a verbatim quote.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from assistant.citations import Evidence, make_citation
from assistant.models import REFUSAL_PREFIX, Answer, Passage
from assistant.numbers import extract_figures
from assistant.question import Question, analyse, place_stem
from ingest.chunk import split_sentences

log = logging.getLogger(__name__)

MIN_FOCUS_COVERAGE = 0.5  # share (IDF-weighted) of the asked-about terms the sentence must contain
MIN_SCORE = 0.55
_UNIT_CLASS = {"名": "人", "位": "人", "万人": "人"}


@dataclass
class Scored:
    ev: Evidence
    score: float
    focus: float
    reasons: list[str] = field(default_factory=list)


def missing_constraints(q: Question, doc_text: str, title: str, date: str) -> list[str]:
    """Entities and years the question names that the document never mentions."""
    haystack = f"{title}\n{date}\n{doc_text}"
    missing = [e for e in q.entities if e not in haystack and place_stem(e) not in haystack]
    missing += [f"{y}年" for y in q.years if y not in haystack]
    return missing


def coverage(terms: list[str], text: str, index) -> float:
    """IDF-weighted share of terms that occur in text (substring match survives segmentation differences).

    A missing multi-character term earns partial credit for the share of its characters present: a term
    the corpus never contains is usually a segmentation artefact (职工卡发了 → 卡发) and earns more, a
    paraphrase (获得 vs 获) less.
    """
    if not terms:
        return 1.0
    weights = {t: index.idf(t) for t in terms}
    total = sum(weights.values()) or 1.0
    got = 0.0
    for t, w in weights.items():
        if t in text:
            got += w
        elif len(t) > 1:
            share = sum(ch in text for ch in t) / len(t)
            got += (0.6 if not index.doc_freq(t) else 0.4) * w * share
    return got / total


def _units_of(text: str) -> set[str]:
    return {_UNIT_CLASS.get(f.unit, f.unit) for f in extract_figures(text)}


def score_sentence(q: Question, ev: Evidence, rank: int, index) -> Scored | None:
    """A sentence's fitness as an answer, or None when it cannot answer this kind of question."""
    p = ev.passage
    focus = coverage(q.focus_terms, ev.text, index)
    context = coverage(q.terms, f"{p.title}\n{p.text}", index)
    score = focus + 0.3 * context + 0.05 / (1 + rank)
    units = _units_of(ev.text)
    if q.kind == "figure":
        wanted = {_UNIT_CLASS.get(u, u) for u in q.units}
        if wanted and not wanted & units:
            return None
        if not units - {"年"}:
            return None
        score += 0.2
    elif q.kind == "year" and "年" in units:
        score += 0.2
    return Scored(ev, score, focus)


def candidate_sentences(passages: list[Passage], doc_texts: dict[str, str]) -> list[tuple[int, Evidence]]:
    """Sentences of the retrieved passages with exact document offsets, deduplicated across overlaps."""
    seen, out = set(), []
    for rank, p in enumerate(passages):
        text = doc_texts[p.source]
        for s, e in split_sentences(text, p.start, p.end):
            if (p.source, s) not in seen and e - s >= 6:
                seen.add((p.source, s))
                out.append((rank, Evidence(p, s, e, text[s:e])))
    return out


def refusal(question: str, missing: list[str], related: list[Passage]) -> Answer:
    missing = list(dict.fromkeys(missing))
    detail = f"（资料未提及：{'、'.join(missing)}）" if missing else ""
    return Answer(question=question, answer=f"{REFUSAL_PREFIX}能回答这个问题的内容{detail}。",
                  refused=True, related=related[:3], missing=missing)


def dateline(doc_text: str, date: str, passage: Passage) -> Evidence | None:
    """The sentence of the document that states its publication date (for 哪一年 questions)."""
    if not date:
        return None
    year = date[:4]
    for s, e in split_sentences(doc_text)[:12]:
        if year in doc_text[s:e]:
            return Evidence(passage, s, e, doc_text[s:e])
    return None


def select(q: Question, scored: list[Scored]) -> list[Scored]:
    """The sentences to quote: one for most kinds, several (across documents) for lists."""
    best = scored[0]
    if q.kind != "list":
        return [best]
    picked, per_doc = [best], {best.ev.passage.source: 1}
    limit = 2 if q.entities else 1  # "哪些地方…" wants one sentence from each article
    for s in scored[1:]:
        src = s.ev.passage.source
        if len(picked) >= 4 or s.score < 0.8 * best.score or per_doc.get(src, 0) >= limit:
            continue
        picked.append(s)
        per_doc[src] = per_doc.get(src, 0) + 1
    return sorted(picked, key=lambda s: (s.ev.passage.source != best.ev.passage.source, s.ev.passage.source, s.ev.start))


def split_entities(q: Question) -> list[tuple[str, str]]:
    """"什邡和南昌分别建了多少家…" → [("什邡", "什邡分别建了多少家…"), ("南昌", "南昌分别建了多少家…")].

    Only entities joined by a conjunction are split; "南昌工业园区…" names one subject, not two.
    """
    joined = [e for e in q.entities
              if any(re.search(rf"{re.escape(e)}[和与及、跟同]{re.escape(o)}|{re.escape(o)}[和与及、跟同]{re.escape(e)}",
                               q.normalized) for o in q.entities if o != e)]
    if len(joined) < 2:
        return []
    parts = []
    for keep in joined:
        text = q.normalized
        for other in joined:
            if other != keep:
                text = re.sub(rf"[和与及、跟同]?{re.escape(other)}[和与及、]?", "", text)
        parts.append((keep, text))
    return parts


def combine(question: str, parts: list[tuple[str, Answer]], related: list[Passage]) -> Answer:
    """One answer from per-entity answers, citations renumbered; absent entities are said to be absent."""
    if all(a.refused for _, a in parts):
        return refusal(question, [m for _, a in parts for m in a.missing], related)
    text, citations = [], []
    for entity, a in parts:
        if a.refused:
            text.append(f"（{REFUSAL_PREFIX}关于{entity}的内容。）")
            continue
        offset = len(citations)
        for c in a.citations:
            citations.append(make_citation(offset + c.n, Evidence(_passage_of(c), c.start, c.end, c.quote)))
        text.append(f"{entity}：" + "".join(f"{c.quote}[{c.n}]" for c in citations[offset:]))
    return Answer(question=question, answer="".join(text), refused=False, citations=citations)


def _passage_of(c) -> Passage:
    return Passage(c.chunk_id, c.source, c.title, c.date, c.passage, 0, 0)


def answer_question(question: str, resolved: str, passages: list[Passage], docs: dict[str, tuple[str, str, str]],
                    index) -> Answer:
    """docs: source → (cleaned text, title, date); index: the catalog, for term statistics (idf, doc_freq)."""
    q = analyse(resolved)
    texts = {src: d[0] for src, d in docs.items()}
    missing_by_doc = {src: missing_constraints(q, *d) for src, d in docs.items()}
    usable = [p for p in passages if not missing_by_doc.get(p.source)]
    if not usable:
        missing = min(missing_by_doc.values(), key=len, default=[])
        return refusal(question, missing, passages)
    scored = [s for rank, ev in candidate_sentences(usable, texts)
              if (s := score_sentence(q, ev, rank, index)) and s.focus >= MIN_FOCUS_COVERAGE]
    scored.sort(key=lambda s: s.score, reverse=True)
    if not scored or scored[0].score < MIN_SCORE:
        return refusal(question, [], passages)
    chosen = [s.ev for s in select(q, scored)]
    if q.kind == "year" and not re.search(r"(?:19|20)\d{2}", chosen[0].text):
        src = chosen[0].passage.source
        line = dateline(texts[src], docs[src][2], chosen[0].passage)
        if line:
            chosen.append(line)
    citations = [make_citation(i + 1, ev) for i, ev in enumerate(chosen)]
    text = "".join(f"{c.quote}[{c.n}]" for c in citations)
    return Answer(question=question, answer=text, refused=False, citations=citations, resolved_question=resolved)
