"""The runs folder: each eval run's summary kept as one JSON file, and the trend chart over the last N runs.

`assistant eval` records every run in `--runs DIR` (default `<eval root>/runs`, see evals/README.md) as
`<UTC time>-<set>.json`: the report without its per-case results, plus when it ran and the git revision.
A run's trend is the runs of the same gold file (by name), oldest first.
"""

from __future__ import annotations

import json
import logging
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from evals.sets import EVALS_DIR, eval_root

log = logging.getLogger(__name__)

RUNS_FOLDER = "runs"
DEFAULT_TREND = 20
TREND_METRICS = (("answer_accuracy", "回答正确率"), ("citation_accuracy", "引用正确率"),
                 ("refusal_accuracy", "拒答正确率"), ("crag", "CRAG 得分"))


def default_runs_dir() -> Path:
    return eval_root() / RUNS_FOLDER


def git_revision(folder: Path = EVALS_DIR) -> str:
    """The checkout's short revision, "+" when it has uncommitted changes; "" outside a git checkout."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=folder, capture_output=True, text=True,
                             timeout=10)
        if rev.returncode:
            return ""
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=folder,
                               capture_output=True, text=True, timeout=10)
        return rev.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def record_run(report: dict, runs_dir: str | Path, revision: str | None = None) -> Path:
    """Keep the run's summary in the runs folder; the file's path."""
    runs = Path(runs_dir)
    runs.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    name = report.get("config", {}).get("set") or "run"
    summary = {k: v for k, v in report.items() if k != "results"}
    summary["recorded"] = now.isoformat(timespec="seconds")
    summary["git"] = git_revision() if revision is None else revision
    path = runs / f"{now:%Y%m%dT%H%M%S%f}-{name}.json"
    path.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return path


def load_runs(runs_dir: str | Path, gold: str | Path, last: int = DEFAULT_TREND) -> list[dict]:
    """The last runs of the same gold file (by file name), oldest first; unreadable files are skipped."""
    wanted, runs = Path(str(gold)).name, []
    for path in sorted(Path(runs_dir).glob("*.json")):
        try:
            run = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            log.warning("跳过无法读取的运行记录 %s", path)
            continue
        if Path(str(run.get("config", {}).get("gold", ""))).name == wanted:
            runs.append(run)
    runs.sort(key=lambda r: r.get("recorded", ""))
    return runs[-last:] if last else runs


def trend_value(run: dict, metric: str) -> float | None:
    return (run.get("crag") or {}).get("score") if metric == "crag" else run.get(metric)


def trend_rows(runs: list[dict]) -> list[dict]:
    """One row per run for the report's trend table: when, revision and the trend metrics."""
    return [{"recorded": r.get("recorded", ""), "git": r.get("git", ""), "cases": r.get("cases"),
             **{m: trend_value(r, m) for m, _ in TREND_METRICS}} for r in runs]


def draw_trend_chart(runs: list[dict], path: Path) -> Path:
    """Lines of the trend metrics over the runs (CRAG is −1…1, the shares 0…1: one axis fits both)."""
    from evals.report import plt  # the report module set the Agg backend and the CJK font

    labels = [f"{r.get('recorded', '')[5:16].replace('T', ' ')}\n{r.get('git', '')}" for r in runs]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for metric, label in TREND_METRICS:
        values = [trend_value(r, metric) for r in runs]
        ax.plot(range(len(runs)), [float("nan") if v is None else v for v in values], marker="o", label=label)
    ax.set_xticks(range(len(runs)), labels, fontsize=7)
    ax.set_ylim(min(-0.05, *[trend_value(r, "crag") or 0 for r in runs]) - 0.05, 1.05)
    ax.set_ylabel("得分")
    ax.set_title(f"最近 {len(runs)} 次运行的趋势")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the lines, never over them
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
