"""Decoding bytes of an unknown encoding: byte-order marks, declared charsets, UTF-16 without a BOM, strict
UTF-8, GB18030 and charset-normalizer's guess, each guess checked to look like text; a file mixing UTF-8
and GBK lines is decoded line by line."""

from __future__ import annotations

import codecs
import logging
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

from core.errors import BinaryFileError, DecodeError

logger = logging.getLogger(__name__)

_SAMPLE_CHARS = 20_000  # enough to judge an encoding; keeps huge files fast
# Share of common characters (_is_common) a guessed decoding needs. Measured on data/sample:
# real text 0.99-1.0 (also converted to traditional); Big5 read as GB18030 0.36-0.69,
# UTF-8 read as GB18030 0.41-0.60, random high bytes 0.49-0.51.
_MIN_PLAUSIBLE = 0.8
_MAX_CONTROL = 0.01  # share of control characters above which "text" is really binary
_TEXT_CONTROLS = "\t\n\r\x0b\x0c\x1a\x1b"  # tabs, line/page breaks, DOS EOF, ANSI escapes

def decode_bytes(data: bytes, path: str | Path, hint: str | None = None) -> tuple[str, str]:
    """(text, codec name) of bytes in an unknown encoding, or BinaryFileError / DecodeError.

    Order: byte-order mark, the page's declared charset (hint), BOM-less UTF-16 by its NUL
    pattern, strict UTF-8, strict GB18030 (a GBK superset), charset-normalizer's best guess.
    Guesses must look like text: strict GB18030 decodes almost any byte string.
    """
    for encoding, body, trusted in _candidates(data, hint):
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text, trusted):
            return text, codecs.lookup(encoding).name
    if _looks_binary(data):
        raise BinaryFileError(path, "这是二进制数据，不是文本；请转换成 .txt、.docx 或 .pdf，或不要导入它")
    mixed = _decode_by_line(data, path)
    if mixed is not None:
        return mixed, "utf-8+gb18030"
    # A few damaged bytes (a cut-off download, one bad sector) should not cost the whole article.
    for encoding in ("utf-8", "gb18030"):
        text = data.decode(encoding, errors="replace")
        damaged = text.count("\ufffd")
        if damaged <= max(1, len(text) // 1000) and _looks_like_text(text, trusted=False):
            logger.warning("%s: %d undecodable byte sequence(s) replaced with U+FFFD", path, damaged)
            return text, encoding
    raise DecodeError(path, "无法识别文本编码；请把文件另存为 UTF-8")


def _decode_by_line(data: bytes, path: str | Path) -> str | None:
    """A file pasted together from UTF-8 and GBK parts (each line is one or the other): decoded line by line,
    the GBK lines named in the log; None unless both kinds occur and every line decodes."""
    lines, gbk = [], []
    for no, raw in enumerate(data.split(b"\n"), 1):
        for encoding in ("utf-8", "gb18030"):
            try:
                lines.append(raw.decode(encoding))
            except UnicodeDecodeError:
                continue
            if encoding != "utf-8":
                gbk.append(no)
            break
        else:
            return None
    text = "\n".join(lines)
    if not gbk or len(gbk) == len(lines) or not _looks_like_text(text, trusted=False):
        return None
    shown = "、".join(map(str, gbk[:10])) + ("…" if len(gbk) > 10 else "")
    logger.warning("%s: 文件混用了 UTF-8 和 GBK 编码，已逐行解码；按 GBK 解码的行：%s", path, shown)
    return text


def _candidates(data: bytes, hint: str | None) -> Iterator[tuple[str, bytes, bool]]:
    """(codec, bytes to decode, trusted) in order of evidence; untrusted guesses must look like text."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            yield ("utf-8-sig" if encoding == "utf-8" else encoding), data[len(bom) :], True
    if hint:
        yield hint, data, False
    if b"\0" in data:
        # NUL bytes in a text file mean UTF-16: ASCII puts them all on one side of each code unit
        # (odd bytes in LE). Hanzi like 一 U+4E00 put a few on the other side, so try both orders.
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if len(data) % 2 == 0 and max(even, odd) >= 4 * min(even, odd):
            orders = ("utf-16-le", "utf-16-be") if odd > even else ("utf-16-be", "utf-16-le")
            yield from ((order, data, False) for order in orders)
        return
    yield "utf-8", data, True
    yield "gb18030", data, False
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        yield best.encoding, data, False


def _looks_binary(data: bytes) -> bool:
    """NUL bytes (UTF-16 was ruled out) or more C0 control bytes than text ever has."""
    sample = data[: _SAMPLE_CHARS * 2]
    controls = sum(byte < 0x20 and chr(byte) not in _TEXT_CONTROLS for byte in sample)
    return b"\0" in data or controls > _MAX_CONTROL * len(sample)


def _looks_like_text(text: str, trusted: bool) -> bool:
    """Few control characters and, unless the encoding is certain, mostly common characters."""
    sample = text[:_SAMPLE_CHARS]
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS for ch in sample)
    if controls > _MAX_CONTROL * len(sample):
        return False
    visible = [ch for ch in sample if not ch.isspace()]
    return trusted or sum(map(_is_common, visible)) >= _MIN_PLAUSIBLE * len(visible)


@lru_cache(maxsize=65536)
def _is_common(ch: str) -> bool:
    """ASCII, Latin letters with pinyin tones, punctuation and symbols, and the hanzi of GB2312
    or Big5 level 1. Mis-decoded bytes land instead on kana, box drawing, private-use areas and
    rare hanzi."""
    code = ord(ch)
    if code < 0x250 or 0x2000 <= code < 0x2300 or 0x2460 <= code < 0x2500 or 0x25A0 <= code < 0x2700:
        return unicodedata.category(ch) != "Cc"
    if 0x3000 <= code < 0x3040 or 0xFF00 <= code < 0xFFF0:
        return True
    return 0x4E00 <= code <= 0x9FFF and (_lead_byte_in(ch, "gb2312", 0xB0, 0xF7) or _lead_byte_in(ch, "big5", 0xA4, 0xC6))


def _lead_byte_in(ch: str, encoding: str, low: int, high: int) -> bool:
    """Whether the character encodes with a lead byte in [low, high]: GB2312 B0-F7 are its 6,763
    hanzi; Big5 A4-C6 are its 5,401 frequent ones."""
    try:
        return low <= ch.encode(encoding)[0] <= high
    except UnicodeEncodeError:
        return False
