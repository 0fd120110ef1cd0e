"""Bundled eval sets, their content-keyed stores and how several runs combine (no store, no model)."""

import shutil
from pathlib import Path

import pytest

import assistant
from assistant import SAMPLE_DIR, ConfigError
from evals import sets, suite
from evals.sets import BUNDLED_SETS, corpus_files, corpus_key, isolated_store

ROOT = Path(__file__).resolve().parent.parent


def test_three_bundled_sets_name_their_gold_file_and_corpus():
    assert list(BUNDLED_SETS) == ["sample", "dev", "test"]
    for s in BUNDLED_SETS.values():
        assert s.gold.is_file() and corpus_files(s.corpus), s.name
    assert BUNDLED_SETS["sample"].corpus == (str(SAMPLE_DIR),)
    assert sets.GATE_SET == "test"


def test_isolated_store_is_named_after_the_set_and_keyed_by_content(tmp_path, sample_copy):
    root = tmp_path / "eval"
    store = isolated_store("sample", [str(sample_copy)], None, root)
    assert store.parent == root and store.name.startswith("sample-")
    assert isolated_store("sample", [str(sample_copy)], None, root) == store  # stable

    first = min(sample_copy.iterdir())
    first.write_text(first.read_text(encoding="utf-8") + "\n补充一句。", encoding="utf-8")
    edited = isolated_store("sample", [str(sample_copy)], None, root)
    assert edited != store and edited.name.startswith("sample-")

    (sample_copy / "new.txt").write_text("新增文章。", encoding="utf-8")
    assert isolated_store("sample", [str(sample_copy)], None, root) != edited


def test_store_key_changes_with_the_pipeline_code_the_embedder_and_the_checkout(tmp_path, sample_copy, monkeypatch):
    key = corpus_key([str(sample_copy)], None)
    assert corpus_key([str(sample_copy)], "st:some-model") != key
    other_checkout = tmp_path / "other" / "corpus"
    shutil.copytree(sample_copy, other_checkout)
    assert corpus_key([str(other_checkout)], None) != key  # documents are stored under their resolved paths
    monkeypatch.setattr(assistant, "pipeline_fingerprint", lambda: "older pipeline code")
    assert corpus_key([str(sample_copy)], None) != key


def test_hidden_files_are_not_part_of_the_corpus(sample_copy):
    key = corpus_key([str(sample_copy)], None)
    (sample_copy / ".notes.txt").write_text("私人笔记", encoding="utf-8")
    assert corpus_key([str(sample_copy)], None) == key
    assert len(corpus_files([str(sample_copy / "*.txt")])) == 5  # globs too


def test_eval_store_root_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EVAL_STORE", str(tmp_path / "parent"))
    assert sets.eval_root() == tmp_path / "parent"
    monkeypatch.delenv("ASSISTANT_EVAL_STORE")
    assert sets.eval_root().name == "eval-stores"


# --- what the options ask for --------------------------------------------------------------------


def test_no_options_run_the_three_bundled_sets_sample_and_test_gated():
    runs = suite.plan()
    assert [(r.name, r.bundled, r.store, r.enforced) for r in runs] == [
        ("sample", "sample", None, True), ("dev", "dev", None, False), ("test", "test", None, True)]
    assert runs[1].corpus == BUNDLED_SETS["dev"].corpus


def test_set_option_picks_sets_and_cannot_be_mixed_with_gold_or_store(tmp_path):
    assert [r.name for r in suite.plan(["test", "sample", "test"])] == ["test", "sample"]
    with pytest.raises(ConfigError, match="--set"):
        suite.plan(["dev"], gold=BUNDLED_SETS["dev"].gold)
    with pytest.raises(ConfigError, match="--set"):
        suite.plan(["dev"], store=tmp_path)


def test_a_bundled_gold_file_runs_on_its_own_corpus_with_its_thresholds():
    (run,) = suite.plan(gold=BUNDLED_SETS["test"].gold)
    assert (run.name, run.corpus, run.bundled, run.store) == ("test", BUNDLED_SETS["test"].corpus, "test", None)


def test_any_gold_on_any_corpus_runs_in_an_isolated_store_named_after_the_corpus(tmp_path, sample_copy):
    gold = ROOT / "tests" / "data" / "gold" / "valid.jsonl"
    (run,) = suite.plan(gold=gold, corpus=[str(sample_copy)])
    assert (run.name, run.corpus, run.store, run.bundled, run.enforced) == (
        "corpus", (str(sample_copy),), None, None, True)
    (run,) = suite.plan(gold=gold)
    assert run.corpus == BUNDLED_SETS["sample"].corpus and run.name == "sample"
    with pytest.raises(ConfigError, match="没有这个文件"):
        suite.plan(gold=gold, corpus=[str(tmp_path / "nothing-*.html")])


def test_store_option_evaluates_that_store_as_it_is(tmp_path):
    (run,) = suite.plan(store=tmp_path / "mine")
    assert (run.store, run.corpus, run.gold) == (tmp_path / "mine", (), BUNDLED_SETS["sample"].gold)


# --- several runs in one output ------------------------------------------------------------------


def fake_report(name, passed, accuracy):
    return {"cases": 10, "answer_accuracy": accuracy, "config": {"gold": str(BUNDLED_SETS[name].gold)},
            "gate": {"passed": passed, "failures": [] if passed else [f"answer_accuracy {accuracy} < 0.9"],
                     "enforced": name != "dev"},
            "results": [{"id": f"{name}-1", "passed": passed}]}


def test_json_of_several_sets_keeps_the_sample_on_top_and_the_test_gate():
    reports = {"sample": fake_report("sample", True, 0.95), "dev": fake_report("dev", False, 0.6),
               "test": fake_report("test", False, 0.5)}
    out = suite.combine(reports)
    assert out["answer_accuracy"] == 0.95 and out["results"] == [{"id": "sample-1", "passed": True}]
    assert list(out["sets"]) == ["sample", "dev", "test"]
    assert all("results" not in r for r in out["sets"].values())
    assert out["sets"]["dev"]["answer_accuracy"] == 0.6
    assert out["gate"] == reports["test"]["gate"] and out["gate_set"] == "test"
    assert suite.combine({"test": reports["test"]}) is reports["test"]  # one set: its report as it is


def test_check_fails_on_the_enforced_gates_only():
    dev_fails = {"sample": fake_report("sample", True, 0.95), "dev": fake_report("dev", False, 0.6),
                 "test": fake_report("test", True, 0.6)}
    assert not suite.gate_failed(dev_fails)
    assert suite.gate_failed({**dev_fails, "test": fake_report("test", False, 0.5)})
    assert suite.gate_failed({**dev_fails, "sample": fake_report("sample", False, 0.8)})


def test_baseline_is_matched_to_each_set_by_its_gold_file():
    reports = {"sample": fake_report("sample", True, 0.95), "test": fake_report("test", False, 0.5)}
    previous = suite.combine(reports)
    assert suite.previous_for(previous, BUNDLED_SETS["sample"].gold)["results"] == reports["sample"]["results"]
    test_part = suite.previous_for(previous, BUNDLED_SETS["test"].gold)
    assert test_part["answer_accuracy"] == 0.5 and test_part["results"] == []
    assert suite.previous_for(previous, BUNDLED_SETS["dev"].gold) is None
    one = reports["test"]
    assert suite.previous_for(one, BUNDLED_SETS["test"].gold) is one
    assert suite.previous_for(one, BUNDLED_SETS["sample"].gold) is None


def test_text_summary_prints_one_block_per_set_and_the_ci_gate():
    from evals.runner import summarise

    report = summarise([])
    report.update(gate={"passed": True, "failures": [], "enforced": True})
    text = suite.text_summary({"sample": report, "dev": {**report, "gate": {**report["gate"], "enforced": False}},
                               "test": report})
    assert [line for line in text.splitlines() if line.startswith("==")] == ["== sample ==", "== dev ==", "== test =="]
    assert "门槛（只报告，不强制）：通过" in text
    assert text.splitlines()[-1] == "CI 门槛（test）：通过"
