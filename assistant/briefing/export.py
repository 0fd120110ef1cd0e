"""A Briefing as Markdown, printable HTML (the jinja2 template in assistant/briefing/templates) or DOCX.

Citations are footnotes in Markdown ([^n]), numbered endnote links in HTML, and real Word endnotes in
DOCX, so they renumber themselves when a trainer edits the document. Text from the articles is
escaped in every format: Markdown punctuation is backslashed, HTML is autoescaped.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import docx
import jinja2
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from assistant.briefing.build import Briefing
from assistant.models import Citation
from core.errors import ConfigError

FORMATS = {"md": ".md", "html": ".html", "docx": ".docx"}
LETTERS = "ABCDEFG"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\s]+")


@dataclass(frozen=True)
class Titles:
    """Section headings, numbered by the sections present (a briefing without dates has no timeline)."""

    overview: str
    figures: str
    timeline: str
    quiz: str
    sources: str
    answers: str = "参考答案"
    notes: str = "注释"
    intro: str = "本材料由工会问答助手从已入库的文章中摘录：每条事实、每个数字和每道题的答案都标注了出处，编号对应文末注释。"
    no_figures: str = "相关文章中没有与该主题直接相关的数字。"


def titles(b: Briefing) -> Titles:
    names = ["工作概览", "关键数字"] + (["时间线"] if b.timeline else []) + ["测验题", "资料来源"]
    numbered = {n: f"{'一二三四五'[i]}、{n}" for i, n in enumerate(names)}
    return Titles(numbered["工作概览"], numbered["关键数字"], numbered.get("时间线", ""), numbered["测验题"],
                  numbered["资料来源"])


def md_escape(text: str) -> str:
    """Article text as literal Markdown: no emphasis, links, tables or raw HTML can come out of it."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def note_text(b: Briefing, c: Citation) -> str:
    source = b.sources[b.source_number(c) - 1]
    return f"“{c.quote}”——来源 {source.n}：《{source.title or source.source}》{'，' + source.date if source.date else ''}"


def to_markdown(b: Briefing) -> str:
    t = titles(b)
    lines = [f"# 课程素材：{md_escape(b.topic)}", ""]
    if b.no_material:
        return "\n".join(lines + [md_escape(b.message), ""])
    lines += [t.intro, "", f"## {t.overview}", ""]
    for ini in b.overview:
        lines += [f"### {md_escape(ini.organisation or '（未署名）')}{'　' + ini.date if ini.date else ''}", ""]
        lines += [f"- {md_escape(st.text)}[^{st.citation.n}]" for st in ini.statements] + [""]
    lines += [f"## {t.figures}", ""]
    if b.figures:
        lines += ["| 数字 | 统计内容 | 组织 | 日期 | 出处 |", "|---|---|---|---|---|"]
        lines += [f"| {md_escape(f.figure)} | {md_escape(f.counts)} | {md_escape(f.organisation)} | {f.date} | "
                  f"[^{f.citation.n}] |" for f in b.figures]
    else:
        lines.append(t.no_figures)
    if b.timeline:
        lines += ["", f"## {t.timeline}", ""]
        lines += [f"- **{e.date}**　{md_escape(e.organisation)}：{md_escape(e.text)}[^{e.citation.n}]"
                  for e in b.timeline]
    lines += ["", f"## {t.quiz}", ""]
    for i, q in enumerate(b.quiz, 1):
        lines.append(f"{i}. （{'选择题' if q.options else '填空题'}）{md_escape(q.stem)}")
        if q.options:
            lines.append("   " + "　".join(f"{LETTERS[j]}. {md_escape(o)}" for j, o in enumerate(q.options)))
    lines += ["", f"### {t.answers}", ""]
    lines += [f"{i}. {q.answer_letter + '. ' if q.options else ''}{md_escape(q.answer)}[^{q.citation.n}]"
              for i, q in enumerate(b.quiz, 1)]
    lines += ["", f"## {t.sources}", ""]
    lines += [f"{s.n}. 《{md_escape(s.title or s.source)}》{'，' + md_escape(s.organisation) if s.organisation else ''}"
              f"{'，' + s.date if s.date else ''}（`{s.source}`）" for s in b.sources]
    lines += [""] + [f"[^{c.n}]: {md_escape(note_text(b, c))}" for c in b.citations]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("assistant.briefing", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.get_template("briefing.html.j2")


def to_html(b: Briefing, standalone: bool = True) -> str:
    """A printable page; standalone=False gives only the styled <article>, for embedding in the UI."""
    return _template().render(b=b, t=titles(b), standalone=standalone)


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


def to_docx(b: Briefing) -> bytes:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    notes, t = _Endnotes(document), titles(b)

    def cited(paragraph: Paragraph, c: Citation) -> None:
        notes.add(paragraph, note_text(b, c))

    document.add_heading(f"课程素材：{b.topic}", level=0)
    if b.no_material:
        document.add_paragraph(b.message)
        return _save(document)
    document.add_paragraph(t.intro)
    document.add_heading(t.overview, level=1)
    for ini in b.overview:
        document.add_heading(f"{ini.organisation or '（未署名）'}{'　' + ini.date if ini.date else ''}", level=2)
        for st in ini.statements:
            cited(document.add_paragraph(st.text, style="List Bullet"), st.citation)
    document.add_heading(t.figures, level=1)
    if b.figures:
        table = document.add_table(rows=1, cols=5, style="Table Grid")
        for cell, name in zip(table.rows[0].cells, ("数字", "统计内容", "组织", "日期", "出处")):
            cell.text = name
        for f in b.figures:
            cells = table.add_row().cells
            for cell, value in zip(cells, (f.figure, f.counts, f.organisation, f.date)):
                cell.text = value
            cited(cells[4].paragraphs[0], f.citation)
    else:
        document.add_paragraph(t.no_figures)
    if b.timeline:
        document.add_heading(t.timeline, level=1)
        for e in b.timeline:
            cited(document.add_paragraph(f"{e.date}　{e.organisation}：{e.text}", style="List Bullet"), e.citation)
    document.add_heading(t.quiz, level=1)
    for i, q in enumerate(b.quiz, 1):
        document.add_paragraph(f"{i}. （{'选择题' if q.options else '填空题'}）{q.stem}")
        if q.options:
            document.add_paragraph("　".join(f"{LETTERS[j]}. {o}" for j, o in enumerate(q.options)))
    document.add_heading(t.answers, level=2)
    for i, q in enumerate(b.quiz, 1):
        cited(document.add_paragraph(f"{i}. {q.answer_letter + '. ' if q.options else ''}{q.answer}"), q.citation)
    document.add_heading(t.sources, level=1)
    for s in b.sources:
        parts = [f"《{s.title or s.source}》", s.organisation, s.date, s.source]
        document.add_paragraph(f"{s.n}. " + "，".join(p for p in parts if p))
    return _save(document)


def _save(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def default_filename(topic: str, fmt: str) -> str:
    return f"课程素材-{_UNSAFE_FILENAME.sub('_', topic).strip('_') or 'briefing'}{FORMATS[fmt]}"


def render(b: Briefing, fmt: str) -> bytes:
    """The briefing in one of FORMATS, as the bytes of the file."""
    if fmt not in FORMATS:
        raise ConfigError(f"不支持的格式 {fmt}；请选择 {'、'.join(FORMATS)} 之一")
    if fmt == "docx":
        return to_docx(b)
    return (to_markdown(b) if fmt == "md" else to_html(b)).encode("utf-8")


def _write_problem(exc: OSError) -> str:
    """What stopped a write, in Chinese (the system's own text is English)."""
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return "没有写入权限"
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "路径中有一段是文件而不是文件夹"
    return "写入失败（文件夹可能不可写，或磁盘已满）"


def export(b: Briefing, fmt: str, out: Path) -> Path:
    """Write the briefing to out; a folder that cannot be written is a user error, not a traceback."""
    data = render(b, fmt)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise ConfigError(f"无法写入 {out}：{_write_problem(exc)}；请换一个保存位置") from exc
    return out
