"""Regenerate the fixtures of tests/test_load.py from the sample articles in data/sample/.

Run with the project venv: `.venv/bin/python tests/data/load/make_fixtures.py`.
The PDFs need Debian's /usr/bin/chromium and fonts-noto-cjk; everything else is pure Python.
The outputs are checked in, so the tests never depend on Chromium being present.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import random
import subprocess
import tempfile
import zlib
from pathlib import Path

import docx
import opencc
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[2] / "data" / "sample"
CHROMIUM = "/usr/bin/chromium"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def sample_lines(name: str) -> list[str]:
    """The non-blank, stripped lines of one sample article."""
    text = (SAMPLE / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


NANCHANG = sample_lines("001_2027b2049f37b8e8.txt")  # title, date, then body
SHIFANG = sample_lines("000_e5d006b3dd77aca2.txt")
XUYI = sample_lines("002_bd9d97b2e13d7eae.txt")
HUANGSHAN = sample_lines("003_4f14171c2e7628b9.txt")

TITLE = NANCHANG[0]  # 南昌市总工会开展“进园区”行动纪实
BODY = NANCHANG[2:]  # sub-headings and paragraphs, in order


# The article in traditional script, as Taiwan and Hong Kong sites publish it in Big5.
TRADITIONAL = opencc.OpenCC("s2tw").convert(f"{TITLE}\n{BODY[4]}\n")


def write_text_fixtures() -> None:
    """The same article in every encoding and line-ending the loader must read."""
    text = "\n".join([TITLE, *BODY[:4]]) + "\n"
    (HERE / "utf8.txt").write_text(text, encoding="utf-8")
    (HERE / "utf8_bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (HERE / "gbk.txt").write_bytes(text.encode("gbk"))
    (HERE / "utf16le_bom.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (HERE / "utf16be_bom.txt").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (HERE / "utf16le_nobom.txt").write_bytes(text.encode("utf-16-le"))
    (HERE / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (HERE / "crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (HERE / "cr.txt").write_bytes(text.replace("\n", "\r").encode("utf-8"))
    (HERE / "truncated.txt").write_bytes(text.encode("utf-8")[:-2])  # cut inside the final "。"
    # 𠮷 (U+20BB7) and € are not in GBK: only GB18030 encodes them.
    extra = "职工食堂的“𠮷祥套餐”每份售价 12€,由工会补贴一半。\n"
    (HERE / "gb18030.txt").write_bytes((text + extra).encode("gb18030"))
    (HERE / "empty.txt").write_bytes(b"")
    (HERE / "blank.txt").write_text(" \n\t\n\u3000\u3000\n", encoding="utf-8")
    (HERE / "html_markup.txt").write_text(f"<p>{BODY[1]}</p>\n", encoding="utf-8")


def write_binary_fixtures() -> None:
    """Bytes that are not text: a tiny PNG named .txt, and NUL-free high-byte noise."""
    (HERE / "binary.txt").write_bytes(png_bytes(16, 16))
    rng = random.Random(20230831)
    # Every byte is a valid GB18030 lead/trail byte, so only a plausibility check rejects it.
    (HERE / "noise.txt").write_bytes(bytes(rng.randrange(0x81, 0xFF) for _ in range(3000)))


def png_bytes(width: int, height: int) -> bytes:
    """A valid grey PNG image."""
    buffer = io.BytesIO()
    Image.new("L", (width, height), 200).save(buffer, format="PNG")
    return buffer.getvalue()


def write_markdown() -> None:
    """A Markdown note with headings, emphasis, a link, an image and a code fence."""
    md = f"""# {TITLE}

> 来源:**江西日报** 2016-05-18

## {BODY[0]}

{BODY[1]}

![园区工会活动现场](images/park.jpg)

## {BODY[2]}

{BODY[3]} 详见[市总工会网站](http://www.ncszgh.org.cn/news/2016.html)。

*{BODY[5]}*

```
工会组织 2277家
建会率   84.8%
```
"""
    (HERE / "article.md").write_text(md, encoding="utf-8")


def write_html() -> None:
    """A semantic HTML5 news page (UTF-8) and a portal-style div page declared as gb2312."""
    paragraphs = "\n".join(
        f"<h2>{html.escape(p)}</h2>" if len(p) < 20 else f"<p>{html.escape(p)}</p>" for p in BODY
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>{TITLE}--工会频道--中工网</title>
<meta property="og:title" content="{TITLE}">
<meta property="article:published_time" content="2016-05-18T11:55:00+08:00">
<meta name="author" content="吴浣">
<meta name="source" content="江西日报">
<style>body {{ font-family: sans-serif; }} .nav a {{ margin: 0 4px; }}</style>
<script>var tip = "脚本里的提示文字不是正文"; document.title = tip;</script>
</head>
<body>
<header><div class="logo">中工网</div>
<nav class="nav"><a href="/">网站首页</a><a href="/gh/">工会</a><a href="/zg/">职工</a><a href="/lm/">劳模</a></nav>
</header>
<div class="crumbs">当前位置:首页 &gt; 工会 &gt; 地方工会</div>
<main>
<article>
<h1>{TITLE}</h1>
<div class="info">2016-05-18 11:55 来源:江西日报</div>
{paragraphs}
</article>
<aside><h3>相关新闻</h3><ul><li><a href="/a1">全省工会干部培训班开班</a></li>
<li><a href="/a2">职工书屋建设经验交流会召开</a></li></ul></aside>
</main>
<footer><p>中工网版权所有 未经授权禁止转载</p><p>京ICP备00000000号</p></footer>
<script src="/js/stat.js"></script><noscript>请启用脚本以获得完整体验</noscript>
</body></html>
"""
    (HERE / "article.html").write_text(page, encoding="utf-8")
    (HERE / "portal.html").write_bytes(portal_page().encode("gbk"))
    (HERE / "dateline.html").write_text(dateline_page(), encoding="utf-8")


def portal_page() -> str:
    """A people.com.cn-style page: div soup, gb2312 declared, metas named the portal way."""
    title, body = SHIFANG[4], [p for p in SHIFANG[8:30] if p != "语音播报: 语音播报"]
    paragraphs = "\n".join(
        f'<p style="text-indent: 2em;"><strong>{html.escape(p)}</strong></p>'
        if len(p) < 14
        else f'<p style="text-indent: 2em;">\n\t{html.escape(p)}</p>'
        for p in body
    )
    return f"""<html><head>
<meta http-equiv="content-type" content="text/html;charset=GB2312">
<title>{title}--工会新闻--人民网</title>
<meta name="publishdate" content="2023-04-29">
<meta name="source" content="来源:四川工人日报">
<script type="text/javascript" src="http://www.example.cn/js/main.js"></script>
<style type="text/css">.top_nav a {{ padding: 0 4px; }}</style>
</head>
<body>
<div class="top_nav clearfix"><div class="w1000 white">
<a href="/">网站首页</a><a href="/politics/">时政</a><a href="/world/">国际</a><a href="/finance/">财经</a>
<a href="/union/">工会</a><a href="/culture/">文化</a></div>
<div class="fr"><a id="login_button">登录</a><a href="/reg">注册</a></div></div>
<div class="clearfix w1000 path"><a href="/">人民网</a>&gt;&gt;<a href="/union/">中国工会新闻</a></div>
<div class="clearfix w1000 text_title">
<h1>{title}</h1>
<div class="box01"><div class="fl">2023年04月29日08:18&nbsp;&nbsp;来源:<a href="/">四川工人日报</a></div>
<div class="fr"><span class="ops_tit">分享到:</span><a title="微信">微信</a><a title="微博">微博</a></div></div>
</div>
<div class="clearfix w1000 text_con">
<div class="fl text_con_left">
<div class="box_con" id="rwb_zw">
{paragraphs}
<div class="edit clearfix">(责编:王佳、李强)</div>
</div>
<script type="text/javascript">var recommend = "为你推荐的文章列表";</script>
</div>
<div class="fr text_con_right">
<div class="ph_list"><h2>24小时排行</h2><ul>
<li><a href="/1">全国总工会部署“县级工会加强年”专项工作</a></li>
<li><a href="/2">四川省总工会召开全委会议</a></li></ul></div>
</div></div>
<div class="w1000 copyright"><p>人民网版权所有,未经书面授权禁止使用</p>
<p>Copyright &copy; 1997-2023 by www.people.com.cn. all rights reserved</p></div>
</body></html>
"""


def dateline_page() -> str:
    """A xinhuanet-style page without metas: title and timed dateline above the article div,
    a list of other articles with their own times below it."""
    title, body = HUANGSHAN[1], HUANGSHAN[6:14]
    paragraphs = "\n".join(f"<p>\u3000\u3000{html.escape(p)}</p>" for p in body)
    return f"""<!DOCTYPE HTML>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>
{title}-百科知识-工运网
</title></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/baike/">百科知识</a> 2024年1月5日 星期五</div>
<div class="h-news"><div class="h-title">{title}</div>
<div class="h-info"><span class="h-time"> 2022-10-23 09:30:12</span><span>来源:<em>安徽省黄山市黄山区总工会</em></span></div></div>
<div class="main"><div id="p-detail">
{paragraphs}
</div>
<div class="hot-news"><div class="name">热帖</div><ul>
<li><a href="/1">职工书屋建设经验交流会召开</a><div class="publish-time">2018-03-02 08:58:39</div></li>
<li><a href="/2">全省工会干部培训班开班</a><div class="publish-time">2018-03-01 14:40:53</div></li>
</ul></div></div>
</body></html>
"""


def write_docx() -> None:
    """A Word article with core properties, paragraphs and a statistics table; plus a truncated copy."""
    document = docx.Document()
    props = document.core_properties
    props.title, props.author = TITLE, "吴浣"
    props.created = dt.datetime(2016, 5, 18, 11, 55)
    document.add_heading(TITLE, level=1)
    for paragraph in BODY[:4]:
        document.add_paragraph(paragraph)
    rows = [("指标", "数值"), ("工会组织", "2277家"), ("建会率", "84.8%"), ("职工入会率", "82.8%")]
    table = document.add_table(rows=len(rows), cols=2)
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph(BODY[-1])
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    (HERE / "article.docx").write_bytes(data)
    (HERE / "corrupt.docx").write_bytes(data[: len(data) // 2])


def write_pdfs() -> None:
    """A Chromium-printed Chinese PDF with a text layer, an image-only 'scan', and a broken PDF."""
    # Skia embeds the CFF-based Noto CJK glyphs as Type 3 fonts (~1.3 KB a distinct character),
    # so a title and a byline in one weight keep the file under 50 KB.
    body = f"<p>{html.escape(XUYI[3].split('、')[-1])}</p>"
    text_page = f'<html><head><meta charset="utf-8"><title>{XUYI[2]}</title></head><body style="font-family: \'Noto Sans CJK SC\'"><h1 style="font-weight: normal">{XUYI[2]}</h1>{body}</body></html>'
    print_pdf(text_page, HERE / "article.pdf")
    scan = scanned_page_png(XUYI[3][:60])
    image_page = f'<html><body style="margin:0"><img src="data:image/png;base64,{scan}" width="700"></body></html>'
    print_pdf(image_page, HERE / "scanned.pdf")
    good = (HERE / "article.pdf").read_bytes()
    (HERE / "corrupt.pdf").write_bytes(good[:200] + zlib.compress(b"broken") * 20)


def scanned_page_png(text: str) -> str:
    """A base64 1-bit PNG of Chinese text, as a scanner would produce it (pixels only, no text)."""
    font = ImageFont.truetype(CJK_FONT, 28)
    image = Image.new("1", (900, 140), 1)
    draw = ImageDraw.Draw(image)
    for row in range(2):
        draw.text((20, 20 + row * 50), text[row * 30 : (row + 1) * 30], font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def print_pdf(page: str, out: Path) -> None:
    """Print an HTML string to PDF with headless Chromium."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
                f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={out}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def write_tree() -> None:
    """A folder to walk: nested files, hidden entries, and types the loader skips."""
    tree = HERE / "tree"
    for folder in (tree / "sub" / "deeper", tree / ".cache"):
        folder.mkdir(parents=True, exist_ok=True)
    (tree / "a.txt").write_text(f"{NANCHANG[0]}\n{BODY[1]}\n", encoding="utf-8")
    (tree / "sub" / "b.md").write_text(f"# {SHIFANG[4]}\n\n{SHIFANG[8]}\n", encoding="utf-8")
    (tree / "sub" / "deeper" / "c.txt").write_text(f"{XUYI[2]}\n{XUYI[3]}\n", encoding="utf-8")
    (tree / ".hidden.txt").write_text("隐藏文件不应被读取\n", encoding="utf-8")
    (tree / ".cache" / "d.txt").write_text("隐藏目录不应被读取\n", encoding="utf-8")
    (tree / "logo.gif").write_bytes(png_bytes(8, 8))


def main() -> None:
    write_text_fixtures()
    write_binary_fixtures()
    write_markdown()
    write_html()
    write_docx()
    write_pdfs()
    write_tree()


if __name__ == "__main__":
    main()
