"""`assistant gold convert`: public Chinese RAG benchmarks (CRUD-RAG, DuReader-retrieval, T2Retrieval style
JSONL) into our gold set and a corpus folder, then `assistant eval --gold --corpus` on real files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from evals.convert import answer_forms, convert, convert_item, passage_file, passage_text
from evals.schema import load_gold

BENCH = Path(__file__).parent / "data" / "benchmarks" / "crud_style.jsonl"


def test_one_item_becomes_a_case_whose_sources_are_its_positive_passages():
    item = {"query": "什邡市总工会建立新就业形态工会组织多少家？", "answers": ["54家", "五十四家"],
            "pos": ["全市建立新就业形态工会组织54家。"], "neg": ["成都市总工会梳理出72个问题。"]}
    case, passages, why = convert_item(item, "q1")
    assert why == ""
    assert case == {"id": "q1", "type": "figure", "question": "什邡市总工会建立新就业形态工会组织多少家？",
                    "facts": [["54家", "五十四家"]], "sources": [passage_file("全市建立新就业形态工会组织54家。")],
                    "tags": ["converted"]}
    assert [p.text for p in passages] == ["全市建立新就业形态工会组织54家。", "成都市总工会梳理出72个问题。"]


def test_answers_and_passages_in_the_shapes_benchmarks_use():
    assert answer_forms("72个") == ["72个"]
    assert answer_forms([["32家", "三十二家"]]) == ["32家", "三十二家"]
    assert answer_forms([{"text": "心理健康指导中心"}, "心理健康指导中心"]) == ["心理健康指导中心"]
    assert passage_text({"title": "围绕问题清单做减法", "text": "梳理出72个问题。"}) == "围绕问题清单做减法\n\n梳理出72个问题。"
    assert passage_text({"content": "梳理出72个问题。"}) == "梳理出72个问题。"
    assert passage_file("梳理出72个问题。") == passage_file("梳理出72个问题。") != passage_file("梳理出73个问题。")


def test_no_answer_and_no_passage_is_unanswerable_and_retrieval_only_lines_are_skipped():
    case, _, _ = convert_item({"query": "武汉市总工会建了多少家职工驿站？", "answers": [], "pos": []}, "q4")
    assert case == {"id": "q4", "type": "unanswerable", "question": "武汉市总工会建了多少家职工驿站？", "tags": ["converted"]}
    case, passages, why = convert_item({"query": "只有检索标注", "pos": ["某县总工会开展送温暖活动。"]}, "q5")
    assert case is None and "没有答案" in why and len(passages) == 1
    case, _, why = convert_item({"query": "有答案没出处", "answer": "12家"}, "q6")
    assert case is None and "没有正例段落" in why


def test_a_benchmark_file_converts_into_a_gold_file_that_loads_and_a_corpus_folder(tmp_path):
    report = convert(BENCH, tmp_path / "out")
    cases = load_gold(report.gold)
    assert [c.id for c in cases] == ["crud-1", "dureader-7", "q00003", "q00004"]
    assert [c.type for c in cases] == ["figure", "figure", "figure", "unanswerable"]
    files = {p.name: p.read_text(encoding="utf-8") for p in report.corpus.glob("*.txt")}
    assert report.passages == len(files) == 5  # the 盱眙 passage is used three times, written once
    for c in cases:
        assert all(s in files for s in c.sources)
    assert "54家" in files[cases[0].sources[0]]
    assert report.skipped == [(5, "没有答案（answer/answers），只适合检索评测")]
    assert report.answers_not_in_passages == []
    assert "跳过 1 行" in report.summary() and "assistant eval --gold" in report.summary()


def test_cli_converts_and_eval_runs_the_converted_set_on_its_corpus(tmp_path):
    out = tmp_path / "bench"
    converted = CliRunner().invoke(main, ["gold", "convert", str(BENCH), "--out", str(out)])
    assert converted.exit_code == 0, converted.output
    assert "已转换 4 条用例" in converted.output
    run = CliRunner().invoke(main, ["eval", "--gold", str(out / "gold.jsonl"), "--corpus", str(out / "corpus"),
                                    "--json", "--no-record"])
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert report["cases"] == 4 and report["config"]["documents"] == 5
    outcome = {r["id"]: r for r in report["results"]}
    assert outcome["crud-1"]["answer_correct"] and outcome["dureader-7"]["answer_correct"]
    assert outcome["q00004"]["refused"]  # 武汉 is in no passage


def test_a_malformed_line_is_one_chinese_error_naming_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "什邡市总工会建了多少家？", "answers": ["54家"], "pos": ["54家"]}\n{"query": "x", oops}\n',
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["gold", "convert", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "bad.jsonl 第 2 行" in result.output and "不是有效的 JSON" in result.output
    assert not (tmp_path / "o").exists()  # nothing written before the whole file is read
    missing = tmp_path / "missing.jsonl"
    missing.write_text('{"answers": ["54家"], "pos": ["54家"]}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["gold", "convert", str(missing), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "missing.jsonl 第 1 行，字段 question：缺少问题" in result.output
