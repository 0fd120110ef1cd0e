"""Article text and metadata from a saved HTML news page.

Why lxml and not trafilatura: measured on five Chinese news pages (two fixtures under
tests/data/load/, and copies of real zsnews.cn, xinhuanet.com and people.com.cn pages), this
extractor kept 75/75 article paragraphs, each on its own line, in 0.3-1.0 ms a page.
`trafilatura.extract(favor_recall=True, include_comments=False)` kept the paragraphs' text too,
but on the table-layout page (common on local union and government sites) it merged them into
one line together with the breadcrumb and the print/close buttons, and it let the "热帖 / 加载更多"
sidebar and a copyright line through elsewhere, in 1.5-6 ms a page.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree
from lxml import html as lxml_html

# Whole subtrees that are never article text. <form> is kept: ASP.NET sites wrap the page in one.
_JUNK_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "nav", "header", "footer", "aside", "input", "button", "select", "textarea",
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    "address article blockquote center dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr "
    "li main ol p pre section table tbody thead tr ul".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_HIDDEN = "//*[contains(translate(@style, ' ', ''), 'display:none') or @hidden]"
_LINK_DENSE = 0.5  # blocks whose text is mostly link text are menus, pagers or "related" lists

# Where each metadata field is found, by <meta name|property|itemprop>, lower-cased, best first.
_META_FIELDS = {
    "title": ("og:title", "twitter:title"),
    "date": (
        "article:published_time", "publishdate", "pubdate", "publish_date", "date",
        "datepublished", "dc.date", "dc.date.issued", "og:release_date",
    ),
    "author": ("author", "article:author", "dc.creator"),
    "publisher": ("source", "og:site_name", "contentsource", "publisher", "dc.publisher"),
}  # fmt: skip

_SOURCE_LABEL = re.compile(r"^来源\s*[:：]\s*")  # <meta name="source" content="来源：人民网">
_SITE_SUFFIX = re.compile(r"^(?P<head>.+?)\s*(?:-{1,2}|_|\||｜|—{1,2})\s*(?P<tail>[^-_|｜—]{1,12})$")
_DATE = r"(?P<date>(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
_LABELLED_DATE = re.compile(r"(?:(?:发布|发稿|发表|更新|出版)(?:日期|时间)|(?<!\w)(?:日期|时间))\s*[:：]\s*" + _DATE)
_TIMED_DATE = re.compile(_DATE + r"(?=\s*\d{1,2}[:：]\d{2})")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")  # what HTML collapses; keeps \u3000 and &nbsp;
# Pages declaring a GB2312/GBK subset routinely contain GBK-only characters.
_CHARSET_UPGRADES = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by a <meta charset> near the top of the page, if any."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _CHARSET_UPGRADES.get(name, name)


def extract(page: str) -> tuple[str, dict[str, str]]:
    """(article text with one paragraph a line, metadata) of an HTML page."""
    try:
        tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", page, count=1))
    except etree.ParserError:  # nothing but whitespace and comments
        return "", {}
    meta = _page_meta(tree)
    _drop_boilerplate(tree)
    root = _article_root(tree)
    if "date" not in meta and (date := _dateline(tree, root)):
        meta["date"] = date
    _drop_link_dense_blocks(root)
    return _block_text(root), meta


def _page_meta(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """Title, date, author and publisher from <meta> tags, else the title from <title>/<h1>."""
    values: dict[str, str] = {}
    for tag in tree.iter("meta"):
        key = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        content = " ".join((tag.get("content") or "").split())
        if key and content:
            values.setdefault(key, content)
    meta = {}
    for field, keys in _META_FIELDS.items():
        found = [values[k] for k in keys if k in values and _usable(field, values[k])]
        if found:
            meta[field] = found[0]
    if "publisher" in meta:
        meta["publisher"] = _SOURCE_LABEL.sub("", meta["publisher"])
    if "title" not in meta and (title := _page_title(tree)):
        meta["title"] = title
    return meta


def _page_title(tree: lxml_html.HtmlElement) -> str:
    """The <h1> that starts <title>, else <title> without trailing channel and site names
    (女儿出嫁……嫁妆--文化--人民网 → 女儿出嫁……嫁妆)."""
    title = " ".join((tree.findtext(".//title") or "").split())
    headings = (" ".join(h1.text_content().split()) for h1 in tree.iter("h1"))
    heading = max((h for h in headings if h and title.startswith(h)), key=len, default="")
    if heading:
        return heading
    while (match := _SITE_SUFFIX.match(title)) and len(match["head"]) > len(match["tail"]):
        title = match["head"]
    return title


def _usable(field: str, value: str) -> bool:
    """Rejects values like people.com.cn's numeric author ids; dates may be all digits."""
    return field == "date" or any(ch.isalpha() for ch in value)


def _dateline(tree: lxml_html.HtmlElement, root: lxml_html.HtmlElement) -> str:
    """A publication date written outside the article block: above it with a time of day or a
    label (2019-12-10 07:57, 发布日期：2019-03-06), below it only with a label, since lists of
    other articles down there carry their own dates and times."""
    inside = set(root.iter())
    above: list[str] = []
    below: list[str] = []
    past_article = False
    for node in tree.xpath("//text()"):  # document order; a label and its date may be split
        if node.getparent() in inside:
            past_article = True
        else:
            (below if past_article else above).append(node)
    for text, patterns in (("".join(above), (_LABELLED_DATE, _TIMED_DATE)), ("".join(below), (_LABELLED_DATE,))):
        for pattern in patterns:
            if match := pattern.search(text):
                return "".join(match["date"].split())
    return ""


def _drop_boilerplate(tree: lxml_html.HtmlElement) -> None:
    """Remove scripts, navigation, sidebars, comments and hidden elements, keeping their tails."""
    etree.strip_elements(tree, *_JUNK_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for element in tree.xpath(_HIDDEN):
        element.drop_tree()


def _article_root(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element holding the article: a semantic tag if present, else the densest text block."""
    semantic = tree.xpath("//article | //*[@itemprop='articleBody']") or tree.xpath("//main")
    if semantic:
        return max(semantic, key=lambda el: len(el.text_content()))
    scores: dict[lxml_html.HtmlElement, float] = {}
    for element in tree.iter("p", "div", "td"):
        # A <p> credits its container; div/td credit themselves for text written directly in them.
        if element.tag == "p":
            length, holder = len(element.text_content().strip()), element.getparent()
        else:
            length, holder = len(_own_text(element)), element
        for weight, candidate in ((1.0, holder), (0.5, holder.getparent() if holder is not None else None)):
            if candidate is not None and length:
                scores[candidate] = scores.get(candidate, 0.0) + weight * length
    body = tree.find("body")
    return max(scores, key=scores.__getitem__) if scores else (body if body is not None else tree)


def _own_text(element: lxml_html.HtmlElement) -> str:
    """Text written directly in an element (e.g. <br>-separated paragraphs), not in its children."""
    return ((element.text or "") + "".join(child.tail or "" for child in element)).strip()


def _drop_link_dense_blocks(root: lxml_html.HtmlElement) -> None:
    """Remove menus, pagers and link lists that sit inside the article container."""
    for element in list(root.iter(*_BLOCK_TAGS, *_CELL_TAGS)):
        if element is root or element.getparent() is None:
            continue
        text = len("".join(element.text_content().split()))
        links = sum(len("".join(a.text_content().split())) for a in element.iter("a"))
        if text and links / text > _LINK_DENSE:
            element.drop_tree()


def _block_text(root: lxml_html.HtmlElement) -> str:
    """Visible text of an element: a line per block, table cells tab-separated, <pre> kept as is."""
    parts: list[str] = []
    in_pre = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""  # comments have no text to show
        if event == "start":
            in_pre += tag == "pre"
            if tag in _BLOCK_TAGS or tag == "br":
                parts.append("\n")
            parts.append(_visible(element.text, in_pre) if tag else "")
            continue
        in_pre -= tag == "pre"
        parts.append("\t" if tag in _CELL_TAGS else "\n" if tag in _BLOCK_TAGS else "")
        if element is not root:
            parts.append(_visible(element.tail, in_pre))
    lines = (line.strip(" \t") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _visible(text: str | None, in_pre: int) -> str:
    """Text as a browser shows it: runs of HTML whitespace become one space outside <pre>."""
    if not text:
        return ""
    return text if in_pre else _HTML_SPACE.sub(" ", text)
