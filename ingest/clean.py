"""Clean scraped Chinese news text: repair damaged characters, drop site chrome, go simplified.

Two layers, in this order (``clean_text``):

1. Character fixes (``fix_characters``) on the text *as scraped*:
   ``repair_gbk_shift`` → ``drop_placeholders`` → ``strip_pinyin`` → ``normalize_unicode`` → ``to_simplified``.
   The repair re-encodes characters to GBK bytes, so it must see them before NFKC or t2s change any;
   NFKC also folds full-width ``？``/``！`` into the ASCII marks that the placeholder and repair rules
   read as damage, so those rules run first. ``normalize_unicode`` also turns radical code points into
   the characters they stand for (``core.radicals``: ``⻋间⻓`` → ``车间长``, as Chromium-printed PDFs
   carry them), one code point for one; after the repair, since GBK has radicals too (⺁ is FE 50 in
   GB18030) that a shifted run may hold as damaged bytes.
2. Line rules on the fixed (NFKC, simplified) text, so each cue word needs only one spelling:
   ``render_tables`` → ``drop_spam_lists`` → ``drop_boilerplate_lines`` → tidy (strip lines, drop
   repeats, collapse blanks). Tables are read into sentences first: their rows are short lines
   without sentence ends, which the furniture and boilerplate rules would otherwise take for site chrome.

Plausibility of a repair is judged with jieba's dictionary: a repair is kept only when the
simplified result is covered by more multi-character dictionary words than the damaged text.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain

import jieba

from core.documents import PAGE_BREAK
from core.text import CJK, SENTENCE_MARK, normalize_unicode, to_simplified
from ingest.tables import render_tables

_PUA = "\ue000-\uf8ff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_CHARS = f"a-zA-Zü{_TONED}\u0300-\u036f"
_PINYIN_ANNOTATION = re.compile(rf"(?<=[{CJK}])\(([{_PINYIN_CHARS}]{{1,7}})\)")
_RESIDUE = re.compile(rf"\?([{_PINYIN_CHARS}]{{1,7}})\)")
_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4}")


# ---------------------------------------------------------------- character fixes

@lru_cache(maxsize=1)
def _pinyin_readings() -> dict[str, str]:
    """Toned syllable → the characters read so (pypinyin's table), built once."""
    from pypinyin.pinyin_dict import pinyin_dict  # lazily: only damaged text needs the 40k-entry table

    readings: dict[str, list[str]] = defaultdict(list)
    for code, value in pinyin_dict.items():
        for syllable in value.split(","):
            readings[syllable].append(chr(code))
    return {syllable: "".join(chars) for syllable, chars in readings.items()}


def _toneless(syllable: str) -> str:
    # Keep U+0308 so that ü survives losing its tone mark.
    decomposed = unicodedata.normalize("NFD", syllable)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c == "\u0308" or not unicodedata.combining(c)))


@lru_cache(maxsize=1)
def _toneless_syllables() -> frozenset[str]:
    # One-letter syllables (a, e, n, m) are left out: "(a)" is far likelier a list marker.
    return frozenset(s for s in map(_toneless, _pinyin_readings()) if len(s) > 1)


def is_pinyin(token: str) -> bool:
    """Whether a Latin token reads as one pinyin syllable (tone-marked, with ü, or a known toneless one)."""
    if sum(c.isupper() for c in token) > 1:  # ABC-style acronyms
        return False
    lowered = unicodedata.normalize("NFC", token.lower())
    return lowered in _pinyin_readings() or _toneless(lowered) in _toneless_syllables()


def strip_pinyin(text: str) -> str:
    """Drop pinyin readings after characters: 國(guó) → 國; keeps (左七), (2016), (ABC)."""
    return _PINYIN_ANNOTATION.sub(lambda m: "" if is_pinyin(m.group(1)) else m.group(0), text)


@lru_cache(maxsize=1)
def _word_freq() -> dict[str, int]:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ


def _is_cjk(char: str) -> bool:
    return bool(re.fullmatch(f"[{CJK}]", char))


def _word_score(text: str) -> int:
    """Characters of the simplified text covered by multi-character dictionary words."""
    freq = _word_freq()
    words = jieba.dt.cut(to_simplified(text), HMM=False)
    return sum(len(w) for w in words if len(w) > 1 and all(map(_is_cjk, w)) and freq.get(w, 0) > 0)


@lru_cache(maxsize=65536)
def _simplified_char(char: str) -> str:
    return to_simplified(char)


def _best_word_freq(prefix: str, char: str) -> int:
    """Frequency of the commonest dictionary word ending with char after the (simplified) prefix."""
    freq = _word_freq()
    tail = prefix + _simplified_char(char)
    return max((freq.get(tail[-k:], 0) for k in range(2, len(tail) + 1)), default=0)


def _without_readings(text: str) -> str:
    return _RESIDUE.sub("", _PINYIN_ANNOTATION.sub("", text))


def _context(text: str, start: int, end: int, width: int = 3) -> tuple[str, str]:
    """A few characters either side of text[start:end], pinyin readings and residue left out."""
    return _without_readings(text[max(0, start - 20):start])[-width:], _without_readings(text[end:end + 20])[:width]


def _gbk_pairs(data: bytes) -> str | None:
    """Decode strictly as two-byte GBK pairs; None when a pair is not one character."""
    out = []
    for i in range(0, len(data), 2):
        try:
            char = data[i:i + 2].decode("gb18030")
        except UnicodeDecodeError:
            return None
        if len(char) != 1:
            return None
        out.append(char)
    return "".join(out)


def _likeliest(before: str, chars: Iterable[str]) -> str:
    """The candidate that ends the commonest dictionary word after before, or "" when none makes one."""
    best, best_freq, prefix = "", 0, to_simplified(before[-3:])
    for char in chars:
        freq = _best_word_freq(prefix, char)
        if freq > best_freq:
            best, best_freq = char, freq
    return best


@lru_cache(maxsize=256)
def _ideographs_led_by(lead: int) -> tuple[str, ...]:
    decoded = (_gbk_pairs(bytes((lead, trail))) for trail in chain(range(0x40, 0x7F), range(0x80, 0xFF)))
    return tuple(c for c in decoded if c and _is_cjk(c))


def _reshift(lead: int, run: str) -> tuple[str, int | None] | None:
    """The run decoded from a lost lead byte on, plus the byte left dangling where it was cut;
    None if it does not decode to ideographs and punctuation."""
    try:
        data = bytes((lead,)) + run.encode("gb18030")
    except UnicodeEncodeError:
        return None
    if any(len(c.encode("gb18030")) > 2 for c in run):
        return None
    repaired = _gbk_pairs(data[:len(data) // 2 * 2])
    if repaired is None or not all(_is_cjk(c) or not c.isalnum() for c in repaired):
        return None
    return repaired, (data[-1] if len(data) % 2 else None)


# A shifted run: ideographs (and PUA, where GBK's user areas land), optionally closed by the
# one-byte char (0x40–0x7E) at which the misalignment resynchronises.
_SHIFTED_RUN = re.compile(rf"[{CJK}{_PUA}]+[\x40-\x7e]?")
# "!" is the lost 0xA1 lead byte (high bit stripped); "?pinyin)" marks a lost byte of unknown value.
_SHIFT_TRIGGER = re.compile(rf"!|\?[{_PINYIN_CHARS}]{{1,7}}\)")


def _repair_at(text: str, trigger: re.Match[str]) -> tuple[int, str] | None:
    """(end of run, repaired run) for the run after a trigger, when a repair is more plausible.

    Each possible lost lead byte is tried (only 0xA1 after "!"); a byte left dangling where the
    run was cut begins the character that completes a dictionary word, or is dropped. The single
    best-reading candidate wins if it reads better than the damaged run.
    """
    run = _SHIFTED_RUN.match(text, trigger.end())
    if not run:
        return None
    left, right = _context(text, trigger.start(), run.end())
    leads = [0xA1] if trigger.group() == "!" else range(0x81, 0xFF)
    scored: dict[str, int] = {}
    for lead in leads:
        if decoded := _reshift(lead, run.group()):
            repaired, dangling = decoded
            if dangling is not None:
                repaired += _likeliest(left + repaired, _ideographs_led_by(dangling))
            scored[repaired] = _word_score(left + repaired + right)
    best = max(scored.values(), default=0)
    winners = [c for c, score in scored.items() if score == best]
    if len(winners) != 1 or best <= _word_score(left + run.group() + right):
        return None
    return run.end(), winners[0]


def repair_gbk_shift(text: str) -> str:
    """Undo GBK one-byte-shift mojibake: `!痹陂_展` → `!”在開展`; clean text is left as it is.

    The damaged run after a trigger is re-encoded to GBK, given back its lost lead byte and decoded
    again; a byte left dangling where the run was cut is completed to the character that makes a
    dictionary word with what precedes it, or dropped.
    """
    out, pos = [], 0
    for trigger in _SHIFT_TRIGGER.finditer(text):
        if trigger.start() < pos:
            continue
        repaired = _repair_at(text, trigger)
        if repaired:
            end, run = repaired
            out.append(text[pos:trigger.end()] + run)
            pos = end
    return "".join(out) + text[pos:]


def _neighbour_chars(text: str, start: int, end: int) -> tuple[str, str]:
    left, right = _context(text, start, end, width=1)
    return (left if left and _is_cjk(left) else ""), (right if right and _is_cjk(right) else "")


def _restore_lost_char(match: re.Match[str]) -> str:
    """A "?reading)" residue is a character lost at the source: restore it when its reading and the
    preceding character make a dictionary word that is not already there; otherwise drop it."""
    reading = unicodedata.normalize("NFC", match.group(1).lower())
    prev, nxt = _neighbour_chars(match.string, match.start(), match.end())
    candidates = _pinyin_readings().get(reading, "")
    already_a_word = bool(nxt) and _best_word_freq(to_simplified(prev), nxt) > 0
    if not prev or not candidates or prev in candidates or already_a_word:
        # No anchor; or it is the preceding character's own reading that lost its "(";
        # or the neighbours make a word with nothing missing between them.
        return ""
    return _likeliest(prev, candidates)


_PLACEHOLDER_MARKS = re.compile(f"[{_PUA}\ufffd]|\\?{{2,}}")
# A lone ASCII "?" before an ideograph stands for a lost character, unless a question word precedes it.
_GLUED_QUESTION_MARK = re.compile(rf"(?<![吗嗎呢么麼嘛吧啊呀何谁誰哪几幾少])\?(?=[{CJK}])")


def drop_placeholders(text: str) -> str:
    """Remove `?` residue of lost characters (`?qǐng)`, `?月`, `??`), PUA and U+FFFD; keep `？`."""
    text = _RESIDUE.sub(lambda m: _restore_lost_char(m) if is_pinyin(m.group(1)) else m.group(0), text)
    text = _PLACEHOLDER_MARKS.sub("", text)
    return _GLUED_QUESTION_MARK.sub("", text)


def fix_characters(text: str) -> str:
    """The character-level half of cleaning: mojibake, residue, pinyin, NFKC and radicals, simplified."""
    return to_simplified(normalize_unicode(strip_pinyin(drop_placeholders(repair_gbk_shift(text)))))


# ---------------------------------------------------------------- line rules

_LIST_SEP = "|｜丨"
# Five or more short, digit-free items in a row: keyword/place-name spam, never a table of figures.
_SPAM_RUN = re.compile(rf"(?:[^\s\d{_LIST_SEP},。:]{{1,8}}\s*[{_LIST_SEP}]\s*){{5,}}[^\s\d{_LIST_SEP},。:]{{0,8}}")


def drop_spam_lists(text: str) -> str:
    """Remove keyword/place-name spam (`红安县| 乌拉特前旗| 肇庆市| ...`), wherever it sits in a line."""
    lines = []
    for line in text.split("\n"):
        cut = _SPAM_RUN.sub("", line)
        if cut == line or cut.strip():
            lines.append(cut)
    return "\n".join(lines)


_CLAUSE_PUNCT = re.compile(r"[,，。!?;；:、]")
_NAV_WORDS = re.compile(
    "首页|主页|上一页|下一页|上一篇|下一篇|上一期|下一期|上一版|下一版|返回顶部|返回|打印|关闭窗口|分享|收藏|"
    "评论|反馈|纠错|登录|注册|搜索|链接|播报|字号|扫一扫|二维码|点赞|转发|订阅|更多"
)
_BREADCRUMB_START = re.compile(r"^(首页|主页|当前位置|您的位置|位置)\s*[:>»›\s]")
_SEPARATORS = re.compile(r"\||｜|•|>>?|»|›")
_FOOTER = re.compile(
    r"copyright|all rights reserved|©|版权所有|版权归|免责声明|ICP[备证]|公网安备|"
    r"^地址[:：]|邮编[:：]?\s*\d{6}|^(电话|传真)[:：]\s*[\d-]{7,}",
    re.IGNORECASE,
)
TOP_LINES = 3  # where headline tickers sit
_BYLINE = re.compile(r"(文/图|图/文|文/摄|摄|记者|通讯员)\s*\)?$")


def _is_dateline(line: str) -> bool:
    return len(line) <= 60 and bool(_DATE.search(line))


def _is_boilerplate(line: str, common_lines: frozenset[str], at_top: bool = False) -> bool:
    """Whether a stripped line is site chrome rather than article text (at_top: among the first lines)."""
    if not line or _is_dateline(line):
        return False  # datelines carry metadata even when site chrome is glued to them
    if line in common_lines or (len(line) <= 150 and _FOOTER.search(line)):
        return True
    if not re.search(rf"[{CJK}\d]", line) and not re.search("[A-Za-z]{2}", line):
        return True  # symbol-only remnants of menus: "•", ">>", "|"
    if SENTENCE_MARK.search(line) or _BYLINE.search(line):
        return False
    if _BREADCRUMB_START.match(line):
        return True
    nav = sum(len(m) for m in _NAV_WORDS.findall(line))
    if len(line) <= 30 and nav * 10 >= 3 * len(line.replace(" ", "")):
        return True  # widgets and menus: "新闻评论0", "语音播报: 语音播报", "上一期 下一期"
    separators = _SEPARATORS.findall(line)
    linked = len(separators) >= 2 or any(s != ">" for s in separators)  # a lone ">" may be a comparison
    if linked and not re.search(r"\d", line) and len(line) / (len(separators) + 1) <= 15:
        return True  # link lists and breadcrumbs: "中国共产党新闻网>>中国工会新闻"
    # A long first line without a single clause mark is a ticker of concatenated headlines.
    return at_top and len(line) >= 50 and not _CLAUSE_PUNCT.search(line)


def drop_boilerplate_lines(text: str, common_lines: frozenset[str] = frozenset()) -> str:
    """Drop navigation, widget, footer and ticker lines, and lines repeated across the ingest run.

    Rules are general (separator density, nav vocabulary share, copyright/address/postcode cues,
    punctuation-free long headline tickers among the first lines); lines with a full date are always kept for metadata.
    """
    kept, seen = [], 0
    for line in text.split("\n"):
        if not _is_boilerplate(line.strip(), common_lines, at_top=seen < TOP_LINES):
            kept.append(line)
        seen += bool(line.strip())
    return "\n".join(kept)


def _tidy(text: str) -> str:
    """Strip each line, drop a line repeating the previous non-blank one, keep one blank between paragraphs.
    A page break stays a line of its own, each one (a blank page too), so pages can still be counted."""
    lines: list[str] = []
    last = ""
    for raw in text.split("\n"):
        line = raw if raw == PAGE_BREAK else raw.strip()  # _page_break_lines made each break its own line
        if line and line == last and line != PAGE_BREAK:
            continue
        lines.append(line)
        last = line or last
    return _OUTER_SPACE.sub("", re.sub(r"\n{3,}", "\n\n", "\n".join(lines)))


_OUTER_SPACE = re.compile(rf"^[^\S{PAGE_BREAK}]+|[^\S{PAGE_BREAK}]+$")  # white space but page breaks


def clean_text(text: str, common_lines: frozenset[str] = frozenset()) -> str:
    """Raw scraped text → article text (simplified, NFKC, paragraphs kept as lines).

    common_lines: lines repeated across pages (site furniture), counted by the caller over
    ``furniture_candidates`` of every page.
    """
    return clean_lines(fix_characters(text), common_lines)


def clean_lines(fixed: str, common_lines: frozenset[str] = frozenset()) -> str:
    """The line half of ``clean_text``, for text that has been through ``fix_characters`` already."""
    return _tidy(drop_boilerplate_lines(drop_spam_lists(render_tables(_page_break_lines(fixed))), common_lines))


def _page_break_lines(text: str) -> str:
    """Page breaks at the start or end of a line become lines of their own (line rules see the line
    without them); one inside a line, where a page cut a sentence, stays where it is."""
    out = []
    for line in text.split("\n"):
        head, body, tail = _LINE_EDGES.fullmatch(line).groups()
        if PAGE_BREAK not in head + tail:
            out.append(line)
            continue
        out += [PAGE_BREAK] * head.count(PAGE_BREAK) + ([body] if body else []) + [PAGE_BREAK] * tail.count(PAGE_BREAK)
    return "\n".join(out)


_LINE_EDGES = re.compile(rf"([ \t{PAGE_BREAK}]*)(.*?)([ \t{PAGE_BREAK}]*)", re.DOTALL)


def furniture_candidates(fixed: str) -> frozenset[str]:
    """The lines of a page (after ``fix_characters``) that could be site furniture if other pages repeat them.

    Read on rendered tables, as ``clean_lines`` sees the page: a raw row such as "合计\t52000" repeated
    on another page would otherwise count as furniture there.
    """
    return frozenset(line for line in (raw.strip() for raw in render_tables(fixed).split("\n"))
                     if 2 <= len(line) <= 50 and not SENTENCE_MARK.search(line) and not _is_dateline(line))
