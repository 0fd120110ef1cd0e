"""The Chinese text kit shared by ingest, the store and the answerer.

Documents and questions go through the same normalising (NFKC, traditional → simplified), the same
sentence splitter and the same jieba tokenizer, so a question's words meet a document's words in one form.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import jieba
import opencc

from core.radicals import unify_radicals

jieba.setLogLevel(logging.WARNING)

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_T2S = opencc.OpenCC("t2s")

# A sentence ends at 。！？!?；; or …… plus any closing quotes/brackets right after it.
SENTENCE_END = re.compile(r"(?:[。！？!?；;]|…+|\.{3,})[”’」』）)》\"']*")
# A line holding one of these is running text (after NFKC folds ！？ to !?).
SENTENCE_MARK = re.compile(r"[。!?;；]")
# Running text ends with a sentence mark, maybe inside closing quotes; headlines, captions and bylines do not.
# A table row as ingest renders it, or a labelled list line: "长葛市：签订份数336份，…".
TABLE_ROW = re.compile(r"^[^\s：:，,。；;]{1,16}[：:]")
PROSE_END = re.compile(r"[。！？!?；;][”’」』）)》\"']*$")
# Clause breaks for reading figures: commas, semicolons and colons, not the comma inside 2,000.
CLAUSE_SEP = re.compile(r"[，；：;]|(?<!\d)[,:]|[,:](?!\d)")
# Clause breaks for checking what a figure counts: any comma, semicolon or sentence end.
CLAUSE_BREAK = re.compile(r"[,，;；。!！?？]")
# Where an over-long sentence may be cut: after a clause comma not inside a number like 2,000.
CUT_POINT = re.compile(r"[，、：]|(?<!\d)[,:]|[,:](?!\d)")

YEAR_DIGITS = r"(?:19|20)\d{2}"
YEAR_IN_TEXT = re.compile(YEAR_DIGITS)
# A year as a question writes it: 2023年 or a bare 2023.
ASKED_YEAR = re.compile(rf"(?<!\d)({YEAR_DIGITS})\s*年?(?!\d)")
# A year as running text writes it: 2023年.
WRITTEN_YEAR = re.compile(rf"(?<!\d)({YEAR_DIGITS})\s*年")

_TOKEN = re.compile(r"[\w.%]+")  # keeps 84.8% and 53.07 whole; drops punctuation
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 等 个 有 为 对 把 被 将 也 都 就 又 而 并 或 其 之 这 那 哪 什么 多少 几 吗 呢 啊 "
    "怎么 如何 哪些 哪个 哪里 哪一年 请问 一下 是否 有没有 谁 我 你 他 她 它 们 市 县 区 过 着 得 地 吧 所 "
    "从 向 到 给 让 由 以 于".split()
)


def normalize_unicode(text: str) -> str:
    """NFKC (folds Kangxi radicals, full-width forms, nbsp), radicals as the characters they stand for
    (``core.radicals``: ⻋ → 车, the CJK Radicals Supplement that NFKC leaves), one newline style, no
    zero-width chars. Documents (``ingest.clean.fix_characters``) and questions (``normalize_query``) both
    come through here."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unify_radicals(unicodedata.normalize("NFKC", _ZERO_WIDTH.sub("", text)))


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s); used on documents and questions alike."""
    return _T2S.convert(text)


def normalize_query(text: str) -> str:
    """A question in the same form as cleaned documents: NFKC, radicals unified, simplified, whitespace trimmed."""
    return " ".join(to_simplified(normalize_unicode(text)).split())


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences in text[start:end]; line breaks also end sentences."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for line in re.finditer(r"[^\n]+", text[start:end]):
        ls, le = start + line.start(), start + line.end()
        pos = ls
        for m in SENTENCE_END.finditer(text, ls, le):
            if m.end() > pos:
                spans.append((pos, m.end()))
                pos = m.end()
        if pos < le:
            spans.append((pos, le))
    return [strip_span(text, s, e) for s, e in spans if text[s:e].strip()]


def visible_chars(text: str) -> int:
    """Characters that are not white space: how much text a page or a reading really holds."""
    return sum(not ch.isspace() for ch in text)


def strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without the white space at its ends."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def is_prose(sentence: str) -> bool:
    """Running text, not a headline, caption or byline."""
    return bool(PROSE_END.search(sentence))


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Clauses of a sentence, split at commas, semicolons and colons (not inside numbers like 2,000)."""
    cuts = [(m.start(), m.end()) for m in CLAUSE_SEP.finditer(sentence)]
    starts, ends = [0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(sentence)]
    return [(s, e) for s, e in zip(starts, ends) if e > s]


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens without punctuation or stopwords; used for documents and queries alike."""
    return list(_tokens(text))


@lru_cache(maxsize=8192)  # rerankers tokenize the same chunks for every question
def _tokens(text: str) -> tuple[str, ...]:
    out = []
    for tok in jieba.cut_for_search(text):
        tok = tok.strip().lower()
        if tok and tok not in STOPWORDS and _TOKEN.fullmatch(tok):
            out.append(tok)
    return tuple(out)


@dataclass(frozen=True)
class TermStats:
    """How many chunks hold each of some terms, read from the store once per question, so that scoring
    is a pure function. Asking for a term that was not read is a bug, hence the KeyError."""

    chunks: int
    freq: Mapping[str, int]

    def doc_freq(self, term: str) -> int:
        return self.freq[term]

    def idf(self, term: str) -> float:
        """BM25-style inverse document frequency over the chunks."""
        df = self.freq[term]
        return math.log(1 + (self.chunks - df + 0.5) / (df + 0.5))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_input(text: str) -> str:
    """A question as typed or pasted, safe to process and to print: lone surrogates (broken UTF-16) and
    control characters removed, whitespace runs folded, radicals (⻋ pasted from a PDF) as characters."""
    return unify_radicals(re.sub(r"\s+", " ", _CONTROL.sub(" ", _SURROGATE.sub("", text))).strip())

