"""The answering steps as pure functions: literal Chinese strings, a literal library, no store."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.answering.admit import admit_documents, missing_in
from assistant.answering.attributes import asked_attributes, missing_attribute
from assistant.answering.citations import Evidence
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.features import Features, coverage, score, sentence_features
from assistant.answering.followup import resolve
from assistant.answering.gate import Scored, gate_reason, on_topic
from assistant.answering.harvest import candidate_sentences, furniture, without_dateline
from assistant.answering.lists import announced_count, list_items
from assistant.answering.plan import split_by_years, split_subjects, split_topics, split_years
from assistant.answering.policy import DEFAULT_POLICY as P
from assistant.answering.question import analyse
from assistant.answering.select import select
from assistant.answering.vetoes import first_veto
from assistant.article import Article
from assistant.models import Passage
from core.text import TermStats, tokenize

ARTICLE = Article(
    text=("宜昌送温暖资金达2860万元\n"
          "本报讯（记者 王振华）1月9日，宜昌市总工会启动2024年“两节”送温暖活动。\n"
          "2024年全市各级工会共筹集送温暖资金2860万元，其中市总工会本级投入960万元。\n"
          "上半年全市工会受理欠薪投诉986件。\n"
          "今年推出三项新举措：\n"
          "（一）直达卡。\n"
          "（二）掌上办。\n"
          "（三）早介入。\n"
          "技能大赛一等奖16名、二等奖38名。\n"
          "图为慰问组走访困难职工。覃明轩 摄\n"),
    title="宜昌送温暖资金达2860万元", date="2024-01-10", author="王振华", source="/a/yichang.txt")


def passage(article: Article = ARTICLE) -> Passage:
    return Passage("c1", article.source, article.title, article.date, article.text, 0, len(article.text))


def evidence(sentence: str, article: Article = ARTICLE) -> Evidence:
    start = article.text.index(sentence)
    return Evidence(passage(article), start, start + len(sentence), sentence)


def stats_for(*texts: str) -> TermStats:
    """Every token of the texts occurs in one chunk of ten."""
    return TermStats(10, {t: 1 for text in texts for t in tokenize(text)} | {t: 0 for t in ("的",)})


class LiteralLibrary:
    """The Library protocol over literal articles: every question finds every article."""

    def __init__(self, *articles: Article) -> None:
        self.docs = {a.source: a for a in articles}
        self.related_asked: list[str] = []

    def passages(self, query: str, dense_query: str | None = None, names=()) -> list[Passage]:
        return [passage(a) for a in self.docs.values()]

    def related(self, query: str, names=()) -> list[Passage]:
        self.related_asked.append(query)
        return self.passages(query)

    def prefetch(self, dense_queries) -> None:
        pass  # nothing to embed: every question finds every article

    def with_best_document(self, passages):
        return passages

    def articles(self, passages):
        return {p.source: self.docs[p.source] for p in passages}

    def term_stats(self, terms):
        return TermStats(10, {t: 1 if any(t in a.text for a in self.docs.values()) else 0 for t in terms})

    def similarities(self, query, texts):
        return [0.8 for _ in texts]

    def evidence_at(self, like, article, span):
        return Evidence(like, span[0], span[1], article.text[span[0]:span[1]])


def ask(question: str, history: list[dict] | None = None, *articles: Article):
    q = analyse(resolve(question, history))
    library = LiteralLibrary(*(articles or (ARTICLE,)))
    return ExtractiveAnswerer().answer(question, q, library.passages(q.search), library)


# ---------------------------------------------------------------- whole pipeline on a literal article

def test_figure_question_quotes_the_sentence_with_the_asked_thing():
    answer = ask("宜昌市总工会本级投入了多少资金？")
    assert not answer.refused and "960万元" in answer.answer and answer.citations[0].quote.endswith("960万元。")


def test_a_list_intro_brings_its_items():
    answer = ask("今年推出了哪三项新举措？")
    assert [c.quote for c in answer.citations][1:] == ["（一）直达卡。", "（二）掌上办。", "（三）早介入。"]


def test_absent_place_is_refused_with_its_reason():
    answer = ask("武汉市总工会筹集了多少送温暖资金？")
    assert answer.refused and "武汉" in answer.answer and answer.refusal_reason.startswith("地点/年份检查")


def test_other_half_of_the_year_is_refused_by_the_attribute_check():
    answer = ask("宜昌下半年受理欠薪投诉多少件？")
    assert answer.refused and "attribute" in answer.refusal_reason


def test_another_prize_is_refused():
    assert ask("技能大赛三等奖有多少名？").refused
    assert "16名" in ask("技能大赛一等奖有多少名？").answer


def test_a_message_answered_in_parts_reads_its_related_reading_only_when_every_part_is_refused():
    library = LiteralLibrary(ARTICLE)
    for question, refused in (("武汉和长沙分别筹集了多少送温暖资金？", True), ("宜昌和武汉分别筹集了多少送温暖资金？", False)):
        q = analyse(question)
        assert ExtractiveAnswerer().expected_queries(q)  # answered in parts: the Assistant searches only those
        answer = ExtractiveAnswerer().answer(question, q, [], library)
        assert answer.refused is refused
        assert bool(answer.related) is refused and library.related_asked == ([q.search] if refused else [])
        library.related_asked.clear()
    assert "2860万元" in answer.answer and "武汉" in answer.answer  # 宜昌's figure; 武汉 said to be absent


# ---------------------------------------------------------------- steps

def test_harvest_skips_headline_and_caption_and_cuts_the_dateline():
    texts = [ev.text for _, ev in candidate_sentences([passage()], {ARTICLE.source: ARTICLE})]
    assert ARTICLE.title not in texts and not any("摄" in t for t in texts)
    assert "1月9日，宜昌市总工会启动2024年“两节”送温暖活动。" in texts
    assert furniture("责任编辑：刘静怡", "") == "editor" and furniture("图为现场。李明 摄", "") == "caption"
    line = "中工网讯(记者 金晓燕)2024年3月12日,记者获悉全市参保86.5万人。"
    assert line[without_dateline(line, 0, len(line)):].startswith("2024年3月12日")


def test_admit_names_what_the_closest_document_lacks():
    q = analyse("成都市总工会建了多少家驿站？")
    usable, missing = admit_documents(q, [passage()], {ARTICLE.source: ARTICLE})
    assert usable == [] and missing == ["成都市"]
    assert missing_in(analyse("宜昌2024年资金多少？"), ARTICLE.text) == []
    assert missing_in(analyse("宜昌2019年资金多少？"), ARTICLE.text) == ["2019年"]


@pytest.mark.parametrize(("question", "sentence", "veto"), [
    ("全国筹集了多少资金？", "2024年全市各级工会共筹集送温暖资金2860万元，其中市总工会本级投入960万元。", "scope"),
    ("宜昌受理欠薪投诉多少元？", "上半年全市工会受理欠薪投诉986件。", "unit"),
    ("宜昌下半年受理欠薪投诉多少件？", "上半年全市工会受理欠薪投诉986件。", "attribute"),
    ("宜昌2023年筹集了多少送温暖资金？", "2024年全市各级工会共筹集送温暖资金2860万元，其中市总工会本级投入960万元。", "year"),
    ("2860万元里市总工会出了多少？", "2024年全市各级工会共筹集送温暖资金2860万元，其中市总工会本级投入960万元。", None),
    ("宜昌工会主席是谁？", "上半年全市工会受理欠薪投诉986件。", "role"),
])
def test_each_veto_names_itself(question, sentence, veto):
    found = first_veto(analyse(question), evidence(sentence), stats_for(sentence, question), P)
    assert (found.veto if found else None) == veto


def test_a_repeated_figure_is_no_answer():
    q = analyse("2860万元送温暖资金里有多少是市总工会的？")
    only = "宜昌送温暖共2860万元。"
    doc = Article(only, "", "2024-01-10", source="/b.txt")
    assert first_veto(q, evidence(only, doc), stats_for(only, q.text), P).veto == "given-figure"


def test_coverage_is_idf_weighted_with_partial_credit():
    stats = TermStats(10, {"送温暖": 1, "资金": 5, "卡发": 0})
    assert coverage(["送温暖", "资金"], "送温暖资金", stats, P) == 1.0
    assert 0 < coverage(["送温暖", "资金"], "资金", stats, P) < 0.5
    assert coverage(["卡发"], "发卡", stats, P) == pytest.approx(P.partial_unknown_term)


def test_score_and_gate_are_pure_functions_of_features():
    strong = Features(focus=0.8, context=0.9, rank=0, names_asked_figures=False, unit_match=True,
                      has_year=False, enumeration=False, semantic=0.9, semantic_gap=0.0)
    weak = Features(focus=0.1, context=0.2, rank=5, names_asked_figures=False, unit_match=False,
                    has_year=False, enumeration=False, semantic=0.82, semantic_gap=0.05)
    assert score("figure", strong, P) > score("figure", weak, P)
    assert on_topic(strong, P) and not on_topic(weak, P)
    close_in_meaning = Features(0.2, 0.3, 0, False, False, False, False, semantic=0.9, semantic_gap=0.0)
    by_meaning = dataclasses.replace(P, min_semantic=0.88, min_focus_semantic=0.15)
    assert on_topic(close_in_meaning, by_meaning) and not on_topic(close_in_meaning, P)
    assert gate_reason([], P) and gate_reason([Scored(evidence("上半年全市工会受理欠薪投诉986件。"), weak, 0.3)], P)


def test_features_read_the_sentence():
    q = analyse("宜昌上半年受理欠薪投诉多少件？")
    s = "上半年全市工会受理欠薪投诉986件。"
    f = sentence_features(q, evidence(s), 0, stats_for(s, q.text), P, 0.9, 0.95)
    assert f.unit_match and f.focus > 0.5 and f.semantic_gap == pytest.approx(0.05)


def test_select_keeps_runners_up_only_for_lists():
    f = Features(0.8, 0.8, 0, False, False, False, True)
    other = Article("（二）掌上办。", "", "", source="/c.txt")
    a, b = evidence("（一）直达卡。"), evidence("（二）掌上办。", other)
    scored = [Scored(a, f, 1.0), Scored(b, f, 0.9)]
    assert [s.ev for s in select(analyse("直达卡是什么？"), scored, P)] == [a]
    assert [s.ev for s in select(analyse("有哪些举措？"), scored, P)] == [a, b]


def test_list_items_follow_an_intro_or_a_first_point():
    start = ARTICLE.text.index("今年推出")
    end = ARTICLE.text.index("：", start) + 1
    assert len(list_items(ARTICLE, start, end)) == 3 and announced_count("推出四项新举措：") == 4
    inline = Article("主要抓了两个方面：一是畅通渠道；二是组建律师团。下一步继续。", "", "")
    first_end = inline.text.index("；") + 1
    assert [inline.text[s:e] for s, e in list_items(inline, 0, first_end)] == ["二是组建律师团。"]


def test_asked_attributes_and_their_rivals():
    assert [a.name for a in asked_attributes("前三季度受理多少件")] == ["前三季度"]
    assert missing_attribute(asked_attributes("三等奖多少名"), "一等奖16名") == "问的是三等奖，句子说的是一等奖"
    assert missing_attribute(asked_attributes("全年多少件"), "共受理2316件") is None
    assert missing_attribute(asked_attributes("劳模疗休养多少人"), "共安排120人", headline="劳模疗休养") is None


@pytest.mark.parametrize(("follow_up", "previous", "resolved"), [
    ("那前一年呢？", "宜昌2024年送温暖资金多少？", "宜昌2023年送温暖资金多少?"),
    ("第二年呢？", "宜昌2023年困难职工有多少户？", "宜昌2024年困难职工有多少户?"),
    ("上半年呢？", "临沂2024年全年受理欠薪投诉多少件？", "临沂2024年上半年受理欠薪投诉多少件?"),
    ("三等奖呢？", "佛山技能大赛一等奖几个？", "佛山技能大赛三等奖几个?"),
    ("那秭归县呢？", "宜昌2023年夷陵区送温暖资金多少？", "宜昌2023年秭归县送温暖资金多少?"),
])
def test_follow_ups_replace_the_part_they_change(follow_up, previous, resolved):
    history = [{"role": "user", "content": previous}, {"role": "assistant", "content": "……"}]
    assert resolve(follow_up, history) == resolved


def test_plan_splits_places_and_years():
    assert [e for e, _ in split_subjects(analyse("南昌和什邡分别建了多少家工会？"))] == ["南昌", "什邡"]
    years = split_years(analyse("宜昌2023年和2024年送温暖资金分别是多少？"))
    assert years == [("2023年", "宜昌2023年送温暖资金是多少?"), ("2024年", "宜昌2024年送温暖资金是多少?")]
    both = split_by_years(analyse("宜昌这两年每户慰问金各是多少？"), ["2023", "2024"])
    assert [sub for _, sub in both] == ["宜昌2023年每户慰问金是多少?", "宜昌2024年每户慰问金是多少?"]


def test_subject_in_one_sentence_and_figure_in_the_next_are_quoted_together():
    doc = Article("2024年6月，沂水县一家食品企业拖欠127名职工两个月工资。经县总工会牵头协调，企业在15天内补发工资286万元。\n",
                  "临沂欠薪维权", "2025-01-10", source="/d.txt")
    answer = ask("沂水那家食品企业几天内补发了工资？", None, doc)
    assert not answer.refused and "15天" in answer.answer and "沂水县" in answer.citations[0].quote


def test_whose_sentence_is_read_back_to_the_nearest_union_named_before_it():
    page = Article(text=("滨海县总工会 李玲玲\n"
                         "滨海县总工会开展送清凉活动，慰问一线职工3000人次。\n"
                         "盐城市总工会随后召开推进会。\n"
                         "全县共走访企业45家。\n"
                         "今年以来共发放慰问品500份。\n"),
                   title="各地工会开展夏送清凉", date="2024-07-10", source="/a/summer.txt")
    at = {line: page.organisation_at(page.text.index(line), page.text.index(line) + len(line))
          for line in ("全县共走访企业45家。", "今年以来共发放慰问品500份。")}
    assert at == {"全县共走访企业45家。": "滨海县总工会",  # 全县: the nearest county union, past the city's
                  "今年以来共发放慰问品500份。": "盐城市总工会"}  # else the nearest one
    assert "unions" not in page.__dict__  # full names found reading back: the rest of the page is not tagged
    assert page.unions == ["滨海县总工会", "盐城市总工会"]


# ---------------------------------------------------------------- wording the articles did not use

@pytest.mark.parametrize(("question", "units"), [
    ("补贴审核时间缩短到几个工作日？", {"工作日", "天"}),  # the measure word wins over the topic word 补贴
    ("跑外卖的有多少领了补贴？", {"人"}),
    ("流动书箱多久换一次书？", {"频次"}),
    ("补贴标准上浮多少？", set()),  # a change may be stated in any unit
    ("今年资助了多少学生？", {"人"}),
    ("参加互助的职工多少？", {"人"}),
])
def test_the_asked_unit_comes_from_the_words_next_to_the_asking_word(question, units):
    asked = analyse(question).units
    assert units <= asked if units else asked == set()


def test_figures_in_working_days_hours_and_months_are_read():
    from core.numbers import extract_figures
    assert [(f.raw, f.value) for f in extract_figures("三个工作日内入户，每天12小時值守，3个月内办结")] == [
        ("三个工作日", 3.0), ("12小時", 12.0), ("3个月", 3.0)]


def test_a_synonym_counts_for_the_word_and_its_pieces():
    from core.synonyms import alternatives
    assert "惠及" in alternatives("覆盖") and "新就业形态" in alternatives("跑外卖")
    assert "负责人" not in alternatives("主席")  # one way: 主席 asked is not answered by any 负责人
    stats = TermStats(10, {"负责人": 1, "负责": 1, "责人": 1})
    assert coverage(["负责人", "负责", "责人"], "县总工会主席谭文华介绍", stats, P) == pytest.approx(P.synonym_credit)


TABLE = Article(
    text=("各县签订情况如下表。\n表1 许昌市各县工资专项集体合同签订情况\n"
          "禹州市：签订份数355份，覆盖职工7.36万人。\n长葛市：签订份数336份，覆盖职工6.47万人。\n"
          "全市签订工资专项集体合同1742份，覆盖职工32.4万人。\n"),
    title="许昌集体协商", date="2023-11-29", source="/t.docx")


def test_a_table_row_is_read_with_its_caption_and_the_caption_never_answers():
    assert TABLE.heading_of(TABLE.text.index("长葛市")) == "表1 许昌市各县工资专项集体合同签订情况"
    assert TABLE.heading_of(TABLE.text.index("全市")) == ""
    texts = [ev.text for _, ev in candidate_sentences([passage(TABLE)], {TABLE.source: TABLE})]
    assert "表1 许昌市各县工资专项集体合同签订情况" not in texts
    answer = ask("长葛市签了多少份集体合同？", None, TABLE)
    assert "336份" in answer.answer and "355份" not in answer.answer
    assert "1742份" in ask("许昌全市签了多少份集体合同？", None, TABLE).answer  # a county's row is no total


def test_a_figure_for_something_else_is_vetoed():
    sentence = "技能大赛一等奖16名、二等奖38名。"
    q = analyse("宜昌技能大赛县级选手有多少名？")
    found = first_veto(q, evidence(sentence), TermStats(100, {t: 1 for t in tokenize(q.text + sentence)}), P)
    assert found is not None and found.veto == "key-term" and "县级" in found.reason
    # a rate is no total
    assert missing_attribute(asked_attributes("每人慰问金多少元"), "共发放慰问金2860万元") == "句子没有说明计算口径“每人”"
    assert missing_attribute(asked_attributes("每人慰问金多少元"), "人均慰问金500元") is None


@pytest.mark.parametrize(("follow_up", "previous", "answer", "resolved"), [
    ("建筑工人呢？", "南通慰问环卫工人多少人次？", "16800人次。", "南通慰问建筑工人多少人次?"),
    ("那另一个市呢？", "常州和洛阳都发补贴，洛阳技师补多少？", "2000元。", "常州技师补多少?"),
    ("他们的负责人是谁？", "书屋藏书多少？", "秭归县总工会介绍，藏书12.6万册。", "秭归县总工会的负责人是谁"),
])
def test_follow_ups_resolve_against_the_previous_question_and_answer(follow_up, previous, answer, resolved):
    history = [{"role": "user", "content": previous}, {"role": "assistant", "content": answer}]
    assert resolve(follow_up, history) == resolved


def test_plan_splits_two_topics_and_shares_a_leading_topic():
    topics = split_topics(analyse("秭归县2023年送温暖资金和职工书屋投入各是多少？"))
    assert topics == [("送温暖资金", "秭归县2023年送温暖资金是多少?"), ("职工书屋投入", "秭归县2023年职工书屋投入是多少?")]
    places = split_subjects(analyse("高级技师证书补贴，常州和洛阳分别是多少？"))
    assert [sub for _, sub in places] == ["常州高级技师证书补贴是多少?", "洛阳高级技师证书补贴是多少?"]


def test_a_column_tag_is_not_part_of_the_title():
    from ingest.metadata import extract_metadata
    meta = extract_metadata("【工会简讯】未央区集中入会 一天新增会员500名\n6月12日，未央区总工会举行集中入会活动。")
    assert meta["title"] == "未央区集中入会 一天新增会员500名"
    assert furniture("【工会简讯】未央区集中入会 一天新增会员500名", meta["title"]) == "headline"
