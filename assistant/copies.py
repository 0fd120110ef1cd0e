"""Republished copies in the store: which documents of a batch or of the store are copies of which, and
the store changes that follow. The groups are decided by core/copies.py on content fingerprints
(core/fingerprint.py); assistant/ingestion.py indexes the canonical documents.

Only a group's canonical document is chunked, embedded and searched; its copies are catalog rows (text,
metadata, `copy_of`), so k retrieved passages are never k copies of one article and the index, and the cost
of a question, do not grow with reposts. A citation names the copies as where else the article appeared.

Crash consistency: demotions are committed first, then canonical documents are indexed (pending → ready, as
any ingest), then copies are pointed at them. A kill at any step leaves copies whose canonical is not a ready
canonical document; `plan_copies` treats those groups as touched, so the next ingest, remove or
`assistant doctor --repair` decides them again and promotes a copy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from core.copies import Member, plan_roles
from core.documents import Document
from core.fingerprint import DEFAULT_COPY_POLICY, CopyPolicy, Fingerprint, fingerprint
from vectorstore.doctor import Problem
from vectorstore.store import VectorStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CopyPlan:
    roles: dict[str, str] = field(default_factory=dict)  # decided documents: source → canonical ("" canonical)
    promote: tuple[str, ...] = ()  # stored copies that become canonical: to be chunked and embedded
    demote: tuple[tuple[str, str], ...] = ()  # (source, canonical): stored canonicals that become copies
    repoint: tuple[tuple[str, str], ...] = ()  # (source, canonical): stored copies whose canonical changed
    # (source, fingerprint) of stored documents that had none: written last, so a kill before the groups are
    # settled leaves them without one and the next plan decides their groups again
    backfill: tuple[tuple[str, str], ...] = ()

    @property
    def changes_store(self) -> bool:
        return bool(self.promote or self.demote or self.repoint or self.backfill)

    def copy_of(self, source: str) -> str:
        return self.roles.get(source, "")


def stored_members(store: VectorStore) -> tuple[list[Member], list[Member]]:
    """The store's ready documents, and separately those that had no fingerprint (a store made before
    fingerprints): theirs is computed from the stored cleaned text, and their groups are decided anew."""
    members, backfilled = [], []
    for source, text_print, date, first, copy_of, kb in store.catalog.members():
        missing = not text_print
        text_print = text_print or fingerprint(store.document_text(source) or "").to_text()
        (backfilled if missing else members).append(
            Member(source, Fingerprint.from_text(text_print), date, first or 0.0, copy_of, kb))
    return members, backfilled


def plan_copies(store: VectorStore, new: list[Document], policy: CopyPolicy = DEFAULT_COPY_POLICY) -> CopyPlan:
    """The roles of the new documents and the changes to stored ones their groups need."""
    stored, backfilled = stored_members(store)
    first = {m.source: m.first_ingested for m in stored + backfilled}
    incoming = [Member(d.source, Fingerprint.from_text(d.fingerprint), d.date, first.get(d.source, 0.0), kb=d.kb)
                for d in new]
    roles = plan_roles(incoming + backfilled, stored, policy)
    new_sources = {d.source for d in new}
    current = {m.source: m.copy_of for m in stored + backfilled if m.source not in new_sources}
    decided = [(s, c) for s, c in roles.items() if s in current]
    plan = CopyPlan(
        roles=roles,
        promote=tuple(s for s, c in decided if current[s] and not c),
        demote=tuple((s, c) for s, c in decided if not current[s] and c),
        repoint=tuple((s, c) for s, c in decided if current[s] and c and current[s] != c),
        backfill=tuple((m.source, m.fingerprint.to_text()) for m in backfilled if m.source not in new_sources),
    )
    if plan.changes_store:
        log.info("republished copies: promote %s, demote %s, repoint %d", plan.promote, plan.demote, len(plan.repoint))
    return plan


def stored_document(store: VectorStore, source: str) -> Document:
    """A stored document as ingest made it (cleaned text, metadata, pages), to index a promoted copy."""
    row = store.document(source)
    text = store.document_text(source) or ""
    return Document(source=source, text=text, content_hash=row.content_hash, title=row.title, date=row.date,
                    publisher=row.publisher, author=row.author, edition=row.edition,
                    pages=store.catalog.document_pages(source), fingerprint=fingerprint(text).to_text(), kb=row.kb)


def demote_all(store: VectorStore, plan: CopyPlan) -> None:
    for source, canonical in plan.demote:
        store.demote(source, canonical)


def repoint_all(store: VectorStore, plan: CopyPlan) -> None:
    """Point copies at their new canonical, then record backfilled fingerprints (the last step of a plan)."""
    for source, canonical in plan.repoint:
        store.catalog.set_copy_of(source, canonical)
    for source, text_print in plan.backfill:
        store.catalog.set_fingerprint(source, text_print)


def orphan_copies(sources: list[str] | tuple[str, ...], repaired: bool) -> list[Problem]:
    """Doctor's lines for copies left without a canonical document (each the copy that takes its place)."""
    fix = "，已改由这篇作答" if repaired else "；运行 assistant doctor --repair 改由这篇作答"
    return [Problem("orphan-copies", source, f"{source}：这组转载的原文已不在资料库{fix}", repaired)
            for source in sources]
