"""The `assistant` command: a thin layer over the Python API (see CONTRACT.md)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from assistant import ConfigError
from cli.brief import brief_command
from cli.eval import eval_command
from cli.options import friendly_errors, make_assistant, setup_logging, store_options
from cli.serve import serve_command
from cli.users import user_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="debug logging on stderr")
def main(verbose: bool) -> None:
    """工会问答助手: ingest union news articles and answer questions with cited sources."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    setup_logging(verbose)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@store_options
@click.option("--quiet", is_flag=True, help="no progress bar, only rejections and the summary")
@friendly_errors
def ingest(paths, store, chroma_url, embedder, quiet):
    """Ingest files, folders (recursive) and globs: .txt .md .html .docx .pdf."""
    from tqdm import tqdm

    a = make_assistant(store, chroma_url, embedder, must_exist=False)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet or not total:
            return
        if bar is None:
            bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr)
        bar.update(done - bar.n)

    report = a.ingest(list(paths), progress=progress)
    if bar is not None:
        bar.close()
    for err in report.rejected:
        click.echo(f"rejected: {err}", err=True)
    for path, reason in report.skipped:
        click.echo(f"skipped: {path}: {reason}", err=True)
    click.echo(report.summary())
    sys.exit(1 if report.rejected else 0)


@main.command()
@store_options
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def stats(store, chroma_url, embedder, as_json):
    """Store statistics."""
    s = make_assistant(store, chroma_url, embedder).stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False))
    else:
        for k, v in s.items():
            click.echo(f"{k}: {v}")


@main.command()
@store_options
@click.option("--repair", is_flag=True, help="repair what is found (re-embed lost vectors, clear interrupted work)")
@friendly_errors
def doctor(store, chroma_url, embedder, repair):
    """Check Chroma, catalog, keyword index and embedding cache against each other."""
    problems = make_assistant(store, chroma_url, embedder).check_store(repair=repair)
    for p in problems:
        click.echo(f"{'已修复' if p.repaired else '问题'}：{p.message}")
    if not problems:
        click.echo("存储一致：没有发现问题")
    sys.exit(1 if any(not p.repaired for p in problems) else 0)


@main.command(name="list")
@store_options
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def list_(store, chroma_url, embedder, as_json):
    """Documents in the store."""
    docs = make_assistant(store, chroma_url, embedder).documents()
    if as_json:
        click.echo(json.dumps([d.__dict__ for d in docs], ensure_ascii=False))
        return
    for d in docs:
        click.echo(f"{d.source}\t{d.date or '-'}\t{d.n_chunks} chunks\t{d.title}")
    if not docs:
        click.echo("the store is empty; run `assistant ingest PATH...`", err=True)


@main.command()
@click.argument("source")
@store_options
@friendly_errors
def remove(source, store, chroma_url, embedder):
    """Remove a document (by its source path, as `assistant list` shows it) with its chunks."""
    if not make_assistant(store, chroma_url, embedder).remove(source):
        raise ConfigError(f"no document '{source}' in the store; `assistant list` shows the sources")
    click.echo(f"removed {source}")


def read_batch(path: Path) -> list[dict | str]:
    """The batch's lines in order: each a {"id", "question"} dict, or the Chinese message saying why the line
    cannot be asked (a bad line never stops the others)."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="surrogateescape")
    except OSError as exc:
        raise ConfigError(f"{path}：无法读取（{exc.strerror}）") from exc
    items: list[dict | str] = []
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(f"{path} 第 {no} 行：不是有效的 JSON（{exc.msg}），已跳过")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            items.append(f"{path} 第 {no} 行：缺少字符串字段 question，已跳过")
            continue
        items.append(item)
    return items


def _batch_line(a, item: dict | str, filters) -> tuple[dict, bool]:
    """One JSON line of a batch (the ask --json shape) and whether it was asked without error."""
    from assistant import Answer, AssistantError

    if isinstance(item, str):
        return Answer(question="", answer=item, refused=True, refusal_reason=f"输入检查：{item}").to_json(), False
    try:
        return a.ask(item["question"], history=item.get("history"), filters=filters, id=item.get("id")).to_json(), True
    except AssistantError as exc:
        answer = Answer(question=item["question"], answer=str(exc), refused=True, refusal_reason=f"输入检查：{exc}",
                        id=item.get("id"))
        return answer.to_json(), False


@main.command()
@click.argument("question", required=False)
@store_options
@click.option("--json", "as_json", is_flag=True, help="print the CONTRACT.md JSON object")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSONL file of {"id", "question"} lines; prints one JSON line per input, in order')
@click.option("--retriever", type=click.Choice(["hybrid", "bm25", "dense"]), default=None)
@click.option("--answerer", type=click.Choice(["extractive", "llm"]), default=None)
@click.option("--source", "sources", multiple=True, help="only this source (repeatable)")
@click.option("--date-from", default="", help="only documents dated on or after, e.g. 2023-01-01")
@click.option("--date-to", default="", help="only documents dated on or before")
@friendly_errors
def ask(question, store, chroma_url, embedder, as_json, batch, retriever, answerer, sources, date_from, date_to):
    """Answer a question with its sources."""
    from assistant import Filters

    if bool(question) == bool(batch):
        raise click.UsageError("give either a QUESTION or --batch FILE.jsonl")
    if question is not None and not question.strip():
        raise ConfigError("问题是空的：请输入要查询的问题，例如 assistant ask \"什邡市总工会建了多少家新就业形态工会？\"")
    a = make_assistant(store, chroma_url, embedder, retriever=retriever, answerer=answerer)
    keys = tuple(a.source_key(s) for s in sources)
    unknown = [s for s in sources if not a.has_document(s)]
    if unknown:
        raise ConfigError(f"--source {unknown[0]} is not in the store; `assistant list` shows the sources")
    filters = Filters(keys, date_from, date_to)
    if batch:
        failed = 0
        for item in read_batch(batch):
            line, ok = _batch_line(a, item, filters)
            failed += not ok
            # a lone surrogate from a broken line is printed as "?" rather than crash the output
            click.echo(json.dumps(line, ensure_ascii=False, default=str).encode("utf-8", "replace").decode("utf-8"))
        if failed:
            raise ConfigError(f"批量提问中有 {failed} 行未能回答，原因见对应行的 refusal_reason")
        return
    ans = a.ask(question, filters=filters)
    if as_json:
        click.echo(json.dumps(ans.to_json(), ensure_ascii=False))
    else:
        click.echo(ans.to_text())


main.add_command(brief_command)
main.add_command(eval_command)
main.add_command(serve_command)
main.add_command(user_group)
