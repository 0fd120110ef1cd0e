"""Event dates read from union news text, relative ones resolved against the article's date."""

from __future__ import annotations

import pytest

from core.dates import event_dates


@pytest.mark.parametrize("text, published, label, key", [
    ("2024年3月，市总工会启动职工书屋提质工程。", "2024-05-06", "2024年3月", "2024-03-00"),
    ("4月17日至21日，全市职工技能大赛在顺德举行。", "2024-05-06", "2024年4月17日至21日", "2024-04-17"),
    ("5月1日—3日，工会组织劳模疗休养。", "2023-05-10", "2023年5月1日至3日", "2023-05-01"),
    ("上半年，全县新建工会组织12家。", "2024-09-01", "2024年上半年", "2024-01-00"),
    ("去年，市总工会首次把快递员纳入保障范围。", "2024-03-12", "2023年", "2023-00-00"),
    ("去年底，全市建成职工驿站300个。", "2023-03-01", "2022年底", "2022-12-00"),
    ("今年以来，济南市各级工会新发展会员5.2万人。", "2024-10-15", "2024年以来", "2024-01-00"),
    ("12月，市总工会开展送温暖慰问。", "2024-01-05", "2023年12月", "2023-12-00"),  # a January report
    ("二〇二三年十月十日，召开职代会。", "", "2023年10月10日", "2023-10-10"),
    ("截至2022年底，累计建成职工书屋58家。", "2023", "2022年底", "2022-12-00"),
    ("第一季度，全市签订集体合同300份。", "2023-05-01", "2023年一季度", "2023-01-00"),
])
def test_a_date_is_read_and_resolved(text, published, label, key):
    (d,) = event_dates(text, published)
    assert (d.label, d.key) == (label, key)
    assert text[d.start:d.end] == d.raw


def test_a_relative_date_says_how_it_was_resolved():
    (d,) = event_dates("去年3月，市总工会启动了职工书屋建设。", "2024-05-06")
    assert d.relative and d.resolution == "“去年3月”按发稿日期2024-05-06推算为2023年3月"
    (absolute,) = event_dates("2024年3月，启动建设。", "2024-05-06")
    assert not absolute.relative and absolute.resolution == ""


@pytest.mark.parametrize("text", [
    "近年来，全县653个职工书屋实现提质升级。",  # vague: not the date of anything
    "工作满3个月，月薪5000元。",  # durations and wages
    "高级技师年均收入较2021年增长近两成。",  # a baseline, not an event
    "比重由2022年底的29.4%提高到32.1%。",
    "2023年中国工会十八大召开",  # 年中 only as a part of a year, not 年+中国
])
def test_what_is_not_an_event_date_is_left_out(text):
    assert [d.label for d in event_dates(text, "2023-06-01") if d.raw != "2023年"] == []


def test_relative_dates_need_an_article_date():
    assert event_dates("去年，全市新建工会32家。", "") == []
    assert [d.label for d in event_dates("2023年，全市新建工会32家。", "")] == ["2023年"]
