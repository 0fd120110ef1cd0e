"""The CI gates through the real Assistant and real stores: the held-out test set at its own
minimums (`[min.test]` of evals/thresholds.toml) and the sample at the original 0.90 ones.

Both sets are ingested once per test session into isolated content-keyed stores (evals/sets.py)
whose shared embedding cache starts from conftest's sample store, and each is asked once: the
broken-on-purpose answerers reuse the recorded answers. Failing test-set cases are not printed
(the test set is held out: only aggregate numbers, never its failures, inform the rules).
"""

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import REFUSAL_PREFIX, Answer
from cli.eval import eval_command
from evals.gate import load_thresholds
from evals.runner import evaluate
from evals.schema import load_gold
from evals.sets import (
    BUNDLED_SETS,
    EMBEDDING_CACHE_FILE,
    EvalSet,
    isolated_store,
    open_isolated,
)

GOLD_FIXTURES = Path(__file__).parent / "data" / "gold"


class Recorded:
    """The real assistant, asked once per question: the broken variants reuse its answers."""

    def __init__(self, assistant):
        self.assistant = assistant
        self.answers: dict[str, Answer] = {}
        self.passages: dict[str, list] = {}

    @staticmethod
    def _key(question, history):
        return json.dumps([question, history], ensure_ascii=False)

    def ask(self, question, history=None):
        key = self._key(question, history)
        if key not in self.answers:
            self.answers[key] = self.assistant.ask(question, history=history)
        return self.answers[key]

    def retrieve(self, question, k=10, history=None):
        key = self._key(question, history) + f"#{k}"
        if key not in self.passages:
            self.passages[key] = self.assistant.retrieve(question, k=k, history=history)
        return self.passages[key]


class Broken:
    """An answerer broken on purpose, on top of the recorded real one (so it costs no new questions)."""

    def __init__(self, real: Recorded):
        self.real = real

    def retrieve(self, question, k=10, history=None):
        return self.real.retrieve(question, k=k, history=history)


class WrongFigures(Broken):
    """Answers like the real assistant, but every digit is off by one (in the answer and its quotes)."""

    @staticmethod
    def _shift(text):
        return re.sub(r"\d", lambda m: str((int(m[0]) + 1) % 10), text)

    def ask(self, question, history=None):
        real = self.real.ask(question, history)
        citations = [replace(c, quote=self._shift(c.quote)) for c in real.citations]
        return replace(real, answer=self._shift(real.answer), citations=citations)


class AlwaysRefuses(Broken):
    def ask(self, question, history=None):
        return Answer(question=question, answer=REFUSAL_PREFIX + "相关内容。", refused=True)


class NeverRefuses(Broken):
    """Answers what the real assistant refuses with the passage it retrieved first."""

    def ask(self, question, history=None):
        real = self.real.ask(question, history)
        if not real.refused:
            return real
        top = self.retrieve(question, history=history)[0]
        return Answer(question=question, answer=top.text, refused=False)


@pytest.fixture(scope="session")
def eval_root(tmp_path_factory, sample_store) -> Path:
    """The parent of the session's eval stores, its embedding cache warm with the sample's vectors."""
    root = tmp_path_factory.mktemp("eval-stores")
    shutil.copy(sample_store / "embeddings.sqlite", root / EMBEDDING_CACHE_FILE)
    return root


@pytest.fixture(scope="module")
def set_assistants(eval_root):
    """The sample and test sets, each ingested into its own isolated store (once per session: unchanged after)."""
    return {name: open_isolated(name, BUNDLED_SETS[name].corpus, root=eval_root) for name in ("sample", "test")}


@pytest.fixture(scope="module")
def recorded(set_assistants):
    return Recorded(set_assistants["sample"])


@pytest.fixture(scope="module")
def gold():
    return load_gold(BUNDLED_SETS["sample"].gold)


@pytest.fixture(scope="module")
def real_report(recorded, gold):
    return evaluate(recorded, gold, load_thresholds(set_name="sample"))


@pytest.fixture(scope="module")
def recorded_test(set_assistants):
    return Recorded(set_assistants["test"])


@pytest.fixture(scope="module")
def test_gold():
    return load_gold(BUNDLED_SETS["test"].gold)


@pytest.fixture(scope="module")
def test_set_report(recorded_test, test_gold):
    return evaluate(recorded_test, test_gold, load_thresholds(set_name="test"))


@pytest.fixture
def eval_env(eval_root, monkeypatch) -> Path:
    """CLI runs without --store use the session's eval stores."""
    monkeypatch.setenv("ASSISTANT_EVAL_STORE", str(eval_root))
    return eval_root


def test_held_out_test_set_meets_its_thresholds(test_set_report, test_gold):
    r = test_set_report
    assert r["cases"] == len(test_gold) and r["errors"] == 0
    assert r["thresholds"] == load_thresholds(set_name="test")
    aggregate = [f"{m} {r[m]:.3f}" for m in ("answer_accuracy", "citation_accuracy", "refusal_accuracy",
                                             "false_refusal_rate")] + [f"crag {r['crag']['score']:.3f}"]
    assert r["gate"]["passed"], "; ".join(r["gate"]["failures"] + aggregate)


def test_test_set_report_has_tags_crag_and_refusal_counts(test_set_report):
    r = test_set_report
    assert r["by_tag"] and all(g["cases"] > 0 and "crag" in g for g in r["by_tag"].values())
    assert -1 <= r["crag"]["score"] <= 1
    assert r["crag"]["correct"] + r["crag"]["refused"] + r["crag"]["wrong"] == r["cases"]
    refused = sum(res["refused"] for res in r["results"])
    assert r["refusals"]["refused"] == refused == sum(r["refusals"]["by_reason"].values())
    assert all(res["refusal_reason"] for res in r["results"] if res["refused"])  # every refusal says which check


def test_answerers_broken_on_purpose_fail_the_test_gate(recorded_test, test_gold, test_set_report):
    minimums = load_thresholds(set_name="test")
    refusing = evaluate(AlwaysRefuses(recorded_test), test_gold, minimums)
    assert refusing["answer_accuracy"] == 0.0 and not refusing["gate"]["passed"]
    assert refusing["crag"]["score"] < test_set_report["crag"]["score"]
    unanswerable = [c for c in test_gold if not c.answerable]
    answering = evaluate(NeverRefuses(recorded_test), unanswerable, minimums)
    assert answering["refusal_accuracy"] == 0.0 and answering["crag"]["score"] == -1.0
    assert any(f.startswith("refusal_accuracy") for f in answering["gate"]["failures"])


def test_bundled_gold_set_meets_the_thresholds(real_report):
    failing = [f"{r['id']} {r['question']} -> {'; '.join(r['failures'])}" for r in real_report["results"]
               if not r["passed"]]
    assert real_report["errors"] == 0
    assert real_report["gate"]["passed"], "\n".join(real_report["gate"]["failures"] + failing)


def test_retrieval_finds_the_expected_articles(real_report):
    assert real_report["recall_at_5"] >= 0.9
    assert real_report["mrr"] >= 0.8


def test_wrong_figures_fail_the_gate(recorded, gold):
    figure_cases = [c for c in gold if c.type == "figure"]
    report = evaluate(WrongFigures(recorded), figure_cases, load_thresholds())
    report_real = evaluate(recorded, figure_cases, load_thresholds())
    assert report["answer_accuracy"] <= 0.2 < report_real["answer_accuracy"]
    assert report["figure_exact_match"] <= 0.2
    assert not report["gate"]["passed"]


def test_always_refusing_fails_the_gate(recorded, gold):
    report = evaluate(AlwaysRefuses(recorded), gold, load_thresholds())
    assert report["answer_accuracy"] == 0.0
    assert report["false_refusal_rate"] == 1.0
    assert report["refusal_accuracy"] == 1.0
    assert not report["gate"]["passed"]


def test_never_refusing_fails_the_refusal_gate(recorded, gold):
    unanswerable = [c for c in gold if not c.answerable]
    report = evaluate(NeverRefuses(recorded), unanswerable, load_thresholds())
    assert report["refusal_accuracy"] == 0.0
    assert any(f.startswith("refusal_accuracy") for f in report["gate"]["failures"])


def test_cli_prints_json_writes_the_report_and_compares_with_a_baseline(tmp_path, sample_store):
    args = ["--gold", str(GOLD_FIXTURES / "valid.jsonl"), "--store", str(sample_store), "--json",
            "--report", str(tmp_path / "report")]
    first = CliRunner().invoke(eval_command, args)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    for key in ("cases", "answer_accuracy", "citation_accuracy", "refusal_accuracy", "false_refusal_rate",
                "recall_at_1", "recall_at_5", "mrr", "latency_p50_ms", "latency_p95_ms", "by_type"):
        assert key in report
    assert report["cases"] == 3 and set(report["by_type"]) == {"figure", "unanswerable", "follow-up"}
    assert (tmp_path / "report" / "report.html").exists() and (tmp_path / "report" / "latency.png").exists()

    baseline = tmp_path / "baseline.json"
    baseline.write_text(first.stdout, encoding="utf-8")
    second = CliRunner().invoke(eval_command, [*args, "--baseline", str(baseline)])
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["baseline"]["newly_failing"] == []


def test_cli_without_store_ingests_the_sample_into_an_isolated_store(eval_env):
    result = CliRunner().invoke(eval_command, ["--gold", str(GOLD_FIXTURES / "valid.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    config = json.loads(result.stdout)["config"]
    expected = isolated_store("sample", BUNDLED_SETS["sample"].corpus, None, eval_env)
    assert (config["store"], config["documents"]) == (str(expected), 5)


def test_a_deliberately_wrong_expectation_shows_as_failed_in_the_report(eval_env, tmp_path):
    right = json.loads((GOLD_FIXTURES / "valid.jsonl").read_text(encoding="utf-8").splitlines()[0])
    wrong = {**right, "id": "wrong-on-purpose", "facts": [["55家"]], "tags": ["table"],
             "note": "the article says 54家: this expectation is wrong on purpose"}
    gold_file = tmp_path / "wrong.jsonl"
    gold_file.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in (right, wrong)), encoding="utf-8")
    result = CliRunner().invoke(eval_command, ["--gold", str(gold_file), "--json", "--report", str(tmp_path / "rep")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    outcome = {r["id"]: r for r in report["results"]}
    assert outcome[right["id"]]["passed"]
    assert not outcome["wrong-on-purpose"]["passed"]
    assert "answer lacks 55家" in outcome["wrong-on-purpose"]["failures"]
    assert report["by_tag"]["table"]["passed"] == 0 and report["crag"]["wrong"] == 1
    for name in ("report.html", "report.md"):
        text = (tmp_path / "rep" / name).read_text(encoding="utf-8")
        assert "Failures (1)" in text and "wrong-on-purpose" in text and "answer lacks 55家" in text


def test_cli_runs_every_bundled_set_in_its_own_store(eval_env, tmp_path, monkeypatch):
    """The bundled sets, shrunk to three questions on the sample so the test stays fast."""
    tiny = GOLD_FIXTURES / "valid.jsonl"
    corpus = BUNDLED_SETS["sample"].corpus
    for name in ("sample", "dev", "test"):
        monkeypatch.setitem(BUNDLED_SETS, name, EvalSet(name, tiny, corpus))
    result = CliRunner().invoke(eval_command, ["--json", "--report", str(tmp_path / "rep")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out["sets"]) == ["sample", "dev", "test"] and out["cases"] == 3 and len(out["results"]) == 3
    assert out["gate"] == out["sets"]["test"]["gate"] and out["gate_set"] == "test"
    assert out["sets"]["test"]["thresholds"] == load_thresholds(set_name="test")
    assert out["sets"]["dev"]["gate"]["enforced"] is False
    stores = {name: Path(s["config"]["store"]) for name, s in out["sets"].items()}
    assert {p.parent for p in stores.values()} == {eval_env} and len(set(stores.values())) == 3
    assert all(stores[n].name.startswith(f"{n}-") for n in stores)
    for name in ("index.html", "index.md", "sample/report.html", "dev/report.md", "test/report.html"):
        assert (tmp_path / "rep" / name).exists(), name

    text = CliRunner().invoke(eval_command, ["--set", "sample", "--set", "test"])
    assert text.exit_code == 0, text.output
    headers = [line for line in text.stdout.splitlines() if line.startswith("== ")]
    assert headers == ["== sample ==", "== test =="]
    assert "CI 门槛（test）：" in text.stdout and "CRAG 得分" in text.stdout


def test_cli_check_exits_1_below_the_thresholds(sample_store):
    args = ["--gold", str(GOLD_FIXTURES / "impossible.jsonl"), "--store", str(sample_store), "--retriever", "bm25"]
    without_check = CliRunner().invoke(eval_command, args)
    with_check = CliRunner().invoke(eval_command, [*args, "--check"])
    assert without_check.exit_code == 0
    assert with_check.exit_code == 1
    assert "门槛：未通过 — answer_accuracy 0.000 < 0.90" in with_check.stdout


def test_cli_bad_gold_file_is_one_clear_error():
    result = CliRunner().invoke(eval_command, ["--gold", str(GOLD_FIXTURES / "bad_type.jsonl")])
    assert result.exit_code == 1
    assert "bad_type.jsonl 第 3 行，字段 type：" in result.output
    assert "Traceback" not in result.output


def test_cli_empty_store_is_one_clear_error(tmp_path):
    result = CliRunner().invoke(eval_command, ["--store", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "里还没有文档" in result.output
    assert "Traceback" not in result.output


def test_cli_set_and_gold_together_is_one_clear_error():
    result = CliRunner().invoke(eval_command, ["--set", "dev", "--gold", str(GOLD_FIXTURES / "valid.jsonl")])
    assert result.exit_code == 1
    assert "--set" in result.output and "Traceback" not in result.output
