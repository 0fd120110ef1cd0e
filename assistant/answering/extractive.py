"""The default answerer: picks the source sentences that answer the question and cites each one.

It never writes a figure of its own: every sentence of the answer is a verbatim quote.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from assistant.article import describe_document
from assistant.answering.citations import Evidence, make_citation
from assistant.models import REFUSAL_PREFIX, Answer, Passage
from core.numbers import extract_figures, figure_in_text
from assistant.answering.question import Question, analyse, entities, place_stem
from core.text import split_sentences
from core.text import tokenize

log = logging.getLogger(__name__)

MIN_FOCUS_COVERAGE = 0.5  # share (IDF-weighted) of the asked-about terms the sentence must contain
# ...or this much, when its passage covers nearly the whole question (下一步…: said a sentence earlier)
MIN_FOCUS_WITH_CONTEXT, MIN_CONTEXT = 0.3, 0.75
UNIT_MATCH_BONUS = 0.1  # the asked unit (多少万元 → 元) is itself evidence of topic
MIN_SCORE = 0.55
WINDOW_BEFORE, WINDOW_AFTER = 1500, 300  # where an entity must be named, around the sentence
_UNIT_CLASS = {"名": "人", "位": "人"}
_SCOPES = ("全国", "全省", "全市", "全县", "全区")
MIN_SENTENCE = 8  # shorter lines are headings and bylines, not answers
_HEADING = re.compile(r"[【\[].{0,20}[】\]]")
_BYLINE_MAX = 30
_CLAUSE = re.compile(r"[,，;；。!！?？]")
MIN_COUNTED = 0.3
_FILLER_WORDS = re.compile(r"[\s共计达为约近超余多总合]|合计|总计|其中")
_YEAR_IN_TEXT = re.compile(r"(?:19|20)\d{2}")
_ROLE = re.compile(r"主席|书记|负责人|局长|部长|主任|市长|县长|区长|记者|(?<!工)作者|秘书长")
_ORG = re.compile(r"(?<![全我本该各])([\u4e00-\u9fff]{2,4}[省市县])总工会")


@dataclass(frozen=True)
class DocInfo:
    text: str
    title: str
    date: str
    author: str = ""


@dataclass
class Scored:
    ev: Evidence
    score: float
    focus: float
    context: float
    unit_match: bool = False  # carries a figure in the unit the question asks for

    @property
    def on_topic(self) -> bool:
        needed = MIN_FOCUS_COVERAGE - (UNIT_MATCH_BONUS if self.unit_match else 0.0)
        return self.focus >= needed or (self.focus >= MIN_FOCUS_WITH_CONTEXT and self.context >= MIN_CONTEXT)


def missing_in(q: Question, text: str) -> list[str]:
    """Entities and years the question names that the text never mentions.

    "成都市总工会…" needs that union named, not just the city: an article about 什邡 that
    mentions a training course held in 成都 is no answer about 成都's union.
    """
    missing = []
    for e in q.entities:
        stem = place_stem(e)
        org = rf"{re.escape(stem)}[省市县区]?总工会"
        if re.search(org, q.normalized):
            if not re.search(org, text):
                missing.append(f"{stem}总工会" if stem in text else e)
        elif e not in text and stem not in text:
            missing.append(e)
    return missing + [f"{y}年" for y in q.years if y not in text]


def context_of(ev: Evidence, doc: DocInfo) -> str:
    """Where an entity must be named for this sentence: the title and the text just around it.

    A page can hold several articles (盱眙 then 江阴): a name from another article must not vouch for it.
    """
    around = doc.text[max(0, ev.start - WINDOW_BEFORE): ev.end + WINDOW_AFTER]
    return f"{doc.title}\n{doc.date}\n{around}"


def about_other_org(q: Question, sentence: str) -> bool:
    """Asked about 什邡市总工会, the sentence is about 德阳市总工会 (merely mentioning 什邡 elsewhere)."""
    asked = [place_stem(e) for e in q.entities if re.search(rf"{re.escape(place_stem(e))}[省市县区]?总工会", q.normalized)]
    if not asked:
        return False
    named = [m for m in _ORG.findall(sentence) if entities(m)]
    return bool(named) and not any(re.search(rf"{re.escape(a)}[省市县区]?总工会", sentence) for a in asked)


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
    if any(scope in q.normalized and scope not in ev.text for scope in _SCOPES):
        return None  # 全国 asked, 全市 stated: another scope, not an answer
    if about_other_org(q, ev.text):
        return None
    focus_terms = [t for t in q.focus_terms if len(t) > 1 or index.doc_freq(t)]
    if any(len(t) > 1 for t in focus_terms):  # single characters (要, 新) only count when nothing else is asked
        focus_terms = [t for t in focus_terms if len(t) > 1]
    focus = coverage(focus_terms, ev.text, index)
    context = coverage(q.terms, f"{ev.passage.title}\n{ev.passage.text}", index)
    score = focus + 0.3 * context + 0.05 / (1 + rank)
    asked_figures = [f.raw for f in extract_figures(q.normalized) if f.unit != "年"]
    if asked_figures and all(figure_in_text(f, ev.text) for f in asked_figures):
        score += 0.3  # "72个问题…怎么分的": the sentence with the named figure
    units = _units_of(ev.text)
    wanted = {_UNIT_CLASS.get(u, u) for u in q.units}
    unit_match = bool(wanted & units)
    if unit_match and q.kind != "figure":
        score += 0.3  # "这个数字是哪一年的？" after a 多少家 question: the sentence with that figure
    if q.kind == "figure":
        if (wanted and not unit_match) or not units - {"年"}:
            return None
        if q.counted and not counts_the_asked_thing(q, ev.text, wanted, index):
            return None
        score += 0.2
    elif q.kind == "year" and "年" in units:
        score += 0.2
    elif q.kind == "list" and ev.text.count("、") >= 2:
        score += 0.15  # an enumeration (茶叶、旅游、物业) is what a list question wants
    elif q.kind == "who" and any(r not in ev.text for r in _ROLE.findall(q.normalized)):
        return None  # asked for the 主席, the sentence names nobody in that role
    return Scored(ev, score, focus, context, unit_match)


def counts_the_asked_thing(q: Question, sentence: str, wanted: set[str], index) -> bool:
    """Asked 多少家新就业形态工会: some clause with a 家 figure must be about 新就业形态工会.

    "全市职工驿站总数增至1289家" counts stations, not unions, though its sentence mentions the unions.
    A clause that is only the figure ("共3.12万平方米") names nothing else and passes.
    """
    terms = [t for t in tokenize(q.counted) if len(t) > 1 or index.doc_freq(t)]
    for clause in _CLAUSE.split(sentence):
        figures = [f for f in extract_figures(clause)
                   if (_UNIT_CLASS.get(f.unit, f.unit) in wanted if wanted else f.unit not in ("", "年"))]
        if not figures:
            continue
        rest = _FILLER_WORDS.sub("", clause.replace(figures[0].raw, ""))
        if not rest or coverage(terms, clause, index) >= MIN_COUNTED:
            return True
    return False


def candidate_sentences(passages: list[Passage], docs: dict[str, DocInfo]) -> list[tuple[int, Evidence]]:
    """Sentences of the retrieved passages with exact document offsets, deduplicated across overlaps."""
    seen, out = set(), []
    for rank, p in enumerate(passages):
        text = docs[p.source].text
        for s, e in split_sentences(text, p.start, p.end):
            if (p.source, s) not in seen and e - s >= MIN_SENTENCE and not _HEADING.fullmatch(text[s:e]):
                seen.add((p.source, s))
                out.append((rank, Evidence(p, s, e, text[s:e])))
    return out


def refusal(question: str, missing: list[str], related: list[Passage]) -> Answer:
    missing = list(dict.fromkeys(missing))
    detail = f"（资料未提及：{'、'.join(missing)}）" if missing else ""
    return Answer(question=question, answer=f"{REFUSAL_PREFIX}能回答这个问题的内容{detail}。",
                  refused=True, related=related[:3], missing=missing)


def sentence_with(doc: DocInfo, needle: str, limit: int | None = None) -> tuple[int, int] | None:
    """The first sentence (among the first `limit`) that contains needle: the dateline, the byline."""
    if not needle:
        return None
    return next(((s, e) for s, e in split_sentences(doc.text)[:limit] if needle in doc.text[s:e]), None)


def find_byline(q: Question, doc: DocInfo) -> tuple[int, int] | None:
    """The byline of the asked article: a short line naming the asked union (pages that hold several
    articles have one per article, "滨海县总工会 李玲玲"), else the line with the document's author."""
    for s, e in split_sentences(doc.text):
        line = doc.text[s:e]
        if (len(line) <= _BYLINE_MAX and line != doc.title and not re.search(r"[。!！?？]$", line)
                and any(place_stem(ent) in line for ent in q.entities) and re.search(r"\s[\u4e00-\u9fff]{2,3}$", line)):
            return s, e
    return sentence_with(doc, doc.author)


def evidence_at(index, like: Passage, doc: DocInfo, span: tuple[int, int]) -> Evidence:
    """Evidence for a sentence found outside the retrieved passages, cited with the chunk that holds it."""
    s, e = span
    found = index.chunk_at(like.source, s, e)
    passage = Passage(found[0], like.source, like.title, like.date, found[3], found[1], found[2]) if found else like
    return Evidence(passage, s, e, doc.text[s:e])


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


def combine(question: str, parts: list[tuple[str, Answer]], related: list[Passage]) -> Answer:
    """One answer from per-subject answers, citations renumbered; absent subjects are said to be absent."""
    if all(a.refused for _, a in parts):
        return refusal(question, [m for _, a in parts for m in a.missing], related)
    text, citations = [], []
    for subject, a in parts:
        if a.refused:
            text.append(f"（{REFUSAL_PREFIX}关于{subject}的内容。）")
            continue
        offset = len(citations)
        for c in a.citations:
            passage = Passage(c.chunk_id, c.source, c.title, c.date, c.passage, 0, 0)
            citations.append(make_citation(offset + c.n, Evidence(passage, c.start, c.end, c.quote)))
        text.append(f"{subject}：" + "".join(f"{c.quote}[{c.n}]" for c in citations[offset:]))
    return Answer(question=question, answer="".join(text), refused=False, citations=citations)


def cite(question: str, resolved: str, chosen: list[Evidence], labels: dict[str, str] | None = None) -> Answer:
    """The answer: each quote followed by its marker; labels (source → who) prefix quotes from several articles."""
    citations = [make_citation(i + 1, ev) for i, ev in enumerate(chosen)]
    text = "".join(f"{(labels or {}).get(c.source, '')}{c.quote}[{c.n}]" for c in citations)
    return Answer(question=question, answer=text, refused=False, citations=citations, resolved_question=resolved)


def speaker(doc: DocInfo, ev: Evidence) -> str:
    """Who a sentence reports on: the union it names, else the nearest one named before it, else the title."""
    return describe_document(doc.text, doc.title, doc.date).organisation_at(ev.start, ev.end) or doc.title


def answer_question(question: str, resolved: str, passages: list[Passage], docs: dict[str, DocInfo],
                    index) -> Answer:
    """Answer from the retrieved passages; index is the catalog, for term statistics (idf, doc_freq)."""
    q = analyse(resolved)
    if not q.terms and not q.entities:  # "？", "什么是什么？": nothing to look for
        return refusal(question, [], passages)
    missing_by_doc = {src: missing_in(q, f"{d.title}\n{d.date}\n{d.text}") for src, d in docs.items()}
    usable = [p for p in passages if not missing_by_doc.get(p.source)]
    if not usable:
        return refusal(question, min(missing_by_doc.values(), key=len, default=[]), passages)
    if q.kind == "author":
        doc = docs[usable[0].source]
        byline = find_byline(q, doc)
        if byline is None:
            return refusal(question, [], passages)
        return cite(question, resolved, [evidence_at(index, usable[0], doc, byline)])
    placed = Question(q.text, q.normalized, entities=q.entities)  # years were checked per document above
    candidates = [(rank, ev) for rank, ev in candidate_sentences(usable, docs)
                  if not missing_in(placed, context_of(ev, docs[ev.passage.source]))]
    if not candidates:
        return refusal(question, q.entities, passages)
    scored = [s for rank, ev in candidates
              if (s := score_sentence(q, ev, rank, index)) and s.on_topic]
    scored.sort(key=lambda s: s.score, reverse=True)
    if not scored or scored[0].score < MIN_SCORE:
        return refusal(question, [], passages)
    chosen = [s.ev for s in select(q, scored)]
    if len({ev.passage.source for ev in chosen}) > 1:  # a list across articles: say whose each sentence is
        labels = {ev.passage.source: f"{speaker(docs[ev.passage.source], ev)}：" for ev in chosen}
        return cite(question, resolved, chosen, labels)
    if q.kind == "year" and not _YEAR_IN_TEXT.search(chosen[0].text):
        doc = docs[chosen[0].passage.source]
        line = sentence_with(doc, doc.date[:4], limit=15)
        if line:
            chosen.append(evidence_at(index, chosen[0].passage, doc, line))
    return cite(question, resolved, chosen)
