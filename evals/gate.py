"""The eval gate: minimum scores kept in one TOML file (`[min]`, and `[min.SET]` per bundled set),
checked against a run's summary."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from assistant import ConfigError

BUNDLED_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
GATED_METRICS = (
    "answer_accuracy", "fact_recall", "figure_exact_match", "citation_accuracy", "citation_support",
    "citation_precision", "refusal_accuracy", "recall_at_1", "recall_at_5", "mrr", "ndcg_at_10",
    "evidence_recall_at_5",
)
NEEDS_MIN = "缺少 [min] 表；请在 [min] 下按“指标 = 最低比例”逐行写门槛，例如 answer_accuracy = 0.9"


def _why_unreadable(exc: Exception) -> str:
    """Why a thresholds file could not be read, in Chinese."""
    if isinstance(exc, tomllib.TOMLDecodeError):
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        at = f"第 {where[1]} 行第 {where[2]} 列附近" if where else "文件"
        return f"{at}不是有效的 TOML；请改正这个文件"
    from evals.schema import why_unreadable

    return why_unreadable(exc)


def _validated(table: dict, path: Path, where: str) -> dict[str, float]:
    for metric, value in table.items():
        if metric not in GATED_METRICS:
            raise ConfigError(f"{path}：{where} 里有未知指标 '{metric}'（可设门槛的指标：{'、'.join(GATED_METRICS)}）；"
                              "请改正拼写或删除这一行")
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise ConfigError(f"{path}：{where} 里 {metric} 的值 {value!r} 无效，应为 0 到 1 之间的比例"
                              "（例如 0.9 表示 90%）")
    return {k: float(v) for k, v in table.items()}


def load_all_thresholds(path: str | Path = BUNDLED_THRESHOLDS) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The `[min]` table and the per-set `[min.SET]` tables of a thresholds file, validated."""
    from evals.sets import SET_NAMES

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"无法读取门槛文件 {path}：{_why_unreadable(exc)}") from exc
    table = data.get("min")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}：{NEEDS_MIN}")
    per_set = {k: v for k, v in table.items() if isinstance(v, dict)}
    default = _validated({k: v for k, v in table.items() if k not in per_set}, path, "[min]")
    if not default:
        raise ConfigError(f"{path}：{NEEDS_MIN}")
    for name, section in per_set.items():
        if name not in SET_NAMES:
            raise ConfigError(f"{path}：[min.{name}] 里的 {name} 不是评测集（可用的评测集：{'、'.join(SET_NAMES)}）；"
                              "请改正表名")
        if not section:
            raise ConfigError(f"{path}：[min.{name}] 是空表；请写入至少一行“指标 = 最低比例”，或删除这个表")
    return default, {name: _validated(section, path, f"[min.{name}]") for name, section in per_set.items()}


def load_thresholds(path: str | Path = BUNDLED_THRESHOLDS, set_name: str | None = None) -> dict[str, float]:
    """{metric: minimum} for a run: the set's own `[min.SET]` table when the file has one (it replaces
    `[min]` whole), else the `[min]` table (the sample set and runs on any other gold set)."""
    default, per_set = load_all_thresholds(path)
    return per_set.get(set_name, default) if set_name else default


def check(summary: dict, minimums: dict[str, float]) -> list[str]:
    """One message per metric below its minimum; empty when the run passes the gate."""
    failures = []
    for metric, minimum in minimums.items():
        value = summary.get(metric)
        if value is None or value < minimum:
            shown = "n/a" if value is None else f"{value:.3f}"
            failures.append(f"{metric} {shown} < {minimum:.2f}")
    return failures
