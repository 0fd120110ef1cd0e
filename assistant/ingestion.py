"""The ingest pipeline as named steps: expand → load → clean → describe (with a content fingerprint) → chunk →
group republished copies (assistant/copies.py) → embed and store the canonical documents."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Callable

from ingest.chunk import chunk_document
from ingest.clean import clean_lines, fix_characters, furniture_candidates
from core.errors import EmptyFileError, InputError
from ingest.load import DEFAULT_LIMITS, Deadline, InputLimits, content_hash, expand_paths, load_file, unreadable
from ingest.metadata import extract_metadata
from assistant.answering.harvest import sentence_spans
from assistant.copies import CopyPlan, demote_all, plan_copies, repoint_all, stored_document
from core.documents import DEFAULT_KB, PAGE_BREAK, Chunk, Document, RawDocument
from core.fingerprint import fingerprint
from vectorstore.store import DocumentWrite, VectorStore

log = logging.getLogger(__name__)

# Bump when cleaning, metadata or chunking changes what a file turns into: every file then counts
# as changed and is re-ingested (its unchanged chunks come back from the embedding cache).
PIPELINE_VERSION = "7"
MIN_FURNITURE_PAGES = 2  # a short line without sentence end found on this many pages is site furniture
# Texts embedded per call: their vectors are only cached, so memory stays that of one slice.
EMBED_SLICE = 4096


SUCCESS, SKIPPED, FAILED = "成功", "跳过", "失败"  # a file's result in an upload's table


@dataclass(frozen=True)
class FileResult:
    """One file of an ingest: its name, path, result (SUCCESS/SKIPPED/FAILED), reason and chunks written."""
    name: str
    source: str
    result: str
    reason: str
    chunks: int | None


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[InputError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): hidden, symlinked, unsupported
    chunks: int = 0
    embedded: int = 0  # chunks that went through the model (the rest came from the cache)
    embed_seconds: float = 0.0
    copies: list[tuple[str, str]] = field(default_factory=list)  # (source, canonical) of ingested reposts
    chunks_by_source: dict[str, int] = field(default_factory=dict)  # chunks written for each ingested file

    def per_file(self) -> list[FileResult]:
        """What became of each file: 成功 (ingested), 跳过 (unchanged, hidden, unsupported in a folder) or
        失败 (rejected), with the reason in Chinese and the chunks written (None: nothing was written)."""
        copy_of = dict(self.copies)
        out = [FileResult(Path(s).name, s, SUCCESS, f"是已有文章 {Path(copy_of[s]).name} 的转载，只记录出处" if s in copy_of
                          else "已导入", self.chunks_by_source.get(s, 0)) for s in self.ingested]
        out += [FileResult(Path(s).name, s, SKIPPED, "内容与已导入的相同，未重复导入", None) for s in self.unchanged]
        out += [FileResult(Path(s).name, s, SKIPPED, reason, None) for s, reason in self.skipped]
        out += [FileResult(Path(e.path).name, e.path, FAILED, e.reason, None) for e in self.rejected]
        return out

    def summary(self) -> str:
        reposts = f"，其中 {len(self.copies)} 篇是已有文章的转载，只记录出处" if self.copies else ""
        return (f"导入 {len(self.ingested)} 篇{reposts}，未变 {len(self.unchanged)} 篇，"
                f"未导入 {len(self.rejected)} 篇，跳过 {len(self.skipped)} 个（写入 {self.chunks} 个段落）")


class Stage(StrEnum):
    """The stages an ingest reports, in order; their values are what the upload bar shows."""
    READ = "读取"     # load and decode each file
    CLEAN = "清洗"    # repair characters, drop site furniture, read metadata, chunk
    EMBED = "向量化"  # embed the new chunks and sentences (one batch for all files; cached ones are free)
    WRITE = "写入"    # write each document to Chroma and the catalog


READ, CLEAN, EMBED, WRITE = Stage


@dataclass(frozen=True)
class IngestProgress:
    """One step of an ingest: `stage` (READ/CLEAN per file, EMBED per chunk batch, WRITE per document),
    `done` of `total` steps of that stage finished, `file` the name of the file being worked on (if any).
    CLEAN counts two passes per file (character repair, then cleaning and chunking)."""
    stage: Stage
    done: int
    total: int
    file: str = ""


def stage_reporter(progress: Callable[[int, int], None] | None = None,
                   on_stage: Callable[[IngestProgress], None] | None = None) -> Callable[[IngestProgress], None]:
    """One callback for the steps: `on_stage` gets every event; the older `progress(done, total)`
    only the embedding ones, as before stages existed."""
    def emit(event: IngestProgress) -> None:
        if on_stage:
            on_stage(event)
        if progress and event.stage == EMBED:
            progress(event.done, event.total)
    return emit


def _silent(event: IngestProgress) -> None:
    pass


def file_digest(path: Path) -> str:
    """What decides "unchanged": the file's bytes and the pipeline version that turned them into chunks."""
    return f"{content_hash(path)}:v{PIPELINE_VERSION}"


def load_changed(files: list[Path], store: VectorStore, report: IngestReport,
                 limits: InputLimits = DEFAULT_LIMITS, kb: str = DEFAULT_KB,
                 emit: Callable[[IngestProgress], None] = _silent) -> list[tuple[RawDocument, str, Deadline]]:
    """Raw text, hash and time budget of files that are new, changed or moving to knowledge base `kb`;
    unchanged ones are only counted."""
    out = []
    for i, path in enumerate(files):
        emit(IngestProgress(READ, i, len(files), path.name))
        path = path.resolve()  # one identity per file, however its path was spelled
        try:
            digest = file_digest(path)
            if store.is_unchanged(str(path), digest, kb):
                report.unchanged.append(str(path))
                continue
            deadline = Deadline(path, limits.max_file_seconds, limits.max_ocr_page_seconds)
            out.append((load_file(path, limits, deadline), digest, deadline))
        except InputError as exc:
            report.rejected.append(exc)
        except OSError as exc:
            report.rejected.append(unreadable(path, exc))
    return out


def common_lines(candidates: dict[str, frozenset[str]], store: VectorStore) -> frozenset[str]:
    """Lines repeated across pages are site furniture (menus, footers), not article text: counted over this
    batch and every stored page, so a page ingested on its own later still loses its site's menus."""
    counts = Counter(line for lines in candidates.values() for line in lines)
    stored = store.catalog.furniture_counts(set(counts), exclude=set(candidates))
    return frozenset(line for line, n in counts.items() if n + stored.get(line, 0) >= MIN_FURNITURE_PAGES)


def describe(raw: RawDocument, fixed: str, digest: str, common: frozenset[str], kb: str = DEFAULT_KB) -> Document:
    """Finish cleaning (fixed: the raw text after ``fix_characters``) and read the metadata;
    an article that cleans to nothing is rejected."""
    text, pages = page_starts(clean_lines(fixed, common))
    if not text.strip():
        raise EmptyFileError(raw.source, "去掉网站导航、页脚等版式文字后没有剩下正文；请确认文件是一篇文章")
    meta = extract_metadata(text, raw.meta, raw=raw.text)
    return Document(
        source=raw.source, text=text, content_hash=digest,
        title=meta.get("title", ""), date=meta.get("date", ""), publisher=meta.get("publisher", ""),
        author=meta.get("author", ""), edition=meta.get("edition", ""), pages=pages,
        fingerprint=fingerprint(text).to_text(), kb=kb,
    )


def page_starts(text: str) -> tuple[str, tuple[int, ...]]:
    """The text without its page breaks, and where each page starts in it (empty for an unpaged text)."""
    if PAGE_BREAK not in text:
        return text, ()
    pieces = text.split(PAGE_BREAK)
    starts, at = [0], 0
    for piece in pieces[:-1]:
        at += len(piece)
        starts.append(at)
    return "".join(pieces), tuple(starts)


def ingest_paths(paths: list[str], store: VectorStore, progress: Callable[[int, int], None] | None = None,
                 limits: InputLimits = DEFAULT_LIMITS, kb: str = DEFAULT_KB,
                 on_stage: Callable[[IngestProgress], None] | None = None) -> IngestReport:
    """Ingest files, folders and globs into knowledge base `kb`; one bad file never stops the others.

    progress(done_chunks, total_chunks) is called as embedding proceeds; on_stage(IngestProgress) at every
    step of every stage (读取/清洗 per file, 向量化 per batch, 写入 per document).
    """
    report = IngestReport()
    emit = stage_reporter(progress, on_stage)
    docs, candidates = prepare(paths, store, report, limits, kb, emit)
    if not docs and not plan_copies(store, []).changes_store and store.metadata_current:
        return report  # nothing new: never load the model
    with store.writing():  # one writing process per embedded store (vectorstore/lock.py), refused at once
        store.open()  # an unreachable server fails now, not after minutes of embedding
        store.upgrade_metadata()  # a store made before knowledge bases: its vectors get their scope fields
        store_documents(docs, candidates, store, report, emit=emit)  # planned again: now under the lock
    return report


def cleaned_texts(paths: list[str], store: VectorStore, limits: InputLimits = DEFAULT_LIMITS) -> dict[str, str]:
    """The cleaned text each new or changed file would be stored as; nothing is stored."""
    docs, _ = prepare(paths, store, IngestReport(), limits)
    return {doc.source: doc.text for doc, _ in docs}


def prepare(paths: list[str], store: VectorStore, report: IngestReport, limits: InputLimits, kb: str = DEFAULT_KB,
            emit: Callable[[IngestProgress], None] = _silent
            ) -> tuple[list[tuple[Document, list[Chunk]]], dict[str, frozenset[str]]]:
    """Load, clean, describe and chunk the new or changed files; each page's furniture candidates."""
    files, missing, report.skipped = expand_paths([str(p) for p in paths])
    report.rejected.extend(missing)
    loaded, fixed = [], {}
    changed = load_changed(files, store, report, limits, kb, emit)
    for i, (raw, digest, deadline) in enumerate(changed):
        emit(IngestProgress(CLEAN, i, 2 * len(changed), Path(raw.source).name))
        try:
            fixed[raw.source] = fix_characters(raw.text)  # the costly half of cleaning, once
            deadline.check("清洗")
            loaded.append((raw, digest, deadline))
        except InputError as exc:
            report.rejected.append(exc)
    candidates = {source: furniture_candidates(text) for source, text in fixed.items()}
    common = common_lines(candidates, store)
    docs = []
    for i, (raw, digest, deadline) in enumerate(loaded):
        emit(IngestProgress(CLEAN, len(changed) + i, 2 * len(changed), Path(raw.source).name))
        try:
            doc = describe(raw, fixed[raw.source], digest, common, kb)
            chunks = chunk_document(doc)
            deadline.check("分段")
            docs.append((doc, chunks))
        except InputError as exc:
            report.rejected.append(exc)
    if changed:
        emit(IngestProgress(CLEAN, 2 * len(changed), 2 * len(changed)))
    return docs, candidates


def store_documents(docs: list[tuple[Document, list[Chunk]]], candidates: dict[str, frozenset[str]],
                    store: VectorStore, report: IngestReport,
                    progress: Callable[[int, int], None] | None = None,
                    emit: Callable[[IngestProgress], None] | None = None) -> CopyPlan:
    """Write new documents and settle the copy groups they touch (assistant/copies.py): canonical documents
    are indexed, republished copies are stored without chunks. With no documents, it repairs groups whose
    canonical is gone (after a remove, or an interrupted change)."""
    emit = emit or stage_reporter(progress)
    plan = plan_copies(store, [doc for doc, _ in docs])
    demote_all(store, plan)
    index = [(doc, chunks, candidates[doc.source]) for doc, chunks in docs if not plan.copy_of(doc.source)]
    for source in plan.promote:
        doc = stored_document(store, source)
        index.append((doc, chunk_document(doc), store.catalog.furniture_of(source)))
    copies = tuple(DocumentWrite(doc, [], candidates[doc.source], plan.copy_of(doc.source))
                   for doc, _ in docs if plan.copy_of(doc.source))
    embed_and_store(index, store, report, emit, copies)
    report.copies.extend((w.doc.source, w.copy_of) for w in copies)
    repoint_all(store, plan)
    report.ingested.extend(doc.source for doc, _ in docs)
    return plan


def chunk_embedding_texts(chunks: list[Chunk]) -> list[str]:
    """What ingest embeds for a document's chunks (their title/date header included)."""
    return [c.embedding_text() for c in chunks]


def sentence_embedding_texts(doc: Document) -> list[str]:
    """The answerable sentences ingest embeds beside the chunks."""
    return [doc.text[s:e] for s, e in sentence_spans(doc.text, doc.title)]


def embedding_texts(paths: list[str], store: VectorStore, limits: InputLimits = DEFAULT_LIMITS
                    ) -> dict[str, tuple[list[str], list[str]]]:
    """By source, the texts an ingest of the new or changed files would embed (its chunks', its answerable
    sentences), from the same steps ingest runs; nothing is stored. bench/scale.py fills an embedding cache
    with it, so its ingest measures the pipeline without the model."""
    docs, _ = prepare(paths, store, IngestReport(), limits)
    return {doc.source: (chunk_embedding_texts(chunks), sentence_embedding_texts(doc)) for doc, chunks in docs}


def embed_and_store(docs: list[tuple[Document, list[Chunk], frozenset[str]]], store: VectorStore,
                    report: IngestReport, emit: Callable[[IngestProgress], None] = _silent,
                    copies: tuple[DocumentWrite, ...] = ()) -> None:
    """Embed the documents' chunks and answerable sentences into the embedding cache, then write them (each
    with its furniture lines) and the republished copies, in batches (VectorStore.add_documents)."""
    # The answerable sentences are embedded too (kept in the embedding cache): answering compares them with
    # the question by meaning, so paraphrases are found.
    texts = [t for doc, chunks, _ in docs for t in chunk_embedding_texts(chunks) + sentence_embedding_texts(doc)]
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        emit(IngestProgress(EMBED, done, len(texts)))

    if texts:
        emit(IngestProgress(EMBED, 0, len(texts)))
        misses, seconds = store.embedder.misses, store.embedder.embed_seconds
        for at in range(0, len(texts), EMBED_SLICE):  # only cached here: add_documents reads them back
            store.embedder.embed_passages(texts[at: at + EMBED_SLICE], on_batch=tick)
        report.embedded = store.embedder.misses - misses
        report.embed_seconds = store.embedder.embed_seconds - seconds
        # Cached chunks never hit the embedder; report them done so the bar reaches its end.
        emit(IngestProgress(EMBED, len(texts), len(texts)))
    writes = [DocumentWrite(doc, chunks, furniture) for doc, chunks, furniture in docs] + list(copies)
    written = 0

    def wrote(doc: Document) -> None:
        nonlocal written
        written += 1
        emit(IngestProgress(WRITE, written, len(writes), Path(doc.source).name))

    if writes:
        emit(IngestProgress(WRITE, 0, len(writes), Path(writes[0].doc.source).name))
    store.add_documents(writes, on_written=wrote)
    for w in writes:
        report.chunks += len(w.chunks)
        report.chunks_by_source[w.doc.source] = len(w.chunks)


def pipeline_fingerprint() -> str:
    """Hash of the code that turns files into chunks.

    Re-ingest skips files whose bytes did not change, so without this a cached store would keep
    chunks made by older cleaning or chunking code and the eval would measure the past.
    """
    import core
    import ingest
    import vectorstore

    files = [Path(__file__)]
    for package in (core, ingest, vectorstore):
        files.extend(sorted(Path(package.__file__).parent.glob("*.py")))
    digest = hashlib.sha1()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()
