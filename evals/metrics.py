"""Deterministic eval metrics: pure functions over strings, citations and rankings (no model, no LLM)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import opencc

from assistant import extract_figures, figure_in_text, normalise_figure

# Share of a sentence's character bigrams a quote must contain to count as about the same thing.
MIN_SENTENCE_OVERLAP = 0.3

_IGNORED_CHARS = re.compile(r"[\s“”‘’\"'「」『』《》〈〉·•]")
# Pinyin glosses that some pages put after each character: 問(wèn)題, 的(de)
_PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
_MARKERS = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
# A sentence runs to its end mark, takes closing quotes after it, then the markers that cite it.
_SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]?[”’」』）)]*(?:\s*[\[【][\d\s,，、]+[\]】])*")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise_text(text: str) -> str:
    """Text as compared: half-width, simplified script, no pinyin glosses, spaces or quote marks."""
    text = unicodedata.normalize("NFKC", text)
    text = _PINYIN_GLOSS.sub("", text)
    return _IGNORED_CHARS.sub("", _t2s().convert(text))


def file_name(source: str) -> str:
    """Sources compare by file name: the store may keep any path."""
    return Path(source).name


# --- facts ---------------------------------------------------------------------------------------


def is_figure(form: str) -> bool:
    """Whether an accepted form is a figure, compared by value rather than by characters."""
    return normalise_figure(form) is not None


def form_in_text(form: str, text: str) -> bool:
    """One accepted form occurs in text: figures as whole figures, other forms as normalised text."""
    if is_figure(form):
        return figure_in_text(form, _PINYIN_GLOSS.sub("", text))
    return normalise_text(form) in normalise_text(text)


def fact_in_text(forms: Sequence[str], text: str) -> bool:
    """A fact (a list of accepted forms) occurs in text when any of its forms does."""
    return any(form_in_text(f, text) for f in forms)


def fact_recall(facts: Sequence[Sequence[str]], text: str) -> float:
    """Share of expected facts the text states."""
    return sum(fact_in_text(f, text) for f in facts) / len(facts) if facts else 1.0


def figure_facts(facts: Sequence[Sequence[str]]) -> list[Sequence[str]]:
    """The facts that are figures (their first form is one)."""
    return [f for f in facts if is_figure(f[0])]


def figures_exact(facts: Sequence[Sequence[str]], text: str) -> bool | None:
    """Every expected figure is stated as a whole figure (None when the case expects no figure)."""
    figures = figure_facts(facts)
    return all(fact_in_text(f, text) for f in figures) if figures else None


# --- citations -----------------------------------------------------------------------------------


def cited_numbers(text: str) -> list[int]:
    """The citation numbers of every [n], [n, m] or 【n】 marker, in order."""
    return [int(n) for m in _MARKERS.finditer(text) for n in re.split(r"[,，、\s]+", m[1]) if n]


def strip_markers(text: str) -> str:
    return _MARKERS.sub("", text)


def sentences_with_markers(answer: str) -> list[tuple[str, list[int]]]:
    """The answer split into sentences, each with the citation numbers that follow it."""
    parts = []
    for m in _SENTENCE.finditer(answer):
        chunk = m[0]
        if chunk.strip():
            parts.append((strip_markers(chunk).strip(), cited_numbers(chunk)))
    return parts


def _bigrams(text: str) -> set[str]:
    t = normalise_text(strip_markers(text))
    return {t[i : i + 2] for i in range(len(t) - 1)}


def overlap(sentence: str, quote: str) -> float:
    """Share of the sentence's character bigrams that the quote contains."""
    wanted = _bigrams(sentence)
    return len(wanted & _bigrams(quote)) / len(wanted) if wanted else 0.0


def citation_supports(sentence: str, quote: str, sibling_quotes: Iterable[str] = ()) -> bool:
    """A cited quote supports its sentence: every figure of the sentence is in the quotes cited
    there, and this quote shares a figure or enough wording with the sentence."""
    figures = [f.raw for f in extract_figures(strip_markers(sentence))]
    together = " ".join([quote, *sibling_quotes])
    if not all(figure_in_text(f, together) for f in figures):
        return False
    return any(figure_in_text(f, quote) for f in figures) or overlap(sentence, quote) >= MIN_SENTENCE_OVERLAP


def citation_precision(answer: str, quotes: dict[int, str]) -> float | None:
    """Share of citations that support the sentence they are attached to (None without citations).

    A citation the answer never marks is checked against the whole answer.
    """
    if not quotes:
        return None
    checks: dict[int, bool] = {}
    for sentence, numbers in sentences_with_markers(answer):
        cited = [n for n in numbers if n in quotes]
        for n in cited:
            siblings = [quotes[m] for m in cited if m != n]
            checks[n] = checks.get(n, True) and citation_supports(sentence, quotes[n], siblings)
    whole = strip_markers(answer)
    for n, quote in quotes.items():
        if n not in checks:
            checks[n] = citation_supports(whole, quote)
    return sum(checks.values()) / len(checks)


def citation_support(facts: Sequence[Sequence[str]], evidence: Sequence[tuple[str, str]],
                     sources: Sequence[str]) -> float:
    """Share of facts found in a cited passage from an expected source.

    `evidence` holds (source, text) per citation, the text being its quote plus its date, so
    that "which year" facts are supported by the cited article's date.
    """
    if not facts:
        return 1.0
    wanted = {file_name(s) for s in sources}
    texts = [text for source, text in evidence if not wanted or file_name(source) in wanted]
    return sum(any(fact_in_text(f, t) for t in texts) for f in facts) / len(facts)


# --- retrieval -----------------------------------------------------------------------------------


def first_ranks(ranked_sources: Sequence[str], expected: Sequence[str]) -> dict[str, int]:
    """1-based rank of the first passage from each expected source that was retrieved."""
    wanted = {file_name(s) for s in expected}
    ranks: dict[str, int] = {}
    for rank, source in enumerate(ranked_sources, start=1):
        name = file_name(source)
        if name in wanted and name not in ranks:
            ranks[name] = rank
    return ranks


def recall_at_k(ranked_sources: Sequence[str], expected: Sequence[str], k: int) -> float:
    """Share of expected sources with a passage among the top k."""
    ranks = first_ranks(ranked_sources, expected)
    return sum(r <= k for r in ranks.values()) / len(set(map(file_name, expected)))


def reciprocal_rank(ranked_sources: Sequence[str], expected: Sequence[str]) -> float:
    """1 / rank of the first passage from any expected source (0 when none was retrieved)."""
    ranks = first_ranks(ranked_sources, expected)
    return 1.0 / min(ranks.values()) if ranks else 0.0


def ndcg_at_k(ranked_sources: Sequence[str], expected: Sequence[str], k: int = 10) -> float:
    """nDCG@k with one unit of gain for the first passage of each expected source."""
    ranks = first_ranks(ranked_sources, expected)
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks.values() if r <= k)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(k, len(set(map(file_name, expected)))) + 1))
    return dcg / ideal if ideal else 0.0


def evidence_at_k(passages: Sequence[str], facts: Sequence[Sequence[str]], k: int) -> float:
    """Share of facts that some top-k passage states (finer than source recall on a small corpus)."""
    if not facts:
        return 1.0
    top = passages[:k]
    return sum(any(fact_in_text(f, p) for p in top) for f in facts) / len(facts)


# --- aggregation ---------------------------------------------------------------------------------


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """q-th percentile (0..100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
