"""Metadata read from the cleaned sample articles (raw text → clean_text → extract_metadata)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.metadata import extract_metadata, infer_year, parse_date

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def metadata_of(prefix: str, hints: dict[str, str] | None = None) -> dict[str, str]:
    raw = next(SAMPLE.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    return extract_metadata(clean_text(raw), hints, raw=raw)


@pytest.mark.parametrize(
    ("prefix", "title", "day"),
    [
        ("000", "以“355 工作法”深耕工会“责任田”扎实推动“县级工会加强年”专项工作", "2023-04-29"),
        ("001", "南昌市总工会开展“进园区”行动纪实", "2016-05-18"),
        ("002", "抓实「六项举措」, 推动工会工作高质量发展", "2023"),
        # the "section_title_collection" heading names the article; the headline above it is the
        # hosting site's summary-made page title
        ("003", "对黄山市黄山区工会工作的一点思考", "2022-10-23"),
        ("004", "围绕问题清单“做减法”", "2023-08-31"),
    ],
)
def test_sample_titles_and_dates_are_found(prefix, title, day):
    meta = metadata_of(prefix)
    assert (meta["title"], meta["date"]) == (title, day)


def test_year_without_dateline_is_marked_inferred():
    assert metadata_of("002")["date_inferred"] == "1"
    assert metadata_of("004")["date_inferred"] == ""


@pytest.mark.parametrize(
    ("prefix", "publisher"),
    [("000", "四川工人日报"), ("002", "工人日报"), ("004", "工人日报"), ("001", "")],
)
def test_publisher_comes_from_source_credit_or_copyright_notice(prefix, publisher):
    assert metadata_of(prefix)["publisher"] == publisher


def test_publisher_in_dropped_chrome_needs_the_raw_text():
    raw = next(SAMPLE.glob("000_*.txt")).read_text(encoding="utf-8")
    assert extract_metadata(clean_text(raw))["publisher"] == ""
    assert extract_metadata(clean_text(raw), raw=raw)["publisher"] == "四川工人日报"


def test_breadcrumb_site_is_the_publisher_when_nothing_better_exists():
    raw = "中國(guó)共產(chǎn)黨新聞網(wǎng)>>中國(guó)工會(huì)新聞\n\n圍繞問題清單“做減法”\n\n正文第一句。"
    assert extract_metadata(clean_text(raw), raw=raw)["publisher"] == "中国共产党新闻网"


@pytest.mark.parametrize(
    ("prefix", "author"),
    [("000", "高贵富 付华"), ("001", "吴浣"), ("002", "陈健"), ("003", "安徽省黄山市黄山区总工会"), ("004", "李娜")],
)
def test_authors_come_from_bylines(prefix, author):
    assert metadata_of(prefix)["author"] == author


def test_edition_is_read_from_the_masthead():
    assert metadata_of("000")["edition"] == "第04版"
    assert metadata_of("001")["edition"] == ""


def test_format_hints_win_over_the_text():
    meta = metadata_of("004", {"title": "HTML 标题", "date": "2023-09-01T08:00:00+08:00", "publisher": ""})
    assert meta["title"] == "HTML 标题"
    assert meta["date"] == "2023-09-01"
    assert meta["publisher"] == "工人日报"  # an empty hint does not erase what the text says


def test_hinted_date_is_not_inferred():
    assert metadata_of("002", {"date": "2023-07-15"})["date_inferred"] == ""


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("第13573期:第04版 本期出版日期:2023-04-29", "2023-04-29"),
        ("18.05.2016  11:55", "2016-05-18"),
        ("时间:2022-10-23 百科知识 版权反馈", "2022-10-23"),
        ("2023年08月31日09:23  来源:《工人日报》", "2023-08-31"),
        ("2023/8/1", "2023-08-01"),
        ("4 月17 日至21 日", ""),
        ("2023-13-45", ""),
    ],
)
def test_date_formats_seen_in_the_sample(text, iso):
    assert parse_date(text) == iso


def test_inferred_year_is_the_latest_past_year_mentioned():
    body = "2016年是开局之年。到2035年基本实现目标。上世纪90年代。2018 年新增会员。"
    assert infer_year(body, today=date(2024, 1, 1)) == "2018"
    assert infer_year("没有年份。") == ""


def test_kicker_line_announces_the_main_title():
    text = "成都市县两级工会协同联动,分类施策推进专项工作——\n\n围绕问题清单“做减法”\n\n李娜\n\n正文。"
    assert extract_metadata(text)["title"] == "围绕问题清单“做减法”"
