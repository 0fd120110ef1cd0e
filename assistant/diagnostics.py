"""The hit test: why the assistant answered as it did. `Assistant.explain` fills a `HitTest` from the real
retrieval (per-channel scores kept on each Passage) and the real answerer (assistant/answering/trace.py),
so what it shows cannot drift from what `ask` does.

>>> hit = Assistant(store=DIR).explain("什邡市总工会建了多少家新就业形态工会？")
>>> hit.passages[0].bm25, hit.chosen[0].text
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from assistant.answering.trace import Considered, Decision
from assistant.models import Answer, Passage

STATUS_CHOSEN, STATUS_VETOED, STATUS_OFF_TOPIC, STATUS_OUTSCORED = "选中", "否决", "未过相关度门槛", "落选"


@dataclass(frozen=True)
class HitPassage:
    """One retrieved passage with every score retrieval gave it (None: that channel did not find it)."""

    rank: int  # 1-based, the order the answerer reads the passages in
    chunk_id: str
    source: str
    title: str
    date: str
    text: str
    start: int
    end: int
    bm25: float | None = None  # keyword (jieba + SQLite FTS5 BM25) score; higher is better
    bm25_rank: int | None = None
    dense: float | None = None  # cosine similarity of the embeddings
    dense_rank: int | None = None
    fused: float | None = None  # reciprocal-rank fusion of the channels
    rerank: float | None = None  # the reranker's own score (hybrid mode)
    final: float = 0.0  # the score the passage is ranked by


@dataclass(frozen=True)
class HitCandidate:
    """One sentence the answerer weighed: its features, score, veto, and the verdict in words."""

    part: str  # the question (or part of a split question) it was weighed for
    source: str
    start: int
    end: int
    text: str
    passage_rank: int  # 1-based rank of the passage it came from
    status: str  # 选中 / 否决 / 未过相关度门槛 / 落选
    why: str  # the verdict in Chinese, e.g. "否决（unit）：句子没有以家计的数字"
    score: float | None = None
    features: dict = field(default_factory=dict)
    veto: str = ""
    veto_reason: str = ""

    @property
    def chosen(self) -> bool:
        return self.status == STATUS_CHOSEN


@dataclass
class HitTest:
    question: str
    resolved_question: str
    answerer: str
    passages: list[HitPassage]
    candidates: list[HitCandidate]  # per part: chosen first, then by score; vetoed ones last
    answer: Answer
    note: str = ""  # e.g. why there are no candidates (the LLM answerer does not expose its choice)

    @property
    def chosen(self) -> list[HitCandidate]:
        return [c for c in self.candidates if c.chosen]

    def to_json(self) -> dict:
        """The `assistant search --json` shape (evals/README.md)."""
        return {
            "question": self.question, "resolved_question": self.resolved_question, "answerer": self.answerer,
            "passages": [asdict(p) for p in self.passages],
            "candidates": [asdict(c) for c in self.candidates],
            "answer": self.answer.to_json(), "note": self.note,
        }


def hit_passage(rank: int, p: Passage) -> HitPassage:
    s = p.scores
    return HitPassage(rank, p.chunk_id, p.source, p.title, p.date, p.text, p.start, p.end,
                      s.get("bm25"), _int(s.get("bm25_rank")), s.get("dense"), _int(s.get("dense_rank")),
                      s.get("fused"), s.get("rerank"), s.get("final", p.score))


def _int(value) -> int | None:
    return None if value is None else int(value)


def _overlaps(c: Considered, answer: Answer) -> bool:
    return any(cit.source == c.ev.passage.source and cit.start < c.ev.end and c.ev.start < cit.end
               for cit in answer.citations)


def _verdict(c: Considered, answer: Answer) -> tuple[str, str]:
    if c.veto is not None:
        return STATUS_VETOED, f"否决（{c.veto.veto}）：{c.veto.reason}"
    if not answer.refused and _overlaps(c, answer):
        return STATUS_CHOSEN, "选中：回答引用了这句"
    if not c.on_topic:
        return STATUS_OFF_TOPIC, "未过相关度门槛：问题问到的词在句子里出现得太少"
    if answer.refused:
        return STATUS_OUTSCORED, f"没有采用：{answer.refusal_reason or '回答被拒答'}"
    return STATUS_OUTSCORED, "落选：得分低于选中的句子"


def hit_candidates(decision: Decision) -> list[HitCandidate]:
    """The sentences of one decision, chosen first, then best score first, vetoed last."""
    answer = decision.answer or Answer(question=decision.part, answer="", refused=True)
    out = []
    for c in decision.considered:
        status, why = _verdict(c, answer)
        features = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(c.features).items()} \
            if c.features else {}
        out.append(HitCandidate(decision.part, c.ev.passage.source, c.ev.start, c.ev.end, c.ev.text, c.rank + 1,
                                status, why, None if c.score is None else round(c.score, 3), features,
                                c.veto.veto if c.veto else "", c.veto.reason if c.veto else ""))
    order = {STATUS_CHOSEN: 0, STATUS_OUTSCORED: 1, STATUS_OFF_TOPIC: 2, STATUS_VETOED: 3}
    return sorted(out, key=lambda h: (order[h.status], -(h.score if h.score is not None else 0.0)))


def build_hit_test(question: str, answer: Answer, passages: list[Passage], decisions: list[Decision],
                   answerer: str) -> HitTest:
    """The hit test from what retrieval returned and what the answerer recorded while answering."""
    candidates = [c for d in decisions for c in hit_candidates(d)]
    note = ""
    if not candidates:
        note = ("这个回答器不公开它的选句过程（只有 extractive 回答器记录候选句子）" if answerer != "extractive"
                else "回答器在选句之前就作出了决定：" + (answer.refusal_reason or "见回答"))
    return HitTest(question, answer.resolved_question or question, answerer,
                   [hit_passage(i, p) for i, p in enumerate(passages, start=1)], candidates, answer, note)
