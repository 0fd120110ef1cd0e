"""Feedback on answers: an append-only JSONL log with the question, answer and citations; exportable."""

from __future__ import annotations

import csv
import json

import pytest

from assistant import Answer, Citation
from ui.feedback import FeedbackLog, export_feedback, latest_per_answer, make_record, read_feedback, summary

QUOTE = "全市建立新就业形态工会组织54家。"


def answer(id: str = "a1", refused: bool = False) -> Answer:
    c = Citation(1, "/data/000.txt", "什邡", "2023-04-29", QUOTE, "c1", 10, 10 + len(QUOTE), "段落")
    return Answer("什邡市总工会建了多少家新就业形态工会？", f"{QUOTE}[1]", refused, [c], id=id)


def test_a_record_carries_question_answer_citations_rating_and_comment():
    r = make_record(answer(), "down", "  数字不对 ", user="staff")
    assert r["answer_id"] == "a1" and r["rating"] == "down" and r["comment"] == "数字不对"
    assert r["question"].startswith("什邡") and r["answer"].endswith("[1]") and r["refused"] is False
    assert r["citations"][0]["quote"] == QUOTE and "passage" not in r["citations"][0]
    assert r["timestamp"].endswith("+00:00") and r["user"] == "staff"


def test_an_unknown_rating_is_refused():
    with pytest.raises(ValueError):
        make_record(answer(), "meh")


def test_records_are_appended_never_rewritten(tmp_path):
    log = FeedbackLog(tmp_path / "store" / "feedback.jsonl")
    log.append(make_record(answer("a1"), "up"))
    first = log.path.read_text(encoding="utf-8")
    log.append(make_record(answer("a1"), "down", "其实不对"))
    assert log.path.read_text(encoding="utf-8").startswith(first)
    assert [r["rating"] for r in log.read()] == ["up", "down"]


def test_the_last_record_of_an_answer_is_its_current_rating(tmp_path):
    records = [make_record(answer("a1"), "up"), make_record(answer("a2"), "down"),
               make_record(answer("a1"), "down", "补充")]
    latest = latest_per_answer(records)
    assert [(r["answer_id"], r["rating"]) for r in latest] == [("a1", "down"), ("a2", "down")]
    assert summary(records) == {"answers": 2, "up": 0, "down": 2, "comments": 1}


def test_a_torn_last_line_is_skipped(tmp_path):
    path = tmp_path / "feedback.jsonl"
    path.write_text(json.dumps(make_record(answer(), "up")) + "\n{\"answer_id\": \"a", encoding="utf-8")
    assert len(read_feedback(path)) == 1
    assert read_feedback(tmp_path / "missing.jsonl") == []


def test_export_writes_every_record_as_jsonl_and_one_row_per_answer_as_csv(tmp_path):
    records = [make_record(answer("a1"), "up"), make_record(answer("a1"), "down", "数字不对")]
    jsonl = export_feedback(records, tmp_path / "out.jsonl")
    assert [json.loads(line)["rating"] for line in jsonl.read_text(encoding="utf-8").splitlines()] == ["up", "down"]
    with export_feedback(records, tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and rows[0]["rating"] == "down" and rows[0]["comment"] == "数字不对"
    assert json.loads(rows[0]["citations"])[0]["quote"] == QUOTE


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(tmp_path):
    records = [make_record(answer("a1"), "down", '=HYPERLINK("http://x","点我")'),
               make_record(answer("a2"), "down", "+1 数字不对"), make_record(answer("a3"), "up", "正常的意见")]
    with export_feedback(records, tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        comments = [row["comment"] for row in csv.DictReader(f)]
    assert comments == ['\'=HYPERLINK("http://x","点我")', "'+1 数字不对", "正常的意见"]
