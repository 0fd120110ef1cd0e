"""What a figure in a union news sentence counts: countable figures, the clauses about each, and the
thing counted (新就业形态工会组织54家 → 新就业形态工会组织). Used by briefings and example questions."""

from __future__ import annotations

import re

from core.numbers import Figure, extract_figures
from core.text import CLAUSE_SEP

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
    return next((p for c in reversed(CLAUSE_SEP.split(before)) if (p := _phrase_before(c))), head)


def format_figure(value: float, unit: str) -> str:
    """A figure as news text writes it: 530700 人 → "53.07万人"."""
    def num(v: float) -> str:
        return f"{v:.2f}".rstrip("0").rstrip(".")

    for size, word in ((1e8, "亿"), (1e4, "万")):
        if unit != "%" and value >= size and round(value / (size / 100)) == value / (size / 100):
            return f"{num(value / size)}{word}{unit}"
    return f"{num(value)}{unit}"
