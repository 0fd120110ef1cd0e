"""Tables as sentences, so that a figure standing only in a table cell becomes citable text.

The loaders hand tables over as lines: DOCX and HTML rows tab-separated, Markdown rows as
``| a | b |`` with a ``| --- |`` separator row. ``render_tables`` rewrites each data row as one
sentence that reads its cells with their column headers, keyed by the row's first cell:

    县市区  慰问资金  慰问人数       (header row: dropped, its words live on in every row)
    夷陵区  312万元   4860人次   →  夷陵区：慰问资金312万元，慰问人数4860人次。

Rendered lines hold no tab and do not start with a pipe, so rendering rendered text changes nothing.
"""

from __future__ import annotations

import re

# What a number may be counted in when a header names the unit: 万人, 亿元, 人次, 元/人, %.
_MEASURES = (
    "平方公里|平方米|公里|千米|公顷|小时|分钟|人次|户次|件次|场次|元|人|名|位|家|个|份|项|次|户|件|"
    "所|场|期|批|天|岁|年|张|册|本|篇|条|座|间|台|套|辆|吨|亩|米|床|支|处|种|倍"
)
_UNIT = re.compile(rf"(?:单位[:：]\s*)?([十百千万亿]*(?:{_MEASURES})(?:/(?:{_MEASURES}))?|[十百千万亿]+|[%‰])")
# A caption giving the whole table's unit: 常州市技能人才等级分布（单位：人）.
_CAPTION_UNIT = re.compile(r"[(（]?\s*单位[:：]\s*([^()（）\s]+)\s*[)）]?\s*$")
# A header ending in a bracketed or slashed part that may be a unit: 参保人数(万人), 金额（单位：万元）, 占比/%.
_HEADER_UNIT = re.compile(r"(.*?)\s*(?:[(（]\s*(.+?)\s*[)）]|/\s*(\S+))")
# A header that counts in a measure word names its unit: 签订份数 → 份, 慰问人次 → 人次.
_COUNT_HEADER = re.compile(r"(?:([人户份家个次件场项所名座台辆套])数|(人次|户次|件次|场次))$")
_BARE_NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")
# A figure cell: a number with qualifiers and at most a short Chinese unit (约312万元, 95.1%, 1.4万人).
_FIGURE = re.compile(r"(?:约|近|超|逾)?[+-]?\d[\d,]*(?:\.\d+)?\s*(?:[%‰]|[\u4e00-\u9fff]{1,4})?")
# Column labels that look like figures but name a period: 2022年底, 2023, 3月份, 第一季度.
_PERIOD = re.compile(r"(?:19|20)\d{2}(?:年\S{0,6})?|\d{1,2}月份?|第?[一二三四1-4]季度")
_EMPTY = re.compile(r"[—–\-/\\]*")
_TOTAL = re.compile(r"(?:合|总|小|共)\s*计")
_INDEX_HEADER = re.compile(r"序号?|编号|no\.?", re.IGNORECASE)
# Headers that add nothing to the value: a "项目\t数量" row reads "工会组织：2277家".
_GENERIC_HEADERS = frozenset({
    "数量", "数值", "数据", "数目", "数额", "值", "内容", "主要内容", "具体内容", "情况", "说明", "备注", "详情", "明细", "结果",
})
_SEPARATOR_ROW = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")
_SOFT_END = "，,、；;：: "  # clause marks closing a cell: dropped, the joiner puts its own
_HARD_END = re.compile(r"[。！？!?…][”’」』)）\"']*$")  # a cell that already ends a sentence
_MAX_HEADER_CHARS = 20  # a longer first-row cell is running text, not a column label


def render_tables(text: str) -> str:
    """Rewrite every table block in text as one sentence per data row; other lines stay as they are."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        end, rows = _block_at(lines, i)
        caption = next((line for line in reversed(out) if line.strip()), "")
        rendered = _render(rows, _caption_unit(caption)) if rows else None
        out.extend(lines[i:max(end, i + 1)] if rendered is None else rendered)
        i = max(end, i + 1)
    return "\n".join(out)


# ---------------------------------------------------------------- finding table blocks

def _block_at(lines: list[str], start: int) -> tuple[int, list[list[str]]]:
    """(end, rows of equal width) of the table block starting at lines[start], or (start, [])."""
    for cells_of, align in ((_pipe_cells, _pipe_rows), (_tab_cells, _tab_rows)):
        end = start
        while end < len(lines) and len(cells_of(lines[end])) >= 2:
            end += 1
        if end - start >= 2:
            return end, align([cells_of(line) for line in lines[start:end]])
    return start, []


def _pipe_cells(line: str) -> list[str]:
    """Cells of a Markdown pipe row (``| a | b |``); [] for any other line."""
    line = line.strip()
    if not line.startswith("|") or line.count("|") < 2:
        return []
    inner = line[1:-1] if line.endswith("|") else line[1:]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _tab_cells(line: str) -> list[str]:
    """Cells of a tab-separated row; [] for a line without a tab."""
    return [cell.strip() for cell in line.split("\t")] if "\t" in line else []


def _pipe_rows(rows: list[list[str]]) -> list[list[str]]:
    """Markdown rows without the separator, cut or padded to the header's width as Markdown does."""
    rows = [row for row in rows if not _SEPARATOR_ROW.fullmatch("|".join(row))]
    if not rows:
        return []
    width = len(rows[0])
    return [(row + [""] * width)[:width] for row in rows]


def _tab_rows(rows: list[list[str]]) -> list[list[str]]:
    """Tab rows padded to one width.

    HTML extraction strips the edge tabs of a line, losing empty edge cells: a header one cell
    short has lost its empty top-left corner, a short data row its empty trailing cells.
    """
    width = max(map(len, rows))
    header = rows[0]
    if len(header) == width - 1:
        header = [""] + header
    return [row + [""] * (width - len(row)) for row in [header, *rows[1:]]]


# ---------------------------------------------------------------- reading rows

Header = tuple[str, str]  # (column name, unit moved onto bare numbers)


def _render(rows: list[list[str]], table_unit: str = "") -> list[str] | None:
    """A sentence per data row, or None when the block is no table (rows of one filled cell each:
    lines indented or closed by a tab). table_unit goes onto bare numbers whose column names none."""
    if len(rows) < 2 or sum(len(list(filter(None, row))) >= 2 for row in rows) < 2:
        return None
    named = _is_header(rows[0], rows[1])
    if named:
        rows = _without_index_column(rows)
        headers, rows = [_split_unit(cell, table_unit) for cell in rows[0]], rows[1:]
    else:
        headers = [("", table_unit)] * len(rows[0])  # no names: cells read alone
    return [line for row in rows if (line := _sentence(row, headers, named))]


def _caption_unit(line: str) -> str:
    """The unit a caption line above a table gives for all of it (单位：人), or ""."""
    match = _CAPTION_UNIT.search(line)
    unit = _UNIT.fullmatch(match.group(1)) if match else None
    return unit.group(1) if unit else ""


def _is_header(first: list[str], second: list[str]) -> bool:
    """Whether the first row labels the columns: short label cells, not mostly figures.

    A period label (2022年底) counts as a figure only when the row below has one in that column too.
    """
    if any(len(cell) > _MAX_HEADER_CHARS or _HARD_END.search(cell) for cell in first):
        return False
    pairs = [(cell, below) for cell, below in zip(first[1:], second[1:]) if cell]
    figures = sum(_is_figure(cell) and (not _PERIOD.fullmatch(cell) or bool(_PERIOD.fullmatch(below)))
                  for cell, below in pairs)
    return figures * 2 <= len(pairs)


def _is_figure(cell: str) -> bool:
    return _FIGURE.fullmatch(cell) is not None


def _without_index_column(rows: list[list[str]]) -> list[list[str]]:
    """Drop a leading 序号 column: the row is better keyed by the name next to it."""
    if len(rows[0]) > 2 and _INDEX_HEADER.fullmatch(rows[0][0]):
        return [row[1:] for row in rows]
    return rows


def _split_unit(header: str, table_unit: str = "") -> Header:
    """(name, unit) of a column header: 参保人数(万人) → (参保人数, 万人), 签订份数 → (签订份数, 份);
    县(市、区) names no unit, so its column takes the table's."""
    header = header.rstrip(_SOFT_END)
    match = _HEADER_UNIT.fullmatch(header)
    unit = _UNIT.fullmatch(match.group(2) or match.group(3)) if match else None
    if match and unit:
        return match.group(1), unit.group(1)
    counted = _COUNT_HEADER.search(header)
    return header, ((counted.group(1) or counted.group(2)) if counted else table_unit)


def _sentence(row: list[str], headers: list[Header], named: bool) -> str:
    """One data row as a sentence: `key：name value，name value。` (named columns) or `key，value。`;
    a 合计 row always reads `合计：…`; "" for a row with nothing in it."""
    key = _cell(row[0])
    total = _TOTAL.fullmatch(key) is not None
    key = re.sub(r"\s+", "", key) if total else key  # 合 计 → 合计
    values = [_read(cell, header) for cell, header in zip(map(_cell, row[1:]), headers[1:]) if cell]
    if not values:
        return "" if total else key  # a label row (一、困难职工) still says what follows
    if named or total:
        return f"{key}：{_join(values)}" if key else _join(values)
    return _join([key, *values] if key else values)


def _cell(cell: str) -> str:
    """A cell's text without closing clause marks; "" for an empty or dash-only cell."""
    cell = cell.strip().rstrip(_SOFT_END)
    return "" if _EMPTY.fullmatch(cell) else cell


def _read(cell: str, header: Header) -> str:
    """A cell read with its column header: 312 under 金额(万元) → 金额312万元."""
    name, unit = header
    if unit and _BARE_NUMBER.fullmatch(cell):
        cell += unit
    if not name or name in _GENERIC_HEADERS or cell.startswith(name):
        return cell
    # A label ending in a digit or letter would run into a value starting with one: "2023 15.2".
    glue = " " if name[-1].isascii() and name[-1].isalnum() and cell[0].isascii() and cell[0].isalnum() else ""
    return name + glue + cell


def _join(parts: list[str]) -> str:
    """Parts joined by ，and closed by 。, without doubling a sentence end a part already has."""
    text = parts[0]
    for part in parts[1:]:
        text += ("" if _HARD_END.search(text) else "，") + part
    return text if _HARD_END.search(text) else text + "。"
