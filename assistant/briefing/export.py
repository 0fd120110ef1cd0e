"""A Briefing as Markdown, printable HTML (the jinja2 template in assistant/briefing/templates), DOCX
(assistant/briefing/word.py) or PPTX slides (assistant/briefing/slides.py).

Citations are footnotes in Markdown ([^n]), numbered endnote links in HTML, real Word endnotes in DOCX
and slide notes in PPTX. Sources are named by title, publisher, date and file name, never by the path
on the server. Text from the articles is escaped: Markdown punctuation is backslashed, HTML autoescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from assistant.briefing.model import AUTHOR, Briefing, TeacherNote
from assistant.models import Citation
from core.errors import ConfigError

FORMATS = {"md": ".md", "html": ".html", "docx": ".docx", "pptx": ".pptx"}
LETTERS = "ABCDEFG"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\s]+")
_NUMERALS = "一二三四五六七八九"


@dataclass(frozen=True)
class Titles:
    """Section headings, numbered by the sections present (a briefing without dates has no timeline)."""

    overview: str
    figures: str
    comparison: str
    timeline: str
    quiz: str
    sources: str
    answers: str = "参考答案"
    notes: str = "注释"
    teacher: str = "教师备注"
    teacher_hint: str = "本节引用的原文，可供讲解时朗读："
    intro: str = "本材料由工会问答助手从已入库的文章中摘录：每条事实、每个数字和每道题的答案都标注了出处，编号对应文末注释。"
    no_figures: str = "相关文章中没有与该主题直接相关的数字。"
    comparison_hint: str = "同一指标在各单位、各年份的数字并列；“未提及”表示该文章没有说到。"


def titles(b: Briefing) -> Titles:
    names = (["工作概览", "关键数字"] + (["对比表"] if b.comparison else []) + (["时间线"] if b.timeline else [])
             + ["测验题", "资料来源"])
    numbered = {n: f"{_NUMERALS[i]}、{n}" for i, n in enumerate(names)}
    return Titles(numbered["工作概览"], numbered["关键数字"], numbered.get("对比表", ""), numbered.get("时间线", ""),
                  numbered["测验题"], numbered["资料来源"])


def md_escape(text: str) -> str:
    """Article text as literal Markdown: no emphasis, links, tables or raw HTML can come out of it."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def note_text(b: Briefing, c: Citation) -> str:
    source = b.source_of(c)
    return f"“{c.quote}”——来源 {source.n}：《{source.title or source.file_name}》{'，' + source.date if source.date else ''}"


def _md_teacher(t: Titles, notes: tuple[TeacherNote, ...]) -> list[str]:
    if not notes:
        return []
    return ["", f"> **{t.teacher}**　{t.teacher_hint}", ">"] + [
        f"> [{n.n}] “{md_escape(n.quote)}”——{md_escape(n.source)}  " for n in notes]


def to_markdown(b: Briefing) -> str:
    t, notes = titles(b), b.section_notes()
    lines = [f"# {md_escape(b.title)}", ""]
    if b.no_material:
        return "\n".join(lines + [md_escape(b.message), ""])
    lines += [t.intro, "", f"## {t.overview}", ""]
    for ini in b.overview:
        lines += [f"### {md_escape(ini.organisation or '（未署名）')}{'　' + ini.date if ini.date else ''}", ""]
        lines += [f"- {md_escape(st.text)}[^{st.citation.n}]" for st in ini.statements] + [""]
    lines += _md_teacher(t, notes.get("overview", ()))
    lines += ["", f"## {t.figures}", ""]
    if b.figures:
        lines += ["| 数字 | 统计内容 | 组织 | 日期 | 出处 |", "|---|---|---|---|---|"]
        lines += [f"| {md_escape(f.figure)} | {md_escape(f.counts)} | {md_escape(f.organisation)} | {f.date} | "
                  f"[^{f.citation.n}] |" for f in b.figures]
        lines += _md_teacher(t, notes.get("figures", ()))
    else:
        lines.append(t.no_figures)
    if b.comparison:
        cmp = b.comparison
        lines += ["", f"## {t.comparison}", "", t.comparison_hint, "",
                  "| 指标 | " + " | ".join(md_escape(c) for c in cmp.columns) + " |",
                  "|---|" + "---|" * len(cmp.columns)]
        lines += ["| " + md_escape(r.measure) + " | " + " | ".join(
            f"{md_escape(c.figure)}[^{c.citation.n}]" if c else "未提及" for c in r.cells) + " |" for r in cmp.rows]
    if b.timeline:
        lines += ["", f"## {t.timeline}", ""]
        lines += [f"- **{md_escape(e.shown_date)}**　{md_escape(e.who)}{md_escape(e.text)}[^{e.citation.n}]"
                  + (f"（{md_escape(e.resolution)}）" if e.resolution else "") for e in b.timeline]
        lines += _md_teacher(t, notes.get("timeline", ()))
    lines += ["", f"## {t.quiz}", ""]
    for i, q in enumerate(b.quiz, 1):
        lines.append(f"{i}. （{q.kind_label}）{md_escape(q.stem)}")
        if q.kind == "choice":
            lines.append("   " + "　".join(f"{LETTERS[j]}. {md_escape(o)}" for j, o in enumerate(q.options)))
    lines += ["", f"### {t.answers}", ""]
    lines += [f"{i}. {md_escape(q.answer_text)}[^{q.citation.n}]" for i, q in enumerate(b.quiz, 1)]
    lines += _md_teacher(t, notes.get("quiz", ()))
    lines += ["", f"## {t.sources}", ""]
    lines += [f"{s.n}. {md_escape(s.label)}" for s in b.sources]
    lines += [""] + [f"[^{c.n}]: {md_escape(note_text(b, c))}" for c in b.citations]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("assistant.briefing", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.get_template("briefing.html.j2")


def to_html(b: Briefing, standalone: bool = True) -> str:
    """A printable page; standalone=False gives only the styled <article>, for embedding in the UI."""
    return _template().render(b=b, t=titles(b), notes=b.section_notes(), standalone=standalone, author=AUTHOR)


def default_filename(topic: str, fmt: str) -> str:
    return f"课程素材-{_UNSAFE_FILENAME.sub('_', topic).strip('_') or 'briefing'}{FORMATS[fmt]}"


def render(b: Briefing, fmt: str) -> bytes:
    """The briefing in one of FORMATS, as the bytes of the file."""
    if fmt not in FORMATS:
        raise ConfigError(f"不支持的格式 {fmt}；请选择 {'、'.join(FORMATS)} 之一")
    if fmt == "docx":
        from assistant.briefing.word import to_docx  # deferred: python-docx is only needed for this format

        return to_docx(b)
    if fmt == "pptx":
        from assistant.briefing.slides import to_pptx  # deferred: python-pptx likewise

        return to_pptx(b)
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

