"""OCR benchmark: pages/s and character accuracy of ingest.ocr on pages of known text.

The pages are rendered from the dev articles (evals/corpus/dev/*.txt, decoded with ingest.decode; each article
from a new page, in turn) as a clean 150-dpi A4 scan would show them: 1240×1754 pixels, 10.5-point body text
(22 px), about 46 characters a line. Accuracy is given for simplified and traditional pages apart: the
PP-OCRv4 Chinese dictionary lacks many traditional characters.
Accuracy is difflib's ratio between the recognised and the rendered text after NFKC with whitespace removed
(what cleaning does anyway), so only recognition errors count; real scans (skew, noise, stamps) score lower.
Needs fonts-noto-cjk. Engine loading is timed apart from the pages.

Run: .venv/bin/python bench/ocr.py [--pages 10] [--font serif|sans] [--json out.json]
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import sys
import time
import unicodedata
from itertools import cycle
from pathlib import Path

import opencc
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.ocr import engine, ocr_image, threads  # noqa: E402
from ingest.decode import decode_bytes  # noqa: E402

FONTS = {"serif": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",  # newspapers set body text in 宋体
         "sans": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}
PAGE_W, PAGE_H, MARGIN = 1240, 1754, 110  # A4 at 150 dpi
FONT_PX, LINE_PX = 22, 34  # 10.5 pt at 150 dpi, 1.5 line spacing
T2S = opencc.OpenCC("t2s")


def articles() -> list[tuple[str, str]]:
    """(name, text) of every dev article in plain text, in name order."""
    out = []
    for path in sorted((ROOT / "evals" / "corpus" / "dev").glob("*.txt")):
        text, _encoding = decode_bytes(path.read_bytes(), path)
        out.append((path.name, text))
    return out


def layout(text: str, per_line: int) -> list[str]:
    """Paragraphs wrapped at per_line characters, as a typesetter without hyphenation would."""
    lines = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        lines.extend(paragraph[i:i + per_line] for i in range(0, len(paragraph), per_line))
    return lines


def pages(n: int, font: ImageFont.FreeTypeFont) -> list[tuple[str, str, bytes]]:
    """n pages (article name, reference text, PNG bytes): each article from a new page, articles in turn."""
    per_line = (PAGE_W - 2 * MARGIN) // FONT_PX
    per_page = (PAGE_H - 2 * MARGIN) // LINE_PX
    out = []
    for name, text in cycle(articles()):
        lines = layout(text, per_line)
        for start in range(0, len(lines), per_page):
            if len(out) == n:
                return out
            chunk = lines[start:start + per_page]
            image = Image.new("L", (PAGE_W, PAGE_H), 255)
            draw = ImageDraw.Draw(image)
            for row, line in enumerate(chunk):
                draw.text((MARGIN, MARGIN + row * LINE_PX), line, font=font, fill=0)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            out.append((name, "\n".join(chunk), buffer.getvalue()))
    return out


def traditional(text: str) -> bool:
    """Whether text is in traditional script: converting it to simplified changes more than 2% of it."""
    simplified = T2S.convert(text)
    return sum(a != b for a, b in zip(text, simplified)) > 0.02 * max(len(text), 1)


def plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def accuracy(got: str, want: str) -> float:
    return difflib.SequenceMatcher(None, plain(got), plain(want), autojunk=False).ratio()


def errors(got: str, want: str, limit: int = 12) -> list[list[str]]:
    """The first differing stretches as [rendered, recognised], to see what kind of mistakes they are."""
    a, b = plain(want), plain(got)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [[a[i1:i2], b[j1:j2]] for tag, i1, i2, j1, j2 in ops if tag != "equal"][:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--font", choices=sorted(FONTS), default="serif")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    font = ImageFont.truetype(FONTS[args.font], FONT_PX, index=2)  # index 2: Simplified Chinese
    rendered = pages(args.pages, font)
    started = time.perf_counter()
    engine()
    load_s = time.perf_counter() - started

    rows = []
    for name, want, png in rendered:
        started, cpu = time.perf_counter(), time.process_time()
        got = ocr_image(png)
        rows.append({"article": name, "script": "繁" if traditional(want) else "简",
                     "chars": len("".join(want.split())), "seconds": time.perf_counter() - started,
                     "cpu_seconds": time.process_time() - cpu, "accuracy": accuracy(got, want),
                     "errors": errors(got, want)})
    total = sum(r["seconds"] for r in rows)
    # CPU seconds as well as wall: on a shared machine the wall time says as much about the neighbours.
    summary = {"pages": len(rows), "font": args.font, "threads": threads(), "engine_load_s": round(load_s, 2),
               "pages_per_s": round(len(rows) / total, 3), "s_per_page": round(total / len(rows), 2),
               "cpu_s_per_page": round(sum(r["cpu_seconds"] for r in rows) / len(rows), 2),
               "chars_per_s": round(sum(r["chars"] for r in rows) / total, 1),
               "mean_accuracy": round(sum(r["accuracy"] for r in rows) / len(rows), 4),
               **{f"mean_accuracy_{key}": round(sum(a) / len(a), 4) for key, script in (("simplified", "简"),
                  ("traditional", "繁")) if (a := [r["accuracy"] for r in rows if r["script"] == script])},
               "min_accuracy": round(min(r["accuracy"] for r in rows), 4)}

    print(f"{'页':>3}  {'文章':<46} {'繁简':>2} {'字数':>5} {'秒':>6} {'CPU秒':>6} {'准确率':>7}")
    for k, r in enumerate(rows, 1):
        print(f"{k:>3}  {r['article']:<46} {r['script']:>2} {r['chars']:>5} {r['seconds']:>6.2f} "
              f"{r['cpu_seconds']:>6.2f} {r['accuracy']:>7.3f}")
    print(f"\n{summary['pages']} 页（{args.font}，{summary['threads']} 线程）：{summary['pages_per_s']} 页/秒，"
          f"每页 {summary['s_per_page']} 秒（CPU {summary['cpu_s_per_page']} 秒），平均字符准确率 {summary['mean_accuracy']:.3f}"
          f"（最低 {summary['min_accuracy']:.3f}；简体 {summary.get('mean_accuracy_simplified', 0):.3f}，"
          f"繁体 {summary.get('mean_accuracy_traditional', 0):.3f}），{summary['chars_per_s']} 字/秒；"
          f"加载模型 {summary['engine_load_s']} 秒")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "pages": rows}, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    main()
