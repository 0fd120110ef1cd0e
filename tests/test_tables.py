"""Tables read into sentences, so that figures standing only in table cells become citable text."""

from __future__ import annotations

import pytest

from ingest.clean import clean_text, furniture_candidates
from ingest.tables import render_tables

TAB_TABLE = (
    "各县市区工会送温暖资金安排如下表：\n"
    "2023年“两节”送温暖部分县市区资金安排\n"
    "县市区\t慰问资金\t慰问人数\n"
    "夷陵区\t312万元\t4860人次\n"
    "宜都市\t268万元\t3920人次"
)
MARKDOWN_TABLE = (
    "| 县（市、区） | 专项集体合同 | 覆盖女职工 |\n"
    "| --- | --- | --- |\n"
    "| 麒麟区 | 1120份 | 6.9万人 |\n"
    "| 宣威市 | 860份 | 5.1万人 |"
)
UNIT_HEADERS = "地区\t参保人数（万人）\t金额(万元)\t占比/%\n甲县\t7.36\t1250\t12.5\n乙县\t6.1万人\t980万元\t9.8%"
DATA_FIRST = "夷陵区\t312万元\t4860人次\n宜都市\t268万元\t3920人次\n合计\t580万元\t8780人次"


def lines(text: str) -> list[str]:
    return render_tables(text).split("\n")


def test_tab_table_rows_read_with_their_headers_and_the_header_row_is_dropped():
    assert lines(TAB_TABLE) == [
        "各县市区工会送温暖资金安排如下表：",
        "2023年“两节”送温暖部分县市区资金安排",
        "夷陵区：慰问资金312万元，慰问人数4860人次。",
        "宜都市：慰问资金268万元，慰问人数3920人次。",
    ]


def test_markdown_table_drops_the_separator_row():
    assert lines(MARKDOWN_TABLE) == ["麒麟区：专项集体合同1120份，覆盖女职工6.9万人。", "宣威市：专项集体合同860份，覆盖女职工5.1万人。"]


def test_markdown_rows_without_closing_pipe_or_with_alignment_colons():
    text = "| 项目 | 金额 \n|:---|---:|\n| 困难帮扶 | 96万元 |"
    assert lines(text) == ["困难帮扶：金额96万元。"]


def test_header_units_move_onto_bare_numbers_and_cells_with_units_keep_theirs():
    assert lines(UNIT_HEADERS) == [
        "甲县：参保人数7.36万人，金额1250万元，占比12.5%。",
        "乙县：参保人数6.1万人，金额980万元，占比9.8%。",
    ]


def test_headers_counting_in_a_measure_word_give_it_to_bare_numbers():
    text = "县(市、区)\t签订份数\t覆盖企业(家)\t覆盖职工(万人)\t建制率\n魏都区\t312\t706\t6.12\t95.1%"
    assert lines(text) == ["魏都区：签订份数312份，覆盖企业706家，覆盖职工6.12万人，建制率95.1%。"]


def test_a_bracket_that_is_not_a_unit_stays_in_the_header():
    assert lines("地区\t覆盖县(市、区)\n甲市\t12") == ["甲市：覆盖县(市、区)12。"]


def test_caption_unit_applies_to_bare_numbers_and_period_labels_are_headers():
    text = "常州市技能人才等级分布(单位:人)\n技能等级\t2022年底\t2023年底\n高级技师\t7020\t8820\n合计\t602000\t627000"
    assert lines(text) == [
        "常州市技能人才等级分布(单位:人)",
        "高级技师：2022年底7020人，2023年底8820人。",
        "合计：2022年底602000人，2023年底627000人。",
    ]


def test_a_digit_header_does_not_run_into_its_digit_value():
    assert lines("等级\t2022\t2023\n初级工\t203120\t198450") == ["初级工：2022 203120，2023 198450。"]


def test_data_first_table_reads_cells_without_headers_and_total_keeps_its_colon():
    assert lines(DATA_FIRST) == ["夷陵区，312万元，4860人次。", "宜都市，268万元，3920人次。", "合计：580万元，8780人次。"]


def test_totals_empty_and_dash_cells():
    text = "慰问对象\t慰问人次\t主要物资\t备注\n环卫工人\t16800\t\t/\n合 计\t52000\t—\t-\n总计\t—\t-\t"
    assert lines(text) == ["环卫工人：慰问人次16800人次。", "合计：慰问人次52000人次。"]


def test_cells_ending_in_punctuation_are_not_doubled():
    text = "事项\t进展\t说明\n建会\t已完成。\t覆盖全部企业；\n入会\t进行中，\t预计年底完成!"
    assert lines(text) == ["建会：进展已完成。覆盖全部企业。", "入会：进展进行中，预计年底完成!"]


def test_two_columns_use_an_informative_header_and_skip_a_generic_one():
    assert lines("县市区\t慰问资金\n夷陵区\t312万元\n宜都市\t268万元") == ["夷陵区：慰问资金312万元。", "宜都市：慰问资金268万元。"]
    assert lines("指标\t数值\n工会组织\t2277家\n建会率\t84.8%") == ["工会组织：2277家。", "建会率：84.8%。"]


def test_html_rows_that_lost_an_empty_corner_or_trailing_cells_are_realigned():
    text = "2023年\t2024年\n职工人数\t120\t135\n会员人数\t110"
    assert lines(text) == ["职工人数：2023年120，2024年135。", "会员人数：2023年110。"]


def test_a_leading_index_column_gives_way_to_the_name_beside_it():
    text = "序号\t单位\t金额(万元)\n1\t甲公司\t12\n2\t乙公司\t15"
    assert lines(text) == ["甲公司：金额12万元。", "乙公司：金额15万元。"]


@pytest.mark.parametrize(
    "text",
    [
        "记者了解到\t全市共有工会组织2277家。\n第二段正文没有制表符。",
        "\t缩进的第一段正文。\n\t缩进的第二段正文。",
        "第一段正文。\t\n第二段正文。\t",
        "年份 | 会员 | 2021 | 53家 | 2022 | 60家",
        "| 县（市、区） | 专项集体合同 |\n| --- | --- |",
        "| --- | --- |\n| --- | --- |",
        "只有一行\t一个制表符",
    ],
)
def test_lines_that_are_not_tables_are_untouched(text):
    assert render_tables(text) == text


@pytest.mark.parametrize("text", [TAB_TABLE, MARKDOWN_TABLE, UNIT_HEADERS, DATA_FIRST, TAB_TABLE + "\n\n" + MARKDOWN_TABLE])
def test_rendering_is_idempotent(text):
    once = render_tables(text)
    assert once != text
    assert render_tables(once) == once


def test_clean_text_keeps_table_rows_that_the_line_rules_would_take_for_chrome():
    # A Markdown header row reads as a link list and "| --- |" as a symbol-only remnant.
    page = "曲靖市总工会推进女职工专项集体合同。\n" + MARKDOWN_TABLE
    assert clean_text(page).split("\n")[1:] == lines(MARKDOWN_TABLE)


def test_furniture_candidates_are_read_on_rendered_tables():
    # A raw row repeated on another page would count as furniture there and be dropped from it.
    candidates = furniture_candidates(TAB_TABLE)
    assert "2023年“两节”送温暖部分县市区资金安排" in candidates
    assert not any("\t" in line or "夷陵区" in line for line in candidates)
