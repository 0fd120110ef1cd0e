"""Citations: build them from exact document spans, and check that they support what cites them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import REFUSAL_PREFIX, Citation, Passage
from core.names import place_stem, question_entities
from core.numbers import extract_figures, figure_in_text
from core.synonyms import alternatives
from core.text import tokenize

_MARKER = re.compile(r"\[(\d+)\]")
_OVER, _UNDER, _ABOUT = ("超", "余", "以上", "多", "逾"), ("近", "不足", "接近"), ("约", "左右", "上下")
# Written facts that are not counts: month/day dates and ordinals must be quoted exactly.
_LITERAL = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*月份?|第[一二三四五六七八九十百零\d]+[名位届次个批期]?")
# A claim ends after 。！？；, after closing quotes that follow them (…54家。”), or after its [n] markers.
_CLOSE = "”’」』）)"
_CLAIM_END = re.compile(
    rf"(?<=[。！？!?；;])(?![{_CLOSE}]*\s*\[)(?![{_CLOSE}])|(?<=[。！？!?；;][{_CLOSE}])(?!\s*\[)|(?<=\])\s*(?!\[)")


@dataclass(frozen=True)
class Evidence:
    """A sentence of a cleaned document, inside a retrieved passage."""

    passage: Passage
    start: int
    end: int
    text: str
    heading: str = ""  # the caption above a table row: it names what the row's cells count


def make_citation(n: int, ev: Evidence) -> Citation:
    p = ev.passage
    return Citation(n=n, source=p.source, title=p.title, date=p.date, quote=ev.text,
                    chunk_id=p.chunk_id, start=ev.start, end=ev.end, passage=p.text)


def unsupported_figures(claim: str, quotes: list[str]) -> list[str]:
    """Figures, dates and ordinals written in the claim that its cited quotes do not state.

    Beyond the value, a figure must keep its direction: "近8000人" is not "超8000人". Month/day dates
    and ordinals (第一名) are not counts, so they must appear as written.
    """
    joined = "\n".join(quotes)
    missing = []
    for f in extract_figures(claim):
        if not figure_in_text(f.raw, joined):
            missing.append(f.raw)
        elif _direction(f.approx) and not any(
                _direction(g.approx) == _direction(f.approx) for g in extract_figures(joined) if g.value == f.value):
            missing.append(f.raw)
    compact = re.sub(r"\s+", "", joined)
    missing += [m for m in _LITERAL.findall(claim) if re.sub(r"\s+", "", m) not in compact]
    return missing


_LATIN = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|[A-Za-z][A-Za-z0-9]+")


def unsupported_content(claim: str, source: str, min_share: float) -> list[str]:
    """What a claim says that its cited passage does not: a URL, e-mail or Latin word, a name (place,
    union, person) not found there, or too few of its content words (with their synonyms) found there."""
    lowered = source.lower()
    missing = [m.rstrip("。，,.;；)）") for m in _LATIN.findall(claim) if m.rstrip("。，,.;；)）").lower() not in lowered]
    missing += [name for name in question_entities(claim) if place_stem(name) not in source]
    words = [t for t in dict.fromkeys(tokenize(claim)) if len(t) > 1 and not t.isdigit()]
    found = [t for t in words if t in source or any(alt in source for alt in alternatives(t))]
    if words and len(found) / len(words) < min_share:
        missing.append(f"只有 {len(found)}/{len(words)} 个词见于出处")
    return missing


def _direction(approx: str) -> str:
    """超/余/以上 say "more than", 近/不足 "less than", 约/左右 "about"; 35万 alone says nothing."""
    for name, words in (("over", _OVER), ("under", _UNDER), ("about", _ABOUT)):
        if any(w in approx for w in words):
            return name
    return ""


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """Answer sentences with the [n] numbers that follow them ("A。[1] B[2]。" → [("A。", [1]), ("B。", [2])])."""
    claims: list[tuple[str, list[int]]] = []
    for part in _CLAIM_END.split(answer):
        part = part.strip()
        if not part:
            continue
        numbers = [int(n) for n in _MARKER.findall(part)]
        text = _MARKER.sub("", part).strip()
        if text:
            claims.append((text, numbers))
    return claims


_PART_LABEL = re.compile(r"^[^：:，,。；;]{1,16}[：:](?=.)")


def check_answer(answer: str, citations: list[Citation]) -> list[str]:
    """Problems that make an answer untrustworthy: uncited sentences, unknown markers, unsupported figures."""
    by_n = {c.n: c for c in citations}
    problems = []
    for text, numbers in split_claims(answer):
        if not numbers and text.startswith(f"（{REFUSAL_PREFIX}"):
            continue  # "（资料中没有找到关于常州的内容。）": a part said to be absent cites nothing
        if not numbers:
            problems.append(f"uncited: {text}")
            continue
        unknown = [n for n in numbers if n not in by_n]
        if unknown:
            problems.append(f"unknown marker {unknown}: {text}")
            continue
        # "2023年：…" / "常州：…": the part's label is the question's wording, not a claim from a source
        claim = text if any(text in by_n[n].quote for n in numbers) else _PART_LABEL.sub("", text)
        missing = unsupported_figures(claim, [by_n[n].quote for n in numbers])
        if missing:
            problems.append(f"figures {missing} not in cited quotes: {text}")
    return problems
