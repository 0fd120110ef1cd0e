"""The store's health check: Chroma, the catalog, the keyword index and the embedding cache checked against
each other, and repaired on request.

What can go wrong, and the repair (every repair is idempotent, so a kill during it is repaired next time):
- an ingest or remove was interrupted (status 'pending' / 'removing'): its vectors and rows are removed,
  so the next ingest writes the document afresh;
- a ready document lost vectors: they are re-embedded from the catalog's chunk texts (the embedding cache
  usually still holds them) and written again;
- vectors no catalog chunk owns (orphans): deleted;
- the keyword index does not match the chunks: the document's keyword rows are rebuilt;
- an SQLite file fails its integrity check: reported (the embedding cache, only a cache, is emptied).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.documents import Chunk, Document
from vectorstore.catalog import DocumentRow
from vectorstore.embedders import EmbeddingCache
from vectorstore.store import VectorStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    kind: str  # interrupted | missing-vectors | orphan-vectors | keyword-index | integrity
    source: str
    message: str  # Chinese, for the user
    repaired: bool = False


def check_store(store: VectorStore, repair: bool = False) -> list[Problem]:
    """Every inconsistency found, each repaired when `repair` is set."""
    problems: list[Problem] = []
    problems += _integrity(store, repair)
    problems += _interrupted(store, repair)
    problems += _vectors(store, repair)
    problems += _keyword_index(store, repair)
    for p in problems:
        log.warning("store check: %s%s", p.message, "（已修复）" if p.repaired else "")
    return problems


def _integrity(store: VectorStore, repair: bool) -> list[Problem]:
    out = []
    if not store.catalog.integrity_ok():
        out.append(Problem("integrity", "", f"目录数据库 {store.catalog.path} 未通过完整性检查；请从备份恢复或重新导入"))
    cache = EmbeddingCache(store.embedding_cache) if store.embedding_cache.exists() else None
    if cache is not None and not cache.integrity_ok():
        if repair:
            cache.clear()
        out.append(Problem("integrity", "", f"向量缓存 {store.embedding_cache} 未通过完整性检查，已清空（只影响导入速度）"
                           if repair else f"向量缓存 {store.embedding_cache} 未通过完整性检查", repair))
    return out


def _interrupted(store: VectorStore, repair: bool) -> list[Problem]:
    out = []
    for row in store.catalog.documents(status=None):
        if row.status == "ready":
            continue
        if repair:
            store.remove(row.source)
        out.append(Problem("interrupted", row.source,
                           f"{row.source}：上次的导入或删除被中断（状态 {row.status}），"
                           + ("已清除，请重新导入" if repair else "运行 assistant doctor --repair 清除后重新导入"), repair))
    return out


def _vectors(store: VectorStore, repair: bool) -> list[Problem]:
    out = []
    stored = store.collection.get(include=["metadatas"])
    by_source: dict[str, set[str]] = {}
    for cid, meta in zip(stored["ids"], stored["metadatas"]):
        by_source.setdefault((meta or {}).get("source", ""), set()).add(cid)
    ready = {row.source: row for row in store.catalog.documents()}
    for source, row in ready.items():
        expected = store.catalog.chunk_ids(source)
        present = by_source.pop(source, set())
        missing, extra = expected - present, present - expected
        if missing:
            if repair:
                _rewrite_vectors(store, row, sorted(missing))
            out.append(Problem("missing-vectors", source,
                               f"{source}：缺少 {len(missing)} 个段落的向量" + ("，已重新写入" if repair else ""), repair))
        if extra:
            if repair:
                store.collection.delete(ids=sorted(extra))
            out.append(Problem("orphan-vectors", source, f"{source}：有 {len(extra)} 个多余的旧向量"
                               + ("，已删除" if repair else ""), repair))
    catalogued = {r.source for r in store.catalog.documents(status=None)}
    for source, ids in by_source.items():  # vectors of documents the catalog does not hold
        if source in catalogued:
            continue  # an interrupted document: handled above
        if repair:
            store.collection.delete(ids=sorted(ids))
        out.append(Problem("orphan-vectors", source, f"{source or '（无来源）'}：目录中没有这篇文档，却有 {len(ids)} 个向量"
                           + ("，已删除" if repair else ""), repair))
    return out


def _rewrite_vectors(store: VectorStore, row: DocumentRow, ids: list[str]) -> None:
    meta = Document(row.source, "", row.content_hash, row.title, row.date, row.publisher, row.author,
                    row.edition).metadata()
    chunks = [Chunk(r.id, r.source, r.text, r.start, r.end, r.index, dict(meta))
              for r in store.catalog.chunks(ids).values()]
    store.write_vectors(chunks, store.embedder.embed_passages([c.embedding_text() for c in chunks]))


def _keyword_index(store: VectorStore, repair: bool) -> list[Problem]:
    out = []
    for source in store.catalog.keyword_mismatches():
        if repair:
            store.catalog.reindex_keywords(source)
        out.append(Problem("keyword-index", source, f"{source}：关键词索引与段落不一致"
                           + ("，已重建" if repair else ""), repair))
    return out


__all__ = ["Problem", "check_store"]
