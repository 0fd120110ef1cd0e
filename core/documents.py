"""Data objects that cross the ingest → vectorstore boundary."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from core.errors import ConfigError

# Loaders of paged formats (PDF, scanned pages) put this line between pages; cleaning turns each into the
# page starts of the Document, so a citation can say which page its sentence is on.
PAGE_BREAK = "\f"
# The knowledge base a document goes to when none is named: every store made before knowledge bases holds
# only this one.
DEFAULT_KB = "默认"
_KB_MAX_CHARS = 40


@dataclass(frozen=True)
class RawDocument:
    """A file's decoded text before cleaning, plus metadata the format itself carried."""

    source: str  # path as given by the user; citations point here
    text: str
    encoding: str = "utf-8"
    meta: dict[str, str] = field(default_factory=dict)  # e.g. html <title>, date metas


@dataclass(frozen=True)
class Document:
    """A cleaned article: the text citations index into, and its metadata."""

    source: str
    text: str
    content_hash: str  # of the raw bytes: decides "unchanged" on re-ingest
    title: str = ""
    date: str = ""  # ISO "2023-08-31", or "2023" when only the year is known
    publisher: str = ""  # paper or site
    author: str = ""
    edition: str = ""
    pages: tuple[int, ...] = ()  # where each page starts in text (PDF, scans); empty for unpaged formats
    fingerprint: str = ""  # of the cleaned body, to recognise republished copies (core/fingerprint.py, as text)
    kb: str = DEFAULT_KB  # the knowledge base (named collection of the store) it belongs to

    def metadata(self) -> dict[str, str]:
        return {
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "publisher": self.publisher,
            "author": self.author,
            "edition": self.edition,
            "kb": self.kb,
        }


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document; start/end index into Document.text."""

    id: str
    source: str
    text: str
    start: int
    end: int
    index: int
    metadata: dict[str, str | int] = field(default_factory=dict)  # the document's, and a paged one's "page"

    def embedding_text(self) -> str:
        """What gets embedded: a short title/date header helps questions that name the article."""
        header = " ".join(x for x in (self.metadata.get("title", ""), self.metadata.get("date", "")) if x)
        return f"{header}\n{self.text}" if header else self.text


def page_at(pages: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page an offset of the text falls on, None for an unpaged document."""
    return bisect.bisect_right(pages, offset) if pages else None


def kb_names(value: str | None) -> tuple[str, ...]:
    """Knowledge base names as a user writes them: one, or several separated by commas (、 and ，too)."""
    names = tuple(dict.fromkeys(n.strip() for n in (value or "").replace("，", ",").replace("、", ",").split(",")
                                if n.strip()))
    for name in names:
        if len(name) > _KB_MAX_CHARS or any(c in name for c in "/\\\n\t"):
            raise ConfigError(f"知识库名称「{name[:_KB_MAX_CHARS]}」不可用：请用不超过 {_KB_MAX_CHARS} 个字、"
                              "不含斜杠和换行的名称，例如 2023年新闻")
    return names
