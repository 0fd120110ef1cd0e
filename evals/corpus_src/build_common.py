"""Shared by the corpus build scripts (dev1/, dev2/, test/ build.py): text sources -> encoded or binary files.

Each script lists its `Job`s (source -> output, format, fixed date) and calls `run`. Formats:
  gbk    UTF-8 text -> GBK, CRLF line ends, no BOM
  utf16  UTF-8 text -> UTF-16 LE with a BOM, CRLF line ends
  s2t    simplified -> traditional (OpenCC s2tw) with 「」『』 quotes, UTF-8
  docx   line markup -> DOCX (python-docx), see `parse_pipe` / `parse_block`
  pdf    HTML -> PDF printed by headless Chromium

Builds are deterministic: DOCX core dates and zip entry timestamps are fixed, and the PDF dates are
overwritten with the job's date (in place, same length, or with pypdf when `PdfInfo` is given).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from docx.document import Document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "evals" / "corpus"
ZipTime = tuple[int, int, int, int, int, int]
Format = Literal["gbk", "utf16", "s2t", "docx", "pdf"]


@dataclass(frozen=True)
class DocxStyle:
    """The markup of a .docx source and how each kind of line is formatted."""

    zip_time: ZipTime  # timestamp of every zip entry
    zip_mode: int = 0o644  # permission bits of every zip entry
    content_types_first: bool = False  # reorder entries: [Content_Types].xml, then the rest sorted
    markup: Literal["pipe", "block"] = "pipe"
    numbered: bool = False  # pipe markup: '1. ' lines become "List Number" paragraphs
    captions: Mapping[str, str] = field(default_factory=dict)  # pipe markup: line prefix -> alignment
    caption_size: float = 10.5
    normal_font: tuple[str, str, float] | None = None  # Normal style: font, East Asian font, size (pt)
    subtitle_size: float | None = None
    first_line_indent: float | None = None  # of body paragraphs (pt)
    bold_header: bool = False  # bold first table row


@dataclass(frozen=True)
class Docx:
    """Core properties and style of a DOCX job."""

    author: str
    style: DocxStyle
    title: str | None = None  # None: the text of the title line the source starts with, else ""


@dataclass(frozen=True)
class PdfInfo:
    """Rewrite the PDF with pypdf: these document-info entries, the job's date and a fixed trailer /ID."""

    entries: Mapping[str, str]
    ident: bytes


@dataclass(frozen=True)
class Job:
    """One output: `src` (in the script's folder) -> `out` (in the corpus folder) as `fmt`."""

    src: str
    out: str
    fmt: Format
    date: str | None = None  # ISO 8601: DOCX created/modified (naive), PDF creation/modification date
    spec: Docx | PdfInfo | None = None

    def when(self) -> datetime:
        """The fixed date, required by the docx and pdf formats."""
        assert self.date is not None, f"{self.out}: a {self.fmt} job needs a fixed date"
        return datetime.fromisoformat(self.date)


class Block(NamedTuple):
    """A parsed line (or table) of a .docx source."""

    kind: Literal["title", "subtitle", "numbered", "caption", "table", "para"]
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    align: str = "center"


# ----- text encodings -----------------------------------------------------------------------------


def _crlf(src: Path) -> str:
    return src.read_text(encoding="utf-8").replace("\n", "\r\n")


def write_gbk(src: Path, out: Path, job: Job) -> None:
    """GBK, CRLF, no BOM."""
    out.write_bytes(_crlf(src).encode("gbk"))


def write_utf16(src: Path, out: Path, job: Job) -> None:
    """UTF-16 LE with a BOM, CRLF."""
    out.write_bytes(b"\xff\xfe" + _crlf(src).encode("utf-16-le"))


def write_s2t(src: Path, out: Path, job: Job) -> None:
    """OpenCC s2tw, with the curly quotes turned into 「」 and 『』."""
    import opencc

    trad = opencc.OpenCC("s2tw").convert(src.read_text(encoding="utf-8"))
    out.write_bytes(trad.translate(str.maketrans("“”‘’", "「」『』")).encode("utf-8"))


# ----- DOCX -----------------------------------------------------------------------------------------


def parse_pipe(lines: Sequence[str], style: DocxStyle) -> list[Block]:
    """'# ' title, '## ' subtitle, '|' table rows (a run of them is a table), optional '1. ' items and
    caption prefixes, any other non-empty line a paragraph (right-stripped)."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    for raw in [*lines, ""]:  # the extra blank line closes a table that ends the source
        line = raw.rstrip()
        if line.startswith("|"):
            rows.append(tuple(c.strip() for c in line.strip("|").split("|")))
            continue
        if rows:
            blocks.append(Block("table", rows=tuple(rows)))
            rows.clear()
        if not line:
            continue
        caption = next((p for p in style.captions if line.startswith(p)), None)
        if line.startswith("# "):
            blocks.append(Block("title", line[2:]))
        elif line.startswith("## "):
            blocks.append(Block("subtitle", line[3:]))
        elif style.numbered and re.match(r"\d+\. ", line):
            blocks.append(Block("numbered", line.split(" ", 1)[1]))
        elif caption is not None:
            blocks.append(Block("caption", line, align=style.captions[caption]))
        else:
            blocks.append(Block("para", line))
    return blocks


def parse_block(lines: Sequence[str]) -> list[Block]:
    """'#T ' title, '#S ' subtitle, '#TABLE' ... '#ENDTABLE' '|'-separated rows, '#CAPTION ' centred
    caption, any other non-empty line a paragraph (stripped)."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] | None = None
    for line in lines:
        if rows is not None:
            if line.strip() == "#ENDTABLE":
                blocks.append(Block("table", rows=tuple(rows)))
                rows = None
            else:
                rows.append(tuple(c.strip() for c in line.split("|")))
        elif not line.strip():
            continue
        elif line.startswith("#T "):
            blocks.append(Block("title", line[3:].strip()))
        elif line.startswith("#S "):
            blocks.append(Block("subtitle", line[3:].strip()))
        elif line.strip() == "#TABLE":
            rows = []
        elif line.startswith("#CAPTION "):
            blocks.append(Block("caption", line[len("#CAPTION ") :].strip()))
        else:
            blocks.append(Block("para", line.strip()))
    return blocks


def render_docx(blocks: Sequence[Block], style: DocxStyle) -> Document:
    """A python-docx document of the blocks."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    doc = docx.Document()
    if style.normal_font is not None:
        name, east_asian, size = style.normal_font
        normal = doc.styles["Normal"]
        normal.font.name = name
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), east_asian)
        normal.font.size = Pt(size)
    for block in blocks:
        if block.kind == "title":
            doc.add_heading(block.text, level=1)
        elif block.kind in ("subtitle", "caption"):
            p = doc.add_paragraph()
            p.alignment = align[block.align]
            run = p.add_run(block.text)
            if block.kind == "subtitle":
                run.bold = True
            size = style.subtitle_size if block.kind == "subtitle" else style.caption_size
            if size is not None:
                run.font.size = Pt(size)
        elif block.kind == "numbered":
            doc.add_paragraph(block.text, style="List Number")
        elif block.kind == "table":
            table = doc.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, cells in enumerate(block.rows):
                for c, value in enumerate(cells):
                    table.cell(r, c).text = value
                    if r == 0 and style.bold_header:
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
        else:
            p = doc.add_paragraph(block.text)
            if style.first_line_indent is not None:
                p.paragraph_format.first_line_indent = Pt(style.first_line_indent)
    return doc


def deterministic_zip(data: bytes, style: DocxStyle) -> bytes:
    """The zip rewritten with fixed timestamps and permissions (and, if asked, a stable entry order)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    if style.content_types_first:
        first = [n for n in names if n == "[Content_Types].xml"]
        names = first + sorted(n for n in names if n not in first)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=style.zip_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = style.zip_mode << 16
            dst.writestr(info, src.read(name))
    return buf.getvalue()


def write_docx(src: Path, out: Path, job: Job) -> None:
    """Parse, render, fix the core properties (author, title, dates, revision 1), save deterministically."""
    spec, date = job.spec, job.when()
    assert isinstance(spec, Docx), f"{job.out}: a docx job needs a Docx spec"
    lines = src.read_text(encoding="utf-8").splitlines()
    blocks = parse_pipe(lines, spec.style) if spec.style.markup == "pipe" else parse_block(lines)
    doc = render_docx(blocks, spec.style)
    props = doc.core_properties
    props.author = spec.author
    if spec.title is not None:
        props.title = spec.title
    else:
        props.title = blocks[0].text if blocks and blocks[0].kind == "title" else ""
    props.created = date
    props.modified = date
    props.last_modified_by = spec.author
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(deterministic_zip(buf.getvalue(), spec.style))


# ----- PDF ------------------------------------------------------------------------------------------


def chromium() -> str | None:
    """Path of a headless-capable Chromium, or None."""
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


def print_pdf(exe: str, src: Path) -> bytes:
    """The HTML file printed to PDF by headless Chromium, without header and footer."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "out.pdf"
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu",
            "--no-pdf-header-footer", "--print-to-pdf-no-header",
            f"--user-data-dir={tmp}/profile", f"--print-to-pdf={pdf}", src.resolve().as_uri(),
        ]  # fmt: skip
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        return pdf.read_bytes()


def pdf_date(date: datetime) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' (a naive date counts as UTC)."""
    offset = date.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"D:{date:%Y%m%d%H%M%S}{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def patch_pdf_dates(data: bytes, date: datetime) -> bytes:
    """/CreationDate and /ModDate set to `date`, padded or cut to the old length (xref offsets stay valid)."""

    def repl(m: re.Match[bytes]) -> bytes:
        old = m[2]
        return m[1] + (pdf_date(date).encode() + b" " * len(old))[: len(old)]

    return re.sub(rb"(/(?:CreationDate|ModDate) ?\()(D:[^)]*)", repl, data)


def rewrite_pdf_info(data: bytes, date: datetime, info: PdfInfo) -> bytes:
    """The PDF rewritten by pypdf with the given info entries, both dates set to `date` and a fixed /ID."""
    import pypdf
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    stamp = pdf_date(date)
    writer.add_metadata({**info.entries, "/CreationDate": stamp, "/ModDate": stamp})
    ident = ByteStringObject(info.ident)
    writer._ID = ArrayObject([ident, ident])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def write_pdf(src: Path, out: Path, job: Job) -> None:
    """Print with Chromium, then fix the dates (in place, or by a pypdf rewrite when the spec is PdfInfo)."""
    exe, date = chromium(), job.when()
    if exe is None:
        raise RuntimeError("no headless Chromium found (apt-get install chromium)")
    data = print_pdf(exe, src)
    spec = job.spec
    data = rewrite_pdf_info(data, date, spec) if isinstance(spec, PdfInfo) else patch_pdf_dates(data, date)
    out.write_bytes(data)


# ----- running ----------------------------------------------------------------------------------------

WRITERS: dict[str, Callable[[Path, Path, Job], None]] = {
    "gbk": write_gbk,
    "utf16": write_utf16,
    "s2t": write_s2t,
    "docx": write_docx,
    "pdf": write_pdf,
}


def run(script: str, corpus: str, jobs: Sequence[Job], argv: Sequence[str] | None = None) -> int:
    """Build the jobs of `script` (sources beside it) into evals/corpus/<corpus>/, printing each output.

    `--no-pdf` in argv (default: sys.argv) skips the Chromium step; without Chromium the PDFs are
    skipped with a message and the exit status is 1."""
    argv = sys.argv[1:] if argv is None else argv
    src_dir, out_dir = Path(script).resolve().parent, CORPUS / corpus
    out_dir.mkdir(parents=True, exist_ok=True)
    status = 0
    for job in jobs:
        if job.fmt == "pdf" and "--no-pdf" in argv:
            continue
        if job.fmt == "pdf" and chromium() is None:
            print(f"{job.out}: not built, no headless Chromium (apt-get install chromium)", file=sys.stderr)
            status = 1
            continue
        out = out_dir / job.out
        WRITERS[job.fmt](src_dir / job.src, out, job)
        print(out.relative_to(ROOT))
    return status
