"""`assistant sync DIR... [--watch] [--dry-run]`: keep the store in step with folders that change."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cli.options import EmbeddingProgress, echo_rejected, friendly_errors, make_assistant, store_options


def echo_report(report, dry_run: bool) -> None:
    plan, will = report.plan, "将" if dry_run else ""
    for label, sources in ((f"{will}新增", plan.new), (f"{will}更新", plan.changed)):
        for source in sources:
            click.echo(f"{label}：{source}")
    for source in plan.gone if dry_run else report.removed:
        click.echo(f"{will}删除：{source}（文件已不在文件夹中）")
    echo_rejected(report.rejected, plan.skipped)
    click.echo(("（试运行，未做任何改动）" if dry_run else "") + plan.summary())


@click.command(name="sync")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_options
@click.option("--dry-run", is_flag=True, help="只列出会新增、更新和删除的文档，不做改动")
@click.option("--watch", is_flag=True, help="持续运行，每隔 --interval 秒同步一次（Ctrl+C 停止）")
@click.option("--interval", type=click.FloatRange(min=1), default=60, show_default=True, help="--watch 的间隔秒数")
@click.option("--quiet", is_flag=True, help="不显示进度条")
@friendly_errors
def sync_command(folders, store, chroma_url, embedder, dry_run, watch, interval, quiet):
    """让资料库与文件夹保持一致。

    导入新增和改动过的文件，删除文件已不在的文档（逐条列出）；可以放进 cron 定时运行，
    重复运行不会重复导入。文件夹不存在时什么也不删除。
    """
    a = make_assistant(store, chroma_url, embedder, must_exist=False)
    reported: tuple[str, ...] = ()
    while True:
        progress = EmbeddingProgress(quiet)
        report = a.sync(list(folders), dry_run=dry_run, progress=progress)
        progress.close()
        plan, rejected = report.plan, tuple(str(e) for e in report.rejected)
        if not watch or plan.to_ingest or plan.gone or rejected != reported:  # a watch reports changes only
            echo_report(report, dry_run)
            reported = rejected
        if not watch:
            sys.exit(1 if report.rejected else 0)
        time.sleep(interval)
