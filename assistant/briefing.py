"""A trainer's briefing on a topic, built only from cited sentences of the ingested articles.

Everything is extractive. Overview statements are verbatim sentences; key figures are read out of
them; quiz items blank a figure or a union's name out of a cited sentence, so every answer is in
the passage it cites. Relevance is the answerer's IDF-weighted topic-term coverage: a sentence is
material when it covers at least MIN_COVERAGE of the topic, and a figure only when the clauses
around it do, so "全市职工驿站总数增至1289家" is not listed under 新就业形态 just because the
same sentence mentions 新就业形态 earlier. Retrieval always returns something; the coverage
threshold is what decides that a topic is not covered at all.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg as pseg

from assistant.citations import Evidence, make_citation
from assistant.extractive import candidate_sentences
from assistant.models import REFUSAL_PREFIX, Citation, Passage
from assistant.numbers import Figure, extract_figures, same_figure
from ingest.chunk import split_sentences
from ingest.clean import normalize_query
from ingest.errors import ConfigError
from vectorstore.catalog import tokenize

log = logging.getLogger(__name__)

MIN_COVERAGE = 0.5
RETRIEVE_K = 24
MAX_INITIATIVES = 6
STATEMENTS_PER_INITIATIVE = 3
MAX_FIGURES = 20
MAX_QUIZ = 10
MIN_STATEMENT_CHARS = 15
MIN_STEM_CHARS = 20
BLANK = "＿＿＿＿"  # full-width: survives Markdown, where "____" would become a rule or emphasis
EXAMPLE_TOPICS = ("新就业形态劳动者入会", "职工书屋", "产业工人队伍建设改革", "工会进园区")
# Union news writes some reforms almost only by their short names.
ABBREVIATIONS = {"产业工人队伍建设改革": ("产改",)}

_CLAUSE_SEP = re.compile(r"[，；：;]|(?<!\d)[,:]|[,:](?!\d)")
_PROSE_END = re.compile(r"[。！？!?；;][”’」』）)》\"']*$")
_QUOTED = re.compile(r"“[^”]{0,24}”|「[^」]{0,24}」")
_THRESHOLD_BEFORE = re.compile(r"(?:不足|不到|少于|低于|未满|不超过)$")
_SCOPE = re.compile(r"^(?:截至目前|截至|目前|近一年来|近年来|近日|今年|去年|上半年|下半年|年初|年底|全市|全县|全区|全省|全国"
                    r"|我市|我县|我区|当地|已经|已|共|累计|还|并|同时|其中|在|针对|对|据统计|据调查|多方)+")
_ACTION = re.compile(r"建立|新建|组建|建成|成立|吸纳|发展|添置|更新|培训|推荐|慰问|筹集|投入|投资|补助|返还|发放|开展|举办"
                     r"|打造|设立|吸引|覆盖|评选|表彰|完成|推广|签订|招录|选派|帮助|新增|创建|共有|拥有|梳理出|建设")
_COPULA = re.compile(r"达到|增加到|增至|保持在|超过|突破|共计|总计|达|为|是|占")
_HEAD_END = re.compile(rf"的|\d|[、，,。；]|实现|开放|显示|参加|获得|学习|{_ACTION.pattern}|{_COPULA.pattern}")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:省|市|县|区|州|旗|镇|乡)$")
_NOT_PLACE = re.compile(r"^[全我各本该省市县区]|(?:园区|社区|小区|景区|城区|辖区|片区|厂区|矿区|校区)$")
# Words jieba tags as place names that news text mostly uses otherwise (新建工会32家, 市总工会和县区工会).
_FALSE_PLACES = frozenset({"新建", "组建", "筹建", "和县"})
_BYLINE_CHARS = 30  # "滨海县总工会 李玲玲": a short line naming a union opens a section of a multi-article page
_UNIT_KIND = {"名": "人", "位": "人"}  # as assistant.numbers compares units


@dataclass(frozen=True)
class SourceEntry:
    """One article in the numbered source list."""

    n: int
    source: str
    title: str
    date: str
    organisation: str


@dataclass(frozen=True)
class Statement:
    """A verbatim sentence of an article and its citation."""

    text: str
    citation: Citation


@dataclass(frozen=True)
class Initiative:
    """Who did what, where and when: one union's work in one article."""

    organisation: str
    place: str
    date: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class KeyFigure:
    figure: str  # as written, qualifiers included ("超8000人")
    value: float
    unit: str
    counts: str  # what the figure counts, from the clause around it
    organisation: str
    date: str
    citation: Citation


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    organisation: str
    text: str  # the most relevant clause of the cited sentence, verbatim
    citation: Citation


@dataclass(frozen=True)
class QuizItem:
    kind: str  # "fill" or "choice"
    stem: str  # a verbatim passage of the cited sentence with BLANK where the answer was
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
    citations: tuple[Citation, ...] = ()  # every citation, numbered in order of first use

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

    def coverage(self, text: str, idf) -> float:
        """IDF-weighted share of the topic's terms that text contains; 1 when it uses a short name of the topic.

        Strict, unlike the answerer's coverage: partial credit for a missing term's characters would let
        航天发射 or 医保报销 match 每天/发展/医疗互助保障 in articles that never touch the topic.
        """
        if any(a in text for a in self.aliases):
            return 1.0
        weights = {t: idf(t) for t in self.terms}
        return sum(w for t, w in weights.items() if t in text) / (sum(weights.values()) or 1.0)


def parse_topic(text: str) -> Topic:
    """Content terms of a topic; single characters only when there is nothing longer."""
    norm = normalize_query(text or "")
    if not norm:
        raise ConfigError("give a topic, e.g. " + "、".join(EXAMPLE_TOPICS))
    tokens = list(dict.fromkeys(tokenize(norm)))
    terms = tuple(t for t in tokens if len(t) > 1) or tuple(tokens)
    aliases = tuple(a for full, short in ABBREVIATIONS.items() if full in norm for a in short)
    return Topic(norm, terms, aliases)


# ---------------------------------------------------------------- sentences, clauses, figures

def is_prose(sentence: str) -> bool:
    """A sentence of running text, not a headline, caption or byline."""
    return bool(_PROSE_END.search(sentence))


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Clauses of a sentence, split at commas, semicolons and colons (not inside numbers like 2,000)."""
    spans, pos = [], 0
    for m in _CLAUSE_SEP.finditer(sentence):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(sentence)))
    return [(s, e) for s, e in spans if e > s]


def countable_figures(sentence: str) -> list[Figure]:
    """Figures that count something: no years, no bare numbers, no names in quotes, no thresholds (不足25人)."""
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]
    return [f for f in extract_figures(sentence)
            if f.unit not in ("", "年") and f.value > 0
            and not (f.value == 1 and not f.raw[0].isdigit())  # 一次, 一部(分): articles, not counts
            and not any(s <= f.start and f.end <= e for s, e in quoted)
            and not _THRESHOLD_BEFORE.search(sentence[: f.start])]


def figure_window(sentence: str, spans: list[tuple[int, int]], has_figure: list[bool], i: int) -> tuple[int, int]:
    """The clauses that speak about the figure in clause i: it, figure-free neighbours, and the clauses
    whose subject it continues (a clause opening with a verb, 添置更新书籍400余万册, shares the last subject)."""
    lo = i
    while lo > 0 and (not has_figure[lo - 1] or _ACTION.match(sentence, spans[lo][0])):
        lo -= 1
    hi = i
    while hi + 1 < len(spans) and not has_figure[hi + 1]:
        hi += 1
    return spans[lo][0], spans[hi][1]


def _strip_scope(text: str) -> str:
    return _SCOPE.sub("", text.strip())


def what_it_counts(clause: str, start: int, end: int) -> str:
    """The noun phrase a figure counts: "全市建立新就业形态工会组织54家" → "新就业形态工会组织"."""
    before = _strip_scope(re.split(r"[、\d]", clause[:start])[-1])  # 全县1236家企业、13.6万名职工: after 、
    verbs = list(re.finditer(f"{_COPULA.pattern}|{_ACTION.pattern}", before))
    if verbs:
        last = verbs[-1]
        if _COPULA.fullmatch(last.group()):  # 职工驿站总数增至1289家: the subject is counted
            subject = _strip_scope(before[: last.start()]).rstrip("的只")
            if len(subject) >= 2:
                return subject
        elif len(before) - last.end() >= 2:  # 新建职工书屋321个: the object is counted
            return before[last.end():]
    elif len(before) >= 2:
        return before
    head = _HEAD_END.split(clause[end:].lstrip("的"), maxsplit=1)[0]
    return head[:16] if len(head) >= 2 else (before or clause)[:16]


def format_figure(value: float, unit: str) -> str:
    """A figure as news text writes it: 530700 人 → "53.07万人"."""
    def num(v: float) -> str:
        return f"{v:.2f}".rstrip("0").rstrip(".")

    if unit != "%" and value >= 1e8 and round(value / 1e6) == value / 1e6:
        return f"{num(value / 1e8)}亿{unit}"
    if unit != "%" and value >= 1e4 and round(value / 100) == value / 100:
        return f"{num(value / 1e4)}万{unit}"
    return f"{num(value)}{unit}"


# ---------------------------------------------------------------- organisations

def organisations(text: str) -> list[tuple[int, str]]:
    """Local unions named in text, with offsets: 什邡市总工会, 滨海县总工会 (jieba splits 滨海/县总工会)."""
    found, pos, prev = [], 0, ("", "x", 0)
    for word, flag in pseg.cut(text):
        if word.endswith("工会") and len(word) <= 5:
            place = prev[0] + re.sub(r"总?工会$", "", word)
            if ((prev[1].startswith("ns") or _PLACE.match(place)) and not _NOT_PLACE.search(prev[0])
                    and prev[0] not in _FALSE_PLACES):
                found.append((prev[2], prev[0] + word))
        prev = (word, flag, pos)
        pos += len(word)
    return found


def place_of(organisation: str) -> str:
    return re.sub(r"总?工会$", "", organisation)


@dataclass
class _DocInfo:
    text: str
    title: str
    date: str
    anchors: list[tuple[int, str]]  # (sentence start, first union named) for running text and bylines
    all_orgs: list[str]

    def organisation_at(self, start: int, end: int) -> str:
        """The union a sentence reports on: one it names, else the nearest one named before it in running
        text or a byline (preferring one matching its 全市/全县 scope), else the first one the article names."""
        own = organisations(self.text[start:end])
        if own:
            return own[0][1]
        earlier = [name for s, name in self.anchors if s < start][::-1]
        scope = re.search(r"全([市县区])", self.text[start:end])
        if scope:
            earlier = [n for n in earlier if place_of(n).endswith(scope[1])] + earlier
        return (earlier or self.all_orgs or [""])[0]


def describe_document(text: str, title: str, date: str) -> _DocInfo:
    """Where the article names which union; photo captions are neither running text nor bylines."""
    anchors, everything = [], []
    for s, e in split_sentences(text):
        orgs = organisations(text[s:e])
        everything += [name for _, name in orgs]
        if orgs and (is_prose(text[s:e]) or e - s <= _BYLINE_CHARS):
            anchors.append((s, orgs[0][1]))
    title_orgs = [name for _, name in organisations(title)]
    return _DocInfo(text, title, date, anchors, list(dict.fromkeys(title_orgs + everything)))


# ---------------------------------------------------------------- assembly

@dataclass(frozen=True)
class _Sentence:
    ev: Evidence
    coverage: float
    organisation: str


@dataclass(frozen=True)
class _Blank:
    """What a quiz item can blank out of a sentence: a figure or a union's name (offsets in the sentence)."""

    sentence: _Sentence
    start: int
    end: int
    stem: tuple[int, int]  # the clauses the question shows
    figure: Figure | None = None


class _Citer:
    """Numbers citations in order of first use; citing a sentence twice reuses its number."""

    def __init__(self) -> None:
        self._by_span: dict[tuple[str, int], Citation] = {}

    def cite(self, ev: Evidence) -> Citation:
        key = (ev.passage.source, ev.start)
        if key not in self._by_span:
            self._by_span[key] = make_citation(len(self._by_span) + 1, ev)
        return self._by_span[key]

    def all(self) -> tuple[Citation, ...]:
        return tuple(self._by_span.values())


def relevant_sentences(topic: Topic, passages: list[Passage], docs: dict[str, _DocInfo], idf) -> list[_Sentence]:
    """Sentences of the retrieved passages that cover the topic, best first (figures break ties)."""
    out = []
    for _rank, ev in candidate_sentences(passages, {src: d.text for src, d in docs.items()}):
        cov = topic.coverage(ev.text, idf)
        if cov >= MIN_COVERAGE:
            out.append(_Sentence(ev, cov, docs[ev.passage.source].organisation_at(ev.start, ev.end)))
    return sorted(out, key=lambda s: (-s.coverage, not countable_figures(s.ev.text)))


def stem_span(spans: list[tuple[int, int]], i: int, lo_limit: int, hi_limit: int) -> tuple[int, int]:
    """Clause i, widened by neighbours inside [lo_limit, hi_limit] until a question has some context."""
    lo = hi = i
    while spans[hi][1] - spans[lo][0] < MIN_STEM_CHARS:
        if lo > 0 and spans[lo - 1][0] >= lo_limit:
            lo -= 1
        elif hi + 1 < len(spans) and spans[hi + 1][1] <= hi_limit:
            hi += 1
        else:
            break
    return spans[lo][0], spans[hi][1]


def figure_hits(topic: Topic, sentences: list[_Sentence], idf) -> list[tuple[_Blank, str]]:
    """Figures whose own clauses are about the topic, with what each counts; by article, in reading order."""
    hits = []
    for s in sentences:
        text = s.ev.text
        figures = countable_figures(text)
        spans = clause_spans(text)
        clause_of = [next(i for i, (a, b) in enumerate(spans) if f.start < b) for f in figures]
        has_figure = [i in clause_of for i in range(len(spans))]
        for f, i in zip(figures, clause_of):
            lo, hi = figure_window(text, spans, has_figure, i)
            if topic.coverage(text[lo:hi], idf) >= MIN_COVERAGE:
                a, b = spans[i]
                blank = _Blank(s, f.start, f.end, stem_span(spans, i, lo, hi), f)
                hits.append((blank, what_it_counts(text[a:b], f.start - a, f.end - a)))
    order = list(dict.fromkeys(b.sentence.ev.passage.source for b, _ in hits))
    hits.sort(key=lambda h: (order.index(h[0].sentence.ev.passage.source), h[0].sentence.ev.start, h[0].start))
    return hits[:MAX_FIGURES]


def build_overview(sentences: list[_Sentence], citer: _Citer) -> tuple[Initiative, ...]:
    """One entry per union and article: its most relevant statements, in reading order."""
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


def key_clause(sentence: str, topic: Topic, idf) -> str:
    """The clause that covers the topic best, widened when it is too short to stand alone."""
    spans = clause_spans(sentence)
    i = max(range(len(spans)), key=lambda j: topic.coverage(sentence[slice(*spans[j])], idf))
    lo, hi = stem_span(spans, i, 0, len(sentence))
    return sentence[lo:hi]


def build_timeline(overview: tuple[Initiative, ...], topic: Topic, idf) -> tuple[TimelineEntry, ...]:
    """Each initiative's key statement, dated by a year the sentence names or else by its article."""
    entries = []
    for ini in overview:
        best = max(ini.statements, key=lambda st: topic.coverage(st.text, idf))
        year = _YEAR.search(best.text)
        date = year[1] if year and not ini.date.startswith(year[1]) else ini.date
        if date:
            entries.append(TimelineEntry(date, ini.organisation, key_clause(best.text, topic, idf), best.citation))
    return tuple(sorted(entries, key=lambda e: e.date))


def figure_options(answer: Figure, pool: list[Figure], n: int = 3) -> tuple[str, ...]:
    """The answer and n distractors with the same kind of unit: corpus figures nearest in magnitude (but not
    within 15 %, too close to tell apart), then scaled variants of the answer. Sorted by value."""
    kind = _UNIT_KIND.get(answer.unit, answer.unit)
    shown = format_figure(answer.value, answer.unit)
    seen = sorted({f.value for f in pool if _UNIT_KIND.get(f.unit, f.unit) == kind
                   and abs(math.log(f.value / answer.value)) >= math.log(1.15)},
                  key=lambda v: (abs(math.log(v / answer.value)), v))
    whole = answer.value == round(answer.value)
    scaled = [answer.value * m for m in (2, 0.5, 3, 1.5, 10, 0.2)]
    picked: dict[str, float] = {}
    for v in seen + [float(int(v + 0.5)) if whole else v for v in scaled]:
        text = format_figure(v, answer.unit)
        if v > 0 and text not in picked and not same_figure(text, shown) and len(picked) < n:
            picked[text] = v
    return tuple(t for t, _ in sorted([*picked.items(), (shown, answer.value)], key=lambda x: x[1]))


def quiz_item(b: _Blank, choice: bool, figures: list[Figure], unions: list[str], citation: Citation) -> QuizItem:
    """Blank the answer out of the stem; multiple choice when there are distractors of its kind."""
    text = b.sentence.ev.text
    answer, options = text[b.start:b.end], ()
    if choice and b.figure is not None:
        shown = format_figure(b.figure.value, b.figure.unit)
        if answer.endswith(shown):  # blank only the number, so a qualifier such as 超 stays in the stem
            answer, options = shown, figure_options(b.figure, figures)
    elif choice:
        others = sorted(o for o in unions if answer not in o and o not in answer)[:3]
        options = tuple(sorted([answer, *others])) if len(others) >= 2 else ()
    stem = text[b.stem[0]:b.end - len(answer)] + BLANK + text[b.end:b.stem[1]]
    return QuizItem("choice" if options else "fill", stem, answer, options, citation)


def union_blank(s: _Sentence) -> _Blank | None:
    """The first union a sentence names, as something to ask about."""
    named = organisations(s.ev.text)
    if not named:
        return None
    offset, name = named[0]
    spans = clause_spans(s.ev.text)
    i = next(j for j, (_a, b) in enumerate(spans) if offset < b)
    return _Blank(s, offset, offset + len(name), stem_span(spans, i, 0, len(s.ev.text)))


def build_quiz(blanks: list[_Blank], docs: dict[str, _DocInfo], citer: _Citer,
               limit: int = MAX_QUIZ) -> tuple[QuizItem, ...]:
    """Up to `limit` items, alternating multiple choice and fill-in-the-blank; one item per sentence
    until every sentence has one, so the quiz spreads over the material."""
    figures = [f for d in docs.values() for f in countable_figures(d.text)]
    unions = list(dict.fromkeys(o for d in docs.values() for o in d.all_orgs))
    fresh, repeats, seen = [], [], set()
    for b in blanks:
        key = (b.sentence.ev.passage.source, b.sentence.ev.start)
        (repeats if key in seen else fresh).append(b)
        seen.add(key)
    chosen = (fresh + repeats)[:limit]
    return tuple(quiz_item(b, i % 2 == 0, figures, unions, citer.cite(b.sentence.ev)) for i, b in enumerate(chosen))


def source_list(citations: tuple[Citation, ...], docs: dict[str, _DocInfo]) -> tuple[SourceEntry, ...]:
    sources = list(dict.fromkeys(c.source for c in citations))
    return tuple(SourceEntry(i + 1, src, docs[src].title, docs[src].date, (docs[src].all_orgs or [""])[0])
                 for i, src in enumerate(sources))


def build_briefing(assistant, topic: str, k: int = RETRIEVE_K, quiz_items: int = MAX_QUIZ) -> Briefing:
    """The briefing for `topic` from the assistant's store; no_material=True when no sentence covers it."""
    t = parse_topic(topic)
    idf = assistant.store.catalog.idf
    passages = assistant.retrieve(" ".join((t.text, *t.aliases)), k=k)
    first = {p.source: p for p in reversed(passages)}
    docs = {src: describe_document(assistant.document_text(src) or "", p.title, p.date) for src, p in first.items()}
    sentences = relevant_sentences(t, passages, docs, idf)
    if not sentences:
        log.info("no sentence covers %r (best passages: %s)", t.text, [p.source for p in passages[:3]])
        return Briefing(t.text, no_material=True)
    citer = _Citer()
    overview = build_overview(sentences, citer)
    hits = figure_hits(t, sentences, idf)
    figures = tuple(KeyFigure(b.figure.raw, b.figure.value, b.figure.unit, counts, b.sentence.organisation,
                              b.sentence.ev.passage.date, citer.cite(b.sentence.ev)) for b, counts in hits)
    timeline = build_timeline(overview, t, idf)
    unions = [b for s in sentences if (b := union_blank(s))]
    quiz = build_quiz([b for b, _ in hits] + unions, docs, citer, quiz_items)
    citations = citer.all()
    return Briefing(t.text, False, overview, figures, timeline, quiz, source_list(citations, docs), citations)
