"""Text from scanned pages and photos: RapidOCR with the PP-OCRv4 Chinese models that ship inside the
rapidocr-onnxruntime wheel, so nothing is downloaded. One engine per process, created on first use."""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Protocol

from PIL import Image
from tqdm import tqdm

from core.errors import InputError, TooLargeError
from core.text import visible_chars

logger = logging.getLogger(__name__)

_lock = threading.Lock()  # guards creating the engine and running it (see ocr_image)
_engine = None
pages_recognised = 0  # images run through the engine in this process: lets tests and benches see OCR happen

_ENGINE_MISSING = ("无法加载文字识别（OCR）组件，扫描件和图片读不出文字；请在本项目的虚拟环境中安装 "
                   "rapidocr-onnxruntime（pip install rapidocr-onnxruntime）后再导入")
_UNREADABLE_IMAGE = "无法作为图片打开（文件可能已损坏）；请重新导出或重新扫描后再导入"
_LINE_OVERLAP = 0.5  # boxes share a line when their vertical overlap is this share of the shorter box
_COLUMN_GAP = 2.0  # a gap wider than this many line heights separates table cells: joined by a tab
# A PDF page with fewer visible characters has no real text layer (a page number or a scanner app's stamp at
# most): if it carries images it is a scan, and its images are OCR'd.
_SCANNED_BELOW_CHARS = 10
_MIN_IMAGE_SIDE = 24  # smaller images (rules, bullets, icons) hold no readable line of text


class _Deadline(Protocol):  # ingest.load.Deadline, named structurally: load imports this module
    def check(self, stage: str) -> None: ...

    def allow_ocr_pages(self, pages: int) -> None: ...


def threads() -> int:
    """Cores this process may use (a container or taskset may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def engine(path: str | Path = "文字识别"):
    """The shared RapidOCR engine, created once (loading the three models takes about a second); an
    InputError for path when it cannot be loaded, tried again on the next call."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = _create(path)
    return _engine


def _create(path: str | Path):
    try:
        from rapidocr_onnxruntime import RapidOCR
        # Its logger prints every DEBUG line to stderr by default; only real problems should show.
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        with _no_spinning():
            # One page at a time on all cores: inter-op parallelism buys nothing for these sequential models.
            # det_limit_type "max": the default ("min", 736) blows small images up ~3× before detection,
            # 11 s instead of 0.5 s for a 1200×256 strip, with no better text; pages stay at their size.
            # use_cls off: the per-line 0°/180° classifier turned a clean line ("22年度全市工会经费审计…")
            # upside down at 0.99 confidence and lost it; scans and photos of articles are upright.
            created = RapidOCR(intra_op_num_threads=threads(), inter_op_num_threads=1, det_limit_type="max",
                               use_cls=False)
    except Exception as error:  # ImportError, missing libGL for opencv, a broken model file...
        logger.info("rapidocr: %r", error)  # for diagnosis; the user gets what to do
        raise InputError(path, _ENGINE_MISSING) from error
    logger.debug("OCR engine ready, %d threads", threads())
    return created


@contextmanager
def _no_spinning():
    """Create RapidOCR's onnxruntime sessions with idle threads sleeping instead of spinning: on this
    shared 2-core machine spinning cost a page 26 s instead of 21 s (wall, measured with other work
    running). RapidOCR has no option for it, so its session-options hook is wrapped while it builds."""
    try:
        from rapidocr_onnxruntime.utils.infer_engine import OrtInferSession
        original = OrtInferSession.__dict__["_init_sess_opts"]
    except (ImportError, KeyError):  # another RapidOCR layout: keep its defaults
        yield
        return

    def options(config):
        opts = original.__func__(config)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return opts

    OrtInferSession._init_sess_opts = staticmethod(options)
    try:
        yield
    finally:
        OrtInferSession._init_sess_opts = original


def ocr_image(data, path: str | Path = "图片") -> str:
    """The text of an image (encoded bytes such as PNG/JPEG, or a PIL image): one line per text line,
    top to bottom, the boxes of a line left to right; "" when nothing is recognised."""
    global pages_recognised
    ocr = engine(path)
    try:
        image = _plain(Image.open(BytesIO(data)) if isinstance(data, bytes) else data)
        # One call at a time: the engine already uses every core, so concurrent pages would only contend.
        with _lock:
            result, _elapsed = ocr(image)
            pages_recognised += 1
    except Image.DecompressionBombError as error:
        raise TooLargeError(path, f"图片超过 {Image.MAX_IMAGE_PIXELS * 2:,} 像素，可能是解压炸弹，已拒绝；"
                                  "请缩小尺寸后再导入") from error
    except Exception as error:  # PIL and opencv raise many types for damaged or unknown images
        logger.info("%s: rapidocr: %r", path, error)
        raise InputError(path, _UNREADABLE_IMAGE) from error
    boxes = [(_bounds(points), text.strip()) for points, text, _score in result or [] if text.strip()]
    return "\n".join(_join_line(line) for line in _lines(boxes))


def _plain(image: Image.Image) -> Image.Image:
    """Grey or RGB on white: RapidOCR would read CMYK as RGBA, and transparent pixels may hide black text."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode == "P":
        image = image.convert("RGBA")  # a palette may carry transparency
    if image.mode in ("LA", "PA", "RGBA"):
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, image.convert("RGBA")).convert("RGB")
    return image.convert("L" if image.mode in ("1", "I", "I;16", "F") else "RGB")


def _bounds(points) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a detected quadrilateral."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _lines(boxes: list[tuple[tuple[float, float, float, float], str]]) -> list[list]:
    """Boxes grouped into text lines by vertical overlap, lines top to bottom, boxes left to right.
    Overlap rather than RapidOCR's fixed 10-pixel rule, so it holds at any scan resolution."""
    lines: list[list] = []
    for box in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        (_, top, _, bottom), _ = box
        if lines:
            line_top = min(b[0][1] for b in lines[-1])
            line_bottom = max(b[0][3] for b in lines[-1])
            overlap = min(bottom, line_bottom) - max(top, line_top)
            if overlap >= _LINE_OVERLAP * min(bottom - top, line_bottom - line_top):
                lines[-1].append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b[0][0]) for line in lines]


def _join_line(line: list) -> str:
    """A line's boxes as one string: wide gaps (table columns) become tabs, Latin words get a space."""
    height = max(b[3] - b[1] for b, _ in line) or 1.0
    out = line[0][1]
    for (prev, _), (box, text) in zip(line, line[1:]):
        if box[0] - prev[2] > _COLUMN_GAP * height:
            out += "\t"
        elif box[0] < prev[2] and out[-1] == text[0]:
            text = text[1:]  # overlapping boxes both read the character they share ("…总" + "总工会。")
        elif out[-1].isascii() and out[-1].isalnum() and text[0].isascii() and text[0].isalnum():
            out += " "
        out += text
    return out


# ---------------------------------------------------------------- scanned PDF pages


def ocr_scanned_pages(reader, pages: list[str], path: str | Path, deadline: _Deadline) -> list[str]:
    """The pages with OCR text where the text layer is (nearly) empty but images are present; the rest as
    they were (reader: the pypdf.PdfReader). Only such pages are OCR'd: a text layer is faster and exact."""
    scanned = [i for i, text in enumerate(pages[:len(reader.pages)])  # pdfminer may have counted otherwise
               if visible_chars(text) < _SCANNED_BELOW_CHARS and _image_count(reader.pages[i], path)]
    if not scanned:
        return pages
    pages = list(pages)
    deadline.allow_ocr_pages(len(scanned))
    started = time.monotonic()
    for i in tqdm(scanned, desc="识别文字", unit="页", disable=None):  # disable=None: no bar unless a TTY
        deadline.check("识别文字")
        texts = (ocr_image(image, path) for image in _page_images(reader.pages[i], path))
        text = "\n".join(t for t in texts if t)
        if visible_chars(text) > visible_chars(pages[i]):
            pages[i] = text
    logger.info("%s：%d 页没有文字层，已识别文字（共 %d 页，用时 %.1f 秒）",
                path, len(scanned), len(pages), time.monotonic() - started)
    return pages


def _image_count(page, path: str | Path) -> int:
    try:
        return len(page.images)  # lists the image objects without decoding them
    except Exception as error:  # a damaged resource dictionary: treat the page as imageless
        logger.info("%s: pypdf images: %r", path, error)
        return 0


def _page_images(page, path: str | Path) -> list:
    """A page's images decoded by pypdf (it applies the PDF's filters and colour spaces), in page order and
    turned as the page is shown (/Rotate: landscape scans); ones it cannot decode are logged and left out."""
    images = []
    rotation = page.rotation % 360  # clockwise on display; PIL turns counter-clockwise
    for k in range(_image_count(page, path)):
        try:
            image = page.images[k].image
        except Exception as error:
            logger.info("%s: pypdf image %d: %r", path, k, error)
            continue
        if image is not None and min(image.size) >= _MIN_IMAGE_SIDE:
            images.append(image.rotate(-rotation, expand=True) if rotation else image)
    return images
