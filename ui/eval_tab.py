"""The 评测 tab: an admin picks a gold set (bundled, or saved under the store's gold/ folder) and what to
run it against (the store being served, or a bundled set's own corpus), runs it with a progress bar and
opens the report. The running and reporting are evals' (handed in as a `Workbench`, see ui/admin.py)."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Callable

import gradio as gr

from ui import notices as notice

from assistant import Assistant, AssistantError
from ui.admin import AdminGate, Workbench

log = logging.getLogger(__name__)

TARGETS = [("当前资料库（正在提供服务的这个）", "served"), ("评测集自带的语料（独立资料库，仅内置评测集）", "own")]
PLACEHOLDER = ('<div class="eval-empty"><p>选择标准答案集和资料库，点「运行评测」。运行结束后这里显示汇总，'
               "下方打开完整报告（未通过的用例附诊断：拒答原因、否决、正确段落的名次和被选中的句子）。</p></div>")


def summary_html(summary: str, passed: int, cases: int) -> str:
    kind = "ok" if passed == cases else "warn"
    return (f'<div class="eval-summary {kind}"><p class="eval-headline">通过 {passed} / {cases} 条用例</p>'
            f"<pre>{html.escape(summary)}</pre></div>")


def report_frame(path: Path) -> str:
    """The self-contained report inline (charts are data URIs), in a sandboxed frame: it is a document, not UI."""
    doc = html.escape(path.read_text(encoding="utf-8"), quote=True)
    return f'<iframe class="eval-report" sandbox="allow-same-origin" srcdoc="{doc}"></iframe>'


def build_eval_tab(get_assistant: Callable[[], Assistant], workbench: Workbench, gate: AdminGate) -> gr.Dropdown:
    """The tab's contents inside the caller's open `gr.Tab`; returns the gold-set picker (refresh it on select)."""
    store = lambda: Path(get_assistant().settings.store).expanduser()  # noqa: E731
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=320):
            gold = gr.Dropdown(label="标准答案集", choices=workbench.gold_sets(store()), elem_id="eval-gold")
            target = gr.Radio(TARGETS, value="served", label="在哪个资料库上运行", elem_id="eval-target")
            with gr.Row():
                refresh = gr.Button("刷新列表", size="sm", elem_id="eval-refresh")
                run = gr.Button("运行评测", variant="primary", elem_id="eval-run")
            report_file = gr.File(label="报告文件（HTML，可下载）", interactive=False, height=90, elem_id="eval-file")
        with gr.Column(scale=3, min_width=420):
            summary = gr.HTML(PLACEHOLDER, elem_id="eval-summary")
    report = gr.HTML(elem_id="eval-report")

    def refreshed() -> dict:
        return gr.update(choices=workbench.gold_sets(store()))

    def start(gold_value: str | None, target_value: str, request: gr.Request, progress=gr.Progress()) -> tuple:
        gate.check(request)
        if not gold_value:
            raise notice.error("请先选择一个标准答案集。")
        progress(0, desc="正在评测")

        def step(done: int, total: int) -> None:
            progress((done, total), desc="正在评测", unit="题")

        try:
            outcome = workbench.run(gold_value, target_value, get_assistant(), step)
        except AssistantError as exc:
            log.info("eval from the UI failed: %s", exc)
            raise notice.error(str(exc)) from exc
        return summary_html(outcome.summary, outcome.passed, outcome.cases), str(outcome.html), report_frame(outcome.html)

    refresh.click(refreshed, None, gold, api_visibility="private")
    run.click(start, [gold, target], [summary, report_file, report], api_visibility="private")
    return gold
