"""Lists with an intro: "推出四项举措：" is answered with the items that follow it (lines, 一是…二是…)."""

from __future__ import annotations

import re

from assistant.article import Article
from core.numbers import parse_number
from core.text import split_sentences

_INTRO_END = re.compile(r"[:：]$")
_ENUMERATOR = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]|[-•●▪◆■□*]\s*|第[一二三四五六七八九十]+[,，、是]?)")
_FIRST = re.compile(r"一是|第一[,，、是]|首先")
_NEXT = re.compile(r"^(?:[二三四五六七八九十]是|第[二三四五六七八九十][,，、是]|其次|再次|最后)")
_ANNOUNCED = re.compile(r"([一二三四五六七八九十两\d]{1,2})\s*(?:项|个|条|种|类|方面|大|件|批|点|步)")
MAX_ITEMS = 12
ITEM_MAX_CHARS = 120  # a longer line is a paragraph of prose, not a list item


def announced_count(intro: str) -> int | None:
    """推出四项新举措 → 4."""
    m = _ANNOUNCED.search(intro)
    value = parse_number(m.group(1)) if m else None
    return int(value) if value else None


def list_items(doc: Article, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the items that complete the sentence at [start, end): lines after an intro ending in "：",
    or the 二是/三是 sentences after a sentence with 一是. Empty when the sentence opens no list."""
    intro = doc.text[start:end]
    following = split_sentences(doc.text, end)
    limit = announced_count(intro) or MAX_ITEMS
    if _INTRO_END.search(intro):
        return _item_lines(doc.text, following, limit)
    if announced_count(intro) and following and _FIRST.match(doc.text[following[0][0]:following[0][1]]):
        following = following[1:]  # "突出三个重点。一是…二是…": the 一是 sentence, then its siblings
        return [split_sentences(doc.text, end)[0], *_next_items(doc.text, following, limit - 1)]
    if _FIRST.search(intro):
        return _next_items(doc.text, following, limit)
    return []


def _next_items(text: str, following: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The 二是 / 三是 sentences that follow, up to limit."""
    items = []
    for s, e in following:
        if not _NEXT.match(text[s:e]) or len(items) >= limit:
            break
        items.append((s, e))
    return items


def intro_above(doc: Article, start: int) -> tuple[int, int] | None:
    """For an item line of a list ("——市级模范职工之家40家…"), the intro line ending in "：" above it and
    the items between; None when the sentence is no such item."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == 0:
        return None
    for _ in range(MAX_ITEMS):
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        line = text[prev_start:line_start - 1].strip()
        if _INTRO_END.search(line):
            return prev_start, line_start - 1
        if not line or len(line) > ITEM_MAX_CHARS or prev_start == 0:
            return None
        line_start = prev_start
    return None


def _item_lines(text: str, following: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The sentences of the lines right after an intro, while they read as items."""
    items: list[tuple[int, int]] = []
    lines = 0
    last_line_end = None
    for s, e in following:
        line_start = text.rfind("\n", 0, s) + 1
        new_line = line_start != last_line_end
        if new_line:
            line = text[line_start:_line_end(text, s)]
            if lines >= limit or (len(line) > ITEM_MAX_CHARS and not _ENUMERATOR.match(line)):
                break
            if lines and "\n\n" in text[items[-1][1]:s] and not _ENUMERATOR.match(line):
                break  # a blank line ends the list unless the next line is numbered
            lines += 1
            last_line_end = line_start
        items.append((s, e))
    return items


# -- answers that span two sentences
_ANAPHORA = re.compile(r"^(?:当天|当日|同日|同时|此后|随后|其中|这是|这些|该|此次|此前)")
_ATTRIBUTION = re.compile(r"^[^。！？!?“”]{1,40}(?:说|表示|介绍|坦言|感慨|告诉记者)[。！？!?]")
_QUOTE_END = re.compile(r"[”」][。！？!?]?$|[。！？!?][”」]$")


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def completed_span(doc: Article, start: int, end: int) -> tuple[int, int]:
    """A sentence with the neighbour it leans on: "当天，…" takes the sentence before it (which says what
    day), a sentence followed by "当天，…" takes that one, a quoted remark takes the attribution after
    it ("……”美团骑手王海涛说。") and an attribution alone takes its quote."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    if _ATTRIBUTION.match(text[start:end]) and _QUOTE_END.search(text[line_start:start].rstrip()):
        quoted = [s for s, _ in split_sentences(text, line_start, start)]  # "…小王说。" alone: with its quote
        if quoted:
            start = quoted[-1]
    elif _ANAPHORA.match(text[start:end]):
        before = [s for s, _ in split_sentences(text, line_start, start)]
        if before:
            start = before[-1]
    line_end = _line_end(text, end)
    after = split_sentences(text, end, line_end)
    if after and _ANAPHORA.match(text[after[0][0]:after[0][1]]) and not _ANAPHORA.match(text[start:end]):
        end = after[0][1]  # "4月23日是世界读书日。当天，…在茅坪镇举办…": the next sentence says what happened
    if _QUOTE_END.search(text[start:end]):
        attribution = _ATTRIBUTION.match(text[end:line_end])
        if attribution:
            end += attribution.end()
    return start, end
