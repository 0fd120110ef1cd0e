"""Read title, date, publisher, author and edition from a cleaned article.

``extract_metadata(cleaned, hints, raw=raw_text)``: title, date and author come from the cleaned
text (the cleaner keeps titles, datelines and bylines); publisher and edition fall back to the raw
page, because they often sit only in site chrome the cleaner drops (``Copyright © 2011 四川工人日报…``,
breadcrumbs, ``第04版 上一期 下一期``). Metadata from the file format (``hints``: HTML <title>, date
metas) wins over anything read from the text.
"""

from __future__ import annotations

import re
from datetime import date

from core.text import CJK, SENTENCE_MARK, YEAR_DIGITS
from ingest.clean import fix_characters

HEADER_LINES = 12  # titles, datelines and bylines sit above the body
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?<![\d.])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d.])"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?![\d.])"),  # 18.05.2016
)
# Years as the body mentions them; "到2035年" is a target, not the time of writing.
_YEAR = re.compile(rf"(?<![到至\d])({YEAR_DIGITS})\s*年(?!代)")
_EDITION = re.compile(r"第\s*([A-Z]?\d{1,3})\s*版")
_SOURCE = re.compile(r"来源\s*[:：]\s*《?([^》\s,，。)]+)")
_PUBLICATION = rf"[{CJK}]{{2,}}?(?:日报|晚报|早报|时报|商报|报|新闻网|网|杂志|电视台)"
_COPYRIGHT = re.compile(rf"(?:©|copyright)\s*(?:\d{{4}}(?:-\d{{4}})?)?\s*[^{CJK}]*?({_PUBLICATION})", re.IGNORECASE)
_BREADCRUMB = re.compile(rf"^({_PUBLICATION})\s*(?:>|»|›)")
_LABEL = re.compile(r"^【?(摘要|来源|时间|日期|发布时间|作者|编辑|责编|记者|通讯员|关键词|出处)】?\s*[:：]")
_NAME = rf"[{CJK}]{{2,4}}"
_REPORTER = re.compile(rf"[(（]\s*(?:本报)?记者\s*({_NAME}(?:\s+{_NAME})*)\s*[)）]")
_BYLINE = re.compile(rf"^((?:{_NAME}\s+)*{_NAME})\s*(?:文/图|图/文|文/摄|文)$")
_ROLE_BYLINE = re.compile(rf"^.{{2,30}}(?:主席|书记|主任|局长|部长|处长|会长|教授|记者|经理|委员)\s+({_NAME})$")
_ORG_BYLINE = re.compile(rf"^[{CJK}]{{2,20}}(?:总工会|工会|委员会|协会|研究院|研究所|办公室)$")


def parse_date(text: str) -> str:
    """The first valid full date in text as ISO YYYY-MM-DD, or "" (2023年08月31日, 2023-04-29, 18.05.2016)."""
    found = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                found.append((m.start(), date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()))
            except ValueError:
                continue
    return min(found)[1] if found else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _dated(lines: list[str]) -> str:
    """Date of a dateline in the header, else in the last lines (some sites sign off with it)."""
    for line in lines[:HEADER_LINES] + lines[-3:]:
        if len(line) <= 80 and (iso := parse_date(line)):
            return iso
    return ""


def infer_year(text: str, today: date | None = None) -> str:
    """The most recent past year the body mentions (…2023年…), or ""."""
    limit = (today or date.today()).year
    years = [int(y) for y in _YEAR.findall(text) if int(y) <= limit]
    return str(max(years)) if years else ""


_COLUMN_TAG = re.compile(r"^【[^】]{2,8}】(?=[^】]{4,})")


def _is_title_like(line: str) -> bool:
    return (
        4 <= len(line) <= 60
        and not SENTENCE_MARK.search(line)
        and not line.startswith(("——", "【", "("))
        and not _LABEL.match(line)
        and not parse_date(line)
        and not _author_of(line)
        and bool(re.search(f"[{CJK}]", line))
    )


def _seo_title(line: str) -> str:
    """For "section_title_collection" headings (003), the title segment: the longest but the last."""
    parts = line.split("_")
    if len(parts) < 2 or " " in line or not all(parts):
        return ""
    return max(parts[:-1], key=len)


def _title(lines: list[str]) -> tuple[str, int]:
    """(title, its line index) from the header, or ("", -1).

    Order: a kicker line ending with "——" announces the main title on the next line; a
    "section_title_collection" line is the article's own heading and beats a page headline above
    it; otherwise the first short line without a sentence end that is not a label or dateline.
    """
    # "【工会简讯】未央区…": a column tag before the headline is not part of it
    header = [_COLUMN_TAG.sub("", line) for line in lines[:HEADER_LINES]]
    for i, line in enumerate(header[:-1]):
        if line.endswith("——") and _is_title_like(header[i + 1]):
            return header[i + 1], i + 1
    for i, line in enumerate(header):
        if _is_title_like(line) and (seo := _seo_title(line)):
            return seo, i
    return next(((line, i) for i, line in enumerate(header) if _is_title_like(line)), ("", -1))


def _author_of(line: str) -> str:
    """The author a byline names: "高贵富 付华 文/图", "…主席 陈健", an organisation, or ""."""
    for pattern in (_BYLINE, _ROLE_BYLINE):
        if m := pattern.match(line):
            return m.group(1)
    return line if _ORG_BYLINE.match(line) else ""


def _author(lines: list[str], title_at: int) -> str:
    """A byline within three lines under the title, else a "(记者 X)" credit anywhere."""
    for line in lines[title_at + 1:title_at + 4] if title_at >= 0 else []:
        if author := _author_of(line):
            return author
        if re.fullmatch(_NAME, line):  # a name alone on its line under the title (004: 李娜)
            return line
    m = _REPORTER.search("\n".join(lines))
    return m.group(1) if m else ""


def _publisher(lines: list[str]) -> str:
    """The paper or site: a 来源 credit, else a copyright notice, else a breadcrumb's first item."""
    text = "\n".join(lines)
    for pattern in (_SOURCE, _COPYRIGHT):
        if m := pattern.search(text):
            return m.group(1)
    return next((m.group(1) for line in lines[:HEADER_LINES] if (m := _BREADCRUMB.match(line))), "")


def _edition(lines: list[str]) -> str:
    m = _EDITION.search("\n".join(lines[:HEADER_LINES]))
    return f"第{m.group(1)}版" if m else ""


def extract_metadata(text: str, hints: dict[str, str] | None = None, raw: str | None = None) -> dict[str, str]:
    """Metadata of a cleaned article: title, date, date_inferred, publisher, author, edition.

    text: output of ``clean_text``. raw: the text before cleaning, optional; it is read (after
    ``fix_characters``) for publisher and edition when the cleaned text lacks them. hints: metadata
    the file format carried; non-empty values win. ``date`` is ISO ``YYYY-MM-DD``, or ``YYYY`` with
    ``date_inferred`` = "1" when no dateline exists and the year is the latest one the body mentions.
    """
    lines = _lines(text)
    page = _lines(fix_characters(raw)) if raw else lines
    title, title_at = _title(lines)
    dated = _dated(lines)
    year = "" if dated else infer_year(text)
    meta = {
        "title": title,
        "date": dated or year,
        "date_inferred": "1" if year else "",
        "publisher": _publisher(lines) or _publisher(page),
        "author": _author(lines, title_at),
        "edition": _edition(lines) or _edition(page),
    }
    for key, value in (hints or {}).items():
        if key in meta and value and value.strip():
            meta[key] = value.strip()
            if key == "date":
                meta["date"] = parse_date(value) or value.strip()
                meta["date_inferred"] = ""
    return meta
