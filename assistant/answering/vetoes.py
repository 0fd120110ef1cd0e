"""Vetoes: checks that rule a sentence out as an answer, whatever its score. Each returns the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import jieba.posseg as pseg

from assistant.answering.attributes import missing_attribute
from assistant.answering.citations import Evidence
from assistant.answering.features import asked_units, coverage, focus_terms, row_heading, sentence_units
from assistant.answering.policy import AnswerPolicy
from assistant.answering.question import Question, asked_noun, entities
from core.names import LOCAL_UNION, place_stem, union_pattern
from core.numbers import extract_figures, figure_in_text, unit_class
from core.synonyms import alternatives
from core.text import CLAUSE_BREAK, WRITTEN_YEAR, TermStats, tokenize

_SCOPES = ("全国", "全省", "全市", "全县", "全区")
_ROLE = re.compile(r"主席|书记|负责人|局长|部长|主任|市长|县长|区长|记者|(?<!工)作者|秘书长")
_PLACE_WORD = re.compile(r"..[省市县区镇乡村]$|街道$")
_FILLER_WORDS = re.compile(r"[\s共计达为约近超余多总合]|合计|总计|其中")


class Veto(Protocol):
    name: str

    def reason(self, q: Question, ev: Evidence, stats: TermStats, policy: AnswerPolicy) -> str | None:
        """Why the sentence cannot answer q, or None."""


@dataclass(frozen=True)
class Vetoed:
    veto: str
    reason: str


class ScopeVeto:
    """全国 asked, 全市 stated: another scope, not an answer."""

    name = "scope"

    def reason(self, q, ev, stats, policy):
        missing = [s for s in _SCOPES if s in q.normalized and s not in ev.text]
        return f"问的是{missing[0]}，句子说的不是{missing[0]}" if missing else None


class OtherUnionVeto:
    """Asked about 什邡市总工会, the sentence is about 德阳市总工会 (merely mentioning 什邡 elsewhere)."""

    name = "other-union"

    def reason(self, q, ev, stats, policy):
        asked = [place_stem(e) for e in q.entities if re.search(union_pattern(place_stem(e)), q.normalized)]
        if not asked:
            return None
        named = [m for m in LOCAL_UNION.findall(ev.text) if entities(m)]
        if named and not any(re.search(union_pattern(a), ev.text) for a in asked):
            return f"句子讲的是{named[0]}总工会，不是{asked[0]}的工会"
        return None


class UnitVeto:
    """A figure question needs a countable figure, in the asked unit when one is asked."""

    name = "unit"

    def reason(self, q, ev, stats, policy):
        if q.kind != "figure":
            return None
        units, wanted = sentence_units(ev.text), asked_units(q)
        if wanted and not wanted & units:
            return f"句子没有以{'/'.join(sorted(wanted))}计的数字"
        if not units - {"年"} and "年" not in wanted:
            return "句子没有可回答的数字"
        return None


class CountedThingVeto:
    """Asked 多少家新就业形态工会: some clause with a 家 figure must be about 新就业形态工会.

    "全市职工驿站总数增至1289家" counts stations, not unions, though its sentence mentions the unions.
    A clause that is only the figure ("共3.12万平方米") names nothing else and passes.
    """

    name = "counted-thing"

    def reason(self, q, ev, stats, policy):
        if q.kind != "figure" or not q.counted:
            return None
        wanted = asked_units(q)
        terms = [t for t in tokenize(q.counted) if len(t) > 1 or stats.doc_freq(t)]
        for clause in CLAUSE_BREAK.split(ev.text):
            figures = [f for f in extract_figures(clause)
                       if (unit_class(f.unit) in wanted if wanted else f.unit not in ("", "年"))]
            if not figures:
                continue
            rest = _FILLER_WORDS.sub("", clause.replace(figures[0].raw, ""))
            if not rest or coverage(terms, clause, stats, policy) >= policy.min_counted_coverage:
                return None
        return f"句子里的数字数的不是“{q.counted}”"


class FigureNounVeto:
    """"组织4名县级劳模与受助学生结对": a figure followed by a noun counts that noun. When every figure of the
    asked unit counts a noun sharing no word with the thing asked for (多少学生), it counts something else."""

    name = "figure-noun"

    def reason(self, q, ev, stats, policy):
        if q.kind != "figure":
            return None
        terms = [t for t in tokenize(asked_noun(q.normalized)) if len(t) > 1]
        wanted = asked_units(q)
        figures = [f for f in extract_figures(ev.text)
                   if f.unit not in ("", "年") and (not wanted or unit_class(f.unit) in wanted)]
        nouns = [_noun_after(ev.text, f.end) for f in figures]
        if terms and nouns and all(n and not any(t in n for t in terms) for n in nouns):
            return f"句子里的数字数的是“{nouns[0]}”"
        return None


def _noun_after(text: str, at: int) -> str:
    """The noun phrase right after a figure ("4名县级劳模与…" → 县级劳模), or "" when none follows."""
    phrase = ""
    for word, flag in pseg.cut(text[at:at + 12]):
        if not (flag.startswith("n") or flag in ("b", "a", "an", "vn")) or not re.fullmatch(r"[\u4e00-\u9fff]+", word):
            break
        phrase += word
    return phrase if len(phrase) >= 2 else ""


# Words that say a figure is planned or aimed at, not what it counts: a work plan states its targets
# without them ("2016年新增会员3500人" under 工作思路), so asking "计划新增多少" must not require the word.
_MODALITY = frozenset("计划 目标 打算 力争 预计 准备 争取 确保".split())


class KeyTermVeto:
    """A figure question's distinctive words (县级, 摘牌, 保额) must stand in the sentence, its table caption or
    the title, as written or as a synonym: else the sentence's figure counts something else."""

    name = "key-term"

    def reason(self, q, ev, stats, policy):
        if q.kind != "figure":
            return None
        line = f"{ev.passage.title}\n{row_heading(q, ev)}\n{_line_of(ev)}".lower()  # questions are lower-cased
        passage = f"{ev.passage.title}\n{ev.passage.text}".lower()
        for t in focus_terms(q, stats):
            # a place name (陈埭镇) may stand a paragraph away, anywhere in the passage; a term the corpus
            # never holds is a segmentation artefact (卡发), not a word to look for
            where = passage if _PLACE_WORD.search(t) else line
            if (len(t) > 1 and t not in _MODALITY and stats.doc_freq(t) and stats.idf(t) >= policy.key_term_idf
                    and _content_word(t) and t not in where
                    and not any(alt in where for alt in alternatives(t))):
                return f"句子没有提到“{t}”"
        return None


@lru_cache(maxsize=4096)
def _content_word(term: str) -> bool:
    """Nouns, verbs, adjectives, qualifiers (县级) and 本级 carry what is asked; adverbs and times (已经, 今年)
    do not (deictic words such as 这次 are question words, never terms)."""
    return any(flag[:1] in "nvajlbr" for _, flag in pseg.cut(term))


def _line_of(ev: Evidence) -> str:
    """The paragraph (line) of the passage that holds the sentence: its topic words may stand beside it."""
    text, at = ev.passage.text, ev.start - ev.passage.start
    if not 0 <= at <= len(text):
        return ev.text
    return text[text.rfind("\n", 0, at) + 1: (text.find("\n", at) + 1 or len(text) + 1) - 1]


class RoleVeto:
    """Asked for the 主席, the sentence names nobody in that role."""

    name = "role"

    def reason(self, q, ev, stats, policy):
        if q.kind != "who":
            return None
        # 负责人 is whoever leads: a 主席, 书记 or 主任 named in the sentence will do
        missing = [r for r in _ROLE.findall(q.normalized)
                   if r not in ev.text and not (r == "负责人" and _ROLE.search(ev.text))]
        return f"句子没有提到{missing[0]}" if missing else None


class AttributeVeto:
    """Asked about 上半年, 三等奖 or 女职工, the sentence states another period, prize or group, or none."""

    name = "attribute"

    def reason(self, q, ev, stats, policy):
        return missing_attribute(q.attributes, ev.text, ev.passage.title)


class YearVeto:
    """Asked about 2023, the sentence speaks of another year (2022年度, 截至2022年底), or names none while
    its article is not from 2023 (then the figure is the article's own time, not the asked year)."""

    name = "year"

    def reason(self, q, ev, stats, policy):
        if not q.years or q.kind == "year":
            return None
        said = set(WRITTEN_YEAR.findall(ev.text))
        for year in q.years:
            if year in said:
                continue
            if said:
                return f"问的是{year}年，句子说的是{'、'.join(sorted(said))}年"
            if ev.passage.date[:4] not in ("", year) and ev.passage.date[:4] != str(int(year) + 1):
                return f"问的是{year}年，句子没有说年份，文章是{ev.passage.date[:4]}年的"
        return None


class GivenFigureVeto:
    """"86.5万职工里女职工有多少？": the question states a figure and asks for another; a sentence whose
    only figures of the asked unit are the stated ones repeats the question, it does not answer it."""

    name = "given-figure"

    def reason(self, q, ev, stats, policy):
        if q.kind != "figure":
            return None
        given = [f for f in extract_figures(q.normalized) if f.unit not in ("", "年")]
        if not given:
            return None
        wanted = asked_units(q)
        found = [f for f in extract_figures(ev.text) if f.unit not in ("", "年")
                 and (not wanted or unit_class(f.unit) in wanted)]
        if found and all(any(figure_in_text(g.raw, f.raw) for g in given) for f in found):
            return "句子只有问题里已经给出的数字"
        return None


VETOES: tuple[Veto, ...] = (ScopeVeto(), OtherUnionVeto(), UnitVeto(), CountedThingVeto(), FigureNounVeto(),
                            KeyTermVeto(), RoleVeto(),
                            AttributeVeto(), YearVeto(), GivenFigureVeto())


def first_veto(q: Question, ev: Evidence, stats: TermStats, policy: AnswerPolicy,
               vetoes: tuple[Veto, ...] = VETOES) -> Vetoed | None:
    for veto in vetoes:
        why = veto.reason(q, ev, stats, policy)
        if why:
            return Vetoed(veto.name, why)
    return None
