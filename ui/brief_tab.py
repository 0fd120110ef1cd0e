"""The 课程素材 tab: a trainer types a topic, previews the cited briefing and downloads it.

>>> with gr.Blocks() as demo:
...     with gr.Tab("课程素材", id="brief"):
...         build_brief_tab(lambda: assistant)
"""

from __future__ import annotations

import html
import logging
import tempfile
from pathlib import Path
from typing import Callable

import gradio as gr

from assistant import (BRIEF_FORMATS, EXAMPLE_TOPICS, Assistant, AssistantError, EmptyStoreError, briefing_html,
                       default_brief_filename, export_briefing)

log = logging.getLogger(__name__)

FORMAT_CHOICES = [("Word（DOCX，引用为尾注）", "docx"), ("幻灯片（PPTX，答案和原文在备注里）", "pptx"),
                  ("可打印 HTML", "html"), ("Markdown", "md")]
_DOC_ICON = ('<svg viewBox="0 0 24 24" width="40" height="40" fill="none" stroke="currentColor" stroke-width="1.5" '
             'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">'
             '<path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"/><path d="M14 2v6h6"/>'
             '<path d="M8 13h8M8 17h5"/></svg>')
PREVIEW_PLACEHOLDER = (f'<div class="brief-empty"><div class="brief-empty-icon">{_DOC_ICON}</div>'
                       '<p class="brief-empty-head">课程素材预览</p>'
                       "<p>输入主题后点「生成课程素材」：概览、关键数字表、对比表、时间线、测验题、教师备注和资料来源，"
                       "每个事实和数字都标注出处。</p></div>")
EMPTY_STORE = "资料库里还没有文档：请先到「文档」页上传文件并点「导入」。"


def _status(text: str, kind: str = "info") -> str:
    """kind: "ok" (a file is ready), "warn" (nothing to export) or "info" (a hint)."""
    return f'<p class="brief-status {kind}">{html.escape(text)}</p>'


def make_briefing(assistant: Assistant, topic: str, fmt: str,
                  out_dir: Path | None = None) -> tuple[str, str, str | None]:
    """(status HTML, preview HTML, file to download or None) for one request; never raises for user mistakes."""
    if not (topic or "").strip():
        return _status("请输入主题，例如：" + "、".join(EXAMPLE_TOPICS)), PREVIEW_PLACEHOLDER, None
    if fmt not in BRIEF_FORMATS:
        return _status(f"未知格式：{fmt}"), PREVIEW_PLACEHOLDER, None
    try:
        briefing = assistant.brief(topic)
    except EmptyStoreError:
        return _status(EMPTY_STORE, "warn"), PREVIEW_PLACEHOLDER, None
    except AssistantError as exc:
        log.warning("briefing on %r failed: %s", topic, exc)
        return _status(f"生成失败：{exc}", "warn"), PREVIEW_PLACEHOLDER, None
    preview = briefing_html(briefing, standalone=False)
    if briefing.no_material:
        return _status(briefing.message, "warn"), preview, None
    folder = out_dir or Path(tempfile.mkdtemp(prefix="brief-"))
    path = export_briefing(briefing, fmt, folder / default_brief_filename(briefing.topic, fmt))
    return _status(briefing.message, "ok"), preview, str(path)


def build_brief_tab(get_assistant: Callable[[], Assistant]) -> None:
    """The tab's contents, created inside the caller's open `gr.Blocks` / `gr.Tab` context."""
    with gr.Row(equal_height=False, elem_id="brief-row"):
        with gr.Column(scale=2, min_width=320, elem_id="brief-controls"):
            topic = gr.Textbox(label="主题", placeholder="例如：职工书屋（回车生成）", elem_id="brief-topic")
            gr.Examples(examples=[[t] for t in EXAMPLE_TOPICS], inputs=topic, label="示例主题")
            fmt = gr.Radio(FORMAT_CHOICES, value="docx", label="下载格式", elem_id="brief-format")
            make = gr.Button("生成课程素材", variant="primary", elem_id="brief-make")
            status = gr.HTML(elem_id="brief-status")
            download = gr.File(label="下载", interactive=False, height=90, elem_id="brief-file")
        with gr.Column(scale=3, min_width=420, elem_id="brief-preview-col"):
            preview = gr.HTML(PREVIEW_PLACEHOLDER, elem_id="brief-preview")
    for trigger in (make.click, topic.submit):
        trigger(lambda t, f: make_briefing(get_assistant(), t, f), [topic, fmt], [status, preview, download],
                api_visibility="private")
