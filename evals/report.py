"""The eval report: HTML and Markdown from one set of numbers, with matplotlib charts."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # reports are drawn headless, in CI and over SSH alike

import jinja2  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from evals import metrics  # noqa: E402

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "WenQuanYi Zen Hei")
TYPE_LABELS = {
    "figure": "数字 figure", "entity": "实体 entity", "list": "列举 list",
    "multi-article": "跨文章 multi-article", "follow-up": "追问 follow-up",
    "traditional-script": "繁体 traditional", "unanswerable": "应拒答 unanswerable",
}
SUMMARY_METRICS = (
    ("answer_accuracy", "回答正确率 answer accuracy"),
    ("fact_recall", "事实召回 fact recall"),
    ("figure_exact_match", "数字精确匹配 exact figure match"),
    ("citation_accuracy", "引用正确率 citation accuracy"),
    ("citation_support", "引用支撑 citation support"),
    ("citation_precision", "引用精确率 citation precision"),
    ("refusal_accuracy", "拒答正确率 refusal accuracy"),
    ("false_refusal_rate", "误拒率 false-refusal rate"),
    ("recall_at_1", "Recall@1"),
    ("recall_at_5", "Recall@5"),
    ("mrr", "MRR"),
    ("ndcg_at_10", "nDCG@10"),
    ("evidence_recall_at_5", "证据召回 evidence recall@5"),
    ("latency_p50_ms", "延迟 latency p50 (ms)"),
    ("latency_p95_ms", "延迟 latency p95 (ms)"),
)


def configure_cjk_font() -> str | None:
    """Make matplotlib draw Chinese with an installed CJK font; its name, or None if none is installed."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    name = next((f for f in CJK_FONTS if f in installed), None)
    if name is None:
        log.warning("没有找到中文字体（请安装 fonts-noto-cjk）；图表里的中文会显示成方框")
        return None
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def draw_type_chart(summary: dict, path: Path) -> Path:
    """Horizontal bars: share of cases passed per case type."""
    by_type = summary["by_type"]
    labels = [f"{TYPE_LABELS.get(t, t)} (n={g['cases']})" for t, g in by_type.items()]
    values = [100 * (g["accuracy"] or 0.0) for g in by_type.values()]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(labels) + 1.2))
    bars = ax.barh(labels[::-1], values[::-1], color="#3b6ea8")
    ax.bar_label(bars, fmt="%.0f%%", padding=3)
    ax.set_xlim(0, 110)
    ax.set_xlabel("通过率 cases passed (%)")
    ax.set_title("各类问题通过率 Accuracy by question type")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def draw_latency_chart(results: list[dict], path: Path) -> Path:
    """Histogram of per-question answer latency."""
    latencies = [r["latency_ms"] for r in results if not r["error"]]
    # One cold or slow question must not squeeze every other bar into the first bin.
    cap = metrics.percentile(latencies, 99) if latencies else 0
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.hist([min(v, cap) for v in latencies] or [0], bins=min(30, max(5, len(latencies) // 4)), color="#c0763b")
    for q, style in ((50, "--"), (95, ":")):
        value = metrics.percentile(latencies, q)
        if value is not None:
            ax.axvline(value, color="#333", linestyle=style, label=f"p{q} {value:,.0f} ms")
    if latencies:
        ax.legend()
    ax.set_xlabel("每题延迟 latency per question (ms; slower than p99 counted in the last bar)")
    ax.set_ylabel("问题数 questions")
    ax.set_title("回答延迟分布 Answer latency")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _fmt(value: float | int | None, metric: str = "") -> str:
    """Shares as 0.912, latencies as whole ms, counts as is, missing as n/a."""
    if value is None:
        return "n/a"
    if metric.startswith("latency") or isinstance(value, int):
        return f"{value:,.0f}"
    return f"{value:.3f}"


def _ranked_sources(retrieved: list[str], k: int = 5) -> str:
    """Top-k retrieved file names, each once with its ranks: "a.txt #1 #3, b.txt #2"."""
    ranks: dict[str, list[int]] = {}
    for rank, name in enumerate(retrieved[:k], start=1):
        ranks.setdefault(name, []).append(rank)
    return ", ".join(f"{name} " + " ".join(f"#{r}" for r in rs) for name, rs in ranks.items()) or "—"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["fmt"] = _fmt
    env.filters["ranked_sources"] = _ranked_sources
    return env


def tag_rows(report: dict) -> list[tuple[str, dict]]:
    """The per-tag groups, worst pass rate first (then the most cases)."""
    groups = list(report.get("by_tag", {}).items())
    return sorted(groups, key=lambda tg: (tg[1]["accuracy"] or 0.0, -tg[1]["cases"], tg[0]))


def refusal_rows(report: dict) -> list[dict]:
    """Refusals per check: all of them and the false ones (answerable cases refused)."""
    counts = report.get("refusals") or {}
    by_reason, false = counts.get("by_reason", {}), counts.get("false_by_reason", {})
    return [{"check": check, "refused": n, "false": false.get(check, 0)} for check, n in by_reason.items()]


def write_report(report: dict, out_dir: str | Path, trend: list[dict] | None = None) -> dict[str, Path]:
    """Write report.html, report.md and the chart PNGs into out_dir; their paths by kind. `trend`: the
    recent runs of this gold set from the runs folder (evals/trend.py), drawn when there are two or more."""
    from evals.trend import draw_trend_chart, trend_rows

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    configure_cjk_font()
    charts = {
        "by_type": draw_type_chart(report, out / "by_type.png"),
        "latency": draw_latency_chart(report["results"], out / "latency.png"),
    }
    if trend and len(trend) > 1:
        charts["trend"] = draw_trend_chart(trend, out / "trend.png")
    context = {
        "passed": [c for c in report["results"] if c["passed"]],
        "trend_rows": trend_rows(trend or []),
        "r": report,
        "metrics": SUMMARY_METRICS,
        "type_labels": TYPE_LABELS,
        "tag_rows": tag_rows(report),
        "refusal_rows": refusal_rows(report),
        "failures": [c for c in report["results"] if not c["passed"]],
        "chart_files": {k: p.name for k, p in charts.items()},
        "chart_uris": {k: _data_uri(p) for k, p in charts.items()},
    }
    env = _environment()
    paths = {"html": out / "report.html", "md": out / "report.md", **charts}
    paths["html"].write_text(env.get_template("report.html.j2").render(context), encoding="utf-8")
    paths["md"].write_text(env.get_template("report.md.j2").render(context), encoding="utf-8")
    return paths


def write_index(reports: dict[str, dict], out_dir: str | Path, gate_set: str) -> dict[str, Path]:
    """index.html and index.md over several runs: headline numbers and gate per set, links to each report."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    context = {"reports": reports, "gate_set": gate_set}
    env = _environment()
    paths = {"html": out / "index.html", "md": out / "index.md"}
    paths["html"].write_text(env.get_template("index.html.j2").render(context), encoding="utf-8")
    paths["md"].write_text(env.get_template("index.md.j2").render(context), encoding="utf-8")
    return paths
