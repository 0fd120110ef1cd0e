"""Compare a run with a previous `assistant eval --json` output: metric deltas and flipped cases."""

from __future__ import annotations

import json
from pathlib import Path

from assistant import ConfigError

COMPARED_METRICS = (
    "answer_accuracy", "fact_recall", "figure_exact_match", "citation_accuracy", "citation_precision",
    "refusal_accuracy", "false_refusal_rate", "recall_at_1", "recall_at_5", "mrr", "ndcg_at_10",
    "evidence_recall_at_5", "crag", "latency_p50_ms", "latency_p95_ms",
)
LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"}
# Changes smaller than these are noise, not regressions: one case in ~100, or 10% of latency.
SHARE_TOLERANCE = 0.005
LATENCY_TOLERANCE = 0.10


def load_baseline(path: str | Path) -> dict:
    """A previous --json output."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        from evals.schema import why_unreadable

        raise ConfigError(f"无法读取基线文件 {path}：{why_unreadable(exc)}；"
                          "--baseline 应指向一次 `assistant eval --json` 的输出") from exc
    if not isinstance(data, dict) or "answer_accuracy" not in data:
        raise ConfigError(f"{path} 不是 `assistant eval --json` 的输出（缺少 answer_accuracy）；"
                          "请用 `assistant eval --json > run.json` 生成基线，再用 --baseline run.json 对比")
    return data


def metric_value(report: dict, metric: str) -> float | None:
    """A compared metric of a report; `crag` is the CRAG score inside the report's `crag` object."""
    if metric == "crag":
        crag = report.get("crag")
        return crag.get("score") if isinstance(crag, dict) else None
    return report.get(metric)


def _verdict(metric: str, old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return "n/a"
    delta = new - old
    tolerance = LATENCY_TOLERANCE * abs(old) if metric.startswith("latency") else SHARE_TOLERANCE
    if abs(delta) <= tolerance:
        return "same"
    better = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
    return "better" if better else "worse"


def compare(summary: dict, baseline: dict) -> dict:
    """Rows of (metric, baseline, current, delta, verdict) and the cases that changed outcome."""
    rows = []
    for metric in COMPARED_METRICS:
        old, new = metric_value(baseline, metric), metric_value(summary, metric)
        delta = None if old is None or new is None else new - old
        rows.append({"metric": metric, "baseline": old, "current": new, "delta": delta,
                     "verdict": _verdict(metric, old, new)})
    before = {r["id"]: r for r in baseline.get("results", [])}
    now_failing, now_passing = [], []
    for r in summary.get("results", []):
        old = before.get(r["id"])
        if old is not None and old["passed"] != r["passed"]:
            (now_passing if r["passed"] else now_failing).append(
                {"id": r["id"], "type": r["type"], "question": r["question"]})
    return {
        "metrics": rows,
        "regressed": [r["metric"] for r in rows if r["verdict"] == "worse"],
        "newly_failing": now_failing,
        "newly_passing": now_passing,
    }
