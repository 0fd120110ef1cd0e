"""`assistant eval`: the eval suite from the command line (registered in assistant/cli.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from evals import baseline as baselines
from evals.gate import BUNDLED_THRESHOLDS, load_thresholds
from evals.metrics import file_name
from evals.runner import CaseResult, evaluate
from evals.sample import open_assistant
from evals.schema import BUNDLED_GOLD, GoldCase, load_gold
from core.errors import AssistantError


def warn_missing_sources(assistant, cases: list[GoldCase]) -> None:
    """Name gold sources the store lacks: their cases cannot pass, and the user should know why."""
    have = {file_name(d.source) for d in assistant.documents()}
    missing = sorted({s for c in cases for s in c.sources} - have)
    if missing:
        click.echo(f"warning: the store lacks {len(missing)} gold source(s): {', '.join(missing)}", err=True)


def _progress(total: int):
    from tqdm import tqdm

    bar = tqdm(total=total, desc="eval", unit="q", file=sys.stderr, disable=None)

    def step(result: CaseResult) -> None:
        bar.update()
        if bar.n == total:
            bar.close()

    return step


def _summary_lines(report: dict) -> list[str]:
    """The human-readable result: headline metrics, per-type accuracy, the gate."""
    def f(key: str) -> str:
        v = report.get(key)
        return "n/a" if v is None else (f"{v:.0f}" if key.startswith("latency") else f"{v:.3f}")

    lines = [
        f"cases {report['cases']} ({report['answerable']} answerable, {report['unanswerable']} unanswerable), "
        f"passed {report['passed']}, errors {report['errors']}",
        f"answer accuracy {f('answer_accuracy')}  fact recall {f('fact_recall')}  "
        f"figure exact {f('figure_exact_match')}",
        f"citation accuracy {f('citation_accuracy')}  support {f('citation_support')}  "
        f"precision {f('citation_precision')}",
        f"refusal accuracy {f('refusal_accuracy')}  false refusals {f('false_refusal_rate')}",
        f"retrieval R@1 {f('recall_at_1')}  R@5 {f('recall_at_5')}  MRR {f('mrr')}  nDCG@10 {f('ndcg_at_10')}  "
        f"evidence@5 {f('evidence_recall_at_5')}",
        f"latency p50 {f('latency_p50_ms')} ms  p95 {f('latency_p95_ms')} ms",
        "by type: " + ", ".join(f"{t} {g['passed']}/{g['cases']}" for t, g in report["by_type"].items()),
    ]
    if report.get("judge"):
        j = report["judge"]
        lines.append(f"LLM judge: faithfulness {j['faithfulness']}, answer relevance {j['answer_relevance']}")
    if report.get("baseline"):
        lines.append("regressed vs baseline: " + (", ".join(report["baseline"]["regressed"]) or "none"))
    gate = report["gate"]
    lines.append("gate: PASS" if gate["passed"] else "gate: FAIL — " + "; ".join(gate["failures"]))
    return lines


@click.command("eval")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=BUNDLED_GOLD,
              show_default="bundled gold set", help="Gold-set JSONL file.")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Store to evaluate [default: a cached store of the bundled sample].")
@click.option("--chroma-url", default=None, help="Chroma server URL instead of the local store.")
@click.option("--corpus", multiple=True, type=click.Path(exists=True),
              help="Files/folders to ingest before evaluating (repeatable) [default with no --store: data/sample].")
@click.option("--embedder", default=None, help="Embedder for the store.")
@click.option("--retriever", type=click.Choice(["bm25", "dense", "hybrid"]), default=None)
@click.option("--answerer", type=click.Choice(["extractive", "llm"]), default=None)
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write report.html, report.md and charts into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the summary.")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A previous --json output to compare against.")
@click.option("--thresholds", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=BUNDLED_THRESHOLDS, show_default="evals/thresholds.toml", help="Gate minimums.")
@click.option("--check", is_flag=True, help="Exit with status 1 when a metric is below its minimum.")
@click.option("--judge", is_flag=True,
              help="Also score faithfulness and answer relevance with the LLM at ASSISTANT_LLM_BASE_URL.")
def eval_command(gold: Path, store: Path | None, chroma_url: str | None, corpus: tuple[str, ...],
                 embedder: str | None, retriever: str | None, answerer: str | None, report_dir: Path | None,
                 as_json: bool, baseline: Path | None, thresholds: Path, check: bool, judge: bool) -> None:
    """Evaluate answers, citations, refusals, retrieval and latency against a gold set.

    With no options: the bundled gold set on the bundled sample articles.
    """
    try:
        cases = load_gold(gold)
        minimums = load_thresholds(thresholds)
        previous = baselines.load_baseline(baseline) if baseline else None
        assistant = open_assistant(store, chroma_url, embedder, retriever, answerer, corpus)
        warn_missing_sources(assistant, cases)
        judge_model = None
        if judge:
            from evals.judge import Judge  # deferred: loads langchain-openai

            judge_model = Judge()
        stats = assistant.stats()
        config = {
            "gold": str(gold), "store": str(assistant.settings.store), "chroma_url": chroma_url,
            "retriever": assistant.settings.retriever, "answerer": assistant.settings.answerer,
            "embedder": stats.get("embedder"), "documents": stats.get("documents"), "chunks": stats.get("chunks"),
        }
        report = evaluate(assistant, cases, minimums, config, _progress(len(cases)))
        if judge_model is not None:
            from evals.judge import judge_results

            report["judge"] = judge_results(judge_model, report["results"])
        if previous is not None:
            report["baseline"] = {"path": str(baseline), **baselines.compare(report, previous)}
        if report_dir is not None:
            from evals.report import write_report

            paths = write_report(report, report_dir)
            click.echo(f"report: {paths['html']} and {paths['md']}", err=True)
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo("\n".join(_summary_lines(report)))
    if check and not report["gate"]["passed"]:
        sys.exit(1)
