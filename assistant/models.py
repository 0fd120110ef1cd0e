"""Typed results of the public API (see CONTRACT.md)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.errors import ConfigError

REFUSAL_PREFIX = "资料中没有找到"
NO_DATE = "日期不详"


# How the keys of `Assistant.stats()` are named to people, in the CLI and on the documents page alike.
STAT_LABELS = {"documents": "文档", "chunks": "段落", "embedder": "向量模型", "chroma": "向量库",
               "pending": "未完成的文档", "store": "资料库", "collection": "集合", "copies": "其中转载副本",
               "knowledge_bases": "知识库（文档数）"}


def doc_label(title: str, source: str) -> str:
    """How a document is named to people: its title, else its file name."""
    return title or Path(source).name


@dataclass(frozen=True)
class Reprint:
    """Another place a cited article appeared: a republished copy (转载) kept in the store but not indexed."""

    source: str
    title: str
    date: str


def reprints_line(reprints: tuple[Reprint, ...], limit: int = 3) -> str:
    """另见：《…》（…）等 N 处转载 — the copies by title (or file name) and date, never by path."""
    if not reprints:
        return ""
    named = "、".join(f"《{doc_label(r.title, r.source)}》（{Path(r.source).name}，{r.date or NO_DATE}）"
                     for r in reprints[:limit])
    return f"另见：{named}{'等 ' if len(reprints) > limit else '，共 '}{len(reprints)} 处转载"


@dataclass(frozen=True)
class Citation:
    """One [n] marker: the exact supporting sentence and where it sits in the cleaned document."""

    n: int
    source: str
    title: str
    date: str
    quote: str  # exact sentence from the cleaned document text
    chunk_id: str
    start: int  # character offsets of quote in the cleaned document
    end: int
    passage: str = ""  # the chunk around the quote, for display
    page: int | None = None  # the page the quote is on, for paged documents (PDF, scans)
    table: str = ""  # a quoted table row: its table's caption, "表格" if it has none
    also_in: tuple[Reprint, ...] = ()  # where else the cited article appeared (republished copies)


@dataclass(frozen=True)
class Excerpt:
    """Text of a document shown around a citation: the whole text of a page (offset 0, whole), of a long
    document the stretch around the quote, starting at `offset` in the document."""

    text: str
    offset: int = 0
    whole: bool = True


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its score; refusals list these as related reading."""

    chunk_id: str
    source: str
    title: str
    date: str
    text: str
    start: int
    end: int
    score: float = 0.0
    # How retrieval scored it, per channel: bm25 / bm25_rank, dense / dense_rank, fused (RRF), rerank and
    # final (the blend it is ranked by). Kept for the hit test (Assistant.explain); never used to rank.
    scores: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


_DATE_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class Filters:
    """Restrict answers to some sources, knowledge bases and/or a publication date range (ISO prefixes,
    compared at the coarser precision; vectorstore/scope.py pushes them into both indexes).

    Dates are checked here, once for every caller: 2023, 2023-08 or 2023-08-31.
    """

    sources: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    kbs: tuple[str, ...] = ()  # knowledge bases; () = all of them

    def __post_init__(self) -> None:
        for name, value in (("date_from", self.date_from), ("date_to", self.date_to)):
            if value and not _DATE_PREFIX.fullmatch(value):
                flag = "--" + name.replace("_", "-")
                raise ConfigError(f"日期「{value}」格式不对（{flag}）：请写成 2023、2023-05 或 2023-05-01")
        # Compared at the shorter one's precision: 2023 to 2023-05 is a range, 2024 to 2023-12 is reversed.
        width = min(len(self.date_from), len(self.date_to))
        if self.date_from and self.date_to and self.date_from[:width] > self.date_to[:width]:
            raise ConfigError(f"日期范围反了：起始日期 {self.date_from} 晚于截止日期 {self.date_to}；请对调两个日期")

    @property
    def active(self) -> bool:
        return bool(self.sources or self.kbs or self.date_from or self.date_to)

    def describe(self) -> str:
        """The filter in words, for the 已筛选 badge and refusals: 2 篇文档；2023-01-01 至 2023-12-31."""
        parts = [f"知识库 {'、'.join(self.kbs)}"] if self.kbs else []
        parts += [f"{len(self.sources)} 篇文档"] if self.sources else []
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or '最早'} 至 {self.date_to or '最新'}")
        return "；".join(parts) or "全部资料"


@dataclass(frozen=True)
class KnowledgeBase:
    """A named collection of the store's documents (core.documents.DEFAULT_KB unless ingest named one)."""

    name: str
    documents: int  # ready documents
    chunks: int


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    related: list[Passage] = field(default_factory=list)  # shown on refusal, never as citations
    id: str | None = None
    resolved_question: str = ""  # the question after follow-up resolution
    flagged: bool = False  # LLM answer contained a claim its citations did not support
    missing: list[str] = field(default_factory=list)  # on refusal: entities/years the evidence lacks
    refusal_reason: str = ""  # on refusal: which check refused and what was missing
    latency_ms: float = 0.0

    def to_text(self) -> str:
        """The answer with its [n] markers and sources as plain text (CLI output, UI copy, the /ask API)."""
        lines = [self.answer]
        if self.refused and self.refusal_reason:
            lines.append(f"原因：{self.refusal_reason}")
        if self.citations:
            lines += ["", "来源:"]
            for c in self.citations:
                where = "".join(f"，{x}" for x in (f"第 {c.page} 页" if c.page else "", c.table) if x)
                lines.append(f"  [{c.n}] {doc_label(c.title, c.source)} ({c.date or NO_DATE}{where}) — {c.source}")
                lines.append(f"      “{c.quote}”")
                if c.also_in:
                    lines.append(f"      {reprints_line(c.also_in)}")
        if self.refused and self.related:
            lines += ["", "相关阅读（非引用）:"]
            lines += [f"  - {doc_label(p.title, p.source)} ({p.date or NO_DATE}) — {p.source}" for p in self.related]
        return "\n".join(lines)

    def to_json(self) -> dict:
        """The CONTRACT.md shape of `assistant ask --json`."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "flagged": self.flagged,
            **({"refusal_reason": self.refusal_reason} if self.refused else {}),
            "citations": [  # also_in only where the article was republished: the shape is otherwise unchanged
                {k: v for k, v in asdict(c).items() if k != "passage" and (k != "also_in" or v)}
                for c in self.citations
            ],
        }
