"""How much of one stored document a question reads.

A news page is read whole. A much longer document (a yearbook, a merged archive file) is read where the
question needs it: its head (title, dateline, byline) and the text around the passages retrieved from it,
through the catalog's span index. Offsets stay those of the whole document: text not read is blank lines,
so citations, highlights and the answerer's windows need no translation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.models import Excerpt, Passage
from vectorstore.store import VectorStore


@dataclass(frozen=True)
class ReadWindow:
    """The bounds; a question's reading cost is at most head + passages × (2 × around), whatever the size."""

    # The longest cleaned page of the sample, dev and test corpora has 5,211 characters, a long news page
    # rarely 20,000: every page the answerer was tuned and judged on is read whole, as before.
    whole_chars: int = 60_000
    # The dateline and byline sit in a page's first lines (answering/byline.HEADER_LINES sentences).
    head_chars: int = 2_000
    # Each side of a passage: more than the answerer's place check looks back (policy.window_before 1,500)
    # and the list reader looks around, so a sentence reads the same in a window as in the whole text.
    around_chars: int = 4_000

    def spans(self, passages: Iterable[Passage]) -> list[tuple[int, int]]:
        return [(0, self.head_chars)] + [(max(0, p.start - self.around_chars), p.end + self.around_chars)
                                         for p in passages]


DEFAULT_WINDOW = ReadWindow()


def is_long(store: VectorStore, source: str, window: ReadWindow) -> bool:
    return store.document_length(source) > window.whole_chars


def read_window(store: VectorStore, source: str, spans: list[tuple[int, int]], padded: bool = True,
                origin: int = 0) -> str:
    """The document's text where the spans fall: padded, with blank lines elsewhere at the document's own
    offsets less origin (text before origin left out); else the pieces joined by line breaks (for word
    look-ups)."""
    pieces, pos = [], origin
    for chunk in store.chunks_in(source, spans):
        start, text = chunk.start, chunk.text
        if start + len(text) <= pos:
            continue
        if start < pos:  # neighbouring chunks share a sentence
            text, start = text[pos - start:], pos
        pieces += ["\n" * (start - pos if padded else 1), text]
        pos = start + len(text)
    return "".join(pieces)


def read_text(store: VectorStore, source: str, passages: Iterable[Passage],
              window: ReadWindow = DEFAULT_WINDOW, padded: bool = True) -> str:
    """The whole text of a page; of a long document, the window the passages from it need."""
    if not is_long(store, source, window):
        return store.document_text(source) or ""
    return read_window(store, source, window.spans(p for p in passages if p.source == source), padded)


def read_texts(store: VectorStore, passages: list[Passage], window: ReadWindow = DEFAULT_WINDOW,
               padded: bool = True, pages: dict[str, str] | None = None) -> dict[str, str]:
    """read_text of each passage's document. pages: the whole pages read already this question, added to
    (a long document's reading depends on the passages asked, so it is read each time)."""
    pages = {} if pages is None else pages
    out = {}
    for source in dict.fromkeys(p.source for p in passages):
        if source not in pages:
            if is_long(store, source, window):
                out[source] = read_window(store, source, window.spans(p for p in passages if p.source == source), padded)
                continue
            pages[source] = store.document_text(source) or ""
        out[source] = pages[source]
    return out


def nearby_chunk_ids(store: VectorStore, passage: Passage, window: ReadWindow = DEFAULT_WINDOW) -> set[str]:
    """The chunks of the passage's document: all of a page's; of a long document, those around it."""
    if not is_long(store, passage.source, window):
        return store.chunk_ids(passage.source)
    return {c.id for c in store.chunks_in(passage.source, window.spans([passage])[1:])}


def excerpt(store: VectorStore, source: str, start: int, end: int, window: ReadWindow = DEFAULT_WINDOW) -> Excerpt:
    """What a citation card shows of its document: a page whole, a long document around the quote."""
    if not is_long(store, source, window):
        return Excerpt(store.document_text(source) or "")
    lo = max(0, start - window.around_chars)
    return Excerpt(read_window(store, source, [(lo, end + window.around_chars)], origin=lo), lo, whole=False)
