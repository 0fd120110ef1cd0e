"""The assistant under evaluation, and the cached store of the bundled sample it answers from."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import platformdirs

from assistant import APP, SAMPLE_DIR, pipeline_fingerprint

log = logging.getLogger(__name__)

FINGERPRINT_FILE = "eval-pipeline.sha1"


def default_eval_store(embedder: str | None = None) -> Path:
    """Cached store of the bundled sample (ASSISTANT_EVAL_STORE wins); one per embedder."""
    if os.environ.get("ASSISTANT_EVAL_STORE"):
        return Path(os.environ["ASSISTANT_EVAL_STORE"])
    suffix = f"-{re.sub(r'[^A-Za-z0-9_.-]+', '_', embedder)}" if embedder else ""
    return Path(platformdirs.user_cache_dir(APP)) / f"sample-store{suffix}"


def _file_names(paths: tuple[str, ...]) -> set[str]:
    names = set()
    for p in map(Path, paths):
        names.update(f.name for f in (p.rglob("*") if p.is_dir() else [p]) if f.is_file())
    return names


def refresh_if_stale(a, store: Path, corpus: tuple[str, ...]) -> None:
    """Drop the corpus documents of a cached store built by other pipeline code (embeddings stay cached)."""
    marker = store / FINGERPRINT_FILE
    current = pipeline_fingerprint()
    if marker.exists() and marker.read_text().strip() == current:
        return
    names = _file_names(corpus)
    for doc in a.documents():
        if Path(doc.source).name in names:
            a.remove(doc.source)
    store.mkdir(parents=True, exist_ok=True)
    marker.write_text(current)


def open_assistant(store: Path | None = None, chroma_url: str | None = None, embedder: str | None = None,
                   retriever: str | None = None, answerer: str | None = None, corpus: tuple[str, ...] = ()):
    """The Assistant to evaluate, with `corpus` ingested first.

    Without a store the bundled sample is ingested into the cached eval store (fast when
    unchanged); with a store it is evaluated as it is, unless `corpus` names what to ingest.
    """
    from assistant import Assistant  # deferred: `assistant --help` should not load the retrieval stack

    cached = store is None
    if cached:
        store, corpus = default_eval_store(embedder), corpus or (str(SAMPLE_DIR),)
    a = Assistant(store=store, chroma_url=chroma_url, embedder=embedder, retriever=retriever, answerer=answerer)
    if cached and chroma_url is None:
        refresh_if_stale(a, Path(store), corpus)
    if corpus:
        report = a.ingest(list(corpus))
        for rejected in report.rejected:
            log.warning("not ingested: %s", rejected)
    return a
