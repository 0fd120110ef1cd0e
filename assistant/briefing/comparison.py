"""A comparison table: when several unions (or one union in several years) report on a topic, the
same measures side by side, a citation per cell and 未提及 where an article does not say.

Measures are matched by what a figure counts (assistant.figures.what_it_counts) and its kind of unit:
职工书屋 and 新建职工书屋 in 个 are one measure, 职工书屋 in 个 and in % are two. A measure only one
column reports compares nothing and is left to the key figures table.
"""

from __future__ import annotations

from assistant.briefing.material import Citer, FigureHit
from assistant.briefing.model import Comparison, ComparisonCell, ComparisonRow
from core.numbers import unit_class
from core.text import tokenize

MAX_COLUMNS, MAX_ROWS = 5, 6
SAME_MEASURE = 0.5  # share of jieba words two descriptions have in common to count as one measure


def column_of(hit: FigureHit) -> str:
    """滨海县总工会（2023）: a union in a year; articles without a date are their union's."""
    org = hit.sentence.organisation or "（未署名）"
    year = hit.sentence.ev.passage.date[:4]
    return f"{org}（{year}）" if year else org


def same_measure(a: str, b: str) -> bool:
    if a in b or b in a:
        return True
    wa, wb = set(tokenize(a)), set(tokenize(b))
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= SAME_MEASURE


def build_comparison(hits: list[FigureHit], citer: Citer) -> Comparison | None:
    """The table, or None when the topic's figures come from fewer than two unions or years."""
    columns = list(dict.fromkeys(column_of(h) for h in hits))[:MAX_COLUMNS]
    if len(columns) < 2:
        return None
    measures: list[tuple[str, str, dict[str, FigureHit]]] = []  # (description, unit kind, column → hit)
    for h in hits:
        col = column_of(h)
        if col not in columns or not h.counts:
            continue
        kind = unit_class(h.figure.unit)
        # A row this column has not filled yet: one with the same description first, else a similar one.
        open_rows = [m for m in measures if m[1] == kind and col not in m[2] and same_measure(m[0], h.counts)]
        row = next((m for m in open_rows if m[0] == h.counts), open_rows[0] if open_rows else None)
        if row is None:
            measures.append((h.counts, kind, {col: h}))
        else:
            row[2][col] = h
    # Only measures two columns report compare anything; most widely reported first.
    ranked = sorted((m for m in measures if len(m[2]) >= 2), key=lambda m: -len(m[2]))[:MAX_ROWS]
    if not ranked:
        return None
    rows = tuple(ComparisonRow(
        min((h.counts for h in m[2].values()), key=len),
        tuple(ComparisonCell(m[2][c].figure.raw, citer.cite(m[2][c].sentence.ev)) if c in m[2] else None
              for c in columns)) for m in ranked)
    return Comparison(tuple(columns), rows)
