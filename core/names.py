"""The one rule for place and union names, for questions and articles alike.

A place is a word jieba tags as a place (ns), or a proper name with a place suffix (任城区, not 工业园区);
a union is a place followed by 总工会/工会. Questions name entities that evidence must mention; articles
name the unions a sentence reports on.
"""

from __future__ import annotations

from functools import lru_cache
import re

import jieba
import jieba.posseg as pseg

from core.synonyms import vocabulary

PLACE_SUFFIXES = "省市县区州镇乡旗盟"
_SUFFIX_ALT = "|".join(PLACE_SUFFIXES)
_SUFFIX = f"(?:{_SUFFIX_ALT})"
_PLACE_WORD = re.compile(rf"^[\u4e00-\u9fff]{{1,8}}{_SUFFIX}$")
_ARTICLE_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:省|市|县|区|州|旗|镇|乡)$")
_NOT_PLACE = re.compile(r"^[全我各本该省市县区]|(?:园区|社区|小区|景区|辖区|片区|厂区|矿区|校区)$")
NAME_TAGS = frozenset({"ns", "nr", "nt", "nrt"})
_NOT_NAME_TAGS = ("v", "p", "d", "c", "u", "r")  # verbs, prepositions, adverbs…: never the start of a place
# Tagged as names by jieba but used as ordinary words: in questions 全国/新区, in articles 新建工会32家,
# 市总工会和县区工会.
QUESTION_NOT_NAMES = frozenset({"新建", "新区", "中国", "中华", "全国", "国家"})
ARTICLE_NOT_PLACES = frozenset({"新建", "组建", "筹建", "和县"})
# A local union as articles write it: 什邡市总工会, not 全市总工会 or 我县总工会.
LOCAL_UNION = re.compile(r"(?<![全我本该各])([\u4e00-\u9fff]{2,4}[省市县])总工会")


def place_stem(name: str) -> str:
    """成都市 → 成都: articles often drop the suffix (我市, 成都职工卡)."""
    stem = re.sub(rf"(?:{_SUFFIX_ALT}|总工会|工会)+$", "", name)
    return stem if len(stem) >= 2 else name


def place_of(union: str) -> str:
    """什邡市总工会 → 什邡市."""
    return re.sub(r"总?工会$", "", union)


def union_pattern(stem: str) -> str:
    """A regex for the union of a place however it is written: 成都总工会, 成都市总工会."""
    return rf"{re.escape(stem)}[省市县区]?总工会"


def _proper_stem(word: str) -> bool:
    """任城区 → 任城 is a name (tagged or unknown to the dictionary); 工业园区 → 工业园 is a common noun."""
    stem = re.sub(rf"{_SUFFIX}$", "", word)
    if len(stem) < 2:
        return False
    flags = {p.flag for p in pseg.cut(stem)}
    return bool(flags & NAME_TAGS) or not jieba.dt.FREQ.get(stem)


_JOINS = {"和", "与", "及", "、", "跟", "同"}
_NOT_NAME_START = set("里中内在的和与及从向对给被把")


def question_entities(text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Places, organisations and people a question names (jieba POS tags + place suffixes)."""
    found: list[str] = []
    words = [(w.strip(), f) for w, f in pseg.cut(text)]
    for i, (word, flag) in enumerate(words):
        if len(word) < 2 or word in QUESTION_NOT_NAMES or word in ignore or word in found or word in vocabulary():
            continue
        if len(word) == 2 and word[0] in _NOT_NAME_START:  # 资金里市总工会: jieba reads 里市 as a place
            continue
        if flag in NAME_TAGS or (_PLACE_WORD.match(word) and _proper_stem(word)) or _beside_a_name(words, i):
            found.append(word)
    return found


def _beside_a_name(words: list[tuple[str, str]], i: int) -> bool:
    """"宝鸡和常州": a short noun joined by 和/与/、 to a place is a place too (jieba tags 宝鸡 a common noun)."""
    word, flag = words[i]
    if not (2 <= len(word) <= 4 and flag.startswith("n")):
        return False
    before = words[i - 2] if i >= 2 and words[i - 1][0] in _JOINS else None
    after = words[i + 2] if i + 2 < len(words) and words[i + 1][0] in _JOINS else None
    return any(n is not None and n[1].startswith("ns") for n in (before, after))


def mentions(text: str) -> list[tuple[int, str, bool]]:
    """(offset, name, is_union) for the local unions (什邡市总工会; jieba cuts 滨海/县总工会) and the
    places (成都市, 锦江区) an article's text names."""
    return list(_mentions(text))


# An article's sentences are read once for its unions and again for each one weighed as an answer (jieba's
# POS tagger: ~1 ms a sentence with an unknown place name in it)
@lru_cache(maxsize=8192)
def _mentions(text: str) -> tuple[tuple[int, str, bool], ...]:
    words = [(w, f) for w, f in pseg.cut(text)]
    offsets = [0]
    for w, _ in words:
        offsets.append(offsets[-1] + len(w))
    found: list[tuple[int, str, bool]] = []
    for i, (w, f) in enumerate(words):
        nxt = words[i + 1][0] if i + 1 < len(words) else ""
        joined = w + re.sub(r"总?工会$", "", nxt)
        # 滨海 + 县总工会 is a union; 纳入 + 县总工会 (把…纳入县总工会实事) is a verb and "the county union".
        placelike = ((f.startswith("ns") or (_ARTICLE_PLACE.match(joined) and not f.startswith(_NOT_NAME_TAGS)))
                     and not _NOT_PLACE.search(w) and w not in ARTICLE_NOT_PLACES)
        if placelike and nxt.endswith("工会") and len(nxt) <= 5:
            found.append((offsets[i], w + nxt, True))
        elif placelike and f.startswith("ns") and _ARTICLE_PLACE.match(w):
            found.append((offsets[i], w, False))
    return tuple(found)



def full_name(name: str, unions: list[str]) -> str:
    """A short form (盱眙工会) as the article's full name of that union (盱眙县总工会)."""
    if name.endswith("总工会"):
        return name
    return next((u for u in unions if u.endswith("总工会") and u.startswith(place_of(name))), name)
