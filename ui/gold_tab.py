"""In the 反馈 tab, for admins: turn a rated answer (👎 or 👍) into a gold case. Pick the feedback, get a
draft pre-filled with its question, history, answer and citations, edit the expected facts and save it
to STORE/gold/FILE.jsonl, which the 评测 tab and `assistant eval --gold` run."""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path
from typing import Callable

import gradio as gr

from ui import notices as notice

from assistant import AssistantError
from ui.admin import AdminGate, Workbench

log = logging.getLogger(__name__)

MARKS = {"up": "赞", "down": "踩"}  # words, not emoji: an emoji font is often missing
TYPE_LABELS = {"figure": "数字", "entity": "实体", "list": "列举", "multi-article": "跨文章",
               "follow-up": "追问", "traditional-script": "繁体", "unanswerable": "应拒答"}


def feedback_choices(records: list[dict]) -> list[tuple[str, str]]:
    """One choice per rated answer (its current opinion), newest first: "踩 问题…（时间）"."""
    latest: dict[str, dict] = {}
    for r in records:
        latest[r["answer_id"]] = r
    return [(f"{MARKS.get(r['rating'], r['rating'])} {r['question'][:40]}（{r.get('timestamp', '')[:16].replace('T', ' ')}）",
             r["answer_id"]) for r in reversed(list(latest.values()))]


def answer_html(record: dict) -> str:
    """The rated answer and its citations, to edit the draft against."""
    cites = "".join(f"<li>[{c.get('n')}] {html.escape(Path(c.get('source', '')).name)}："
                    f"“{html.escape(c.get('quote', ''))}”</li>" for c in record.get("citations") or [])
    comment = f"<p>意见：{html.escape(record['comment'])}</p>" if record.get("comment") else ""
    return (f'<div class="gold-answer"><p><b>当时的回答</b>（{MARKS.get(record.get("rating"), "")}）：'
            f'{html.escape(record.get("answer", ""))}</p>{comment}<ul>{cites}</ul></div>')


def build_gold_editor(read_records: Callable[[], list[dict]], store: Callable[[], Path], workbench: Workbench,
                      gate: AdminGate) -> tuple[gr.Group, gr.Dropdown]:
    """The editor inside the caller's open tab; returns (its group, to show to admins; the picker, to refresh)."""
    with gr.Group(visible=gate.open, elem_id="gold-editor") as group:
        gr.HTML('<div class="panel-title">把反馈变成标准答案用例（管理员）</div>')
        with gr.Row():
            pick = gr.Dropdown(label="选择一条反馈", choices=[], scale=4, elem_id="gold-pick")
            make = gr.Button("生成草稿", scale=1, elem_id="gold-draft")
        shown = gr.HTML(elem_id="gold-shown")
        with gr.Row():
            case_id = gr.Textbox(label="用例 id", elem_id="gold-id", scale=2)
            kind = gr.Dropdown(label="类型", choices=[(f"{TYPE_LABELS.get(t, t)}（{t}）", t) for t in workbench.case_types],
                               value="figure", elem_id="gold-type", scale=2)
            file_name = gr.Textbox(label="保存到（资料库 gold/ 文件夹里的文件）", value=workbench.default_gold_file,
                                   elem_id="gold-file", scale=2)
        question = gr.Textbox(label="问题", elem_id="gold-question")
        facts = gr.Textbox(label="期望的事实：每行一条，同一事实的不同写法用 | 分隔（例如：54家 | 五十四家）",
                           lines=3, elem_id="gold-facts")
        sources = gr.Textbox(label="出处文件名：每行一个", lines=2, elem_id="gold-sources")
        history = gr.Textbox(label='对话历史（JSON，例如 [{"role": "user", "content": "…"}]；没有就留空）', lines=2,
                             elem_id="gold-history")
        note = gr.Textbox(label="备注", elem_id="gold-note")
        save = gr.Button("保存到标准答案集", variant="primary", elem_id="gold-save")
        status = gr.HTML(elem_id="gold-status")

    def drafted(answer_id: str | None, request: gr.Request) -> tuple:
        gate.check(request)
        record = next((r for r in reversed(read_records()) if r.get("answer_id") == answer_id), None)
        if record is None:
            raise notice.error("请先选择一条反馈。")
        d = workbench.draft(record)
        turns = json.dumps(d.get("history", []), ensure_ascii=False) if d.get("history") else ""
        return (answer_html(record), d["id"], d["type"], d["question"], d["facts_text"], "\n".join(d.get("sources", [])),
                turns, d.get("note", ""), "")

    def saved(name, cid, k, q, hist, f, src, n, request: gr.Request) -> str:
        gate.check(request)
        try:
            path = workbench.save(store(), name, cid, k, q, hist, f, src, n)
        except AssistantError as exc:
            log.info("gold case not saved: %s", exc)
            return f'<p class="gold-status warn">没有保存：{html.escape(str(exc))}</p>'
        return (f'<p class="gold-status ok">已保存用例 {html.escape(cid.strip())} 到 {html.escape(str(path))}；'
                "可以在「评测」页运行这个标准答案集。</p>")

    private = {"api_visibility": "private"}
    make.click(drafted, pick, [shown, case_id, kind, question, facts, sources, history, note, status], **private)
    save.click(saved, [file_name, case_id, kind, question, history, facts, sources, note], status, **private)
    return group, pick
