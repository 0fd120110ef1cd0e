"""Builds the encoded and binary dev2 articles in evals/corpus/dev/ from their text sources here.

    .venv/bin/python evals/corpus_src/dev2/build.py            # all
    .venv/bin/python evals/corpus_src/dev2/build.py --no-pdf   # skip the Chromium step

Outputs (sources in this folder, all UTF-8 text):
    dev2_02_xuchang_jiti_xieshang_2023.docx       <- dev2_02_xuchang_jiti_xieshang_2023.docx.txt (python-docx)
    dev2_03_nanbu_jinqiu_2023_gbk.txt             <- dev2_03_nanbu_jinqiu_2023.utf8.txt (GBK, CRLF)
    dev2_05_jinjiang_falv_yuanzhu_2023.pdf        <- dev2_05_jinjiang_falv_yuanzhu_2023.src.html (headless Chromium)
    dev2_06_baoji_laomo_gongzuoshi_2022_utf16.txt <- dev2_06_baoji_laomo_gongzuoshi_2022.utf8.txt (UTF-16 LE with BOM)

The other dev2 files (.html, .md, the 繁體 .txt and the 简讯 .txt) are written by hand directly in
evals/corpus/dev/. DOCX markup: '# ' title, '## ' subtitle, '|' table rows; lines starting 图为 or
许昌日报　 are centred captions, 责任编辑 a right-aligned one; other lines are indented paragraphs.
The DOCX is dated the article's publication date, the PDF likewise. Shared logic: ../build_common.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # ../build_common.py
from build_common import Docx, DocxStyle, Job, run

CAPTIONS = {"图为": "center", "许昌日报　": "center", "责任编辑": "right"}  # line prefix -> alignment

JOBS = [
    Job("dev2_02_xuchang_jiti_xieshang_2023.docx.txt", "dev2_02_xuchang_jiti_xieshang_2023.docx", "docx",
        "2023-11-29T08:00:00",  # the article's publication date
        Docx(author="许昌日报", title="许昌“要约行动”推动工资集体合同覆盖职工32.4万人",
             style=DocxStyle(zip_time=(1980, 1, 1, 0, 0, 0), zip_mode=0o600, captions=CAPTIONS,
                             normal_font=("宋体", "宋体", 12), first_line_indent=24))),
    Job("dev2_03_nanbu_jinqiu_2023.utf8.txt", "dev2_03_nanbu_jinqiu_2023_gbk.txt", "gbk"),
    Job("dev2_05_jinjiang_falv_yuanzhu_2023.src.html", "dev2_05_jinjiang_falv_yuanzhu_2023.pdf", "pdf",
        "2024-01-10T08:00:00+00:00"),
    Job("dev2_06_baoji_laomo_gongzuoshi_2022.utf8.txt", "dev2_06_baoji_laomo_gongzuoshi_2022_utf16.txt",
        "utf16"),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(run(__file__, "dev", JOBS))
