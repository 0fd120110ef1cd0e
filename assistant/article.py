"""Reading union news sentences for briefings: clauses, countable figures and what each counts, and the
unions and places an article names (with jieba's part-of-speech tags)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import jieba.posseg as pseg

from core.numbers import Figure, extract_figures, same_figure
from core.text import split_sentences

MIN_STEM_CHARS = 20
BYLINE_CHARS = 30  # "滨海县总工会 李玲玲": a short line naming a union opens a section of a multi-article page

_CLAUSE_SEP = re.compile(r"[，；：;]|(?<!\d)[,:]|[,:](?!\d)")
_PROSE_END = re.compile(r"[。！？!?；;][”’」』）)》\"']*$")
_QUOTED = re.compile(r"“[^”]{0,24}”|「[^」]{0,24}」")
_THRESHOLD = re.compile(r"(?:不足|不到|少于|低于|未满|不超过)$")
_SCOPE = re.compile(r"^(?:截至目前|截至|目前|近一年来|近年来|近日|今年|去年|上半年|下半年|年初|年底|全市|全县|全区|全省"
                    r"|全国|我市|我县|我区|当地|已经|已|共|累计|还|并|同时|其中|在|针对|对|据统计|据调查|多方|\d{1,2}月(?:\d{1,2}日)?)+")
_ACTION = (r"建立|新建|组建|建成|成立|吸纳|发展|添置|更新|培训|推荐|慰问|筹集|投入|投资|补助|返还|发放|开展|举办|打造|设立"
           r"|吸引|覆盖|评选|表彰|完成|推广|签订|招录|选派|帮助|新增|创建|共有|拥有|梳理出|(?<![没所])有(?![效力])")
_COPULA = re.compile(r"达到|增加到|增至|保持在|超过|突破|共计|总计|达|为|是|占")
_VERB = re.compile(f"{_COPULA.pattern}|{_ACTION}")
_HEAD_END = re.compile(rf"的|\d|[、，,。；()（）]|和|及|与|并|全部|已经|已|均|都|实现|开放|显示|参加|获|学习|{_VERB.pattern}")
_PREPOSITION = re.compile(r"^(?:在|于|对|向|为|到|给|用|并|将|以)")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:省|市|县|区|州|旗|镇|乡)$")
_NOT_PLACE = re.compile(r"^[全我各本该省市县区]|(?:园区|社区|小区|景区|辖区|片区|厂区|矿区|校区)$")
_FALSE_PLACES = frozenset({"新建", "组建", "筹建", "和县"})  # tagged ns by jieba: 新建工会32家, 市总工会和县区工会
_UNIT_KIND = {"名": "人", "位": "人"}  # as core.numbers compares units


def is_prose(sentence: str) -> bool:
    """Running text, not a headline, caption or byline."""
    return bool(_PROSE_END.search(sentence))


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Clauses of a sentence, split at commas, semicolons and colons (not inside numbers like 2,000)."""
    cuts = [(m.start(), m.end()) for m in _CLAUSE_SEP.finditer(sentence)]
    starts, ends = [0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(sentence)]
    return [(s, e) for s, e in zip(starts, ends) if e > s]


def countable_figures(sentence: str) -> list[Figure]:
    """Figures that count something: no years or bare numbers, no names in quotes (“四个一点”), no
    thresholds (不足25人), no small Chinese numerals (两户, 一部分), which are wording more than data."""
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]
    return [f for f in extract_figures(sentence)
            if f.unit not in ("", "年") and f.value > 0 and (re.search(r"\d", f.raw) or f.value >= 10)
            and not any(s <= f.start and f.end <= e for s, e in quoted) and not _THRESHOLD.search(sentence[: f.start])]


def figure_window(sentence: str, spans: list[tuple[int, int]], has_figure: list[bool], i: int) -> tuple[int, int]:
    """The clauses that speak about the figure in clause i: it, its figure-free neighbours, and the clauses
    whose subject it continues (添置更新书籍400余万册 opens with a verb: its subject came before)."""
    lo = hi = i
    while lo > 0 and (not has_figure[lo - 1] or re.match(_ACTION, sentence[spans[lo][0]:])):
        lo -= 1
    while hi + 1 < len(spans) and not has_figure[hi + 1]:
        hi += 1
    return spans[lo][0], spans[hi][1]


def _strip_scope(text: str) -> str:
    return _SCOPE.sub("", text.strip())


def _phrase_before(clause: str) -> str:
    """The noun phrase a clause ends on: an action's object, or the subject of 达/增至/占."""
    bracket = max(clause.rfind("("), clause.rfind("（"))
    if bracket > max(clause.rfind(")"), clause.rfind("）")):
        clause = clause[bracket + 1:]
    clause = _strip_scope(clause)
    verbs = list(_VERB.finditer(clause))
    if not verbs:
        return clause if len(clause) >= 2 else ""
    if _COPULA.fullmatch(verbs[-1].group()):
        subject = _strip_scope(clause[: verbs[-1].start()]).rstrip("的只")
        return subject if len(subject) >= 2 else ""
    obj = clause[verbs[-1].end():]
    return obj if len(obj) >= 2 else verbs[-1].group()  # 投入30多万元: the figure is the object


def what_it_counts(before: str, after: str, listed: bool = False) -> str:
    """What a figure counts: the noun right after it (653个职工书屋), else the phrase its clause puts before
    it (新就业形态工会组织54家, 职工驿站总数增至1289家), else an earlier clause's (活动场所,共3.12万平方米).
    listed: before starts at the previous figure of a list (驿站3处、货车司机之家2处), so only its last item counts."""
    tail = after.lstrip("的")
    head = _HEAD_END.split(tail, maxsplit=1)[0][:16]
    if len(head) >= 2 and not _PREPOSITION.match(tail):
        return head
    if listed:
        before = before.split("、")[-1]
    return next((p for c in reversed(_CLAUSE_SEP.split(before)) if (p := _phrase_before(c))), head)


def format_figure(value: float, unit: str) -> str:
    """A figure as news text writes it: 530700 人 → "53.07万人"."""
    def num(v: float) -> str:
        return f"{v:.2f}".rstrip("0").rstrip(".")

    for size, word in ((1e8, "亿"), (1e4, "万")):
        if unit != "%" and value >= size and round(value / (size / 100)) == value / (size / 100):
            return f"{num(value / size)}{word}{unit}"
    return f"{num(value)}{unit}"


def entities(text: str) -> list[tuple[int, str, bool]]:
    """(offset, name, is_union) for the local unions (什邡市总工会; jieba cuts 滨海/县总工会) and the
    places (成都市, 锦江区) that text names."""
    words = [(w, f) for w, f in pseg.cut(text)]
    offsets = [0]
    for w, _ in words:
        offsets.append(offsets[-1] + len(w))
    found: list[tuple[int, str, bool]] = []
    for i, (w, f) in enumerate(words):
        nxt = words[i + 1][0] if i + 1 < len(words) else ""
        joined = w + re.sub(r"总?工会$", "", nxt)
        placelike = (f.startswith("ns") or _PLACE.match(joined)) and not _NOT_PLACE.search(w) and w not in _FALSE_PLACES
        if placelike and nxt.endswith("工会") and len(nxt) <= 5:
            found.append((offsets[i], w + nxt, True))
        elif placelike and f.startswith("ns") and _PLACE.match(w):
            found.append((offsets[i], w, False))
    return found


def place_of(organisation: str) -> str:
    return re.sub(r"总?工会$", "", organisation)


def full_name(name: str, unions: list[str]) -> str:
    """A short form (盱眙工会) as the article's full name of that union (盱眙县总工会)."""
    if name.endswith("总工会"):
        return name
    return next((u for u in unions if u.endswith("总工会") and u.startswith(place_of(name))), name)


@dataclass(frozen=True)
class Article:
    """What a briefing needs to know about one article beyond its sentences."""

    text: str
    title: str
    date: str
    anchors: list[tuple[int, str]]  # (sentence start, first union named) in running text and bylines
    unions: list[str]  # every union named, the title's first, in their fullest form
    places: list[str]

    def organisation_at(self, start: int, end: int) -> str:
        """The union a sentence reports on: one it names, else the nearest one named before it in running
        text or a byline (preferring one matching its 全市/全县 scope), else the first the article names."""
        own = [name for _, name, union in entities(self.text[start:end]) if union]
        if own:
            return full_name(own[0], self.unions)
        earlier = [name for s, name in self.anchors if s < start][::-1]
        scope = re.search(r"全([市县区])", self.text[start:end])
        if scope:
            earlier = [n for n in earlier if place_of(n).endswith(scope[1])] + earlier
        return (earlier or self.unions or [""])[0]

    def is_fragment(self, start: int) -> bool:
        """A sentence that continues a line broken mid-sentence (a page break in the scraped text)."""
        before = self.text[:start].rstrip(" \t")
        if not before.endswith("\n"):
            return False
        last = before.strip().rsplit("\n", 1)[-1].strip()
        return len(last) > BYLINE_CHARS and not is_prose(last)


def describe_document(text: str, title: str, date: str) -> Article:
    """Which unions and places the article names, and where; photo captions are not anchors."""
    anchors, unions, places = [], [n for _, n, union in entities(title) if union], []
    for s, e in split_sentences(text):
        found = entities(text[s:e])
        named = [n for _, n, union in found if union]
        unions += named
        places += [n for _, n, union in found if not union]
        if named and (is_prose(text[s:e]) or e - s <= BYLINE_CHARS):
            anchors.append((s, named[0]))
    unions = list(dict.fromkeys(full_name(u, unions) for u in unions))
    return Article(text, title, date, [(s, full_name(n, unions)) for s, n in anchors], unions,
                   list(dict.fromkeys(places)))


def stem_span(spans: list[tuple[int, int]], i: int, lo_limit: int, hi_limit: int) -> tuple[int, int]:
    """Clause i, widened by neighbours inside [lo_limit, hi_limit] until it gives a question some context."""
    lo = hi = i
    while spans[hi][1] - spans[lo][0] < MIN_STEM_CHARS:
        if lo > 0 and spans[lo - 1][0] >= lo_limit:
            lo -= 1
        elif hi + 1 < len(spans) and spans[hi + 1][1] <= hi_limit:
            hi += 1
        else:
            break
    return spans[lo][0], spans[hi][1]


def figure_options(answer: Figure, pool: list[Figure], n: int = 3) -> tuple[str, ...]:
    """The answer and n distractors with its kind of unit: corpus figures nearest in magnitude (not within
    15 %, too close to tell apart), then multiples of the answer. Sorted by value."""
    kind, shown = _UNIT_KIND.get(answer.unit, answer.unit), format_figure(answer.value, answer.unit)
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
