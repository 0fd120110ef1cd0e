"""Size limits on ingest: a file, a DOCX's unpacked entries and a document's text, each refused with a
Chinese message naming the limit and its setting, before the file can exhaust memory or time."""

from __future__ import annotations

import zipfile

import docx
import pytest

from assistant import Assistant, TooLargeError, TooSlowError, load_settings
from ingest.load import InputLimits, load_file

ARTICLE = "本报讯 3月20日，邢台市总工会下达2025年度“职工之家”建设补助资金186万元。\n" * 20


def docx_file(path, extra: bytes = b""):
    document = docx.Document()
    for line in ARTICLE.splitlines():
        document.add_paragraph(line)
    document.save(path)
    if extra:  # a well-formed DOCX carrying a large, highly compressible entry: a zip bomb in small
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/media/padding.bin", extra)
    return path


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(ARTICLE * 50, encoding="utf-8")
    with pytest.raises(TooLargeError, match="max_file_mb") as caught:
        load_file(path, InputLimits(max_file_bytes=10_000))
    assert "big.txt" in str(caught.value) and "超过上限" in str(caught.value)


def test_a_docx_that_unpacks_too_large_is_refused_and_a_normal_one_loads(tmp_path):
    bomb = docx_file(tmp_path / "bomb.docx", extra=b"\0" * 3_000_000)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(TooLargeError, match="max_unpacked_mb"):
        load_file(bomb, InputLimits(max_unpacked_bytes=2_000_000))
    assert "186万元" in load_file(docx_file(tmp_path / "ok.docx"), InputLimits(max_unpacked_bytes=2_000_000)).text


def test_too_much_text_after_decoding_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(ARTICLE, encoding="gbk")
    with pytest.raises(TooLargeError, match="max_document_chars"):
        load_file(path, InputLimits(max_document_chars=100))


def test_a_file_over_its_time_budget_is_given_up_with_the_stage_named(tmp_path):
    path = docx_file(tmp_path / "slow.docx")
    with pytest.raises(TooSlowError, match="max_file_seconds") as caught:
        load_file(path, InputLimits(max_file_seconds=1e-9))
    assert "slow.docx" in str(caught.value) and "读取超过" in str(caught.value)
    assert "186万元" in load_file(path).text


def test_ingest_reports_each_file_over_budget_and_keeps_the_store_empty(tmp_path):
    (tmp_path / "in").mkdir()
    docx_file(tmp_path / "in" / "a.docx")
    (tmp_path / "in" / "b.txt").write_text(ARTICLE, encoding="utf-8")
    assistant = Assistant(settings=load_settings(store=tmp_path / "store", max_file_seconds=1e-9))
    report = assistant.ingest([tmp_path / "in"])
    assert not report.ingested and len(report.rejected) == 2
    assert all(isinstance(e, TooSlowError) and "max_file_seconds" in str(e) for e in report.rejected)
    assert assistant.documents() == [] and assistant.check_store() == []


def test_the_limits_are_settings_with_defaults_no_article_reaches():
    s = load_settings()
    assert (s.max_file_mb, s.max_unpacked_mb, s.max_document_chars, s.max_question_chars) == (50, 200, 2_000_000, 500)
    assert (s.max_file_seconds, s.max_upload_mb) == (120.0, 500)
