"""Chinese number understanding, on forms taken from the sample articles."""

import pytest

from core.numbers import (
    extract_figures,
    figure_in_text,
    normalise_figure,
    parse_number,
    same_figure,
)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("54", 54),
        ("8000", 8000),
        ("35万", 350_000),
        ("三十五万", 350_000),
        ("53.07万", 530_700),
        ("1.2万余", 12_000),
        ("200余万", 2_000_000),
        ("115.92万", 1_159_200),
        ("一百一十五点九二万", 1_159_200),
        ("百分之八十四点八", 84.8),
        ("百分之84.8", 84.8),
        ("84.8%", 84.8),
        ("84.8％", 84.8),
        ("两", 2),
        ("十二", 12),
        ("十点五", 10.5),
        ("2,000", 2000),
        ("近40万", 400_000),
        ("３５万", 350_000),
        ("53.07萬", 530_700),
        ("兩萬", 20_000),
        ("2023年", 2023),
        ("五十四家", 54),
        ("超8000人", 8000),
        ("30多万元", 300_000),
    ],
)
def test_written_number_is_read(written, value):
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize(
    "not_one_number",
    ["4月17日", "2023-04-29", "1+3+N", "5+N", "", "县级工会", "万", "一线", "十三五", "09:23", "54家和32家"],
)
def test_text_that_is_not_one_number_reads_as_none(not_one_number):
    assert parse_number(not_one_number) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("35万元", (350_000, "元")),
        ("百分之八十四点八", (84.8, "%")),
        ("5.3万人", (53_000, "人")),
        ("17.5万人", (175_000, "人")),
        ("3.12万平方米", (31_200, "平方米")),
        ("72個", (72, "个")),
        ("2022 年", (2022, "年")),
        ("40%以上", (40, "%")),
    ],
)
def test_figure_normalises_to_value_and_unit(written, expected):
    value, unit = normalise_figure(written)
    assert (value, unit) == (pytest.approx(expected[0]), expected[1])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("35万元", "350000元"),
        ("35万元", "三十五万元"),
        ("350000元", "三十五万元"),
        ("84.8%", "百分之八十四点八"),
        ("5.3万人", "53000人"),
        ("97名", "97人"),
        ("54", "54家"),
        ("超8000人", "8000人"),
        ("2,000余册", "2000册"),
        ("1289家", "1,289家"),
        ("523萬人", "523万人"),
    ],
)
def test_different_forms_of_one_figure_are_the_same(a, b):
    assert same_figure(a, b)
    assert same_figure(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("54家", "54个"),
        ("35万元", "35元"),
        ("2000年", "2000册"),
        ("89%", "98%"),
        ("53.07万人", "53.7万人"),
    ],
)
def test_different_figures_are_not_the_same(a, b):
    assert not same_figure(a, b)


def test_bare_number_matches_any_unit():
    assert same_figure("84.8", "84.8%")


def test_non_figures_are_never_the_same_figure():
    assert not same_figure("县级工会", "县级工会")


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        ("54家", "全市建立新就业形态工会组织54家,吸纳新就业形态劳动者超8000人。"),
        ("8000人", "吸纳新就业形态劳动者超8000人。"),
        ("350000元", "市总工会补助资金35万元。"),
        ("三十五万元", "市总工会补助资金35万元。"),
        ("2000000元", "总投入资金200余万元"),
        ("百分之八十四点八", "全市工业园区共有工会组织2277家,建会率84.8%,工会会员17.5万人"),
        ("64个", "問題清單中的72個問題已經解決64個,解決率達89%。"),
        ("530700人", "全市發展新就業形態勞動者工會會員53.07萬人"),
        ("2023年", "2023年08月31日09:23  來源:《工人日報》"),
        ("2023年", "本期出版日期:2023-04-29"),
        ("2016年", "18.05.2016  11:55"),
        ("97人", "全省97名区县级工会干部参加培训"),
        ("54", "组织54家"),
    ],
)
def test_figure_is_found_in_text(figure, text):
    assert figure_in_text(figure, text)


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        ("54", "共540家"),
        ("54", "共1054家"),
        ("54家", "5400家"),
        ("4", "4.5万元"),
        ("17", "4 月17 日至21 日"),
        ("21", "4 月17 日至21 日"),
        ("3", "“1+3+N”的服务职工站点网络"),
        ("1", "第一名"),
        ("13573期", "第13573期"),
        ("35万元", "补助资金35元"),
        ("县级工会", "县级工会加强年"),
        ("72个", "72家"),
    ],
)
def test_figure_is_not_found_inside_other_figures_or_dates(figure, text):
    assert not figure_in_text(figure, text)


def test_figures_keep_positions_raw_text_and_qualifiers():
    text = "投资近140余万元,建成3处驿站,慰问一线职工1888人。"
    figures = extract_figures(text)
    assert [(f.value, f.unit, f.approx) for f in figures] == [
        (1_400_000, "元", "近、余"),
        (3, "处", ""),
        (1888, "人", ""),
    ]
    assert all(text[f.start : f.end] == f.raw for f in figures)
    assert figures[0].raw == "近140余万元"


def test_traditional_text_keeps_its_own_characters_in_raw():
    (figure,) = extract_figures("会员53.07萬人")
    assert (figure.value, figure.unit, figure.raw) == (530_700, "人", "53.07萬人")


def test_chinese_words_with_numerals_are_not_figures():
    text = "深入开展“十三五”规划,两学一做,一线职工,零距离,建千家工会组织"
    assert extract_figures(text) == []


def test_chinese_numerals_with_a_measure_word_are_figures():
    values = [(f.value, f.unit) for f in extract_figures("探索实施四种建会模式,选择三家企业")]
    assert values == [(4, "种"), (3, "家")]


def test_dates_yield_only_their_year():
    figures = extract_figures("4 月17 日至21 日在成都举行;出版日期:2023-04-29;截至4月30日")
    assert [(f.value, f.unit, f.raw) for f in figures] == [(2023, "年", "2023")]


def test_number_names_are_not_figures():
    assert extract_figures("构建“1+3+N”网络和“5+N”平台") == []


def test_figure_without_unit_does_not_swallow_following_space():
    (figure,) = extract_figures("“355 工作法”")
    assert figure.raw == "355"
