"""ingest.ocr and the OCR paths of ingest.load: images and scanned PDF pages read with RapidOCR.

Every image is rendered here with Pillow from known text (Noto CJK, Debian's fonts-noto-cjk), so the
expected text is exact; the OCR engine is the real one, loaded once for the module.
"""

from __future__ import annotations

import difflib
import glob
import io
import sys
import unicodedata
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from core.documents import PAGE_BREAK
from core.errors import EmptyFileError, InputError
from ingest import ocr
from ingest.load import load_file

FONTS = sorted(glob.glob("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
               + glob.glob("/usr/share/fonts/**/NotoSansCJK*.tt[cf]", recursive=True))
pytestmark = pytest.mark.skipif(not FONTS, reason="needs a Noto CJK font: apt-get install fonts-noto-cjk")
TEXT_LAYER_PDF = Path(__file__).parent / "data" / "load" / "article.pdf"  # Chromium-printed, with a text layer

PAGE_ONE = [
    "本报讯 3月20日，邢台市总工会下达2025年度职工之家建设补助资金186万元。",
    "其中，全国模范职工之家每家补助3万元，省级合格职工之家每家1.5万元。",
    "资金将于4月底前拨付到各县（市、区）总工会。",
]
PAGE_TWO = [
    "邢台市总工会要求各级工会专款专用，",
    "重点用于职工书屋、健身场地和爱心托管班建设，惠及职工4.2万人。",
]


def render(lines: list[str], size: int = 32, mode: str = "L") -> Image.Image:
    """Lines of black text on white, as a clean 150-dpi scan would show them."""
    font = ImageFont.truetype(FONTS[0], size, index=2)  # index 2 of the collection: Simplified Chinese
    width = max(int(font.getlength(line)) for line in lines) + 2 * size
    image = Image.new("L", (width, (len(lines) + 1) * size * 2), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((size, size + row * size * 2), line, font=font, fill=0)
    return image.convert(mode)


def normalized(text: str) -> str:
    """NFKC without whitespace: what cleaning does anyway (，→ ,), so only recognition errors count."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def accuracy(got: str, want: str) -> float:
    return difflib.SequenceMatcher(None, normalized(got), normalized(want), autojunk=False).ratio()


@pytest.fixture(scope="module")
def engine():
    """Loads the models once; every test below shares them through ingest.ocr's module cache."""
    return ocr.engine()


@pytest.fixture(scope="module")
def page_png(tmp_path_factory, engine) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "邢台补助.png"
    render(PAGE_ONE).save(path)
    return path


def test_engine_is_created_once(engine):
    assert ocr.engine() is engine


def test_png_is_read_line_by_line(page_png):
    doc = load_file(page_png)
    assert accuracy(doc.text, "\n".join(PAGE_ONE)) >= 0.9, doc.text
    text = normalized(doc.text)
    for figure in ("3月20日", "2025年度", "186万元", "3万元", "1.5万元", "4月底"):
        assert figure in text, (figure, doc.text)
    lines = doc.text.split("\n")
    assert len(lines) == len(PAGE_ONE)  # each ends with 。, so unwrapping keeps them apart
    assert [accuracy(got, want) >= 0.8 for got, want in zip(lines, PAGE_ONE)] == [True] * len(PAGE_ONE)


def test_jpeg_photo_with_alpha_free_rgb_is_read(tmp_path, engine):
    path = tmp_path / "照片.jpeg"
    render(PAGE_TWO, mode="RGB").save(path, quality=80)
    assert accuracy(load_file(path).text, "\n".join(PAGE_TWO)) >= 0.9


def test_transparent_png_is_read_on_white(tmp_path, engine):
    # Black text on a transparent background: flattened naively it would be black on black.
    mask = render(PAGE_TWO).point(lambda v: 255 - v)  # text opaque, paper transparent
    image = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    image.putalpha(mask)
    path = tmp_path / "透明.png"
    image.save(path)
    assert accuracy(load_file(path).text, "\n".join(PAGE_TWO)) >= 0.9


def test_boxes_far_apart_on_one_line_are_table_cells(engine):
    font = ImageFont.truetype(FONTS[0], 32, index=2)
    image = Image.new("L", (900, 260), 255)
    draw = ImageDraw.Draw(image)
    for row, (label, value) in enumerate([("工会组织", "2277家"), ("建会率", "84.8%")]):
        draw.text((40, 40 + row * 100), label, font=font, fill=0)
        draw.text((600, 40 + row * 100), value, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert ocr.ocr_image(buffer.getvalue()) == "工会组织\t2277家\n建会率\t84.8%"


def test_scanned_pdf_pages_are_read_in_order_with_page_breaks(tmp_path, engine):
    path = tmp_path / "扫描件.pdf"
    # A 1-bit second page, as office scanners store text pages (pypdf decodes it; OCR gets grey).
    render(PAGE_ONE).save(path, "PDF", resolution=150, save_all=True, append_images=[render(PAGE_TWO, mode="1")])
    before = ocr.pages_recognised
    doc = load_file(path)
    assert ocr.pages_recognised - before == 2
    pages = doc.text.split(PAGE_BREAK)
    assert len(pages) == 2
    assert accuracy(pages[0], "\n".join(PAGE_ONE)) >= 0.9, pages[0]
    assert accuracy(pages[1], "\n".join(PAGE_TWO)) >= 0.9, pages[1]
    assert "186万元" in normalized(pages[0]) and "4.2万人" in normalized(pages[1])


def test_a_rotated_scan_is_read_as_the_page_is_shown(tmp_path, engine):
    scan = io.BytesIO()
    render(PAGE_TWO).rotate(90, expand=True).save(scan, "PDF", resolution=150)  # stored sideways...
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(scan).pages[0]).rotate(90)  # ...and shown upright, as scanners do
    path = tmp_path / "横放.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    assert accuracy(load_file(path).text, "\n".join(PAGE_TWO)) >= 0.9


def test_only_pages_without_a_text_layer_are_ocrd(tmp_path, engine):
    """Page 1 has a text layer and an image over it: read from the layer. Page 2 is a bare scan: OCR'd."""
    scan = io.BytesIO()
    render(PAGE_TWO).save(scan, "PDF", resolution=150)
    scan_page = pypdf.PdfReader(scan).pages[0]
    writer = pypdf.PdfWriter()
    text_page = writer.add_page(pypdf.PdfReader(TEXT_LAYER_PDF).pages[0])
    text_page.merge_page(scan_page)  # the text page now carries an image too
    writer.add_page(scan_page)
    path = tmp_path / "混合.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    assert len(pypdf.PdfReader(path).pages[0].images) == 1

    before = ocr.pages_recognised
    pages = load_file(path).text.split(PAGE_BREAK)
    assert ocr.pages_recognised - before == 1
    assert "推动工会工作高质量发展" in unicodedata.normalize("NFKC", pages[0])  # the layer's text, not OCR's
    assert "惠及职工" not in pages[0]
    assert accuracy(pages[1], "\n".join(PAGE_TWO)) >= 0.9


def test_text_layer_pdf_is_not_ocrd(engine):
    before = ocr.pages_recognised
    text = load_file(TEXT_LAYER_PDF).text
    assert ocr.pages_recognised == before
    assert "推动工会工作高质量发展" in unicodedata.normalize("NFKC", text)


def test_blank_image_says_no_text_was_recognised(tmp_path, engine):
    path = tmp_path / "空白.png"
    Image.new("L", (800, 600), 255).save(path)
    with pytest.raises(EmptyFileError, match="图片里没有识别出文字") as caught:
        load_file(path)
    assert caught.value.path == str(path)


def test_blank_scanned_pdf_says_ocr_found_nothing(tmp_path, engine):
    path = tmp_path / "空白扫描.pdf"
    Image.new("L", (800, 600), 255).save(path, "PDF", resolution=150)
    with pytest.raises(EmptyFileError, match="PDF 没有文字层，文字识别（OCR）也没有读出文字"):
        load_file(path)


def test_damaged_image_is_reported(tmp_path, engine):
    path = tmp_path / "损坏.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64)
    with pytest.raises(InputError, match="无法作为图片打开"):
        load_file(path)


def test_a_missing_ocr_engine_is_a_clear_input_error(monkeypatch, tmp_path, engine):
    monkeypatch.setattr(ocr, "_engine", None)  # restored afterwards: the other tests keep the shared engine
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if the package were not installed
    path = tmp_path / "扫描.png"
    render(PAGE_TWO).save(path)
    with pytest.raises(InputError, match="无法加载文字识别（OCR）组件.*pip install rapidocr-onnxruntime") as caught:
        load_file(path)
    assert caught.value.path == str(path)
