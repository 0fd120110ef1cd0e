"""Select: the sentences to quote, one for most questions, several (across documents) for lists."""

from __future__ import annotations

from assistant.answering.gate import Scored
from assistant.answering.policy import AnswerPolicy
from assistant.answering.question import Question


def select(q: Question, scored: list[Scored], policy: AnswerPolicy) -> list[Scored]:
    """scored is best first; a list answer keeps close runners-up, a few per document, in reading order."""
    best = scored[0]
    if q.kind != "list":
        return [best]
    picked, per_doc = [best], {best.ev.passage.source: 1}
    limit = policy.list_per_document_named if q.entities else 1  # "哪些地方…" wants one sentence per article
    for s in scored[1:]:
        src = s.ev.passage.source
        if (len(picked) >= policy.list_max_sentences or s.score < policy.list_keep_ratio * best.score
                or per_doc.get(src, 0) >= limit or any(_overlap(s, p) for p in picked)):
            continue
        picked.append(s)
        per_doc[src] = per_doc.get(src, 0) + 1
    return sorted(picked, key=lambda s: (s.ev.passage.source != best.ev.passage.source, s.ev.passage.source, s.ev.start))


def _overlap(a: Scored, b: Scored) -> bool:
    """A sentence pair and one of its sentences quote the same text."""
    return a.ev.passage.source == b.ev.passage.source and a.ev.start < b.ev.end and b.ev.start < a.ev.end
