"""What a briefing is made of: small frozen records, every item carrying the citation it came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from assistant.models import REFUSAL_PREFIX, Citation

BLANK = "＿＿＿＿"  # full-width: in Markdown "____" would become a rule or emphasis
NOT_MENTIONED = "未提及"
AUTHOR = "工会问答助手"
QUIZ_KINDS = {"choice": "选择题", "fill": "填空题", "judge": "判断题"}
TRUE, FALSE = "正确", "错误"


@dataclass(frozen=True)
class SourceEntry:
    n: int
    source: str  # the store's key; exports show file_name, never this path
    title: str
    date: str
    organisation: str
    publisher: str = ""

    @property
    def file_name(self) -> str:
        return PurePath(self.source.replace("\\", "/")).name

    @property
    def label(self) -> str:
        """《标题》，发布单位，日期，文件 x.html — what a reader needs to find the article again."""
        parts = [f"《{self.title or self.file_name}》", self.publisher or self.organisation, self.date,
                 f"文件 {self.file_name}"]
        return "，".join(p for p in parts if p)


@dataclass(frozen=True)
class Statement:
    text: str  # a verbatim sentence
    citation: Citation


@dataclass(frozen=True)
class Initiative:
    """Who did what, where and when: one union's work as one article reports it."""

    organisation: str
    place: str
    date: str
    statements: tuple[Statement, ...]
    source: str = ""


@dataclass(frozen=True)
class KeyFigure:
    figure: str  # as written, qualifiers included ("超8000人")
    value: float
    unit: str
    counts: str  # what the figure counts, read from its clause
    organisation: str
    date: str
    citation: Citation


@dataclass(frozen=True)
class TimelineEntry:
    """An event dated by the text (`published` False), or an initiative dated only by its article."""

    date: str  # sortable key: 2023-03-00
    label: str  # as shown: 2023年3月
    organisation: str
    text: str  # the clauses of the cited sentence about the event, verbatim
    citation: Citation
    resolution: str = ""  # how a relative date was read: “去年3月”按发稿日期2024-05-06推算为2023年3月
    published: bool = False

    @property
    def who(self) -> str:
        """"滨海县总工会：" before the event's text; nothing when no union is named."""
        return f"{self.organisation}：" if self.organisation else ""

    @property
    def shown_date(self) -> str:
        return f"{self.label}（发稿日期，文中未写明时间）" if self.published else self.label


@dataclass(frozen=True)
class QuizItem:
    kind: str  # one of QUIZ_KINDS
    stem: str  # the question: clauses of the cited sentence, BLANK where the answer was (a statement for judge)
    answer: str  # the option, blank filling, or TRUE / FALSE
    options: tuple[str, ...]  # choices; (TRUE, FALSE) for judge; empty for fill-in
    citation: Citation
    fact: str = ""  # the cited figure or name the item tests (for judge: what the sentence really says)

    @property
    def answer_letter(self) -> str:
        return "ABCDEFG"[self.options.index(self.answer)] if self.kind == "choice" and self.answer in self.options else ""

    @property
    def kind_label(self) -> str:
        return QUIZ_KINDS[self.kind]

    @property
    def answer_text(self) -> str:
        """The answer key line: B. 321个 / 错误（原文为 653个） / 滨海县总工会."""
        if self.kind == "choice":
            return f"{self.answer_letter}. {self.answer}"
        if self.kind == "judge" and self.answer == FALSE:
            return f"{FALSE}（原文为 {self.fact}）"
        return self.answer


@dataclass(frozen=True)
class ComparisonCell:
    figure: str
    citation: Citation


@dataclass(frozen=True)
class ComparisonRow:
    measure: str  # what the figures count: 职工书屋
    cells: tuple[ComparisonCell | None, ...]  # one per column; None where the article does not say


@dataclass(frozen=True)
class Comparison:
    """The same measures side by side for several unions or years."""

    columns: tuple[str, ...]  # 滨海县总工会（2023）
    rows: tuple[ComparisonRow, ...]


@dataclass(frozen=True)
class TeacherNote:
    """A cited sentence in full, for a trainer to read out."""

    n: int
    quote: str
    source: str  # 《标题》（发布单位，日期）


@dataclass(frozen=True)
class Briefing:
    topic: str
    no_material: bool
    overview: tuple[Initiative, ...] = ()
    figures: tuple[KeyFigure, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    quiz: tuple[QuizItem, ...] = ()
    sources: tuple[SourceEntry, ...] = ()
    citations: tuple[Citation, ...] = ()  # numbered in order of first use
    comparison: Comparison | None = None

    @property
    def message(self) -> str:
        if self.no_material:
            return f"{REFUSAL_PREFIX}与“{self.topic}”相关的材料：已入库的文章没有涉及这个主题。"
        return (f"“{self.topic}”：{len(self.overview)} 项工作、{len(self.figures)} 个关键数字、"
                f"{len(self.quiz)} 道测验题，引用 {len(self.sources)} 篇文章。")

    @property
    def title(self) -> str:
        return f"课程素材：{self.topic}"

    def source_number(self, citation: Citation) -> int:
        return next(s.n for s in self.sources if s.source == citation.source)

    def source_of(self, citation: Citation) -> SourceEntry:
        return self.sources[self.source_number(citation) - 1]

    def teacher_notes(self, citations: list[Citation]) -> tuple[TeacherNote, ...]:
        """The cited sentences of a section in full, each once, in citation order."""
        unique = sorted({c.n: c for c in citations}.values(), key=lambda c: c.n)
        out = []
        for c in unique:
            s = self.source_of(c)
            where = "，".join(p for p in (s.publisher or s.organisation, s.date) if p)
            out.append(TeacherNote(c.n, c.quote, f"《{s.title or s.file_name}》" + (f"（{where}）" if where else "")))
        return tuple(out)

    def section_notes(self) -> dict[str, tuple[TeacherNote, ...]]:
        """Teacher's notes per section, keyed by section name (empty sections left out)."""
        sections = {
            "overview": [st.citation for ini in self.overview for st in ini.statements],
            "figures": [f.citation for f in self.figures],
            "comparison": [c.citation for r in (self.comparison.rows if self.comparison else ()) for c in r.cells if c],
            "timeline": [e.citation for e in self.timeline],
            "quiz": [q.citation for q in self.quiz],
        }
        return {k: self.teacher_notes(v) for k, v in sections.items() if v}
