"""Harvest: the sentences of the retrieved passages, with exact document offsets."""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.answering.citations import Evidence
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.article import Article
from assistant.models import Passage
from core.text import split_sentences

_HEADING = re.compile(r"[【\[].{0,20}[】\]]")


def candidate_sentences(passages: list[Passage], docs: Mapping[str, Article],
                        policy: AnswerPolicy = DEFAULT_POLICY) -> list[tuple[int, Evidence]]:
    """(passage rank, sentence) for the sentences of the passages, deduplicated across overlapping chunks;
    bracketed headings (【…】) and lines shorter than a sentence are left out."""
    seen, out = set(), []
    for rank, p in enumerate(passages):
        text = docs[p.source].text
        for s, e in split_sentences(text, p.start, p.end):
            if (p.source, s) not in seen and e - s >= policy.min_sentence_chars and not _HEADING.fullmatch(text[s:e]):
                seen.add((p.source, s))
                out.append((rank, Evidence(p, s, e, text[s:e])))
    return out
