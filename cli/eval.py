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
              help="要运行的内置评测集（可重复）［没有 --gold/--store/--corpus 时默认全部运行］。")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="标准答案集 JSONL 文件［默认：内置的 sample 标准答案集］。")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="按现状评测这个资料库［默认：按语料内容建立的独立资料库］。")
@click.option("--chroma-url", default=None, help="改用这个 Chroma 服务器，而不是本地资料库。")
@click.option("--corpus", multiple=True,
              help="评测前要导入的文件、文件夹或通配符（可重复）"
                   "［默认：标准答案集自带的语料，没有则用 data/sample］。")
@click.option("--embedder", default=None, help="资料库使用的嵌入模型。")
@click.option("--retriever", type=click.Choice(["bm25", "dense", "hybrid"]), default=None)
@click.option("--answerer", type=click.Choice(["extractive", "llm"]), default=None)
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="把 report.html、report.md 和图表写入这个文件夹（每个评测集一个子文件夹）。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象，而不是文字汇总。")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="用来对比的一次 --json 输出。")
@click.option("--thresholds", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=BUNDLED_THRESHOLDS, show_default="evals/thresholds.toml", help="门槛指标的最低值。")
@click.option("--check", is_flag=True, help="有门槛指标低于最低值时以状态 1 退出。")
@click.option("--judge", is_flag=True,
              help="同时用 ASSISTANT_LLM_BASE_URL 上的 LLM 评判忠实度和答案相关性。")
@click.option("--runs", "runs_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="把每次运行的汇总（含时间和 git 版本）存进这个文件夹，报告画出最近几次的趋势"
                   "［默认：评测缓存目录下的 runs/，见 evals/README.md］。")
@click.option("--trend", "trend_runs", default=20, show_default=True, type=click.IntRange(2, 1000),
              help="趋势图包含最近几次运行。")
@click.option("--no-record", is_flag=True, help="这次运行不存进 --runs 文件夹（例如试验性的配置）。")
def eval_command(sets: tuple[str, ...], gold: Path | None, store: Path | None, chroma_url: str | None,
                 corpus: tuple[str, ...], embedder: str | None, retriever: str | None, answerer: str | None,
                 report_dir: Path | None, as_json: bool, baseline: Path | None, thresholds: Path, check: bool,
                 judge: bool, runs_dir: Path | None, trend_runs: int, no_record: bool) -> None:
    """按标准答案集评测回答、引用、拒答、检索和耗时。

    不带选项时运行内置的 sample、dev 和 test 三个评测集，每个集用自己的语料和独立的资料库。
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
        trends = None
        if not no_record:
            from evals.trend import default_runs_dir

            trends = suite.record_runs(reports, runs_dir or default_runs_dir(), trend_runs)
        if report_dir is not None:
            paths = suite.write_reports(reports, report_dir, trends)
            click.echo(f"评测报告已写入：{paths['html']} 和 {paths['md']}", err=True)
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(suite.combine(reports), ensure_ascii=False))
    else:
        click.echo(suite.text_summary(reports))
    if check and suite.gate_failed(reports):
        sys.exit(1)
