"""The store: Chroma vectors plus the SQLite catalog/keyword index beside them, kept consistent."""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from core.errors import EmbedderMismatchError, StoreError
from core.documents import DEFAULT_KB, Chunk, Document
from core.text import TermStats
from vectorstore.catalog import ChunkRow, DocumentRow
from vectorstore.catalogs import open_catalog
from vectorstore.chroma import COLLECTION_PREFIX, connect, open_collection
from vectorstore.lock import writing
from vectorstore.scope import VECTOR_METADATA_VERSION, Scope, vector_fields
from vectorstore.embedders import DEFAULT_EMBEDDER, CachedEmbedder, EmbeddingCache, create_embedder

log = logging.getLogger(__name__)


# Chunks per Chroma upsert: one upsert costs ~30-80 ms however small, so documents are written in batches;
# 1000 is where the per-chunk cost stopped falling in bench/scale.py (2026-12-03) and well under Chroma's
# own max batch size (5461 for the embedded client).
WRITE_BATCH_CHUNKS = 1000


@dataclass(frozen=True)
class DocumentWrite:
    """One document to write: its chunks (their vectors come from the embedding cache as each batch is
    written), its furniture lines and, for a republished copy (stored without chunks), the canonical
    document it copies."""
    doc: Document
    chunks: list[Chunk]
    furniture: frozenset[str] = frozenset()
    copy_of: str = ""


def _batches(writes: list[DocumentWrite], size: int) -> Iterator[list[DocumentWrite]]:
    """Consecutive runs of whole documents of about `size` chunks each (a longer document is a run alone)."""
    batch, n = [], 0
    for w in writes:
        if batch and n + len(w.chunks) > size:
            yield batch
            batch, n = [], 0
        batch.append(w)
        n += len(w.chunks)
    if batch:
        yield batch


def _where(location: str) -> str:
    """A Chroma location ("embedded" or a server URL), as the user reads it."""
    return "本地内置的 Chroma" if location == "embedded" else f" Chroma 服务器 {location}"


def _vector_metadata(c: Chunk) -> dict:
    """What a chunk's vector carries: its document's metadata, its span, and the fields scopes filter on."""
    return {**c.metadata, "start": c.start, "end": c.end, "index": c.index,
            **vector_fields(c.metadata.get("kb") or DEFAULT_KB, c.metadata.get("date", ""))}


class VectorStore:
    """Opens lazily: listing documents or stats never loads a model or Chroma."""

    def __init__(self, store_dir: str | Path, chroma_url: str | None = None,
                 embedder: str | None = None, collection: str | None = None,
                 embedding_cache: str | Path | None = None, catalog_url: str | None = None) -> None:
        self.dir = Path(store_dir).expanduser()
        # Vectors are keyed by (embedder, text hash), so stores may share one cache file.
        self.embedding_cache = Path(embedding_cache).expanduser() if embedding_cache else self.dir / "embeddings.sqlite"
        self.chroma_url = chroma_url
        self.catalog_url = catalog_url  # None: catalog.sqlite in the store folder; else a shared PostgreSQL
        self.catalog = open_catalog(self.dir, catalog_url)
        # Each store has its own collection, so stores sharing one Chroma server never see each other.
        self.collection_name = (collection or self.catalog.get_setting("collection")
                                or f"{COLLECTION_PREFIX}_{uuid.uuid4().hex[:8]}")
        self._check_location()
        stored = self.catalog.get_setting("embedder")
        if embedder and stored and embedder != stored:
            raise EmbedderMismatchError(
                f"资料库 {self.dir} 是用嵌入模型 {stored} 建的，不是 {embedder}；"
                f"请用 --embedder {stored}，或换一个新的 --store"
            )
        self.embedder_name = embedder or stored or DEFAULT_EMBEDDER
        self._embedder: CachedEmbedder | None = None
        self._collection = None
        self._opening = threading.Lock()  # the UI serves requests on several threads

    @property
    def location(self) -> str:
        return self.chroma_url or "embedded"

    def _check_location(self) -> None:
        """Vectors written to one Chroma must not be searched for in another."""
        stored = self.catalog.get_setting("chroma")
        if stored and stored != self.location:
            hint = f"加 --chroma-url {stored}" if stored != "embedded" else "去掉 --chroma-url"
            raise StoreError(f"资料库 {self.dir} 的向量存放在{_where(stored)}，不在{_where(self.location)}；"
                             f"请{hint}，或换一个新的 --store")

    @property
    def embedder(self) -> CachedEmbedder:
        with self._opening:
            if self._embedder is None:
                inner = create_embedder(self.embedder_name)
                self._embedder = CachedEmbedder(inner, EmbeddingCache(self.embedding_cache))
        return self._embedder

    @property
    def collection(self):
        embedder = self.embedder
        with self._opening:
            if self._collection is None:
                client = connect(self.dir, self.chroma_url)
                self._collection = open_collection(client, embedder, self.collection_name)
                # A store with no documents yet writes every vector with today's metadata.
                fresh = self.catalog.get_setting("collection") is None and not self.catalog.documents(status=None)
                for key, value in (("embedder", embedder.name), ("collection", self.collection_name),
                                   ("chroma", self.location)):
                    if self.catalog.get_setting(key) is None:
                        self.catalog.set_setting(key, value)
                if fresh:
                    self.catalog.set_setting("vector_metadata", VECTOR_METADATA_VERSION)
        return self._collection

    def writing(self) -> contextlib.ExitStack:
        """A context in which this process alone writes the store: with embedded Chroma another process's
        write is refused (vectorstore/lock.py); a PostgreSQL catalog adds its deployment-wide writer lock."""
        stack = contextlib.ExitStack()
        if self.chroma_url is None:
            stack.enter_context(writing(self.dir))
        stack.enter_context(self.catalog.writer_lock())
        return stack

    def serving(self):
        """Held while the chat server runs: embedded Chroma is single-process, so no other process may write
        meanwhile; a Chroma server (with either catalog) lets serve and ingest processes run side by side."""
        return writing(self.dir) if self.chroma_url is None else contextlib.nullcontext()

    def open(self) -> None:
        """Connect to Chroma and check the embedder now, not at the first write."""
        _ = self.collection

    # -- writing --
    def is_unchanged(self, source: str, content_hash: str, kb: str | None = None) -> bool:
        """Ready with these bytes (and, when given, in this knowledge base: moving it re-ingests it)."""
        row = self.catalog.document(source)
        return (row is not None and row.status == "ready" and row.content_hash == content_hash
                and (kb is None or row.kb == kb))

    def add_documents(self, writes: list[DocumentWrite], on_written: Callable[[Document], None] | None = None) -> None:
        """Write documents batch by batch: mark the batch pending, upsert its vectors in one call, then commit
        each document in the catalog (the commit is its point of no return, so a kill leaves only pending
        documents, which the next ingest redoes). on_written(doc) after each commit. The vectors are read
        from the embedding cache a batch at a time (embedded now if missing): holding all of a large
        ingest's vectors at once took most of its memory (2.7 GB at 100k chunks, bench/scale.py)."""
        for batch in _batches(writes, WRITE_BATCH_CHUNKS):
            self.catalog.mark_pending([w.doc for w in batch])
            chunks = [c for w in batch for c in w.chunks]
            stale = self._chroma_ids([w.doc.source for w in batch]) - {c.id for c in chunks}
            if stale:
                self.collection.delete(ids=sorted(stale))
            self.write_vectors(chunks, self.embedder.embed_passages([c.embedding_text() for c in chunks]))
            for w in batch:
                self.catalog.commit_document(w.doc, w.chunks, w.furniture, w.copy_of)
                if on_written:
                    on_written(w.doc)

    def demote(self, source: str, canonical: str) -> None:
        """A served document becomes a copy of `canonical`: the catalog commit stops serving it, then its
        vectors go (a kill in between leaves orphan vectors, which search ignores and doctor deletes)."""
        ids = self.catalog.demote(source, canonical)
        if ids:
            self.collection.delete(ids=sorted(ids))

    def write_vectors(self, chunks: list[Chunk], vectors: Sequence[np.ndarray]) -> None:
        """Upsert the chunks' vectors with their metadata (ids are content hashes: idempotent). The text stays
        in the catalog only: Chroma would index every document for a full-text search nothing here asks,
        which was half the cost of a write (bench/scale.py)."""
        for at in range(0, len(chunks), WRITE_BATCH_CHUNKS):
            part = chunks[at: at + WRITE_BATCH_CHUNKS]
            self.collection.upsert(ids=[c.id for c in part],
                                   embeddings=[np.asarray(v).tolist() for v in vectors[at: at + len(part)]],
                                   metadatas=[_vector_metadata(c) for c in part])

    @property
    def metadata_current(self) -> bool:
        """Whether every vector carries the fields scoped searches filter on (vectorstore/scope.py)."""
        return self.catalog.get_setting("vector_metadata") == VECTOR_METADATA_VERSION

    def upgrade_metadata(self) -> int:
        """Give the vectors of a store made before knowledge bases their scope fields, from the catalog (no
        embedding); returns how many documents were updated. Idempotent: a kill midway is redone next time."""
        if self.metadata_current:
            return 0
        rows = self.catalog.documents()
        for row in rows:  # Chroma merges updated metadata into what a vector has (its page, span) already
            ids = sorted(self.catalog.chunk_ids(row.source))
            if ids:
                self.collection.update(ids=ids, metadatas=[vector_fields(row.kb, row.date)] * len(ids))
        self.catalog.set_setting("vector_metadata", VECTOR_METADATA_VERSION)
        log.info("vector metadata upgraded to version %s for %d documents", VECTOR_METADATA_VERSION, len(rows))
        return len(rows)

    def remove(self, source: str) -> bool:
        """Mark, delete the vectors, drop the rows: a kill at any point leaves a document that is not served
        and that `assistant doctor --repair` or the next ingest of it finishes."""
        if self.catalog.document(source) is None:
            return False
        with self.writing():
            self.catalog.mark_removing(source)
            ids = self._chroma_ids([source])
            if ids:
                self.collection.delete(ids=sorted(ids))
            self.catalog.remove_document(source)
        return True

    def _chroma_ids(self, sources: list[str]) -> set[str]:
        """Ids of the vectors Chroma holds for these documents (orphans of an interrupted write included)."""
        return set(self.collection.get(where={"source": {"$in": sources}}, include=[])["ids"])

    # -- reading --
    def dense_search(self, query: str, k: int = 20, scope: Scope = Scope(),
                     rows: dict[str, ChunkRow] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the nearest chunks of ready documents within the scope. rows: if
        given, gets the chunks read to check they are ready (a caller loading them then reads them once)."""
        where = scope.chroma_where()
        if where and not self.metadata_current:  # vectors without scope fields: name the documents instead
            sources = self.catalog.scoped_sources(scope)
            if not sources:
                return []
            where = {"source": {"$in": sources}}
        res = self.collection.query(
            query_embeddings=[self.embedder.embed_query(query).tolist()],
            n_results=k, where=where, include=["distances"],  # Chroma returns fewer when it holds fewer
        )
        ready = self.catalog.chunks(res["ids"][0])
        if rows is not None:
            rows.update(ready)
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0]) if cid in ready]

    def scope(self, sources: tuple[str, ...] = (), kbs: tuple[str, ...] = (), date_from: str = "",
              date_to: str = "") -> Scope:
        """The scope of a filter; a republished copy is not indexed, so its canonical document stands in."""
        return Scope(self.catalog.canonical_sources(tuple(sources)) if sources else (), tuple(kbs), date_from, date_to)

    def keyword_search(self, query: str, k: int = 20, scope: Scope = Scope()) -> list[tuple[str, float]]:
        return self.catalog.keyword_search(query, k, scope)

    def documents(self) -> list[DocumentRow]:
        return self.catalog.documents()

    def document(self, source: str) -> DocumentRow | None:
        return self.catalog.document(source)

    def document_text(self, source: str) -> str | None:
        return self.catalog.document_text(source)

    def document_length(self, source: str) -> int:
        return self.catalog.document_length(source)

    def copies(self, source: str) -> list[DocumentRow]:
        """Where else the document appeared: its republished copies, in canonical order."""
        return self.catalog.copies(source)

    def chunks_in(self, source: str, spans: list[tuple[int, int]]) -> list[ChunkRow]:
        return self.catalog.chunks_in(source, spans)

    def chunk_ids(self, source: str | None) -> set[str]:
        """Ids of one document's chunks, or (None) of every chunk."""
        return self.catalog.chunk_ids(source)

    def chunks(self, ids: list[str]) -> dict[str, ChunkRow]:
        return self.catalog.chunks(ids)

    def chunk_at(self, source: str, start: int, end: int) -> ChunkRow | None:
        return self.catalog.chunk_at(source, start, end)

    def similarities(self, query: str, texts: list[str]) -> np.ndarray:
        """Cosine similarity of the query to each text (vectors are normalised); sentence vectors come from
        the embedding cache, where ingest put them."""
        if not texts:
            return np.zeros(0, np.float32)
        return self.embedder.embed_passages(texts) @ self.embedder.embed_query(query)

    def term_stats(self, terms: list[str]) -> TermStats:
        return self.catalog.term_stats(terms)

    def warm_keyword_index(self, background: bool = True) -> int:
        return self.catalog.warm_keyword_listings(background)

    def token_streams(self, ids: list[str]) -> dict[str, list[str]]:
        return self.catalog.token_streams(ids)

    def sources_naming(self, sources: list[str], names: list[str]) -> set[str]:
        return self.catalog.sources_naming(sources, names)

    def stats(self) -> dict:
        return {
            "documents": self.catalog.count_documents(),
            "chunks": self.catalog.count_chunks(),
            "embedder": self.catalog.get_setting("embedder") or self.embedder_name,
            "pending": self.catalog.count_documents("pending"),
            "copies": self.catalog.count_copies(),  # of the documents, republished copies (not indexed)
            "knowledge_bases": {name: docs for name, docs, _ in self.catalog.knowledge_bases()},
            "store": str(self.dir),
            "chroma": self.location,
            "collection": self.collection_name,
        }
