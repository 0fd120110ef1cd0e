"""Run gold cases through an assistant and score each one with the deterministic metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from assistant import Answer, AssistantError, Passage
from evals import gate, metrics
from evals.diagnose import diagnose
from evals.schema import CASE_TYPES, GoldCase

log = logging.getLogger(__name__)

RETRIEVE_K = 10


class AssistantLike(Protocol):
    """What the runner needs: the public `Assistant` or anything that wraps it."""

    def ask(self, question: str, history: list[dict] | None = None) -> Answer: ...

    def retrieve(self, question: str, k: int = 10, history: list[dict] | None = None) -> list[Passage]: ...


@dataclass
class CaseResult:
    """One case's outcome: what was asked, what came back, and every per-case measure."""

    id: str
    type: str
    question: str
    history: list[dict]
    facts: list[list[str]]
    sources: list[str]
    note: str
    tags: list[str] = field(default_factory=list)
    answer: str = ""
    refused: bool = False
    refusal_reason: str = ""  # on refusal: which check refused (Answer.refusal_reason)
    citations: list[dict] = field(default_factory=list)  # n, source, date, quote
    retrieved: list[str] = field(default_factory=list)  # file names of the top passages, in rank order
    latency_ms: float = 0.0
    error: str = ""  # the assistant raised instead of answering
    facts_found: list[bool] = field(default_factory=list)
    fact_recall: float | None = None
    figures_exact: bool | None = None
    answer_correct: bool | None = None  # answerable cases only
    citation_support: float | None = None
    citation_correct: bool | None = None
    citation_precision: float | None = None
    recall_at_1: float | None = None
    recall_at_5: float | None = None
    reciprocal_rank: float | None = None
    ndcg_at_10: float | None = None
    evidence_at_5: float | None = None
    passed: bool = False
    failures: list[str] = field(default_factory=list)
    diagnosis: dict | None = None  # failed cases: why, from the hit test (evals/diagnose.py)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    def to_dict(self) -> dict:
        return asdict(self)


def _new_result(case: GoldCase) -> CaseResult:
    return CaseResult(
        id=case.id, type=case.type, question=case.question,
        history=[t.model_dump() for t in case.history], facts=[list(f) for f in case.facts],
        sources=list(case.sources), note=case.note, tags=list(case.tags),
    )


def _score_retrieval(result: CaseResult, passages: Sequence[Passage], case: GoldCase) -> None:
    ranked = [p.source for p in passages]
    result.retrieved = [metrics.file_name(s) for s in ranked]
    if not case.answerable:
        return
    result.recall_at_1 = metrics.recall_at_k(ranked, case.sources, 1)
    result.recall_at_5 = metrics.recall_at_k(ranked, case.sources, 5)
    result.reciprocal_rank = metrics.reciprocal_rank(ranked, case.sources)
    result.ndcg_at_10 = metrics.ndcg_at_k(ranked, case.sources, 10)
    result.evidence_at_5 = metrics.evidence_at_k([p.text for p in passages], case.facts, 5)


def _score_answer(result: CaseResult, answer: Answer, case: GoldCase) -> None:
    result.answer, result.refused = answer.answer, answer.refused
    result.refusal_reason = answer.refusal_reason if answer.refused else ""
    result.citations = [{"n": c.n, "source": c.source, "date": c.date, "quote": c.quote} for c in answer.citations]
    if not case.answerable:
        result.passed = answer.refused
        if not answer.refused:
            result.failures.append("answered a question the articles cannot answer")
        return
    text = metrics.strip_markers(answer.answer)
    result.facts_found = [metrics.fact_in_text(f, text) for f in case.facts]
    result.fact_recall = metrics.mean(result.facts_found)
    result.figures_exact = metrics.figures_exact(case.facts, text)
    result.answer_correct = not answer.refused and all(result.facts_found)
    evidence = [(c.source, f"{c.quote} {c.date}") for c in answer.citations]
    result.citation_support = metrics.citation_support(case.facts, evidence, case.sources)
    result.citation_correct = not answer.refused and bool(answer.citations) and result.citation_support == 1.0
    result.citation_precision = metrics.citation_precision(answer.answer, {c.n: c.quote for c in answer.citations})
    result.passed = bool(result.answer_correct and result.citation_correct)
    result.failures.extend(_answer_failures(result, case))


def _answer_failures(result: CaseResult, case: GoldCase) -> list[str]:
    """Why an answerable case failed, in words an evaluator can act on."""
    if result.refused:
        return ["refused a question the articles answer"]
    reasons = []
    missing = [forms[0] for forms, found in zip(case.facts, result.facts_found) if not found]
    if missing:
        reasons.append("answer lacks " + "、".join(missing))
    if not result.citations:
        reasons.append("no citations")
    elif not result.citation_correct:
        reasons.append("citations do not show every fact from an expected source")
    return reasons


def score_case(case: GoldCase, answer: Answer, passages: Sequence[Passage], latency_ms: float = 0.0) -> CaseResult:
    """Score one answer and its retrieval against the case (pure: no assistant involved)."""
    result = _new_result(case)
    result.latency_ms = latency_ms
    _score_retrieval(result, passages, case)
    _score_answer(result, answer, case)
    return result


def run_case(assistant: AssistantLike, case: GoldCase) -> CaseResult:
    """Ask one case (timed), retrieve for it, and score both."""
    history = [t.model_dump() for t in case.history] or None
    try:
        started = time.perf_counter()
        answer = assistant.ask(case.question, history=history)
        latency_ms = (time.perf_counter() - started) * 1000
        passages = assistant.retrieve(case.question, k=RETRIEVE_K, history=history)
    except Exception as exc:  # one broken case must not stop the run; it is reported as a failure
        result = _new_result(case)
        result.error = f"{type(exc).__name__}: {exc}"
        result.failures.append(f"error: {result.error}")
        return result
    result = score_case(case, answer, passages, latency_ms)
    if not result.passed:
        result.diagnosis = explain_failure(assistant, case, history)
    return result


def explain_failure(assistant: AssistantLike, case: GoldCase, history: list[dict] | None) -> dict | None:
    """The failed case's diagnosis from the assistant's own hit test (only failed cases pay for it, and it
    is not timed); None for an assistant without `explain` or when explaining fails."""
    explain = getattr(assistant, "explain", None)
    if explain is None:
        return None
    try:
        return diagnose(case, explain(case.question, history=history, k=RETRIEVE_K))
    except Exception:  # noqa: BLE001 - a diagnosis is extra; the case's own result stands without it
        log.warning("could not explain case %s", case.id, exc_info=True)
        return None


def run_cases(assistant: AssistantLike, cases: Iterable[GoldCase],
              progress: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    """Every case in order; `progress` sees each result as it is scored."""
    results = []
    for case in cases:
        result = run_case(assistant, case)
        results.append(result)
        if progress:
            progress(result)
    return results


def crag_points(result: CaseResult) -> int:
    """CRAG-style score of one case: answerable +1 correct, 0 refused, -1 wrong (errors too);
    unanswerable +1 refused, -1 answered."""
    if not result.answerable:
        return 1 if result.refused else -1
    if result.refused:
        return 0
    return 1 if result.answer_correct else -1


def crag_summary(results: Sequence[CaseResult]) -> dict:
    """The CRAG-style score (mean points, -1..1) with how many cases scored +1, 0 and -1."""
    points = [crag_points(r) for r in results]
    return {"score": metrics.mean(points), "correct": points.count(1), "refused": points.count(0),
            "wrong": points.count(-1)}


NO_REASON = "（未说明）"


def refusal_check(reason: str) -> str:
    """The check that refused: the part of the reason before "：" ("相关度检查：…" → "相关度检查").

    A refusal combined from per-subject refusals reads "北京：地点/年份检查：…；上海：…"; its first
    part that names a check (…检查, 否决…) is taken, so subjects are not counted as checks.
    """
    first = reason.split("；")[0].strip()
    if not first:
        return NO_REASON
    parts = [p.strip() for p in first.split("：")]
    if len(parts) > 2:
        named = [p for p in parts[:-1] if p.endswith("检查") or p.startswith("否决")]
        if named:
            return named[0]
    return parts[0] or NO_REASON


def refusal_counts(results: Sequence[CaseResult]) -> dict:
    """Refusals counted by the check that refused, over all cases and over answerable cases (false refusals)."""
    def count(rs) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in rs:
            check = refusal_check(r.refusal_reason)
            counts[check] = counts.get(check, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    refused = [r for r in results if r.refused]
    false = [r for r in refused if r.answerable]
    return {"refused": len(refused), "false_refusals": len(false),
            "by_reason": count(refused), "false_by_reason": count(false)}


def _group_summary(results: Sequence[CaseResult]) -> dict:
    """The headline measures over a group of results."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    latencies = [r.latency_ms for r in results if not r.error]
    return {
        "cases": len(results),
        "passed": sum(r.passed for r in results),
        "accuracy": metrics.mean(r.passed for r in results),
        "answer_accuracy": metrics.mean(bool(r.answer_correct) for r in answerable),
        "fact_recall": metrics.mean(r.fact_recall or 0.0 for r in answerable),
        "figure_exact_match": metrics.mean(r.figures_exact for r in answerable),
        "citation_accuracy": metrics.mean(bool(r.citation_correct) for r in answerable),
        "citation_support": metrics.mean(r.citation_support or 0.0 for r in answerable),
        "citation_precision": metrics.mean(r.citation_precision for r in answerable),
        "refusal_accuracy": metrics.mean(r.refused for r in unanswerable),
        "false_refusal_rate": metrics.mean(r.refused for r in answerable),
        "recall_at_1": metrics.mean(r.recall_at_1 for r in answerable),
        "recall_at_5": metrics.mean(r.recall_at_5 for r in answerable),
        "mrr": metrics.mean(r.reciprocal_rank for r in answerable),
        "ndcg_at_10": metrics.mean(r.ndcg_at_10 for r in answerable),
        "evidence_recall_at_5": metrics.mean(r.evidence_at_5 for r in answerable),
        "latency_p50_ms": metrics.percentile(latencies, 50),
        "latency_p95_ms": metrics.percentile(latencies, 95),
        "errors": sum(bool(r.error) for r in results),
        "crag": crag_summary(results),
    }


def tags_of(results: Sequence[CaseResult]) -> list[str]:
    """Every tag used by the results, sorted."""
    return sorted({t for r in results for t in r.tags})


def summarise(results: Sequence[CaseResult]) -> dict:
    """Headline metrics over all results, plus the same per case type (`by_type`) and per tag (`by_tag`),
    the CRAG-style score (`crag`, also in each group) and refusals counted by check (`refusals`)."""
    summary = _group_summary(results)
    summary["answerable"] = sum(r.answerable for r in results)
    summary["unanswerable"] = summary["cases"] - summary["answerable"]
    summary["latency_mean_ms"] = metrics.mean(r.latency_ms for r in results if not r.error)
    summary["by_type"] = {
        t: _group_summary(group)
        for t in CASE_TYPES
        if (group := [r for r in results if r.type == t])
    }
    summary["by_tag"] = {tag: _group_summary([r for r in results if tag in r.tags]) for tag in tags_of(results)}
    summary["refusals"] = refusal_counts(results)
    return summary


def warm_up(assistant: AssistantLike, cases: Sequence[GoldCase]) -> None:
    """One untimed retrieval first, so loading models is not counted as the first question's latency.

    An AssistantError here (empty store, Chroma down) concerns every case and stops the run;
    anything else is left for that case's own run to report.
    """
    if cases:
        try:
            assistant.retrieve(cases[0].question, k=1)
        except AssistantError:
            raise
        except Exception:  # noqa: BLE001
            log.debug("warm-up retrieval failed", exc_info=True)


def evaluate(assistant: AssistantLike, cases: Sequence[GoldCase], minimums: dict[str, float],
             config: dict | None = None, progress: Callable[[CaseResult], None] | None = None) -> dict:
    """Run and score every case: the `assistant eval --json` object (summary, gate, config, results)."""
    started = datetime.now(timezone.utc)
    warm_up(assistant, cases)
    results = run_cases(assistant, cases, progress)
    report = summarise(results)
    failures = gate.check(report, minimums)
    report.update(
        thresholds=minimums,
        gate={"passed": not failures, "failures": failures, "enforced": True},
        config={**(config or {}), "started": started.isoformat(timespec="seconds"),
                "duration_s": (datetime.now(timezone.utc) - started).total_seconds()},
        results=[r.to_dict() for r in results],
    )
    return report
