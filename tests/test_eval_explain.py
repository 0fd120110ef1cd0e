"""The report that explains: failed cases carry the hit test's diagnosis (refusal or veto, the right
passage's rank, the sentence chosen instead), passed cases are listed collapsed, and every run is kept in
a runs folder whose last runs the report draws as a trend. Real store, real CLI, real files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from evals.diagnose import diagnose
from evals.schema import GoldCase
from evals.trend import load_runs, record_run, trend_rows

SHIFANG = "什邡市总工会建立新就业形态工会组织多少家？"
RIGHT = {"id": "right", "type": "figure", "question": SHIFANG, "facts": [["54家"]],
         "sources": ["000_e5d006b3dd77aca2.txt"]}
WRONG = {**RIGHT, "id": "wrong-on-purpose", "facts": [["55家"]], "note": "the article says 54家: wrong on purpose"}
WUHAN = {"id": "refused", "type": "figure", "question": "武汉市总工会建了多少家新就业形态工会？",
         "facts": [["54家"]], "sources": ["000_e5d006b3dd77aca2.txt"]}


def write_gold(path: Path, cases: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    return path


def test_diagnosis_names_the_right_passage_and_the_sentence_chosen_instead(sample_assistant):
    case = GoldCase.model_validate(WRONG)
    d = diagnose(case, sample_assistant.explain(SHIFANG))
    assert d["right_passage_rank"] == 1 and d["right_sentence"] is None
    assert "54家" in d["chosen"][0]["text"] and d["chosen"][0]["source"] == "000_e5d006b3dd77aca2.txt"
    assert d["summary"].startswith("正确文章的段落排第 1 位；回答器权衡的句子里没有含期望事实的句子；回答选了：")
    refused = diagnose(GoldCase.model_validate(WUHAN), sample_assistant.explain(WUHAN["question"]))
    assert refused["refusal_reason"] == "地点/年份检查：资料未提及武汉市" and refused["chosen"] == []
    assert "拒答：地点/年份检查：资料未提及武汉市" in refused["summary"]


def test_diagnosis_shows_the_veto_that_removed_the_right_sentence(sample_assistant):
    # The caption names 德阳's secretary, not 什邡's: a gold case expecting 朱兆忠 for 什邡 fails on a veto.
    case = GoldCase.model_validate({**RIGHT, "id": "v", "question": "什邡市总工会党组书记是谁？", "type": "entity",
                                    "facts": [["朱兆忠"]]})
    d = diagnose(case, sample_assistant.explain(case.question))
    right = d["right_sentence"]
    assert right["status"] == "否决" and "朱兆忠" in right["text"]
    assert right["why"] == "否决（other-union）：句子讲的是德阳市总工会，不是什邡的工会"
    assert d["refusal_reason"] == right["why"] and d["chosen"] == []
    assert "含期望事实的句子被否决（other-union）" in d["summary"]


def test_report_explains_failures_lists_passes_and_draws_the_trend(tmp_path, sample_store):
    gold = write_gold(tmp_path / "explain.jsonl", [RIGHT, WRONG, WUHAN])
    runs = tmp_path / "runs"
    args = ["eval", "--gold", str(gold), "--store", str(sample_store), "--runs", str(runs)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(main, [*args, "--json", "--report", str(tmp_path / "rep")])
    assert second.exit_code == 0, second.output
    report = json.loads(second.stdout)
    outcome = {r["id"]: r for r in report["results"]}
    assert outcome["right"]["passed"] and outcome["right"]["diagnosis"] is None
    assert not outcome["wrong-on-purpose"]["passed"]
    assert outcome["wrong-on-purpose"]["diagnosis"]["right_passage_rank"] == 1
    assert outcome["refused"]["diagnosis"]["refusal_reason"].startswith("地点/年份检查")

    assert len(list(runs.glob("*-explain.json"))) == 2
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    for text in (html, md):
        assert "Failures (2)" in text and "wrong-on-purpose" in text and "answer lacks 55家" in text
        assert "诊断 Diagnosis" in text and "正确文章的段落排第 1 位" in text and "回答选了：全市建立新就业形态工会组织54家" in text
        assert "拒答：地点/年份检查：资料未提及武汉市" in text
        assert "通过的问题 Passed (1)" in text and "展开 1 个通过的问题" in text
        assert "趋势 Trend" in text and "最近 2 次运行" in text
    assert '<details class="passed">' in html and "data:image/png;base64" in html
    assert (tmp_path / "rep" / "trend.png").stat().st_size > 10_000


def test_runs_are_kept_with_time_and_revision_and_read_back_per_gold_file(tmp_path):
    base = {"cases": 3, "answer_accuracy": 0.5, "citation_accuracy": 0.5, "refusal_accuracy": 1.0,
            "crag": {"score": 0.2}, "results": [{"id": "x"}]}
    record_run({**base, "config": {"set": "甲", "gold": "/a/甲.jsonl"}}, tmp_path, revision="abc1234")
    record_run({**base, "answer_accuracy": 0.75, "config": {"set": "甲", "gold": "/b/甲.jsonl"}}, tmp_path, revision="def")
    record_run({**base, "config": {"set": "乙", "gold": "/a/乙.jsonl"}}, tmp_path, revision="")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    runs = load_runs(tmp_path, "/c/甲.jsonl")
    assert [r["git"] for r in runs] == ["abc1234", "def"] and all("results" not in r for r in runs)
    assert [row["answer_accuracy"] for row in trend_rows(runs)] == [0.5, 0.75]
    assert trend_rows(runs)[0]["crag"] == 0.2
    assert [r["git"] for r in load_runs(tmp_path, "甲.jsonl", last=1)] == ["def"]


def test_the_ui_workbench_runs_a_bundled_set_on_its_own_corpus_and_the_served_store(tmp_path, monkeypatch,
                                                                                     sample_store):
    """What the 评测 tab calls: a bundled set (shrunk to four cases) on its own corpus in an isolated store,
    and a saved gold file on the served store; both write a report under the store and keep the run."""
    import shutil

    from assistant import Assistant
    from evals.sets import BUNDLED_SETS, EMBEDDING_CACHE_FILE, EvalSet
    from evals.workbench import OWN_CORPUS, SERVED, EvalWorkbench

    shutil.copytree(sample_store, tmp_path / "served")  # reports are written under the served store
    sample_assistant = Assistant(store=tmp_path / "served")

    root = tmp_path / "eval-root"
    root.mkdir()
    shutil.copy(sample_store / "embeddings.sqlite", root / EMBEDDING_CACHE_FILE)  # no model time for the sample
    monkeypatch.setenv("ASSISTANT_EVAL_STORE", str(root))
    tiny = write_gold(tmp_path / "tiny.jsonl", [RIGHT, WRONG, WUHAN])
    monkeypatch.setitem(BUNDLED_SETS, "sample", EvalSet("sample", tiny, BUNDLED_SETS["sample"].corpus))
    steps = []
    bench = EvalWorkbench()
    outcome = bench.run(str(tiny), OWN_CORPUS, sample_assistant, lambda done, total: steps.append((done, total)))
    assert (outcome.passed, outcome.cases) == (1, 3) and steps[-1] == (3, 3)
    assert outcome.html.is_file() and Path(sample_assistant.settings.store) in outcome.html.parents
    assert "== sample ==" in outcome.summary and "CRAG 得分" in outcome.summary
    served = bench.run(str(tiny), SERVED, sample_assistant)
    assert (served.passed, served.cases) == (1, 3)
    assert "趋势 Trend" in served.html.read_text(encoding="utf-8")  # the second run of tiny.jsonl on this store
