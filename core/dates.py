"""Dates of events as union news writes them, resolved against the article's own date.

Reports date what happened in many ways: 2024年3月, 4月17日至21日, 上半年, 去年, 今年以来. A reader
resolves the relative ones against when the article appeared; so does `event_dates`, and it keeps how
it did so (`EventDate.resolution`) so a timeline can show its working. Vague spans (近年来, 近日) are
not dates of anything and are left out.

>>> [d.label for d in event_dates("去年3月，市总工会启动了职工书屋建设。", "2024-05-06")]
['2023年3月']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_RELATIVE_YEAR = {"前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "明年": 1}
# Where in a year a part of it starts (its month) and how it is written out.
_PARTS = {"上半年": (1, "上半年"), "下半年": (7, "下半年"), "年初": (1, "年初"), "年中": (6, "年中"),
          "年底": (12, "年底"), "年末": (12, "年末"), "一季度": (1, "一季度"), "二季度": (4, "二季度"),
          "三季度": (7, "三季度"), "四季度": (10, "四季度"), "前三季度": (1, "前三季度"), "以来": (1, "以来")}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE = re.compile(
    r"(?<![\d〇零一二三四五六七八九])"
    r"(?:(?P<year>\d{4}|[〇零一二三四五六七八九]{4})年|(?P<rel>前年|去年|上年|今年|本年|明年))?"
    r"(?:(?<=年)(?P<edge>[初底末])|第?(?P<part>上半年|下半年|年初|年中|年底|年末|前三季度|[一二三四]季度|以来)"
    rf"|(?P<month>{_NUM})月(?:份)?(?:(?P<day>{_NUM})[日号])?"
    rf"(?:(?:至|到|—|－|-|~|～)(?:(?P<month2>{_NUM})月)?(?P<day2>{_NUM})[日号])?)?"
    r"(?![个余多])")
# 较2021年增长, 由2022年底的29.4%提高到: a year a change is measured from, not the date of an event.
_BASELINE = re.compile(r"(?:较|比|由|相比|同比|与)$")
_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class EventDate:
    """A date written in a text: its span, how it reads resolved, a sort key, and how it was resolved."""

    start: int
    end: int
    raw: str  # as written: 去年3月
    label: str  # resolved: 2023年3月
    key: str  # sortable: 2023-03-00 (00 where the text gives no month or day)
    resolution: str = ""  # for relative dates: 去年3月 → 2023年3月（按发稿日期2024-05-06推算）

    @property
    def relative(self) -> bool:
        return bool(self.resolution)


def _number(text: str) -> int:
    """12, 十二, 二〇二四 as an int."""
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGIT for ch in text) and "十" not in text:
        return int("".join(str(_CN_DIGIT[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def published_parts(published: str) -> tuple[int, int, int] | None:
    """(year, month, day) of an article date such as 2023-04-29 or 2023 (0 where unknown)."""
    m = _PUBLISHED.match(published or "")
    return (int(m[1]), int(m[2] or 0), int(m[3] or 0)) if m else None


def _read(m: re.Match, published: tuple[int, int, int] | None) -> EventDate | None:
    month = _number(m["month"]) if m["month"] else 0
    day = _number(m["day"]) if m["day"] else 0
    if not (m["year"] or m["rel"] or m["part"] or m["edge"] or month) or month > 12 or day > 31:
        return None
    if m["part"] == "以来" and not (m["year"] or m["rel"]):
        return None  # 近年以来, 多年以来: no year to start from
    relative = not m["year"]
    if m["year"]:
        year = _number(m["year"])
        if not 1949 <= year <= 2100:
            return None
    elif published is None:
        return None  # 去年, 上半年, 3月 without an article date cannot be placed
    elif m["rel"]:
        year = published[0] + _RELATIVE_YEAR[m["rel"]]
    else:
        # A bare month later than the article's month is last year's (a January report on 12月).
        later = bool(month and published[1] and (month, day) > (published[1], published[2] or 31))
        year = published[0] - (1 if later else 0)
    part_name = "年" + m["edge"] if m["edge"] else m["part"]
    if part_name:
        start_month, part = _PARTS[part_name]
        label = f"{year}{part}" if part.startswith("年") else f"{year}年{part}"
        key = f"{year:04d}-{start_month:02d}-00"
    elif month:
        span = ""
        if m["day2"]:
            span = f"至{_number(m['month2'])}月{_number(m['day2'])}日" if m["month2"] else f"至{_number(m['day2'])}日"
        label = f"{year}年{month}月" + (f"{day}日" if day else "") + span
        key = f"{year:04d}-{month:02d}-{day:02d}"
    else:
        label, key = f"{year}年", f"{year:04d}-00-00"
    resolution = ""
    if relative and published is not None:
        shown = "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate(published) if v)
        resolution = f"“{m.group()}”按发稿日期{shown}推算为{label}"
    return EventDate(m.start(), m.end(), m.group(), label, key, resolution)


def event_dates(text: str, published: str = "") -> list[EventDate]:
    """The dates of events a text names, in reading order; relative ones resolved against `published`."""
    when = published_parts(published)
    return [d for m in _DATE.finditer(text)
            if m.group() and not _BASELINE.search(text, 0, m.start()) and (d := _read(m, when))]
