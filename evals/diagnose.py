"""Why a case failed, from the hit test (`Assistant.explain`): the rank of the right passage, what became of
the sentence holding the expected fact (vetoed, below the topic gate, outscored), the sentence chosen
instead, and the refusal reason. Pure: the hit test is read, nothing is asked."""

from __future__ import annotations

from pathlib import Path

from assistant import HitCandidate, HitTest
from evals.metrics import fact_in_text
from evals.schema import GoldCase

QUOTE_CHARS = 160


def _sentence(c: HitCandidate) -> dict:
    return {"text": c.text[:QUOTE_CHARS], "source": Path(c.source).name, "status": c.status, "why": c.why,
            "score": c.score, "passage_rank": c.passage_rank}


def right_passage_rank(case: GoldCase, hit: HitTest) -> int | None:
    """1-based rank of the first retrieved passage from an expected source (None: not in the top passages)."""
    wanted = set(case.sources)
    return next((p.rank for p in hit.passages if Path(p.source).name in wanted), None)


def right_sentence(case: GoldCase, hit: HitTest) -> HitCandidate | None:
    """The weighed sentence from an expected source holding the most expected facts (the best-placed of those)."""
    wanted = set(case.sources)
    best, most = None, 0
    for c in hit.candidates:  # chosen first, then by score: the first with the most facts is the best placed
        if Path(c.source).name not in wanted:
            continue
        found = sum(fact_in_text(forms, c.text) for forms in case.facts)
        if found > most:
            best, most = c, found
    return best


def diagnose(case: GoldCase, hit: HitTest) -> dict:
    """The `diagnosis` of a failed case in `--json` results (evals/README.md), with a one-line Chinese summary."""
    rank = right_passage_rank(case, hit) if case.answerable else None
    right = right_sentence(case, hit) if case.answerable else None
    chosen = [_sentence(c) for c in hit.chosen]
    parts = []
    if case.answerable:
        parts.append(f"正确文章的段落排第 {rank} 位" if rank else f"前 {len(hit.passages)} 个段落里没有正确文章")
        if right is None:
            parts.append("回答器权衡的句子里没有含期望事实的句子")
        elif not right.chosen:
            parts.append(f"含期望事实的句子{'被' if right.veto else ''}{right.why}")
    if chosen:
        parts.append("回答选了：" + "；".join(c["text"] for c in chosen)[:QUOTE_CHARS])
    elif hit.answer.refused:
        parts.append("拒答：" + (hit.answer.refusal_reason or "（未说明）"))
    if hit.note and not hit.candidates:
        parts.append(hit.note)
    return {"right_passage_rank": rank, "right_sentence": _sentence(right) if right else None, "chosen": chosen,
            "refusal_reason": hit.answer.refusal_reason if hit.answer.refused else "", "summary": "；".join(parts)}
