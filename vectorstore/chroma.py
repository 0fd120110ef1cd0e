"""Chroma access: an embedded PersistentClient or a `chroma run` server, always with our own embedding function."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings
from chromadb.utils.embedding_functions import register_embedding_function

from core.errors import ChromaUnavailableError, ConfigError, EmbedderMismatchError
from vectorstore.embedders import Embedder

log = logging.getLogger(__name__)

COLLECTION_PREFIX = "union_qa_chunks"


@register_embedding_function  # lets Chroma rebuild it from the collection config without warning
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embedder behind Chroma's protocol, so Chroma never falls back to its downloading default."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self._embedder.embed_query(t) for t in input]

    @staticmethod
    def name() -> str:
        return "union_qa_assistant"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "ChromaEmbeddingFunction":
        from vectorstore.embedders import create_embedder

        return ChromaEmbeddingFunction(create_embedder(config.get("embedder")))

    def default_space(self) -> str:
        return "cosine"


def connect(store_dir: Path, chroma_url: str | None = None):
    """A PersistentClient under store_dir, or an HttpClient for http://HOST:PORT."""
    settings = Settings(anonymized_telemetry=False)
    if not chroma_url:
        return chromadb.PersistentClient(path=str(store_dir / "chroma"), settings=settings)
    url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"--chroma-url {chroma_url} 的格式不对：应为 http://HOST:PORT，例如 http://127.0.0.1:8000")
    try:
        client = chromadb.HttpClient(
            host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https", settings=settings,
        )
        client.heartbeat()
    except Exception as exc:  # connection errors come in several library-specific types
        log.info("Chroma server %s: %r", chroma_url, exc)
        raise ChromaUnavailableError(
            f"连不上 Chroma 服务器 {chroma_url}；请先用 "
            "`chroma run --path DIR --host 127.0.0.1 --port PORT` 启动它，或去掉 --chroma-url 改用本地存储"
        ) from exc
    return client


def open_collection(client, embedder: Embedder, name: str):
    """Get or create the chunk collection; refuse one built with another embedder."""
    try:
        existing = client.get_collection(name, embedding_function=ChromaEmbeddingFunction(embedder))
    except Exception:  # chromadb raises NotFoundError / ValueError / InvalidCollection by version
        existing = None
    if existing is not None:
        check_embedder(existing.metadata or {}, embedder)
        return existing
    return client.create_collection(
        name,
        embedding_function=ChromaEmbeddingFunction(embedder),
        metadata={"embedder": embedder.name, "dim": embedder.dim, "hnsw:space": "cosine"},
    )


def check_embedder(meta: dict, embedder: Embedder) -> None:
    stored, dim = meta.get("embedder"), meta.get("dim")
    if stored and (stored != embedder.name or (dim and int(dim) != embedder.dim)):
        raise EmbedderMismatchError(
            f"这个资料库是用嵌入模型 {stored}（{dim} 维）建的，这次要用的却是 {embedder.name}"
            f"（{embedder.dim} 维）；请用 --embedder {stored}，或换一个新的 --store"
        )
