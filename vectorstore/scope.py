"""Which documents a search may return, pushed into both indexes: a WHERE clause on the catalog's documents
for the keyword side and a Chroma `where` on the chunks' metadata for the dense side. Neither reads the list
of documents, so a filtered question costs what an unfiltered one does, whatever the store holds.

Dates compare at the coarser of the two precisions, as people read them: a document dated 2023-05 is in
a range starting 2023-05-10 (it may be from the 20th), a document dated 2023 is in any range touching 2023.
Chroma compares numbers only, so each chunk carries its document's date as a day interval:
day_lo (missing parts as 00) and day_hi (missing parts as 99); an undated document has an empty interval
(lo 99999999, hi -1) and never passes a date filter.
"""

from __future__ import annotations

from dataclasses import dataclass

# Bump when chunks' Chroma metadata gains a field searches filter on; stores with an older one are upgraded
# by the next ingest or `assistant doctor --repair` (VectorStore.upgrade_metadata) and searched meanwhile by
# an explicit source list.
VECTOR_METADATA_VERSION = "2"
UNDATED = (99999999, -1)


def day_bounds(date: str) -> tuple[int, int]:
    """The first and last day (YYYYMMDD as numbers) a date of any precision may mean."""
    digits = date.replace("-", "")
    if not digits.isdigit() or len(digits) not in (4, 6, 8):
        return UNDATED
    return int(digits.ljust(8, "0")), int(digits.ljust(8, "9"))


def vector_fields(kb: str, date: str) -> dict[str, str | int]:
    """The fields a chunk's vector carries for scoped searches."""
    lo, hi = day_bounds(date)
    return {"kb": kb, "day_lo": lo, "day_hi": hi}


@dataclass(frozen=True)
class Scope:
    """sources: canonical documents (a republished copy is searched through its canonical one); kbs:
    knowledge bases; date_from/date_to: ISO prefixes, checked by assistant.models.Filters."""

    sources: tuple[str, ...] = ()
    kbs: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""

    @property
    def active(self) -> bool:
        return bool(self.sources or self.kbs or self.date_from or self.date_to)

    def sql(self, alias: str = "d") -> tuple[str, list]:
        """' AND …' conditions on the documents table (aliased), and their parameters."""
        clauses, params = [], []
        for column, values in (("source", self.sources), ("kb", self.kbs)):
            if values:
                clauses.append(f"{alias}.{column} IN ({','.join('?' * len(values))})")
                params += list(values)
        if self.date_from:  # at the document date's precision: 2023-05 passes from 2023-05-10
            clauses.append(f"{alias}.date != '' AND {alias}.date >= substr(?, 1, length({alias}.date))")
            params.append(self.date_from)
        if self.date_to:
            clauses.append(f"{alias}.date != '' AND substr({alias}.date, 1, ?) <= ?")
            params += [len(self.date_to), self.date_to]
        return "".join(f" AND {c}" for c in clauses), params

    def chroma_where(self) -> dict | None:
        conditions: list[dict] = []
        for field, values in (("source", self.sources), ("kb", self.kbs)):
            if values:
                conditions.append({field: {"$in": list(values)}})
        if self.date_from:
            conditions.append({"day_hi": {"$gte": day_bounds(self.date_from)[0]}})
        if self.date_to:
            conditions.append({"day_lo": {"$lte": day_bounds(self.date_to)[1]}})
        if len(conditions) > 1:
            return {"$and": conditions}
        return conditions[0] if conditions else None


__all__ = ["Scope", "UNDATED", "VECTOR_METADATA_VERSION", "day_bounds", "vector_fields"]
