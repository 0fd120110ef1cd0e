"""Find input files and read each into a RawDocument: decoded text plus the metadata its format carries.

Nothing here cleans Chinese text; the only changes are format extraction and \\n line endings.
`RawDocument.source` is the path as the user gave it (relative stays relative, a folder's files are
joined onto the folder as given), so citations show the name the user knows; duplicates are
recognised by resolved path.
"""

from __future__ import annotations

import glob
import hashlib
import io
import logging
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pypdf
from docx.table import Table
from pdfminer.high_level import extract_text as pdfminer_extract_text

from ingest import html, ocr, office
from ingest.decode import decode_bytes
from core.errors import (
    EmptyFileError,
    InputError,
    MissingPathError,
    TooLargeError,
    TooSlowError,
    UnsupportedTypeError,
)
from core.documents import PAGE_BREAK, RawDocument
from core.text import visible_chars

logger = logging.getLogger(__name__)
# pdfminer warns once per glyph about fonts in Chromium-made CJK PDFs; the text is still right.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".doc", ".wps", ".xlsx", ".csv", ".pdf",
                      ".png", ".jpg", ".jpeg")

_MISSING = "找不到这个文件或文件夹；请检查路径"
_CONVERT = f"请转换成以下格式之一：{'、'.join(SUPPORTED_SUFFIXES)}"
_FOLDER = "这是文件夹，不是文件；直接导入文件夹即可读取其中的文件"
_GLOB_MAGIC = re.compile(r"[*?[]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
_PDF_MIN_CHARS_PER_PAGE = 20  # below this pypdf probably missed the text layer; ask pdfminer


@dataclass(frozen=True)
class _Extracted:
    text: str
    encoding: str = "utf-8"  # DOCX and PDF store Unicode; only plain-text formats are detected
    meta: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- finding files


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[InputError], list[tuple[str, str]]]:
    """Files to ingest from files, folders (recursive) and globs, in order, without duplicates.

    Returns (files, errors, skipped). Inside folders and glob matches, hidden entries, symlinked folders
    (they may loop) and unsupported types are skipped, each listed in `skipped` with its reason; a path or
    glob that matches nothing, a file named explicitly with an unsupported type, and a folder or glob with
    no supported file at all become errors.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for given in paths:
        try:
            found = _expand_one(os.fspath(given), skipped)
        except InputError as error:
            errors.append(error)
            continue
        for path in found:
            identity = path.resolve()
            if identity not in seen:
                seen.add(identity)
                files.append(path)
    return files, errors, skipped


def _expand_one(given: str, skipped: list[tuple[str, str]]) -> list[Path]:
    """The files one command-line argument stands for."""
    path = Path(given).expanduser()
    if path.is_dir():
        return _supported(_walk(path, skipped), given, skipped)
    if path.exists() or not _GLOB_MAGIC.search(given):
        _check_file(path)
        _check_suffix(path)
        return [path]
    matches = [Path(m) for m in sorted(glob.glob(os.path.expanduser(given), recursive=True))]
    if not matches:
        raise MissingPathError(given, _MISSING)
    return _supported([f for m in matches for f in (_walk(m, skipped) if m.is_dir() else [m])], given, skipped)


def _walk(folder: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """Files under a folder, recursively, sorted; hidden entries and symlinked folders are skipped."""
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        for d in sorted(dirs):
            if d.startswith("."):
                skipped.append((str(Path(root) / d), "隐藏文件夹，未导入"))
            elif (Path(root) / d).is_symlink():  # os.walk does not follow it: a link may loop back
                skipped.append((str(Path(root) / d), "符号链接的文件夹，未进入（可能造成循环）；请直接导入它指向的文件夹"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for n in sorted(names):
            if n.startswith("."):
                skipped.append((str(Path(root) / n), "隐藏文件，未导入"))
            else:
                found.append(Path(root) / n)
    return found


def _supported(paths: list[Path], given: str, skipped: list[tuple[str, str]]) -> list[Path]:
    """The files with a supported suffix; the others are listed as skipped."""
    kept = [p for p in paths if p.suffix.lower() in SUPPORTED_SUFFIXES]
    supported = set(kept)  # a list look-up per file made a folder of 46,000 files take minutes
    if not kept:
        if paths:
            raise UnsupportedTypeError(given, f"其中 {len(paths)} 个文件都不是支持的类型；{_CONVERT}")
        raise InputError(given, "里面没有文件；请检查路径")
    skipped.extend((str(p), f"不支持的文件类型 {p.suffix or '（无扩展名）'}，未导入") for p in paths if p not in supported)
    return kept


def _check_file(path: Path) -> None:
    """Raise unless the path is an existing regular file (reading a pipe would hang)."""
    if path.is_dir():
        raise InputError(path, _FOLDER)
    if not path.exists():
        raise MissingPathError(path, _MISSING)
    if not path.is_file():
        raise InputError(path, "不是普通文件（设备、管道或套接字）；请导入文件或文件夹")


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        kind = f"'{path.suffix}'" if path.suffix else "(no extension)"
        raise UnsupportedTypeError(path, f"不支持的文件类型 {kind}；{_CONVERT}")


# ---------------------------------------------------------------- reading files


@dataclass(frozen=True)
class InputLimits:
    """Sizes no newsroom article reaches; past them a file is refused before it can exhaust memory or time."""

    max_file_bytes: int = 50 * 2**20  # as stored on disk
    max_unpacked_bytes: int = 200 * 2**20  # a DOCX's zip entries, uncompressed (zip bombs)
    max_document_chars: int = 2_000_000  # the text after decoding and extraction
    max_file_seconds: float = 120.0  # reading, cleaning and cutting one file (a news page takes well under 1 s)
    max_ocr_page_seconds: float = 60.0  # added per page that needs OCR (bench/ocr.py: 5-20 s a page here)


DEFAULT_LIMITS = InputLimits()


class Deadline:
    """One file's time budget in ingest, checked between pages, blocks and stages: a file that would take
    longer is given up with a message, and the others go on. Each page that needs OCR adds its own
    allowance, so a long scanned PDF is bounded per page, not refused for being long."""

    def __init__(self, path: str | Path, seconds: float, ocr_page_seconds: float = 0.0) -> None:
        self.path, self.seconds, self.ocr_page_seconds = Path(path), seconds, ocr_page_seconds
        self._ends = time.monotonic() + seconds

    def allow_ocr_pages(self, pages: int) -> None:
        self.seconds += pages * self.ocr_page_seconds
        self._ends += pages * self.ocr_page_seconds

    def check(self, stage: str) -> None:
        if time.monotonic() > self._ends:
            raise TooSlowError(self.path, f"{stage}超过 {self.seconds:g} 秒仍未完成，已放弃（设置项 max_file_seconds、"
                                          "max_ocr_page_seconds）；请检查文件是否损坏，或拆分后再导入")


def load_file(path: str | Path, limits: InputLimits = DEFAULT_LIMITS, deadline: Deadline | None = None
              ) -> RawDocument:
    """Read one file into a RawDocument, or raise an InputError saying what to do about it."""
    path = Path(path)
    deadline = deadline or Deadline(path, limits.max_file_seconds, limits.max_ocr_page_seconds)
    _check_file(path)
    _check_suffix(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise TooLargeError(path, f"文件有 {_mb(size)}，超过上限 {_mb(limits.max_file_bytes)}（设置项 max_file_mb）；"
                                  "请拆分成单篇文章后再导入")
    data = _read_bytes(path)
    if not data:
        raise EmptyFileError(path, "文件是空的；请加入正文或不要导入它")
    loader, empty_reason = _FORMATS[path.suffix.lower()]
    if path.suffix.lower() in (".docx", ".xlsx"):
        _check_unpacked(data, path, limits)
    extracted = loader(data, path, deadline)
    text = _LINE_BREAKS.sub("\n", extracted.text)
    if not text.strip():
        raise EmptyFileError(path, empty_reason)
    if len(text) > limits.max_document_chars:
        raise TooLargeError(path, f"解码后有 {len(text)} 个字符，超过上限 {limits.max_document_chars}（设置项 "
                                  "max_document_chars）；请拆分成单篇文章后再导入")
    return RawDocument(source=str(path), text=text, encoding=extracted.encoding, meta=extracted.meta)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _check_unpacked(data: bytes, path: Path, limits: InputLimits) -> None:
    """A DOCX or XLSX is a zip: its entries' declared sizes are summed before anything is extracted."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: the DOCX loader says so
    if unpacked > limits.max_unpacked_bytes:
        raise TooLargeError(path, f"解压后有 {_mb(unpacked)}，超过上限 {_mb(limits.max_unpacked_bytes)}（设置项 "
                                  "max_unpacked_mb）；这可能是压缩炸弹，已拒绝")


def content_hash(path: str | Path) -> str:
    """sha256 hex digest of the file's raw bytes: decides "unchanged" on re-ingest."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        raise unreadable(Path(path), error) from error


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise unreadable(path, error) from error


def unreadable(path: Path, error: OSError) -> InputError:
    """The InputError for a file the OS will not give us."""
    if isinstance(error, FileNotFoundError):
        return MissingPathError(path, _MISSING)
    if isinstance(error, IsADirectoryError):
        return InputError(path, _FOLDER)
    if isinstance(error, PermissionError):
        return InputError(path, "没有读取权限；请让文件可读（chmod +r）或以文件所有者运行")
    return InputError(path, "无法读取；请检查文件和磁盘")


def _load_text(data: bytes, path: Path, _deadline: Deadline) -> _Extracted:
    text, encoding = decode_bytes(data, path)
    return _Extracted(text, encoding)


def _load_markdown(data: bytes, path: Path, _deadline: Deadline) -> _Extracted:
    text, encoding = decode_bytes(data, path)
    plain, title = strip_markdown(text)
    return _Extracted(plain, encoding, {"title": title} if title else {})


def _load_html(data: bytes, path: Path, _deadline: Deadline) -> _Extracted:
    page, encoding = decode_bytes(data, path, hint=html.declared_charset(data))
    text, meta = html.extract(page)
    return _Extracted(text, encoding, meta)


def _load_docx(data: bytes, path: Path, deadline: Deadline) -> _Extracted:
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises zip, XML, KeyError... for damaged files alike
        logger.info("%s: python-docx: %r", path, error)  # for diagnosis; the user gets what to do
        raise InputError(
            path, "无法作为 DOCX 打开（文件可能已损坏）；请用 Word 或 WPS 另存为 .docx 后再导入"
        ) from error
    lines: list[str] = []
    for block in document.iter_inner_content():
        deadline.check("读取")
        lines.extend(_table_rows(block) if isinstance(block, Table) else [block.text])
    props = document.core_properties
    meta = {"title": props.title, "author": props.author}
    if props.created:
        meta["date"] = props.created.date().isoformat()
    return _Extracted("\n".join(lines), meta={k: v.strip() for k, v in meta.items() if v and v.strip()})


def _table_rows(table: Table) -> list[str]:
    """A line per table row, cells tab-separated; merged cells appear once."""
    rows = []
    for row in table.rows:
        cells = list(dict.fromkeys(row.cells))  # a merged cell repeats the same object
        rows.append("\t".join(" ".join(cell.text.split("\n")) for cell in cells))
    return rows


# Title properties that name no article: placeholders LibreOffice or templates set, and the file name a
# browser's print to PDF puts there ("page.html").
_PLACEHOLDER_TITLES = frozenset({"word document", "microsoft word document", "untitled", "无标题", "文档"})
_FILE_NAME = re.compile(r"^[^/\\]*\.(?:html?|pdf|docx?|wps|txt|md|xlsx?|csv|png|jpe?g)$", re.IGNORECASE)


def _without_placeholder_title(meta: dict) -> dict:
    title = str(meta.get("title") or "").strip()
    if title.lower() in _PLACEHOLDER_TITLES or _FILE_NAME.match(title):
        return {k: v for k, v in meta.items() if k != "title"}
    return meta


def _load_pdf(data: bytes, path: Path, deadline: Deadline) -> _Extracted:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(path, "PDF 设有密码；请去掉密码后再导入")
        pages = []
        for page in reader.pages:
            deadline.check("读取")
            pages.append(page.extract_text() or "")
        info = reader.metadata
        meta = _without_placeholder_title({"title": info.title, "author": info.author} if info else {})
    except InputError:
        raise
    except Exception as error:  # pypdf raises many exception types on damaged files
        logger.info("%s: pypdf: %r", path, error)
        raise InputError(
            path, "无法作为 PDF 打开（文件可能已损坏）；请重新导出或重新下载该 PDF"
        ) from error
    if visible_chars("".join(pages)) < _PDF_MIN_CHARS_PER_PAGE * max(len(pages), 1):
        deadline.check("读取")
        pages = _better_pages(pages, _pdfminer_pages(data))
    pages = ocr.ocr_scanned_pages(reader, pages, path, deadline)
    meta = {k: str(v).strip() for k, v in meta.items() if v and str(v).strip()}
    return _Extracted(unwrap_lines(PAGE_BREAK.join(pages)), meta=meta)


def _better_pages(pypdf_pages: list[str], pdfminer_pages: list[str]) -> list[str]:
    """Page by page the reading with more text; if the two disagree on the page count, the better whole."""
    if len(pdfminer_pages) == len(pypdf_pages):
        return [max(a, b, key=visible_chars) for a, b in zip(pypdf_pages, pdfminer_pages)]
    return max(pypdf_pages, pdfminer_pages, key=lambda pages: visible_chars("".join(pages)))


_LINE_END = re.compile(r"[。！？!?；;：:”’」』）)]$")
_WRAP_SHARE = 0.8  # a line this close to the page's text width was wrapped by the layout, not ended


def unwrap_lines(text: str) -> str:
    """Join the lines a PDF's layout wrapped ("新就业形\n态劳动者", "186\n件"): a line that fills the text
    width and ends without punctuation continues on the next. Short lines (headlines, list items) stay.
    Page breaks (PAGE_BREAK) stay too: lines are never joined across one, so citations keep their page."""
    pages = [page.split("\n") for page in text.split(PAGE_BREAK)]
    lengths = sorted(len(line.strip()) for lines in pages for line in lines if line.strip())
    if len(lengths) < 3:
        return text
    width = lengths[int(len(lengths) * 0.9)]  # over the whole document: a short page has too few lines
    return PAGE_BREAK.join(_unwrap_page(lines, width) for lines in pages)


def _unwrap_page(lines: list[str], width: int) -> str:
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if out and out[-1] and stripped and _wrapped(out[-1], width):
            sep = " " if out[-1][-1].isascii() and stripped[0].isascii() and out[-1][-1].isalpha() else ""
            out[-1] += sep + stripped
        else:
            out.append(stripped)
    return "\n".join(out)


def _wrapped(line: str, width: int) -> bool:
    return len(line) >= _WRAP_SHARE * width and not _LINE_END.search(line)


def _pdfminer_pages(data: bytes) -> list[str]:
    """pdfminer's reading of the text layer, page by page; some PDFs only it can decode."""
    try:
        text = pdfminer_extract_text(io.BytesIO(data))
    except Exception:  # pdfminer is only a second opinion; pypdf already opened the file
        logger.debug("pdfminer could not read the PDF either", exc_info=True)
        return []
    pages = text.split("\f")  # pdfminer ends every page with a form feed
    return pages[:-1] if len(pages) > 1 and not pages[-1].strip() else pages


def _load_image(data: bytes, path: Path, deadline: Deadline) -> _Extracted:
    """A photo or scan of a page: one page of OCR text."""
    deadline.allow_ocr_pages(1)
    deadline.check("识别文字")
    return _Extracted(unwrap_lines(ocr.ocr_image(data, path)))


def _load_doc(data: bytes, path: Path, deadline: Deadline) -> _Extracted:
    """.doc / .wps: LibreOffice converts to DOCX, then the DOCX loader reads it (tables included)."""
    deadline.check("读取")
    extracted = _load_docx(office.convert_to_docx(data, path), path, deadline)
    return _Extracted(extracted.text, meta=_without_placeholder_title(extracted.meta))


def _load_xlsx(data: bytes, path: Path, deadline: Deadline) -> _Extracted:
    text, title = office.read_xlsx(data, path, deadline)
    return _Extracted(text, meta={"title": title})


def _load_csv(data: bytes, path: Path, deadline: Deadline) -> _Extracted:
    text, encoding, title = office.read_csv(data, path, deadline)
    return _Extracted(text, encoding, {"title": title})


_WHITESPACE_ONLY = "只有空白字符；请加入正文或不要导入它"
_NO_TEXT_IN_IMAGE = "图片里没有识别出文字；请换用更清晰的扫描件或照片（文字端正、清楚，建议 300 dpi），或不要导入它"
_NO_ARTICLE = "网页里没有找到文章正文；请保存文章页面本身，而不是只有脚本的外壳页面"
# suffix -> (loader, reason given when it finds no text)
_FORMATS: dict[str, tuple[Callable[[bytes, Path, Deadline], _Extracted], str]] = {
    ".txt": (_load_text, _WHITESPACE_ONLY),
    ".md": (_load_markdown, _WHITESPACE_ONLY),
    ".markdown": (_load_markdown, _WHITESPACE_ONLY),
    ".html": (_load_html, _NO_ARTICLE),
    ".htm": (_load_html, _NO_ARTICLE),
    ".docx": (_load_docx, "文档里没有文字；请加入正文或不要导入它"),
    ".doc": (_load_doc, "文档里没有文字；请加入正文或不要导入它"),
    ".wps": (_load_doc, "文档里没有文字；请加入正文或不要导入它"),
    ".xlsx": (_load_xlsx, "工作簿里没有任何单元格有内容；请检查是否选对了文件"),
    ".csv": (_load_csv, "CSV 里没有任何单元格有内容；请检查是否选对了文件"),
    ".pdf": (_load_pdf, "PDF 没有文字层，文字识别（OCR）也没有读出文字；若是扫描件，请换用更清晰的扫描（建议 300 dpi）"),
    ".png": (_load_image, _NO_TEXT_IN_IMAGE),
    ".jpg": (_load_image, _NO_TEXT_IN_IMAGE),
    ".jpeg": (_load_image, _NO_TEXT_IN_IMAGE),
}


# ---------------------------------------------------------------- Markdown

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")  # --- *** ___ and setext === lines
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_QUOTE = re.compile(r"^(\s{0,3}>\s?)+")
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images carry no article text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # <http://autolink>
    (re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # **strong** __strong__ ~~strike~~
    (re.compile(r"(?<!\*)\*(?=\S)(.+?)(?<=\S)\*(?!\*)"), r"\1"),  # *emphasis*, also inside Chinese
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # _emphasis_, not snake_case
    (re.compile(r"`([^`]+)`"), r"\1"),  # `code`
)


def strip_markdown(text: str) -> tuple[str, str]:
    """(text without Markdown markup, first '# ' heading). Line by line, so Chinese lines never merge;
    list markers stay because they number the items; fenced code is kept verbatim."""
    lines: list[str] = []
    title = ""
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            lines.append(line)
            continue
        if _RULE.match(line) or _LINK_DEFINITION.match(line):
            continue
        line = _QUOTE.sub("", line)
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(2)
            if not title and len(heading.group(1)) == 1:
                title = _strip_inline(line).strip()
        lines.append(_strip_inline(line))
    return "\n".join(lines), title


def _strip_inline(line: str) -> str:
    for pattern, replacement in _INLINE:
        line = pattern.sub(replacement, line)
    return line
