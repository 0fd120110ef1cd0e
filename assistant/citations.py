"""Citations: build them from exact document spans, and check that they support what cites them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Citation, Passage
from assistant.numbers import extract_figures, figure_in_text

_MARKER = re.compile(r"\[(\d+)\]")
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


def make_citation(n: int, ev: Evidence) -> Citation:
    p = ev.passage
    return Citation(n=n, source=p.source, title=p.title, date=p.date, quote=ev.text,
                    chunk_id=p.chunk_id, start=ev.start, end=ev.end, passage=p.text)


def unsupported_figures(claim: str, quotes: list[str]) -> list[str]:
    """Figures written in the claim that none of its cited quotes contains."""
    joined = "\n".join(quotes)
    return [f.raw for f in extract_figures(claim) if not figure_in_text(f.raw, joined)]


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


def check_answer(answer: str, citations: list[Citation]) -> list[str]:
    """Problems that make an answer untrustworthy: uncited sentences, unknown markers, unsupported figures."""
    by_n = {c.n: c for c in citations}
    problems = []
    for text, numbers in split_claims(answer):
        if not numbers:
            problems.append(f"uncited: {text}")
            continue
        unknown = [n for n in numbers if n not in by_n]
        if unknown:
            problems.append(f"unknown marker {unknown}: {text}")
            continue
        missing = unsupported_figures(text, [by_n[n].quote for n in numbers])
        if missing:
            problems.append(f"figures {missing} not in cited quotes: {text}")
    return problems
