"""The eval gate: minimum scores kept in one TOML file, checked against a run's summary."""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.errors import ConfigError

BUNDLED_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
GATED_METRICS = (
    "answer_accuracy", "fact_recall", "figure_exact_match", "citation_accuracy", "citation_support",
    "citation_precision", "refusal_accuracy", "recall_at_1", "recall_at_5", "mrr", "ndcg_at_10",
    "evidence_recall_at_5",
)


def load_thresholds(path: str | Path = BUNDLED_THRESHOLDS) -> dict[str, float]:
    """The `[min]` table of a thresholds file as {metric: minimum}."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds file {path}: {exc}") from exc
    minimums = data.get("min")
    if not isinstance(minimums, dict) or not minimums:
        raise ConfigError(f"{path}: needs a [min] table of metric = minimum share")
    for metric, value in minimums.items():
        if metric not in GATED_METRICS:
            raise ConfigError(f"{path}: unknown metric '{metric}' (known: {', '.join(GATED_METRICS)})")
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ConfigError(f"{path}: '{metric}' must be a share between 0 and 1, not {value!r}")
    return {k: float(v) for k, v in minimums.items()}


def check(summary: dict, minimums: dict[str, float]) -> list[str]:
    """One message per metric below its minimum; empty when the run passes the gate."""
    failures = []
    for metric, minimum in minimums.items():
        value = summary.get(metric)
        if value is None or value < minimum:
            shown = "n/a" if value is None else f"{value:.3f}"
            failures.append(f"{metric} {shown} < {minimum:.2f}")
    return failures
