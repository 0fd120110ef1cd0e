"""Builds the dev1_ corpus files that are not written by hand (deterministic: same bytes every run).

    .venv/bin/python evals/corpus_src/dev1/build.py            # all
    .venv/bin/python evals/corpus_src/dev1/build.py --no-pdf   # skip the Chromium step

Sources (UTF-8 text, in this folder)              ->  output (evals/corpus/dev/)
  dev1_02_songwennuan_yichang_2024.txt            ->  same name, GBK encoded
  dev1_03_yiliaohuzhu_shaoxing.docx.txt           ->  dev1_03_yiliaohuzhu_shaoxing.docx (python-docx)
  dev1_04_jineng_foshan.html                      ->  dev1_04_jineng_foshan.pdf (headless Chromium)
  dev1_07_jingfei_jiaxing.txt                     ->  same name, UTF-16 LE with BOM, CRLF line ends
  dev1_08_liaoxiuyang_jiangmen.s2t.txt            ->  dev1_08_liaoxiuyang_jiangmen.txt (OpenCC s2tw, 「」 quotes)

The HTML, Markdown and short .txt files of dev1_ are written by hand directly in evals/corpus/dev/.

DOCX markup of the .docx.txt source: '# ' title, '## ' subtitle, lines starting with '|' are table rows
(the first row is the header), '1. ' numbered list items, any other non-empty line is a paragraph.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "corpus" / "dev"
FIXED_ZIP_TIME = (2024, 3, 12, 9, 0, 0)
FIXED_DATE = datetime(2024, 3, 12, 9, 0, 0)


def build_gbk() -> Path:
    text = (HERE / "dev1_02_songwennuan_yichang_2024.txt").read_text(encoding="utf-8")
    out = OUT / "dev1_02_songwennuan_yichang_2024.txt"
    out.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    return out


def build_utf16() -> Path:
    text = (HERE / "dev1_07_jingfei_jiaxing.txt").read_text(encoding="utf-8")
    out = OUT / "dev1_07_jingfei_jiaxing.txt"
    out.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    return out


def build_traditional() -> Path:
    import opencc

    text = (HERE / "dev1_08_liaoxiuyang_jiangmen.s2t.txt").read_text(encoding="utf-8")
    trad = opencc.OpenCC("s2tw").convert(text).replace("“", "「").replace("”", "」")
    trad = trad.replace("‘", "『").replace("’", "』")
    out = OUT / "dev1_08_liaoxiuyang_jiangmen.txt"
    out.write_text(trad, encoding="utf-8")
    return out


def _zip_deterministic(data: bytes) -> bytes:
    """Rewrites a DOCX (zip) with fixed timestamps and a stable member order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        first = [n for n in names if n == "[Content_Types].xml"]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return buf.getvalue()


def build_docx() -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lines = (HERE / "dev1_03_yiliaohuzhu_shaoxing.docx.txt").read_text(encoding="utf-8").splitlines()
    doc = Document()
    props = doc.core_properties
    props.author = "绍兴市总工会宣传教育部"
    props.title = "绍兴市职工医疗互助保障覆盖面持续扩大"
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_modified_by = "绍兴市总工会宣传教育部"
    props.revision = 1

    rows: list[list[str]] = []

    def flush_table() -> None:
        if not rows:
            return
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                cell = table.cell(r, c)
                cell.text = value
                if r == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
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
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(line[3:])
            run.bold = True
            run.font.size = Pt(13)
        elif re.match(r"\d+\. ", line):
            doc.add_paragraph(line.split(" ", 1)[1], style="List Number")
        else:
            doc.add_paragraph(line)
    flush_table()

    buf = io.BytesIO()
    doc.save(buf)
    out = OUT / "dev1_03_yiliaohuzhu_shaoxing.docx"
    out.write_bytes(_zip_deterministic(buf.getvalue()))
    return out


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def build_pdf() -> Path | None:
    exe = _chromium()
    if exe is None:
        print("chromium not found: PDF not built", file=sys.stderr)
        return None
    src = HERE / "dev1_04_jineng_foshan.html"
    out = OUT / "dev1_04_jineng_foshan.pdf"
    with tempfile.TemporaryDirectory() as tmp:
        tmp_pdf = Path(tmp) / "out.pdf"
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--user-data-dir={tmp}/profile", f"--print-to-pdf={tmp_pdf}", src.as_uri(),
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
        data = tmp_pdf.read_bytes()
    # Chromium stamps the time of printing: replace it by a fixed date of the same length so the
    # byte offsets of the cross-reference table stay valid.
    def fixed(m: re.Match[bytes]) -> bytes:
        stamp = b"D:20241108090000"
        value = m.group(2)
        return m.group(1) + (stamp + value[len(stamp):] if len(value) >= len(stamp) else value)

    data = re.sub(rb"(/(?:CreationDate|ModDate) ?\()([^)]*)", fixed, data)
    out.write_bytes(data)
    return out


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    built = [build_gbk(), build_utf16(), build_traditional(), build_docx()]
    if "--no-pdf" not in argv:
        built.append(build_pdf())
    for path in built:
        if path is not None:
            print(path.relative_to(HERE.parents[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
