"""Chinese number understanding: read written figures, find them in text, compare them.

A *figure* is a number as news text writes it, with its measure word: "54家", "35万元",
"百分之八十四点八", "超8000人", "1.2万余名". Values are normalised ("35万元" → 350000 元,
"百分之八十四点八" → 84.8 %), so different written forms of one figure compare equal.

Decisions worth knowing:
- Dates are not counts. "4 月17 日", "4月30日" and times ("09:23") yield no figure; a date that
  carries a year ("2023-04-29", "2023年08月31日", "18.05.2016") yields only its year, as a
  figure with unit 年, because "which year" questions are answered by it.
- Names built from numbers ("1+3+N", "5+N") and ordinals ("第一名", "第04版") are not figures.
- Chinese-numeral runs count only when a measure word or 百分之 marks them as a figure, so
  words such as 一线 / 十三五 / 两学一做 are not read as numbers.
- Approximation words (超, 近, 余, 多, 以上, 左右 ...) go to `Figure.approx` and are ignored
  when comparing: "超8000人" matches "8000人".
- Units compare by class: 名/位 are 人; an empty unit matches any unit ("54" matches "54家").
- Traditional forms (萬, 億, 兩, 點, 餘, 個 ...) and full-width characters are read like their
  simplified / half-width forms; offsets always index the text as given.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an

logger = logging.getLogger(__name__)

_TRADITIONAL = str.maketrans(
    "萬億兩點餘個處場張項冊戶條臺間輛屆種約過幾貳參陸時鐘",
    "万亿两点余个处场张项册户条台间辆届种约过几贰叁陆时钟",
)
_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_NUMERAL = _CN_DIGITS + "十百千万亿拾佰仟"
_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000)}
# Longest first: the regex alternation takes the first unit that matches.
_UNITS = (
    "平方公里", "平方米", "公里", "千米", "个工作日", "工作日", "个小时", "小时", "分钟", "个月", "人次",
    "元", "%", "家", "人", "名", "位", "个", "处", "场", "年", "张", "册", "次", "项", "期",
    "天", "岁", "户", "件", "所", "种", "批", "条", "支", "座", "台", "套", "份", "本", "间",
    "辆", "届", "版", "倍", "篇", "部", "块", "米",
)
_UNIT_CLASS = {"名": "人", "位": "人", "个工作日": "工作日", "个小时": "小时", "个月": "月"}
_APPROX_BEFORE = "超过|超出|将近|接近|大约|超|近|约|逾"
_APPROX_AFTER = "以上|左右|上下|余|多"

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = rf"[{_CN_NUMERAL}]+(?:点[{_CN_DIGITS}]+[万亿]?)?"
_FIGURE = re.compile(
    rf"(?P<before>{_APPROX_BEFORE})?"
    rf"(?P<percent>百分之)?"
    rf"(?:(?P<arabic>{_ARABIC})|(?P<chinese>{_CHINESE}))"
    rf"(?P<mid>余|多)?"
    rf"(?P<mult>(?<=\d)[万亿千]|(?<=[余多])[万亿])?"
    rf"(?P<after>余|多)?"
    rf"(?:[ \u3000]?(?P<unit>{'|'.join(map(re.escape, _UNITS))}))?"
    rf"(?P<tail>{_APPROX_AFTER})?"
)
# Spans that look numeric but are not counts; a date with a year keeps the year (group "year").
_NOT_FIGURES = re.compile(
    r"(?P<year>\d{4})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|(?P<iso>\d{4})-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\.\d{1,2}\.(?P<dotted>\d{4})"
    r"|(?<!\d)\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号](?:\s*[至到\-~]\s*\d{1,2}\s*[日号])?)?"
    r"|(?<!\d)\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d+(?:\s*\+\s*(?:\d+|[A-Za-z]))+"
)


@dataclass(frozen=True)
class Figure:
    """A figure found in text: normalised value and unit, and where it was written."""

    value: float
    unit: str  # measure word after removing the multiplier: "万元" → "元", "百分之" → "%"
    raw: str  # the text as written, qualifiers included
    start: int
    end: int
    approx: str = ""  # qualifiers such as "超", "近", "余", "以上", joined by "、"


def fold(text: str) -> str:
    """Full-width → half-width and traditional numerals/units → simplified, keeping every offset."""
    chars = (unicodedata.normalize("NFKC", c) for c in text)
    return "".join(c if len(c) == 1 else orig for c, orig in zip(chars, text)).translate(_TRADITIONAL)


def _chinese_value(run: str) -> Decimal | None:
    """Value of a Chinese-numeral run such as 三十五万 or 一百一十五点九二万; None if not a number."""
    if run[0] in "十拾":
        run = "一" + run  # cn2an rejects some runs led by 十 ("十点五"); 一十 reads the same
    try:
        return Decimal(str(cn2an.cn2an(run, "normal")))
    except (ValueError, KeyError, IndexError, InvalidOperation) as exc:
        logger.debug("cn2an cannot read %r: %s", run, exc)
    if run[-1] in "万亿" and len(run) > 1:
        head = _chinese_value(run[:-1])  # cn2an cannot read "一百一十五点九二万" in one go
        return None if head is None else head * _MULTIPLIERS[run[-1]]
    return None


def _match_value(m: re.Match[str]) -> Decimal | None:
    """The number a figure match denotes, multiplier applied."""
    if m["arabic"]:
        value = Decimal(m["arabic"].replace(",", ""))
    elif m["chinese"][0] in "万亿千百佰仟":
        return None  # "万名党员", "千家": names of campaigns, not counts
    else:
        value = _chinese_value(m["chinese"])
        if value is None:
            return None
    return value * _MULTIPLIERS[m["mult"]] if m["mult"] else value


def _qualifiers(m: re.Match[str]) -> str:
    return "、".join(q for q in (m["before"], m["mid"], m["after"], m["tail"]) if q)


def _figure(m: re.Match[str], text: str) -> Figure | None:
    """Turn one regex match into a Figure, or None when it is not a figure."""
    if m["chinese"] and not (m["unit"] or m["percent"]):
        return None
    value = _match_value(m)
    if value is None:
        return None
    unit = "%" if m["percent"] else (m["unit"] or "")
    return Figure(float(value), unit, text[m.start() : m.end()], m.start(), m.end(), _qualifiers(m))


def _masked_spans(folded: str) -> tuple[list[tuple[int, int]], list[Figure]]:
    """Spans that hold no counts, and the year figures that dates carry."""
    spans, years = [], []
    for m in _NOT_FIGURES.finditer(folded):
        spans.append(m.span())
        group = next((g for g in ("year", "iso", "dotted") if m[g]), None)
        if group:
            s, e = m.span(group)
            years.append(Figure(float(m[group]), "年", folded[s:e], s, e))
    return spans, years


def extract_figures(text: str) -> list[Figure]:
    """Every figure written in `text`, in order of position."""
    return list(_figures(text))


@lru_cache(maxsize=8192)  # the answerer's features and vetoes read each candidate sentence's figures ~5 times
def _figures(text: str) -> tuple[Figure, ...]:
    folded = fold(text)
    masked, figures = _masked_spans(folded)
    pos = 0
    while (m := _FIGURE.search(folded, pos)) is not None:
        pos = m.end() if m.end() > m.start() else m.start() + 1
        if any(s < m.end() and m.start() < e for s, e in masked):
            pos = max(pos, max(e for s, e in masked if s < m.end() and m.start() < e))
            continue
        if m.start() > 0 and folded[m.start() - 1] == "第":
            continue  # ordinals
        figure = _figure(m, folded)
        if figure is not None:
            figures.append(Figure(figure.value, figure.unit, text[figure.start : figure.end],
                                  figure.start, figure.end, figure.approx))
    return tuple(sorted(figures, key=lambda f: f.start))


def normalise_figure(s: str) -> tuple[float, str] | None:
    """(value, unit) when `s` is exactly one figure ("35万元" → (350000.0, "元")), else None."""
    folded = fold(s).strip()
    if not folded:
        return None
    year = re.fullmatch(r"(\d{4})\s*年", folded)
    if year:
        return float(year[1]), "年"
    m = _FIGURE.fullmatch(folded)
    if m is None or not (m["arabic"] or m["chinese"]):
        return None
    if m["chinese"] and not (m["unit"] or m["percent"]):
        value = _match_value(m)  # a bare Chinese numeral given on its own is a number: "十二"
        return None if value is None else (float(value), "")
    figure = _figure(m, folded)
    return None if figure is None or figure.end != len(folded) else (figure.value, figure.unit)


def parse_number(s: str) -> float | None:
    """The number `s` writes ("三十五万" → 350000, "84.8%" → 84.8); None if it is not one number."""
    figure = normalise_figure(s)
    return None if figure is None else figure[0]


def unit_class(unit: str) -> str:
    """名 and 位 count people, like 人; 个小时 is 小时."""
    return _UNIT_CLASS.get(unit, unit)


def _figures_equal(a: tuple[float, str], b: tuple[float, str]) -> bool:
    same_value = math.isclose(a[0], b[0], rel_tol=1e-9, abs_tol=1e-9)
    same_unit = not a[1] or not b[1] or unit_class(a[1]) == unit_class(b[1])
    return same_value and same_unit


def same_figure(a: str, b: str) -> bool:
    """Whether two written figures denote the same quantity ("35万元" == "三十五万元")."""
    fa, fb = normalise_figure(a), normalise_figure(b)
    return fa is not None and fb is not None and _figures_equal(fa, fb)


def figure_in_text(figure: str, text: str) -> bool:
    """Whether `figure`, in any written form, occurs in `text` as a whole figure ("54" is not in "540")."""
    wanted = normalise_figure(figure)
    if wanted is None:
        return False
    return any(_figures_equal(wanted, (f.value, f.unit)) for f in extract_figures(text))
