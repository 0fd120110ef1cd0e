"""Cleaning behaviour on real snippets of the scraped sample articles."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from core.text import normalize_query, normalize_unicode
from ingest.clean import (
    clean_text,
    drop_boilerplate_lines,
    drop_placeholders,
    drop_spam_lists,
    fix_characters,
    repair_gbk_shift,
    furniture_candidates,
    strip_pinyin,
    to_simplified,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SAMPLES = sorted(SAMPLE.glob("*.txt"))


@pytest.fixture(scope="module")
def cleaned() -> dict[str, str]:
    return {p.name[:3]: clean_text(p.read_text(encoding="utf-8")) for p in SAMPLES}


# ---------------------------------------------------------------- character fixes

def test_nfkc_folds_kangxi_radicals_and_full_width_forms():
    assert normalize_unicode("⽂化宫（职⼯）") == "文化宫(职工)"


def test_newlines_are_unified_and_invisible_characters_removed():
    assert normalize_unicode("第一段\r\n第二\u200b段\r第三段\ufeff") == "第一段\n第二段\n第三段"
    assert normalize_unicode("4\u00a0月") == "4 月"


def test_traditional_text_becomes_simplified():
    assert to_simplified("圍繞問題清單“做減法”") == "围绕问题清单“做减法”"


def test_normalize_query_matches_document_form():
    assert normalize_query("  成都市總工會　新增多少個？ ") == "成都市总工会 新增多少个?"


def test_pinyin_readings_are_removed():
    assert strip_pinyin("中國(guó)共產(chǎn)黨新聞網(wǎng)") == "中國共產黨新聞網"
    assert strip_pinyin("會員保持在200人左右") == "會員保持在200人左右"


@pytest.mark.parametrize("text", ["朱兆忠(左七)同什邡市", "标准(2016)版", "人工智能(ABC)平台", "区(市)县工会"])
def test_parentheses_that_are_not_pinyin_stay(text):
    assert strip_pinyin(text) == text


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("設立‘經(jīng)審辦’!痹陂_展“縣級(jí)", "設立‘經(jīng)審辦’!”在開展“縣級(jí)"),
        ("內設機構1個(gè)!坝纸鉀Q了一個(gè)問題", "內設機構1個(gè)!“又解決了一個(gè)問題"),
        # cut by "(": the dangling lead byte is completed to the word it began (工會)
        ("一個(gè)問題!背啥际锌偣\ue63a(huì)黨組", "一個(gè)問題!”成都市總工會(huì)黨組"),
        # cut by ",": the dangling byte completes 提出
        ("的攻堅時期!倍盼奶岢,希望", "的攻堅時期!”杜文提出,希望"),
        # after "?reading)" residue the lost lead byte is unknown and is searched for
        ("當(dāng)?shù)毓\ue63a?huì)深植", "當(dāng)?shù)地工會?huì)深植"),
        ("首家“書食飯?zhí)谩。", "首家“書食飯?zhí)堂。"),
    ],
)
def test_gbk_shift_runs_are_repaired(damaged, repaired):
    assert repair_gbk_shift(damaged) == repaired


@pytest.mark.parametrize("text", ["太好了!我们一起努力", "真的!是吗", "Hello!World", "第一?第二"])
def test_gbk_repair_leaves_clean_text_alone(text):
    assert repair_gbk_shift(text) == text


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_gbk_repair_changes_only_the_damaged_runs_of_the_sample(path):
    raw = path.read_text(encoding="utf-8")
    repaired = repair_gbk_shift(raw)
    ops = difflib.SequenceMatcher(None, raw, repaired, autojunk=False).get_opcodes()
    changes = [(raw[i1:i2], repaired[j1:j2]) for op, i1, i2, j1, j2 in ops if op != "equal"]
    expected = {
        "004": [
            ("痹陂_", "”在開"),
            ("坝纸鉀Q", "“又解決"),
            ("背啥际锌偣\ue63a", "”成都市總工會"),
            ("毓\ue63a", "地工會"),
            ("谩", "堂"),
            ("背啥际锌偣\ue63a", "”成都市總工會"),
            ("倍盼奶岢", "”杜文提出"),
        ]
    }
    assert changes == expected.get(path.name[:3], [])


def test_lost_character_is_restored_from_its_reading():
    # 報 was lost at the source; its reading (bào) and 日 leave one word: 日报
    assert to_simplified(drop_placeholders("來源:《工人日?qǐng)?bào)》")) == "来源:《工人日报》"


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("當(dāng)?shù)地工會?huì)深植", "當(dāng)地工會深植"),  # 当地 is already a word: nothing to restore
        ("首家“書食飯?zhí)堂。?月營業", "首家“書食飯堂。月營業"),
        ("數據???丟失", "數據丟失"),
        ("成都市總工\ue63a會", "成都市總工會"),
    ],
)
def test_placeholder_residue_is_dropped(damaged, clean):
    assert drop_placeholders(damaged) == clean


@pytest.mark.parametrize("text", ["问题解决了吗？成效如何？", "是吗?我们再看看", "What?"])
def test_genuine_question_marks_stay(text):
    assert drop_placeholders(text) == text


# ---------------------------------------------------------------- line rules

def test_place_name_spam_list_is_removed():
    text = "(责编:刘琼、黄瑾)\n红安县| 乌拉特前旗| 肇庆市| 琼结县| 神木县| 开远市| 滕州市| 平安县| 外汇| 临颍县|"
    assert drop_spam_lists(text) == "(责编:刘琼、黄瑾)"


def test_spam_glued_to_article_text_is_cut_off_the_line():
    text = "确保清单中的72个问题到期销账。红安县| 乌拉特前旗| 肇庆市| 琼结县| 神木县| 开远市|"
    assert drop_spam_lists(text) == "确保清单中的72个问题到期销账。"


@pytest.mark.parametrize(
    "text",
    [
        "送政策、送文化、送服务、送岗位、送技能、送保障、送救助、送健康",
        "年份 | 会员 | 2021 | 53家 | 2022 | 60家 | 2023 | 72家",
        "选项 A|B",
    ],
)
def test_enumerations_and_figure_tables_are_not_spam(text):
    assert drop_spam_lists(text) == text


@pytest.mark.parametrize(
    "line",
    [
        "以“355 工作法”深耕工会“责任田”扎实推动“县级工会加强年”专项工作佳节到 省总送文化到基层“迎大运 游成都”文旅消费券来啦田园春光",
        "第04版 上一期   下一期 上一版 下一版",
        "  •   标题    站内高级搜索",
        "语音播报: 语音播报",
        " 新闻评论0",
        "友情链接",
        "我要反馈",
        "Copyright © 2011 四川工人日报融媒体数字报 Corporation, All Rights Reserved  ",
        "地址:北京市朝阳区北苑路拂林园4号楼   邮编:101501",
        "免责声明:以上内容源自网络,版权归原作者所有,如有侵犯您的原创版权请告知,我们将尽快删除相关内容。",
        "中国共产党新闻网>>中国工会新闻",
        "首页 百科知识 中央重视各先锋号关心广大职工期盼如何创新",
        "工会新闻 > 基层动态 > 正文",
        ">>",
    ],
)
def test_site_chrome_lines_are_dropped(line):
    assert drop_boilerplate_lines(line) == ""


@pytest.mark.parametrize("line", ["(责编:刘琼、黄瑾)", "责任编辑：刘静怡", "【责任编辑：孙明】"])
def test_editor_lines_stay_as_article_metadata(line):
    # they answer "责任编辑是谁" and are never quoted for anything else (see assistant/answering/harvest.py)
    assert drop_boilerplate_lines(line) == line


@pytest.mark.parametrize(
    "line",
    [
        "以“355 工作法”深耕工会“责任田”扎实推动“县级工会加强年”专项工作",
        "第13573期:第04版 本期出版日期:2023-04-29",
        "时间:2022-10-23 百科知识 版权反馈",
        "高贵富 付华 文/图",
        "尤嘉 张丙涛 摄",
        "开展职工技能竞赛",
        "立知责之识",
        "【主席之声】",
        "来源:《工人日报》",
        "特色发展_对黄山市黄山区工会工作的一点思考_工运事业改革创新与民生工会建设",
        "全市建立新就业形态工会组织54家,吸纳新就业形态劳动者超8000人。",
        "月工资>3000元的职工",
        "A|B 两类企业 2023",
    ],
)
def test_article_lines_are_kept(line):
    assert drop_boilerplate_lines(line) == line


def test_a_long_unpunctuated_line_is_a_ticker_only_at_the_top():
    caption = "2023 年“五一”国际劳动节前夕什邡市委副书记市长晏世莹在庆“五一”文艺汇演暨“最美劳动者”颁奖典礼上同获奖者合影"
    assert drop_boilerplate_lines(f"{caption}\n标题") == "标题"
    body = f"标题\n\n第一段。\n\n第二段。\n\n{caption}"
    assert drop_boilerplate_lines(body) == body


def test_short_unpunctuated_lines_are_furniture_candidates_and_common_ones_are_dropped():
    page = "本站首页导航栏\n第一篇文章正文,有数字12。\n关于我们 联系我们"
    assert furniture_candidates(page) == frozenset({"本站首页导航栏", "关于我们 联系我们"})
    assert clean_text(page, furniture_candidates(page)) == "第一篇文章正文,有数字12。"


def test_datelines_and_sentences_are_never_site_furniture():
    assert furniture_candidates("时间:2022-10-23\n同一句话。") == frozenset()


# ---------------------------------------------------------------- whole pipeline on the sample

def test_004_reads_as_clean_simplified_chinese(cleaned):
    text = cleaned["004"]
    for phrase in ["围绕问题清单“做减法”", "72个问题已经解决64个,解决率达89%", "53.07万人", "1289家", "523万人",
                   "‘经审办’!”在开展", "“又解决了一个问题!”成都市总工会党组书记", "杜文提出,希望", "当地工会深植",
                   "来源:《工人日报》"]:
        assert phrase in text
    for damage in ["痹陂", "坝纸", "背啥", "倍盼", "毓", "谩", "?", "\ue63a", "红安县", "县|", "責", "會"]:
        assert damage not in text
    assert not re.search(r"\([a-zA-Zü" + "āáǎàēéěèīíǐìōóǒòūúǔù" + r"]+\)", text)  # no pinyin readings left


def test_000_keeps_the_article_and_drops_the_footer(cleaned):
    text = cleaned["000"]
    assert "全市建立新就业形态工会组织54家,吸纳新就业形态劳动者超8000人。" in text
    for chrome in ["Copyright", "邮编", "新闻评论0", "友情链接", "语音播报", "上一期", "站内高级搜索", "佳节到"]:
        assert chrome not in text


@pytest.mark.parametrize(
    ("key", "lines"),
    [
        ("000", ["以“355 工作法”深耕工会“责任田”扎实推动“县级工会加强年”专项工作", "第13573期:第04版 本期出版日期:2023-04-29"]),
        ("001", ["南昌市总工会开展“进园区”行动纪实", "18.05.2016  11:55"]),
        ("002", ["抓实「六项举措」, 推动工会工作高质量发展", "聚力“四强”打造江阴产改新风景", "建好职工书屋助力打造学习型企业"]),
        ("003", ["中央重视各先锋号关心广大职工期盼如何创新", "时间:2022-10-23 百科知识 版权反馈"]),
        ("004", ["成都市县两级工会协同联动,分类施策推进“县级工会加强年”专项工作——", "2023年08月31日09:23  来源:《工人日报》"]),
    ],
)
def test_titles_and_datelines_survive(cleaned, key, lines):
    kept = cleaned[key].split("\n")
    assert all(line in kept for line in lines)


# Lines with figures that are site chrome; every other line with a digit must survive cleaning.
CHROME_WITH_FIGURES = {
    "000": {"第04版 上一期   下一期 上一版 下一版", "新闻评论0",
            "Copyright © 2011 四川工人日报融媒体数字报 Corporation, All Rights Reserved",
            "地址:北京市朝阳区北苑路拂林园4号楼   邮编:101501"},
}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_no_sentence_with_a_figure_is_lost(path, cleaned):
    text = cleaned[path.name[:3]]
    chrome = CHROME_WITH_FIGURES.get(path.name[:3], set())
    fixed_lines = [line.strip() for line in fix_characters(path.read_text(encoding="utf-8")).split("\n")]
    ticker = fixed_lines[0] if path.name.startswith("000") else None  # headlines; its title is repeated below
    lost = [line for line in fixed_lines
            if re.search(r"\d", line) and line not in chrome and line != ticker and line not in text]
    assert lost == []
    kept_body = "".join(line for line in fixed_lines if line not in chrome and line != ticker)
    assert sum(map(str.isdigit, text)) >= sum(map(str.isdigit, kept_body))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_cleaned_text_is_tidy(path, cleaned):
    text = cleaned[path.name[:3]]
    assert "\n\n\n" not in text and text == text.strip()
    assert all(line == line.strip() for line in text.split("\n"))
    assert to_simplified(text) == text and normalize_unicode(text) == text
