"""The CI gate: the bundled gold set on the bundled sample, through the real Assistant.

Also proves the suite can fail: answerers broken on purpose score low. Runs on conftest's
session sample store, so the sample is embedded once per test session.
"""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.config import SAMPLE_DIR
from assistant.models import REFUSAL_PREFIX, Answer
from cli.eval import eval_command
from evals.gate import load_thresholds
from evals.runner import evaluate
from evals.sample import FINGERPRINT_FILE, open_assistant, pipeline_fingerprint, refresh_if_stale
from evals.schema import load_gold

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
        key = self._key(question, history)
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


@pytest.fixture(scope="module")
def recorded(sample_assistant):
    return Recorded(sample_assistant)


@pytest.fixture(scope="module")
def gold():
    return load_gold()


@pytest.fixture(scope="module")
def real_report(recorded, gold):
    return evaluate(recorded, gold, load_thresholds())


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


def test_cli_without_store_ingests_the_sample_into_the_eval_store(warm_store, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EVAL_STORE", str(warm_store))
    result = CliRunner().invoke(eval_command, ["--gold", str(GOLD_FIXTURES / "valid.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    config = json.loads(result.stdout)["config"]
    assert (config["store"], config["documents"]) == (str(warm_store), 5)


def test_cli_check_exits_1_below_the_thresholds(sample_store):
    args = ["--gold", str(GOLD_FIXTURES / "impossible.jsonl"), "--store", str(sample_store), "--retriever", "bm25"]
    without_check = CliRunner().invoke(eval_command, args)
    with_check = CliRunner().invoke(eval_command, [*args, "--check"])
    assert without_check.exit_code == 0
    assert with_check.exit_code == 1
    assert "gate: FAIL — answer_accuracy 0.000 < 0.90" in with_check.stdout


def test_cli_bad_gold_file_is_one_clear_error():
    result = CliRunner().invoke(eval_command, ["--gold", str(GOLD_FIXTURES / "bad_type.jsonl")])
    assert result.exit_code == 1
    assert "bad_type.jsonl:3: field 'type'" in result.output
    assert "Traceback" not in result.output


def test_cli_empty_store_is_one_clear_error(tmp_path):
    result = CliRunner().invoke(eval_command, ["--store", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "holds no documents yet" in result.output
    assert "Traceback" not in result.output


def test_cached_eval_store_drops_chunks_made_by_other_pipeline_code(warm_store, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EVAL_STORE", str(warm_store))
    a = open_assistant()
    assert len(a.documents()) == 5
    marker = warm_store / FINGERPRINT_FILE
    assert marker.read_text() == pipeline_fingerprint()

    marker.write_text("older pipeline")
    refresh_if_stale(a, warm_store, (str(SAMPLE_DIR),))
    assert a.documents() == []
    assert marker.read_text() == pipeline_fingerprint()
