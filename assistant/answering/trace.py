"""The extractive answerer's decision, recorded for the hit test (`Assistant.explain`): every sentence it
weighed, its features and score, the veto that removed it, and which sentences the answer quotes.

Recording is off unless a caller opens `recording()`, so answering questions pays nothing for it. A context
variable rather than an argument: the decision is made several calls deep (a question split into parts is
answered part by part) and the answerer's interface stays what every answerer implements.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from assistant.answering.citations import Evidence
from assistant.answering.features import Features
from assistant.answering.vetoes import Vetoed
from assistant.models import Answer


@dataclass(frozen=True)
class Considered:
    """One candidate sentence (or adjacent pair) as the answerer weighed it."""

    ev: Evidence
    rank: int  # its passage's rank in retrieval (0-based, as the features count it)
    features: Features | None  # None only when a veto removed it before features were computed
    score: float | None  # None for a vetoed sentence
    veto: Vetoed | None
    on_topic: bool  # passed the topic gate (gate.on_topic): only these compete for the answer


@dataclass
class Decision:
    """One answered (sub-)question: what was weighed and the answer that came of it."""

    part: str  # the question text this decision answers (a part of a split question, or the whole)
    considered: list[Considered] = field(default_factory=list)
    answer: Answer | None = None


_CURRENT: ContextVar[list[Decision] | None] = ContextVar("answer_trace", default=None)


@contextmanager
def recording() -> Iterator[list[Decision]]:
    """Collect the decisions made inside the block, in the order they were made."""
    token = _CURRENT.set([])
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def tracing() -> bool:
    return _CURRENT.get() is not None


def record(decision: Decision) -> None:
    decisions = _CURRENT.get()
    if decisions is not None:
        decisions.append(decision)
