"""Old word-processor files and spreadsheets, read into lines the rest of ingest already understands.

``.doc`` and ``.wps`` (WPS Writer stores the Word 97 format) are converted to DOCX by LibreOffice, when it
is installed, and then read by the DOCX loader. ``.xlsx`` and ``.csv`` become tab-separated rows under
a caption line, which ``ingest.tables`` turns into one sentence per row with its column headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl

from core.errors import InputError, TooLargeError
from ingest.decode import decode_bytes

if TYPE_CHECKING:  # load.py imports this module; the type is only needed for annotations
    from ingest.load import Deadline

logger = logging.getLogger(__name__)

CONVERT_SECONDS = 60.0  # LibreOffice converts a news article in 2-3 s here; a hang must not block ingest
MAX_CELLS = 200_000  # cells read from one spreadsheet; a statistics table has a few thousand

_SAVE_AS_DOCX = "用 Word / WPS 打开后另存为 .docx 再导入"
_NO_OFFICE = f"读取 .doc / .wps 需要 LibreOffice，本机未安装；请安装（apt-get install libreoffice-writer-nogui），或{_SAVE_AS_DOCX}"
# Sheet names spreadsheet programs give by default say nothing about the table.
_DEFAULT_SHEET = re.compile(r"(?:sheet|工作表|表)\s*\d*", re.IGNORECASE)


# ---------------------------------------------------------------- .doc / .wps via LibreOffice


def office_binary() -> str | None:
    """Path of LibreOffice's command-line program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, path: Path, seconds: float = CONVERT_SECONDS) -> bytes:
    """The DOCX LibreOffice makes of a .doc / .wps file's bytes, or an InputError saying what to do."""
    binary = office_binary()
    if binary is None:
        raise InputError(path, _NO_OFFICE)
    with tempfile.TemporaryDirectory(prefix="assistant-office-") as work:
        work_dir = Path(work)
        # A fixed ASCII name: the user's file name may hold characters or dashes soffice reads as options.
        source = work_dir / f"input{path.suffix.lower()}"
        source.write_bytes(data)
        out_dir = work_dir / "out"
        # Its own profile: two soffice runs sharing one profile make the second exit at once, converting nothing.
        profile = (work_dir / "profile").as_uri()
        command = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", str(out_dir), str(source)]
        _run(command, path, seconds)
        produced = out_dir / "input.docx"
        if not produced.is_file():
            raise InputError(path, f"LibreOffice 无法转换这个文件（可能已损坏或不是 Word 文档）；请{_SAVE_AS_DOCX}")
        return produced.read_bytes()


def _run(command: list[str], path: Path, seconds: float) -> None:
    """Run soffice in its own process group, so a timeout kills it and the helpers it starts."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # it finished just as time ran out
            pass
        process.communicate()
        logger.warning("%s: LibreOffice did not finish within %g s; killed", path, seconds)
        raise InputError(path, f"LibreOffice 转换超过 {seconds:g} 秒仍未完成，已放弃；请检查文件是否损坏，或{_SAVE_AS_DOCX}") \
            from None
    logger.info("%s: soffice exit %s: %s %s", path, process.returncode,
                out.decode(errors="replace").strip(), err.decode(errors="replace").strip())


# ---------------------------------------------------------------- .xlsx / .csv


def read_xlsx(data: bytes, path: Path, deadline: Deadline) -> tuple[str, str]:
    """(text, title) of a workbook: per sheet a caption line, then its rows tab-separated."""
    counter = _CellCounter(path)
    sheets: list[tuple[str, list[list[str]]]] = []
    try:
        with warnings.catch_warnings():  # "no default style" and similar: harmless, not for the user
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    deadline.check("读取")
                    if hasattr(sheet, "reset_dimensions"):  # chart sheets have no cells
                        sheet.reset_dimensions()  # a wrong stored size (A1:XFD1048576) would pad every row to it
                        rows = (_cell_texts(row) for row in counter.rows(sheet.iter_rows(), deadline))
                        sheets.append((sheet.title, _tidy(rows)))
            finally:
                book.close()
    except InputError:  # too large, too slow: already says what to do
        raise
    except Exception as error:  # zip, XML, KeyError, InvalidFileException... for damaged files alike
        logger.info("%s: openpyxl: %r", path, error)
        raise InputError(path, "无法作为 Excel 工作簿打开（文件可能已损坏，或是旧的 .xls 格式）；"
                               "请用 Excel 或 WPS 另存为 .xlsx 后再导入") from error
    return _sheets_text(sheets, path)


def read_csv(data: bytes, path: Path, deadline: Deadline) -> tuple[str, str, str]:
    """(text, encoding, title) of a CSV file in any encoding decode_bytes knows."""
    text, encoding = decode_bytes(data, path)
    text = text.removeprefix("\ufeff")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or too few rows to tell: commas
    counter = _CellCounter(path)
    rows = ([_clean(cell) for cell in row] for row in counter.rows(csv.reader(io.StringIO(text), dialect), deadline))
    try:
        table = _tidy(rows)
    except csv.Error as error:  # a quote never closed swallows the file into one oversized field
        logger.info("%s: csv: %r", path, error)
        raise InputError(path, "CSV 格式有误（可能有未闭合的引号）；请用 Excel 或 WPS 打开检查后另存为 .csv 或 .xlsx") from error
    body, title = _sheets_text([("", table)], path)
    return body, encoding, title


class _CellCounter:
    """Counts the cells read and refuses a file past MAX_CELLS before it fills memory."""

    def __init__(self, path: Path) -> None:
        self.path, self.cells = path, 0

    def rows(self, rows: Iterable[tuple | list], deadline: Deadline) -> Iterator[tuple | list]:
        for n, row in enumerate(rows, 1):
            self.cells += len(row)
            if self.cells > MAX_CELLS:
                raise TooLargeError(self.path, f"表格超过 {MAX_CELLS} 个单元格，已拒绝；请删去无关的工作表或拆分成几个文件后再导入")
            if n % 1000 == 0:
                deadline.check("读取")
            yield row


def _cell_texts(row: tuple) -> list[str]:
    return [_clean(_cell_text(cell.value, cell.number_format)) for cell in row]


def _clean(text: str) -> str:
    """A cell on one line: a tab or line break inside it would split the row."""
    return " ".join(text.split())


def _cell_text(value: object, number_format: str | None) -> str:
    """A cell as the sheet shows it: 4860 not 4860.0, 84.8% for 0.848 formatted as a percentage."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel and WPS show it
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        fmt = number_format or "General"
        decimals = re.search(r"0\.(0+)", fmt)
        places = len(decimals.group(1)) if decimals else None
        if "%" in fmt:
            return _number(value * 100, places) + "%"
        return _number(value, places)
    return str(value)


def _number(value: float, places: int | None) -> str:
    """A float with the format's decimal places, else without float noise (0.30000000000000004 → 0.3)."""
    if places is not None:
        return f"{value:.{places}f}"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _tidy(rows: Iterable[list[str]]) -> list[list[str]]:
    """Rows without empty rows, empty columns and trailing empty cells."""
    kept = [row for row in rows if any(row)]
    width = max((len(row) for row in kept), default=0)
    used = [i for i in range(width) if any(i < len(row) and row[i] for row in kept)]
    return [[row[i] if i < len(row) else "" for i in used] for row in kept]


def _sheets_text(sheets: list[tuple[str, list[list[str]]]], path: Path) -> tuple[str, str]:
    """(text, title): each sheet's name as a caption, its leading one-cell rows (the table's title) as lines,
    then its rows tab-separated; the title is the first sheet's table title, else the file name."""
    lines: list[str] = []
    title = ""
    for name, rows in sheets:
        if not rows:
            continue
        first = not lines
        if lines:
            lines.append("")
        if name and not _DEFAULT_SHEET.fullmatch(name.strip()):
            lines.append(name.strip())
        # A title row spans the table but fills one cell; as a tab row it would pass for the header.
        start = 0
        while start < len(rows) and sum(map(bool, rows[start])) == 1 and len(rows) - start > 1:
            lines.append(next(filter(None, rows[start])))
            title = title or (lines[-1] if first else "")
            start += 1
        lines.extend("\t".join(row) for row in rows[start:])
    return "\n".join(lines), title or path.stem
