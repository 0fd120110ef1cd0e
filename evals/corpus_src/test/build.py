"""Build the encoded and binary files of the TEST corpus (evals/corpus/test/) from the text
sources beside this script.

    .venv/bin/python evals/corpus_src/test/build.py            # all
    .venv/bin/python evals/corpus_src/test/build.py --no-pdf   # skip the Chromium step

Sources and what each becomes:
  *.gbk.src.txt    -> .txt encoded as GBK (no BOM), CRLF line ends
  *.utf16.src.txt  -> .txt encoded as UTF-16 little-endian with a BOM, CRLF line ends
  *.docx.src.txt   -> .docx (python-docx); line markup: "#T " title, "#S " subtitle,
                      "#TABLE" ... "#ENDTABLE" pipe-separated rows (first row = header),
                      "#CAPTION " centred small caption, anything else a paragraph
  *.pdf.src.html   -> .pdf printed by headless Chromium (no header/footer)

Deterministic: the DOCX zip entries get a fixed timestamp and fixed core properties (dated the day of the
event, 2024-11-26, since loaders read the core "created" date as the article date); the PDF's
creation/modification dates and document ID are rewritten to fixed values with pypdf, so the same
sources give byte-identical files (checked by running the script twice).
Shared logic: ../build_common.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # ../build_common.py
from build_common import Docx, DocxStyle, Job, PdfInfo, run

JOBS = [
    Job("test_02_海宁市总工会2024年送温暖.gbk.src.txt", "test_02_海宁市总工会2024年送温暖.txt",
        "gbk"),
    Job("test_04_建德市职工书屋和户外驿站.utf16.src.txt", "test_04_建德市职工书屋和户外驿站.txt",
        "utf16"),
    Job("test_05_义乌市职工技能大赛.docx.src.txt", "test_05_义乌市职工技能大赛.docx", "docx",
        "2024-11-26T18:30:00",  # when the reporter saved the draft
        Docx(author="义乌市总工会宣教部", title=None,  # None: the "#T " line the source starts with
             style=DocxStyle(zip_time=(2024, 1, 1, 0, 0, 0), markup="block", caption_size=9,
                             normal_font=("SimSun", "宋体", 11)))),
    Job("test_06_柯桥区职工医疗互助.pdf.src.html", "test_06_柯桥区职工医疗互助.pdf", "pdf",
        "2025-01-09T00:00:00+08:00",
        PdfInfo(entries={"/Title": "柯桥区职工医疗互助保障参保人数突破20万",
                         "/Producer": "Chromium (evals/corpus_src/test/build.py)", "/Creator": "Chromium"},
                ident=b"union-qa-test-06")),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(run(__file__, "test", JOBS))
