"""The hit test on the real sample store: `Assistant.explain` reports the real retrieval's per-channel scores
and the real answerer's candidates, features, vetoes and choice; `assistant search` prints them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import main
from ui.hit_test_tab import hit_test_html, run_hit_test

SHIFANG = "什邡市总工会建了多少家新就业形态工会？"
WUHAN = "武汉市总工会建了多少家新就业形态工会？"


def test_explain_shows_the_passages_behind_the_answer_with_every_score(sample_assistant):
    hit = sample_assistant.explain(SHIFANG)
    retrieved = sample_assistant.retrieve(SHIFANG, k=10)
    assert [p.chunk_id for p in hit.passages] == [p.chunk_id for p in retrieved]  # the ranking is retrieve's
    assert [p.rank for p in hit.passages] == list(range(1, 11))
    top = hit.passages[0]
    assert top.source.endswith("000_e5d006b3dd77aca2.txt")
    assert top.bm25 > 0 and top.bm25_rank >= 1 and 0 < top.dense <= 1 and top.fused > 0 and top.rerank is not None
    assert top.final == retrieved[0].score
    # passages of documents naming the asked place (什邡) first, each group by its final score
    order = [(-r.scores.get("named", 0.0), -h.final) for h, r in zip(hit.passages, retrieved)]
    assert order == sorted(order) and retrieved[0].scores["named"] == 1.0


def test_explain_shows_the_chosen_sentence_its_features_and_the_vetoed_ones(sample_assistant):
    hit = sample_assistant.explain(SHIFANG)
    assert hit.answer.answer == sample_assistant.ask(SHIFANG).answer
    chosen = hit.chosen
    assert len(chosen) == 1 and "54家" in chosen[0].text and chosen[0].why == "选中：回答引用了这句"
    assert chosen[0].features["unit_match"] is True and chosen[0].features["focus"] > 0.5
    vetoed = [c for c in hit.candidates if c.status == "否决"]
    assert vetoed and all(c.veto and c.why.startswith(f"否决（{c.veto}）") for c in vetoed)
    assert any(c.veto == "other-union" and "德阳市总工会" in c.veto_reason for c in vetoed)
    assert hit.candidates[0] == chosen[0]
    scored = [c.score for c in hit.candidates if c.status == "落选"]
    assert scored == sorted(scored, reverse=True) and all(s <= chosen[0].score for s in scored)


def test_a_refusal_before_any_sentence_is_explained_by_its_check(sample_assistant):
    hit = sample_assistant.explain(WUHAN)
    assert hit.answer.refused and hit.candidates == []
    assert hit.note == "回答器在选句之前就作出了决定：地点/年份检查：资料未提及武汉市"
    assert hit.passages  # retrieval still found related passages


def test_a_follow_up_is_explained_as_resolved(sample_assistant):
    history = [{"role": "user", "content": SHIFANG}]
    hit = sample_assistant.explain("那南昌呢？", history=history)
    assert hit.resolved_question == "南昌市总工会建了多少家新就业形态工会?"
    asked = sample_assistant.ask("那南昌呢？", history=history)
    assert (hit.answer.answer, hit.answer.refusal_reason) == (asked.answer, asked.refusal_reason)
    assert all("南昌" in c.part for c in hit.candidates)


def test_the_hit_test_page_renders_scores_and_verdicts_escaped(sample_assistant):
    page = run_hit_test(sample_assistant, SHIFANG)
    assert 'id="hit-passages"' in page and "BM25（名次）" in page and "选中：回答引用了这句" in page
    assert "否决（other-union）" in page and "hit-chosen" in page
    assert "请输入要诊断的问题" in run_hit_test(sample_assistant, "  ")
    hit = sample_assistant.explain(SHIFANG)
    hit.answer.answer = "<script>alert(1)</script>"
    assert "<script>" not in hit_test_html(hit) and "&lt;script&gt;" in hit_test_html(hit)


def test_cli_search_prints_the_hit_test_and_its_json(sample_store):
    text = CliRunner().invoke(main, ["search", SHIFANG, "--store", str(sample_store), "-k", "3"])
    assert text.exit_code == 0, text.output
    assert "#1 000_e5d006b3dd77aca2.txt  BM25" in text.output and "[选中]" in text.output
    assert "否决（other-union）" in text.output and "回答：全市建立新就业形态工会组织54家" in text.output
    out = CliRunner().invoke(main, ["search", SHIFANG, "--store", str(sample_store), "--json"])
    data = json.loads(out.stdout)
    assert set(data) == {"question", "resolved_question", "answerer", "passages", "candidates", "answer", "note"}
    assert {"bm25", "bm25_rank", "dense", "dense_rank", "fused", "rerank", "final"} <= set(data["passages"][0])
    assert {"status", "why", "score", "features", "veto", "veto_reason"} <= set(data["candidates"][0])
    assert data["answer"]["refused"] is False and len(data["passages"]) == 10


def test_cli_search_mistakes_are_one_chinese_message(tmp_path):
    empty = CliRunner().invoke(main, ["search", "  ", "--store", str(tmp_path)])
    assert empty.exit_code == 2 and "问题是空的" in empty.output
    missing = CliRunner().invoke(main, ["search", SHIFANG, "--store", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "没有资料库" in missing.output and "Traceback" not in missing.output
