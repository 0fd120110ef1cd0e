"""The 命中测试 tab: an admin types a question and sees the ranked passages with their BM25, dense, fused and
rerank scores, and every sentence the answerer weighed, with its features, veto and the one it chose.

All of it comes from `Assistant.explain` (the real retrieval and answerer); this module only renders it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import gradio as gr

from assistant import Assistant, AssistantError, EmptyStoreError, HitTest
from ui.admin import AdminGate
from ui.render import esc

log = logging.getLogger(__name__)

PLACEHOLDER = ('<div class="hit-empty"><p>输入一个答错或拒答的问题，点「诊断」：这里会列出检索到的段落及各路得分，'
               "以及回答器权衡过的每个句子、它的特征、否决原因和最终选中的句子。</p></div>")
STATUS_CLASS = {"选中": "chosen", "否决": "vetoed", "未过相关度门槛": "offtopic", "落选": "outscored"}
MAX_CANDIDATES = 40
FEATURE_LABELS = {"focus": "问到的词覆盖", "context": "段落覆盖", "rank": "段落名次", "semantic": "语义相似度",
                  "figure_clause": "数字所在分句覆盖", "unit_match": "单位相符", "names_asked_figures": "含问题里的数字",
                  "has_year": "有年份", "enumeration": "是列举", "semantic_gap": "与最相似句的差距"}


def _num(value, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ranked(score, rank, digits: int) -> str:
    return "—" if score is None else f"{score:.{digits}f}<small>（第 {rank}）</small>"


def passages_table(hit: HitTest) -> str:
    rows = "".join(
        f'<tr><td class="num">{p.rank}</td><td>{esc(Path(p.source).name)}<div class="hit-snippet">'
        f'{esc(p.text[:90])}…</div></td><td class="num">{_ranked(p.bm25, p.bm25_rank, 2)}</td>'
        f'<td class="num">{_ranked(p.dense, p.dense_rank, 3)}</td><td class="num">{_num(p.fused, 4)}</td>'
        f'<td class="num">{_num(p.rerank)}</td><td class="num"><b>{_num(p.final)}</b></td></tr>'
        for p in hit.passages)
    return ('<table class="hit-table" id="hit-passages"><tr><th>名次</th><th>段落</th><th>BM25（名次）</th>'
            f"<th>向量（名次）</th><th>融合</th><th>重排</th><th>最终</th></tr>{rows}</table>")


def _features(features: dict) -> str:
    def shown(v):
        return "是" if v is True else "否" if v is False else v

    return "；".join(f"{FEATURE_LABELS.get(k, k)} {shown(v)}" for k, v in features.items())


def candidates_table(hit: HitTest, most: int = MAX_CANDIDATES) -> str:
    rows = "".join(
        f'<tr class="hit-{STATUS_CLASS.get(c.status, "outscored")}"><td><span class="hit-badge">{esc(c.status)}</span></td>'
        f'<td class="num">{_num(c.score)}</td><td>{esc(c.text)}<div class="hit-why">{esc(c.why)}</div>'
        f'<div class="hit-features">{esc(_features(c.features))}</div></td>'
        f'<td>{esc(Path(c.source).name)}<br><small>段落 #{c.passage_rank}</small></td></tr>'
        for c in hit.candidates[:most])
    more = (f'<p class="hit-more">另有 {len(hit.candidates) - most} 个句子未显示（用 assistant search --json 查看全部）。</p>'
            if len(hit.candidates) > most else "")
    return ('<table class="hit-table" id="hit-candidates"><tr><th>结果</th><th>得分</th><th>句子、原因与特征</th>'
            f"<th>来源</th></tr>{rows}</table>{more}")


def hit_test_html(hit: HitTest) -> str:
    """The whole hit test as escaped HTML: the answer, the passages, the candidate sentences."""
    a = hit.answer
    resolved = (f'<p class="hit-resolved">理解为：{esc(hit.resolved_question)}</p>'
                if hit.resolved_question and hit.resolved_question != hit.question else "")
    reason = f'<p class="hit-reason">拒答原因：{esc(a.refusal_reason)}</p>' if a.refused and a.refusal_reason else ""
    note = f'<p class="hit-note">{esc(hit.note)}</p>' if hit.note else ""
    return (f'<div class="hit-test"><div class="hit-answer"><b>回答：</b>{esc(a.answer)}{reason}</div>{resolved}'
            f'<h3>检索到的段落（{len(hit.passages)} 个，按最终得分排序）</h3>{passages_table(hit)}'
            f'<h3>回答器（{esc(hit.answerer)}）权衡的句子（{len(hit.candidates)} 个）</h3>{note}'
            f"{candidates_table(hit)}</div>")


def run_hit_test(assistant: Assistant, question: str) -> str:
    """The tab's output for one question; user mistakes become a Chinese message, never a traceback."""
    if not (question or "").strip():
        return '<p class="hit-note">请输入要诊断的问题，例如：什邡市总工会建了多少家新就业形态工会？</p>'
    try:
        return hit_test_html(assistant.explain(question))
    except EmptyStoreError:
        return '<p class="hit-note">资料库里还没有文档：请先到「文档」页上传文件并点「导入」。</p>'
    except AssistantError as exc:
        log.warning("hit test failed: %s", exc)
        return f'<p class="hit-note">诊断失败：{esc(str(exc))}</p>'


def build_hit_test_tab(get_assistant: Callable[[], Assistant], gate: AdminGate) -> None:
    """The tab's contents, created inside the caller's open `gr.Tab`."""
    with gr.Row(elem_id="hit-row"):
        question = gr.Textbox(label="要诊断的问题", show_label=False, placeholder="输入要诊断的问题，按回车或点「诊断」", scale=8,
                              elem_id="hit-question")
        go = gr.Button("诊断", variant="primary", scale=1, min_width=80, elem_id="hit-go")
    result = gr.HTML(PLACEHOLDER, elem_id="hit-result")

    def diagnose(q: str, request: gr.Request) -> str:
        gate.check(request)
        return run_hit_test(get_assistant(), q)

    for trigger in (go.click, question.submit):
        trigger(diagnose, question, result, api_visibility="private")
