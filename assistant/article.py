"""One reader for a stored article: its text and metadata, and the unions and places it names, where.

Answering, briefing and example questions all read documents through `Article`; what it reads of the
unions (jieba POS tags over the sentences naming a 工会) is computed on first use and kept with the article,
which the Assistant caches by document content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from core.names import full_name, mentions, place_of
from core.text import TABLE_ROW, is_prose, split_sentences

BYLINE_CHARS = 30  # "滨海县总工会 李玲玲": a short line naming a union opens a section of a multi-article page
HEADING_CHARS = 120  # a block's heading is a caption or an intro line, not a paragraph


@dataclass(frozen=True)
class Article:
    """A cleaned document as the answerer, the briefing and the examples read it."""

    text: str
    title: str
    date: str
    author: str = ""
    source: str = ""

    @cached_property
    def _sentences(self) -> list[tuple[int, int]]:
        return split_sentences(self.text)

    @cached_property
    def unions(self) -> list[str]:
        """Every union the article names, the title's first, in their fullest form."""
        named = [n for _, n, union in mentions(self.title) if union]
        for s, e in self._sentences:
            named += self._unions_in(s, e)
        return list(dict.fromkeys(full_name(u, named) for u in named))

    @cached_property
    def places(self) -> list[str]:
        """Every place the text names (a quiz's distractors): all its sentences tagged, so read only if asked."""
        return list(dict.fromkeys(n for s, e in self._sentences
                                  for _, n, union in mentions(self.text[s:e]) if not union))

    def organisation_at(self, start: int, end: int) -> str:
        """The union a sentence reports on: one it names, else the nearest one named before it in running
        text or a byline (preferring one matching its 全市/全县 scope), else the first the article names.
        Read backwards from the sentence: only the sentences up to that union are tagged."""
        own = self._unions_in(start, end)
        if own:
            return self._full(own[0])
        scope = re.search(r"全([市县区])", self.text[start:end])
        nearest = ""
        for s, e in reversed([span for span in self._sentences if span[0] < start]):
            named = self._unions_in(s, e)
            if not named or not (is_prose(self.text[s:e]) or e - s <= BYLINE_CHARS):  # photo captions do not count
                continue
            anchor = self._full(named[0])
            if not scope or place_of(anchor).endswith(scope[1]):
                return anchor
            nearest = nearest or anchor
        return nearest or (self.unions or [""])[0]

    def _unions_in(self, start: int, end: int) -> list[str]:
        # a union's name ends in 工会: the POS tagger (~1 ms a sentence) only where one can be
        text = self.text[start:end]
        return [n for _, n, union in mentions(text) if union] if "工会" in text else []

    def _full(self, name: str) -> str:
        """full_name, reading the article's unions only for a short form (盱眙工会)."""
        return name if name.endswith("总工会") else full_name(name, self.unions)

    def is_fragment(self, start: int) -> bool:
        """A sentence that continues a line broken mid-sentence (a page break in the scraped text)."""
        before = self.text[:start].rstrip(" \t")
        if not before.endswith("\n"):
            return False
        last = before.strip().rsplit("\n", 1)[-1].strip()
        return len(last) > BYLINE_CHARS and not is_prose(last)

    def heading_of(self, start: int) -> str:
        """The caption or intro line above the block of rows a row belongs to ("表1 …集体合同签订情况"), which
        names what its cells count; "" for a sentence that is not such a row."""
        return self._row_block(start)[0]

    def table_of(self, start: int) -> str:
        """For showing a quoted table row: its table's caption, "表格" for a table without one; "" for a
        sentence that is not a row of a table (a lone "记者：…" line is not)."""
        heading, rows = self._row_block(start, below=True)
        return (heading or "表格") if rows >= 2 else ""

    def _row_block(self, start: int, below: bool = False) -> tuple[str, int]:
        """(heading, rows of the block above the line holding start, itself included; with below, also the
        rows below it, and a blank line ends the block); ("", 0) for a line that is not a row."""
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", start)
        if not TABLE_ROW.match(self.text[line_start:]):
            return "", 0
        rows, heading = 1, ""
        end = line_start - 1  # walk up, then down, line by line: the cost is the block's, not the text's
        while end > 0:
            begin = self.text.rfind("\n", 0, end) + 1
            line = self.text[begin:end].strip()
            if below and not line:  # shown to people: a blank line ends a table
                break
            if line and not TABLE_ROW.match(line):
                heading = line if len(line) <= HEADING_CHARS else ""
                break
            rows += bool(line)
            end = begin - 1
        begin = line_end + 1 if below and line_end >= 0 else len(self.text)
        while begin < len(self.text):
            end = self.text.find("\n", begin)
            end = len(self.text) if end < 0 else end
            line = self.text[begin:end].strip()
            if not line or not TABLE_ROW.match(line):
                break
            rows += 1
            begin = end + 1
        return heading, rows

    def sentence_with(self, needle: str, limit: int | None = None) -> tuple[int, int] | None:
        """The first sentence (among the first `limit`) that contains needle: the dateline, the byline."""
        if not needle:
            return None
        return next(((s, e) for s, e in split_sentences(self.text)[:limit] if needle in self.text[s:e]), None)
