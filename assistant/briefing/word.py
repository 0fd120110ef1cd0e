"""A Briefing as a Word document: citations are real Word endnotes, so they renumber themselves when a
trainer edits the document; document properties (title, author, subject) come from the briefing."""

from __future__ import annotations

import io

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from assistant.briefing.export import LETTERS, note_text, titles
from assistant.briefing.model import AUTHOR, NOT_MENTIONED, Briefing, TeacherNote
from assistant.models import Citation

NOTE_GREY = RGBColor(0x55, 0x55, 0x55)


class _Endnotes:
    """Word endnotes: python-docx has no API for them, so this adds the endnotes part and its references."""

    def __init__(self, document: docx.document.Document) -> None:
        separators = "".join(
            f'<w:endnote w:type="{kind}" w:id="{i}"><w:p><w:r><w:{kind}/></w:r></w:p></w:endnote>'
            for i, kind in ((-1, "separator"), (0, "continuationSeparator")))
        self.part = XmlPart(PackURI("/word/endnotes.xml"), CT.WML_ENDNOTES,
                            parse_xml(f"<w:endnotes {nsdecls('w')}>{separators}</w:endnotes>"), document.part.package)
        document.part.relate_to(self.part, RT.ENDNOTES)
        settings = parse_xml(f'<w:endnotePr {nsdecls("w")}><w:numFmt w:val="decimal"/>'
                             '<w:endnote w:id="-1"/><w:endnote w:id="0"/></w:endnotePr>')
        document.settings.element.insert_element_before(settings, "w:compat", "w:rsids", "w:themeFontLang",
                                                        "w:clrSchemeMapping", "w:decimalSymbol")
        section = parse_xml(f'<w:endnotePr {nsdecls("w")}><w:numFmt w:val="decimal"/></w:endnotePr>')
        document.sections[-1]._sectPr.insert_element_before(section, "w:type", "w:pgSz", "w:pgMar", "w:cols",
                                                            "w:docGrid")
        self.count = 0

    def add(self, paragraph: Paragraph, text: str) -> None:
        """A superscript reference at the end of paragraph to a new endnote reading text."""
        self.count += 1
        ref = paragraph.add_run()
        ref.font.superscript = True
        ref._r.append(parse_xml(f'<w:endnoteReference {nsdecls("w")} w:id="{self.count}"/>'))
        note = parse_xml(f'<w:endnote {nsdecls("w")} w:id="{self.count}"><w:p><w:r><w:rPr>'
                         '<w:vertAlign w:val="superscript"/></w:rPr><w:endnoteRef/></w:r></w:p></w:endnote>')
        run, t = OxmlElement("w:r"), OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = " " + text
        run.append(t)
        note[0].append(run)
        self.part.element.append(note)


class _Writer:
    """The document being written, with its endnotes and section titles."""

    def __init__(self, b: Briefing) -> None:
        self.b, self.t, self.notes = b, titles(b), b.section_notes()
        self.doc = docx.Document()
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(11)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
        props = self.doc.core_properties
        props.author, props.last_modified_by, props.title = AUTHOR, AUTHOR, b.title
        props.subject, props.keywords = b.topic, "工会；课程素材；" + b.topic
        props.comments = "由工会问答助手从已入库文章中摘录，每条事实均标注出处。"
        self.endnotes = _Endnotes(self.doc)

    def cited(self, paragraph: Paragraph, c: Citation) -> None:
        self.endnotes.add(paragraph, note_text(self.b, c))

    def teacher(self, notes: tuple[TeacherNote, ...]) -> None:
        if not notes:
            return
        self.doc.add_heading(self.t.teacher, level=3)
        self.doc.add_paragraph(self.t.teacher_hint)
        for n in notes:
            run = self.doc.add_paragraph().add_run(f"[{n.n}] “{n.quote}”——{n.source}")
            run.font.color.rgb = NOTE_GREY

    def table(self, header: list[str]) -> docx.table.Table:
        table = self.doc.add_table(rows=1, cols=len(header), style="Table Grid")
        for cell, name in zip(table.rows[0].cells, header):
            cell.text = name
        return table


def to_docx(b: Briefing) -> bytes:
    w = _Writer(b)
    doc, t = w.doc, w.t
    doc.add_heading(b.title, level=0)
    if b.no_material:
        doc.add_paragraph(b.message)
        return _save(doc)
    doc.add_paragraph(t.intro)
    doc.add_heading(t.overview, level=1)
    for ini in b.overview:
        doc.add_heading(f"{ini.organisation or '（未署名）'}{'　' + ini.date if ini.date else ''}", level=2)
        for st in ini.statements:
            w.cited(doc.add_paragraph(st.text, style="List Bullet"), st.citation)
    w.teacher(w.notes.get("overview", ()))
    doc.add_heading(t.figures, level=1)
    if b.figures:
        table = w.table(["数字", "统计内容", "组织", "日期", "出处"])
        for f in b.figures:
            cells = table.add_row().cells
            for cell, value in zip(cells, (f.figure, f.counts, f.organisation, f.date)):
                cell.text = value
            w.cited(cells[4].paragraphs[0], f.citation)
        w.teacher(w.notes.get("figures", ()))
    else:
        doc.add_paragraph(t.no_figures)
    if b.comparison:
        doc.add_heading(t.comparison, level=1)
        doc.add_paragraph(t.comparison_hint)
        table = w.table(["指标", *b.comparison.columns])
        for r in b.comparison.rows:
            cells = table.add_row().cells
            cells[0].text = r.measure
            for cell, c in zip(cells[1:], r.cells):
                cell.text = c.figure if c else NOT_MENTIONED
                if c:
                    w.cited(cell.paragraphs[0], c.citation)
    if b.timeline:
        doc.add_heading(t.timeline, level=1)
        for e in b.timeline:
            p = doc.add_paragraph(f"{e.shown_date}　{e.who}{e.text}", style="List Bullet")
            w.cited(p, e.citation)
            if e.resolution:
                p.add_run(f"（{e.resolution}）").font.color.rgb = NOTE_GREY
        w.teacher(w.notes.get("timeline", ()))
    doc.add_heading(t.quiz, level=1)
    for i, q in enumerate(b.quiz, 1):
        doc.add_paragraph(f"{i}. （{q.kind_label}）{q.stem}")
        if q.kind == "choice":
            doc.add_paragraph("　".join(f"{LETTERS[j]}. {o}" for j, o in enumerate(q.options)))
    doc.add_heading(t.answers, level=2)
    for i, q in enumerate(b.quiz, 1):
        w.cited(doc.add_paragraph(f"{i}. {q.answer_text}"), q.citation)
    w.teacher(w.notes.get("quiz", ()))
    doc.add_heading(t.sources, level=1)
    for s in b.sources:
        doc.add_paragraph(f"{s.n}. {s.label}")
    return _save(doc)


def _save(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
