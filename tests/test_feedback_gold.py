"""From feedback to gold: drafts pre-filled from a rated answer, the admin's form, saving to a gold file,
`assistant feedback export --as-gold`, and `assistant eval --gold` running what was saved."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant import GoldSetError
from cli.main import main
from evals.from_feedback import case_from_form, draft_case, format_facts, parse_facts, save_case
from evals.schema import TO_FILL, load_gold
from ui.feedback import FILE_NAME, FeedbackLog, make_record

SHIFANG = "什邡市总工会建了多少家新就业形态工会？"
UP = {"answer_id": "a1", "rating": "up", "timestamp": "2026-12-02T10:00:00+00:00", "question": SHIFANG,
      "answer": "全市建立新就业形态工会组织54家,吸纳新就业形态劳动者超8000人。[1]", "refused": False,
      "citations": [{"n": 1, "source": "/srv/data/000_e5d006b3dd77aca2.txt", "quote": "全市建立新就业形态工会组织54家"}]}


def test_a_thumbs_up_draft_takes_the_answers_figures_and_cited_files():
    draft = draft_case(UP)
    assert draft["id"] == "fb-a1" and draft["type"] == "figure" and draft["question"] == SHIFANG
    assert draft["facts"] == [["54家"], ["超8000人"]] and draft["sources"] == ["000_e5d006b3dd77aca2.txt"]
    assert "来自反馈（赞" in draft["note"] and "全市建立新就业形态工会组织54家" in draft["note"]


def test_a_thumbs_down_draft_leaves_the_facts_to_fill_and_keeps_the_history():
    down = {**UP, "answer_id": "a2", "rating": "down", "comment": "数字不对", "question": "那南昌呢？",
            "history": [{"role": "user", "content": SHIFANG}, {"role": "assistant", "content": "54家。"}]}
    draft = draft_case(down)
    assert draft["facts"] == [[TO_FILL]] and draft["type"] == "follow-up"
    assert draft["history"][0] == {"role": "user", "content": SHIFANG} and "数字不对" in draft["note"]
    refused_up = draft_case({**UP, "refused": True, "answer": "资料中没有找到……", "citations": []})
    assert refused_up["type"] == "unanswerable" and "facts" not in refused_up and "sources" not in refused_up


def test_facts_round_trip_through_the_form():
    assert parse_facts("54家 | 五十四家\n\n心理健康指导中心｜心理中心") == [["54家", "五十四家"], ["心理健康指导中心", "心理中心"]]
    assert format_facts([["54家", "五十四家"], ["心理健康指导中心"]]) == "54家 | 五十四家\n心理健康指导中心"


def test_the_form_is_validated_in_chinese_and_saved_with_unique_ids(tmp_path):
    with pytest.raises(GoldSetError, match="占位符"):
        case_from_form("fb-1", "figure", SHIFANG, "", TO_FILL, "000.txt")
    with pytest.raises(GoldSetError, match="history"):
        case_from_form("fb-1", "follow-up", "那南昌呢？", "[{role: user}]", "54家", "000.txt")
    with pytest.raises(GoldSetError, match="可回答的用例必须有 facts 和 sources"):
        case_from_form("fb-1", "figure", SHIFANG, "", "54家", "")
    case = case_from_form("fb-1", "figure", SHIFANG, "", "54家 | 五十四家", "/data/000_e5d006b3dd77aca2.txt")
    assert case.facts == [["54家", "五十四家"]] and case.sources == ["000_e5d006b3dd77aca2.txt"]
    gold = tmp_path / "gold" / "feedback.jsonl"
    save_case(case, gold)
    with pytest.raises(GoldSetError, match="已经在这个文件里"):
        save_case(case, gold)
    save_case(case_from_form("fb-2", "unanswerable", "武汉市总工会建了多少家？", "", "54家", "x.txt"), gold)
    assert [(c.id, c.type, c.facts) for c in load_gold(gold)] == [("fb-1", "figure", [["54家", "五十四家"]]),
                                                                    ("fb-2", "unanswerable", [])]


def test_feedback_records_keep_the_conversation_before_the_answer(sample_assistant):
    answer = sample_assistant.ask("那南昌呢？", history=[{"role": "user", "content": SHIFANG}])
    record = make_record(answer, "down", "不对", history=[{"role": "user", "content": SHIFANG}])
    assert record["history"] == [{"role": "user", "content": SHIFANG}]
    assert draft_case(record)["type"] == "follow-up"


def test_cli_exports_drafts_that_eval_runs_once_edited(tmp_path, sample_store, sample_assistant):
    store = tmp_path / "served"
    log = FeedbackLog(store / FILE_NAME)
    log.append(make_record(sample_assistant.ask(SHIFANG), "up"))
    log.append(make_record(sample_assistant.ask("盱眙县总工会上半年新建工会多少家？"), "down", "想看全年的"))
    runner = CliRunner()
    out = runner.invoke(main, ["feedback", "export", "--as-gold", "--rating", "all", "--store", str(store)])
    assert out.exit_code == 0, out.output
    drafts = store / "gold" / "drafts.jsonl"
    assert "已把 2 个回答导出为标准答案集草稿" in out.output and str(drafts) in out.output
    unedited = runner.invoke(main, ["eval", "--gold", str(drafts), "--store", str(sample_store), "--no-record"])
    assert unedited.exit_code == 1 and "Traceback" not in unedited.output
    assert "drafts.jsonl 第 3 行，字段 facts：" in unedited.output and "占位符" in unedited.output  # the 👎 draft, not yet edited
    lines = drafts.read_text(encoding="utf-8").splitlines()
    edited = [json.loads(lines[1]), {**json.loads(lines[2]), "facts": [["32家"]]}]
    drafts.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in edited), encoding="utf-8")
    run = runner.invoke(main, ["eval", "--gold", str(drafts), "--store", str(sample_store), "--json", "--no-record"])
    assert run.exit_code == 0, run.output
    assert [r["passed"] for r in json.loads(run.stdout)["results"]] == [True, True]


def test_cli_export_without_feedback_is_one_clear_message(tmp_path):
    out = CliRunner().invoke(main, ["feedback", "export", "--as-gold", "--store", str(tmp_path / "none")])
    assert out.exit_code == 2 and "还没有反馈记录" in out.output and "Traceback" not in out.output
