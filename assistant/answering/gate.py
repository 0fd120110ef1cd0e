"""Gate: is a sentence on topic, and is the best one good enough to answer at all?"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.citations import Evidence
from assistant.answering.features import Features
from assistant.answering.policy import AnswerPolicy


@dataclass(frozen=True)
class Scored:
    ev: Evidence
    features: Features
    score: float


def on_topic(f: Features, policy: AnswerPolicy) -> bool:
    """Enough of the asked-about terms in the sentence, or fewer when its passage covers the whole question,
    or when it says what the question asks in other words (close in meaning, the closest candidate)."""
    needed = policy.min_focus - (policy.unit_match_focus_discount if f.unit_match else 0.0)
    return (f.focus >= needed or (f.focus >= policy.min_focus_with_context and f.context >= policy.min_context)
            or (f.semantic >= policy.min_semantic and f.semantic_gap <= policy.semantic_margin
                and f.focus >= policy.min_focus_semantic))


def gate_reason(scored: list[Scored], policy: AnswerPolicy) -> str | None:
    """Why no sentence may answer (scored is best first), or None."""
    if not scored:
        return "没有句子覆盖问题问到的内容"
    if scored[0].score < policy.min_score:
        return f"最相关的句子相关度 {scored[0].score:.2f}，低于 {policy.min_score}"
    return None
