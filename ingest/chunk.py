"""Chinese sentence splitting and sentence-aware chunking with exact character spans."""

from __future__ import annotations

import hashlib

from core.documents import Chunk, Document, page_at
from core.text import CUT_POINT, split_sentences

MIN_CHARS = 150
MAX_CHARS = 400

def _cut_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split a sentence longer than MAX_CHARS at clause commas, never inside a number."""
    pieces: list[tuple[int, int]] = []
    while e - s > MAX_CHARS:
        cut = None
        for m in CUT_POINT.finditer(text, s + MIN_CHARS, s + MAX_CHARS):
            cut = m.end()
        if cut is None:  # no comma at all: cut at a character that is not a digit
            cut = s + MAX_CHARS
            while cut > s + MIN_CHARS and (text[cut - 1].isdigit() or text[cut].isdigit()):
                cut -= 1
        pieces.append((s, cut))
        s = cut
    pieces.append((s, e))
    return pieces


def sentence_units(text: str) -> list[tuple[int, int]]:
    """Sentences no longer than MAX_CHARS, in document order."""
    units: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        units.extend(_cut_long(text, s, e))
    return units


def chunk_id(source: str, text: str) -> str:
    """Content hash: the same text of the same file always gets the same id (idempotent ingest)."""
    return hashlib.sha256(f"{source}\n{text}".encode()).hexdigest()[:32]


def chunk_spans(text: str) -> list[tuple[int, int]]:
    """Group sentences into ~MIN..MAX-char windows; each window repeats the previous one's last sentence."""
    units = sentence_units(text)
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and units[j + 1][1] - units[i][0] <= MAX_CHARS:
            j += 1
        windows.append((units[i][0], units[j][1]))
        if j + 1 >= len(units):
            break
        # Overlap by one sentence when it is short enough to leave room for new text.
        short_tail = j > i and units[j][1] - units[j][0] < MIN_CHARS
        i = j if short_tail else j + 1
    return _merge_small_tail(windows)


def _merge_small_tail(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A last window far below MIN_CHARS folds into its predecessor when they fit together."""
    if len(windows) >= 2:
        (ps, _), (ls, le) = windows[-2], windows[-1]
        if le - ls < MIN_CHARS // 3 and le - ps <= MAX_CHARS + MIN_CHARS:
            windows[-2:] = [(ps, le)]
    return windows


def chunk_document(doc: Document) -> list[Chunk]:
    """Cut a cleaned document into chunks carrying its metadata and their spans."""
    meta = doc.metadata()
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for s, e in chunk_spans(doc.text):
        body = doc.text[s:e]
        cid = chunk_id(doc.source, body)
        if cid in seen:  # verbatim repeats inside one page (e.g. a doubled heading) add nothing
            continue
        seen.add(cid)
        page = page_at(doc.pages, s)  # where a paged document's chunk begins, for citations and filters
        chunks.append(Chunk(cid, doc.source, body, s, e, len(chunks), {**meta, **({"page": page} if page else {})}))
    return chunks
