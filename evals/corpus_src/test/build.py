"""Build the encoded and binary files of the TEST corpus (evals/corpus/test/) from the text
sources beside this script.

    .venv/bin/python evals/corpus_src/test/build.py

Sources and what each becomes:
  *.gbk.src.txt    -> .txt encoded as GBK (no BOM)
  *.utf16.src.txt  -> .txt encoded as UTF-16 little-endian with a BOM, CRLF line ends
  *.docx.src.txt   -> .docx (python-docx); line markup: "#T " title, "#S " subtitle,
                      "#TABLE" ... "#ENDTABLE" pipe-separated rows (first row = header),
                      "#CAPTION " centred small caption, anything else a paragraph
  *.pdf.src.html   -> .pdf printed by headless Chromium (no header/footer)

Deterministic: the DOCX zip entries get a fixed timestamp and fixed core properties (dated the day of the
event, 2024-11-26, since loaders read the core "created" date as the article date); the PDF's
creation/modification dates and document ID are rewritten to fixed values with pypdf, so the same
sources give byte-identical files (checked by running the script twice).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "corpus" / "test"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
DOCX_DATETIME = dt.datetime(2024, 11, 26, 18, 30, 0)  # when the reporter saved the draft


def out_name(src: Path, marker: str, suffix: str) -> Path:
    return OUT / (src.name[: -len(marker)] + suffix)


def build_gbk(src: Path) -> Path:
    target = out_name(src, ".gbk.src.txt", ".txt")
    text = src.read_text(encoding="utf-8")
    target.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    return target


def build_utf16(src: Path) -> Path:
    target = out_name(src, ".utf16.src.txt", ".txt")
    text = src.read_text(encoding="utf-8")
    target.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    return target


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with sorted-as-given entries, fixed timestamps and fixed permissions."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return buf.getvalue()


def build_docx(src: Path) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    target = out_name(src, ".docx.src.txt", ".docx")
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)

    lines = src.read_text(encoding="utf-8").splitlines()
    rows: list[list[str]] | None = None
    for line in lines:
        if rows is not None:
            if line.strip() == "#ENDTABLE":
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                table.style = "Table Grid"
                for r, cells in enumerate(rows):
                    for c, value in enumerate(cells):
                        table.cell(r, c).text = value
                rows = None
            else:
                rows.append([cell.strip() for cell in line.split("|")])
            continue
        if not line.strip():
            continue
        if line.startswith("#T "):
            document.add_heading(line[3:].strip(), level=1)
        elif line.startswith("#S "):
            p = document.add_paragraph()
            run = p.add_run(line[3:].strip())
            run.bold = True
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif line.strip() == "#TABLE":
            rows = []
        elif line.startswith("#CAPTION "):
            p = document.add_paragraph()
            run = p.add_run(line[len("#CAPTION "):].strip())
            run.font.size = Pt(9)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            document.add_paragraph(line.strip())

    props = document.core_properties
    props.author = "义乌市总工会宣教部"
    props.title = lines[0][3:].strip() if lines and lines[0].startswith("#T ") else ""
    props.created = DOCX_DATETIME
    props.modified = DOCX_DATETIME
    props.last_modified_by = "义乌市总工会宣教部"
    props.revision = 1

    buf = io.BytesIO()
    document.save(buf)
    target.write_bytes(_normalise_zip(buf.getvalue()))
    return target


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("build.py: no headless Chromium found (apt-get install chromium) - PDF not built")


def build_pdf(src: Path) -> Path:
    import pypdf

    target = out_name(src, ".pdf.src.html", ".pdf")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.pdf"
        cmd = [
            _chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--no-pdf-header-footer", "--print-to-pdf-no-header",
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={raw}", src.resolve().as_uri(),
        ]  # fmt: skip
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        reader = pypdf.PdfReader(raw)
        writer = pypdf.PdfWriter(clone_from=reader)
        fixed = "D:20250109000000+08'00'"
        writer.add_metadata({
            "/Title": "柯桥区职工医疗互助保障参保人数突破20万",
            "/Producer": "Chromium (evals/corpus_src/test/build.py)",
            "/Creator": "Chromium",
            "/CreationDate": fixed,
            "/ModDate": fixed,
        })  # fmt: skip
        from pypdf.generic import ArrayObject, ByteStringObject

        ident = ByteStringObject(b"union-qa-test-06")
        writer._ID = ArrayObject([ident, ident])
        buf = io.BytesIO()
        writer.write(buf)
    target.write_bytes(buf.getvalue())
    return target


BUILDERS = {
    ".gbk.src.txt": build_gbk,
    ".utf16.src.txt": build_utf16,
    ".docx.src.txt": build_docx,
    ".pdf.src.html": build_pdf,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for src in sorted(HERE.iterdir()):
        for marker, builder in BUILDERS.items():
            if src.name.endswith(marker):
                print(builder(src).relative_to(OUT.parents[2]))


if __name__ == "__main__":
    main()
