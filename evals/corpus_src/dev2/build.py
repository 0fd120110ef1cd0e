"""Builds the encoded and binary dev2 articles in evals/corpus/dev/ from their text sources here.

    .venv/bin/python evals/corpus_src/dev2/build.py

Outputs (sources in this folder, all UTF-8 text):
    dev2_02_xuchang_jiti_xieshang_2023.docx       <- dev2_02_xuchang_jiti_xieshang_2023.docx.txt (python-docx)
    dev2_03_nanbu_jinqiu_2023_gbk.txt             <- dev2_03_nanbu_jinqiu_2023.utf8.txt (GBK, CRLF)
    dev2_05_jinjiang_falv_yuanzhu_2023.pdf        <- dev2_05_jinjiang_falv_yuanzhu_2023.src.html (headless Chromium)
    dev2_06_baoji_laomo_gongzuoshi_2022_utf16.txt <- dev2_06_baoji_laomo_gongzuoshi_2022.utf8.txt (UTF-16 LE with BOM)

The other dev2 files (.html, .md, the 繁體 .txt and the 简讯 .txt) are written by hand directly in
evals/corpus/dev/. Builds are deterministic: the DOCX zip entries and core properties get fixed
timestamps, and the PDF's creation/modification dates are overwritten with the article's publication date
(same length so the cross-reference offsets stay valid). Without chromium the PDF is skipped.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "corpus" / "dev"
DOCX_DATE = dt.datetime(2023, 11, 29, 8, 0, 0)  # the article's publication date
PDF_DATE = b"20240110080000"  # likewise, as a PDF date


def build_gbk() -> Path:
    text = (HERE / "dev2_03_nanbu_jinqiu_2023.utf8.txt").read_text(encoding="utf-8")
    out = OUT / "dev2_03_nanbu_jinqiu_2023_gbk.txt"
    out.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    return out


def build_utf16() -> Path:
    text = (HERE / "dev2_06_baoji_laomo_gongzuoshi_2022.utf8.txt").read_text(encoding="utf-8")
    out = OUT / "dev2_06_baoji_laomo_gongzuoshi_2022_utf16.txt"
    out.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    return out


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed, in the same order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return buf.getvalue()


def build_docx() -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    lines = (HERE / "dev2_02_xuchang_jiti_xieshang_2023.docx.txt").read_text(encoding="utf-8").splitlines()
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(12)

    rows: list[list[str]] = []

    def flush_table() -> None:
        if not rows:
            return
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                table.cell(r, c).text = value
        rows.clear()

    for line in lines:
        line = line.rstrip()
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        flush_table()
        if not line:
            continue
        if line.startswith("# "):
            doc.add_heading(line[2:], level=1)
        elif line.startswith("## "):
            p = doc.add_paragraph(line[3:])
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.runs[0].bold = True
        elif line.startswith("图为") or line.startswith("责任编辑") or line.startswith("许昌日报　"):
            p = doc.add_paragraph(line)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if line.startswith(("图为", "许昌日报　")) else WD_ALIGN_PARAGRAPH.RIGHT
            p.runs[0].font.size = Pt(10.5)
        else:
            p = doc.add_paragraph(line)
            p.paragraph_format.first_line_indent = Pt(24)
    flush_table()

    cp = doc.core_properties
    cp.author = "许昌日报"
    cp.title = "许昌“要约行动”推动工资集体合同覆盖职工32.4万人"
    cp.created = DOCX_DATE
    cp.modified = DOCX_DATE
    cp.last_modified_by = "许昌日报"
    cp.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    out = OUT / "dev2_02_xuchang_jiti_xieshang_2023.docx"
    out.write_bytes(_fixed_zip(buf.getvalue()))
    return out


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def _fixed_pdf_dates(data: bytes) -> bytes:
    def repl(m: re.Match[bytes]) -> bytes:
        tail = m[3]
        fixed_tail = (b"+00'00'" + b" " * len(tail))[: len(tail)] if tail else b""
        return b"/" + m[1] + b" (D:" + PDF_DATE + fixed_tail + b")"

    return _PDF_DATE.sub(repl, data)


def build_pdf() -> Path | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found: PDF skipped", file=sys.stderr)
        return None
    src = HERE / "dev2_05_jinjiang_falv_yuanzhu_2023.src.html"
    out = OUT / "dev2_05_jinjiang_falv_yuanzhu_2023.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--user-data-dir={profile}", f"--print-to-pdf={out}", src.as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )
    out.write_bytes(_fixed_pdf_dates(out.read_bytes()))
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for built in (build_docx(), build_gbk(), build_pdf(), build_utf16()):
        if built is not None:
            print(built.relative_to(OUT.parent.parent.parent))


if __name__ == "__main__":
    main()
