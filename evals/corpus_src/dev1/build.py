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
The shared logic is in ../build_common.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # ../build_common.py
from build_common import Docx, DocxStyle, Job, run

JOBS = [
    Job("dev1_02_songwennuan_yichang_2024.txt", "dev1_02_songwennuan_yichang_2024.txt", "gbk"),
    Job("dev1_03_yiliaohuzhu_shaoxing.docx.txt", "dev1_03_yiliaohuzhu_shaoxing.docx", "docx",
        "2024-03-12T09:00:00",
        Docx(author="绍兴市总工会宣传教育部", title="绍兴市职工医疗互助保障覆盖面持续扩大",
             style=DocxStyle(zip_time=(2024, 3, 12, 9, 0, 0), content_types_first=True,
                             numbered=True, subtitle_size=13, bold_header=True))),
    Job("dev1_04_jineng_foshan.html", "dev1_04_jineng_foshan.pdf", "pdf", "2024-11-08T09:00:00+00:00"),
    Job("dev1_07_jingfei_jiaxing.txt", "dev1_07_jingfei_jiaxing.txt", "utf16"),
    Job("dev1_08_liaoxiuyang_jiangmen.s2t.txt", "dev1_08_liaoxiuyang_jiangmen.txt", "s2t"),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(run(__file__, "dev", JOBS))
