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
from assistant.extractive import candidate_sentences, coverage
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
_COPULA = re.compile(r"达到|增加到|增至|保持在|超过|突破|共计|总计|达|为|是")
_HEAD_END = re.compile(rf"的|\d|{_ACTION.pattern}|{_COPULA.pattern}")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:省|市|县|区|州|旗|镇|乡)$")
_NOT_PLACE = re.compile(r"^[全我各本该省市县区]|(?:园区|社区|小区|景区|城区|辖区|片区|厂区|矿区|校区)$")
_UNIT_KIND = {"名": "人", "位": "人"}


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
    context: str  # the clauses the figure was judged relevant by (a substring of the quote)
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
        """IDF-weighted share of the topic's terms in text; 1 when text uses a known short name of it."""
        if any(a in text for a in self.aliases):
            return 1.0
        return coverage(list(self.terms), text, idf) if self.terms else 0.0


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
    before = _strip_scope(clause[:start])
    verbs = list(re.finditer(f"{_COPULA.pattern}|{_ACTION.pattern}", before))
    if verbs:
        last = verbs[-1]
        if _COPULA.fullmatch(last.group()):  # 职工驿站总数增至1289家: the subject is counted
            subject = _strip_scope(before[: last.start()])
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
            if (prev[1].startswith("ns") or _PLACE.match(place)) and not _NOT_PLACE.search(prev[0]):
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
    prose_orgs: list[tuple[int, str]]  # (sentence start, the first union the sentence names)
    all_orgs: list[str]

    def organisation_at(self, start: int, end: int) -> str:
        """The union a sentence reports on: one it names, else the nearest one named before it in running
        text (matching its 全市/全县 scope), else the first one the article names."""
        own = organisations(self.text[start:end])
        if own:
            return own[0][1]
        earlier = [name for s, name in self.prose_orgs if s < start][::-1]
        scope = re.search(r"全([市县区])", self.text[start:end])
        if scope:
            earlier = [n for n in earlier if place_of(n).endswith(scope[1])] + earlier
        return (earlier or self.all_orgs or [""])[0]


def describe_document(text: str, title: str, date: str) -> _DocInfo:
    prose, everything = [], []
    for s, e in split_sentences(text):
        orgs = organisations(text[s:e])
        everything += [name for _, name in orgs]
        if orgs and is_prose(text[s:e]):
            prose.append((s, orgs[0][1]))
    title_orgs = [name for _, name in organisations(title)]
    return _DocInfo(text, title, date, prose, list(dict.fromkeys(title_orgs + everything)))
