"""Groups of copies of one article and the canonical document of each (pure: no store).

A group's canonical document is the one the store indexes and answers from; the others are kept in the
catalog only, as "where else it appeared". The choice is deterministic, so answers are stable: the earliest
dated document (the original usually predates its reposts), then the earliest ingested, then the source name.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.documents import DEFAULT_KB
from core.fingerprint import DEFAULT_COPY_POLICY, CandidateIndex, CopyPolicy, Fingerprint, same_article


@dataclass(frozen=True)
class Member:
    """A document as grouping sees it."""

    source: str
    fingerprint: Fingerprint | None
    date: str = ""
    first_ingested: float = 0.0  # a document not stored yet: 0, it is being ingested now
    copy_of: str = ""  # the canonical document's source; "" for a canonical (or unique) document
    kb: str = DEFAULT_KB  # copies are grouped within a knowledge base: each answers from its own documents


def canonical_key(m: Member) -> tuple:
    """Sorts the canonical document of a group first: dated before undated, earlier date, earlier ingest
    (a new document counts as ingested now, after every stored one), source name."""
    return (not m.date, m.date, m.first_ingested or float("inf"), m.source)


def _copies(a: Member, b: Member, policy: CopyPolicy) -> bool:
    return a.kb == b.kb and same_article(a.fingerprint, b.fingerprint, policy)


def _clusters(members: list[Member], policy: CopyPolicy) -> list[list[Member]]:
    """Connected components of "same article" (union-find over the candidate pairs only): a copy of a copy
    is in its original's group."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in CandidateIndex([m.fingerprint for m in members], policy).pairs():
        if root(i) != root(j) and _copies(members[i], members[j], policy):
            parent[root(j)] = root(i)
    groups: dict[int, list[Member]] = {}
    for i, m in enumerate(members):
        groups.setdefault(root(i), []).append(m)
    return list(groups.values())


def plan_roles(new: list[Member], stored: list[Member], policy: CopyPolicy = DEFAULT_COPY_POLICY) -> dict[str, str]:
    """source → its canonical's source ("" for a canonical) for every document whose group must be (re)decided:
    the new ones, the stored groups a new one joins, and stored groups whose canonical is gone (removed, or
    re-ingested as `new`). Groups no new document touches keep their roles and are not listed."""
    new_sources = {m.source for m in new}
    stored = [m for m in stored if m.source not in new_sources]
    group_of = {m.source: m.copy_of or m.source for m in stored}
    canonicals = {m.source for m in stored if not m.copy_of}
    # Orphaned copies: their canonical was removed, or an interrupted change left it a copy itself.
    touched = {group_of[m.source] for m in stored if m.copy_of and m.copy_of not in canonicals}
    index = CandidateIndex([m.fingerprint for m in stored], policy)
    for n in new:
        touched |= {group_of[stored[i].source] for i in index.candidates(n.fingerprint) if _copies(n, stored[i], policy)}
    pool = new + [m for m in stored if group_of[m.source] in touched]
    roles: dict[str, str] = {}
    for group in _clusters(pool, policy):
        first = min(group, key=canonical_key)
        roles.update((m.source, "" if m is first else first.source) for m in group)
    return roles

