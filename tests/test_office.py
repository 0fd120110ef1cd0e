"""ingest.office: .doc / .wps through LibreOffice, .xlsx and .csv as tables whose cells become citable sentences.

Every input is made by the test itself: workbooks with openpyxl, .doc files by LibreOffice from a DOCX
written with python-docx.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from core.errors import InputError, TooLargeError
from ingest import office
from ingest.load import InputLimits, expand_paths, load_file
from ingest.tables import render_tables

needs_office = pytest.mark.skipif(office.office_binary() is None,
                                  reason="LibreOffice (soffice) is not installed: make system-deps")

ROWS = [["县市区", "慰问资金", "慰问人数"], ["夷陵区", "312万元", "4860人次"], ["点军区", "45万元", "620人次"]]


def _workbook(path: Path) -> Path:
    """Two sheets: a title row, an empty row and column, numbers as numbers; a default-named second sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "春送温暖"
    sheet.append(["2024年宜昌市春送温暖慰问情况"])
    sheet.append([])
    sheet.append(["县市区", None, "慰问资金(万元)", "慰问人数", "建会率"])
    sheet.append(["夷陵区", None, 312.0, 4860, 0.848])
    sheet.append(["点军区", None, 45.5, 620, 0.9])
    for cell in ("E4", "E5"):
        sheet[cell].number_format = "0.0%"
    second = book.create_sheet("Sheet2")
    second.append(["项目", "数量"])
    second.append(["新建工会组织", "2277家"])
    book.save(path)
    return path


def test_xlsx_cells_become_header_labelled_sentences(tmp_path):
    doc = load_file(_workbook(tmp_path / "慰问统计.xlsx"))
    assert doc.meta["title"] == "2024年宜昌市春送温暖慰问情况"
    lines = doc.text.split("\n")
    assert lines[:3] == ["春送温暖", "2024年宜昌市春送温暖慰问情况", "县市区\t慰问资金(万元)\t慰问人数\t建会率"]
    assert "夷陵区\t312\t4860\t84.8%" in lines  # 312.0 read as people wrote it; empty column gone
    assert "Sheet2" not in doc.text  # a default sheet name says nothing
    text = render_tables(doc.text)
    assert "夷陵区：慰问资金312万元，慰问人数4860人，建会率84.8%。" in text
    assert "点军区：慰问资金45.5万元，慰问人数620人，建会率90.0%。" in text
    assert "新建工会组织：2277家。" in text


def test_xlsx_title_falls_back_to_file_name(tmp_path):
    book = openpyxl.Workbook()
    for row in ROWS:
        book.active.append(row)
    book.save(tmp_path / "送温暖.xlsx")
    assert load_file(tmp_path / "送温暖.xlsx").meta["title"] == "送温暖"


def test_damaged_xlsx_says_what_to_do(tmp_path):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="另存为 .xlsx"):
        load_file(path)


def test_xlsx_zip_bomb_is_refused_before_reading(tmp_path):
    path = _workbook(tmp_path / "大.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 2_000_000)  # compresses to a few KB
    with pytest.raises(TooLargeError, match="压缩炸弹"):
        load_file(path, InputLimits(max_unpacked_bytes=1_000_000))


@pytest.mark.parametrize(("encoding", "delimiter"), [("gbk", ","), ("utf-8-sig", ";"), ("utf-8-sig", "\t")])
def test_csv_in_gbk_and_utf8_bom(tmp_path, encoding, delimiter):
    rows = [ROWS[0], ["", "", ""], *ROWS[1:]]  # the empty row is skipped
    path = tmp_path / "慰问.csv"
    path.write_bytes("\n".join(delimiter.join(row) for row in rows).encode(encoding))
    doc = load_file(path)
    assert doc.text == "\n".join("\t".join(row) for row in ROWS)
    assert not doc.text.startswith("\ufeff")
    assert doc.meta["title"] == "慰问"
    assert "夷陵区：慰问资金312万元，慰问人数4860人次。" in render_tables(doc.text)


def test_csv_cell_with_comma_and_line_break_stays_one_cell(tmp_path):
    path = tmp_path / "备注.csv"
    path.write_text('单位,备注\n夷陵区,"走访1,200户\n慰问困难职工"\n点军区,无\n', encoding="utf-8")
    assert "夷陵区\t走访1,200户 慰问困难职工" in load_file(path).text


def test_csv_over_the_cell_limit_is_refused(tmp_path):
    path = tmp_path / "超大.csv"
    row = ",".join(["12"] * 10)
    path.write_text("\n".join([row] * (office.MAX_CELLS // 10 + 100)), encoding="utf-8")
    with pytest.raises(TooLargeError, match="单元格") as raised:
        load_file(path)
    assert "超大.csv" in str(raised.value)


def test_new_formats_are_found_in_folders(tmp_path):
    for name in ("a.doc", "b.wps", "c.xlsx", "d.csv", "e.xls"):
        (tmp_path / name).write_bytes(b"x")
    files, errors, skipped = expand_paths([tmp_path])
    assert [f.name for f in files] == ["a.doc", "b.wps", "c.xlsx", "d.csv"] and not errors
    assert [Path(s).name for s, _ in skipped] == ["e.xls"]


# ---------------------------------------------------------------- .doc / .wps


@pytest.fixture
def doc_file(tmp_path) -> Path:
    """A Word 97 .doc that LibreOffice itself wrote from a python-docx DOCX."""
    source = tmp_path / "src" / "通知.docx"
    source.parent.mkdir()
    document = docx.Document()
    document.add_paragraph("宜昌市总工会开展春送温暖活动")
    table = document.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for i, row in enumerate(ROWS):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    # Without a paragraph after it, LibreOffice's Word 97 export drops a table that ends the document.
    document.add_paragraph("活动共走访慰问困难职工5480人次。")
    document.save(source)
    subprocess.run([office.office_binary(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    return tmp_path / "通知.doc"


@needs_office
@pytest.mark.parametrize("suffix", [".doc", ".wps"])  # WPS Writer's .wps holds the same Word 97 format
def test_doc_is_read_with_its_table(doc_file, suffix):
    path = doc_file.with_suffix(suffix)
    if suffix != ".doc":
        shutil.copy(doc_file, path)
    doc = load_file(path)
    lines = doc.text.split("\n")
    assert lines[0] == "宜昌市总工会开展春送温暖活动"
    assert "夷陵区\t312万元\t4860人次" in lines
    assert "活动共走访慰问困难职工5480人次。" in lines
    assert "夷陵区：慰问资金312万元，慰问人数4860人次。" in render_tables(doc.text)


@needs_office
def test_damaged_doc_says_what_to_do(tmp_path):
    path = tmp_path / "坏.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an OLE header, nothing behind it
    with pytest.raises(InputError, match="另存为 .docx") as raised:
        load_file(path)
    assert "Traceback" not in str(raised.value) and "soffice" not in str(raised.value)


@needs_office
def test_conversion_past_its_time_is_killed_with_a_message(doc_file):
    with pytest.raises(InputError, match="超过 0.01 秒仍未完成"):
        office.convert_to_docx(doc_file.read_bytes(), doc_file, seconds=0.01)


def test_missing_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # a machine without LibreOffice on its PATH
    path = tmp_path / "通知.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError) as raised:
        load_file(path)
    message = str(raised.value)
    assert "apt-get install libreoffice-writer-nogui" in message and "另存为 .docx" in message
    assert str(path) in message


# ---------------------------------------------------------------- end to end


def test_figure_in_a_spreadsheet_cell_is_answered_with_a_citation(tmp_path):
    from assistant import Assistant

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "春送温暖"
    for row in [["县市区", "慰问资金(万元)", "慰问人数"], ["夷陵区", 312, 4860], ["点军区", 45, 620]]:
        sheet.append(row)
    path = tmp_path / "宜昌市春送温暖慰问统计.xlsx"
    book.save(path)
    assistant = Assistant(store=tmp_path / "store")
    report = assistant.ingest([path])
    assert len(report.ingested) == 1, report.rejected
    answer = assistant.ask("夷陵区春送温暖慰问资金是多少？")
    assert not answer.refused, answer.refusal_reason
    assert "312万元" in answer.answer
    assert answer.citations and "312万元" in answer.citations[0].quote
    assert answer.citations[0].source == str(path)
