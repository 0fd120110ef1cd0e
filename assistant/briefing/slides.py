"""A Briefing as PowerPoint slides (python-pptx): a title slide, one slide per initiative with its key
figures, the comparison table, the timeline, the quiz with its answers in the speaker notes, and the
sources. Every slide's notes hold its cited sentences in full, for the trainer to read out; on the slide
itself a long sentence is shortened, its [n] marker kept. Text is set in a CJK font (Noto Sans CJK SC,
with Microsoft YaHei named for PowerPoint on Windows) so it renders in LibreOffice and PowerPoint alike.
"""

from __future__ import annotations

import io
from math import ceil

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from assistant.briefing.export import LETTERS, titles
from assistant.briefing.model import AUTHOR, NOT_MENTIONED, Briefing, TeacherNote

FONT, FONT_FALLBACK = "Noto Sans CJK SC", "Microsoft YaHei"
SLIDE_CHARS = 70  # a bullet longer than this is shortened on the slide; the notes keep it whole
TIMELINE_PER_SLIDE, QUIZ_PER_SLIDE, SOURCES_PER_SLIDE = 7, 4, 8
TITLE, CONTENT, TITLE_ONLY = 0, 1, 5  # layouts of python-pptx's default template


def _short(text: str, limit: int = SLIDE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _notes_text(notes: tuple[TeacherNote, ...], lead: str = "") -> str:
    lines = [lead] if lead else []
    lines += [f"[{n.n}] “{n.quote}”——{n.source}" for n in notes]
    return "\n".join(lines)


class _Deck:
    def __init__(self, b: Briefing) -> None:
        self.b = b
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        props = self.prs.core_properties
        props.author, props.last_modified_by, props.title = AUTHOR, AUTHOR, b.title
        props.subject, props.keywords = b.topic, "工会；课程素材；" + b.topic

    def titled(self, layout: int, title: str):
        """A new slide with its title across the 16:9 width (the default template's layouts are 4:3)."""
        s = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        s.shapes.title.text = title
        top, height = (Inches(2.2), Inches(1.5)) if layout == TITLE else (Inches(0.35), Inches(1.0))
        _place(s.shapes.title, Inches(0.6), top, Inches(12.1), height)
        return s

    def slide(self, title: str, bullets: list[str], notes: str = "", size: int = 22):
        s = self.titled(CONTENT, title)
        body = s.placeholders[1]
        _place(body, Inches(0.6), Inches(1.5), Inches(12.1), Inches(5.6))
        frame = body.text_frame
        frame.word_wrap = True
        for i, line in enumerate(bullets):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            p.text = line
            p.font.size = Pt(size)
        if notes:
            s.notes_slide.notes_text_frame.text = notes
        return s

    def table_slide(self, title: str, header: list[str], rows: list[list[str]], notes: str) -> None:
        s = self.titled(TITLE_ONLY, title)
        shape = s.shapes.add_table(len(rows) + 1, len(header), Inches(0.5), Inches(1.5), Inches(12.3),
                                   Inches(0.5) * (len(rows) + 1))
        for r, values in enumerate([header, *rows]):
            for c, value in enumerate(values):
                cell = shape.table.cell(r, c)
                cell.text = value
                cell.text_frame.paragraphs[0].font.size = Pt(16 if r else 17)
        s.notes_slide.notes_text_frame.text = notes

    def save(self) -> bytes:
        for s in self.prs.slides:
            frames = [sh.text_frame for sh in s.shapes if sh.has_text_frame]
            frames += [c.text_frame for sh in s.shapes if sh.has_table for row in sh.table.rows for c in row.cells]
            frames += [s.notes_slide.notes_text_frame] if s.has_notes_slide else []
            for frame in frames:
                for p in frame.paragraphs:
                    for run in p.runs:
                        _cjk_font(run)
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def _place(shape, left: int, top: int, width: int, height: int) -> None:
    """All four at once: a placeholder given only some of them gets 0 for the rest."""
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _cjk_font(run) -> None:
    """Name the font for Latin and East Asian text: python-pptx's font.name sets only the Latin one."""
    run.font.name = FONT
    rpr = run._r.get_or_add_rPr()
    for tag, face in (("a:ea", FONT), ("a:cs", FONT_FALLBACK)):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", face)


def to_pptx(b: Briefing) -> bytes:
    deck, t = _Deck(b), titles(b)
    first = deck.titled(TITLE, b.title)
    subtitle = first.placeholders[1]
    _place(subtitle, Inches(1.5), Inches(3.9), Inches(10.3), Inches(1.4))
    subtitle.text = b.message if b.no_material else f"{AUTHOR}整理 · 引用 {len(b.sources)} 篇文章 · 每条事实均注明出处"
    if b.no_material:
        return deck.save()
    for ini in b.overview:
        figures = [f for f in b.figures if f.citation.source == ini.source and f.organisation == ini.organisation]
        bullets = [f"{f.figure}　{f.counts}　[{f.citation.n}]" for f in figures[:6]]
        bullets += [f"{_short(st.text)}　[{st.citation.n}]" for st in ini.statements][: max(0, 6 - len(bullets))]
        cited = [st.citation for st in ini.statements] + [f.citation for f in figures[:6]]
        deck.slide(f"{ini.organisation or '（未署名）'}{'　' + ini.date if ini.date else ''}", bullets,
                   _notes_text(b.teacher_notes(cited), t.teacher_hint))
    if b.comparison:
        cmp = b.comparison
        rows = [[r.measure, *(f"{c.figure} [{c.citation.n}]" if c else NOT_MENTIONED for c in r.cells)]
                for r in cmp.rows]
        cited = [c.citation for r in cmp.rows for c in r.cells if c]
        deck.table_slide(t.comparison, ["指标", *cmp.columns], rows,
                         _notes_text(b.teacher_notes(cited), t.comparison_hint))
    entries = list(b.timeline)
    for k in range(ceil(len(entries) / TIMELINE_PER_SLIDE)):
        part = entries[k * TIMELINE_PER_SLIDE:(k + 1) * TIMELINE_PER_SLIDE]
        deck.slide(t.timeline, [f"{e.shown_date}　{e.who}{_short(e.text, 48)}　[{e.citation.n}]"
                                for e in part],
                   _notes_text(b.teacher_notes([e.citation for e in part]),
                               "\n".join(e.resolution for e in part if e.resolution)), size=20)
    quiz = list(b.quiz)
    for k in range(ceil(len(quiz) / QUIZ_PER_SLIDE)):
        part = list(enumerate(quiz, 1))[k * QUIZ_PER_SLIDE:(k + 1) * QUIZ_PER_SLIDE]
        lines = []
        for i, q in part:
            lines.append(f"{i}. （{q.kind_label}）{q.stem}")
            if q.kind == "choice":
                lines.append("　　" + "　".join(f"{LETTERS[j]}. {o}" for j, o in enumerate(q.options)))
        answers = "\n".join(f"{i}. {q.answer_text}　[{q.citation.n}]" for i, q in part)
        notes = _notes_text(b.teacher_notes([q.citation for _, q in part]), f"{t.answers}：\n{answers}\n")
        deck.slide(t.quiz, lines, notes, size=20)
    sources = list(b.sources)
    for k in range(ceil(len(sources) / SOURCES_PER_SLIDE)):
        deck.slide(t.sources, [f"{s.n}. {s.label}" for s in sources[k * SOURCES_PER_SLIDE:(k + 1) * SOURCES_PER_SLIDE]],
                   size=18)
    return deck.save()

