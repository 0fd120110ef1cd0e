"""The 课程素材 tab, driven through its handler and built inside a real gr.Blocks (no browser)."""

from __future__ import annotations

import gradio as gr
import pytest

from assistant import Assistant
from ui.brief_tab import EMPTY_STORE, PREVIEW_PLACEHOLDER, build_brief_tab, make_briefing


def test_the_tab_builds_its_controls_inside_an_open_blocks(sample_assistant):
    with gr.Blocks() as demo:
        with gr.Tab("课程素材", id="brief"):
            build_brief_tab(lambda: sample_assistant)
    ids = {b.elem_id for b in demo.blocks.values()}
    assert {"brief-topic", "brief-format", "brief-make", "brief-status", "brief-preview", "brief-file"} <= ids
    examples = [b for b in demo.blocks.values() if isinstance(b, gr.Dataset)]
    assert examples and ["职工书屋"] in examples[0].samples


@pytest.mark.parametrize("fmt, suffix", [("docx", ".docx"), ("pptx", ".pptx"), ("html", ".html"), ("md", ".md")])
def test_a_covered_topic_gives_a_preview_and_a_download(sample_assistant, tmp_path, fmt, suffix):
    status, preview, path = make_briefing(sample_assistant, "新就业形态劳动者入会", fmt, tmp_path)
    assert "4 个关键数字" in status
    assert "<table>" in preview and "54家" in preview and "<!DOCTYPE" not in preview
    assert path.endswith(suffix) and tmp_path.joinpath(path.rsplit("/", 1)[-1]).stat().st_size > 0


def test_an_uncovered_topic_says_so_and_offers_no_file(sample_assistant, tmp_path):
    status, preview, path = make_briefing(sample_assistant, "航天发射", "docx", tmp_path)
    assert "没有找到" in status and "没有找到" in preview and "<table" not in preview
    assert path is None and not list(tmp_path.iterdir())


def test_the_topic_is_escaped_in_status_and_preview(sample_assistant, tmp_path):
    status, preview, _ = make_briefing(sample_assistant, "职工书屋<img src=x onerror=alert(1)>", "md", tmp_path)
    assert "<img" not in status and "<img" not in preview and "&lt;img" in preview


def test_an_empty_topic_or_store_is_a_message_not_an_error(tmp_path):
    empty = Assistant(store=tmp_path / "empty")
    assert "请输入主题" in make_briefing(empty, "  ", "docx", tmp_path)[0]
    status, preview, path = make_briefing(empty, "职工书屋", "docx", tmp_path)
    assert EMPTY_STORE in status and preview == PREVIEW_PLACEHOLDER and path is None
