"""The bundled eval sets (gold file + corpus) and the isolated, content-keyed stores they run in.

Each corpus is ingested into its own store under the eval cache folder, named after the set plus a
hash of everything that decides what the store holds: the corpus files (resolved paths and bytes),
`pipeline_fingerprint()` (the ingest/vectorstore code) and the embedder. An edited corpus, changed
pipeline code or another checkout therefore gets a fresh store and never reuses chunks by accident;
all the stores share one embedding cache, so a fresh store costs chunking, not embedding.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from assistant import APP, SAMPLE_DIR

log = logging.getLogger(__name__)

EVALS_DIR = Path(__file__).resolve().parent
STORE_HASH_CHARS = 12
EMBEDDING_CACHE_FILE = "embeddings.sqlite"


@dataclass(frozen=True)
class EvalSet:
    """A gold set and the corpus its cases are written against."""

    name: str
    gold: Path
    corpus: tuple[str, ...]  # files, folders or globs to ingest


BUNDLED_SETS: dict[str, EvalSet] = {
    s.name: s for s in (
        EvalSet("sample", EVALS_DIR / "gold.jsonl", (str(SAMPLE_DIR),)),
        EvalSet("dev", EVALS_DIR / "gold_dev.jsonl", (str(EVALS_DIR / "corpus" / "dev"),)),
        EvalSet("test", EVALS_DIR / "gold_test.jsonl", (str(EVALS_DIR / "corpus" / "test"),)),
    )
}
SET_NAMES = tuple(BUNDLED_SETS)
# The CI gate applies to the held-out test set; the sample keeps its own, higher minimums as a second gate.
GATE_SET = "test"


def bundled_set_for(gold: Path) -> EvalSet | None:
    """The bundled set whose gold file this is (so `--gold evals/gold_dev.jsonl` runs on the dev corpus)."""
    resolved = Path(gold).resolve()
    return next((s for s in BUNDLED_SETS.values() if s.gold.resolve() == resolved), None)


def eval_root() -> Path:
    """The folder holding the eval stores and their shared embedding cache (ASSISTANT_EVAL_STORE wins)."""
    if os.environ.get("ASSISTANT_EVAL_STORE"):
        return Path(os.environ["ASSISTANT_EVAL_STORE"]).expanduser()
    return Path(platformdirs.user_cache_dir(APP)) / "eval-stores"


def corpus_files(corpus: tuple[str, ...] | list[str]) -> list[Path]:
    """Every file a corpus argument stands for (folders recursively, globs expanded), resolved and sorted.

    Hidden files and folders are left out, as ingest leaves them out.
    """
    found: set[Path] = set()
    for given in corpus:
        path = Path(given).expanduser()
        if path.is_dir():
            candidates = [p for p in path.rglob("*") if not any(part.startswith(".") for part in
                                                              p.relative_to(path).parts)]
        elif path.exists():
            candidates = [path]
        else:
            candidates = [Path(p) for p in glob.glob(os.path.expanduser(given), recursive=True)]
        found.update(p.resolve() for p in candidates if p.is_file())
    return sorted(found)


def corpus_key(corpus: tuple[str, ...] | list[str], embedder: str | None) -> str:
    """Hash of the corpus files (resolved paths and bytes), the pipeline code and the embedder name.

    Paths rather than bare names: the store records each document under its resolved path, so two
    checkouts of the same corpus must not write into one store.
    """
    from assistant import pipeline_fingerprint  # deferred: imports the ingest pipeline

    digest = hashlib.sha1()
    for f in corpus_files(corpus):
        digest.update(str(f).encode() + b"\0" + hashlib.sha1(f.read_bytes()).digest() + b"\0")
    digest.update(b"pipeline\0" + pipeline_fingerprint().encode())
    digest.update(b"\0embedder\0" + (embedder or "default").encode())
    return digest.hexdigest()[:STORE_HASH_CHARS]


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_.") or "corpus"


def corpus_name(corpus: tuple[str, ...] | list[str]) -> str:
    """A readable name for a corpus given without a set: its first folder's or file's name."""
    first = Path(corpus[0]) if corpus else Path("corpus")
    return first.name if first.is_dir() else first.stem


def isolated_store(name: str, corpus: tuple[str, ...] | list[str], embedder: str | None = None,
                   root: Path | None = None) -> Path:
    """The store folder for this corpus: `<root>/<name>-<hash of corpus, pipeline, embedder>`."""
    return (root or eval_root()) / f"{_slug(name)}-{corpus_key(corpus, embedder)}"


def open_isolated(name: str, corpus: tuple[str, ...] | list[str], *, chroma_url: str | None = None,
                  embedder: str | None = None, retriever: str | None = None, answerer: str | None = None,
                  root: Path | None = None):
    """The Assistant over the corpus's own content-keyed store, with the corpus ingested (fast when unchanged)."""
    # deferred: `--help` should not load the retrieval stack
    from assistant import Assistant, load_settings

    root = root or eval_root()
    settings = load_settings(chroma_url=chroma_url, embedder=embedder, retriever=retriever, answerer=answerer)
    store = isolated_store(name, corpus, settings.embedder, root)
    # The one place the shared embedding cache is chosen: one file for every eval store, unless the
    # user configured one (ASSISTANT_EMBEDDING_CACHE or the config file).
    cache = settings.embedding_cache or root / EMBEDDING_CACHE_FILE
    settings = settings.model_copy(update={"store": store, "embedding_cache": cache})
    store.mkdir(parents=True, exist_ok=True)
    a = Assistant(settings=settings)
    report = a.ingest(list(corpus))
    for rejected in report.rejected:
        log.warning("未导入：%s", rejected)
    return a


def open_assistant(store: Path | None = None, chroma_url: str | None = None, embedder: str | None = None,
                   retriever: str | None = None, answerer: str | None = None, corpus: tuple[str, ...] = ()):
    """The Assistant to evaluate: with `store`, that store as it is (ingesting `corpus` if given);
    without, `corpus` (default: the bundled sample) in its isolated content-keyed store."""
    if store is None:
        corpus = corpus or BUNDLED_SETS["sample"].corpus
        return open_isolated(corpus_name(corpus), corpus, chroma_url=chroma_url, embedder=embedder,
                             retriever=retriever, answerer=answerer)
    from assistant import Assistant

    a = Assistant(store=store, chroma_url=chroma_url, embedder=embedder, retriever=retriever, answerer=answerer)
    if corpus:
        report = a.ingest(list(corpus))
        for rejected in report.rejected:
            log.warning("未导入：%s", rejected)
    return a
