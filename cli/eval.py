"""`assistant eval`: the eval suite from the command line (registered in cli/main.py).

Thin: options are parsed here; what runs, and how it is scored and reported, is in evals/suite.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assistant import AssistantError
from evals.gate import BUNDLED_THRESHOLDS
from evals.sets import SET_NAMES


def _progress(name: str, total: int):
    from tqdm import tqdm

    bar = tqdm(total=total, desc=f"eval {name}", unit="q", file=sys.stderr, disable=None)

    def step(result) -> None:
        bar.update()
        if bar.n == total:
            bar.close()

    return step


def _warn(message: str) -> None:
    click.echo(message, err=True)


@click.command("eval")
@click.option("--set", "sets", multiple=True, type=click.Choice(SET_NAMES),
              help="Bundled set to run (repeatable) [default with no --gold/--store/--corpus: all of them].")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Gold-set JSONL file [default: the bundled sample gold set].")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Store to evaluate as it is [default: an isolated store keyed by the corpus's content].")
@click.option("--chroma-url", default=None, help="Chroma server URL instead of the local store.")
@click.option("--corpus", multiple=True,
              help="Files/folders/globs to ingest before evaluating (repeatable) "
                   "[default: the gold set's bundled corpus, else data/sample].")
@click.option("--embedder", default=None, help="Embedder for the store.")
@click.option("--retriever", type=click.Choice(["bm25", "dense", "hybrid"]), default=None)
@click.option("--answerer", type=click.Choice(["extractive", "llm"]), default=None)
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write report.html, report.md and charts into this folder (one subfolder per set).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the summary.")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A previous --json output to compare against.")
@click.option("--thresholds", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=BUNDLED_THRESHOLDS, show_default="evals/thresholds.toml", help="Gate minimums.")
@click.option("--check", is_flag=True, help="Exit with status 1 when a gated metric is below its minimum.")
@click.option("--judge", is_flag=True,
              help="Also score faithfulness and answer relevance with the LLM at ASSISTANT_LLM_BASE_URL.")
def eval_command(sets: tuple[str, ...], gold: Path | None, store: Path | None, chroma_url: str | None,
                 corpus: tuple[str, ...], embedder: str | None, retriever: str | None, answerer: str | None,
                 report_dir: Path | None, as_json: bool, baseline: Path | None, thresholds: Path, check: bool,
                 judge: bool) -> None:
    """Evaluate answers, citations, refusals, retrieval and latency against gold sets.

    With no options: the bundled sample, dev and test sets, each on its own corpus in an isolated store.
    """
    # Deferred: the runner, metrics and the eval stores load opencc and the retrieval stack; `--help` should not.
    from evals import baseline as baselines
    from evals import suite
    from evals.gate import load_all_thresholds

    try:
        runs = suite.plan(sets, gold, store, corpus)
        load_all_thresholds(thresholds)  # a bad file fails before any store is opened
        options = suite.Options(chroma_url, embedder, retriever, answerer, thresholds)
        previous = baselines.load_baseline(baseline) if baseline else None
        judge_model = None
        if judge:
            from evals.judge import Judge  # deferred: loads langchain-openai

            judge_model = Judge()
        reports = {run.name: suite.evaluate_run(run, options, previous=previous, baseline_path=baseline,
                                                judge=judge_model, progress=_progress, warn=_warn)
                   for run in runs}
        if report_dir is not None:
            paths = suite.write_reports(reports, report_dir)
            click.echo(f"report: {paths['html']} and {paths['md']}", err=True)
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(suite.combine(reports), ensure_ascii=False))
    else:
        click.echo(suite.text_summary(reports))
    if check and suite.gate_failed(reports):
        sys.exit(1)
