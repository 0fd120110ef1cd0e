"""The chat UI's handlers over the real API and the real sample store (no server, no browser)."""

from __future__ import annotations

import re

from pathlib import Path

import gradio as gr
import pytest

from assistant import Assistant
from ui.filters import filter_badge
from ui.app import EMPTY_STORE, ChatApp, history
from ui.feedback import FeedbackLog

SHIFANG = "什邡市总工会建了多少家新就业形态工会？"
EXAMPLE = "什邡市总工会新就业形态工会组织有多少家？"  # generated from 000 by assistant.examples
UI_DATA = Path(__file__).resolve().parent / "data" / "ui"


def no_progress(*args, **kwargs) -> None:
    """Stands in for gr.Progress, which only reports inside a running server."""


@pytest.fixture
def app(sample_assistant, tmp_path) -> ChatApp:
    return ChatApp(sample_assistant, FeedbackLog(tmp_path / "feedback.jsonl"), uploads=tmp_path / "uploads")


def ask(app: ChatApp, question: str, turns=None, sources=None, date_from: str = "", date_to: str = ""):
    """All streamed updates, and the turns after the last one."""
    updates = list(app.respond(question, turns or [], sources, date_from, date_to))
    return updates, updates[-1][1]


def test_an_answer_shows_progress_then_lands_with_chips_and_sources(app):
    updates, turns = ask(app, SHIFANG)
    assert "正在查找资料" in updates[0][0][1]["content"] and updates[0][3] == ""
    chat, _, panel, _ = updates[-1]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert "54家" in chat[1]["content"] and 'class="cite-chip" href="#src-0-1"' in chat[1]["content"]
    assert '<mark class="hl">' in panel and "000_e5d006b3dd77aca2.txt" in panel
    assert turns[0].answer.citations[0].quote in panel


def test_a_follow_up_is_asked_with_the_earlier_turns(app):
    _, turns = ask(app, SHIFANG)
    assert history(turns) == [{"role": "user", "content": SHIFANG},
                              {"role": "assistant", "content": turns[0].answer.answer}]
    _, turns = ask(app, "那南昌呢？", turns)
    assert len(turns) == 2 and "南昌" in turns[1].answer.resolved_question


def test_filters_keep_the_answer_inside_the_chosen_sources_and_dates(app, sample_assistant):
    nanchang = next(d.source for d in sample_assistant.documents() if d.source.endswith("001_2027b2049f37b8e8.txt"))
    for filters in ([nanchang], "", ""), (None, "", "2022-12-31"):
        _, turns = ask(app, SHIFANG, None, *filters)
        a = turns[0].answer
        assert not any(c.source.endswith("000_e5d006b3dd77aca2.txt") for c in a.citations), filters
        assert "54家" not in a.answer or a.refused


def test_a_malformed_or_reversed_date_is_said_in_the_badge_and_nothing_is_asked(app):
    badge, clear = filter_badge(None, None, "2023/01/01")
    assert "格式不对" in badge and "problem" in badge and clear["visible"]
    badge, _ = filter_badge(None, "2024-01-01", "2023-01-01")
    assert "日期范围反了" in badge
    updates, _ = ask(app, SHIFANG, None, None, "2024-01-01", "2023-01-01")
    assert len(updates) == 1  # a warning toast, no answer, no red overlay on the chat
    badge, clear = filter_badge(None, "2023-01-01", None)
    assert "已筛选：2023-01-01 至 最新" in badge and clear["visible"]
    assert filter_badge(None, None, None)[0] == ""


def test_an_empty_question_changes_nothing(app):
    updates, _ = ask(app, "   ")
    assert len(updates) == 1


def test_an_empty_store_asks_staff_to_upload_documents_first(tmp_path):
    app = ChatApp(Assistant(store=tmp_path / "empty"), FeedbackLog(tmp_path / "fb.jsonl"))
    updates, turns = ask(app, SHIFANG)
    assert turns[0].answer is None and turns[0].error == EMPTY_STORE
    assert "qa-error" in updates[-1][0][1]["content"] and "文档" in updates[-1][0][1]["content"]


def test_the_api_returns_the_answer_text_with_markers_and_the_json_answer(app):
    text, data = app.ask_api(SHIFANG)
    assert "54家" in text and "[1]" in text and "来源:" in text
    assert data["refused"] is False and data["citations"][0]["n"] == 1 and data["question"] == SHIFANG


def test_a_thumb_is_logged_at_once_and_a_comment_appends_a_second_record(app):
    _, turns = ask(app, SHIFANG)
    like = gr.LikeData(None, {"index": 1, "value": ["…"], "liked": False})
    target, box, note = app.rate(turns, like, None)
    assert target == (0, "down") and box["visible"] and "没帮助" in note
    app.comment(target, "出处不够具体", turns, None)
    records = app.feedback.read()
    assert [(r["rating"], r["comment"]) for r in records] == [("down", ""), ("down", "出处不够具体")]
    assert records[0]["question"] == SHIFANG and records[0]["citations"][0]["n"] == 1
    assert records[0]["answer_id"] and records[0]["answer_id"] == records[1]["answer_id"]


def test_taking_a_thumb_back_is_not_logged(app):
    _, turns = ask(app, SHIFANG)
    app.rate(turns, gr.LikeData(None, {"index": 1, "value": ["…"], "liked": ""}), None)
    assert app.feedback.read() == []


def test_uploads_are_kept_under_the_store_and_bad_files_are_named(warm_store, tmp_path):
    app = ChatApp(Assistant(store=warm_store), FeedbackLog(tmp_path / "fb.jsonl"))
    report, cleared, examples, sources, table, picker, stats, kb_filter, kb_target = app.ingest(
        [str(UI_DATA / "测试县职工书屋.txt"), str(UI_DATA / "notes.xyz")], "培训资料", progress=no_progress)
    # the per-file table (ui/upload.py): 文件名, 结果 成功/跳过/失败, 原因, 片段数
    assert '<tr class="ok"><td>测试县职工书屋.txt</td><td><span class="tag">成功</span></td><td>已导入</td>' in report
    assert re.search(r'<tr class="bad"><td>notes.xyz</td><td><span class="tag">失败</span></td><td>不支持的文件类型', report)
    assert cleared is None and "测试县总工会推进职工书屋建设" in table
    uploaded = str(warm_store / "uploads" / "测试县职工书屋.txt")
    assert [value for _, value in picker["choices"]] == [uploaded]
    assert kb_filter["choices"] == ["培训资料"] and kb_target["choices"] == ["默认", "培训资料"]
    assert "<td class=\"kb\">培训资料</td>" in table
    assert "77家" in app.ask_api("测试县总工会新建了多少家职工书屋？")[0]
    assert "77家" in app.ask_api("测试县总工会新建了多少家职工书屋？", "培训资料")[0]
    assert "没有名为「默认」的知识库" in str(pytest.raises(gr.Error, app.ask_api, "测试县总工会新建了多少家职工书屋？", "默认").value)
    app.remove(uploaded)
    assert app.a.documents() == []


def test_an_upload_over_the_total_limit_is_refused_before_anything_is_copied(tmp_path):
    from assistant import load_settings

    files = []
    for i in range(3):
        files.append(tmp_path / f"part{i}.txt")
        files[-1].write_bytes("本报讯 某市总工会开展活动。\n".encode() * 25_000)  # ~0.9 MB each
    app = ChatApp(Assistant(settings=load_settings(store=tmp_path / "s", max_upload_mb=2)),
                  FeedbackLog(tmp_path / "fb.jsonl"))
    with pytest.warns(UserWarning, match="超过单次上限 2 MB（设置项 max_upload_mb）"):  # a toast, outputs kept
        outputs = app.ingest([str(f) for f in files], progress=no_progress)
    assert all(isinstance(o, type(gr.skip())) for o in outputs)
    assert not app.uploads.exists()


def test_example_questions_come_from_the_store_and_are_answered(sample_assistant):
    examples = sample_assistant.example_questions()
    assert len(examples) >= 3 and EXAMPLE in examples
    for q in examples:
        assert not sample_assistant.ask(q).refused
