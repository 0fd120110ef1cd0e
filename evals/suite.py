"""`assistant eval` as a plan of runs: which gold set on which store, each run scored, then combined.

No arguments: the three bundled sets (sample, dev, test), each in its own content-keyed store
(evals/sets.py). `--set` picks some; `--gold`/`--corpus` run any gold set on any corpus in such a
store; `--store` evaluates a store as it is. The CLI (cli/eval.py) only parses options and prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import ConfigError
from evals import baseline as baselines
from evals.gate import BUNDLED_THRESHOLDS, load_thresholds
from evals.metrics import file_name
from evals.sets import (
    BUNDLED_SETS,
    GATE_SET,
    SET_NAMES,
    bundled_set_for,
    corpus_files,
    corpus_name,
    open_assistant,
    open_isolated,
)

# With the bundled sets, these gates decide `--check`: the held-out test set (the CI gate) and the
# sample (a second gate at the original 0.90 minimums). Dev is for tuning: its gate is only reported.
ENFORCED_SETS = ("sample", GATE_SET)
WORST_TAGS = 8


@dataclass(frozen=True)
class Run:
    """One gold set on one store."""

    name: str  # the bundled set's name, or the corpus's / gold file's name
    gold: Path
    corpus: tuple[str, ...] = ()
    store: Path | None = None  # evaluate this store as it is (ingesting `corpus` if given)
    bundled: str | None = None  # the bundled set whose gold file this is: picks `[min.SET]` thresholds
    enforced: bool = True  # whether its gate counts for `--check`


@dataclass(frozen=True)
class Options:
    """The configuration under test, shared by every run."""

    chroma_url: str | None = None
    embedder: str | None = None
    retriever: str | None = None
    answerer: str | None = None
    thresholds: Path = BUNDLED_THRESHOLDS


def plan(sets: Sequence[str] = (), gold: Path | None = None, store: Path | None = None,
         corpus: Sequence[str] = ()) -> list[Run]:
    """The runs the options ask for (see the module docstring)."""
    corpus = tuple(corpus)
    if sets and (gold or store or corpus):
        raise ConfigError("--set 运行的是内置评测集和它们自带的语料，不能与 --gold、--store 或 --corpus 同时使用；"
                          "要评测别的标准答案集，请去掉 --set，改用 --gold 加 --corpus 或 --store")
    if not (sets or gold or store or corpus):
        sets = SET_NAMES
    if sets:
        unknown = [s for s in sets if s not in BUNDLED_SETS]
        if unknown:
            raise ConfigError(f"没有评测集 {'、'.join(unknown)}（可用的评测集：{'、'.join(SET_NAMES)}）；请改正 --set 的值")
        picked = [BUNDLED_SETS[s] for s in dict.fromkeys(sets)]
        absent = [s.name for s in picked if not corpus_files(s.corpus)]
        if absent:
            raise ConfigError(f"评测集 {'、'.join(absent)} 的语料不存在"
                              f"（{'、'.join(c for s in picked if s.name in absent for c in s.corpus)}）；"
                              "内置评测集要在源码检出（git clone）的目录里运行")
        return [Run(s.name, s.gold, s.corpus, bundled=s.name, enforced=s.name in ENFORCED_SETS) for s in picked]
    gold = Path(gold) if gold else BUNDLED_SETS["sample"].gold
    bundled = bundled_set_for(gold)
    set_name = bundled.name if bundled else None
    enforced = set_name is None or set_name in ENFORCED_SETS
    if store is not None:
        return [Run(set_name or gold.stem, gold, corpus, store, set_name, enforced)]
    if not corpus:
        corpus = bundled.corpus if bundled else BUNDLED_SETS["sample"].corpus
    empty = [c for c in corpus if not corpus_files([c])]
    if empty:
        raise ConfigError(f"--corpus {'、'.join(empty)}：没有这个文件，或其中没有文件；请检查路径或通配符")
    own_corpus = bundled is not None and corpus == bundled.corpus
    return [Run(set_name if own_corpus else corpus_name(corpus), gold, corpus, None, set_name, enforced)]


def open_run(run: Run, options: Options):
    """The Assistant a run evaluates."""
    if run.store is not None:
        return open_assistant(run.store, options.chroma_url, options.embedder, options.retriever, options.answerer,
                              run.corpus)
    return open_isolated(run.name, run.corpus, chroma_url=options.chroma_url, embedder=options.embedder,
                         retriever=options.retriever, answerer=options.answerer)


def missing_sources(assistant, cases) -> list[str]:
    """Gold sources the store lacks: their cases cannot pass, and the user should know why."""
    have = {file_name(d.source) for d in assistant.documents()}
    return sorted({s for c in cases for s in c.sources} - have)


def previous_for(previous: dict, gold: Path) -> dict | None:
    """The part of a previous `--json` output that ran the same gold file (by file name): the top level
    of a one-set output, else its `sets` entry (with the top level's results when it is that set)."""
    wanted = Path(gold).name

    def gold_of(report: dict) -> str:
        return Path(str((report.get("config") or {}).get("gold", ""))).name

    if "sets" not in previous:
        return previous if gold_of(previous) in ("", wanted) else None
    for report in previous["sets"].values():
        if gold_of(report) == wanted:
            same_as_top = gold_of(previous) == wanted
            return {**report, "results": previous.get("results", []) if same_as_top else []}
    return None


def evaluate_run(run: Run, options: Options, *, previous: dict | None = None, baseline_path: Path | None = None,
                 judge=None, progress: Callable[[str, int], Callable] | None = None,
                 warn: Callable[[str], None] = lambda message: None, assistant=None) -> dict:
    """Open the run's store, ask every case, score them: one report (the CONTRACT `--json` shape).
    `assistant`: evaluate this one (e.g. the one the UI serves) instead of opening the run's store."""
    from evals.runner import evaluate
    from evals.schema import load_gold

    cases = load_gold(run.gold)
    minimums = load_thresholds(options.thresholds, run.bundled)
    assistant = assistant or open_run(run, options)
    missing = missing_sources(assistant, cases)
    if missing:
        warn(f"警告：{run.name}：资料库缺少 {len(missing)} 个标准答案来源：{'、'.join(missing)}"
             "（引用它们的用例不可能通过；请用 --corpus 导入这些文章）")
    stats = assistant.stats()
    config = {
        "set": run.name, "gold": str(run.gold), "corpus": list(run.corpus), "store": str(assistant.settings.store),
        "chroma_url": options.chroma_url, "retriever": assistant.settings.retriever,
        "answerer": assistant.settings.answerer, "embedder": stats.get("embedder"),
        "documents": stats.get("documents"), "chunks": stats.get("chunks"),
    }
    report = evaluate(assistant, cases, minimums, config, progress(run.name, len(cases)) if progress else None)
    report["gate"]["enforced"] = run.enforced
    if judge is not None:
        from evals.judge import judge_results

        report["judge"] = judge_results(judge, report["results"])
    if previous is not None:
        earlier = previous_for(previous, run.gold)
        if earlier is not None:
            report["baseline"] = {"path": str(baseline_path), **baselines.compare(report, earlier)}
        else:
            warn(f"警告：{run.name}：基线里没有 {run.gold.name} 的运行结果，这个评测集不做对比")
    return report


def record_runs(reports: dict[str, dict], runs_dir: Path, last: int) -> dict[str, list[dict]]:
    """Keep every run's summary in the runs folder; per run name, its trend (the last runs of its gold file)."""
    from evals.trend import load_runs, record_run

    for report in reports.values():
        record_run(report, runs_dir)
    return {name: load_runs(runs_dir, r["config"]["gold"], last) for name, r in reports.items()}


def combine(reports: dict[str, dict]) -> dict:
    """One `--json` object: a single run's report as it is; with several, the sample's report (or the
    first) at the top level, every run's report minus its results under `sets`, and the test set's gate
    as the top-level `gate`."""
    if len(reports) == 1:
        return next(iter(reports.values()))
    top_name = "sample" if "sample" in reports else next(iter(reports))
    top = dict(reports[top_name])
    top["sets"] = {name: {k: v for k, v in r.items() if k != "results"} for name, r in reports.items()}
    if GATE_SET in reports:
        top["gate"] = reports[GATE_SET]["gate"]
        top["gate_set"] = GATE_SET
    return top


def gate_failed(reports: dict[str, dict]) -> bool:
    """Whether `--check` should exit 1: an enforced run's gate failed."""
    return any(not r["gate"]["passed"] and r["gate"].get("enforced", True) for r in reports.values())


def worst_tags(report: dict, n: int = WORST_TAGS) -> list[tuple[str, dict]]:
    """The n tags with the lowest pass rate (then the most cases)."""
    groups = [(tag, g) for tag, g in report.get("by_tag", {}).items() if g["cases"]]
    return sorted(groups, key=lambda tg: (tg[1]["accuracy"] or 0.0, -tg[1]["cases"], tg[0]))[:n]


def _fmt(report: dict, key: str) -> str:
    v = report.get(key)
    return "n/a" if v is None else (f"{v:.0f}" if key.startswith("latency") else f"{v:.3f}")


def summary_lines(report: dict) -> list[str]:
    """The human-readable result of one run: headline metrics, per-type and worst-tag accuracy, the gate."""
    def f(key: str) -> str:
        return _fmt(report, key)

    crag = report.get("crag") or {}
    refusals = report.get("refusals") or {}
    lines = [
        f"用例 {report['cases']} 条（可回答 {report['answerable']}，应拒答 {report['unanswerable']}），"
        f"通过 {report['passed']}，出错 {report['errors']}",
        f"回答正确率 {f('answer_accuracy')}  事实召回 {f('fact_recall')}  "
        f"数字精确匹配 {f('figure_exact_match')}",
        f"引用正确率 {f('citation_accuracy')}  引用支撑 {f('citation_support')}  "
        f"引用精确率 {f('citation_precision')}",
        f"拒答正确率 {f('refusal_accuracy')}  误拒率 {f('false_refusal_rate')}",
        f"CRAG 得分 {_fmt(crag, 'score')}（+1 ×{crag.get('correct', 0)}，0 ×{crag.get('refused', 0)}，"
        f"−1 ×{crag.get('wrong', 0)}）",
        f"检索 R@1 {f('recall_at_1')}  R@5 {f('recall_at_5')}  MRR {f('mrr')}  nDCG@10 {f('ndcg_at_10')}  "
        f"证据召回@5 {f('evidence_recall_at_5')}",
        f"延迟 p50 {f('latency_p50_ms')} ms  p95 {f('latency_p95_ms')} ms",
        "各类型通过：" + "，".join(f"{t} {g['passed']}/{g['cases']}" for t, g in report["by_type"].items()),
    ]
    if report.get("by_tag"):
        lines.append("通过率最低的标签：" + "，".join(f"{t} {g['passed']}/{g['cases']}" for t, g in worst_tags(report)))
    if refusals.get("refused"):
        def counts(by_reason: dict[str, int]) -> str:
            return "，".join(f"{check} {n}" for check, n in by_reason.items())

        line = "各项检查的拒答：" + counts(refusals["by_reason"])
        if refusals.get("false_refusals"):
            line += "；其中误拒：" + counts(refusals["false_by_reason"])
        lines.append(line)
    if report.get("judge"):
        j = report["judge"]
        lines.append(f"LLM 评判：忠实度 {_fmt(j, 'faithfulness')}，答案相关性 {_fmt(j, 'answer_relevance')}")
    if report.get("baseline"):
        lines.append("比基线退步的指标：" + ("、".join(report["baseline"]["regressed"]) or "无"))
    gate = report["gate"]
    label = "门槛" if gate.get("enforced", True) else "门槛（只报告，不强制）"
    lines.append(f"{label}：通过" if gate["passed"] else f"{label}：未通过 — " + "；".join(gate["failures"]))
    return lines


def text_summary(reports: dict[str, dict]) -> str:
    """One block per run (`== name ==`), then which gate CI applies."""
    blocks = [f"== {name} ==\n" + "\n".join(summary_lines(r)) for name, r in reports.items()]
    if len(reports) > 1 and GATE_SET in reports:
        gate = reports[GATE_SET]["gate"]
        blocks.append(f"CI 门槛（{GATE_SET}）：" + ("通过" if gate["passed"] else "未通过"))
    return "\n\n".join(blocks)


def write_reports(reports: dict[str, dict], out_dir: Path, trends: dict[str, list[dict]] | None = None
                  ) -> dict[str, Path]:
    """One run: report.html/report.md in out_dir. Several: one folder per run plus index.html/index.md.
    `trends`: per run name, its recent runs from the runs folder (a trend chart in its report)."""
    from evals.report import write_index, write_report

    trends = trends or {}
    if len(reports) == 1:
        name, report = next(iter(reports.items()))
        return write_report(report, out_dir, trends.get(name))
    paths = {name: write_report(r, Path(out_dir) / name, trends.get(name))["html"] for name, r in reports.items()}
    return {**write_index(reports, out_dir, GATE_SET), **{f"{name}_html": p for name, p in paths.items()}}
